//! Comparing two runs: the regression gate behind `heaplab regress` and
//! `heaplab compare`.
//!
//! Rules per metric family (each threshold configurable, see [`Thresholds`]):
//!
//! | family | metrics | regression when | why |
//! | --- | --- | --- | --- |
//! | heap | `allocs` | any increase beyond [`Thresholds::count_tolerance`] (default 0) | dhat counts are exact and deterministic |
//! | heap | `bytes`, `peak_bytes`, `live_bytes` | an increase beyond [`Thresholds::bytes_tolerance_pct`] (default 0%) | requested sizes are deterministic for one toolchain |
//! | heap | `live_bytes` | going from 0 to anything, whatever the tolerance | a new leak |
//! | heap | `reserved_bytes` | an increase beyond [`Thresholds::reserved_tolerance_pct`] (default 1%) and 256 bytes | usable sizes also depend on where earlier frees left free chunks |
//! | instructions | `instructions` | an increase beyond [`Thresholds::instructions_pct`] (default 1%) | callgrind counts repeat; code layout may shift them slightly |
//! | time | `time_ns` | the intervals do not overlap *and* the median rose more than [`Thresholds::time_noise_pct`] (default 5%) | wall time is noisy: a warning unless [`Thresholds::fail_on_time`] |
//!
//! Decreases beyond the same thresholds are reported as improvements and
//! never fail. Only Rust records are gated; CPython's are the reference, not
//! the product.
//!
//! The gate fails *closed*: what it cannot compare is never taken as a
//! pass. [`Comparison::refusal`] turns these into exit 2 with what to do:
//!
//! * a family measured on one side only, or on neither (valgrind missing
//!   here or when the baseline was saved), unless allowed with
//!   `--allow-missing FAMILY` (a size that both runs left out by design,
//!   see [`crate::measure::sizes`], is not a gap);
//! * a baseline case of a lab this run measured that is absent from the
//!   run, unless `--allow-missing cases`;
//! * a different toolchain (rustc), build profile, valgrind, heap or instruction crate
//!   version, or mode, unless `--allow-mismatch` (a different CPU, OS or
//!   Python only warns: heap and instruction figures do not depend on them);
//! * nothing compared that could fail the gate (times alone only warn).

use std::collections::{BTreeMap, BTreeSet};

use crate::results::metrics::{Family, METRICS, MetricSpec, Rule};
use crate::results::provenance::Provenance;
use crate::results::{CaseId, CaseRecord, Metric, Results, Source};

/// Parses a percentage or tolerance: a finite number, zero or more.
///
/// ```
/// use heaplab::gate::rules::non_negative;
/// assert_eq!(non_negative("2.5"), Ok(2.5));
/// assert!(non_negative("NaN").is_err());
/// assert!(non_negative("-1").is_err());
/// assert!(non_negative("inf").is_err());
/// ```
///
/// # Errors
///
/// What is wrong with the text.
pub fn non_negative(text: &str) -> Result<f64, String> {
    let v: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number"))?;
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(format!("'{text}' must be a finite number, 0 or more"))
    }
}

/// The thresholds of the gate.
#[derive(Debug, Clone, Copy, PartialEq, clap::Args)]
pub struct Thresholds {
    /// Allocation count increase tolerated (absolute, per case).
    #[arg(long, default_value_t = 0)]
    pub count_tolerance: u64,
    /// Byte increase tolerated, in percent (bytes, peak_bytes, live_bytes).
    #[arg(long, default_value_t = 0.0, value_parser = non_negative)]
    pub bytes_tolerance_pct: f64,
    /// Reserved-bytes increase tolerated, in percent (256 bytes are always tolerated).
    #[arg(long, default_value_t = 1.0, value_parser = non_negative)]
    pub reserved_tolerance_pct: f64,
    /// Instruction increase tolerated, in percent.
    #[arg(long, default_value_t = 1.0, value_parser = non_negative)]
    pub instructions_pct: f64,
    /// Median time increase below which a time change is noise, in percent.
    #[arg(long, default_value_t = 5.0, value_parser = non_negative)]
    pub time_noise_pct: f64,
    /// Make a time regression fail the gate (by default it only warns).
    #[arg(long)]
    pub fail_on_time: bool,
}

/// What may be missing from a run without failing the gate closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Missing {
    /// dhat's heap figures (allocs, bytes, peak_bytes, live_bytes).
    Heap,
    /// The bytes the allocator reserved (reserved_bytes): glibc only, and
    /// absent from results written before heaplab measured them.
    Reserved,
    /// Wall time.
    Time,
    /// Instruction counts.
    Instructions,
    /// Whole cases of a lab the run measured.
    Cases,
}

