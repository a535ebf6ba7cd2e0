//! Lab 09's exercises: what each checks, and the traits a student implements.
//!
//! The files a student edits are `exercises/*.rs` beside this crate; the
//! reference solutions are `solutions/*.rs`. Budgets are computed from
//! `size_of` and `n` here, never pasted.

use heaplab_core::exercise::Exercise;

/// The exercises, in order (ids `09-1`, `09-2`).
pub fn list() -> Vec<Exercise> {
    vec![
        Exercise::new(
            1,
            "An O(1) LRU cache that allocates nothing once warm",
            "lru.rs",
            "exercises::lru::check::<answer::Lru>()",
        )
        .hint("Two structures: a map from key to where the entry lives, and a recency order you can reorder in O(1) — a doubly linked list.")
        .hint("A linked list of `Box`ed nodes (or `std::collections::LinkedList`) allocates a node on every miss: the warm budget fails. Keep the nodes in one `Vec` or `slab::Slab` sized to the capacity, and link them by index (prev/next as `usize`).")
        .hint("`with_capacity`: `HashMap::with_capacity(cap)` and `Slab::with_capacity(cap)`. On a miss at capacity, unlink the tail, `remove` it from the slab and the map, then insert the new node at the head: the slab reuses the freed slot, so nothing is allocated."),
        Exercise::new(
            2,
            "Fix the unbounded cache: bounded memory for an endless stream",
            "memo.rs",
            "exercises::memo::check::<answer::Memo>()",
        )
        .hint("The starting memo keeps every key it has seen: a stream of distinct keys (request ids, timestamps) grows it forever. That is the tutorial's leaking cache.")
        .hint("Any eviction policy bounds memory: remember the insertion order (a `VecDeque` of keys) and remove the oldest key when the map is full.")
        .hint("Size both with `with_capacity(capacity)` once: the map never grows past it, and the peak stays the same at 10 000 and 100 000 keys."),
    ]
}

