//! The tutorial's claims this lab measures, with the rules that judge them.

use heaplab_core::claim::{At, Claim, Figures, Judgement, Missing, num};

/// The largest size CPython's bytes per element are read at (they are the
/// same per element at every size).
const PYTHON_AT: u64 = 100_000;

/// The header the tutorial names: a reference count and a type pointer,
/// two 8-byte words on a 64-bit build.
const HEADER_BYTES: f64 = 16.0;

/// "Far more compactly": a list must cost at least this many times an
/// array's bytes per number.
const FAR_MORE: f64 = 4.0;

/// Below this ratio a list is not "more compact" in any useful sense.
const BARELY: f64 = 1.5;

/// Elements pushed in the growth facts (`GROWTH_UP_TO` of the lab).
const GROWTH_N: f64 = crate::GROWTH_UP_TO as f64;

/// Claims 20 to 24 of the ledger.
pub fn claims() -> [Claim; 5] {
    [
        Claim::new(
            20,
            "tuple-smaller",
            "A tuple is smaller than a list with the same elements.",
            "Memory Management, Object Internals, example 18; notebook exercise 3",
        )
        .python_fact("tuple, getsizeof", "sys.getsizeof((1, 2, 3))")
        .python_fact("list, getsizeof", "sys.getsizeof([1, 2, 3])")
        .python_per("tuple, bytes per group", "small/tuple", At::UpTo(PYTHON_AT), "peak_bytes")
        .python_per("list, bytes per group", "small/list", At::UpTo(PYTHON_AT), "peak_bytes")
        .rust_per("Box<[i32]>, bytes per group", "small/box-slice", At::Largest, "peak_bytes")
        .rust_per("Vec<i32>, bytes per group", "small/vec", At::Largest, "peak_bytes")
        .rust_per("[i32; 3], bytes per group", "small/array", At::Largest, "peak_bytes")
        .rule(tuple_smaller),
        Claim::new(
            21,
            "object-header",
            "Every object starts with a 16-byte header (reference count and type pointer).",
            "Memory Management, Object Internals, example 18",
        )
        .python_fact("object()", "sys.getsizeof(object())")
        .python_fact("float", "sys.getsizeof(0.0)")
        .python_fact("GC header", "GC header bytes (sys.getsizeof([]) - list.__basicsize__)")
        .rust_fact("f64", "size_of::<f64>()")
        .rule(object_header),
        Claim::new(
            22,
            "empty-containers",
            "Empty containers already cost memory (the sizes of an empty list, tuple, dict and set).",
            "Memory Management, Object Internals, example 18",
        )
        .python_fact("list", "sys.getsizeof([])")
        .python_fact("tuple", "sys.getsizeof(())")
        .python_fact("dict", "sys.getsizeof({})")
        .python_fact("set", "sys.getsizeof(set())")
        .rust_fact("Vec handle", "size_of::<Vec<i64>>()")
        .rust_fact("Vec heap", "heap bytes of Vec::<i64>::new()")
        .rust_fact("HashMap handle", "size_of::<HashMap<i64, i64>>() (RandomState)")
        .rule(empty_containers),
        Claim::new(
            23,
            "growth-steps",
            "Lists over-allocate as they grow, and dicts resize at fixed fill points.",
            "Memory Management, Object Internals, example 19",
        )
        .python_fact("list resizes", "list resizes appending 1000")
        .python_fact("dict resizes", "dict resizes inserting 1000")
        .rust_fact("Vec allocations", "Vec<i64> allocations pushing 1000 from empty")
        .rust_fact("HashMap allocations", "HashMap<i64, i64> allocations inserting 1000 from empty")
        .rule(growth_steps),
        Claim::new(
            24,
            "array-compact",
            "array.array stores numbers far more compactly than a list.",
            "Memory Management, Object Internals, example 19",
        )
        .python_per("array, bytes per number", "store/array-i", At::UpTo(PYTHON_AT), "peak_bytes")
        .python_per("list, bytes per number", "store/list-int", At::UpTo(PYTHON_AT), "peak_bytes")
        .python_fact("list, getsizeof", "sys.getsizeof(list(range(1000)))")
        .python_fact("array, getsizeof", "sys.getsizeof(array('i', range(1000)))")
        .rust_per("Vec<i32>, bytes per number", "store/vec-i32", At::Largest, "peak_bytes")
        .rust_per("Vec<Box<i32>>, bytes per number", "store/vec-box-i32", At::Largest, "peak_bytes")
        .rust_per("Vec<Box<i32>>, reserved bytes per number", "store/vec-box-i32", At::Largest, "reserved_bytes")
        .method("sys.getsizeof counts a list's slots, not the int objects they point to, so it shows a list of 1 000 ints at about twice an array's size; tracemalloc, counting the ints too, shows the real ratio")
        .rule(array_compact),
    ]
}

