//! `heaplab`: measure the labs, write results and the report. The
//! command line is in `cli.rs`; everything it does is in the library.

mod cli;

// dhat counts every allocation while a profiler runs (only inside
// `heap-case`); with none running it forwards to the system allocator.
// `Reserving` sums the blocks' usable sizes while `heap-case --reserved`
// counts the bytes reserved (no profiler running); otherwise it only
// forwards. Time and instructions are measured in other binaries with the
// system allocator, never here.
#[global_allocator]
static ALLOC: heaplab::measure::reserved::Reserving = heaplab::measure::reserved::Reserving::new();

fn main() -> std::process::ExitCode {
    cli::main()
}
