//! The tutorial's claims this lab measures, with the rules that judge them.

use heaplab_core::claim::{At, Change, Claim, Figures, Judgement, Missing, num, pct};

/// Whether the time `new` is below `old` beyond the noise (intervals
/// apart), and how that reads.
fn faster(f: &Figures, old: &str, new: &str) -> Result<(bool, String), Missing> {
    let (change, ratio) = f.change(old, new)?;
    Ok(match change {
        Change::Less if ratio < 0.5 => (true, format!("{:.0}× faster", 1.0 / ratio)),
        Change::Less => (true, format!("{} faster", pct(1.0 - ratio, 1.0))),
        Change::More => (false, format!("{} slower", pct(ratio - 1.0, 1.0))),
        Change::Same => (
            false,
            format!(
                "no faster beyond the noise ({:+.0}%, intervals overlap)",
                100.0 * (ratio - 1.0)
            ),
        ),
    })
}

/// The change from `old` to `new` in a few words: `-16%`, or `+22% (noise)`
/// when the intervals overlap.
fn delta(f: &Figures, old: &str, new: &str) -> Result<String, Missing> {
    let (change, ratio) = f.change(old, new)?;
    let noise = if change == Change::Same {
        " (noise)"
    } else {
        ""
    };
    Ok(format!("{:+.0}%{noise}", 100.0 * (ratio - 1.0)))
}

/// Where per-object memory is read: it is the same at every size from
/// 10 000 on, and a further interpreter need not build a million objects.
const PER_OBJECT: At = At::UpTo(100_000);

/// Claims 10–13 and 28 of the ledger.
pub fn claims() -> [Claim; 5] {
    [
        Claim::new(
            10,
            "slots-halve-memory",
            "__slots__ can cut an object's memory by up to 50%.",
            "Memory Management, __slots__ Optimization, example 10; notebook part 8",
        )
        .python_fact("shell with slots", "tracemalloc bytes per SlotsPoint (small-int fields)")
        .python_fact("shell with dict", "tracemalloc bytes per DictPoint (small-int fields)")
        .python_per("object with slots", "create/slots", PER_OBJECT, "peak_bytes")
        .python_per("object with dict", "create/dict", PER_OBJECT, "peak_bytes")
        .python_fact("getsizeof with slots", "sys.getsizeof(SlotsPoint)")
        .python_fact("getsizeof with dict", "sys.getsizeof(DictPoint) (object only)")
        .rust_per("struct", "create/struct", PER_OBJECT, "peak_bytes")
        .rust_per("map per object", "create/dict", PER_OBJECT, "peak_bytes")
        .rule(halve_memory)
        .method("The tutorial's sys.getsizeof of one instance counts the object's own block only: not its __dict__ (or, since 3.11, the values stored inline beside it) nor the attribute values, so it can show no saving at all and undercounts the footprint several times; heaplab reads tracemalloc's peak for n live objects, and the shell alone from objects whose fields are shared small ints."),
        Claim::new(
            11,
            "slots-no-new-attributes",
            "__slots__ forbids adding new attributes.",
            "Memory Management, __slots__ Optimization, example 10",
        )
        .python_fact("slots accepts", "SlotsPoint accepts a new attribute")
        .python_fact("dict accepts", "DictPoint accepts a new attribute")
        .rule(no_new_attributes),
        Claim::new(
            12,
            "slots-faster",
            "__slots__ makes creating objects and reading their attributes faster.",
            "Memory Management, __slots__ Optimization, example 12",
        )
        .python("create with dict", "create/dict", At::Largest, "time_ns")
        .python("create with slots", "create/slots", At::Largest, "time_ns")
        .python("read with dict", "read/dict", At::Largest, "time_ns")
        .python("read with slots", "read/slots", At::Largest, "time_ns")
        .rust("Rust create map", "create/dict", At::Largest, "time_ns")
        .rust("Rust create struct", "create/struct", At::Largest, "time_ns")
        .rule(slots_faster),
        Claim::new(
            13,
            "slots-subclass-dict",
            "A subclass that does not declare __slots__ gets a __dict__ again.",
            "Memory Management, __slots__ Optimization, example 11",
        )
        .python_fact("subclass has __dict__", "a subclass without __slots__ has __dict__")
        .python_fact("getsizeof subclass", "sys.getsizeof(that subclass's instance)")
        .python_fact("getsizeof parent", "sys.getsizeof(SlotsPoint)")
        .rule(subclass_dict),
        Claim::new(
            28,
            "slots-with-dict",
            "Listing '__dict__' in __slots__ keeps dynamic attributes possible, paying for a dict only where one is used.",
            "Memory Management, __slots__ Optimization, example 11",
        )
        .python_fact("hybrid accepts", "HybridPoint accepts a new attribute")
        .python_per("hybrid object", "create/hybrid", PER_OBJECT, "peak_bytes")
        .python_per("object with slots", "create/slots", PER_OBJECT, "peak_bytes")
        .python_per("object with dict", "create/dict", PER_OBJECT, "peak_bytes")
        .rust_per("Rust hybrid", "create/hybrid", PER_OBJECT, "peak_bytes")
        .rust_fact("objects per extra dict", "EXTRA_EVERY (hybrid objects per extra map)")
        .rule(slots_with_dict),
    ]
}

