//! Instruction family: iai-callgrind, through the generic `benches/instructions.rs`.
//!
//! The harness makes sure valgrind and the runner are there
//! ([`crate::tools`]), runs the bench with `--output-format=json` and a
//! fresh `IAI_CALLGRIND_HOME`, and reads one JSON summary per benchmark
//! from its standard output: the documented machine-readable format, not
//! the human one.

use std::collections::BTreeMap;
use std::path::Path;

use crate::bench::{self, Line, Outcome};
use crate::plan::{Plan, ident};
use crate::results::Metric;
use crate::tools::RUNNER_ENV;

/// Counts instructions for every item of `plan` with the runner at `runner`.
/// `on_done` is called with each finished case key.
pub fn measure(
    root: &Path,
    plan: &Plan,
    work: &Path,
    runner: &Path,
    mut on_line: impl FnMut(Line<'_>),
) -> Outcome {
    let home = work.join("iai");
    let _ = std::fs::remove_dir_all(&home);
    let by_ident: BTreeMap<String, String> = plan
        .items()
        .iter()
        .map(|item| (ident(&item.key()), item.key()))
        .collect();
    let mut metrics = BTreeMap::new();
    let failure = bench::run(
        root,
        "instructions",
        plan,
        &[
            (RUNNER_ENV, runner.as_os_str()),
            ("IAI_CALLGRIND_HOME", home.as_os_str()),
        ],
        &["--output-format=json"],
        &work.join("instructions.log"),
        |line| {
            if let Line::Out(text) = line
                && let Some((id, ir)) = parse_summary(text)
                && let Some(key) = by_ident.get(&id)
            {
                metrics.insert(key.clone(), Metric::Count(ir));
            }
            on_line(line);
        },
    )
    .err();
    let crashed = failure.is_some();
    Outcome {
        metrics,
        failure,
        crashed,
    }
}

/// The benchmark id and total `Ir` of one JSON summary line.
///
/// ```
/// let line = r#"{"function_name":"l02_x","profiles":[{"summaries":{"total":{"summary":
///     {"Callgrind":{"Ir":{"diffs":null,"metrics":{"Left":{"Int":154171}}}}}}}}]}"#;
/// assert_eq!(heaplab::instructions::parse_summary(line), Some(("l02_x".to_owned(), 154171)));
/// assert_eq!(heaplab::instructions::parse_summary("Compiling ..."), None);
/// ```
pub fn parse_summary(line: &str) -> Option<(String, u64)> {
    let summary: serde_json::Value = serde_json::from_str(line).ok()?;
    let id = summary.get("function_name")?.as_str()?.to_owned();
    let ir = summary
        .pointer("/profiles/0/summaries/total/summary/Callgrind/Ir/metrics/Left/Int")?
        .as_u64()?;
    Some((id, ir))
}
