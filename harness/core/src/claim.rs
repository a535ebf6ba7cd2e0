//! The tutorial's claims, as data: what is asserted, where, the figures that
//! test it, and the rule that turns those figures into a verdict.
//!
//! A lab attaches the claims it measures with [`Lab::claim`](crate::Lab::claim).
//! Each claim names its *evidence*: CPython figures (a fact or a metric
//! from the lab's `python/reference.py`) and the Rust analogue's figures (a
//! fact or a metric of a case), each under a short label. The harness looks
//! them up in a run, once per CPython interpreter, and calls the claim's
//! [`Rule`] with them. A rule only sees figures, so tests can feed it any:
//!
//! ```
//! use heaplab_core::claim::{At, Claim, Figures, Judgement, Verdict};
//!
//! let claim = Claim::new(20, "tuple-smaller", "A tuple is smaller than a list.", "example 18")
//!     .python_fact("tuple", "sys.getsizeof((1, 2, 3))")
//!     .python_fact("list", "sys.getsizeof([1, 2, 3])")
//!     .rule(|f| {
//!         let (tuple, list) = (f.get("tuple")?, f.get("list")?);
//!         Ok(Judgement::either(tuple < list, format!("{} bytes against {}", tuple, list)))
//!     });
//! let judged = claim.judge(&Figures::of(&[("tuple", 64.0), ("list", 88.0)]));
//! assert_eq!(judged.verdict, Verdict::Holds);
//! assert_eq!(judged.says, "64 bytes against 88");
//!
//! // A missing figure is never a verdict: it says what is missing.
//! let judged = claim.judge(&Figures::of(&[("tuple", 64.0)]));
//! assert_eq!(judged.verdict, Verdict::NotMeasured);
//! assert!(judged.says.contains("list"));
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// What the figures say about a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Verdict {
    /// The figures bear the claim out.
    #[serde(rename = "holds")]
    Holds,
    /// It holds, but not as stated: the sentence says how.
    #[serde(rename = "holds with nuance")]
    Nuance,
    /// The figures contradict it on this machine and interpreter.
    #[serde(rename = "does not hold here")]
    DoesNotHold,
    /// A figure it needs is missing (its lab is not built, or a measurement
    /// failed): the sentence says which and why.
    #[serde(rename = "not measured yet")]
    NotMeasured,
}

impl Verdict {
    /// Every verdict, in the order counts are shown.
    pub const ALL: [Verdict; 4] = [
        Verdict::Holds,
        Verdict::Nuance,
        Verdict::DoesNotHold,
        Verdict::NotMeasured,
    ];

    /// How tables and the terminal name it.
    ///
    /// ```
    /// assert_eq!(heaplab_core::claim::Verdict::Nuance.label(), "holds with nuance");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::Nuance => "holds with nuance",
            Verdict::DoesNotHold => "does not hold here",
            Verdict::NotMeasured => "not measured yet",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A verdict with the one generated sentence that justifies it, quoting
/// the figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judgement {
    /// The verdict.
    pub verdict: Verdict,
    /// Why, with the figures.
    pub says: String,
    /// The key figures in a few words, for a table cell (may be empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub short: String,
}

impl Judgement {
    /// The same judgement with the key figures in a few words.
    ///
    /// ```
    /// use heaplab_core::claim::Judgement;
    /// let j = Judgement::holds("the shell shrinks by 42% (96 → 56 bytes)").short("shell −42%");
    /// assert_eq!(j.short, "shell −42%");
    /// ```
    pub fn short(mut self, short: impl Into<String>) -> Self {
        self.short = short.into();
        self
    }

    /// The claim holds.
    pub fn holds(says: impl Into<String>) -> Self {
        Self::new(Verdict::Holds, says)
    }

    /// The claim holds, with a nuance the sentence states.
    pub fn nuance(says: impl Into<String>) -> Self {
        Self::new(Verdict::Nuance, says)
    }

    /// The claim does not hold here.
    pub fn fails(says: impl Into<String>) -> Self {
        Self::new(Verdict::DoesNotHold, says)
    }

    /// [`Judgement::holds`] when `ok`, else [`Judgement::fails`].
    ///
    /// ```
    /// use heaplab_core::claim::{Judgement, Verdict};
    /// assert_eq!(Judgement::either(false, "x").verdict, Verdict::DoesNotHold);
    /// ```
    pub fn either(ok: bool, says: impl Into<String>) -> Self {
        if ok {
            Self::holds(says)
        } else {
            Self::fails(says)
        }
    }

    /// A judgement of any verdict.
    pub fn new(verdict: Verdict, says: impl Into<String>) -> Self {
        Self {
            verdict,
            says: says.into(),
            short: String::new(),
        }
    }
}