fn halve_memory(f: &Figures) -> Result<Judgement, Missing> {
    let (shell_slots, shell_dict) = (f.get("shell with slots")?, f.get("shell with dict")?);
    let (slots, dict) = (f.get("object with slots")?, f.get("object with dict")?);
    let (size_slots, size_dict) = (
        f.get("getsizeof with slots")?,
        f.get("getsizeof with dict")?,
    );
    let (rust_struct, rust_map) = (f.get("struct")?, f.get("map per object")?);
    let shell = 1.0 - shell_slots / shell_dict;
    let whole = 1.0 - slots / dict;
    let says = format!(
        "the object shell shrinks by {} ({} → {} bytes), the whole object with its three int values by {} ({} → {} bytes at {}); the tutorial's getsizeof shows {} → {} bytes, and getsizeof × n counts {:.1}× less than the real footprint with a dict; in Rust a struct takes {} bytes against {} for a map per object",
        pct(shell, 1.0),
        num(shell_dict.round()),
        num(shell_slots.round()),
        pct(whole, 1.0),
        num(dict.round()),
        num(slots.round()),
        f.at("object with slots"),
        num(size_dict),
        num(size_slots),
        dict / size_dict,
        num(rust_struct.round()),
        num(rust_map.round()),
    );
    let judged = if whole >= 0.4 {
        Judgement::holds(says)
    } else if whole > 0.0 || shell > 0.0 {
        Judgement::nuance(says)
    } else {
        Judgement::fails(says)
    };
    Ok(judged.short(format!(
        "shell −{}, object −{}",
        pct(shell, 1.0),
        pct(whole, 1.0)
    )))
}

fn no_new_attributes(f: &Figures) -> Result<Judgement, Missing> {
    let (slots, dict) = (
        f.get("slots accepts")? != 0.0,
        f.get("dict accepts")? != 0.0,
    );
    let judged = Judgement::either(
        !slots && dict,
        format!(
            "setting a new attribute {} on a __slots__ instance and {} on a plain one",
            if slots {
                "works"
            } else {
                "raises AttributeError"
            },
            if dict { "works" } else { "fails" }
        ),
    );
    Ok(judged.short(if slots {
        "slots accept it"
    } else {
        "AttributeError"
    }))
}

fn slots_faster(f: &Figures) -> Result<Judgement, Missing> {
    let (create_ok, create) = faster(f, "create with dict", "create with slots")?;
    let (read_ok, read) = faster(f, "read with dict", "read with slots")?;
    let (_, rust) = faster(f, "Rust create map", "Rust create struct")?;
    let says = format!(
        "median times at {}: creating is {create}, reading {read}; in Rust creating a struct is {rust} than a map",
        f.at("create with slots")
    );
    let judged = match (create_ok, read_ok) {
        (true, true) => Judgement::holds(says),
        (false, false) => Judgement::fails(says),
        _ => Judgement::nuance(says),
    };
    Ok(judged.short(format!(
        "create {}, read {}",
        delta(f, "create with dict", "create with slots")?,
        delta(f, "read with dict", "read with slots")?
    )))
}

fn subclass_dict(f: &Figures) -> Result<Judgement, Missing> {
    let has = f.get("subclass has __dict__")? != 0.0;
    let judged = Judgement::either(
        has,
        format!(
            "the subclass's instances {} a __dict__; getsizeof reports {} bytes against {} for the parent",
            if has { "have" } else { "do not have" },
            num(f.get("getsizeof subclass")?),
            num(f.get("getsizeof parent")?)
        ),
    );
    Ok(judged.short(format!("__dict__: {}", if has { "yes" } else { "no" })))
}

