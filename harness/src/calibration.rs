//! A test-only lab that proves the regression gate can fail.
//!
//! Registered only when `HEAPLAB_CALIBRATION=1`, so it never shows in
//! reports. Its one case builds `n` boxes and sums them; the knob in
//! `HEAPLAB_INJECT`, read by setup (never inside the measured run), injects
//! one regression of each family the gate watches:
//!
//! | `HEAPLAB_INJECT` | effect on the run |
//! | --- | --- |
//! | `allocs` | twice the boxes: allocations and bytes double |
//! | `work` | the sum is taken three times: instructions (and time) triple |
//! | `leak` | one 64-byte block is never freed: `live_bytes` goes from 0 to 64 |

use std::hint::black_box;

use heaplab_core::{Case, Lab};

/// Set to `1` to register the calibration lab.
pub const ENABLE_ENV: &str = "HEAPLAB_CALIBRATION";
/// The injected regression: `allocs`, `work`, `leak`, or unset.
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
            Ok(other) => panic!("{INJECT_ENV}={other}: expected allocs, work or leak"),
        }
    }
}

fn run((n, knob): (usize, Knob)) -> u64 {
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

/// The calibration lab.
pub fn lab() -> Lab {
    Lab::new(ID, "Calibration (test only)", "none: the regression gate's self-test")
        .claim("The regression gate fails on doubled allocations, added work and a new leak, and passes unchanged code.")
        .case(
            Case::new("knob", "boxes", SIZES, |n| (n, Knob::from_env()), run)
                .about("n boxes summed; HEAPLAB_INJECT=allocs|work|leak injects a regression"),
        )
}
