//! Lab 03 — leaks: what keeps memory alive, and how to find it.
//!
//! The tutorial's leaks all have one shape: something long-lived keeps a
//! reference nobody needs any more. A class-level cache that only grows, a
//! closure that captures a whole buffer when it uses one number, a queue
//! whose consumer falls behind, a file nobody closes. Each workload here
//! sets one of them beside its fix. The long-lived thing (the "class", the
//! callback registry, the channel, the open files) is the case's
//! *environment* (see [`Case::in_env`]): it exists before the measured run
//! and after it, so `live_bytes` is what it still holds.
//!
//! Rust's own explicit leaks (`Box::leak`, `std::mem::forget`) are pinned
//! by this crate's `tests/heap_exact.rs` under dhat; the `explicit`
//! workload shows `forget`'s figures without leaking for real (see
//! [`Forgotten`]). Listener leaks are lab 05, reference cycles lab 01,
//! bounded caches in depth lab 09.
//!
//! See `README.md` beside this crate for the claims and the measured numbers.

use std::collections::VecDeque;
use std::fs::File;
use std::hint::black_box;
use std::io::Read;
use std::mem::{ManuallyDrop, size_of, size_of_val};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender, TrySendError};

use heaplab_core::{Case, Fact, FixedMap, Lab};

pub mod claims;
pub mod exercises;

/// Requests, callbacks, messages: 1 000 is a small service's minute,
/// 100 000 a busy one's; 10 000 sits between. A leak is a line growing with `n`.
pub const SIZES: &[usize] = &[1_000, 10_000, 100_000];

/// Closures made, each with its own [`BUFFER_BYTES`] buffer: at 10 000 the
/// leaking registry already holds 10 MB, which says all a larger size would.
pub const CLOSURE_SIZES: &[usize] = &[1_000, 10_000];

/// Files opened: a descriptor is a kernel resource with a per-process
/// limit (often 1 024), so a run keeps at most 100 open at once.
pub const FILE_SIZES: &[usize] = &[10, 100];

/// Bytes of one cached result (a rendered page, a decoded record).
pub const ENTRY_BYTES: usize = 256;

/// Entries the bounded cache keeps: a thousand, a common default size.
pub const CACHE_CAPACITY: usize = 1_000;

/// Bytes of the buffer each callback's factory builds (the "big data").
pub const BUFFER_BYTES: usize = 1_024;

/// Bytes of one queued message.
pub const MESSAGE_BYTES: usize = 128;

/// The slow consumer takes one message per this many produced: the queue
/// grows by three in four.
pub const CONSUME_EVERY: usize = 4;

/// Messages the bounded channel holds before `try_send` refuses.
pub const CHANNEL_BOUND: usize = 1_000;

/// Bytes of each buffer the `explicit` workload forgets or drops.
pub const FORGET_BYTES: usize = 64;

/// Files the descriptor facts open.
pub const FACT_FILES: usize = 10;

// ---------------------------------------------------------------- caches

/// One cached result: [`ENTRY_BYTES`] bytes on the heap.
pub type Entry = Box<[u8]>;

/// Computes the result for `key`: one block of [`ENTRY_BYTES`].
pub fn render(key: u64) -> Entry {
    vec![key as u8; ENTRY_BYTES].into_boxed_slice()
}

/// The tutorial's class-level cache: one map shared by every caller, living
/// as long as the program, that never forgets a key.
pub struct GrowingCache {
    // Every result ever computed, by key.
    entries: FixedMap<u64, Entry>,
}

impl GrowingCache {
    /// An empty cache with room for `capacity` keys (so the measured run
    /// never regrows the table: see [`Case::in_env`]'s traps).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: FixedMap::with_capacity_and_hasher(capacity, Default::default()),
        }
    }

    /// The result for `key`, computed once and kept forever.
    pub fn get(&mut self, key: u64) -> &[u8] {
        self.entries.entry(key).or_insert_with(|| render(key))
    }

    /// Results held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The fix: the same cache, holding at most `capacity` results; the oldest
/// goes first (FIFO, the simplest bound; lab 09 compares LRU policies).
pub struct BoundedCache {
    // Invariant: `entries` and `order` hold the same keys, at most `capacity`.
    entries: FixedMap<u64, Entry>,
    order: VecDeque<u64>,
    capacity: usize,
}

