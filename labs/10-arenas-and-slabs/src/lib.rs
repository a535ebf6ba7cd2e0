//! Lab 10 — arenas and slabs: one allocation per object is a choice.
//!
//! CPython gives every object its own allocation, header and reference
//! count, and frees each one when its count drops to zero: a linked list of
//! a hundred thousand nodes is a hundred thousand objects. Rust lets the
//! program choose. This lab builds the same singly linked list of `n` small
//! nodes (a `u64` payload and one link) five ways and measures what each
//! choice costs the heap:
//!
//! | strategy | nodes live in | a link is | allocations to build `n` nodes |
//! | --- | --- | --- | --- |
//! | `box` | one `Box` each | `Option<Box<Node>>` | `n` |
//! | `bumpalo` | a [`bumpalo::Bump`] arena's chunks | `Option<&'a Node>` | a few doubling chunks ([`bump_chunks`]) |
//! | `slab` | one [`slab::Slab`], grown by doubling | a `usize` key | one per doubling |
//! | `vec` | one `Vec` sized up front | a `usize` index | 1 |
//!
//! The price of an arena: it frees nothing until it is dropped or reset
//! (`churn` shows its bytes growing), and `bumpalo` never runs a value's
//! `Drop`; [`typed_arena::Arena`], an arena of one type, does (see
//! [`drops_run`]) — the one thing it teaches that the others do not, so it
//! appears in the facts and tests, not as a measured case. A slab or a `Vec` with a free list reuses the
//! holes that removals leave, so once warm it allocates nothing.
//!
//! See `README.md` beside this crate for the claims and the measured numbers.

use std::cell::Cell;
use std::hint::black_box;
use std::mem::size_of;

use heaplab_core::{Case, Fact, Lab};

pub use bumpalo::{self, Bump};
pub use slab::{self, Slab};
pub use typed_arena;

pub mod claims;
pub mod exercises;

/// Nodes per list: a thousand (16 KB of payload, in L1), ten thousand and a
/// hundred thousand (1.6 MB, past L2): the allocation counts grow tenfold
/// from one size to the next, an arena's chunk count only by a few.
pub const SIZES: &[usize] = &[1_000, 10_000, 100_000];

/// Sizes of `walk` and `free-all`: the smallest and the largest of
/// [`SIZES`], in cache and out of it (two sizes keep the lab cheap).
pub const WALK_SIZES: &[usize] = &[1_000, 100_000];

/// The seed of the churn's positions (splitmix64, as in lab 09);
/// `python/reference.py` receives it too.
pub const SEED: u64 = 0x5EED_0010;

/// "No link" for the index-linked lists.
pub const NIL: usize = usize::MAX;

/// The bytes bumpalo aims its first chunk at, malloc's own overhead and
/// the chunk's footer included (`FIRST_ALLOCATION_GOAL` in bumpalo 3.20's
/// `src/lib.rs`): 512.
pub const BUMP_FIRST_GOAL: usize = 512;

/// The bytes of each chunk bumpalo does not hand out: its footer (48 bytes
/// on a 64-bit target: the data pointer, the layout, the link to the
/// previous chunk, the bump pointer and the running byte count) plus 16 it
/// leaves for malloc's header, rounded up to 16 (`OVERHEAD` in bumpalo's
/// source): 64.
pub const BUMP_OVERHEAD: usize = 64;

/// The chunk footer bumpalo puts at the end of every chunk (bytes): part
/// of each chunk's allocation, not of the bytes it hands out.
pub const BUMP_FOOTER: usize = 48;

/// A node of the `box` list: the payload and an owning link.
pub struct BoxNode {
    /// The payload.
    pub value: u64,
    /// The next node, owned.
    pub next: Option<Box<BoxNode>>,
}

/// A list with one `Box` per node.
///
/// Its `Drop` unlinks the nodes one by one: the derived, recursive drop
/// of `Option<Box<BoxNode>>` would recurse once per node and overflow the
/// stack at a hundred thousand nodes.
#[derive(Default)]
pub struct BoxList {
    /// The first node.
    pub head: Option<Box<BoxNode>>,
}

