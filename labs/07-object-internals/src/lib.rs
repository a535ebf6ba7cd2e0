//! Lab 07 — object internals: headers, empty containers, growth steps and
//! compact storage.
//!
//! Every CPython object starts with a header (a reference count and a type
//! pointer, 16 bytes on a 64-bit build), containers cost memory even when
//! empty, lists over-allocate as they grow, dicts resize at fill points, and
//! `array.array` packs numbers far tighter than a list of int objects. Rust
//! puts no header on a value: `size_of::<i64>()` is 8, a struct is its
//! fields plus padding, and only what is behind a pointer lives on the heap.
//! This lab computes a sizes table ([`facts`]) and measures three workloads:
//!
//! | workload | strategies | what it shows |
//! | --- | --- | --- |
//! | `grow` | `vec-push`, `vec-reserved`, `hashmap-insert` | `Vec`'s doubling steps and `HashMap`'s resizes against a list's and a dict's |
//! | `store` | `vec-i32`, `vec-box-i32`, `vec-rc-i64` | `n` numbers packed against `n` numbers as objects |
//! | `small` | `array`, `box-slice`, `vec`, `smallvec` | `n` groups of three numbers: inline, exact, spare capacity, inline small storage |
//!
//! See `README.md` beside this crate for the claims and the measured numbers.

use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::mem::{size_of, size_of_val};
use std::rc::Rc;

use heaplab_core::{Case, Fact, FactCurve, FactPanel, FactPlot, FixedMap, Lab};
use smallvec::SmallVec;

pub use smallvec;

pub mod claims;
pub mod exercises;

/// Elements per workload: a thousand, ten thousand and a hundred thousand,
/// a decade apart, so a growth step that happens once per doubling shows as
/// a few more allocations per decade, and a cost per element as the same
/// figure per op at every size.
pub const SIZES: &[usize] = &[1_000, 10_000, 100_000];

/// Elements in one group of the `small` workload: the tutorial's
/// `[1, 2, 3]` and `(1, 2, 3)`.
pub const GROUP: usize = 3;

/// Inline capacity of the `smallvec` groups: the smallest power of two that
/// holds a [`GROUP`].
pub const INLINE: usize = 4;

/// The lengths the tutorial prints a list's size at (example 19), for the
/// growth facts of both sides.
pub const GROWTH_LENGTHS: &[usize] = &[0, 1, 5, 10, 50, 100];

/// How far the growth facts push: the tutorial's list of a thousand ints.
pub const GROWTH_UP_TO: usize = 1_000;

/// A group of [`GROUP`] numbers with inline room for [`INLINE`].
pub type SmallGroup = SmallVec<[i32; INLINE]>;

/// A point of two floats: the tutorial's small class instance, as a struct.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Horizontal coordinate.
    pub x: f64,
    /// Vertical coordinate.
    pub y: f64,
}

/// A byte, a `u64` and a byte in declaration order (`repr(C)`): the
/// padding a C compiler must add, 7 bytes after each byte.
#[repr(C)]
pub struct InOrder {
    /// A flag.
    pub flag: u8,
    /// A count.
    pub count: u64,
    /// A tag.
    pub tag: u8,
}

/// The same fields with Rust's default layout: the compiler reorders
/// them, so the two bytes share one padded word.
pub struct Reordered {
    /// A flag.
    pub flag: u8,
    /// A count.
    pub count: u64,
    /// A tag.
    pub tag: u8,
}

/// The capacities a `Vec<T>` passes through while `n` values are pushed
/// into an empty one: `(length that triggered it, new capacity)`, one
/// entry per allocation or reallocation.
///
/// ```
/// let steps = lab07_object_internals::vec_growth::<i64>(20);
/// assert_eq!(steps, [(1, 4), (5, 8), (9, 16), (17, 32)]);
/// ```
pub fn vec_growth<T: Default>(n: usize) -> Vec<(usize, usize)> {
    let mut v: Vec<T> = Vec::new();
    let mut steps = Vec::new();
    for len in 1..=n {
        let before = v.capacity();
        v.push(T::default());
        if v.capacity() != before {
            steps.push((len, v.capacity()));
        }
    }
    steps
}

