//! The heap family's canonical figures, exact, through the real path: a
//! fresh `heaplab heap-case` process per case, as `heaplab bench` runs them.
//! Expectations are computed from `size_of`, never pasted.

use std::mem::size_of;
use std::path::Path;
use std::time::Duration;

use heaplab::measure::child::Limits;
use heaplab::measure::heap::{self, HeapFigures};
use heaplab::plan::Item;
use heaplab::registry;

/// A size that is not one of the labs' own, to show nothing depends on it.
const N: usize = 777;

fn measure(lab: &str, workload: &str, strategy: &str) -> HeapFigures {
    measure_at(lab, workload, strategy, N)
}

fn measure_at(lab: &str, workload: &str, strategy: &str, n: usize) -> HeapFigures {
    let lab = registry::find(lab).expect("lab registered");
    let case = lab.find(workload, strategy).expect("case registered");
    let item = Item { lab, case, n };
    let limits = Limits::wall(Duration::from_secs(120));
    heap::measure(
        Path::new(env!("CARGO_BIN_EXE_heaplab")),
        &item,
        &limits,
        None,
    )
    .expect("heap-case runs")
    .figures
}

#[test]
fn box_of_u64_is_one_allocation_of_its_size_per_op() {
    let bytes = size_of::<u64>() as u64;
    assert_eq!(
        measure("02", "create-drop", "box"),
        HeapFigures {
            allocs: N as u64,
            bytes: N as u64 * bytes,
            peak_bytes: bytes,
            live_bytes: 0
        }
    );
}

#[test]
fn rc_of_u64_adds_two_counts_to_the_block() {
    let block = (size_of::<u64>() + 2 * size_of::<usize>()) as u64;
    let figures = measure("02", "create-drop", "rc");
    assert_eq!(
        (figures.allocs, figures.bytes, figures.peak_bytes),
        (N as u64, N as u64 * block, block)
    );
    assert_eq!(
        measure("02", "create-drop", "arc"),
        figures,
        "Arc's block has the same layout"
    );
}

#[test]
fn rc_clone_allocates_nothing() {
    let zero = HeapFigures {
        allocs: 0,
        bytes: 0,
        peak_bytes: 0,
        live_bytes: 0,
    };
    assert_eq!(measure("02", "clone-drop", "rc"), zero);
    assert_eq!(measure("02", "clone-drop", "arc"), zero);
    assert_eq!(measure("02", "clone-drop", "borrow"), zero);
}

#[test]
fn box_clone_copies_box_and_list() {
    let block = (size_of::<Vec<i64>>() + 3 * size_of::<i64>()) as u64;
    let figures = measure("02", "clone-drop", "box");
    assert_eq!(
        (figures.allocs, figures.bytes, figures.peak_bytes),
        (2 * N as u64, N as u64 * block, block)
    );
}

#[test]
fn vec_of_points_from_an_exact_size_iterator_is_one_allocation() {
    let bytes = (N * size_of::<lab04_slots_vs_dict::Point3>()) as u64;
    assert_eq!(
        measure("04", "create", "struct"),
        HeapFigures {
            allocs: 1,
            bytes,
            peak_bytes: bytes,
            live_bytes: 0
        }
    );
}

#[test]
fn reading_allocates_nothing_and_interning_shares_one_text() {
    assert_eq!(measure("04", "read", "dict").allocs, 0);
    let interned = measure("02", "intern", "rc-str");
    // Counts, then the text, rounded up to the counts' alignment.
    let text_block = (2 * size_of::<usize>() + lab02_refcount::INTERN_TEXT.len())
        .next_multiple_of(align_of::<usize>()) as u64;
    let handles = (N * size_of::<std::rc::Rc<str>>()) as u64;
    assert_eq!((interned.allocs, interned.bytes), (2, text_block + handles));
}

#[test]
fn an_unknown_case_is_a_usage_error() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_heaplab"))
        .args(["heap-case", "02", "create-drop", "no-such-strategy", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("heaplab list"));
}

/// One `Rc<Observer>` block: the observer and two counts.
fn observer_block() -> u64 {
    (size_of::<lab05_weak_observers::Observer>() + 2 * size_of::<usize>()) as u64
}

#[test]
fn a_strong_subject_keeps_exactly_n_dropped_observers_alive() {
    let figures = measure("05", "subscribe-release", "strong");
    assert_eq!(figures.live_bytes, N as u64 * observer_block());
    assert_eq!(
        measure("05", "subscribe-release-notify", "strong").live_bytes,
        N as u64 * observer_block()
    );
}

