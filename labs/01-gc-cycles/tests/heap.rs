//! The heap figures that define lab 01, exact, through
//! `heaplab_core::measure_heap` (the function `heaplab heap-case` runs)
//! under dhat's allocator. Expectations are computed from `size_of`, never
//! pasted.
//!
//! Without the test harness (`harness = false`): dhat counts every
//! thread's allocations, and libtest's own thread allocates when it likes,
//! so this runs alone on the main thread, as `heap-case` does. Cases run
//! one after the other in this one process, which also shows that no case
//! leaves garbage that changes another's figures.

use std::cell::RefCell;

use heaplab_core::{HeapFigures, measure_heap};
use lab01_gc_cycles::{GcNode, IndexNode, RcNode, WeakNode, arena_chunks, gc_block, lab, rc_block};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// A ring size that is none of the lab's own: nothing depends on them.
const N: usize = 777;

fn measure(workload: &str, strategy: &str, n: usize) -> HeapFigures {
    let lab = lab();
    let case = lab.find(workload, strategy).expect("case registered");
    measure_heap(case, n, None)
}

fn main() {
    let rc = rc_block::<RefCell<RcNode>>() as u64;
    let weak = rc_block::<RefCell<WeakNode>>() as u64;
    let gc = gc_block::<GcNode>() as u64;
    let n = N as u64;

    // rc: n blocks, every one still live once the owner is gone.
    assert_eq!(
        measure("ring", "rc", N),
        HeapFigures {
            allocs: n,
            bytes: n * rc,
            peak_bytes: n * rc,
            live_bytes: n * rc,
        },
        "rc: the ring leaks exactly n Rc blocks"
    );
    // Again: the setup reclaimed the first run's ring, the figures repeat.
    assert_eq!(measure("ring", "rc", N).live_bytes, n * rc);

    // weak: the same n blocks, all freed.
    assert_eq!(
        measure("ring", "weak", N),
        HeapFigures {
            allocs: n,
            bytes: n * weak,
            peak_bytes: n * weak,
            live_bytes: 0,
        },
        "weak: n Rc blocks, none left"
    );

    // index: one allocation of n nodes.
    let index = n * size_of::<IndexNode>() as u64;
    assert_eq!(
        measure("ring", "index", N),
        HeapFigures {
            allocs: 1,
            bytes: index,
            peak_bytes: index,
            live_bytes: 0,
        },
        "index: one Vec"
    );

    // arena: one block per chunk, none left.
    for size in [N, 100_000] {
        let arena = measure("ring", "arena", size);
        assert_eq!(
            (arena.allocs, arena.live_bytes),
            (arena_chunks(size) as u64, 0),
            "arena at {size}: one allocation per chunk, all freed with the Bump"
        );
        assert_eq!(
            arena.bytes,
            lab01_gc_cycles::arena_requested_bytes(size) as u64,
            "arena at {size}: its chunks and footers, as bumpalo counts them"
        );
    }

    // dumpster: n Gc blocks and the collector's working sets, none left.
    let dumpster = measure("ring", "dumpster", N);
    assert_eq!(dumpster.live_bytes, 0, "dumpster: collect() frees the ring");
    assert!(
        dumpster.allocs > n && dumpster.bytes > n * gc,
        "dumpster: the nodes and the collector's own tables: {dumpster:?}"
    );

    // dumpster-disabled: exactly the n Gc blocks, still live.
    assert_eq!(
        measure("ring", "dumpster-disabled", N),
        HeapFigures {
            allocs: n,
            bytes: n * gc,
            peak_bytes: n * gc,
            live_bytes: n * gc,
        },
        "dumpster-disabled: the ring stays, nothing else is allocated"
    );

    // collect: the collector's working sets only, freed when it is done.
    let collect = measure("collect", "dumpster", N);
    assert_eq!(collect.live_bytes, 0, "collect: nothing kept: {collect:?}");
    assert!(collect.allocs > 0 && collect.peak_bytes > 0, "{collect:?}");

    // Every case at the lab's largest size: no stack overflow, and the
    // leaks are exactly the rings. Release builds only, as `heaplab` runs
    // cases: dumpster traces a ring recursively, and a debug build's frames
    // are several times larger (100 000 nodes overflow the main stack).
    if cfg!(debug_assertions) {
        println!(
            "lab 01 heap: the largest size is checked in release builds only (cargo test --release)"
        );
    } else {
        let largest = *lab01_gc_cycles::SIZES.last().unwrap();
        for strategy in [
            "rc",
            "weak",
            "index",
            "arena",
            "dumpster",
            "dumpster-disabled",
        ] {
            let figures = measure("ring", strategy, largest);
            let expected = match strategy {
                "rc" => largest as u64 * rc,
                "dumpster-disabled" => largest as u64 * gc,
                _ => 0,
            };
            assert_eq!(figures.live_bytes, expected, "{strategy} at {largest}");
        }
        assert_eq!(measure("collect", "dumpster", largest).live_bytes, 0);
    }

    println!(
        "lab 01 heap: ok (rc leaks n × {rc} bytes, dumpster-disabled n × {gc}, the others nothing; index allocates once)"
    );
}
