//! Instruction family: iai-callgrind, through the generic `benches/instructions.rs`.
//!
//! The harness makes sure valgrind and the runner are there
//! ([`crate::measure::tools`]), runs the built bench binary with
//! `--output-format=json` and a fresh `IAI_CALLGRIND_HOME` under a
//! per-case time limit ([`crate::measure::binaries::resumable`]), and reads one JSON
//! summary per benchmark from its standard output: the documented
//! machine-readable format, not the human one.

use std::collections::BTreeMap;
use std::path::Path;

use crate::measure::binaries::{self, Event, Job, Outcome};
use crate::measure::child::Stream;
use crate::measure::progress::Progress;
use crate::results::Metric;

/// Counts instructions for `items` (the plan's) with the instructions
/// bench `exe` and iai-callgrind's `runner`, in `work`. A case that fails
/// or outlasts `limits.stall` is recorded as not measured with its
/// verdict; the others are counted.
pub fn measure(job: &Job<'_>, runner: &Path, progress: &mut Progress) -> Outcome {
    let home = job.fresh_dir("iai");
    let log = job.work.join("instructions.log");
    let items = job.items;
    // The bench starts `iai-callgrind-runner` from its PATH: this one first.
    let bin = job.work.join("bin");
    let _ = std::fs::create_dir_all(&bin);
    let link = bin.join("iai-callgrind-runner");
    let _ = std::fs::remove_file(&link);
    let path = match std::os::unix::fs::symlink(runner, &link) {
        Ok(()) => {
            let mut dirs = vec![bin.clone()];
            dirs.extend(std::env::split_paths(
                &std::env::var_os("PATH").unwrap_or_default(),
            ));
            std::env::join_paths(dirs).unwrap_or_default()
        }
        Err(e) => {
            return Outcome {
                unmeasured: Some(format!(
                    "cannot link the runner into {}: {e}",
                    bin.display()
                )),
                failures: vec![format!("instructions: cannot link the runner: {e}")],
                ..Outcome::default()
            };
        }
    };
    let by_ident: BTreeMap<String, usize> = items
        .iter()
        .enumerate()
        .map(|(k, item)| (item.id().ident(), k))
        .collect();
    let mut metrics = BTreeMap::new();
    let resumed = binaries::resumable(
        "instructions",
        items.len(),
        job.limits,
        &log,
        |start| {
            // Run in the workspace: the runner asks `cargo metadata` where it is.
            let mut cmd = job.command(start, &["--bench", "--output-format=json"]);
            cmd.env("IAI_CALLGRIND_HOME", &home)
                .env("CARGO", binaries::cargo())
                .env("CARGO_PKG_NAME", "heaplab-benches")
                .env("PATH", &path);
            cmd
        },
        |stream, line| {
            if stream != Stream::Out {
                return None;
            }
            let (id, ir) = parse_summary(line)?;
            let k = *by_ident.get(&id)?;
            let key = items[k].id();
            progress.step(&key.to_string());
            metrics.insert(key, Metric::Count(ir));
            Some(Event::Finished(k))
        },
    );
    binaries::settle("instructions", items, metrics, resumed, &log, progress)
}

/// The benchmark id and total `Ir` of one JSON summary line.
///
/// ```
/// let line = r#"{"function_name":"l02_x","profiles":[{"summaries":{"total":{"summary":
///     {"Callgrind":{"Ir":{"diffs":null,"metrics":{"Left":{"Int":154171}}}}}}}}]}"#;
/// assert_eq!(heaplab::measure::instructions::parse_summary(line), Some(("l02_x".to_owned(), 154171)));
/// assert_eq!(heaplab::measure::instructions::parse_summary("Compiling ..."), None);
/// ```
pub fn parse_summary(line: &str) -> Option<(String, u64)> {
    let summary: serde_json::Value = serde_json::from_str(line).ok()?;
    let id = summary.get("function_name")?.as_str()?.to_owned();
    let ir = summary
        .pointer("/profiles/0/summaries/total/summary/Callgrind/Ir/metrics/Left/Int")?
        .as_u64()?;
    Some((id, ir))
}
