//! Exercise 06-2 — reference solution: hashbrown's table, and capacities.
//!
//! A `HashMap<u64, String>` owns one table and one buffer per text. The
//! table has a power-of-two number of buckets (7/8 of them usable: the
//! map's `capacity()`), a 32-byte slot per bucket rounded up to a 16-byte
//! group, one control byte per bucket and a trailing group of 16. A text
//! owns its `capacity()`, not its `len()`. No set of visited ids: nothing
//! is shared, and the walk allocates nothing.

use std::mem::size_of;

use heaplab_core::FixedMap;

/// Bytes of one control group.
const GROUP: usize = 16;

/// The heap bytes `map` owns: its table and its texts.
pub fn heap_bytes(map: &FixedMap<u64, String>) -> usize {
    let buckets = match map.capacity() {
        0 => 0,
        c if c < 7 => c + 1,
        c => c / 7 * 8,
    };
    let table = if buckets == 0 {
        0
    } else {
        (buckets * size_of::<(u64, String)>()).next_multiple_of(GROUP) + buckets + GROUP
    };
    table + map.values().map(String::capacity).sum::<usize>()
}
