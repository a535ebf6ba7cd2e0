//! Lab 09 — bounded vs unbounded caches, and what the tutorial's LRU costs.
//!
//! The tutorial's leak pattern 2: a cache that never evicts grows with every
//! distinct key; its fix is an LRU cache that keeps an access-order list and,
//! on every hit, searches and shifts that list (`list.remove`) — O(capacity)
//! per hit, which the tutorial does not say. This lab measures four caches
//! on one seeded, skewed key trace (and three more crates on the trace and its warm half):
//!
//! | strategy | structure | cost per hit |
//! | --- | --- | --- |
//! | `unbounded` | `HashMap` | O(1), memory grows with distinct keys |
//! | `list-lru` | the tutorial's map + order list | O(capacity) |
//! | `slab-lru` | `HashMap` + doubly linked list through `slab` indices | O(1), no allocation once warm |
//! | `lru-crate` | the `lru` crate, what a user would pick | O(1) |
//! | `schnellru`, `hashlink` | the fastest LRU crates: links inside the table | O(1) |
//! | `quick-cache` | `quick_cache`'s unsync cache: CLOCK-PRO-like, not LRU | O(1) |
//!
//! See `README.md` beside this crate for the claims and the measured numbers.

use std::hint::black_box;
use std::mem::size_of;
use std::num::NonZeroUsize;

use heaplab_core::{Case, Fact, FixedMap, FixedState, Lab};
use slab::Slab;

pub mod claims;
pub mod exercises;

/// Operations per trace. The cache capacity is `n / OPS_PER_SLOT`, so the
/// sizes mean capacities of 1 000, 10 000 and 100 000 entries.
pub const SIZES: &[usize] = &[10_000, 100_000, 1_000_000];

/// The tutorial's list-based LRU shifts its whole order list on every hit:
/// at 100 000 entries one trace takes minutes (and hours under callgrind),
/// so it runs at the two smaller capacities only.
pub const LIST_LRU_SIZES: &[usize] = &[10_000, 100_000];

/// Why the instruction family counts the list-based LRU's trace and warm
/// runs at 10 000 operations only (measured at 7117b5b: 78 s and 190 s
/// under callgrind at 100 000, a third of a whole run's counting).
const LIST_LRU_COUNTED: &str = "counting 100 000 operations of the list-based LRU takes one to three minutes under callgrind \
     (every hit shifts the order list: O(capacity) per operation); its time and heap are measured at this size, \
     and its count at 10 000 already shows the per-operation cost";

/// Why CPython's list-based LRU is measured at 10 000 operations only
/// (run 20261204T143646: one run at 100 000 took 6.3 s cold and 8.3 s
/// warm, so its repeats and its traced heap run cost a minute of a run).
const LIST_LRU_PYTHON: &str = "one run of CPython's list-based LRU at 100 000 operations takes 6 to 8 s \
     (every hit shifts the order list: O(capacity) per operation); the Rust cases show the growth at this size, \
     CPython's per-operation cost at 10 000 already shows it";

/// Why the instruction family counts no trace longer than 100 000
/// operations (run 20261204T143646: counting this lab took 83 s of one
/// job, most of it the 1 000 000-operation traces).
const COUNTED_UP_TO: &str = "callgrind runs a trace about fifty times slower than the machine, and 1 000 000 operations \
     per cache made up most of this lab's 83 s of counting; instructions per operation at 100 000 \
     already show each cache's cost, and time and heap are measured at this size";

/// Trace length per cache slot: ten operations per entry lets the cache
/// fill, then churn, within one trace.
pub const OPS_PER_SLOT: usize = 10;

/// Distinct keys per cache slot: the key space is twice the capacity, so
/// an LRU cache must evict and an unbounded one ends up twice as large.
pub const KEYS_PER_SLOT: usize = 2;

/// The fixed capacity of the `distinct-keys` workload, whose keys never
/// repeat (request ids, timestamps): 1 000 entries, so a bounded cache stays
/// at ~0.3 MB whatever the stream's length.
pub const STREAM_CAPACITY: usize = 1_000;

