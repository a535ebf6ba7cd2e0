//! README figure blocks: every figure in a lab README and in the headline
//! is generated from the committed results, so prose and numbers cannot
//! drift apart. The prose around a block is written by hand; what is
//! between a block's markers is written by `heaplab report` (and `make
//! bench`), and a test fails when it differs from what the results give.
//!
//! A block is an HTML comment that opens it, the generated text, and a
//! closing comment (both invisible on GitHub):
//!
//! ```text
//! <!-- heaplab:table lab=09 workloads=trace sizes=10000,100000 columns=list-lru.time_ns,py.list-lru.time_ns -->
//! | n | list-lru ns/op | CPython list-lru ns/op |
//! ...
//! <!-- /heaplab -->
//! ```
//!
//! Kinds and their parameters (`key=value`, no spaces in a value, lists
//! comma-separated; the opening comment may span lines):
//!
//! * `table lab=ID [workloads=W,...] [sizes=N,...] columns=COL,...`: one
//!   row per workload (when more than one is listed) and size `n` present
//!   in the results, one column per `COL`:
//!   * `STRATEGY.METRIC`: the Rust case's figure;
//!   * `py.STRATEGY.METRIC`: the CPython counterpart's (its script's name);
//!   * `A~B.METRIC`: Rust strategy A's figure divided by B's.
//!
//!   A metric is shown as the metric table says (per op or total), or as
//!   asked with `METRIC@op` / `METRIC@total`.
//! * `value CASE METRIC [py]`: one figure inline, e.g.
//!   `value 09-lru-vs-unbounded/distinct-keys/slab-lru/100000 live_bytes`.
//! * `fact LAB rust|python NAME`: one of the lab's facts inline (a type's
//!   size, `sys.getsizeof` on this interpreter), NAME being the rest of the
//!   line, exactly as the facts table names it.
//! * `facts LAB [rust|python]`: the lab's facts as a table.
//! * `sites LAB`: the live allocation sites of the lab's cases that ask
//!   for them; `diff LAB`: what grew between the lab's two snapshots of
//!   one program (`Lab::snapshot_diff`), or why it was not measured;
//!   `profile LAB/WORKLOAD/STRATEGY`: a profiled case's top sites.
//! * `run`: which run the figures come from: its directory, command,
//!   commit and machine.
//!
//! Figures are formatted by [`number`], like the report's.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::render::number::number;
use crate::results::metrics::{self, MetricSpec, Shown};
use crate::results::{CaseId, LabRecord, Metric, Results, Source, files};

const OPEN: &str = "<!-- heaplab:";
const CLOSE: &str = "<!-- /heaplab -->";

/// The files whose blocks are generated: the top-level README and every
/// lab's, under the workspace `root`.
pub fn readmes(root: &Path) -> Vec<PathBuf> {
    let mut found = vec![root.join("README.md")];
    if let Ok(entries) = std::fs::read_dir(root.join("labs")) {
        let mut labs: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path().join("README.md"))
            .filter(|p| p.is_file())
            .collect();
        labs.sort();
        found.extend(labs);
    }
    found
}