impl Missing {
    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Missing::Heap => "heap",
            Missing::Reserved => "reserved",
            Missing::Time => "time",
            Missing::Instructions => "instructions",
            Missing::Cases => "cases",
        }
    }

    /// The family a metric belongs to.
    ///
    /// ```
    /// use heaplab::gate::rules::Missing;
    /// use heaplab::results::metrics::spec;
    /// assert_eq!(Missing::of(spec("peak_bytes").unwrap()), Missing::Heap);
    /// assert_eq!(Missing::of(spec("reserved_bytes").unwrap()), Missing::Reserved);
    /// assert_eq!(Missing::of(spec("instructions").unwrap()), Missing::Instructions);
    /// ```
    pub fn of(spec: &MetricSpec) -> Self {
        if spec.name == crate::results::metric::RESERVED_BYTES {
            return Missing::Reserved;
        }
        match spec.family {
            Family::Heap => Missing::Heap,
            Family::Time => Missing::Time,
            Family::Instructions => Missing::Instructions,
        }
    }
}

/// When the gate refuses to give a verdict instead of passing.
#[derive(Debug, Clone, Default, PartialEq, clap::Args)]
pub struct Closure {
    /// Let this family (heap, time, instructions) or whole cases be missing
    /// from the run without exit 2 (repeatable).
    #[arg(long, value_enum)]
    pub allow_missing: Vec<Missing>,
    /// Compare even when rustc, valgrind, a measuring crate or the mode
    /// differs from the baseline (normally exit 2: save a new baseline).
    #[arg(long)]
    pub allow_mismatch: bool,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            count_tolerance: 0,
            bytes_tolerance_pct: 0.0,
            reserved_tolerance_pct: 1.0,
            instructions_pct: 1.0,
            time_noise_pct: 5.0,
            fail_on_time: false,
        }
    }
}

/// The verdict on one metric of one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Worse beyond the threshold: fails the gate.
    Regression,
    /// A time regression that only warns (no `--fail-on-time`).
    Warning,
    /// Better beyond the threshold.
    Improvement,
    /// Within the threshold.
    Unchanged,
    /// One side not measured: not compared.
    NotCompared,
}

impl Verdict {
    /// The verdict as the tables print it.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Regression => "REGRESSION",
            Verdict::Warning => "warning",
            Verdict::Improvement => "improvement",
            Verdict::Unchanged => "unchanged",
            Verdict::NotCompared => "not compared",
        }
    }
}

/// One compared metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `lab/workload/strategy/n`.
    pub case: CaseId,
    /// Metric name.
    pub metric: &'static str,
    /// Baseline value, when measured.
    pub baseline: Option<f64>,
    /// This run's value, when measured.
    pub now: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
    /// Why, in a few words (a new leak, non-overlapping intervals, a reason not measured).
    pub note: String,
}

/// The whole comparison.
#[derive(Debug, Default)]
pub struct Comparison {
    /// Every metric that changed, or could not be compared, worst first.
    pub rows: Vec<Row>,
    /// Metrics compared and found unchanged (not listed as rows).
    pub unchanged: usize,
    /// Case keys in the baseline but not in this run.
    pub missing: Vec<CaseId>,
    /// Case keys in this run but not in the baseline.
    pub added: Vec<CaseId>,
    /// Provenance differences worth a warning: (what, baseline, now).
    pub provenance: Vec<(String, String, String)>,
    /// Provenance differences that make figures incomparable: (what, baseline, now).
    pub mismatches: Vec<(String, String, String)>,
    /// Per family: how many figures could not be compared because one side
    /// (or both) did not measure them, and the first reason given.
    pub gaps: BTreeMap<Missing, (usize, String)>,
    /// Metrics compared that can fail the gate (both sides measured; time
    /// only with `--fail-on-time`).
    pub compared: usize,
    /// Claims whose verdict changed under an interpreter both runs have:
    /// a warning, never a failure (see [`verdict_changes`]).
    pub claims: Vec<VerdictChange>,
}

