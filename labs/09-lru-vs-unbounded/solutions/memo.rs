//! Exercise 09-2 — reference solution: evict the oldest result when full.
//!
//! A map and a queue of keys in insertion order, both sized once to the
//! capacity: memory is bounded by the capacity, not by the stream.

use std::collections::{HashMap, VecDeque};

use lab09_lru_vs_unbounded::exercises::memo::Memoize;

/// Remembers at most `capacity` computed results.
pub struct Memo {
    results: HashMap<u64, u64>,
    order: VecDeque<u64>,
    capacity: usize,
}

impl Memoize for Memo {
    fn new(capacity: usize) -> Self {
        Memo {
            results: HashMap::with_capacity(capacity),
            order: VecDeque::with_capacity(capacity),
            capacity,
        }
    }

    fn get_or_compute(&mut self, key: u64, compute: &dyn Fn(u64) -> u64) -> u64 {
        if let Some(&value) = self.results.get(&key) {
            return value;
        }
        let value = compute(key);
        if self.capacity == 0 {
            return value;
        }
        if self.results.len() == self.capacity
            && let Some(oldest) = self.order.pop_front()
        {
            self.results.remove(&oldest);
        }
        self.results.insert(key, value);
        self.order.push_back(key);
        value
    }

    fn entries(&self) -> usize {
        self.results.len()
    }
}