/// Holds when the tuple is smaller both by `getsizeof` and by the bytes a
/// group really costs (tracemalloc); fails otherwise.
fn tuple_smaller(f: &Figures) -> Result<Judgement, Missing> {
    let (tuple, list) = (f.get("tuple, getsizeof")?, f.get("list, getsizeof")?);
    let (tuple_n, list_n) = (
        f.get("tuple, bytes per group")?,
        f.get("list, bytes per group")?,
    );
    let (boxed, vec, array) = (
        f.get("Box<[i32]>, bytes per group")?,
        f.get("Vec<i32>, bytes per group")?,
        f.get("[i32; 3], bytes per group")?,
    );
    let says = format!(
        "(1, 2, 3) is {} bytes against {} for [1, 2, 3]; built n at a time, a group costs {} bytes as a tuple and {} as a list; Rust pays {} per group as a Box<[i32]>, {} as a Vec<i32> and {} inline as [i32; 3]",
        num(tuple),
        num(list),
        num(tuple_n),
        num(list_n),
        num(boxed),
        num(vec),
        num(array),
    );
    let short = format!("tuple {} B, list {} B per group", num(tuple_n), num(list_n));
    Ok(Judgement::either(tuple < list && tuple_n < list_n, says).short(short))
}

/// Holds when a bare `object()` is the 16-byte header and a float is that
/// header plus its 8-byte double; with nuance when containers carry a
/// garbage collector's header on top; fails when the header is another size.
fn object_header(f: &Figures) -> Result<Judgement, Missing> {
    let (object, float, gc, double) = (
        f.get("object()")?,
        f.get("float")?,
        f.get("GC header")?,
        f.get("f64")?,
    );
    let says = format!(
        "object() is {} bytes and 0.0 is {} (a double of {} bytes plus {} of header); a Rust f64 is {} bytes with no header",
        num(object),
        num(float),
        num(double),
        num(float - double),
        num(double),
    );
    let short = format!("header {} B, GC +{} B", num(object), num(gc));
    let judged = if object != HEADER_BYTES || float - double != HEADER_BYTES {
        Judgement::fails(says)
    } else if gc > 0.0 {
        Judgement::nuance(format!(
            "{says}; containers and class instances carry {} more bytes before the header, the cyclic collector's links, which sys.getsizeof includes",
            num(gc)
        ))
    } else {
        Judgement::holds(says)
    };
    Ok(judged.short(short))
}

/// Holds when every empty container has a size above zero (the Rust side
/// is quoted: an empty `Vec` or `HashMap` allocates nothing).
fn empty_containers(f: &Figures) -> Result<Judgement, Missing> {
    let sizes = [
        ("[]", f.get("list")?),
        ("()", f.get("tuple")?),
        ("{}", f.get("dict")?),
        ("set()", f.get("set")?),
    ];
    let (handle, heap, map) = (
        f.get("Vec handle")?,
        f.get("Vec heap")?,
        f.get("HashMap handle")?,
    );
    let listed: Vec<String> = sizes
        .iter()
        .map(|(name, bytes)| format!("{name} {}", num(*bytes)))
        .collect();
    let says = format!(
        "empty, in bytes: {}; in Rust an empty Vec is a {}-byte handle with {} bytes of heap, an empty HashMap a {}-byte handle with none",
        listed.join(", "),
        num(handle),
        num(heap),
        num(map),
    );
    let short = listed.join(", ");
    Ok(Judgement::either(sizes.iter().all(|(_, b)| *b > 0.0), says).short(short))
}