/// A claim's verdict that differs between the baseline and the run.
#[derive(Debug, Clone, PartialEq)]
pub struct VerdictChange {
    /// `10 (slots-halve-memory)`.
    pub claim: String,
    /// The interpreter.
    pub python: String,
    /// The baseline's verdict.
    pub before: heaplab_core::claim::Verdict,
    /// This run's.
    pub now: heaplab_core::claim::Verdict,
    /// Whether the verdict rests on wall times, which move between runs.
    pub timed: bool,
}

impl VerdictChange {
    /// One line for the terminal and the job summary.
    pub fn line(&self) -> String {
        format!(
            "claim {} under {}: verdict was \"{}\", now \"{}\"{}",
            self.claim,
            self.python,
            self.before,
            self.now,
            if self.timed {
                " (it rests on wall times, which move between runs)"
            } else {
                ""
            }
        )
    }
}

/// The claims whose verdict changed between `baseline` and `now`, under
/// each interpreter both have, both ledgers computed by today's rules from
/// each file's figures (see [`crate::claims::of`]).
pub fn verdict_changes(baseline: &Results, now: &Results) -> Vec<VerdictChange> {
    changes(&crate::claims::of(baseline), &crate::claims::of(now))
}

/// The verdicts that differ between two ledgers, under each interpreter
/// both have. A verdict on one side against `not measured yet` on the
/// other is a figure missing, not a changed verdict: not listed.
///
/// ```
/// use heaplab::gate::rules::changes;
/// use heaplab_core::claim::Verdict;
/// let now = heaplab::claims::ledger(&heaplab::results::example(&[]), heaplab::registry::labs());
/// let mut before = now.clone();
/// assert!(changes(&before, &now).is_empty());
/// let mut now = now;
/// before[0].verdicts[0].verdict = Verdict::Holds;
/// // A figure missing on one side is not a changed verdict.
/// assert!(changes(&before, &now).is_empty());
/// now[0].verdicts[0].verdict = Verdict::Nuance;
/// let found = changes(&before, &now);
/// assert_eq!((found[0].before, found[0].now), (Verdict::Holds, Verdict::Nuance));
/// assert!(found[0].line().contains("verdict was \"holds\", now \"holds with nuance\""));
/// ```
pub fn changes(
    before: &[crate::claims::ClaimRecord],
    now: &[crate::claims::ClaimRecord],
) -> Vec<VerdictChange> {
    let mut changes = Vec::new();
    for claim in now {
        let Some(old) = before.iter().find(|c| c.id == claim.id) else {
            continue;
        };
        for v in &claim.verdicts {
            if let Some(was) = old.verdicts.iter().find(|o| o.python == v.python)
                && was.verdict != v.verdict
                && was.verdict != heaplab_core::claim::Verdict::NotMeasured
                && v.verdict != heaplab_core::claim::Verdict::NotMeasured
            {
                changes.push(VerdictChange {
                    claim: format!("{} ({})", claim.number, claim.id),
                    python: v.python.clone(),
                    before: was.verdict,
                    now: v.verdict,
                    timed: claim
                        .rust
                        .iter()
                        .chain(&v.figures)
                        .any(|f| f.unit.starts_with("ns")),
                });
            }
        }
    }
    changes
}

impl Comparison {
    /// Whether the gate fails (exit code 3).
    pub fn regressed(&self) -> bool {
        self.rows.iter().any(|r| r.verdict == Verdict::Regression)
    }

    /// Rows with the given verdict.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.rows.iter().filter(|r| r.verdict == verdict).count()
    }

    /// Why the gate must not give a verdict (exit 2), if it must not: see
    /// the module docs. `None` means the comparison stands.
    pub fn refusal(&self, closure: &Closure) -> Option<String> {
        let mut reasons = Vec::new();
        if !self.mismatches.is_empty() && !closure.allow_mismatch {
            reasons.push(mismatch_reason(&self.mismatches));
        }
        for (family, (count, reason)) in &self.gaps {
            if !closure.allow_missing.contains(family) {
                reasons.push(format!(
                    "{} figures: {count} could not be compared, as one side did not measure them ({reason}); measure them on both sides (see the reason), or pass --allow-missing {}",
                    family.name(),
                    family.name()
                ));
            }
        }
        if !self.missing.is_empty() && !closure.allow_missing.contains(&Missing::Cases) {
            let shown: Vec<String> = self.missing.iter().take(3).map(CaseId::to_string).collect();
            reasons.push(format!(
                "{} baseline case(s) are absent from this run ({}{}); if they were removed on purpose, save a new baseline, or pass --allow-missing cases",
                self.missing.len(),
                shown.join(", "),
                if self.missing.len() > 3 { ", ..." } else { "" }
            ));
        }
        if self.compared == 0 && reasons.is_empty() {
            reasons.push(
                "nothing was compared that could fail the gate: no heap or instruction figure is measured on both sides (times alone only warn, unless --fail-on-time)"
                    .to_owned(),
            );
        }
        (!reasons.is_empty()).then(|| reasons.join("\n"))
    }
}

