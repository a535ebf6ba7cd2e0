//! Exercise 04-2 — reference solution: `Option<Box<map>>`, one pointer.
//!
//! `None` is a null pointer, so an object without extras pays 8 bytes for
//! them and no allocation; the map exists only where a label does.

use lab04_slots_vs_dict::exercises::tagged::{Tagged as TaggedView, label};
use lab04_slots_vs_dict::{FixedMap, Point3};

/// A point with optional extra attributes.
pub struct Tagged {
    point: Point3,
    extras: Option<Box<FixedMap<String, String>>>,
}

impl TaggedView for Tagged {
    fn point(&self) -> Point3 {
        self.point
    }

    fn extra(&self, name: &str) -> Option<&str> {
        self.extras.as_ref()?.get(name).map(String::as_str)
    }
}

/// `n` objects, every tenth with a label.
pub fn make_tagged(n: usize) -> Vec<Tagged> {
    (0..n)
        .map(|i| Tagged {
            point: Point3::nth(i),
            extras: label(i).map(|text| {
                let mut map = FixedMap::default();
                map.insert("label".to_owned(), text);
                Box::new(map)
            }),
        })
        .collect()
}