impl Drop for BoxList {
    fn drop(&mut self) {
        let mut next = self.head.take();
        while let Some(mut node) = next {
            next = node.next.take();
        }
    }
}

impl BoxList {
    /// The payloads from the head on.
    ///
    /// ```
    /// let list = lab10_arenas_and_slabs::build_box(3);
    /// assert_eq!(list.values().collect::<Vec<_>>(), [0, 1, 2]);
    /// ```
    pub fn values(&self) -> impl Iterator<Item = u64> + '_ {
        std::iter::successors(self.head.as_deref(), |node| node.next.as_deref())
            .map(|node| node.value)
    }
}

/// A node of the arena lists (`bumpalo`, `typed-arena`): the payload and a
/// shared reference to the next node, which lives in the same arena.
pub struct ArenaNode<'a> {
    /// The payload.
    pub value: u64,
    /// The next node, borrowed from the arena.
    pub next: Option<&'a ArenaNode<'a>>,
}

/// The payloads of an arena list from `head` on.
///
/// ```
/// let bump = bumpalo::Bump::new();
/// let head = lab10_arenas_and_slabs::build_in_bump(&bump, 3);
/// assert_eq!(lab10_arenas_and_slabs::arena_values(head).collect::<Vec<_>>(), [0, 1, 2]);
/// ```
pub fn arena_values<'a>(head: Option<&'a ArenaNode<'a>>) -> impl Iterator<Item = u64> + 'a {
    std::iter::successors(head, |node| node.next).map(|node| node.value)
}

/// A node of the index-linked lists (`slab`, `vec`): the payload and the
/// index of the next node in the same container, [`NIL`] at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexNode {
    /// The payload.
    pub value: u64,
    /// Index of the next node, or [`NIL`].
    pub next: usize,
}

/// The payloads of an index-linked list from `head` on; `at(i)` reads node `i`.
fn index_values<'a>(
    head: usize,
    at: impl Fn(usize) -> &'a IndexNode + 'a,
) -> impl Iterator<Item = u64> + 'a {
    let mut i = head;
    std::iter::from_fn(move || {
        (i != NIL).then(|| {
            let node = at(i);
            i = node.next;
            node.value
        })
    })
}

/// A list whose nodes live in one [`Slab`], linked by key.
pub struct SlabList {
    /// The nodes.
    pub nodes: Slab<IndexNode>,
    /// Key of the first node, or [`NIL`].
    pub head: usize,
}

impl SlabList {
    /// The payloads from the head on.
    ///
    /// ```
    /// let list = lab10_arenas_and_slabs::build_slab(3);
    /// assert_eq!(list.values().collect::<Vec<_>>(), [0, 1, 2]);
    /// ```
    pub fn values(&self) -> impl Iterator<Item = u64> + '_ {
        index_values(self.head, |i| &self.nodes[i])
    }
}

/// A list whose nodes live in one `Vec`, linked by index.
pub struct VecList {
    /// The nodes.
    pub nodes: Vec<IndexNode>,
    /// Index of the first node, or [`NIL`].
    pub head: usize,
}

impl VecList {
    /// The payloads from the head on.
    ///
    /// ```
    /// let list = lab10_arenas_and_slabs::build_vec(3);
    /// assert_eq!(list.values().collect::<Vec<_>>(), [0, 1, 2]);
    /// ```
    pub fn values(&self) -> impl Iterator<Item = u64> + '_ {
        index_values(self.head, |i| &self.nodes[i])
    }
}

/// The payloads the lists hold, last first: every list is built by pushing
/// at its head, so it reads `0, 1, …, n - 1` from the head on.
fn payloads_last_first(n: usize) -> impl Iterator<Item = u64> {
    (0..n as u64).rev()
}

