//! The first step of every idx analyser in one pass: the words of a text as tantivy's
//! `SimpleTokenizer` splits them (runs of alphanumeric characters), overlong words dropped as
//! `RemoveLongFilter` drops them, and the rest lowercased as `LowerCaser` lowercases them.
//!
//! The three steps chained cost about 30 ns a token on news text: the tokenizer decodes every
//! character, and each filter looks at each token again. Most news text is ASCII, so this
//! tokenizer reads bytes and decodes a character only where a byte is not ASCII. Its tokens are
//! exactly those of the chain (a test compares them on arbitrary text), so indexes made with
//! either are the same.
//!
//! The text fields' analyzers also add the letter and digit runs of mixed words
//! ([`LetterDigitSplitter`](letter_digit::LetterDigitSplitter)). Done here, the scan that finds
//! a word tells whether it has a digit and whether it needs lowercasing at all; the filter
//! chained after the tokenizer read every token once more (about a tenth of all the
//! instructions went to the two in a build of news-articles-en). For the same reason the
//! analyzers without stop words fold accents here (`AsciiFoldingFilter` on each word beyond
//! ASCII) rather than in a filter that reads every token.

use tantivy::tokenizer::{
    AsciiFoldingFilter, RawTokenizer, Token, TokenFilter, TokenStream, Tokenizer,
};

use crate::index::letter_digit;

/// Tokenizer: lowercased words shorter than a byte limit, with the positions, offsets and
/// lowercasing of `SimpleTokenizer`, `RemoveLongFilter::limit(limit)` and `LowerCaser` chained;
/// made with [`LowercaseWords::with_runs`], also the letter and digit runs of mixed words as
/// [`LetterDigitSplitter`](letter_digit::LetterDigitSplitter) adds them after those three.
#[derive(Clone)]
pub struct LowercaseWords {
    token: Token,
    limit: usize,
    with_runs: bool,
    folder: Option<Folder>,
}

/// `AsciiFoldingFilter` over one whole token: the folding of a word beyond ASCII.
#[derive(Clone)]
struct Folder {
    filter: <AsciiFoldingFilter as TokenFilter>::Tokenizer<RawTokenizer>,
    /// The word being folded, out of the token's text, which takes the folded word.
    word: String,
}

impl Folder {
    /// Folds `text` to ASCII, when it is not ASCII.
    fn fold(&mut self, text: &mut String) {
        if text.is_ascii() {
            return;
        }
        std::mem::swap(&mut self.word, text);
        text.clear();
        let mut stream = self.filter.token_stream(&self.word);
        let folded = if stream.advance() {
            &stream.token().text
        } else {
            &self.word
        };
        text.push_str(folded);
    }
}

impl LowercaseWords {
    /// Words of `limit` bytes or more (before lowercasing) are dropped; their positions stay
    /// empty, as with `RemoveLongFilter`.
    pub fn new(limit: usize) -> LowercaseWords {
        LowercaseWords {
            token: Token::default(),
            limit,
            with_runs: false,
            folder: None,
        }
    }

    /// As [`LowercaseWords::new`], and each word mixing letters and digits is followed by its
    /// runs, as `LetterDigitSplitter` would follow it. The scan that finds a word already
    /// tells whether it holds a digit, where the filter had to read every token again.
    pub fn with_runs(limit: usize) -> LowercaseWords {
        LowercaseWords {
            with_runs: true,
            ..LowercaseWords::new(limit)
        }
    }
}

impl LowercaseWords {
    /// This tokenizer with each token folded as `AsciiFoldingFilter` chained after it folds:
    /// an ASCII word, nearly every word of English news, is known to be one by the scan, where
    /// the filter read every token once more.
    pub fn folding_to_ascii(self) -> LowercaseWords {
        LowercaseWords {
            folder: Some(Folder {
                filter: AsciiFoldingFilter.transform(RawTokenizer::default()),
                word: String::new(),
            }),
            ..self
        }
    }
}

