//! Lab 08 — generators vs lists: lazy pipelines against collected steps.
//!
//! The tutorial's optimisation pattern: a generator chain (filter → map →
//! islice) holds one element at a time, where building a list at every step
//! holds them all. Rust's iterators are the generator chain, compiled; the
//! "list at every step" is a `Vec` collected after each adapter; and Rust
//! adds a third answer, one `collect` that reuses the source vector's
//! allocation in place (`Vec::into_iter().map(..).collect()`).
//!
//! See `README.md` beside this crate for the claims and the measured numbers.

use std::fs::File;
use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;

use heaplab_core::{Case, Fact, Lab};

pub mod claims;
pub mod exercises;

/// Range lengths: 1 000 (fits in L1), 100 000 (the tutorial's generator
/// example shrunk to where a list still fits in L2/L3), 10 000 000 (a list of
/// u64 is 80 MB: where the tutorial's "constant memory" claim matters).
pub const RANGE_SIZES: &[usize] = &[1_000, 100_000, 10_000_000];

/// Line counts of the generated text file: 10 000 lines (0.42 MB) to
/// 1 000 000 lines (42 MB, the notebook's "large file" scale).
pub const LINE_SIZES: &[usize] = &[10_000, 100_000, 1_000_000];

/// How many even squares the "first ten" workload wants.
pub const FIRST: usize = 10;

/// The per-element work. Each element passes through `black_box` first:
/// without it LLVM replaces the whole sum-of-squares loop by its closed
/// form, and the "iterator" measures 0 instructions per element (seen in
/// run `results/runs/20261121T093231-vm-35d04bbb19`), which says nothing
/// about laziness.
fn square(i: u64) -> u64 {
    let i = black_box(i);
    i.wrapping_mul(i)
}

fn even(i: &u64) -> bool {
    i.is_multiple_of(2)
}

fn wrapping_sum<'a>(values: impl IntoIterator<Item = &'a u64>) -> u64 {
    values.into_iter().fold(0, |acc, v| acc.wrapping_add(*v))
}

/// Sum of squares, lazily: nothing is stored.
fn sum_squares_iterator(n: u64) -> u64 {
    (0..n).map(square).fold(0, u64::wrapping_add)
}

/// Sum of squares with a list at every step: the range, then the squares.
fn sum_squares_collected(n: u64) -> u64 {
    let data: Vec<u64> = (0..n).collect();
    let squares: Vec<u64> = data.iter().copied().map(square).collect();
    wrapping_sum(&squares)
}

/// Sum of squares with one vector, mapped in place by `collect`.
fn sum_squares_in_place(n: u64) -> u64 {
    let data: Vec<u64> = (0..n).collect();
    let squares: Vec<u64> = data.into_iter().map(square).collect();
    wrapping_sum(&squares)
}

/// The first [`FIRST`] even squares of `0..n`, summed, lazily: stops early.
fn first_even_squares_iterator(n: u64) -> u64 {
    (0..n)
        .filter(even)
        .map(square)
        .take(FIRST)
        .fold(0, u64::wrapping_add)
}

/// The same with a list after each step, as the tutorial's "bad approach".
fn first_even_squares_collected(n: u64) -> u64 {
    let data: Vec<u64> = (0..n).collect();
    let filtered: Vec<u64> = data.iter().copied().filter(even).collect();
    let squared: Vec<u64> = filtered.iter().copied().map(square).collect();
    wrapping_sum(squared.iter().take(FIRST))
}

/// The same with one vector reused by an in-place filter+map collect.
fn first_even_squares_in_place(n: u64) -> u64 {
    let data: Vec<u64> = (0..n).collect();
    let squared: Vec<u64> = data.into_iter().filter(even).map(square).collect();
    wrapping_sum(squared.iter().take(FIRST))
}

/// Line `i` of the generated file: 42 bytes with its newline.
fn line(i: usize) -> String {
    format!("event {i:010} status=ok latency_us=042\n")
}

/// The generated text file of `n` lines, made once per size in the temp
/// directory and reused (written to a temporary name and renamed, so a
/// half-written file is never used).
///
/// # Panics
///
/// Panics when the temp directory is not writable.
pub fn lines_file(n: usize) -> PathBuf {
    let path = std::env::temp_dir().join(format!("heaplab-lab08-{n}-lines.txt"));
    let expected = (n * line(0).len()) as u64;
    if std::fs::metadata(&path).is_ok_and(|m| m.len() == expected) {
        return path;
    }
    let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
    let mut out = std::io::BufWriter::new(File::create(&tmp).expect("temp dir is writable"));
    for i in 0..n {
        out.write_all(line(i).as_bytes())
            .expect("temp dir is writable");
    }
    out.into_inner().expect("flush").sync_all().expect("sync");
    std::fs::rename(&tmp, &path).expect("rename in temp dir");
    path
}

/// Reads line by line with `lines()`: one `String` per line, one alive at a time.
fn read_lines_iterator(path: PathBuf) -> usize {
    let reader = BufReader::new(File::open(path).expect("generated file"));
    reader
        .lines()
        .map(|l| black_box(l.expect("utf-8 text")).len())
        .sum()
}

