//! What a run measures: which labs, which sizes, how long to time.
//!
//! The harness and the bench binaries it starts must agree on the exact
//! list of cases, so both build it with [`Plan::items`] from the same two
//! environment variables ([`MODE_ENV`], [`LAB_ENV`]).

use std::fmt;
use std::time::Duration;

use heaplab_core::{Case, Lab};

use crate::registry;
use crate::results::CaseId;

/// Environment variable carrying the [`Mode`] to the bench binaries.
pub const MODE_ENV: &str = "HEAPLAB_MODE";
/// Environment variable carrying the lab filter (comma-separated ids).
pub const LAB_ENV: &str = "HEAPLAB_LAB";
/// Environment variable telling a bench binary which items of the plan to
/// measure: `k..` (from item `k` on, to resume after a case that failed)
/// or `3,4,9` (those, in that order: one job's share of a parallel run).
pub const ITEMS_ENV: &str = "HEAPLAB_ITEMS";

/// The items a bench binary measures (indices into [`Plan::items`]), from
/// [`ITEMS_ENV`]; every item when it is unset.
///
/// # Errors
///
/// A message when the variable is set but malformed or out of range.
pub fn items_from_env(total: usize) -> Result<Vec<usize>, String> {
    match std::env::var(ITEMS_ENV) {
        Err(_) => Ok((0..total).collect()),
        Ok(text) => parse_items(&text, total),
    }
}

/// Parses `k..` or `i,j,...` against a plan of `total` items.
///
/// ```
/// use heaplab::plan::parse_items;
/// assert_eq!(parse_items("3..", 5), Ok(vec![3, 4]));
/// assert_eq!(parse_items("4,1", 5), Ok(vec![4, 1]));
/// assert!(parse_items("5", 5).is_err());
/// assert!(parse_items("x..", 5).is_err());
/// ```
///
/// # Errors
///
/// A message naming what is wrong.
pub fn parse_items(text: &str, total: usize) -> Result<Vec<usize>, String> {
    let bad =
        || format!("{ITEMS_ENV}={text}: expected `k..` or `i,j,...` (items of a plan of {total})");
    if let Some(start) = text.strip_suffix("..") {
        let k: usize = start.parse().map_err(|_| bad())?;
        return Ok((k.min(total)..total).collect());
    }
    text.split(',')
        .map(|part| {
            part.parse::<usize>()
                .ok()
                .filter(|&k| k < total)
                .ok_or_else(bad)
        })
        .collect()
}

/// The value of [`ITEMS_ENV`] that selects `indices`.
///
/// ```
/// assert_eq!(heaplab::plan::items_value(&[2, 3, 7]), "2,3,7");
/// ```
pub fn items_value(indices: &[usize]) -> String {
    indices
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// In quick mode, sizes above this are skipped: at or below 10 000 the
/// slowest case (the tutorial's list-based LRU) runs in about 2 ms, so the
/// whole quick run takes under two minutes after the build.
pub const QUICK_MAX_N: usize = 10_000;

/// How much of each case to measure, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every size, full criterion timing. What the committed results use.
    Full,
    /// Sizes up to [`QUICK_MAX_N`], short timing: for students.
    Quick,
    /// Only each case's smallest size, minimal timing: proves the pipeline
    /// works (`make test`), not a measurement to read.
    Smoke,
}

