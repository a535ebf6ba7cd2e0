//! Exercise 04-1 — five attributes, n objects, one allocation.
//!
//! The tutorial's notebook asks for a class with five attributes, measured
//! with and without `__slots__`. Without it, every instance carries a
//! `__dict__`: a table from attribute names to values. This starting
//! version does the same in Rust: each reading is a map. It works, and it
//! is far over budget.
//!
//! Task: make `make_readings(n)` return `n` readings, reading `i` holding
//! `a = i, b = 2i, c = 3i, d = 4i, e = 5i` (as `f64`), in **one
//! allocation of `n × 40` bytes** (five `f64`s per object, nothing else),
//! at n = 1 000 and n = 10 000.
//!
//! Check it: `heaplab exercise check 04-1`; a hint: `heaplab exercise hint 04-1`.

use std::collections::HashMap;

use lab04_slots_vs_dict::exercises::readings::Fields;

/// One object with five attributes, stored like `__dict__`: name → value.
pub struct Reading {
    attrs: HashMap<&'static str, f64>,
}

impl Fields for Reading {
    fn fields(&self) -> [f64; 5] {
        ["a", "b", "c", "d", "e"].map(|name| self.attrs[name])
    }
}

/// `n` readings; reading `i` holds i, 2i, 3i, 4i, 5i.
pub fn make_readings(n: usize) -> Vec<Reading> {
    let mut readings = Vec::new();
    for i in 0..n {
        let x = i as f64;
        let mut attrs = HashMap::new();
        for (k, name) in ["a", "b", "c", "d", "e"].into_iter().enumerate() {
            attrs.insert(name, x * (k + 1) as f64);
        }
        readings.push(Reading { attrs });
    }
    readings
}
