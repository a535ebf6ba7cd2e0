//! The figures of the CPython interpreters after the first.
//!
//! The first interpreter given (`--python`, else `$PYTHON`, else `python3`)
//! is measured in full: its records are the `python` records of
//! [`Results::cases`](super::Results::cases) and its facts sit in each
//! lab's facts. Every further interpreter is measured for the claims
//! ledger: the counterparts and sizes the claims cite, and the facts, kept
//! here per lab.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CaseRecord, FactRecord};

/// One further interpreter's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterpreterRecord {
    /// What `--version` said, e.g. `Python 3.12.1`.
    pub python: String,
    /// The executable, as given.
    pub executable: String,
    /// Per lab id.
    pub labs: BTreeMap<String, InterpreterLab>,
}

/// One lab under one further interpreter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterpreterLab {
    /// The script's facts.
    pub facts: Vec<FactRecord>,
    /// The records of the cited counterparts.
    pub cases: Vec<CaseRecord>,
    /// Why there are none, when there are none.
    pub not_measured: Option<String>,
}
