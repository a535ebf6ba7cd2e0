//! The ledger for people: the report's opening section and `heaplab claims`.

use std::fmt::Write as _;

use heaplab_core::claim::Verdict;

use super::{ClaimRecord, FigureRecord, counts};
use crate::render::number::number;

/// `label: value unit` (or `label: not measured: why`).
///
/// ```
/// use heaplab::claims::{FigureRecord, render::figure};
/// let f = FigureRecord { label: "shell".into(), value: Some(56.0), unit: "bytes".into(), n: None, not_measured: None, interval: None };
/// assert_eq!(figure(&f), "shell: 56 bytes");
/// ```
pub fn figure(f: &FigureRecord) -> String {
    let at =
        f.n.map_or_else(String::new, |n| format!(" at n = {}", number(n as f64)));
    match (f.value, &f.not_measured) {
        (Some(v), _) => format!("{}: {} {}{at}", f.label, number(v), f.unit)
            .trim_end()
            .to_owned(),
        (None, why) => format!(
            "{}: not measured: {}",
            f.label,
            why.as_deref().unwrap_or("no figure")
        ),
    }
}

/// The interpreters of a ledger, in order.
fn pythons(rows: &[ClaimRecord]) -> Vec<String> {
    counts(rows).into_iter().map(|(p, _)| p).collect()
}

/// One line per interpreter: how many claims got each verdict.
///
/// ```
/// let rows = heaplab::claims::ledger(&heaplab::results::example(&[]), heaplab::registry::labs());
/// let line = heaplab::claims::render::tally(&rows);
/// // The example results have none of the figures the claims cite.
/// assert!(line.contains(&format!("0 hold, 0 hold with nuance, 0 do not hold here, {} not measured yet", rows.len())));
/// ```
pub fn tally(rows: &[ClaimRecord]) -> String {
    counts(rows)
        .iter()
        .map(|(python, c)| {
            format!(
                "{python}: {} hold, {} hold with nuance, {} do not hold here, {} not measured yet",
                c[&Verdict::Holds],
                c[&Verdict::Nuance],
                c[&Verdict::DoesNotHold],
                c[&Verdict::NotMeasured]
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A table cell: Markdown already escaped, `|` and line breaks made safe.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Text for Markdown: the underscores and stars of `__slots__` or
/// `a * b` shown as written, not as emphasis, and `Rc<str>` not taken for
/// an HTML tag.
///
/// ```
/// assert_eq!(heaplab::claims::render::escape("__slots__ × n"), "\\_\\_slots\\_\\_ × n");
/// ```
pub fn escape(text: &str) -> String {
    text.replace('_', "\\_")
        .replace('*', "\\*")
        .replace('<', "&lt;")
}

/// The report's opening section: counts, one row per claim (the verdict and
/// the first figure per interpreter, the first Rust figure, a link to the
/// lab's section from `lab_link`), then each claim's sentences.
pub fn markdown(rows: &[ClaimRecord], lab_link: impl Fn(&str) -> Option<String>) -> String {
    let mut md = String::new();
    let pythons = pythons(rows);
    let _ = writeln!(md, "## The tutorial's claims\n");
    let _ = writeln!(
        md,
        "Every checkable claim of the tutorial, with a verdict computed from this run's figures by the claim's rule (in its lab's `claims.rs`), per CPython interpreter. {}.\n",
        tally(rows)
    );
    let mut head = "| # | claim | lab |".to_owned();
    let mut rule = "| ---: | --- | --- |".to_owned();
    for p in &pythons {
        let _ = write!(head, " {} |", p.replace("Python", "CPython"));
        rule.push_str(" --- |");
    }
    let _ = writeln!(md, "{head} Rust |\n{rule} --- |");
    for row in rows {
        let lab =
            lab_link(&row.lab).map_or_else(|| row.lab.clone(), |l| format!("[{}]({l})", row.lab));
        let _ = write!(
            md,
            "| [{}](#claim-{}) | {} | {lab} |",
            row.number,
            row.number,
            cell(&escape(row.text.trim_end_matches('.')))
        );
        for p in &pythons {
            let verdict = row.verdicts.iter().find(|v| &v.python == p);
            let text = verdict.map_or_else(String::new, |v| match (v.verdict, v.figures.first()) {
                (Verdict::NotMeasured, _) => format!("**{}**", v.verdict),
                _ if !v.short.is_empty() => format!("**{}**<br>{}", v.verdict, escape(&v.short)),
                (_, None) => format!("**{}**", v.verdict),
                (_, Some(f)) => format!("**{}**<br>{}", v.verdict, escape(&figure(f))),
            });
            let _ = write!(md, " {} |", cell(&text));
        }
        let rust = row
            .rust
            .first()
            .map_or_else(|| "—".to_owned(), |f| escape(&figure(f)));
        let _ = writeln!(md, " {} |", cell(&rust));
    }
    let _ = writeln!(md, "\nWhat each verdict rests on:\n");
    for row in rows {
        let _ = writeln!(
            md,
            "<a id=\"claim-{}\"></a>**{}. {}** — {} (`{}`, lab `{}`)\n",
            row.number,
            row.number,
            escape(&row.text),
            escape(&row.location),
            row.id,
            row.lab
        );
        for v in &row.verdicts {
            let _ = writeln!(md, "- {} — *{}*: {}", v.python, v.verdict, escape(&v.says));
        }
        if let Some(method) = &row.method {
            let _ = writeln!(md, "- The tutorial's method: {}", escape(method));
        }
        md.push('\n');
    }
    md
}

/// `heaplab claims`: the same ledger as plain text.
pub fn terminal(rows: &[ClaimRecord]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", tally(rows));
    for row in rows {
        let _ = writeln!(
            out,
            "{:>2}. {} [{}, lab {}]",
            row.number, row.text, row.id, row.lab
        );
        for v in &row.verdicts {
            let _ = writeln!(out, "    {}: {}: {}", v.python, v.verdict, v.says);
        }
        if !row.rust.is_empty() {
            let figures: Vec<String> = row.rust.iter().map(figure).collect();
            let _ = writeln!(out, "    Rust: {}", figures.join("; "));
        }
    }
    out
}
