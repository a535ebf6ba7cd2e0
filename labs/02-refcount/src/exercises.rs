//! Lab 02's exercises: what each checks, and what a student's file uses.
//!
//! The files a student edits are `exercises/*.rs` beside this crate; the
//! reference solutions are `solutions/*.rs`. Budgets are computed from
//! `size_of` and `n` here, never pasted.

use std::mem::{align_of, size_of};

use heaplab_core::exercise::Exercise;

/// The exercises, in order (ids `02-1`, `02-2`).
pub fn list() -> Vec<Exercise> {
    vec![
        Exercise::new(
            1,
            "One value, k owners: share it, and watch the count grow",
            "share.rs",
            "exercises::share::check(answer::share, answer::counts)",
        )
        .hint("`counts`: make one Rc, then push `Rc::clone(&value)` into a Vec k times, reading `Rc::strong_count(&value)` after each push. The first push makes the count 2: `value` itself is an owner too.")
        .hint("`share`: every `Rc::from(vec![1, 2, 3])` is a new value with its own count. Make the value once, then hand out clones: a clone copies a pointer and adds one to the count.")
        .hint("`Rc<[i64]>` keeps the count and the three numbers in one block; `Rc::<[i64]>::from([1, 2, 3])` makes it in one allocation. Collect the k clones from an exact-size iterator: `(0..k).map(|_| Rc::clone(&value)).collect()`.")
        .python_twin("share.py"),
        Exercise::new(
            2,
            "Intern repeated words: one allocation per distinct word",
            "intern.rs",
            "exercises::intern::check(answer::intern)",
        )
        .hint("The starting version allocates every word again, duplicates included: dhat's count is n, the budget is about the number of distinct words.")
        .hint("Keep a table of the words you have already made, e.g. a `HashSet<Rc<str>>`: it can be looked up with a `&str` (Rc<str> borrows as str).")
        .hint("For each word: `if let Some(rc) = seen.get(word) { Rc::clone(rc) } else { let rc: Rc<str> = Rc::from(word.as_str()); seen.insert(Rc::clone(&rc)); rc }`; size the output with `Vec::with_capacity(words.len())`."),
    ]
}

/// The bytes of one `Rc` block holding `len` bytes of payload aligned to
/// `align`: the strong and weak counts, then the payload, rounded up.
fn rc_block(len: usize, align: usize) -> usize {
    (2 * size_of::<usize>() + len).next_multiple_of(align.max(align_of::<usize>()))
}

/// Exercise 02-1: share one value among `k` owners (the tutorial notebook's exercise 1).
pub mod share {
    use std::hint::black_box;
    use std::mem::size_of;
    use std::rc::Rc;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, ensure, expect_eq};

    use super::rc_block;

    /// Owner counts: a thousand, and ten times as many, so growth shows.
    pub const SIZES: &[usize] = &[1_000, 10_000];

    /// The shared value, the tutorial's `[1, 2, 3]`.
    pub const VALUE: [i64; 3] = [1, 2, 3];

    /// One block for the value with its counts, one `Vec` of `k` handles.
    fn floor_bytes(k: usize) -> u64 {
        (rc_block(size_of::<[i64; 3]>(), 8) + k * size_of::<Rc<[i64]>>()) as u64
    }

    /// The check of `share(k)` and `counts(k)`.
    pub fn check(share: fn(usize) -> Vec<Rc<[i64]>>, counts: fn(usize) -> Vec<usize>) -> Check {
        Check::new()
            .test("counts, k = 0: nothing pushed", move || {
                expect_eq(counts(0), vec![])
            })
            .test("counts, k = 1: [2]", move || expect_eq(counts(1), vec![2]))
            .test("counts, k = 5: one more per push", move || {
                expect_eq(counts(5), vec![2, 3, 4, 5, 6])
            })
            .test("share, k = 0: no handles", move || {
                expect_eq(share(0).len(), 0)
            })
            .test(
                "share, k = 1: one handle to [1, 2, 3], count 1",
                move || {
                    let handles = share(1);
                    expect_eq(
                        (
                            handles.len(),
                            handles.first().map(|h| (h.to_vec(), Rc::strong_count(h))),
                        ),
                        (1, Some((VALUE.to_vec(), 1))),
                    )
                },
            )
            .test(
                "share, k = 4: four handles to one value, count 4",
                move || {
                    let handles = share(4);
                    expect_eq(handles.len(), 4)?;
                    ensure(
                        handles
                            .iter()
                            .all(|h| Rc::ptr_eq(h, &handles[0]) && **h == VALUE),
                        "every handle should point at the same [1, 2, 3] (Rc::ptr_eq)",
                    )?;
                    expect_eq(Rc::strong_count(&handles[0]), 4)
                },
            )
            .heap(
                HeapCheck::new(Case::new(
                    "share one value among k owners",
                    "answer",
                    SIZES,
                    |k| k,
                    move |k| share(black_box(k)),
                ))
                .budget(
                    HeapMetric::Allocs,
                    "2: the value (with its counts) and the Vec of handles",
                    |_| 2,
                )
                .budget(
                    HeapMetric::Bytes,
                    "one Rc block (2 counts + 3 × i64) + k × size_of::<Rc<[i64]>>()",
                    floor_bytes,
                )
                .floor(HeapMetric::Allocs, "2", |_| 2)
                .floor(
                    HeapMetric::Bytes,
                    "the same: nothing is copied",
                    floor_bytes,
                ),
            )
    }
}

