//! heaplab against a hostile user: bad inputs, misuse, faults.
//!
//! Each attempt runs the real `heaplab` binary and asserts its exit code,
//! a part of its message, that every input file is byte-identical
//! afterwards, that it ended within its time bound, and that no process it
//! started is left running. None of them measures a lab (those that need a
//! run skip every family, or stop before measuring), so the whole suite
//! takes seconds. The number of attempts is quoted in the README's
//! reliability section, and a test checks the two agree.
//!
//! What needs real measuring — a case that hangs, panics or runs out of
//! memory in every family — is proven by `heaplab smoke`
//! (`heaplab::checks::smoke::check_limits`), which `make test` runs.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const HEAPLAB: &str = env!("CARGO_BIN_EXE_heaplab");

/// A results file the loader accepts: the committed baseline.
/// Part `k` of a record's id (lab, workload, strategy, n), in a schema
/// version 2 record (`id`) or a version 1 one (one field each).
fn id_part(case: &Value, k: usize) -> String {
    match case["id"].as_str() {
        Some(id) => id.split('/').nth(k).unwrap().to_owned(),
        None => match &case[["lab", "workload", "strategy", "n"][k]] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        },
    }
}

/// Sets part `k` of a record's id (see [`id_part`]).
fn set_id_part(case: &mut Value, k: usize, value: &str) {
    if let Some(id) = case["id"].as_str() {
        let mut parts: Vec<&str> = id.split('/').collect();
        parts[k] = value;
        case["id"] = json!(parts.join("/"));
    } else if k == 3 {
        case["n"] = json!(value.parse::<u64>().unwrap());
    } else {
        case[["lab", "workload", "strategy"][k]] = json!(value);
    }
}

fn good() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../results/baseline.json")
}

/// A scratch directory per test, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("heaplab-reliability-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The good results as JSON, changed by `edit`, written to `dir/name`.
fn variant(dir: &Path, name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let mut doc: Value = serde_json::from_slice(&std::fs::read(good()).unwrap()).unwrap();
    edit(&mut doc);
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    path
}

/// What the attempt must end with.
struct Expect {
    code: i32,
    /// Must appear in standard error (or standard output).
    says: &'static str,
    /// The longest it may take.
    within: Duration,
}

fn expect(code: i32, says: &'static str) -> Expect {
    Expect {
        code,
        says,
        within: Duration::from_secs(20),
    }
}

/// One hostile input.
struct Attempt {
    name: String,
    args: Vec<OsString>,
    env: Vec<(String, String)>,
    /// Files (or links, FIFOs) that must be exactly as before afterwards.
    inputs: Vec<PathBuf>,
    stdout: Option<PathBuf>,
    expect: Expect,
}

fn attempt(name: &str, args: &[&dyn AsRef<std::ffi::OsStr>], expect: Expect) -> Attempt {
    Attempt {
        name: name.to_owned(),
        args: args.iter().map(|a| a.as_ref().to_owned()).collect(),
        env: Vec::new(),
        inputs: Vec::new(),
        stdout: None,
        expect,
    }
}

impl Attempt {
    fn inputs(mut self, paths: &[&Path]) -> Self {
        self.inputs = paths.iter().map(|p| p.to_path_buf()).collect();
        self
    }

    fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    fn stdout_to(mut self, path: &Path) -> Self {
        self.stdout = Some(path.to_path_buf());
        self
    }
}

/// What a path holds: its type and, for a regular file, its bytes.
fn snapshot(path: &Path) -> String {
    match std::fs::symlink_metadata(path) {
        Err(_) => "absent".to_owned(),
        Ok(m) if m.file_type().is_symlink() => {
            format!("link to {:?}", std::fs::read_link(path).unwrap())
        }
        Ok(m) if m.is_file() => format!("file {:?}", std::fs::read(path).unwrap()),
        Ok(m) => format!("{:?}", m.file_type()),
    }
}

/// Processes still running with this marker in their environment.
fn survivors(marker: &str) -> Vec<String> {
    let needle = format!("HEAPLAB_TEST_MARKER={marker}");
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ")).is_ok_and(|env| {
                env.split(|b| *b == 0).any(|v| v == needle.as_bytes())
                    && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
                        .unwrap_or_default()
                        .contains(") Z ")
            })
        })
        .map(|pid| {
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            format!(
                "{pid}: {}",
                String::from_utf8_lossy(&cmd).replace('\0', " ")
            )
        })
        .collect()
}

