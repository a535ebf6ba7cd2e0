//! Every process heaplab starts goes through here: heap cases, bench
//! binaries, cargo, valgrind, CPython, git, and (later) student code.
//!
//! One function, [`run`], starts a [`Command`] under [`Limits`] and always
//! comes back with a [`Finished`] whose [`Ending`] says how the process
//! ended — exited, killed by a signal, timed out, stalled — and whose
//! [`Finished::verdict`] turns that and its error output into one line a
//! person can act on (a panic's message, "out of memory (limit 8 GiB)").
//!
//! What every child gets:
//!
//! * **its own process group**, so a time-out kills the child *and* what
//!   it started (cargo's rustc, iai-callgrind's valgrind) with one signal;
//! * **a parent-death signal** (`PR_SET_PDEATHSIG`, `SIGKILL`): if heaplab
//!   itself is killed, even with `SIGKILL`, its direct children die too
//!   (and a child that starts its own, like the instructions bench, takes
//!   its whole group down with it: [`take_group_down_with_parent`]).
//!   `SIGINT`, `SIGTERM` and `SIGHUP` are caught ([`install_signal_handlers`])
//!   and kill every live group before heaplab exits, grandchildren included;
//! * **a wall-clock limit** and an optional **stall limit** (the longest
//!   time between two progress lines, for a bench binary that measures many
//!   cases in one process: a case that never returns is caught within that
//!   limit, not at the end of the whole run);
//! * **a memory cap** (`RLIMIT_AS`, address space) when asked: an
//!   allocation beyond it fails, which Rust reports as "memory allocation of
//!   N bytes failed" and CPython as `MemoryError` — both read as
//!   [`Verdict::OutOfMemory`];
//! * **bounded capture**: standard output is kept up to a limit, standard
//!   error only as its last lines, each line cut at [`MAX_LINE`]; the full
//!   text can go to a log file, itself capped at [`MAX_LOG`].
//!
//! Spawn and wait from the same thread: Linux sends the parent-death signal
//! when the *thread* that started the child ends.
//!
//! `unsafe` appears once, in [`run`], for `pre_exec`: the only way to set a
//! child's own limits between `fork` and `exec`.

use std::collections::{BTreeSet, VecDeque};
use std::fmt;
use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// Lines longer than this many bytes are cut (the rest of the line is
/// dropped), so a child printing without newlines cannot exhaust memory.
pub const MAX_LINE: usize = 64 * 1024;
/// A log file stops growing at this many bytes.
pub const MAX_LOG: u64 = 64 * 1024 * 1024;
/// How many of the last standard-error lines are kept for the verdict.
const STDERR_TAIL_LINES: usize = 200;
/// After a child is killed or has exited, how long its pipes may stay open
/// (held by a grandchild) before heaplab stops reading them.
const DRAIN: Duration = Duration::from_secs(1);
/// How often limits are checked while nothing is printed.
const TICK: Duration = Duration::from_millis(50);

/// How long and how large a child may get.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock limit for the whole process.
    pub wall: Option<Duration>,
    /// Longest time allowed between two progress lines (see [`run`]'s
    /// `on_line`), counted from the start.
    pub stall: Option<Duration>,
    /// Address-space cap in bytes (`RLIMIT_AS`).
    pub memory: Option<u64>,
    /// Most bytes of standard output kept in [`Finished::stdout`]; the rest
    /// is dropped and [`Finished::stdout_truncated`] set. `None`: nothing kept.
    pub keep_stdout: Option<usize>,
    /// Contain the child's descendants: after [`adopt_orphans`], one that
    /// escaped its process group (`setsid`) and outlived its parent is
    /// killed when the child ends. They are known by [`CONTAINED_ENV`] in
    /// their environment. For measured and untrusted code; not for tools
    /// whose daemons are legitimate (cargo's sccache server).
    pub contain: bool,
}

/// Set in a contained child's environment (see [`Limits::contain`]) to
/// heaplab's process id; its descendants inherit it.
pub const CONTAINED_ENV: &str = "HEAPLAB_CONTAINED";

