//! Exercise 10-1 — a search tree in an arena: a few chunks instead of n boxes.
//!
//! CPython allocates every node of a tree as its own object; the plain Rust
//! translation does the same with one `Box` per node. Here every node dies
//! at the same moment — when the function returns — so one allocation per
//! node is a choice, not a law. This starting version boxes every node: it
//! is right, and it makes n allocations.
//!
//! Task: `tree_checksum(keys)` inserts the keys in order into a binary search
//! tree (smaller keys to the left, the others to the right), then returns
//! the sum of `rank × key` over the nodes in pre-order (node, left subtree,
//! right subtree; ranks from 1; wrapping). Budget, at 10 000 and 100 000
//! shuffled keys: **at most as many allocations as a `bumpalo::Bump` makes
//! for n nodes of 24 bytes** (its chunks double: 448, 960, 1 984, … usable
//! bytes; `lab10_arenas_and_slabs::exercises::tree::chunk_budget(n)`), and a
//! peak within those chunks' bytes. Floor: one block, n × 24 bytes.
//!
//! bumpalo is reachable as `lab10_arenas_and_slabs::bumpalo`.
//!
//! Check it: `heaplab exercise check 10-1`.

/// A tree node, one `Box` each.
struct Node {
    key: u64,
    left: Option<Box<Node>>,
    right: Option<Box<Node>>,
}

fn preorder(node: &Option<Box<Node>>, rank: &mut u64, sum: &mut u64) {
    if let Some(node) = node {
        *rank += 1;
        *sum = sum.wrapping_add(rank.wrapping_mul(node.key));
        preorder(&node.left, rank, sum);
        preorder(&node.right, rank, sum);
    }
}

/// Builds the search tree of `keys` and returns its pre-order checksum.
pub fn tree_checksum(keys: &[u64]) -> u64 {
    let mut root: Option<Box<Node>> = None;
    for &key in keys {
        let mut slot = &mut root;
        while let Some(node) = slot {
            slot = if key < node.key {
                &mut node.left
            } else {
                &mut node.right
            };
        }
        *slot = Some(Box::new(Node {
            key,
            left: None,
            right: None,
        }));
    }
    let (mut rank, mut sum) = (0, 0);
    preorder(&root, &mut rank, &mut sum);
    sum
}