/// Compares `now` against `baseline` (Rust records only).
///
/// ```
/// use heaplab::gate::rules::{compare, Thresholds};
/// # let results = heaplab::results::example(&[("allocs", 10)]);
/// let same = compare(&results, &results, &Thresholds::default());
/// assert!(!same.regressed());
/// let worse = heaplab::results::example(&[("allocs", 11)]);
/// assert!(compare(&results, &worse, &Thresholds::default()).regressed());
/// ```
pub fn compare(baseline: &Results, now: &Results, thresholds: &Thresholds) -> Comparison {
    let rust = |r: &Results| -> BTreeMap<CaseId, CaseRecord> {
        r.cases
            .iter()
            .filter(|c| c.source == Source::Rust)
            .map(|c| (c.id.clone(), c.clone()))
            .collect()
    };
    let (old, new) = (rust(baseline), rust(now));
    let (provenance, mismatches) = provenance_differences(&baseline.provenance, &now.provenance);
    let mut comparison = Comparison {
        missing: old
            .keys()
            .filter(|k| !new.contains_key(*k))
            .cloned()
            .collect(),
        added: new
            .keys()
            .filter(|k| !old.contains_key(*k))
            .cloned()
            .collect(),
        provenance,
        mismatches,
        claims: verdict_changes(baseline, now),
        ..Comparison::default()
    };
    for (case, before) in &old {
        let Some(after) = new.get(case) else { continue };
        for spec in &METRICS {
            let name = spec.name;
            let (b, a) = (before.metrics.get(name), after.metrics.get(name));
            // Time can fail the gate only with --fail-on-time; a comparison
            // of times alone is no comparison.
            let gated = spec.rule != Rule::Time || thresholds.fail_on_time;
            let measured = |m: Option<&Metric>| m.is_some_and(Metric::is_measured);
            // A size left out by design on both sides is no gap: there is
            // nothing to compare, and nothing was lost.
            let planned = |m: Option<&Metric>| matches!(m, Some(Metric::NotMeasured { not_measured }) if crate::measure::sizes::is_planned(not_measured));
            match (measured(b), measured(a)) {
                (true, true) => comparison.compared += usize::from(gated),
                // Not even a "not compared" row.
                (false, false) if planned(b) && planned(a) => continue,
                (before_value, _) => {
                    let why = |side: &str, m: Option<&Metric>| match m {
                        Some(Metric::NotMeasured { not_measured }) => {
                            format!("{side}: {not_measured}")
                        }
                        _ => format!("{side}: absent"),
                    };
                    let reason = if before_value {
                        why("this run", a)
                    } else {
                        why("baseline", b)
                    };
                    let gap = comparison
                        .gaps
                        .entry(Missing::of(spec))
                        .or_insert((0, reason));
                    gap.0 += 1;
                }
            }
            let row = judge(
                case,
                spec,
                before.metrics.get(name),
                after.metrics.get(name),
                thresholds,
            );
            match row {
                Some(row) if row.verdict != Verdict::Unchanged => comparison.rows.push(row),
                Some(_) => comparison.unchanged += 1,
                None => {}
            }
        }
    }
    comparison
        .rows
        .sort_by(|a, b| a.verdict.cmp(&b.verdict).then_with(|| a.case.cmp(&b.case)));
    comparison
}