/// The capacities a `HashMap<i64, i64>` passes through while keys `0..n`
/// are inserted: `(length that triggered it, new capacity)`, one entry per
/// allocation or resize.
///
/// ```
/// let steps = lab07_object_internals::map_growth(20);
/// assert_eq!(steps, [(1, 3), (4, 7), (8, 14), (15, 28)]);
/// ```
pub fn map_growth(n: usize) -> Vec<(usize, usize)> {
    let mut map: FixedMap<i64, i64> = FixedMap::default();
    let mut steps = Vec::new();
    for key in 0..n {
        let before = map.capacity();
        map.insert(key as i64, key as i64);
        if map.capacity() != before {
            steps.push((key + 1, map.capacity()));
        }
    }
    steps
}

/// The heap bytes of a `HashMap<i64, i64>` table of `capacity` (as
/// [`map_growth`] reports it): hashbrown's buckets — 4 for a capacity of 3,
/// 8 for 7, then the power of two whose 7/8 is the capacity — each with a
/// 16-byte entry and a control byte, and a trailing group of 16 control
/// bytes. `tests/heap_exact.rs` checks it against dhat at every resize.
///
/// ```
/// assert_eq!(lab07_object_internals::map_bytes(3), 4 * 17 + 16);
/// assert_eq!(lab07_object_internals::map_bytes(14), 16 * 17 + 16);
/// ```
pub fn map_bytes(capacity: usize) -> usize {
    let buckets = if capacity < 8 {
        capacity + 1
    } else {
        capacity / 7 * 8
    };
    buckets * (size_of::<(i64, i64)>() + 1) + 16
}

/// `grow/vec-push`: `n` values pushed into an empty `Vec`, one
/// reallocation per doubling.
pub fn push_all(n: usize) -> Vec<i64> {
    let mut v = Vec::new();
    for i in 0..n as i64 {
        v.push(black_box(i));
    }
    v
}

/// `grow/vec-reserved`: the same `n` values into a `Vec` sized up front.
pub fn push_reserved(n: usize) -> Vec<i64> {
    let mut v = Vec::with_capacity(n);
    for i in 0..n as i64 {
        v.push(black_box(i));
    }
    v
}

/// `grow/hashmap-insert`: keys `0..n` inserted into an empty map, one
/// allocation per resize.
pub fn insert_all(n: usize) -> FixedMap<i64, i64> {
    let mut map = FixedMap::default();
    for i in 0..n as i64 {
        map.insert(black_box(i), i);
    }
    map
}

/// `store/vec-i32`: `n` numbers in one block of `4 n` bytes, the analogue of
/// `array.array('i')`.
pub fn store_packed(n: usize) -> Vec<i32> {
    (0..n as i32).collect()
}

/// `store/vec-box-i32`: `n` numbers each in its own block, the analogue of
/// a list of int objects (without the header).
pub fn store_boxed(n: usize) -> Vec<Box<i32>> {
    (0..n as i32).map(Box::new).collect()
}

/// `store/vec-rc-i64`: `n` reference-counted numbers — a count, a weak
/// count and the value per block: the closest a Rust value comes to a
/// CPython int object.
pub fn store_counted(n: usize) -> Vec<Rc<i64>> {
    (0..n as i64).map(Rc::new).collect()
}

/// The three numbers of group `i`.
fn group(i: usize) -> [i32; GROUP] {
    let i = i as i32;
    [i, i + 1, i + 2]
}

/// `small/array`: `n` groups inline in one block, the analogue of a tuple
/// stored by value.
pub fn groups_inline(n: usize) -> Vec<[i32; GROUP]> {
    (0..n).map(group).collect()
}

/// `small/box-slice`: `n` groups each in an exact block, the analogue of a
/// tuple object (fixed size, no spare room).
pub fn groups_boxed(n: usize) -> Vec<Box<[i32]>> {
    (0..n).map(|i| Box::from(group(i))).collect()
}

/// `small/vec`: `n` groups each grown by pushes, the analogue of a list
/// object (a length, a capacity and spare room).
pub fn groups_pushed(n: usize) -> Vec<Vec<i32>> {
    (0..n)
        .map(|i| {
            let mut v = Vec::new();
            for x in group(i) {
                v.push(x);
            }
            v
        })
        .collect()
}