/// The Zipf exponent of the key popularity: 1.0, the classic web-cache skew
/// (the k-th most popular key is requested in proportion to 1/k).
pub const ZIPF_EXPONENT: f64 = 1.0;

/// The trace's seed (splitmix64); `python/reference.py` uses the same rule.
pub const SEED: u64 = 0x5EED_0009;

/// Bytes per cached value: a rendered fragment or a small record.
pub const VALUE_BYTES: usize = 256;

/// One cached value.
pub type Value = Box<[u8; VALUE_BYTES]>;

/// The "expensive computation" the cache saves: here, one allocation.
fn compute(key: u64) -> Value {
    Box::new([key as u8; VALUE_BYTES])
}

/// The cache capacity for a trace of `ops` operations.
///
/// ```
/// assert_eq!(lab09_lru_vs_unbounded::capacity(1_000_000), 100_000);
/// ```
pub fn capacity(ops: usize) -> usize {
    (ops / OPS_PER_SLOT).max(1)
}

/// `ops` keys drawn from `0..key_space` with Zipf popularity (key 0 most
/// popular), by inverse transform over the cumulative weights.
///
/// ```
/// let trace = lab09_lru_vs_unbounded::zipf_trace(1_000, 100);
/// assert_eq!(trace.len(), 1_000);
/// assert!(trace.iter().all(|&k| k < 100));
/// assert_eq!(trace, lab09_lru_vs_unbounded::zipf_trace(1_000, 100), "seeded: the same every time");
/// ```
pub fn zipf_trace(ops: usize, key_space: usize) -> Vec<u64> {
    let mut total = 0.0;
    let cumulative: Vec<f64> = (1..=key_space)
        .map(|rank| {
            total += 1.0 / (rank as f64).powf(ZIPF_EXPONENT);
            total
        })
        .collect();
    let mut state = SEED;
    (0..ops)
        .map(|_| {
            let unit = (heaplab_core::splitmix64(&mut state) >> 11) as f64 / (1u64 << 53) as f64;
            let target = unit * total;
            cumulative
                .partition_point(|&c| c <= target)
                .min(key_space - 1) as u64
        })
        .collect()
}

