//! The bench binaries in `benches/`: built once with cargo, then run
//! directly, case by case, under the limits of [`crate::measure::child`].
//!
//! [`build`] runs `cargo build --bench time --bench instructions` and reads the executables' paths
//! from cargo's JSON messages. [`resumable`] runs one of them over the
//! plan's items: each binary measures many cases in one process, so when a
//! case panics, is killed, or makes no progress within the per-case limit,
//! that case is recorded with its verdict and the binary is started again
//! at the next case (`HEAPLAB_ITEMS=k..`). One bad case costs its own
//! figures, never the rest of the run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::measure::child::{self, Limits, Stream};
use crate::measure::progress::Progress;
use crate::plan::{ITEMS_ENV, Item, Plan, items_value};
use crate::results::{CaseId, Metric};

/// The longest a build of the bench binaries may take (a first build on a
/// fresh 2-core machine takes about three minutes).
pub const BUILD_LIMIT: Duration = Duration::from_secs(30 * 60);

/// How many attempts in a row may fail the same way before starting any
/// case before a family gives up on the rest: that is a broken tool (a
/// runner that does not start), not a broken case. Cases that fail each in
/// their own way, or time out, never make a family give up.
pub const GIVE_UP_AFTER: usize = 3;

/// What a measurement family produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Values by case: measured, or not measured with the reason (a
    /// panic, a time-out).
    pub metrics: BTreeMap<CaseId, Metric>,
    /// Why every case without an entry in `metrics` has none (a tool
    /// missing, the family gave up), if known.
    pub unmeasured: Option<String>,
    /// What makes the run exit 1: cases that failed, benches that broke.
    pub failures: Vec<String>,
    /// The log of the bench's output, when it ran.
    pub log: Option<PathBuf>,
    /// Seconds of one job each case took (for `heaplab plan`).
    pub seconds: BTreeMap<CaseId, f64>,
}

/// The cargo to use: `$CARGO` (set when run through cargo), else `cargo`.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// The executables of `benches/`.
#[derive(Debug, Clone)]
pub struct Executables {
    /// `benches/time.rs` (criterion).
    pub time: PathBuf,
    /// `benches/instructions.rs` (iai-callgrind).
    pub instructions: PathBuf,
}

/// The cargo profile the bench binaries are built with: the one this
/// heaplab was built with. `make bench` and `make test`'s smoke run use a
/// release heaplab, so their figures are of optimised code; the
/// integration tests run the debug heaplab `cargo test` built, and so reuse
/// the test build instead of compiling everything again, optimised (about
/// five minutes on a fresh 2-core machine). Recorded in each run's
/// provenance; the gate never compares runs of two profiles.
pub const PROFILE: &str = if cfg!(debug_assertions) {
    "dev"
} else {
    "release"
};

/// The cargo arguments that build every binary of the workspace at once,
/// the bench binaries and heaplab itself, in [`PROFILE`]: `--workspace`
/// gives one feature set, so the harness and the benches share their
/// libraries (with `-p heaplab-benches` alone cargo would compile the
/// harness and the labs again under other features).
///
/// ```
/// let args = heaplab::measure::binaries::build_args();
/// assert_eq!(&args[..4], ["build", "--workspace", "--bins", "--bench"]);
/// assert_eq!(args.contains(&"--release"), heaplab::measure::binaries::PROFILE == "release");
/// ```
pub fn build_args() -> Vec<&'static str> {
    // The two benches by name: `--benches` would also build every library's
    // unit tests in bench mode (a lib has `bench = true` by default), a
    // third of a release build for nothing.
    let mut args = vec![
        "build",
        "--workspace",
        "--bins",
        "--bench",
        "time",
        "--bench",
        "instructions",
    ];
    if PROFILE == "release" {
        args.push("--release");
    }
    args
}

/// Builds the bench binaries ([`build_args`]) and returns their paths.
/// iai-callgrind would compile `$IAI_CALLGRIND_RUNNER` into the
/// instructions bench; it is removed from the build's environment so the
/// binaries do not depend on it (and are not rebuilt when it changes): the
/// runner is put on the bench's `PATH` when it runs instead.
///
/// # Errors
///
/// Cargo's own error lines and the log's path when the build fails.
pub fn build(root: &Path, log: &Path, progress: &mut Progress) -> Result<Executables, String> {
    let _ = std::fs::remove_file(log);
    let mut cmd = Command::new(cargo());
    cmd.current_dir(root)
        .args(build_args())
        .arg("--message-format=json-render-diagnostics");
    cmd.env_remove(crate::measure::tools::RUNNER_ENV);
    let mut found: BTreeMap<String, PathBuf> = BTreeMap::new();
    let limits = Limits {
        wall: Some(BUILD_LIMIT),
        ..Limits::default()
    };
    let done = child::run(&mut cmd, &limits, Some(log), |stream, line| {
        match stream {
            Stream::Out => {
                if let Some((name, exe)) = artifact(line) {
                    found.insert(name, exe);
                }
            }
            Stream::Err if line.trim_start().starts_with("Compiling") => {
                progress.message(line.trim());
            }
            Stream::Err => {}
        }
        true
    })?;
    if !done.success() {
        let errors: Vec<&str> = done
            .stderr_tail
            .iter()
            .map(String::as_str)
            .filter(|l| l.starts_with("error"))
            .take(5)
            .collect();
        return Err(format!(
            "building the bench binaries failed ({}){}; see {}",
            done.verdict(),
            if errors.is_empty() {
                String::new()
            } else {
                format!(": {}", errors.join(" / "))
            },
            log.display()
        ));
    }
    let mut take = |name: &str| {
        found
            .remove(name)
            .ok_or_else(|| format!("cargo built no `{name}` bench; see {}", log.display()))
    };
    Ok(Executables {
        time: take("time")?,
        instructions: take("instructions")?,
    })
}

