//! Exercise 07-2 — reference solution: a `Box<[i32]>`.
//!
//! The count is known up front, so one block of exactly `len` `i32`s holds
//! them: no growth steps, no spare room, no widening. A boxed slice also
//! drops the `Vec`'s capacity word from the handle.

use lab07_object_internals::exercises::numbers::Store;

/// Numbers, in order.
pub struct Numbers {
    values: Box<[i32]>,
}

impl Store for Numbers {
    fn from_values(values: &[i32]) -> Self {
        Numbers {
            values: values.into(),
        }
    }

    fn get(&self, index: usize) -> Option<i32> {
        self.values.get(index).copied()
    }

    fn len(&self) -> usize {
        self.values.len()
    }
}
