//! Exercise 09-2 — fix the unbounded cache: bounded memory for an endless stream.
//!
//! The tutorial's leaking cache remembers every result it has computed. On
//! a stream of keys that never repeat (request ids, timestamps) it grows
//! forever. This starting version is that cache: right answers, and memory
//! that grows with every key.
//!
//! Task: a `Memo` that keeps **at most `capacity` results** (any eviction
//! policy). Budget, for a stream of 10 000 and of 100 000 distinct keys at
//! capacity 256: **a peak of at most 8 × 256 × 16 bytes = 32 KiB**, the
//! same at both lengths. Floor: 256 × 16 bytes, the results alone.
//!
//! Check it: `heaplab exercise check 09-2`.

use std::collections::HashMap;

use lab09_lru_vs_unbounded::exercises::memo::Memoize;

/// Remembers computed results.
pub struct Memo {
    results: HashMap<u64, u64>,
}

impl Memoize for Memo {
    fn new(_capacity: usize) -> Self {
        Memo {
            results: HashMap::new(),
        }
    }

    fn get_or_compute(&mut self, key: u64, compute: &dyn Fn(u64) -> u64) -> u64 {
        *self.results.entry(key).or_insert_with(|| compute(key))
    }

    fn entries(&self) -> usize {
        self.results.len()
    }
}
