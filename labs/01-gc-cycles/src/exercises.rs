//! Lab 01's exercises: what each checks, and what a student's file uses.
//!
//! The files a student edits are `exercises/*.rs` beside this crate; the
//! reference solutions are `solutions/*.rs`. Budgets are computed from
//! `size_of` and `n` here, never pasted.

use heaplab_core::exercise::Exercise;

/// The exercises, in order (ids `01-1`, `01-2`, `01-3`).
pub fn list() -> Vec<Exercise> {
    vec![
        Exercise::new(
            1,
            "Break the leaking cycle: a ring that frees itself",
            "ring.rs",
            "exercises::ring::check(answer::build, answer::forward, answer::backward)",
        )
        .hint("Every pair of neighbours points at each other with a strong `Rc`: each node's count never reaches zero, so dropping the owner frees nothing. A cycle of strong links is a leak, whatever else holds it.")
        .hint("Make one direction weak: `prev: Weak<RefCell<Node>>` (from `Rc::downgrade`), and upgrade it when walking backward. The forward links then form a chain owned by node 0 — except the last node's link back to node 0, which closes a strong cycle again.")
        .hint("Close the ring with a weak link too: for example `next: Option<Rc<..>>` that is `None` on the last node, plus a way back to node 0 (a `Weak` in the last node, or simply start over from the owner in `forward`). One `Rc` block per node and nothing else: n allocations, nothing live."),
        Exercise::new(
            2,
            "What a collection finds: count the nodes collect() frees",
            "collect.rs",
            "exercises::collect::check(answer::collect_cycles)",
        )
        .hint("Dropping the last outside handle to a cycle frees nothing: each node is still its partner's partner. Only a collector frees it — dumpster's `collect()` in Rust, `gc.collect()` in CPython — and it reports (Rust: `freed()` counts) only what is still garbage when it runs.")
        .hint("Rust: call `collect()` (re-exported by this lab's `exercises::collect`) once every handle is dropped; each freed `PairNode` adds one to `freed()`. Python: with thousands of new objects CPython's automatic collector runs on its own and frees the earlier cycles before your `gc.collect()`, which then finds only the rest.")
        .hint("Rust: return `freed()` after `collect()` minus `freed()` before building: 2 × k. Python: `gc.disable()` before building (and one `gc.collect()` first, so older garbage is not counted), then return `gc.collect()`, with `gc.enable()` in a `finally`.")
        .python_twin("collect.py"),
        Exercise::new(
            3,
            "A tree with parent pointers that leaks nothing",
            "tree.rs",
            "exercises::tree::check(answer::build, answer::size, answer::depth, answer::find, answer::parent)",
        )
        .hint("A parent owns its children and every child points back at its parent: with strong `Rc`s both ways each parent–child pair is a cycle, so dropping the root frees no node. The links down and the links up cannot both own.")
        .hint("Let the links down own (`Option<Rc<..>>` children) and make the link up a `Weak` (from `Rc::downgrade`): `parent()` then calls `upgrade()`, which gives `None` once the parent is gone. Dropping the root then frees every node no one else holds.")
        .hint("`Rc::new_cyclic(|me| Node { parent, left: subtree(2 i + 1, n, me.clone()), right: subtree(2 i + 2, n, me.clone()), .. })` builds a node whose children already hold a `Weak` to it, with no `RefCell` and no `Vec` of handles: n `Rc` blocks and nothing else, nothing live after the drop."),
    ]
}

