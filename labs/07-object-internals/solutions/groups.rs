//! Exercise 07-3 — reference solution: `[i32; 3]` by value.
//!
//! A group's length is fixed, so it needs neither its own block nor a
//! capacity: `Vec<[i32; 3]>` sized for `n` stores every group inline, one
//! allocation of `n × 12` bytes.

use lab07_object_internals::exercises::groups::GroupStore;

/// Groups of three numbers.
pub struct Groups {
    groups: Vec<[i32; 3]>,
}

impl GroupStore for Groups {
    fn build(n: usize) -> Self {
        Groups {
            groups: (0..n as i32).map(|i| [i, i + 1, i + 2]).collect(),
        }
    }

    fn group(&self, index: usize) -> Option<&[i32]> {
        self.groups.get(index).map(|g| &g[..])
    }

    fn len(&self) -> usize {
        self.groups.len()
    }
}
