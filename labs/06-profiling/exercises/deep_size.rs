//! Exercise 06-2 — a deep-size estimate that agrees with dhat.
//!
//! `size_of_val` is shallow, like `sys.getsizeof`: for a map it counts the
//! handle, not the table or the texts the map owns. This version returns
//! that shallow size.
//!
//! Task: `heap_bytes(map)` returns **exactly** the bytes the map owns on
//! the heap — what dhat counts as live for it — for every shape of map the
//! check builds (empty, reserved, grown, with removals, Strings with spare
//! capacity), and computing it **allocates nothing**.
//!
//! Check it: `heaplab exercise check 06-2`; a hint: `heaplab exercise hint 06-2`.

use std::mem::size_of_val;

use heaplab_core::FixedMap;

/// The heap bytes `map` owns: its table and its texts.
pub fn heap_bytes(map: &FixedMap<u64, String>) -> usize {
    size_of_val(map)
}
