//! The tutorial's claims this lab measures, with the rules that judge them.

use heaplab_core::claim::{At, Claim, Figures, Judgement, Missing, num};

/// The largest size CPython's bytes per node are read at (they are the
/// same per node at every size).
const PYTHON_AT: u64 = 100_000;

/// Below this many times the Rust floor, a CPython node would not be
/// "small objects cost a multiple of their data": the overhead would be
/// noise.
const OVERHEAD_MULTIPLE: f64 = 2.0;

/// Claim 29 of the ledger.
pub fn claims() -> [Claim; 1] {
    [Claim::new(
        29,
        "small-objects-overhead",
        "Every object carries its own header, so millions of small objects cost far more than their data; __slots__ is the remedy for them.",
        "Memory Management, Object Internals, example 18 (explanation); __slots__ Optimization, example 12 (explanation)",
    )
    .python_per("CPython object, bytes per node", "build/object", At::UpTo(PYTHON_AT), "peak_bytes")
    .python_per("CPython __slots__, bytes per node", "build/slots", At::UpTo(PYTHON_AT), "peak_bytes")
    .rust_fact("Rust node (the floor)", "size_of::<BoxNode>() (u64 + Option<Box>)")
    .rust_per("Rust Box, bytes per node", "build/box", At::Largest, "peak_bytes")
    .rust_per("Rust arena, bytes per node", "build/bumpalo", At::Largest, "peak_bytes")
    .rule(overhead)]
}

/// Holds when CPython's nodes cost at least [`OVERHEAD_MULTIPLE`] × the
/// Rust floor and `__slots__` makes them smaller; with nuance when the
/// slotted node still costs more than twice what the arena pays per node
/// (the header stays: only not having an object per node removes it);
/// fails when `__slots__` saves nothing or the overhead is not there.
fn overhead(f: &Figures) -> Result<Judgement, Missing> {
    let object = f.get("CPython object, bytes per node")?;
    let slots = f.get("CPython __slots__, bytes per node")?;
    let floor = f.get("Rust node (the floor)")?;
    let boxed = f.get("Rust Box, bytes per node")?;
    let arena = f.get("Rust arena, bytes per node")?;
    let says = format!(
        "a linked-list node of one integer and one link costs CPython {} bytes as a plain object and {} with __slots__ ({:.1}× and {:.1}× the {}-byte Rust node; Rust pays {} bytes per node with a Box each and {} in a bumpalo arena)",
        num(object),
        num(slots),
        object / floor,
        slots / floor,
        num(floor),
        num(boxed),
        num(arena),
    );
    let short = format!(
        "object {:.1}×, slots {:.1}×, arena {:.2}× the floor",
        object / floor,
        slots / floor,
        arena / floor
    );
    let judged = if slots >= object || object < OVERHEAD_MULTIPLE * floor {
        Judgement::fails(says)
    } else if slots > 2.0 * arena {
        Judgement::nuance(format!(
            "{says}: __slots__ cuts the cost, but every node still pays its own header and allocation; only storing the nodes without an object each (an arena, a Vec) comes near the floor"
        ))
    } else {
        Judgement::holds(says)
    };
    Ok(judged.short(short))
}

#[cfg(test)]
mod tests {
    use heaplab_core::claim::{Verdict, verdict_on};

    use super::*;

    fn figures(object: f64, slots: f64, arena: f64) -> [(&'static str, f64); 5] {
        [
            ("CPython object, bytes per node", object),
            ("CPython __slots__, bytes per node", slots),
            ("Rust node (the floor)", 16.0),
            ("Rust Box, bytes per node", 16.0),
            ("Rust arena, bytes per node", arena),
        ]
    }

    #[test]
    fn slots_help_but_the_header_stays() {
        let claims = claims();
        // CPython 3.11-like figures: a slotted node still pays ~5× the floor.
        assert_eq!(
            verdict_on(&claims, 29, &figures(150.0, 80.0, 16.4)),
            Verdict::Nuance
        );
        // If __slots__ brought a node near the arena's cost, the claim would hold as stated.
        assert_eq!(
            verdict_on(&claims, 29, &figures(150.0, 30.0, 16.4)),
            Verdict::Holds
        );
        // __slots__ saving nothing, or no overhead to speak of: it does not hold.
        assert_eq!(
            verdict_on(&claims, 29, &figures(80.0, 80.0, 16.4)),
            Verdict::DoesNotHold
        );
        assert_eq!(
            verdict_on(&claims, 29, &figures(24.0, 20.0, 16.4)),
            Verdict::DoesNotHold
        );
        // A figure missing is never a verdict.
        assert_eq!(
            verdict_on(&claims, 29, &figures(150.0, 80.0, 16.4)[..4]),
            Verdict::NotMeasured
        );
    }
}
