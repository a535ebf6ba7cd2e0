//! The deterministic families in parallel.
//!
//! Heap figures (dhat counts what the program asks for) and instruction
//! counts (callgrind counts what the CPU is told to do) do not depend on
//! machine load, so they are measured `jobs` at a time — one job per core
//! by default — while the time family waits for a quiet machine. One work
//! queue feeds every job: other deterministic work first (CPython's heap
//! passes, the exercises' reference solutions: the longest tasks), then
//! instruction counts (batches of a few items per bench process), heap
//! cases (one process each) in between. A case's
//! sizes are counted in ascending order, and each larger size is queued
//! only once the smaller ones are counted, so [`crate::measure::sizes`]
//! can decide whether it is worth counting. Each job has its own log and
//! iai-callgrind home; the results do not depend on how many jobs there
//! are (`harness/tests/parallel.rs` checks serial against parallel).

use std::collections::{BTreeMap, VecDeque};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Instant;

use crate::measure::binaries::{Job, Outcome};
use crate::measure::child::Limits;
use crate::measure::progress::Progress;
use crate::measure::{heap, instructions, sizes};
use crate::plan::Item;
use crate::results::{CaseId, Metric};

/// Most items one instruction bench process counts: small enough that
/// jobs share the work evenly, large enough that process start-up is noise.
const BATCH: usize = 8;

/// What to count instructions with.
pub struct Counting<'a> {
    /// The instruction bench's run over the plan.
    pub job: Job<'a>,
    /// `PATH` holding the runner ([`instructions::runner_path`]).
    pub path: OsString,
}

/// A task of other deterministic work, run by the first free job.
pub type Side<'a> = Box<dyn FnOnce() + Send + Sync + 'a>;

/// The deterministic families of one run.
pub struct Deterministic<'a> {
    /// Other deterministic work, started first (longest first).
    pub side: Vec<Side<'a>>,
    /// The plan's items.
    pub items: &'a [Item],
    /// Parallel jobs (at least 1).
    pub jobs: usize,
    /// Measure heap figures with this `heaplab` executable under these limits.
    pub heap: Option<(PathBuf, Limits)>,
    /// Count instructions.
    pub instructions: Option<Counting<'a>>,
    /// Where each job's logs and homes go.
    pub work: &'a Path,
}

/// What the deterministic families measured.
#[derive(Debug, Default)]
pub struct Measured {
    /// Heap figures by case, or why there are none.
    pub heap: BTreeMap<CaseId, Result<heap::HeapFigures, String>>,
    /// Instruction counts (with `failures` and per-case seconds).
    pub instructions: Outcome,
    /// Failures of the heap family.
    pub heap_failures: Vec<String>,
    /// Seconds of one job each heap case took.
    pub heap_seconds: BTreeMap<CaseId, f64>,
    /// Allocation sites still live at the end, for the cases that ask
    /// (`Case::show_live_sites`), at their largest size.
    pub sites: BTreeMap<CaseId, Vec<crate::measure::sites::Site>>,
    /// Profiles of the cases that ask (`Case::profile`), at their largest
    /// size; `file` is dhat's file in this run's work folder until saved.
    pub profiles: BTreeMap<CaseId, crate::measure::sites::Profile>,
    /// Bytes the allocator reserved, by case, or why they were not measured.
    pub reserved: BTreeMap<CaseId, Result<u64, String>>,
}

/// A case's sizes in the instruction family, counted in ascending order.
struct Chain {
    /// Item indices, ascending `n`.
    items: Vec<usize>,
    /// How many of them were queued (or decided) so far.
    queued: usize,
    /// How many of the queued ones are done.
    done: usize,
    /// `(n, count)` of those counted.
    counted: Vec<(usize, u64)>,
}

#[derive(Default)]
struct Queue<'a> {
    side: VecDeque<Side<'a>>,
    heap: VecDeque<usize>,
    ready: VecDeque<usize>,
    in_flight: usize,
    chains: Vec<Chain>,
    /// Item index → chain.
    chain_of: BTreeMap<usize, usize>,
    measured: Measured,
}

enum Task<'a> {
    Side(Side<'a>),
    Heap(usize),
    Count(Vec<usize>),
}

