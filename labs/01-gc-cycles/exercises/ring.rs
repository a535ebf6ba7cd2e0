//! Exercise 01-1 — break the leaking cycle: a ring that frees itself.
//!
//! The tutorial's `Node` points at its neighbours both ways, and two nodes
//! that point at each other keep each other's reference count above zero:
//! reference counting alone never frees them. CPython has a cycle collector
//! for that; Rust's `Rc` has none. This starting version is a ring of `n`
//! nodes linked by strong `Rc`s both ways: it walks correctly, and once its
//! owner is dropped every node stays on the heap.
//!
//! Task: keep `build`, `forward` and `backward` working, and make the ring
//! free itself when its owner is dropped. Budget, at n = 1 000 and 10 000:
//! **0 bytes live** after the drop, **at most n allocations** (one block per
//! node), and a peak of at most 2 × n × 48 bytes. Floor: one allocation
//! (all nodes in one `Vec`, linked by index).
//!
//! Check it: `heaplab exercise check 01-1`; a hint: `heaplab exercise hint 01-1`.

use std::cell::RefCell;
use std::rc::Rc;

/// One node of the ring.
pub struct Node {
    value: u64,
    next: Option<Link>,
    prev: Option<Link>,
}

/// A shared handle to a node; `build` returns node 0's.
pub type Link = Rc<RefCell<Node>>;

/// A ring of `n` nodes (values `0..n`, n ≥ 1); returns node 0, its owner.
pub fn build(n: usize) -> Link {
    let first = Rc::new(RefCell::new(Node {
        value: 0,
        next: None,
        prev: None,
    }));
    let mut last = Rc::clone(&first);
    for i in 1..n {
        let node = Rc::new(RefCell::new(Node {
            value: i as u64,
            next: None,
            prev: Some(Rc::clone(&last)),
        }));
        last.borrow_mut().next = Some(Rc::clone(&node));
        last = node;
    }
    last.borrow_mut().next = Some(Rc::clone(&first));
    first.borrow_mut().prev = Some(last);
    first
}

/// The values seen walking `steps` nodes forward from node 0 (node 0 first).
pub fn forward(first: &Link, steps: usize) -> Vec<u64> {
    let mut seen = Vec::with_capacity(steps);
    let mut node = Rc::clone(first);
    for _ in 0..steps {
        seen.push(node.borrow().value);
        let next = node.borrow().next.clone().expect("every node has a next");
        node = next;
    }
    seen
}

/// The values seen walking `steps` nodes backward from node 0 (node 0 first).
pub fn backward(first: &Link, steps: usize) -> Vec<u64> {
    let mut seen = Vec::with_capacity(steps);
    let mut node = Rc::clone(first);
    for _ in 0..steps {
        seen.push(node.borrow().value);
        let prev = node.borrow().prev.clone().expect("every node has a prev");
        node = prev;
    }
    seen
}