#[test]
fn downgrade_allocates_nothing_and_weak_keeps_blocks_until_pruned() {
    let figures = measure("05", "subscribe-release", "weak");
    // N observer blocks and the owners' Vec: `Rc::downgrade` adds no allocation.
    assert_eq!(figures.allocs, N as u64 + 1);
    // The values are gone but each block waits for its last `Weak`...
    assert_eq!(figures.live_bytes, N as u64 * observer_block());
    // ...which one notify prunes: no dead entry, nothing left.
    assert_eq!(
        measure("05", "subscribe-release-notify", "weak").live_bytes,
        0
    );
    assert_eq!(
        measure("05", "subscribe-release-notify", "slab").live_bytes,
        0
    );
}

#[test]
fn iterator_pipelines_never_touch_the_heap() {
    for workload in ["sum-squares", "first-10-even-squares"] {
        let figures = measure("08", workload, "iterator");
        assert_eq!((figures.allocs, figures.peak_bytes), (0, 0), "{workload}");
    }
}

#[test]
fn a_collected_vec_peaks_at_exactly_its_elements() {
    let one_vec = (N * size_of::<u64>()) as u64;
    let in_place = measure("08", "sum-squares", "in-place");
    assert_eq!(
        (in_place.allocs, in_place.peak_bytes),
        (1, one_vec),
        "map reuses the allocation"
    );
    let collected = measure("08", "sum-squares", "collect-each-step");
    assert_eq!((collected.allocs, collected.peak_bytes), (2, 2 * one_vec));
}

#[test]
fn a_warm_slab_lru_allocates_only_the_values_its_misses_compute() {
    use lab09_lru_vs_unbounded::{Cache, KEYS_PER_SLOT, SlabLru, capacity, replay, zipf_trace};
    let capacity = capacity(N);
    let keys = zipf_trace(2 * N, KEYS_PER_SLOT * capacity);
    let mut cache = SlabLru::new(capacity);
    replay(&mut cache, &keys[..N]);
    let misses = N - replay(&mut cache, &keys[N..]);
    let figures = measure("09", "warm", "slab-lru");
    assert_eq!(figures.allocs, misses as u64);
    assert_eq!(
        figures.bytes,
        (misses * lab09_lru_vs_unbounded::VALUE_BYTES) as u64
    );
}

#[test]
fn a_bounded_cache_stays_bounded_and_an_unbounded_one_keeps_every_value() {
    use lab09_lru_vs_unbounded::{STREAM_CAPACITY, VALUE_BYTES};
    let (short, long) = (2 * STREAM_CAPACITY, 8 * STREAM_CAPACITY);
    for strategy in ["slab-lru", "lru-crate", "list-lru"] {
        let at = |n| measure_at("09", "distinct-keys", strategy, n).live_bytes;
        assert_eq!(
            at(short),
            at(long),
            "{strategy}: live bytes do not depend on the stream's length"
        );
    }
    let at = |n| measure_at("09", "distinct-keys", "unbounded", n).live_bytes;
    assert!(at(long) - at(short) >= ((long - short) * VALUE_BYTES) as u64);
}

/// One case at [`N`] in a fresh `heap-case` process that writes dhat's
/// per-site file: what it printed, the file's path, and the temporary
/// folder that holds it (removed when dropped).
fn measure_with_sites(
    lab: &str,
    workload: &str,
    strategy: &str,
) -> (heap::Measured, std::path::PathBuf, tempfile::TempDir) {
    let lab = registry::find(lab).expect("lab registered");
    let case = lab.find(workload, strategy).expect("case registered");
    let item = Item { lab, case, n: N };
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("dhat.json");
    let limits = Limits::wall(Duration::from_secs(120));
    let measured = heap::measure(
        Path::new(env!("CARGO_BIN_EXE_heaplab")),
        &item,
        &limits,
        Some(&file),
    )
    .expect("heap-case runs");
    (measured, file, dir)
}

/// Live sites (`Case::show_live_sites`): what a case still holds at the
/// end, by the line of the lab's crate that allocated it, adds up to its
/// `live_bytes` exactly. Lab 09's unbounded cache keeps every value.
#[test]
fn live_sites_add_up_to_live_bytes_and_name_the_labs_lines() {
    let (measured, file, _dir) = measure_with_sites("09", "distinct-keys", "unbounded");
    let live: u64 = measured.sites.iter().map(|s| s.live_bytes).sum();
    assert_eq!(live, measured.figures.live_bytes);
    assert!(measured.figures.live_bytes > 0);
    assert!(!file.exists(), "the per-site file is removed once read");
    // The values: one block of VALUE_BYTES per distinct key, from `compute`.
    let values = measured
        .sites
        .iter()
        .find(|s| s.place.contains("in compute"))
        .unwrap_or_else(|| panic!("a site in compute: {:?}", measured.sites));
    assert!(values.place.starts_with("src/lib.rs:"), "{}", values.place);
    assert_eq!(values.live_blocks, N as u64);
    assert_eq!(
        values.live_bytes,
        (N * lab09_lru_vs_unbounded::VALUE_BYTES) as u64
    );
}