/// `text` with every block regenerated from `results`.
///
/// ```
/// let results = heaplab::results::example(&[("allocs", 3)]);
/// let text = "Allocs: <!-- heaplab:value 00-example/w/s/1 allocs -->7<!-- /heaplab -->.";
/// let filled = heaplab::render::readme::fill(text, &results).unwrap();
/// assert_eq!(filled, "Allocs: <!-- heaplab:value 00-example/w/s/1 allocs -->3<!-- /heaplab -->.");
/// assert_eq!(heaplab::render::readme::fill(&filled, &results).unwrap(), filled);
/// ```
///
/// # Errors
///
/// A block that does not parse, is not closed, or asks for a case, lab or
/// metric the results do not have: the message names the block.
pub fn fill(text: &str, results: &Results) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        let (before, from_open) = rest.split_at(start);
        out.push_str(before);
        let header_end = from_open.find("-->").ok_or_else(|| {
            format!(
                "a block opening is not closed with -->: {}",
                clip(from_open)
            )
        })? + 3;
        let header = &from_open[..header_end];
        let after_header = &from_open[header_end..];
        let close = after_header
            .find(CLOSE)
            .filter(|&close| !after_header[..close].contains(OPEN))
            .ok_or_else(|| {
                format!(
                    "block {} has no {CLOSE} before the next block",
                    clip(header)
                )
            })?;
        let spec = header[OPEN.len()..header.len() - 3].trim();
        let generated =
            render(spec, results).map_err(|why| format!("block {}: {why}", clip(header)))?;
        out.push_str(header);
        // A block that stands on its own lines keeps them; an inline one stays inline.
        if after_header.starts_with('\n') {
            out.push('\n');
            out.push_str(&generated);
            out.push('\n');
        } else {
            out.push_str(&generated);
        }
        out.push_str(CLOSE);
        rest = &after_header[close + CLOSE.len()..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Where a README's blocks differ from what `results` give: `None` when
/// they agree.
///
/// # Errors
///
/// As [`fill`].
pub fn drift(text: &str, results: &Results) -> Result<Option<String>, String> {
    let filled = fill(text, results)?;
    if filled == text {
        return Ok(None);
    }
    let line = text
        .lines()
        .zip(filled.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| text.lines().count().min(filled.lines().count()));
    let show = |s: &str| s.lines().nth(line).unwrap_or("(end of file)").to_owned();
    Ok(Some(format!(
        "line {}: the file has\n    {}\n  the results give\n    {}",
        line + 1,
        show(text),
        show(&filled)
    )))
}

/// Regenerates the blocks of every README under `root` from `results`,
/// writing (atomically) only the files that change. Returns those files.
///
/// # Errors
///
/// Exit 2 naming the README with a block that does not render; exit 1
/// when a file cannot be read or written.
pub fn update_all(root: &Path, results: &Results) -> Result<Vec<PathBuf>, Error> {
    let mut changed = Vec::new();
    let mut updates = Vec::new();
    // Every file renders before any is written: one bad block changes nothing.
    for path in readmes(root) {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::run(format!("cannot read {}: {e}", path.display())))?;
        let filled = fill(&text, results)
            .map_err(|why| Error::input(format!("{}: {why}", path.display())))?;
        if filled != text {
            updates.push((path, filled));
        }
    }
    for (path, filled) in updates {
        files::write_atomic(&path, filled.as_bytes())?;
        changed.push(path);
    }
    Ok(changed)
}

/// The committed results the READMEs quote: `results/latest.json`.
pub const COMMITTED: &str = "results/latest.json";

/// Regenerates the READMEs' blocks when `results` were read from, or
/// written to, the committed results file under `root`, the report goes
/// beside it, and they are a full run of every lab (`make bench`, `make
/// report`); any other run (quick, smoke, one lab, a report elsewhere)
/// leaves the READMEs alone. Returns the files changed.
///
/// # Errors
///
/// As [`update_all`].
pub fn update_if_committed(
    root: &Path,
    results_path: &Path,
    report_dir: &Path,
    results: &Results,
) -> Result<Vec<PathBuf>, Error> {
    let committed = root.join(COMMITTED);
    let beside = committed.parent().unwrap_or(root);
    // Only a full run of every lab is what the READMEs quote: `bench --lab
    // 04` or `--quick` into results/ leaves them alone.
    let every_lab = crate::registry::labs()
        .iter()
        .filter(|lab| !lab.id.starts_with("00-"))
        .all(|lab| results.labs.iter().any(|l| l.id == lab.id));
    if files::same_file(results_path, &committed)
        && files::same_file(report_dir, beside)
        && results.provenance.mode == "full"
        && every_lab
    {
        update_all(root, results)
    } else {
        Ok(Vec::new())
    }
}