/// Holds when appending a thousand items resizes a list and a dict more
/// than once but far fewer times than once per item (a quarter of the
/// items at most): growth in steps, not per element.
fn growth_steps(f: &Figures) -> Result<Judgement, Missing> {
    let (list, dict) = (f.get("list resizes")?, f.get("dict resizes")?);
    let (vec, map) = (f.get("Vec allocations")?, f.get("HashMap allocations")?);
    let in_steps = |k: f64| k > 1.0 && k <= GROWTH_N / 4.0;
    let says = format!(
        "growing to {} items, a list resized {} times and a dict {}; a Rust Vec allocated {} times (doubling) and a HashMap {} (doubling at 7/8 full)",
        num(GROWTH_N),
        num(list),
        num(dict),
        num(vec),
        num(map),
    );
    let short = format!(
        "list {}, dict {}; Vec {}, HashMap {}",
        num(list),
        num(dict),
        num(vec),
        num(map)
    );
    Ok(Judgement::either(in_steps(list) && in_steps(dict), says).short(short))
}

/// Holds when a list of ints costs at least [`FAR_MORE`] times an array's
/// bytes per number (tracemalloc); with nuance between [`BARELY`] and that;
/// fails below.
fn array_compact(f: &Figures) -> Result<Judgement, Missing> {
    let (array, list) = (
        f.get("array, bytes per number")?,
        f.get("list, bytes per number")?,
    );
    let (list_shallow, array_shallow) = (f.get("list, getsizeof")?, f.get("array, getsizeof")?);
    let (packed, boxed) = (
        f.get("Vec<i32>, bytes per number")?,
        f.get("Vec<Box<i32>>, bytes per number")?,
    );
    // Only the sentence uses it: off glibc (not measured) it is left out.
    let reserved = f
        .get("Vec<Box<i32>>, reserved bytes per number")
        .map(|r| format!(" and {} reserved by malloc", num(r)))
        .unwrap_or_default();
    let ratio = list / array;
    let says = format!(
        "a number costs {} bytes in array('i') and {} in a list of ints ({ratio:.1}×); sys.getsizeof alone says {:.1}× ({} against {} bytes for 1 000); Rust: {} bytes in a Vec<i32>, {} asked{reserved} in a Vec<Box<i32>>",
        num(array),
        num(list),
        list_shallow / array_shallow,
        num(list_shallow),
        num(array_shallow),
        num(packed),
        num(boxed),
    );
    let short = format!("list {ratio:.1}× array");
    let judged = if ratio >= FAR_MORE {
        Judgement::holds(says)
    } else if ratio >= BARELY {
        Judgement::nuance(says)
    } else {
        Judgement::fails(says)
    };
    Ok(judged.short(short))
}

#[cfg(test)]
mod tests {
    use heaplab_core::claim::{Verdict, verdict_on};

    use super::*;

    #[test]
    fn tuple_smaller_needs_both_measures() {
        let claims = claims();
        let figures = |tuple: f64, tuple_n: f64| {
            [
                ("tuple, getsizeof", tuple),
                ("list, getsizeof", 88.0),
                ("tuple, bytes per group", tuple_n),
                ("list, bytes per group", 96.0),
                ("Box<[i32]>, bytes per group", 28.0),
                ("Vec<i32>, bytes per group", 40.0),
                ("[i32; 3], bytes per group", 12.0),
            ]
        };
        assert_eq!(
            verdict_on(&claims, 20, &figures(64.0, 72.0)),
            Verdict::Holds
        );
        assert_eq!(
            verdict_on(&claims, 20, &figures(64.0, 100.0)),
            Verdict::DoesNotHold
        );
        assert_eq!(
            verdict_on(&claims, 20, &figures(90.0, 72.0)),
            Verdict::DoesNotHold
        );
        assert_eq!(
            verdict_on(&claims, 20, &figures(64.0, 72.0)[..6]),
            Verdict::NotMeasured
        );
    }