impl BoundedCache {
    /// An empty cache of `capacity` results. The map has room for twice as
    /// many, so removals never force it to regrow (it rehashes in place).
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is 0.
    ///
    /// ```
    /// let mut cache = lab03_leaks::BoundedCache::new(2);
    /// for key in 0..10 {
    ///     cache.get(key);
    /// }
    /// assert_eq!(cache.len(), 2);
    /// ```
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "a cache of capacity 0 caches nothing");
        Self {
            entries: FixedMap::with_capacity_and_hasher(2 * capacity, Default::default()),
            order: VecDeque::with_capacity(capacity),
            capacity,
        }
    }

    /// The result for `key`, computed on a miss; a miss at capacity first
    /// evicts the oldest result.
    pub fn get(&mut self, key: u64) -> &[u8] {
        if !self.entries.contains_key(&key) {
            if self.entries.len() == self.capacity
                && let Some(oldest) = self.order.pop_front()
            {
                self.entries.remove(&oldest);
            }
            self.order.push_back(key);
            self.entries.insert(key, render(key));
        }
        &self.entries[&key]
    }

    /// Results held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// `n` distinct requests through `get`; returns the sum of first bytes.
fn requests<'c>(n: usize, mut get: impl FnMut(u64) -> u8 + 'c) -> u64 {
    (0..n as u64)
        .map(|key| u64::from(get(black_box(key))))
        .sum()
}

// ---------------------------------------------------------------- closures

/// A callback kept by a long-lived registry.
pub type Callback = Box<dyn Fn() -> usize>;

/// The "big data" a factory builds before making its callback.
pub fn big_buffer(seed: usize) -> Vec<u8> {
    vec![seed as u8; BUFFER_BYTES]
}

/// The leak: the callback moves the whole buffer in, to read its length
/// later. The buffer lives as long as the callback.
pub fn callback_capturing_buffer(seed: usize) -> Callback {
    let buffer = big_buffer(seed);
    Box::new(move || buffer.len())
}

/// The fix: read what the callback needs now, capture only that; the
/// buffer is freed when the factory returns.
pub fn callback_capturing_len(seed: usize) -> Callback {
    let buffer = big_buffer(seed);
    let len = buffer.len();
    Box::new(move || len)
}

/// Registers `n` callbacks made by `make` in the registry; returns how many
/// it holds.
fn register(registry: &mut Vec<Callback>, n: usize, make: fn(usize) -> Callback) -> usize {
    registry.extend((0..n).map(make));
    registry.len()
}

// ---------------------------------------------------------------- channels

/// One message: [`MESSAGE_BYTES`] bytes on the heap.
pub type Message = Box<[u8]>;

fn message(i: usize) -> Message {
    vec![i as u8; MESSAGE_BYTES].into_boxed_slice()
}

/// Any channel's sending end, so one producer loop serves both.
pub trait Send1 {
    /// Offers a message; `false` when it was refused (and dropped).
    fn offer(&self, message: Message) -> bool;
}

impl Send1 for Sender<Message> {
    fn offer(&self, message: Message) -> bool {
        self.send(message).is_ok()
    }
}

impl Send1 for SyncSender<Message> {
    fn offer(&self, message: Message) -> bool {
        match self.try_send(message) {
            Ok(()) => true,
            // Back-pressure: the message is dropped and counted.
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => false,
        }
    }
}

/// What a producer/consumer run ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flow {
    /// Messages the consumer took.
    pub consumed: usize,
    /// Messages the channel refused.
    pub refused: usize,
}

/// One thread, deterministic: produce `n` messages, the consumer takes one
/// per [`CONSUME_EVERY`] produced. What is left is queued in the channel.
pub fn produce_consume(sender: &impl Send1, receiver: &Receiver<Message>, n: usize) -> Flow {
    let mut flow = Flow {
        consumed: 0,
        refused: 0,
    };
    for i in 0..n {
        if !sender.offer(message(i)) {
            flow.refused += 1;
        }
        if (i + 1).is_multiple_of(CONSUME_EVERY)
            && let Ok(taken) = receiver.try_recv()
        {
            black_box(taken);
            flow.consumed += 1;
        }
    }
    flow
}

