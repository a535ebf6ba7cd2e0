//! Lab 07's exercises: what each checks, and the items a student provides.
//!
//! The files a student edits are `exercises/*.rs` beside this crate; the
//! reference solutions are `solutions/*.rs`. Budgets are computed from `n`
//! and `size_of`, never pasted. Exercise 07-3 is the notebook's exercise 3
//! and has a Python twin (`exercises/groups.py`, spec in
//! `python/exercises.py`).

use heaplab_core::exercise::Exercise;

/// The exercises, in order (ids `07-1`, `07-2`, `07-3`).
pub fn list() -> Vec<Exercise> {
    vec![
        Exercise::new(
            1,
            "Shrink a sensor reading to 12 bytes",
            "reading.rs",
            "exercises::reading::check::<answer::Reading>()",
        )
        .hint("`size_of` is the fields plus padding. Which fields hold more range than the task allows? A sensor id below 65 536 fits a `u16`; a temperature in tenths of a degree between −3 276.8 and 3 276.7 fits an `i16`; a sequence number below 2³² fits a `u32`.")
        .hint("`#[repr(C)]` keeps the declaration order and pads each field to its alignment; without it Rust may reorder the fields to pack them. Narrow the fields first, then let the compiler order them (or order them largest first yourself).")
        .hint("A `u32`, a `u16`, an `i16` and a `bool` are 9 bytes of data; aligned to 4 they take 12."),
        Exercise::new(
            2,
            "Store n numbers in n × 4 bytes and one allocation",
            "numbers.rs",
            "exercises::numbers::check::<answer::Numbers>()",
        )
        .hint("The starting store widens every number to 8 bytes and grows its `Vec` by pushing: each doubling is a new allocation, and the last one has spare room.")
        .hint("Every value fits an `i32`, and the count is known before the first one is stored.")
        .hint("`Box<[i32]>` is exactly `len` values and nothing more: `values.into()` or `Vec::with_capacity(len)` followed by `into_boxed_slice()` (which frees nothing when the capacity is exact)."),
        Exercise::new(
            3,
            "Groups of three: a tuple, not a list, per group",
            "groups.rs",
            "exercises::groups::check::<answer::Groups>()",
        )
        .hint("The starting store keeps each group in its own `Vec`, grown by pushing: a block per group, with room for a fourth number that never comes (a list's spare room) and a 24-byte handle beside it.")
        .hint("A group's length never changes: that is what a tuple says. In Rust, a fixed-size group need not be a separate object at all.")
        .hint("`Vec<[i32; 3]>` sized for `n` keeps every group inline: one allocation of `n × 12` bytes.")
        .python_twin("groups.py"),
    ]
}

/// Exercise 07-1: narrow and reorder fields to a stated `size_of`.
pub mod reading {
    use std::hint::black_box;
    use std::mem::size_of;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, ensure, expect_eq};

    /// Readings stored at once: ten thousand, and ten times as many.
    pub const SIZES: &[usize] = &[10_000, 100_000];

    /// The target: a `u32`, a `u16`, an `i16` and a `bool`, as the compiler
    /// lays them out (12 bytes).
    pub const TARGET_BYTES: usize = size_of::<(u32, u16, i16, bool)>();

    /// The bytes of data alone, unpadded (9).
    pub const DATA_BYTES: usize =
        size_of::<u32>() + size_of::<u16>() + size_of::<i16>() + size_of::<bool>();

    /// What a reading offers. The ranges: `sensor` below 65 536, `tenths`
    /// (a temperature in tenths of a degree) in `i16`'s range, `seq` below
    /// 2³².
    pub trait Sample: Sized {
        /// A reading.
        fn new(sensor: u16, tenths: i16, seq: u32, ok: bool) -> Self;
        /// The sensor's id.
        fn sensor(&self) -> u16;
        /// The temperature, in tenths of a degree.
        fn tenths(&self) -> i16;
        /// The sequence number.
        fn seq(&self) -> u32;
        /// Whether the sensor reported no fault.
        fn ok(&self) -> bool;
    }

    /// Reading `i` of a run: fields that cover their whole ranges.
    fn nth<R: Sample>(i: usize) -> R {
        R::new(
            (i % 65_536) as u16,
            (i as i64 % 65_536 - 32_768) as i16,
            (i as u64).wrapping_mul(2_654_435_761) as u32,
            !i.is_multiple_of(3),
        )
    }

    /// The check of the student's `Reading`.
    pub fn check<R: Sample + 'static>() -> Check {
        Check::new()
            .test("fields read back", || {
                let r = R::new(7, -215, 42, true);
                expect_eq(
                    (r.sensor(), r.tenths(), r.seq(), r.ok()),
                    (7, -215, 42, true),
                )
            })
            .test("extreme values read back", || {
                let r = R::new(u16::MAX, i16::MIN, u32::MAX, false);
                let s = R::new(0, i16::MAX, 0, true);
                expect_eq(
                    (r.sensor(), r.tenths(), r.seq(), r.ok(), s.tenths(), s.ok()),
                    (u16::MAX, i16::MIN, u32::MAX, false, i16::MAX, true),
                )
            })
            .test("size_of::<Reading>() is at most 12", || {
                ensure(
                    size_of::<R>() <= TARGET_BYTES,
                    format!(
                        "size_of::<Reading>() is {}, the target {TARGET_BYTES}",
                        size_of::<R>()
                    ),
                )
            })
            .heap(
                HeapCheck::new(Case::new(
                    "n readings in a Vec sized for them",
                    "answer",
                    SIZES,
                    |n| n,
                    |n: usize| (0..n).map(|i| black_box(nth::<R>(i))).collect::<Vec<R>>(),
                ))
                .budget(
                    HeapMetric::PeakBytes,
                    "n × 12: a u32, two u16-sized fields and a bool, padded to 4",
                    |n| (n * TARGET_BYTES) as u64,
                )
                .floor(HeapMetric::PeakBytes, "n × 9: the data, unpadded", |n| {
                    (n * DATA_BYTES) as u64
                }),
            )
    }
}