/// A snapshot diff (`Lab::snapshot_diff`): lab 06's second snapshot minus
/// its first, line by line, totals exactly the two cases' live bytes
/// difference; the list grown in place stays one block on its first line.
#[test]
fn a_snapshot_diff_totals_the_live_bytes_difference_line_by_line() {
    use heaplab::measure::sites::diff;
    let (first, _, _first_dir) = measure_with_sites("06", "snapshot", "first-phase");
    let (both, _, _both_dir) = measure_with_sites("06", "snapshot", "both-phases");
    let d = diff(&first.sites, &both.sites);
    assert_eq!(
        d.total(),
        both.figures.live_bytes as i64 - first.figures.live_bytes as i64
    );
    assert_eq!(
        (d.before_bytes, d.after_bytes),
        (first.figures.live_bytes, both.figures.live_bytes)
    );
    assert!(d.shrank.is_empty(), "{:?}", d.shrank);
    let list = d
        .grew
        .iter()
        .find(|g| g.place.ends_with(" in int_list"))
        .unwrap_or_else(|| panic!("the list's line grew: {:?}", d.grew));
    let ints = (N * size_of::<u64>()) as i64;
    assert_eq!((list.bytes(), list.blocks()), (ints, 0));
    // The dict's table and its texts, the rows and their outer list.
    assert_eq!(d.grew.len(), 5, "{:?}", d.grew);
}

#[test]
fn a_box_list_is_one_allocation_per_node_and_a_sized_vec_is_one() {
    use lab10_arenas_and_slabs::{BoxNode, IndexNode};
    let node = size_of::<BoxNode>() as u64;
    let n = N as u64;
    assert_eq!(
        measure("10", "build", "box"),
        HeapFigures {
            allocs: n,
            bytes: n * node,
            peak_bytes: n * node,
            live_bytes: 0
        }
    );
    let node = size_of::<IndexNode>() as u64;
    assert_eq!(
        measure("10", "build", "vec"),
        HeapFigures {
            allocs: 1,
            bytes: n * node,
            peak_bytes: n * node,
            live_bytes: 0
        }
    );
}

#[test]
fn a_bumpalo_arena_allocates_its_doubling_chunks_and_nothing_per_node() {
    use lab10_arenas_and_slabs::{ArenaNode, bump_chunks, bump_requested_bytes};
    for n in [N, 10 * N] {
        let chunks = bump_chunks(n, size_of::<ArenaNode>());
        let bytes = bump_requested_bytes(chunks) as u64;
        assert_eq!(
            measure_at("10", "build", "bumpalo", n),
            HeapFigures {
                allocs: chunks as u64,
                bytes,
                peak_bytes: bytes,
                live_bytes: 0
            },
            "n = {n}"
        );
    }
}

#[test]
fn a_warm_slab_churns_without_allocating_and_a_box_pool_allocates_each_insertion() {
    use lab10_arenas_and_slabs::BoxNode;
    for strategy in ["slab", "vec"] {
        let figures = measure("10", "churn", strategy);
        assert_eq!(
            (figures.allocs, figures.bytes),
            (0, 0),
            "{strategy} reuses its holes"
        );
    }
    let figures = measure("10", "churn", "box");
    assert_eq!(figures.allocs, N as u64, "one Box per insertion");
    assert_eq!(figures.bytes, (N * size_of::<BoxNode>()) as u64);
}

#[test]
fn a_slab_grows_like_a_vec_of_its_entries() {
    use lab10_arenas_and_slabs::IndexNode;
    // A slab entry is the node and the word that tells vacant from
    // occupied; the entries live in a Vec that grows by doubling.
    let entry = (size_of::<IndexNode>() + size_of::<usize>()) as u64;
    let mut entries: Vec<[usize; 3]> = Vec::new();
    let mut capacities = Vec::new();
    for _ in 0..N {
        let before = entries.capacity();
        entries.push([0; 3]);
        if entries.capacity() != before {
            capacities.push(entries.capacity() as u64);
        }
    }
    assert_eq!(size_of::<[usize; 3]>() as u64, entry);
    assert_eq!(
        measure("10", "build", "slab"),
        HeapFigures {
            allocs: capacities.len() as u64,
            bytes: entry * capacities.iter().sum::<u64>(),
            peak_bytes: entry * capacities.last().unwrap(),
            live_bytes: 0
        }
    );
}

