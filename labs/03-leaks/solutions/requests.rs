//! Exercise 03-1 — reference solution: count the requests, keep none.
//!
//! Only the number of requests is ever read, so only the number is kept: a
//! counter in static memory, which never touches the heap.

use std::sync::atomic::{AtomicUsize, Ordering};

/// How many requests were handled.
static HANDLED: AtomicUsize = AtomicUsize::new(0);

/// Handles request `id`: returns the reply.
pub fn handle(id: u64) -> String {
    HANDLED.fetch_add(1, Ordering::Relaxed);
    format!("request {id} handled")
}

/// Requests handled since the program started.
pub fn handled() -> usize {
    HANDLED.load(Ordering::Relaxed)
}
