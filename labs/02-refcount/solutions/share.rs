//! Exercise 02-1 — reference solution: one `Rc` block, `k` clones.
//!
//! A clone of an `Rc` copies a pointer and adds one to the count; the value
//! and both counts live in one block, made once.

use std::rc::Rc;

/// `Rc::strong_count` of one value after each of `k` pushes of a clone.
pub fn counts(k: usize) -> Vec<usize> {
    let value = Rc::new([1_i64, 2, 3]);
    let mut owners = Vec::with_capacity(k);
    let mut seen = Vec::with_capacity(k);
    for _ in 0..k {
        owners.push(Rc::clone(&value));
        seen.push(Rc::strong_count(&value));
    }
    seen
}

/// `k` handles to one `[1, 2, 3]`.
pub fn share(k: usize) -> Vec<Rc<[i64]>> {
    let value: Rc<[i64]> = Rc::from([1, 2, 3]);
    (0..k).map(|_| Rc::clone(&value)).collect()
}
