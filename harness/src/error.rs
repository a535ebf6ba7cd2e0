//! The one error type of heaplab's commands: a message and the exit code
//! it maps to (DESIGN.md): 1 the run itself failed, 2 bad input.

use std::fmt;

/// A failure with its exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// 1 (the run failed) or 2 (bad input).
    pub code: u8,
    /// What went wrong and what to do.
    pub message: String,
}

impl Error {
    /// Bad input: usage, a file that cannot be used (exit 2).
    pub fn input(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
        }
    }

    /// The run itself failed (exit 1).
    pub fn run(message: impl Into<String>) -> Self {
        Self {
            code: 1,
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<Error> for String {
    fn from(e: Error) -> Self {
        e.message
    }
}