impl Tokenizer for LowercaseWords {
    type TokenStream<'a> = LowercaseWordsStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> LowercaseWordsStream<'a> {
        self.token.reset();
        LowercaseWordsStream {
            text,
            cursor: 0,
            token: &mut self.token,
            folder: self.folder.as_mut(),
            limit: self.limit,
            with_runs: self.with_runs,
            word_position: usize::MAX,
            shift: 0,
            mixed_word: String::new(),
            pending_runs: Vec::new(),
        }
    }
}

/// The token stream of [`LowercaseWords`].
pub struct LowercaseWordsStream<'a> {
    text: &'a str,
    /// Byte offset where the search for the next word starts.
    cursor: usize,
    token: &'a mut Token,
    folder: Option<&'a mut Folder>,
    limit: usize,
    with_runs: bool,
    /// Position of the last word as tantivy's tokenizer counts it, before any runs: one more
    /// per word, overlong ones included.
    word_position: usize,
    /// Positions added so far by runs: every later word moves up by this much.
    shift: usize,
    /// The last mixed word, lowercased: the filters after this tokenizer change the token's
    /// text, and the runs still to emit are cut from this copy.
    mixed_word: String,
    /// Runs of `mixed_word` still to emit, last run first.
    pending_runs: Vec<letter_digit::Run>,
}

/// Bits of [`WORD_BYTES`]: what a byte of UTF-8 text is to a word.
const LOWER: u8 = 1;
const UPPER: u8 = 2;
const DIGIT: u8 = 4;
const NON_ASCII: u8 = 8;
/// An ASCII letter or digit, part of a word.
const ASCII_WORD: u8 = LOWER | UPPER | DIGIT;

/// The bits of every byte value: a word's scan ORs those of its bytes, and so learns at no
/// extra pass whether the word needs lowercasing, whether it mixes letters and digits, and
/// whether it is all ASCII.
const WORD_BYTES: [u8; 256] = {
    let mut classes = [NON_ASCII; 256];
    let mut byte: u8 = 0;
    while byte < 128 {
        classes[byte as usize] = if byte.is_ascii_lowercase() {
            LOWER
        } else if byte.is_ascii_uppercase() {
            UPPER
        } else if byte.is_ascii_digit() {
            DIGIT
        } else {
            0
        };
        byte += 1;
    }
    classes
};

/// The character at byte `at` of `text` (a character boundary), if any.
fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..).and_then(|rest| rest.chars().next())
}

impl LowercaseWordsStream<'_> {
    /// The byte span of the next word from the cursor, and the [`WORD_BYTES`] bits of its
    /// bytes ORed ([`NON_ASCII`] for any character beyond ASCII).
    fn next_word(&mut self) -> Option<(usize, usize, u8)> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut start = self.cursor;
        loop {
            let class = WORD_BYTES[usize::from(*bytes.get(start)?)];
            if class & ASCII_WORD != 0 {
                break;
            }
            if class == 0 {
                start += 1;
                continue;
            }
            let character = char_at(text, start)?;
            if character.is_alphanumeric() {
                break;
            }
            start += character.len_utf8();
        }
        let mut end = start;
        let mut seen = 0;
        loop {
            let class = bytes
                .get(end)
                .map_or(0, |&byte| WORD_BYTES[usize::from(byte)]);
            if class & ASCII_WORD != 0 {
                seen |= class;
                end += 1;
                continue;
            }
            if class == 0 {
                break;
            }
            match char_at(text, end).filter(|character| character.is_alphanumeric()) {
                Some(character) => {
                    seen |= NON_ASCII;
                    end += character.len_utf8();
                }
                None => break,
            }
        }
        self.cursor = end;
        Some((start, end, seen))
    }

    /// Emits the next pending run of the last mixed word, if any.
    fn next_run(&mut self) -> bool {
        let Some(run) = self.pending_runs.pop() else {
            return false;
        };
        let token = &mut *self.token;
        token.text.clear();
        token.text.push_str(&self.mixed_word[run.start..run.end]);
        token.offset_from = run.offset_from;
        token.offset_to = run.offset_to;
        token.position = run.position;
        if let Some(folder) = self.folder.as_deref_mut() {
            folder.fold(&mut token.text);
        }
        true
    }

    /// Queues the runs of the token just made from a word that may mix letters and digits.
    fn queue_runs(&mut self) {
        let token = &*self.token;
        let ranges = letter_digit::runs(&token.text);
        if ranges.is_empty() {
            return;
        }
        self.shift += ranges.len() - 1;
        self.mixed_word.clear();
        self.mixed_word.push_str(&token.text);
        letter_digit::push_runs(token, &ranges, &mut self.pending_runs);
    }
}

