//! The CPython column: runs each lab's `python/reference.py`.
//!
//! The scripts use the standard library only and share
//! `harness/python/heaplab_ref.py`, which measures with tracemalloc and
//! `perf_counter_ns` and prints the same metric names as the Rust side, as
//! JSON Lines: one record per case as soon as it is measured, then a
//! closing line with the facts. The interpreter is `python3`, or `$PYTHON`
//! when set; it must be CPython 3.9 or newer (`tracemalloc.reset_peak`).
//! A missing or too old interpreter, or a missing script, is a reason
//! ("not measured: ..."), not an error. A case that hangs or crashes the
//! script is recorded with its verdict and the script resumes after it.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde::Deserialize;

use crate::measure::binaries::{self, Event};
use crate::measure::child::{Limits, Stream};
use crate::results::{CaseRecord, FactRecord, Metric, Source};

/// Environment variable naming the Python interpreter.
pub const PYTHON_ENV: &str = "PYTHON";

/// The oldest CPython the references run on: `tracemalloc.reset_peak` is 3.9+.
pub const OLDEST: (u32, u32) = (3, 9);

/// The interpreter to run: `$PYTHON`, else `python3`.
pub fn interpreter() -> String {
    std::env::var(PYTHON_ENV)
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "python3".to_owned())
}

/// Checks what `python --version` printed: `Ok` for CPython 3.9 or newer,
/// else the reason to show as "not measured".
///
/// ```
/// use heaplab::measure::python::check_version;
/// assert!(check_version("Python 3.11.7").is_ok());
/// assert!(check_version("Python 3.8.18").unwrap_err().contains("3.9 or newer"));
/// assert!(check_version("Python 2.7.18").is_err());
/// assert!(check_version("not found").is_err());
/// ```
///
/// # Errors
///
/// The reason, naming the version found.
pub fn check_version(version: &str) -> Result<(), String> {
    let found = version.strip_prefix("Python ").and_then(|v| {
        let mut parts = v.split('.').map(|p| p.trim().parse::<u32>());
        Some((parts.next()?.ok()?, parts.next()?.ok()?))
    });
    match found {
        Some(v) if v >= OLDEST => Ok(()),
        Some(_) => Err(format!(
            "{version} is too old: the CPython references need {}.{} or newer (they use tracemalloc.reset_peak); set {PYTHON_ENV}= to a newer interpreter",
            OLDEST.0, OLDEST.1
        )),
        None => Err(format!(
            "no usable CPython ({} --version said: {version}); set {PYTHON_ENV}= to a CPython 3.9+ interpreter",
            interpreter()
        )),
    }
}