/// Exercise 01-1: a ring of `n` nodes that leaves nothing behind.
pub mod ring {
    use std::cell::RefCell;
    use std::hint::black_box;
    use std::mem::size_of;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, expect_eq};

    use crate::rc_block;

    /// Ring sizes: a thousand nodes, and ten times as many.
    pub const SIZES: &[usize] = &[1_000, 10_000];

    /// The payloads a ring of `n` shows walking `steps` from node 0.
    fn walk(n: usize, steps: usize, forward: bool) -> Vec<u64> {
        (0..steps)
            .map(|i| {
                let i = i % n;
                (if forward || i == 0 { i } else { n - i }) as u64
            })
            .collect()
    }

    /// The least one node can take on the heap: one `Rc` block of a
    /// `RefCell` holding a `u64` and two links of a pointer each.
    fn node_floor() -> usize {
        rc_block::<RefCell<(u64, usize, usize)>>()
    }

    /// The check of `build(n)` (a ring of `n` nodes, values `0..n`, returned
    /// as its owner), `forward(&owner, steps)` and `backward(&owner, steps)`
    /// (the values seen walking from node 0).
    pub fn check<O: 'static>(
        build: fn(usize) -> O,
        forward: fn(&O, usize) -> Vec<u64>,
        backward: fn(&O, usize) -> Vec<u64>,
    ) -> Check {
        Check::new()
            .test("n = 1: the node is its own neighbour", move || {
                let ring = build(1);
                expect_eq((forward(&ring, 3), backward(&ring, 3)), (vec![0; 3], vec![0; 3]))
            })
            .test("n = 2: forward and back alternate", move || {
                let ring = build(2);
                expect_eq(
                    (forward(&ring, 4), backward(&ring, 4)),
                    (vec![0, 1, 0, 1], vec![0, 1, 0, 1]),
                )
            })
            .test("n = 5: forward wraps around after node 4", move || {
                expect_eq(forward(&build(5), 12), walk(5, 12, true))
            })
            .test("n = 5: backward goes 0, 4, 3, 2, 1, 0, …", move || {
                expect_eq(backward(&build(5), 12), walk(5, 12, false))
            })
            .test("n = 1 000: twice around each way", move || {
                let ring = build(1_000);
                expect_eq(
                    (forward(&ring, 2_000), backward(&ring, 2_000)),
                    (walk(1_000, 2_000, true), walk(1_000, 2_000, false)),
                )
            })
            .heap(
                HeapCheck::new(Case::new(
                    "build a ring of n and drop its owner",
                    "answer",
                    SIZES,
                    |n| n,
                    move |n| drop(black_box(build(black_box(n)))),
                ))
                .budget(
                    HeapMetric::Allocs,
                    "n: one block per node at most",
                    |n| n as u64,
                )
                .budget(
                    HeapMetric::PeakBytes,
                    "2 × n × one Rc block of a RefCell, a u64 and two links (room for a Weak or an enum)",
                    |n| (2 * n * node_floor()) as u64,
                )
                .floor(HeapMetric::Allocs, "1: every node in one Vec", |_| 1)
                .floor(
                    HeapMetric::PeakBytes,
                    "n × (u64 + two links): the nodes' own bytes",
                    |n| (n * size_of::<(u64, usize, usize)>()) as u64,
                ),
            )
    }
}

/// Exercise 01-2: what a collection frees (the notebook's exercise 2).
pub mod collect {
    use std::cell::{Cell, RefCell};
    use std::hint::black_box;

    use dumpster::Trace;
    pub use dumpster::unsync::{Gc, collect};
    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, expect_eq};

    /// Cycles made in the heap check: a thousand, and ten times as many.
    pub const SIZES: &[usize] = &[1_000, 10_000];

    thread_local! {
        /// `PairNode`s dropped on this thread so far.
        static FREED: Cell<usize> = const { Cell::new(0) };
    }

    /// `PairNode`s freed on this thread so far (each drop adds one).
    pub fn freed() -> usize {
        FREED.with(Cell::get)
    }

    /// One half of a two-node cycle, traced by `dumpster`'s collector; its
    /// drop is counted by [`freed`].
    #[derive(Trace)]
    pub struct PairNode {
        /// A payload.
        pub value: u64,
        /// The other node of the pair.
        pub partner: RefCell<Option<Gc<PairNode>>>,
    }

    impl PairNode {
        /// A node with no partner yet.
        pub fn new(value: u64) -> Gc<PairNode> {
            Gc::new(PairNode {
                value,
                partner: RefCell::new(None),
            })
        }
    }

    impl Drop for PairNode {
        fn drop(&mut self) {
            FREED.with(|f| f.set(f.get() + 1));
        }
    }

    /// The check of `collect_cycles(k)`: makes `k` two-node cycles, drops
    /// them, runs a collection and returns how many nodes it freed.
    pub fn check(collect_cycles: fn(usize) -> usize) -> Check {
        // Starts from a clean collector: nothing left over by an earlier test.
        let run = move |k: usize| {
            collect();
            collect_cycles(k)
        };
        Check::new()
            .test("k = 0: nothing to free", move || expect_eq(run(0), 0))
            .test("k = 1: one pair, two nodes", move || expect_eq(run(1), 2))
            .test("k = 100: 200 nodes", move || expect_eq(run(100), 200))
            .test("k = 5 000: 10 000 nodes", move || {
                expect_eq(run(5_000), 10_000)
            })
            .test(
                "a collect() afterwards finds nothing left to free",
                move || {
                    run(50);
                    let before = freed();
                    collect();
                    expect_eq(freed() - before, 0)
                },
            )
            .heap(
                HeapCheck::new(Case::new(
                    "k cycles made, dropped and collected",
                    "answer",
                    SIZES,
                    move |k| {
                        // Warm the collector's table for k pairs (it keeps its
                        // capacity), so only what stays behind shows as live.
                        collect();
                        collect_cycles(k);
                        collect();
                        k
                    },
                    move |k| black_box(collect_cycles(black_box(k))),
                ))
                .budget(HeapMetric::LiveBytes, "0: every cycle freed", |_| 0),
            )
    }
}

