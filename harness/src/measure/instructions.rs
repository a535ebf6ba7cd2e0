//! Instruction family: iai-callgrind, through the generic `benches/instructions.rs`.
//!
//! The harness makes sure valgrind and the runner are there
//! ([`crate::measure::tools`]), runs the built bench binary with
//! `--output-format=json` and a fresh `IAI_CALLGRIND_HOME` under a
//! per-case time limit ([`crate::measure::binaries::resumable`]), and reads one JSON
//! summary per benchmark from its standard output: the documented
//! machine-readable format, not the human one. Which items each bench
//! process counts, and which sizes are counted at all, is decided by
//! [`crate::measure::parallel`] and [`crate::measure::sizes`].

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;

use crate::measure::binaries::{self, Event, Job, Resumed};
use crate::measure::child::Stream;

/// The `PATH` for the bench: `work/bin` (holding a link to `runner`) first,
/// as the bench starts `iai-callgrind-runner` from its `PATH`.
///
/// # Errors
///
/// Why the link could not be made.
pub fn runner_path(work: &Path, runner: &Path) -> Result<OsString, String> {
    let bin = work.join("bin");
    let _ = std::fs::create_dir_all(&bin);
    let link = bin.join("iai-callgrind-runner");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(runner, &link)
        .map_err(|e| format!("cannot link the runner into {}: {e}", bin.display()))?;
    let mut dirs = vec![bin];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).map_err(|e| format!("cannot build the runner's PATH: {e}"))
}

/// Counts the instructions of items `indices` of `job`'s plan, one bench
/// process at a time (resumed after a case that fails), with `home` as
/// iai-callgrind's home and `path` from [`runner_path`]; `on_count(k, ir)`
/// gets each count as it arrives.
pub fn count(
    job: &Job<'_>,
    path: &OsString,
    home: &Path,
    log: &Path,
    indices: &[usize],
    mut on_count: impl FnMut(usize, u64),
) -> Resumed {
    let by_ident: BTreeMap<String, usize> = indices
        .iter()
        .map(|&k| (job.items[k].id().ident(), k))
        .collect();
    binaries::resumable(
        "instructions",
        indices,
        job.limits,
        log,
        |rest| {
            // Run in the workspace: the runner asks `cargo metadata` where it is.
            let mut cmd = job.command(rest, &["--bench", "--output-format=json"]);
            cmd.env("IAI_CALLGRIND_HOME", home)
                .env("CARGO", binaries::cargo())
                .env("CARGO_PKG_NAME", "heaplab-benches")
                .env("PATH", path);
            cmd
        },
        |stream, line| {
            if stream != Stream::Out {
                return None;
            }
            let (id, ir) = parse_summary(line)?;
            let k = *by_ident.get(&id)?;
            on_count(k, ir);
            Some(Event::Finished(k))
        },
    )
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