impl TokenStream for LowercaseWordsStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next_run() {
            return true;
        }
        loop {
            self.word_position = self.word_position.wrapping_add(1);
            let Some((start, end, seen)) = self.next_word() else {
                return false;
            };
            if end - start >= self.limit {
                continue;
            }
            let text = self.text;
            let word = &text[start..end];
            let token = &mut *self.token;
            token.text.clear();
            if seen & NON_ASCII == 0 {
                token.text.push_str(word);
                if seen & UPPER != 0 {
                    token.text.make_ascii_lowercase();
                }
            } else {
                // As `LowerCaser` does: each character's own lowercase, with no final-sigma rule.
                token.text.extend(word.chars().flat_map(char::to_lowercase));
            }
            token.offset_from = start;
            token.offset_to = end;
            // Every run added so far moves the word up, once.
            token.position = self.word_position.wrapping_add(self.shift);
            if self.with_runs {
                // An ASCII word has runs when it has a digit and a letter; another word, when
                // it has a numeric character, and then `runs` tells.
                let mixed_ascii = seen & DIGIT != 0 && seen & (LOWER | UPPER) != 0;
                if mixed_ascii
                    || (seen & NON_ASCII != 0 && token.text.chars().any(char::is_numeric))
                {
                    self.queue_runs();
                }
            }
            if seen & NON_ASCII != 0 {
                if let Some(folder) = self.folder.as_deref_mut() {
                    folder.fold(&mut self.token.text);
                }
            }
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Whether `alias` is one word that words of fewer than `limit` bytes keep whole (ASCII
/// letters and digits only), and `name` ends with that word, in any case: then the last token
/// the names analyzer makes of `name` is the only one it makes of `alias`. Most aliases an
/// article uses are a surname this way ("Lavrov" of "Sergei Lavrov"), and telling it takes a
/// look at a few bytes, not a pass of the analyzer.
pub(crate) fn ends_with_word(name: &str, alias: &str, limit: usize) -> bool {
    let (name, alias) = (name.as_bytes(), alias.as_bytes());
    if alias.is_empty()
        || alias.len() >= limit
        || alias.len() > name.len()
        || !alias.iter().all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let (head, tail) = name.split_at(name.len() - alias.len());
    // The byte before must end a word: an ASCII byte that is no letter or digit (a byte of a
    // longer character could be a letter, and the word would go on).
    tail.eq_ignore_ascii_case(alias)
        && head
            .last()
            .is_none_or(|byte| byte.is_ascii() && !byte.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::letter_digit::LetterDigitSplitter;
    use crate::index::{analyzed_tokens, schema};
    use proptest::prelude::*;
    use tantivy::tokenizer::{
        AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
    };

    type Tokens = Vec<(String, usize, usize, usize)>;

    /// The tokens of the fused tokenizer and of tantivy's chain, for one text.
    fn both(text: &str, limit: usize) -> [Tokens; 2] {
        let mut fused = TextAnalyzer::builder(LowercaseWords::new(limit)).build();
        let mut chain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(limit))
            .filter(LowerCaser)
            .build();
        [
            analyzed_tokens(&mut fused, text),
            analyzed_tokens(&mut chain, text),
        ]
    }

    #[test]
    fn splits_lowercases_and_drops_like_the_chain() {
        let texts = [
            "Security guarantees: NATO's reply, 2022-02-15!",
            "Сергей Лавров встретился с Блинкеном в Женеве",
            "İstanbul ΣΟΦΟΣ Straße naïve café 東京 x²",
            "a supercalifragilisticexpialidocious word and a short one",
            "",
            "   ...   ",
        ];
        for text in texts {
            let [fused, chain] = both(text, 20);
            assert_eq!(fused, chain, "{text:?}");
        }
        // The overlong word is gone and the next word keeps its own position.
        let [fused, _] = both("a supercalifragilisticexpialidocious word", 20);
        let words: Vec<(&str, usize)> = fused
            .iter()
            .map(|(text, _, _, position)| (text.as_str(), *position))
            .collect();
        assert_eq!(words, [("a", 0), ("word", 2)]);
    }

    /// The tokens of the fused tokenizer with runs and of tantivy's chain followed by
    /// `LetterDigitSplitter`, for one text.
    fn both_with_runs(text: &str, limit: usize) -> [Tokens; 2] {
        let mut fused = TextAnalyzer::builder(LowercaseWords::with_runs(limit)).build();
        let mut chain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(limit))
            .filter(LowerCaser)
            .filter(LetterDigitSplitter)
            .build();
        [
            analyzed_tokens(&mut fused, text),
            analyzed_tokens(&mut chain, text),
        ]
    }

    /// The tokens of the fused tokenizer folding to ASCII, with runs or not, and of tantivy's
    /// chain followed by `LetterDigitSplitter` (or not) and `AsciiFoldingFilter`, for one text.
    fn both_folded(text: &str, limit: usize, with_runs: bool) -> [Tokens; 2] {
        let fused = if with_runs {
            LowercaseWords::with_runs(limit)
        } else {
            LowercaseWords::new(limit)
        };
        let mut fused = TextAnalyzer::builder(fused.folding_to_ascii()).build();
        let chain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(limit))
            .filter(LowerCaser);
        let mut chain = if with_runs {
            chain
                .filter(LetterDigitSplitter)
                .filter(AsciiFoldingFilter)
                .build()
        } else {
            chain.filter(AsciiFoldingFilter).build()
        };
        [
            analyzed_tokens(&mut fused, text),
            analyzed_tokens(&mut chain, text),
        ]
    }

    #[test]
    fn folded_tokens_come_as_the_filter_folds_them() {
        let texts = [
            "Garantías naïve CAFÉ Straße œuvre ½x",
            "Müller2 x ﬁ3 Ⅻ3 İ2 Москва2020 ص١٢",
        ];
        for text in texts {
            for with_runs in [false, true] {
                let [fused, chain] = both_folded(text, 20, with_runs);
                assert_eq!(fused, chain, "{text:?}");
            }
        }
    }

    #[test]
    fn words_after_a_mixed_word_move_up_by_its_runs_once() {
        let [fused, _] = both_with_runs("COVID19 cases rose in H1N1 labs", 40);
        let positions: Vec<(&str, usize)> = fused
            .iter()
            .map(|(text, _, _, position)| (text.as_str(), *position))
            .collect();
        assert_eq!(
            positions,
            [
                ("covid19", 0),
                ("covid", 0),
                ("19", 1),
                ("cases", 2),
                ("rose", 3),
                ("in", 4),
                ("h1n1", 5),
                ("h", 5),
                ("1", 6),
                ("n", 7),
                ("1", 8),
                ("labs", 9),
            ]
        );
    }

    #[test]
    fn runs_come_as_the_splitter_adds_them() {
        let texts = [
            "COVID19 cases rose in 1990s, H1N1 and IL-6 too",
            "İ2 x δ2 ص١٢ Москва2020 東京2 a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5 z",
            "Ⅻ3 K9 ½x 2x²",
            "",
        ];
        for text in texts {
            let [fused, chain] = both_with_runs(text, 20);
            assert_eq!(fused, chain, "{text:?}");
        }
    }

    #[test]
    fn a_reused_tokenizer_starts_each_text_afresh() {
        let mut analyzer = TextAnalyzer::builder(LowercaseWords::new(40)).build();
        let mut stream = analyzer.token_stream("one two three");
        while stream.advance() {}
        drop(stream);
        let mut stream = analyzer.token_stream("Four");
        assert!(stream.advance());
        assert_eq!(stream.token().text, "four");
        assert_eq!(stream.token().position, 0);
        assert!(!stream.advance());
    }

    /// The tokens of the names analyzer as the index registers it.
    fn names_tokens(text: &str) -> Tokens {
        let manager = tantivy::tokenizer::TokenizerManager::default();
        schema::register_analyzers(&manager, &schema::SchemaDecl::embedded());
        let mut analyzer = manager.get(schema::NAMES_ANALYZER).expect("registered");
        analyzed_tokens(&mut analyzer, text)
    }

    /// Where `ends_with_word` says yes, the names analyzer makes one token of the alias, and
    /// it is the last token it makes of the name.
    fn check_ends_with_word(name: &str, alias: &str) -> Result<bool, TestCaseError> {
        if !ends_with_word(name, alias, schema::MAX_TOKEN_BYTES) {
            return Ok(false);
        }
        let alias_tokens = names_tokens(alias);
        prop_assert_eq!(alias_tokens.len(), 1, "{:?}", alias);
        let name_tokens = names_tokens(name);
        prop_assert_eq!(
            name_tokens.last().map(|token| &token.0),
            Some(&alias_tokens[0].0),
            "{:?} {:?}",
            name,
            alias
        );
        Ok(true)
    }

    #[test]
    fn an_alias_ending_the_name_is_its_last_token() {
        let long = "a".repeat(schema::MAX_TOKEN_BYTES);
        let cases = [
            ("Sergei Lavrov", "Lavrov", true),
            ("Sergei Lavrov", "LAVROV", true),
            ("Lavrov", "lavrov", true),
            ("Conan O'Brien", "Brien", true),
            ("F-16", "16", true),
            ("Sergei Lavrov", "Sergei", false),
            ("Sergei Lavrov", "rov", false),
            ("Sergei Lavrov", "Sergei Lavrov", false),
            ("Smith Jr.", "Jr", false),
            ("ÑBrien", "Brien", false),
            ("Thomas Müller", "ller", false),
            ("Владимир Зеленский", "Зеленский", false),
            ("Lavrov", "", false),
            ("", "", false),
        ];
        for (name, alias, expected) in cases {
            let answer = check_ends_with_word(name, alias).expect("tokens agree");
            assert_eq!(answer, expected, "{name:?} {alias:?}");
        }
        // A word too long to keep is no token at all.
        let name = format!("Bob {long}");
        assert!(!check_ends_with_word(&name, &long).expect("tokens agree"));
    }

    proptest! {
        #[test]
        fn an_alias_said_to_end_the_name_is_its_last_token(
            head in "[a-zA-Z0-9 ,.'\\-_éÉßİıΣσЖжа-я東京²\u{300}\u{200b}]{0,16}",
            alias in "[a-zA-Z0-9éİı]{0,8}",
            upper in any::<bool>(),
        ) {
            let tail = if upper { alias.to_uppercase() } else { alias.clone() };
            check_ends_with_word(&format!("{head}{tail}"), &alias)?;
        }

        #[test]
        fn any_text_tokenizes_like_the_chain(
            text in "[a-zA-Z0-9 ,.'\\-_éÉßİıΣσςЖжа-яА-Я東京²½\u{300}\u{200b}\t\n]{0,120}",
            limit in 2usize..12,
        ) {
            let [fused, chain] = both(&text, limit);
            prop_assert_eq!(fused, chain);
        }

        #[test]
        fn any_text_splits_runs_like_the_chain(
            text in "[a-zA-Z0-9 ,.'\\-_éÉßİıΣσςЖжа-яА-Я東京²½١٢Ⅻ\u{212a}\u{300}\u{200b}\t\n]{0,120}",
            limit in 2usize..24,
        ) {
            let [fused, chain] = both_with_runs(&text, limit);
            prop_assert_eq!(fused, chain);
        }

        #[test]
        fn any_text_folds_like_the_chain(
            text in "[a-zA-Z0-9 ,.'\\-_éÉßİıæœŒﬁ½²ÀàÇçÑñØøЖж東١٢Ⅻ\u{212a}\u{300}\u{200b}\t\n]{0,120}",
            limit in 2usize..24,
            with_runs in any::<bool>(),
        ) {
            let [fused, chain] = both_folded(&text, limit, with_runs);
            prop_assert_eq!(fused, chain);
        }
    }
}
