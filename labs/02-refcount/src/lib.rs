//! Lab 02 — reference counting: what a count costs, and what sharing saves.
//!
//! CPython keeps a reference count in every object and touches it on every
//! assignment. Rust makes sharing opt-in: a `Box` has one owner and no
//! count, `Rc` adds a non-atomic count, `Arc` an atomic one, and a plain
//! borrow costs nothing at run time. This lab measures each on the
//! tutorial's own loops (one, three and ten references to a fresh
//! three-element list) and on interning (many copies of one text).
//!
//! See `README.md` beside this crate for the claims and the measured numbers.

use std::hint::black_box;
use std::mem::size_of;
use std::rc::Rc;
use std::sync::Arc;

use heaplab_core::{Case, Fact, Lab};

pub mod claims;
pub mod exercises;

/// Loop counts for every workload: 1 000 is the tutorial's loop shrunk to a
/// size where per-iteration setup noise still shows, 100 000 is large enough
/// that the loop dominates process and timer overhead; 10 000 sits between.
pub const SIZES: &[usize] = &[1_000, 10_000, 100_000];

/// The shared value of the tutorial's loops: a list of three small ints.
pub type Triple = Vec<i64>;

/// A fresh three-element list, like the tutorial's `[1, 2, 3]`.
fn triple() -> Triple {
    vec![1, 2, 3]
}

/// Text repeated by the interning workload: a 31-byte header value, the
/// kind of string a parser sees thousands of times.
pub const INTERN_TEXT: &str = "application/json; charset=utf-8";

/// How one strategy holds a value, so one generic function serves each workload.
trait Handle: Sized {
    /// The value a handle points at.
    type Target;
    /// Wraps a freshly built value.
    fn own(value: Self::Target) -> Self;
    /// Another owner of the same value (or of a copy, for unique owners).
    fn share(&self) -> Self;
}

impl<T: Clone> Handle for Box<T> {
    type Target = T;
    fn own(value: T) -> Self {
        Box::new(value)
    }
    fn share(&self) -> Self {
        self.clone()
    }
}

impl<T> Handle for Rc<T> {
    type Target = T;
    fn own(value: T) -> Self {
        Rc::new(value)
    }
    fn share(&self) -> Self {
        Rc::clone(self)
    }
}

impl<T> Handle for Arc<T> {
    type Target = T;
    fn own(value: T) -> Self {
        Arc::new(value)
    }
    fn share(&self) -> Self {
        Arc::clone(self)
    }
}

/// The "deep clone" strategy: every owner gets its own copy of the value.
#[derive(Clone)]
struct Copied<T>(T);

impl<T: Clone> Handle for Copied<T> {
    type Target = T;
    fn own(value: T) -> Self {
        Copied(value)
    }
    fn share(&self) -> Self {
        self.clone()
    }
}

/// `n` times: create a handle to an `u64` and drop it.
fn create_drop<H: Handle<Target = u64>>(n: usize) -> usize {
    for i in 0..n as u64 {
        drop(black_box(H::own(i)));
    }
    n
}

/// `n` times: make one more owner of an existing value, then drop it.
fn clone_drop<H: Handle>(original: H, n: usize) -> H {
    for _ in 0..n {
        drop(black_box(original.share()));
    }
    original
}

/// `n` times: build a fresh [`Triple`] and hold it by its first owner,
/// `EXTRA` more owners in locals (the tutorial's `y = x; z = x`) and
/// `IN_LIST` more in a `Vec` (the tutorial's `[x] * 10`), all alive at once.
fn owners<H: Handle<Target = Triple>, const EXTRA: usize, const IN_LIST: usize>(n: usize) -> usize {
    for _ in 0..n {
        let first = H::own(triple());
        let extra: [H; EXTRA] = std::array::from_fn(|_| first.share());
        if IN_LIST > 0 {
            let list: Vec<H> = (0..IN_LIST).map(|_| first.share()).collect();
            black_box(&list);
        }
        black_box((&first, &extra));
    }
    n
}

