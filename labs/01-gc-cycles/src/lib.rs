//! Lab 01 — cycles: reference counting vs a cycle collector.
//!
//! CPython frees an object when its reference count drops to zero. Two
//! objects that point at each other never get there on their own, so
//! CPython adds a cycle collector (`gc`): it finds groups of objects that
//! are only referenced from inside the group and frees them. Disable it and
//! the cycle stays.
//!
//! Rust's `Rc` is reference counting without the collector: a cycle of
//! `Rc`s leaks. This lab builds one cyclic structure — a doubly linked ring
//! of `n` nodes, each a `u64` payload with a link to the next node and to
//! the previous one — six ways, and drops its owner:
//!
//! | strategy | links | what is left after the owner is dropped |
//! | --- | --- | --- |
//! | `rc` | `Rc<RefCell<_>>` both ways | every node: reference counting alone never frees a cycle |
//! | `weak` | `Rc` forward, `Weak` back and across the closing edge | nothing: no strong cycle |
//! | `index` | `usize` indices into one `Vec` | nothing: one allocation, no counts |
//! | `arena` | `&'a` references into a `bumpalo::Bump` | nothing: the arena frees every node at once |
//! | `dumpster` | `dumpster::unsync::Gc`, a cycle collector, then `collect()` | nothing |
//! | `dumpster-disabled` | the same with automatic collection off and no `collect()` | every node, like `gc.disable()` |
//!
//! The `collect` workload times one `dumpster::unsync::collect()` over a
//! ring that is already garbage, like `gc.collect()` after `del`.
//!
//! See `README.md` beside this crate for the claims and the measured numbers.

use std::cell::{Cell, RefCell};
use std::hint::black_box;
use std::mem::size_of;
use std::rc::{Rc, Weak};

use bumpalo::Bump;
use dumpster::Trace;
use dumpster::unsync::{self as collector, CollectInfo, Gc};
use heaplab_core::{Case, Fact, Lab};

pub mod claims;
pub mod exercises;

/// Ring sizes: 1 000 nodes is the tutorial's two-node cycle scaled to where
/// per-node costs dominate fixed ones; 100 000 (a few MB) is a large object
/// graph that still builds in milliseconds; 10 000 sits between.
pub const SIZES: &[usize] = &[1_000, 10_000, 100_000];

/// The ring size whose `gc.collect()` count the CPython reference reports
/// as a fact (the tutorial collects a cycle of two; a thousand nodes make
/// the per-object count plain).
pub const FACT_RING: usize = 1_000;

// ---------------------------------------------------------------------------
// rc: strong links both ways (leaks)

/// A node of the `rc` ring: both links are strong.
pub struct RcNode {
    /// The payload.
    pub value: u64,
    /// The next node (strong).
    pub next: Option<RcLink>,
    /// The previous node (strong: this is what makes every pair a cycle).
    pub prev: Option<RcLink>,
}

/// A shared, mutable handle to an [`RcNode`].
pub type RcLink = Rc<RefCell<RcNode>>;

/// A ring of `n` nodes (values `0..n`) linked by strong `Rc`s both ways;
/// returns node 0. Dropping it frees nothing.
///
/// # Panics
///
/// Panics if `n` is 0.
///
/// ```
/// use std::rc::Rc;
/// let first = lab01_gc_cycles::rc_ring(3);
/// let second = first.borrow().next.clone().unwrap();
/// assert_eq!(second.borrow().value, 1);
/// // Node 0 is held by `first`, by node 1's `prev` and by node 2's `next`.
/// assert_eq!(Rc::strong_count(&first), 3);
/// lab01_gc_cycles::break_rc_ring(&first);
/// ```
pub fn rc_ring(n: usize) -> RcLink {
    assert!(n > 0, "a ring has at least one node");
    let first = Rc::new(RefCell::new(RcNode {
        value: 0,
        next: None,
        prev: None,
    }));
    let mut last = Rc::clone(&first);
    for i in 1..n {
        let node = Rc::new(RefCell::new(RcNode {
            value: i as u64,
            next: None,
            prev: Some(Rc::clone(&last)),
        }));
        last.borrow_mut().next = Some(Rc::clone(&node));
        last = node;
    }
    last.borrow_mut().next = Some(Rc::clone(&first));
    first.borrow_mut().prev = Some(last);
    first
}