/// `n` nodes, one `Box` each: `n` allocations of `size_of::<BoxNode>()`.
pub fn build_box(n: usize) -> BoxList {
    let mut list = BoxList::default();
    for value in payloads_last_first(n) {
        list.head = Some(Box::new(BoxNode {
            value,
            next: list.head.take(),
        }));
    }
    list
}

/// `n` nodes in `bump`: the chunks [`bump_chunks`] says, nothing per node.
pub fn build_in_bump(bump: &Bump, n: usize) -> Option<&ArenaNode<'_>> {
    let mut head = None;
    for value in payloads_last_first(n) {
        head = Some(&*bump.alloc(ArenaNode { value, next: head }));
    }
    head
}

/// `n` nodes in a typed arena (chunks that double, like bumpalo's).
pub fn build_in_typed<'a>(
    arena: &'a typed_arena::Arena<ArenaNode<'a>>,
    n: usize,
) -> Option<&'a ArenaNode<'a>> {
    let mut head = None;
    for value in payloads_last_first(n) {
        head = Some(&*arena.alloc(ArenaNode { value, next: head }));
    }
    head
}

/// `n` nodes in a slab that starts empty and doubles as it fills.
pub fn build_slab(n: usize) -> SlabList {
    let mut list = SlabList {
        nodes: Slab::new(),
        head: NIL,
    };
    for value in payloads_last_first(n) {
        list.head = list.nodes.insert(IndexNode {
            value,
            next: list.head,
        });
    }
    list
}

/// `n` nodes in a `Vec` sized for them: one allocation.
pub fn build_vec(n: usize) -> VecList {
    let mut list = VecList {
        nodes: Vec::with_capacity(n),
        head: NIL,
    };
    for value in payloads_last_first(n) {
        list.nodes.push(IndexNode {
            value,
            next: list.head,
        });
        list.head = list.nodes.len() - 1;
    }
    list
}

/// Usable bytes of the `k`-th chunk (`k` = 0, 1, …) a [`Bump`] allocates
/// when it grows one small value at a time: 448, 960, 1 984, 4 032, 8 128, …
///
/// bumpalo's rule (3.20, `alloc_layout_slow` and `new_chunk_memory_details`):
/// a new chunk asks for twice the previous chunk's usable bytes, then
/// rounds its size plus [`BUMP_OVERHEAD`] up — to a power of two below a
/// page, to a multiple of 4 096 above — so chunk `k` takes
/// `512 · 2^k` bytes of the allocator's, of which `512 · 2^k − 64` are usable.
///
/// ```
/// use lab10_arenas_and_slabs::bump_chunk_capacity;
/// assert_eq!((0..5).map(bump_chunk_capacity).collect::<Vec<_>>(), [448, 960, 1984, 4032, 8128]);
/// ```
pub fn bump_chunk_capacity(k: u32) -> usize {
    (BUMP_FIRST_GOAL << k) - BUMP_OVERHEAD
}

/// How many chunks a fresh [`Bump`] allocates to hold `n` values of `size`
/// bytes (`size` a multiple of their alignment, at most 16): chunk `k`
/// holds `bump_chunk_capacity(k) / size` of them, and a value that does not
/// fit starts the next chunk.
///
/// ```
/// use lab10_arenas_and_slabs::bump_chunks;
/// assert_eq!(bump_chunks(0, 16), 0);
/// assert_eq!(bump_chunks(28, 16), 1, "448 / 16 = 28 nodes in the first chunk");
/// assert_eq!(bump_chunks(29, 16), 2);
/// ```
pub fn bump_chunks(n: usize, size: usize) -> usize {
    let (mut chunks, mut held) = (0, 0);
    while held < n {
        held += bump_chunk_capacity(chunks as u32) / size;
        chunks += 1;
    }
    chunks
}

/// The bytes bumpalo's `allocated_bytes()` reports after `chunks` chunks:
/// the usable bytes of each.
///
/// ```
/// assert_eq!(lab10_arenas_and_slabs::bump_usable_bytes(2), 448 + 960);
/// ```
pub fn bump_usable_bytes(chunks: usize) -> usize {
    (0..chunks as u32).map(bump_chunk_capacity).sum()
}

