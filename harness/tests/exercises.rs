//! The exercises, end to end: every exercise as shipped fails its check,
//! every reference solution passes, and bad code — that does not compile,
//! panics, loops, asks for 10 GiB, exits, aborts, leaks or answers wrong —
//! gets its own verdict within the time limit + 2 s.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use heaplab::exercise::compile::{self, Built, Target};
use heaplab::exercise::grade::{Failure, RunLimits, Verdict};
use heaplab::exercise::{Entry, Language, Source, catalogue, check, find, show};

fn root() -> PathBuf {
    heaplab::measure::workspace_root()
}

fn fixture(name: &str) -> PathBuf {
    root().join("harness/tests/fixtures/exercises").join(name)
}

/// Whether the working copy of `path` differs from git's HEAD (a student
/// at work): then "starts unsolved" is not this file's to prove.
fn edited(path: &Path) -> bool {
    Command::new("git")
        .arg("-C")
        .arg(root())
        .args(["diff", "--quiet", "HEAD", "--"])
        .arg(path)
        .status()
        .is_ok_and(|s| !s.success())
}

fn kinds(verdict: &Verdict) -> Vec<&'static str> {
    match &verdict.result {
        Ok(_) => Vec::new(),
        Err(failures) => failures.iter().map(Failure::kind).collect(),
    }
}

#[test]
fn every_solution_passes_and_every_exercise_starts_unsolved() {
    let root = root();
    let all = catalogue();
    // Both sides of every Rust exercise, built in one cargo run.
    let targets: Vec<Target> = all
        .iter()
        .filter(|e| e.language == Language::Rust)
        .flat_map(|e| {
            [Source::Solution, Source::File(root.join(e.exercise_path()))]
                .map(|source| Target { entry: *e, source })
        })
        .collect();
    match compile::build(&root, &targets).unwrap() {
        Built::Binaries(bins) => assert_eq!(bins.len(), targets.len()),
        Built::DoesNotCompile(errors) => {
            panic!("every exercise and solution must compile as shipped:\n{errors}")
        }
    }
    for entry in &all {
        let solution = check(&root, entry, &Source::Solution, RunLimits::default()).unwrap();
        assert!(solution.passed(), "{}", show::render(&solution));
        let path = root.join(entry.exercise_path());
        if edited(&path) {
            eprintln!("{entry}: edited since HEAD, not asserting that it starts unsolved");
            continue;
        }
        let start = check(&root, entry, &Source::File(path), RunLimits::default()).unwrap();
        let text = show::render(&start);
        assert!(!start.passed(), "{entry} must start unsolved:\n{text}");
        assert!(
            !kinds(&start).contains(&"does not compile"),
            "{entry} must compile as shipped:\n{text}"
        );
        assert!(
            start.rows.iter().all(|r| r.reference.is_some()),
            "{entry}: the reference's figures go beside the student's:\n{text}"
        );
    }
}