/// Unlinks every node of the ring `start` belongs to, one at a time, so
/// each is freed once the caller lets go of `start` (and never by a
/// recursion as deep as the ring).
pub fn break_rc_ring(start: &RcLink) {
    let mut node = Some(Rc::clone(start));
    while let Some(current) = node {
        let mut links = current.borrow_mut();
        links.prev = None;
        node = links.next.take();
    }
}

thread_local! {
    /// A weak handle to the ring the last `rc` run leaked, kept by the lab
    /// (not by the measured code) so the next setup can reclaim it: a
    /// `Weak` keeps no node alive, and without it criterion's thousands of
    /// runs would each leave a ring behind.
    static LEAKED: RefCell<Option<Weak<RefCell<RcNode>>>> = const { RefCell::new(None) };
}

/// Frees the ring the previous `rc` run leaked, if any (unmeasured: setup).
fn reclaim_leaked_ring() {
    if let Some(start) = LEAKED
        .with(|l| l.borrow_mut().take())
        .and_then(|w| w.upgrade())
    {
        break_rc_ring(&start);
    }
}

/// The `rc` run: build, drop the owner, leak. Returns node 0's payload.
fn rc_run(n: usize) -> u64 {
    let first = black_box(rc_ring(n));
    let value = first.borrow().value;
    LEAKED.with(|l| *l.borrow_mut() = Some(Rc::downgrade(&first)));
    drop(first);
    value
}

// ---------------------------------------------------------------------------
// weak: strong forward chain, weak back edges

/// A node of the `weak` ring: a strong link forward, weak links back and
/// across the edge that closes the ring, so no cycle is strong.
pub struct WeakNode {
    /// The payload.
    pub value: u64,
    /// The next node; `None` only while the ring is being built.
    pub next: Option<Next>,
    /// The previous node (weak).
    pub prev: Weak<RefCell<WeakNode>>,
}

/// The link to the next node of a `weak` ring.
pub enum Next {
    /// Owns the rest of the chain.
    Owned(Rc<RefCell<WeakNode>>),
    /// The last node's link back to node 0: weak, or the ring is a cycle.
    Closing(Weak<RefCell<WeakNode>>),
}

impl WeakNode {
    /// The next node, upgraded (`None` once the ring is gone).
    pub fn next_node(&self) -> Option<Rc<RefCell<WeakNode>>> {
        match self.next.as_ref()? {
            Next::Owned(node) => Some(Rc::clone(node)),
            Next::Closing(first) => first.upgrade(),
        }
    }
}

impl Drop for WeakNode {
    /// Frees the chain this node owns in a loop: the default drop would
    /// recurse once per node, and 100 000 nested drops overflow the stack.
    fn drop(&mut self) {
        let mut next = self.next.take();
        while let Some(Next::Owned(node)) = next {
            next = Rc::try_unwrap(node)
                .ok()
                .and_then(|cell| cell.into_inner().next.take());
        }
    }
}

/// A ring of `n` nodes (values `0..n`) with `Weak` back edges; returns
/// node 0, which owns the whole chain. Dropping it frees every node.
///
/// # Panics
///
/// Panics if `n` is 0.
///
/// ```
/// use std::rc::Rc;
/// let first = lab01_gc_cycles::weak_ring(3);
/// let last = first.borrow().prev.upgrade().unwrap();
/// assert_eq!(last.borrow().value, 2);
/// assert_eq!(Rc::strong_count(&first), 1, "only the owner holds node 0");
/// ```
pub fn weak_ring(n: usize) -> Rc<RefCell<WeakNode>> {
    assert!(n > 0, "a ring has at least one node");
    let first = Rc::new(RefCell::new(WeakNode {
        value: 0,
        next: None,
        prev: Weak::new(),
    }));
    let mut last = Rc::clone(&first);
    for i in 1..n {
        let node = Rc::new(RefCell::new(WeakNode {
            value: i as u64,
            next: None,
            prev: Rc::downgrade(&last),
        }));
        last.borrow_mut().next = Some(Next::Owned(Rc::clone(&node)));
        last = node;
    }
    last.borrow_mut().next = Some(Next::Closing(Rc::downgrade(&first)));
    first.borrow_mut().prev = Rc::downgrade(&last);
    first
}

