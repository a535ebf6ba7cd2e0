//! The tutorial's claims this lab measures, with the rules that judge them.

use heaplab_core::claim::{At, Claim, Figures, Judgement, Missing, num};

/// A peak that grows by less than this factor from the smallest to the
/// largest size is flat: tracemalloc's own bookkeeping moves by a few
/// dozen bytes.
const FLAT: f64 = 2.0;

/// Where a list's peak is read: its growth shows from 100 000 on, and a
/// further interpreter need not build ten million ints under tracemalloc.
const LIST: At = At::UpTo(100_000);

/// Claims 25–27 of the ledger.
pub fn claims() -> [Claim; 3] {
    [
        Claim::new(
            25,
            "generator-constant-memory",
            "A generator uses constant memory whatever its length; a list grows with it.",
            "Memory Management, Optimization Patterns, example 20; notebook parts 8–9",
        )
        .python("generator, smallest n", "sum-squares/generator", At::Smallest, "peak_bytes")
        .python("generator, largest n", "sum-squares/generator", At::Largest, "peak_bytes")
        .python("list", "sum-squares/list", LIST, "peak_bytes")
        .python_fact("getsizeof generator", "sys.getsizeof(a generator object)")
        .python_fact("getsizeof list of 1 000", "sys.getsizeof(list(range(1000)))")
        .rust("Rust iterator, largest n", "sum-squares/iterator", At::Largest, "peak_bytes")
        .rust("Rust Vec per step, largest n", "sum-squares/collect-each-step", At::Largest, "peak_bytes")
        .rule(constant_memory),
        Claim::new(
            26,
            "generator-chain",
            "Chaining generators instead of building intermediate lists saves memory.",
            "Memory Management, Optimization Patterns, example 20 (iterator chaining)",
        )
        .python("chain peak", "first-10-even-squares/generator", LIST, "peak_bytes")
        .python("lists peak", "first-10-even-squares/list", LIST, "peak_bytes")
        .python_fact("chain, snapshot diff", "example 20's snapshot diff, generator chain (n = 1 000 000)")
        .python_fact("lists, snapshot diff", "example 20's snapshot diff, intermediate lists (n = 1 000 000)")
        .rust("Rust iterator chain", "first-10-even-squares/iterator", At::Largest, "peak_bytes")
        .rust("Rust Vec per step", "first-10-even-squares/collect-each-step", At::Largest, "peak_bytes")
        .rule(chain)
        .method("Example 20 sums a tracemalloc snapshot diff taken after the function returned: by then the intermediate lists are freed and only the ten results remain, so both approaches look alike; the saving is in the peak while the function runs, which tracemalloc's get_traced_memory (and dhat in Rust) report."),
        Claim::new(
            27,
            "file-generator-flat",
            "Reading a large file through a generator keeps memory flat; a context manager closes the file even on error.",
            "Memory Management, Optimization Patterns; notebook part 10",
        )
        .python("line by line, smallest n", "read-lines/line-by-line", At::Smallest, "peak_bytes")
        .python("line by line, largest n", "read-lines/line-by-line", At::Largest, "peak_bytes")
        .python("read whole, largest n", "read-lines/readlines", At::Largest, "peak_bytes")
        .python_fact("closed after error", "a file opened by with is closed after an exception")
        .rust("Rust lines(), largest n", "read-lines/lines-iterator", At::Largest, "peak_bytes")
        .rust_fact("Rust descriptors left", "descriptors left open by an early return with an error")
        .rule(file_flat),
    ]
}

fn constant_memory(f: &Figures) -> Result<Judgement, Missing> {
    let (small, large) = f.trend("generator, smallest n", "generator, largest n")?;
    let list = f.get("list")?;
    let says = format!(
        "the generator's peak is {} bytes at the smallest n and {} at the largest, the list's {} at {}; the tutorial's getsizeof shows {} bytes for a generator and {} for a list of 1 000 (its pointers only, not the ints); Rust's iterator peaks at {} bytes, a Vec per step at {}",
        num(small),
        num(large),
        num(list),
        f.at("list"),
        num(f.get("getsizeof generator")?),
        num(f.get("getsizeof list of 1 000")?),
        num(f.get("Rust iterator, largest n")?),
        num(f.get("Rust Vec per step, largest n")?)
    );
    let judged = Judgement::either(large <= small * FLAT && list > large * 10.0, says);
    Ok(judged.short(format!(
        "generator {} → {} B, list {} B",
        num(small),
        num(large),
        num(list)
    )))
}

