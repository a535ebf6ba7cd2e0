//! The maintainer's commands: `baseline save`, `regress`, `compare`.
//!
//! Exit codes follow DESIGN.md: 0 no regression, 3 regression, 2 a baseline
//! or results file missing, unreadable or of another schema version, or a
//! comparison the gate refuses to judge (it fails closed: see
//! [`crate::gate::rules`]), 1 the run itself failed. Nothing here writes the
//! baseline but [`save_baseline`], every write is atomic, and no output may
//! be one of the inputs.
//!
//! `regress --against REF` never compares across machines: it builds and
//! measures the git revision REF in a worktree, here, then the working
//! tree, here, and compares the two.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::error::Error;
use crate::measure::child::{self, Limits};
use crate::measure::tools;
use crate::measure::{self, Family, Options};
use crate::results::files;
use crate::results::provenance::Provenance;
use crate::results::{Results, Source};
use rules::{Closure, Comparison, Missing, Thresholds};

pub mod rules;
pub mod summary;

/// The default baseline path.
pub const BASELINE: &str = "results/baseline.json";

/// The longest building and measuring another revision may take.
pub const AGAINST_LIMIT: Duration = Duration::from_secs(2 * 60 * 60);

/// What `regress` compares with.
#[derive(Debug, Clone)]
pub enum Baseline {
    /// A saved results file (`--baseline`, default `results/baseline.json`).
    File(PathBuf),
    /// A git revision measured here first (`--against REF`).
    Revision(String),
}

impl Baseline {
    /// How the summary names it.
    pub fn name(&self) -> String {
        match self {
            Baseline::File(path) => path.display().to_string(),
            Baseline::Revision(rev) => format!("{rev} (measured here)"),
        }
    }
}

fn load(path: &Path, what: &str) -> Result<Results, Error> {
    // Readable at all? (Checked by type before opening: a FIFO never blocks.)
    let readable = files::read_limited(path, crate::results::MAX_RESULTS_BYTES).is_ok();
    Results::load(path).map_err(|e| {
        let fix = match what {
            "baseline" if !path.exists() => {
                "; create one with `make baseline` (heaplab baseline save)"
            }
            "baseline" if !readable => {
                "; it exists but cannot be read: check its permissions and type"
            }
            "baseline" => "; if it is damaged or outdated, save a new one with `make baseline`",
            _ => "",
        };
        Error::input(format!("{what}: {e}{fix}"))
    })
}

/// Refuses an output path that is one of the inputs, or that cannot be
/// written (exit 2), before anything is measured.
///
/// # Errors
///
/// Exit 2 naming the path.
pub fn check_output_against(output: &Path, inputs: &[&Path], what: &str) -> Result<(), Error> {
    for input in inputs {
        if files::same_file(output, input) {
            return Err(Error::input(format!(
                "{what} {} is also an input; writing it would destroy that input. Give another path",
                output.display()
            )));
        }
    }
    files::check_output(output)?;
    Ok(())
}

/// Measures `options.plan` into `work` and returns the results.
fn measure(root: &Path, mut options: Options, work: &Path) -> Result<Results, Error> {
    options.out = work.to_path_buf();
    // CPython is the reference, not gated: only its heap pass runs here
    // (deterministic, beside the other work), for the claims ledger, whose
    // verdicts the gate compares; not its times, nor the exercises'
    // reference solutions.
    options.python_times = false;
    options.exercises = false;
    let summary = measure::bench(root, &options)?;
    // CPython is not gated: its failures cost the claims their figures
    // (their verdicts say why), not the comparison.
    let (cpython, failures): (Vec<&String>, Vec<&String>) = summary
        .failures
        .iter()
        .partition(|f| summary.cpython_failures.contains(f));
    for failure in cpython {
        eprintln!("heaplab: warning: CPython reference (not gated): {failure}");
    }
    if !failures.is_empty() {
        return Err(Error::run(format!(
            "the run failed, so it cannot be compared: {}",
            failures
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        )));
    }
    Ok(summary.results)
}