// ---------------------------------------------------------------------------
// index: one Vec, usize links

/// A node of the `index` ring: links are positions in the ring's `Vec`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexNode {
    /// The payload.
    pub value: u64,
    /// Index of the next node.
    pub next: usize,
    /// Index of the previous node.
    pub prev: usize,
}

/// A ring of `n` nodes in one `Vec` (one allocation); node `i` is at index `i`.
///
/// ```
/// let ring = lab01_gc_cycles::index_ring(3);
/// assert_eq!((ring[2].next, ring[0].prev), (0, 2));
/// ```
pub fn index_ring(n: usize) -> Vec<IndexNode> {
    (0..n)
        .map(|i| IndexNode {
            value: i as u64,
            next: (i + 1) % n,
            prev: (i + n - 1) % n,
        })
        .collect()
}

// ---------------------------------------------------------------------------
// arena: bumpalo, &'a links

/// A node of the `arena` ring: plain references into the arena, which
/// outlives every node; nothing is counted and nothing is freed one by one.
pub struct ArenaNode<'a> {
    /// The payload.
    pub value: u64,
    /// The next node.
    pub next: Cell<Option<&'a ArenaNode<'a>>>,
    /// The previous node.
    pub prev: Cell<Option<&'a ArenaNode<'a>>>,
}

/// A ring of `n` nodes allocated in `arena`; returns node 0.
///
/// # Panics
///
/// Panics if `n` is 0.
///
/// ```
/// let arena = bumpalo::Bump::new();
/// let first = lab01_gc_cycles::arena_ring(&arena, 3);
/// assert_eq!(first.prev.get().unwrap().value, 2);
/// ```
pub fn arena_ring<'a>(arena: &'a Bump, n: usize) -> &'a ArenaNode<'a> {
    assert!(n > 0, "a ring has at least one node");
    let first: &ArenaNode = arena.alloc(ArenaNode {
        value: 0,
        next: Cell::new(None),
        prev: Cell::new(None),
    });
    let mut last = first;
    for i in 1..n {
        let node: &ArenaNode = arena.alloc(ArenaNode {
            value: i as u64,
            next: Cell::new(None),
            prev: Cell::new(Some(last)),
        });
        last.next.set(Some(node));
        last = node;
    }
    last.next.set(Some(first));
    first.prev.set(Some(last));
    first
}

/// The `arena` run: a fresh `Bump`, the ring in it, the `Bump` dropped.
fn arena_run(n: usize) -> u64 {
    let arena = Bump::new();
    let value = black_box(arena_ring(&arena, n)).value;
    drop(arena);
    value
}

/// Chunks a `Bump` that starts empty holds after building a ring of `n`
/// (one allocation each: bumpalo doubles its chunk size as it grows).
///
/// ```
/// assert_eq!(lab01_gc_cycles::arena_chunks(1), 1);
/// ```
pub fn arena_chunks(n: usize) -> usize {
    let mut arena = Bump::new();
    arena_ring(&arena, n);
    arena.iter_allocated_chunks().count()
}

/// The bytes the arena asks the allocator for to hold a ring of `n` nodes:
/// its chunks with their footers (bumpalo's own count).
///
/// ```
/// let bytes = lab01_gc_cycles::arena_requested_bytes(1_000);
/// assert!(bytes >= 1_000 * std::mem::size_of::<lab01_gc_cycles::ArenaNode>());
/// ```
pub fn arena_requested_bytes(n: usize) -> usize {
    let arena = Bump::new();
    arena_ring(&arena, n);
    arena.allocated_bytes_including_metadata()
}

