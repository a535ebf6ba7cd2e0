//! [`CaseId`]: which case, at which size. The one place the text form
//! `lab/workload/strategy/n` is written and read.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One case of one lab at one size: `lab/workload/strategy/n`.
///
/// Results are keyed by it, the gate matches runs by it, the report, the
/// export and the progress events name cases with it. Its parts are
/// checked names ([`check_name`]) and `n` is at least 1, so its text form
/// is safe in paths and parses back to the same id.
///
/// ```
/// use heaplab::results::CaseId;
/// let id: CaseId = "09-lru-vs-unbounded/trace/slab-lru/10000".parse().unwrap();
/// assert_eq!(id.strategy, "slab-lru");
/// assert_eq!(id.n, 10_000);
/// assert_eq!(id.to_string(), "09-lru-vs-unbounded/trace/slab-lru/10000");
/// assert!("09/trace/../10".parse::<CaseId>().is_err());
/// assert!("09/trace/slab/0".parse::<CaseId>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CaseId {
    /// Lab id, e.g. `04-slots-vs-dict`.
    pub lab: String,
    /// Workload name, e.g. `create`.
    pub workload: String,
    /// Strategy name (for CPython records, the reference script's name).
    pub strategy: String,
    /// Input size, at least 1.
    pub n: u64,
}

impl CaseId {
    /// An id from its parts (not checked: see [`CaseId::check`]).
    pub fn new(lab: &str, workload: &str, strategy: &str, n: u64) -> Self {
        Self {
            lab: lab.to_owned(),
            workload: workload.to_owned(),
            strategy: strategy.to_owned(),
            n,
        }
    }

    /// Checks every part: safe names ([`check_name`]) and `n` ≥ 1.
    ///
    /// # Errors
    ///
    /// What is wrong, naming the id.
    pub fn check(&self) -> Result<(), String> {
        check_name("lab", &self.lab)?;
        check_name("workload", &self.workload)?;
        check_name("strategy", &self.strategy)?;
        if self.n == 0 {
            return Err(format!("{self}: n is 0 (sizes start at 1)"));
        }
        Ok(())
    }

    /// The id as ASCII letters, digits and `_` only (iai-callgrind ids
    /// allow nothing else); distinct for distinct ids of the registry.
    ///
    /// ```
    /// let id = heaplab::results::CaseId::new("02-refcount", "clone-drop", "rc", 10);
    /// assert_eq!(id.ident(), "l02_refcount__clone_drop__rc__10");
    /// ```
    pub fn ident(&self) -> String {
        let part = |s: &str| s.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
        format!(
            "l{}__{}__{}__{}",
            part(&self.lab),
            part(&self.workload),
            part(&self.strategy),
            self.n
        )
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}/{}",
            self.lab, self.workload, self.strategy, self.n
        )
    }
}

impl FromStr for CaseId {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split('/').collect();
        let [lab, workload, strategy, n] = parts[..] else {
            return Err(format!(
                "case id {text:?} is not lab/workload/strategy/n, each name 1–64 letters, digits, '-', '_', '.' or '+'"
            ));
        };
        let n = n
            .parse()
            .map_err(|_| format!("case id {text:?}: n is not a whole number"))?;
        let id = CaseId::new(lab, workload, strategy, n);
        id.check()?;
        Ok(id)
    }
}

impl Serialize for CaseId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CaseId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Checks a lab, workload or strategy name: 1 to 64 ASCII letters, digits,
/// `-`, `_`, `.` or `+`, not starting with `.` (names become file names
/// and keys; `../x` or `a/b` must never reach a path).
///
/// ```
/// use heaplab::results::check_name;
/// assert!(check_name("lab", "04-slots-vs-dict").is_ok());
/// assert!(check_name("workload", "../../etc").is_err());
/// assert!(check_name("strategy", "").is_err());
/// ```
///
/// # Errors
///
/// What is wrong with the name.
pub fn check_name(what: &str, name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.+".contains(&b));
    ok.then_some(()).ok_or_else(|| {
        format!(
            "{what} name {name:?} is not 1–64 letters, digits, '-', '_', '.' or '+' (not starting with '.')"
        )
    })
}
