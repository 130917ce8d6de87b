//! PLACEHOLDER: replaced by the html reader.

use super::{Extracted, FormatError};

/// Reads one html file.
pub fn extract(_bytes: &[u8]) -> Result<Extracted, FormatError> {
    Err(FormatError::new("html files are not read yet"))
}
