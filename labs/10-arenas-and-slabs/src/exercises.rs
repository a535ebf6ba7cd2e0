//! Lab 10's exercises: what each checks, and the items a student provides.
//!
//! The files a student edits are `exercises/*.rs` beside this crate; the
//! reference solutions are `solutions/*.rs`. Budgets are computed from `n`,
//! `size_of` and bumpalo's growth rule ([`crate::bump_chunks`]), never pasted.
//! A student's file reaches bumpalo and slab through this crate
//! (`lab10_arenas_and_slabs::bumpalo`, `::slab`).

use heaplab_core::exercise::Exercise;

/// The exercises, in order (ids `10-1`, `10-2`).
pub fn list() -> Vec<Exercise> {
    vec![
        Exercise::new(
            1,
            "A search tree in an arena: a few chunks instead of n boxes",
            "tree.rs",
            "exercises::tree::check(answer::tree_checksum)",
        )
        .hint("Every `Box::new` is one trip to the allocator: n keys, n allocations. The nodes all die together at the end of the function, so they can share one lifetime — and one arena.")
        .hint("Create a `bumpalo::Bump` (through `lab10_arenas_and_slabs::bumpalo::Bump`) at the start of the function and allocate every node with `arena.alloc(...)`: you get `&'a mut Node`, and links become `Option<&'a Node<'a>>`.")
        .hint("Shared references cannot be re-linked, so put the links in `Cell`s: `left: Cell<Option<&'a Node<'a>>>`. To insert, walk from the root with `get()` and `set(Some(node))` the empty side. Keep the node at 24 bytes (a key and two links): the budget counts bumpalo's chunks for n nodes of that size."),
        Exercise::new(
            2,
            "A slab-backed pool whose churn allocates nothing once warm",
            "pool.rs",
            "exercises::pool::check::<answer::Pool>()",
        )
        .hint("The starting pool boxes every value and never reuses a removed slot: each insertion allocates a box, and the slot list keeps growing.")
        .hint("Store the values themselves (no `Box`) and reuse the slot a removal frees: a free list of indices, or `slab::Slab`, which keeps one for you.")
        .hint("`Slab::with_capacity(capacity)`, `insert` returns the key (the handle), `try_remove(handle)` returns `Option<u64>`, `get(handle).copied()` reads. Once warm, every insertion lands in a hole a removal left: no allocation."),
    ]
}