#[test]
fn a_bumpalo_churn_adds_only_the_chunks_its_new_nodes_need() {
    use lab10_arenas_and_slabs::{ArenaNode, bump_chunks, bump_requested_bytes, positions};
    // The warm pool's n nodes are setup; the churn's n new nodes continue
    // in the same arena, and nothing is ever freed until the pool goes.
    let node = size_of::<ArenaNode>();
    let churned = positions(N).len();
    let (before, after) = (bump_chunks(N, node), bump_chunks(N + churned, node));
    let bytes = (bump_requested_bytes(after) - bump_requested_bytes(before)) as u64;
    assert_eq!(
        measure("10", "churn", "bumpalo"),
        HeapFigures {
            allocs: (after - before) as u64,
            bytes,
            peak_bytes: bytes,
            live_bytes: bytes
        }
    );
}

/// Profiles (`Case::profile`): every byte the case allocated is on one of
/// its call stacks, the top site is the line that renders a fresh line per
/// record (n blocks of LINE_CAPACITY), and dhat's own file is kept for the
/// run to save.
#[test]
fn a_profile_accounts_for_every_byte_and_keeps_dhats_file() {
    let (measured, file, _dir) = measure_with_sites("06", "scratch", "fresh-line");
    let profile = measured
        .profile
        .expect("a profiled case has a profile")
        .expect("its profile was read");
    assert!(file.exists(), "a profiled case keeps dhat's file");
    let on_stacks: u64 = profile.stacks.iter().map(|s| s.bytes).sum();
    assert_eq!(on_stacks, measured.figures.bytes);
    let top = &profile.sites[0];
    assert!(top.place.starts_with("src/lib.rs:"), "{}", top.place);
    assert_eq!(top.blocks, N as u64);
    assert_eq!(
        top.bytes,
        (N * lab06_profiling::LINE_CAPACITY) as u64,
        "{:?}",
        profile.sites
    );
}

/// The bytes glibc's malloc makes usable for a request of `bytes`: a chunk
/// of the request plus its 8-byte size field, rounded up to 16, 32 at
/// least, less that size field (blocks below the mmap threshold).
fn usable(bytes: u64) -> u64 {
    ((bytes + 8).div_ceil(16) * 16).max(32) - 8
}

fn reserved_at(lab: &str, workload: &str, strategy: &str, n: usize) -> (u64, u64) {
    let lab = registry::find(lab).expect("lab registered");
    let case = lab.find(workload, strategy).expect("case registered");
    let item = Item { lab, case, n };
    let limits = Limits::wall(Duration::from_secs(120));
    let measured = heap::measure(
        Path::new(env!("CARGO_BIN_EXE_heaplab")),
        &item,
        &limits,
        None,
    )
    .expect("heap-case runs");
    let reserved = measured
        .reserved
        .expect("heap-case reports reserved bytes")
        .expect("reserved bytes are measured on glibc");
    (measured.figures.peak_bytes, reserved)
}

#[test]
fn reserved_bytes_are_the_requests_rounded_to_glibc_chunks() {
    // One block of n i32: the request plus at most one 16-byte step.
    let (peak, reserved) = reserved_at("07", "store", "vec-i32", N);
    assert_eq!(peak, N as u64 * 4);
    assert_eq!(reserved, usable(peak));
    // n boxes of 4 bytes get 24 usable bytes each, beside the Vec of
    // pointers; a box that lands in a larger free chunk may get a step
    // more, which is the allocator's state, not the code's.
    let (peak, reserved) = reserved_at("07", "store", "vec-box-i32", N);
    let pointers = N as u64 * size_of::<usize>() as u64;
    assert_eq!(peak, N as u64 * 4 + pointers);
    let floor = N as u64 * usable(4) + usable(pointers);
    assert!(
        (floor..floor + 16 * 16).contains(&reserved),
        "{reserved} reserved, {floor} at the least"
    );
}

/// Every block's usable size is at least its request, and the count sees
/// the same blocks dhat does (those the run made, not setup's): so no
/// case, in any lab, reserves less than its peak.
#[test]
fn no_case_reserves_less_than_its_peak() {
    let mut low = Vec::new();
    for lab in registry::labs() {
        for case in &lab.cases {
            let n = case.sizes[0];
            let (peak, reserved) = reserved_at(lab.id, case.workload, case.strategy, n);
            if reserved < peak {
                low.push(format!(
                    "{}/{}/{}/{n}: reserved {reserved} < peak {peak}",
                    lab.id, case.workload, case.strategy
                ));
            }
        }
    }
    assert!(low.is_empty(), "{}", low.join("\n"));
}
