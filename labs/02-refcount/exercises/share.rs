//! Exercise 02-1 — one value, k owners: share it, and watch the count grow.
//!
//! The tutorial's notebook (exercise 1) puts one object in a list again and
//! again and watches `sys.getrefcount` go up by one each time: a list slot
//! is a reference, not a copy. In Rust, sharing is what `Rc` does, and
//! `Rc::strong_count` is the count.
//!
//! Task, in two parts:
//!
//! 1. `counts(k)`: make one `Rc` value, push `k` clones of it into a `Vec`
//!    one by one, and return `Rc::strong_count` after each push.
//! 2. `share(k)`: return `k` handles to **one** `[1, 2, 3]`. The starting
//!    version below works, but copies the value for every owner. Budget,
//!    at k = 1 000 and 10 000: **2 allocations** (the value with its counts,
//!    and the `Vec` of handles) and **40 + 16 × k bytes** (one `Rc` block of
//!    two counts and three `i64`s, and one 16-byte handle per owner).
//!
//! Check it: `heaplab exercise check 02-1`; a hint: `heaplab exercise hint 02-1`.

use std::rc::Rc;

/// `Rc::strong_count` of one value after each of `k` pushes of a clone.
pub fn counts(k: usize) -> Vec<usize> {
    todo!("make one Rc, push {k} clones into a Vec, record the count after each push")
}

/// `k` handles to one `[1, 2, 3]`.
pub fn share(k: usize) -> Vec<Rc<[i64]>> {
    let mut handles = Vec::new();
    for _ in 0..k {
        let value: Rc<[i64]> = Rc::from(vec![1, 2, 3]);
        handles.push(value);
    }
    handles
}