/// Runs every attempt; returns the failures, one line each.
fn run_all(attempts: Vec<Attempt>) -> Vec<String> {
    let mut failures = Vec::new();
    let only = std::env::var("HEAPLAB_TEST_ONLY").unwrap_or_default();
    for (i, a) in attempts.into_iter().enumerate() {
        if !a.name.contains(&only) {
            continue;
        }
        let before: Vec<String> = a.inputs.iter().map(|p| snapshot(p)).collect();
        let marker = format!("{}-{i}", std::process::id());
        let mut cmd = Command::new(HEAPLAB);
        cmd.args(&a.args)
            .env("HEAPLAB_TEST_MARKER", &marker)
            .env("HEAPLAB_CALIBRATION", "1")
            .stdin(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in &a.env {
            if v.is_empty() {
                cmd.env_remove(k);
            } else {
                cmd.env(k, v);
            }
        }
        match &a.stdout {
            Some(path) => {
                let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
                cmd.stdout(file);
            }
            None => {
                cmd.stdout(Stdio::piped());
            }
        }
        let started = Instant::now();
        let child = cmd.spawn().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let pid = child.id();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait_with_output());
        });
        let out = match rx.recv_timeout(a.expect.within) {
            Ok(out) => out.unwrap(),
            Err(_) => {
                let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
                failures.push(format!(
                    "{}: still running after {:?}",
                    a.name, a.expect.within
                ));
                continue;
            }
        };
        let elapsed = started.elapsed();
        if std::env::var_os("HEAPLAB_TEST_TIMES").is_some() {
            eprintln!("{elapsed:>12.3?}  {}", a.name);
        }
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        if out.status.code() != Some(a.expect.code) {
            failures.push(format!(
                "{}: exit {:?}, expected {} ({elapsed:?}):\n{text}",
                a.name,
                out.status.code(),
                a.expect.code
            ));
        } else if !text.contains(a.expect.says) {
            failures.push(format!(
                "{}: the message lacks {:?}:\n{text}",
                a.name, a.expect.says
            ));
        }
        if text.contains("panicked at") {
            failures.push(format!("{}: heaplab panicked:\n{text}", a.name));
        }
        for (path, was) in a.inputs.iter().zip(&before) {
            let now = snapshot(path);
            if &now != was {
                failures.push(format!("{}: {} changed", a.name, path.display()));
            }
        }
        std::thread::sleep(Duration::from_millis(50));
        let left = survivors(&marker);
        if !left.is_empty() {
            failures.push(format!("{}: left running: {left:?}", a.name));
            for process in left {
                let pid = process.split(':').next().unwrap_or_default();
                let _ = Command::new("kill").args(["-9", pid]).status();
            }
        }
    }
    failures
}

/// A run that measures nothing (every family skipped): the quickest way to
/// exercise `bench`'s own handling of its inputs and outputs.
const NOTHING: [&str; 10] = [
    "bench",
    "--lab",
    "00-calibration",
    "--skip",
    "heap",
    "--skip",
    "time",
    "--skip",
    "instructions",
    "--skip=python",
];

