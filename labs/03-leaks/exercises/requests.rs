//! Exercise 03-1 — a handler that leaks by appending every request to a
//! global list, and its fix (the tutorial notebook's exercise 5).
//!
//! `handle` answers a request and remembers it in a process-wide log, so
//! that `handled` can say how many requests came in. It works, and it
//! leaks: the log lives as long as the program and grows by one `String`
//! per request, though nobody ever reads the strings back.
//!
//! Task: the same answers, and **at most 1 KiB still live** after 1 000
//! requests and after 10 000 (every reply dropped): the same constant at
//! both sizes. Floor: 0 bytes.
//!
//! Check it: `heaplab exercise check 03-1`; a hint: `heaplab exercise hint 03-1`.

use std::sync::Mutex;

/// Every request ever handled.
static LOG: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Handles request `id`: returns the reply.
pub fn handle(id: u64) -> String {
    LOG.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(format!("request {id}"));
    format!("request {id} handled")
}

/// Requests handled since the program started.
pub fn handled() -> usize {
    LOG.lock().unwrap_or_else(|e| e.into_inner()).len()
}
