//! Starts the generic bench targets in `benches/` through cargo.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;

use crate::plan::Plan;
use crate::results::Metric;

/// What a measurement family produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Measured values by case key (`lab/workload/strategy/n`).
    pub metrics: BTreeMap<String, Metric>,
    /// Why the family stopped early or could not run, if it did.
    pub failure: Option<String>,
    /// The failure was a crash (the run exits 1), not a missing tool.
    pub crashed: bool,
}

/// A line printed by the bench process.
pub enum Line<'a> {
    /// On standard output (machine-readable, for iai-callgrind).
    Out(&'a str),
    /// On standard error (cargo's build messages, progress, warnings).
    Err(&'a str),
}

/// Why a finished child process failed: its exit status and the last
/// non-empty line it printed on standard error (a panic message, usually).
pub fn failure(out: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no message");
    format!("{}: {last}", out.status)
}

/// The cargo to use: `$CARGO` (set when run through cargo), else `cargo`.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Runs `cargo bench -p heaplab-benches --bench <bench> -- <args>` in
/// `root` with the plan and `env` in its environment. Every output line is
/// appended to `log` and passed to `on_line`.
///
/// # Errors
///
/// A reason naming the log when cargo cannot start or exits unsuccessfully.
pub fn run(
    root: &Path,
    bench: &str,
    plan: &Plan,
    env: &[(&str, &OsStr)],
    args: &[&str],
    log: &Path,
    mut on_line: impl FnMut(Line<'_>),
) -> Result<(), String> {
    if let Some(dir) = log.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut log_file =
        File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let mut cmd = Command::new(cargo());
    cmd.current_dir(root)
        .args([
            "bench",
            "--quiet",
            "-p",
            "heaplab-benches",
            "--bench",
            bench,
            "--",
        ])
        .args(args)
        .envs(plan.env())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        cmd.env(key, value);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", cargo()))?;
    let (tx, rx) = mpsc::channel::<(bool, String)>();
    let readers = [
        (
            true,
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ),
        (
            false,
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ),
    ]
    .map(|(is_out, pipe)| {
        let tx = tx.clone();
        std::thread::spawn(move || {
            if let Some(pipe) = pipe {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    if tx.send((is_out, line)).is_err() {
                        break;
                    }
                }
            }
        })
    });
    drop(tx);
    for (is_out, line) in rx {
        let _ = writeln!(log_file, "{}{line}", if is_out { "" } else { "[stderr] " });
        on_line(if is_out {
            Line::Out(&line)
        } else {
            Line::Err(&line)
        });
    }
    for reader in readers {
        let _ = reader.join();
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for cargo bench: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`cargo bench --bench {bench}` failed ({status}); see {}",
            log.display()
        ))
    }
}
