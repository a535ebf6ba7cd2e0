//! `heaplab bench`: every family over the plan, one results file, one report.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::bench::{Line, Outcome};
use crate::plan::{Item, Plan};
use crate::provenance::Provenance;
use crate::results::{
    CaseRecord, FactRecord, LabRecord, Metric, Results, SCHEMA_VERSION, Source, metric,
};
use crate::{heap, instructions, python, report, time, tools};

/// A measurement family that can be skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Family {
    /// dhat heap figures.
    Heap,
    /// criterion wall time.
    Time,
    /// iai-callgrind instruction counts.
    Instructions,
    /// The CPython reference scripts.
    Python,
}

/// What `heaplab bench` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// Labs and mode.
    pub plan: Plan,
    /// Output directory (`results/` by default).
    pub out: PathBuf,
    /// Families not to measure (recorded as "not measured: skipped").
    pub skip: Vec<Family>,
    /// Install valgrind / iai-callgrind-runner when missing.
    pub install_tools: bool,
}

/// What a finished run wrote, and what went wrong on the way.
#[derive(Debug)]
pub struct Summary {
    /// `latest.json`.
    pub results: PathBuf,
    /// The run's own copy under `runs/`.
    pub run_dir: PathBuf,
    /// `REPORT.md`.
    pub report: PathBuf,
    /// Failures that make the run exit 1 (a case panicked, a bench crashed).
    pub failures: Vec<String>,
}

/// The workspace root: `$HEAPLAB_ROOT`, else where this crate was built.
pub fn workspace_root() -> PathBuf {
    std::env::var_os("HEAPLAB_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .expect("harness/ has a parent")
                .to_path_buf()
        })
}

/// Progress on standard error: a bar on a terminal, plain lines elsewhere (CI logs).
struct Progress {
    bar: Option<ProgressBar>,
    phase: &'static str,
    total: usize,
    done: usize,
}

impl Progress {
    fn new(phase: &'static str, total: usize) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix:>12} [{bar:30}] {pos}/{len} {elapsed_precise} {wide_msg}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar.set_prefix(phase);
            bar
        });
        Self {
            bar,
            phase,
            total,
            done: 0,
        }
    }

    fn message(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.set_message(text.to_owned()),
            None => eprintln!("{:>12} {text}", self.phase),
        }
    }

    fn step(&mut self, text: &str) {
        self.done += 1;
        match &self.bar {
            Some(bar) => {
                bar.set_position(self.done as u64);
                bar.set_message(text.to_owned());
            }
            None => eprintln!("{:>12} [{}/{}] {text}", self.phase, self.done, self.total),
        }
    }

    fn finish(self, text: &str) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        eprintln!("{:>12} {text}", self.phase);
    }
}

/// Shows a bench process's output as progress: our bench's `[k/N] ...`
/// lines and cargo's build lines; everything else goes to the log only.
fn follow(progress: &mut Progress, line: &Line<'_>, step_marker: &str) {
    match line {
        Line::Err(text) if text.contains(step_marker) => {
            progress.step(
                text.split_once("] ")
                    .map_or(text.trim(), |(_, rest)| rest.trim()),
            );
        }
        Line::Err(text) if text.trim_start().starts_with("Compiling") => {
            progress.message(text.trim())
        }
        _ => {}
    }
}

