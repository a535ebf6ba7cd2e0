//! Exercise 08-2 — a line reader bounded by the longest line.
//!
//! The tutorial reads a large file line by line (`for line in f`) instead
//! of whole (`f.read()`): memory follows the longest line, not the file.
//! This starting version reads everything into one `String` first: right
//! answers, and a peak as large as the input.
//!
//! Task: `total(input)` returns the sum of every comma-separated number on
//! every line (blank lines count 0). Budget, for 1 000 and 10 000 lines:
//! **a peak of at most 4 × the longest line** (one line buffer with room to
//! grow) — the same at both sizes.
//!
//! Check it: `heaplab exercise check 08-2`.

use std::io::BufRead;

/// The sum of all numbers on all lines of `input`.
pub fn total(input: &mut dyn BufRead) -> u64 {
    let mut text = String::new();
    input
        .read_to_string(&mut text)
        .expect("readable UTF-8 input");
    text.lines()
        .flat_map(|line| line.split(','))
        .filter(|field| !field.is_empty())
        .map(|field| field.trim().parse::<u64>().expect("a number"))
        .sum()
}
