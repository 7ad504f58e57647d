//! What a byte of UTF-8 text says about the words around it, told by one table lookup: the
//! word scans of enrichment and the index's tokenizer pass over most bytes with it instead of
//! a chain of range tests.

/// The class of a byte of UTF-8 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ByteClass {
    /// An ASCII letter or digit: part of a word.
    AsciiAlphanumeric,
    /// Any other ASCII byte: part of no word.
    AsciiSeparator,
    /// A byte of a character beyond ASCII, which must be decoded to tell.
    NonAscii,
}

/// [`ByteClass`] of every byte value.
pub(crate) const BYTE_CLASSES: [ByteClass; 256] = {
    let mut classes = [ByteClass::NonAscii; 256];
    let mut byte: u8 = 0;
    while byte < 128 {
        classes[byte as usize] = if byte.is_ascii_alphanumeric() {
            ByteClass::AsciiAlphanumeric
        } else {
            ByteClass::AsciiSeparator
        };
        byte += 1;
    }
    classes
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_has_the_class_of_its_definition() {
        for byte in 0..=u8::MAX {
            let expected = if !byte.is_ascii() {
                ByteClass::NonAscii
            } else if byte.is_ascii_alphanumeric() {
                ByteClass::AsciiAlphanumeric
            } else {
                ByteClass::AsciiSeparator
            };
            assert_eq!(BYTE_CLASSES[usize::from(byte)], expected, "{byte:#04x}");
        }
    }
}