/// `(target name, executable)` of a cargo `compiler-artifact` message for a bench target.
fn artifact(line: &str) -> Option<(String, PathBuf)> {
    let message: serde_json::Value = serde_json::from_str(line).ok()?;
    if message.get("reason")?.as_str()? != "compiler-artifact" {
        return None;
    }
    let target = message.get("target")?;
    let is_bench = target
        .get("kind")?
        .as_array()?
        .iter()
        .any(|k| k.as_str() == Some("bench"));
    if !is_bench {
        return None;
    }
    let name = target.get("name")?.as_str()?.to_owned();
    let exe = message.get("executable")?.as_str()?;
    Some((name, PathBuf::from(exe)))
}

/// What a line of a resumable bench says about its cases, by index in the
/// list being measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Case `k` starts.
    Started(usize),
    /// Case `k` is done.
    Finished(usize),
}

/// How a [`resumable`] run went.
#[derive(Debug, Default)]
pub struct Resumed {
    /// Cases that broke the binary, with the verdict: (item index, reason);
    /// the index is `usize::MAX` when the binary broke after its last case.
    pub failed: Vec<(usize, String)>,
    /// When the family gave up: the first item not attempted, and why.
    pub gave_up: Option<(usize, String)>,
    /// The items given up on, when it did (with `gave_up`'s reason).
    pub abandoned: Vec<usize>,
}

/// Runs `command(rest)` until every item of `indices` (item indices, in
/// the order the binary measures them) has been attempted: when an attempt
/// ends badly, the item it was in (the last one started, else the one
/// after the last finished) is recorded as failed with the child's
/// verdict, and a new attempt starts with the items after it. `parse`
/// reads each output line (and may keep what it measures); its events
/// name item indices.
///
/// The per-case limit is `limits.stall`: an attempt is killed when no case
/// starts or finishes within it. After [`GIVE_UP_AFTER`] attempts in a
/// row that fail at their first case with the same verdict, without a
/// line saying that case started and without timing out (a broken tool),
/// the rest is given up.
pub fn resumable(
    what: &str,
    indices: &[usize],
    limits: &Limits,
    log: &Path,
    mut command: impl FnMut(&[usize]) -> Command,
    mut parse: impl FnMut(Stream, &str) -> Option<Event>,
) -> Resumed {
    let position: BTreeMap<usize, usize> =
        indices.iter().enumerate().map(|(p, &k)| (k, p)).collect();
    let total = indices.len();
    let mut resumed = Resumed::default();
    let mut start = 0;
    let mut fruitless = 0;
    let mut last_verdict = String::new();
    while start < total {
        let (mut last_started, mut last_finished) = (None, None);
        let mut cmd = command(&indices[start..]);
        let done = child::run(&mut cmd, limits, Some(log), |stream, line| {
            match parse(stream, line) {
                Some(Event::Started(k)) => last_started = position.get(&k).copied(),
                Some(Event::Finished(k)) => last_finished = position.get(&k).copied(),
                None => return false,
            }
            true
        });
        let (verdict, timed_out) = match done {
            Ok(done) if done.success() => return resumed,
            Ok(done) => {
                let verdict = done.verdict();
                let timed_out = matches!(
                    verdict,
                    child::Verdict::TimedOut(_) | child::Verdict::Stalled(_)
                );
                (verdict.to_string(), timed_out)
            }
            Err(why) => {
                resumed.abandoned = indices[start..].to_vec();
                resumed.gave_up = Some((indices[start], why));
                return resumed;
            }
        };
        let culprit = [
            Some(start),
            last_started,
            last_finished.map(|k: usize| k + 1),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(start);
        if culprit >= total {
            // It broke after its last case: nothing is lost but the ending.
            resumed.failed.push((
                usize::MAX,
                format!("the {what} bench {verdict} after its last case"),
            ));
            return resumed;
        }
        // A broken tool fails fast and the same way each time, before any
        // case starts; a case that hangs is the case's fault, never the tool's.
        let fruitful = culprit != start || last_started.is_some() || timed_out;
        fruitless = match () {
            () if fruitful => 0,
            () if verdict == last_verdict => fruitless + 1,
            () => 1,
        };
        last_verdict.clone_from(&verdict);
        resumed.failed.push((indices[culprit], verdict.clone()));
        if fruitless >= GIVE_UP_AFTER && culprit + 1 < total {
            resumed.abandoned = indices[culprit + 1..].to_vec();
            resumed.gave_up = Some((
                indices[culprit + 1],
                format!(
                    "the {what} bench failed {GIVE_UP_AFTER} times in a row the same way before starting a case ({verdict}); see {}",
                    log.display()
                ),
            ));
            return resumed;
        }
        start = culprit + 1;
    }
    resumed
}

/// Turns what a [`resumable`] family measured into its [`Outcome`]: a case
/// that broke the binary gets the verdict as its reason (unless it was
/// measured before the break), cases after a give-up get the give-up's
/// reason (in [`Outcome::unmeasured`]), and each is listed as a failure
/// of the run.
pub fn settle(
    what: &str,
    items: &[Item],
    mut metrics: BTreeMap<CaseId, Metric>,
    resumed: Resumed,
    log: &Path,
    progress: &Progress,
) -> Outcome {
    let mut failures = Vec::new();
    for (k, verdict) in resumed.failed {
        let Some(item) = items.get(k) else {
            failures.push(format!("{what}: {verdict}"));
            continue;
        };
        let key = item.id();
        if metrics.contains_key(&key) {
            continue;
        }
        let reason = format!("the case {verdict} (log: {})", log.display());
        progress.note(&format!("{key}: {reason}"));
        failures.push(format!("{what} {key}: {reason}"));
        metrics.insert(key, Metric::missing(reason));
    }
    let unmeasured = resumed.gave_up.map(|(_, reason)| {
        progress.note(&reason);
        failures.push(format!("{what}: {reason}"));
        for item in resumed.abandoned.iter().filter_map(|&k| items.get(k)) {
            metrics
                .entry(item.id())
                .or_insert_with(|| Metric::missing(reason.clone()));
        }
        reason
    });
    Outcome {
        metrics,
        unmeasured,
        failures,
        log: Some(log.to_path_buf()),
        seconds: BTreeMap::new(),
    }
}

/// One run of a bench binary over the plan's items.
pub struct Job<'a> {
    /// The workspace root (the binaries run there).
    pub root: &'a Path,
    /// The bench binary.
    pub exe: &'a Path,
    /// What is measured.
    pub plan: &'a Plan,
    /// The plan's items, in the binary's order.
    pub items: &'a [Item],
    /// The run's scratch directory (logs, the tools' homes).
    pub work: &'a Path,
    /// The per-case limits.
    pub limits: &'a Limits,
}

