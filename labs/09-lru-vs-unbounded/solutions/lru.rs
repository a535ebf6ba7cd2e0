//! Exercise 09-1 — reference solution: a slab of index-linked nodes and a map.
//!
//! Both are sized once; an eviction frees a slab slot that the next insert
//! reuses, so a warm cache allocates only when its hash table rebuilds.

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

impl Lru {
    fn detach(&mut self, i: usize) {
        let (prev, next) = (self.nodes[i].prev, self.nodes[i].next);
        match prev {
            NIL => self.head = next,
            p => self.nodes[p].next = next,
        }
        match next {
            NIL => self.tail = prev,
            n => self.nodes[n].prev = prev,
        }
    }

    fn push_front(&mut self, i: usize) {
        self.nodes[i].prev = NIL;
        self.nodes[i].next = self.head;
        match self.head {
            NIL => self.tail = i,
            h => self.nodes[h].prev = i,
        }
        self.head = i;
    }
}

impl LruCache for Lru {
    fn with_capacity(capacity: usize) -> Self {
        Lru {
            map: HashMap::with_capacity(capacity),
            nodes: Slab::with_capacity(capacity),
            head: NIL,
            tail: NIL,
            capacity,
        }
    }

    fn get(&mut self, key: u64) -> Option<u64> {
        let i = *self.map.get(&key)?;
        if self.head != i {
            self.detach(i);
            self.push_front(i);
        }
        Some(self.nodes[i].value)
    }

    fn put(&mut self, key: u64, value: u64) {
        if let Some(&i) = self.map.get(&key) {
            self.nodes[i].value = value;
            if self.head != i {
                self.detach(i);
                self.push_front(i);
            }
            return;
        }
        if self.capacity == 0 {
            return;
        }
        if self.nodes.len() == self.capacity {
            let oldest = self.tail;
            self.detach(oldest);
            let evicted = self.nodes.remove(oldest);
            self.map.remove(&evicted.key);
        }
        let i = self.nodes.insert(Node {
            key,
            value,
            prev: NIL,
            next: NIL,
        });
        self.push_front(i);
        self.map.insert(key, i);
    }

    fn entries(&self) -> usize {
        self.nodes.len()
    }
}