/// The same loops with every extra owner a plain borrow of one local.
fn owners_borrowed<const EXTRA: usize, const IN_LIST: usize>(n: usize) -> usize {
    for _ in 0..n {
        let first = triple();
        let extra: [&Triple; EXTRA] = [&first; EXTRA];
        if IN_LIST > 0 {
            let list: Vec<&Triple> = vec![&first; IN_LIST];
            black_box(&list);
        }
        black_box((&first, &extra));
    }
    n
}

/// Registers one owners workload for every strategy.
fn owners_cases<const EXTRA: usize, const IN_LIST: usize>(workload: &'static str) -> [Case; 5] {
    [
        Case::new(
            workload,
            "box",
            SIZES,
            |n| n,
            owners::<Box<Triple>, EXTRA, IN_LIST>,
        )
        .about("every owner is a Box holding its own deep copy"),
        Case::new(
            workload,
            "rc",
            SIZES,
            |n| n,
            owners::<Rc<Triple>, EXTRA, IN_LIST>,
        )
        .with_python("refcount")
        .about("one Rc allocation; every extra owner is a count increment"),
        Case::new(
            workload,
            "arc",
            SIZES,
            |n| n,
            owners::<Arc<Triple>, EXTRA, IN_LIST>,
        )
        .about("one Arc allocation; every extra owner is an atomic increment"),
        Case::new(
            workload,
            "borrow",
            SIZES,
            |n| n,
            owners_borrowed::<EXTRA, IN_LIST>,
        )
        .about("one owned list; every extra owner is a shared borrow: no count"),
        Case::new(
            workload,
            "clone",
            SIZES,
            |n| n,
            owners::<Copied<Triple>, EXTRA, IN_LIST>,
        )
        .about("every owner holds a deep clone of the list"),
    ]
}

/// `n` copies of the same text, each its own `String` allocation.
fn intern_strings(n: usize) -> Vec<String> {
    (0..n).map(|_| INTERN_TEXT.to_owned()).collect()
}

/// `n` handles to one shared `Rc<str>`: one text allocation in all.
fn intern_rc(n: usize) -> Vec<Rc<str>> {
    let shared: Rc<str> = Rc::from(INTERN_TEXT);
    (0..n).map(|_| Rc::clone(&shared)).collect()
}

/// Sizes of the handles and of the blocks they allocate.
fn facts() -> Vec<Fact> {
    let counts = 2 * size_of::<usize>();
    let mut facts = vec![
        Fact::new(
            "size_of::<Box<u64>>() (the handle)",
            size_of::<Box<u64>>(),
            "bytes",
        ),
        Fact::new(
            "size_of::<Rc<u64>>() (the handle)",
            size_of::<Rc<u64>>(),
            "bytes",
        ),
        Fact::new(
            "Rc::new(u64) block: value + strong and weak counts",
            size_of::<u64>() + counts,
            "bytes",
        ),
        Fact::new(
            "Arc::new(u64) block: value + atomic strong and weak counts",
            size_of::<u64>() + counts,
            "bytes",
        ),
        Fact::new(
            "size_of::<Vec<i64>>() (the list header)",
            size_of::<Triple>(),
            "bytes",
        ),
        Fact::new(
            "size_of::<Rc<str>>() (fat handle)",
            size_of::<Rc<str>>(),
            "bytes",
        ),
        Fact::new("size_of::<String>()", size_of::<String>(), "bytes"),
        Fact::new("INTERN_TEXT length", INTERN_TEXT.len(), "bytes"),
    ];
    facts.extend(strong_counts());
    facts
}

/// The tutorial's refcount walk (example 5) with `Rc::strong_count`.
fn strong_counts() -> Vec<Fact> {
    fn borrowed(rc: &Rc<Triple>) -> usize {
        Rc::strong_count(rc)
    }
    fn owned(rc: Rc<Triple>) -> usize {
        Rc::strong_count(&rc)
    }
    let rc = Rc::new(triple());
    let alone = Rc::strong_count(&rc);
    let list = vec![Rc::clone(&rc)];
    let in_vec = Rc::strong_count(&rc);
    let mut map = heaplab_core::FixedMap::default();
    map.insert("rc", Rc::clone(&rc));
    let in_map = Rc::strong_count(&rc);
    let facts = vec![
        Fact::new("Rc::strong_count, one owner", alone, "count"),
        Fact::new("... after a clone into a Vec", in_vec, "count"),
        Fact::new("... after a clone into a HashMap too", in_map, "count"),
        Fact::new(
            "... inside a function borrowing it (&Rc)",
            borrowed(&rc),
            "count",
        ),
        Fact::new(
            "... inside a function taking a clone",
            owned(Rc::clone(&rc)),
            "count",
        ),
    ];
    drop((list, map));
    facts
}