impl Limits {
    /// Only a wall-clock limit; standard output kept up to 1 MiB. For
    /// short helper commands (`git`, `rustc --version`).
    ///
    /// ```
    /// use std::time::Duration;
    /// let limits = heaplab::measure::child::Limits::wall(Duration::from_secs(5));
    /// assert_eq!(limits.wall, Some(Duration::from_secs(5)));
    /// assert_eq!(limits.memory, None);
    /// ```
    pub fn wall(limit: Duration) -> Self {
        Self {
            wall: Some(limit),
            keep_stdout: Some(1 << 20),
            ..Self::default()
        }
    }
}

/// Which pipe a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Out,
    /// Standard error.
    Err,
}

/// How a child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It exited by itself with this code.
    Exited(i32),
    /// It was killed by this signal, not by heaplab.
    Signaled(i32),
    /// heaplab killed it: the wall-clock limit passed.
    TimedOut(Duration),
    /// heaplab killed it: no progress line within the stall limit.
    Stalled(Duration),
}

/// A finished child: how it ended and what it printed.
#[derive(Debug, Clone)]
pub struct Finished {
    /// How it ended.
    pub ending: Ending,
    /// Standard output, up to [`Limits::keep_stdout`] bytes.
    pub stdout: Vec<u8>,
    /// Whether standard output was longer than that.
    pub stdout_truncated: bool,
    /// The last lines of standard error.
    pub stderr_tail: Vec<String>,
    /// Wall time from start to end.
    pub elapsed: Duration,
    /// The memory cap it ran under, if any.
    pub memory: Option<u64>,
    /// The message of the last Rust panic it printed, kept apart from
    /// `stderr_tail` so a long backtrace cannot push it out.
    pub panic: Option<String>,
}

/// One reading of how a child ended, with what a person needs to act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Exit code 0.
    Success,
    /// A Rust panic: its message (without the backtrace hint).
    Panicked(String),
    /// An allocation failed (the memory cap, or the machine's memory).
    OutOfMemory(Option<u64>),
    /// Exited with a non-zero code: the code and the last line of error output.
    Failed(i32, String),
    /// Killed by a signal heaplab did not send.
    Killed(i32),
    /// Killed by heaplab at the wall-clock limit.
    TimedOut(Duration),
    /// Killed by heaplab: no progress within the stall limit.
    Stalled(Duration),
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Success => f.write_str("succeeded"),
            Verdict::Panicked(message) => write!(f, "panicked: {message}"),
            Verdict::OutOfMemory(Some(limit)) => {
                write!(f, "ran out of memory (limit {})", bytes(*limit))
            }
            Verdict::OutOfMemory(None) => f.write_str("ran out of memory"),
            Verdict::Failed(code, last) => write!(f, "exited with code {code}: {last}"),
            Verdict::Killed(signal) => {
                let name = Signal::try_from(*signal).map_or("unknown signal", Signal::as_str);
                write!(f, "was killed by signal {signal} ({name})")?;
                if *signal == Signal::SIGKILL as i32 {
                    f.write_str("; the system may have run out of memory")?;
                }
                Ok(())
            }
            Verdict::TimedOut(limit) => write!(f, "timed out after {}", seconds(*limit)),
            Verdict::Stalled(limit) => {
                write!(
                    f,
                    "timed out: over the per-case limit of {}",
                    seconds(*limit)
                )
            }
        }
    }
}

fn seconds(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

/// `8 GiB`, `512 MiB`, `1000 bytes`.
///
/// ```
/// assert_eq!(heaplab::measure::child::bytes(8 << 30), "8 GiB");
/// assert_eq!(heaplab::measure::child::bytes(512 << 20), "512 MiB");
/// assert_eq!(heaplab::measure::child::bytes(1000), "1000 bytes");
/// ```
pub fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 && n % (1 << 30) == 0 => format!("{} GiB", n >> 30),
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n => format!("{n} bytes"),
    }
}

impl Finished {
    /// Whether the child exited with code 0.
    pub fn success(&self) -> bool {
        self.ending == Ending::Exited(0)
    }

