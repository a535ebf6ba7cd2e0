//! The results file: schema, loading with validation, atomic writing
//! (through [`crate::results::files`]).
//!
//! One file holds one run: provenance, the labs' descriptions and facts, and
//! one [`CaseRecord`] per case, size and source (`rust` or `python`). Every
//! metric is either measured or [`Metric::NotMeasured`] with a reason —
//! never a made-up zero.

pub mod files;
pub mod provenance;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::results::provenance::Provenance;
use crate::error::Error;

/// The largest results file heaplab reads. A full run of ten labs is
/// about half a megabyte; anything this large is not a results file.
pub const MAX_RESULTS_BYTES: u64 = 64 * 1024 * 1024;

/// Bumped on every change a reader of an older file would misread.
pub const SCHEMA_VERSION: u32 = 1;

/// Metric names, each with its unit. Totals for the whole case at size `n`;
/// the report divides by `n` for "per op".
pub mod metric {
    /// Heap blocks allocated during the run and the drop of its output (count).
    pub const ALLOCS: &str = "allocs";
    /// Bytes requested by those allocations, in total (bytes).
    pub const BYTES: &str = "bytes";
    /// Most bytes live at once during the run and the drop (bytes).
    pub const PEAK_BYTES: &str = "peak_bytes";
    /// Bytes still live after the output was dropped: a leak (bytes).
    pub const LIVE_BYTES: &str = "live_bytes";
    /// Wall time of the run, median with interval (nanoseconds).
    pub const TIME_NS: &str = "time_ns";
    /// Instructions executed by the run, under callgrind (count).
    pub const INSTRUCTIONS: &str = "instructions";
    /// Every metric a Rust case record carries, in report order.
    pub const ALL: [&str; 6] = [ALLOCS, BYTES, PEAK_BYTES, LIVE_BYTES, TIME_NS, INSTRUCTIONS];
}

/// One measured (or unmeasured) value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Metric {
    /// An exact count: allocations, bytes, instructions.
    Count(u64),
    /// A timing: the median and an interval around it. For criterion the
    /// interval is its 95% confidence interval of the median; for Python it
    /// is the fastest and slowest of the repeats.
    Estimate {
        /// Median, in the metric's unit.
        median: f64,
        /// Lower end of the interval.
        ci_low: f64,
        /// Upper end of the interval.
        ci_high: f64,
    },
    /// Not measured, and why (shown as "not measured: why").
    NotMeasured {
        /// The reason, e.g. "valgrind not found".
        not_measured: String,
    },
}

impl Metric {
    /// A not-measured marker with its reason.
    pub fn missing(reason: impl Into<String>) -> Self {
        Metric::NotMeasured {
            not_measured: reason.into(),
        }
    }

    /// The central value, when measured.
    ///
    /// ```
    /// use heaplab::results::Metric;
    /// assert_eq!(Metric::Count(8).value(), Some(8.0));
    /// assert_eq!(Metric::missing("no valgrind").value(), None);
    /// ```
    pub fn value(&self) -> Option<f64> {
        match self {
            Metric::Count(v) => Some(*v as f64),
            Metric::Estimate { median, .. } => Some(*median),
            Metric::NotMeasured { .. } => None,
        }
    }

    /// Checks the value is usable: finite, non-negative, interval around the median.
    fn validate(&self) -> Result<(), String> {
        match self {
            Metric::Count(_) => Ok(()),
            Metric::Estimate {
                median,
                ci_low,
                ci_high,
            } => {
                let ok = [median, ci_low, ci_high]
                    .iter()
                    .all(|v| v.is_finite() && **v >= 0.0)
                    && ci_low <= median
                    && median <= ci_high;
                ok.then_some(()).ok_or_else(|| {
                    format!("estimate {median} [{ci_low}, {ci_high}] is not a finite interval around its median")
                })
            }
            Metric::NotMeasured { not_measured } if not_measured.trim().is_empty() => {
                Err("a not_measured entry has an empty reason".to_owned())
            }
            Metric::NotMeasured { .. } => Ok(()),
        }
    }
}

/// Which implementation produced a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The Rust case, measured by the harness.
    Rust,
    /// The lab's `python/reference.py`, run by CPython.
    Python,
}

/// One case at one size, from one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseRecord {
    /// Lab id, e.g. `04-slots-vs-dict`.
    pub lab: String,
    /// Workload name.
    pub workload: String,
    /// Strategy name (for Python, the reference script's name).
    pub strategy: String,
    /// Input size.
    pub n: u64,
    /// Rust or Python.
    pub source: Source,
    /// Metric name (see [`metric`]) to value.
    pub metrics: BTreeMap<String, Metric>,
}

