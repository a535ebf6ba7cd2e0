//! Lab 04's exercises: what each checks, and the types a student's file uses.
//!
//! The files a student edits are `exercises/*.rs` beside this crate; the
//! reference solutions are `solutions/*.rs`. Budgets are computed from
//! `size_of` and `n` here, never pasted.

use heaplab_core::exercise::Exercise;

use crate::EXTRA_EVERY;

/// The exercises, in order (ids `04-1`, `04-2`).
pub fn list() -> Vec<Exercise> {
    vec![
        Exercise::new(
            1,
            "Five attributes, n objects, one allocation",
            "readings.rs",
            "exercises::readings::check(answer::make_readings)",
        )
        .hint("Each reading is a map from attribute name to value, like an instance's __dict__. dhat counts one table per object: what fixed layout would need none?")
        .hint("A struct with five f64 fields is the Rust answer to __slots__: its fields sit at fixed offsets inside the object, 40 bytes, no header, no table.")
        .hint("Build the Vec with an exact size: Vec::with_capacity(n), or (0..n).map(...).collect() (a range knows its length), so it is allocated once.")
        .python_twin("readings.py"),
        Exercise::new(
            2,
            "Extras only where used: a hybrid object",
            "tagged.rs",
            "exercises::tagged::check(answer::make_tagged)",
        )
        .hint("An empty map allocates nothing, but it is still 32 bytes inside every object. Look at size_of::<Tagged>() in the budget line.")
        .hint("Option<Box<T>> is one pointer: None is stored as a null pointer (the niche), so objects without extras pay 8 bytes, not a whole map.")
        .hint("Create the boxed map only for the objects that carry a label: (i % EXTRA_EVERY == 0).then(|| Box::new(map)).")
    ]
}

/// Exercise 04-1: five attributes per object (the tutorial notebook's exercise 4).
pub mod readings {
    use std::hint::black_box;
    use std::mem::size_of;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, expect_eq};

    /// Object counts: a thousand, and ten times as many, so growth shows.
    pub const SIZES: &[usize] = &[1_000, 10_000];

    /// Read access to an object's five attributes, in order `a..e`.
    pub trait Fields {
        /// The five attribute values.
        fn fields(&self) -> [f64; 5];
    }

    /// What reading `i` holds: `a = i, b = 2i, c = 3i, d = 4i, e = 5i`.
    pub fn expected(i: usize) -> [f64; 5] {
        let i = i as f64;
        [i, 2.0 * i, 3.0 * i, 4.0 * i, 5.0 * i]
    }

    /// The least any layout can take: five `f64`s per object, nothing else.
    fn data_bytes(n: usize) -> u64 {
        (n * 5 * size_of::<f64>()) as u64
    }

    /// The check of `make(n)`.
    pub fn check<R: Fields + 'static>(make: fn(usize) -> Vec<R>) -> Check {
        let values = move |n: usize| make(n).iter().map(Fields::fields).collect::<Vec<_>>();
        Check::new()
            .test("n = 0: no readings", move || expect_eq(values(0), vec![]))
            .test("n = 1: reading 0 is all zeros", move || {
                expect_eq(values(1), vec![expected(0)])
            })
            .test("n = 4: reading i holds i, 2i, 3i, 4i, 5i", move || {
                expect_eq(values(4), (0..4).map(expected).collect())
            })
            .heap(
                HeapCheck::new(Case::new(
                    "make n readings",
                    "answer",
                    SIZES,
                    |n| n,
                    move |n| make(black_box(n)),
                ))
                .budget(HeapMetric::Allocs, "1: one Vec for all n objects", |_| 1)
                .budget(
                    HeapMetric::Bytes,
                    "n × 5 × size_of::<f64>() = 40 bytes per object",
                    data_bytes,
                )
                .floor(HeapMetric::Allocs, "1", |_| 1)
                .floor(HeapMetric::Bytes, "n × 40 (the five values)", data_bytes),
            )
    }
}

/// Exercise 04-2: the hybrid object, extras only where used.
pub mod tagged {
    use std::hint::black_box;
    use std::mem::size_of;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, ensure, expect_eq};

    use super::EXTRA_EVERY;
    use crate::Point3;

    /// Object counts: a thousand, and ten times as many.
    pub const SIZES: &[usize] = &[1_000, 10_000];

    /// The allowance per labelled object for its extras, in bytes: the
    /// box, the map's smallest table (4 buckets of two `String`s plus
    /// control bytes: 212 bytes in hashbrown), the key and the label text.
    /// About 260 bytes in the reference; 320 leaves room for any
    /// reasonable map, and is still far less than a map in every object.
    pub const EXTRA_ALLOWANCE: usize = 320;
    /// The allowance per labelled object in allocations: the box, the
    /// table, the key, and the label's text (formatting it may take two).
    pub const EXTRA_ALLOCS: usize = 5;

    /// What a student's object exposes.
    pub trait Tagged {
        /// The fixed part.
        fn point(&self) -> Point3;
        /// The extra attribute `name`, if this object has one.
        fn extra(&self, name: &str) -> Option<&str>;
    }

    /// The label object `i` carries: `"p<i>"` for every `EXTRA_EVERY`-th object.
    pub fn label(i: usize) -> Option<String> {
        i.is_multiple_of(EXTRA_EVERY).then(|| format!("p{i}"))
    }

    fn labelled(n: usize) -> usize {
        n.div_ceil(EXTRA_EVERY)
    }

    /// The check of `make(n)`.
    pub fn check<T: Tagged + 'static>(make: fn(usize) -> Vec<T>) -> Check {
        let view = move |n: usize| {
            make(n)
                .iter()
                .map(|t| (t.point(), t.extra("label").map(str::to_owned)))
                .collect::<Vec<_>>()
        };
        let expected = |n: usize| {
            (0..n)
                .map(|i| (Point3::nth(i), label(i)))
                .collect::<Vec<_>>()
        };
        Check::new()
            .test("n = 0: no objects", move || expect_eq(view(0), vec![]))
            .test("n = 1: object 0 has label p0", move || expect_eq(view(1), expected(1)))
            .test("n = 25: points and labels", move || expect_eq(view(25), expected(25)))
            .test("an unknown attribute is None", move || {
                ensure(
                    make(11).iter().all(|t| t.extra("colour").is_none()),
                    "extra(\"colour\") should be None on every object",
                )
            })
            .heap(
                HeapCheck::new(Case::new("make n objects, one in 10 labelled", "answer", SIZES, |n| n, move |n| {
                    make(black_box(n))
                }))
                .budget(
                    HeapMetric::Allocs,
                    "1 + 5 per labelled object (n / 10): the Vec; a box, a table, a key, a label",
                    |n| (1 + EXTRA_ALLOCS * labelled(n)) as u64,
                )
                .budget(
                    HeapMetric::Bytes,
                    "n × (size_of::<Point3>() + size_of::<usize>()) + n / 10 × 320: one pointer of extras per object",
                    |n| (n * (size_of::<Point3>() + size_of::<usize>()) + labelled(n) * EXTRA_ALLOWANCE) as u64,
                )
                .floor(
                    HeapMetric::Bytes,
                    "n × size_of::<Point3>() + n / 10 × the label's own bytes (with the extras kept apart)",
                    |n| {
                        let labels: usize = (0..n).filter_map(label).map(|l| l.len()).sum();
                        (n * size_of::<Point3>() + labels) as u64
                    },
                ),
            )
    }
}