/// Exercise 09-1: an O(1) LRU cache.
pub mod lru {
    use std::collections::VecDeque;
    use std::hint::black_box;
    use std::mem::size_of;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, expect_eq};

    use crate::zipf_trace;

    /// The warm cache's capacity: a thousand entries.
    pub const CAPACITY: usize = 1_000;
    /// Operations on the warm cache: ten and a hundred per entry, so a cost
    /// per operation grows tenfold between the two.
    pub const WARM_SIZES: &[usize] = &[10_000, 100_000];
    /// Capacities of the "fill" check: a thousand, and ten times as many.
    pub const FILL_SIZES: &[usize] = &[1_000, 10_000];
    /// Allocations allowed on a warm cache, whatever the number of
    /// operations: a hash table rebuilds itself now and then as deleted
    /// entries pile up (hashbrown grows once, then rehashes in place).
    pub const WARM_ALLOCS: u64 = 4;
    /// The fill budget, in multiples of the entries' own bytes (key and
    /// value, 16 bytes): the map's buckets and the order links need room.
    pub const FILL_MULTIPLE: usize = 6;

    /// What an LRU cache of `u64` keys and values offers.
    pub trait LruCache {
        /// An empty cache holding at most `capacity` entries (0: holds nothing).
        fn with_capacity(capacity: usize) -> Self;
        /// The value of `key`, which becomes the most recently used; `None` if absent.
        fn get(&mut self, key: u64) -> Option<u64>;
        /// Stores `value` for `key` as the most recently used, evicting the
        /// least recently used entry when full.
        fn put(&mut self, key: u64, value: u64);
        /// How many entries it holds.
        fn entries(&self) -> usize;
    }

    /// The obvious LRU, O(n) per operation: the model the tests compare with.
    struct Model {
        capacity: usize,
        order: VecDeque<(u64, u64)>,
    }

    impl Model {
        fn get(&mut self, key: u64) -> Option<u64> {
            let at = self.order.iter().position(|&(k, _)| k == key)?;
            let entry = self.order.remove(at)?;
            self.order.push_back(entry);
            Some(entry.1)
        }

        fn put(&mut self, key: u64, value: u64) {
            if let Some(at) = self.order.iter().position(|&(k, _)| k == key) {
                self.order.remove(at);
            } else if self.order.len() == self.capacity {
                self.order.pop_front();
            }
            if self.capacity > 0 {
                self.order.push_back((key, value));
            }
        }
    }

    /// Replays a get-or-put trace on the student's cache and on the model:
    /// `None` when every answer agrees, else where they first differ.
    fn agree<L: LruCache>(capacity: usize, keys: &[u64]) -> Result<(), String> {
        let mut cache = L::with_capacity(capacity);
        let mut model = Model {
            capacity,
            order: VecDeque::new(),
        };
        for (step, &key) in keys.iter().enumerate() {
            let (got, want) = (cache.get(key), model.get(key));
            if got != want {
                return Err(format!(
                    "capacity {capacity}, operation {step}: get({key}) returned {got:?}, an LRU returns {want:?}"
                ));
            }
            if got.is_none() {
                cache.put(key, key * 10 + step as u64);
                model.put(key, key * 10 + step as u64);
            }
            if cache.entries() != model.order.len() {
                return Err(format!(
                    "capacity {capacity}, after operation {step}: {} entries, an LRU holds {}",
                    cache.entries(),
                    model.order.len()
                ));
            }
        }
        Ok(())
    }

    /// Gets each key of `keys`, putting it on a miss: what a cache in
    /// front of a slow computation does.
    fn replay<L: LruCache>(cache: &mut L, keys: &[u64]) -> u64 {
        let mut hits = 0;
        for &key in keys {
            match cache.get(key) {
                Some(_) => hits += 1,
                None => cache.put(key, key.wrapping_mul(3)),
            }
        }
        hits
    }

    fn entry_bytes(n: usize) -> u64 {
        (n * size_of::<(u64, u64)>()) as u64
    }

    /// The check of the student's cache `L`.
    pub fn check<L: LruCache + 'static>() -> Check {
        Check::new()
            .test("capacity 0: holds nothing", || {
                let mut cache = L::with_capacity(0);
                cache.put(1, 10);
                expect_eq((cache.get(1), cache.entries()), (None, 0))
            })
            .test("capacity 1: the newest entry only", || {
                let mut cache = L::with_capacity(1);
                cache.put(1, 10);
                cache.put(2, 20);
                expect_eq(
                    (cache.get(1), cache.get(2), cache.entries()),
                    (None, Some(20), 1),
                )
            })
            .test("capacity 2: get refreshes recency", || {
                let mut cache = L::with_capacity(2);
                cache.put(1, 10);
                cache.put(2, 20);
                cache.get(1);
                cache.put(3, 30);
                expect_eq(
                    (cache.get(1), cache.get(2), cache.get(3)),
                    (Some(10), None, Some(30)),
                )
            })
            .test(
                "capacity 2: put on a present key updates and refreshes",
                || {
                    let mut cache = L::with_capacity(2);
                    cache.put(1, 10);
                    cache.put(2, 20);
                    cache.put(1, 11);
                    cache.put(3, 30);
                    expect_eq(
                        (cache.get(1), cache.get(2), cache.entries()),
                        (Some(11), None, 2),
                    )
                },
            )
            .test(
                "capacity 50: 2 000 operations agree with a plain LRU",
                || agree::<L>(50, &zipf_trace(2_000, 120)),
            )
            .heap(
                HeapCheck::new(Case::in_env(
                    "n operations on a warm cache of 1 000",
                    "answer",
                    WARM_SIZES,
                    |n| {
                        let mut cache = L::with_capacity(CAPACITY);
                        for key in 0..CAPACITY as u64 {
                            cache.put(key, key);
                        }
                        (cache, zipf_trace(n, 2 * CAPACITY))
                    },
                    |(cache, keys): &mut (L, Vec<u64>)| replay(cache, black_box(keys)),
                ))
                .budget(
                    HeapMetric::Allocs,
                    "4: a table rebuilt now and then, no allocation per operation, whatever n",
                    |_| WARM_ALLOCS,
                )
                .budget(
                    HeapMetric::LiveBytes,
                    "the warm cache's own tables: 6 × 1 000 entries × 16 bytes",
                    |_| FILL_MULTIPLE as u64 * entry_bytes(CAPACITY),
                )
                .floor(HeapMetric::Allocs, "0", |_| 0),
            )
            .heap(
                HeapCheck::new(Case::new(
                    "fill an empty cache of capacity n",
                    "answer",
                    FILL_SIZES,
                    |n| n,
                    |n: usize| {
                        let mut cache = L::with_capacity(n);
                        for key in 0..n as u64 {
                            cache.put(key, key);
                        }
                        cache
                    },
                ))
                .budget(
                    HeapMetric::PeakBytes,
                    "6 × n × size_of::<(u64, u64)>(): the entries, the map, the order",
                    |n| FILL_MULTIPLE as u64 * entry_bytes(n),
                )
                .floor(
                    HeapMetric::PeakBytes,
                    "n × 16: the keys and values alone",
                    entry_bytes,
                ),
            )
    }
}

