//! Lab 04 — `__slots__` vs `__dict__`: fixed layouts against per-object maps.
//!
//! A CPython class without `__slots__` gives every instance its own
//! attribute dictionary; with `__slots__` the attributes sit at fixed
//! offsets. The Rust analogues: a struct (`Point3`, the "slots" object), a
//! `HashMap<String, Value>` per object (the "`__dict__`" object), a hybrid
//! (struct plus an optional boxed map for the occasional extra attribute,
//! the tutorial's `__slots__ = [..., '__dict__']`), and, beyond the
//! tutorial, a column layout (three `Vec<i64>`).
//!
//! See `README.md` beside this crate for the claims and the measured numbers.

use std::hint::black_box;
use std::mem::size_of;

pub use heaplab_core::FixedMap;
use heaplab_core::{Case, Fact, Lab};

pub mod claims;
pub mod exercises;

/// Object counts. 1 000 fits in L1/L2 cache for every layout; 10 000 and
/// 100 000 cross into L2/L3 for the map layout; 1 000 000 is the tutorial's
/// own count in its slots benchmark (example 12), where memory dominates.
pub const SIZES: &[usize] = &[1_000, 10_000, 100_000, 1_000_000];

/// In the hybrid layout, one object in `EXTRA_EVERY` carries an extra
/// attribute in its optional map: dynamic attributes used sparingly, which
/// is the case the hybrid exists for.
pub const EXTRA_EVERY: usize = 10;

/// The "slots" object: three integer fields at fixed offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point3 {
    /// First coordinate.
    pub x: i64,
    /// Second coordinate.
    pub y: i64,
    /// Third coordinate.
    pub z: i64,
}

impl Point3 {
    /// The `i`-th point of a workload: distinct, cheap, and not constant-foldable.
    pub fn nth(i: usize) -> Self {
        let i = i as i64;
        Point3 {
            x: i,
            y: i + 1,
            z: i + 2,
        }
    }
}

/// A dynamically typed attribute value, like a Python object reference.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An integer attribute.
    Int(i64),
    /// A text attribute.
    Text(String),
}

impl Value {
    /// The integer inside, or 0 for text.
    fn as_int(&self) -> i64 {
        match self {
            Value::Int(v) => *v,
            Value::Text(_) => 0,
        }
    }
}

/// The "`__dict__`" object: every attribute a `String` key in its own map.
pub type DictObject = FixedMap<String, Value>;

/// Builds the map for point `i`, the way `self.x = ...` fills `__dict__`.
fn dict_object(i: usize) -> DictObject {
    let p = Point3::nth(i);
    let mut map = DictObject::default();
    map.insert("x".to_owned(), Value::Int(p.x));
    map.insert("y".to_owned(), Value::Int(p.y));
    map.insert("z".to_owned(), Value::Int(p.z));
    map
}

/// The hybrid object: fixed fields plus a map that exists only when used.
#[derive(Debug, Clone, PartialEq)]
pub struct HybridPoint {
    /// The fixed ("slots") part.
    pub point: Point3,
    /// Extra attributes; `None` costs no allocation.
    pub extras: Option<Box<DictObject>>,
}

fn hybrid_object(i: usize) -> HybridPoint {
    let extras = (i.is_multiple_of(EXTRA_EVERY)).then(|| {
        let mut map = DictObject::default();
        map.insert("label".to_owned(), Value::Text(format!("p{i}")));
        Box::new(map)
    });
    HybridPoint {
        point: Point3::nth(i),
        extras,
    }
}

/// The column layout: one vector per field, no per-object header at all.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Columns {
    /// Every object's `x`.
    pub xs: Vec<i64>,
    /// Every object's `y`.
    pub ys: Vec<i64>,
    /// Every object's `z`.
    pub zs: Vec<i64>,
}

fn columns(n: usize) -> Columns {
    let points = || (0..n).map(Point3::nth);
    Columns {
        xs: points().map(|p| p.x).collect(),
        ys: points().map(|p| p.y).collect(),
        zs: points().map(|p| p.z).collect(),
    }
}

fn structs(n: usize) -> Vec<Point3> {
    (0..n).map(Point3::nth).collect()
}

fn dicts(n: usize) -> Vec<DictObject> {
    (0..n).map(dict_object).collect()
}

fn hybrids(n: usize) -> Vec<HybridPoint> {
    (0..n).map(hybrid_object).collect()
}

