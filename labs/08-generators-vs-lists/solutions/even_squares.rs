//! Exercise 08-1 — reference solution: an iterator chain, nothing stored.

/// The sum of `i * i` for the even `i` in `0..n`.
pub fn sum_even_squares(n: u64) -> u64 {
    (0..n).filter(|i| i % 2 == 0).map(|i| i * i).sum()
}