#[test]
fn exercises_are_mirrored_hinted_and_documented() {
    let root = root();
    let all = catalogue();
    assert!(
        all.iter().filter(|e| e.language == Language::Rust).count() >= 10,
        "at least ten Rust exercises"
    );
    assert!(
        all.iter()
            .filter(|e| e.language == Language::Python)
            .count()
            >= 2
    );
    for lab in heaplab::registry::labs() {
        let dir = root.join("labs").join(lab.id);
        let names = |sub: &str| -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(dir.join(sub))
                .map(|d| {
                    d.filter_map(Result::ok)
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            names.sort();
            names
        };
        assert_eq!(
            names("exercises"),
            names("solutions"),
            "labs/{}: solutions/ mirrors exercises/ file for file",
            lab.id
        );
        let mut listed: Vec<String> = lab
            .exercises
            .iter()
            .flat_map(|e| std::iter::once(e.file).chain(e.python))
            .map(str::to_owned)
            .collect();
        listed.sort();
        assert_eq!(
            names("exercises"),
            listed,
            "labs/{}: every exercise file is listed",
            lab.id
        );
    }
    for entry in &all {
        assert!(!entry.exercise.hints.is_empty(), "{entry} has a hint");
        let text = std::fs::read_to_string(root.join(entry.exercise_path())).unwrap();
        let command = format!("heaplab exercise check {}", entry.id());
        assert!(
            text.contains(&command),
            "{entry}: its doc comment says `{command}`"
        );
        let readme =
            std::fs::read_to_string(root.join("labs").join(entry.lab.id).join("README.md"))
                .unwrap();
        let link = format!("exercises/{}", entry.file());
        assert!(
            readme.contains(&link),
            "labs/{}/README.md links {link}",
            entry.lab.id
        );
    }
}

/// Checks each fixture as exercise 04-1 (`python`: its twin) with a 3 s
/// limit, and asserts the verdict's first failure is `kind`, that it says
/// `detail`, and that it came within the limit + 2 s.
fn expect_verdicts(python: bool, cases: &[(&str, &str, &str)]) {
    let entry: Entry = find("04-1", python).unwrap();
    let limit = Duration::from_secs(3);
    let limits = RunLimits {
        timeout: limit,
        memory: heaplab::exercise::grade::DEFAULT_MEMORY,
    };
    for &(file, kind, detail) in cases {
        let verdict = check(&root(), &entry, &Source::File(fixture(file)), limits).unwrap();
        let text = show::render(&verdict);
        assert!(
            verdict.elapsed <= limit + Duration::from_secs(2),
            "{file}: the verdict took {:?}, over the limit + 2 s",
            verdict.elapsed
        );
        assert_eq!(
            kinds(&verdict).first().copied(),
            Some(kind),
            "{file}:\n{text}"
        );
        assert!(
            text.contains(detail),
            "{file}: the verdict says `{detail}`:\n{text}"
        );
    }
}

#[test]
fn bad_rust_code_gets_its_own_verdict() {
    let root = root();
    let entry = find("04-1", false).unwrap();
    let cases = [
        ("panics.rs", "panicked", "the fixture panics"),
        ("loops.rs", "timed out", "still running after 3 s"),
        ("alloc_10gb.rs", "out of memory", "1 GiB"),
        ("exits.rs", "exited early", "std::process::exit"),
        ("fake_done.rs", "exited early", "never reported a result"),
        ("aborts.rs", "killed by a signal", "SIGABRT"),
        ("leaks.rs", "leaked", "live_bytes at n = 1,000"),
        ("wrong.rs", "wrong answer", "test `n = 4"),
        ("over_budget.rs", "over budget", "where yours allocated"),
        (
            "does_not_compile.rs",
            "does not compile",
            "error[E0308]: mismatched types",
        ),
    ];
    let targets: Vec<Target> = cases[..cases.len() - 1]
        .iter()
        .map(|(file, ..)| Target {
            entry,
            source: Source::File(fixture(file)),
        })
        .collect();
    assert!(matches!(
        compile::build(&root, &targets).unwrap(),
        Built::Binaries(_)
    ));
    expect_verdicts(false, &cases);
}

#[test]
fn bad_python_code_gets_its_own_verdict() {
    let cases = [
        ("syntax_error.py", "does not compile", "SyntaxError"),
        ("exits.py", "exited early", "os._exit"),
        ("loops.py", "timed out", "still running after 3 s"),
        ("alloc_10gb.py", "out of memory", "MemoryError"),
    ];
    expect_verdicts(true, &cases);
}

fn heaplab(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_heaplab"))
        .args(args)
        .env("HEAPLAB_ROOT", root)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_command_line_lists_hints_resets_and_exits_by_the_rules() {
    let root = root();
    let (code, _, err) = heaplab(&root, &["exercise", "check", "99-1"]);
    assert_eq!(code, 2, "an unknown exercise exits 2: {err}");
    assert!(err.contains("04-1"), "the error lists the known ids: {err}");
    let (code, out, _) = heaplab(&root, &["exercise", "check", "02-1", "--solution"]);
    assert_eq!(code, 0, "{out}");
    let fixture = fixture("wrong.rs");
    let (code, out, _) = heaplab(
        &root,
        &[
            "exercise",
            "check",
            "04-1",
            "--file",
            fixture.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{out}");

    // A scratch workspace: its own state file and a git repository to reset from.
    let scratch = tempfile::tempdir().unwrap();
    let (code, json, _) = heaplab(scratch.path(), &["exercise", "list", "--json"]);
    assert_eq!(code, 0);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(rows.len(), catalogue().len());
    for row in &rows {
        for key in [
            "id",
            "language",
            "lab",
            "title",
            "exercise_file",
            "solution_file",
        ] {
            assert!(row[key].is_string(), "{key} in {row}");
        }
        assert_eq!(row["state"], "not_started");
    }
    let (_, first, _) = heaplab(scratch.path(), &["exercise", "hint", "04-1"]);
    let (_, second, _) = heaplab(scratch.path(), &["exercise", "hint", "04-1"]);
    assert!(first.starts_with("hint 1 of 3"), "{first}");
    assert!(second.starts_with("hint 2 of 3"), "{second}");

    let relative = Path::new("labs/04-slots-vs-dict/exercises/readings.rs");
    let file = scratch.path().join(relative);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::copy(root.join(relative), &file).unwrap();
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .current_dir(scratch.path())
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "start"]);
    std::fs::write(&file, "// my attempt\n").unwrap();
    let (code, _, err) = heaplab(scratch.path(), &["exercise", "reset", "04-1"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(root.join(relative)).unwrap()
    );
}