/// Measures the plan, writes results and report. Never overwrites a
/// baseline; every file is written atomically.
///
/// # Errors
///
/// When nothing could be written (the output directory is unusable).
pub fn bench(root: &Path, options: &Options) -> Result<Summary, String> {
    let started = Instant::now();
    let plan = &options.plan;
    let items = plan.items();
    let skipped = |family| options.skip.contains(&family);
    let provenance = Provenance::collect(root, plan.mode.name(), &python::interpreter());
    let work = root.join("target").join("heaplab");
    eprintln!(
        "heaplab bench: {} cases x sizes in {} mode, labs: {}",
        items.len(),
        plan.mode,
        plan.selected_labs()
            .map(|l| l.id)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut failures = Vec::new();

    let heap = if skipped(Family::Heap) {
        BTreeMap::new()
    } else {
        measure_heap(&items, &mut failures)?
    };

    let time = if skipped(Family::Time) {
        Outcome::default()
    } else {
        let mut progress = Progress::new("time", items.len());
        progress.message("building the time bench (cargo bench --bench time)");
        let outcome = time::measure(root, plan, &work, |line| {
            follow(&mut progress, &line, "] time ")
        });
        progress.finish(&format!(
            "{} of {} timed",
            outcome.metrics.len(),
            items.len()
        ));
        outcome
    };

    let instructions = if skipped(Family::Instructions) {
        Outcome::default()
    } else {
        let mut progress = Progress::new("instructions", items.len());
        match tools::ensure_instruction_tools(root, options.install_tools, &mut |msg| {
            progress.message(msg)
        }) {
            Err(reason) => {
                progress.finish(&format!("not measured: {reason}"));
                Outcome {
                    failure: Some(reason),
                    ..Outcome::default()
                }
            }
            Ok(runner) => {
                progress
                    .message("building the instructions bench (cargo bench --bench instructions)");
                let outcome =
                    instructions::measure(root, plan, &work, &runner, |line| match &line {
                        Line::Out(text) => {
                            if let Some((id, _)) = instructions::parse_summary(text) {
                                progress.step(&id);
                            }
                        }
                        Line::Err(_) => follow(&mut progress, &line, "\u{0}"),
                    });
                progress.finish(&format!(
                    "{} of {} counted",
                    outcome.metrics.len(),
                    items.len()
                ));
                outcome
            }
        }
    };
    // A missing tool is "not measured", not a failed run; a crashed bench is.
    for (family, outcome) in [("time", &time), ("instructions", &instructions)] {
        if let (true, Some(why)) = (outcome.crashed, &outcome.failure) {
            failures.push(format!("{family}: {why}"));
        }
    }

    let mut cases: Vec<CaseRecord> = items
        .iter()
        .map(|item| {
            let key = item.key();
            let mut metrics = BTreeMap::new();
            match heap.get(&key) {
                Some(Ok(figures)) => {
                    metrics.extend(figures.metrics().map(|(k, v)| (k.to_owned(), v)))
                }
                Some(Err(why)) => metrics
                    .extend(heap_names().map(|k| (k.to_owned(), Metric::missing(why.clone())))),
                None => metrics.extend(
                    heap_names().map(|k| (k.to_owned(), Metric::missing("skipped (--skip heap)"))),
                ),
            }
            metrics.insert(
                metric::TIME_NS.to_owned(),
                pick(&time, &key, skipped(Family::Time), "time", "criterion"),
            );
            metrics.insert(
                metric::INSTRUCTIONS.to_owned(),
                pick(
                    &instructions,
                    &key,
                    skipped(Family::Instructions),
                    "instructions",
                    "iai-callgrind",
                ),
            );
            record(item, Source::Rust, metrics)
        })
        .collect();

    let mut labs = Vec::new();
    for lab in plan.selected_labs() {
        let mut facts: Vec<FactRecord> = (lab.facts)()
            .into_iter()
            .map(|f| FactRecord {
                name: f.name,
                value: f.value,
                unit: f.unit.to_owned(),
                source: Source::Rust,
            })
            .collect();
        let python_not_measured = if skipped(Family::Python) {
            Some("skipped (--skip python)".to_owned())
        } else {
            let sizes: Vec<(&str, Vec<usize>)> = lab
                .workloads()
                .into_iter()
                .map(|workload| {
                    let mut ns: Vec<usize> = lab
                        .cases
                        .iter()
                        .filter(|c| c.workload == workload)
                        .flat_map(|c| plan.mode.sizes(c))
                        .collect();
                    ns.sort_unstable();
                    ns.dedup();
                    (workload, ns)
                })
                .collect();
            let progress = Progress::new("python", 1);
            progress.message(&format!("{}/python/reference.py", lab.id));
            match python::run(root, lab.id, &sizes, plan.mode.python_repeats()) {
                Ok(run) => {
                    progress.finish(&format!("{}: {} records", lab.id, run.cases.len()));
                    cases.extend(run.cases);
                    facts.extend(run.facts);
                    None
                }
                Err(reason) => {
                    progress.finish(&format!("{}: not measured: {reason}", lab.id));
                    Some(reason)
                }
            }
        };
        labs.push(LabRecord {
            id: lab.id.to_owned(),
            title: lab.title.to_owned(),
            section: lab.section.to_owned(),
            claims: lab.claims.iter().map(|c| (*c).to_owned()).collect(),
            facts,
            python_counterparts: lab
                .cases
                .iter()
                .filter_map(|c| {
                    c.python
                        .map(|p| (format!("{}/{}", c.workload, c.strategy), p.to_owned()))
                })
                .collect(),
            python_not_measured,
            keeps_output: lab.keeps_output.iter().map(|w| (*w).to_owned()).collect(),
        });
    }

    let results = Results {
        schema_version: SCHEMA_VERSION,
        provenance,
        labs,
        cases,
    };
    let summary = save(&results, &options.out, failures)?;
    eprintln!(
        "heaplab bench: done in {:.0} s: {}, {}",
        started.elapsed().as_secs_f64(),
        summary.results.display(),
        summary.report.display()
    );
    Ok(summary)
}

fn heap_names() -> [&'static str; 4] {
    [
        metric::ALLOCS,
        metric::BYTES,
        metric::PEAK_BYTES,
        metric::LIVE_BYTES,
    ]
}

type HeapMap = BTreeMap<String, Result<heap::HeapFigures, String>>;

/// One `heaplab heap-case` process per item, in order.
fn measure_heap(items: &[Item], failures: &mut Vec<String>) -> Result<HeapMap, String> {
    let exe =
        std::env::current_exe().map_err(|e| format!("cannot find the heaplab executable: {e}"))?;
    let mut progress = Progress::new("heap", items.len());
    let mut map = BTreeMap::new();
    for item in items {
        let key = item.key();
        let result = heap::measure(&exe, item);
        if let Err(why) = &result {
            failures.push(format!("heap {key}: {why}"));
        }
        progress.step(&key);
        map.insert(key, result);
    }
    progress.finish(&format!("{} cases measured", items.len()));
    Ok(map)
}

/// The family's value for `key`, or why there is none.
fn pick(outcome: &Outcome, key: &str, skipped: bool, family: &str, tool: &str) -> Metric {
    if skipped {
        return Metric::missing(format!("skipped (--skip {family})"));
    }
    match (outcome.metrics.get(key), &outcome.failure) {
        (Some(m), _) => m.clone(),
        (None, Some(why)) => Metric::missing(why.clone()),
        (None, None) => Metric::missing(format!("{tool} reported no figure for this case")),
    }
}

fn record(item: &Item, source: Source, metrics: BTreeMap<String, Metric>) -> CaseRecord {
    CaseRecord {
        lab: item.lab.id.to_owned(),
        workload: item.case.workload.to_owned(),
        strategy: item.case.strategy.to_owned(),
        n: item.n as u64,
        source,
        metrics,
    }
}

/// Writes `out/latest.json`, `out/runs/<id>/{results.json,README.md}` and the report.
fn save(results: &Results, out: &Path, failures: Vec<String>) -> Result<Summary, String> {
    let run_dir = out.join("runs").join(results.provenance.run_id());
    results.save(&run_dir.join("results.json"))?;
    crate::results::write_atomic(&run_dir.join("README.md"), run_readme(results).as_bytes())?;
    let latest = out.join("latest.json");
    results.save(&latest)?;
    report::write(results, out, "latest.json")?;
    Ok(Summary {
        results: latest,
        run_dir,
        report: out.join(report::REPORT_FILE),
        failures,
    })
}

fn run_readme(results: &Results) -> String {
    let p = &results.provenance;
    let mut text = String::new();
    let _ = writeln!(text, "# heaplab run {}\n", p.run_id());
    let _ = writeln!(text, "- command: `{}`", p.command);
    let _ = writeln!(text, "- mode: {}", p.mode);
    let _ = writeln!(text, "- date: {}", p.date);
    let _ = writeln!(
        text,
        "- git revision: `{}`{}",
        p.git_revision,
        if p.git_dirty { " (dirty)" } else { "" }
    );
    let _ = writeln!(text, "- machine: {} ({} cores), {}", p.cpu, p.cores, p.os);
    let _ = writeln!(
        text,
        "- toolchain: {}; valgrind: {}; python: {}",
        p.rustc, p.valgrind, p.python
    );
    let crates: Vec<String> = p.crates.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let _ = writeln!(text, "- crates: {}", crates.join(", "));
    let _ = writeln!(
        text,
        "\n`results.json` here is the run's full record (schema {}).",
        results.schema_version
    );
    text
}
