//! PLACEHOLDER: replaced by the docx reader.

use super::{Extracted, FormatError};

/// Reads one docx file.
pub fn extract(_bytes: &[u8]) -> Result<Extracted, FormatError> {
    Err(FormatError::new("docx files are not read yet"))
}
