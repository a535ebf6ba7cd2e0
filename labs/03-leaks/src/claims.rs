//! The tutorial's claims this lab measures, with the rules that judge them.

use heaplab_core::claim::{At, Claim, Figures, Judgement, Missing, num, pct};

/// The two fill sizes of the snapshot diff in `python/reference.py`: the
/// top line's growth should follow their ratio.
const SNAPSHOT_RATIO: f64 = 1_000.0 / 200.0;

/// Claims 6 and 9 of the ledger.
pub fn claims() -> [Claim; 2] {
    [
        Claim::new(
            6,
            "tracemalloc-finds-cache",
            "tracemalloc snapshots find a class-level cache that keeps growing.",
            "Memory Management, Memory Leaks Detection, example 7",
        )
        .python_fact("top line, 200", "snapshot diff, 200 objects: top line's size_diff")
        .python_fact("top line, 1 000", "snapshot diff, 1 000 objects: top line's size_diff")
        .python_fact("top count, 1 000", "snapshot diff, 1 000 objects: top line's count_diff")
        .python_fact("top is the cache", "snapshot diff: the top line is the cache's append line")
        .python_fact("top makes the data", "snapshot diff: the top line is where the cached data is made")
        .python_fact("cache line", "snapshot diff, 1 000 objects: the cache's append line's size_diff")
        .rust("Rust grows", "class-cache/grows", At::Largest, "live_bytes")
        .rust("Rust bounded", "class-cache/bounded", At::Largest, "live_bytes")
        .method("compare_to(..., 'lineno') ranks lines by the bytes allocated there and still traced: the top line is where the cached data was made (the caller's `[0] * 1000`), not the class-level list that keeps it alive, whose own line grows only by its array of pointers. The snapshot diff finds the growth and its source; the holder takes a second step (gc.get_referrers, or the traceback of the cache's own line).")
        .rule(tracemalloc_finds_cache),
        Claim::new(
            9,
            "closure-captures",
            "A closure keeps everything it captures alive; capturing only what is needed fixes it.",
            "Memory Management, Memory Leaks Detection, example 9 (pattern 3)",
        )
        .python("captures buffer", "closure/captures-buffer", At::Largest, "live_bytes")
        .python("captures len", "closure/captures-len", At::Largest, "live_bytes")
        .python("names nothing", "closure/names-nothing", At::Largest, "live_bytes")
        .rust("Rust buffer", "closure/captures-buffer", At::Largest, "live_bytes")
        .rust("Rust len", "closure/captures-len", At::Largest, "live_bytes")
        .method("The tutorial compares sys.getsizeof of its two closures: getsizeof is shallow (a function object's own bytes, the same for both), and its \"bad\" closure never names big_data, so CPython captures nothing. The sound measure is the bytes still traced once the factories returned, with a closure that really uses its buffer.")
        .rule(closure_captures),
    ]
}

fn tracemalloc_finds_cache(f: &Figures) -> Result<Judgement, Missing> {
    let (small, large) = (f.get("top line, 200")?, f.get("top line, 1 000")?);
    let (is_cache, makes_data) = (
        f.get("top is the cache")? != 0.0,
        f.get("top makes the data")? != 0.0,
    );
    let (grows, bounded) = (f.get("Rust grows")?, f.get("Rust bounded")?);
    let growth = large / small.max(1.0);
    let says = format!(
        "the top line of the snapshot diff grew by {} bytes for 200 objects and {} ({} blocks) for 1 000, {:.1}× for 5× the objects; it is {}; the cache's append line grew by {} bytes (Rust: the growing cache still holds {} bytes, the bounded one {})",
        num(small),
        num(large),
        num(f.get("top count, 1 000")?),
        growth,
        if is_cache {
            "the cache's append line"
        } else if makes_data {
            "the line that makes the cached data"
        } else {
            "another line"
        },
        num(f.get("cache line")?),
        num(grows),
        num(bounded)
    );
    let judged = if growth < SNAPSHOT_RATIO / 2.0 || (!is_cache && !makes_data) || grows <= bounded
    {
        Judgement::fails(says)
    } else if is_cache {
        Judgement::holds(says)
    } else {
        Judgement::nuance(format!(
            "{says}: it finds the growth and the line that made it, not the cache that keeps it"
        ))
    };
    Ok(judged.short(format!(
        "top line +{} B, {:.1}× for 5× n",
        num(large),
        growth
    )))
}

