//! Exercise 10-2 — reference solution: `slab::Slab`.
//!
//! A slab stores the values themselves in one `Vec` of entries and keeps a
//! free list of the entries removals left vacant; an insertion takes the
//! most recently vacated one. Once warm, the churn never grows the `Vec`:
//! no allocation at all.

use lab10_arenas_and_slabs::exercises::pool::NodePool;
use lab10_arenas_and_slabs::slab::Slab;

/// Values behind `usize` handles, in a slab.
pub struct Pool {
    values: Slab<u64>,
}

impl NodePool for Pool {
    fn with_capacity(capacity: usize) -> Self {
        Pool {
            values: Slab::with_capacity(capacity),
        }
    }

    fn insert(&mut self, value: u64) -> usize {
        self.values.insert(value)
    }

    fn remove(&mut self, handle: usize) -> Option<u64> {
        self.values.try_remove(handle)
    }

    fn get(&self, handle: usize) -> Option<u64> {
        self.values.get(handle).copied()
    }

    fn len(&self) -> usize {
        self.values.len()
    }
}
