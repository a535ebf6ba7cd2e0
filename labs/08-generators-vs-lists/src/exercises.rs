//! Lab 08's exercises: what each checks.
//!
//! The files a student edits are `exercises/*.rs` beside this crate; the
//! reference solutions are `solutions/*.rs`. Budgets are computed from `n`
//! and the input's own shape here, never pasted.

use heaplab_core::exercise::Exercise;

/// The exercises, in order (ids `08-1`, `08-2`).
pub fn list() -> Vec<Exercise> {
    vec![
        Exercise::new(
            1,
            "The sum of even squares in constant memory",
            "even_squares.rs",
            "exercises::even_squares::check(answer::sum_even_squares)",
        )
        .hint("Every `collect()` holds all n values at once: that is the peak dhat reports, and it grows with n.")
        .hint("An iterator chain is the generator expression of Rust: `(0..n).filter(...).map(...)` produces one value at a time and stores none.")
        .hint("`(0..n).filter(|i| i % 2 == 0).map(|i| i * i).sum()` allocates nothing at all: the floor is 0 bytes."),
        Exercise::new(
            2,
            "A line reader bounded by the longest line",
            "line_totals.rs",
            "exercises::line_totals::check(answer::total)",
        )
        .hint("`read_to_string` copies the whole input into one String: the peak is the input's size, and it grows with the number of lines.")
        .hint("Read one line at a time with `read_line` into one `String` you `clear()` after each line: the buffer grows to the longest line and is reused.")
        .hint("Below the budget, to the floor: `fill_buf`/`consume` (or `split(b'\\n')` on the reader's own bytes) parse without copying a line anywhere."),
    ]
}

/// Exercise 08-1: the sum of even squares, lazily.
pub mod even_squares {
    use std::hint::black_box;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, expect_eq};

    /// Range lengths: ten thousand, and ten times as many, so a peak that
    /// grows with `n` shows.
    pub const SIZES: &[usize] = &[10_000, 100_000];

    /// The check of `sum(n)`: the sum of `i * i` over the even `i` in `0..n`.
    pub fn check(sum: fn(u64) -> u64) -> Check {
        let model = |n: u64| (0..n).filter(|i| i % 2 == 0).map(|i| i * i).sum::<u64>();
        Check::new()
            .test("n = 0: nothing to add", move || expect_eq(sum(0), 0))
            .test("n = 1: only 0", move || expect_eq(sum(1), 0))
            .test("n = 5: 0 + 4 + 16", move || expect_eq(sum(5), 20))
            .test("n = 10: 0 + 4 + 16 + 36 + 64", move || {
                expect_eq(sum(10), 120)
            })
            .test("n = 1 001: the last one counts", move || {
                expect_eq(sum(1_001), model(1_001))
            })
            .heap(
                HeapCheck::new(Case::new(
                    "sum of even squares below n",
                    "answer",
                    SIZES,
                    |n| n as u64,
                    move |n| sum(black_box(n)),
                ))
                .budget(
                    HeapMetric::Allocs,
                    "0: one value at a time, nothing stored, whatever n",
                    |_| 0,
                )
                .budget(HeapMetric::PeakBytes, "0 bytes, whatever n", |_| 0)
                .floor(HeapMetric::Allocs, "0", |_| 0)
                .floor(HeapMetric::PeakBytes, "0", |_| 0),
            )
    }
}

/// Exercise 08-2: a line reader whose memory does not grow with the input.
pub mod line_totals {
    use std::hint::black_box;
    use std::io::BufRead;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, expect_eq};

    /// Line counts: a thousand, and ten times as many; the input grows
    /// tenfold while its longest line grows by a few bytes, so a peak that
    /// follows the input's size shows.
    pub const SIZES: &[usize] = &[1_000, 10_000];

    /// The budget's room for a line buffer that grows by doubling: up to
    /// twice the longest line, and twice again for the last growth step.
    pub const LINE_ROOM: usize = 4;

    /// Line `i` of the input: three numbers, `i,i+1,i+2`.
    pub fn line(i: usize) -> String {
        format!("{},{},{}\n", i, i + 1, i + 2)
    }

    /// The input: `n` lines.
    pub fn input(n: usize) -> Vec<u8> {
        (0..n).flat_map(|i| line(i).into_bytes()).collect()
    }

    /// The longest line of the largest input, in bytes, newline included:
    /// the same figure at every size, so a peak that grows with the number
    /// of lines is reported as growth.
    pub fn longest_line() -> usize {
        let n = SIZES.iter().copied().max().unwrap_or(0);
        (0..n).map(|i| line(i).len()).max().unwrap_or(0)
    }

    /// The check of `total(reader)`: the sum of every number on every line.
    pub fn check(total: fn(&mut dyn BufRead) -> u64) -> Check {
        let of = move |text: &str| total(&mut text.as_bytes());
        Check::new()
            .test("n = 0: an empty input", move || expect_eq(of(""), 0))
            .test("n = 1: `1,2,3` without a final newline", move || expect_eq(of("1,2,3"), 6))
            .test("two lines: `10\\n20\\n`", move || expect_eq(of("10\n20\n"), 30))
            .test("a blank line in the middle", move || expect_eq(of("1,1\n\n2\n"), 4))
            .test("n = 100 generated lines", move || {
                let text = String::from_utf8(input(100)).unwrap_or_default();
                expect_eq(of(&text), (0..100u64).map(|i| 3 * i + 3).sum())
            })
            .heap(
                HeapCheck::new(Case::new("total of n lines", "answer", SIZES, input, move |bytes: Vec<u8>| {
                    total(&mut black_box(bytes.as_slice()))
                }))
                .budget(
                    HeapMetric::PeakBytes,
                    "4 × the longest line (of the largest input): one line buffer with room to grow, whatever the number of lines",
                    |_| (LINE_ROOM * longest_line()) as u64,
                )
                .floor(HeapMetric::PeakBytes, "0: parse the reader's own buffer, copy nothing", |_| 0),
            )
    }
}