impl CaseRecord {
    /// The metric's value, when present and measured.
    pub fn value(&self, name: &str) -> Option<f64> {
        self.metrics.get(name).and_then(Metric::value)
    }

    /// `lab/workload/strategy/n`.
    pub fn key(&self) -> String {
        crate::plan::case_key(&self.lab, &self.workload, &self.strategy, self.n as usize)
    }

    /// Checks the record: names that are safe in paths and keys, `n` at
    /// least 1 (figures are divided by it), every metric of
    /// [`metric::ALL`] present — measured or not measured with a reason —
    /// and no other, each one valid.
    ///
    /// # Errors
    ///
    /// What is wrong, naming the record.
    pub fn validate(&self) -> Result<(), String> {
        for (what, name) in [
            ("lab", &self.lab),
            ("workload", &self.workload),
            ("strategy", &self.strategy),
        ] {
            check_name(what, name)?;
        }
        let key = self.key();
        if self.n == 0 {
            return Err(format!("{key}: n is 0 (sizes start at 1)"));
        }
        for name in metric::ALL {
            if !self.metrics.contains_key(name) {
                return Err(format!(
                    "{key}: metric {name} is missing (a metric that was not measured is written as {{\"not_measured\": reason}})"
                ));
            }
        }
        for (name, metric) in &self.metrics {
            if !metric::ALL.contains(&name.as_str()) {
                return Err(format!("{key}: unknown metric {name}"));
            }
            metric
                .validate()
                .map_err(|why| format!("{key} metric {name}: {why}"))?;
        }
        Ok(())
    }
}

/// Checks a lab, workload or strategy name: 1 to 64 ASCII letters, digits,
/// `-`, `_`, `.` or `+`, not starting with `.` (names become file names
/// and keys; `../x` or `a/b` must never reach a path).
///
/// ```
/// use heaplab::results::check_name;
/// assert!(check_name("lab", "04-slots-vs-dict").is_ok());
/// assert!(check_name("workload", "../../etc").is_err());
/// assert!(check_name("strategy", "").is_err());
/// ```
///
/// # Errors
///
/// What is wrong with the name.
pub fn check_name(what: &str, name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.+".contains(&b));
    ok.then_some(()).ok_or_else(|| {
        format!(
            "{what} name {name:?} is not 1–64 letters, digits, '-', '_', '.' or '+' (not starting with '.')"
        )
    })
}

/// A fact stated by a lab or its Python reference (see `heaplab_core::Fact`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactRecord {
    /// What is stated.
    pub name: String,
    /// Its value.
    pub value: f64,
    /// Its unit.
    pub unit: String,
    /// Who stated it.
    pub source: Source,
}

/// A lab as described when the run was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabRecord {
    /// Lab id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Tutorial section mirrored.
    pub section: String,
    /// The tutorial's claims tested.
    pub claims: Vec<String>,
    /// Facts from both sources.
    pub facts: Vec<FactRecord>,
    /// Rust strategy to CPython counterpart, per workload: `workload/strategy` → python strategy.
    pub python_counterparts: BTreeMap<String, String>,
    /// Why CPython figures are absent, when they are.
    pub python_not_measured: Option<String>,
    /// Workloads whose output keeps what was built (peak per op is memory per object).
    pub keeps_output: Vec<String>,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Results {
    /// [`SCHEMA_VERSION`] of the writer.
    pub schema_version: u32,
    /// Where, when and how the numbers were made.
    pub provenance: Provenance,
    /// The labs measured.
    pub labs: Vec<LabRecord>,
    /// Every record, Rust and Python.
    pub cases: Vec<CaseRecord>,
}


