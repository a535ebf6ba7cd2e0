//! The claims ledger: every claim of the tutorial, the figures that test it
//! under each CPython interpreter and in Rust, and the verdict its rule
//! computes from them (never typed).
//!
//! Claims are data in the labs that measure them (`heaplab_core::claim`);
//! the claims of labs not built yet are in [`planned`]. [`ledger`] looks
//! every claim's evidence up in a run's results, once per interpreter, and
//! judges it; the records go into the results file (`claims`), the report
//! opens with them ([`render`]), `heaplab claims` prints them and the gate
//! warns when a verdict changes.

pub mod planned;
pub mod render;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use heaplab_core::Lab;
use heaplab_core::claim::{Claim, Figures, Locator, Side, Verdict};

use crate::results::{CaseRecord, FactRecord, Results, Source, metrics};

/// One figure of a claim's evidence, as found in the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureRecord {
    /// The rule's name for it.
    pub label: String,
    /// Its value (divided by `n` when the evidence asks for it per op).
    pub value: Option<f64>,
    /// Its unit.
    pub unit: String,
    /// The size it was read at, for a metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u64>,
    /// Why there is no value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_measured: Option<String>,
    /// The interval around a timed value, `[low, high]`, in its unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<[f64; 2]>,
}

/// A claim's verdict under one interpreter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerdictRecord {
    /// The interpreter, e.g. `Python 3.12.1`.
    pub python: String,
    /// Its CPython figures.
    pub figures: Vec<FigureRecord>,
    /// The verdict.
    pub verdict: Verdict,
    /// The rule's sentence, quoting the figures.
    pub says: String,
    /// The key figures in a few words (the ledger table's cell).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub short: String,
}

/// One row of the ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRecord {
    /// Its number (the tutorial's order).
    pub number: u32,
    /// Stable id.
    pub id: String,
    /// The claim, in our words.
    pub text: String,
    /// Where the tutorial makes it.
    pub location: String,
    /// The lab that measures it (or will).
    pub lab: String,
    /// Whether that lab is built; `false` means `not measured yet`.
    pub built: bool,
    /// Why the tutorial's own method gives another answer, when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The Rust analogue's figures.
    pub rust: Vec<FigureRecord>,
    /// One verdict per interpreter, in the order they were given.
    pub verdicts: Vec<VerdictRecord>,
}

/// One lab's CPython side under one interpreter: its facts, its records,
/// and why it has none.
type LabSide<'a> = (Vec<&'a FactRecord>, Vec<&'a CaseRecord>, Option<&'a str>);

/// The CPython side of one interpreter in a run: its version and, per lab,
/// its figures.
struct Interpreter<'a> {
    python: String,
    labs: BTreeMap<&'a str, LabSide<'a>>,
}

fn interpreters(results: &Results) -> Vec<Interpreter<'_>> {
    let mut first = Interpreter {
        python: results.provenance.python.clone(),
        labs: BTreeMap::new(),
    };
    for lab in &results.labs {
        let facts = lab
            .facts
            .iter()
            .filter(|f| f.source == Source::Python)
            .collect();
        let cases = results
            .cases
            .iter()
            .filter(|c| c.source == Source::Python && c.id.lab == lab.id)
            .collect();
        first
            .labs
            .insert(&lab.id, (facts, cases, lab.python_not_measured.as_deref()));
    }
    let mut all = vec![first];
    for other in &results.interpreters {
        all.push(Interpreter {
            python: other.python.clone(),
            labs: other
                .labs
                .iter()
                .map(|(id, lab)| {
                    (
                        id.as_str(),
                        (
                            lab.facts.iter().collect(),
                            lab.cases.iter().collect(),
                            lab.not_measured.as_deref(),
                        ),
                    )
                })
                .collect(),
        });
    }
    all
}

