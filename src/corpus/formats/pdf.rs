//! PLACEHOLDER: replaced by the pdf reader.

use super::{Extracted, FormatError};

/// Reads one pdf file.
pub fn extract(_bytes: &[u8]) -> Result<Extracted, FormatError> {
    Err(FormatError::new("pdf files are not read yet"))
}