/// The bytes bumpalo asks the global allocator for in `chunks` chunks: the
/// usable bytes plus each chunk's footer (what dhat counts).
///
/// ```
/// assert_eq!(lab10_arenas_and_slabs::bump_requested_bytes(1), 496);
/// ```
pub fn bump_requested_bytes(chunks: usize) -> usize {
    bump_usable_bytes(chunks) + chunks * BUMP_FOOTER
}

/// The churn's `n` positions in `0..n`, seeded by [`SEED`]: operation `i`
/// removes the node at position `positions[i]` and puts a new one there.
///
/// ```
/// let p = lab10_arenas_and_slabs::positions(1_000);
/// assert_eq!(p.len(), 1_000);
/// assert!(p.iter().all(|&i| i < 1_000));
/// assert_eq!(p, lab10_arenas_and_slabs::positions(1_000), "seeded");
/// ```
pub fn positions(n: usize) -> Vec<usize> {
    let mut state = SEED;
    (0..n)
        .map(|_| (heaplab_core::splitmix64(&mut state) % n.max(1) as u64) as usize)
        .collect()
}

/// A pool of live nodes that the churn removes from and inserts into, one
/// node at a time, through handles.
pub trait Pool {
    /// A handle to a live node.
    type Handle;
    /// A pool with room for `n` nodes, and the handles of the `n` nodes it
    /// was filled with (payloads `0..n`).
    fn warm(n: usize) -> (Self, Vec<Self::Handle>)
    where
        Self: Sized;
    /// Removes the node behind `handle` and inserts one holding `value`,
    /// leaving its handle in `handle`; returns the payload removed.
    fn replace(&mut self, handle: &mut Self::Handle, value: u64) -> u64;
}

/// `box` churn: every node is its own `Box`; a removal frees one, an
/// insertion allocates one.
pub struct BoxPool;

impl Pool for BoxPool {
    type Handle = Box<BoxNode>;
    fn warm(n: usize) -> (Self, Vec<Box<BoxNode>>) {
        let handles = (0..n as u64)
            .map(|value| Box::new(BoxNode { value, next: None }))
            .collect();
        (BoxPool, handles)
    }
    fn replace(&mut self, handle: &mut Box<BoxNode>, value: u64) -> u64 {
        let old = std::mem::replace(handle, Box::new(BoxNode { value, next: None }));
        old.value
    }
}

/// `slab` churn: a removal leaves a hole the next insertion fills.
pub struct SlabPool(pub Slab<IndexNode>);

impl Pool for SlabPool {
    type Handle = usize;
    fn warm(n: usize) -> (Self, Vec<usize>) {
        let mut slab = Slab::with_capacity(n);
        let handles = (0..n as u64)
            .map(|value| slab.insert(IndexNode { value, next: NIL }))
            .collect();
        (SlabPool(slab), handles)
    }
    fn replace(&mut self, handle: &mut usize, value: u64) -> u64 {
        let old = self.0.remove(*handle).value;
        *handle = self.0.insert(IndexNode { value, next: NIL });
        old
    }
}

/// `vec` churn: a `Vec` of nodes and a free list threaded through the
/// `next` fields of the removed ones — slab's idea without its tag (and
/// without its check that a handle is live: the caller is trusted).
pub struct VecPool {
    /// Every node ever placed, live or on the free list.
    pub nodes: Vec<IndexNode>,
    // Index of the first free node, or NIL; each free node's `next` is the
    // following free one.
    free: usize,
}

impl Pool for VecPool {
    type Handle = usize;
    fn warm(n: usize) -> (Self, Vec<usize>) {
        let mut pool = VecPool {
            nodes: Vec::with_capacity(n),
            free: NIL,
        };
        let handles = (0..n as u64).map(|value| pool.insert(value)).collect();
        (pool, handles)
    }
    fn replace(&mut self, handle: &mut usize, value: u64) -> u64 {
        let old = self.remove(*handle);
        *handle = self.insert(value);
        old
    }
}