fn judge(
    case: &CaseId,
    spec: &'static MetricSpec,
    before: Option<&Metric>,
    after: Option<&Metric>,
    t: &Thresholds,
) -> Option<Row> {
    let row = |baseline, now, verdict, note: String| Row {
        case: case.clone(),
        metric: spec.name,
        baseline,
        now,
        verdict,
        note,
    };
    let (before, after) = match (before, after) {
        (None, None) => return None,
        (Some(b), Some(a)) => (b, a),
        (b, a) => {
            let note = "metric present on one side only".to_owned();
            return Some(row(
                b.and_then(Metric::value),
                a.and_then(Metric::value),
                Verdict::NotCompared,
                note,
            ));
        }
    };
    let reason = [before, after].into_iter().find_map(|m| match m {
        Metric::NotMeasured { not_measured } => Some(not_measured),
        _ => None,
    });
    if let Some(reason) = reason {
        let note = format!("not measured: {reason}");
        return Some(row(
            before.value(),
            after.value(),
            Verdict::NotCompared,
            note,
        ));
    }
    if let (Metric::Series { series: b }, Metric::Series { series: a }) = (before, after) {
        let (verdict, note) = if a == b {
            (Verdict::Unchanged, String::new())
        } else {
            (Verdict::Regression, "the series changed".to_owned())
        };
        return Some(row(None, None, verdict, note));
    }
    let (b, a) = (before.value()?, after.value()?);
    let (verdict, note) = match spec.rule {
        Rule::Time => judge_time(before, after, t),
        Rule::Count => by_absolute(b, a, t.count_tolerance as f64),
        Rule::Instructions => by_percent(b, a, t.instructions_pct),
        Rule::Reserved => {
            let pct = t.reserved_tolerance_pct;
            let slack = crate::results::metrics::RESERVED_SLACK;
            match by_absolute(b, a, (b * pct / 100.0).max(slack)) {
                (Verdict::Regression, _) => (
                    Verdict::Regression,
                    format!("more than {pct}% and {slack} bytes above the baseline"),
                ),
                other => other,
            }
        }
        Rule::Retained if b == 0.0 && a > 0.0 => (
            Verdict::Regression,
            "new leak: retained bytes were 0".to_owned(),
        ),
        Rule::Bytes | Rule::Retained | Rule::Series => by_percent(b, a, t.bytes_tolerance_pct),
    };
    Some(row(Some(b), Some(a), verdict, note))
}

fn by_absolute(b: f64, a: f64, tolerance: f64) -> (Verdict, String) {
    if a > b + tolerance {
        (
            Verdict::Regression,
            format!("more than {tolerance} above the baseline"),
        )
    } else if a < b - tolerance {
        (Verdict::Improvement, String::new())
    } else {
        (Verdict::Unchanged, String::new())
    }
}

fn by_percent(b: f64, a: f64, pct: f64) -> (Verdict, String) {
    let (verdict, _) = by_absolute(b, a, b * pct / 100.0);
    let note = match verdict {
        Verdict::Regression => format!("more than {pct}% above the baseline"),
        _ => String::new(),
    };
    (verdict, note)
}

fn judge_time(before: &Metric, after: &Metric, t: &Thresholds) -> (Verdict, String) {
    let interval = |m: &Metric| match m {
        Metric::Estimate {
            median, low, high, ..
        } => (*median, *low, *high),
        other => {
            let v = other.value().unwrap_or(0.0);
            (v, v, v)
        }
    };
    let (b, b_low, b_high) = interval(before);
    let (a, a_low, a_high) = interval(after);
    let change = if b > 0.0 { (a - b) / b * 100.0 } else { 0.0 };
    if a_low > b_high && change > t.time_noise_pct {
        let verdict = if t.fail_on_time {
            Verdict::Regression
        } else {
            Verdict::Warning
        };
        (
            verdict,
            format!(
                "slower: intervals do not overlap, +{change:.1}% > {}%",
                t.time_noise_pct
            ),
        )
    } else if a_high < b_low && -change > t.time_noise_pct {
        (
            Verdict::Improvement,
            "faster: intervals do not overlap".to_owned(),
        )
    } else {
        (Verdict::Unchanged, String::new())
    }
}

/// The crates whose version changes heap or instruction figures; a
/// different criterion only changes how time is taken, which only warns.
const FIGURE_CRATES: [&str; 2] = ["dhat", "iai-callgrind"];

/// Why figures from different setups are not compared (exit 2), and what to do.
pub fn mismatch_reason(mismatches: &[Diff]) -> String {
    let what: Vec<String> = mismatches
        .iter()
        .map(|(what, b, n)| format!("{what}: baseline {b}, now {n}"))
        .collect();
    format!(
        "the baseline was measured with a different setup ({}); heap and instruction figures are only comparable with the same toolchain, build profile, valgrind, crates and mode. Save a new baseline with this setup (`make baseline`), or pass --allow-mismatch",
        what.join("; ")
    )
}

/// The provenance differences that make figures incomparable.
pub fn mismatches(baseline: &Provenance, now: &Provenance) -> Vec<Diff> {
    provenance_differences(baseline, now).1
}

