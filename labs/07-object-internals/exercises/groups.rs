//! Exercise 07-3 — groups of three: a tuple, not a list, per group.
//!
//! The notebook's exercise 3 compares a tuple with a list of the same
//! elements: a list carries a capacity and room to grow, a tuple is exactly
//! its elements. This starting store keeps each group `[i, i + 1, i + 2]`
//! in its own `Vec`, grown by pushing, like a list per group: one block per
//! group with room for four numbers, and a 24-byte handle each.
//!
//! Task: the same groups in **one allocation of n × 12 bytes** (each group
//! stored by value, like a tuple's elements), at n = 10 000 and 100 000.
//! The Python twin is `groups.py` beside this file.
//!
//! Check it: `heaplab exercise check 07-3`.

use lab07_object_internals::exercises::groups::GroupStore;

/// Groups of three numbers.
pub struct Groups {
    groups: Vec<Vec<i32>>,
}

impl GroupStore for Groups {
    fn build(n: usize) -> Self {
        let mut groups = Vec::new();
        for i in 0..n as i32 {
            let mut group = Vec::new();
            group.push(i);
            group.push(i + 1);
            group.push(i + 2);
            groups.push(group);
        }
        Groups { groups }
    }

    fn group(&self, index: usize) -> Option<&[i32]> {
        self.groups.get(index).map(Vec::as_slice)
    }

    fn len(&self) -> usize {
        self.groups.len()
    }
}