/// Reads line by line into one reused buffer: no allocation per line.
fn read_lines_reuse(path: PathBuf) -> usize {
    let mut reader = BufReader::new(File::open(path).expect("generated file"));
    let mut buffer = String::new();
    let mut total = 0;
    while reader.read_line(&mut buffer).expect("utf-8 text") > 0 {
        total += black_box(&buffer).trim_end_matches('\n').len();
        buffer.clear();
    }
    total
}

/// Reads the whole file, then lists its lines (the `readlines()` approach).
fn read_whole(path: PathBuf) -> usize {
    let text = std::fs::read_to_string(path).expect("generated file");
    let lines: Vec<&str> = text.lines().collect();
    black_box(&lines).iter().map(|l| l.len()).sum()
}

fn facts() -> Vec<Fact> {
    let mut facts = vec![
        Fact::new("bytes per generated line", line(0).len(), "bytes"),
        Fact::new("std BufReader default buffer", 8 * 1024, "bytes"),
        Fact::new(
            "size_of::<&str>() (one listed line)",
            size_of::<&str>(),
            "bytes",
        ),
        Fact::new("FIRST (even squares wanted)", FIRST, "count"),
    ];
    // Only when it could be measured: never a 0 that stands for "unknown".
    if let Some(left) = early_return_leaves_open() {
        facts.push(Fact::new(
            "descriptors left open by an early return with an error",
            left,
            "count",
        ));
    }
    facts
}

/// Opens a file and returns early with an error, `?`-style, as a reader that
/// fails half-way does: how many descriptors that left open (RAII: none).
/// `None` when it cannot be told: no `/proc/self/fd`, or the file did not open.
fn early_return_leaves_open() -> Option<usize> {
    fn open_then_fail(opened: &mut bool) -> std::io::Result<()> {
        let file = File::open(std::env::current_exe()?)?;
        *opened = true;
        black_box(&file);
        Err(std::io::Error::other("stop in the middle"))
    }
    let open = || std::fs::read_dir("/proc/self/fd").ok().map(Iterator::count);
    let before = open()?;
    let mut opened = false;
    let _ = open_then_fail(&mut opened);
    let after = open()?;
    opened.then(|| after.saturating_sub(before))
}

/// The lab, for the harness's registry.
pub fn lab() -> Lab {
    let range = |workload, strategy, about, python, run: fn(u64) -> u64| {
        Case::new(workload, strategy, RANGE_SIZES, |n| n as u64, run)
            .with_python(python)
            .about(about)
    };
    let lab = Lab::new(
        "08-generators-vs-lists",
        "Generators vs lists",
        "Optimization Patterns: generators (example 20)",
    )
    .claims(claims::claims())
    .facts(facts)
    .constant("FIRST", FIRST)
    .cases([
        range(
            "sum-squares",
            "iterator",
            "(0..n).map(square).sum(): nothing stored",
            "generator",
            sum_squares_iterator,
        ),
        range(
            "sum-squares",
            "collect-each-step",
            "a Vec of the range, then a Vec of squares",
            "list",
            sum_squares_collected,
        ),
        range(
            "sum-squares",
            "in-place",
            "one Vec, mapped in place by collect",
            "list",
            sum_squares_in_place,
        ),
    ])
    .cases([
        range(
            "first-10-even-squares",
            "iterator",
            "filter → map → take(10): stops after 20 numbers",
            "generator",
            first_even_squares_iterator,
        ),
        range(
            "first-10-even-squares",
            "collect-each-step",
            "a Vec after every step, then the first 10",
            "list",
            first_even_squares_collected,
        ),
        range(
            "first-10-even-squares",
            "in-place",
            "one Vec, filtered and mapped in place",
            "list",
            first_even_squares_in_place,
        ),
    ])
    .cases([
        Case::new(
            "read-lines",
            "lines-iterator",
            LINE_SIZES,
            lines_file,
            read_lines_iterator,
        )
        .with_python("line-by-line")
        .about("BufReader::lines(): a String per line, one alive at a time"),
        Case::new(
            "read-lines",
            "read-line-reuse",
            LINE_SIZES,
            lines_file,
            read_lines_reuse,
        )
        .about("BufReader::read_line into one reused String"),
        Case::new(
            "read-lines",
            "read-whole",
            LINE_SIZES,
            lines_file,
            read_whole,
        )
        .with_python("readlines")
        .about("read_to_string, then a Vec<&str> of its lines"),
    ]);
    exercises::list().into_iter().fold(lab, Lab::exercise)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_strategy_computes_the_same_answer() {
        for n in [0, 1, 7, 1_000] {
            let sum = sum_squares_iterator(n);
            assert_eq!(sum_squares_collected(n), sum);
            assert_eq!(sum_squares_in_place(n), sum);
            let first = first_even_squares_iterator(n);
            assert_eq!(first_even_squares_collected(n), first);
            assert_eq!(first_even_squares_in_place(n), first);
        }
        // 0² + 2² + ... + 18²
        assert_eq!(
            first_even_squares_iterator(1_000),
            (0..10u64).map(|k| 4 * k * k).sum::<u64>()
        );
    }

    #[test]
    fn every_reader_reads_the_same_text() {
        let path = lines_file(100);
        let total = read_whole(path.clone());
        assert_eq!(total, 100 * (line(0).len() - 1));
        assert_eq!(read_lines_iterator(path.clone()), total);
        assert_eq!(read_lines_reuse(path), total);
    }
}
