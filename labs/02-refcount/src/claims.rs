//! The tutorial's claims this lab measures, with the rules that judge them.

use heaplab_core::claim::{At, Change, Claim, Figures, Judgement, Missing, num};

/// Claims 3–5 of the ledger.
pub fn claims() -> [Claim; 3] {
    [
        Claim::new(
            3,
            "refcount-each-reference",
            "Each list slot, dict value and function argument adds one to an object's reference count.",
            "Memory Management, Reference Counting, example 5; notebook part 3",
        )
        .python_fact("one name", "getrefcount(obj) - 1, one name")
        .python_fact("in a list", "... after adding it to a list")
        .python_fact("in a dict too", "... after adding it to a dict too")
        .python_fact("after deleting both", "... after deleting the list and the dict")
        .python_fact("as an argument", "... inside a function it is passed to")
        .rust_fact("Rc one owner", "Rc::strong_count, one owner")
        .rust_fact("Rc in a HashMap too", "... after a clone into a HashMap too")
        .rust_fact("Rc borrowed by a function", "... inside a function borrowing it (&Rc)")
        .rule(each_reference),
        Claim::new(
            4,
            "refcount-cost",
            "Reference-count bookkeeping has a measurable cost: one name, three names and a list of ten references take increasing time (example 6's three loops).",
            "Memory Management, Reference Counting, example 6",
        )
        .python("one name", "owners-1/refcount", At::Largest, "time_ns")
        .python("three names", "owners-3/refcount", At::Largest, "time_ns")
        .python("list of ten", "list-of-10/refcount", At::Largest, "time_ns")
        .rust_per("Rc one owner Ir", "owners-1/rc", At::N(10_000), "instructions")
        .rust_per("Rc three owners Ir", "owners-3/rc", At::N(10_000), "instructions")
        .rule(cost)
        .method("The tutorial times each loop once with perf_counter around a million iterations and reads any difference as a cost; heaplab repeats each loop and counts a difference only when the ranges of repeats do not overlap."),
        Claim::new(
            5,
            "interning",
            "Small integers (-5 to 256) and short strings are interned: one object, many names.",
            "Memory Management, Reference Counting, example 6",
        )
        .python_fact("small ints shared", "int(100) is int(100), built at run time")
        .python_fact("large ints shared", "int(1000) is int(1000), built at run time")
        .python_fact("equal literals shared", "two literals 1000 in one function are one object")
        .python_fact("run-time string shared", "a short string built at run time is the literal")
        .python_fact("after sys.intern", "sys.intern of it is the literal")
        .python("copies", "intern/copies", At::Largest, "peak_bytes")
        .python("interned", "intern/interned", At::Largest, "peak_bytes")
        .rust("String copies", "intern/string", At::Largest, "peak_bytes")
        .rust("Rc<str> handles", "intern/rc-str", At::Largest, "peak_bytes")
        .rule(interning)
        .method("The tutorial tests `1000 is 1000` with two literals in one code object, which the compiler folds into one constant, so its test prints True for a 'large' integer; heaplab also builds the values at run time, where only -5..256 are shared."),
    ]
}

fn each_reference(f: &Figures) -> Result<Judgement, Missing> {
    let alone = f.get("one name")?;
    let list = f.get("in a list")? - alone;
    let dict = f.get("in a dict too")? - f.get("in a list")?;
    let arg = f.get("as an argument")? - f.get("after deleting both")?;
    let rust = f.get("Rc borrowed by a function")? - f.get("Rc in a HashMap too")?;
    let says = format!(
        "a list slot adds {}, a dict value {}, a function argument {}; in Rust a clone adds 1 to Rc::strong_count and a borrowed argument adds {}",
        num(list),
        num(dict),
        num(arg),
        num(rust)
    );
    let judged = if [list, dict, arg].iter().any(|d| *d < 1.0) {
        Judgement::fails(says)
    } else if arg != 1.0 || list != 1.0 || dict != 1.0 {
        Judgement::nuance(format!(
            "{says} (the interpreter's own call machinery holds the extra references)"
        ))
    } else {
        Judgement::holds(says)
    };
    Ok(judged.short(format!(
        "list +{}, dict +{}, argument +{}",
        num(list),
        num(dict),
        num(arg)
    )))
}

fn cost(f: &Figures) -> Result<Judgement, Missing> {
    let (three, more) = f.change("one name", "three names")?;
    let (ten, longer) = f.change("one name", "list of ten")?;
    let rust = f.get("Rc three owners Ir")? - f.get("Rc one owner Ir")?;
    let says = format!(
        "against one name, three names take {:.2}× the time ({}) and a list of ten references {:.2}× ({}); Rust's two extra Rc clones add {} instructions per iteration",
        more,
        beyond(three),
        longer,
        beyond(ten),
        num(rust)
    );
    let judged = match (three, ten) {
        (Change::More, Change::More) => Judgement::holds(says),
        (Change::Same, Change::More) => Judgement::nuance(format!(
            "{says}: the two extra names cost less than the loop's own noise"
        )),
        _ => Judgement::fails(says),
    };
    Ok(judged.short(format!("3 names {more:.2}×, list of 10 {longer:.2}×")))
}

