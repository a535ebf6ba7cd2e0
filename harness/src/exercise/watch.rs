//! `heaplab exercise watch`: the rustlings habit. Checks the first exercise
//! not passed, re-checks it every time its file is saved, and moves on when
//! it passes. Commands on standard input: `h` a hint, `n` the next
//! exercise, `c` check again, `l` the list, `q` quit.
//!
//! The file is polled (its hash, every [`POLL`]) rather than watched with a
//! notification crate: one file, and polling also sees editors that save
//! by renaming a new file over the old one.

use std::io::BufRead as _;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use crate::error::Error;
use crate::exercise::grade::RunLimits;
use crate::exercise::state::{self, Progress, State};
use crate::exercise::{Entry, Language, Source, catalogue, check, show};

/// How often the file is looked at.
pub const POLL: Duration = Duration::from_millis(300);

fn commands() -> Receiver<String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if send.send(line.trim().to_owned()).is_err() {
                break;
            }
        }
    });
    receive
}

/// One line per exercise: id, state, title.
pub fn list_lines(root: &Path, entries: &[Entry], state: &State) -> String {
    entries
        .iter()
        .map(|e| {
            format!(
                "  {:<15} {:<12} {}\n",
                e.to_string(),
                state.progress(root, e).label(),
                e.exercise.title
            )
        })
        .collect()
}

/// Watches the exercises of `language` until all pass or `q` is typed.
/// Returns the exit code: 0 when every one passed, 1 otherwise.
///
/// # Errors
///
/// When a check cannot be run at all (see [`check`]).
pub fn watch(root: &Path, language: Language, limits: RunLimits) -> Result<u8, Error> {
    let entries: Vec<Entry> = catalogue()
        .into_iter()
        .filter(|e| e.language == language)
        .collect();
    let input = commands();
    let mut skipped = 0;
    loop {
        let state = State::load(root)?;
        let pending: Vec<&Entry> = entries
            .iter()
            .filter(|e| state.progress(root, e) != Progress::Passed)
            .collect();
        let Some(&entry) = pending.get(skipped % pending.len().max(1)) else {
            println!("Every exercise passed. Well done.");
            return Ok(0);
        };
        let path = root.join(entry.exercise_path());
        let verdict = check(root, entry, &Source::Exercise, limits)?;
        print!("{}", show::render(&verdict));
        if verdict.passed() {
            println!("\nmoving on…\n");
            continue;
        }
        println!(
            "\nwatching {} — save it to check again; h hint · n next · c check · l list · q quit",
            entry.exercise_path().display()
        );
        let seen = state::file_hash(&path);
        loop {
            match input.recv_timeout(POLL) {
                Ok(command) => match command.as_str() {
                    "q" => return Ok(1),
                    "n" => {
                        skipped += 1;
                        break;
                    }
                    "c" => break,
                    "l" => print!("{}", list_lines(root, &entries, &State::load(root)?)),
                    "h" => {
                        let mut state = State::load(root)?;
                        let index = state.next_hint(entry);
                        state.save(root)?;
                        if let Some(hint) = entry.exercise.hints.get(index) {
                            println!(
                                "hint {} of {}: {hint}",
                                index + 1,
                                entry.exercise.hints.len()
                            );
                        }
                    }
                    _ => println!("h hint · n next · c check · l list · q quit"),
                },
                Err(timeout) => {
                    if timeout == RecvTimeoutError::Disconnected {
                        // No terminal: only saves count.
                        std::thread::sleep(POLL);
                    }
                    if state::file_hash(&path) != seen {
                        break;
                    }
                }
            }
            if crate::measure::child::interrupted() {
                return Ok(1);
            }
        }
    }
}