impl Mode {
    /// The name used on the command line and in results files.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Full => "full",
            Mode::Quick => "quick",
            Mode::Smoke => "smoke",
        }
    }

    /// Parses [`Mode::name`].
    ///
    /// ```
    /// use heaplab::plan::Mode;
    /// assert_eq!(Mode::parse("quick"), Some(Mode::Quick));
    /// assert_eq!(Mode::parse("fast"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Self> {
        [Mode::Full, Mode::Quick, Mode::Smoke]
            .into_iter()
            .find(|m| m.name() == name)
    }

    /// The sizes of `case` measured in this mode (never empty).
    ///
    /// ```
    /// use heaplab::plan::Mode;
    /// use heaplab_core::Case;
    /// let case = Case::new("w", "s", &[1_000, 10_000, 1_000_000], |n| n, |n: usize| n);
    /// assert_eq!(Mode::Full.sizes(&case), [1_000, 10_000, 1_000_000]);
    /// assert_eq!(Mode::Quick.sizes(&case), [1_000, 10_000]);
    /// assert_eq!(Mode::Smoke.sizes(&case), [1_000]);
    /// ```
    pub fn sizes(self, case: &Case) -> Vec<usize> {
        let smallest = case.sizes[0];
        match self {
            Mode::Full => case.sizes.to_vec(),
            Mode::Quick => case
                .sizes
                .iter()
                .copied()
                .filter(|&n| n <= QUICK_MAX_N || n == smallest)
                .collect(),
            Mode::Smoke => vec![smallest],
        }
    }

    /// How criterion times each case in this mode (see [`Timing`]).
    ///
    /// Full: 0.05 s of warm-up and 0.3 s of measurement over 50 samples
    /// for a light case (criterion's interval of the median narrows with
    /// the number of samples more than with their length). On lab 02 (78
    /// cases) the median width of the 95% intervals varied from 0.6% to
    /// 1.9% between runs of 0.1 s + 0.5 s on this VM, by the hour; the
    /// earlier 0.3 s + 0.7 s over 20 samples took about twice as long.
    /// With eight labs and more the 0.1 s + 0.5 s no longer fit the
    /// ten-minute budget; the run's precision line in the report says what
    /// the shorter measurement costs.
    /// Quick and smoke trade precision for speed.
    ///
    /// ```
    /// use heaplab::plan::Mode;
    /// assert!(Mode::Quick.timing().measurement < Mode::Full.timing().measurement);
    /// ```
    pub fn timing(self) -> Timing {
        let ms = Duration::from_millis;
        let (warm_up, measurement, samples) = match self {
            Mode::Full => (ms(50), ms(300), 50),
            Mode::Quick => (ms(20), ms(70), 10),
            Mode::Smoke => (ms(10), ms(30), 10),
        };
        Timing {
            warm_up,
            measurement,
            samples,
            resamples: 10_000,
            heavy_from: ms(20),
            heavy_samples: 10,
        }
    }

    /// How the CPython references take their times (see
    /// [`crate::measure::python::Timing`]). Full: up to 5 repeats of at
    /// least 5 ms each (runs per repeat chosen like timeit's autorange)
    /// within 250 ms of wall time, setups included, and never fewer than
    /// 3: about what criterion spends on a case, where most CPython cases
    /// need a fresh setup per run. Quick: 3 repeats of at least 2 ms within
    /// 60 ms, so the quick run stays within its minute. Smoke: one short
    /// repeat.
    pub fn python_timing(self) -> crate::measure::python::Timing {
        let (repeats, min_time_ms, budget_ms) = match self {
            Mode::Full => (5, 5, 250),
            Mode::Quick => (3, 2, 60),
            Mode::Smoke => (1, 1, 50),
        };
        crate::measure::python::Timing {
            repeats,
            min_time_ms,
            budget_ms,
        }
    }
}

/// Criterion's budget for one case: the time bench probes each case once
/// (one untimed setup and run, which also warms it up) and picks by what
/// that cost.
///
/// * A **light** case (setup + run under [`Timing::heavy_from`]) gets
///   `warm_up` and `measurement` of the routine's time over `samples`
///   samples. (Scaling them down by the share of setup in each iteration
///   was tried: the median interval of a full run widened from 0.72% to
///   1.86%.)
/// * A **heavy** case (tens of milliseconds per setup and run) gets flat
///   sampling: `heavy_samples` samples of one run each, after a one-run
///   warm-up: about `heavy_samples + 2` setups and runs in all, where the
///   light settings would take many more for an interval no narrower.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// Warm-up of a light case.
    pub warm_up: Duration,
    /// Measurement time of a light case (the routine's own time).
    pub measurement: Duration,
    /// Samples of a light case.
    pub samples: usize,
    /// Bootstrap resamples for the confidence interval (criterion's
    /// default is 100 000; 10 000 gives the same interval to a fraction of
    /// a percent and saves about 0.15 s per case here).
    pub resamples: usize,
    /// From this cost of one setup + run on, a case is heavy.
    pub heavy_from: Duration,
    /// Samples (one run each) of a heavy case.
    pub heavy_samples: usize,
}

impl Timing {
    /// Criterion's (sampling is flat, warm-up, measurement, samples) for a
    /// case whose probe took `setup` and `run`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use heaplab::plan::Mode;
    /// let t = Mode::Full.timing();
    /// let us = Duration::from_micros;
    /// // Light, whatever its setup costs: the mode's settings.
    /// assert_eq!(t.settings(us(1), us(10)), (false, t.warm_up, t.measurement, t.samples));
    /// assert_eq!(t.settings(us(300), us(10)), (false, t.warm_up, t.measurement, t.samples));
    /// // Heavy: flat, one run per sample.
    /// let (flat, _, measurement, samples) = t.settings(us(25_000), us(5_000));
    /// assert!(flat && samples == t.heavy_samples && measurement < us(5_000) * samples as u32);
    /// ```
    pub fn settings(&self, setup: Duration, run: Duration) -> (bool, Duration, Duration, usize) {
        let cost = setup + run;
        if cost >= self.heavy_from {
            // Criterion runs ceil(measurement / (samples x run)) runs per
            // sample: half a run's worth per sample makes that one.
            let measurement = (run * self.heavy_samples as u32 / 2).max(Duration::from_micros(1));
            return (
                true,
                Duration::from_millis(1),
                measurement,
                self.heavy_samples,
            );
        }
        (false, self.warm_up, self.measurement, self.samples)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One case at one size: the unit every measurement family records.
#[derive(Clone, Copy)]
pub struct Item {
    /// The lab the case belongs to.
    pub lab: &'static Lab,
    /// The case.
    pub case: &'static Case,
    /// The input size.
    pub n: usize,
}

impl Item {
    /// The case's id at this size: what results are matched by.
    pub fn id(&self) -> CaseId {
        CaseId::new(
            self.lab.id,
            self.case.workload,
            self.case.strategy,
            self.n as u64,
        )
    }
}

impl fmt::Debug for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.id())
    }
}

