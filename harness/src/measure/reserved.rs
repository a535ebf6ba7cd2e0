//! Reserved bytes: what the allocator really set aside for a case's blocks.
//!
//! dhat (and tracemalloc) count the bytes a program *asks* for. The
//! allocator hands out more: glibc's malloc rounds a request up to its
//! 16-byte chunk steps with 24 usable bytes at least, and serves large
//! blocks as whole pages. For many small blocks the difference is large: a
//! `Box<i32>` asks for 4 bytes and gets 24.
//!
//! The `heaplab` binary's global allocator is [`Reserving`], which forwards
//! every call to dhat's allocator and, only while a count is on, adds each
//! new block's `malloc_usable_size` and subtracts each freed one's.
//! [`measure_here`] runs a case once more before dhat's pass, with no
//! profiler running (so dhat's own bookkeeping allocates nothing), and
//! returns the highest the sum rose above where it stood when the run
//! began: the `reserved_bytes` metric, beside dhat's `peak_bytes`.
//!
//! This module holds the workspace's second `unsafe`: a global allocator
//! is an `unsafe` trait and `malloc_usable_size` a C function. No crate
//! wraps the usable size of a block safely (`tikv-jemalloc-ctl` reports
//! jemalloc's totals, not glibc's), so the wrapper is written here, small
//! and in one place.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use heaplab_core::Case;

/// Whether a count is on.
static ON: AtomicBool = AtomicBool::new(false);
/// Usable bytes allocated minus usable bytes freed since the count began.
static NOW: AtomicI64 = AtomicI64::new(0);
/// The highest [`NOW`] has been since the count began.
static PEAK: AtomicI64 = AtomicI64::new(0);

/// A global allocator that forwards to `A` and, while [`measure_here`]
/// counts, sums the usable sizes of the blocks `A` hands out.
///
/// `A` must return blocks from the C library's `malloc` (the system
/// allocator and dhat's, which forwards to it, do).
#[derive(Debug, Default)]
pub struct Reserving<A>(pub A);

/// The usable size of a block from `malloc` (0 where the C library has no
/// such call: then [`measure_here`] says it cannot measure).
fn usable(ptr: *mut u8) -> i64 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `ptr` is a live block from the C library's malloc (see
        // `Reserving`'s contract), which is all `malloc_usable_size` needs.
        let size = unsafe { nix::libc::malloc_usable_size(ptr.cast()) };
        i64::try_from(size).unwrap_or(i64::MAX)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = ptr;
        0
    }
}

fn add(bytes: i64) {
    let now = NOW.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every method forwards to `A` with the caller's own arguments and
// returns what `A` returned; the counting only reads the blocks' sizes.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Reserving<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as received.
        let ptr = unsafe { self.0.alloc(layout) };
        if ON.load(Ordering::Relaxed) && !ptr.is_null() {
            add(usable(ptr));
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as received.
        let ptr = unsafe { self.0.alloc_zeroed(layout) };
        if ON.load(Ordering::Relaxed) && !ptr.is_null() {
            add(usable(ptr));
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ON.load(Ordering::Relaxed) {
            add(-usable(ptr));
        }
        // SAFETY: forwarded as received.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let counting = ON.load(Ordering::Relaxed);
        let before = if counting { usable(ptr) } else { 0 };
        // SAFETY: forwarded as received.
        let moved = unsafe { self.0.realloc(ptr, layout, new_size) };
        if counting && !moved.is_null() {
            add(usable(moved) - before);
        }
        moved
    }
}

/// Runs `case` at size `n` in this process and returns the most bytes the
/// allocator reserved for its blocks at once (usable sizes, above where the
/// count stood when the run began; setup is not counted), or why it cannot.
///
/// Only meaningful in a binary whose global allocator is a [`Reserving`]
/// and where no dhat profiler is running; the `heaplab heap-case`
/// subcommand is such a binary. Elsewhere it says so instead of returning 0.
///
/// # Errors
///
/// When this binary's allocator does not count (or the platform has no
/// `malloc_usable_size`).
pub fn measure_here(case: &Case, n: usize) -> Result<u64, String> {
    let mut prepared = case.prepare(n);
    start();
    let probe = black_box(Box::new(0_u64));
    let counts = NOW.load(Ordering::Relaxed) > 0;
    drop(probe);
    if !counts {
        ON.store(false, Ordering::Relaxed);
        return Err(
            "this binary's allocator does not report usable sizes (heaplab's `Reserving` over glibc's malloc does)"
                .to_owned(),
        );
    }
    start();
    prepared.run();
    prepared.drop_output();
    ON.store(false, Ordering::Relaxed);
    drop(prepared);
    Ok(u64::try_from(PEAK.load(Ordering::Relaxed)).unwrap_or(0))
}

fn start() {
    ON.store(false, Ordering::Relaxed);
    NOW.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    ON.store(true, Ordering::Relaxed);
}
