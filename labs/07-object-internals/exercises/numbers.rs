//! Exercise 07-2 — store n numbers in n × 4 bytes and one allocation.
//!
//! CPython's `array.array('i')` keeps numbers as raw 4-byte C ints behind
//! one header; a list keeps a pointer per number to an int object each.
//! This starting store is in between: every number widened to 8 bytes, in
//! a `Vec` grown one push at a time (a new block at each doubling, spare
//! room at the end).
//!
//! Task: the same behaviour in **one allocation of n × 4 bytes**, at
//! n = 10 000 and 100 000 (the bytes allocated in total, growth included).
//!
//! Check it: `heaplab exercise check 07-2`.

use lab07_object_internals::exercises::numbers::Store;

/// Numbers, in order.
pub struct Numbers {
    values: Vec<i64>,
}

impl Store for Numbers {
    fn from_values(values: &[i32]) -> Self {
        let mut stored = Vec::new();
        for &v in values {
            stored.push(i64::from(v));
        }
        Numbers { values: stored }
    }

    fn get(&self, index: usize) -> Option<i32> {
        self.values.get(index).map(|&v| v as i32)
    }

    fn len(&self) -> usize {
        self.values.len()
    }
}