/// Provenance differences: (warnings, mismatches), each (what, baseline, now).
fn provenance_differences(b: &Provenance, n: &Provenance) -> (Vec<Diff>, Vec<Diff>) {
    let differs = |x: &String, y: &String| x != y;
    let mut warnings = Vec::new();
    let mut mismatches = Vec::new();
    for (what, x, y) in [
        ("CPU", &b.cpu, &n.cpu),
        ("OS", &b.os, &n.os),
        ("python", &b.python, &n.python),
    ] {
        if differs(x, y) {
            warnings.push((what.to_owned(), x.clone(), y.clone()));
        }
    }
    for (what, x, y) in [
        ("rustc", &b.rustc, &n.rustc),
        ("mode", &b.mode, &n.mode),
        ("build profile", &b.profile, &n.profile),
    ] {
        if differs(x, y) {
            mismatches.push((what.to_owned(), x.clone(), y.clone()));
        }
    }
    // valgrind "not found" on one side is a missing family, reported as such.
    let found = |v: &str| v != "not found";
    if found(&b.valgrind) && found(&n.valgrind) && differs(&b.valgrind, &n.valgrind) {
        mismatches.push((
            "valgrind".to_owned(),
            b.valgrind.clone(),
            n.valgrind.clone(),
        ));
    }
    let crates: BTreeSet<_> = b.crates.keys().chain(n.crates.keys()).collect();
    for name in crates {
        let (x, y) = (b.crates.get(name), n.crates.get(name));
        if x != y {
            let show = |v: Option<&String>| v.cloned().unwrap_or_else(|| "absent".to_owned());
            let diff = (format!("crate {name}"), show(x), show(y));
            if FIGURE_CRATES.contains(&name.as_str()) {
                mismatches.push(diff);
            } else {
                warnings.push(diff);
            }
        }
    }
    (warnings, mismatches)
}

