//! Errors that decide the exit code.

use std::fmt;

/// A mistake in how newsmill was called or configured (exit code 2), as opposed to a
/// run that failed while working (exit code 1).
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}