impl VecPool {
    /// Puts node `handle` on the free list; returns its payload.
    pub fn remove(&mut self, handle: usize) -> u64 {
        let node = &mut self.nodes[handle];
        node.next = self.free;
        self.free = handle;
        node.value
    }

    /// Places a node holding `value` in a free slot, or at the end.
    pub fn insert(&mut self, value: u64) -> usize {
        let node = IndexNode { value, next: NIL };
        match self.free {
            NIL => {
                self.nodes.push(node);
                self.nodes.len() - 1
            }
            i => {
                self.free = self.nodes[i].next;
                self.nodes[i] = node;
                i
            }
        }
    }
}

/// The handles of the nodes an arena pool holds.
type Handles<'a> = Vec<&'a ArenaNode<'a>>;

self_cell::self_cell!(
    /// `bumpalo` churn: a [`Bump`] and the handles of its live nodes, in one
    /// value (the handles borrow the arena, so safe Rust needs `self_cell`
    /// to keep both in one struct). A removal forgets a node — an arena
    /// frees nothing — and an insertion bumps the arena further.
    pub struct BumpPool {
        owner: Bump,
        #[covariant]
        dependent: Handles,
    }
);

impl BumpPool {
    /// A pool holding `n` nodes (payloads `0..n`), handles sized for `n`.
    pub fn warm(n: usize) -> Self {
        BumpPool::new(Bump::new(), |bump| {
            (0..n as u64)
                .map(|value| &*bump.alloc(ArenaNode { value, next: None }))
                .collect()
        })
    }

    /// Replaces the node at each of `positions` by a new one; returns the
    /// sum of the payloads removed.
    pub fn churn(&mut self, positions: &[usize]) -> u64 {
        let first = self.borrow_dependent().len() as u64;
        self.with_dependent_mut(|bump, handles| {
            let mut removed = 0u64;
            for (i, &at) in positions.iter().enumerate() {
                removed = removed.wrapping_add(handles[at].value);
                handles[at] = bump.alloc(ArenaNode {
                    value: first + i as u64,
                    next: None,
                });
            }
            removed
        })
    }

    /// The payloads of the live nodes, in handle order.
    pub fn values(&self) -> Vec<u64> {
        self.borrow_dependent().iter().map(|n| n.value).collect()
    }

    /// Bytes the arena has handed out chunks for (`Bump::allocated_bytes`).
    pub fn allocated_bytes(&self) -> usize {
        self.borrow_owner().allocated_bytes()
    }
}

/// Replaces the node at each of `positions` by a new one (payloads
/// `first`, `first + 1`, …); returns the sum of the payloads removed.
pub fn churn<P: Pool>(pool: &mut P, handles: &mut [P::Handle], positions: &[usize]) -> u64 {
    let first = handles.len() as u64;
    let mut removed = 0u64;
    for (i, &at) in positions.iter().enumerate() {
        removed = removed.wrapping_add(pool.replace(&mut handles[at], first + i as u64));
    }
    removed
}

/// An arena list that outlives its builder: the arena and its head in one
/// value (through `self_cell`, as for [`BumpPool`]), for the workloads whose
/// setup builds and whose run walks or frees.
type Head<'a> = Option<&'a ArenaNode<'a>>;

self_cell::self_cell!(
    /// A [`Bump`] holding a list, and the list's head.
    pub struct BumpList {
        owner: Bump,
        #[covariant]
        dependent: Head,
    }
);

impl BumpList {
    /// `n` nodes in a fresh arena.
    pub fn build(n: usize) -> Self {
        BumpList::new(Bump::new(), |bump| build_in_bump(bump, n))
    }

    /// The payloads from the head on.
    pub fn values(&self) -> Vec<u64> {
        arena_values(*self.borrow_dependent()).collect()
    }
}