/// Exercise 10-1: a binary search tree in an arena.
pub mod tree {
    use std::hint::black_box;
    use std::mem::size_of;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, expect_eq};

    use crate::{SEED, bump_chunks, bump_requested_bytes};

    /// Keys per tree: ten thousand, and ten times as many, so a count that
    /// grows with `n` fails at one size or the other.
    pub const SIZES: &[usize] = &[10_000, 100_000];

    /// The node the budget is computed for: a `u64` key and two links of one
    /// pointer each (24 bytes).
    pub const NODE_BYTES: usize = size_of::<u64>() + 2 * size_of::<Option<&u64>>();

    /// `n` distinct keys `0..n` in a seeded random order (a Fisher–Yates
    /// shuffle driven by splitmix64 from [`SEED`]): a random insertion order
    /// keeps a search tree's depth near 2 ln n.
    ///
    /// ```
    /// let keys = lab10_arenas_and_slabs::exercises::tree::shuffled_keys(100);
    /// let mut sorted = keys.clone();
    /// sorted.sort();
    /// assert_eq!(sorted, (0..100).collect::<Vec<u64>>());
    /// ```
    pub fn shuffled_keys(n: usize) -> Vec<u64> {
        let mut keys: Vec<u64> = (0..n as u64).collect();
        let mut state = SEED;
        for i in (1..n).rev() {
            let j = (heaplab_core::splitmix64(&mut state) % (i as u64 + 1)) as usize;
            keys.swap(i, j);
        }
        keys
    }

    /// The tree the checksum is defined on, the plain way: one `Box` per node.
    struct Node {
        key: u64,
        left: Option<Box<Node>>,
        right: Option<Box<Node>>,
    }

    fn preorder(node: &Option<Box<Node>>, rank: &mut u64, sum: &mut u64) {
        if let Some(node) = node {
            *rank += 1;
            *sum = sum.wrapping_add(rank.wrapping_mul(node.key));
            preorder(&node.left, rank, sum);
            preorder(&node.right, rank, sum);
        }
    }

    /// The checksum the student's function must return: insert `keys` in
    /// order into a binary search tree (smaller keys to the left), then
    /// sum `rank × key` over the nodes in pre-order (node, left subtree,
    /// right subtree), ranks from 1, wrapping.
    ///
    /// ```
    /// use lab10_arenas_and_slabs::exercises::tree::expected_checksum;
    /// // Tree 2(1, 3): pre-order 2, 1, 3.
    /// assert_eq!(expected_checksum(&[2, 1, 3]), 1 * 2 + 2 * 1 + 3 * 3);
    /// assert_eq!(expected_checksum(&[]), 0);
    /// ```
    pub fn expected_checksum(keys: &[u64]) -> u64 {
        let mut root = None;
        for &key in keys {
            let mut slot = &mut root;
            while let Some(node) = slot {
                let node: &mut Box<Node> = node;
                slot = if key < node.key {
                    &mut node.left
                } else {
                    &mut node.right
                };
            }
            *slot = Some(Box::new(Node {
                key,
                left: None,
                right: None,
            }));
        }
        let (mut rank, mut sum) = (0, 0);
        preorder(&root, &mut rank, &mut sum);
        sum
    }

    /// The allocation budget at `n` keys: the chunks a fresh `Bump` needs
    /// for `n` nodes of [`NODE_BYTES`].
    pub fn chunk_budget(n: usize) -> u64 {
        bump_chunks(n, NODE_BYTES) as u64
    }

    /// The check of the student's `tree_checksum`.
    pub fn check(tree_checksum: fn(&[u64]) -> u64) -> Check {
        Check::new()
            .test("no keys: 0", move || expect_eq(tree_checksum(&[]), 0))
            .test("one key", move || expect_eq(tree_checksum(&[7]), 7))
            .test("2, 1, 3: pre-order 2, 1, 3", move || {
                expect_eq(tree_checksum(&[2, 1, 3]), 2 + 2 + 9)
            })
            .test("ascending keys 0..50: a tree that is a list", move || {
                let keys: Vec<u64> = (0..50).collect();
                expect_eq(tree_checksum(&keys), expected_checksum(&keys))
            })
            .test("5 000 shuffled keys", move || {
                let keys = shuffled_keys(5_000);
                expect_eq(tree_checksum(&keys), expected_checksum(&keys))
            })
            .heap(
                HeapCheck::new(Case::new(
                    "a tree of n shuffled keys, built and dropped",
                    "answer",
                    SIZES,
                    shuffled_keys,
                    move |keys: Vec<u64>| tree_checksum(black_box(&keys)),
                ))
                .budget(
                    HeapMetric::Allocs,
                    "bumpalo's chunks for n nodes of 24 bytes (448, 960, 1 984, … usable bytes, doubling)",
                    chunk_budget,
                )
                .budget(
                    HeapMetric::PeakBytes,
                    "those chunks' bytes, footers included",
                    |n| bump_requested_bytes(bump_chunks(n, NODE_BYTES)) as u64,
                )
                .floor(HeapMetric::Allocs, "1: one block sized for all n nodes", |_| 1)
                .floor(HeapMetric::PeakBytes, "n × 24: the nodes alone", |n| {
                    (n * NODE_BYTES) as u64
                }),
            )
    }
}

