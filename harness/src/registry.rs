//! The one list of labs.
//!
//! Adding a lab is one crate and one line:
//!
//! 1. a crate under `labs/NN-topic/` (package `labNN-topic`, every folder
//!    there is a workspace member) whose `pub fn lab() -> Lab` builds its
//!    [`Lab`] with [`Lab::new`] and registers its cases with
//!    [`Lab::cases`] (see `heaplab_core`);
//! 2. the line `labNN-topic = { path = "../labs/NN-topic" }` in
//!    `harness/Cargo.toml`: `build.rs` turns those lines into [`labs`].
//!
//! A test fails when a folder under `labs/` is not registered, or a lab's
//! id is not its folder's name.
//!
//! With `HEAPLAB_CALIBRATION=1` the test-only [`crate::checks::calibration`] lab is
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
        let calibration =
            crate::checks::calibration::enabled().then(crate::checks::calibration::lab);
        calibration
            .into_iter()
            .chain(include!(concat!(env!("OUT_DIR"), "/labs.rs")))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_snapshot_diff_pairs_two_live_sites_cases_of_its_lab() {
        for lab in labs() {
            for diff in &lab.snapshot_diffs {
                if let Err(why) = diff.check(lab) {
                    panic!("lab {}: {why}", lab.id);
                }
            }
        }
        let lab06 = find("06").expect("lab 06 registered");
        assert_eq!(lab06.snapshot_diffs.len(), 1, "lab 06 diffs its two phases");
    }

    #[test]
    fn every_folder_under_labs_is_registered_under_its_own_name() {
        let root = crate::measure::workspace_root();
        let mut folders: Vec<String> = std::fs::read_dir(root.join("labs"))
            .expect("labs/ exists")
            .flatten()
            .filter(|e| e.path().join("Cargo.toml").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        folders.sort();
        let ids: Vec<&str> = labs()
            .iter()
            .map(|lab| lab.id)
            .filter(|id| !id.starts_with("00-"))
            .collect();
        assert_eq!(
            folders, ids,
            "every labs/NN-topic folder needs its line `labNN-topic = {{ path = \"../labs/NN-topic\" }}` in harness/Cargo.toml, and Lab::new(\"NN-topic\", ...)"
        );
        for folder in &folders {
            let manifest =
                std::fs::read_to_string(root.join("labs").join(folder).join("Cargo.toml")).unwrap();
            assert!(
                manifest.contains(&format!("name = \"lab{folder}\"")),
                "labs/{folder}/Cargo.toml: the package is named lab{folder}"
            );
        }
    }
}