/// `heaplab baseline save`: measures `options.plan` (or takes `from`) and
/// writes the baseline atomically. Returns the path written.
///
/// # Errors
///
/// Exit 2 when `from` is not a valid results file or `to` cannot be
/// written (checked before measuring), 1 when measuring fails.
pub fn save_baseline(
    root: &Path,
    options: Options,
    from: Option<&Path>,
    to: &Path,
) -> Result<PathBuf, Error> {
    let inputs: Vec<&Path> = from.into_iter().collect();
    check_output_against(to, &inputs, "--to")?;
    let results = match from {
        Some(path) => load(path, "results")?,
        None => measure(root, options, &root.join("target/heaplab/baseline-run"))?,
    };
    results.save(to)?;
    Ok(to.to_path_buf())
}

/// `heaplab compare`: two results files, no measuring.
///
/// # Errors
///
/// Exit 2 when either file is missing, unreadable or of another schema.
pub fn compare_files(old: &Path, new: &Path, thresholds: &Thresholds) -> Result<Comparison, Error> {
    let old = load(old, "baseline")?;
    let new = load(new, "results")?;
    Ok(rules::compare(&old, &new, thresholds))
}

/// Keeps only the baseline's labs (and their cases) that `plan` selects.
fn restrict(mut baseline: Results, options: &Options) -> Results {
    let ids: Vec<&str> = options.plan.selected_labs().map(|l| l.id).collect();
    baseline.labs.retain(|l| ids.contains(&l.id.as_str()));
    baseline.cases.retain(|c| ids.contains(&c.id.lab.as_str()));
    for interpreter in &mut baseline.interpreters {
        interpreter.labs.retain(|id, _| ids.contains(&id.as_str()));
    }
    baseline
        .sites
        .retain(|id, _| ids.contains(&id.lab.as_str()));
    baseline
        .profiles
        .retain(|id, _| ids.contains(&id.lab.as_str()));
    baseline
}

/// What can be known before measuring: whether every family the gate
/// compares has figures in the baseline and can be measured here, then a
/// setup mismatch (toolchain, build profile…) with the baseline.
fn preflight(
    root: &Path,
    baseline: Option<&Results>,
    options: &Options,
    closure: &Closure,
) -> Result<(), Error> {
    // A family the baseline has no figure of can never be compared.
    if let Some(baseline) = baseline {
        use crate::results::metric;
        for (family, name) in [
            (Missing::Heap, metric::ALLOCS),
            (Missing::Reserved, metric::RESERVED_BYTES),
            (Missing::Instructions, metric::INSTRUCTIONS),
            (Missing::Time, metric::TIME_NS),
        ] {
            let has = baseline
                .cases
                .iter()
                .any(|c| c.source == Source::Rust && c.value(name).is_some());
            if !has && !closure.allow_missing.contains(&family) {
                return Err(Error::input(format!(
                    "{} figures: the baseline has none for the labs this run measures; save a new baseline on a machine that measures them, or pass --allow-missing {}",
                    family.name(),
                    family.name()
                )));
            }
        }
    }
    let has_instructions = baseline.is_none_or(|b| {
        b.cases.iter().any(|c| {
            c.source == Source::Rust && c.value(crate::results::metric::INSTRUCTIONS).is_some()
        })
    });
    if has_instructions && !closure.allow_missing.contains(&Missing::Instructions) {
        if options.skip.contains(&Family::Instructions) {
            return Err(Error::input(
                "instructions figures: the gate compares them and --skip instructions was given; pass --allow-missing instructions to compare without them",
            ));
        }
        if let Err(reason) =
            tools::ensure_instruction_tools(root, options.install_tools, &mut |msg| {
                eprintln!("heaplab: {msg}")
            })
        {
            return Err(Error::input(format!(
                "instructions figures: the gate compares them, and this machine cannot measure them: {reason}. Install it (`make bench` installs valgrind with apt-get when run as root), or pass --allow-missing instructions"
            )));
        }
    }
    // Last: a family that can never be compared is the more useful answer.
    if let Some(baseline) = baseline {
        let now = Provenance::collect(root, options.plan.mode.name(), options.python());
        let mismatches = rules::mismatches(&baseline.provenance, &now);
        if !mismatches.is_empty() && !closure.allow_mismatch {
            return Err(Error::input(rules::mismatch_reason(&mismatches)));
        }
    }
    Ok(())
}

