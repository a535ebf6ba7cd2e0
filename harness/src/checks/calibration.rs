//! A test-only lab that proves the regression gate can fail.
//!
//! Registered only when `HEAPLAB_CALIBRATION=1`, so it never shows in
//! reports. Its two cases build `n` boxes and sum them. The knob in
//! `HEAPLAB_INJECT`, read by setup (never inside the measured run), changes
//! the first case, `knob/boxes`, only; the second, `steady/boxes`, comes
//! after it in every family and proves a run goes on past a broken case.
//!
//! | `HEAPLAB_INJECT` | effect on `knob/boxes` | proves |
//! | --- | --- | --- |
//! | `allocs` | twice the boxes: allocations and bytes double | the gate fails on heap figures |
//! | `work` | the sum is taken three times: instructions (and time) triple | the gate fails on instructions |
//! | `leak` | one 64-byte block is never freed: `live_bytes` goes from 0 to 64 | a new leak always fails |
//! | `hang` | never returns | the per-case limit ends it, the run goes on |
//! | `panic` | panics | the panic's message is recorded, the run goes on |
//! | `oom` | allocates without end | the memory cap ends it as "out of memory" |

use std::hint::black_box;

use heaplab_core::{Case, Lab};

/// Set to `1` to register the calibration lab.
pub const ENABLE_ENV: &str = "HEAPLAB_CALIBRATION";
/// The injected fault: `allocs`, `work`, `leak`, `hang`, `panic`, `oom`, or unset.
pub const INJECT_ENV: &str = "HEAPLAB_INJECT";
/// The lab's id.
pub const ID: &str = "00-calibration";
/// One size: 1 000 boxes, small enough for every family in a second.
const SIZES: &[usize] = &[1_000];
/// Bytes the `leak` knob never frees.
pub const LEAKED_BYTES: usize = 64;

/// Whether the calibration lab is registered in this process.
pub fn enabled() -> bool {
    std::env::var(ENABLE_ENV).is_ok_and(|v| v == "1")
}

/// Which regression to inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Knob {
    /// None: the baseline behaviour.
    Off,
    /// Double the allocations.
    Allocs,
    /// Triple the work.
    Work,
    /// Leak one block.
    Leak,
    /// Never return.
    Hang,
    /// Panic.
    Panic,
    /// Allocate until an allocation fails.
    Oom,
}

impl Knob {
    /// The knob named by [`INJECT_ENV`].
    ///
    /// # Panics
    ///
    /// Panics on an unknown knob name, so a typo cannot pass as "no regression".
    pub fn from_env() -> Self {
        match std::env::var(INJECT_ENV).as_deref() {
            Err(_) | Ok("") => Knob::Off,
            Ok("allocs") => Knob::Allocs,
            Ok("work") => Knob::Work,
            Ok("leak") => Knob::Leak,
            Ok("hang") => Knob::Hang,
            Ok("panic") => Knob::Panic,
            Ok("oom") => Knob::Oom,
            Ok(other) => {
                panic!("{INJECT_ENV}={other}: expected allocs, work, leak, hang, panic or oom")
            }
        }
    }
}

/// Bytes the `oom` knob asks for at a time (zeroed, never touched: only
/// address space, so a missing cap costs no real memory).
const OOM_CHUNK: usize = 64 << 20;
/// Chunks the `oom` knob gives up after (64 GiB): no cap was in force.
const OOM_CHUNKS: usize = 1024;

fn run((n, knob): (usize, Knob)) -> u64 {
    match knob {
        Knob::Hang => loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
        },
        Knob::Panic => panic!("injected panic ({INJECT_ENV}=panic)"),
        Knob::Oom => {
            let mut chunks: Vec<Vec<u8>> = Vec::new();
            for _ in 0..OOM_CHUNKS {
                chunks.push(black_box(vec![0u8; OOM_CHUNK]));
            }
            panic!("{INJECT_ENV}=oom: 64 GiB allocated and no memory cap stopped it");
        }
        _ => {}
    }
    let count = if knob == Knob::Allocs { 2 * n } else { n };
    let boxes: Vec<Box<u64>> = (0..count as u64).map(Box::new).collect();
    let rounds = if knob == Knob::Work { 3 } else { 1 };
    let mut sum = 0u64;
    for _ in 0..rounds {
        sum = boxes
            .iter()
            .fold(sum, |acc, b| acc.wrapping_add(**black_box(b)));
    }
    if knob == Knob::Leak {
        std::mem::forget(black_box(Box::new([0u8; LEAKED_BYTES])));
    }
    sum
}

/// The calibration lab: it makes no tutorial claim. With it the tests show
/// that the regression gate fails on doubled allocations, added work and a
/// new leak and passes unchanged code, and that a case that hangs, panics or
/// runs out of memory costs its own figures only.
pub fn lab() -> Lab {
    Lab::new(
        ID,
        "Calibration (test only)",
        "none: the regression gate's self-test",
    )
    .cases([
        Case::new("knob", "boxes", SIZES, |n| (n, Knob::from_env()), run).about(
            "n boxes summed; HEAPLAB_INJECT=allocs|work|leak|hang|panic|oom injects a fault",
        ),
    ])
    .cases(
        [Case::new("steady", "boxes", SIZES, |n| (n, Knob::Off), run)
            .about("n boxes summed, never injected: measured after a broken case")],
    )
    // Several sizes, for the instruction family's choice of sizes
    // (`harness/tests/parallel.rs`): a flat count per op stops after
    // two sizes, a growing one is counted at every size.
    .cases([
        Case::new("ladder", "flat", LADDER_FLAT, |n| n, squares)
            .about("the squares of 0..n summed: the same instructions per number at every size"),
        Case::new("ladder", "quadratic", LADDER_QUADRATIC, |n| n, pairs)
            .about("every pair of 0..n: instructions per op grow with n"),
    ])
}

/// Sizes of `ladder/flat`: its largest is not counted (flat at the first two).
const LADDER_FLAT: &[usize] = &[1_000, 10_000, 100_000];
/// Sizes of `ladder/quadratic`: each counted.
const LADDER_QUADRATIC: &[usize] = &[10, 100, 1_000];

/// Sums the squares of `0..n`: n steps, no allocation.
fn squares(n: usize) -> u64 {
    (0..n as u64).fold(0u64, |acc, i| acc.wrapping_add(black_box(i * i)))
}

/// Sums `i ^ j` over every pair of `0..n`: n² steps.
fn pairs(n: usize) -> u64 {
    let mut sum = 0u64;
    for i in 0..n as u64 {
        for j in 0..n as u64 {
            sum = sum.wrapping_add(black_box(i ^ j));
        }
    }
    sum
}