/// `small/smallvec`: `n` groups in [`SmallGroup`]s, inline: no block per
/// group.
pub fn groups_small(n: usize) -> Vec<SmallGroup> {
    (0..n).map(|i| SmallGroup::from_slice(&group(i))).collect()
}

fn grow_cases() -> [Case; 3] {
    [
        Case::new("grow", "vec-push", SIZES, |n| n, push_all)
            .with_python("list-append")
            .about("n pushes into an empty Vec<i64>: one reallocation per doubling"),
        Case::new("grow", "vec-reserved", SIZES, |n| n, push_reserved)
            .with_python("list-preallocated")
            .about("Vec::with_capacity(n), then n pushes: one allocation"),
        Case::new("grow", "hashmap-insert", SIZES, |n| n, insert_all)
            .with_python("dict-insert")
            .about("n inserts into an empty HashMap<i64, i64>: one allocation per resize"),
    ]
}

fn store_cases() -> [Case; 3] {
    [
        Case::new("store", "vec-i32", SIZES, |n| n, store_packed)
            .with_python("array-i")
            .about("n i32 in one block: 4 bytes each"),
        Case::new("store", "vec-box-i32", SIZES, |n| n, store_boxed)
            .with_python("list-int")
            .about("n i32 in a Box each: a pointer and a block per number"),
        Case::new("store", "vec-rc-i64", SIZES, |n| n, store_counted)
            .about("n Rc<i64>: a pointer and a counted block per number, like int objects"),
    ]
}

fn small_cases() -> [Case; 4] {
    [
        Case::new("small", "array", SIZES, |n| n, groups_inline)
            .about("n [i32; 3] inline in one Vec: one allocation"),
        Case::new("small", "box-slice", SIZES, |n| n, groups_boxed)
            .with_python("tuple")
            .about("n Box<[i32]> of 3: one exact block per group, like a tuple"),
        Case::new("small", "vec", SIZES, |n| n, groups_pushed)
            .with_python("list")
            .about("n Vec<i32> grown by 3 pushes: a block of capacity 4 per group, like a list"),
        Case::new("small", "smallvec", SIZES, |n| n, groups_small)
            .about("n SmallVec<[i32; 4]>: the groups inline, one allocation"),
    ]
}

/// Heap bytes a `String` holding `text` owns (its capacity when built from
/// the text).
fn string_heap(text: &str) -> usize {
    String::from(text).capacity()
}

