//! Exercise 01-3 — reference solution: children owned, parents weak.
//!
//! Each node owns its children through `Rc`s and points back at its parent
//! through a `Weak`, which keeps nothing alive: the root is owned by the
//! caller alone, and dropping it frees every node no handle still holds.
//! `Rc::new_cyclic` hands each node's `Weak` to its children while they
//! are built, so a node is written once — no `RefCell`, no `Vec` of
//! handles: one `Rc` block per node and nothing else.

use std::rc::{Rc, Weak};

/// One node of the tree.
pub struct Node {
    value: u64,
    // The parent, not owned; empty at the root.
    parent: Weak<Node>,
    // The children, owned.
    left: Option<Link>,
    right: Option<Link>,
}

/// A shared handle to a node; `build` returns the root's.
pub type Link = Rc<Node>;

/// The subtree rooted at node `i` of a tree of `n`, under `parent`.
fn subtree(i: usize, n: usize, parent: Weak<Node>) -> Option<Link> {
    (i < n).then(|| {
        Rc::new_cyclic(|me| Node {
            value: i as u64,
            parent,
            left: subtree(2 * i + 1, n, me.clone()),
            right: subtree(2 * i + 2, n, me.clone()),
        })
    })
}

/// A complete binary tree of `n` nodes (values `0..n`, breadth-first);
/// returns its root, `None` when `n` is 0.
pub fn build(n: usize) -> Option<Link> {
    subtree(0, n, Weak::new())
}

/// The nodes in the tree.
pub fn size(root: &Option<Link>) -> usize {
    root.as_ref()
        .map_or(0, |node| 1 + size(&node.left) + size(&node.right))
}

/// The levels of the tree: 0 when empty, 1 for the root alone.
pub fn depth(root: &Option<Link>) -> usize {
    root.as_ref()
        .map_or(0, |node| 1 + depth(&node.left).max(depth(&node.right)))
}

/// A handle to node `i`, if the tree has one: the bits of `i + 1` after
/// its leading one spell the way down (0 left, 1 right).
pub fn find(root: &Option<Link>, i: u64) -> Option<Link> {
    let path = i.checked_add(1)?;
    let mut node = root.as_ref()?;
    for bit in (0..path.ilog2()).rev() {
        node = if path >> bit & 1 == 0 {
            node.left.as_ref()?
        } else {
            node.right.as_ref()?
        };
    }
    Some(Rc::clone(node))
}

/// The value of `node`'s parent, if it has one that is still alive.
pub fn parent(node: &Link) -> Option<u64> {
    node.parent.upgrade().map(|parent| parent.value)
}
