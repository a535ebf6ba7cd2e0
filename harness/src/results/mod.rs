//! The results file: schema, loading with validation, atomic writing
//! (through [`crate::results::files`]).
//!
//! One file holds one run: provenance, the labs' descriptions and facts, and
//! one [`CaseRecord`] per case, size and source (`rust` or `python`). Every
//! metric is either measured or [`Metric::NotMeasured`] with a reason —
//! never a made-up zero.

pub mod files;
pub mod id;
pub mod interpreters;
pub mod metrics;
pub mod provenance;

pub use id::{CaseId, check_name};
pub use metrics::name as metric;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::results::provenance::Provenance;

/// The largest results file heaplab reads. A full run of ten labs is
/// about half a megabyte; anything this large is not a results file.
pub const MAX_RESULTS_BYTES: u64 = 64 * 1024 * 1024;

/// Bumped on every change a reader of an older file would misread.
/// Older files are read and upgraded on load: version 1 (flat
/// `lab`/`workload`/`strategy`/`n` fields, intervals as `ci_low`/`ci_high`)
/// and version 2 (no `reserved_bytes`: each record gets it as not measured).
pub const SCHEMA_VERSION: u32 = 3;

/// What an estimate's interval is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    /// A 95% confidence interval of the median (criterion's bootstrap).
    Ci95,
    /// The fastest and the slowest repeat (CPython's repeats).
    Range,
}

impl Interval {
    /// How tables name it.
    pub fn label(self) -> &'static str {
        match self {
            Interval::Ci95 => "95% CI",
            Interval::Range => "range",
        }
    }
}

