//! The heap family's canonical figures, exact, through the real path: a
//! fresh `heaplab heap-case` process per case, as `heaplab bench` runs them.
//! Expectations are computed from `size_of`, never pasted.

use std::mem::size_of;
use std::path::Path;

use heaplab::heap::{self, HeapFigures};
use heaplab::plan::Item;
use heaplab::registry;

/// A size that is not one of the labs' own, to show nothing depends on it.
const N: usize = 777;

fn measure(lab: &str, workload: &str, strategy: &str) -> HeapFigures {
    let lab = registry::find(lab).expect("lab registered");
    let case = lab.find(workload, strategy).expect("case registered");
    let item = Item { lab, case, n: N };
    heap::measure(Path::new(env!("CARGO_BIN_EXE_heaplab")), &item).expect("heap-case runs")
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