/// Messages still queued after [`produce_consume`] of `n` through a channel
/// holding at most `bound` (`usize::MAX`: unbounded), by counting, without
/// a channel.
///
/// ```
/// use lab03_leaks::{CONSUME_EVERY, queued_after};
/// assert_eq!(queued_after(1_000, usize::MAX), 1_000 - 1_000 / CONSUME_EVERY);
/// assert_eq!(queued_after(100_000, 1_000), 999, "full, then one taken last");
/// ```
pub fn queued_after(n: usize, bound: usize) -> usize {
    let mut queued = 0;
    for i in 0..n {
        if queued < bound {
            queued += 1;
        }
        if (i + 1).is_multiple_of(CONSUME_EVERY) && queued > 0 {
            queued -= 1;
        }
    }
    queued
}

// ---------------------------------------------------------------- explicit

/// Buffers `std::mem::forget` was called on, parked so that the process
/// can still give them back.
///
/// `std::mem::forget(x)` is `ManuallyDrop::new(x)` thrown away: the
/// destructor never runs, the block is never freed. A real forget in the
/// `explicit` workload would leak gigabytes in the time family, whose
/// loop runs a case thousands of times in one process; here each
/// forgotten buffer is parked in its `ManuallyDrop` in the environment,
/// which the heap family reads *before* anything gives it back (so its
/// `live_bytes` are those of a real forget) and which hands every buffer
/// back to the allocator when dropped, after the measurement.
/// `tests/heap_exact.rs` pins the real `Box::leak` and `mem::forget`
/// under dhat.
pub struct Forgotten(Vec<ManuallyDrop<Vec<u8>>>);

impl Forgotten {
    /// Room for `n` forgotten buffers.
    pub fn with_capacity(n: usize) -> Self {
        Self(Vec::with_capacity(n))
    }

    /// Forgets `buffer`: its destructor will not run at the end of scope.
    pub fn forget(&mut self, buffer: Vec<u8>) {
        self.0.push(ManuallyDrop::new(buffer));
    }
}

impl Drop for Forgotten {
    fn drop(&mut self) {
        // Safe: `into_inner` takes the value back out, and it drops here.
        self.0
            .drain(..)
            .for_each(|b| drop(ManuallyDrop::into_inner(b)));
    }
}

fn forget_buffers(parked: &mut Forgotten, n: usize) -> usize {
    for i in 0..n {
        parked.forget(vec![i as u8; FORGET_BYTES]);
    }
    n
}

fn drop_buffers(n: usize) -> usize {
    (0..n)
        .map(|i| black_box(vec![i as u8; FORGET_BYTES]).len())
        .sum()
}

// ---------------------------------------------------------------- files

/// A small file in the temp dir, made for one case and removed with it.
pub struct TempFile(PathBuf);

impl TempFile {
    /// A new file, named after this process and a counter, with a line in it.
    /// Both are padded to ten digits, in `/tmp`: a path's length is part of
    /// what an `open` executes, and the instruction family's counts must not
    /// depend on how many digits this process's id has or where `$TMPDIR` is.
    ///
    /// # Panics
    ///
    /// Panics if the temp dir is not writable.
    pub fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        // `/tmp`, not `temp_dir()`: `$TMPDIR`'s length would change the
        // count between the machine that saved the baseline and CI's.
        let path = Path::new("/tmp").join(format!(
            "heaplab-lab03-{:010}-{:010}.txt",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&path, b"one line\n").expect("the temp dir is writable");
        Self(path)
    }

    /// Opens it for reading.
    ///
    /// # Errors
    ///
    /// When the open fails (no descriptor left, say).
    pub fn open(&self) -> std::io::Result<File> {
        File::open(&self.0)
    }
}

