//! How every figure heaplab prints for people is formatted: one function,
//! so the report, the README blocks and the gate's tables agree to the digit.

/// A figure for a table: three significant figures (whole numbers in
/// full), thousands grouped with commas, and small per-op figures shown
/// to three significant digits (one allocation in 10 000 is `0.000100`,
/// never `0.000`).
///
/// ```
/// use heaplab::render::number::number;
/// assert_eq!(number(1_234_567.0), "1,234,567");
/// assert_eq!(number(12.345), "12.3");
/// assert_eq!(number(0.12345), "0.123");
/// assert_eq!(number(0.0001), "0.000100");
/// assert_eq!(number(0.000_123_4), "0.000123");
/// assert_eq!(number(0.0), "0");
/// assert_eq!(number(8.0), "8");
/// assert_eq!(number(-1234.0), "-1,234");
/// ```
pub fn number(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v == 0.0 {
            "0".to_owned()
        } else {
            v.to_string()
        };
    }
    let a = v.abs();
    let decimals = if a >= 100.0 || v.fract() == 0.0 {
        0
    } else {
        // Three significant digits: 12.3, 1.23, 0.123, 0.0123, ...
        let magnitude = a.log10().floor() as i32;
        (2 - magnitude).clamp(1, 12) as usize
    };
    let text = format!("{v:.decimals$}");
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0
            && (int.len() - i) % 3 == 0
            && c.is_ascii_digit()
            && int.as_bytes()[i - 1].is_ascii_digit()
        {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{grouped}.{f}"),
        None => grouped,
    }
}