/// Every hostile input of the suite, built in `dir`.
fn attempts(dir: &Path) -> Vec<Attempt> {
    let good = good();
    let target = dir.join("target.txt");
    std::fs::write(&target, b"precious").unwrap();
    let link = dir.join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let fifo = dir.join("fifo.json");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let a_dir = dir.join("a-directory.json");
    std::fs::create_dir(&a_dir).unwrap();
    let regular = dir.join("regular-file");
    std::fs::write(&regular, b"not a directory").unwrap();
    let huge = dir.join("huge.json");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(200 << 20)
        .unwrap();
    let copy = dir.join("copy.json");
    std::fs::copy(&good, &copy).unwrap();

    let n_zero = variant(dir, "n-zero.json", |d| {
        set_id_part(&mut d["cases"][0], 3, "0")
    });
    let no_metrics = variant(dir, "no-metrics.json", |d| {
        for case in d["cases"].as_array_mut().unwrap() {
            case["metrics"] = json!({});
        }
    });
    // No records, so no live sites or profiles of them either (each must
    // be of a record).
    let no_cases = variant(dir, "no-cases.json", |d| {
        d["cases"] = json!([]);
        d["sites"] = json!({});
        d["profiles"] = json!({});
    });
    let escaping = variant(dir, "escaping.json", |d| {
        let first = d["labs"][0]["id"].as_str().unwrap().to_owned();
        d["labs"][0]["id"] = json!("../../escape");
        for case in d["cases"].as_array_mut().unwrap() {
            if id_part(case, 0) == first {
                set_id_part(case, 0, "../../escape");
            }
        }
    });
    let slash_workload = variant(dir, "slash.json", |d| {
        set_id_part(&mut d["cases"][0], 1, "a/../../b")
    });
    let inverted = variant(dir, "inverted.json", |d| {
        let case = d["cases"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|c| c["metrics"]["time_ns"].is_object())
            .unwrap();
        let time = &mut case["metrics"]["time_ns"];
        // Schema 2 names it `low`, schema 1 `ci_low`.
        let low = if time.get("low").is_some() {
            "low"
        } else {
            "ci_low"
        };
        time[low] = json!(1e12);
    });
    let negative_time = variant(dir, "negative-time.json", |d| {
        let case = d["cases"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|c| c["metrics"]["time_ns"].is_object())
            .unwrap();
        case["metrics"]["time_ns"] =
            json!({"median": -5.0, "low": -6.0, "high": -4.0, "interval": "ci95"});
    });
    let duplicate = variant(dir, "duplicate.json", |d| {
        let first = d["cases"][0].clone();
        d["cases"].as_array_mut().unwrap().push(first);
    });
    let no_valgrind = variant(dir, "no-valgrind.json", |d| {
        d["provenance"]["valgrind"] = json!("not found");
        for case in d["cases"].as_array_mut().unwrap() {
            case["metrics"]["instructions"] = json!({"not_measured": "valgrind not found"});
        }
    });
    let other_rustc = variant(dir, "other-rustc.json", |d| {
        d["provenance"]["rustc"] = json!("rustc 1.80.0 (0 2024-07-25)")
    });
    let other_valgrind = variant(dir, "other-valgrind.json", |d| {
        d["provenance"]["valgrind"] = json!("valgrind-3.22.0")
    });
    let other_mode = variant(dir, "other-mode.json", |d| {
        d["provenance"]["mode"] = json!("full")
    });
    let other_cpu = variant(dir, "other-cpu.json", |d| {
        d["provenance"]["cpu"] = json!("a faster CPU")
    });
    let fewer_cases = variant(dir, "fewer-cases.json", |d| {
        d["cases"].as_array_mut().unwrap().remove(0);
    });
    let more_allocs = variant(dir, "more-allocs.json", |d| {
        let allocs = d["cases"][0]["metrics"]["allocs"].as_u64().unwrap();
        d["cases"][0]["metrics"]["allocs"] = json!(allocs + 1);
    });
    let stale_tmp = dir
        .join("out-stale")
        .join(".latest.json.2147483632.x1y2z3.tmp");
    std::fs::create_dir_all(stale_tmp.parent().unwrap()).unwrap();
    std::fs::write(&stale_tmp, b"half a file").unwrap();
    let non_utf8 = OsString::from_vec(b"bad-\xff-name".to_vec());
    let non_utf8_out = dir.join(OsString::from_vec(b"out-\xfe".to_vec()));
    let summary = dir.join("summary.md");
    // Standard output here fails with "no space left on device".
    let full = dir.join("full");
    std::os::unix::fs::symlink("/dev/full", &full).unwrap();
    let plots_out = dir.join("plots-out");
    std::fs::create_dir_all(plots_out.join("plots")).unwrap();
    let plot_link = plots_out.join("plots/02-refcount-intern.svg");
    std::os::unix::fs::symlink(&target, &plot_link).unwrap();
    let old_report = dir.join("REPORT.md");
    std::fs::write(&old_report, b"# a report, not results\n").unwrap();
    let dev_full = Path::new("/dev/full");
    let fake_root = fake_root(dir);
    let root = fake_root.to_string_lossy().into_owned();

    let sum = |s: &Path| -> Vec<OsString> { vec!["--summary".into(), s.into()] };
    let compare = |old: &Path, new: &Path| -> Vec<OsString> {
        let mut args: Vec<OsString> = vec!["compare".into(), old.into(), new.into()];
        args.extend(sum(&summary));
        args
    };
    let with = |mut a: Vec<OsString>, more: &[&str]| -> Vec<OsString> {
        a.extend(more.iter().map(OsString::from));
        a
    };
    let custom = |name: &str, args: Vec<OsString>, expect: Expect| Attempt {
        name: name.to_owned(),
        args,
        env: Vec::new(),
        inputs: Vec::new(),
        stdout: None,
        expect,
    };
    // A run of the CPython family only, of lab 02, into dir/out.
    let python_only = |out: &str, more: &[&str]| -> Vec<OsString> {
        let mut a: Vec<OsString> = [
            "bench",
            "--lab",
            "02",
            "--skip",
            "heap",
            "--skip",
            "time",
            "--skip",
            "instructions",
        ]
        .iter()
        .chain(more)
        .map(OsString::from)
        .collect();
        a.extend(["--out".into(), dir.join(out).into()]);
        a
    };
    // The fake reference.py of `fake_root`, behaving as `mode` says.
    let fake = |name: &str, mode: &str, more: &[&str], expect: Expect| {
        custom(name, python_only(mode, more), expect)
            .env("HEAPLAB_ROOT", &root)
            .env("FAKE_REFERENCE", mode)
    };
    // The heap family only, on the calibration lab, with a fault injected.
    let heap_fault = |name: &str, knob: &str, more: &[&str], expect: Expect| {
        let mut args: Vec<OsString> = ["bench", "--smoke", "--lab", "00-calibration"]
            .iter()
            .chain(&[
                "--skip",
                "time",
                "--skip",
                "instructions",
                "--skip",
                "python",
            ])
            .chain(more)
            .map(OsString::from)
            .collect();
        args.extend(["--out".into(), dir.join(format!("heap-{knob}")).into()]);
        custom(name, args, expect).env("HEAPLAB_INJECT", knob)
    };
    let nothing = |out: &Path| -> Vec<OsString> {
        let mut a: Vec<OsString> = NOTHING.iter().map(OsString::from).collect();
        a.push("--out".into());
        a.push(out.into());
        a
    };

    vec![
        // 1. Writes never replace what is not a regular file.
        attempt(
            "baseline save --to a symlink",
            &[&"baseline", &"save", &"--from", &good, &"--to", &link],
            expect(2, "symbolic link"),
        )
        .inputs(&[&good, &link, &target]),
        attempt(
            "baseline save --to a FIFO",
            &[&"baseline", &"save", &"--from", &good, &"--to", &fifo],
            expect(2, "FIFO"),
        )
        .inputs(&[&good, &fifo]),
        attempt(
            "baseline save --to a directory",
            &[&"baseline", &"save", &"--from", &good, &"--to", &a_dir],
            expect(2, "directory"),
        )
        .inputs(&[&good, &a_dir]),
        attempt(
            "baseline save --to /dev/full",
            &[&"baseline", &"save", &"--from", &good, &"--to", &dev_full],
            expect(2, "device"),
        )
        .inputs(&[&good, dev_full]),
        attempt(
            "export --out a symlink",
            &[&"export", &"--results", &good, &"--out", &link],
            expect(2, "symbolic link"),
        )
        .inputs(&[&good, &link, &target]),
        attempt(
            "compare --summary a symlink",
            &[&"compare", &good, &copy, &"--summary", &link],
            expect(2, "symbolic link"),
        )
        .inputs(&[&good, &copy, &link, &target]),
        attempt(
            "bench --out a regular file",
            &[&"bench", &"--out", &regular],
            expect(2, "not a directory"),
        )
        .inputs(&[&regular]),
        attempt(
            "bench --out below a regular file",
            &[&"bench", &"--out", &regular.join("x")],
            expect(2, "ot a directory"),
        )
        .inputs(&[&regular]),
        attempt(
            "report --out a regular file",
            &[&"report", &"--results", &good, &"--out", &regular],
            expect(2, "not a directory"),
        )
        .inputs(&[&good, &regular]),
        // 2. Records that would divide by zero or escape a directory are refused, fast.
        attempt(
            "report of a record with n = 0",
            &[&"report", &"--results", &n_zero, &"--out", &dir.join("r0")],
            expect(2, "n is 0"),
        )
        .inputs(&[&n_zero]),
        attempt(
            "compare a record with n = 0",
            &[&"compare", &n_zero, &good, &"--summary", &summary],
            expect(2, "n is 0"),
        )
        .inputs(&[&n_zero, &good]),
        attempt(
            "report of a lab id with ../",
            &[
                &"report",
                &"--results",
                &escaping,
                &"--out",
                &dir.join("r1"),
            ],
            expect(2, "1–64 letters"),
        )
        .inputs(&[&escaping]),
        attempt(
            "report of a workload with /",
            &[
                &"report",
                &"--results",
                &slash_workload,
                &"--out",
                &dir.join("r2"),
            ],
            expect(2, "1–64 letters"),
        )
        .inputs(&[&slash_workload]),
        // 3. Child processes have limits.
        custom(
            "a $PYTHON whose --version never returns",
            python_only("py-hang", &[]),
            Expect {
                within: Duration::from_secs(25),
                ..expect(0, "no usable CPython")
            },
        )
        .env("PYTHON", &fake_root.join("sleepy-python").to_string_lossy()),
        fake(
            "a reference.py that hangs in a case",
            "hang",
            &["--timeout", "2"],
            Expect {
                within: Duration::from_secs(12),
                ..expect(1, "timed out: over the per-case limit of 2 s")
            },
        ),
        fake(
            "a reference.py printing invalid records",
            "invalid",
            &[],
            expect(1, "not a finite interval around its median"),
        ),
        fake(
            "a reference.py printing a record twice",
            "duplicate",
            &[],
            expect(1, "twice"),
        ),
        fake(
            "a reference.py printing n = 0",
            "n0",
            &[],
            expect(1, "n is 0"),
        ),
        fake(
            "a reference.py that exits at once",
            "exit",
            &[],
            expect(1, "never printed its closing line"),
        ),
        custom(
            "CPython 2.7 as $PYTHON",
            python_only("py27", &[]),
            expect(0, "too old"),
        )
        .env("PYTHON", &fake_root.join("python27").to_string_lossy()),
        heap_fault(
            "a heap case that never returns, limit 2 s",
            "hang",
            &["--timeout", "2"],
            Expect {
                within: Duration::from_secs(5),
                ..expect(1, "the case timed out after 2 s")
            },
        ),
        heap_fault(
            "a heap case that panics",
            "panic",
            &[],
            expect(1, "the case panicked: injected panic"),
        ),
        heap_fault(
            "a heap case that allocates without end",
            "oom",
            &["--memory-limit", "256"],
            expect(1, "ran out of memory (limit 256 MiB)"),
        ),
        // 4. The gate fails closed.
        custom(
            "compare: instructions measured in the baseline only",
            compare(&good, &no_valgrind),
            expect(2, "--allow-missing instructions"),
        )
        .inputs(&[&good, &no_valgrind]),
        custom(
            "compare: the same, allowed",
            with(
                compare(&good, &no_valgrind),
                &["--allow-missing", "instructions"],
            ),
            expect(0, "0 regression(s)"),
        )
        .inputs(&[&good, &no_valgrind]),
        custom(
            "compare: records with no metrics",
            compare(&good, &no_metrics),
            expect(2, "metric time_ns is missing"),
        )
        .inputs(&[&good, &no_metrics]),
        custom(
            "compare: no records at all",
            compare(&no_cases, &no_cases),
            expect(2, "nothing was compared"),
        )
        .inputs(&[&no_cases]),
        custom(
            "compare: a baseline case absent from the run",
            compare(&good, &fewer_cases),
            expect(2, "--allow-missing cases"),
        )
        .inputs(&[&good, &fewer_cases]),
        custom(
            "compare: another rustc",
            compare(&other_rustc, &good),
            expect(2, "--allow-mismatch"),
        )
        .inputs(&[&good, &other_rustc]),
        custom(
            "compare: another rustc, allowed",
            with(compare(&other_rustc, &good), &["--allow-mismatch"]),
            expect(0, "warning: rustc differs"),
        )
        .inputs(&[&good, &other_rustc]),
        custom(
            "compare: another valgrind",
            compare(&other_valgrind, &good),
            expect(2, "valgrind"),
        )
        .inputs(&[&good, &other_valgrind]),
        custom(
            "compare: another mode",
            compare(&other_mode, &good),
            expect(2, "mode"),
        )
        .inputs(&[&good, &other_mode]),
        custom(
            "compare: another CPU only warns",
            compare(&other_cpu, &good),
            expect(0, "warning: CPU differs"),
        )
        .inputs(&[&good, &other_cpu]),
        custom(
            "compare: a real regression",
            compare(&good, &more_allocs),
            expect(3, "REGRESSION"),
        )
        .inputs(&[&good, &more_allocs]),
        custom(
            "compare: NaN tolerance",
            with(compare(&good, &copy), &["--bytes-tolerance-pct", "NaN"]),
            expect(2, "finite"),
        )
        .inputs(&[&good, &copy]),
        custom(
            "compare: negative tolerance",
            with(compare(&good, &copy), &["--instructions-pct=-1"]),
            expect(2, "finite number, 0 or more"),
        )
        .inputs(&[&good, &copy]),
        custom(
            "compare: infinite noise threshold",
            with(compare(&good, &copy), &["--time-noise-pct", "inf"]),
            expect(2, "finite"),
        )
        .inputs(&[&good, &copy]),
        attempt(
            "regress with valgrind missing and no install",
            &[
                &"regress",
                &"--no-install",
                &"--lab",
                &"02",
                &"--baseline",
                &good,
                &"--summary",
                &summary,
            ],
            expect(2, "instructions figures"),
        )
        .inputs(&[&good])
        .env("PATH", &path_without("valgrind", dir)),
        attempt(
            "regress against a baseline of another toolchain",
            &[
                &"regress",
                &"--baseline",
                &other_rustc,
                &"--summary",
                &summary,
            ],
            expect(2, "--allow-mismatch"),
        )
        .inputs(&[&other_rustc]),
        // 5. Output paths are checked before measuring, never equal to an input.
        attempt(
            "bench --out unwritable, before measuring",
            &[&"bench", &"--out", &Path::new("/proc/heaplab-test")],
            expect(2, "cannot"),
        ),
        attempt(
            "regress --summary = the baseline",
            &[&"regress", &"--baseline", &copy, &"--summary", &copy],
            expect(2, "also an input"),
        )
        .inputs(&[&copy]),
        attempt(
            "compare --summary = the old file",
            &[&"compare", &copy, &good, &"--summary", &copy],
            expect(2, "also an input"),
        )
        .inputs(&[&copy, &good]),
        attempt(
            "compare --summary = the new file",
            &[&"compare", &good, &copy, &"--summary", &copy],
            expect(2, "also an input"),
        )
        .inputs(&[&copy, &good]),
        attempt(
            "export --out = --results",
            &[&"export", &"--results", &copy, &"--out", &copy],
            expect(2, "also an input"),
        )
        .inputs(&[&copy]),
        attempt(
            "baseline save --from X --to X",
            &[&"baseline", &"save", &"--from", &copy, &"--to", &copy],
            expect(2, "also an input"),
        )
        .inputs(&[&copy]),
        attempt(
            "report --results the report itself",
            &[&"report", &"--results", &old_report],
            expect(2, "not a valid heaplab results file"),
        )
        .inputs(&[&old_report]),
        // 6. Loaded files: bounded, regular, valid.
        attempt(
            "compare a FIFO",
            &[&"compare", &fifo, &good, &"--summary", &summary],
            expect(2, "FIFO"),
        )
        .inputs(&[&fifo, &good]),
        attempt(
            "compare /dev/zero",
            &[
                &"compare",
                &Path::new("/dev/zero"),
                &good,
                &"--summary",
                &summary,
            ],
            expect(2, "device"),
        )
        .inputs(&[&good]),
        attempt(
            "compare /dev/urandom",
            &[
                &"compare",
                &good,
                &Path::new("/dev/urandom"),
                &"--summary",
                &summary,
            ],
            expect(2, "device"),
        )
        .inputs(&[&good]),
        attempt(
            "compare a 200 MB file",
            &[&"compare", &huge, &good, &"--summary", &summary],
            expect(2, "over heaplab's limit"),
        )
        .inputs(&[&huge, &good]),
        attempt(
            "compare a directory",
            &[&"compare", &a_dir, &good, &"--summary", &summary],
            expect(2, "directory"),
        )
        .inputs(&[&a_dir, &good]),
        attempt(
            "regress with a directory as baseline",
            &[&"regress", &"--baseline", &a_dir, &"--summary", &summary],
            expect(2, "cannot be read"),
        )
        .inputs(&[&a_dir]),
        attempt(
            "compare an inverted interval",
            &[&"compare", &inverted, &good, &"--summary", &summary],
            expect(2, "not a finite interval"),
        )
        .inputs(&[&inverted, &good]),
        attempt(
            "compare a negative time",
            &[&"compare", &negative_time, &good, &"--summary", &summary],
            expect(2, "not a finite interval"),
        )
        .inputs(&[&negative_time, &good]),
        attempt(
            "compare a duplicate record",
            &[&"compare", &duplicate, &good, &"--summary", &summary],
            expect(2, "twice"),
        )
        .inputs(&[&duplicate, &good]),
        // 7. Arguments and environment.
        custom(
            "non-UTF-8 --lab",
            vec!["bench".into(), "--lab".into(), non_utf8.clone()],
            expect(2, "invalid UTF-8"),
        ),
        custom(
            "non-UTF-8 baseline path",
            vec![
                "regress".into(),
                "--baseline".into(),
                dir.join(&non_utf8).into(),
                "--summary".into(),
                summary.clone().into(),
            ],
            expect(2, "make baseline"),
        ),
        custom(
            "non-UTF-8 --to",
            vec![
                "baseline".into(),
                "save".into(),
                "--from".into(),
                good.clone().into(),
                "--to".into(),
                dir.join(&non_utf8).into(),
            ],
            expect(0, "baseline written"),
        )
        .inputs(&[&good]),
        custom(
            "non-UTF-8 --out of a run",
            nothing(&non_utf8_out),
            expect(0, "done in"),
        ),
        attempt(
            "unknown lab",
            &[&"bench", &"--lab", &"99"],
            expect(2, "known labs"),
        ),
        attempt(
            "--timeout 0",
            &[&"bench", &"--timeout", &"0"],
            expect(2, "more than 0"),
        ),
        attempt(
            "--timeout NaN",
            &[&"bench", &"--timeout", &"NaN"],
            expect(2, "finite"),
        ),
        attempt(
            "--memory-limit 1",
            &[&"bench", &"--memory-limit", &"1"],
            expect(2, "64"),
        ),
        custom(
            "a stale temporary file is swept",
            nothing(&dir.join("out-stale")),
            expect(0, "done in"),
        ),
        // 8. Standard output that cannot be written.
        attempt(
            "export to a full disk",
            &[&"export", &"--results", &good],
            expect(1, "cannot write to standard output"),
        )
        .inputs(&[&good])
        .stdout_to(&full),
        attempt(
            "list to a full disk",
            &[&"list"],
            expect(1, "cannot write to standard output"),
        )
        .stdout_to(&full),
        custom(
            "compare to a full disk keeps its verdict",
            compare(&good, &more_allocs),
            expect(3, "cannot print the table"),
        )
        .inputs(&[&good, &more_allocs])
        .stdout_to(&full),
        custom(
            "a regression whose summary cannot be written still exits 3",
            vec![
                "compare".into(),
                good.clone().into(),
                more_allocs.clone().into(),
                "--summary".into(),
                "/proc/heaplab-summary.md".into(),
            ],
            expect(3, "cannot write"),
        )
        .inputs(&[&good, &more_allocs]),
        // 9. Added after review: what escapes a group, a baseline without a
        //    family, --against, plots in the way.
        fake(
            "a reference.py whose child escapes with setsid",
            "escape",
            &[],
            expect(0, "18 records"),
        ),
        attempt(
            "regress against a baseline without instructions, before measuring",
            &[
                &"regress",
                &"--baseline",
                &no_valgrind,
                &"--summary",
                &summary,
            ],
            expect(2, "the baseline has none"),
        )
        .inputs(&[&no_valgrind]),
        custom(
            "compare: instructions measured in the run only",
            compare(&no_valgrind, &good),
            expect(2, "baseline: valgrind not found"),
        )
        .inputs(&[&good, &no_valgrind]),
        attempt(
            "regress --against an unknown revision",
            &[
                &"regress",
                &"--against",
                &"no-such-revision",
                &"--summary",
                &summary,
            ],
            expect(2, "no such git revision"),
        ),
        attempt(
            "regress --against with valgrind missing, before building",
            &[
                &"regress",
                &"--against",
                &"HEAD",
                &"--no-install",
                &"--lab",
                &"02",
                &"--summary",
                &summary,
            ],
            expect(2, "instructions figures"),
        )
        .env("PATH", &path_without("valgrind", dir)),
        attempt(
            "bench over a plot that is a symlink, before measuring",
            &[&"bench", &"--out", &plots_out],
            expect(2, "symbolic link"),
        )
        .inputs(&[&plot_link, &target]),
        attempt(
            "report over a plot that is a symlink",
            &[&"report", &"--results", &good, &"--out", &plots_out],
            expect(2, "symbolic link"),
        )
        .inputs(&[&good, &plot_link, &target]),
    ]
}