/// One provenance difference: (what, baseline, now).
pub type Diff = (String, String, String);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::summary::{markdown, table};
    use crate::results::{example, metric};

    fn with(metric: &str, value: Metric) -> Results {
        let mut results = example(&[]);
        results.cases[0].metrics.insert(metric.to_owned(), value);
        results
    }

    fn verdict(old: &Results, new: &Results, t: &Thresholds) -> Option<Verdict> {
        compare(old, new, t).rows.first().map(|r| r.verdict)
    }

    fn time(median: f64, low: f64, high: f64) -> Metric {
        Metric::Estimate {
            median,
            low,
            high,
            interval: crate::results::Interval::Ci95,
        }
    }

    #[test]
    fn heap_counts_and_bytes_have_no_tolerance_by_default() {
        let t = Thresholds::default();
        for name in [
            metric::ALLOCS,
            metric::BYTES,
            metric::PEAK_BYTES,
            metric::LIVE_BYTES,
        ] {
            let (old, new) = (
                with(name, Metric::Count(100)),
                with(name, Metric::Count(101)),
            );
            assert_eq!(verdict(&old, &new, &t), Some(Verdict::Regression), "{name}");
            assert_eq!(
                verdict(&new, &old, &t),
                Some(Verdict::Improvement),
                "{name}"
            );
            assert!(compare(&old, &old, &t).rows.is_empty(), "{name}");
        }
        let tolerant = Thresholds {
            count_tolerance: 1,
            bytes_tolerance_pct: 2.0,
            ..t
        };
        let (old, new) = (
            with(metric::ALLOCS, Metric::Count(100)),
            with(metric::ALLOCS, Metric::Count(101)),
        );
        assert_eq!(verdict(&old, &new, &tolerant), None);
        let (old, new) = (
            with(metric::BYTES, Metric::Count(100)),
            with(metric::BYTES, Metric::Count(102)),
        );
        assert_eq!(verdict(&old, &new, &tolerant), None);
    }

    #[test]
    fn reserved_bytes_tolerate_a_few_chunk_steps_and_a_percent() {
        let t = Thresholds::default();
        let case = |bytes| with(metric::RESERVED_BYTES, Metric::Count(bytes));
        // 256 bytes on a small case, 1% on a large one: unchanged.
        assert_eq!(verdict(&case(1_000), &case(1_256), &t), None);
        assert_eq!(verdict(&case(100_000), &case(101_000), &t), None);
        assert_eq!(
            verdict(&case(1_000), &case(1_257), &t),
            Some(Verdict::Regression)
        );
        assert_eq!(
            verdict(&case(100_000), &case(101_001), &t),
            Some(Verdict::Regression)
        );
        let c = compare(&case(1_000), &case(2_000), &t);
        assert!(c.rows[0].note.contains("256 bytes"), "{}", c.rows[0].note);
    }

    #[test]
    fn a_new_leak_always_fails() {
        let generous = Thresholds {
            bytes_tolerance_pct: 1000.0,
            ..Thresholds::default()
        };
        let (old, new) = (
            with(metric::LIVE_BYTES, Metric::Count(0)),
            with(metric::LIVE_BYTES, Metric::Count(64)),
        );
        let c = compare(&old, &new, &generous);
        assert!(c.regressed());
        assert!(c.rows[0].note.contains("new leak"));
    }

    #[test]
    fn instructions_tolerate_one_percent() {
        let t = Thresholds::default();
        let old = with(metric::INSTRUCTIONS, Metric::Count(10_000));
        assert_eq!(
            verdict(&old, &with(metric::INSTRUCTIONS, Metric::Count(10_099)), &t),
            None
        );
        assert_eq!(
            verdict(&old, &with(metric::INSTRUCTIONS, Metric::Count(10_101)), &t),
            Some(Verdict::Regression)
        );
    }

    #[test]
    fn time_needs_disjoint_intervals_and_the_noise_threshold_and_only_warns() {
        let t = Thresholds::default();
        let old = with(metric::TIME_NS, time(100.0, 98.0, 102.0));
        // +10% but overlapping intervals: noise.
        assert_eq!(
            verdict(&old, &with(metric::TIME_NS, time(110.0, 101.0, 120.0)), &t),
            None
        );
        // Disjoint but only +3%: below the noise threshold.
        assert_eq!(
            verdict(&old, &with(metric::TIME_NS, time(103.0, 102.5, 103.5)), &t),
            None
        );
        // Disjoint and +10%: a warning, and a regression with --fail-on-time.
        let slower = with(metric::TIME_NS, time(110.0, 108.0, 112.0));
        assert_eq!(verdict(&old, &slower, &t), Some(Verdict::Warning));
        assert!(!compare(&old, &slower, &t).regressed());
        let strict = Thresholds {
            fail_on_time: true,
            ..t
        };
        assert!(compare(&old, &slower, &strict).regressed());
        assert_eq!(verdict(&slower, &old, &strict), Some(Verdict::Improvement));
    }

    #[test]
    fn a_family_measured_only_in_the_baseline_fails_closed() {
        let old = with(metric::INSTRUCTIONS, Metric::Count(1));
        let new = with(metric::INSTRUCTIONS, Metric::missing("valgrind not found"));
        let c = compare(&old, &new, &Thresholds::default());
        assert!(!c.regressed());
        assert_eq!(c.rows[0].verdict, Verdict::NotCompared);
        assert!(c.rows[0].note.contains("valgrind not found"));
        let refusal = c.refusal(&Closure::default()).expect("fails closed");
        assert!(refusal.contains("instructions figures"), "{refusal}");
        assert!(refusal.contains("valgrind not found"), "{refusal}");
        assert!(
            refusal.contains("--allow-missing instructions"),
            "{refusal}"
        );
        let allowed = Closure {
            allow_missing: vec![Missing::Instructions],
            ..Closure::default()
        };
        // Allowed: the heap figures are still compared.
        assert_eq!(c.refusal(&allowed), None);
    }

    #[test]
    fn a_size_left_out_by_design_on_both_sides_is_no_gap_but_on_one_side_it_is() {
        let planned = Metric::missing(format!("{}flat", crate::measure::sizes::PLANNED));
        let old = with(metric::INSTRUCTIONS, planned.clone());
        let same = compare(&old, &old, &Thresholds::default());
        assert_eq!(same.refusal(&Closure::default()), None);
        // Not even a "not compared" row for it.
        assert!(
            same.rows.iter().all(|r| r.metric != metric::INSTRUCTIONS),
            "{:?}",
            same.rows
        );
        let counted = with(metric::INSTRUCTIONS, Metric::Count(1));
        assert!(
            compare(&counted, &old, &Thresholds::default())
                .refusal(&Closure::default())
                .is_some()
        );
    }

    #[test]
    fn a_family_missing_from_the_baseline_fails_closed_too() {
        let old = with(metric::INSTRUCTIONS, Metric::missing("valgrind not found"));
        let new = with(metric::INSTRUCTIONS, Metric::Count(1));
        let refusal = compare(&old, &new, &Thresholds::default())
            .refusal(&Closure::default())
            .expect("fails closed");
        assert!(
            refusal.contains("baseline: valgrind not found"),
            "{refusal}"
        );
        // Neither side: still nothing the gate could check.
        let refusal = compare(&old, &old, &Thresholds::default())
            .refusal(&Closure::default())
            .expect("fails closed");
        assert!(refusal.contains("instructions figures"), "{refusal}");
    }

    #[test]
    fn a_baseline_without_reserved_bytes_is_refused_unless_they_alone_are_allowed() {
        let now = example(&[(metric::ALLOCS, 1), (metric::RESERVED_BYTES, 32)]);
        let mut old = now.clone();
        old.cases[0].metrics.insert(
            metric::RESERVED_BYTES.to_owned(),
            Metric::missing("recorded before heaplab measured reserved bytes (results schema 2)"),
        );
        let c = compare(&old, &now, &Thresholds::default());
        let everything_but = Closure {
            allow_missing: vec![Missing::Instructions],
            ..Closure::default()
        };
        let refusal = c.refusal(&everything_but).expect("fails closed");
        assert!(refusal.contains("--allow-missing reserved"), "{refusal}");
        let reserved_too = Closure {
            allow_missing: vec![Missing::Instructions, Missing::Reserved],
            ..Closure::default()
        };
        assert_eq!(c.refusal(&reserved_too), None);
    }

    #[test]
    fn times_alone_are_no_comparison() {
        let mut t = example(&[]);
        for (name, m) in &mut t.cases[0].metrics {
            if name != metric::TIME_NS {
                *m = Metric::missing("not measured here");
            }
        }
        let everything_else = Closure {
            allow_missing: vec![Missing::Heap, Missing::Reserved, Missing::Instructions],
            ..Closure::default()
        };
        let c = compare(&t, &t, &Thresholds::default());
        assert!(
            c.refusal(&everything_else)
                .unwrap()
                .contains("nothing was compared")
        );
        let strict = Thresholds {
            fail_on_time: true,
            ..Thresholds::default()
        };
        assert_eq!(compare(&t, &t, &strict).refusal(&everything_else), None);
    }

    #[test]
    fn no_records_fail_closed() {
        let mut empty = example(&[]);
        empty.cases.clear();
        let c = compare(&empty, &empty, &Thresholds::default());
        assert!(
            c.refusal(&Closure::default())
                .unwrap()
                .contains("nothing was compared")
        );
    }

    #[test]
    fn cases_on_one_side_only_are_reported() {
        let old = example(&[("allocs", 1)]);
        let mut new = example(&[("allocs", 1)]);
        new.cases[0].id.strategy = "other".into();
        let c = compare(&old, &new, &Thresholds::default());
        assert_eq!(c.missing, ["00-example/w/s/1".parse().unwrap()]);
        assert_eq!(c.added, ["00-example/w/other/1".parse().unwrap()]);
        assert!(!c.regressed());
        assert!(
            c.refusal(&Closure::default())
                .unwrap()
                .contains("--allow-missing cases")
        );
        assert!(markdown(&c, "baseline.json").contains("Only in the baseline: 1 case(s)"));
    }

    #[test]
    fn a_different_cpu_warns_and_a_different_toolchain_refuses() {
        let old = example(&[("allocs", 1)]);
        let mut new = example(&[("allocs", 1)]);
        new.provenance.cpu = "another cpu".into();
        let c = compare(&old, &new, &Thresholds::default());
        assert_eq!(
            c.provenance,
            [("CPU".to_owned(), "cpu".to_owned(), "another cpu".to_owned())]
        );
        assert_eq!(c.refusal(&Closure::default()), None);
        new.provenance.rustc = "rustc 2.0".into();
        let c = compare(&old, &new, &Thresholds::default());
        assert!(table(&c).contains("warning: rustc differs: baseline rustc, now rustc 2.0"));
        let refusal = c.refusal(&Closure::default()).unwrap();
        assert!(refusal.contains("make baseline"), "{refusal}");
        let allowed = Closure {
            allow_mismatch: true,
            ..Closure::default()
        };
        assert_eq!(c.refusal(&allowed), None);
        let mut debug = example(&[("allocs", 1)]);
        debug.provenance.profile = "dev".into();
        let refusal = compare(&old, &debug, &Thresholds::default())
            .refusal(&Closure::default())
            .unwrap();
        assert!(
            refusal.contains("build profile: baseline release, now dev"),
            "{refusal}"
        );
    }
}
