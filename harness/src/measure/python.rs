//! The CPython column: runs each lab's `python/reference.py`.
//!
//! The scripts use the standard library only and share
//! `harness/python/heaplab_ref.py`, which measures with tracemalloc and
//! `perf_counter_ns` and prints the metric table's names, as JSON Lines:
//! one record per case as soon as it is measured, then a closing line with
//! the facts and how times were taken. Each counterpart a Rust case names
//! (`Case::with_python`) is asked for at its Rust cases' sizes
//! (`--case workload/strategy=n,...`), and the lab's constants are passed
//! in (`--constants`), never retyped in Python. The interpreter is `python3`, or `$PYTHON`
//! when set; it must be CPython 3.9 or newer (`tracemalloc.reset_peak`).
//! A missing or too old interpreter, or a missing script, is a reason
//! ("not measured: ..."), not an error. A case that hangs or crashes the
//! script is recorded with its verdict and the script resumes after it.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde::Deserialize;

use heaplab_core::{Case, Constant, Lab};

use crate::measure::binaries::{self, Event};
use crate::measure::child::{Limits, Stream};
use crate::measure::events::Started;
use crate::results::metrics::METRICS;
use crate::results::{CaseId, CaseRecord, FactRecord, Metric, Source};

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

/// What `executable --version` says (`Python 3.12.1`), or `not found`.
pub fn version(executable: &str) -> String {
    crate::measure::child::query(Command::new(executable).arg("--version"))
        .unwrap_or_else(|| "not found".to_owned())
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
    version_at_least(
        version,
        OLDEST,
        "the CPython references need it (they use tracemalloc.reset_peak)",
    )
}