/// How many values' `Drop` ran when an arena of `count` of them was
/// dropped: `(typed_arena, bumpalo)`. typed-arena drops what it holds;
/// bumpalo frees its chunks without running any value's `Drop` (its own
/// `bumpalo::boxed::Box` is the way to get one).
///
/// ```
/// assert_eq!(lab10_arenas_and_slabs::drops_run(1_000), (1_000, 0));
/// ```
pub fn drops_run(count: usize) -> (usize, usize) {
    /// Counts its own drop.
    struct Counted<'c>(&'c Cell<usize>);
    impl Drop for Counted<'_> {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }
    let (typed, bump) = (Cell::new(0), Cell::new(0));
    {
        let arena = typed_arena::Arena::new();
        for _ in 0..count {
            arena.alloc(Counted(&typed));
        }
    }
    {
        let arena = Bump::new();
        for _ in 0..count {
            arena.alloc(Counted(&bump));
        }
    }
    (typed.get(), bump.get())
}

/// Sums a list's payloads, the `walk` workload's work.
fn sum(values: impl Iterator<Item = u64>) -> u64 {
    values.fold(0u64, u64::wrapping_add)
}

/// `build` cases: the run builds `n` nodes and keeps them (the output), so
/// peak bytes ÷ n is bytes per node; the heap family then drops them.
fn build_cases() -> [Case; 4] {
    [
        Case::new("build", "box", SIZES, |n| n, build_box)
            .with_python("object")
            .with_python("slots")
            .about("one Box per node: n allocations"),
        Case::new(
            "build",
            "bumpalo",
            SIZES,
            |n| n,
            |n: usize| {
                let bump = Bump::new();
                black_box(build_in_bump(&bump, n));
                bump
            },
        )
        .about("a bumpalo arena: a few doubling chunks"),
        Case::new("build", "slab", SIZES, |n| n, build_slab)
            .about("a Slab from empty: grows by doubling"),
        Case::new("build", "vec", SIZES, |n| n, build_vec)
            .about("a Vec sized for n: one allocation"),
    ]
}

/// A `churn` case: setup warms a pool of `n` nodes; the run replaces the
/// node at `n` seeded positions.
fn churn_case<P: Pool + 'static>(strategy: &'static str) -> Case
where
    P::Handle: 'static,
{
    Case::in_env(
        "churn",
        strategy,
        SIZES,
        |n| (P::warm(n), positions(n)),
        |((pool, handles), at): &mut ((P, Vec<P::Handle>), Vec<usize>)| churn(pool, handles, at),
    )
}

fn churn_cases() -> [Case; 4] {
    [
        churn_case::<BoxPool>("box")
            .with_python("object")
            .with_python("slots")
            .about("n removals and insertions: one free and one malloc each"),
        Case::in_env(
            "churn",
            "bumpalo",
            SIZES,
            |n| (BumpPool::warm(n), positions(n)),
            |(pool, at): &mut (BumpPool, Vec<usize>)| pool.churn(at),
        )
        .about("an arena frees nothing: every insertion takes new bytes"),
        churn_case::<SlabPool>("slab").about("holes reused: nothing allocated once warm"),
        churn_case::<VecPool>("vec").about("a Vec with a free list: nothing allocated once warm"),
    ]
}

fn walk_cases() -> [Case; 4] {
    [
        Case::in_env(
            "walk",
            "box",
            WALK_SIZES,
            build_box,
            |list: &mut BoxList| sum(list.values()),
        )
        .with_python("object")
        .with_python("slots")
        .about("follow n Box links, summing the payloads"),
        Case::in_env(
            "walk",
            "bumpalo",
            WALK_SIZES,
            BumpList::build,
            |list: &mut BumpList| sum(arena_values(*list.borrow_dependent())),
        )
        .about("follow n references into the arena's chunks"),
        Case::in_env(
            "walk",
            "slab",
            WALK_SIZES,
            build_slab,
            |list: &mut SlabList| sum(list.values()),
        )
        .about("follow n slab keys"),
        Case::in_env(
            "walk",
            "vec",
            WALK_SIZES,
            build_vec,
            |list: &mut VecList| sum(list.values()),
        )
        .about("follow n Vec indices"),
    ]
}

