//! Reserved bytes: what the allocator really set aside for a case's blocks.
//!
//! dhat (and tracemalloc) count the bytes a program *asks* for. The
//! allocator hands out more: glibc's malloc rounds a request up to its
//! 16-byte chunk steps with 24 usable bytes at least, and serves large
//! blocks as whole pages. For many small blocks the difference is large: a
//! `Box<i32>` asks for 4 bytes and gets 24.
//!
//! The `heaplab` binary's global allocator is [`Reserving`], which forwards
//! every call to dhat's allocator and, only while a count is on, notes each
//! new block's `malloc_usable_size` in a table of the blocks born during
//! the count, and takes a block's size off again when it is freed. Like
//! dhat, it ignores the frees of blocks made before the count (the case's
//! setup). [`measure_here`] runs a case with no profiler running (so dhat's
//! own bookkeeping allocates nothing), in a `heap-case --reserved` process
//! of its own (so it is the process's first run of the case, as dhat's is),
//! and returns the most the blocks' usable sizes added up to at once: the
//! `reserved_bytes` metric, at least dhat's `peak_bytes`.
//!
//! This module holds the workspace's second `unsafe`: a global allocator
//! is an `unsafe` trait and `malloc_usable_size` a C function. No crate
//! wraps the usable size of a block safely (`tikv-jemalloc-ctl` reports
//! jemalloc's totals, not glibc's), so the wrapper is written here, small
//! and in one place.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::BuildHasherDefault;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use heaplab_core::Case;

/// The blocks born during the count: address → usable size.
type Blocks = HashMap<usize, u64, BuildHasherDefault<DefaultHasher>>;

/// What a count has seen.
struct Count {
    /// The live blocks born during the count.
    blocks: Blocks,
    /// Their usable sizes, summed.
    now: u64,
    /// The most `now` has been.
    peak: u64,
}

/// Whether a count is on: read on every allocation, so kept apart from the
/// table (no lock while no count is on).
static ON: AtomicBool = AtomicBool::new(false);
/// The count, while one is on.
static COUNT: Mutex<Option<Count>> = Mutex::new(None);

thread_local! {
    /// Set while this thread updates the count: the table's own
    /// allocations come back through the allocator and are not counted.
    static BUSY: Cell<bool> = const { Cell::new(false) };
}

/// Runs `update` on the count, unless a count is off, this thread is
/// already inside an update (the table allocating), or the thread is being
/// torn down.
fn track(update: impl FnOnce(&mut Count)) {
    if !ON.load(Ordering::Acquire) {
        return;
    }
    let Ok(entered) = BUSY.try_with(|busy| !busy.replace(true)) else {
        return;
    };
    if !entered {
        return;
    }
    if let Some(count) = COUNT
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_mut()
    {
        update(count);
    }
    let _ = BUSY.try_with(|busy| busy.set(false));
}

impl Count {
    fn born(&mut self, ptr: *mut u8) {
        let size = usable(ptr);
        self.blocks.insert(ptr as usize, size);
        self.now += size;
        self.peak = self.peak.max(self.now);
    }

    fn freed(&mut self, ptr: *mut u8) {
        // A block made before the count (setup's) is not in the table.
        if let Some(size) = self.blocks.remove(&(ptr as usize)) {
            self.now -= size;
        }
    }
}

/// The global allocator of the `heaplab` binary: dhat's allocator, which
/// forwards to the C library's `malloc` when no profiler runs, and, while
/// [`measure_here`] counts, the usable size of each block it hands out.
#[derive(Debug)]
pub struct Reserving {
    inner: dhat::Alloc,
}

impl Reserving {
    /// The allocator, for `#[global_allocator]`.
    pub const fn new() -> Self {
        Self { inner: dhat::Alloc }
    }
}

impl Default for Reserving {
    fn default() -> Self {
        Self::new()
    }
}

/// The usable size of a block from `malloc` (0 where the C library has no
/// such call: then [`measure_here`] says it cannot measure).
fn usable(ptr: *mut u8) -> u64 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `ptr` is a live block from dhat's allocator, which is the
        // C library's malloc (dhat forwards to `std::alloc::System`); that
        // is all `malloc_usable_size` needs.
        let size = unsafe { nix::libc::malloc_usable_size(ptr.cast()) };
        size as u64
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = ptr;
        0
    }
}

// SAFETY: every method forwards to dhat's allocator with the caller's own
// arguments and returns what it returned. The counting only reads the
// sizes of blocks that are live at that moment (`usable`), and updates a
// table that allocates through this allocator without being counted (see
// `track`).
unsafe impl GlobalAlloc for Reserving {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as received.
        let ptr = unsafe { self.inner.alloc(layout) };
        if !ptr.is_null() {
            track(|count| count.born(ptr));
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as received.
        let ptr = unsafe { self.inner.alloc_zeroed(layout) };
        if !ptr.is_null() {
            track(|count| count.born(ptr));
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // Before the free: once freed, the address may be another block's.
        track(|count| count.freed(ptr));
        // SAFETY: forwarded as received.
        unsafe { self.inner.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // The old block leaves the table first (its address may be reused
        // by the time the new one is noted) and comes back if the
        // reallocation fails; a setup block that grows counts from here.
        let mut known = false;
        track(|count| {
            known = count.blocks.contains_key(&(ptr as usize));
            count.freed(ptr);
        });
        // SAFETY: forwarded as received.
        let moved = unsafe { self.inner.realloc(ptr, layout, new_size) };
        if !moved.is_null() {
            track(|count| count.born(moved));
        } else if known {
            track(|count| count.born(ptr));
        }
        moved
    }
}

/// Runs `case` at size `n` in this process and returns the most bytes the
/// allocator reserved at once for the blocks the run made (their usable
/// sizes; setup is not counted), or why it cannot.
///
/// Only meaningful in a binary whose global allocator is [`Reserving`]
/// and where no dhat profiler is running, as the first run of the case in
/// its process: the `heaplab heap-case --reserved` subcommand is such a
/// binary. Elsewhere it says so instead of returning 0.
///
/// # Errors
///
/// When this binary's allocator does not count (or the platform has no
/// `malloc_usable_size`).
pub fn measure_here(case: &Case, n: usize) -> Result<u64, String> {
    start();
    let probe = black_box(Box::new(0_u64));
    let counts = stop().peak > 0;
    drop(probe);
    if !counts {
        return Err(
            "this binary's allocator does not report usable sizes (heaplab's `Reserving` over glibc's malloc does)"
                .to_owned(),
        );
    }
    Ok(heaplab_core::measured_run(case, n, start, |()| stop().peak))
}

fn start() {
    *COUNT.lock().unwrap_or_else(PoisonError::into_inner) = Some(Count {
        blocks: Blocks::default(),
        now: 0,
        peak: 0,
    });
    ON.store(true, Ordering::Release);
}

/// Ends the count; its table is freed uncounted.
fn stop() -> Count {
    ON.store(false, Ordering::Release);
    COUNT
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
        .unwrap_or(Count {
            blocks: Blocks::default(),
            now: 0,
            peak: 0,
        })
}