/// Looks one figure up among `facts` and `cases` (one side of one lab);
/// `absent` says why when the lab has nothing on this side.
fn find(
    locator: &Locator,
    label: &str,
    facts: &[&FactRecord],
    cases: &[&CaseRecord],
    absent: Option<&str>,
) -> FigureRecord {
    let mut figure = FigureRecord {
        label: label.to_owned(),
        value: None,
        unit: String::new(),
        n: None,
        not_measured: None,
        interval: None,
    };
    let result: Result<f64, String> = match locator {
        Locator::Fact(name) => {
            let fact = facts.iter().find(|f| f.name == *name);
            if let Some(fact) = fact {
                figure.unit.clone_from(&fact.unit);
            }
            fact.map(|f| f.value).ok_or_else(|| {
                absent.map_or_else(|| format!("no fact \"{name}\" in this run"), str::to_owned)
            })
        }
        Locator::Metric {
            workload,
            strategy,
            at,
            metric,
            per_n,
        } => {
            let unit = metrics::spec(metric).map_or("", |s| s.unit);
            figure.unit = if *per_n {
                format!("{unit}/op")
            } else {
                unit.to_owned()
            };
            // A size left out by design for this metric (instructions found
            // flat, a CPython counterpart capped) is no size of it: `Largest`
            // is the largest size it was taken at.
            let planned = |c: &CaseRecord| {
                matches!(c.metrics.get(*metric),
                    Some(crate::results::Metric::NotMeasured { not_measured })
                        if crate::measure::sizes::is_planned(not_measured))
            };
            let mut records: Vec<&&CaseRecord> = cases
                .iter()
                .filter(|c| c.id.workload == *workload && c.id.strategy == *strategy)
                .filter(|c| !planned(c))
                .collect();
            records.sort_by_key(|c| c.id.n);
            let sizes: Vec<u64> = records.iter().map(|c| c.id.n).collect();
            let record = at
                .pick(&sizes)
                .and_then(|n| records.iter().find(|c| c.id.n == n).copied());
            match record {
                None if !sizes.is_empty() => Err(format!(
                    "no record of {workload}/{strategy} at {at:?} in this run (it has n = {})",
                    sizes
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                None => Err(absent.map_or_else(
                    || format!("no record of {workload}/{strategy} in this run"),
                    str::to_owned,
                )),
                Some(record) => {
                    figure.n = Some(record.id.n);
                    let per = if *per_n {
                        record.id.n.max(1) as f64
                    } else {
                        1.0
                    };
                    if let Some(crate::results::Metric::Estimate { low, high, .. }) =
                        record.metrics.get(*metric)
                    {
                        figure.interval = Some([low / per, high / per]);
                    }
                    match record.metrics.get(*metric) {
                        Some(m) => match m.value() {
                            Some(v) if *per_n => Ok(v / record.id.n.max(1) as f64),
                            Some(v) => Ok(v),
                            None => Err(match m {
                                crate::results::Metric::NotMeasured { not_measured } => {
                                    not_measured.clone()
                                }
                                _ => format!("{metric} is not a single number"),
                            }),
                        },
                        None => Err(format!("{} has no {metric}", record.id)),
                    }
                }
            }
        }
    };
    match result {
        Ok(v) => figure.value = Some(v),
        Err(why) => figure.not_measured = Some(why),
    }
    figure
}

/// The figures of one side of a claim.
fn side(
    claim: &Claim,
    side: Side,
    facts: &[&FactRecord],
    cases: &[&CaseRecord],
    absent: Option<&str>,
) -> Vec<FigureRecord> {
    claim
        .evidence
        .iter()
        .filter(|e| e.side == side)
        .map(|e| find(&e.locator, e.label, facts, cases, absent))
        .collect()
}

fn figures(claim: &Claim, records: &[&FigureRecord]) -> Figures {
    let mut figures = Figures::default();
    for evidence in &claim.evidence {
        if let Some(record) = records.iter().find(|r| r.label == evidence.label) {
            if let Some(n) = record.n {
                figures.set_size(evidence.label, n);
            }
            if let Some([low, high]) = record.interval {
                figures.set_interval(evidence.label, low, high);
            }
            figures.set(
                evidence.label,
                record
                    .value
                    .ok_or_else(|| record.not_measured.clone().unwrap_or_default()),
            );
        }
    }
    figures
}

/// One claim judged on `results` (`lab` measures it).
fn judge(claim: &Claim, lab: &str, results: &Results, pythons: &[Interpreter<'_>]) -> ClaimRecord {
    let measured = results.labs.iter().find(|l| l.id == lab);
    let not_in_run = format!("lab {lab} was not measured in this run");
    let rust_facts: Vec<&FactRecord> = measured
        .map(|l| {
            l.facts
                .iter()
                .filter(|f| f.source == Source::Rust)
                .collect()
        })
        .unwrap_or_default();
    let rust_cases: Vec<&CaseRecord> = results
        .cases
        .iter()
        .filter(|c| c.source == Source::Rust && c.id.lab == lab)
        .collect();
    let rust_absent = measured.is_none().then_some(not_in_run.as_str());
    let rust = side(claim, Side::Rust, &rust_facts, &rust_cases, rust_absent);
    let verdicts = pythons
        .iter()
        .map(|interpreter| {
            let (facts, cases, why) = interpreter.labs.get(lab).map_or(
                (&[][..], &[][..], Some(not_in_run.as_str())),
                |(f, c, w)| (f.as_slice(), c.as_slice(), *w),
            );
            let figures = side(claim, Side::Python, facts, cases, why);
            let all: Vec<&FigureRecord> = figures.iter().chain(&rust).collect();
            let judged = claim.judge(&self::figures(claim, &all));
            VerdictRecord {
                python: interpreter.python.clone(),
                figures,
                verdict: judged.verdict,
                says: judged.says,
                short: judged.short,
            }
        })
        .collect();
    ClaimRecord {
        number: claim.number,
        id: claim.id.to_owned(),
        text: claim.text.to_owned(),
        location: claim.location.to_owned(),
        lab: lab.to_owned(),
        built: true,
        method: claim.method.map(str::to_owned),
        rust,
        verdicts,
    }
}

/// The ledger of `results`: every claim of `labs` and of [`planned`], in
/// number order, judged under each interpreter of the run.
pub fn ledger(results: &Results, labs: &[Lab]) -> Vec<ClaimRecord> {
    let pythons = interpreters(results);
    let mut rows: Vec<ClaimRecord> = labs
        .iter()
        .flat_map(|lab| lab.claims.iter().map(move |c| (lab.id, c)))
        .map(|(lab, claim)| judge(claim, lab, results, &pythons))
        .collect();
    for planned in planned::all() {
        let why = format!(
            "lab {} is not built yet (issue {})",
            planned.lab, planned.issue
        );
        rows.push(ClaimRecord {
            number: planned.claim.number,
            id: planned.claim.id.to_owned(),
            text: planned.claim.text.to_owned(),
            location: planned.claim.location.to_owned(),
            lab: planned.lab.to_owned(),
            built: false,
            method: None,
            rust: Vec::new(),
            verdicts: pythons
                .iter()
                .map(|p| VerdictRecord {
                    python: p.python.clone(),
                    figures: Vec::new(),
                    verdict: Verdict::NotMeasured,
                    says: why.clone(),
                    short: String::new(),
                })
                .collect(),
        });
    }
    rows.sort_by_key(|r| r.number);
    rows
}

/// The ledger of a results file, computed from its figures by the current
/// rules: the same as the file's own `claims` unless a rule changed since it
/// was written (then the report, the READMEs and the gate all follow the
/// current rules, and the gate compares like with like).
pub fn of(results: &Results) -> Vec<ClaimRecord> {
    ledger(results, crate::registry::labs())
}

/// How many claims got each verdict under each interpreter, in the order
/// the interpreters were given.
///
/// ```
/// use heaplab::claims::{counts, ledger};
/// use heaplab_core::claim::Verdict;
/// let results = heaplab::results::example(&[]);
/// let rows = ledger(&results, heaplab::registry::labs());
/// let counts = counts(&rows);
/// assert_eq!(counts.len(), 1);
/// assert_eq!(counts[0].1[&Verdict::NotMeasured], rows.len());
/// ```
pub fn counts(rows: &[ClaimRecord]) -> Vec<(String, BTreeMap<Verdict, usize>)> {
    let mut out: Vec<(String, BTreeMap<Verdict, usize>)> = Vec::new();
    for row in rows {
        for v in &row.verdicts {
            let k = match out.iter().position(|(p, _)| *p == v.python) {
                Some(k) => k,
                None => {
                    out.push((
                        v.python.clone(),
                        Verdict::ALL.iter().map(|v| (*v, 0)).collect(),
                    ));
                    out.len() - 1
                }
            };
            *out[k].1.entry(v.verdict).or_default() += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_ids_are_unique_and_every_claim_has_a_lab() {
        let rows = ledger(&crate::results::example(&[]), crate::registry::labs());
        let mut numbers: Vec<u32> = rows.iter().map(|r| r.number).collect();
        numbers.dedup();
        assert_eq!(numbers.len(), rows.len(), "two claims share a number");
        let mut ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), rows.len(), "two claims share an id");
        assert!(
            rows.len() >= 27,
            "the tutorial makes at least 27 checkable claims"
        );
        for planned in planned::all() {
            assert!(
                crate::registry::find(planned.lab).is_none(),
                "lab {} is built: move its claims into it",
                planned.lab
            );
        }
    }

    #[test]
    fn a_claim_without_figures_is_not_measured_with_the_reason() {
        // The example run measured no lab: every claim says why.
        let rows = ledger(&crate::results::example(&[]), crate::registry::labs());
        for row in &rows {
            for v in &row.verdicts {
                assert_eq!(v.verdict, Verdict::NotMeasured, "{}", row.id);
                assert!(!v.says.is_empty());
            }
        }
    }
}