fn free_all_cases() -> [Case; 4] {
    [
        Case::new("free-all", "box", WALK_SIZES, build_box, drop::<BoxList>)
            .about("n frees, one per node"),
        Case::new(
            "free-all",
            "bumpalo",
            WALK_SIZES,
            BumpList::build,
            drop::<BumpList>,
        )
        .about("drop the arena: one free per chunk"),
        Case::new("free-all", "slab", WALK_SIZES, build_slab, drop::<SlabList>)
            .about("drop the slab: one free"),
        Case::new("free-all", "vec", WALK_SIZES, build_vec, drop::<VecList>)
            .about("drop the Vec: one free"),
    ]
}

fn facts() -> Vec<Fact> {
    let mut facts = vec![
        Fact::new(
            "size_of::<BoxNode>() (u64 + Option<Box>)",
            size_of::<BoxNode>(),
            "bytes",
        ),
        Fact::new(
            "size_of::<ArenaNode>() (u64 + Option<&ArenaNode>)",
            size_of::<ArenaNode>(),
            "bytes",
        ),
        Fact::new(
            "size_of::<IndexNode>() (u64 + usize index)",
            size_of::<IndexNode>(),
            "bytes",
        ),
        Fact::new(
            "bytes requested per Box::new(BoxNode)",
            size_of::<BoxNode>(),
            "bytes",
        ),
    ];
    for &n in SIZES {
        let mut bump = Bump::new();
        build_in_bump(&bump, n);
        facts.push(Fact::new(
            format!("bumpalo chunks for {n} nodes"),
            bump.iter_allocated_chunks().count(),
            "count",
        ));
        facts.push(Fact::new(
            format!("bumpalo allocated_bytes() for {n} nodes"),
            bump.allocated_bytes(),
            "bytes",
        ));
    }
    /// Values dropped with their arena for the Drop facts.
    const DROPPED: usize = 1_000;
    let (typed, bump) = drops_run(DROPPED);
    facts.push(Fact::new(
        "Drop calls when a typed_arena::Arena of 1000 values is dropped",
        typed,
        "count",
    ));
    facts.push(Fact::new(
        "Drop calls when a bumpalo::Bump of 1000 values is dropped",
        bump,
        "count",
    ));
    for &n in SIZES {
        let (mut pool, mut handles) = SlabPool::warm(n);
        churn(&mut pool, &mut handles, &positions(n));
        facts.push(Fact::new(
            format!("slab capacity after {n} churn operations on {n} nodes"),
            pool.0.capacity(),
            "count",
        ));
        let mut arena = BumpPool::warm(n);
        let before = arena.allocated_bytes();
        arena.churn(&positions(n));
        facts.push(Fact::new(
            format!("bumpalo allocated_bytes() growth over {n} churn operations"),
            arena.allocated_bytes() - before,
            "bytes",
        ));
    }
    facts
}