/// What one reference script measured.
#[derive(Debug, Default)]
pub struct PythonRun {
    /// One record per case and size, source `python`.
    pub cases: Vec<CaseRecord>,
    /// The script's facts, source `python`.
    pub facts: Vec<FactRecord>,
    /// What went wrong without stopping the script from measuring the rest
    /// (a case that hung or crashed, a record that was not valid).
    pub failures: Vec<String>,
    /// Why the lab has no CPython figures, when the script broke before
    /// giving any (also listed in `failures`).
    pub not_measured: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
enum Line {
    #[serde(rename = "record")]
    Record(serde::de::IgnoredAny),
    #[serde(rename = "end")]
    End(End),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Indexed {
    index: usize,
    record: DocCase,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct End {
    lab: String,
    #[allow(dead_code)]
    python: String,
    facts: Vec<DocFact>,
    records: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocCase {
    workload: String,
    strategy: String,
    n: u64,
    metrics: BTreeMap<String, Metric>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocFact {
    name: String,
    value: f64,
    unit: String,
}

/// Runs `root/labs/<lab>/python/reference.py`, each workload at its own
/// sizes (`workload`, sizes); workloads not listed are not run. `cases` is
/// the lab's number of Rust cases (the script has at most as many per
/// size). Each measurement may take `limits.stall`; the log goes to `log`.
///
/// # Errors
///
/// The reason to show as "not measured" for the whole lab when it cannot
/// run at all (no interpreter, no script). A script that runs and
/// misbehaves is reported in [`PythonRun::failures`] instead.
pub fn run(
    root: &Path,
    lab: &str,
    cases: usize,
    sizes: &[(&str, Vec<usize>)],
    repeats: usize,
    limits: &Limits,
    log: &Path,
) -> Result<PythonRun, String> {
    let python = interpreter();
    let script = root
        .join("labs")
        .join(lab)
        .join("python")
        .join("reference.py");
    if !script.is_file() {
        return Err(format!("no reference script at {}", script.display()));
    }
    let mut out = PythonRun::default();
    let mut records: BTreeMap<usize, CaseRecord> = BTreeMap::new();
    let mut end: Option<End> = None;
    let mut malformed: Vec<String> = Vec::new();
    let mut starts: BTreeMap<usize, (String, String, u64)> = BTreeMap::new();
    // At most one measurement per case and size: a bound, so a script
    // that keeps failing further on cannot be restarted without end.
    let most = sizes.iter().map(|(_, ns)| ns.len()).sum::<usize>() * cases.max(1);
    let resumed = binaries::resumable(
        &format!("{lab} reference.py"),
        most,
        limits,
        log,
        |start| {
            let mut cmd = Command::new(&python);
            cmd.arg(&script);
            for (workload, ns) in sizes {
                let ns: Vec<String> = ns.iter().map(usize::to_string).collect();
                cmd.arg("--sizes")
                    .arg(format!("{workload}={}", ns.join(",")));
            }
            cmd.arg("--repeats")
                .arg(repeats.to_string())
                .arg("--skip")
                .arg(start.to_string());
            cmd
        },
        |stream, line| match stream {
            Stream::Err => {
                let (k, id) = started(line)?;
                starts.insert(k, id);
                Some(Event::Started(k))
            }
            Stream::Out => {
                if let Ok(indexed) = serde_json::from_str::<Indexed>(line) {
                    let k = indexed.index;
                    let record = CaseRecord {
                        lab: lab.to_owned(),
                        workload: indexed.record.workload,
                        strategy: indexed.record.strategy,
                        n: indexed.record.n,
                        source: Source::Python,
                        metrics: indexed.record.metrics,
                    };
                    match record.validate() {
                        Ok(()) => {
                            records.insert(k, record);
                        }
                        Err(why) => malformed.push(format!("record {}: {why}", k + 1)),
                    }
                    return Some(Event::Finished(k));
                }
                match serde_json::from_str::<Line>(line) {
                    _ if line.trim().is_empty() => {}
                    Ok(Line::End(e)) => end = Some(e),
                    Ok(Line::Record(_)) => malformed.push("a record without its index".to_owned()),
                    Err(e) => malformed.push(format!("unreadable line ({e}): {}", clip(line))),
                }
                None
            }
        },
    );
    if let Some((_, why)) = &resumed.gave_up {
        let why = why.replace("bench ", "script ");
        if records.is_empty() && why.contains(" not found") {
            return Err(why);
        }
        out.failures.push(why);
    }
    for (k, verdict) in resumed.failed {
        let reason = format!("the case {verdict} (log: {})", log.display());
        // The case's record says why it has no figures, when its progress
        // line named it validly; the failure is reported either way.
        let record = starts.remove(&k).map(|(workload, strategy, n)| CaseRecord {
            lab: lab.to_owned(),
            workload,
            strategy,
            n,
            source: Source::Python,
            metrics: crate::results::metric::ALL
                .iter()
                .map(|m| ((*m).to_owned(), Metric::missing(reason.clone())))
                .collect(),
        });
        match record {
            Some(record)
                if !records.contains_key(&k)
                    && record.validate().is_ok()
                    && !records.values().any(|r| r.key() == record.key()) =>
            {
                out.failures
                    .push(format!("{} (CPython): {reason}", record.key()));
                records.insert(k, record);
            }
            _ => out.failures.push(format!(
                "{} measurement {}: {reason}",
                script.display(),
                k + 1
            )),
        }
    }
    for why in malformed {
        out.failures
            .push(format!("{} printed {why}", script.display()));
    }
    let broken = |out: &mut PythonRun, why: String| {
        out.failures.push(why.clone());
        out.cases.clear();
        out.not_measured = Some(why);
    };
    let Some(end) = end else {
        broken(
            &mut out,
            format!(
                "{} never printed its closing line; see {}",
                script.display(),
                log.display()
            ),
        );
        return Ok(out);
    };
    if end.lab != lab {
        broken(
            &mut out,
            format!(
                "{} reports lab '{}', expected '{lab}'",
                script.display(),
                end.lab
            ),
        );
        return Ok(out);
    }
    let mut seen = std::collections::BTreeSet::new();
    for record in records.into_values() {
        if seen.insert((record.workload.clone(), record.strategy.clone(), record.n)) {
            out.cases.push(record);
        } else {
            out.failures.push(format!(
                "{} printed {}/{}/{} twice",
                script.display(),
                record.workload,
                record.strategy,
                record.n
            ));
        }
    }
    let missing = end.records.saturating_sub(out.cases.len());
    if missing > 0 && out.failures.is_empty() {
        out.failures.push(format!(
            "{} announced {} records and printed {}",
            script.display(),
            end.records,
            out.cases.len()
        ));
    }
    out.facts = end
        .facts
        .into_iter()
        .filter(|f| f.value.is_finite())
        .map(|f| FactRecord {
            name: f.name,
            value: f.value,
            unit: f.unit,
            source: Source::Python,
        })
        .collect();
    Ok(out)
}

/// The measurement index and `(workload, strategy, n)` of a
/// `[k/N] python LAB WORKLOAD/STRATEGY/n` progress line.
fn started(line: &str) -> Option<(usize, (String, String, u64))> {
    let (counter, rest) = line.trim_start().strip_prefix('[')?.split_once(']')?;
    let rest = rest.trim_start().strip_prefix("python ")?;
    let k = counter
        .split('/')
        .next()?
        .trim()
        .parse::<usize>()
        .ok()?
        .checked_sub(1)?;
    let (_lab, id) = rest.trim().split_once(' ')?;
    let mut parts = id.rsplitn(3, '/');
    let n = parts.next()?.parse().ok()?;
    let strategy = parts.next()?.to_owned();
    let workload = parts.next()?.to_owned();
    Some((k, (workload, strategy, n)))
}

fn clip(line: &str) -> String {
    let cut: String = line.chars().take(120).collect();
    if cut.len() < line.len() {
        format!("{cut}…")
    } else {
        cut
    }
}