/// A figure a rule asked for and did not get, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Missing(pub String);

/// The rule of a claim: figures in, a judgement out. `?` on
/// [`Figures::get`] turns a missing figure into `not measured yet`.
pub type Rule = fn(&Figures) -> Result<Judgement, Missing>;

/// Which side of the comparison a figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The lab's CPython reference, once per interpreter.
    Python,
    /// The Rust analogue, the same for every interpreter.
    Rust,
}

/// At which size a metric is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// Exactly this `n`.
    N(u64),
    /// The smallest size the run measured for the case.
    Smallest,
    /// The largest size the run measured for the case (a quick run's
    /// largest is smaller than a full run's).
    Largest,
    /// The largest size measured that is at most this: where a figure per
    /// object is the same at every size, a further interpreter need not
    /// build the largest.
    UpTo(u64),
}

impl At {
    /// The size this picks among `sizes` (ascending).
    ///
    /// ```
    /// use heaplab_core::claim::At;
    /// let sizes = [1_000, 100_000, 10_000_000];
    /// assert_eq!(At::Largest.pick(&sizes), Some(10_000_000));
    /// assert_eq!(At::UpTo(100_000).pick(&sizes), Some(100_000));
    /// assert_eq!(At::UpTo(999).pick(&sizes), None);
    /// assert_eq!(At::N(5).pick(&sizes), None);
    /// ```
    pub fn pick(self, sizes: &[u64]) -> Option<u64> {
        match self {
            At::N(n) => sizes.contains(&n).then_some(n),
            At::Smallest => sizes.first().copied(),
            At::Largest => sizes.last().copied(),
            At::UpTo(cap) => sizes.iter().rev().find(|n| **n <= cap).copied(),
        }
    }
}

/// Where a figure is found in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locator {
    /// A fact, by its exact name.
    Fact(&'static str),
    /// A metric of one case (for [`Side::Python`], the CPython counterpart's
    /// strategy name) at a size.
    Metric {
        /// Workload.
        workload: &'static str,
        /// Strategy.
        strategy: &'static str,
        /// Size.
        at: At,
        /// Metric name, e.g. `"peak_bytes"`.
        metric: &'static str,
        /// Divided by the size `n` (per object, per operation).
        per_n: bool,
    },
}

/// One figure a claim's rule reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evidence {
    /// The name the rule asks for, also shown in the ledger.
    pub label: &'static str,
    /// Python or Rust.
    pub side: Side,
    /// Where it is found.
    pub locator: Locator,
}

/// One claim of the tutorial (see the [module docs](self)).
#[derive(Debug, Clone)]
pub struct Claim {
    /// Its number in the ledger (the order of the tutorial).
    pub number: u32,
    /// Stable id, lowercase with `-`, e.g. `"slots-halve-memory"`.
    pub id: &'static str,
    /// The claim, in our own words.
    pub text: &'static str,
    /// Where the tutorial makes it: document, section, example.
    pub location: &'static str,
    /// The figures the rule reads.
    pub evidence: Vec<Evidence>,
    /// The rule; `None` for a claim whose lab is not built yet.
    pub rule: Option<Rule>,
    /// When the tutorial's own method of measuring gives a different answer
    /// from a sound one: why they differ (the figures are in the evidence).
    pub method: Option<&'static str>,
}

impl Claim {
    /// A claim with no evidence and no rule yet.
    pub fn new(number: u32, id: &'static str, text: &'static str, location: &'static str) -> Self {
        Self {
            number,
            id,
            text,
            location,
            evidence: Vec::new(),
            rule: None,
            method: None,
        }
    }

    fn with(mut self, label: &'static str, side: Side, locator: Locator) -> Self {
        assert!(
            !self.evidence.iter().any(|e| e.label == label),
            "claim {}: evidence '{label}' named twice",
            self.id
        );
        self.evidence.push(Evidence {
            label,
            side,
            locator,
        });
        self
    }

    /// A fact of the lab's CPython reference, by its exact name.
    pub fn python_fact(self, label: &'static str, name: &'static str) -> Self {
        self.with(label, Side::Python, Locator::Fact(name))
    }

    /// A fact of the Rust lab, by its exact name.
    pub fn rust_fact(self, label: &'static str, name: &'static str) -> Self {
        self.with(label, Side::Rust, Locator::Fact(name))
    }

    /// A metric of a CPython counterpart: `case` is `"workload/strategy"`.
    pub fn python(
        self,
        label: &'static str,
        case: &'static str,
        at: At,
        metric: &'static str,
    ) -> Self {
        self.with(label, Side::Python, locator(case, at, metric, false))
    }