/// What every cache offers, so one generic replay serves all of them.
pub trait Cache {
    /// An empty cache for `capacity` entries (ignored by `unbounded`).
    fn new(capacity: usize) -> Self;
    /// Returns the value for `key`, computing and storing it on a miss;
    /// `true` on a hit. The byte returned keeps the lookup observable.
    fn lookup(&mut self, key: u64) -> (bool, u8);
    /// Entries held.
    fn len(&self) -> usize;
    /// Whether nothing is held.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The tutorial's "bad cache": never evicts.
pub struct Unbounded(FixedMap<u64, Value>);

impl Cache for Unbounded {
    fn new(_capacity: usize) -> Self {
        Self(FixedMap::default())
    }
    fn lookup(&mut self, key: u64) -> (bool, u8) {
        let mut hit = true;
        let value = self.0.entry(key).or_insert_with(|| {
            hit = false;
            compute(key)
        });
        (hit, value[0])
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// The tutorial's "good cache", faithfully: a map plus an access-order
/// list that is searched and shifted on every hit and every eviction.
pub struct ListLru {
    map: FixedMap<u64, Value>,
    // Least recently used first; always holds exactly the map's keys.
    order: Vec<u64>,
    capacity: usize,
}

impl Cache for ListLru {
    fn new(capacity: usize) -> Self {
        Self {
            map: FixedMap::default(),
            order: Vec::new(),
            capacity,
        }
    }
    fn lookup(&mut self, key: u64) -> (bool, u8) {
        if let Some(value) = self.map.get(&key) {
            let first = value[0];
            let position = self
                .order
                .iter()
                .position(|&k| k == key)
                .expect("order holds every key");
            self.order.remove(position);
            self.order.push(key);
            return (true, first);
        }
        if self.map.len() >= self.capacity {
            let oldest = self.order.remove(0);
            self.map.remove(&oldest);
        }
        let value = compute(key);
        let first = value[0];
        self.map.insert(key, value);
        self.order.push(key);
        (false, first)
    }
    fn len(&self) -> usize {
        self.map.len()
    }
}

/// "No link" in the slab list.
const NIL: usize = usize::MAX;

struct Node {
    key: u64,
    value: Value,
    // Neighbours by slab index: `prev` is more recent, `next` less; NIL at the ends.
    prev: usize,
    next: usize,
}

/// An O(1) LRU: a map from key to slab index, and a doubly linked list
/// threaded through the slab's entries. Both are sized up front, so once
/// warm an operation allocates nothing but the value a miss computes.
pub struct SlabLru {
    map: FixedMap<u64, usize>,
    nodes: Slab<Node>,
    // Most recently used, or NIL when empty.
    head: usize,
    // Least recently used, or NIL when empty.
    tail: usize,
    capacity: usize,
}

impl SlabLru {
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

impl Cache for SlabLru {
    fn new(capacity: usize) -> Self {
        Self {
            map: FixedMap::with_capacity_and_hasher(capacity, FixedState::default()),
            nodes: Slab::with_capacity(capacity),
            head: NIL,
            tail: NIL,
            capacity: capacity.max(1),
        }
    }
    fn lookup(&mut self, key: u64) -> (bool, u8) {
        if let Some(&i) = self.map.get(&key) {
            if self.head != i {
                self.detach(i);
                self.push_front(i);
            }
            return (true, self.nodes[i].value[0]);
        }
        if self.nodes.len() >= self.capacity {
            let oldest = self.tail;
            self.detach(oldest);
            let evicted = self.nodes.remove(oldest);
            self.map.remove(&evicted.key);
        }
        let value = compute(key);
        let first = value[0];
        let i = self.nodes.insert(Node {
            key,
            value,
            prev: NIL,
            next: NIL,
        });
        self.push_front(i);
        self.map.insert(key, i);
        (false, first)
    }
    fn len(&self) -> usize {
        self.nodes.len()
    }
}

/// A cache from crates.io, behind the one [`Cache`] replay: what each
/// crate's map needs to say (make, look up, insert, count).
pub trait CrateMap {
    /// An empty map for `capacity` entries (at least 1), with [`FixedState`].
    fn with_capacity(capacity: usize) -> Self;
    /// The first byte of `key`'s value, when held (a hit, counted as a use).
    fn first(&mut self, key: u64) -> Option<u8>;
    /// Stores `key`'s value, evicting as the crate's policy says.
    fn put(&mut self, key: u64, value: Value);
    /// Entries held.
    fn count(&self) -> usize;
}

/// A crate's cache as a [`Cache`]: look up, and on a miss compute and put.
pub struct Crate<M>(M);

impl<M: CrateMap> Cache for Crate<M> {
    fn new(capacity: usize) -> Self {
        Self(M::with_capacity(capacity.max(1)))
    }
    fn lookup(&mut self, key: u64) -> (bool, u8) {
        if let Some(first) = self.0.first(key) {
            return (true, first);
        }
        let value = compute(key);
        let first = value[0];
        self.0.put(key, value);
        (false, first)
    }
    fn len(&self) -> usize {
        self.0.count()
    }
}

/// Implements [`CrateMap`] for a crate's map type: how to make one for a
/// capacity, and the name of its insert method; the rest is the same for
/// every crate (`get` counts as a use, `len` counts).
macro_rules! crate_map {
    ($map:ty, |$capacity:ident| $make:expr, $insert:ident) => {
        impl CrateMap for $map {
            fn with_capacity($capacity: usize) -> Self {
                $make
            }
            fn first(&mut self, key: u64) -> Option<u8> {
                self.get(&key).map(|value| value[0])
            }
            fn put(&mut self, key: u64, value: Value) {
                self.$insert(key, value);
            }
            fn count(&self) -> usize {
                self.len()
            }
        }
    };
}

/// The `lru` crate's map (see [`LruCrate`]).
pub type LruMap = lru::LruCache<u64, Value, FixedState>;

/// The `lru` crate, what a user would pick first.
pub type LruCrate = Crate<LruMap>;

crate_map!(
    LruMap,
    |capacity| LruMap::with_hasher(
        NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN),
        FixedState::default()
    ),
    put
);

/// `schnellru`'s map (see [`Schnellru`]).
pub type SchnellruMap = schnellru::LruMap<u64, Value, schnellru::ByLength, FixedState>;

/// `schnellru`'s `LruMap`: one hash per operation, the links kept in the
/// table's own entries.
pub type Schnellru = Crate<SchnellruMap>;

crate_map!(
    SchnellruMap,
    |capacity| SchnellruMap::with_hasher(
        schnellru::ByLength::new(u32::try_from(capacity).unwrap_or(u32::MAX)),
        FixedState::default()
    ),
    insert
);

/// `hashlink`'s map (see [`Hashlink`]).
pub type HashlinkMap = hashlink::LruCache<u64, Value, FixedState>;

/// `hashlink`'s `LruCache`, a linked hash map.
pub type Hashlink = Crate<HashlinkMap>;

crate_map!(
    HashlinkMap,
    |capacity| HashlinkMap::with_hasher(capacity, FixedState::default()),
    insert
);

/// `quick_cache`'s single-threaded cache (the map inside [`QuickCache`]).
pub type QuickMap = quick_cache::unsync::Cache<
    u64,
    Value,
    quick_cache::UnitWeighter,
    FixedState,
    quick_cache::unsync::DefaultLifecycle<u64, Value>,
>;

/// `quick_cache`'s single-threaded cache. Its policy is not LRU but
/// CLOCK-PRO-like: a hit sets a bit and moves nothing, and a new key
/// enters a probation section first, so one-time keys do not push out
/// popular ones. Its hits differ from the LRUs'.
pub type QuickCache = Crate<QuickMap>;

crate_map!(
    QuickMap,
    |capacity| QuickMap::with(
        capacity,
        capacity as u64,
        quick_cache::UnitWeighter,
        FixedState::default(),
        quick_cache::unsync::DefaultLifecycle::default()
    ),
    insert
);

/// Replays `keys` through `cache`; returns the number of hits.
pub fn replay<C: Cache>(cache: &mut C, keys: &[u64]) -> usize {
    keys.iter()
        .filter(|&&key| {
            let (hit, first) = cache.lookup(key);
            black_box(first);
            hit
        })
        .count()
}

/// The trace for `n` operations, with its capacity.
fn trace(n: usize) -> (Vec<u64>, usize) {
    let capacity = capacity(n);
    (zipf_trace(n, KEYS_PER_SLOT * capacity), capacity)
}

/// `trace` workload: a cold cache replays the whole trace and is kept, so
/// `live_bytes` at the end is the whole cache (÷ capacity: bytes per entry).
fn cold<C: Cache + 'static>(strategy: &'static str, sizes: &'static [usize]) -> Case {
    Case::in_env(
        "trace",
        strategy,
        sizes,
        |n| (trace(n), None),
        |((keys, capacity), kept): &mut ((Vec<u64>, usize), Option<C>)| {
            let mut cache = C::new(*capacity);
            let hits = replay(&mut cache, keys);
            *kept = Some(cache);
            hits
        },
    )
    .count_instructions_up_to(100_000, COUNTED_UP_TO)
}

/// `warm` workload: setup replays the first half of the trace; the run
/// replays the second, so allocations per op are the steady state and
/// `live_bytes` is what the cache grew by while warm.
fn warm<C: Cache + 'static>(strategy: &'static str, sizes: &'static [usize]) -> Case {
    Case::in_env(
        "warm",
        strategy,
        sizes,
        |n| {
            // Twice the operations, same capacity and key space as `trace` at n.
            let capacity = capacity(n);
            let mut keys = zipf_trace(2 * n, KEYS_PER_SLOT * capacity);
            let second = keys.split_off(n);
            let mut cache = C::new(capacity);
            replay(&mut cache, &keys);
            (cache, second)
        },
        |(cache, keys): &mut (C, Vec<u64>)| replay(cache, keys),
    )
    .count_instructions_up_to(100_000, COUNTED_UP_TO)
}

/// `distinct-keys` workload: `n` keys that never repeat, through a cache of
/// [`STREAM_CAPACITY`] kept after the run. Every lookup misses; a bounded
/// cache evicts as it goes, an unbounded one keeps all `n` values.
fn stream<C: Cache + 'static>(strategy: &'static str, sizes: &'static [usize]) -> Case {
    Case::in_env(
        "distinct-keys",
        strategy,
        sizes,
        |n| (n as u64, None),
        |(n, kept): &mut (u64, Option<C>)| {
            let mut cache = C::new(STREAM_CAPACITY);
            for key in 0..*n {
                black_box(cache.lookup(key));
            }
            let len = cache.len();
            *kept = Some(cache);
            len
        },
    )
    .count_instructions_up_to(100_000, COUNTED_UP_TO)
}

