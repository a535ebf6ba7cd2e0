//! The outside tools the instruction family needs, found or installed.
//!
//! * valgrind: from the system; when missing and this process runs as root
//!   with apt, installed with `apt-get install valgrind`.
//! * iai-callgrind-runner: must be exactly the version of the
//!   `iai-callgrind` library in `Cargo.lock` (read from there, never
//!   repeated by hand); when missing or different, installed with
//!   `cargo install --locked`.
//!
//! When a tool cannot be had, the reason becomes the instruction family's
//! "not measured: ..." — the run goes on without it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::measure::child::query as run;
use crate::measure::child::{self, Limits};
use crate::results::provenance::locked_version;

/// How long `apt-get update` + `install valgrind`, or `cargo install` of
/// the runner, may take (the runner's build takes about a minute here).
pub const INSTALL_LIMIT: Duration = Duration::from_secs(20 * 60);

/// Environment variable iai-callgrind reads for the runner's path.
pub const RUNNER_ENV: &str = "IAI_CALLGRIND_RUNNER";

/// Finds or installs valgrind and the runner. Returns the runner's path,
/// or the reason instructions cannot be measured. With `install` false,
/// only looks.
pub fn ensure_instruction_tools(
    root: &Path,
    install: bool,
    say: &mut dyn FnMut(&str),
) -> Result<PathBuf, String> {
    ensure_valgrind(install, say)?;
    ensure_runner(root, install, say)
}

fn valgrind_version() -> Option<String> {
    run(Command::new("valgrind").arg("--version"))
}

fn ensure_valgrind(install: bool, say: &mut dyn FnMut(&str)) -> Result<(), String> {
    if valgrind_version().is_some() {
        return Ok(());
    }
    let is_root = run(Command::new("id").arg("-u")).as_deref() == Some("0");
    let has_apt = run(Command::new("apt-get").arg("--version")).is_some();
    if !(install && is_root && has_apt) {
        return Err("valgrind not found".to_owned());
    }
    say("valgrind not found: installing it with apt-get (root, apt available)");
    let apt = |args: &[&str]| -> Result<(), String> {
        let mut cmd = Command::new("apt-get");
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        let done = child::run(&mut cmd, &Limits::wall(INSTALL_LIMIT), None, |_, _| false)?;
        if done.success() {
            Ok(())
        } else {
            Err(format!(
                "valgrind not found, and `apt-get {}` {}",
                args.join(" "),
                done.verdict()
            ))
        }
    };
    apt(&["update", "-qq"])?;
    apt(&["install", "-y", "-qq", "valgrind"])?;
    if valgrind_version().is_some() {
        Ok(())
    } else {
        Err("apt-get installed valgrind, but `valgrind --version` still does not run: is /usr/bin on PATH?".to_owned())
    }
}

/// Where `cargo install` puts binaries: `$CARGO_HOME/bin`, else
/// `~/.cargo/bin`, with the home directory from `$HOME` or, when that is
/// unset, the password database — as cargo itself finds it.
fn cargo_bin_dir() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::home_dir().map(|home| home.join(".cargo")))
        .map(|home| home.join("bin"))
}

/// The runner to use: `$IAI_CALLGRIND_RUNNER` when set (the user's
/// choice, trusted), else cargo's installed copy when `cargo install --list`
/// shows exactly `version` (the runner itself has no `--version`).
fn find_runner(version: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(RUNNER_ENV) {
        return Some(PathBuf::from(path));
    }
    let listed = run(Command::new(crate::measure::binaries::cargo()).args(["install", "--list"]))?;
    let wanted = format!("iai-callgrind-runner v{version}:");
    let path = cargo_bin_dir()?.join("iai-callgrind-runner");
    (listed.lines().any(|line| line.trim() == wanted) && path.is_file()).then_some(path)
}

fn ensure_runner(root: &Path, install: bool, say: &mut dyn FnMut(&str)) -> Result<PathBuf, String> {
    let version = locked_version(root, "iai-callgrind").ok_or_else(|| {
        format!(
            "no iai-callgrind version in {}",
            root.join("Cargo.lock").display()
        )
    })?;
    if let Some(found) = find_runner(&version) {
        return Ok(found);
    }
    let install_cmd = format!("cargo install iai-callgrind-runner --version ={version} --locked");
    if !install {
        return Err(format!(
            "iai-callgrind-runner {version} not installed (run `{install_cmd}`)"
        ));
    }
    say(&format!(
        "iai-callgrind-runner {version} not found: running `{install_cmd}` (about 2 minutes, once)"
    ));
    let mut cmd = Command::new(crate::measure::binaries::cargo());
    cmd.args([
        "install",
        "iai-callgrind-runner",
        "--version",
        &format!("={version}"),
        "--locked",
        "--force",
    ]);
    let done = child::run(&mut cmd, &Limits::wall(INSTALL_LIMIT), None, |_, line| {
        if line.trim_start().starts_with("Compiling") {
            say(line.trim());
        }
        false
    })?;
    if !done.success() {
        return Err(format!(
            "iai-callgrind-runner {version} could not be installed: `{install_cmd}` {}",
            done.verdict()
        ));
    }
    find_runner(&version).ok_or_else(|| {
        format!(
            "`{install_cmd}` succeeded, but the runner is not where cargo installs binaries ({}); set {RUNNER_ENV}= to its path",
            cargo_bin_dir().map_or_else(|| "no home directory".to_owned(), |d| d.display().to_string())
        )
    })
}
