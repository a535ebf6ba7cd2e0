//! Lab 03's exercises: what each checks, and what a student's file uses.
//!
//! The files a student edits are `exercises/*.rs` beside this crate; the
//! reference solutions are `solutions/*.rs`. Budgets are computed from
//! `size_of` and `n` here, never pasted.

use heaplab_core::exercise::Exercise;

/// The exercises, in order (ids `03-1`, `03-2`).
pub fn list() -> Vec<Exercise> {
    vec![
        Exercise::new(
            1,
            "A handler that leaks by appending every request to a global list, and its fix",
            "requests.rs",
            "exercises::requests::check(answer::handle, answer::handled)",
        )
        .hint("Run the check and read live_bytes: after 1 000 requests and after 10 000, how much is still held once every reply was dropped? What holds it?")
        .hint("The log lives in a `static`: it lives as long as the program, and every request adds a String to it. Nobody ever reads those strings back; only their number is used.")
        .hint("Keep the number, not the requests: a `static HANDLED: AtomicUsize`, `fetch_add(1, Ordering::Relaxed)` in `handle`, `load` in `handled`. Nothing stays on the heap.")
        .python_twin("requests.py"),
        Exercise::new(
            2,
            "A callback that captures only what it uses",
            "callbacks.rs",
            "exercises::callbacks::check(answer::make_callback)",
        )
        .hint("The registry keeps every callback for the life of the program. What does each callback keep alive with it? Compare live_bytes with the budget: one usize per callback.")
        .hint("A `move` closure owns every variable it names. This one names `page`, so the whole page (1 KiB) lives as long as the callback, though the answer never changes.")
        .hint("Count the non-zero bytes once, in `make_callback`, into a `usize`; let the closure name only that count: `let count = ...; Box::new(move || count)`. The page is freed when the function returns."),
    ]
}

/// Exercise 03-1: a handler that leaks into a global list (the notebook's exercise 5).
pub mod requests {
    use std::hint::black_box;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, ensure, expect_eq};

    /// Requests handled: a thousand, and ten times as many, so growth shows.
    pub const SIZES: &[usize] = &[1_000, 10_000];

    /// What may stay live after any number of requests: a kibibyte, for a
    /// counter or a few recent requests. A constant: it does not grow with `n`.
    pub const LIVE_BUDGET: u64 = 1_024;

    /// The reply to request `id`.
    pub fn reply(id: u64) -> String {
        format!("request {id} handled")
    }

    /// The check of `handle(id)` and `handled()`.
    pub fn check(handle: fn(u64) -> String, handled: fn() -> usize) -> Check {
        Check::new()
            .test("request 7: its reply", move || {
                expect_eq(handle(7), reply(7))
            })
            .test("three requests: handled() counts three more", move || {
                let before = handled();
                for id in [1, 2, 3] {
                    handle(id);
                }
                expect_eq(handled() - before, 3)
            })
            .test("1 000 requests: counted, every reply right", move || {
                let before = handled();
                let right = (0..1_000).all(|id| handle(id) == reply(id));
                ensure(right, "a reply differs from \"request <id> handled\"")?;
                expect_eq(handled() - before, 1_000)
            })
            .heap(
                HeapCheck::new(Case::new(
                    "n requests, every reply dropped",
                    "answer",
                    SIZES,
                    |n| n as u64,
                    move |n: u64| {
                        for id in 0..n {
                            black_box(handle(black_box(id)));
                        }
                        handled()
                    },
                ))
                .budget(
                    HeapMetric::LiveBytes,
                    "1 KiB whatever n: a counter, or a few recent requests",
                    |_| LIVE_BUDGET,
                )
                .floor(
                    HeapMetric::LiveBytes,
                    "0: a counter lives in static memory",
                    |_| 0,
                ),
            )
    }
}

/// Exercise 03-2: a callback that captures only what it uses.
pub mod callbacks {
    use std::hint::black_box;
    use std::mem::size_of;

    use heaplab_core::Case;
    use heaplab_core::exercise::{Check, HeapCheck, HeapMetric, expect_eq};

    use crate::{BUFFER_BYTES, Callback};

    /// Callbacks registered: a thousand, and ten times as many.
    pub const SIZES: &[usize] = &[1_000, 10_000];

    /// Page `i`: [`BUFFER_BYTES`] bytes, one in four of them zero.
    pub fn page(i: usize) -> Vec<u8> {
        (0..BUFFER_BYTES)
            .map(|b| if (b + i).is_multiple_of(4) { 0 } else { 1 })
            .collect()
    }

    /// What the callback of a page must answer: its non-zero bytes.
    pub fn non_zero(page: &[u8]) -> usize {
        page.iter().filter(|b| **b != 0).count()
    }

    /// The check of `make_callback(page)`.
    pub fn check(make_callback: fn(Vec<u8>) -> Callback) -> Check {
        Check::new()
            .test("an empty page: 0", move || {
                expect_eq(make_callback(Vec::new())(), 0)
            })
            .test("[0, 3, 0, 5]: 2", move || {
                expect_eq(make_callback(vec![0, 3, 0, 5])(), 2)
            })
            .test("page 1: 768 of 1 024, asked twice", move || {
                let callback = make_callback(page(1));
                expect_eq((callback(), callback()), (768, 768))
            })
            .heap(
                HeapCheck::new(Case::in_env(
                    "n callbacks kept in a registry",
                    "answer",
                    SIZES,
                    |n| (Vec::<Callback>::with_capacity(n), n),
                    move |(registry, n): &mut (Vec<Callback>, usize)| {
                        for i in 0..*n {
                            registry.push(make_callback(black_box(page(i))));
                        }
                        registry.iter().map(|c| c()).sum::<usize>()
                    },
                ))
                .budget(
                    HeapMetric::LiveBytes,
                    "n × size_of::<usize>(): each callback keeps what it uses, one count",
                    |n| (n * size_of::<usize>()) as u64,
                )
                .floor(
                    HeapMetric::LiveBytes,
                    "the same: the count is all it needs",
                    |n| (n * size_of::<usize>()) as u64,
                ),
            )
    }
}
