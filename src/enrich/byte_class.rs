//! What a byte of UTF-8 text says about the words around it, told by one table lookup: the
//! word scans of enrichment and the index's tokenizer pass over most bytes with it instead of
//! a chain of range tests. The scans of enrichment that visit only word starts classify a
//! block of bytes at a time into bit masks instead ([`classify_block`]).

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

/// The bytes [`classify_block`] classifies at once, one bit of a `u64` mask each.
pub(crate) const BLOCK_LEN: usize = 64;

/// The classes of the bytes of a block: bit i of each mask is set when byte i is in the class.
/// A digit is a byte in `alphanumeric` but not in `letters`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct BlockClasses {
    /// ASCII letters and digits.
    pub(crate) alphanumeric: u64,
    /// ASCII letters.
    pub(crate) letters: u64,
    /// ASCII capitals.
    pub(crate) capitals: u64,
    /// The bytes of characters beyond ASCII.
    pub(crate) non_ascii: u64,
    /// ASCII letters and the bytes of characters beyond ASCII, where a word of letters may
    /// start; one mask where two would cost a scan that needs only this.
    pub(crate) letters_or_non_ascii: u64,
    /// Line feeds.
    pub(crate) line_ends: u64,
}

/// Classifies the bytes of `block` sixteen at a time with SSE2, which every x86-64 processor
/// has: a few instructions per sixteen bytes, where the byte loop
/// ([`classify_block_bytewise`]) costs several per byte. Each scan reads only the masks it
/// needs, and the compiler drops the work of the others where this is inlined.
///
/// Adding `0x80 - low` to a byte moves the range `low..low + n` onto the `n` smallest signed
/// bytes, so one signed comparison tests it; setting bit 5 first folds ASCII capitals onto
/// lowercase letters and no other byte onto one. `classify_block_agrees_with_a_byte_loop`
/// checks every byte value in every position.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
pub(crate) fn classify_block(block: &[u8; BLOCK_LEN]) -> BlockClasses {
    // SAFETY: this is compiled only for targets with SSE2, which every x86-64 processor has.
    unsafe { classify_block_sse2(block) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn classify_block_sse2(block: &[u8; BLOCK_LEN]) -> BlockClasses {
    use std::arch::x86_64::{
        _mm_add_epi8, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_set_epi64x,
    };
    let eight_bytes = |start: usize| {
        i64::from_le_bytes(
            block[start..start + 8]
                .try_into()
                .expect("a block holds whole groups of eight bytes"),
        )
    };
    // The signed comparison that holds for the `n` bytes from `low` on.
    let in_range = |bytes, low: u8, n: u8| {
        _mm_cmplt_epi8(
            _mm_add_epi8(bytes, _mm_set1_epi8(0x80u8.wrapping_sub(low) as i8)),
            _mm_set1_epi8(i8::MIN + n as i8),
        )
    };
    let mut classes = BlockClasses::default();
    for start in (0..BLOCK_LEN).step_by(16) {
        let bytes = _mm_set_epi64x(eight_bytes(start + 8), eight_bytes(start));
        let letters = in_range(_mm_or_si128(bytes, _mm_set1_epi8(0x20)), b'a', 26);
        let digits = in_range(bytes, b'0', 10);
        // The sign bit of each byte, which `_mm_movemask_epi8` gathers, is set in a byte of a
        // comparison's result when the comparison holds, and in a non-ASCII byte.
        let mask = |bytes| u64::from(_mm_movemask_epi8(bytes) as u16) << start;
        classes.alphanumeric |= mask(_mm_or_si128(letters, digits));
        classes.letters |= mask(letters);
        classes.capitals |= mask(in_range(bytes, b'A', 26));
        classes.non_ascii |= mask(bytes);
        classes.letters_or_non_ascii |= mask(_mm_or_si128(letters, bytes));
        classes.line_ends |= mask(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\n' as i8)));
    }
    classes
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
pub(crate) fn classify_block(block: &[u8; BLOCK_LEN]) -> BlockClasses {
    classify_block_bytewise(block)
}

/// What [`classify_block`] computes, one byte at a time.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
pub(crate) fn classify_block_bytewise(block: &[u8; BLOCK_LEN]) -> BlockClasses {
    let mut classes = BlockClasses::default();
    for (position, &byte) in block.iter().enumerate() {
        let bit = |holds: bool| u64::from(holds) << position;
        classes.alphanumeric |= bit(byte.is_ascii_alphanumeric());
        classes.letters |= bit(byte.is_ascii_alphabetic());
        classes.capitals |= bit(byte.is_ascii_uppercase());
        classes.non_ascii |= bit(!byte.is_ascii());
        classes.letters_or_non_ascii |= bit(byte.is_ascii_alphabetic() || !byte.is_ascii());
        classes.line_ends |= bit(byte == b'\n');
    }
    classes
}

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

    // Elsewhere `classify_block` is the byte loop itself.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[test]
    fn classify_block_agrees_with_a_byte_loop() {
        for byte in 0..=u8::MAX {
            for position in 0..BLOCK_LEN {
                let mut block =
                    *b"aZ0zA9mQ ,.\x80\xff-'\"@[`{/:AZaz09\x7f\x00\xc3\xa9Mai (2022),\n\xd0\xbc\xd0\xb0\xd1\x8f;12.02.x\x1f\x01ZzQ9";
                block[position] = byte;
                assert_eq!(
                    classify_block(&block),
                    classify_block_bytewise(&block),
                    "byte {byte:#04x} at {position}"
                );
            }
        }
    }
}