/// `heaplab regress`: checks the baseline first (so a bad one costs no
/// measuring), measures, compares.
///
/// With [`Baseline::Revision`] both sides are built and measured here, so
/// a different toolchain or crate version is part of the change under
/// test: it is shown as a warning, never refused.
///
/// # Errors
///
/// Exit 2 for a bad baseline or a setup that cannot be compared with it,
/// 1 when measuring fails.
pub fn regress(
    root: &Path,
    options: Options,
    baseline: &Baseline,
    thresholds: &Thresholds,
    closure: &Closure,
) -> Result<Comparison, Error> {
    let old = match baseline {
        Baseline::File(path) => {
            let old = restrict(load(path, "baseline")?, &options);
            preflight(root, Some(&old), &options, closure)?;
            old
        }
        Baseline::Revision(rev) => {
            let sha = resolve(root, rev)?;
            preflight(root, None, &options, closure)?;
            measure_revision(root, rev, &sha, &options)?
        }
    };
    let new = measure(root, options, &root.join("target/heaplab/regress-run"))?;
    let mut comparison = rules::compare(&old, &new, thresholds);
    if matches!(baseline, Baseline::Revision(_)) {
        let mismatches = std::mem::take(&mut comparison.mismatches);
        comparison.provenance.extend(mismatches);
    }
    Ok(comparison)
}

/// Runs `git -C root ARGS` and returns its trimmed output.
fn git(root: &Path, args: &[&str]) -> Result<String, Error> {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(root).args(args);
    let done = child::run(
        &mut cmd,
        &Limits::wall(Duration::from_secs(300)),
        None,
        |_, _| false,
    )
    .map_err(Error::run)?;
    if done.success() {
        Ok(String::from_utf8_lossy(&done.stdout).trim().to_owned())
    } else {
        Err(Error::input(format!(
            "git {}: {}",
            args.join(" "),
            done.last_error_line()
        )))
    }
}

/// The commit `rev` names in the repository at `root`.
fn resolve(root: &Path, rev: &str) -> Result<String, Error> {
    git(root, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]).map_err(|_| {
        Error::input(format!(
            "--against {rev}: no such git revision here (fetch it first, e.g. `git fetch origin main`)"
        ))
    })
}

