//! Exercise 07-1 — reference solution: narrow fields, compiler's order.
//!
//! Each field gets the narrowest type its range allows, and without
//! `#[repr(C)]` the compiler orders them to waste nothing but the final
//! padding: 4 + 2 + 2 + 1 = 9 bytes of data, 12 with the struct's alignment
//! of 4.

use lab07_object_internals::exercises::reading::Sample;

/// One reading.
pub struct Reading {
    seq: u32,
    sensor: u16,
    tenths: i16,
    ok: bool,
}

impl Sample for Reading {
    fn new(sensor: u16, tenths: i16, seq: u32, ok: bool) -> Self {
        Reading {
            seq,
            sensor,
            tenths,
            ok,
        }
    }

    fn sensor(&self) -> u16 {
        self.sensor
    }

    fn tenths(&self) -> i16 {
        self.tenths
    }

    fn seq(&self) -> u32 {
        self.seq
    }

    fn ok(&self) -> bool {
        self.ok
    }
}