fn facts() -> Vec<Fact> {
    let mut facts = vec![
        Fact::new("VALUE_BYTES (one cached value)", VALUE_BYTES, "bytes"),
        Fact::new(
            "OPS_PER_SLOT (trace length ÷ capacity)",
            OPS_PER_SLOT,
            "count",
        ),
        Fact::new(
            "KEYS_PER_SLOT (key space ÷ capacity)",
            KEYS_PER_SLOT,
            "count",
        ),
        Fact::new(
            "size_of::<Node>() (slab-lru entry, value boxed)",
            size_of::<Node>(),
            "bytes",
        ),
    ];
    // Hit rates are a property of the policy and the trace, not of the
    // implementation: every LRU here hits the same keys.
    for &n in SIZES {
        let (keys, capacity) = trace(n);
        let lru = replay(&mut SlabLru::new(capacity), &keys);
        let unbounded = replay(&mut Unbounded::new(capacity), &keys);
        let per_mille = |hits: usize| hits * 1000 / n;
        facts.push(Fact::new(
            format!("LRU hit rate, capacity {capacity} (‰)"),
            per_mille(lru),
            "‰",
        ));
        facts.push(Fact::new(
            format!("unbounded hit rate, capacity {capacity} (‰)"),
            per_mille(unbounded),
            "‰",
        ));
        facts.push(Fact::new(
            format!("quick_cache hit rate, capacity {capacity} (‰)"),
            per_mille(replay(&mut QuickCache::new(capacity), &keys)),
            "‰",
        ));
    }
    facts
}

