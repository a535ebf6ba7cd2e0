//! Progress on standard error: a bar on a terminal, plain lines elsewhere (CI logs).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// One phase's progress (heap, time, instructions, python).
pub struct Progress {
    bar: Option<ProgressBar>,
    phase: &'static str,
    total: usize,
    done: usize,
}

impl Progress {
    /// A phase of `total` steps.
    pub fn new(phase: &'static str, total: usize) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix:>12} [{bar:30}] {pos}/{len} {elapsed_precise} {wide_msg}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar.set_prefix(phase);
            bar
        });
        Self {
            bar,
            phase,
            total,
            done: 0,
        }
    }

    /// Shows what is happening without counting a step.
    pub fn message(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.set_message(text.to_owned()),
            None => eprintln!("{:>12} {text}", self.phase),
        }
    }

    /// A line that stays (a failure, a warning), above the bar.
    pub fn note(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(format!("{:>12} {text}", self.phase)),
            None => eprintln!("{:>12} {text}", self.phase),
        }
    }

    /// Counts one step, named `text`.
    pub fn step(&mut self, text: &str) {
        self.done += 1;
        match &self.bar {
            Some(bar) => {
                bar.set_position(self.done as u64);
                bar.set_message(text.to_owned());
            }
            None => eprintln!("{:>12} [{}/{}] {text}", self.phase, self.done, self.total),
        }
    }

    /// Ends the phase with a summary line.
    pub fn finish(self, text: &str) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        eprintln!("{:>12} {text}", self.phase);
    }
}
