//! Exercise 08-2 — reference solution: one reused line buffer.
//!
//! `read_line` appends one line to the buffer; `clear` keeps its capacity,
//! so after the longest line nothing is allocated again.

use std::io::BufRead;

/// The sum of all numbers on all lines of `input`.
pub fn total(input: &mut dyn BufRead) -> u64 {
    let mut line = String::new();
    let mut sum = 0;
    while input.read_line(&mut line).expect("readable UTF-8 input") > 0 {
        sum += line
            .trim_end()
            .split(',')
            .filter(|field| !field.is_empty())
            .map(|field| field.parse::<u64>().expect("a number"))
            .sum::<u64>();
        line.clear();
    }
    sum
}
