//! The tutorial's claims this lab measures, with the rules that judge them.

use heaplab_core::claim::{At, Claim, Figures, Judgement, Missing, num, pct};

/// Claims 7 and 14–17 of the ledger.
pub fn claims() -> [Claim; 5] {
    [
        Claim::new(
            7,
            "weak-listeners",
            "An emitter's strong references keep dropped observers alive; weak references let them die.",
            "Memory Management, Memory Leaks Detection, example 9 (pattern 1); Weak References, example 14",
        )
        .python("strong emitter", "subscribe-release-notify/strong", At::Largest, "live_bytes")
        .python("weak emitter", "subscribe-release-notify/weak", At::Largest, "live_bytes")
        .python("weak before pruning", "subscribe-release/weak", At::Largest, "live_bytes")
        .rust("Rust Rc", "subscribe-release-notify/strong", At::Largest, "live_bytes")
        .rust("Rust Weak", "subscribe-release-notify/weak", At::Largest, "live_bytes")
        .rule(weak_listeners),
        Claim::new(
            14,
            "weakref-no-count",
            "A weak reference does not increase the reference count.",
            "Memory Management, Weak References, example 13",
        )
        .python_fact("count added", "getrefcount change from a weakref.ref")
        .python_fact("weak refs", "weakref.getweakrefcount after one weakref.ref")
        .rust_fact("strong count", "Rc::strong_count after Rc::downgrade")
        .rust_fact("weak count", "Rc::weak_count after Rc::downgrade")
        .rule(no_count),
        Claim::new(
            15,
            "weak-containers",
            "WeakValueDictionary, WeakKeyDictionary and WeakSet drop their entries when the referent dies.",
            "Memory Management, Weak References, examples 13–14",
        )
        .python_fact("values left", "WeakValueDictionary entries left after 1 000 values died")
        .python_fact("keys left", "WeakKeyDictionary entries left after 1 000 keys died")
        .python_fact("members left", "WeakSet members left after 1 000 members died")
        .python("dict cache", "value-cache/dict", At::Largest, "live_bytes")
        .python("weak cache", "value-cache/weak-values", At::Largest, "live_bytes")
        .rust("Rust Weak map", "value-cache/weak", At::Largest, "live_bytes")
        .rule(weak_containers),
        Claim::new(
            16,
            "finalizers-run",
            "weakref.finalize and weak-reference callbacks run when the object is collected.",
            "Memory Management, Weak References, example 15",
        )
        .python_fact("finalize", "finalize: callbacks run for 1 000 dropped objects")
        .python_fact("callbacks", "weakref.ref callbacks run for 1 000 dropped objects")
        .rust_fact("Drop guards", "Drop guards run for 1 000 dropped objects")
        .rule(finalizers),
        Claim::new(
            17,
            "proxy-reference-error",
            "A weakref.proxy raises ReferenceError once its referent is gone.",
            "Memory Management, Weak References, example 15",
        )
        .python_fact("raises", "a weakref.proxy raises ReferenceError once its referent is gone")
        .rust_fact("upgrade is None", "Weak::upgrade() is None after the last Rc drops")
        .rule(proxy),
    ]
}

fn weak_listeners(f: &Figures) -> Result<Judgement, Missing> {
    let (strong, weak) = (f.get("strong emitter")?, f.get("weak emitter")?);
    let before = f.get("weak before pruning")?;
    let says = format!(
        "after the owners let go and one notify, the strong emitter still holds {} bytes and the weak one {}; before that notify the dead weak references themselves hold {} (Rust: {} bytes with Rc, {} with Weak)",
        num(strong),
        num(weak),
        num(before),
        num(f.get("Rust Rc")?),
        num(f.get("Rust Weak")?)
    );
    let judged = if strong <= 0.0 || weak * 100.0 >= strong {
        Judgement::fails(says)
    } else if before * 10.0 >= strong {
        Judgement::nuance(format!(
            "{says}: the observers die, their weak references stay until pruned"
        ))
    } else {
        Judgement::holds(says)
    };
    Ok(judged.short(format!("strong {} B, weak {} B", num(strong), num(weak))))
}

fn no_count(f: &Figures) -> Result<Judgement, Missing> {
    let added = f.get("count added")?;
    let judged = Judgement::either(
        added == 0.0,
        format!(
            "a weakref.ref changes getrefcount by {} and getweakrefcount is {}; Rc::downgrade leaves strong_count at {} with weak_count {}",
            num(added),
            num(f.get("weak refs")?),
            num(f.get("strong count")?),
            num(f.get("weak count")?)
        ),
    );
    Ok(judged.short(format!("getrefcount +{}", num(added))))
}

