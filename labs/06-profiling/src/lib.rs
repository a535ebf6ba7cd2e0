//! Lab 06 — profiling: which lines allocate the most, and what a value
//! really weighs.
//!
//! The tutorial profiles one memory-heavy function (a big list of
//! integers, a dict of strings, nested lists) with tracemalloc and reads its
//! top lines; then it shows that `sys.getsizeof` is shallow and walks a
//! value recursively for a deep size. Here:
//!
//! * the `profile` workload is that function, whole and one structure at a
//!   time, so each structure's bytes can be read alone and the whole can be
//!   profiled by site (the heap family's live sites, and the harness's top
//!   sites table, dhat JSON and flame graph when they exist);
//! * the `scratch` workload is a program whose top allocation site is a
//!   buffer made per record, beside the same program reusing one buffer
//!   (exercise 06-1 asks for that fix);
//! * the `snapshot` workload is one program in two phases (the list; then
//!   the list grown, the dict and the rows), taken as two snapshots of
//!   live sites that the harness subtracts line by line: heaplab's answer
//!   to tracemalloc's `compare_to`;
//! * the `deep-size` workload builds the tutorial's dict of pairs and list
//!   of pairs and keeps them, so dhat's `live_bytes` is their exact heap
//!   size, beside `size_of_val` (shallow) and `get-size2`'s estimate (deep)
//!   in the facts.
//!
//! See `README.md` beside this crate for the claims and the measured numbers.

use std::fmt::Write;
use std::hint::black_box;
use std::mem::{size_of, size_of_val};

use get_size2::GetSize;
use heaplab_core::{Case, Fact, FixedMap, Lab};

pub mod claims;
pub mod exercises;

/// Integers in the profiled list: the tutorial's million scaled down a
/// thousandfold, a hundredfold and tenfold. The dict and the nested lists
/// scale with it (see [`DICT_EVERY`], [`ROW_LEN`]).
pub const SIZES: &[usize] = &[1_000, 10_000, 100_000];

/// One dict entry per this many integers: the tutorial's dict has 100 000
/// keys beside its 1 000 000 integers.
pub const DICT_EVERY: usize = 10;

/// Each dict value is the key's decimal text repeated this many times
/// (the tutorial's `str(i) * 10`).
pub const TEXT_REPEAT: usize = 10;

/// Integers per nested row (the tutorial's `range(100)`); rows are
/// `n / ROW_LEN`, so the nested lists hold `n` integers like the flat one.
pub const ROW_LEN: usize = 100;

/// Capacity of one rendered log line in the `scratch` workload: room for
/// any record's text without regrowing.
pub const LINE_CAPACITY: usize = 256;

/// Entries in the deep-size values: the tutorial's example uses 1 000;
/// 10 000 is where a table's growth steps show too.
pub const DEEP_SIZES: &[usize] = &[1_000, 10_000];

/// The size the deep-size facts (shallow size, estimate) are computed at:
/// the largest of [`DEEP_SIZES`], so a claim reads them beside that case.
pub const DEEP_N: usize = 10_000;

// ---------------------------------------------------------------- profile

/// The tutorial's three structures, for `n` integers.
#[derive(Debug, Default)]
pub struct Profiled {
    /// `n` integers in one list.
    pub ints: Vec<u64>,
    /// `n / DICT_EVERY` keys, each with its decimal text repeated [`TEXT_REPEAT`] times.
    pub texts: FixedMap<u64, String>,
    /// `n / ROW_LEN` rows of [`ROW_LEN`] integers.
    pub nested: Vec<Vec<u64>>,
}

impl Profiled {
    /// The lengths the tutorial's function returns.
    pub fn lengths(&self) -> (usize, usize, usize) {
        (self.ints.len(), self.texts.len(), self.nested.len())
    }

    /// `get-size2`'s deep estimate of the heap bytes of the three.
    pub fn estimated_heap_bytes(&self) -> usize {
        self.ints.get_heap_size() + self.texts.get_heap_size() + self.nested.get_heap_size()
    }
}