fn slots_with_dict(f: &Figures) -> Result<Judgement, Missing> {
    let accepts = f.get("hybrid accepts")? != 0.0;
    let (hybrid, slots, dict) = (
        f.get("hybrid object")?,
        f.get("object with slots")?,
        f.get("object with dict")?,
    );
    let says = format!(
        "a hybrid instance {} a new attribute; with one in {} using it, an object takes {} bytes against {} with __slots__ only and {} with a dict (Rust's struct plus an optional map: {} bytes)",
        if accepts { "accepts" } else { "refuses" },
        num(f.get("objects per extra dict")?),
        num(hybrid.round()),
        num(slots.round()),
        num(dict.round()),
        num(f.get("Rust hybrid")?.round())
    );
    // It pays "only where one is used" when it costs at most half of what a
    // dict per object adds over __slots__.
    let judged = if accepts && hybrid - slots <= 0.5 * (dict - slots) {
        Judgement::holds(says)
    } else if accepts && hybrid < dict {
        Judgement::nuance(format!(
            "{says}: it pays {} of the {} bytes a dict adds",
            num((hybrid - slots).round()),
            num((dict - slots).round())
        ))
    } else if accepts {
        Judgement::fails(format!(
            "{says}: it costs more than a plain object with its dict"
        ))
    } else {
        Judgement::fails(says)
    };
    Ok(judged.short(format!(
        "{} / {} / {} B (hybrid / slots / dict)",
        num(hybrid.round()),
        num(slots.round()),
        num(dict.round())
    )))
}

#[cfg(test)]
mod tests {
    use heaplab_core::claim::{Verdict, verdict_on};

    use super::*;

    fn judge(number: u32, pairs: &[(&'static str, f64)]) -> Verdict {
        verdict_on(&claims(), number, pairs)
    }

    fn memory(slots: f64, dict: f64) -> Vec<(&'static str, f64)> {
        vec![
            ("shell with slots", 56.0),
            ("shell with dict", 96.0),
            ("object with slots", slots),
            ("object with dict", dict),
            ("getsizeof with slots", 56.0),
            ("getsizeof with dict", 56.0),
            ("struct", 24.0),
            ("map per object", 247.0),
        ]
    }

    #[test]
    fn memory_halves_or_shrinks_less_or_grows() {
        assert_eq!(judge(10, &memory(100.0, 200.0)), Verdict::Holds);
        assert_eq!(judge(10, &memory(160.0, 200.0)), Verdict::Nuance);
        let mut grows = memory(210.0, 200.0);
        grows[0].1 = 100.0;
        assert_eq!(judge(10, &grows), Verdict::DoesNotHold);
        assert_eq!(judge(10, &memory(1.0, 2.0)[1..]), Verdict::NotMeasured);
    }

    #[test]
    fn new_attributes() {
        let case = |slots, dict| [("slots accepts", slots), ("dict accepts", dict)];
        assert_eq!(judge(11, &case(0.0, 1.0)), Verdict::Holds);
        assert_eq!(judge(11, &case(1.0, 1.0)), Verdict::DoesNotHold);
    }

    #[test]
    fn faster_both_one_or_neither() {
        let times = |create, read| {
            [
                ("create with dict", 100.0),
                ("create with slots", create),
                ("read with dict", 100.0),
                ("read with slots", read),
                ("Rust create map", 10.0),
                ("Rust create struct", 1.0),
            ]
        };
        assert_eq!(judge(12, &times(80.0, 90.0)), Verdict::Holds);
        assert_eq!(judge(12, &times(80.0, 101.0)), Verdict::Nuance);
        assert_eq!(judge(12, &times(99.0, 120.0)), Verdict::DoesNotHold);
    }

    #[test]
    fn subclass_and_hybrid() {
        let sub = |has| {
            [
                ("subclass has __dict__", has),
                ("getsizeof subclass", 80.0),
                ("getsizeof parent", 56.0),
            ]
        };
        assert_eq!(judge(13, &sub(1.0)), Verdict::Holds);
        assert_eq!(judge(13, &sub(0.0)), Verdict::DoesNotHold);
        let hybrid = |accepts, size| {
            [
                ("hybrid accepts", accepts),
                ("hybrid object", size),
                ("object with slots", 160.0),
                ("object with dict", 200.0),
                ("Rust hybrid", 57.7),
                ("objects per extra dict", 10.0),
            ]
        };
        assert_eq!(judge(28, &hybrid(1.0, 170.0)), Verdict::Holds);
        // 37 of the 40 bytes a dict adds: it pays nearly a whole dict.
        assert_eq!(judge(28, &hybrid(1.0, 197.0)), Verdict::Nuance);
        assert_eq!(judge(28, &hybrid(1.0, 215.0)), Verdict::DoesNotHold);
        assert_eq!(judge(28, &hybrid(0.0, 170.0)), Verdict::DoesNotHold);
    }
}
