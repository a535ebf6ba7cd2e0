//! A verdict as the student reads it: the tests, the heap table (yours ·
//! budget · reference · floor, at each size), what went wrong, and where
//! the bytes went — the student's lines beside the reference's.

use std::fmt::Write as _;

use heaplab_core::exercise::{HeapMetric, Outcome};

use crate::exercise::Language;
use crate::exercise::grade::{Row, Verdict};
use crate::measure::sites::Site;
use crate::render::number::number;

/// How many allocation sites are listed per side.
const SITES_SHOWN: usize = 4;

fn count(v: u64) -> String {
    number(v as f64)
}

/// The metric's label: dhat's figures for Rust, tracemalloc's for Python
/// (which sees live blocks only, so it counts what the result holds).
pub fn label(metric: HeapMetric, language: Language) -> &'static str {
    match (language, metric) {
        (Language::Rust, m) => m.name(),
        (Language::Python, HeapMetric::Allocs) => "blocks held",
        (Language::Python, HeapMetric::Bytes) => "bytes held",
        (Language::Python, HeapMetric::PeakBytes) => "peak_bytes",
        (Language::Python, HeapMetric::LiveBytes) => "live_bytes",
    }
}

fn table(out: &mut String, row: &Row, language: Language) {
    let cell = |b: Option<u64>| b.map_or_else(|| "—".to_owned(), count);
    let mut lines = vec![[
        "metric".to_owned(),
        "yours".to_owned(),
        "budget".to_owned(),
        "reference".to_owned(),
        "floor".to_owned(),
    ]];
    for metric in row.metrics() {
        let yours = match &row.yours {
            Ok(figures) => count(metric.of(figures)),
            Err(_) => "not measured: it panicked".to_owned(),
        };
        lines.push([
            label(metric, language).to_owned(),
            yours,
            cell(row.budget(metric).map(|b| b.value)),
            cell(row.reference.as_ref().map(|r| metric.of(r))),
            cell(row.floor(metric).map(|b| b.value)),
        ]);
    }
    let widths: Vec<usize> = (0..5)
        .map(|i| {
            lines
                .iter()
                .map(|l| l[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for line in &lines {
        let _ = write!(out, "    {:<w$}", line[0], w = widths[0]);
        for (i, text) in line.iter().enumerate().skip(1) {
            let _ = write!(out, "  {:>w$}", text, w = widths[i]);
        }
        out.push('\n');
    }
}

fn site_line(site: &Site, live: bool) -> String {
    let (blocks, bytes) = if live {
        (site.live_blocks, site.live_bytes)
    } else {
        (site.blocks, site.bytes)
    };
    let unit = if blocks == 1 { "block" } else { "blocks" };
    format!(
        "{}: {} {unit}, {} bytes{}",
        site.place,
        count(blocks),
        count(bytes),
        if live { " still live" } else { "" }
    )
}

fn sites(out: &mut String, row: &Row, live: bool) {
    let pick = |all: &[Site]| -> Vec<String> {
        all.iter()
            .filter(|s| if live { s.live_bytes > 0 } else { s.blocks > 0 })
            .take(SITES_SHOWN)
            .map(|s| site_line(s, live))
            .collect()
    };
    let yours = pick(&row.sites);
    let reference = pick(&row.reference_sites);
    if yours.is_empty() {
        return;
    }
    let what = if live {
        "still live after the output was dropped"
    } else {
        "allocated"
    };
    let _ = writeln!(
        out,
        "  where yours {what} ({}, n = {}):",
        row.check,
        count(row.n as u64)
    );
    for line in yours {
        let _ = writeln!(out, "    {line}");
    }
    if reference.is_empty() {
        let _ = writeln!(out, "  the reference solution: nothing");
    } else {
        let _ = writeln!(out, "  the reference solution:");
        for line in reference {
            let _ = writeln!(out, "    {line}");
        }
    }
}

/// The verdict as text, for the terminal.
pub fn render(verdict: &Verdict) -> String {
    let mut out = String::new();
    let entry = &verdict.entry;
    let _ = writeln!(
        out,
        "{entry} · {} ({})",
        entry.exercise.title,
        verdict.file.display()
    );
    if !verdict.tests.is_empty() {
        let passed = verdict
            .tests
            .iter()
            .filter(|(_, o)| *o == Some(Outcome::Passed))
            .count();
        let _ = writeln!(out, "  tests: {passed} of {} passed", verdict.tests.len());
        for (name, outcome) in &verdict.tests {
            let mark = match outcome {
                Some(Outcome::Passed) => "ok  ",
                Some(_) => "FAIL",
                None => "—   ",
            };
            let _ = writeln!(out, "    {mark} {name}");
        }
    }
    let mut formulas: Vec<String> = Vec::new();
    for row in &verdict.rows {
        let _ = writeln!(out, "  heap: {} · n = {}", row.check, count(row.n as u64));
        table(&mut out, row, entry.language);
        for bound in row
            .budgets
            .iter()
            .map(|b| (b, "budget"))
            .chain(row.floors.iter().map(|b| (b, "floor")))
        {
            let line = format!(
                "{:<6} {}: {}",
                bound.1,
                label(bound.0.metric, entry.language),
                bound.0.formula
            );
            if !formulas.contains(&line) {
                formulas.push(line);
            }
        }
    }
    if !formulas.is_empty() {
        let _ = writeln!(out, "  how the limits are computed:");
        for line in formulas {
            let _ = writeln!(out, "    {line}");
        }
    }
    match &verdict.result {
        Ok(tier) => {
            let _ = writeln!(out, "  ✓ {}", tier.label());
        }
        Err(failures) => {
            let _ = writeln!(out, "  ✗ not passed: {}", failures[0].kind());
            for failure in failures {
                let detail = failure.detail();
                let mut lines = detail.lines();
                let _ = writeln!(
                    out,
                    "    {}: {}",
                    failure.kind(),
                    lines.next().unwrap_or("")
                );
                for line in lines {
                    let _ = writeln!(out, "      {line}");
                }
            }
            let over = |m: HeapMetric| {
                verdict.rows.iter().rev().find(|r| {
                    r.yours
                        .as_ref()
                        .is_ok_and(|f| r.budget(m).is_some_and(|b| m.of(f) > b.value))
                })
            };
            if let Some(row) = over(HeapMetric::LiveBytes) {
                sites(&mut out, row, true);
            } else if let Some(row) = HeapMetric::ALL.into_iter().find_map(over) {
                sites(&mut out, row, false);
            }
            let hints = entry.exercise.hints.len();
            let _ = writeln!(
                out,
                "  stuck? `heaplab exercise hint {}` ({hints} hint{})",
                entry.key(),
                if hints == 1 { "" } else { "s" }
            );
        }
    }
    out
}
