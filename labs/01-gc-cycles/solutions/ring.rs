//! Exercise 01-1 — reference solution: strong links forward, weak links back.
//!
//! Node 0 owns node 1, which owns node 2, and so on: a chain, not a cycle.
//! Every link back is a `Weak`, which keeps no node alive, and the last
//! node has no strong link to node 0: walking forward starts over from the
//! owner. Dropping node 0 frees the chain; `Drop` unlinks it in a loop, so
//! a long ring is not freed by a recursion one call deep per node.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

/// One node of the ring.
pub struct Node {
    value: u64,
    // The next node, owned; `None` on the last node (its next is node 0).
    next: Option<Link>,
    // The previous node, not owned.
    prev: Weak<RefCell<Node>>,
}

impl Drop for Node {
    fn drop(&mut self) {
        let mut next = self.next.take();
        while let Some(node) = next {
            next = Rc::try_unwrap(node)
                .ok()
                .and_then(|cell| cell.into_inner().next.take());
        }
    }
}

/// A shared handle to a node; `build` returns node 0's.
pub type Link = Rc<RefCell<Node>>;

/// A ring of `n` nodes (values `0..n`, n ≥ 1); returns node 0, its owner.
pub fn build(n: usize) -> Link {
    let first = Rc::new(RefCell::new(Node {
        value: 0,
        next: None,
        prev: Weak::new(),
    }));
    let mut last = Rc::clone(&first);
    for i in 1..n {
        let node = Rc::new(RefCell::new(Node {
            value: i as u64,
            next: None,
            prev: Rc::downgrade(&last),
        }));
        last.borrow_mut().next = Some(Rc::clone(&node));
        last = node;
    }
    first.borrow_mut().prev = Rc::downgrade(&last);
    first
}

/// The values seen walking `steps` nodes forward from node 0 (node 0 first).
pub fn forward(first: &Link, steps: usize) -> Vec<u64> {
    let mut seen = Vec::with_capacity(steps);
    let mut node = Rc::clone(first);
    for _ in 0..steps {
        seen.push(node.borrow().value);
        let next = node.borrow().next.clone();
        node = next.unwrap_or_else(|| Rc::clone(first));
    }
    seen
}

/// The values seen walking `steps` nodes backward from node 0 (node 0 first).
pub fn backward(first: &Link, steps: usize) -> Vec<u64> {
    let mut seen = Vec::with_capacity(steps);
    let mut node = Rc::clone(first);
    for _ in 0..steps {
        seen.push(node.borrow().value);
        let prev = node.borrow().prev.upgrade().expect("the ring is alive");
        node = prev;
    }
    seen
}