/// Which labs a run measures, in which mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Sizes and timing.
    pub mode: Mode,
    /// Lab ids (full ids, resolved); empty means every lab.
    pub labs: Vec<&'static str>,
}

impl Plan {
    /// A plan over the labs matching `queries` (see [`registry::find`]).
    ///
    /// # Errors
    ///
    /// A message naming the unknown lab and listing the known ones.
    ///
    /// ```
    /// use heaplab::plan::{Mode, Plan};
    /// let plan = Plan::new(Mode::Smoke, &["02".to_owned()]).unwrap();
    /// assert_eq!(plan.labs, ["02-refcount"]);
    /// assert!(Plan::new(Mode::Smoke, &["99".to_owned()]).is_err());
    /// ```
    pub fn new(mode: Mode, queries: &[String]) -> Result<Self, String> {
        let labs = queries
            .iter()
            .map(|q| {
                registry::find(q).map(|lab| lab.id).ok_or_else(|| {
                    let known: Vec<_> = registry::labs().iter().map(|l| l.id).collect();
                    format!("no lab matches '{q}'; known labs: {}", known.join(", "))
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { mode, labs })
    }

    /// The plan the harness passed down through [`MODE_ENV`] and [`LAB_ENV`]
    /// (full mode, every lab, when they are unset).
    ///
    /// # Errors
    ///
    /// A message when a variable holds an unknown mode or lab.
    pub fn from_env() -> Result<Self, String> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// [`Plan::from_env`] over any source of variables (`var(name)`).
    ///
    /// # Errors
    ///
    /// As [`Plan::from_env`].
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mode = match var(MODE_ENV) {
            Some(name) => Mode::parse(&name)
                .ok_or_else(|| format!("{MODE_ENV}={name}: expected full, quick or smoke"))?,
            None => Mode::Full,
        };
        let labs: Vec<String> = var(LAB_ENV)
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        Self::new(mode, &labs)
    }

    /// The environment that makes [`Plan::from_env`] rebuild this plan.
    pub fn env(&self) -> [(&'static str, String); 2] {
        [
            (MODE_ENV, self.mode.name().to_owned()),
            (LAB_ENV, self.labs.join(",")),
        ]
    }

    /// The selected labs, in registry order.
    pub fn selected_labs(&self) -> impl Iterator<Item = &'static Lab> + '_ {
        registry::labs()
            .iter()
            .filter(|lab| self.labs.is_empty() || self.labs.contains(&lab.id))
    }

    /// Every case at every size this plan measures, grouped by lab, then
    /// workload, then strategy, then ascending `n`.
    ///
    /// ```
    /// use heaplab::plan::{Mode, Plan};
    /// let plan = Plan::new(Mode::Smoke, &[]).unwrap();
    /// let items = plan.items();
    /// assert!(!items.is_empty());
    /// assert!(items.iter().all(|item| item.n == item.case.sizes[0]));
    /// ```
    pub fn items(&self) -> Vec<Item> {
        let mut items = Vec::new();
        for lab in self.selected_labs() {
            for workload in lab.workloads() {
                for case in lab.cases.iter().filter(|c| c.workload == workload) {
                    for n in self.mode.sizes(case) {
                        items.push(Item { lab, case, n });
                    }
                }
            }
        }
        items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idents_are_unique_and_valid_for_every_registered_case() {
        let items = Plan::new(Mode::Full, &[]).unwrap().items();
        let mut idents: Vec<String> = items.iter().map(|i| i.id().ident()).collect();
        for id in &idents {
            assert!(
                id.len() <= 255 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
                "{id}"
            );
        }
        idents.sort();
        let before = idents.len();
        idents.dedup();
        assert_eq!(before, idents.len());
    }

    #[test]
    fn every_registered_case_runs_at_its_smallest_size() {
        for item in Plan::new(Mode::Smoke, &[]).unwrap().items() {
            item.case.prepare(item.n).run();
        }
    }

    #[test]
    fn env_round_trips() {
        let plan = Plan::new(Mode::Quick, &["04".to_owned()]).unwrap();
        let env = plan.env();
        assert_eq!(env[0], (MODE_ENV, "quick".to_owned()));
        assert_eq!(env[1], (LAB_ENV, "04-slots-vs-dict".to_owned()));
        let var = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
        assert_eq!(Plan::from_vars(var), Ok(plan));
        // Unset: full mode, every lab.
        let every = Plan::from_vars(|_| None).unwrap();
        assert_eq!((every.mode, every.labs.len()), (Mode::Full, 0));
        assert!(Plan::from_vars(|_| Some("fast".to_owned())).is_err());
    }
}