impl Results {
    /// Reads and validates a results file. Never modifies it.
    ///
    /// # Errors
    ///
    /// An input error (exit 2) naming the file: unreadable, malformed (including
    /// non-finite numbers, strings in place of numbers, missing fields), or
    /// of another schema version.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let bytes = files::read_limited(path, MAX_RESULTS_BYTES)
            .map_err(|e| Error::input(e.message))?;
        let malformed = |why: &str| {
            Error::input(format!(
                "{} is not a valid heaplab results file: {why}; regenerate it with `heaplab bench`",
                path.display()
            ))
        };
        let text = String::from_utf8(bytes).map_err(|_| malformed("not UTF-8 text"))?;
        Self::parse(&text).map_err(|e| match e {
            ParseError::Version(found) => Error::input(format!(
                "{} has schema version {found}, this heaplab reads version {SCHEMA_VERSION}; regenerate it with `heaplab bench`",
                path.display()
            )),
            ParseError::Malformed(why) => malformed(&why),
        })
    }

    fn parse(text: &str) -> Result<Self, ParseError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ParseError::Malformed(e.to_string()))?;
        match value
            .get("schema_version")
            .and_then(serde_json::Value::as_u64)
        {
            Some(v) if v == u64::from(SCHEMA_VERSION) => {}
            Some(v) => return Err(ParseError::Version(v)),
            None => {
                return Err(ParseError::Malformed(
                    "no numeric schema_version".to_owned(),
                ));
            }
        }
        let results: Results =
            serde_json::from_value(value).map_err(|e| ParseError::Malformed(e.to_string()))?;
        results.validate().map_err(ParseError::Malformed)?;
        Ok(results)
    }

    /// Checks every record (see [`CaseRecord::validate`]), every lab and
    /// fact, and that no record appears twice.
    ///
    /// # Errors
    ///
    /// The first problem found.
    pub fn validate(&self) -> Result<(), String> {
        for lab in &self.labs {
            check_name("lab", &lab.id)?;
            for fact in &lab.facts {
                if !fact.value.is_finite() {
                    return Err(format!(
                        "{}: fact {:?} is not a finite number",
                        lab.id, fact.name
                    ));
                }
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for record in &self.cases {
            record.validate()?;
            let key = (
                &record.lab,
                &record.workload,
                &record.strategy,
                record.n,
                record.source,
            );
            if !seen.insert(key) {
                return Err(format!(
                    "record {}/{}/{}/{} ({:?}) appears twice",
                    record.lab, record.workload, record.strategy, record.n, record.source
                ));
            }
        }
        Ok(())
    }

    /// The record for a case key, from one source.
    pub fn find(
        &self,
        lab: &str,
        workload: &str,
        strategy: &str,
        n: u64,
        source: Source,
    ) -> Option<&CaseRecord> {
        self.cases.iter().find(|r| {
            r.lab == lab
                && r.workload == workload
                && r.strategy == strategy
                && r.n == n
                && r.source == source
        })
    }

    /// Validates, serializes and writes atomically (see
    /// [`files::write_atomic`]): heaplab never writes a file its own loader
    /// would reject.
    ///
    /// # Errors
    ///
    /// An input error (exit 2) for a non-regular target; a run error
    /// (exit 1) for an I/O error or (a bug) results that do not validate.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        self.validate().map_err(|why| {
            Error::run(format!(
                "not writing {}: invalid results: {why}",
                path.display()
            ))
        })?;
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::run(format!("cannot serialize results: {e}")))?;
        text.push('\n');
        files::write_atomic(path, text.as_bytes())
    }
}

enum ParseError {
    Version(u64),
    Malformed(String),
}

/// A one-case results document with the given counts (every other metric
/// 0), for examples and tests.
#[doc(hidden)]
pub fn example(metrics: &[(&str, u64)]) -> Results {
    let provenance = Provenance {
        command: "example".into(),
        mode: "smoke".into(),
        date: "1970-01-01T00:00:00Z".into(),
        host: "example".into(),
        git_revision: "0".into(),
        git_dirty: false,
        rustc: "rustc".into(),
        crates: BTreeMap::new(),
        valgrind: "valgrind".into(),
        python: "python".into(),
        cpu: "cpu".into(),
        cores: 1,
        os: "os".into(),
    };
    Results {
        schema_version: SCHEMA_VERSION,
        provenance,
        labs: Vec::new(),
        cases: vec![CaseRecord {
            lab: "00-example".into(),
            workload: "w".into(),
            strategy: "s".into(),
            n: 1,
            source: Source::Rust,
            // Every metric, 0 unless given.
            metrics: metric::ALL
                .iter()
                .map(|name| {
                    let v = metrics
                        .iter()
                        .find(|(k, _)| k == name)
                        .map_or(0, |(_, v)| *v);
                    ((*name).to_owned(), Metric::Count(v))
                })
                .collect(),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untagged_metrics_round_trip() {
        let metrics = [
            Metric::Count(3),
            Metric::Estimate {
                median: 2.5,
                ci_low: 2.0,
                ci_high: 3.0,
            },
            Metric::missing("valgrind not found"),
        ];
        let json = serde_json::to_string(&metrics).unwrap();
        assert_eq!(
            json,
            r#"[3,{"median":2.5,"ci_low":2.0,"ci_high":3.0},{"not_measured":"valgrind not found"}]"#
        );
        let back: Vec<Metric> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, metrics);
    }

    #[test]
    fn a_string_or_fraction_in_place_of_a_count_is_rejected() {
        assert!(serde_json::from_str::<Metric>(r#""12""#).is_err());
        assert!(serde_json::from_str::<Metric>("-1").is_err());
        assert!(serde_json::from_str::<Metric>("NaN").is_err());
    }

    #[test]
    fn an_inverted_interval_is_rejected() {
        let bad = Metric::Estimate {
            median: 1.0,
            ci_low: 2.0,
            ci_high: 3.0,
        };
        assert!(bad.validate().is_err());
    }
}