impl<'a> Deterministic<'a> {
    /// Measures both families over every item, and runs the side tasks,
    /// `jobs` at a time.
    pub fn run(mut self) -> Measured {
        let items = self.items;
        let mut queue = Queue {
            side: std::mem::take(&mut self.side).into(),
            ..Queue::default()
        };
        let mut skipped_at_start = Vec::new();
        let mut total = 0;
        if self.heap.is_some() {
            queue.heap = (0..items.len()).collect();
            total += items.len();
        }
        if self.instructions.is_some() {
            total += items.len();
            let mut by_case: BTreeMap<(&str, &str, &str), Vec<usize>> = BTreeMap::new();
            for (k, item) in items.iter().enumerate() {
                by_case
                    .entry((item.lab.id, item.case.workload, item.case.strategy))
                    .or_default()
                    .push(k);
            }
            // Plan order, so the queue starts where a serial run would.
            let mut chains: Vec<Vec<usize>> = by_case.into_values().collect();
            chains.sort_by_key(|c| c[0]);
            for mut chain in chains {
                chain.sort_by_key(|&k| items[k].n);
                let c = queue.chains.len();
                for &k in &chain {
                    queue.chain_of.insert(k, c);
                }
                queue.chains.push(Chain {
                    items: chain,
                    queued: 0,
                    done: 0,
                    counted: Vec::new(),
                });
                for key in queue.advance(c, items) {
                    skipped_at_start.push(key);
                }
            }
        }
        let mut progress = Progress::new("heap+instr", total);
        for key in skipped_at_start {
            progress.step(&format!("instructions {key} (not counted: see the report)"));
        }
        let progress = Mutex::new(progress);
        let shared = (Mutex::new(queue), Condvar::new());
        std::thread::scope(|scope| {
            for job in 0..self.jobs.max(1) {
                let (shared, progress, this) = (&shared, &progress, &self);
                scope.spawn(move || this.worker(job, shared, progress));
            }
        });
        let queue = shared
            .0
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let progress = progress
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let measured = queue.measured;
        let heap_ok = measured.heap.values().filter(|r| r.is_ok()).count();
        let counted = measured
            .instructions
            .metrics
            .values()
            .filter(|m| m.is_measured())
            .count();
        progress.finish(&format!(
            "{heap_ok} heap cases measured, {counted} instruction counts taken ({} jobs)",
            self.jobs.max(1)
        ));
        measured
    }