fn weak_containers(f: &Figures) -> Result<Judgement, Missing> {
    let left = [
        f.get("values left")?,
        f.get("keys left")?,
        f.get("members left")?,
    ];
    let (dict, weak) = (f.get("dict cache")?, f.get("weak cache")?);
    let says = format!(
        "of 1 000 entries, {}, {} and {} are left once their referents died; a value cache still holds {} bytes as a dict and {} as a WeakValueDictionary (Rust's Weak map: {})",
        num(left[0]),
        num(left[1]),
        num(left[2]),
        num(dict),
        num(weak),
        num(f.get("Rust Weak map")?)
    );
    let judged = if left.iter().any(|l| *l > 0.0) {
        Judgement::fails(says)
    } else if weak * 10.0 >= dict {
        Judgement::nuance(format!(
            "{says}: its entries are gone, but it keeps {} of the dict's bytes",
            pct(weak, dict)
        ))
    } else {
        Judgement::holds(says)
    };
    Ok(judged.short(format!(
        "{} / {} / {} of 1,000 left",
        num(left[0]),
        num(left[1]),
        num(left[2])
    )))
}

fn finalizers(f: &Figures) -> Result<Judgement, Missing> {
    let (finalize, callbacks) = (f.get("finalize")?, f.get("callbacks")?);
    let judged = Judgement::either(
        finalize == 1_000.0 && callbacks == 1_000.0,
        format!(
            "for 1 000 objects dropped, {} finalize callbacks and {} weakref callbacks ran ({} Rust Drop guards)",
            num(finalize),
            num(callbacks),
            num(f.get("Drop guards")?)
        ),
    );
    Ok(judged.short(format!(
        "{} and {} of 1,000 ran",
        num(finalize),
        num(callbacks)
    )))
}

fn proxy(f: &Figures) -> Result<Judgement, Missing> {
    let raises = f.get("raises")? != 0.0;
    let judged = Judgement::either(
        raises,
        format!(
            "using the proxy after its referent died {}; Rust's Weak::upgrade {}",
            if raises {
                "raises ReferenceError"
            } else {
                "does not raise"
            },
            if f.get("upgrade is None")? != 0.0 {
                "returns None"
            } else {
                "still returns a value"
            }
        ),
    );
    Ok(judged.short(if raises { "ReferenceError" } else { "no error" }))
}

#[cfg(test)]
mod tests {
    use heaplab_core::claim::{Verdict, verdict_on};

    use super::*;

    fn judge(number: u32, pairs: &[(&'static str, f64)]) -> Verdict {
        verdict_on(&claims(), number, pairs)
    }

    #[test]
    fn listeners() {
        let run = |weak, before| {
            [
                ("strong emitter", 9_592_888.0),
                ("weak emitter", weak),
                ("weak before pruning", before),
                ("Rust Rc", 8e6),
                ("Rust Weak", 0.0),
            ]
        };
        assert_eq!(judge(7, &run(184.0, 1000.0)), Verdict::Holds);
        assert_eq!(judge(7, &run(184.0, 8_801_112.0)), Verdict::Nuance);
        assert_eq!(judge(7, &run(9_000_000.0, 0.0)), Verdict::DoesNotHold);
    }

    #[test]
    fn counts_and_containers() {
        let count = |added| {
            [
                ("count added", added),
                ("weak refs", 1.0),
                ("strong count", 1.0),
                ("weak count", 1.0),
            ]
        };
        assert_eq!(judge(14, &count(0.0)), Verdict::Holds);
        assert_eq!(judge(14, &count(1.0)), Verdict::DoesNotHold);
        let left = |values, weak| {
            [
                ("values left", values),
                ("keys left", 0.0),
                ("members left", 0.0),
                ("dict cache", 14e6),
                ("weak cache", weak),
                ("Rust Weak map", 0.0),
            ]
        };
        assert_eq!(judge(15, &left(0.0, 1e5)), Verdict::Holds);
        assert_eq!(judge(15, &left(0.0, 5e6)), Verdict::Nuance);
        assert_eq!(judge(15, &left(3.0, 1e5)), Verdict::DoesNotHold);
    }

    #[test]
    fn callbacks_and_proxies() {
        let ran = |n| {
            [
                ("finalize", 1000.0),
                ("callbacks", n),
                ("Drop guards", 1000.0),
            ]
        };
        assert_eq!(judge(16, &ran(1000.0)), Verdict::Holds);
        assert_eq!(judge(16, &ran(999.0)), Verdict::DoesNotHold);
        assert_eq!(
            judge(17, &[("raises", 1.0), ("upgrade is None", 1.0)]),
            Verdict::Holds
        );
        assert_eq!(
            judge(17, &[("raises", 0.0), ("upgrade is None", 1.0)]),
            Verdict::DoesNotHold
        );
    }
}
