//! Exercise 01-2 — what a collection finds: count the nodes `collect()` frees.
//!
//! The tutorial's notebook (exercise 2) asks what `gc.collect()` returns
//! once circular references are dropped. Rust's `Rc` has no collector; the
//! `dumpster` crate adds one: its `Gc` is reference counted like `Rc`, and
//! `collect()` frees the cycles nothing outside points to. This lab's
//! `PairNode` counts its own drops: `freed()` is the number freed so far.
//!
//! Task: `collect_cycles(k)` makes `k` two-node cycles (each node the
//! other's partner), drops every handle, runs a collection, and returns how
//! many nodes were freed: 2 × k. The starting version below makes the
//! cycles but never collects them: it returns 0, and they stay on the heap.
//! Budget, at k = 1 000 and 10 000: **0 bytes live** once it returns.
//!
//! Check it: `heaplab exercise check 01-2` (the Python twin: `--python`).

use lab01_gc_cycles::exercises::collect::{PairNode, freed};

/// Makes `k` two-node cycles, drops them, and returns how many nodes were freed.
pub fn collect_cycles(k: usize) -> usize {
    let before = freed();
    for i in 0..k as u64 {
        let a = PairNode::new(2 * i);
        let b = PairNode::new(2 * i + 1);
        *a.partner.borrow_mut() = Some(b.clone());
        *b.partner.borrow_mut() = Some(a.clone());
    }
    freed() - before
}