/// Checks what `python --version` printed against `oldest`; `who` says
/// what needs that version, for the reason.
///
/// ```
/// use heaplab::measure::python::version_at_least;
/// assert!(version_at_least("Python 3.8.18", (3, 8), "x").is_ok());
/// assert!(version_at_least("Python 3.7.1", (3, 8), "the grader").unwrap_err().contains("3.8 or newer"));
/// ```
///
/// # Errors
///
/// The reason, naming the version found.
pub fn version_at_least(version: &str, oldest: (u32, u32), who: &str) -> Result<(), String> {
    let found = version.strip_prefix("Python ").and_then(|v| {
        let mut parts = v.split('.').map(|p| p.trim().parse::<u32>());
        Some((parts.next()?.ok()?, parts.next()?.ok()?))
    });
    match found {
        Some(v) if v >= oldest => Ok(()),
        Some(_) => Err(format!(
            "{version} is too old: {}.{} or newer is needed ({who}); set {PYTHON_ENV}= to a newer interpreter",
            oldest.0, oldest.1
        )),
        None => Err(format!(
            "no usable CPython ({} --version said: {version}); set {PYTHON_ENV}= to a CPython {}.{}+ interpreter",
            interpreter(),
            oldest.0,
            oldest.1
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
    /// How the script took its times, as it said.
    pub timing: Option<String>,
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
    timing: String,
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

/// How the references take their times (see `harness/python/heaplab_ref.py`):
/// each repeat lasts at least `min_time_ms` (runs per repeat chosen like
/// timeit's autorange, the calibration serving as warm-up), up to
/// `repeats` repeats within `budget_ms`, never fewer than 3 (or `repeats`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Most repeats.
    pub repeats: usize,
    /// Least duration of one repeat, in milliseconds.
    pub min_time_ms: u64,
    /// Time for all repeats of one case, in milliseconds.
    pub budget_ms: u64,
}

/// Which metrics one run of a reference script takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Heap figures and times.
    Both,
    /// Heap figures only (tracemalloc: deterministic, so it may run beside
    /// other work).
    Heap,
    /// Times only (alone on the machine).
    Time,
}

impl Pass {
    /// The script's `--only` value.
    fn only(self) -> Option<&'static str> {
        match self {
            Pass::Both => None,
            Pass::Heap => Some("heap"),
            Pass::Time => Some("time"),
        }
    }
}

/// How `heaplab_ref.py` marks a heap metric in its time pass (`IN_HEAP_PASS` there).
const IN_HEAP_PASS: &str = "taken by the heap pass";

/// The heap metrics of CPython records (the rest are times or not taken).
const HEAP_METRICS: [&str; 2] = [
    crate::results::metric::PEAK_BYTES,
    crate::results::metric::LIVE_BYTES,
];

/// One lab's CPython run from its two passes: each record's heap figures
/// from the heap pass, its time from the time pass; a record one pass did
/// not give says why in the other's metrics.
///
/// ```
/// use heaplab::measure::python::{PythonRun, merge};
/// use heaplab::results::{example, Metric, Source};
/// let mut heap = PythonRun::default();
/// let mut record = example(&[("peak_bytes", 64)]).cases.remove(0);
/// record.source = Source::Python;
/// heap.cases.push(record.clone());
/// let mut time = PythonRun::default();
/// record.metrics.insert("peak_bytes".into(), Metric::missing("taken by the heap pass"));
/// time.cases.push(record);
/// let merged = merge(Ok(heap), Ok(time)).unwrap();
/// assert_eq!(merged.cases[0].metrics["peak_bytes"], Metric::Count(64));
/// ```
///
/// # Errors
///
/// When both passes failed: the time pass's reason.
pub fn merge(
    heap: Result<PythonRun, String>,
    time: Result<PythonRun, String>,
) -> Result<PythonRun, String> {
    let (heap, mut time) = match (heap, time) {
        (Err(_), Err(why)) => return Err(why),
        (Ok(heap), Err(why)) => (
            heap,
            PythonRun {
                not_measured: Some(why),
                ..PythonRun::default()
            },
        ),
        (Err(why), Ok(time)) => (
            PythonRun {
                not_measured: Some(why),
                ..PythonRun::default()
            },
            time,
        ),
        (Ok(heap), Ok(time)) => (heap, time),
    };
    let heap_why = heap
        .not_measured
        .clone()
        .unwrap_or_else(|| "the heap pass gave no figure for this case".to_owned());
    let time_why = time
        .not_measured
        .clone()
        .unwrap_or_else(|| "the time pass gave no figure for this case".to_owned());
    // In the order the script measured them (the time pass's, then any
    // only the heap pass gave).
    let mut cases: Vec<CaseRecord> = std::mem::take(&mut time.cases);
    let mut at: BTreeMap<CaseId, usize> = cases
        .iter()
        .enumerate()
        .map(|(k, r)| (r.id.clone(), k))
        .collect();
    for mut record in heap.cases {
        match at.get(&record.id).map(|&k| &mut cases[k]) {
            Some(timed) => {
                for name in HEAP_METRICS {
                    if let Some(m) = record.metrics.remove(name) {
                        timed.metrics.insert(name.to_owned(), m);
                    }
                }
            }
            None => {
                record.metrics.insert(
                    crate::results::metric::TIME_NS.to_owned(),
                    Metric::missing(format!("the time pass: {time_why}")),
                );
                at.insert(record.id.clone(), cases.len());
                cases.push(record);
            }
        }
    }
    // Records the heap pass did not give: their heap metrics say why.
    for record in &mut cases {
        for name in HEAP_METRICS {
            if matches!(record.metrics.get(name), Some(Metric::NotMeasured { not_measured }) if not_measured.starts_with(IN_HEAP_PASS))
            {
                record.metrics.insert(
                    name.to_owned(),
                    Metric::missing(format!("the heap pass: {heap_why}")),
                );
            }
        }
    }
    let mut failures = heap.failures;
    failures.extend(time.failures);
    Ok(PythonRun {
        not_measured: if cases.is_empty() {
            time.not_measured.or(heap.not_measured)
        } else {
            None
        },
        facts: if time.facts.is_empty() {
            heap.facts
        } else {
            time.facts
        },
        timing: time.timing,
        cases,
        failures,
    })
}

/// One CPython counterpart to measure: its workload and strategy, and the
/// sizes its Rust cases run at in this plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counterpart {
    /// The workload.
    pub workload: &'static str,
    /// The reference script's strategy name.
    pub strategy: &'static str,
    /// Ascending sizes.
    pub sizes: Vec<usize>,
}