    /// The reading of how it ended (see [`Verdict`]).
    pub fn verdict(&self) -> Verdict {
        match self.ending {
            Ending::Exited(0) => Verdict::Success,
            Ending::TimedOut(limit) => Verdict::TimedOut(limit),
            Ending::Stalled(limit) => Verdict::Stalled(limit),
            Ending::Exited(_) | Ending::Signaled(_) if self.out_of_memory() => {
                Verdict::OutOfMemory(self.memory)
            }
            _ if self.panic.is_some() => Verdict::Panicked(self.panic.clone().unwrap_or_default()),
            Ending::Exited(code) => Verdict::Failed(code, self.last_error_line()),
            Ending::Signaled(signal) => Verdict::Killed(signal),
        }
    }

    /// The last non-empty line of standard error, or "no error output".
    pub fn last_error_line(&self) -> String {
        self.stderr_tail
            .iter()
            .rev()
            .map(|l| l.trim())
            .find(|l| !l.is_empty())
            .unwrap_or("no error output")
            .to_owned()
    }

    fn out_of_memory(&self) -> bool {
        self.stderr_tail.iter().any(|l| {
            let l = l.trim_start();
            (l.starts_with("memory allocation of ") && l.contains(" failed"))
                || l.starts_with("MemoryError")
        })
    }
}

/// The message of the last Rust panic in `stderr`, without location or
/// the backtrace hint.
///
/// ```
/// let lines = ["thread 'main' (12) panicked at src/lib.rs:3:5:", "index out of range",
///              "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace"];
/// let lines: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
/// assert_eq!(heaplab::measure::child::panic_message(&lines).as_deref(), Some("index out of range"));
/// assert_eq!(heaplab::measure::child::panic_message(&[]), None);
/// ```
pub fn panic_message(stderr: &[String]) -> Option<String> {
    let at = stderr.iter().rposition(|l| is_panic_header(l))?;
    let header = &stderr[at];
    // Since Rust 1.73 the message follows on its own lines; before, after `panicked at '`.
    if !header.trim_end().ends_with(':') {
        return Some(header.trim().to_owned());
    }
    let message: Vec<&str> = stderr[at + 1..]
        .iter()
        .map(String::as_str)
        .take_while(|l| !l.starts_with("note: ") && !l.starts_with("stack backtrace:"))
        .collect();
    let message = message.join("\n").trim().to_owned();
    Some(if message.is_empty() {
        "no message".to_owned()
    } else {
        message
    })
}

/// `thread 'main' panicked at src/x.rs:1:2:`, or since Rust 1.92 with the
/// thread id: `thread 'main' (16028) panicked at ...`.
fn is_panic_header(line: &str) -> bool {
    line.starts_with("thread '") && line.contains(" panicked at ")
}

/// The lines of the last panic seen on standard error: its header and
/// message, up to the backtrace or its hint.
#[derive(Default)]
struct PanicBlock {
    lines: Vec<String>,
    open: bool,
}

impl PanicBlock {
    /// Most lines kept of one panic message.
    const MAX_LINES: usize = 50;

    fn see(&mut self, line: &str) {
        if is_panic_header(line) {
            self.lines = vec![line.to_owned()];
            self.open = true;
        } else if self.open {
            if line.starts_with("note: ")
                || line.starts_with("stack backtrace:")
                || self.lines.len() >= Self::MAX_LINES
            {
                self.open = false;
            } else {
                self.lines.push(line.to_owned());
            }
        }
    }
}

/// Process groups of children still running, for the signal handler.
static LIVE: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());

fn live() -> std::sync::MutexGuard<'static, BTreeSet<i32>> {
    LIVE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Set once a signal handler of [`install_signal_handlers`] has started
