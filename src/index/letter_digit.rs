//! A token filter that also indexes the letter and digit runs of a mixed token: "covid19"
//! stays "covid19" and adds "covid" and "19", "il6" adds "il" and "6".
//!
//! Writers glue names and numbers together inconsistently: "COVID-19" and "COVID19", "IL-6"
//! and "IL6", "H1N1", "TRPML1" beside "TRPML". The tokenizer splits at the hyphen but not
//! between a letter and a digit, so one spelling never matched the other. The runs take
//! consecutive positions, the first one the whole token's, and the tokens after them move up
//! by the extra runs: "COVID19 cases" is indexed like "COVID-19 cases" plus the token
//! "covid19", so the phrase "covid 19 cases" matches both spellings. A word or phrase in a
//! query asks for the runs ("covid19" means the phrase "covid 19"); plain words ask for the
//! whole token and the runs. This is Lucene's word-delimiter "split on numerics" with the
//! original token kept.
//!
//! The analyzers get the runs from `LowercaseWords::with_runs`, which adds them in the pass
//! that finds the words, with the tokens of this filter after `LowercaseWords::new`.
//!
//! Chosen on the SciFact train queries (Python replica, `benches/scifact-lab/`, section
//! `tokens`): nDCG@10 0.7092 → 0.7165 and Recall@100 0.9347 → 0.9439 with feedback; the
//! bench figures are in BENCHMARKS.md.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Token filter: after a token made of both letters and digits, emits each run of letters and
/// each run of digits as a token, the first at the token's position and the others after it.
#[derive(Clone, Copy, Default)]
pub struct LetterDigitSplitter;

impl TokenFilter for LetterDigitSplitter {
    type Tokenizer<T: Tokenizer> = LetterDigitSplitterFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> LetterDigitSplitterFilter<T> {
        LetterDigitSplitterFilter { inner: tokenizer }
    }
}

/// [`LetterDigitSplitter`] applied to a tokenizer.
#[derive(Clone)]
pub struct LetterDigitSplitterFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for LetterDigitSplitterFilter<T> {
    type TokenStream<'a> = LetterDigitSplitterStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        LetterDigitSplitterStream {
            tail: self.inner.token_stream(text),
            pending: Vec::new(),
            part: Token::default(),
            in_part: false,
            shift: 0,
            tail_position: None,
            runs: Vec::new(),
        }
    }
}

/// The token stream of [`LetterDigitSplitterFilter`].
pub struct LetterDigitSplitterStream<T> {
    tail: T,
    /// Runs of the last whole token still to emit, last run first.
    pending: Vec<Token>,
    /// The run being emitted, when `in_part`.
    part: Token,
    in_part: bool,
    /// Positions added so far by runs: every later token moves up by this much.
    shift: usize,
    /// The tail's own position of the token last moved up, given back before the tail
    /// advances: the tail counts its next token's position on from its token's, and would
    /// otherwise count the shift again at every later token.
    tail_position: Option<usize>,
    /// Room for the runs of a token before they become tokens.
    runs: Vec<Run>,
}

/// Whether `word` may hold a digit: true for every word with an ASCII digit or another numeric
/// character (the test [`runs`] splits on), and for a few ASCII words with punctuation, which
/// [`runs`] then finds to be one run. It is asked of every token, so it is a quick look.
fn has_digit(word: &str) -> bool {
    // One pass without a branch per byte: the bits all bytes share, and the bits any byte has.
    // Of ASCII letters and digits only the digits (0x30-0x39) lack the 0x40 bit.
    let (all_bits, any_bits) = word
        .bytes()
        .fold((u8::MAX, 0u8), |(all, any), byte| (all & byte, any | byte));
    if any_bits.is_ascii() {
        all_bits & 0x40 == 0
    } else {
        word.chars().any(char::is_numeric)
    }
}

/// A letter or digit run of a mixed token, as it will be emitted.
pub(crate) struct Run {
    /// Byte range in the token's (lowercased) text.
    pub start: usize,
    pub end: usize,
    /// Where the run is highlighted in the original text.
    pub offset_from: usize,
    pub offset_to: usize,
    pub position: usize,
}

/// Pushes the runs `ranges` of the mixed `token` onto `pending`, last run first (so that
/// popping emits them in order), each at the position after the one before it.
pub(crate) fn push_runs(token: &Token, ranges: &[(usize, usize)], pending: &mut Vec<Run>) {
    // Lowercasing can change a word's length in bytes ("İ"); then the runs are highlighted as
    // the whole word.
    let same_length = token.offset_to - token.offset_from == token.text.len();
    for (run_idx, &(start, end)) in ranges.iter().enumerate().rev() {
        let (offset_from, offset_to) = if same_length {
            (token.offset_from + start, token.offset_from + end)
        } else {
            (token.offset_from, token.offset_to)
        };
        pending.push(Run {
            start,
            end,
            offset_from,
            offset_to,
            position: token.position + run_idx,
        });
    }
}

