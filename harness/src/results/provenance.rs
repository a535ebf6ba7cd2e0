//! Where, when and how a run was made, recorded beside its numbers.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::measure::child::query as run;

/// Everything needed to tell whether two runs are comparable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The command line that produced the run.
    pub command: String,
    /// `full`, `quick` or `smoke`.
    pub mode: String,
    /// UTC start time, RFC 3339.
    pub date: String,
    /// Host name.
    pub host: String,
    /// `git rev-parse HEAD`, or "unknown".
    pub git_revision: String,
    /// Whether the work tree had uncommitted changes.
    pub git_dirty: bool,
    /// `rustc --version`.
    pub rustc: String,
    /// Versions of the measuring crates, from `Cargo.lock`.
    pub crates: BTreeMap<String, String>,
    /// The cargo profile the measured code was built with: `release`, or
    /// `dev` in the runs of the integration tests (see
    /// [`crate::measure::binaries::PROFILE`]). Runs made before it was
    /// recorded were all `release`.
    #[serde(default = "release")]
    pub profile: String,
    /// `valgrind --version`, or "not found".
    pub valgrind: String,
    /// `python3 --version`, or "not found".
    pub python: String,
    /// CPU model name.
    pub cpu: String,
    /// Logical cores.
    pub cores: usize,
    /// Operating system and kernel.
    pub os: String,
    /// Wall time of each phase of the run, in seconds, by phase name
    /// (see [`crate::measure::phases`]): `build`, `deterministic` (heap,
    /// instructions and CPython's heap passes, in parallel), `time`,
    /// `python <version>`, `exercises`, `report`, `total`. Empty in runs
    /// made before phases were recorded.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub phases: BTreeMap<String, f64>,
    /// Jobs the deterministic families ran in parallel (0: not recorded).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub jobs: usize,
    /// Work per family and lab, in seconds of one job (family → lab →
    /// seconds): what `heaplab plan` projects the next run's time from.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub work: BTreeMap<String, BTreeMap<String, f64>>,
}

fn release() -> String {
    "release".to_owned()
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The measuring crates whose versions are recorded.
pub const MEASURING_CRATES: [&str; 3] = ["criterion", "dhat", "iai-callgrind"];

impl Provenance {
    /// Collects provenance for a run started now from `root` (the workspace).
    pub fn collect(root: &Path, mode: &str, python: &str) -> Self {
        let git = |args: &[&str]| run(Command::new("git").arg("-C").arg(root).args(args));
        Self {
            command: std::env::args_os()
                .map(|a| a.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(" "),
            mode: mode.to_owned(),
            date: now_rfc3339(),
            host: host(),
            git_revision: git(&["rev-parse", "HEAD"]).unwrap_or_else(|| "unknown".to_owned()),
            git_dirty: git(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|s| !s.is_empty()),
            rustc: run(
                Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
                    .arg("--version"),
            )
            .unwrap_or_else(|| "unknown".to_owned()),
            crates: MEASURING_CRATES
                .iter()
                .map(|name| {
                    let version =
                        locked_version(root, name).unwrap_or_else(|| "unknown".to_owned());
                    ((*name).to_owned(), version)
                })
                .collect(),
            profile: crate::measure::binaries::PROFILE.to_owned(),
            valgrind: run(Command::new("valgrind").arg("--version"))
                .unwrap_or_else(|| "not found".to_owned()),
            python: run(Command::new(python).arg("--version"))
                .unwrap_or_else(|| "not found".to_owned()),
            cpu: cpu_model(),
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            os: os(),
            phases: BTreeMap::new(),
            jobs: 0,
            work: BTreeMap::new(),
        }
    }

    /// The short revision, with `-dirty` when the tree had changes.
    pub fn short_revision(&self) -> String {
        let short: String = self.git_revision.chars().take(10).collect();
        if self.git_dirty {
            format!("{short}-dirty")
        } else {
            short
        }
    }

    /// The run's directory name under `results/runs/`: `<date>-<host>-<rev>`.
    pub fn run_id(&self) -> String {
        let date: String = self
            .date
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(15)
            .collect();
        format!("{date}-{}-{}", self.host, self.short_revision())
    }
}

/// The version of `name` pinned in the workspace's `Cargo.lock`.
///
/// ```
/// let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
/// assert_eq!(heaplab::results::provenance::locked_version(root, "iai-callgrind").as_deref(), Some("0.16.1"));
/// ```
pub fn locked_version(root: &Path, name: &str) -> Option<String> {
    let lock: toml::Table = std::fs::read_to_string(root.join("Cargo.lock"))
        .ok()?
        .parse()
        .ok()?;
    lock.get("package")?
        .as_array()?
        .iter()
        .find(|p| p.get("name").and_then(toml::Value::as_str) == Some(name))?
        .get("version")?
        .as_str()
        .map(str::to_owned)
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_owned())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown-host".to_owned())
        .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "-")
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned())
}

fn os() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_owned())
        });
    let kernel = run(Command::new("uname").arg("-r"));
    match (pretty, kernel) {
        (Some(p), Some(k)) => format!("{p}, Linux {k}"),
        (Some(p), None) => p,
        _ => std::env::consts::OS.to_owned(),
    }
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// Formats seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`
/// (proleptic Gregorian calendar, days-from-civil algorithm).
///
/// ```
/// assert_eq!(heaplab::results::provenance::rfc3339(0), "1970-01-01T00:00:00Z");
/// assert_eq!(heaplab::results::provenance::rfc3339(1_795_000_000), "2026-11-18T11:06:40Z");
/// ```
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
