//! heaplab: measures Rust answers to a Python memory-management tutorial.
//!
//! Labs (crates under `labs/`) describe experiments with the types of
//! [`heaplab_core`]; this crate measures every registered case three ways,
//! beside the lab's CPython reference, and reports. Data flows one way, and
//! the folders follow it:
//!
//! | folder | what lives there |
//! | --- | --- |
//! | [`registry`], [`plan`] | which labs and cases exist, and which a run measures |
//! | [`measure`] | one module per family ([`measure::heap`] dhat, [`measure::time`] criterion, [`measure::instructions`] iai-callgrind, [`measure::python`] CPython), the child-process limits, the pipeline that runs them |
//! | [`results`] | the results file: schema, case ids, the metric table, provenance, atomic files |
//! | [`gate`] | baseline, `regress`, `compare`: the rules and their verdicts |
//! | [`render`] | everything written for people: the report, plots, export, README figure blocks |
//! | [`exercise`] | student exercises: build, run, grade on behaviour and heap figures, show the verdict, watch |
//! | [`claims`] | the claims ledger: each tutorial claim's figures per interpreter and its computed verdict |
//! | [`checks`] | `heaplab smoke` and the calibration lab it measures |
//!
//! [`error::Error`] is the one error type; its code is the exit code.

pub use heaplab_core;

pub mod checks;
pub mod claims;
pub mod error;
pub mod exercise;
pub mod gate;
pub mod measure;
pub mod plan;
pub mod registry;
pub mod render;
pub mod results;