    fn worker(&self, job: usize, shared: &(Mutex<Queue<'a>>, Condvar), progress: &Mutex<Progress>) {
        let (lock, wake) = shared;
        let log = self.work.join(format!("instructions-{job}.log"));
        let home = self.work.join(format!("iai-{job}"));
        let _ = std::fs::remove_file(&log);
        let _ = std::fs::remove_dir_all(&home);
        loop {
            let task = {
                let mut queue = lock.lock().unwrap_or_else(PoisonError::into_inner);
                loop {
                    if let Some(task) = queue.side.pop_front() {
                        break Some(Task::Side(task));
                    }
                    if !queue.ready.is_empty() {
                        let share = (queue.ready.len() / self.jobs.max(1)).clamp(1, BATCH);
                        let batch: Vec<usize> = queue.ready.drain(..share).collect();
                        queue.in_flight += batch.len();
                        break Some(Task::Count(batch));
                    }
                    if let Some(k) = queue.heap.pop_front() {
                        break Some(Task::Heap(k));
                    }
                    if queue.in_flight == 0 {
                        break None;
                    }
                    queue = wake.wait(queue).unwrap_or_else(PoisonError::into_inner);
                }
            };
            match task {
                None => {
                    wake.notify_all();
                    return;
                }
                Some(Task::Side(task)) => task(),
                Some(Task::Heap(k)) => self.heap_case(k, lock, progress),
                Some(Task::Count(batch)) => {
                    let mut guard = InFlight {
                        shared,
                        count: batch.len(),
                    };
                    self.count(&batch, &log, &home, lock, progress);
                    guard.count = 0;
                    wake.notify_all();
                }
            }
        }
    }

    fn heap_case(&self, k: usize, lock: &Mutex<Queue<'a>>, progress: &Mutex<Progress>) {
        let Some((exe, limits)) = &self.heap else {
            return;
        };
        let item = &self.items[k];
        let key = item.id();
        // Sites at the case's largest size in this plan only: one table per case.
        let largest = self
            .items
            .iter()
            .filter(|other| {
                (other.lab.id, other.case.workload, other.case.strategy)
                    == (item.lab.id, item.case.workload, item.case.strategy)
            })
            .map(|other| other.n)
            .max();
        let sites_file = ((item.case.live_sites || item.case.profiled) && largest == Some(item.n))
            .then(|| {
                self.work.join(format!(
                    "sites-{}-{}-{}-{}.json",
                    item.lab.id, item.case.workload, item.case.strategy, item.n
                ))
            });
        let began = Instant::now();
        let result = heap::measure(exe, item, limits, sites_file.as_deref());
        let seconds = began.elapsed().as_secs_f64();
        if let Some(file) = &sites_file
            && !(item.case.profiled && result.is_ok())
        {
            // Left behind when the case failed before reading it.
            let _ = std::fs::remove_file(file);
        }
        let mut queue = lock.lock().unwrap_or_else(PoisonError::into_inner);
        let mut progress = progress.lock().unwrap_or_else(PoisonError::into_inner);
        if let Err(why) = &result {
            progress.note(&format!("heap {key}: {why}"));
            queue
                .measured
                .heap_failures
                .push(format!("heap {key}: {why}"));
        }
        progress.step(&format!("heap {key}"));
        queue.measured.heap_seconds.insert(key.clone(), seconds);
        let result = result.map(|measured| {
            match measured.profile {
                Some(Ok(mut profile)) => {
                    profile.file = sites_file
                        .as_deref()
                        .map(|f| f.display().to_string())
                        .unwrap_or_default();
                    queue.measured.profiles.insert(key.clone(), profile);
                }
                Some(Err(why)) => {
                    let failure = format!("profile of {key}: not measured: {why}");
                    progress.note(&failure);
                    queue.measured.heap_failures.push(failure);
                }
                None => {}
            }
            queue.measured.reserved.insert(
                key.clone(),
                measured
                    .reserved
                    .unwrap_or_else(|| Err("the heap-case process did not measure it".to_owned())),
            );
            match (&sites_file, measured.sites_not_measured) {
                (None, _) => {}
                (Some(_), _) if !item.case.live_sites => {}
                (Some(_), None) => {
                    queue.measured.sites.insert(key.clone(), measured.sites);
                }
                (Some(_), Some(why)) => {
                    let failure = format!("live sites of {key}: not measured: {why}");
                    progress.note(&failure);
                    queue.measured.heap_failures.push(failure);
                }
            }
            measured.figures
        });
        queue.measured.heap.insert(key, result);
    }

    fn count(
        &self,
        batch: &[usize],
        log: &Path,
        home: &Path,
        lock: &Mutex<Queue<'a>>,
        progress: &Mutex<Progress>,
    ) {
        let Some(counting) = &self.instructions else {
            return;
        };
        let items = self.items;
        let mut last = Instant::now();
        let resumed =
            instructions::count(&counting.job, &counting.path, home, log, batch, |k, ir| {
                let now = Instant::now();
                let key = items[k].id();
                let mut queue = lock.lock().unwrap_or_else(PoisonError::into_inner);
                let outcome = &mut queue.measured.instructions;
                outcome
                    .seconds
                    .insert(key.clone(), (now - last).as_secs_f64());
                outcome.metrics.insert(key.clone(), Metric::Count(ir));
                last = now;
                progress
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .step(&format!("instructions {key}"));
            });
        let mut queue = lock.lock().unwrap_or_else(PoisonError::into_inner);
        let progress = progress.lock().unwrap_or_else(PoisonError::into_inner);
        // Failures become "not measured" with their verdict, as in a serial run.
        let settled = crate::measure::binaries::settle(
            "instructions",
            items,
            BTreeMap::new(),
            resumed,
            log,
            &progress,
        );
        let outcome = &mut queue.measured.instructions;
        for (key, metric) in settled.metrics {
            outcome.metrics.entry(key).or_insert(metric);
        }
        outcome.failures.extend(settled.failures);
        if outcome.log.is_none() {
            outcome.log = Some(log.to_path_buf());
        }
        queue.in_flight -= batch.len();
        let mut skipped = Vec::new();
        for &k in batch {
            let c = queue.chain_of[&k];
            if let Some(Metric::Count(ir)) = queue.measured.instructions.metrics.get(&items[k].id())
            {
                let counted = (items[k].n, *ir);
                // Ascending n, whichever job finished first.
                let chain = &mut queue.chains[c];
                chain.counted.push(counted);
                chain.counted.sort_unstable();
            }
            queue.chains[c].done += 1;
            skipped.extend(queue.advance(c, items));
        }
        let mut progress = progress;
        for key in skipped {
            progress.step(&format!("instructions {key} (not counted: see the report)"));
        }
    }
}

/// Gives a batch back if counting it panicked, so the other jobs do not
/// wait for it forever (the panic then ends the run).
struct InFlight<'s, 'a> {
    shared: &'s (Mutex<Queue<'a>>, Condvar),
    count: usize,
}

impl Drop for InFlight<'_, '_> {
    fn drop(&mut self) {
        if self.count > 0 {
            let mut queue = self.shared.0.lock().unwrap_or_else(PoisonError::into_inner);
            queue.in_flight = queue.in_flight.saturating_sub(self.count);
            drop(queue);
            self.shared.1.notify_all();
        }
    }
}

impl Queue<'_> {
    /// Queues or decides the next sizes of chain `c`: its first two at
    /// once, each further one when every queued size is done. A size
    /// [`sizes::skip_count`] leaves out is recorded as not measured;
    /// returns those.
    fn advance(&mut self, c: usize, items: &[Item]) -> Vec<CaseId> {
        let mut skipped = Vec::new();
        let chain = &mut self.chains[c];
        while chain.queued < chain.items.len() && (chain.queued < 2 || chain.done == chain.queued) {
            let k = chain.items[chain.queued];
            let item = &items[k];
            chain.queued += 1;
            match sizes::skip_count(item.case, &chain.counted, item.n) {
                Some(reason) => {
                    chain.done += 1;
                    self.measured
                        .instructions
                        .metrics
                        .insert(item.id(), Metric::missing(reason));
                    skipped.push(item.id());
                }
                // A larger size goes first: the longest counts start early.
                None if chain.queued > 2 => self.ready.push_front(k),
                None => self.ready.push_back(k),
            }
        }
        skipped
    }
}
