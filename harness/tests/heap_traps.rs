//! The heap family's traps, pinned: what dhat reports when a case touches
//! blocks made in setup. `Case::new` and `Case::in_env` document these
//! under "Traps"; if a dhat upgrade changes them, this test says so.
//!
//! The figures come from `heaplab::measure::heap::measure_here`, the same
//! function `heaplab heap-case` runs, under dhat's allocator installed here.
//! Without the test harness (`harness = false`): dhat counts every thread's
//! allocations, and libtest's own thread allocates when it likes, so this
//! runs alone on the main thread, as `heap-case` does.

use std::mem::size_of;

use heaplab::measure::heap::{HeapFigures, measure_here};
use heaplab_core::Case;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// Elements the run appends.
const ADDED: usize = 5;

fn grow_env(capacity: usize) -> HeapFigures {
    let case = Case::in_env(
        "grow",
        "vec",
        &[1],
        move |_| Vec::<u64>::with_capacity(capacity),
        |log: &mut Vec<u64>| {
            log.extend(0..ADDED as u64);
            log.len()
        },
    );
    measure_here(&case, 1)
}

fn main() {
    blocks_made_in_setup_are_invisible_until_the_run_reallocates_them();
    println!(
        "heap traps: ok (a grown setup block counts as one new block of its full size; a freed input is not seen)"
    );
}

fn blocks_made_in_setup_are_invisible_until_the_run_reallocates_them() {
    let word = size_of::<u64>() as u64;

    // Sized for the run: nothing is allocated while it runs.
    let zero = HeapFigures {
        allocs: 0,
        bytes: 0,
        peak_bytes: 0,
        live_bytes: 0,
    };
    assert_eq!(grow_env(ADDED), zero);

    // Too small: the run grows the environment's block (4 -> 8 elements),
    // and the realloc counts as one new block of the full new size, which
    // the environment then retains.
    let grown = 8 * word;
    assert_eq!(
        grow_env(4),
        HeapFigures {
            allocs: 1,
            bytes: grown,
            peak_bytes: grown,
            live_bytes: grown,
        }
    );

    // A run that frees its input: the free of a setup block is not seen.
    let consume = Case::new(
        "consume",
        "vec",
        &[1_000],
        |n| vec![0u64; n],
        |v: Vec<u64>| v.len(),
    );
    assert_eq!(measure_here(&consume, 1_000), zero);
}
