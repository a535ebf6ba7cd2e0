//! Heap figures and instruction counts do not depend on how many jobs take
//! them: the calibration lab at its full sizes, measured serially
//! (`--jobs 1`) and in parallel (`--jobs 2`), gives identical figures and
//! leaves out the same sizes for the same reasons: `ladder/flat` stops
//! counting after two sizes (its count per op is flat), `ladder/quadratic`
//! is counted at every size (the queue's follow-up path).

use std::path::Path;
use std::process::Command;

use heaplab::checks::calibration::{ENABLE_ENV, ID};
use heaplab::measure::sizes::is_planned;
use heaplab::results::{Metric, Results, Source, metric};

fn measure(jobs: &str, out: &Path) -> Results {
    let status = Command::new(env!("CARGO_BIN_EXE_heaplab"))
        .env(ENABLE_ENV, "1")
        .args(["bench", "--lab", ID, "--skip", "time", "--skip", "python"])
        .args(["--jobs", jobs, "--out"])
        .arg(out)
        .status()
        .expect("heaplab runs");
    assert!(status.success(), "heaplab bench --jobs {jobs}: {status}");
    Results::load(&out.join("latest.json")).expect("results load")
}

#[test]
fn serial_and_parallel_runs_give_identical_heap_figures_and_instruction_counts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let serial = measure("1", &dir.path().join("serial"));
    let parallel = measure("2", &dir.path().join("parallel"));
    assert_eq!((serial.provenance.jobs, parallel.provenance.jobs), (1, 2));
    let rust = |r: &Results| {
        r.cases
            .iter()
            .filter(|c| c.source == Source::Rust)
            .map(|c| (c.id.to_string(), c.metrics.clone()))
            .collect::<Vec<_>>()
    };
    let (serial, parallel) = (rust(&serial), rust(&parallel));
    assert_eq!(serial.len(), 8, "{serial:?}");
    let names = [
        metric::ALLOCS,
        metric::BYTES,
        metric::PEAK_BYTES,
        metric::LIVE_BYTES,
        metric::INSTRUCTIONS,
    ];
    for ((id, a), (other, b)) in serial.iter().zip(&parallel) {
        assert_eq!(id, other);
        for name in names {
            assert_eq!(a[name], b[name], "{id} {name}");
            let planned = matches!(&a[name], Metric::NotMeasured { not_measured } if is_planned(not_measured));
            // Only the flat ladder's largest size is left out.
            let left_out = name == metric::INSTRUCTIONS && id.ends_with("ladder/flat/100000");
            assert_eq!(planned, left_out, "{id} {name}: {:?}", a[name]);
            assert!(
                left_out || a[name].is_measured(),
                "{id} {name}: {:?}",
                a[name]
            );
        }
    }
}
