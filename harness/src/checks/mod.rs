//! Self-checks: `heaplab smoke` ([`smoke`]) and the test-only lab it
//! measures ([`calibration`]).

pub mod calibration;
pub mod smoke;