/// One measured (or unmeasured) value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Metric {
    /// An exact count: allocations, bytes, instructions.
    Count(u64),
    /// A timing: the median and an interval around it, of a stated kind.
    Estimate {
        /// Median, in the metric's unit.
        median: f64,
        /// Lower end of the interval.
        low: f64,
        /// Upper end of the interval.
        high: f64,
        /// What the interval is.
        interval: Interval,
    },
    /// A series of `[x, y]` points (see [`metrics::Kind::Series`]).
    Series {
        /// The points, in order.
        series: Vec<[f64; 2]>,
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

    /// The central value of a scalar, when measured.
    ///
    /// ```
    /// use heaplab::results::Metric;
    /// assert_eq!(Metric::Count(8).value(), Some(8.0));
    /// assert_eq!(Metric::missing("no valgrind").value(), None);
    /// assert_eq!(Metric::Series { series: vec![[1.0, 2.0]] }.value(), None);
    /// ```
    pub fn value(&self) -> Option<f64> {
        match self {
            Metric::Count(v) => Some(*v as f64),
            Metric::Estimate { median, .. } => Some(*median),
            Metric::Series { .. } | Metric::NotMeasured { .. } => None,
        }
    }

    /// Whether it was measured (a value or a series).
    pub fn is_measured(&self) -> bool {
        !matches!(self, Metric::NotMeasured { .. })
    }

    /// Checks the value is usable: finite, non-negative, interval around the median.
    fn validate(&self) -> Result<(), String> {
        match self {
            Metric::Count(_) => Ok(()),
            Metric::Estimate {
                median, low, high, ..
            } => {
                let ok = [median, low, high]
                    .iter()
                    .all(|v| v.is_finite() && **v >= 0.0)
                    && low <= median
                    && median <= high;
                ok.then_some(()).ok_or_else(|| {
                    format!("estimate {median} [{low}, {high}] is not a finite interval around its median")
                })
            }
            Metric::Series { series } => series
                .iter()
                .all(|p| p.iter().all(|v| v.is_finite()))
                .then_some(())
                .ok_or_else(|| "a series has a non-finite point".to_owned()),
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
    /// Which case, at which size.
    pub id: CaseId,
    /// Rust or Python.
    pub source: Source,
    /// Metric name (see [`metrics::METRICS`]) to value.
    pub metrics: BTreeMap<String, Metric>,
}

impl CaseRecord {
    /// The metric's value, when present and measured.
    pub fn value(&self, name: &str) -> Option<f64> {
        self.metrics.get(name).and_then(Metric::value)
    }

    /// Checks the record: a valid id ([`CaseId::check`]), every metric of
    /// the table present — measured or not measured with a reason — and no
    /// other, each one valid and of its metric's kind.
    ///
    /// # Errors
    ///
    /// What is wrong, naming the record.
    pub fn validate(&self) -> Result<(), String> {
        self.id.check()?;
        let id = &self.id;
        for spec in &metrics::METRICS {
            let Some(metric) = self.metrics.get(spec.name) else {
                return Err(format!(
                    "{id}: metric {} is missing (a metric that was not measured is written as {{\"not_measured\": reason}})",
                    spec.name
                ));
            };
            let kind_ok = match metric {
                Metric::Series { .. } => spec.kind == metrics::Kind::Series,
                Metric::Count(_) | Metric::Estimate { .. } => spec.kind == metrics::Kind::Scalar,
                Metric::NotMeasured { .. } => true,
            };
            if !kind_ok {
                return Err(format!(
                    "{id}: metric {} has a value of the wrong kind",
                    spec.name
                ));
            }
        }
        for (name, metric) in &self.metrics {
            if metrics::spec(name).is_none() {
                return Err(format!("{id}: unknown metric {name}"));
            }
            metric
                .validate()
                .map_err(|why| format!("{id} metric {name}: {why}"))?;
        }
        Ok(())
    }
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
    /// The ids of the ledger's claims this lab measures.
    pub claims: Vec<String>,
    /// Facts from both sources.
    pub facts: Vec<FactRecord>,
    /// Rust strategy to CPython counterpart, per workload: `workload/strategy` → python strategy.
    pub python_counterparts: BTreeMap<String, Vec<String>>,
    /// Why CPython figures are absent, when they are.
    pub python_not_measured: Option<String>,
    /// Workloads whose output keeps what was built (peak per op is memory per object).
    pub keeps_output: Vec<String>,
    /// How the CPython reference took its times (repeats, warm-up, the
    /// collector's state), as it said; `None` when it did not run.
    #[serde(default)]
    pub python_timing: Option<String>,
    /// Pairs of its cases declared as two snapshots of one program
    /// (`Lab::snapshot_diff`), whose live sites the report subtracts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub snapshot_diffs: Vec<SnapshotDiffRecord>,
}

/// Two cases of a lab's workload that are two snapshots of one program
/// (`Lab::snapshot_diff`): `after` runs `before`'s phase, then another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotDiffRecord {
    /// The workload of both cases.
    pub workload: String,
    /// The first snapshot's strategy.
    pub before: String,
    /// The second snapshot's strategy.
    pub after: String,
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
    /// Every record, Rust and Python (the first interpreter's).
    pub cases: Vec<CaseRecord>,
    /// The interpreters after the first: what the claims cite, per lab.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interpreters: Vec<interpreters::InterpreterRecord>,
    /// The claims ledger of this run (see [`crate::claims`]).
    #[serde(default)]
    pub claims: Vec<crate::claims::ClaimRecord>,
    /// The allocation sites still live at the end of the cases that ask
    /// for them (`Case::show_live_sites`), at their largest size, largest
    /// first.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sites: BTreeMap<CaseId, Vec<crate::measure::sites::Site>>,
    /// The profiles of the cases that ask for one (`Case::profile`), at
    /// their largest size.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub profiles: BTreeMap<CaseId, crate::measure::sites::Profile>,
}

impl Results {
    /// The precision of the time family: the median, over the records of
    /// `source` whose time has an interval of kind `interval`, of the
    /// interval's width relative to its median, with how many records
    /// there were. `None` when there are none.
    ///
    /// ```
    /// use heaplab::results::{Interval, Metric, Source, example, metric};
    /// let mut results = example(&[]);
    /// results.cases[0].metrics.insert(metric::TIME_NS.to_owned(), Metric::Estimate {
    ///     median: 100.0, low: 99.0, high: 102.0, interval: Interval::Ci95,
    /// });
    /// assert_eq!(results.time_precision(Source::Rust, Interval::Ci95), Some((0.03, 1)));
    /// assert_eq!(results.time_precision(Source::Python, Interval::Range), None);
    /// ```
    pub fn time_precision(&self, source: Source, interval: Interval) -> Option<(f64, usize)> {
        let mut widths: Vec<f64> = self
            .cases
            .iter()
            .filter(|c| c.source == source)
            .filter_map(|c| match c.metrics.get(metric::TIME_NS) {
                Some(Metric::Estimate {
                    median,
                    low,
                    high,
                    interval: kind,
                }) if *kind == interval && *median > 0.0 => Some((high - low) / median),
                _ => None,
            })
            .collect();
        if widths.is_empty() {
            return None;
        }
        widths.sort_by(f64::total_cmp);
        let mid = widths.len() / 2;
        let median = if widths.len() % 2 == 1 {
            widths[mid]
        } else {
            (widths[mid - 1] + widths[mid]) / 2.0
        };
        Some((median, widths.len()))
    }

    /// Reads and validates a results file. Never modifies it.
    ///
    /// # Errors
    ///
    /// An input error (exit 2) naming the file: unreadable, malformed (including
    /// non-finite numbers, strings in place of numbers, missing fields), or
    /// of another schema version.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let bytes =
            files::read_limited(path, MAX_RESULTS_BYTES).map_err(|e| Error::input(e.message))?;
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
        let mut value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ParseError::Malformed(e.to_string()))?;
        match value
            .get("schema_version")
            .and_then(serde_json::Value::as_u64)
        {
            Some(v) if v == u64::from(SCHEMA_VERSION) => {}
            Some(1) => {
                upgrade_v1(&mut value).map_err(ParseError::Malformed)?;
                upgrade_v2(&mut value);
            }
            Some(2) => upgrade_v2(&mut value),
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
            if !seen.insert((&record.id, record.source)) {
                return Err(format!(
                    "record {} ({:?}) appears twice",
                    record.id, record.source
                ));
            }
        }
        // The further interpreters' records and facts, by the same rules.
        for other in &self.interpreters {
            for (lab, figures) in &other.labs {
                check_name("lab", lab)?;
                if let Some(fact) = figures.facts.iter().find(|f| !f.value.is_finite()) {
                    return Err(format!(
                        "{} {lab}: fact {:?} is not a finite number",
                        other.python, fact.name
                    ));
                }
                let mut seen = std::collections::BTreeSet::new();
                for record in &figures.cases {
                    record
                        .validate()
                        .map_err(|why| format!("{}: {why}", other.python))?;
                    if !seen.insert(&record.id) {
                        return Err(format!(
                            "{}: record {} appears twice",
                            other.python, record.id
                        ));
                    }
                }
            }
        }
        // Live sites and profiles: each of a Rust record of this file.
        for id in self.sites.keys().chain(self.profiles.keys()) {
            id.check()?;
            if !self
                .cases
                .iter()
                .any(|r| r.source == Source::Rust && r.id == *id)
            {
                return Err(format!(
                    "live sites or a profile of {id}, which has no Rust record in this file"
                ));
            }
        }
        Ok(())
    }

    /// The record of a case, from one source.
    pub fn find(&self, id: &CaseId, source: Source) -> Option<&CaseRecord> {
        self.cases
            .iter()
            .find(|r| &r.id == id && r.source == source)
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

/// Rewrites a version 1 document as version 2, in place: record ids
/// become one `id` string, intervals get `low`/`high` and their kind
/// (criterion's 95% CI for Rust records, the range of repeats for CPython's,
/// which is what version 1 stored under `ci_low`/`ci_high`).
fn upgrade_v1(doc: &mut serde_json::Value) -> Result<(), String> {
    use serde_json::{Value, json};
    let bad = |what: &str| format!("version 1 document: {what}");
    let cases = doc
        .get_mut("cases")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| bad("no cases"))?;
    for case in cases {
        let record = case
            .as_object_mut()
            .ok_or_else(|| bad("a case is not an object"))?;
        let text = |record: &mut serde_json::Map<String, Value>, key: &str| match record.remove(key)
        {
            Some(Value::String(s)) => Ok(s),
            Some(Value::Number(n)) => Ok(n.to_string()),
            _ => Err(bad(&format!("a case without {key}"))),
        };
        let parts = [
            text(record, "lab")?,
            text(record, "workload")?,
            text(record, "strategy")?,
        ];
        for (what, name) in ["lab", "workload", "strategy"].iter().zip(&parts) {
            check_name(what, name)?;
        }
        let id = format!("{}/{}", parts.join("/"), text(record, "n")?);
        let interval = match record.get("source").and_then(Value::as_str) {
            Some("python") => "range",
            _ => "ci95",
        };
        record.insert("id".to_owned(), Value::String(id));
        if let Some(metrics) = record.get_mut("metrics").and_then(Value::as_object_mut) {
            for metric in metrics.values_mut() {
                if let Some(m) = metric.as_object_mut()
                    && let (Some(low), Some(high)) = (m.remove("ci_low"), m.remove("ci_high"))
                {
                    m.insert("low".to_owned(), low);
                    m.insert("high".to_owned(), high);
                    m.insert("interval".to_owned(), json!(interval));
                }
            }
        }
    }
    // Version 1 named one counterpart per Rust case; version 2 a list.
    if let Some(labs) = doc.get_mut("labs").and_then(Value::as_array_mut) {
        for lab in labs {
            if let Some(map) = lab
                .get_mut("python_counterparts")
                .and_then(Value::as_object_mut)
            {
                for name in map.values_mut() {
                    if name.is_string() {
                        *name = json!([name.take()]);
                    }
                }
            }
        }
    }
    doc["schema_version"] = json!(2);
    Ok(())
}