impl Job<'_> {
    /// The command that measures items `indices` with `args`.
    pub fn command(&self, indices: &[usize], args: &[&str]) -> Command {
        let mut cmd = Command::new(self.exe);
        cmd.current_dir(self.root)
            .args(args)
            .envs(self.plan.env())
            .env(ITEMS_ENV, items_value(indices));
        cmd
    }

    /// `work/name`, emptied: a tool's home for this run only.
    pub fn fresh_dir(&self, name: &str) -> PathBuf {
        let dir = self.work.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake bench over 5 cases: says each case starts, and hangs in
    /// those listed in `$HANG` (or fails at once, with `$BROKEN`).
    fn fake(start: usize) -> Command {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(
                r#"[ -n "$BROKEN" ] && { echo "runner: cannot start" >&2; exit 7; }
                   k=$0; while [ $k -lt 5 ]; do
                     echo "start $k" >&2
                     case " $HANG " in *" $k "*) sleep 60;; esac
                     k=$((k + 1))
                   done"#,
            )
            .arg(start.to_string());
        cmd
    }

    fn parse(stream: Stream, line: &str) -> Option<Event> {
        let k = line.strip_prefix("start ")?.parse().ok()?;
        (stream == Stream::Err).then_some(Event::Started(k))
    }

    /// Runs the fake bench over 5 cases with `var=value` in its environment.
    fn resume_fake(var: &str, value: &str) -> Resumed {
        let log =
            std::env::temp_dir().join(format!("heaplab-fake-{}-{var}.log", std::process::id()));
        let limits = Limits {
            stall: Some(Duration::from_millis(300)),
            ..Limits::default()
        };
        let resumed = resumable(
            "fake",
            &[0, 1, 2, 3, 4],
            &limits,
            &log,
            |rest| {
                let mut cmd = fake(rest[0]);
                cmd.env(var, value);
                cmd
            },
            parse,
        );
        let _ = std::fs::remove_file(&log);
        resumed
    }

    #[test]
    fn hanging_cases_cost_only_themselves_even_three_in_a_row() {
        let resumed = resume_fake("HANG", "1 2 3");
        let failed: Vec<usize> = resumed.failed.iter().map(|(k, _)| *k).collect();
        assert_eq!(failed, [1, 2, 3]);
        assert!(resumed.gave_up.is_none(), "{:?}", resumed.gave_up);
    }

    #[test]
    fn a_broken_tool_is_given_up_after_three_identical_failures() {
        let resumed = resume_fake("BROKEN", "1");
        assert_eq!(resumed.failed.len(), GIVE_UP_AFTER);
        let (next, why) = resumed.gave_up.expect("gave up");
        assert_eq!(next, GIVE_UP_AFTER);
        assert!(why.contains("runner: cannot start"), "{why}");
    }
}
