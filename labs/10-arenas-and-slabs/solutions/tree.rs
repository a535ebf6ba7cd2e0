//! Exercise 10-1 — reference solution: the nodes in a `bumpalo::Bump`.
//!
//! Every node is allocated in one arena that lives as long as the function;
//! links are shared references into it, held in `Cell`s so an insertion can
//! set them. The arena allocates a few chunks that double in size, and frees
//! them all at once when it is dropped. The nodes have no `Drop` to run, so
//! bumpalo's skipping of `Drop` costs nothing here.

use std::cell::Cell;

use lab10_arenas_and_slabs::bumpalo::Bump;

/// A tree node in the arena: a key and two links, 24 bytes.
struct Node<'a> {
    key: u64,
    left: Cell<Option<&'a Node<'a>>>,
    right: Cell<Option<&'a Node<'a>>>,
}

fn preorder(node: Option<&Node<'_>>, rank: &mut u64, sum: &mut u64) {
    if let Some(node) = node {
        *rank += 1;
        *sum = sum.wrapping_add(rank.wrapping_mul(node.key));
        preorder(node.left.get(), rank, sum);
        preorder(node.right.get(), rank, sum);
    }
}

/// Builds the search tree of `keys` in an arena and returns its pre-order checksum.
pub fn tree_checksum(keys: &[u64]) -> u64 {
    let arena = Bump::new();
    let mut root: Option<&Node<'_>> = None;
    for &key in keys {
        let node: &Node<'_> = arena.alloc(Node {
            key,
            left: Cell::new(None),
            right: Cell::new(None),
        });
        let Some(mut at) = root else {
            root = Some(node);
            continue;
        };
        loop {
            let side = if key < at.key { &at.left } else { &at.right };
            match side.get() {
                Some(next) => at = next,
                None => {
                    side.set(Some(node));
                    break;
                }
            }
        }
    }
    let (mut rank, mut sum) = (0, 0);
    preorder(root, &mut rank, &mut sum);
    sum
}
