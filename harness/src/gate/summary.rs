//! The gate's verdicts for people: a plain-text table for the terminal
//! ([`table`]) and Markdown for a CI job summary ([`markdown`]).

use std::fmt::Write as _;

use crate::gate::rules::{Comparison, Row, Verdict};

fn show(v: Option<f64>) -> String {
    match v {
        None => "not measured".to_owned(),
        Some(v) => crate::render::number::number(v),
    }
}

fn change(row: &Row) -> String {
    match (row.baseline, row.now) {
        (Some(b), Some(a)) if b != 0.0 => format!("{:+.1}%", (a - b) / b * 100.0),
        (Some(_), Some(a)) if a != 0.0 => "from 0".to_owned(),
        (Some(_), Some(_)) => "0%".to_owned(),
        _ => "n/a".to_owned(),
    }
}

/// The comparison as a plain-text table for the terminal.
pub fn table(c: &Comparison) -> String {
    let mut out = String::new();
    for (what, b, n) in c.provenance.iter().chain(&c.mismatches) {
        let _ = writeln!(out, "warning: {what} differs: baseline {b}, now {n}");
    }
    for change in &c.claims {
        let _ = writeln!(out, "warning: {}", change.line());
    }
    let header = ["case", "metric", "baseline", "now", "change", "verdict"];
    let rows: Vec<[String; 6]> = c
        .rows
        .iter()
        .map(|r| {
            let verdict = if r.note.is_empty() {
                r.verdict.label().to_owned()
            } else {
                format!("{} ({})", r.verdict.label(), r.note)
            };
            [
                r.case.to_string(),
                r.metric.to_owned(),
                show(r.baseline),
                show(r.now),
                change(r),
                verdict,
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 6]| {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            let _ = if i == 0 || i == 1 || i == 5 {
                write!(s, "{cell:<w$}  ")
            } else {
                write!(s, "{cell:>w$}  ")
            };
        }
        s.trim_end().to_owned()
    };
    if !rows.is_empty() {
        let _ = writeln!(out, "{}", line(header));
        for row in &rows {
            let _ = writeln!(out, "{}", line(row.each_ref().map(String::as_str)));
        }
    }
    let _ = writeln!(out, "{}", summary_line(c));
    out
}

fn summary_line(c: &Comparison) -> String {
    format!(
        "{} regression(s), {} time warning(s), {} improvement(s), {} unchanged, {} not compared; {} case(s) only in the baseline, {} only in this run",
        c.count(Verdict::Regression),
        c.count(Verdict::Warning),
        c.count(Verdict::Improvement),
        c.unchanged,
        c.count(Verdict::NotCompared),
        c.missing.len(),
        c.added.len()
    )
}

/// The comparison as Markdown, for a CI job summary.
pub fn markdown(c: &Comparison, baseline_name: &str) -> String {
    let mut md = String::new();
    let status = if c.regressed() {
        "❌ regression"
    } else {
        "✅ no regression"
    };
    let _ = writeln!(md, "## heaplab regress: {status}\n");
    let _ = writeln!(
        md,
        "Compared against `{baseline_name}`. {}\n",
        summary_line(c)
    );
    for (what, b, n) in c.provenance.iter().chain(&c.mismatches) {
        let _ = writeln!(
            md,
            "> **warning**: {what} differs: baseline `{b}`, now `{n}`\n"
        );
    }
    for change in &c.claims {
        let _ = writeln!(md, "> **warning**: {}\n", change.line());
    }
    if !c.rows.is_empty() {
        let _ = writeln!(
            md,
            "| case | metric | baseline | now | change | verdict |\n| --- | --- | ---: | ---: | ---: | --- |"
        );
        for r in &c.rows {
            let note = if r.note.is_empty() {
                String::new()
            } else {
                format!(" ({})", r.note)
            };
            let _ = writeln!(
                md,
                "| `{}` | {} | {} | {} | {} | {}{note} |",
                r.case,
                r.metric,
                show(r.baseline),
                show(r.now),
                change(r),
                r.verdict.label()
            );
        }
        md.push('\n');
    }
    for (title, keys) in [
        ("Only in the baseline", &c.missing),
        ("Only in this run", &c.added),
    ] {
        if !keys.is_empty() {
            let _ = writeln!(
                md,
                "<details><summary>{title}: {} case(s)</summary>\n",
                keys.len()
            );
            for k in keys {
                let _ = writeln!(md, "- `{k}`");
            }
            let _ = writeln!(md, "\n</details>\n");
        }
    }
    md
}