impl Counterpart {
    /// Every counterpart `lab` names (`Case::with_python`), each at the
    /// union of the sizes its Rust cases have under `sizes_of`.
    ///
    /// ```
    /// use heaplab::measure::python::Counterpart;
    /// let lab = heaplab::registry::find("04").unwrap();
    /// let all = Counterpart::of(lab, |case| case.sizes.to_vec());
    /// assert!(all.iter().any(|c| c.workload == "create" && c.strategy == "slots"));
    /// ```
    pub fn of(lab: &Lab, sizes_of: impl Fn(&Case) -> Vec<usize>) -> Vec<Counterpart> {
        let mut all: Vec<Counterpart> = Vec::new();
        for case in &lab.cases {
            for &strategy in &case.python {
                let sizes = sizes_of(case);
                match all
                    .iter_mut()
                    .find(|c| c.workload == case.workload && c.strategy == strategy)
                {
                    Some(known) => known.sizes.extend(sizes),
                    None => all.push(Counterpart {
                        workload: case.workload,
                        strategy,
                        sizes,
                    }),
                }
            }
        }
        for c in &mut all {
            c.sizes.sort_unstable();
            c.sizes.dedup();
        }
        // A counterpart with no size left (capped below its smallest) is
        // not asked for at all: the script refuses an empty size list.
        all.retain(|c| !c.sizes.is_empty());
        all
    }

    /// The counterparts `lab`'s claims cite (see `heaplab_core::claim`), each
    /// at the sizes they cite among those of [`Counterpart::of`]: what a
    /// further interpreter measures for the ledger; for its time pass
    /// (`timed`) those cited for a time, for its heap pass the others.
    ///
    /// ```
    /// use heaplab::measure::python::Counterpart;
    /// let lab = heaplab::registry::find("04").unwrap();
    /// let cited = Counterpart::cited(lab, |case| case.sizes.to_vec(), false);
    /// let slots = cited.iter().find(|c| c.workload == "create" && c.strategy == "slots").unwrap();
    /// // Its memory per object is read at 100 000 (its time, at the largest, by the time pass).
    /// assert_eq!(slots.sizes, [100_000]);
    /// assert!(cited.iter().all(|c| c.workload != "read" || c.strategy != "columns"));
    /// // Only what a time figure is cited for needs the time pass, only what
    /// // a heap figure is cited for the heap pass.
    /// let timed = Counterpart::cited(lab, |case| case.sizes.to_vec(), true);
    /// assert!(timed.iter().all(|c| c.workload != "create" || c.strategy != "hybrid"));
    /// let heap = Counterpart::cited(lab, |case| case.sizes.to_vec(), false);
    /// assert!(heap.iter().all(|c| c.workload != "read"));
    /// ```
    pub fn cited(
        lab: &Lab,
        sizes_of: impl Fn(&Case) -> Vec<usize>,
        timed: bool,
    ) -> Vec<Counterpart> {
        use heaplab_core::claim::{Locator, Side};
        let mut cited = Vec::new();
        for mut counterpart in Self::of(lab, sizes_of) {
            let mut sizes = Vec::new();
            for evidence in lab.claims.iter().flat_map(|c| &c.evidence) {
                let Locator::Metric {
                    workload,
                    strategy,
                    at,
                    metric,
                    ..
                } = evidence.locator
                else {
                    continue;
                };
                if evidence.side != Side::Python
                    || timed != (metric == crate::results::metric::TIME_NS)
                    || workload != counterpart.workload
                    || strategy != counterpart.strategy
                {
                    continue;
                }
                let all: Vec<u64> = counterpart.sizes.iter().map(|s| *s as u64).collect();
                sizes.extend(at.pick(&all).map(|n| n as usize));
            }
            sizes.sort_unstable();
            sizes.dedup();
            if !sizes.is_empty() {
                counterpart.sizes = sizes;
                cited.push(counterpart);
            }
        }
        cited
    }

    /// The script's `--case` argument: `workload/strategy=n,n,...`.
    pub fn arg(&self) -> String {
        let sizes: Vec<String> = self.sizes.iter().map(usize::to_string).collect();
        format!("{}/{}={}", self.workload, self.strategy, sizes.join(","))
    }
}

/// The sizes `case`'s CPython counterparts are measured at among `sizes`
/// (see [`heaplab_core::Case::measure_python_up_to`]).
///
/// ```
/// use heaplab::measure::python::sizes_of;
/// use heaplab_core::Case;
/// let case = Case::new("w", "s", &[10, 100], |n| n, |n: usize| n).measure_python_up_to(10, "slow");
/// assert_eq!(sizes_of(&case, vec![10, 100]), [10]);
/// ```
pub fn sizes_of(case: &Case, sizes: Vec<usize>) -> Vec<usize> {
    sizes
        .into_iter()
        .filter(|&n| case.python_measured_at(n))
        .collect()
}

