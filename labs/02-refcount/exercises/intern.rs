//! Exercise 02-2 — intern repeated words: one allocation per distinct word.
//!
//! CPython interns short strings: equal names share one object, so a
//! program that sees the same word a thousand times keeps it once. This
//! starting version works, but makes a new `Rc<str>` for every word, even
//! the ones it has seen before.
//!
//! Task: `intern(words)` returns one `Rc<str>` per input word, in order,
//! equal words sharing **one** value (`Rc::ptr_eq`). Budget, for n words of
//! which d = n / 100 are distinct (n = 1 000 and 10 000): **d + 1
//! allocations, plus one per doubling of your lookup table**, and at most
//! n × 16 bytes of handles + one `Rc` block per distinct word + 4 × the
//! final table's buckets × 17 bytes.
//!
//! Check it: `heaplab exercise check 02-2`.

use std::rc::Rc;

/// One handle per word; equal words should share one value.
pub fn intern(words: &[String]) -> Vec<Rc<str>> {
    words.iter().map(|w| Rc::from(w.as_str())).collect()
}