/// The lab, for the harness's registry.
pub fn lab() -> Lab {
    let lab = Lab::new(
        "09-lru-vs-unbounded",
        "Bounded vs unbounded caches",
        "Leak pattern 2: bad cache vs good cache (example 9)",
    )
    .claims(claims::claims())
    .facts(facts)
    .constant("OPS_PER_SLOT", OPS_PER_SLOT)
    .constant("KEYS_PER_SLOT", KEYS_PER_SLOT)
    .constant("STREAM_CAPACITY", STREAM_CAPACITY)
    .constant("ZIPF_EXPONENT", ZIPF_EXPONENT)
    .constant("SEED", SEED)
    .constant("VALUE_BYTES", VALUE_BYTES)
    .keeps("trace")
    .keeps("distinct-keys")
    .cases([
        cold::<Unbounded>("unbounded", SIZES)
            .with_python("dict")
            .about("a HashMap: never evicts"),
        cold::<ListLru>("list-lru", LIST_LRU_SIZES)
            .with_python("list-lru")
            .about("the tutorial's map + order list: O(capacity) per hit")
            .count_instructions_up_to(10_000, LIST_LRU_COUNTED)
            .measure_python_up_to(10_000, LIST_LRU_PYTHON),
        cold::<SlabLru>("slab-lru", SIZES)
            .with_python("lru_cache")
            .about("HashMap + linked list through slab indices: O(1)"),
        cold::<LruCrate>("lru-crate", SIZES).about("the lru crate"),
        cold::<Schnellru>("schnellru", SIZES)
            .about("the schnellru crate: one hash per operation, links inside the table"),
        cold::<Hashlink>("hashlink", SIZES).about("hashlink's LruCache: a linked hash map"),
        cold::<QuickCache>("quick-cache", SIZES)
            .about("quick_cache's unsync cache: CLOCK-PRO-like, not LRU (its hits differ)"),
    ])
    .cases([
        warm::<Unbounded>("unbounded", SIZES)
            .with_python("dict")
            .about("second half of the trace, warm"),
        warm::<ListLru>("list-lru", LIST_LRU_SIZES)
            .with_python("list-lru")
            .about("second half of the trace, warm")
            .count_instructions_up_to(10_000, LIST_LRU_COUNTED)
            .measure_python_up_to(10_000, LIST_LRU_PYTHON),
        warm::<SlabLru>("slab-lru", SIZES)
            .with_python("lru_cache")
            .about("second half of the trace, warm"),
        warm::<LruCrate>("lru-crate", SIZES).about("second half of the trace, warm"),
        warm::<Schnellru>("schnellru", SIZES).about("second half of the trace, warm"),
        warm::<Hashlink>("hashlink", SIZES).about("second half of the trace, warm"),
        warm::<QuickCache>("quick-cache", SIZES).about("second half of the trace, warm"),
    ])
    .cases([
        stream::<Unbounded>("unbounded", SIZES)
            .with_python("dict")
            .about("n distinct keys: keeps all n values"),
        stream::<ListLru>("list-lru", LIST_LRU_SIZES)
            .with_python("list-lru")
            .about("n distinct keys, capacity 1 000"),
        stream::<SlabLru>("slab-lru", SIZES)
            .with_python("lru_cache")
            .about("n distinct keys, capacity 1 000"),
        stream::<LruCrate>("lru-crate", SIZES).about("n distinct keys, capacity 1 000"),
    ]);
    exercises::list().into_iter().fold(lab, Lab::exercise)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every LRU agrees with the `lru` crate on every lookup and stays in bounds.
    fn agrees_with_reference<C: Cache>() {
        let keys = zipf_trace(20_000, 400);
        let (mut ours, mut reference) = (C::new(200), LruCrate::new(200));
        for &key in &keys {
            assert_eq!(ours.lookup(key).0, reference.lookup(key).0, "key {key}");
            assert!(ours.len() <= 200);
        }
    }

    #[test]
    fn slab_lru_matches_the_lru_crate() {
        agrees_with_reference::<SlabLru>();
    }

    #[test]
    fn schnellru_matches_the_lru_crate() {
        agrees_with_reference::<Schnellru>();
    }

    #[test]
    fn hashlink_matches_the_lru_crate() {
        agrees_with_reference::<Hashlink>();
    }

    #[test]
    fn quick_cache_stays_in_bounds_and_hits_as_often() {
        let keys = zipf_trace(20_000, 400);
        let (mut quick, mut lru) = (QuickCache::new(200), LruCrate::new(200));
        let (q, l) = (replay(&mut quick, &keys), replay(&mut lru, &keys));
        assert!(quick.len() <= 200);
        // Not LRU, so not the same hits; on a skewed trace about as many.
        assert!(q.abs_diff(l) < l / 10, "quick_cache {q} hits, LRU {l}");
    }

    #[test]
    fn list_lru_matches_the_lru_crate() {
        agrees_with_reference::<ListLru>();
    }

    #[test]
    fn unbounded_holds_every_distinct_key() {
        let keys = zipf_trace(10_000, 300);
        let mut cache = Unbounded::new(1);
        let hits = replay(&mut cache, &keys);
        let mut distinct = keys.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(cache.len(), distinct.len());
        assert_eq!(
            hits,
            keys.len() - distinct.len(),
            "only first sightings miss"
        );
    }

    #[test]
    fn the_trace_is_skewed() {
        let keys = zipf_trace(100_000, 1_000);
        let top = keys.iter().filter(|&&k| k == 0).count();
        let tail = keys.iter().filter(|&&k| k == 999).count();
        assert!(top > 50 * tail.max(1), "key 0: {top}, key 999: {tail}");
    }
}
