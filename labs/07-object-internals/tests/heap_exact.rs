//! The heap figures that define lab 07, exact, under dhat: every case's
//! blocks and bytes computed from `n`, `size_of` and the growth steps the
//! lab's own functions record, never pasted.
//!
//! Without the test harness (`harness = false`): dhat counts every thread's
//! allocations, and libtest's own thread allocates when it likes, so this
//! runs alone on the main thread, as `heaplab heap-case` does.

use std::mem::size_of;
use std::rc::Rc;

use heaplab_core::{HeapFigures, Lab, measure_heap};
use lab07_object_internals::{GROUP, SmallGroup, map_bytes, map_growth, vec_growth};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// (allocs, bytes, peak_bytes, live_bytes)
type Four = (u64, u64, u64, u64);

fn measure(lab: &Lab, workload: &str, strategy: &str, n: usize) -> Four {
    let case = lab.find(workload, strategy).expect("case registered");
    let f: HeapFigures = measure_heap(case, n, None);
    (f.allocs, f.bytes, f.peak_bytes, f.live_bytes)
}

fn four(allocs: usize, bytes: usize, peak: usize) -> Four {
    (allocs as u64, bytes as u64, peak as u64, 0)
}

fn main() {
    let lab = lab07_object_internals::lab();
    let word = size_of::<usize>();
    for n in [1_000, 10_000] {
        // Vec growth: one block per step, each the new capacity; the old
        // block is freed as the new one is filled, so the peak is the last.
        let steps = vec_growth::<i64>(n);
        let grown: usize = steps.iter().map(|s| s.1 * 8).sum();
        let last = steps.last().unwrap().1 * 8;
        assert_eq!(
            measure(&lab, "grow", "vec-push", n),
            four(steps.len(), grown, last),
            "grow/vec-push n = {n}"
        );
        assert_eq!(
            measure(&lab, "grow", "vec-reserved", n),
            four(1, 8 * n, 8 * n),
            "grow/vec-reserved n = {n}"
        );
        // HashMap growth: a new table per resize, the old one freed after
        // its entries moved, so two tables are live at the moment of a resize.
        let map = map_growth(n);
        let tables: Vec<usize> = map.iter().map(|s| map_bytes(s.1)).collect();
        let peak = tables
            .windows(2)
            .map(|w| w[0] + w[1])
            .max()
            .unwrap_or(tables[0]);
        assert_eq!(
            measure(&lab, "grow", "hashmap-insert", n),
            four(map.len(), tables.iter().sum(), peak),
            "grow/hashmap-insert n = {n}"
        );
        // Compact storage.
        assert_eq!(
            measure(&lab, "store", "vec-i32", n),
            four(1, 4 * n, 4 * n),
            "store/vec-i32 n = {n}"
        );
        assert_eq!(
            measure(&lab, "store", "vec-box-i32", n),
            four(n + 1, (word + 4) * n, (word + 4) * n),
            "store/vec-box-i32 n = {n}"
        );
        let rc_block = 2 * word + size_of::<i64>();
        assert_eq!(
            measure(&lab, "store", "vec-rc-i64", n),
            four(
                n + 1,
                (size_of::<Rc<i64>>() + rc_block) * n,
                (word + rc_block) * n
            ),
            "store/vec-rc-i64 n = {n}"
        );
        // Small groups of three.
        let numbers = GROUP * size_of::<i32>();
        assert_eq!(
            measure(&lab, "small", "array", n),
            four(1, numbers * n, numbers * n),
            "small/array n = {n}"
        );
        let boxed = (size_of::<Box<[i32]>>() + numbers) * n;
        assert_eq!(
            measure(&lab, "small", "box-slice", n),
            four(n + 1, boxed, boxed),
            "small/box-slice n = {n}"
        );
        // A pushed Vec<i32> starts at capacity 4: one spare slot per group.
        let pushed = (size_of::<Vec<i32>>() + 4 * size_of::<i32>()) * n;
        assert_eq!(
            measure(&lab, "small", "vec", n),
            four(n + 1, pushed, pushed),
            "small/vec n = {n}"
        );
        let small = size_of::<SmallGroup>() * n;
        assert_eq!(
            measure(&lab, "small", "smallvec", n),
            four(1, small, small),
            "small/smallvec n = {n}"
        );
    }
    println!("lab 07 heap figures: exact");
}