fn clip(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    let cut: String = line.chars().take(100).collect();
    if cut.len() < line.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

fn render(spec: &str, results: &Results) -> Result<String, String> {
    let mut words = spec.split_whitespace();
    let kind = words.next().unwrap_or_default();
    let words: Vec<&str> = words.collect();
    match kind {
        "table" => table(&words, results),
        "value" => value(&words, results),
        "run" if words.is_empty() => Ok(run(results)),
        "fact" => fact(spec, results),
        "facts" => facts(&words, results),
        "claims" => claims(&words, results),
        "sites" => sites(&words, results),
        "diff" => diff(&words, results),
        "profile" => profile(&words, results),
        other => Err(format!(
            "unknown block kind {other:?} (table, value, fact, facts, claims, sites, diff, profile, run) or unexpected parameters"
        )),
    }
}

/// A metric name with an optional `@op` / `@total`.
fn metric_shown(text: &str) -> Result<(&'static MetricSpec, Shown), String> {
    let (name, shown) = match text.split_once('@') {
        Some((name, "op")) => (name, Some(Shown::PerOp)),
        Some((name, "total")) => (name, Some(Shown::Total)),
        Some((_, other)) => return Err(format!("@{other}: expected @op or @total")),
        None => (text, None),
    };
    let spec = metrics::spec(name).ok_or_else(|| {
        let known: Vec<&str> = metrics::names().collect();
        format!("unknown metric {name:?}; known: {}", known.join(", "))
    })?;
    Ok((spec, shown.unwrap_or(spec.shown)))
}

/// The figure of `id`'s metric from `source`, as shown.
fn figure(
    results: &Results,
    id: &CaseId,
    source: Source,
    spec: &MetricSpec,
    shown: Shown,
) -> Result<Option<f64>, String> {
    let record = results.find(id, source).ok_or_else(|| {
        format!(
            "the results have no {} record {id}",
            match source {
                Source::Rust => "Rust",
                Source::Python => "CPython",
            }
        )
    })?;
    Ok(match record.metrics.get(spec.name) {
        // A size left out by design: NaN, shown as "not taken".
        Some(Metric::NotMeasured { not_measured })
            if crate::measure::sizes::is_planned(not_measured) =>
        {
            Some(f64::NAN)
        }
        Some(Metric::NotMeasured { .. }) | None => None,
        Some(metric) => metric.value().map(|v| match shown {
            Shown::PerOp => v / id.n as f64,
            Shown::Total => v,
        }),
    })
}

fn shown_text(v: Option<f64>) -> String {
    match v {
        None => "not measured".to_owned(),
        Some(v) if v.is_nan() => "not taken".to_owned(),
        Some(v) => number(v),
    }
}

fn value(words: &[&str], results: &Results) -> Result<String, String> {
    let (id, metric, source) = match words {
        [id, metric] => (id, metric, Source::Rust),
        [id, metric, "py"] => (id, metric, Source::Python),
        _ => return Err("expected: value LAB/WORKLOAD/STRATEGY/N METRIC [py]".to_owned()),
    };
    let id: CaseId = id.parse()?;
    let (spec, shown) = metric_shown(metric)?;
    Ok(shown_text(figure(results, &id, source, spec, shown)?))
}

/// One column of a table block.
enum Column {
    One {
        source: Source,
        strategy: String,
        spec: &'static MetricSpec,
        shown: Shown,
    },
    Ratio {
        over: String,
        under: String,
        spec: &'static MetricSpec,
    },
}

impl Column {
    fn parse(text: &str) -> Result<Self, String> {
        let (who, metric) = text
            .rsplit_once('.')
            .ok_or_else(|| format!("column {text:?}: expected STRATEGY.METRIC"))?;
        let (spec, shown) = metric_shown(metric)?;
        if let Some((over, under)) = who.split_once('~') {
            return Ok(Column::Ratio {
                over: over.to_owned(),
                under: under.to_owned(),
                spec,
            });
        }
        let (source, strategy) = match who.strip_prefix("py.") {
            Some(strategy) => (Source::Python, strategy),
            None => (Source::Rust, who),
        };
        Ok(Column::One {
            source,
            strategy: strategy.to_owned(),
            spec,
            shown,
        })
    }

    fn header(&self) -> String {
        match self {
            Column::One {
                source,
                strategy,
                spec,
                shown,
            } => {
                let label = spec.label_for(*shown);
                match source {
                    Source::Rust => format!("{strategy} {label}"),
                    Source::Python => format!("CPython {strategy} {label}"),
                }
            }
            Column::Ratio { over, under, spec } => {
                format!("{over} ÷ {under} {}", spec.total_label)
            }
        }
    }

    fn cell(&self, results: &Results, lab: &str, workload: &str, n: u64) -> Result<String, String> {
        let id = |strategy: &str| CaseId::new(lab, workload, strategy, n);
        Ok(match self {
            Column::One {
                source,
                strategy,
                spec,
                shown,
            } => shown_text(figure(results, &id(strategy), *source, spec, *shown)?),
            Column::Ratio { over, under, spec } => {
                let a = figure(results, &id(over), Source::Rust, spec, Shown::Total)?;
                let b = figure(results, &id(under), Source::Rust, spec, Shown::Total)?;
                match (a, b) {
                    (Some(a), Some(b)) if b != 0.0 && !a.is_nan() && !b.is_nan() => {
                        format!("{:.2}", a / b)
                    }
                    _ => "not measured".to_owned(),
                }
            }
        })
    }
}

fn table(words: &[&str], results: &Results) -> Result<String, String> {
    let mut lab = None;
    let mut workloads: Vec<String> = Vec::new();
    let mut sizes: Vec<u64> = Vec::new();
    let mut columns: Vec<Column> = Vec::new();
    for word in words {
        let (key, value) = word
            .split_once('=')
            .ok_or_else(|| format!("{word:?}: expected key=value"))?;
        let list = value.split(',').filter(|s| !s.is_empty());
        match key {
            "lab" => lab = Some(value),
            "workloads" => workloads = list.map(str::to_owned).collect(),
            "sizes" => {
                sizes = list
                    .map(|s| s.parse().map_err(|_| format!("size {s:?} is not a number")))
                    .collect::<Result<_, _>>()?;
            }
            "columns" => columns = list.map(Column::parse).collect::<Result<_, _>>()?,
            other => {
                return Err(format!(
                    "unknown parameter {other:?} (lab, workloads, sizes, columns)"
                ));
            }
        }
    }
    let lab = self::lab(results, lab.ok_or("a table needs lab=ID")?)?;
    if columns.is_empty() {
        return Err("a table needs columns=...".to_owned());
    }
    if workloads.is_empty() {
        for r in results.cases.iter().filter(|r| r.id.lab == lab.id) {
            if !workloads.contains(&r.id.workload) {
                workloads.push(r.id.workload.clone());
            }
        }
    }
    let many = workloads.len() > 1;
    let mut md = String::new();
    let mut header = Vec::new();
    if many {
        header.push("workload".to_owned());
    }
    header.push("n".to_owned());
    header.extend(columns.iter().map(Column::header));
    let _ = writeln!(md, "| {} |", header.join(" | "));
    let align: Vec<&str> = header
        .iter()
        .enumerate()
        .map(|(i, _)| if many && i == 0 { "---" } else { "---:" })
        .collect();
    let _ = write!(md, "| {} |", align.join(" | "));
    for workload in &workloads {
        let mut ns: Vec<u64> = results
            .cases
            .iter()
            .filter(|r| {
                r.id.lab == lab.id && &r.id.workload == workload && r.source == Source::Rust
            })
            .map(|r| r.id.n)
            .filter(|n| sizes.is_empty() || sizes.contains(n))
            .collect();
        ns.sort_unstable();
        ns.dedup();
        if ns.is_empty() {
            return Err(format!(
                "the results have no {}/{workload} records at those sizes",
                lab.id
            ));
        }
        for n in ns {
            let mut row = Vec::new();
            if many {
                row.push(format!("`{workload}`"));
            }
            row.push(number(n as f64));
            for column in &columns {
                row.push(column.cell(results, &lab.id, workload, n)?);
            }
            let _ = write!(md, "\n| {} |", row.join(" | "));
        }
    }
    Ok(md)
}

/// The lab `query` names (`09` or `09-lru-vs-unbounded`).
fn lab<'r>(results: &'r Results, query: &str) -> Result<&'r LabRecord, String> {
    results
        .labs
        .iter()
        .find(|l| {
            l.id == query
                || l.id
                    .strip_prefix(query)
                    .is_some_and(|rest| rest.starts_with('-'))
        })
        .ok_or_else(|| format!("the results have no lab {query}"))
}

