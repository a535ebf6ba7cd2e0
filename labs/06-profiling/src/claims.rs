//! The tutorial's claims this lab measures, with the rules that judge them.

use heaplab_core::claim::{At, Claim, Figures, Judgement, Missing, num};

use crate::DEEP_N;

/// The least share of the profiled bytes its three structure lines must
/// carry for "the top lines show which lines allocate the most": the rest
/// is the interpreter's or the table's bookkeeping.
const TOP_SHARE: f64 = 0.9;

/// Below this fraction of the function's peak, a snapshot taken after it
/// returned has missed what the function allocated.
const SNAPSHOT_MISSES: f64 = 0.1;

/// Largest error, as a fraction of the exact figure, for a deep-size
/// estimate to count as agreeing with it.
const ESTIMATE_ERROR: f64 = 0.05;

/// Claims 18 and 19 of the ledger.
pub fn claims() -> [Claim; 2] {
    [
        Claim::new(
            18,
            "tracemalloc-top-lines",
            "tracemalloc's top statistics show which lines allocated the most.",
            "Memory Management, Memory Profiling, example 16; notebook part 9",
        )
        .python_fact(
            "CPython top-3 share",
            "tracemalloc: share of the 3 top lines in the kept structures' bytes",
        )
        .python_fact(
            "CPython snapshot after return",
            "tracemalloc: bytes on the function's lines in a snapshot after it returns",
        )
        .python_fact("CPython peak", "tracemalloc: peak while the function runs")
        .rust("Rust whole", "profile/whole-kept", At::Largest, "live_bytes")
        .rust("Rust int list", "profile/int-list", At::Largest, "live_bytes")
        .rust("Rust str dict", "profile/str-dict", At::Largest, "live_bytes")
        .rust("Rust nested", "profile/nested", At::Largest, "live_bytes")
        .method("Example 16 takes its second snapshot after the profiled function has returned, when the list, the dict and the nested lists it built are already freed: its top lines show what is still live then, not what the function allocated. heaplab reads the lines while the structures are kept (and dhat's per-site totals, which need no snapshot at the right moment).")
        .rule(top_lines),
        Claim::new(
            19,
            "getsizeof-shallow",
            "sys.getsizeof is shallow; a deep size needs a recursive walk.",
            "Memory Management, Memory Profiling, example 17",
        )
        .python_fact("CPython getsizeof", "sys.getsizeof(pairs dict), n = DEEP_N")
        .python_fact("CPython get_size", "get_size(pairs dict) (recursive), n = DEEP_N")
        .python_fact("CPython tracemalloc", "tracemalloc: bytes of the pairs dict, n = DEEP_N")
        .rust_fact("Rust size_of_val", "size_of_val(pairs map) (shallow)")
        .rust_fact(
            "Rust get-size2",
            "get-size2 heap estimate of the pairs map, n = DEEP_N",
        )
        .rust("Rust dhat", "deep-size/pairs-map", At::N(DEEP_N as u64), "live_bytes")
        .rule(shallow),
    ]
}

/// Holds when the three structure lines carry at least [`TOP_SHARE`] of
/// the bytes in both languages and a snapshot after the return still sees
/// them; with nuance when the shares hold but the tutorial's snapshot
/// (after the return) sees less than [`SNAPSHOT_MISSES`] of the peak;
/// fails when the top lines do not carry the bytes.
fn top_lines(f: &Figures) -> Result<Judgement, Missing> {
    let py_share = f.get("CPython top-3 share")?;
    let after = f.get("CPython snapshot after return")?;
    let peak = f.get("CPython peak")?;
    let whole = f.get("Rust whole")?;
    let parts = f.get("Rust int list")? + f.get("Rust str dict")? + f.get("Rust nested")?;
    let rust_share = if whole > 0.0 { parts / whole } else { 0.0 };
    let says = format!(
        "the list, the dict and the nested lists carry {:.1}% of CPython's traced bytes and {:.1}% of Rust's ({} of {} bytes at {}); a snapshot after the function returns sees {} bytes on its lines, against a peak of {} while it ran",
        100.0 * py_share,
        100.0 * rust_share,
        num(parts),
        num(whole),
        f.at("Rust whole"),
        num(after),
        num(peak),
    );
    let short = format!(
        "top 3: {:.0}% (CPython), {:.0}% (Rust); after return {:.1}% of peak",
        100.0 * py_share,
        100.0 * rust_share,
        if peak > 0.0 {
            100.0 * after / peak
        } else {
            0.0
        }
    );
    let judged = if py_share < TOP_SHARE || rust_share < TOP_SHARE {
        Judgement::fails(says)
    } else if after < SNAPSHOT_MISSES * peak {
        Judgement::nuance(format!(
            "{says}: the top lines name the allocating lines only while their data is alive; a snapshot taken after the data is freed, as in the tutorial, shows almost nothing"
        ))
    } else {
        Judgement::holds(says)
    };
    Ok(judged.short(short))
}