/// Exercise 09-2: a bounded memo.
pub mod memo {
    use std::cell::Cell;
    use std::hint::black_box;
    use std::mem::size_of;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, ensure, expect_eq};

    /// The memo's capacity in the heap check.
    pub const CAPACITY: usize = 256;
    /// Distinct keys streamed: ten thousand, and ten times as many.
    pub const SIZES: &[usize] = &[10_000, 100_000];
    /// The peak budget, in multiples of the entries' own bytes: room for a
    /// hash table's buckets and an eviction order.
    pub const PEAK_MULTIPLE: usize = 8;

    /// What a memo offers.
    pub trait Memoize {
        /// An empty memo that keeps at most `capacity` results.
        fn new(capacity: usize) -> Self;
        /// The result for `key`: remembered, or `compute(key)` (then remembered).
        fn get_or_compute(&mut self, key: u64, compute: &dyn Fn(u64) -> u64) -> u64;
        /// How many results it holds.
        fn entries(&self) -> usize;
    }

    fn square(key: u64) -> u64 {
        key.wrapping_mul(key)
    }

    /// The check of the student's memo `M`.
    pub fn check<M: Memoize + 'static>() -> Check {
        Check::new()
            .test("n = 0: a new memo holds nothing", || {
                expect_eq(M::new(4).entries(), 0)
            })
            .test("right results for 100 keys", || {
                let mut memo = M::new(8);
                let got: Vec<u64> = (0..100).map(|k| memo.get_or_compute(k, &square)).collect();
                expect_eq(got, (0..100).map(square).collect())
            })
            .test("a repeated key is computed once", || {
                let calls = Cell::new(0);
                let counted = |k: u64| {
                    calls.set(calls.get() + 1);
                    square(k)
                };
                let mut memo = M::new(8);
                for _ in 0..5 {
                    memo.get_or_compute(3, &counted);
                }
                expect_eq(calls.get(), 1)
            })
            .test("capacity 1: holds one result", || {
                let mut memo = M::new(1);
                let got = [
                    memo.get_or_compute(2, &square),
                    memo.get_or_compute(5, &square),
                ];
                expect_eq((got, memo.entries()), ([4, 25], 1))
            })
            .test("1 000 distinct keys: at most the capacity", || {
                let mut memo = M::new(16);
                (0..1_000).for_each(|k| {
                    memo.get_or_compute(k, &square);
                });
                ensure(
                    memo.entries() <= 16,
                    format!("{} entries held, capacity 16", memo.entries()),
                )
            })
            .heap(
                HeapCheck::new(Case::new(
                    "a stream of n distinct keys, capacity 256",
                    "answer",
                    SIZES,
                    |n| n as u64,
                    |n: u64| {
                        let mut memo = M::new(CAPACITY);
                        for key in 0..n {
                            black_box(memo.get_or_compute(key, &square));
                        }
                        memo
                    },
                ))
                .budget(
                    HeapMetric::PeakBytes,
                    "8 × 256 × size_of::<(u64, u64)>(): bounded by the capacity, whatever n",
                    |_| (PEAK_MULTIPLE * CAPACITY * size_of::<(u64, u64)>()) as u64,
                )
                .floor(
                    HeapMetric::PeakBytes,
                    "256 × 16: the results alone",
                    |_| (CAPACITY * size_of::<(u64, u64)>()) as u64,
                ),
            )
    }
}