fn source(word: &str) -> Result<Source, String> {
    match word {
        "rust" => Ok(Source::Rust),
        "python" => Ok(Source::Python),
        other => Err(format!("{other:?}: expected rust or python")),
    }
}

fn fact(spec: &str, results: &Results) -> Result<String, String> {
    let mut parts = spec.splitn(4, char::is_whitespace);
    let (_, lab_query, who, name) = (parts.next(), parts.next(), parts.next(), parts.next());
    let (Some(lab_query), Some(who), Some(name)) = (lab_query, who, name) else {
        return Err("expected: fact LAB rust|python NAME".to_owned());
    };
    let (lab, who, name) = (lab(results, lab_query)?, source(who)?, name.trim());
    lab.facts
        .iter()
        .find(|f| f.source == who && f.name == name)
        .map(|f| number(f.value))
        .ok_or_else(|| format!("{} has no {who:?} fact named {name:?}", lab.id))
}

fn facts(words: &[&str], results: &Results) -> Result<String, String> {
    let (lab, only) = match words {
        [query] => (lab(results, query)?, None),
        [query, who] => (lab(results, query)?, Some(source(who)?)),
        _ => return Err("expected: facts LAB [rust|python]".to_owned()),
    };
    Ok(crate::render::report::facts_markdown(
        lab.facts
            .iter()
            .filter(|f| only.is_none_or(|s| s == f.source)),
    ))
}