    /// A metric of a Rust case: `case` is `"workload/strategy"`.
    pub fn rust(
        self,
        label: &'static str,
        case: &'static str,
        at: At,
        metric: &'static str,
    ) -> Self {
        self.with(label, Side::Rust, locator(case, at, metric, false))
    }

    /// [`Claim::python`] divided by `n`: per object or per operation.
    pub fn python_per(
        self,
        label: &'static str,
        case: &'static str,
        at: At,
        metric: &'static str,
    ) -> Self {
        self.with(label, Side::Python, locator(case, at, metric, true))
    }

    /// [`Claim::rust`] divided by `n`: per object or per operation.
    pub fn rust_per(
        self,
        label: &'static str,
        case: &'static str,
        at: At,
        metric: &'static str,
    ) -> Self {
        self.with(label, Side::Rust, locator(case, at, metric, true))
    }

    /// Sets the rule.
    pub fn rule(mut self, rule: Rule) -> Self {
        self.rule = Some(rule);
        self
    }

    /// Says why the tutorial's own method gives another answer.
    pub fn method(mut self, why: &'static str) -> Self {
        self.method = Some(why);
        self
    }

    /// The verdict on `figures`: the rule's, or `not measured yet` naming
    /// what is missing (a claim without a rule is never judged).
    pub fn judge(&self, figures: &Figures) -> Judgement {
        let Some(rule) = self.rule else {
            return Judgement::new(Verdict::NotMeasured, "no rule yet: its lab is not built");
        };
        match rule(figures) {
            Ok(judgement) => judgement,
            Err(Missing(why)) => Judgement::new(Verdict::NotMeasured, why),
        }
    }
}

fn locator(case: &'static str, at: At, metric: &'static str, per_n: bool) -> Locator {
    let (workload, strategy) = case
        .split_once('/')
        .unwrap_or_else(|| panic!("evidence case '{case}' is not workload/strategy"));
    Locator::Metric {
        workload,
        strategy,
        at,
        metric,
        per_n,
    }
}

/// The figures of one claim for one interpreter: label → value, or why
/// there is none.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    values: BTreeMap<&'static str, Result<f64, String>>,
    sizes: BTreeMap<&'static str, u64>,
    intervals: BTreeMap<&'static str, (f64, f64)>,
}

/// How one timed figure compares with another (see [`Figures::change`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Lower, beyond the noise.
    Less,
    /// Higher, beyond the noise.
    More,
    /// Within the noise: the intervals overlap.
    Same,
}

