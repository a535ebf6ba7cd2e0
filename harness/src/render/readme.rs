//! README figure blocks (filled in below).