impl Default for TempFile {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The environment of the `files` workload: the file, and a list that
/// outlives the run (the leak keeps its open files there).
pub struct Files {
    /// The file opened again and again.
    pub file: TempFile,
    /// Files kept open.
    pub kept: Vec<File>,
}

fn files_env(n: usize) -> (Files, usize) {
    let files = Files {
        file: TempFile::new(),
        kept: Vec::with_capacity(n),
    };
    (files, n)
}

/// Reads the first byte of `file`.
fn first_byte(mut file: &File) -> u8 {
    let mut byte = [0];
    file.read_exact(&mut byte).expect("the file has a line");
    byte[0]
}

/// The leak: each file is opened, read, and kept in a list that outlives it.
fn open_and_keep(files: &mut Files, n: usize) -> usize {
    for _ in 0..n {
        let file = files.file.open().expect("a descriptor is free");
        black_box(first_byte(&file));
        files.kept.push(file);
    }
    files.kept.len()
}

/// RAII: each file closes when its scope ends, like a `with` block.
fn open_in_scope(files: &mut Files, n: usize) -> usize {
    for _ in 0..n {
        let file = files.file.open().expect("a descriptor is free");
        black_box(first_byte(&file));
    }
    n
}

/// Descriptors this process has open, from `/proc/self/fd`; `None` where
/// that cannot be read (not Linux).
pub fn open_descriptors() -> Option<usize> {
    std::fs::read_dir("/proc/self/fd")
        .ok()
        .map(|entries| entries.count())
}

/// How many more descriptors are open after `act` than before it, `None`
/// when they cannot be counted.
pub fn descriptors_added(act: impl FnOnce()) -> Option<usize> {
    let before = open_descriptors()?;
    act();
    Some(open_descriptors()?.saturating_sub(before))
}

// ---------------------------------------------------------------- facts

fn facts() -> Vec<Fact> {
    let buffer = big_buffer(0);
    let captures_buffer = move || buffer.len();
    let len = BUFFER_BYTES;
    let captures_len = move || len;
    let unused = big_buffer(0);
    let names_nothing = move || "processed";
    black_box(&unused);
    let mut facts = vec![
        Fact::new("ENTRY_BYTES (one cached result)", ENTRY_BYTES, "bytes"),
        Fact::new("CACHE_CAPACITY", CACHE_CAPACITY, "count"),
        Fact::new(
            "size_of::<Box<[u8]>>() (the handle to a cached result)",
            size_of::<Entry>(),
            "bytes",
        ),
        Fact::new(
            "size_of_val of a closure that moves its buffer in",
            size_of_val(&captures_buffer),
            "bytes",
        ),
        Fact::new(
            "size_of_val of a closure that captures the length only",
            size_of_val(&captures_len),
            "bytes",
        ),
        Fact::new(
            "size_of_val of a move closure that names nothing",
            size_of_val(&names_nothing),
            "bytes",
        ),
        Fact::new(
            "BUFFER_BYTES (one callback's buffer)",
            BUFFER_BYTES,
            "bytes",
        ),
        Fact::new("size_of::<File>()", size_of::<File>(), "bytes"),
    ];
    black_box((captures_buffer(), captures_len(), names_nothing()));
    // Descriptor counts, only when they can be measured: never a 0 that
    // stands for "unknown".
    let file = TempFile::new();
    let mut kept = Vec::new();
    let counts = [
        (
            "descriptors added by 10 files kept in a Vec",
            descriptors_added(|| {
                kept = (0..FACT_FILES).filter_map(|_| file.open().ok()).collect();
            }),
        ),
        (
            "descriptors still open after that Vec is dropped",
            descriptors_added(|| kept.clear()),
        ),
        (
            "descriptors left open by 10 files opened in a scope (RAII)",
            descriptors_added(|| (0..FACT_FILES).for_each(|_| drop(file.open()))),
        ),
        (
            // A real leak of FACT_FILES descriptors in the process that
            // computes the facts: the fact is about exactly that.
            "descriptors left open by 10 std::mem::forget(File)",
            descriptors_added(|| {
                (0..FACT_FILES).for_each(|_| std::mem::forget(file.open()));
            }),
        ),
    ];
    for (name, count) in counts {
        if let Some(count) = count {
            facts.push(Fact::new(name, count, "count"));
        }
    }
    facts
}

// ---------------------------------------------------------------- lab

/// The lab, for the harness's registry.
pub fn lab() -> Lab {
    let lab = Lab::new(
        "03-leaks",
        "Leaks: what keeps memory alive, and how to find it",
        "Memory Leaks Detection (examples 7–9)",
    )
    .claims(claims::claims())
    .facts(facts)
    .constant("ENTRY_BYTES", ENTRY_BYTES)
    .constant("CACHE_CAPACITY", CACHE_CAPACITY)
    .constant("BUFFER_BYTES", BUFFER_BYTES)
    .constant("MESSAGE_BYTES", MESSAGE_BYTES)
    .constant("CONSUME_EVERY", CONSUME_EVERY)
    .constant("CHANNEL_BOUND", CHANNEL_BOUND)
    .cases([
        Case::in_env(
            "class-cache",
            "grows",
            SIZES,
            |n| (GrowingCache::with_capacity(n), n),
            |(cache, n): &mut (GrowingCache, usize)| requests(*n, |key| cache.get(key)[0]),
        )
        .with_python("grows")
        .show_live_sites()
        .about("a long-lived cache of n distinct requests that never forgets one: n results stay"),
        Case::in_env(
            "class-cache",
            "bounded",
            SIZES,
            |n| (BoundedCache::new(CACHE_CAPACITY), n),
            |(cache, n): &mut (BoundedCache, usize)| requests(*n, |key| cache.get(key)[0]),
        )
        .with_python("bounded")
        .about("the same, holding at most CACHE_CAPACITY results, oldest out first"),
    ])
    .cases([
        Case::in_env(
            "closure",
            "captures-buffer",
            CLOSURE_SIZES,
            |n| (Vec::with_capacity(n), n),
            |(registry, n): &mut (Vec<Callback>, usize)| {
                register(registry, *n, callback_capturing_buffer)
            },
        )
        .with_python("captures-buffer")
        .with_python("names-nothing")
        .show_live_sites()
        .about("n callbacks kept in a registry, each moving its 1 KiB buffer in to read its length"),
        Case::in_env(
            "closure",
            "captures-len",
            CLOSURE_SIZES,
            |n| (Vec::with_capacity(n), n),
            |(registry, n): &mut (Vec<Callback>, usize)| {
                register(registry, *n, callback_capturing_len)
            },
        )
        .with_python("captures-len")
        .about("the same callbacks capturing the length only: the buffers are freed"),
    ])
    .cases([
        Case::in_env(
            "channel",
            "unbounded",
            SIZES,
            |n| (mpsc::channel::<Message>(), n),
            |((sender, receiver), n): &mut ((Sender<Message>, Receiver<Message>), usize)| {
                produce_consume(sender, receiver, *n)
            },
        )
        .with_python("queue")
        .show_live_sites()
        .about("mpsc::channel, n messages, the consumer takes one in four: three in four stay queued"),
        Case::in_env(
            "channel",
            "bounded",
            SIZES,
            |n| (mpsc::sync_channel::<Message>(CHANNEL_BOUND), n),
            |((sender, receiver), n): &mut ((SyncSender<Message>, Receiver<Message>), usize)| {
                produce_consume(sender, receiver, *n)
            },
        )
        .with_python("bounded-queue")
        .about("sync_channel(CHANNEL_BOUND) with try_send: a full queue refuses, at most the bound stays"),
    ])
    .cases([
        Case::in_env(
            "explicit",
            "forget",
            SIZES,
            |n| (Forgotten::with_capacity(n), n),
            |(parked, n): &mut (Forgotten, usize)| forget_buffers(parked, *n),
        )
        .show_live_sites()
        .about("n 64-byte buffers whose destructor never runs (mem::forget's ManuallyDrop): all stay"),
        Case::new("explicit", "drop", SIZES, |n| n, drop_buffers)
            .about("n 64-byte buffers dropped at the end of their scope: none stay"),
    ])
    .cases([
        Case::in_env(
            "files",
            "kept",
            FILE_SIZES,
            files_env,
            |(files, n): &mut (Files, usize)| open_and_keep(files, *n),
        )
        .about("n opens of a file, each kept in a list that outlives the run: n descriptors stay open"),
        Case::in_env(
            "files",
            "raii",
            FILE_SIZES,
            files_env,
            |(files, n): &mut (Files, usize)| open_in_scope(files, *n),
        )
        .about("n opens, each closed at the end of its scope (RAII, Python's with)"),
    ]);
    exercises::list().into_iter().fold(lab, Lab::exercise)
}

#[cfg(test)]
mod tests {
    use std::panic::{AssertUnwindSafe, catch_unwind};