    #[test]
    fn object_header_sees_the_gc_links() {
        let claims = claims();
        let figures = |object: f64, gc: f64| {
            [
                ("object()", object),
                ("float", object + 8.0),
                ("GC header", gc),
                ("f64", 8.0),
            ]
        };
        assert_eq!(
            verdict_on(&claims, 21, &figures(16.0, 16.0)),
            Verdict::Nuance
        );
        assert_eq!(verdict_on(&claims, 21, &figures(16.0, 0.0)), Verdict::Holds);
        assert_eq!(
            verdict_on(&claims, 21, &figures(24.0, 16.0)),
            Verdict::DoesNotHold
        );
        assert_eq!(
            verdict_on(&claims, 21, &figures(16.0, 16.0)[..3]),
            Verdict::NotMeasured
        );
    }

    #[test]
    fn empty_containers_cost_more_than_nothing() {
        let claims = claims();
        let figures = |tuple: f64| {
            [
                ("list", 56.0),
                ("tuple", tuple),
                ("dict", 64.0),
                ("set", 216.0),
                ("Vec handle", 24.0),
                ("Vec heap", 0.0),
                ("HashMap handle", 48.0),
            ]
        };
        assert_eq!(verdict_on(&claims, 22, &figures(40.0)), Verdict::Holds);
        assert_eq!(verdict_on(&claims, 22, &figures(0.0)), Verdict::DoesNotHold);
        assert_eq!(
            verdict_on(&claims, 22, &figures(40.0)[1..]),
            Verdict::NotMeasured
        );
    }

    #[test]
    fn growth_is_in_steps() {
        let claims = claims();
        let figures = |list: f64, dict: f64| {
            [
                ("list resizes", list),
                ("dict resizes", dict),
                ("Vec allocations", 9.0),
                ("HashMap allocations", 9.0),
            ]
        };
        assert_eq!(verdict_on(&claims, 23, &figures(27.0, 8.0)), Verdict::Holds);
        // One resize per append: no over-allocation.
        assert_eq!(
            verdict_on(&claims, 23, &figures(1000.0, 8.0)),
            Verdict::DoesNotHold
        );
        // Never resized: no growth to speak of.
        assert_eq!(
            verdict_on(&claims, 23, &figures(27.0, 1.0)),
            Verdict::DoesNotHold
        );
        assert_eq!(
            verdict_on(&claims, 23, &figures(27.0, 8.0)[..3]),
            Verdict::NotMeasured
        );
    }

    #[test]
    fn array_compactness_by_the_real_bytes() {
        let claims = claims();
        let figures = |list: f64| {
            [
                ("array, bytes per number", 4.0),
                ("list, bytes per number", list),
                ("list, getsizeof", 8056.0),
                ("array, getsizeof", 4080.0),
                ("Vec<i32>, bytes per number", 4.0),
                ("Vec<Box<i32>>, bytes per number", 12.0),
                ("Vec<Box<i32>>, reserved bytes per number", 32.0),
            ]
        };
        assert_eq!(verdict_on(&claims, 24, &figures(36.0)), Verdict::Holds);
        assert_eq!(verdict_on(&claims, 24, &figures(8.0)), Verdict::Nuance);
        assert_eq!(verdict_on(&claims, 24, &figures(5.0)), Verdict::DoesNotHold);
        // The reserved bytes only add to the sentence.
        assert_eq!(verdict_on(&claims, 24, &figures(36.0)[..6]), Verdict::Holds);
        assert_eq!(
            verdict_on(&claims, 24, &figures(36.0)[..5]),
            Verdict::NotMeasured
        );
    }
}