/// Exercise 07-2: `n` numbers in `n × 4` bytes.
pub mod numbers {
    use std::hint::black_box;
    use std::mem::size_of;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, expect_eq};

    /// Numbers stored: ten thousand, and ten times as many.
    pub const SIZES: &[usize] = &[10_000, 100_000];

    /// What a store of `i32` numbers offers.
    pub trait Store: Sized {
        /// A store holding `values`, in order.
        fn from_values(values: &[i32]) -> Self;
        /// The value at `index`, if any.
        fn get(&self, index: usize) -> Option<i32>;
        /// How many values it holds.
        fn len(&self) -> usize;
        /// Whether it holds none.
        fn is_empty(&self) -> bool {
            self.len() == 0
        }
    }

    /// The `n` values of a run, spread over `i32`'s range.
    pub fn values(n: usize) -> Vec<i32> {
        (0..n)
            .map(|i| (i as i64 * 2_654_435_761 % (1 << 32) - (1 << 31)) as i32)
            .collect()
    }

    /// The check of the student's `Numbers`.
    pub fn check<S: Store + 'static>() -> Check {
        Check::new()
            .test("empty", || {
                let s = S::from_values(&[]);
                expect_eq((s.len(), s.is_empty(), s.get(0)), (0, true, None))
            })
            .test("values read back in order", || {
                let v = values(1_000);
                let s = S::from_values(&v);
                let got: Vec<Option<i32>> = (0..=v.len()).map(|i| s.get(i)).collect();
                let mut want: Vec<Option<i32>> = v.iter().copied().map(Some).collect();
                want.push(None);
                expect_eq((s.len(), got), (v.len(), want))
            })
            .test("extremes", || {
                let s = S::from_values(&[i32::MIN, 0, i32::MAX]);
                expect_eq(
                    (s.get(0), s.get(1), s.get(2)),
                    (Some(i32::MIN), Some(0), Some(i32::MAX)),
                )
            })
            .heap(
                HeapCheck::new(Case::new(
                    "a store of n numbers, built and kept",
                    "answer",
                    SIZES,
                    values,
                    |v: Vec<i32>| S::from_values(black_box(&v)),
                ))
                .budget(HeapMetric::Allocs, "1: one block for all n", |_| 1)
                .budget(
                    HeapMetric::Bytes,
                    "n × 4: the numbers, no spare room (a Rust handle has no header on the heap)",
                    |n| (n * size_of::<i32>()) as u64,
                )
                .floor(HeapMetric::Allocs, "1", |_| 1)
                .floor(HeapMetric::Bytes, "n × 4", |n| {
                    (n * size_of::<i32>()) as u64
                }),
            )
    }
}

/// Exercise 07-3: the notebook's exercise 3, tuple against list.
pub mod groups {
    use std::hint::black_box;
    use std::mem::size_of;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, expect_eq};

    use crate::GROUP;

    /// Groups stored: ten thousand, and ten times as many.
    pub const SIZES: &[usize] = &[10_000, 100_000];

    /// What a store of groups of [`GROUP`] numbers offers.
    pub trait GroupStore: Sized {
        /// A store of the groups `[i, i + 1, i + 2]` for `i` in `0..n`.
        fn build(n: usize) -> Self;
        /// Group `index`, if any.
        fn group(&self, index: usize) -> Option<&[i32]>;
        /// How many groups it holds.
        fn len(&self) -> usize;
        /// Whether it holds none.
        fn is_empty(&self) -> bool {
            self.len() == 0
        }
    }

    /// The check of the student's `Groups`.
    pub fn check<G: GroupStore + 'static>() -> Check {
        Check::new()
            .test("no groups", || {
                let g = G::build(0);
                expect_eq((g.len(), g.is_empty(), g.group(0)), (0, true, None))
            })
            .test("groups read back", || {
                let g = G::build(1_000);
                let ok = (0..1_000).all(|i| {
                    let i32_i = i as i32;
                    g.group(i) == Some(&[i32_i, i32_i + 1, i32_i + 2][..])
                });
                expect_eq((g.len(), ok, g.group(1_000)), (1_000, true, None))
            })
            .heap(
                HeapCheck::new(Case::new(
                    "n groups of three, built and kept",
                    "answer",
                    SIZES,
                    |n| n,
                    |n: usize| G::build(black_box(n)),
                ))
                .budget(HeapMetric::Allocs, "1: every group inline", |_| 1)
                .budget(
                    HeapMetric::PeakBytes,
                    "n × 3 × 4: the numbers, stored by value like a tuple's",
                    |n| (n * GROUP * size_of::<i32>()) as u64,
                )
                .floor(HeapMetric::Allocs, "1", |_| 1)
                .floor(HeapMetric::PeakBytes, "n × 12", |n| {
                    (n * GROUP * size_of::<i32>()) as u64
                }),
            )
    }
}