impl Figures {
    /// Figures from measured pairs (tests feed rules with this).
    pub fn of(pairs: &[(&'static str, f64)]) -> Self {
        let mut figures = Self::default();
        for (label, value) in pairs {
            figures.set(label, Ok(*value));
        }
        figures
    }

    /// Sets one figure, measured or not.
    pub fn set(&mut self, label: &'static str, value: Result<f64, String>) {
        self.values.insert(label, value);
    }

    /// Records the interval around a timed figure (criterion's 95% CI, or
    /// CPython's fastest to slowest repeat).
    pub fn set_interval(&mut self, label: &'static str, low: f64, high: f64) {
        self.intervals.insert(label, (low, high));
    }

    /// How `to` compares with `from`, and their ratio `to / from`: a
    /// difference counts only when the intervals do not overlap (without
    /// intervals, when the values differ by more than 5%).
    ///
    /// ```
    /// use heaplab_core::claim::{Change, Figures};
    /// let mut f = Figures::of(&[("a", 100.0), ("b", 112.0)]);
    /// assert_eq!(f.change("a", "b").unwrap().0, Change::More);
    /// f.set_interval("a", 90.0, 115.0);
    /// f.set_interval("b", 110.0, 114.0);
    /// assert_eq!(f.change("a", "b").unwrap(), (Change::Same, 1.12));
    /// ```
    ///
    /// # Errors
    ///
    /// When either figure is missing.
    pub fn change(&self, from: &str, to: &str) -> Result<(Change, f64), Missing> {
        let (a, b) = (self.get(from)?, self.get(to)?);
        let change = match (self.intervals.get(from), self.intervals.get(to)) {
            (Some(&(a_low, a_high)), Some(&(b_low, b_high))) => {
                if b_high < a_low {
                    Change::Less
                } else if b_low > a_high {
                    Change::More
                } else {
                    Change::Same
                }
            }
            _ if b < a * 0.95 => Change::Less,
            _ if b > a * 1.05 => Change::More,
            _ => Change::Same,
        };
        Ok((change, b / a))
    }

    /// Records the size `n` a metric figure was read at.
    pub fn set_size(&mut self, label: &'static str, n: u64) {
        self.sizes.insert(label, n);
    }

    /// The size a metric figure was read at, as text for a sentence
    /// (`"n = 100,000"`), or `"the size measured"` when unknown.
    ///
    /// ```
    /// let mut f = heaplab_core::claim::Figures::default();
    /// f.set_size("list", 100_000);
    /// assert_eq!(f.at("list"), "n = 100,000");
    /// assert_eq!(f.at("other"), "the size measured");
    /// ```
    pub fn at(&self, label: &str) -> String {
        self.sizes.get(label).map_or_else(
            || "the size measured".to_owned(),
            |n| format!("n = {}", crate::number(*n as f64)),
        )
    }

    /// Two figures of one trend, at a smaller and a larger size: both, or
    /// [`Missing`] when either is, or when the run measured one size only
    /// (a quick run), so there is no trend to judge.
    ///
    /// ```
    /// use heaplab_core::claim::Figures;
    /// let mut f = Figures::of(&[("small", 472.0), ("large", 552.0)]);
    /// assert_eq!(f.trend("small", "large").unwrap(), (472.0, 552.0));
    /// f.set_size("small", 1000);
    /// f.set_size("large", 1000);
    /// assert!(f.trend("small", "large").unwrap_err().0.contains("one size"));
    /// ```
    ///
    /// # Errors
    ///
    /// As said.
    pub fn trend(&self, small: &str, large: &str) -> Result<(f64, f64), Missing> {
        let values = (self.get(small)?, self.get(large)?);
        match (self.sizes.get(small), self.sizes.get(large)) {
            (Some(a), Some(b)) if a == b => Err(Missing(format!(
                "{small} and {large}: this run measured one size (n = {a}), and a trend needs two (the full run has them)"
            ))),
            _ => Ok(values),
        }
    }

    /// The figure, or [`Missing`] naming it and why.
    ///
    /// # Errors
    ///
    /// When it is absent or was not measured.
    pub fn get(&self, label: &str) -> Result<f64, Missing> {
        match self.values.get(label) {
            Some(Ok(v)) => Ok(*v),
            Some(Err(why)) => Err(Missing(format!("{label}: not measured: {why}"))),
            None => Err(Missing(format!("{label}: not measured: no such figure"))),
        }
    }
}

pub use crate::number as num;

/// The verdict of claim `number` among `claims` on the figures `pairs`:
/// how a lab's tests feed its rules.
///
/// ```
/// use heaplab_core::claim::{Claim, Judgement, Verdict, verdict_on};
/// let claims = [Claim::new(7, "x", "x", "x").python_fact("a", "a").rule(|f| Ok(Judgement::either(f.get("a")? > 1.0, "")))];
/// assert_eq!(verdict_on(&claims, 7, &[("a", 2.0)]), Verdict::Holds);
/// assert_eq!(verdict_on(&claims, 7, &[]), Verdict::NotMeasured);
/// ```
///
/// # Panics
///
/// When no claim has that number.
pub fn verdict_on(claims: &[Claim], number: u32, pairs: &[(&'static str, f64)]) -> Verdict {
    claims
        .iter()
        .find(|c| c.number == number)
        .unwrap_or_else(|| panic!("no claim number {number}"))
        .judge(&Figures::of(pairs))
        .verdict
}

/// `part` as a percentage of `whole`, rounded: `pct(42.0, 100.0)` is `"42%"`.
///
/// ```
/// assert_eq!(heaplab_core::claim::pct(1.0, 3.0), "33%");
/// ```
pub fn pct(part: f64, whole: f64) -> String {
    format!("{:.0}%", 100.0 * part / whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_without_a_rule_is_never_judged() {
        let claim = Claim::new(1, "x", "x", "x");
        assert_eq!(claim.judge(&Figures::of(&[])).verdict, Verdict::NotMeasured);
    }

    #[test]
    fn a_figure_not_measured_names_its_reason() {
        let claim = Claim::new(1, "x", "x", "x")
            .python_fact("a", "a")
            .rule(|f| Ok(Judgement::holds(num(f.get("a")?))));
        let mut figures = Figures::default();
        figures.set("a", Err("CPython 3.8 is too old".into()));
        let judged = claim.judge(&figures);
        assert_eq!(judged.verdict, Verdict::NotMeasured);
        assert_eq!(judged.says, "a: not measured: CPython 3.8 is too old");
    }

    #[test]
    #[should_panic(expected = "named twice")]
    fn evidence_labels_are_unique() {
        let _ = Claim::new(1, "x", "x", "x")
            .python_fact("a", "a")
            .rust_fact("a", "b");
    }
}