/// Exercise 10-2: a pool that reuses its holes.
pub mod pool {
    use std::hint::black_box;
    use std::mem::size_of;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, ensure, expect_eq};

    use crate::positions;

    /// Live values in the warm pool: ten thousand, and ten times as many.
    pub const SIZES: &[usize] = &[10_000, 100_000];

    /// The live-bytes budget in multiples of the values' own bytes: the pool
    /// outlives the run and keeps what it holds; this bounds it without
    /// calling it a leak.
    pub const LIVE_MULTIPLE: usize = 4;

    /// What a pool of `u64` values offers: handles are `usize`.
    pub trait NodePool {
        /// An empty pool with room for `capacity` values.
        fn with_capacity(capacity: usize) -> Self;
        /// Stores `value`; returns its handle, valid until it is removed.
        fn insert(&mut self, value: u64) -> usize;
        /// Removes and returns the value behind `handle`; `None` if there is none.
        fn remove(&mut self, handle: usize) -> Option<u64>;
        /// The value behind `handle`, if any.
        fn get(&self, handle: usize) -> Option<u64>;
        /// How many values it holds.
        fn len(&self) -> usize;
        /// Whether it holds none.
        fn is_empty(&self) -> bool {
            self.len() == 0
        }
    }

    /// A pool of `n` values (`0..n`) and their handles.
    fn warm<P: NodePool>(n: usize) -> (P, Vec<usize>) {
        let mut pool = P::with_capacity(n);
        let handles = (0..n as u64).map(|v| pool.insert(v)).collect();
        (pool, handles)
    }

    /// The lab's churn: for each position, remove the value there and
    /// insert a new one; returns the sum of the values removed.
    fn churn<P: NodePool>(pool: &mut P, handles: &mut [usize], at: &[usize]) -> u64 {
        let first = handles.len() as u64;
        let mut removed = 0u64;
        for (i, &p) in at.iter().enumerate() {
            removed = removed.wrapping_add(pool.remove(handles[p]).unwrap_or(u64::MAX));
            handles[p] = pool.insert(first + i as u64);
        }
        removed
    }

    /// The check of the student's pool `P`.
    pub fn check<P: NodePool + 'static>() -> Check {
        Check::new()
            .test("a new pool is empty", || {
                let pool = P::with_capacity(4);
                expect_eq((pool.len(), pool.is_empty()), (0, true))
            })
            .test("insert, get, remove", || {
                let mut pool = P::with_capacity(4);
                let (a, b) = (pool.insert(10), pool.insert(20));
                let got = (
                    pool.get(a),
                    pool.get(b),
                    pool.remove(a),
                    pool.get(a),
                    pool.len(),
                );
                expect_eq(got, (Some(10), Some(20), Some(10), None, 1))
            })
            .test("removing twice gives None the second time", || {
                let mut pool = P::with_capacity(2);
                let a = pool.insert(1);
                expect_eq((pool.remove(a), pool.remove(a)), (Some(1), None))
            })
            .test("a handle never seen gives None", || {
                let mut pool = P::with_capacity(2);
                pool.insert(1);
                expect_eq((pool.get(999), pool.remove(999)), (None, None))
            })
            .test("more values than the capacity", || {
                let mut pool = P::with_capacity(2);
                let handles: Vec<usize> = (0..10).map(|v| pool.insert(v)).collect();
                let got: Vec<Option<u64>> = handles.iter().map(|&h| pool.get(h)).collect();
                expect_eq(got, (0..10).map(Some).collect())
            })
            .test("2 000 churn operations keep every live value", || {
                let n = 2_000;
                let (mut pool, mut handles) = warm::<P>(n);
                let at = positions(n);
                churn(&mut pool, &mut handles, &at);
                let mut model: Vec<u64> = (0..n as u64).collect();
                for (i, &p) in at.iter().enumerate() {
                    model[p] = (n + i) as u64;
                }
                let got: Vec<u64> = handles
                    .iter()
                    .map(|&h| pool.get(h).unwrap_or(u64::MAX))
                    .collect();
                expect_eq(got, model)?;
                ensure(
                    pool.len() == n,
                    format!("{} values held, {n} live", pool.len()),
                )
            })
            .heap(
                HeapCheck::new(Case::in_env(
                    "n removals and insertions on a warm pool of n",
                    "answer",
                    SIZES,
                    |n| (warm::<P>(n), positions(n)),
                    |((pool, handles), at): &mut ((P, Vec<usize>), Vec<usize>)| {
                        churn(pool, handles, black_box(at))
                    },
                ))
                .budget(
                    HeapMetric::Allocs,
                    "0: every insertion reuses the slot a removal freed",
                    |_| 0,
                )
                .budget(HeapMetric::Bytes, "0", |_| 0)
                .budget(
                    HeapMetric::LiveBytes,
                    "4 × n × 8: what the pool may hold of the values the run inserted (retained by the pool, not leaked)",
                    |n| (LIVE_MULTIPLE * n * size_of::<u64>()) as u64,
                )
                .floor(HeapMetric::Allocs, "0", |_| 0),
            )
    }
}
