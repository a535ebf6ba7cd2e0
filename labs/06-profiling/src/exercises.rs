//! Lab 06's exercises: what each checks, and the items a student's file uses.
//!
//! The files a student edits are `exercises/*.rs` beside this crate; the
//! reference solutions are `solutions/*.rs`. Budgets are computed from
//! `n`, `size_of` and the lengths of the input, never pasted.

use heaplab_core::exercise::Exercise;

/// The exercises, in order (ids `06-1`, `06-2`).
pub fn list() -> Vec<Exercise> {
    vec![
        Exercise::new(
            1,
            "Find the top allocation site and fix it: 100× fewer bytes",
            "totals.rs",
            "exercises::totals::check(answer::totals)",
        )
        .hint("Profile before changing anything: the check's verdict shows bytes and blocks; which line makes blocks in proportion to the number of lines? (With HEAPLAB_SITES_DIR set, the check writes dhat's per-site JSON there: open it in dhat's viewer and sort by total bytes.)")
        .hint("Each line is split into owned `String`s collected in a `Vec` (one Vec and three Strings per line), and the customer's name is cloned for every line, found or not. Both only need to *look* at the line.")
        .hint("`let mut fields = line.split(',');` gives `&str`s borrowed from the line: no allocation. Add to an existing total with `totals.get_mut(customer)`, and allocate the name (`customer.to_owned()`) only the first time a customer is seen.")
        ,
        Exercise::new(
            2,
            "A deep-size estimate that agrees with dhat, byte for byte",
            "deep_size.rs",
            "exercises::deep_size::check(answer::heap_bytes)",
        )
        .hint("`size_of_val(map)` is the map's handle only (32 bytes with `FixedMap`'s zero-sized hasher): the entries and the texts are elsewhere on the heap. Which blocks does a `HashMap<u64, String>` own? One table, and one buffer per non-empty String.")
        .hint("A String owns `capacity()` bytes, not `len()`. A map's table is not `capacity() × size_of::<(K, V)>()` either (that is get-size2's estimate): hashbrown allocates a power-of-two number of buckets, 7/8 of which it lets fill, plus one control byte per bucket and 16 more.")
        .hint("Buckets from the map's capacity: `capacity + 1` below 7, else `capacity / 7 × 8`; then `(buckets × 32).next_multiple_of(16) + buckets + 16` bytes (a `(u64, String)` is 32 bytes); an empty map owns nothing. And walk without a `HashSet` of visited ids: the estimate itself must not allocate."),
    ]
}

