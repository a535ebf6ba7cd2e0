//! The heap figures that define lab 03, exact, under dhat: what each leak
//! keeps and what each fix lets go, computed from the lab's constants and
//! `size_of`, never pasted. Rust's explicit leaks (`Box::leak`,
//! `std::mem::forget`) are measured here for real, where nothing repeats
//! them thousands of times.
//!
//! Without the test harness (`harness = false`): dhat counts every thread's
//! allocations, and libtest's own thread allocates when it likes, so this
//! runs alone on the main thread, as `heaplab heap-case` does.

use std::hint::black_box;
use std::mem::size_of;

use heaplab_core::{Case, HeapFigures, Lab, measure_heap};
use lab03_leaks::{
    BUFFER_BYTES, CACHE_CAPACITY, CHANNEL_BOUND, ENTRY_BYTES, FORGET_BYTES, MESSAGE_BYTES, Message,
    queued_after,
};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn measure(lab: &Lab, workload: &str, strategy: &str, n: usize) -> HeapFigures {
    let case = lab.find(workload, strategy).expect("case registered");
    measure_heap(case, n, None)
}

fn figures(allocs: usize, bytes: usize, live: usize) -> (u64, u64, u64) {
    (allocs as u64, bytes as u64, live as u64)
}

fn main() {
    let lab = lab03_leaks::lab();
    let short = |f: HeapFigures| (f.allocs, f.bytes, f.live_bytes);

    // The growing cache keeps every result: n × ENTRY_BYTES.
    for n in [1_000, 10_000] {
        let entries = n * ENTRY_BYTES;
        assert_eq!(
            short(measure(&lab, "class-cache", "grows", n)),
            figures(n, entries, entries),
            "class-cache/grows at {n}"
        );
        // The bounded one keeps at most its capacity, whatever n.
        let kept = n.min(CACHE_CAPACITY) * ENTRY_BYTES;
        assert_eq!(
            short(measure(&lab, "class-cache", "bounded", n)),
            figures(n, entries, kept),
            "class-cache/bounded at {n}"
        );
    }

    // A closure that moves its buffer in keeps it, with the closure's box
    // (a Vec: 24 bytes); one capturing the length keeps 8 bytes.
    let n = 1_000;
    let vec = size_of::<Vec<u8>>();
    assert_eq!(
        short(measure(&lab, "closure", "captures-buffer", n)),
        figures(2 * n, n * (BUFFER_BYTES + vec), n * (BUFFER_BYTES + vec))
    );
    let len = size_of::<usize>();
    assert_eq!(
        short(measure(&lab, "closure", "captures-len", n)),
        figures(2 * n, n * (BUFFER_BYTES + len), n * len)
    );

    // The bounded channel holds exactly its queue; the unbounded one its
    // queue and the blocks that hold it.
    for n in [1_000, 10_000] {
        let bounded = measure(&lab, "channel", "bounded", n);
        assert_eq!(
            short(bounded),
            figures(
                n,
                n * MESSAGE_BYTES,
                queued_after(n, CHANNEL_BOUND) * MESSAGE_BYTES
            ),
            "channel/bounded at {n}"
        );
        let unbounded = measure(&lab, "channel", "unbounded", n);
        let queued = queued_after(n, usize::MAX);
        let messages = (queued * MESSAGE_BYTES) as u64;
        // std's unbounded channel (the list flavour) keeps its queue in
        // blocks of 31 slots, each slot a message and a state word, behind
        // a next pointer. The blocks still live hold the queued messages:
        // as many as they fill, and one more where the reader stands
        // inside a block. (std's layout, not an API: a toolchain update
        // that changes it fails here, on purpose.)
        const SLOTS: usize = 31;
        let block =
            (size_of::<usize>() + SLOTS * (size_of::<Message>() + size_of::<usize>())) as u64;
        let extra = unbounded
            .live_bytes
            .checked_sub(messages)
            .unwrap_or_else(|| {
                panic!(
                    "channel/unbounded at {n}: {} live, fewer than the {messages} in messages",
                    unbounded.live_bytes
                )
            });
        let fewest = queued.div_ceil(SLOTS) as u64;
        assert!(
            extra.is_multiple_of(block) && (fewest..=fewest + 1).contains(&(extra / block)),
            "channel/unbounded at {n}: {} live, {messages} in messages, blocks of {block}",
            unbounded.live_bytes
        );
    }

    // Forgotten buffers stay, dropped ones go.
    let n = 10_000;
    assert_eq!(
        short(measure(&lab, "explicit", "forget", n)),
        figures(n, n * FORGET_BYTES, n * FORGET_BYTES)
    );
    assert_eq!(
        short(measure(&lab, "explicit", "drop", n)),
        figures(n, n * FORGET_BYTES, 0)
    );

    // Rust's explicit leaks, for real.
    let leak = |n: usize| -> usize {
        (0..n)
            .map(|i| Box::leak(vec![i as u8; FORGET_BYTES].into_boxed_slice()).len())
            .sum()
    };
    let forget = |n: usize| -> usize {
        (0..n)
            .map(|i| {
                let buffer = black_box(vec![i as u8; FORGET_BYTES]);
                let len = buffer.len();
                std::mem::forget(buffer);
                len
            })
            .sum()
    };
    for (name, run) in [
        ("box-leak", leak as fn(usize) -> usize),
        ("mem-forget", forget),
    ] {
        let case = Case::new("explicit", name, &[100], |n| n, run);
        assert_eq!(
            short(measure_heap(&case, 100, None)),
            figures(100, 100 * FORGET_BYTES, 100 * FORGET_BYTES),
            "{name}"
        );
    }

    // Files kept open cost descriptors, not heap: dhat sees nothing.
    for strategy in ["kept", "raii"] {
        assert_eq!(
            short(measure(&lab, "files", strategy, 100)),
            figures(0, 0, 0),
            "files/{strategy}: opening a short path allocates nothing"
        );
    }
    println!("lab 03 heap figures: ok");
}