/// Builds and measures commit `sha` (named `rev` by the user) in a
/// worktree under `target/heaplab/against/`, with the same mode and labs.
fn measure_revision(
    root: &Path,
    rev: &str,
    sha: &str,
    options: &Options,
) -> Result<Results, Error> {
    let git = |args: &[&str]| git(root, args);
    let against = root.join("target/heaplab/against");
    // What an interrupted `--against` left: its process is gone.
    for entry in std::fs::read_dir(&against).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name.rsplit('-').next().and_then(|p| p.parse::<u32>().ok());
        let stale = (name.starts_with("tree-") || name.starts_with("results-"))
            && pid.is_some_and(|p| !Path::new("/proc").join(p.to_string()).exists());
        if stale {
            let path = entry.path().to_string_lossy().into_owned();
            let _ = git(&["worktree", "remove", "--force", &path]);
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    // Per process: two `--against` runs at once never share a worktree.
    let tag = format!("{}-{}", &sha[..12.min(sha.len())], std::process::id());
    let tree = against.join(format!("tree-{tag}"));
    let tree_arg = tree.to_string_lossy().into_owned();
    if tree.exists() {
        let _ = git(&["worktree", "remove", "--force", &tree_arg]);
        let _ = std::fs::remove_dir_all(&tree);
    }
    let _ = git(&["worktree", "prune"]);
    std::fs::create_dir_all(&against)
        .map_err(|e| Error::run(format!("cannot create {}: {e}", against.display())))?;
    git(&["worktree", "add", "--detach", "--force", &tree_arg, sha])?;
    let out = against.join(format!("results-{tag}"));
    let _ = std::fs::remove_dir_all(&out);
    let result = (|| {
        eprintln!(
            "heaplab regress: building and measuring {rev} ({sha}) in {}",
            tree.display()
        );
        let heaplab = |args: &[&str]| {
            let mut cmd = Command::new(measure::binaries::cargo());
            cmd.current_dir(&tree)
                .args(["run", "--quiet", "--release", "-p", "heaplab", "--"])
                .args(args)
                .env("CARGO_TARGET_DIR", against.join("target"))
                .env_remove("HEAPLAB_ROOT")
                // The revision's own rust-toolchain.toml decides.
                .env_remove("RUSTUP_TOOLCHAIN");
            cmd
        };
        let limits = Limits {
            wall: Some(AGAINST_LIMIT),
            keep_stdout: Some(1 << 20),
            ..Limits::default()
        };
        let show = |stream: child::Stream, line: &str| {
            if stream == child::Stream::Err {
                eprintln!("  [{rev}] {line}");
            }
            true
        };
        // Builds the revision's heaplab, and tells which limits it knows
        // (revisions from before the limits have no --timeout).
        let help = child::run(&mut heaplab(&["bench", "--help"]), &limits, None, show)
            .map_err(Error::run)?;
        if !help.success() {
            return Err(Error::run(format!(
                "building heaplab at {rev} failed ({}); its output is above",
                help.verdict()
            )));
        }
        let help = String::from_utf8_lossy(&help.stdout).into_owned();
        let mut cmd = heaplab(&["bench"]);
        if help.contains("--timeout") {
            cmd.arg("--timeout")
                .arg(options.timeout.as_secs_f64().to_string());
        }
        if let (true, Some(bytes)) = (help.contains("--memory-limit"), options.memory) {
            cmd.arg("--memory-limit").arg((bytes >> 20).to_string());
        }
        if options.plan.mode == crate::plan::Mode::Quick {
            cmd.arg("--quick");
        } else if options.plan.mode == crate::plan::Mode::Smoke {
            cmd.arg("--smoke");
        }
        for lab in &options.plan.labs {
            cmd.args(["--lab", lab]);
        }
        cmd.args(["--skip", "python", "--out"]).arg(&out);
        if !options.install_tools {
            cmd.arg("--no-install");
        }
        let done = child::run(&mut cmd, &limits, None, show).map_err(Error::run)?;
        if !done.success() {
            return Err(Error::run(format!(
                "measuring {rev} failed ({}); its output is above",
                done.verdict()
            )));
        }
        load(&out.join("latest.json"), "results")
    })();
    let _ = git(&["worktree", "remove", "--force", &tree_arg]);
    let _ = std::fs::remove_dir_all(&out);
    result
}

/// Prints the table, writes the Markdown summary to `summary` and, when
/// `$GITHUB_STEP_SUMMARY` is set, appends it there too. Returns the exit
/// code: 3 on a regression, else 0.
///
/// # Errors
///
/// Exit 2 when the gate refuses to judge (see [`Comparison::refusal`]);
/// exit 1 when the summary cannot be written and there is no regression
/// (a regression's exit 3 is kept, with a warning).
pub fn report(
    comparison: &Comparison,
    baseline_name: &str,
    summary: &Path,
    closure: &Closure,
) -> Result<u8, Error> {
    let refusal = comparison.refusal(closure);
    let table = summary::table(comparison);
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(table.as_bytes())
        .and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("heaplab: warning: cannot print the table: {e}");
    }
    let mut md = summary::markdown(comparison, baseline_name);
    if let Some(why) = &refusal {
        md = format!("## heaplab regress: refused (exit 2)\n\n{why}\n\n{md}");
    }
    let written = files::write_atomic(summary, md.as_bytes());
    match &written {
        Ok(()) => eprintln!("heaplab: summary written to {}", summary.display()),
        Err(e) => eprintln!("heaplab: warning: {e}"),
    }
    if let Some(step_summary) = std::env::var_os("GITHUB_STEP_SUMMARY") {
        let appended = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&step_summary)
            .and_then(|mut f| f.write_all(md.as_bytes()));
        if let Err(e) = appended {
            eprintln!("heaplab: warning: cannot append to $GITHUB_STEP_SUMMARY: {e}");
        }
    }
    if let Some(why) = refusal {
        return Err(Error::input(format!(
            "the gate refuses to judge this comparison:\n{why}"
        )));
    }
    if comparison.regressed() {
        return Ok(3);
    }
    written?;
    Ok(0)
}
