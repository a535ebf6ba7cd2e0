//! Exercise 07-1 — shrink a sensor reading to 12 bytes.
//!
//! A logger keeps millions of readings in memory. Each holds a sensor id
//! (below 65 536), a temperature in tenths of a degree (−3 276.8 to
//! 3 276.7 degrees), a sequence number (below 2³²) and a fault flag. The
//! starting `Reading` below gives every field a full 8 bytes and keeps C's
//! declaration order: 32 bytes a reading, most of it zeros and padding.
//!
//! Task: the same behaviour with **`size_of::<Reading>()` at most 12**, so
//! n readings in a `Vec` take at most n × 12 bytes, at n = 10 000 and
//! 100 000.
//!
//! Check it: `heaplab exercise check 07-1`.

use lab07_object_internals::exercises::reading::Sample;

/// One reading.
#[repr(C)]
pub struct Reading {
    ok: bool,
    seq: u64,
    sensor: u64,
    tenths: i64,
}

impl Sample for Reading {
    fn new(sensor: u16, tenths: i16, seq: u32, ok: bool) -> Self {
        Reading {
            ok,
            seq: seq.into(),
            sensor: sensor.into(),
            tenths: tenths.into(),
        }
    }

    fn sensor(&self) -> u16 {
        self.sensor as u16
    }

    fn tenths(&self) -> i16 {
        self.tenths as i16
    }

    fn seq(&self) -> u32 {
        self.seq as u32
    }

    fn ok(&self) -> bool {
        self.ok
    }
}
