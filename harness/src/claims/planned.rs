//! The tutorial's claims whose labs are not built yet: listed in the
//! ledger as `not measured yet`, with the lab that will measure them. When
//! a lab is built, its claims move into the lab's crate (with evidence and a
//! rule) and out of this list; a test checks no id is in both.

use heaplab_core::claim::Claim;

/// One claim waiting for its lab.
pub struct Planned {
    /// The lab that will measure it (its folder name under `labs/`).
    pub lab: &'static str,
    /// The issue that builds that lab.
    pub issue: u32,
    /// The claim, without evidence or rule.
    pub claim: Claim,
}

fn planned(lab: &'static str, issue: u32, claim: Claim) -> Planned {
    Planned { lab, issue, claim }
}

/// Every claim whose lab is not built yet, in ledger order.
///
/// ```
/// let planned = heaplab::claims::planned::all();
/// assert!(planned.iter().all(|p| p.claim.rule.is_none()));
/// ```
pub fn all() -> Vec<Planned> {
    const INTERNALS: &str = "07-object-internals";
    vec![
        planned(
            INTERNALS,
            13,
            Claim::new(
                20,
                "tuple-smaller",
                "A tuple is smaller than a list with the same elements.",
                "Memory Management, Object Internals, example 18; notebook exercise 3",
            ),
        ),
        planned(
            INTERNALS,
            13,
            Claim::new(
                21,
                "object-header",
                "Every object starts with a 16-byte header (reference count and type pointer).",
                "Memory Management, Object Internals, example 18",
            ),
        ),
        planned(
            INTERNALS,
            13,
            Claim::new(
                22,
                "empty-containers",
                "Empty containers already cost memory (the sizes of an empty list, tuple, dict and set).",
                "Memory Management, Object Internals, example 18",
            ),
        ),
        planned(
            INTERNALS,
            13,
            Claim::new(
                23,
                "growth-steps",
                "Lists over-allocate as they grow, and dicts resize at fixed fill points.",
                "Memory Management, Object Internals, example 19",
            ),
        ),
        planned(
            INTERNALS,
            13,
            Claim::new(
                24,
                "array-compact",
                "array.array stores numbers far more compactly than a list.",
                "Memory Management, Object Internals, example 19",
            ),
        ),
    ]
}
