//! The tutorial's claims this lab measures, with the rules that judge them.

use heaplab_core::claim::{At, Claim, Figures, Judgement, Missing, num, pct};

/// Claims 1 and 2 of the ledger.
pub fn claims() -> [Claim; 2] {
    [
        Claim::new(
            1,
            "gc-generations",
            "CPython's cycle collector has three generations with thresholds (700, 10, 10).",
            "Memory Management, Garbage Collection, examples 1–2; notebook part 5",
        )
        .python_fact("generations", "generations (len(gc.get_count()))")
        .python_fact("thresholds", "thresholds (len(gc.get_threshold()))")
        .python_fact("threshold 0", "gc.get_threshold()[0]")
        .python_fact("threshold 1", "gc.get_threshold()[1]")
        .python_fact("threshold 2", "gc.get_threshold()[2]")
        .rule(generations),
        Claim::new(
            2,
            "gc-cycles",
            "Reference counting alone never frees a cycle; gc.collect() does, and with the collector disabled the cycle stays.",
            "Memory Management, Garbage Collection, example 3; notebook parts 4 and 6",
        )
        .python_per("gc disabled", "ring/gc-disabled", At::Largest, "live_bytes")
        .python_per("gc.collect()", "ring/gc-collect", At::Largest, "live_bytes")
        .python_per("weakref", "ring/weakref", At::Largest, "live_bytes")
        .rust_per("Rust Rc", "ring/rc", At::Largest, "live_bytes")
        .rust_per("Rust dumpster", "ring/dumpster", At::Largest, "live_bytes")
        .rust_per(
            "Rust dumpster disabled",
            "ring/dumpster-disabled",
            At::Largest,
            "live_bytes",
        )
        .rust_per("Rust Weak", "ring/weak", At::Largest, "live_bytes")
        .rule(cycles)
        .method("Example 3 disables the collector, drops a two-node cycle and prints gc.get_count(): that is a count of allocations since the last collection, not of what is alive, so it cannot show that the cycle stayed; and the collection it runs afterwards also frees the first pair, which no one ever collected. A weak reference to one node, or tracemalloc's live bytes (what this lab reads), shows whether the cycle is still there."),
    ]
}

/// The tutorial's thresholds, generation 0 to 2.
const TUTORIAL_THRESHOLDS: [f64; 3] = [700.0, 10.0, 10.0];

fn generations(f: &Figures) -> Result<Judgement, Missing> {
    let (generations, count) = (f.get("generations")?, f.get("thresholds")?);
    let thresholds = [
        f.get("threshold 0")?,
        f.get("threshold 1")?,
        f.get("threshold 2")?,
    ];
    let shown = format!(
        "({}, {}, {})",
        num(thresholds[0]),
        num(thresholds[1]),
        num(thresholds[2])
    );
    let says = format!(
        "gc.get_count() has {} generations and gc.get_threshold() is {shown}",
        num(generations)
    );
    let judged = if generations != 3.0 || count != 3.0 {
        Judgement::fails(format!("{says}: not three generations"))
    } else if thresholds == TUTORIAL_THRESHOLDS {
        Judgement::holds(says)
    } else {
        Judgement::nuance(format!(
            "{says}: three generations, but this interpreter's thresholds are not (700, 10, 10)"
        ))
    };
    Ok(judged.short(shown))
}

/// The most a collected ring may leave per node, as a share of what the
/// disabled collector leaves: tracemalloc sees a few stray blocks (free
/// lists, the collector's own) whatever the size.
const LEFT_SHARE: f64 = 0.05;

fn cycles(f: &Figures) -> Result<Judgement, Missing> {
    let (disabled, collected, weak) = (
        f.get("gc disabled")?,
        f.get("gc.collect()")?,
        f.get("weakref")?,
    );
    let (rc, dumpster, dumpster_off, rust_weak) = (
        f.get("Rust Rc")?,
        f.get("Rust dumpster")?,
        f.get("Rust dumpster disabled")?,
        f.get("Rust Weak")?,
    );
    let says = format!(
        "bytes still live per ring node at {}: CPython {} with gc disabled, {} after gc.collect(), {} with weakref back links and gc disabled; Rust {} with Rc both ways, {} with Weak back links, {} with dumpster's collect(), {} with dumpster's collection off",
        f.at("gc disabled"),
        num(disabled),
        num(collected),
        num(weak),
        num(rc),
        num(rust_weak),
        num(dumpster),
        num(dumpster_off)
    );
    let python =
        disabled > 0.0 && collected <= disabled * LEFT_SHARE && weak <= disabled * LEFT_SHARE;
    let rust = rc > 0.0 && dumpster_off > 0.0 && dumpster == 0.0 && rust_weak == 0.0;
    let judged = Judgement::either(python && rust, says);
    Ok(judged.short(format!(
        "gc off {} B/node, collected {}",
        num(disabled),
        if disabled > 0.0 {
            pct(collected, disabled)
        } else {
            "?".to_owned()
        }
    )))
}

#[cfg(test)]
mod tests {
    use heaplab_core::claim::{Verdict, verdict_on};

    use super::*;

    fn thresholds(first: f64, generations: f64) -> Vec<(&'static str, f64)> {
        vec![
            ("generations", generations),
            ("thresholds", generations),
            ("threshold 0", first),
            ("threshold 1", 10.0),
            ("threshold 2", 10.0),
        ]
    }

    #[test]
    fn thresholds_are_judged_from_the_figures() {
        let claims = claims();
        assert_eq!(
            verdict_on(&claims, 1, &thresholds(700.0, 3.0)),
            Verdict::Holds
        );
        // CPython 3.13's first threshold is another number: still three generations.
        assert_eq!(
            verdict_on(&claims, 1, &thresholds(2000.0, 3.0)),
            Verdict::Nuance
        );
        assert_eq!(
            verdict_on(&claims, 1, &thresholds(700.0, 2.0)),
            Verdict::DoesNotHold
        );
        assert_eq!(verdict_on(&claims, 1, &[]), Verdict::NotMeasured);
    }

    fn rings(collected: f64, rc: f64, dumpster: f64) -> Vec<(&'static str, f64)> {
        vec![
            ("gc disabled", 128.0),
            ("gc.collect()", collected),
            ("weakref", 0.0008),
            ("Rust Rc", rc),
            ("Rust dumpster", dumpster),
            ("Rust dumpster disabled", 64.0),
            ("Rust Weak", 0.0),
        ]
    }

    #[test]
    fn a_cycle_stays_until_collected() {
        let claims = claims();
        assert_eq!(
            verdict_on(&claims, 2, &rings(0.0003, 48.0, 0.0)),
            Verdict::Holds
        );
        // gc.collect() that leaves the ring: it does not hold.
        assert_eq!(
            verdict_on(&claims, 2, &rings(120.0, 48.0, 0.0)),
            Verdict::DoesNotHold
        );
        // An Rc ring that freed itself, or a collector that left it: neither holds.
        assert_eq!(
            verdict_on(&claims, 2, &rings(0.0, 0.0, 0.0)),
            Verdict::DoesNotHold
        );
        assert_eq!(
            verdict_on(&claims, 2, &rings(0.0, 48.0, 64.0)),
            Verdict::DoesNotHold
        );
        assert_eq!(
            verdict_on(&claims, 2, &rings(0.0, 48.0, 0.0)[1..]),
            Verdict::NotMeasured
        );
    }
}
