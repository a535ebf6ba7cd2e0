//! The heap figures that define lab 06, exact, under dhat: each profiled
//! structure's bytes, the profile as their sum, the two snapshots' live
//! bytes and what grew between them, the scratch line's one block against
//! n, and the exact heap size of the deep-size values, computed from the
//! lab's constants and `size_of`, never pasted.
//!
//! Without the test harness (`harness = false`): dhat counts every thread's
//! allocations, and libtest's own thread allocates when it likes, so this
//! runs alone on the main thread, as `heaplab heap-case` does.

use std::mem::size_of;

use heaplab_core::{HeapFigures, Lab, measure_heap};
use lab06_profiling::exercises::{deep_size, totals};
use lab06_profiling::{
    DICT_EVERY, LINE_CAPACITY, ROW_LEN, map_table_bytes, text_bytes, texts_heap_bytes,
};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn measure(lab: &Lab, workload: &str, strategy: &str, n: usize) -> HeapFigures {
    let case = lab.find(workload, strategy).expect("case registered");
    measure_heap(case, n, None)
}

fn main() {
    let lab = lab06_profiling::lab();
    for n in [1_000, 10_000] {
        // The list: one block of n integers.
        let ints = n * size_of::<u64>();
        let f = measure(&lab, "profile", "int-list", n);
        assert_eq!(
            (f.allocs, f.bytes, f.live_bytes),
            (1, ints as u64, ints as u64),
            "int-list at {n}"
        );

        // The dict: one table, sized once by collect, and one text per key.
        let keys = n / DICT_EVERY;
        let texts = map_table_bytes(keys, size_of::<(u64, String)>())
            + (0..keys as u64).map(text_bytes).sum::<usize>();
        let f = measure(&lab, "profile", "str-dict", n);
        assert_eq!(f.live_bytes, texts as u64, "str-dict at {n}");

        // The nested lists: the outer list and one block per row.
        let rows = n / ROW_LEN;
        let nested = rows * (size_of::<Vec<u64>>() + ROW_LEN * size_of::<u64>());
        let f = measure(&lab, "profile", "nested", n);
        assert_eq!(
            (f.allocs, f.live_bytes),
            (rows as u64 + 1, nested as u64),
            "nested at {n}"
        );

        // The whole function, kept: exactly the sum of its three lines.
        let whole = measure(&lab, "profile", "whole-kept", n);
        assert_eq!(
            whole.live_bytes,
            (ints + texts + nested) as u64,
            "whole-kept at {n}"
        );
        // As the tutorial writes it: the same peak, nothing left.
        let lengths = measure(&lab, "profile", "whole-returns-lengths", n);
        assert_eq!((lengths.allocs, lengths.bytes), (whole.allocs, whole.bytes));
        assert_eq!(lengths.live_bytes, 0, "whole-returns-lengths at {n}");
        assert!(lengths.peak_bytes >= whole.live_bytes);

        // The two snapshots: the list alone, then the list doubled in its
        // one block (a realloc, no new block) beside the dict and the rows.
        let first = measure(&lab, "snapshot", "first-phase", n);
        assert_eq!(
            (first.allocs, first.bytes, first.live_bytes),
            (1, ints as u64, ints as u64),
            "first-phase at {n}"
        );
        let both = measure(&lab, "snapshot", "both-phases", n);
        assert_eq!(
            both.live_bytes,
            (2 * ints + texts + nested) as u64,
            "both-phases at {n}"
        );
        let dict = measure(&lab, "profile", "str-dict", n);
        // dhat counts the list's realloc as one allocation (of its new
        // size), though no new block stays live: then the dict's and the
        // rows' blocks.
        assert_eq!(
            both.allocs,
            first.allocs + 1 + dict.allocs + rows as u64 + 1,
            "both-phases at {n}"
        );
        // What grew between the snapshots: n more integers, the dict, the rows.
        assert_eq!(
            both.live_bytes - first.live_bytes,
            (ints + texts + nested) as u64
        );

        // The top site: n lines against one.
        let f = measure(&lab, "scratch", "fresh-line", n);
        assert_eq!(
            (f.allocs, f.bytes, f.live_bytes),
            (n as u64, (n * LINE_CAPACITY) as u64, 0)
        );
        let f = measure(&lab, "scratch", "reused-line", n);
        assert_eq!(
            (f.allocs, f.bytes, f.live_bytes),
            (1, LINE_CAPACITY as u64, 0)
        );

        // Deep sizes: the map's one table, the vec's one block.
        let f = measure(&lab, "deep-size", "pairs-map", n);
        let table = map_table_bytes(n, size_of::<(u64, u64)>());
        assert_eq!(
            (f.allocs, f.live_bytes),
            (1, table as u64),
            "pairs-map at {n}"
        );
        let f = measure(&lab, "deep-size", "pairs-vec", n);
        assert_eq!(
            (f.allocs, f.live_bytes),
            (1, (n * 16) as u64),
            "pairs-vec at {n}"
        );
    }

    // Exercise 06-2's truth: the exact bytes of every shape of map, as dhat
    // counts them live (each map is built again under the profiler).
    for (name, _) in deep_size::shapes() {
        let profiler = dhat::Profiler::builder().testing().build();
        let shape = deep_size::shapes().into_iter().find(|(n, _)| *n == name);
        let (_, map) = shape.expect("the same shapes every time");
        // The other shapes are freed: what the map owns is what goes now.
        let exact = texts_heap_bytes(&map);
        let held = dhat::HeapStats::get().curr_bytes;
        drop(map);
        let owned = held - dhat::HeapStats::get().curr_bytes;
        drop(profiler);
        assert_eq!(owned, exact, "deep size of {name}");
    }

    // Exercise 06-1's budget: the given program's bytes per line, exactly.
    let lines = totals::lines(1_000);
    let case = heaplab_core::Case::new(
        "given",
        "totals",
        &[1],
        move |_| lines.clone(),
        |lines: Vec<String>| totals::given_totals(&lines).len(),
    );
    let f = measure_heap(&case, 1, None);
    let per_lines = totals::given_line_bytes(&totals::lines(1_000));
    assert!(
        f.bytes >= per_lines && f.bytes < per_lines + 4_096,
        "given totals: {} bytes, {per_lines} on its lines",
        f.bytes
    );
    println!("lab 06 heap figures: ok");
}