/// A list of the integers `0..n`: one block of `n × 8` bytes.
///
/// ```
/// assert_eq!(lab06_profiling::int_list(3), [0, 1, 2]);
/// ```
pub fn int_list(n: usize) -> Vec<u64> {
    (0..n as u64).collect()
}

/// The dict of strings: `n / DICT_EVERY` keys, key `i` to `i`'s decimal
/// text repeated [`TEXT_REPEAT`] times.
///
/// ```
/// let texts = lab06_profiling::str_dict(100);
/// assert_eq!(texts.len(), 10);
/// assert_eq!(texts[&7], "7777777777");
/// ```
pub fn str_dict(n: usize) -> FixedMap<u64, String> {
    (0..(n / DICT_EVERY) as u64)
        .map(|i| (i, i.to_string().repeat(TEXT_REPEAT)))
        .collect()
}

/// The nested lists: `n / ROW_LEN` rows, each the integers `0..ROW_LEN`.
///
/// ```
/// let rows = lab06_profiling::nested(300);
/// assert_eq!(rows.len(), 3);
/// assert!(rows.iter().all(|row| row.len() == lab06_profiling::ROW_LEN));
/// ```
pub fn nested(n: usize) -> Vec<Vec<u64>> {
    (0..n / ROW_LEN)
        .map(|_| (0..ROW_LEN as u64).collect())
        .collect()
}

/// The tutorial's memory-heavy function, keeping what it builds.
pub fn memory_intensive(n: usize) -> Profiled {
    Profiled {
        ints: int_list(n),
        texts: str_dict(n),
        nested: nested(n),
    }
}

/// Bytes of the text one dict value holds: `TEXT_REPEAT` copies of `i`'s digits.
///
/// ```
/// assert_eq!(lab06_profiling::text_bytes(42), 20);
/// ```
pub fn text_bytes(i: u64) -> usize {
    let mut digits = 1;
    let mut rest = i / 10;
    while rest > 0 {
        digits += 1;
        rest /= 10;
    }
    digits * TEXT_REPEAT
}

/// Bytes of one control group of a `HashMap`'s table (SSE2's width).
const GROUP: usize = 16;

/// Buckets of the table hashbrown (`std`'s `HashMap`) allocates for room
/// for `items` entries: a power of two with at most 7/8 of it used, 4 or 8
/// below 8 items, none for 0.
///
/// ```
/// use lab06_profiling::buckets_for;
/// assert_eq!([buckets_for(0), buckets_for(3), buckets_for(7), buckets_for(100)], [0, 4, 8, 128]);
/// ```
pub fn buckets_for(items: usize) -> usize {
    match items {
        0 => 0,
        1..4 => 4,
        4..8 => 8,
        _ => (items * 8 / 7).next_power_of_two(),
    }
}

/// Buckets of a table whose map reports `capacity` (the inverse of
/// hashbrown's rule: `buckets - 1` below 8 buckets, `buckets / 8 × 7` from 8).
///
/// ```
/// use lab06_profiling::buckets_of_capacity;
/// assert_eq!([buckets_of_capacity(0), buckets_of_capacity(3), buckets_of_capacity(7), buckets_of_capacity(112)], [0, 4, 8, 128]);
/// ```
pub fn buckets_of_capacity(capacity: usize) -> usize {
    match capacity {
        0 => 0,
        1..7 => capacity + 1,
        _ => capacity * 8 / 7,
    }
}

/// Bytes of the one block a table of `buckets` buckets of `entry`-byte
/// entries takes: the slots (rounded up to a whole group), then one
/// control byte per bucket and a trailing group. 0 for no buckets.
/// `tests/heap_exact.rs` checks it against dhat.
///
/// ```
/// // 128 buckets of 32 bytes: 4 096 bytes of slots, 128 + 16 control bytes.
/// assert_eq!(lab06_profiling::table_bytes(128, 32), 128 * 32 + 128 + 16);
/// ```
pub fn table_bytes(buckets: usize, entry: usize) -> usize {
    if buckets == 0 {
        return 0;
    }
    (buckets * entry).next_multiple_of(GROUP) + buckets + GROUP
}

