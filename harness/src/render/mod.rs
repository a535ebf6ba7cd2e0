//! Everything written for people, from a results file: the Markdown report
//! and its plots ([`report`], [`plot`]), the export for other tools
//! ([`export`]), and the figure blocks of the READMEs ([`readme`]).

pub mod export;
pub mod number;
pub mod plot;
pub mod readme;
pub mod report;