/// The byte ranges of the letter and digit runs of `word`, or nothing when it has only one.
pub(crate) fn runs(word: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut start = 0;
    let mut previous_is_digit = None;
    for (offset, character) in word.char_indices() {
        let is_digit = character.is_numeric();
        if previous_is_digit.is_some_and(|previous| previous != is_digit) {
            ranges.push((start, offset));
            start = offset;
        }
        previous_is_digit = Some(is_digit);
    }
    if ranges.is_empty() {
        return ranges;
    }
    ranges.push((start, word.len()));
    ranges
}

impl<T: TokenStream> TokenStream for LetterDigitSplitterStream<T> {
    fn advance(&mut self) -> bool {
        if let Some(part) = self.pending.pop() {
            self.part = part;
            self.in_part = true;
            return true;
        }
        self.in_part = false;
        if let Some(position) = self.tail_position.take() {
            self.tail.token_mut().position = position;
        }
        if !self.tail.advance() {
            return false;
        }
        let shift = self.shift;
        let token = self.tail.token_mut();
        self.tail_position = Some(token.position);
        token.position += shift;
        // Nearly every token has no digit at all and so no runs.
        if !has_digit(&token.text) {
            return true;
        }
        let ranges = runs(&token.text);
        self.shift += ranges.len().saturating_sub(1);
        let first_run = self.runs.len();
        push_runs(token, &ranges, &mut self.runs);
        for run in self.runs.drain(first_run..) {
            self.pending.push(Token {
                offset_from: run.offset_from,
                offset_to: run.offset_to,
                position: run.position,
                text: token.text[run.start..run.end].to_string(),
                position_length: 1,
            });
        }
        true
    }

    fn token(&self) -> &Token {
        if self.in_part {
            &self.part
        } else {
            self.tail.token()
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        if self.in_part {
            &mut self.part
        } else {
            self.tail.token_mut()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::analyzed_tokens;
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};

    fn check(text: &str, expected: &[(&str, usize, usize, usize)]) {
        let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(LetterDigitSplitter)
            .build();
        let tokens = analyzed_tokens(&mut analyzer, text);
        let expected: Vec<(String, usize, usize, usize)> = expected
            .iter()
            .map(|&(text, from, to, position)| (text.to_string(), from, to, position))
            .collect();
        assert_eq!(tokens, expected, "{text}");
    }

    proptest::proptest! {
        #[test]
        fn no_word_with_a_numeric_character_is_missed(
            word in "[a-zA-Z0-9_\\-.éß²½١٢Жж東]{0,12}",
        ) {
            proptest::prop_assert!(has_digit(&word) || !word.chars().any(char::is_numeric));
        }
    }

    #[test]
    fn digits_of_any_script_are_found() {
        assert!(has_digit("covid19"));
        assert!(has_digit("0"));
        assert!(has_digit("9a"));
        assert!(!has_digit("covid"));
        assert!(!has_digit("COVID"));
        assert!(!has_digit(""));
        assert!(!has_digit("москва"));
        assert!(has_digit("москва2"));
        assert!(has_digit("ص١٢"));
        assert_eq!(runs("ص١٢"), vec![(0, 2), (2, 6)]);
    }

    #[test]
    fn mixed_tokens_add_their_runs_at_consecutive_positions() {
        check(
            "covid vaccine",
            &[("covid", 0, 5, 0), ("vaccine", 6, 13, 1)],
        );
        check("1990", &[("1990", 0, 4, 0)]);
        check(
            "COVID19 cases",
            &[
                ("covid19", 0, 7, 0),
                ("covid", 0, 5, 0),
                ("19", 5, 7, 1),
                ("cases", 8, 13, 2),
            ],
        );
        check(
            "H1N1",
            &[
                ("h1n1", 0, 4, 0),
                ("h", 0, 1, 0),
                ("1", 1, 2, 1),
                ("n", 2, 3, 2),
                ("1", 3, 4, 3),
            ],
        );
        // Each later word moves up by the runs once, so a phrase after a mixed token matches.
        check(
            "COVID19 cases rose in",
            &[
                ("covid19", 0, 7, 0),
                ("covid", 0, 5, 0),
                ("19", 5, 7, 1),
                ("cases", 8, 13, 2),
                ("rose", 14, 18, 3),
                ("in", 19, 21, 4),
            ],
        );
        check(
            "in 1990s",
            &[
                ("in", 0, 2, 0),
                ("1990s", 3, 8, 1),
                ("1990", 3, 7, 1),
                ("s", 7, 8, 2),
            ],
        );
        check(
            "δ2 x",
            &[
                ("δ2", 0, 3, 0),
                ("δ", 0, 2, 0),
                ("2", 2, 3, 1),
                ("x", 4, 5, 2),
            ],
        );
    }
}