/// Bytes of the table a `HashMap` of `items` entries of `entry` bytes
/// holds after `collect` from an iterator of known length (one `reserve`).
///
/// ```
/// assert_eq!(lab06_profiling::map_table_bytes(100, 32), 128 * 32 + 128 + 16);
/// ```
pub fn map_table_bytes(items: usize, entry: usize) -> usize {
    table_bytes(buckets_for(items), entry)
}

/// The exact heap bytes a map of numbers to texts owns: its table (from
/// its capacity) and each text's buffer (its capacity). What a deep-size
/// estimate of it should say; `tests/heap_exact.rs` checks it against dhat.
/// For a map nothing was removed from: a removal may leave a tombstone
/// that `capacity()` stops counting, and the table then looks smaller.
///
/// ```
/// let texts = lab06_profiling::str_dict(1_000);
/// let exact = lab06_profiling::texts_heap_bytes(&texts);
/// assert!(exact > texts.len() * std::mem::size_of::<(u64, String)>());
/// ```
pub fn texts_heap_bytes(map: &FixedMap<u64, String>) -> usize {
    table_bytes(
        buckets_of_capacity(map.capacity()),
        size_of::<(u64, String)>(),
    ) + map.values().map(String::capacity).sum::<usize>()
}

// ---------------------------------------------------------------- snapshot

/// The first phase of the two-snapshot program: the list of `n` integers
/// (the same [`int_list`] line as the `profile` workload), nothing else yet.
///
/// ```
/// let first = lab06_profiling::first_phase(10);
/// assert_eq!(first.lengths(), (10, 0, 0));
/// ```
pub fn first_phase(n: usize) -> Profiled {
    Profiled {
        ints: int_list(n),
        ..Profiled::default()
    }
}

/// Appends the integers `from..from + more` to `ints`: a list grown in
/// place, one `realloc` of its block to twice its length when it was full.
///
/// ```
/// let mut ints = lab06_profiling::int_list(2);
/// lab06_profiling::grow_list(&mut ints, 2, 2);
/// assert_eq!(ints, [0, 1, 2, 3]);
/// ```
pub fn grow_list(ints: &mut Vec<u64>, from: usize, more: usize) {
    ints.extend(from as u64..(from + more) as u64);
}

/// The second phase, on what the first built: the list grows by `n` more
/// integers, then the dict of strings and the nested rows are built (the
/// same [`str_dict`] and [`nested`] lines as the `profile` workload).
pub fn second_phase(program: &mut Profiled, n: usize) {
    grow_list(&mut program.ints, n, n);
    program.texts = str_dict(n);
    program.nested = nested(n);
}

/// Both phases, one after the other: the second snapshot's program. Its
/// first phase is [`first_phase`] itself, so the lines that allocated
/// before the first snapshot are the same lines here.
///
/// ```
/// let both = lab06_profiling::both_phases(1_000);
/// assert_eq!(both.lengths(), (2_000, 100, 10));
/// ```
pub fn both_phases(n: usize) -> Profiled {
    let mut program = first_phase(n);
    second_phase(&mut program, n);
    program
}

// ---------------------------------------------------------------- scratch

/// Renders record `i` into `line` (cleared first); returns its length.
fn render(line: &mut String, i: usize) -> usize {
    line.clear();
    write!(line, "record {i:>8}: status=ok bytes={:>6}", i * 7 % 65_536)
        .expect("writing to a String cannot fail");
    line.len()
}

/// The program with a bad top site: a fresh [`LINE_CAPACITY`] line per
/// record. Returns the total length rendered.
///
/// ```
/// use lab06_profiling::{log_fresh, log_reused};
/// assert_eq!(log_fresh(10), log_reused(10));
/// ```
pub fn log_fresh(n: usize) -> usize {
    (0..n)
        .map(|i| {
            let mut line = String::with_capacity(LINE_CAPACITY);
            black_box(render(&mut line, i))
        })
        .sum()
}

/// The fix: one line, cleared and reused for every record.
pub fn log_reused(n: usize) -> usize {
    let mut line = String::with_capacity(LINE_CAPACITY);
    (0..n).map(|i| black_box(render(&mut line, i))).sum()
}

// ---------------------------------------------------------------- deep size

