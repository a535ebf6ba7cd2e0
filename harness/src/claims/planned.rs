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

/// Every claim whose lab is not built yet, in ledger order.
///
/// ```
/// let planned = heaplab::claims::planned::all();
/// assert!(planned.iter().all(|p| p.claim.rule.is_none()));
/// ```
pub fn all() -> Vec<Planned> {
    // Every lab of the tutorial's map is built: no claim waits for one.
    Vec::new()
}
