//! Phase times: where a run's time went. Each run records the wall time
//! of its phases and the work per family and lab in its provenance
//! ([`Provenance::phases`], [`Provenance::work`]), prints them at the end,
//! and `heaplab plan` projects the next run's time from them.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

use crate::results::provenance::Provenance;

/// Building the bench binaries.
pub const BUILD: &str = "build";
/// Heap figures and instruction counts, in parallel.
pub const DETERMINISTIC: &str = "deterministic";
/// The time family (criterion), alone.
pub const TIME: &str = "time";
/// Checking the exercises' reference solutions (beside the deterministic
/// phase: its time overlaps it).
pub const EXERCISES: &str = "exercises";
/// Writing the report.
pub const REPORT: &str = "report";
/// The whole run.
pub const TOTAL: &str = "total";

/// The phase of the CPython references run with `version` ("Python 3.11.7").
///
/// ```
/// assert_eq!(heaplab::measure::phases::python("Python 3.11.7"), "python 3.11.7");
/// ```
pub fn python(version: &str) -> String {
    format!("python {}", version.trim_start_matches("Python ").trim())
}

/// Work families recorded per lab in [`Provenance::work`]: the first
/// [`PARALLEL`] run in the deterministic phase, the others alone.
pub const WORK: [&str; 5] = ["heap", "instructions", "python-heap", "time", "python"];

/// How many of [`WORK`]'s families run in parallel.
pub const PARALLEL: usize = 3;

/// Records phases of a run as they end.
pub struct Clock {
    started: Instant,
}

impl Clock {
    /// A clock started now.
    pub fn start() -> Self {
        Self {
            started: Instant::now(),
        }
    }