/// The lab, for the harness's registry.
pub fn lab() -> Lab {
    let lab = Lab::new(
        "10-arenas-and-slabs",
        "Arenas and slabs: one allocation per object is a choice",
        "Object Internals (example 18: a header per object) and __slots__ for millions of small objects (example 12); Rust's own answer: arenas and slabs",
    )
    .claims(claims::claims())
    .facts(facts)
    .constant("SEED", SEED)
    .keeps("build")
    .cases(build_cases())
    .cases(churn_cases())
    .cases(walk_cases())
    .cases(free_all_cases());
    exercises::list().into_iter().fold(lab, Lab::exercise)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every size the lab measures, and a few edge sizes.
    const TEST_SIZES: &[usize] = &[0, 1, 27, 28, 29, 1_000, 10_000];

    #[test]
    fn every_list_holds_the_same_payloads_in_the_same_order() {
        for &n in TEST_SIZES {
            let want: Vec<u64> = (0..n as u64).collect();
            assert_eq!(
                build_box(n).values().collect::<Vec<_>>(),
                want,
                "box, n = {n}"
            );
            let bump = Bump::new();
            assert_eq!(
                arena_values(build_in_bump(&bump, n)).collect::<Vec<_>>(),
                want,
                "bumpalo"
            );
            let arena = typed_arena::Arena::new();
            assert_eq!(
                arena_values(build_in_typed(&arena, n)).collect::<Vec<_>>(),
                want,
                "typed-arena"
            );
            assert_eq!(build_slab(n).values().collect::<Vec<_>>(), want, "slab");
            assert_eq!(build_vec(n).values().collect::<Vec<_>>(), want, "vec");
            assert_eq!(BumpList::build(n).values(), want, "bumpalo in self_cell");
        }
    }

    #[test]
    fn a_long_box_list_drops_without_overflowing_the_stack() {
        drop(build_box(1_000_000));
    }

    #[test]
    fn bumpalo_grows_by_the_computed_chunks() {
        for &n in TEST_SIZES.iter().chain(SIZES) {
            let mut bump = Bump::new();
            build_in_bump(&bump, n);
            let chunks = bump_chunks(n, size_of::<ArenaNode>());
            assert_eq!(bump.iter_allocated_chunks().count(), chunks, "n = {n}");
            assert_eq!(bump.allocated_bytes(), bump_usable_bytes(chunks), "n = {n}");
        }
        assert_eq!(bump_chunks(100_000, 16), 12);
    }

    #[test]
    fn every_pool_churns_to_the_same_payloads() {
        let n = 5_000;
        let at = positions(n);
        let (mut boxes, mut box_handles) = BoxPool::warm(n);
        let (mut slab, mut slab_handles) = SlabPool::warm(n);
        let (mut vec, mut vec_handles) = VecPool::warm(n);
        let mut arena = BumpPool::warm(n);
        let removed = churn(&mut boxes, &mut box_handles, &at);
        assert_eq!(churn(&mut slab, &mut slab_handles, &at), removed);
        assert_eq!(churn(&mut vec, &mut vec_handles, &at), removed);
        assert_eq!(arena.churn(&at), removed);
        let want: Vec<u64> = box_handles.iter().map(|b| b.value).collect();
        assert_eq!(
            slab_handles
                .iter()
                .map(|&k| slab.0[k].value)
                .collect::<Vec<_>>(),
            want
        );
        assert_eq!(
            vec_handles
                .iter()
                .map(|&i| vec.nodes[i].value)
                .collect::<Vec<_>>(),
            want
        );
        assert_eq!(arena.values(), want);
        assert_eq!(
            (slab.0.len(), slab.0.capacity()),
            (n, n),
            "the slab reused its holes"
        );
        assert_eq!(vec.nodes.len(), n, "the free list reused its holes");
    }

    #[test]
    fn an_arena_grows_on_churn_and_a_slab_does_not() {
        let n = 10_000;
        let mut arena = BumpPool::warm(n);
        let before = arena.allocated_bytes();
        arena.churn(&positions(n));
        let node = size_of::<ArenaNode>();
        assert_eq!(
            before,
            bump_usable_bytes(bump_chunks(n, node)),
            "n warm nodes"
        );
        assert_eq!(
            arena.allocated_bytes(),
            bump_usable_bytes(bump_chunks(2 * n, node)),
            "n warm nodes, then n more: the chunks of 2 n nodes"
        );
    }

    #[test]
    fn typed_arena_runs_drop_and_bumpalo_does_not() {
        assert_eq!(drops_run(100), (100, 0));
    }

    #[test]
    fn all_nodes_are_sixteen_bytes() {
        assert_eq!(size_of::<BoxNode>(), 16);
        assert_eq!(size_of::<ArenaNode>(), 16);
        assert_eq!(size_of::<IndexNode>(), 16);
    }
}