/// Version 2 had no `reserved_bytes`: every record, the further
/// interpreters' included, gets it as not measured, with that reason.
fn upgrade_v2(doc: &mut serde_json::Value) {
    use serde_json::{Value, json};
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if map.contains_key("id")
                    && let Some(Value::Object(metrics)) = map.get_mut("metrics")
                {
                    metrics.entry(metric::RESERVED_BYTES).or_insert_with(|| {
                        json!({"not_measured": "recorded before heaplab measured reserved bytes (results schema 2)"})
                    });
                }
                map.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(doc);
    doc["schema_version"] = json!(SCHEMA_VERSION);
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
        profile: "release".into(),
        valgrind: "valgrind".into(),
        python: "python".into(),
        cpu: "cpu".into(),
        cores: 1,
        os: "os".into(),
        phases: BTreeMap::new(),
        jobs: 0,
        work: BTreeMap::new(),
    };
    Results {
        schema_version: SCHEMA_VERSION,
        provenance,
        labs: Vec::new(),
        cases: vec![CaseRecord {
            id: CaseId::new("00-example", "w", "s", 1),
            source: Source::Rust,
            // Every metric, 0 unless given.
            metrics: metrics::names()
                .map(|name| {
                    let v = metrics
                        .iter()
                        .find(|(k, _)| *k == name)
                        .map_or(0, |(_, v)| *v);
                    (name.to_owned(), Metric::Count(v))
                })
                .collect(),
        }],
        interpreters: Vec::new(),
        claims: Vec::new(),
        sites: BTreeMap::new(),
        profiles: BTreeMap::new(),
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
                low: 2.0,
                high: 3.0,
                interval: Interval::Range,
            },
            Metric::Series {
                series: vec![[1.0, 8.0], [2.0, 16.0]],
            },
            Metric::missing("valgrind not found"),
        ];
        let json = serde_json::to_string(&metrics).unwrap();
        assert_eq!(
            json,
            r#"[3,{"median":2.5,"low":2.0,"high":3.0,"interval":"range"},{"series":[[1.0,8.0],[2.0,16.0]]},{"not_measured":"valgrind not found"}]"#
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
            low: 2.0,
            high: 3.0,
            interval: Interval::Ci95,
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn a_further_interpreters_records_are_validated_too() {
        let mut results = example(&[]);
        let mut record = results.cases[0].clone();
        let mut lab = interpreters::InterpreterLab::default();
        lab.cases.push(record.clone());
        results.interpreters.push(interpreters::InterpreterRecord {
            python: "Python 3.12.1".into(),
            executable: "python3.12".into(),
            labs: [("00-example".to_owned(), lab)].into(),
        });
        assert!(results.validate().is_ok());
        record.metrics.remove(metric::ALLOCS);
        results.interpreters[0]
            .labs
            .get_mut("00-example")
            .unwrap()
            .cases
            .push(record);
        let why = results.validate().unwrap_err();
        assert!(
            why.contains("Python 3.12.1") && why.contains("allocs"),
            "{why}"
        );
    }

    #[test]
    fn a_version_1_file_is_upgraded_on_load() {
        let v1 = r#"{"schema_version": 1, "provenance": PROVENANCE, "labs": [], "cases": [
            {"lab": "02-refcount", "workload": "w", "strategy": "rc", "n": 10, "source": "rust",
             "metrics": {"allocs": 1, "bytes": 2, "peak_bytes": 3, "live_bytes": 0, "instructions": 5,
                         "time_ns": {"median": 2.0, "ci_low": 1.0, "ci_high": 3.0}}},
            {"lab": "02-refcount", "workload": "w", "strategy": "refcount", "n": 10, "source": "python",
             "metrics": {"allocs": {"not_measured": "x"}, "bytes": {"not_measured": "x"}, "peak_bytes": 3,
                         "live_bytes": 0, "instructions": {"not_measured": "x"},
                         "time_ns": {"median": 2.0, "ci_low": 1.0, "ci_high": 3.0}}}]}"#;
        let provenance = serde_json::to_string(&example(&[]).provenance).unwrap();
        let Ok(results) = Results::parse(&v1.replace("PROVENANCE", &provenance)) else {
            panic!("a version 1 file is readable");
        };
        assert_eq!(results.schema_version, SCHEMA_VERSION);
        let rust = &results.cases[0];
        assert_eq!(rust.id.to_string(), "02-refcount/w/rc/10");
        assert_eq!(
            rust.metrics[metric::TIME_NS],
            Metric::Estimate {
                median: 2.0,
                low: 1.0,
                high: 3.0,
                interval: Interval::Ci95
            }
        );
        let Metric::Estimate { interval, .. } = results.cases[1].metrics[metric::TIME_NS] else {
            panic!("an estimate");
        };
        assert_eq!(interval, Interval::Range);
        assert!(matches!(
            &rust.metrics[metric::RESERVED_BYTES],
            Metric::NotMeasured { not_measured } if not_measured.contains("schema 2")
        ));
    }

    #[test]
    fn a_version_2_file_gets_reserved_bytes_as_not_measured() {
        let mut doc = serde_json::to_value(example(&[("allocs", 1)])).unwrap();
        doc["schema_version"] = serde_json::json!(2);
        for case in doc["cases"].as_array_mut().unwrap() {
            case["metrics"]
                .as_object_mut()
                .unwrap()
                .remove(metric::RESERVED_BYTES);
        }
        let text = doc.to_string();
        assert!(!text.contains(metric::RESERVED_BYTES));
        let Ok(results) = Results::parse(&text) else {
            panic!("a version 2 file is readable");
        };
        assert_eq!(results.schema_version, SCHEMA_VERSION);
        assert_eq!(results.cases[0].metrics[metric::ALLOCS], Metric::Count(1));
        assert!(!results.cases[0].metrics[metric::RESERVED_BYTES].is_measured());
    }

    #[test]
    fn a_series_is_valid_only_for_a_series_metric() {
        let mut results = example(&[]);
        results.cases[0].metrics.insert(
            metric::ALLOCS.to_owned(),
            Metric::Series {
                series: vec![[1.0, 1.0]],
            },
        );
        let why = results.validate().unwrap_err();
        assert!(why.contains("wrong kind"), "{why}");
    }
}