/// Exercise 06-1: the top allocation site of a small report.
pub mod totals {
    use std::collections::BTreeMap;
    use std::hint::black_box;
    use std::mem::size_of;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, expect_eq};

    /// Lines per input: ten thousand and ten times as many; at both the
    /// fixed program's few blocks are far below the budget.
    pub const SIZES: &[usize] = &[10_000, 100_000];

    /// Distinct customers in the input.
    pub const CUSTOMERS: u64 = 16;

    /// The factor the total bytes must drop by, against the given program.
    pub const FACTOR: u64 = 100;

    /// Fields per line: id, customer, amount.
    const FIELDS: usize = 3;

    /// `n` lines `"<id>,customer-<c>,<amount>"`, customer `id % CUSTOMERS`,
    /// amount `id % 1000`.
    ///
    /// ```
    /// let lines = lab06_profiling::exercises::totals::lines(2);
    /// assert_eq!(lines, ["0,customer-00,0", "1,customer-01,1"]);
    /// ```
    pub fn lines(n: usize) -> Vec<String> {
        (0..n as u64)
            .map(|id| format!("{id},customer-{:02},{}", id % CUSTOMERS, id % 1_000))
            .collect()
    }

    /// The given program, as the student's file starts: right, and the
    /// reference the answers are checked against.
    pub fn given_totals(lines: &[String]) -> BTreeMap<String, u64> {
        let mut totals = BTreeMap::new();
        for line in lines {
            let fields: Vec<String> = line.split(',').map(|f| f.to_string()).collect();
            let amount: u64 = fields[2].parse().expect("an amount");
            *totals.entry(fields[1].clone()).or_insert(0) += amount;
        }
        totals
    }

    /// The bytes the given program allocates for `lines`, line by line: a
    /// `Vec` of four `String`s (the first growth of a `Vec` of 24-byte
    /// items from an iterator of unknown length), its three fields' text,
    /// and the cloned name; the map's own nodes are left out (a few
    /// hundred bytes, whatever `n`). `tests/heap_exact.rs` checks it.
    pub fn given_line_bytes(lines: &[String]) -> u64 {
        lines
            .iter()
            .map(|line| {
                let customer = line.split(',').nth(1).map_or(0, str::len);
                (4 * size_of::<String>() + line.len() - (FIELDS - 1) + customer) as u64
            })
            .sum()
    }

    /// The budget on total bytes at `n` lines: the given program's bytes
    /// divided by [`FACTOR`].
    pub fn bytes_budget(n: usize) -> u64 {
        given_line_bytes(&lines(n)) / FACTOR
    }

    /// The check of `totals(lines)`.
    pub fn check(totals: fn(&[String]) -> BTreeMap<String, u64>) -> Check {
        Check::new()
            .test("no lines: no totals", move || {
                expect_eq(totals(&[]), BTreeMap::new())
            })
            .test("one line", move || {
                let input = lines(1);
                expect_eq(totals(&input), given_totals(&input))
            })
            .test("1 000 lines, 16 customers", move || {
                let input = lines(1_000);
                expect_eq(totals(&input), given_totals(&input))
            })
            .heap(
                HeapCheck::new(Case::new(
                    "totals of n lines",
                    "answer",
                    SIZES,
                    lines,
                    move |input: Vec<String>| totals(black_box(&input)).len(),
                ))
                .budget(
                    HeapMetric::Bytes,
                    "the given program's bytes / 100 (a Vec of 4 Strings, the fields and the cloned name per line)",
                    bytes_budget,
                )
                .floor(
                    HeapMetric::Allocs,
                    "16 names and the map's few nodes: no block per line",
                    |_| CUSTOMERS,
                ),
            )
    }
}

/// Exercise 06-2: a deep-size estimate that agrees with dhat.
pub mod deep_size {
    use std::hint::black_box;

    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, expect_eq};
    use heaplab_core::{Case, FixedMap};

    use crate::{str_dict, texts_heap_bytes};

    /// Entries of the maps whose size is estimated in the heap check.
    pub const SIZES: &[usize] = &[10_000, 100_000];

    /// Maps of every shape the estimate must get right: empty, tiny,
    /// collected, grown by inserts, reserved and nearly empty. None has had
    /// entries removed: a removal can leave a tombstone that `capacity()`
    /// no longer counts, so the table's size cannot be read back from it.
    pub fn shapes() -> Vec<(&'static str, FixedMap<u64, String>)> {
        let mut grown = FixedMap::default();
        for i in 0..1_000_u64 {
            grown.insert(i, format!("{i}"));
        }
        let mut reserved = FixedMap::with_capacity_and_hasher(5_000, Default::default());
        reserved.extend((0..10_u64).map(|i| (i, "x".repeat(i as usize))));
        let mut roomy = String::with_capacity(100);
        roomy.push_str("short");
        vec![
            ("an empty map", FixedMap::default()),
            ("one entry", FixedMap::from_iter([(1, "one".to_owned())])),
            (
                "a String with spare capacity",
                FixedMap::from_iter([(1, roomy)]),
            ),
            ("the lab's dict of 10 000 integers", str_dict(10_000)),
            ("1 000 inserts, one at a time", grown),
            ("room for 5 000, 10 entries", reserved),
        ]
    }

    /// The check of `heap_bytes(map)`.
    pub fn check(heap_bytes: fn(&FixedMap<u64, String>) -> usize) -> Check {
        let mut check = Check::new();
        for (name, map) in shapes() {
            let exact = texts_heap_bytes(&map);
            check = check.test(name, move || expect_eq(heap_bytes(&map), exact));
        }
        check.heap(
            HeapCheck::new(Case::new(
                "estimating a map of n/10 texts",
                "answer",
                SIZES,
                str_dict,
                move |map: FixedMap<u64, String>| heap_bytes(black_box(&map)),
            ))
            .budget(
                HeapMetric::Allocs,
                "0: a walk that reads capacities allocates nothing",
                |_| 0,
            )
            .floor(HeapMetric::Allocs, "0", |_| 0),
        )
    }
}