/// The Rust side's sizes table and growth facts, computed here.
pub fn facts() -> Vec<Fact> {
    let ascii = "a".repeat(10);
    let emoji = "\u{1F600}".repeat(10);
    let mut facts = vec![
        // Scalars: no header, no heap.
        Fact::new("size_of::<i64>()", size_of::<i64>(), "bytes"),
        Fact::new("size_of::<f64>()", size_of::<f64>(), "bytes"),
        Fact::new("size_of::<bool>()", size_of::<bool>(), "bytes"),
        Fact::new("size_of::<()>()", size_of::<()>(), "bytes"),
        Fact::new(
            "size_of::<Option<i64>>()",
            size_of::<Option<i64>>(),
            "bytes",
        ),
        Fact::new(
            "size_of::<Option<Box<i64>>>() (niche: None is the null pointer)",
            size_of::<Option<Box<i64>>>(),
            "bytes",
        ),
        Fact::new("size_of::<Box<i64>>()", size_of::<Box<i64>>(), "bytes"),
        Fact::new("heap bytes of Box::new(1_i64)", size_of::<i64>(), "bytes"),
        Fact::new("size_of::<Rc<i64>>()", size_of::<Rc<i64>>(), "bytes"),
        Fact::new(
            "heap bytes of Rc::new(1_i64) (two counts + the value)",
            2 * size_of::<usize>() + size_of::<i64>(),
            "bytes",
        ),
        // Text.
        Fact::new("size_of::<String>()", size_of::<String>(), "bytes"),
        Fact::new("size_of::<Box<str>>()", size_of::<Box<str>>(), "bytes"),
        Fact::new("heap bytes of String::new()", string_heap(""), "bytes"),
        Fact::new(
            "heap bytes of an ASCII String of 10 chars",
            string_heap(&ascii),
            "bytes",
        ),
        Fact::new(
            "heap bytes of a String of 10 emoji (UTF-8, 4 bytes each)",
            string_heap(&emoji),
            "bytes",
        ),
        Fact::new(
            "heap bytes of a Box<[u8]> of 10 bytes",
            size_of_val(&*Box::<[u8]>::from(ascii.as_bytes())),
            "bytes",
        ),
        // Containers.
        Fact::new("size_of::<Vec<i64>>()", size_of::<Vec<i64>>(), "bytes"),
        Fact::new("size_of::<Box<[i64]>>()", size_of::<Box<[i64]>>(), "bytes"),
        Fact::new(
            "heap bytes of Vec::<i64>::new()",
            Vec::<i64>::new().capacity() * size_of::<i64>(),
            "bytes",
        ),
        Fact::new(
            "heap bytes of vec![1_i64]",
            vec![1_i64].capacity() * size_of::<i64>(),
            "bytes",
        ),
        Fact::new(
            "heap bytes of a Vec<i64> after one push",
            vec_growth::<i64>(1)[0].1 * size_of::<i64>(),
            "bytes",
        ),
        Fact::new(
            "size_of::<(i64, i64, i64)>()",
            size_of::<(i64, i64, i64)>(),
            "bytes",
        ),
        Fact::new(
            "size_of::<HashMap<i64, i64>>() (RandomState)",
            size_of::<HashMap<i64, i64>>(),
            "bytes",
        ),
        Fact::new(
            "size_of::<FixedMap<i64, i64>>()",
            size_of::<FixedMap<i64, i64>>(),
            "bytes",
        ),
        Fact::new(
            "size_of::<HashSet<i64>>() (RandomState)",
            size_of::<HashSet<i64>>(),
            "bytes",
        ),
        Fact::new(
            "capacity of HashMap::new() (no allocation)",
            HashMap::<i64, i64>::new().capacity(),
            "count",
        ),
        Fact::new(
            "size_of::<SmallVec<[i32; 4]>>()",
            size_of::<SmallGroup>(),
            "bytes",
        ),
        // Structs.
        Fact::new("size_of::<Point>() (two f64)", size_of::<Point>(), "bytes"),
        Fact::new(
            "size_of::<InOrder>() (repr(C): u8, u64, u8)",
            size_of::<InOrder>(),
            "bytes",
        ),
        Fact::new(
            "size_of::<Reordered>() (default layout: u8, u64, u8)",
            size_of::<Reordered>(),
            "bytes",
        ),
        Fact::new("object header bytes of a Rust value", 0, "bytes"),
    ];
    for &len in GROWTH_LENGTHS {
        let v: Vec<i64> = (0..len as i64).collect();
        facts.push(Fact::new(
            format!("heap bytes of (0..{len}).collect::<Vec<i64>>()"),
            v.capacity() * size_of::<i64>(),
            "bytes",
        ));
    }
    facts.push(Fact::new(
        format!("Vec<i64> allocations pushing {GROWTH_UP_TO} from empty"),
        vec_growth::<i64>(GROWTH_UP_TO).len(),
        "count",
    ));
    facts.push(Fact::new(
        format!("HashMap<i64, i64> allocations inserting {GROWTH_UP_TO} from empty"),
        map_growth(GROWTH_UP_TO).len(),
        "count",
    ));
    for (len, cap) in vec_growth::<i64>(GROWTH_UP_TO) {
        facts.push(Fact::new(
            format!("Vec<i64> heap bytes after push #{len}"),
            cap * size_of::<i64>(),
            "bytes",
        ));
    }
    for (len, cap) in map_growth(GROWTH_UP_TO) {
        facts.push(Fact::new(
            format!("HashMap<i64, i64> capacity after insert #{len}"),
            cap,
            "count",
        ));
        facts.push(Fact::new(
            format!("HashMap<i64, i64> heap bytes after insert #{len}"),
            map_bytes(cap),
            "bytes",
        ));
    }
    facts
}