/// `sites LAB`: the live allocation sites of the lab's cases that ask for
/// them (see [`crate::render::report::sites_markdown`]).
fn sites(words: &[&str], results: &Results) -> Result<String, String> {
    let [query] = words else {
        return Err("expected: sites LAB".to_owned());
    };
    let lab = lab(results, query)?;
    let md = crate::render::report::sites_markdown(results, &lab.id);
    if md.is_empty() {
        // A run without the heap family (`--skip heap`), or whose reads failed.
        return Ok(format!(
            "Live sites not measured in this run (lab {}).",
            lab.id
        ));
    }
    Ok(md)
}

/// `diff LAB`: the snapshot diffs the lab declares, what grew between two
/// snapshots of one program (see [`crate::render::report::diff_markdown`]).
fn diff(words: &[&str], results: &Results) -> Result<String, String> {
    let [query] = words else {
        return Err("expected: diff LAB".to_owned());
    };
    let lab = lab(results, query)?;
    let md = crate::render::report::diff_markdown(results, &lab.id);
    if md.is_empty() {
        // Results from before the lab declared its snapshots.
        return Ok(format!(
            "Snapshot diff not measured in this run (lab {}).",
            lab.id
        ));
    }
    Ok(md)
}

/// `profile LAB/WORKLOAD/STRATEGY`: that case's top allocation sites (see
/// [`crate::render::report::profile_markdown`]).
fn profile(words: &[&str], results: &Results) -> Result<String, String> {
    let [query] = words else {
        return Err("expected: profile LAB/WORKLOAD/STRATEGY".to_owned());
    };
    let Some((lab_query, rest)) = query.split_once('/') else {
        return Err("expected: profile LAB/WORKLOAD/STRATEGY".to_owned());
    };
    let lab = lab(results, lab_query)?;
    let found = results
        .profiles
        .iter()
        .find(|(id, _)| id.lab == lab.id && format!("{}/{}", id.workload, id.strategy) == rest);
    Ok(match found {
        Some((id, profile)) => format!(
            "At n = {}:\n\n{}",
            number(id.n as f64),
            crate::render::report::profile_markdown(profile)
        ),
        None => format!("Profile of {}/{rest} not measured in this run.", lab.id),
    })
}

