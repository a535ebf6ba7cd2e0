//! The tutorial's claims this lab measures, with the rules that judge them.

use heaplab_core::claim::{At, Claim, Figures, Judgement, Missing, num};

/// Claim 8 of the ledger.
pub fn claims() -> [Claim; 1] {
    [Claim::new(
        8,
        "cache-bounded",
        "An unbounded cache grows without limit; an evicting one does not.",
        "Memory Management, Memory Leaks Detection, example 9 (pattern 2)",
    )
    .python(
        "dict, smallest n",
        "distinct-keys/dict",
        At::Smallest,
        "live_bytes",
    )
    .python(
        "dict, largest n",
        "distinct-keys/dict",
        At::Largest,
        "live_bytes",
    )
    .python(
        "lru_cache, smallest n",
        "distinct-keys/lru_cache",
        At::Smallest,
        "live_bytes",
    )
    .python(
        "lru_cache, largest n",
        "distinct-keys/lru_cache",
        At::Largest,
        "live_bytes",
    )
    .rust(
        "Rust HashMap, largest n",
        "distinct-keys/unbounded",
        At::Largest,
        "live_bytes",
    )
    .rust(
        "Rust slab LRU, largest n",
        "distinct-keys/slab-lru",
        At::Largest,
        "live_bytes",
    )
    .rule(bounded)]
}

fn bounded(f: &Figures) -> Result<Judgement, Missing> {
    let (dict_small, dict_large) = f.trend("dict, smallest n", "dict, largest n")?;
    let (lru_small, lru_large) = f.trend("lru_cache, smallest n", "lru_cache, largest n")?;
    let says = format!(
        "from the smallest to the largest stream of distinct keys the dict keeps {} then {} bytes ({:.0}×), lru_cache {} then {} (Rust: {} bytes in a HashMap, {} in the slab LRU)",
        num(dict_small),
        num(dict_large),
        dict_large / dict_small,
        num(lru_small),
        num(lru_large),
        num(f.get("Rust HashMap, largest n")?),
        num(f.get("Rust slab LRU, largest n")?)
    );
    let judged = Judgement::either(
        dict_large > dict_small * 5.0 && lru_large <= lru_small * 1.5,
        says,
    );
    Ok(judged.short(format!(
        "dict ×{:.0}, lru_cache ×{:.2}",
        dict_large / dict_small,
        lru_large / lru_small
    )))
}

#[cfg(test)]
mod tests {
    use heaplab_core::claim::Verdict;

    use super::*;

    #[test]
    fn grows_or_stays() {
        let run = |lru| {
            Figures::of(&[
                ("dict, smallest n", 3_497_144.0),
                ("dict, largest n", 362_935_264.0),
                ("lru_cache, smallest n", 452_616.0),
                ("lru_cache, largest n", lru),
                ("Rust HashMap, largest n", 2.9e8),
                ("Rust slab LRU, largest n", 357_648.0),
            ])
        };
        let [claim] = claims();
        assert_eq!(claim.judge(&run(452_600.0)).verdict, Verdict::Holds);
        assert_eq!(claim.judge(&run(4e7)).verdict, Verdict::DoesNotHold);
        // A quick run measures one size: no trend, so no verdict.
        let mut one_size = run(452_600.0);
        for label in ["dict, smallest n", "dict, largest n"] {
            one_size.set_size(label, 10_000);
        }
        assert_eq!(claim.judge(&one_size).verdict, Verdict::NotMeasured);
    }
}
