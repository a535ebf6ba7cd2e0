//! The CPython references agree with the Rust labs: every counterpart a
//! Rust case names (`Case::with_python`) is a case of its lab's
//! `python/reference.py`, every case of a script is some Rust case's
//! counterpart, and lab 09's script draws the Rust lab's trace bit for bit.
//! These run the scripts (`$PYTHON`, else `python3`: CPython 3.9+ is a
//! requirement of `make test`, as of `make bench`).

use std::path::PathBuf;
use std::process::Command;

use heaplab::measure::python::{self, Counterpart};
use heaplab::registry;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs `lab`'s reference script with its constants and `args`; its stdout.
fn script(lab: &heaplab_core::Lab, args: &[&str]) -> String {
    let path = root().join("labs").join(lab.id).join("python/reference.py");
    let out = Command::new(python::interpreter())
        .arg(&path)
        .arg("--constants")
        .arg(python::constants(lab).to_string())
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {} ({e}): install CPython 3.9+",
                python::interpreter()
            )
        });
    assert!(
        out.status.success(),
        "{} {args:?} failed: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_counterpart_is_a_case_of_its_script_and_every_script_case_is_used() {
    for lab in registry::labs() {
        let listed: Vec<String> = serde_json::from_str(&script(lab, &["--list"])).unwrap();
        let named: Vec<String> = Counterpart::of(lab, |case| case.sizes.to_vec())
            .iter()
            .map(|c| format!("{}/{}", c.workload, c.strategy))
            .collect();
        for name in &named {
            assert!(
                listed.contains(name),
                "{}: a Rust case names the CPython counterpart {name}, which python/reference.py does not have (it has {listed:?})",
                lab.id
            );
        }
        for name in &listed {
            assert!(
                named.contains(name),
                "{}: python/reference.py has the case {name}, which no Rust case names with with_python (it would never be measured)",
                lab.id
            );
        }
    }
}

#[test]
fn lab_09_script_draws_the_rust_trace() {
    let lab = registry::find("09").unwrap();
    let count = 64;
    let printed = script(lab, &["--print-trace", &count.to_string()]);
    let python: Vec<u64> = serde_json::from_str(printed.trim()).unwrap();
    assert_eq!(python, lab09_lru_vs_unbounded::zipf_trace(count, 2_000));
}

#[test]
fn lab_10_script_draws_the_rust_churn_positions() {
    let lab = registry::find("10").unwrap();
    let count = 64;
    let printed = script(lab, &["--print-positions", &count.to_string()]);
    let python: Vec<usize> = serde_json::from_str(printed.trim()).unwrap();
    assert_eq!(python, lab10_arenas_and_slabs::positions(count));
}