/// `claims`: the ledger's counts per interpreter; `claims lab=NN`: that
/// lab's claims, each with its verdict and sentence per interpreter.
fn claims(words: &[&str], results: &Results) -> Result<String, String> {
    let rows = crate::claims::of(results);
    match words {
        [] => Ok(format!("{}.", crate::claims::render::tally(&rows))),
        [lab] => {
            let query = lab
                .strip_prefix("lab=")
                .ok_or_else(|| "expected: claims [lab=NN]".to_owned())?;
            let mine: Vec<_> = rows
                .iter()
                .filter(|r| r.lab == query || r.lab.split('-').next() == Some(query))
                .collect();
            if mine.is_empty() {
                return Err(format!("no claim of lab {query} in the ledger"));
            }
            let mut md = String::new();
            let escape = crate::claims::render::escape;
            for row in mine {
                md.push_str(&format!(
                    "\n- **{}. {}** (`{}`)",
                    row.number,
                    escape(&row.text),
                    row.id
                ));
                for v in &row.verdicts {
                    md.push_str(&format!(
                        "\n  - {} — *{}*: {}",
                        v.python,
                        v.verdict,
                        escape(&v.says)
                    ));
                }
            }
            md.push('\n');
            Ok(md)
        }
        _ => Err("expected: claims [lab=NN]".to_owned()),
    }
}