    use super::*;

    /// Descriptor counts are per process: the tests that count them take
    /// turns, so no other test opens a file meanwhile.
    static COUNTING: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[test]
    fn the_growing_cache_keeps_every_key_and_the_bounded_one_its_capacity() {
        let mut growing = GrowingCache::with_capacity(8);
        let mut bounded = BoundedCache::new(3);
        assert_eq!(requests(8, |k| growing.get(k)[0]), (0..8).sum::<u64>());
        assert_eq!(requests(8, |k| bounded.get(k)[0]), (0..8).sum::<u64>());
        assert_eq!((growing.len(), bounded.len()), (8, 3));
        assert_eq!(bounded.order, [5, 6, 7], "the oldest went first");
        assert_eq!(bounded.get(7)[0], 7, "a hit changes nothing");
        assert_eq!(bounded.len(), 3);
    }

    #[test]
    fn both_callbacks_answer_the_same() {
        assert_eq!(callback_capturing_buffer(1)(), BUFFER_BYTES);
        assert_eq!(callback_capturing_len(1)(), BUFFER_BYTES);
    }

    #[test]
    fn the_queue_holds_what_the_consumer_did_not_take() {
        for n in [1_000, 10_000] {
            let (sender, receiver) = mpsc::channel();
            let flow = produce_consume(&sender, &receiver, n);
            assert_eq!(flow.refused, 0);
            assert_eq!(receiver.try_iter().count(), queued_after(n, usize::MAX));
            let (sender, receiver) = mpsc::sync_channel(CHANNEL_BOUND);
            let flow = produce_consume(&sender, &receiver, n);
            let queued = queued_after(n, CHANNEL_BOUND);
            assert_eq!(receiver.try_iter().count(), queued);
            assert_eq!(flow.consumed + flow.refused + queued, n);
        }
    }