/// Sum of every field of every object: the "read" workload's result.
fn read_structs(points: Vec<Point3>) -> (i64, Vec<Point3>) {
    let sum = points.iter().map(|p| black_box(p).x + p.y + p.z).sum();
    (sum, points)
}

fn read_dicts(objects: Vec<DictObject>) -> (i64, Vec<DictObject>) {
    let sum = objects
        .iter()
        .map(|o| black_box(o)["x"].as_int() + o["y"].as_int() + o["z"].as_int())
        .sum();
    (sum, objects)
}

fn read_hybrids(objects: Vec<HybridPoint>) -> (i64, Vec<HybridPoint>) {
    let sum = objects
        .iter()
        .map(|o| black_box(o).point.x + o.point.y + o.point.z)
        .sum();
    (sum, objects)
}

fn read_columns(cols: Columns) -> (i64, Columns) {
    let sum = (0..cols.xs.len())
        .map(|i| black_box(&cols).xs[i] + cols.ys[i] + cols.zs[i])
        .sum();
    (sum, cols)
}

fn facts() -> Vec<Fact> {
    vec![
        Fact::new("size_of::<Point3>()", size_of::<Point3>(), "bytes"),
        Fact::new(
            "size_of::<DictObject>() (map header, excl. table)",
            size_of::<DictObject>(),
            "bytes",
        ),
        Fact::new("size_of::<Value>()", size_of::<Value>(), "bytes"),
        Fact::new(
            "size_of::<(String, Value)>() (one map entry)",
            size_of::<(String, Value)>(),
            "bytes",
        ),
        Fact::new(
            "size_of::<HybridPoint>()",
            size_of::<HybridPoint>(),
            "bytes",
        ),
        Fact::new(
            "EXTRA_EVERY (hybrid objects per extra map)",
            EXTRA_EVERY,
            "count",
        ),
    ]
}

/// The lab, for the harness's registry.
pub fn lab() -> Lab {
    let lab = Lab::new(
        "04-slots-vs-dict",
        "__slots__ vs __dict__",
        "__slots__ Optimization (examples 10–12)",
    )
    .claims(claims::claims())
    .facts(facts)
    .constant("EXTRA_EVERY", EXTRA_EVERY)
    .keeps("create")
    .cases([
        Case::new("create", "struct", SIZES, |n| n, structs)
            .with_python("slots")
            .about("Vec<Point3>: one allocation of n * 24 bytes"),
        Case::new("create", "dict", SIZES, |n| n, dicts)
            .with_python("dict")
            .with_python("plain-dict")
            .about("Vec<HashMap<String, Value>>: a table and three key strings per object"),
        Case::new("create", "hybrid", SIZES, |n| n, hybrids)
            .with_python("hybrid")
            .about("Vec<HybridPoint>: fixed fields, an extras map on one object in 10"),
        Case::new("create", "columns", SIZES, |n| n, columns)
            .with_python("columns")
            .about("three Vec<i64>: three allocations in all"),
    ])
    .cases([
        Case::new("read", "struct", SIZES, structs, read_structs)
            .with_python("slots")
            .about("sum x + y + z over n structs"),
        Case::new("read", "dict", SIZES, dicts, read_dicts)
            .with_python("dict")
            .with_python("plain-dict")
            .about("sum x + y + z over n maps: three hashed lookups per object"),
        Case::new("read", "hybrid", SIZES, hybrids, read_hybrids)
            .with_python("hybrid")
            .about("sum x + y + z over n hybrids: fixed fields only"),
        Case::new("read", "columns", SIZES, columns, read_columns)
            .with_python("columns")
            .about("sum x + y + z across three columns"),
    ]);
    exercises::list().into_iter().fold(lab, Lab::exercise)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference sum of x + y + z for the first `n` points.
    fn expected(n: usize) -> i64 {
        (0..n).map(Point3::nth).map(|p| p.x + p.y + p.z).sum()
    }

    #[test]
    fn every_layout_reads_the_same_sum() {
        let n = 100;
        assert_eq!(read_structs(structs(n)).0, expected(n));
        assert_eq!(read_dicts(dicts(n)).0, expected(n));
        assert_eq!(read_hybrids(hybrids(n)).0, expected(n));
        assert_eq!(read_columns(columns(n)).0, expected(n));
    }

    #[test]
    fn hybrid_allocates_extras_only_for_one_in_extra_every() {
        let n = 10 * EXTRA_EVERY;
        let with_extras = hybrids(n).iter().filter(|h| h.extras.is_some()).count();
        assert_eq!(with_extras, n / EXTRA_EVERY);
    }
}
