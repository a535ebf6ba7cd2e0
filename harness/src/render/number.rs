//! How every figure heaplab prints for people is formatted: one function,
//! so the report, the README blocks and the gate's tables agree to the digit.

/// A figure for a table (the one formatting, shared with the claims'
/// sentences in `heaplab_core`; see [`heaplab_core::number`]).
///
/// ```
/// use heaplab::render::number::number;
/// assert_eq!(number(1_234_567.0), "1,234,567");
/// ```
pub fn number(v: f64) -> String {
    heaplab_core::number(v)
}