fn run(results: &Results) -> String {
    let p = &results.provenance;
    let others: Vec<&str> = results
        .interpreters
        .iter()
        .map(|i| i.python.strip_prefix("Python ").unwrap_or(&i.python))
        .collect();
    let others = if others.is_empty() {
        String::new()
    } else {
        format!(", and {} for the claims", others.join(", "))
    };
    format!(
        "Figures from the run `{}` (`{}`, commit `{}`{}, {} mode; {} with {} cores, {}; {}; CPython {}{others}).",
        p.run_id(),
        p.command,
        p.short_revision(),
        if p.git_dirty {
            " with uncommitted changes"
        } else {
            ""
        },
        p.mode,
        p.cpu,
        p.cores,
        p.os,
        p.rustc,
        p.python.strip_prefix("Python ").unwrap_or(&p.python)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results() -> Results {
        let mut results = crate::results::example(&[("allocs", 4), ("live_bytes", 64)]);
        results.cases[0].id.n = 2;
        results.labs.push(LabRecord {
            id: "00-example".into(),
            title: "t".into(),
            section: "s".into(),
            claims: Vec::new(),
            facts: Vec::new(),
            python_counterparts: Default::default(),
            python_not_measured: None,
            keeps_output: Vec::new(),
            python_timing: None,
            snapshot_diffs: Vec::new(),
        });
        results
    }

    #[test]
    fn a_table_block_is_generated_and_an_edit_inside_it_is_drift() {
        let text = "Before.\n<!-- heaplab:table lab=00 columns=s.allocs,s.live_bytes,s~s.allocs -->\nold\n<!-- /heaplab -->\nAfter.\n";
        let filled = fill(text, &results()).unwrap();
        assert_eq!(
            filled,
            "Before.\n<!-- heaplab:table lab=00 columns=s.allocs,s.live_bytes,s~s.allocs -->\n| n | s allocs/op | s retained B | s ÷ s allocs |\n| ---: | ---: | ---: | ---: |\n| 2 | 2 | 64 | 1.00 |\n<!-- /heaplab -->\nAfter.\n"
        );
        assert_eq!(drift(&filled, &results()).unwrap(), None);
        let edited = filled.replace("| 2 | 2 | 64 |", "| 2 | 2 | 65 |");
        let why = drift(&edited, &results()).unwrap().expect("drift");
        assert!(
            why.contains("| 2 | 2 | 65 |") && why.contains("| 2 | 2 | 64 |"),
            "{why}"
        );
    }

    #[test]
    fn a_block_asking_for_what_the_results_lack_is_an_error() {
        for bad in [
            "<!-- heaplab:value 00-example/w/other/2 allocs -->x<!-- /heaplab -->",
            "<!-- heaplab:value 00-example/w/s/2 speed -->x<!-- /heaplab -->",
            "<!-- heaplab:table lab=99 columns=s.allocs -->\nx\n<!-- /heaplab -->",
            "<!-- heaplab:table lab=00 -->\nx\n<!-- /heaplab -->",
            "<!-- heaplab:figure -->x<!-- /heaplab -->",
            "<!-- heaplab:value 00-example/w/s/2 allocs -->x",
            "<!-- heaplab:value 00-example/w/s/2 allocs -->x <!-- heaplab:value 00-example/w/s/2 allocs -->y<!-- /heaplab -->",
        ] {
            assert!(fill(bad, &results()).is_err(), "{bad}");
        }
    }

    #[test]
    fn facts_are_quoted_by_name() {
        let mut r = results();
        r.labs[0].facts.push(crate::results::FactRecord {
            name: "sys.getsizeof(object())".into(),
            value: 16.0,
            unit: "bytes".into(),
            source: Source::Python,
        });
        let text = "<!-- heaplab:fact 00 python sys.getsizeof(object()) -->?<!-- /heaplab -->";
        assert!(fill(text, &r).unwrap().contains("-->16<"));
        let table = fill("<!-- heaplab:facts 00 -->\n<!-- /heaplab -->", &r).unwrap();
        assert!(
            table.contains("| CPython | sys.getsizeof(object()) | 16 bytes |"),
            "{table}"
        );
        let missing = "<!-- heaplab:fact 00 rust sys.getsizeof(object()) -->?<!-- /heaplab -->";
        assert!(fill(missing, &r).is_err());
    }

    #[test]
    fn a_diff_block_says_not_measured_without_the_snapshots() {
        let mut r = results();
        let block = "<!-- heaplab:diff 00 -->\n<!-- /heaplab -->";
        assert!(
            fill(block, &r)
                .unwrap()
                .contains("\nSnapshot diff not measured in this run (lab 00-example).\n")
        );
        r.labs[0]
            .snapshot_diffs
            .push(crate::results::SnapshotDiffRecord {
                workload: "w".into(),
                before: "s".into(),
                after: "t".into(),
            });
        let filled = fill(block, &r).unwrap();
        assert!(
            filled.contains("`w/s` → `w/t`: not measured in this run: no live sites of `w/s`."),
            "{filled}"
        );
        assert!(fill("<!-- heaplab:diff -->\n<!-- /heaplab -->", &r).is_err());
    }

    #[test]
    fn values_are_per_op_or_total_as_asked() {
        let r = results();
        let fill1 = |spec: &str| {
            fill(
                &format!("<!-- heaplab:value {spec} --><!-- /heaplab -->"),
                &r,
            )
            .unwrap()
        };
        assert!(fill1("00-example/w/s/2 allocs").contains("-->2<"));
        assert!(fill1("00-example/w/s/2 allocs@total").contains("-->4<"));
        assert!(fill1("00-example/w/s/2 live_bytes@op").contains("-->32<"));
    }
}