/// Exercise 01-3: a tree with parent pointers that leaks nothing.
pub mod tree {
    use std::cell::RefCell;
    use std::hint::black_box;
    use std::mem::size_of;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, expect_eq};

    use crate::rc_block;

    /// Tree sizes: a thousand nodes, and ten times as many.
    pub const SIZES: &[usize] = &[1_000, 10_000];

    /// The levels of a complete binary tree of `n` nodes: `n`'s bit length.
    fn levels(n: usize) -> usize {
        (usize::BITS - n.leading_zeros()) as usize
    }

    /// The parent's value each node of a tree of `n` reports, in value
    /// order: none for the root, `(i − 1) / 2` for node `i`.
    fn parents_of(n: usize) -> Vec<Option<Option<u64>>> {
        (0..n as u64)
            .map(|i| Some(i.checked_sub(1).map(|j| j / 2)))
            .collect()
    }

    /// The least one node can take on the heap: one `Rc` block of a
    /// `RefCell` holding a `u64` and three links (two children, a parent)
    /// of a pointer each.
    fn node_floor() -> usize {
        rc_block::<RefCell<(u64, usize, usize, usize)>>()
    }

    /// The check of `build(n)` (a complete binary tree of `n` nodes, values
    /// `0..n` in breadth-first order, so node `i`'s children are `2 i + 1`
    /// and `2 i + 2`; returned as its owner), `size` and `depth` (its nodes
    /// and levels), `find(&tree, i)` (a handle to node `i`, which may
    /// outlive the tree) and `parent(&handle)` (the parent's value, while
    /// the parent is still alive).
    pub fn check<T: 'static, H: 'static>(
        build: fn(usize) -> T,
        size: fn(&T) -> usize,
        depth: fn(&T) -> usize,
        find: fn(&T, u64) -> Option<H>,
        parent: fn(&H) -> Option<u64>,
    ) -> Check {
        let shape = move |n: usize| {
            let tree = build(n);
            (size(&tree), depth(&tree), find(&tree, n as u64).is_none())
        };
        let parents = move |n: usize| {
            let tree = build(n);
            (0..n as u64)
                .map(|i| find(&tree, i).map(|h| parent(&h)))
                .collect::<Vec<_>>()
        };
        Check::new()
            .test("n = 0: no nodes, no levels, no node 0", move || {
                expect_eq(shape(0), (0, 0, true))
            })
            .test("n = 1: one node, one level, no parent", move || {
                expect_eq((shape(1), parents(1)), ((1, 1, true), vec![Some(None)]))
            })
            .test("n = 7: 7 nodes on 3 levels, no node 7", move || {
                expect_eq(shape(7), (7, levels(7), true))
            })
            .test("n = 7: node i's parent upgrades to node (i − 1) / 2", move || {
                expect_eq(parents(7), parents_of(7))
            })
            .test("n = 10: 10 nodes on 4 levels, node 9's parent is 4", move || {
                expect_eq((shape(10), parents(10)), ((10, levels(10), true), parents_of(10)))
            })
            .test("n = 1 000: 10 levels, every parent right", move || {
                expect_eq(
                    (shape(1_000), parents(1_000)),
                    ((1_000, levels(1_000), true), parents_of(1_000)),
                )
            })
            .test(
                "n = 7: after dropping the root, the leaves' parents no longer upgrade",
                move || {
                    let tree = build(7);
                    let leaves: Vec<H> = (3..7).filter_map(|i| find(&tree, i)).collect();
                    let before: Vec<_> = leaves.iter().map(parent).collect();
                    drop(tree);
                    let after: Vec<_> = leaves.iter().map(parent).collect();
                    expect_eq(
                        (before, after),
                        (vec![Some(1), Some(1), Some(2), Some(2)], vec![None; 4]),
                    )
                },
            )
            .test(
                "n = 7: a handle to node 1 keeps its subtree, not the root",
                move || {
                    let tree = build(7);
                    let (one, three) = (find(&tree, 1), find(&tree, 3));
                    drop(tree);
                    expect_eq(
                        (one.as_ref().map(parent), three.as_ref().map(parent)),
                        (Some(None), Some(Some(1))),
                    )
                },
            )
            .heap(
                HeapCheck::new(Case::new(
                    "build a tree of n and drop its root",
                    "answer",
                    SIZES,
                    |n| n,
                    move |n| drop(black_box(build(black_box(n)))),
                ))
                .budget(HeapMetric::LiveBytes, "0: every node freed with the root", |_| 0)
                .budget(
                    HeapMetric::Allocs,
                    "n: one block per node at most",
                    |n| n as u64,
                )
                .budget(
                    HeapMetric::PeakBytes,
                    "2 × n × one Rc block of a RefCell, a u64 and three links (room for a Weak or an enum)",
                    |n| (2 * n * node_floor()) as u64,
                )
                .floor(HeapMetric::Allocs, "1: every node in one Vec", |_| 1)
                .floor(
                    HeapMetric::PeakBytes,
                    "n × (u64 + three links): the nodes' own bytes",
                    |n| (n * size_of::<(u64, usize, usize, usize)>()) as u64,
                ),
            )
    }
}
