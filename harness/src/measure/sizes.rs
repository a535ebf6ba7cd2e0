//! Which sizes each family measures: spend measurement where it informs.
//!
//! * **Heap** and **time**: every size of the plan. Heap figures are cheap
//!   and define the labs; wall time is what changes with caches and page
//!   faults as `n` grows, which no smaller size predicts.
//! * **Instructions**: counts are exact, so a case's sizes are counted in
//!   ascending order and counting stops where it would only repeat what is
//!   known: once the count *per op* of the two largest sizes counted so far
//!   agree within [`FLAT_TOLERANCE`], or past the largest size the case
//!   allows ([`heaplab_core::Case::count_instructions_up_to`], with the
//!   lab's reason). A size not counted is recorded as not measured with a
//!   reason starting with [`PLANNED`], never as a number, and the report
//!   lists per family which sizes were measured.

use heaplab_core::Case;

/// The most two per-op instruction counts may differ, relatively, to be
/// "flat" (1%: below what the gate calls a regression).
pub const FLAT_TOLERANCE: f64 = 0.01;

/// How every reason for a size left out by design begins: such a size is
/// measured on neither side of a comparison, and that is no gap.
pub const PLANNED: &str = "not taken at this size: ";

/// Whether a not-measured reason is a size left out by design.
///
/// ```
/// use heaplab::measure::sizes::{PLANNED, is_planned};
/// assert!(is_planned(&format!("{PLANNED}flat")));
/// assert!(!is_planned("the case timed out"));
/// ```
pub fn is_planned(reason: &str) -> bool {
    reason.starts_with(PLANNED)
}

/// Why the instruction family does not count `case` at size `n`, given the
/// counts `(n, instructions)` taken at its smaller sizes (ascending); `None`
/// when it counts it.
///
/// ```
/// use heaplab::measure::sizes::skip_count;
/// use heaplab_core::Case;
/// let case = Case::new("w", "s", &[10, 100, 1000], |n| n, |n: usize| n);
/// // Flat: 5.00 and 5.01 per op.
/// assert!(skip_count(&case, &[(10, 50), (100, 501)], 1000).unwrap().contains("flat"));
/// // Growing: counted.
/// assert_eq!(skip_count(&case, &[(10, 50), (100, 700)], 1000), None);
/// // Too few sizes to tell.
/// assert_eq!(skip_count(&case, &[(10, 50)], 100), None);
/// ```
pub fn skip_count(case: &Case, counted: &[(usize, u64)], n: usize) -> Option<String> {
    if let Some((largest, why)) = case.count_up_to
        && n > largest
    {
        return Some(format!("{PLANNED}{why}"));
    }
    let [.., (n1, c1), (n2, c2)] = counted else {
        return None;
    };
    let per_op = |count: u64, n: usize| count as f64 / n.max(1) as f64;
    let (a, b) = (per_op(*c1, *n1), per_op(*c2, *n2));
    ((b / a.max(f64::MIN_POSITIVE) - 1.0).abs() <= FLAT_TOLERANCE).then(|| {
        format!(
            "{PLANNED}instructions per op are flat ({a:.1} at n = {n1}, {b:.1} at n = {n2}, within {:.0}%), \
             so larger sizes are not counted (callgrind's counts are exact: they would repeat it)",
            FLAT_TOLERANCE * 100.0
        )
    })
}
