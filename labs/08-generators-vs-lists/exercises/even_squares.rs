//! Exercise 08-1 — the sum of even squares in constant memory.
//!
//! The tutorial's generator example: `sum(x * x for x in range(n) if x % 2
//! == 0)` holds one number at a time, where a list comprehension holds all
//! of them. This starting version builds a list at every step: it is
//! right, and its peak memory grows with `n`.
//!
//! Task: `sum_even_squares(n)` returns the sum of `i * i` over the even `i`
//! below `n`, with **no allocation at all: 0 blocks and a peak of 0
//! bytes**, at n = 10 000 and at n = 100 000.
//!
//! Check it: `heaplab exercise check 08-1`.

/// The sum of `i * i` for the even `i` in `0..n`.
pub fn sum_even_squares(n: u64) -> u64 {
    let numbers: Vec<u64> = (0..n).collect();
    let evens: Vec<u64> = numbers.into_iter().filter(|i| i % 2 == 0).collect();
    let squares: Vec<u64> = evens.iter().map(|i| i * i).collect();
    squares.iter().sum()
}
