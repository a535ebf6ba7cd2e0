//! `heaplab`: measure the labs, write results and the report. The
//! command line is in `cli.rs`; everything it does is in the library.

mod cli;

// dhat counts every allocation while a profiler runs (only inside
// `heap-case`); with none running it forwards to the system allocator.
// Time and instructions are measured in other binaries with the system
// allocator, never here.
#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