fn chain(f: &Figures) -> Result<Judgement, Missing> {
    let (chain, lists) = (f.get("chain peak")?, f.get("lists peak")?);
    let (chain_diff, lists_diff) = (
        f.get("chain, snapshot diff")?,
        f.get("lists, snapshot diff")?,
    );
    let says = format!(
        "the chain peaks at {} bytes at {}, the intermediate lists at {} at {}; the tutorial's snapshot diff after the call shows {} against {} bytes at n = 1 000 000 (Rust: {} against {})",
        num(chain),
        f.at("chain peak"),
        num(lists),
        f.at("lists peak"),
        num(chain_diff),
        num(lists_diff),
        num(f.get("Rust iterator chain")?),
        num(f.get("Rust Vec per step")?)
    );
    let judged = if chain * 2.0 > lists {
        Judgement::fails(says)
    } else if (lists_diff - chain_diff) * 10.0 < lists - chain {
        // The method sees less than a tenth of the saving the peaks show.
        Judgement::nuance(format!(
            "{says}: the saving is in the peak, which the tutorial's method does not see"
        ))
    } else {
        Judgement::holds(says)
    };
    Ok(judged.short(format!(
        "peaks {} vs {} B; diff {} vs {} B",
        num(chain),
        num(lists),
        num(chain_diff),
        num(lists_diff)
    )))
}

fn file_flat(f: &Figures) -> Result<Judgement, Missing> {
    let (small, large) = f.trend("line by line, smallest n", "line by line, largest n")?;
    let whole = f.get("read whole, largest n")?;
    let closed = f.get("closed after error")? != 0.0;
    let says = format!(
        "reading line by line peaks at {} bytes for the smallest file and {} for the largest, reading it whole at {}; the file {} after an exception in its with block (Rust: lines() peaks at {} bytes; an early return leaves {} descriptors open)",
        num(small),
        num(large),
        num(whole),
        if closed { "is closed" } else { "stays open" },
        num(f.get("Rust lines(), largest n")?),
        num(f.get("Rust descriptors left")?)
    );
    let judged = Judgement::either(
        closed && large <= small * FLAT && whole > large * 10.0,
        says,
    );
    Ok(judged.short(format!(
        "line by line {} → {} B, whole {} B",
        num(small),
        num(large),
        num(whole)
    )))
}

#[cfg(test)]
mod tests {
    use heaplab_core::claim::{Verdict, verdict_on};

    use super::*;

    fn judge(number: u32, pairs: &[(&'static str, f64)]) -> Verdict {
        verdict_on(&claims(), number, pairs)
    }

    #[test]
    fn generators() {
        let run = |large| {
            [
                ("generator, smallest n", 472.0),
                ("generator, largest n", large),
                ("list", 7_993_400.0),
                ("getsizeof generator", 200.0),
                ("getsizeof list of 1 000", 8056.0),
                ("Rust iterator, largest n", 0.0),
                ("Rust Vec per step, largest n", 1.6e8),
            ]
        };
        assert_eq!(judge(25, &run(552.0)), Verdict::Holds);
        assert_eq!(judge(25, &run(8e7)), Verdict::DoesNotHold);
    }

    #[test]
    fn chains() {
        let run = |chain, diff| {
            [
                ("chain peak", chain),
                ("lists peak", 647_887_472.0),
                ("chain, snapshot diff", 1_000.0),
                ("lists, snapshot diff", diff),
                ("Rust iterator chain", 0.0),
                ("Rust Vec per step", 1.8e8),
            ]
        };
        assert_eq!(judge(26, &run(1_112.0, 640e6)), Verdict::Holds);
        assert_eq!(judge(26, &run(1_112.0, 1_200.0)), Verdict::Nuance);
        assert_eq!(judge(26, &run(4e8, 1_200.0)), Verdict::DoesNotHold);
    }

    #[test]
    fn files() {
        let run = |closed| {
            [
                ("line by line, smallest n", 22_234.0),
                ("line by line, largest n", 22_334.0),
                ("read whole, largest n", 140_454_281.0),
                ("closed after error", closed),
                ("Rust lines(), largest n", 8272.0),
                ("Rust descriptors left", 0.0),
            ]
        };
        assert_eq!(judge(27, &run(1.0)), Verdict::Holds);
        assert_eq!(judge(27, &run(0.0)), Verdict::DoesNotHold);
    }
}
