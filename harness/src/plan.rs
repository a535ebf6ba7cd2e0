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
/// Environment variable telling a bench binary to start at item `k` of
/// the plan (`k..`), to resume after a case that failed.
pub const ITEMS_ENV: &str = "HEAPLAB_ITEMS";

/// The first item a bench binary measures: `k` from `HEAPLAB_ITEMS=k..`, else 0.
///
/// # Errors
///
/// A message when the variable is set but not of the form `k..`.
pub fn start_from_env() -> Result<usize, String> {
    match std::env::var(ITEMS_ENV) {
        Err(_) => Ok(0),
        Ok(text) => parse_start(&text),
    }
}

/// Parses `k..`.
///
/// ```
/// assert_eq!(heaplab::plan::parse_start("3.."), Ok(3));
/// assert!(heaplab::plan::parse_start("3").is_err());
/// ```
pub fn parse_start(text: &str) -> Result<usize, String> {
    text.strip_suffix("..")
        .and_then(|k| k.parse().ok())
        .ok_or_else(|| format!("{ITEMS_ENV}={text}: expected `k..` (the first item to measure)"))
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

    /// Criterion settings: (warm-up, measurement time, samples).
    ///
    /// Full: 0.3 s warm-up and 0.7 s of measurement over 20 samples keeps
    /// the confidence interval of the median within a few percent on this
    /// machine (see the committed report) while ~200 cases time in about four
    /// minutes. Quick and smoke trade precision for speed.
    pub fn timing(self) -> (Duration, Duration, usize) {
        match self {
            Mode::Full => (Duration::from_millis(300), Duration::from_millis(700), 20),
            Mode::Quick => (Duration::from_millis(100), Duration::from_millis(300), 10),
            Mode::Smoke => (Duration::from_millis(10), Duration::from_millis(30), 10),
        }
    }

    /// How the CPython references take their times (see
    /// [`crate::measure::python::Timing`]). Full: up to 5 repeats of at
    /// least 5 ms each (runs per repeat chosen like timeit's autorange)
    /// within 250 ms of wall time, setups included, and never fewer than
    /// 3: about what criterion spends on a case, where most CPython cases
    /// need a fresh setup per run. Smoke: one short repeat.
    pub fn python_timing(self) -> crate::measure::python::Timing {
        let (repeats, min_time_ms, budget_ms) = match self {
            Mode::Full => (5, 5, 250),
            Mode::Quick => (5, 5, 150),
            Mode::Smoke => (1, 1, 50),
        };
        crate::measure::python::Timing {
            repeats,
            min_time_ms,
            budget_ms,
        }
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