/// The growth plot: a container's bytes after each growth step, Rust's
/// heap bytes beside CPython's `sys.getsizeof`, lists and `Vec` on the
/// left, dicts and `HashMap` on the right.
fn growth_plot() -> FactPlot {
    let curve = |label, python, prefix| FactCurve {
        label,
        python,
        prefix,
    };
    FactPlot {
        name: "growth",
        x_label: "length",
        panels: vec![
            FactPanel {
                title: "Vec<i64> against list: bytes after each growth step",
                y_label: "bytes",
                curves: vec![
                    curve("Vec<i64> heap", false, "Vec<i64> heap bytes after push #"),
                    curve("CPython list", true, "sys.getsizeof(list) after append #"),
                ],
            },
            FactPanel {
                title: "HashMap<i64, i64> against dict: bytes after each resize",
                y_label: "bytes",
                curves: vec![
                    curve(
                        "HashMap heap",
                        false,
                        "HashMap<i64, i64> heap bytes after insert #",
                    ),
                    curve("CPython dict", true, "sys.getsizeof(dict) after insert #"),
                ],
            },
        ],
    }
}

/// The lab, for the harness's registry.
pub fn lab() -> Lab {
    let lab = Lab::new(
        "07-object-internals",
        "Object internals: headers, empty containers, growth and compact storage",
        "Object Internals (examples 18-19; notebook part 9 and exercise 3)",
    )
    .claims(claims::claims())
    .facts(facts)
    .constant("GROUP", GROUP)
    .fact_plot(growth_plot())
    .keeps("grow")
    .keeps("store")
    .keeps("small")
    .cases(grow_cases())
    .cases(store_cases())
    .cases(small_cases());
    exercises::list().into_iter().fold(lab, Lab::exercise)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_strategy_stores_the_same_numbers() {
        for n in [0, 1, 7, 1_000] {
            let want: Vec<i64> = (0..n as i64).collect();
            assert_eq!(push_all(n), want);
            assert_eq!(push_reserved(n), want);
            let map = insert_all(n);
            assert_eq!(map.len(), n);
            assert!(want.iter().all(|k| map[k] == *k));
            let packed = store_packed(n);
            assert_eq!(
                store_boxed(n).iter().map(|b| **b).collect::<Vec<_>>(),
                packed
            );
            assert_eq!(
                store_counted(n).iter().map(|r| **r).collect::<Vec<_>>(),
                want
            );
            let inline = groups_inline(n);
            let boxed = groups_boxed(n);
            let pushed = groups_pushed(n);
            let small = groups_small(n);
            for i in 0..n {
                assert_eq!(&*boxed[i], &inline[i][..]);
                assert_eq!(pushed[i], inline[i]);
                assert_eq!(&small[i][..], &inline[i][..]);
                assert!(!small[i].spilled(), "three numbers stay inline");
            }
        }
    }

    #[test]
    fn vec_doubles_from_four() {
        let steps = vec_growth::<i64>(GROWTH_UP_TO);
        let caps: Vec<usize> = steps.iter().map(|s| s.1).collect();
        assert_eq!(caps, [4, 8, 16, 32, 64, 128, 256, 512, 1024]);
        assert!(
            steps
                .iter()
                .all(|&(len, _)| len == 1 || (len - 1).is_power_of_two())
        );
    }

    #[test]
    fn hashmap_resizes_at_seven_eighths() {
        let steps = map_growth(GROWTH_UP_TO);
        // Capacity is 7/8 of a power-of-two bucket count from 8 buckets on.
        for &(_, cap) in &steps[2..] {
            assert_eq!(cap % 7, 0, "capacity {cap}");
            assert!((cap / 7 * 8).is_power_of_two());
        }
        // A resize happens on the insert that finds the map full.
        for pair in steps.windows(2) {
            assert_eq!(pair[1].0, pair[0].1 + 1);
        }
    }

    #[test]
    fn layouts() {
        assert_eq!(size_of::<Option<Box<i64>>>(), size_of::<Box<i64>>());
        assert_eq!(size_of::<Option<i64>>(), 16);
        assert_eq!(size_of::<InOrder>(), 24);
        assert_eq!(size_of::<Reordered>(), 16);
        assert_eq!(size_of::<Point>(), 16);
        assert_eq!(
            size_of::<Box<[i64]>>() + size_of::<usize>(),
            size_of::<Vec<i64>>()
        );
    }

    #[test]
    fn facts_are_named_once() {
        let facts = facts();
        let mut names: Vec<&str> = facts.iter().map(|f| f.name.as_str()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before);
    }
}
