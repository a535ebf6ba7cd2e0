//! Exercise 10-2 — a pool whose churn allocates nothing once warm.
//!
//! Objects that come and go — entities in a game, connections, tree nodes —
//! are where one allocation per object hurts most: every removal is a free
//! and every insertion a malloc, forever. This starting pool boxes each
//! value and never reuses a removed slot: right answers, one allocation per
//! insertion, and a slot list that keeps growing.
//!
//! Task: a `Pool` whose handles stay valid until removed, and whose churn —
//! n removals and n insertions at random positions on a pool already
//! holding n values (the warm-up happens before the measurement) —
//! **allocates nothing: 0 blocks, 0 bytes**, at n = 10 000 and 100 000.
//!
//! slab is reachable as `slab` or `lab10_arenas_and_slabs::slab`.
//!
//! Check it: `heaplab exercise check 10-2`.

use lab10_arenas_and_slabs::exercises::pool::NodePool;

/// Values behind `usize` handles.
pub struct Pool {
    // Slot `h` holds the value of handle `h`, or None once removed.
    slots: Vec<Option<Box<u64>>>,
    live: usize,
}

impl NodePool for Pool {
    fn with_capacity(_capacity: usize) -> Self {
        Pool {
            slots: Vec::new(),
            live: 0,
        }
    }

    fn insert(&mut self, value: u64) -> usize {
        self.slots.push(Some(Box::new(value)));
        self.live += 1;
        self.slots.len() - 1
    }

    fn remove(&mut self, handle: usize) -> Option<u64> {
        let value = self.slots.get_mut(handle)?.take()?;
        self.live -= 1;
        Some(*value)
    }

    fn get(&self, handle: usize) -> Option<u64> {
        self.slots.get(handle)?.as_deref().copied()
    }

    fn len(&self) -> usize {
        self.live
    }
}