/// A PATH holding every program of this one but `program`, through links.
fn path_without(program: &str, dir: &Path) -> String {
    let bin = dir.join("path-without");
    std::fs::create_dir_all(&bin).unwrap();
    let path = std::env::var_os("PATH").unwrap_or_default();
    for d in std::env::split_paths(&path) {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            if name.to_string_lossy().starts_with(program) {
                continue;
            }
            let _ = std::os::unix::fs::symlink(e.path(), bin.join(&name));
        }
    }
    bin.to_string_lossy().into_owned()
}

/// A workspace root holding a fake `labs/02-refcount/python/reference.py`
/// whose behaviour `$FAKE_REFERENCE` picks, and fake interpreters.
fn fake_root(dir: &Path) -> PathBuf {
    let root = dir.join("fake-root");
    let script = root.join("labs/02-refcount/python/reference.py");
    std::fs::create_dir_all(script.parent().unwrap()).unwrap();
    std::fs::write(
        &script,
        r#"import json, os, sys, time
mode = os.environ.get("FAKE_REFERENCE", "")
args = sys.argv[1:]
planned = []
for i, a in enumerate(args):
    if a == "--case":
        case, sizes = args[i + 1].split("=")
        workload, strategy = case.split("/")
        planned += [(workload, strategy, int(n)) for n in sizes.split(",")]
def metrics(median=1.0, low=1.0, high=1.0):
    m = {k: {"not_measured": "fake"} for k in ("allocs", "bytes", "instructions")}
    m.update(peak_bytes=1, live_bytes=0, time_ns={"median": median, "low": low, "high": high, "interval": "range"})
    return m
def started(i, workload, strategy, n):
    event = {"index": i, "total": len(planned), "case": f"02-refcount/{workload}/{strategy}/{n}"}
    print("heaplab-event " + json.dumps(event), file=sys.stderr, flush=True)
def record(i, workload, strategy, n, **kw):
    started(i, workload, strategy, n)
    print(json.dumps({"index": i, "record": {"workload": workload, "strategy": strategy, "n": n, "metrics": metrics(**kw)}}), flush=True)
skip = int(args[args.index("--skip") + 1])
if mode == "exit":
    sys.exit(0)
if mode == "escape":
    import subprocess
    subprocess.Popen(["setsid", "sleep", "600"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for i in range(skip, len(planned)):
    workload, strategy, n = planned[i]
    if mode == "hang" and i == 1:
        started(i, workload, strategy, n)
        time.sleep(600)
    if mode == "invalid" and i == 1:
        record(i, workload, strategy, n, median=5.0, low=9.0, high=10.0)
        continue
    if mode == "duplicate" and i == 2:
        record(i, *planned[0])
        continue
    if mode == "n0" and i == 2:
        record(i, workload, strategy, 0)
        continue
    record(i, workload, strategy, n)
end = {"lab": "02-refcount", "python": "fake", "facts": [], "records": len(planned), "timing": "fake"}
print(json.dumps({"end": end}), flush=True)
"#,
    )
    .unwrap();
    let sleepy = root.join("sleepy-python");
    std::fs::write(&sleepy, "#!/bin/sh\nexec sleep 600\n").unwrap();
    let old = root.join("python27");
    std::fs::write(&old, "#!/bin/sh\necho 'Python 2.7.18' >&2\n").unwrap();
    for exe in [&sleepy, &old] {
        let _ = Command::new("chmod").arg("+x").arg(exe).status();
    }
    root
}

#[test]
fn every_hostile_input_is_handled() {
    let dir = scratch("all");
    let list = attempts(&dir);
    let count = list.len();
    let failures = run_all(list);
    assert!(
        failures.is_empty(),
        "{} of {count} attempts failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    // What the attempts leave behind is what they promise.
    let stale = dir.join("out-stale/.latest.json.2147483632.x1y2z3.tmp");
    assert!(!stale.exists(), "the stale temporary file was swept");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_readme_quotes_the_number_of_attempts() {
    let dir = scratch("count");
    let count = attempts(&dir).len();
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    let quoted = format!("{count} hostile inputs");
    assert!(
        readme.contains(&quoted),
        "README.md should say \"{quoted}\" in its reliability section"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn two_runs_at_once_never_share_a_run_directory() {
    let dir = scratch("concurrent");
    let out = dir.join("out");
    let spawn = || {
        let mut args: Vec<OsString> = NOTHING.iter().map(OsString::from).collect();
        args.extend(["--out".into(), out.clone().into_os_string()]);
        Command::new(HEAPLAB)
            .args(args)
            .env("HEAPLAB_CALIBRATION", "1")
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let runs: Vec<_> = (0..3).map(|_| spawn()).collect();
    for mut run in runs {
        assert!(run.wait().unwrap().success());
    }
    let dirs: BTreeMap<String, bool> = std::fs::read_dir(out.join("runs"))
        .unwrap()
        .flatten()
        .map(|e| {
            let readme = e.path().join("README.md");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(readme).is_ok_and(|t| !t.contains("**Partial**")),
            )
        })
        .collect();
    assert_eq!(dirs.len(), 3, "{dirs:?}");
    assert!(dirs.values().all(|complete| *complete), "{dirs:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn nothing_outlives_heaplab_however_it_is_stopped() {
    let dir = scratch("kill");
    let root = fake_root(&dir);
    for (signal, code) in [("KILL", None), ("INT", Some(130)), ("TERM", Some(143))] {
        let marker = format!("{}-kill-{signal}", std::process::id());
        let out = dir.join(format!("out-{signal}"));
        let child = Command::new(HEAPLAB)
            .args(["bench", "--lab", "02", "--skip", "heap", "--skip", "time"])
            .args(["--skip", "instructions", "--timeout", "600", "--out"])
            .arg(&out)
            .env("HEAPLAB_ROOT", &root)
            .env("FAKE_REFERENCE", "hang")
            .env("HEAPLAB_TEST_MARKER", &marker)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until the CPython reference is running (and stuck in its case).
        let started = Instant::now();
        while !survivors(&marker)
            .iter()
            .any(|p| p.contains("reference.py"))
        {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{signal}: the reference never started"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(300));
        let killed = Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        if let Some(code) = code {
            assert_eq!(output.status.code(), Some(code), "{signal}: {stderr}");
            assert!(stderr.contains("interrupted by SIG"), "{signal}: {stderr}");
            assert!(stderr.contains("results.json"), "says where: {stderr}");
        }
        std::thread::sleep(Duration::from_millis(300));
        let left = survivors(&marker);
        assert!(left.is_empty(), "{signal}: left running: {left:?}");
        // The partial record written before CPython started is there and loads.
        let runs: Vec<_> = std::fs::read_dir(out.join("runs"))
            .unwrap()
            .flatten()
            .collect();
        assert_eq!(runs.len(), 1, "{signal}");
        let partial = runs[0].path().join("results.json");
        assert!(
            heaplab::results::Results::load(&partial).is_ok(),
            "{signal}: {}",
            partial.display()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_process_heaplab_inherited_is_left_alone() {
    // `sleep` is started by the shell, which then becomes heaplab: the
    // sleep is heaplab's child without heaplab having started it.
    let dir = scratch("inherited");
    let mut args: Vec<OsString> = NOTHING.iter().map(OsString::from).collect();
    args.extend(["--out".into(), dir.join("out").into()]);
    let out = Command::new("sh")
        .arg("-c")
        .arg(r#"sleep 309 >/dev/null 2>&1 & echo $! >&2; exec "$0" "$@""#)
        .arg(HEAPLAB)
        .args(&args)
        .env("HEAPLAB_CALIBRATION", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let pid = stderr.lines().next().unwrap().trim().to_owned();
    let alive = Path::new("/proc").join(&pid).join("cmdline");
    let running = std::fs::read(&alive).is_ok_and(|c| c.starts_with(b"sleep"));
    let _ = Command::new("kill").args(["-9", &pid]).status();
    assert!(running, "the inherited sleep {pid} was killed");
    let _ = std::fs::remove_dir_all(&dir);
}
