//! heaplab: measures Rust answers to a Python memory-management tutorial.
//!
//! Labs (crates under `labs/`) describe experiments with the types of
//! [`heaplab_core`]; this crate measures every registered case three ways
//! and reports:
//!
//! | family | module | tool | what |
//! | --- | --- | --- | --- |
//! | heap | [`heap`] | dhat | exact allocations, bytes, peak, live after drop |
//! | time | [`time`] | criterion | median wall time with confidence interval |
//! | instructions | [`instructions`] | iai-callgrind | instructions executed |
//!
//! beside the lab's CPython reference ([`python`]), into a results file
//! ([`results`]) and a Markdown report with plots ([`report`]).

pub use heaplab_core;

pub mod bench;
pub mod calibration;
pub mod child;
pub mod compare;
pub mod error;
pub mod export;
pub mod files;
pub mod gate;
pub mod heap;
pub mod instructions;
pub mod plan;
pub mod plot;
pub mod progress;
pub mod provenance;
pub mod python;
pub mod registry;
pub mod report;
pub mod results;
pub mod run;
pub mod smoke;
pub mod time;
pub mod tools;