/// to stop the process.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether the process is being stopped by a signal: its exit code is the
/// signal handler's to give, so `main` must not return one of its own.
pub fn interrupted() -> bool {
    INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Catches `SIGINT`, `SIGTERM` and `SIGHUP`: kills every live child group,
/// says so, runs `on_interrupt` (to say where partial results are), and
/// exits with 128 + the signal number, as a shell would report it.
///
/// # Errors
///
/// When the handlers cannot be installed.
pub fn install_signal_handlers(on_interrupt: fn()) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("heaplab-signals".to_owned())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
                // Held to the exit: no child starts or is released meanwhile.
                let groups = live();
                // Nothing below may keep the process from exiting: not a
                // closed terminal (writes fail), not a panic.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    for &group in groups.iter() {
                        let _ = killpg(Pid::from_raw(group), Signal::SIGKILL);
                    }
                    // What their deaths reparent here dies too (after adopt_orphans).
                    if ADOPTING.load(std::sync::atomic::Ordering::SeqCst) {
                        for _ in 0..10 {
                            kill_children(&BTreeSet::new());
                            std::thread::sleep(Duration::from_millis(20));
                        }
                    }
                    let name = Signal::try_from(signal).map_or("signal", Signal::as_str);
                    let _ = writeln!(
                        std::io::stderr(),
                        "\nheaplab: interrupted by {name}; stopped {} running child process group(s)",
                        groups.len()
                    );
                    on_interrupt();
                }));
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

/// For a child of [`run`] that starts children of its own (the
/// instructions bench starts iai-callgrind's runner, which starts
/// valgrind): when heaplab dies, even by `SIGKILL`, this process kills its
/// whole process group — itself and everything it started — instead of
/// dying alone and leaving its children running.
///
/// # Errors
///
/// When the signal handler cannot be installed.
pub fn take_group_down_with_parent() -> std::io::Result<()> {
    // Only as the leader of its own group (as [`run`] starts it): otherwise
    // the group is someone else's, a shell's job.
    if nix::unistd::getpgrp() != nix::unistd::getpid() {
        return Ok(());
    }
    let mut signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGTERM])?;
    let parent = nix::unistd::getppid();
    nix::sys::prctl::set_pdeathsig(Some(Signal::SIGTERM))?;
    let kill_group = || {
        let _ = killpg(nix::unistd::getpgrp(), Signal::SIGKILL);
    };
    // The parent may have died before the line above.
    if nix::unistd::getppid() != parent {
        kill_group();
    }
    std::thread::Builder::new()
        .name("heaplab-parent-death".to_owned())
        .spawn(move || {
            if signals.forever().next().is_some() {
                kill_group();
            }
        })?;
    Ok(())
}

/// A running child's process group: killed on drop, so a panic in
/// heaplab cannot orphan a child, unless released after the child was
/// reaped (its group id may then belong to someone else).
struct Group(i32);

impl Group {
    fn release(self) {
        live().remove(&self.0);
        std::mem::forget(self);
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        let _ = killpg(Pid::from_raw(self.0), Signal::SIGKILL);
        live().remove(&self.0);
    }
}

/// Whether `pid` (a child of this process) has ended, without reaping it.
fn has_exited(pid: Pid) -> bool {
    use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid};
    let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
    match waitid(Id::Pid(pid), flags) {
        Ok(WaitStatus::StillAlive) => false,
        Ok(_) => true,
        // ECHILD: already reaped (cannot happen here), or not ours.
        Err(_) => true,
    }
}

/// Whether [`adopt_orphans`] was called in this process.
static ADOPTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Makes this process the "subreaper" of everything its children start
/// (`PR_SET_CHILD_SUBREAPER`): a grandchild that escapes its group
/// (`setsid`, `setpgid`) and outlives its parent is reparented here
/// instead of to init, and [`run`] kills it when the child it came from
/// ends, if that child was started with [`Limits::contain`]. For a program whose every child goes through [`run`] (the
/// `heaplab` binary); a library user spawning processes of its own should
/// not call it.
///
/// # Errors
///
/// When the kernel refuses.
pub fn adopt_orphans() -> std::io::Result<()> {
    nix::sys::prctl::set_child_subreaper(true)?;
    ADOPTING.store(true, std::sync::atomic::Ordering::SeqCst);
    Ok(())
}

