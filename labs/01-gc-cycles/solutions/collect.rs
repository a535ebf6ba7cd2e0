//! Exercise 01-2 — reference solution: drop the handles, then `collect()`.
//!
//! Dropping `a` and `b` only lowers their counts to 1 (each is still its
//! partner's partner); the collector finds that nothing outside the pair
//! points to it and frees both.

use lab01_gc_cycles::exercises::collect::{PairNode, collect, freed};

/// Makes `k` two-node cycles, drops them, and returns how many nodes were freed.
pub fn collect_cycles(k: usize) -> usize {
    let before = freed();
    for i in 0..k as u64 {
        let a = PairNode::new(2 * i);
        let b = PairNode::new(2 * i + 1);
        *a.partner.borrow_mut() = Some(b.clone());
        *b.partner.borrow_mut() = Some(a.clone());
    }
    collect();
    freed() - before
}
