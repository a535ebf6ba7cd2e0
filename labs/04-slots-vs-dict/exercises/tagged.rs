//! Exercise 04-2 — extras only where used: a hybrid object.
//!
//! The tutorial's hybrid class lists `'__dict__'` in `__slots__`: fixed
//! attributes at fixed offsets, and a dictionary for the occasional extra
//! one. This starting version gives every object its own (empty) map. An
//! empty map allocates nothing, but it still takes 32 bytes inside every
//! object, used or not.
//!
//! Task: `make_tagged(n)` returns `n` objects; object `i` has the point
//! `Point3::nth(i)`, and every tenth object (`i % EXTRA_EVERY == 0`) also
//! has the extra attribute `label = "p<i>"`. Budget, at n = 1 000 and
//! 10 000: **at most one pointer of extras per object** —
//! `n × (size_of::<Point3>() + size_of::<usize>())` bytes for the objects,
//! plus at most 320 bytes and 5 allocations per labelled object.
//!
//! Check it: `heaplab exercise check 04-2`.

use lab04_slots_vs_dict::exercises::tagged::{Tagged as TaggedView, label};
use lab04_slots_vs_dict::{FixedMap, Point3};

/// A point with optional extra attributes.
pub struct Tagged {
    point: Point3,
    extras: FixedMap<String, String>,
}

impl TaggedView for Tagged {
    fn point(&self) -> Point3 {
        self.point
    }

    fn extra(&self, name: &str) -> Option<&str> {
        self.extras.get(name).map(String::as_str)
    }
}

/// `n` objects, every tenth with a label.
pub fn make_tagged(n: usize) -> Vec<Tagged> {
    (0..n)
        .map(|i| {
            let mut extras = FixedMap::default();
            if let Some(text) = label(i) {
                extras.insert("label".to_owned(), text);
            }
            Tagged {
                point: Point3::nth(i),
                extras,
            }
        })
        .collect()
}