/// Holds when the shallow size misses at least half of the exact figure in
/// both languages and the deep estimates come within [`ESTIMATE_ERROR`]
/// of it; with nuance when a deep estimate misses by more (a recursive
/// walk is needed, but it is still an estimate); fails when the shallow
/// size is not far below the exact figure.
fn shallow(f: &Figures) -> Result<Judgement, Missing> {
    let getsizeof = f.get("CPython getsizeof")?;
    let get_size = f.get("CPython get_size")?;
    let traced = f.get("CPython tracemalloc")?;
    let size_of_val = f.get("Rust size_of_val")?;
    let estimate = f.get("Rust get-size2")?;
    let exact = f.get("Rust dhat")?;
    let error = |est: f64, truth: f64| {
        if truth > 0.0 {
            (est - truth) / truth
        } else {
            f64::INFINITY
        }
    };
    let (py_error, rust_error) = (error(get_size, traced), error(estimate, exact));
    let says = format!(
        "for {} pairs, sys.getsizeof says {} bytes, the recursive get_size {} ({:+.1}%) and tracemalloc {}; size_of_val says {} bytes, get-size2 {} ({:+.1}%) and dhat {}",
        num(DEEP_N as f64),
        num(getsizeof),
        num(get_size),
        100.0 * py_error,
        num(traced),
        num(size_of_val),
        num(estimate),
        100.0 * rust_error,
        num(exact),
    );
    let short = format!(
        "deep estimates off by {:+.0}% (CPython), {:+.0}% (Rust)",
        100.0 * py_error,
        100.0 * rust_error
    );
    let judged = if getsizeof * 2.0 > traced || size_of_val * 2.0 > exact {
        Judgement::fails(says)
    } else if py_error.abs() > ESTIMATE_ERROR || rust_error.abs() > ESTIMATE_ERROR {
        Judgement::nuance(format!(
            "{says}: the shallow size misses the contents, and a deep walk gets near the real figure without reaching it (what it cannot see: a table's free slots and control bytes, shared objects, the allocator's rounding)"
        ))
    } else {
        Judgement::holds(says)
    };
    Ok(judged.short(short))
}

#[cfg(test)]
mod tests {
    use heaplab_core::claim::{Verdict, verdict_on};

    use super::*;

    fn top(py_share: f64, after: f64, rust_parts: f64) -> [(&'static str, f64); 7] {
        [
            ("CPython top-3 share", py_share),
            ("CPython snapshot after return", after),
            ("CPython peak", 10_000_000.0),
            ("Rust whole", 3_000_000.0),
            ("Rust int list", rust_parts / 3.0),
            ("Rust str dict", rust_parts / 3.0),
            ("Rust nested", rust_parts / 3.0),
        ]
    }

    #[test]
    fn top_lines_name_the_allocators_while_their_data_lives() {
        let claims = claims();
        // The tutorial's snapshot after the return sees almost nothing.
        assert_eq!(
            verdict_on(&claims, 18, &top(0.98, 2_000.0, 3_000_000.0)),
            Verdict::Nuance
        );
        // A snapshot while the data lives would see it all.
        assert_eq!(
            verdict_on(&claims, 18, &top(0.98, 9_000_000.0, 3_000_000.0)),
            Verdict::Holds
        );
        // Lines that do not carry the bytes: it does not hold.
        assert_eq!(
            verdict_on(&claims, 18, &top(0.5, 9_000_000.0, 3_000_000.0)),
            Verdict::DoesNotHold
        );
        assert_eq!(
            verdict_on(&claims, 18, &top(0.98, 9_000_000.0, 1_000_000.0)),
            Verdict::DoesNotHold
        );
        assert_eq!(
            verdict_on(&claims, 18, &top(0.98, 2_000.0, 3_000_000.0)[..6]),
            Verdict::NotMeasured
        );
    }

    fn deep(getsizeof: f64, get_size: f64, estimate: f64) -> [(&'static str, f64); 6] {
        [
            ("CPython getsizeof", getsizeof),
            ("CPython get_size", get_size),
            ("CPython tracemalloc", 1_000_000.0),
            ("Rust size_of_val", 48.0),
            ("Rust get-size2", estimate),
            ("Rust dhat", 278_544.0),
        ]
    }

    #[test]
    fn a_shallow_size_misses_the_contents_and_a_walk_estimates_them() {
        let claims = claims();
        // get-size2 counts capacity × entry, not the table's spare buckets.
        assert_eq!(
            verdict_on(&claims, 19, &deep(300_000.0, 990_000.0, 184_000.0)),
            Verdict::Nuance
        );
        assert_eq!(
            verdict_on(&claims, 19, &deep(300_000.0, 990_000.0, 278_000.0)),
            Verdict::Holds
        );
        // A "shallow" size that already holds most of the bytes: no.
        assert_eq!(
            verdict_on(&claims, 19, &deep(900_000.0, 990_000.0, 278_000.0)),
            Verdict::DoesNotHold
        );
        assert_eq!(
            verdict_on(&claims, 19, &deep(300_000.0, 990_000.0, 278_000.0)[1..]),
            Verdict::NotMeasured
        );
    }
}
