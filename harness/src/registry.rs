//! The one list of labs. Adding a lab: one line in [`labs`].
//!
//! With `HEAPLAB_CALIBRATION=1` the test-only [`crate::calibration`] lab is
//! registered first; every process of a run (the harness, `heap-case`, the
//! bench binaries) sees the same variable and so the same list.

use std::sync::OnceLock;

use heaplab_core::Lab;

/// Every registered lab, in report order (built once per process).
///
/// ```
/// let ids: Vec<_> = heaplab::registry::labs().iter().map(|lab| lab.id).collect();
/// assert!(ids.windows(2).all(|w| w[0] < w[1]), "labs are listed in number order");
/// ```
pub fn labs() -> &'static [Lab] {
    static LABS: OnceLock<Vec<Lab>> = OnceLock::new();
    LABS.get_or_init(|| {
        let calibration = crate::calibration::enabled().then(crate::calibration::lab);
        calibration
            .into_iter()
            .chain([
                lab02_refcount::lab(),
                lab04_slots_vs_dict::lab(),
                lab05_weak_observers::lab(),
                lab08_generators_vs_lists::lab(),
                lab09_lru_vs_unbounded::lab(),
            ])
            .collect()
    })
}

/// The lab whose id is `query` or starts with `query` followed by `-`
/// (so `04` finds `04-slots-vs-dict`).
///
/// ```
/// let lab = heaplab::registry::find("04").unwrap();
/// assert_eq!(lab.id, "04-slots-vs-dict");
/// assert!(heaplab::registry::find("4").is_none());
/// ```
pub fn find(query: &str) -> Option<&'static Lab> {
    labs().iter().find(|lab| {
        lab.id == query
            || lab
                .id
                .strip_prefix(query)
                .is_some_and(|rest| rest.starts_with('-'))
    })
}