// ---------------------------------------------------------------------------
// dumpster: a cycle collector

/// A node of the `dumpster` ring: `Gc` links both ways, traced by the
/// collector (`#[derive(Trace)]`).
#[derive(Trace)]
pub struct GcNode {
    /// The payload.
    pub value: u64,
    /// The next node.
    pub next: RefCell<Option<Gc<GcNode>>>,
    /// The previous node.
    pub prev: RefCell<Option<Gc<GcNode>>>,
}

/// A ring of `n` nodes (values `0..n`) linked by `dumpster` `Gc`s both
/// ways; returns node 0. Dropping it leaves a cycle for the collector.
///
/// # Panics
///
/// Panics if `n` is 0.
///
/// ```
/// let first = lab01_gc_cycles::gc_ring(3);
/// let last = first.prev.borrow().clone().unwrap();
/// assert_eq!(last.value, 2);
/// drop((first, last));
/// dumpster::unsync::collect();
/// ```
pub fn gc_ring(n: usize) -> Gc<GcNode> {
    assert!(n > 0, "a ring has at least one node");
    let first = Gc::new(GcNode {
        value: 0,
        next: RefCell::new(None),
        prev: RefCell::new(None),
    });
    let mut last = first.clone();
    for i in 1..n {
        let node = Gc::new(GcNode {
            value: i as u64,
            next: RefCell::new(None),
            prev: RefCell::new(Some(last.clone())),
        });
        *last.next.borrow_mut() = Some(node.clone());
        last = node;
    }
    *last.next.borrow_mut() = Some(first.clone());
    *first.prev.borrow_mut() = Some(last);
    first
}

/// A collect condition that never fires: the collector runs only when
/// `collect()` is called, like CPython after `gc.disable()`.
pub fn never(_: &CollectInfo) -> bool {
    false
}

/// The setup of every `dumpster` case: the collection condition the case
/// wants, then a collection that frees what an earlier run left, then one
/// ring of `n` built, dropped and collected so the collector's table of
/// candidates already has room for `n` (a warm collector, as in a program
/// that has collected before: the table keeps its capacity, and a cold one
/// would show that growth as `live_bytes`).
fn warm_collector(n: usize, condition: collector::CollectCondition) -> usize {
    collector::set_collect_condition(condition);
    collector::collect();
    drop(gc_ring(n));
    collector::collect();
    n
}

/// The `dumpster` run: build, drop the owner, `collect()`.
fn dumpster_run(n: usize) -> u64 {
    let first = black_box(gc_ring(n));
    let value = first.value;
    drop(first);
    collector::collect();
    value
}

/// The `dumpster-disabled` run: build, drop the owner, no collection.
fn dumpster_disabled_run(n: usize) -> u64 {
    let first = black_box(gc_ring(n));
    let value = first.value;
    drop(first);
    value
}

/// The `collect` setup: automatic collection off, and a ring of `n` built
/// and dropped: garbage only a collection frees.
fn garbage_ring(n: usize) -> usize {
    warm_collector(n, never);
    drop(gc_ring(n));
    n
}

// ---------------------------------------------------------------------------
// Facts and the lab

/// The bytes of one `Rc` block holding a `T`: the strong and weak counts,
/// then the value, rounded up to its alignment.
pub fn rc_block<T>() -> usize {
    (2 * size_of::<usize>() + size_of::<T>()).next_multiple_of(align_of::<T>().max(8))
}

/// The bytes of one `dumpster::unsync::Gc` block holding a `T`: its count,
/// then the value.
pub fn gc_block<T>() -> usize {
    (size_of::<usize>() + size_of::<T>()).next_multiple_of(align_of::<T>().max(8))
}

