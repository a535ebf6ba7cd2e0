//! Exercise 09-1 — an O(1) LRU cache that allocates nothing once warm.
//!
//! The tutorial's good cache is an LRU: at most `capacity` entries, the
//! least recently used evicted first. Its list-based version moves a key to
//! the end of a list on every hit, O(n) per operation. Rust's answer: a
//! map from key to node, and a doubly linked list of nodes kept in one
//! `slab::Slab` (or `Vec`) and linked by index.
//!
//! Task: implement `Lru` (`with_capacity`, `get`, `put`, `entries`) with
//! LRU eviction. Budgets: on a warm cache of 1 000 entries, **at most 4
//! allocations for 10 000 and for 100 000 operations** (none per
//! operation); filling an empty cache of capacity n (1 000 and 10 000),
//! **a peak of at most 6 × n × 16 bytes**. Floor: n × 16 bytes (keys and
//! values alone).
//!
//! Check it: `heaplab exercise check 09-1`.

use std::collections::HashMap;

use lab09_lru_vs_unbounded::exercises::lru::LruCache;
use slab::Slab;

/// Marks "no node" in a link.
const NIL: usize = usize::MAX;

/// One entry, linked to its neighbours in recency order.
struct Node {
    key: u64,
    value: u64,
    prev: usize,
    next: usize,
}

/// An LRU cache of `u64` keys and values.
pub struct Lru {
    map: HashMap<u64, usize>,
    nodes: Slab<Node>,
    head: usize,
    tail: usize,
    capacity: usize,
}

impl LruCache for Lru {
    fn with_capacity(capacity: usize) -> Self {
        todo!("an empty cache for {capacity} entries")
    }

    fn get(&mut self, key: u64) -> Option<u64> {
        todo!("look {key} up; on a hit, move its node to the head")
    }

    fn put(&mut self, key: u64, value: u64) {
        todo!("update or insert {key} = {value} at the head; evict the tail when full")
    }

    fn entries(&self) -> usize {
        todo!()
    }
}