    /// Seconds since the start.
    pub fn seconds(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}

/// Records `seconds` for phase `name` (added to what it had).
pub fn record(provenance: &mut Provenance, name: &str, seconds: f64) {
    *provenance.phases.entry(name.to_owned()).or_default() += seconds;
}

/// Adds `seconds` of one job's work on `lab` in `family`.
pub fn add_work(provenance: &mut Provenance, family: &str, lab: &str, seconds: f64) {
    *provenance
        .work
        .entry(family.to_owned())
        .or_default()
        .entry(lab.to_owned())
        .or_default() += seconds;
}

fn rank(name: &str) -> usize {
    match name {
        BUILD => 0,
        DETERMINISTIC => 1,
        TIME => 3,
        EXERCISES => 2,
        n if n.starts_with("python") => 4,
        REPORT => 5,
        TOTAL => 7,
        _ => 6,
    }
}

/// The phases in run order, as `(name, seconds)`.
pub fn ordered(phases: &BTreeMap<String, f64>) -> Vec<(&str, f64)> {
    let mut list: Vec<(&str, f64)> = phases.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    list.sort_by_key(|(name, _)| rank(name));
    list
}

/// One line: "build 0 s · deterministic 98 s (2 jobs) · time 170 s · ...".
///
/// ```
/// let mut p = heaplab::results::example(&[]).provenance;
/// heaplab::measure::phases::record(&mut p, "total", 300.4);
/// heaplab::measure::phases::record(&mut p, "time", 120.0);
/// assert_eq!(heaplab::measure::phases::summary(&p), "time 120 s (2 min 0 s) · total 300 s (5 min 0 s)");
/// ```
pub fn summary(provenance: &Provenance) -> String {
    ordered(&provenance.phases)
        .into_iter()
        .map(|(name, seconds)| {
            let whole = seconds.round() as u64;
            let mut notes = Vec::new();
            if whole >= 60 {
                notes.push(format!("{} min {} s", whole / 60, whole % 60));
            }
            if name == DETERMINISTIC && provenance.jobs > 0 {
                notes.push(format!("{} jobs", provenance.jobs));
            }
            if name == EXERCISES {
                notes.push("beside deterministic".to_owned());
            }
            let mut text = format!("{name} {whole} s");
            if !notes.is_empty() {
                let _ = write!(text, " ({})", notes.join(", "));
            }
            text
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// "42 s", or "312 s (5 min 12 s)" from a minute on.
///
/// ```
/// assert_eq!(heaplab::measure::phases::duration(41.6), "42 s");
/// assert_eq!(heaplab::measure::phases::duration(312.2), "312 s (5 min 12 s)");
/// ```
pub fn duration(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    if whole < 60 {
        format!("{whole} s")
    } else {
        format!("{whole} s ({} min {} s)", whole / 60, whole % 60)
    }
}

/// The expected time of a run, per lab and family, from an earlier run's
/// work ([`Provenance::work`]): what `heaplab plan` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// Per lab: (lab id, seconds per family in [`WORK`] order, whether
    /// they are estimated from other labs' cost per case).
    pub labs: Vec<(String, [f64; 5], bool)>,
    /// Jobs of the deterministic families.
    pub jobs: usize,
    /// Seconds of the report in the earlier run.
    pub fixed: f64,
    /// Seconds of the exercises' check in the earlier run (one job, in the
    /// deterministic phase).
    pub exercises: f64,
    /// Families of [`WORK`] the earlier run measured for no lab (skipped):
    /// left out of the projection, and said so, never counted as 0 s.
    pub missing: Vec<&'static str>,
}

impl Projection {
    /// Projects a run over `labs` (lab id, cases × sizes in the plan) from
    /// `earlier`'s work with `jobs` jobs. A lab the earlier run did not
    /// measure gets the average cost per case × size of those it did.
    ///
    /// ```
    /// use heaplab::measure::phases::{Projection, add_work};
    /// let mut p = heaplab::results::example(&[]).provenance;
    /// for (family, s) in [("heap", 10.0), ("instructions", 30.0), ("python-heap", 0.0), ("time", 50.0), ("python", 20.0)] {
    ///     add_work(&mut p, family, "01-a", s);
    /// }
    /// let projection = Projection::new(&p, &[("01-a", 10), ("02-b", 20)], 2);
    /// // 02-b is twice 01-a's size: estimated at twice its cost.
    /// assert_eq!(projection.labs[1], ("02-b".to_owned(), [20.0, 60.0, 0.0, 100.0, 40.0], true));
    /// // Heap and instructions over 2 jobs, then time and python alone.
    /// assert_eq!(projection.wall(), (30.0 + 90.0) / 2.0 + 150.0 + 60.0);
    /// // A family no lab recorded (skipped) is left out, never counted as 0 s.
    /// let mut q = heaplab::results::example(&[]).provenance;
    /// add_work(&mut q, "heap", "01-a", 1.0);
    /// let partial = Projection::new(&q, &[("01-a", 10)], 1);
    /// assert_eq!(partial.missing, ["instructions", "python-heap", "time", "python"]);
    /// assert!(partial.render(600.0).contains("CPython times not measured"));
    /// ```
    pub fn new(earlier: &Provenance, labs: &[(&str, usize)], jobs: usize) -> Self {
        let recorded = |family: &str, lab: &str| {
            earlier
                .work
                .get(family)
                .and_then(|by_lab| by_lab.get(lab))
                .copied()
        };
        // Per family: the cost per case x size of the labs the earlier run
        // measured in it.
        let mut per_item = [0.0; 5];
        let mut items = [0usize; 5];
        for (lab, count) in labs {
            for (k, family) in WORK.iter().enumerate() {
                if let Some(seconds) = recorded(family, lab) {
                    per_item[k] += seconds;
                    items[k] += count;
                }
            }
        }
        let rows = labs
            .iter()
            .map(|&(lab, count)| {
                let known = WORK.map(|f| recorded(f, lab));
                let estimated = known
                    .iter()
                    .enumerate()
                    .any(|(k, v)| v.is_none() && items[k] > 0);
                let mut seconds = [0.0; 5];
                for (k, value) in known.iter().enumerate() {
                    seconds[k] = value.unwrap_or(if items[k] > 0 {
                        per_item[k] / items[k] as f64 * count as f64
                    } else {
                        0.0
                    });
                }
                (lab.to_owned(), seconds, estimated)
            })
            .collect();
        let fixed = [REPORT].iter().filter_map(|p| earlier.phases.get(*p)).sum();
        Self {
            labs: rows,
            jobs: jobs.max(1),
            fixed,
            exercises: earlier.phases.get(EXERCISES).copied().unwrap_or(0.0),
            missing: (0..WORK.len())
                .filter(|&k| items[k] == 0)
                .map(|k| WORK[k])
                .collect(),
        }
    }

    /// Seconds of one job in family `k` of [`WORK`], over every lab.
    fn sum(&self, k: usize) -> f64 {
        self.labs.iter().map(|row| row.1[k]).sum()
    }

    /// [`Projection::sum`] as text, or why there is none.
    fn total(&self, k: usize) -> String {
        if self.missing.contains(&WORK[k]) {
            "not measured".to_owned()
        } else {
            format!("{:.0} s", self.sum(k))
        }
    }

    /// The projected wall time: the deterministic families over the jobs,
    /// then time and CPython's timings alone, then the report.
    pub fn wall(&self) -> f64 {
        let parallel: f64 = (0..PARALLEL).map(|k| self.sum(k)).sum::<f64>() + self.exercises;
        let alone: f64 = (PARALLEL..WORK.len()).map(|k| self.sum(k)).sum();
        parallel / self.jobs as f64 + alone + self.fixed
    }

    /// A table per lab and family, the total, and the verdict against `budget` seconds.
    pub fn render(&self, budget: f64) -> String {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "{:<26} {:>6} {:>13} {:>12} {:>6} {:>12}  (seconds of one job)",
            "lab", "heap", "instructions", "python heap", "time", "python times"
        );
        // A family the earlier run skipped has no figure: "-", never 0.
        let cell = |s: &[f64; 5], k: usize| {
            if self.missing.contains(&WORK[k]) {
                "-".to_owned()
            } else {
                format!("{:.0}", s[k])
            }
        };
        for (lab, s, estimated) in &self.labs {
            let _ = writeln!(
                text,
                "{:<26} {:>6} {:>13} {:>12} {:>6} {:>12}{}",
                lab,
                cell(s, 0),
                cell(s, 1),
                cell(s, 2),
                cell(s, 3),
                cell(s, 4),
                if *estimated {
                    "  estimated: not in that run (its cost per case of the others)"
                } else {
                    ""
                }
            );
        }
        if !self.missing.is_empty() {
            let _ = writeln!(
                text,
                "\nnot measured in that run (skipped): {}; the projection below leaves them out: \
                 project from a complete `heaplab bench` instead",
                self.missing.join(", ")
            );
        }
        let wall = self.wall();
        let parallel: f64 = (0..PARALLEL).map(|k| self.sum(k)).sum::<f64>() + self.exercises;
        let _ = writeln!(
            text,
            "\nexpected wall time after the build: heap, instructions, CPython heap and exercises {:.0} s over {} jobs, \
             time {}, CPython times {}, report {:.0} s = {}",
            parallel / self.jobs as f64,
            self.jobs,
            self.total(3),
            self.total(4),
            self.fixed,
            duration(wall)
        );
        // The suite plans ten labs (01 to 10): what they would take at today's cost per lab.
        let planned = 10usize;
        if self.labs.len() < planned && !self.labs.is_empty() {
            let per_lab = (wall - self.fixed) / self.labs.len() as f64;
            let _ = writeln!(
                text,
                "at this cost per lab ({}), the {planned} planned labs would take {}",
                duration(per_lab),
                duration(per_lab * planned as f64 + self.fixed)
            );
        }
        let _ = write!(
            text,
            "budget {}: {}",
            duration(budget),
            if wall <= budget {
                format!("within it ({:.0}% used)", wall / budget * 100.0)
            } else {
                format!(
                    "OVER by {}: cut sizes or cases before this lab lands",
                    duration(wall - budget)
                )
            }
        );
        text
    }
}