fn facts() -> Vec<Fact> {
    let mut facts = vec![
        Fact::new("size_of::<RcNode>()", size_of::<RcNode>(), "bytes"),
        Fact::new(
            "Rc allocation per rc node (counts + RefCell<RcNode>)",
            rc_block::<RefCell<RcNode>>(),
            "bytes",
        ),
        Fact::new("size_of::<WeakNode>()", size_of::<WeakNode>(), "bytes"),
        Fact::new(
            "Rc allocation per weak node (counts + RefCell<WeakNode>)",
            rc_block::<RefCell<WeakNode>>(),
            "bytes",
        ),
        Fact::new("size_of::<IndexNode>()", size_of::<IndexNode>(), "bytes"),
        Fact::new("size_of::<ArenaNode>()", size_of::<ArenaNode>(), "bytes"),
        Fact::new("size_of::<GcNode>()", size_of::<GcNode>(), "bytes"),
        Fact::new(
            "size_of::<Option<Rc<RefCell<RcNode>>>>() (an rc link)",
            size_of::<Option<RcLink>>(),
            "bytes",
        ),
        Fact::new(
            "size_of::<Option<Gc<GcNode>>>() (a dumpster link: no niche)",
            size_of::<Option<Gc<GcNode>>>(),
            "bytes",
        ),
        Fact::new(
            "Gc allocation per dumpster node (count + GcNode)",
            gc_block::<GcNode>(),
            "bytes",
        ),
    ];
    for &n in SIZES {
        facts.push(Fact::new(
            format!("arena chunks for a ring of {n}"),
            arena_chunks(n),
            "count",
        ));
    }
    facts
}