    #[test]
    fn descriptors_kept_stay_open_and_raii_closes_them_on_every_exit() {
        let _turn = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
        let Some(_) = open_descriptors() else {
            return; // not Linux: nothing to count
        };
        let (mut files, n) = files_env(5);
        assert_eq!(
            descriptors_added(|| assert_eq!(open_and_keep(&mut files, n), 5)),
            Some(5)
        );
        assert_eq!(descriptors_added(|| files.kept.clear()), Some(0));
        assert_eq!(
            descriptors_added(|| assert_eq!(open_in_scope(&mut files, n), 5)),
            Some(0)
        );

        // An early return with `?` closes what was opened before it.
        fn open_then_fail(file: &TempFile) -> std::io::Result<u8> {
            let opened = file.open()?;
            let byte = first_byte(&opened);
            std::fs::read("/nonexistent/heaplab")?;
            Ok(byte)
        }
        assert_eq!(
            descriptors_added(|| assert!(open_then_fail(&files.file).is_err())),
            Some(0)
        );
        // So does a panic, once caught.
        let added = descriptors_added(|| {
            let result = catch_unwind(AssertUnwindSafe(|| {
                let opened = files.file.open().expect("opens");
                black_box(&opened);
                panic!("a reader fails half-way");
            }));
            assert!(result.is_err());
        });
        assert_eq!(added, Some(0));
        // mem::forget skips the destructor: the descriptor stays open.
        assert_eq!(
            descriptors_added(|| std::mem::forget(files.file.open())),
            Some(1)
        );
        let path = files.file.0.clone();
        drop(files);
        assert!(!path.exists(), "the temp file is removed with its case");
    }

    #[test]
    fn facts_count_descriptors_exactly() {
        let _turn = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
        let facts = facts();
        let value = |name: &str| facts.iter().find(|f| f.name == name).map(|f| f.value);
        if open_descriptors().is_some() {
            assert_eq!(
                value("descriptors added by 10 files kept in a Vec"),
                Some(10.0)
            );
            assert_eq!(
                value("descriptors left open by 10 std::mem::forget(File)"),
                Some(10.0)
            );
            assert_eq!(
                value("descriptors left open by 10 files opened in a scope (RAII)"),
                Some(0.0)
            );
        }
        assert_eq!(
            value("size_of_val of a closure that moves its buffer in"),
            Some(size_of::<Vec<u8>>() as f64)
        );
        assert_eq!(
            value("size_of_val of a closure that captures the length only"),
            Some(size_of::<usize>() as f64)
        );
        assert_eq!(
            value("size_of_val of a move closure that names nothing"),
            Some(0.0)
        );
    }

    #[test]
    fn forgotten_buffers_are_given_back_when_the_parking_drops() {
        let mut parked = Forgotten::with_capacity(3);
        assert_eq!(forget_buffers(&mut parked, 3), 3);
        assert_eq!(parked.0.len(), 3);
        drop(parked);
        assert_eq!(drop_buffers(3), 3 * FORGET_BYTES);
    }
}