/// Exercise 02-2: interning, one allocation per distinct word.
pub mod intern {
    use std::hint::black_box;
    use std::mem::size_of;
    use std::rc::Rc;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, ensure, expect_eq};

    use super::rc_block;

    /// Word counts: a thousand, and ten times as many.
    pub const SIZES: &[usize] = &[1_000, 10_000];

    /// One word in `REPEATS` is new; the others repeat earlier ones, like
    /// the field names and header values a parser sees again and again.
    pub const REPEATS: usize = 100;

    /// The input: `n` words, `n / REPEATS` of them distinct (`"word-<i>"`).
    pub fn words(n: usize) -> Vec<String> {
        let distinct = n.div_ceil(REPEATS).max(1);
        (0..n).map(|i| format!("word-{}", i % distinct)).collect()
    }

    fn distinct(words: &[String]) -> Vec<&String> {
        let mut seen: Vec<&String> = words.iter().collect();
        seen.sort();
        seen.dedup();
        seen
    }

    /// The table of words seen, over all its growth: at most four times
    /// the buckets a table of `d` handles ends with (twice `d` rounded up
    /// to a power of two), each a handle and a control byte.
    fn table_bytes(d: usize) -> usize {
        4 * (2 * d).next_power_of_two() * (size_of::<Rc<str>>() + 1)
    }

    /// Allocations of that table as it grows: one per doubling.
    fn table_allocs(d: usize) -> usize {
        (usize::BITS - d.leading_zeros()) as usize + 1
    }

    fn strings_bytes(words: &[String]) -> usize {
        distinct(words).iter().map(|w| rc_block(w.len(), 1)).sum()
    }

    /// The check of `intern(words)`.
    pub fn check(intern: fn(&[String]) -> Vec<Rc<str>>) -> Check {
        let text = |words: &[Rc<str>]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        let owned = |words: &[&str]| words.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>();
        Check::new()
            .test("n = 0: no words", move || expect_eq(intern(&[]).len(), 0))
            .test("n = 1: the word itself", move || {
                expect_eq(text(&intern(&owned(&["a"]))), vec!["a".to_owned()])
            })
            .test("a b a c b a: same words in, same order out", move || {
                let input = owned(&["a", "b", "a", "c", "b", "a"]);
                expect_eq(text(&intern(&input)), input)
            })
            .test("a b a c b a: each distinct word is one shared value", move || {
                let out = intern(&owned(&["a", "b", "a", "c", "b", "a"]));
                ensure(
                    Rc::ptr_eq(&out[0], &out[2]) && Rc::ptr_eq(&out[0], &out[5]) && Rc::ptr_eq(&out[1], &out[4]),
                    "equal words should be one Rc (Rc::ptr_eq)",
                )?;
                ensure(!Rc::ptr_eq(&out[0], &out[1]), "different words should be different values")
            })
            .heap(
                HeapCheck::new(Case::new("intern n words, 1 in 100 distinct", "answer", SIZES, words, move |w: Vec<String>| {
                    intern(black_box(&w))
                }))
                .budget(
                    HeapMetric::Allocs,
                    "d + 1 + the table's growth: one Rc<str> per distinct word (d = n / 100), the output Vec, one table per doubling",
                    |n| {
                        let d = n.div_ceil(REPEATS);
                        (d + 1 + table_allocs(d)) as u64
                    },
                )
                .budget(
                    HeapMetric::Bytes,
                    "n × size_of::<Rc<str>>() + one Rc block per distinct word + 4 × the final table",
                    |n| {
                        let w = words(n);
                        (n * size_of::<Rc<str>>() + strings_bytes(&w) + table_bytes(n.div_ceil(REPEATS))) as u64
                    },
                )
                .floor(HeapMetric::Allocs, "d + 1: the words and the output", |n| (n.div_ceil(REPEATS) + 1) as u64)
                .floor(
                    HeapMetric::Bytes,
                    "n × size_of::<Rc<str>>() + one Rc block per distinct word",
                    |n| (n * size_of::<Rc<str>>() + strings_bytes(&words(n))) as u64,
                ),
            )
    }
}