/// The tutorial's dict of pairs, `{i: i * 2}` for `n` keys.
pub fn pairs_map(n: usize) -> FixedMap<u64, u64> {
    (0..n as u64).map(|i| (i, i * 2)).collect()
}

/// The tutorial's list of tuples, `[(i, i * 2)]` for `n` pairs.
pub fn pairs_vec(n: usize) -> Vec<(u64, u64)> {
    (0..n as u64).map(|i| (i, i * 2)).collect()
}

/// A case whose run builds a value with `build(n)` and parks it in the
/// environment, so dhat's `live_bytes` is the value's exact heap size (and
/// the live sites show where it was allocated).
fn kept<T: 'static>(
    workload: &'static str,
    strategy: &'static str,
    sizes: &'static [usize],
    build: fn(usize) -> T,
    len: fn(&T) -> usize,
) -> Case {
    Case::in_env(
        workload,
        strategy,
        sizes,
        |n| (None::<T>, n),
        move |(slot, n): &mut (Option<T>, usize)| len(slot.insert(build(*n))),
    )
    .with_python(strategy)
}

// ---------------------------------------------------------------- facts

fn facts() -> Vec<Fact> {
    let map = pairs_map(DEEP_N);
    let vec = pairs_vec(DEEP_N);
    let profiled = memory_intensive(DEEP_N);
    vec![
        Fact::new(
            "size_of_val(pairs map) (shallow)",
            size_of_val(&map),
            "bytes",
        ),
        Fact::new(
            "get-size2 heap estimate of the pairs map, n = DEEP_N",
            map.get_heap_size(),
            "bytes",
        ),
        Fact::new(
            "hashbrown's table bytes for the pairs map, n = DEEP_N",
            map_table_bytes(DEEP_N, size_of::<(u64, u64)>()),
            "bytes",
        ),
        Fact::new(
            "size_of_val(pairs vec) (shallow)",
            size_of_val(&vec),
            "bytes",
        ),
        Fact::new(
            "get-size2 heap estimate of the pairs vec, n = DEEP_N",
            vec.get_heap_size(),
            "bytes",
        ),
        Fact::new(
            "size_of_val(the three profiled structures) (shallow)",
            size_of_val(&profiled),
            "bytes",
        ),
        Fact::new(
            "get-size2 heap estimate of the three profiled structures, n = DEEP_N",
            profiled.estimated_heap_bytes(),
            "bytes",
        ),
        Fact::new("DEEP_N", DEEP_N, "count"),
    ]
}

// ---------------------------------------------------------------- lab

