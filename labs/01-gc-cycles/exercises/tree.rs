//! Exercise 01-3 — a tree with parent pointers that leaks nothing.
//!
//! A tree whose nodes know their parent is the tutorial's cycle in
//! disguise: the parent holds each child, and each child holds its parent,
//! so every parent–child pair keeps the other's reference count above zero.
//! CPython's cycle collector frees such a tree in the end (or `weakref`
//! parents free it at once); Rust's `Rc` has no collector. This starting
//! version links parents to children and children to parents with strong
//! `Rc`s: it answers correctly, and once its root is dropped every node
//! stays on the heap.
//!
//! Task: keep `build`, `size`, `depth`, `find` and `parent` working — the
//! tree of `n` is complete and binary, values `0..n` in breadth-first
//! order, so node `i`'s children are `2 i + 1` and `2 i + 2` — and make it
//! free itself when its root is dropped: a handle to a node may outlive
//! the tree, and then `parent` reports `None` once the parent is gone.
//! Budget, at n = 1 000 and 10 000: **0 bytes live** after the drop, **at
//! most n allocations** (one block per node), and a peak of at most
//! 2 × n × 56 bytes. Floor: one allocation, n × 32 bytes (a `u64` and three
//! links per node).
//!
//! Check it: `heaplab exercise check 01-3`; a hint: `heaplab exercise hint 01-3`.

use std::cell::RefCell;
use std::rc::Rc;

/// One node of the tree.
pub struct Node {
    value: u64,
    parent: Option<Link>,
    left: Option<Link>,
    right: Option<Link>,
}

/// A shared handle to a node; `build` returns the root's.
pub type Link = Rc<RefCell<Node>>;

/// The subtree rooted at node `i` of a tree of `n`, under `parent`.
fn subtree(i: usize, n: usize, parent: Option<Link>) -> Option<Link> {
    if i >= n {
        return None;
    }
    let node = Rc::new(RefCell::new(Node {
        value: i as u64,
        parent,
        left: None,
        right: None,
    }));
    let left = subtree(2 * i + 1, n, Some(Rc::clone(&node)));
    let right = subtree(2 * i + 2, n, Some(Rc::clone(&node)));
    {
        let mut this = node.borrow_mut();
        this.left = left;
        this.right = right;
    }
    Some(node)
}

/// A complete binary tree of `n` nodes (values `0..n`, breadth-first);
/// returns its root, `None` when `n` is 0.
pub fn build(n: usize) -> Option<Link> {
    subtree(0, n, None)
}

/// The nodes in the tree.
pub fn size(root: &Option<Link>) -> usize {
    root.as_ref().map_or(0, |node| {
        let node = node.borrow();
        1 + size(&node.left) + size(&node.right)
    })
}

/// The levels of the tree: 0 when empty, 1 for the root alone.
pub fn depth(root: &Option<Link>) -> usize {
    root.as_ref().map_or(0, |node| {
        let node = node.borrow();
        1 + depth(&node.left).max(depth(&node.right))
    })
}

/// A handle to node `i`, if the tree has one: the bits of `i + 1` after
/// its leading one spell the way down (0 left, 1 right).
pub fn find(root: &Option<Link>, i: u64) -> Option<Link> {
    let path = i.checked_add(1)?;
    let mut node = Rc::clone(root.as_ref()?);
    for bit in (0..path.ilog2()).rev() {
        let next = if path >> bit & 1 == 0 {
            node.borrow().left.clone()
        } else {
            node.borrow().right.clone()
        };
        node = next?;
    }
    Some(node)
}

/// The value of `node`'s parent, if it has one that is still alive.
pub fn parent(node: &Link) -> Option<u64> {
    node.borrow()
        .parent
        .as_ref()
        .map(|parent| parent.borrow().value)
}