/// Kills and reaps every child of this process that no [`run`] is waiting
/// for: descendants reparented here after their parent ended.
fn reap_orphans() {
    if !ADOPTING.load(std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    // Held while scanning, so a child being started now is either
    // registered already or not yet started.
    let groups = live();
    kill_children(&groups);
}

/// Kills and reaps every child of this process but those in `spare`,
/// among those a contained child left (see [`Limits::contain`]): never a
/// process this one inherited, or a tool's daemon.
fn kill_children(spare: &BTreeSet<i32>) {
    let me = std::process::id() as i32;
    let marker = format!("{CONTAINED_ENV}={me}");
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        let parent = std::fs::read_to_string(entry.path().join("stat"))
            .ok()
            .and_then(|stat| {
                // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
                let rest = &stat[stat.rfind(')')? + 1..];
                rest.split_whitespace().nth(1)?.parse::<i32>().ok()
            });
        let contained = || {
            std::fs::read(entry.path().join("environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|v| v == marker.as_bytes()))
        };
        if parent == Some(me) && !spare.contains(&pid) && contained() {
            let pid = Pid::from_raw(pid);
            let _ = nix::sys::signal::kill(pid, Signal::SIGKILL);
            // Not blocking: a process stuck in the kernel is reaped by a later scan.
            let _ = nix::sys::wait::waitpid(pid, Some(nix::sys::wait::WaitPidFlag::WNOHANG));
        }
    }
}

/// Reads `pipe` line by line into `tx`, each line cut at [`MAX_LINE`] bytes.
fn pump(stream: Stream, mut pipe: impl Read, tx: mpsc::Sender<(Stream, String)>) {
    let mut line: Vec<u8> = Vec::new();
    let mut cut = false;
    let mut buf = [0u8; 8192];
    let send = |line: &mut Vec<u8>| {
        let text = String::from_utf8_lossy(line).into_owned();
        line.clear();
        tx.send((stream, text)).is_ok()
    };
    loop {
        let n = match pipe.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for &byte in &buf[..n] {
            if byte == b'\n' {
                if !send(&mut line) {
                    return;
                }
                cut = false;
            } else if line.len() < MAX_LINE {
                line.push(byte);
            } else if !cut {
                cut = true;
            }
        }
    }
    if !line.is_empty() {
        send(&mut line);
    }
}

/// A log file that stops growing at [`MAX_LOG`] bytes.
struct Log {
    file: Option<File>,
    written: u64,
}

impl Log {
    fn line(&mut self, stream: Stream, text: &str) {
        let Some(file) = &mut self.file else { return };
        let prefix = if stream == Stream::Err {
            "[stderr] "
        } else {
            ""
        };
        let size = (prefix.len() + text.len() + 1) as u64;
        if self.written + size > MAX_LOG {
            let _ = writeln!(file, "[log truncated at {}]", bytes(MAX_LOG));
            self.file = None;
            return;
        }
        self.written += size;
        let _ = writeln!(file, "{prefix}{text}");
    }
}

/// Starts `cmd` under `limits` and waits for it.
///
/// Standard input is closed; standard output and error are read line by
/// line, appended to `log` when given, and passed to `on_line`, which
/// returns `true` when the line marks progress (resetting the stall
/// limit). Whatever happens, the child's whole process group is dead when
/// this returns.
///
/// # Errors
///
/// A message when the process cannot be started (not found, not
/// executable) or the log cannot be created.
///
/// ```
/// use std::process::Command;
/// use std::time::Duration;
/// use heaplab::measure::child::{run, Ending, Limits, Verdict};
///
/// let done = run(Command::new("sh").args(["-c", "echo hi; exit 3"]), &Limits::wall(Duration::from_secs(10)), None, |_, _| false).unwrap();
/// assert_eq!(done.ending, Ending::Exited(3));
/// assert_eq!(done.stdout, b"hi\n");
///
/// let slow = run(Command::new("sleep").arg("30"), &Limits::wall(Duration::from_millis(200)), None, |_, _| false).unwrap();
/// assert_eq!(slow.verdict(), Verdict::TimedOut(Duration::from_millis(200)));
/// assert!(slow.elapsed < Duration::from_secs(5));
/// ```
pub fn run(
    cmd: &mut Command,
    limits: &Limits,
    log: Option<&Path>,
    mut on_line: impl FnMut(Stream, &str) -> bool,
) -> Result<Finished, String> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let log_file = match log {
        Some(path) => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
            Some(file)
        }
        None => None,
    };
    let mut log = Log {
        written: log_file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map_or(0, |m| m.len()),
        file: log_file,
    };
    let parent = std::process::id();
    let memory = limits.memory;
    if limits.contain {
        cmd.env(CONTAINED_ENV, parent.to_string());
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    #[allow(unsafe_code)]
    // SAFETY: the closure runs in the child between fork and exec. It only
    // makes system calls that are async-signal-safe (prctl, getppid,
    // setrlimit) and allocates nothing; errors are returned as raw codes.
    unsafe {
        cmd.pre_exec(move || {
            nix::sys::prctl::set_pdeathsig(Some(Signal::SIGKILL))?;
            // heaplab may have died before the line above: then nobody would kill us.
            if nix::unistd::getppid().as_raw() as u32 != parent {
                return Err(std::io::Error::from_raw_os_error(nix::libc::ESRCH));
            }
            if let Some(limit) = memory {
                nix::sys::resource::setrlimit(
                    nix::sys::resource::Resource::RLIMIT_AS,
                    limit,
                    limit,
                )?;
            }
            Ok(())
        });
    }
    let started = Instant::now();
    let mut child = {
        // Hold the registry while spawning, so a signal cannot slip between
        // the spawn and the registration.
        let mut groups = live();
        let child = cmd.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("{program} not found"),
            _ => format!("cannot start {program}: {e}"),
        })?;
        groups.insert(child.id() as i32);
        child
    };
    let group = Group(child.id() as i32);
    let (tx, rx) = mpsc::channel();
    let readers: Vec<_> = [
        child
            .stdout
            .take()
            .map(|p| (Stream::Out, Box::new(p) as Box<dyn Read + Send>)),
        child
            .stderr
            .take()
            .map(|p| (Stream::Err, Box::new(p) as Box<dyn Read + Send>)),
    ]
    .into_iter()
    .flatten()
    .map(|(stream, pipe)| {
        let tx = tx.clone();
        std::thread::spawn(move || pump(stream, pipe, tx))
    })
    .collect();
    drop(tx);

    let mut stdout = Vec::new();
    let mut stdout_truncated = false;
    let mut stderr_tail: VecDeque<String> = VecDeque::new();
    let mut panic = PanicBlock::default();
    let mut last_progress = started;
    let mut killed: Option<Ending> = None;
    // Whether the child has exited, seen without reaping it: while it is
    // an unreaped zombie its process group id cannot be reused, so killing
    // the group below can never hit an unrelated process.
    let pid = Pid::from_raw(group.0);
    let mut exited = false;
    let mut pipes_open = true;
    let mut drain_until: Option<Instant> = None;
    loop {
        if !exited {
            exited = has_exited(pid);
        }
        let now = Instant::now();
        if killed.is_none() && !exited {
            if let Some(limit) = limits.wall
                && now.duration_since(started) >= limit
            {
                killed = Some(Ending::TimedOut(limit));
            } else if let Some(limit) = limits.stall
                && now.duration_since(last_progress) >= limit
            {
                killed = Some(Ending::Stalled(limit));
            }
            if killed.is_some() {
                let _ = killpg(pid, Signal::SIGKILL);
                // Also by PID: a child that moved to another group is not in its own.
                let _ = child.kill();
            }
        }
        if (exited || killed.is_some()) && drain_until.is_none() {
            drain_until = Some(now + DRAIN);
        }
        if !pipes_open && (exited || killed.is_some()) {
            break;
        }
        if drain_until.is_some_and(|until| now >= until) {
            break;
        }
        if !pipes_open {
            std::thread::sleep(TICK);
            continue;
        }
        match rx.recv_timeout(TICK) {
            Ok((stream, text)) => {
                log.line(stream, &text);
                match stream {
                    Stream::Out => match limits.keep_stdout {
                        Some(max) if stdout.len() + text.len() < max => {
                            stdout.extend_from_slice(text.as_bytes());
                            stdout.push(b'\n');
                        }
                        Some(_) => stdout_truncated = true,
                        None => {}
                    },
                    Stream::Err => {
                        panic.see(&text);
                        if stderr_tail.len() == STDERR_TAIL_LINES {
                            stderr_tail.pop_front();
                        }
                        stderr_tail.push_back(text.clone());
                    }
                }
                if killed.is_none() && on_line(stream, &text) {
                    last_progress = Instant::now();
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => pipes_open = false,
        }
    }
    // Whatever is left of the group (a grandchild holding a pipe) dies now,
    // and the child too if it is still running (the drain ran out).
    let _ = killpg(pid, Signal::SIGKILL);
    if !exited {
        let _ = child.kill();
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for {program}: {e}"))?;
    group.release();
    reap_orphans();
    if !pipes_open {
        for reader in readers {
            let _ = reader.join();
        }
    }
    let ending = killed.unwrap_or_else(|| match (status.code(), status.signal()) {
        (Some(code), _) => Ending::Exited(code),
        (None, Some(signal)) => Ending::Signaled(signal),
        (None, None) => Ending::Exited(-1),
    });
    Ok(Finished {
        ending,
        stdout,
        stdout_truncated,
        stderr_tail: stderr_tail.into(),
        elapsed: started.elapsed(),
        memory,
        panic: panic_message(&panic.lines),
    })
}

/// How long a version query or `git` call may take: a tool that does not
/// answer within this is taken as not found, and the run goes on.
pub const QUERY_LIMIT: Duration = Duration::from_secs(10);

/// Runs a short helper command (a version query, `git`) within
/// [`QUERY_LIMIT`] and returns its trimmed standard output — or standard error, where
/// some tools print their version — if it exited with code 0.
///
/// ```
/// use std::process::Command;
/// let out = heaplab::measure::child::query(Command::new("echo").arg("3.19"));
/// assert_eq!(out.as_deref(), Some("3.19"));
/// assert_eq!(heaplab::measure::child::query(&mut Command::new("false")), None);
/// ```
pub fn query(cmd: &mut Command) -> Option<String> {
    let done = run(cmd, &Limits::wall(QUERY_LIMIT), None, |_, _| false).ok()?;
    if !done.success() {
        return None;
    }
    let text = if done.stdout.is_empty() {
        done.stderr_tail.join("\n")
    } else {
        String::from_utf8_lossy(&done.stdout).into_owned()
    };
    Some(text.trim().to_owned())
}

/// The default memory cap for a measured child: half the machine's memory,
/// at most 8 GiB (none when the machine's memory cannot be read).
pub fn default_memory_cap() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kib: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some((kib * 1024 / 2).min(8 << 30))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str, limits: &Limits) -> Finished {
        run(
            Command::new("sh").args(["-c", script]),
            limits,
            None,
            |_, _| false,
        )
        .unwrap()
    }

    #[test]
    fn a_grandchild_holding_the_pipe_does_not_hang_the_wait_and_dies() {
        let marker = format!("heaplab-child-test-{}", std::process::id());
        let script = format!("sh -c 'echo alive; sleep 600; :' {marker} & echo started");
        let started = Instant::now();
        let done = sh(&script, &Limits::wall(Duration::from_secs(30)));
        assert_eq!(done.ending, Ending::Exited(0));
        let out = String::from_utf8_lossy(&done.stdout);
        assert!(out.contains("alive"), "the grandchild ran: {out}");
        assert!(started.elapsed() < Duration::from_secs(5));
        std::thread::sleep(Duration::from_millis(100));
        let survivors = std::fs::read_dir("/proc")
            .unwrap()
            .flatten()
            .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
            .filter(|cmd| String::from_utf8_lossy(cmd).contains(&marker))
            .count();
        assert_eq!(survivors, 0, "the grandchild was killed with its group");
    }

    #[test]
    fn a_stall_is_caught_within_its_limit() {
        let limits = Limits {
            stall: Some(Duration::from_millis(300)),
            ..Limits::wall(Duration::from_secs(30))
        };
        let mut seen = 0;
        let done = run(
            Command::new("sh").args(["-c", "echo a; sleep 0.1; echo b; sleep 60"]),
            &limits,
            None,
            |_, _| {
                seen += 1;
                true
            },
        )
        .unwrap();
        assert_eq!(seen, 2);
        assert_eq!(done.verdict(), Verdict::Stalled(Duration::from_millis(300)));
        assert!(done.elapsed < Duration::from_secs(3), "{:?}", done.elapsed);
    }

    #[test]
    fn output_is_bounded() {
        let limits = Limits {
            keep_stdout: Some(1000),
            ..Limits::wall(Duration::from_secs(30))
        };
        // 10 MB without a newline, then 10 000 lines.
        let done = sh(
            "head -c 10000000 /dev/zero; echo; seq 10000; seq 10000 >&2",
            &limits,
        );
        assert!(done.success());
        assert!(
            done.stdout.len() <= 1000 + MAX_LINE,
            "{}",
            done.stdout.len()
        );
        assert!(done.stdout_truncated);
        assert_eq!(done.stderr_tail.len(), STDERR_TAIL_LINES);
        assert_eq!(done.last_error_line(), "10000");
    }

    #[test]
    fn signals_and_memory_are_told_apart() {
        let limits = Limits::wall(Duration::from_secs(30));
        assert_eq!(sh("kill -SEGV $$", &limits).verdict(), Verdict::Killed(11));
        let oom = Finished {
            ending: Ending::Signaled(6),
            stdout: Vec::new(),
            stdout_truncated: false,
            stderr_tail: vec!["memory allocation of 1048576 bytes failed".to_owned()],
            elapsed: Duration::ZERO,
            memory: Some(1 << 30),
            panic: None,
        };
        assert_eq!(oom.verdict(), Verdict::OutOfMemory(Some(1 << 30)));
        assert_eq!(oom.verdict().to_string(), "ran out of memory (limit 1 GiB)");
        let capped = Limits {
            memory: Some(256 << 20),
            ..limits
        };
        let python = run(
            Command::new("python3").args(["-c", "x = bytearray(1 << 30)"]),
            &capped,
            None,
            |_, _| false,
        )
        .expect("python3 runs");
        assert_eq!(python.verdict(), Verdict::OutOfMemory(Some(256 << 20)));
    }

    #[test]
    fn a_panic_message_survives_a_long_backtrace() {
        let script = "echo \"thread 'main' (7) panicked at src/lib.rs:1:1:\" >&2; \
                      echo 'the message' >&2; echo 'stack backtrace:' >&2; \
                      seq 1000 >&2; exit 101";
        let done = sh(script, &Limits::wall(Duration::from_secs(30)));
        assert_eq!(done.verdict(), Verdict::Panicked("the message".to_owned()));
    }

    #[test]
    fn a_child_that_leaves_its_group_is_still_stopped_at_its_limit() {
        let script = "import os, time\n\
                      os.setpgid(0, os.getpgid(os.getppid()))\n\
                      print('moved', flush=True)\n\
                      time.sleep(60)";
        let done = run(
            Command::new("python3").args(["-c", script]),
            &Limits::wall(Duration::from_secs(1)),
            None,
            |_, _| false,
        )
        .expect("python3 runs");
        assert_eq!(done.stdout, b"moved\n");
        assert_eq!(done.verdict(), Verdict::TimedOut(Duration::from_secs(1)));
        assert!(done.elapsed < Duration::from_secs(4), "{:?}", done.elapsed);
    }

    #[test]
    fn a_missing_program_is_an_error_not_a_panic() {
        let err = run(
            &mut Command::new("/nonexistent/heaplab-test"),
            &Limits::default(),
            None,
            |_, _| false,
        )
        .unwrap_err();
        assert!(err.contains("not found"), "{err}");
    }
}
