//! The one line a measured process prints to say which case it starts:
//! `heaplab-event {"index":k,"total":N,"case":"lab/workload/strategy/n"}`
//! on standard error. The bench binaries and the CPython references print
//! it; the harness reads it to show progress and, when a process dies, to
//! know which case it died in (see [`crate::measure::binaries::resumable`]).
//! Everything else on standard error is the tools' own output, kept in the
//! log and never parsed.

use serde::{Deserialize, Serialize};

use crate::results::CaseId;

/// What starts every event line.
pub const PREFIX: &str = "heaplab-event ";

/// Case `index` (from 0) of `total` starts.
///
/// ```
/// use heaplab::measure::events::Started;
/// let event = Started { index: 2, total: 9, case: "02-refcount/intern/rc/10".parse().unwrap() };
/// let line = event.line();
/// assert_eq!(line, r#"heaplab-event {"index":2,"total":9,"case":"02-refcount/intern/rc/10"}"#);
/// assert_eq!(Started::parse(&line), Some(event));
/// assert_eq!(Started::parse("[3/9] time 02-refcount/intern/rc/10"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Started {
    /// Position in the list being measured, from 0.
    pub index: usize,
    /// Length of that list.
    pub total: usize,
    /// The case.
    pub case: CaseId,
}

impl Started {
    /// The event as one line (no newline).
    pub fn line(&self) -> String {
        // A struct of plain fields always serializes.
        let json = serde_json::to_string(self).unwrap_or_default();
        format!("{PREFIX}{json}")
    }

    /// The event on `line`, if it is one.
    pub fn parse(line: &str) -> Option<Self> {
        serde_json::from_str(line.trim_end().strip_prefix(PREFIX)?).ok()
    }
}