/// A record for every CPython counterpart at each size of `sizes_of` that
/// its case leaves out by design ([`heaplab_core::Case::measure_python_up_to`])
/// and no other case of the same counterpart measures: every metric not
/// measured, with the lab's reason, so the report says why the cell is empty.
///
/// ```
/// use heaplab::measure::python::{Counterpart, planned};
/// let lab = heaplab::registry::find("09").unwrap();
/// let records = planned(lab, |case| case.sizes.to_vec(), &Counterpart::of(lab, |case| case.sizes.to_vec()));
/// assert!(records.is_empty(), "every size is asked for");
/// let measured = Counterpart::of(lab, |case| heaplab::measure::python::sizes_of(case, case.sizes.to_vec()));
/// let records = planned(lab, |case| case.sizes.to_vec(), &measured);
/// assert!(records.iter().any(|r| r.id.strategy == "list-lru" && r.id.n == 100_000));
/// assert!(records.iter().all(|r| r.value("time_ns").is_none()));
/// ```
pub fn planned(
    lab: &Lab,
    sizes_of: impl Fn(&Case) -> Vec<usize>,
    measured: &[Counterpart],
) -> Vec<CaseRecord> {
    let mut records: BTreeMap<CaseId, CaseRecord> = BTreeMap::new();
    for case in &lab.cases {
        let Some((_, why)) = case.python_up_to else {
            continue;
        };
        for n in sizes_of(case) {
            for &strategy in &case.python {
                let asked = measured.iter().any(|c| {
                    c.workload == case.workload && c.strategy == strategy && c.sizes.contains(&n)
                });
                if asked || case.python_measured_at(n) {
                    continue;
                }
                let id = CaseId::new(lab.id, case.workload, strategy, n as u64);
                let reason = format!("{}{why}", crate::measure::sizes::PLANNED);
                records.entry(id.clone()).or_insert_with(|| CaseRecord {
                    id,
                    source: Source::Python,
                    metrics: METRICS
                        .iter()
                        .map(|spec| (spec.name.to_owned(), Metric::missing(reason.clone())))
                        .collect(),
                });
            }
        }
    }
    records.into_values().collect()
}