fn closure_captures(f: &Figures) -> Result<Judgement, Missing> {
    let (buffer, len, nothing) = (
        f.get("captures buffer")?,
        f.get("captures len")?,
        f.get("names nothing")?,
    );
    let (rust_buffer, rust_len) = (f.get("Rust buffer")?, f.get("Rust len")?);
    let says = format!(
        "callbacks that capture their buffer keep {} bytes, ones that capture its length {} ({}); the tutorial's closure that never names its buffer keeps {} (Rust: {} against {} bytes)",
        num(buffer),
        num(len),
        pct(len, buffer.max(1.0)),
        num(nothing),
        num(rust_buffer),
        num(rust_len)
    );
    let judged = if buffer <= 3.0 * len || rust_buffer <= 3.0 * rust_len {
        Judgement::fails(says)
    } else if nothing * 3.0 < buffer {
        Judgement::nuance(format!(
            "{says}: the tutorial's own bad closure captures nothing, since a closure captures only the names it uses"
        ))
    } else {
        Judgement::holds(says)
    };
    Ok(judged.short(format!("{} B against {} B", num(buffer), num(len))))
}

#[cfg(test)]
mod tests {
    use heaplab_core::claim::{Verdict, verdict_on};

    use super::*;

    fn judge(number: u32, pairs: &[(&'static str, f64)]) -> Verdict {
        verdict_on(&claims(), number, pairs)
    }

    #[test]
    fn snapshot_diff() {
        let run = |large, is_cache, makes_data, bounded| {
            [
                ("top line, 200", 1_700_000.0),
                ("top line, 1 000", large),
                ("top count, 1 000", 2_000.0),
                ("top is the cache", is_cache),
                ("top makes the data", makes_data),
                ("cache line", 8_000.0),
                ("Rust grows", 25_600_000.0),
                ("Rust bounded", bounded),
            ]
        };
        assert_eq!(judge(6, &run(8.5e6, 1.0, 0.0, 256_000.0)), Verdict::Holds);
        assert_eq!(judge(6, &run(8.5e6, 0.0, 1.0, 256_000.0)), Verdict::Nuance);
        assert_eq!(
            judge(6, &run(1.8e6, 0.0, 1.0, 256_000.0)),
            Verdict::DoesNotHold,
            "the top line does not grow with n"
        );
        assert_eq!(
            judge(6, &run(8.5e6, 0.0, 0.0, 256_000.0)),
            Verdict::DoesNotHold
        );
        assert_eq!(judge(6, &run(8.5e6, 1.0, 0.0, 3e7)), Verdict::DoesNotHold);
        assert_eq!(
            judge(6, &run(8.5e6, 1.0, 0.0, 256_000.0)[..7]),
            Verdict::NotMeasured
        );
    }

    #[test]
    fn closures() {
        let run = |len, nothing, rust_len| {
            [
                ("captures buffer", 11_000_000.0),
                ("captures len", len),
                ("names nothing", nothing),
                ("Rust buffer", 10_480_000.0),
                ("Rust len", rust_len),
            ]
        };
        assert_eq!(judge(9, &run(5e5, 5e6, 80_000.0)), Verdict::Holds);
        assert_eq!(judge(9, &run(5e5, 1e5, 80_000.0)), Verdict::Nuance);
        assert_eq!(judge(9, &run(5e6, 0.0, 80_000.0)), Verdict::DoesNotHold);
        assert_eq!(judge(9, &run(5e5, 0.0, 5e6)), Verdict::DoesNotHold);
    }
}
