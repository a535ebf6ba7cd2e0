//! Exercise 03-2 — a callback that captures only what it uses.
//!
//! `make_callback` turns a page (1 KiB) into a callback that reports how
//! many of its bytes are non-zero. A long-lived registry keeps every
//! callback. This version is right, and leaks: the closure names `page`,
//! so it owns the whole page for as long as the registry keeps it.
//!
//! Task: the same answers, and at most **n × 8 bytes still live** (one
//! `usize` per callback) once 1 000 and 10 000 callbacks are registered.
//!
//! Check it: `heaplab exercise check 03-2`; a hint: `heaplab exercise hint 03-2`.

/// A callback kept by the registry.
pub type Callback = Box<dyn Fn() -> usize>;

/// A callback answering how many bytes of `page` are non-zero.
pub fn make_callback(page: Vec<u8>) -> Callback {
    Box::new(move || page.iter().filter(|b| **b != 0).count())
}