/// The lab, for the harness's registry.
pub fn lab() -> Lab {
    let lab = Lab::new(
        "01-gc-cycles",
        "Cycles: reference counting vs a cycle collector",
        "Garbage Collection (examples 1–4)",
    )
    .claims(claims::claims())
    .facts(facts)
    .constant("FACT_RING", FACT_RING)
    .cases([
        Case::new(
            "ring",
            "rc",
            SIZES,
            |n| {
                reclaim_leaked_ring();
                n
            },
            rc_run,
        )
        .with_python("gc-disabled")
        .about("Rc<RefCell> both ways: the owner is dropped, every node leaks"),
        Case::new(
            "ring",
            "weak",
            SIZES,
            |n| n,
            |n| black_box(weak_ring(n)).borrow().value,
        )
        .with_python("weakref")
        .about("Rc forward, Weak back: dropping the owner frees every node"),
        Case::new(
            "ring",
            "index",
            SIZES,
            |n| n,
            |n| black_box(index_ring(n))[0].value,
        )
        .about("one Vec, usize links: one allocation"),
        Case::new("ring", "arena", SIZES, |n| n, arena_run)
            .about("bumpalo arena, &'a links: freed all at once with the arena"),
        Case::new(
            "ring",
            "dumpster",
            SIZES,
            |n| warm_collector(n, collector::default_collect_condition),
            dumpster_run,
        )
        .with_python("gc-collect")
        .about("dumpster Gc both ways, then collect(): the cycle collector frees it"),
        Case::new(
            "ring",
            "dumpster-disabled",
            SIZES,
            |n| warm_collector(n, never),
            dumpster_disabled_run,
        )
        .with_python("gc-disabled")
        .about("dumpster Gc with automatic collection off and no collect(): the ring stays"),
    ])
    .cases(
        [Case::new("collect", "dumpster", SIZES, garbage_ring, |_n| {
            collector::collect()
        })
        .with_python("gc-collect")
        .about("one collect() over a ring of n that is already garbage")],
    );
    exercises::list().into_iter().fold(lab, Lab::exercise)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ring size for tests: small enough for a debug build's thread stack
    /// (dumpster traces recursively), large enough to wrap around.
    const N: usize = 5;

    /// Walks `2n` steps from node 0 each way: the payloads seen.
    fn walks<T>(
        start: T,
        n: usize,
        value: impl Fn(&T) -> u64,
        next: impl Fn(&T) -> T,
        prev: impl Fn(&T) -> T,
        clone: impl Fn(&T) -> T,
    ) -> (Vec<u64>, Vec<u64>) {
        let (mut forward, mut back) = (Vec::new(), Vec::new());
        let (mut f, mut b) = (clone(&start), start);
        for _ in 0..2 * n {
            forward.push(value(&f));
            back.push(value(&b));
            f = next(&f);
            b = prev(&b);
        }
        (forward, back)
    }

    /// What a ring of `n` shows walked `2n` steps each way from node 0.
    fn expected(n: usize) -> (Vec<u64>, Vec<u64>) {
        let n = n as u64;
        (
            (0..2 * n).map(|i| i % n).collect(),
            (0..2 * n).map(|i| (2 * n - i) % n).collect(),
        )
    }

    #[test]
    fn rc_is_a_ring_of_n() {
        let first = rc_ring(N);
        let got = walks(
            Rc::clone(&first),
            N,
            |x| x.borrow().value,
            |x| x.borrow().next.clone().unwrap(),
            |x| x.borrow().prev.clone().unwrap(),
            Rc::clone,
        );
        assert_eq!(got, expected(N));
        let weak = Rc::downgrade(&first);
        break_rc_ring(&first);
        drop(first);
        assert!(weak.upgrade().is_none(), "breaking the ring frees it");
    }

    #[test]
    fn rc_run_leaks_and_setup_reclaims() {
        rc_run(N);
        let leaked = LEAKED.with(|l| l.borrow().clone()).unwrap();
        assert!(leaked.upgrade().is_some(), "the ring outlives its owner");
        reclaim_leaked_ring();
        assert!(leaked.upgrade().is_none(), "the next setup frees it");
    }

    #[test]
    fn weak_is_a_ring_of_n_and_frees_itself() {
        let first = weak_ring(N);
        let got = walks(
            Rc::clone(&first),
            N,
            |x| x.borrow().value,
            |x| x.borrow().next_node().unwrap(),
            |x| x.borrow().prev.upgrade().unwrap(),
            Rc::clone,
        );
        assert_eq!(got, expected(N));
        let last = Rc::downgrade(&first.borrow().prev.upgrade().unwrap());
        drop(first);
        assert!(last.upgrade().is_none(), "dropping node 0 frees the chain");
    }

    #[test]
    fn a_long_weak_chain_drops_without_recursion() {
        // Deep enough to overflow a test thread's stack if dropped recursively.
        drop(weak_ring(200_000));
    }

    #[test]
    fn index_is_a_ring_of_n() {
        let ring = index_ring(N);
        let got = walks(
            0,
            N,
            |&i| ring[i].value,
            |&i| ring[i].next,
            |&i| ring[i].prev,
            |&i| i,
        );
        assert_eq!(got, expected(N));
    }

    #[test]
    fn arena_is_a_ring_of_n() {
        let arena = Bump::new();
        let first = arena_ring(&arena, N);
        let got = walks(
            first,
            N,
            |x| x.value,
            |x| x.next.get().unwrap(),
            |x| x.prev.get().unwrap(),
            |x| *x,
        );
        assert_eq!(got, expected(N));
        assert_eq!(arena_chunks(N), 1);
    }

    #[test]
    fn gc_is_a_ring_of_n_and_only_collect_frees_it() {
        collector::set_collect_condition(never);
        let first = gc_ring(N);
        let got = walks(
            first.clone(),
            N,
            |x| x.value,
            |x| x.next.borrow().clone().unwrap(),
            |x| x.prev.borrow().clone().unwrap(),
            Gc::clone,
        );
        assert_eq!(got, expected(N));
        // Node 0 is held by `first`, by node 1's prev and by node N-1's next.
        assert_eq!(Gc::ref_count(&first).get(), 3);
        let second = first.next.borrow().clone().unwrap();
        drop(first);
        assert!(!Gc::is_dead(&second), "dropping the owner frees nothing");
        drop(second);
        collector::collect();
        collector::set_collect_condition(collector::default_collect_condition);
    }

    #[test]
    fn node_blocks_are_what_the_facts_say() {
        assert_eq!(rc_block::<RefCell<RcNode>>(), 48);
        assert_eq!(size_of::<IndexNode>(), 24);
        assert_eq!(size_of::<ArenaNode>(), 24);
    }
}