/// How a timed difference reads in a sentence.
fn beyond(change: Change) -> &'static str {
    match change {
        Change::More => "more, beyond the noise",
        Change::Less => "less, beyond the noise",
        Change::Same => "the same within the noise: the ranges of repeats overlap",
    }
}

fn interning(f: &Figures) -> Result<Judgement, Missing> {
    let yes = |label: &str| f.get(label).map(|v| v != 0.0);
    let (small, large) = (yes("small ints shared")?, yes("large ints shared")?);
    let (literals, runtime) = (
        yes("equal literals shared")?,
        yes("run-time string shared")?,
    );
    let interned = yes("after sys.intern")?;
    let saving = f.get("copies")? / f.get("interned")?;
    let rust = f.get("String copies")? / f.get("Rc<str> handles")?;
    let says = format!(
        "ints in -5..256 are {} when built at run time, 1000 is {}; two literals 1000 in one function are {}; a short string built at run time is {} until sys.intern ({}); interned copies take {:.1}× less memory (Rust's Rc<str> handles {:.1}× less than String copies)",
        if small {
            "one object"
        } else {
            "separate objects"
        },
        if large { "one object" } else { "not" },
        if literals {
            "one object (the compiler shares constants)"
        } else {
            "two"
        },
        if runtime {
            "the literal"
        } else {
            "a new object"
        },
        if interned {
            "then it is one"
        } else {
            "even then it is not"
        },
        saving,
        rust
    );
    let judged = if !small || !interned {
        Judgement::fails(says)
    } else if large || literals || !runtime {
        Judgement::nuance(says)
    } else {
        Judgement::holds(says)
    };
    Ok(judged.short(format!(
        "1000 literals shared: {}; interned {saving:.1}× smaller",
        if literals { "yes" } else { "no" }
    )))
}

#[cfg(test)]
mod tests {
    use heaplab_core::claim::{Verdict, verdict_on};

    use super::*;

    fn judge(number: u32, pairs: &[(&'static str, f64)]) -> Verdict {
        verdict_on(&claims(), number, pairs)
    }

    #[test]
    fn each_reference_adds_one() {
        let walk = |arg| {
            [
                ("one name", 1.0),
                ("in a list", 2.0),
                ("in a dict too", 3.0),
                ("after deleting both", 1.0),
                ("as an argument", arg),
                ("Rc in a HashMap too", 3.0),
                ("Rc borrowed by a function", 3.0),
            ]
        };
        assert_eq!(judge(3, &walk(2.0)), Verdict::Holds);
        assert_eq!(judge(3, &walk(3.0)), Verdict::Nuance);
        assert_eq!(judge(3, &walk(1.0)), Verdict::DoesNotHold);
    }

    #[test]
    fn cost_needs_increasing_times() {
        let loops = |three| {
            [
                ("one name", 100.0),
                ("three names", three),
                ("list of ten", 240.0),
                ("Rc one owner Ir", 335.0),
                ("Rc three owners Ir", 343.0),
            ]
        };
        assert_eq!(judge(4, &loops(111.0)), Verdict::Holds);
        assert_eq!(judge(4, &loops(100.5)), Verdict::Nuance);
        // 12% more, but the ranges of repeats overlap: within the noise.
        let mut noisy = Figures::of(&loops(112.0));
        noisy.set_interval("one name", 90.0, 115.0);
        noisy.set_interval("three names", 110.0, 114.0);
        noisy.set_interval("list of ten", 230.0, 250.0);
        let claim = claims().into_iter().find(|c| c.number == 4).unwrap();
        assert_eq!(claim.judge(&noisy).verdict, Verdict::Nuance);
        assert_eq!(
            judge(
                4,
                &[
                    ("one name", 100.0),
                    ("three names", 90.0),
                    ("list of ten", 95.0),
                    ("Rc one owner Ir", 1.0),
                    ("Rc three owners Ir", 1.0)
                ]
            ),
            Verdict::DoesNotHold
        );
    }

    #[test]
    fn interning_as_the_tutorial_says_or_not() {
        let tests = |small, literals| {
            [
                ("small ints shared", small),
                ("large ints shared", 0.0),
                ("equal literals shared", literals),
                ("run-time string shared", 1.0),
                ("after sys.intern", 1.0),
                ("copies", 8_801_216.0),
                ("interned", 801_376.0),
                ("String copies", 5_500_000.0),
                ("Rc<str> handles", 1_600_048.0),
            ]
        };
        assert_eq!(judge(5, &tests(1.0, 0.0)), Verdict::Holds);
        assert_eq!(judge(5, &tests(1.0, 1.0)), Verdict::Nuance);
        assert_eq!(judge(5, &tests(0.0, 0.0)), Verdict::DoesNotHold);
        // A figure that was not measured is never a verdict.
        assert_eq!(judge(5, &tests(1.0, 0.0)[1..]), Verdict::NotMeasured);
    }
}