/// The lab, for the harness's registry.
pub fn lab() -> Lab {
    let lab = Lab::new(
        "06-profiling",
        "Profiling: top allocation sites, shallow and deep sizes",
        "Memory Profiling (examples 16–17)",
    )
    .claims(claims::claims())
    .facts(facts)
    .constant("DICT_EVERY", DICT_EVERY)
    .constant("TEXT_REPEAT", TEXT_REPEAT)
    .constant("ROW_LEN", ROW_LEN)
    .constant("LINE_CAPACITY", LINE_CAPACITY)
    .constant("DEEP_N", DEEP_N)
    .keeps("profile")
    .keeps("snapshot")
    .keeps("deep-size")
    .cases([
        kept("profile", "whole-kept", SIZES, memory_intensive, |p| {
            p.lengths().0
        })
        .show_live_sites()
        .profile()
        .about("the tutorial's function keeping its list of n ints, dict of n/10 strings and n/100 rows of 100: a snapshot's view"),
        Case::new("profile", "whole-returns-lengths", SIZES, |n| n, |n| {
            memory_intensive(n).lengths()
        })
        .with_python("whole-returns-lengths")
        .about("the tutorial's function as written: builds the three, returns their lengths, frees all"),
        kept("profile", "int-list", SIZES, int_list, Vec::len)
            .show_live_sites()
            .about("the list of n integers alone, kept"),
        kept("profile", "str-dict", SIZES, str_dict, |m| m.len())
            .show_live_sites()
            .about("the dict of n/10 keys to their digits ×10 alone, kept"),
        kept("profile", "nested", SIZES, nested, Vec::len)
            .show_live_sites()
            .about("the n/100 rows of 100 integers alone, kept"),
    ])
    .cases([
        Case::new("scratch", "fresh-line", SIZES, |n| n, log_fresh)
            .with_python("fresh-line")
            .profile()
            .about("n records rendered, each into a fresh 256-byte line: the top site allocates n blocks"),
        Case::new("scratch", "reused-line", SIZES, |n| n, log_reused)
            .with_python("reused-line")
            .about("the same records rendered into one line, cleared and reused: one block"),
    ])
    .cases([
        kept("snapshot", "first-phase", SIZES, first_phase, |p| p.lengths().0)
            .show_live_sites()
            .about("the program's first phase, kept: the list of n integers (the first snapshot)"),
        kept("snapshot", "both-phases", SIZES, both_phases, |p| p.lengths().0)
            .show_live_sites()
            .about("the first phase, then the second: the list grown to 2n, the dict of n/10 strings, n/100 rows, kept (the second snapshot)"),
    ])
    .snapshot_diff("snapshot", "first-phase", "both-phases")
    .cases([
        kept("deep-size", "pairs-map", DEEP_SIZES, pairs_map, |m| m.len())
            .about("the tutorial's {i: i*2} as a HashMap<u64, u64>, kept: live bytes are its exact heap size"),
        kept("deep-size", "pairs-vec", DEEP_SIZES, pairs_vec, Vec::len)
            .about("the tutorial's list of (i, i*2) as a Vec<(u64, u64)>, kept"),
    ]);
    exercises::list().into_iter().fold(lab, Lab::exercise)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_structures_have_the_tutorials_shape() {
        let profiled = memory_intensive(1_000);
        assert_eq!(profiled.lengths(), (1_000, 100, 10));
        assert_eq!(profiled.ints.iter().sum::<u64>(), 999 * 1_000 / 2);
        assert_eq!(profiled.texts[&12], "12".repeat(TEXT_REPEAT));
        assert!(
            profiled
                .texts
                .iter()
                .all(|(k, v)| v.len() == text_bytes(*k))
        );
    }

    #[test]
    fn the_second_snapshot_starts_with_the_first() {
        let (first, both) = (first_phase(1_000), both_phases(1_000));
        assert_eq!(both.ints[..1_000], first.ints[..]);
        assert_eq!(both.ints, int_list(2_000));
        assert_eq!(both.texts, str_dict(1_000));
        assert_eq!(both.nested, nested(1_000));
        // The list's one block doubled: a full Vec grows to twice its length.
        assert_eq!(
            (first.ints.capacity(), both.ints.capacity()),
            (1_000, 2_000)
        );
    }

    #[test]
    fn both_loggers_render_the_same_lines() {
        let mut line = String::new();
        assert_eq!(
            render(&mut line, 3),
            "record        3: status=ok bytes=    21".len()
        );
        assert!(line.len() <= LINE_CAPACITY);
        assert_eq!(log_fresh(1_000), log_reused(1_000));
    }

    #[test]
    fn shallow_sizes_do_not_grow_with_n_and_the_estimates_do() {
        let facts = facts();
        let value = |name: &str| {
            facts
                .iter()
                .find(|f| f.name == name)
                .map(|f| f.value)
                .unwrap()
        };
        assert_eq!(
            value("size_of_val(pairs map) (shallow)"),
            size_of::<FixedMap<u64, u64>>() as f64
        );
        assert_eq!(value("size_of_val(pairs vec) (shallow)"), 24.0);
        // A Vec's estimate is its capacity: exact.
        assert_eq!(
            value("get-size2 heap estimate of the pairs vec, n = DEEP_N"),
            (DEEP_N * 16) as f64
        );
        // A map's estimate counts capacity × entry: below the table's bytes.
        assert!(
            value("get-size2 heap estimate of the pairs map, n = DEEP_N")
                < value("hashbrown's table bytes for the pairs map, n = DEEP_N")
        );
    }

    #[test]
    fn every_case_runs_at_its_smallest_size() {
        let lab = lab();
        for case in &lab.cases {
            case.prepare(case.sizes[0]).run();
        }
        assert_eq!(lab.cases.len(), 11);
        assert_eq!(lab.snapshot_diffs.len(), 1);
    }
}