/// The lab, for the harness's registry.
pub fn lab() -> Lab {
    let lab = Lab::new(
        "02-refcount",
        "Reference counting",
        "Reference Counting (examples 5–6)",
    )
    .claims(claims::claims())
    .facts(facts)
    .constant("INTERN_TEXT", INTERN_TEXT)
    .keeps("intern")
    .cases([
        Case::new("create-drop", "box", SIZES, |n| n, create_drop::<Box<u64>>)
            .about("Box::new(u64) then drop: one allocation of 8 bytes each"),
        Case::new("create-drop", "rc", SIZES, |n| n, create_drop::<Rc<u64>>)
            .about("Rc::new(u64) then drop: one allocation of 8 + 2 counts"),
        Case::new("create-drop", "arc", SIZES, |n| n, create_drop::<Arc<u64>>)
            .about("Arc::new(u64) then drop: like Rc with atomic counts"),
        Case::new(
            "create-drop",
            "borrow",
            SIZES,
            |n| n,
            |n| {
                for i in 0..n as u64 {
                    black_box(&i);
                }
                n
            },
        )
        .about("a stack value and a borrow of it: no allocation"),
    ])
    .cases([
        Case::new(
            "clone-drop",
            "box",
            SIZES,
            |n| (Box::new(triple()), n),
            |(h, n)| clone_drop(h, n),
        )
        .about("cloning a Box<Vec> copies the box and the list"),
        Case::new(
            "clone-drop",
            "rc",
            SIZES,
            |n| (Rc::new(triple()), n),
            |(h, n)| clone_drop(h, n),
        )
        .with_python("refcount")
        .about("Rc::clone: one count increment, no allocation"),
        Case::new(
            "clone-drop",
            "arc",
            SIZES,
            |n| (Arc::new(triple()), n),
            |(h, n)| clone_drop(h, n),
        )
        .about("Arc::clone: one atomic increment, no allocation"),
        Case::new(
            "clone-drop",
            "borrow",
            SIZES,
            |n| (triple(), n),
            |(v, n)| {
                for _ in 0..n {
                    black_box(&v);
                }
                v
            },
        )
        .about("copying a &Vec: nothing to count"),
        Case::new(
            "clone-drop",
            "clone",
            SIZES,
            |n| (Copied(triple()), n),
            |(h, n)| clone_drop(h, n),
        )
        .about("Vec::clone: a deep copy of the list"),
    ])
    .cases(owners_cases::<0, 0>("owners-1"))
    .cases(owners_cases::<2, 0>("owners-3"))
    .cases(owners_cases::<0, 10>("list-of-10"))
    .cases([
        Case::new("intern", "string", SIZES, |n| n, intern_strings)
            .with_python("copies")
            .about("n Strings with equal text: n text allocations"),
        Case::new("intern", "rc-str", SIZES, |n| n, intern_rc)
            .with_python("interned")
            .about("n handles to one Rc<str>: one text allocation"),
    ]);
    exercises::list().into_iter().fold(lab, Lab::exercise)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_hold_the_expected_count() {
        let first = Rc::new(triple());
        let rest: [Rc<Triple>; 2] = std::array::from_fn(|_| first.share());
        assert_eq!(Rc::strong_count(&first), 3);
        drop(rest);
        assert_eq!(Rc::strong_count(&first), 1);
    }

    #[test]
    fn interned_text_is_one_allocation_shared() {
        let handles = intern_rc(4);
        assert!(handles.windows(2).all(|w| Rc::ptr_eq(&w[0], &w[1])));
        let copies = intern_strings(2);
        assert_ne!(copies[0].as_ptr(), copies[1].as_ptr());
    }
}
