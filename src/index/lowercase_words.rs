//! The first step of every idx analyser in one pass: the words of a text as tantivy's
//! `SimpleTokenizer` splits them (runs of alphanumeric characters), overlong words dropped as
//! `RemoveLongFilter` drops them, and the rest lowercased as `LowerCaser` lowercases them.
//!
//! The three steps chained cost about 30 ns a token on news text: the tokenizer decodes every
//! character, and each filter looks at each token again. Most news text is ASCII, so this
//! tokenizer reads bytes and decodes a character only where a byte is not ASCII. Its tokens are
//! exactly those of the chain (a test compares them on arbitrary text), so indexes made with
//! either are the same.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::enrich::byte_class::{ByteClass, BYTE_CLASSES};

/// Tokenizer: lowercased words shorter than a byte limit, with the positions, offsets and
/// lowercasing of `SimpleTokenizer`, `RemoveLongFilter::limit(limit)` and `LowerCaser` chained.
#[derive(Clone)]
pub struct LowercaseWords {
    token: Token,
    limit: usize,
}

impl LowercaseWords {
    /// Words of `limit` bytes or more (before lowercasing) are dropped; their positions stay
    /// empty, as with `RemoveLongFilter`.
    pub fn new(limit: usize) -> LowercaseWords {
        LowercaseWords {
            token: Token::default(),
            limit,
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
            limit: self.limit,
        }
    }
}

/// The token stream of [`LowercaseWords`].
pub struct LowercaseWordsStream<'a> {
    text: &'a str,
    /// Byte offset where the search for the next word starts.
    cursor: usize,
    token: &'a mut Token,
    limit: usize,
}

/// The character at byte `at` of `text` (a character boundary), if any.
fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..).and_then(|rest| rest.chars().next())
}

impl LowercaseWordsStream<'_> {
    /// The byte span of the next word from the cursor, and whether it is all ASCII.
    fn next_word(&mut self) -> Option<(usize, usize, bool)> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut start = self.cursor;
        loop {
            start += bytes
                .get(start..)?
                .iter()
                .position(|&byte| BYTE_CLASSES[usize::from(byte)] != ByteClass::AsciiSeparator)?;
            if BYTE_CLASSES[usize::from(bytes[start])] == ByteClass::AsciiAlphanumeric {
                break;
            }
            let character = char_at(text, start)?;
            if character.is_alphanumeric() {
                break;
            }
            start += character.len_utf8();
        }
        let mut end = start;
        let mut ascii = true;
        loop {
            let rest = &bytes[end..];
            end += rest
                .iter()
                .position(|&byte| BYTE_CLASSES[usize::from(byte)] != ByteClass::AsciiAlphanumeric)
                .unwrap_or(rest.len());
            if BYTE_CLASSES[usize::from(*bytes.get(end).unwrap_or(&b' '))] != ByteClass::NonAscii {
                break;
            }
            match char_at(text, end).filter(|character| character.is_alphanumeric()) {
                Some(character) => {
                    ascii = false;
                    end += character.len_utf8();
                }
                None => break,
            }
        }
        self.cursor = end;
        Some((start, end, ascii))
    }
}

impl TokenStream for LowercaseWordsStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            self.token.position = self.token.position.wrapping_add(1);
            let Some((start, end, ascii)) = self.next_word() else {
                return false;
            };
            if end - start >= self.limit {
                continue;
            }
            let word = &self.text[start..end];
            let text = &mut self.token.text;
            text.clear();
            if ascii {
                text.push_str(word);
                text.make_ascii_lowercase();
            } else {
                // As `LowerCaser` does: each character's own lowercase, with no final-sigma rule.
                text.extend(word.chars().flat_map(char::to_lowercase));
            }
            self.token.offset_from = start;
            self.token.offset_to = end;
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
    use crate::index::{analyzed_tokens, schema};
    use proptest::prelude::*;
    use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};

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
    }
}
