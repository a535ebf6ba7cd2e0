//! Exercise 04-1 — reference solution: a struct is Rust's `__slots__`.
//!
//! Five `f64` fields at fixed offsets: 40 bytes per object, no per-object
//! table, and the `Vec` is allocated once because a range knows its length.

use lab04_slots_vs_dict::exercises::readings::Fields;

/// One object with five attributes at fixed offsets.
pub struct Reading {
    a: f64,
    b: f64,
    c: f64,
    d: f64,
    e: f64,
}

impl Fields for Reading {
    fn fields(&self) -> [f64; 5] {
        [self.a, self.b, self.c, self.d, self.e]
    }
}

/// `n` readings; reading `i` holds i, 2i, 3i, 4i, 5i.
pub fn make_readings(n: usize) -> Vec<Reading> {
    (0..n)
        .map(|i| {
            let x = i as f64;
            Reading {
                a: x,
                b: 2.0 * x,
                c: 3.0 * x,
                d: 4.0 * x,
                e: 5.0 * x,
            }
        })
        .collect()
}