/// The lab's constants as the JSON object the references read
/// (`--constants`): what both implementations share is typed once, in Rust.
///
/// ```
/// let lab = heaplab::registry::find("09").unwrap();
/// let json = heaplab::measure::python::constants(lab);
/// assert_eq!(json["VALUE_BYTES"], 256);
/// ```
pub fn constants(lab: &Lab) -> serde_json::Value {
    lab.constants
        .iter()
        .map(|(name, value)| {
            let json = match value {
                Constant::Int(v) => serde_json::json!(v),
                Constant::Float(v) => serde_json::json!(v),
                Constant::Text(v) => serde_json::json!(v),
            };
            ((*name).to_owned(), json)
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// Runs `root/labs/<lab>/python/reference.py` with the interpreter
/// `python` over `counterparts`, with
/// the lab's constants and `timing`. Each measurement may take
/// `limits.stall`; the log goes to `log`.
///
/// # Errors
///
/// The reason to show as "not measured" for the whole lab when it cannot
/// run at all (no interpreter, no script). A script that runs and
/// misbehaves is reported in [`PythonRun::failures`] instead.
#[allow(clippy::too_many_arguments)]
pub fn run(
    python: &str,
    root: &Path,
    lab: &Lab,
    counterparts: &[Counterpart],
    timing: Timing,
    pass: Pass,
    limits: &Limits,
    log: &Path,
) -> Result<PythonRun, String> {
    let lab_id = lab.id;
    let script = root
        .join("labs")
        .join(lab_id)
        .join("python")
        .join("reference.py");
    if !script.is_file() {
        return Err(format!("no reference script at {}", script.display()));
    }
    let constants = constants(lab).to_string();
    let mut out = PythonRun::default();
    let mut records: BTreeMap<usize, CaseRecord> = BTreeMap::new();
    let mut end: Option<End> = None;
    let mut malformed: Vec<String> = Vec::new();
    let mut starts: BTreeMap<usize, CaseId> = BTreeMap::new();
    // Exactly one measurement per counterpart and size.
    let total = counterparts.iter().map(|c| c.sizes.len()).sum::<usize>();
    let _ = std::fs::remove_file(log);
    let resumed = binaries::resumable(
        &format!("{lab_id} reference.py"),
        &(0..total).collect::<Vec<_>>(),
        limits,
        log,
        |rest| {
            let mut cmd = Command::new(python);
            cmd.arg(&script);
            for counterpart in counterparts {
                cmd.arg("--case").arg(counterpart.arg());
            }
            cmd.arg("--constants")
                .arg(&constants)
                .arg("--repeats")
                .arg(timing.repeats.to_string())
                .arg("--min-time-ms")
                .arg(timing.min_time_ms.to_string())
                .arg("--budget-ms")
                .arg(timing.budget_ms.to_string())
                .arg("--skip")
                .arg(rest[0].to_string());
            if let Some(only) = pass.only() {
                cmd.arg("--only").arg(only);
            }
            cmd
        },
        |stream, line| match stream {
            Stream::Err => {
                let started = Started::parse(line)?;
                starts.insert(started.index, started.case);
                Some(Event::Started(started.index))
            }
            Stream::Out => {
                if let Ok(indexed) = serde_json::from_str::<Indexed>(line) {
                    let k = indexed.index;
                    let mut metrics = indexed.record.metrics;
                    // What the reference does not measure, it may leave out.
                    for spec in &METRICS {
                        metrics.entry(spec.name.to_owned()).or_insert_with(|| {
                            Metric::missing(format!(
                                "the CPython reference does not measure {}",
                                spec.label
                            ))
                        });
                    }
                    let record = CaseRecord {
                        id: CaseId::new(
                            lab_id,
                            &indexed.record.workload,
                            &indexed.record.strategy,
                            indexed.record.n,
                        ),
                        source: Source::Python,
                        metrics,
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
        let record = starts.remove(&k).map(|id| CaseRecord {
            id,
            source: Source::Python,
            metrics: METRICS
                .iter()
                .map(|m| (m.name.to_owned(), Metric::missing(reason.clone())))
                .collect(),
        });
        match record {
            Some(record)
                if !records.contains_key(&k)
                    && record.id.lab == lab_id
                    && record.validate().is_ok()
                    && !records.values().any(|r| r.id == record.id) =>
            {
                out.failures
                    .push(format!("{} (CPython): {reason}", record.id));
                records.insert(k, record);
            }
            _ if k == usize::MAX => out.failures.push(format!("{}: {reason}", script.display())),
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
    let end = match end {
        Some(end) => end,
        None if records.is_empty() => {
            broken(
                &mut out,
                format!(
                    "{} never printed its closing line; see {}",
                    script.display(),
                    log.display()
                ),
            );
            return Ok(out);
        }
        // Its last case broke it (a time-out at the largest size): what it
        // measured before stands; only the facts and timing line are lost.
        None => {
            out.failures.push(format!(
                "{} never printed its closing line (its facts are missing); see {}",
                script.display(),
                log.display()
            ));
            End {
                lab: lab_id.to_owned(),
                python: String::new(),
                facts: Vec::new(),
                records: total,
                timing: String::new(),
            }
        }
    };
    if end.lab != lab_id {
        broken(
            &mut out,
            format!(
                "{} reports lab '{}', expected '{lab_id}'",
                script.display(),
                end.lab
            ),
        );
        return Ok(out);
    }
    let mut seen = std::collections::BTreeSet::new();
    for record in records.into_values() {
        let asked = counterparts.iter().any(|c| {
            c.workload == record.id.workload
                && c.strategy == record.id.strategy
                && c.sizes.contains(&(record.id.n as usize))
        });
        if !asked {
            out.failures.push(format!(
                "{} printed {}, which it was not asked for",
                script.display(),
                record.id
            ));
        } else if seen.insert(record.id.clone()) {
            out.cases.push(record);
        } else {
            out.failures
                .push(format!("{} printed {} twice", script.display(), record.id));
        }
    }
    if (end.records != total || out.cases.len() != total) && out.failures.is_empty() {
        out.failures.push(format!(
            "{} was asked for {total} records, announced {} and printed {}",
            script.display(),
            end.records,
            out.cases.len()
        ));
    }
    out.timing = Some(end.timing).filter(|t| !t.is_empty());
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

fn clip(line: &str) -> String {
    let cut: String = line.chars().take(120).collect();
    if cut.len() < line.len() {
        format!("{cut}…")
    } else {
        cut
    }
}
