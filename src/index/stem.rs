//! A stemming token filter that remembers its answers: the same Snowball stemmers as
//! tantivy's `Stemmer`, with each thread keeping the stems of the words it has seen.
//!
//! News text is Zipfian: a few thousand words make up most tokens, and a Snowball stemmer
//! costs far more than a hash lookup. Stemming was a fifth of the indexing threads' time in a
//! profile of `idx build`; with the memo almost every token is a lookup. The stems are exactly
//! those of tantivy's `Stemmer` (a test compares them), so indexes and queries are unchanged.

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{Language, Token, TokenFilter, TokenStream, Tokenizer};

/// Words remembered per language and thread before the memo starts over: about 20 MB at
/// most, and more distinct words than a segment's worth of news usually has.
const MEMO_WORDS: usize = 200_000;

/// Languages in [`frostem_algorithm`]'s order; the memo keeps one map per language.
const N_LANGUAGES: usize = 18;

fn frostem_algorithm(language: Language) -> (usize, frostem::Algorithm) {
    use frostem::Algorithm;
    match language {
        Language::Arabic => (0, Algorithm::Arabic),
        Language::Danish => (1, Algorithm::Danish),
        Language::Dutch => (2, Algorithm::Dutch),
        Language::English => (3, Algorithm::English),
        Language::Finnish => (4, Algorithm::Finnish),
        Language::French => (5, Algorithm::French),
        Language::German => (6, Algorithm::German),
        Language::Greek => (7, Algorithm::Greek),
        Language::Hungarian => (8, Algorithm::Hungarian),
        Language::Italian => (9, Algorithm::Italian),
        Language::Norwegian => (10, Algorithm::Norwegian),
        Language::Portuguese => (11, Algorithm::Portuguese),
        Language::Romanian => (12, Algorithm::Romanian),
        Language::Russian => (13, Algorithm::Russian),
        Language::Spanish => (14, Algorithm::Spanish),
        Language::Swedish => (15, Algorithm::Swedish),
        Language::Tamil => (16, Algorithm::Tamil),
        Language::Turkish => (17, Algorithm::Turkish),
    }
}

thread_local! {
    /// Word → stem, one map per language.
    static MEMO: RefCell<Vec<FxHashMap<Box<str>, Box<str>>>> =
        RefCell::new((0..N_LANGUAGES).map(|_| FxHashMap::default()).collect());
}

/// Token filter: stems lowercased tokens with the language's Snowball stemmer, remembering
/// the stems per thread.
#[derive(Clone, Copy)]
pub struct MemoStemmer {
    slot: usize,
    stemmer: frostem::Stemmer,
}

impl MemoStemmer {
    /// The stemmer of `language`, as tantivy's `Stemmer::new(language)` stems.
    pub fn new(language: Language) -> MemoStemmer {
        let (slot, algorithm) = frostem_algorithm(language);
        MemoStemmer {
            slot,
            stemmer: frostem::Stemmer::new(algorithm),
        }
    }

    /// Replaces `word` with its stem.
    fn stem_in_place(&self, word: &mut String) {
        MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            let words = &mut memo[self.slot];
            if let Some(stem) = words.get(word.as_str()) {
                word.clear();
                word.push_str(stem);
                return;
            }
            let stem: Box<str> = self.stemmer.stem(word).into();
            if words.len() >= MEMO_WORDS {
                words.clear();
            }
            words.insert(word.as_str().into(), stem.clone());
            word.clear();
            word.push_str(&stem);
        });
    }
}

impl TokenFilter for MemoStemmer {
    type Tokenizer<T: Tokenizer> = MemoStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> MemoStemmerFilter<T> {
        MemoStemmerFilter {
            stemmer: self,
            inner: tokenizer,
        }
    }
}

/// [`MemoStemmer`] applied to a tokenizer.
#[derive(Clone)]
pub struct MemoStemmerFilter<T> {
    stemmer: MemoStemmer,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for MemoStemmerFilter<T> {
    type TokenStream<'a> = MemoStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MemoStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: self.stemmer,
        }
    }
}

/// The token stream of [`MemoStemmerFilter`].
pub struct MemoStemmerStream<T> {
    tail: T,
    stemmer: MemoStemmer,
}

impl<T: TokenStream> TokenStream for MemoStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        self.stemmer.stem_in_place(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer};

    fn tokens(mut analyzer: TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let token = stream.token();
            out.push((
                token.text.clone(),
                token.offset_from,
                token.offset_to,
                token.position,
            ));
        }
        out
    }

    fn both(language: Language, text: &str) -> [Vec<(String, usize, usize, usize)>; 2] {
        let memo = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(MemoStemmer::new(language))
            .build();
        let reference = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(language))
            .build();
        [tokens(memo, text), tokens(reference, text)]
    }

    #[test]
    fn stems_like_tantivy_in_every_language_twice_over() {
        let texts = [
            (
                Language::English,
                "Running runners ran; the generously generous generalisations",
            ),
            (
                Language::German,
                "Die Verhandlungen über Sicherheitsgarantien wurden fortgesetzt",
            ),
            (
                Language::Russian,
                "Переговоры о гарантиях безопасности продолжались в Женеве",
            ),
            (
                Language::Spanish,
                "Las garantías de seguridad fueron discutidas ayer",
            ),
            (
                Language::Romanian,
                "Garanțiile de securitate au fost discutate la Geneva",
            ),
        ];
        for (language, text) in texts {
            // The second pass answers from the memo; both must equal tantivy's stems.
            for _ in 0..2 {
                let [memo, reference] = both(language, text);
                assert_eq!(memo, reference, "{language:?}");
            }
        }
    }

    #[test]
    fn the_memo_keeps_languages_apart() {
        // English strips "-ly" from "generously" and French does not; the English stem in
        // the memo must not answer for French.
        let [english, _] = both(Language::English, "generously");
        let [french, french_reference] = both(Language::French, "generously");
        assert_eq!(french, french_reference);
        assert_ne!(english[0].0, "generously");
    }

    proptest! {
        #[test]
        fn any_text_stems_like_tantivy(text in "[a-zA-Zäöüßéèàçñа-яА-Я ,.'-]{0,80}") {
            for language in [Language::English, Language::German, Language::French, Language::Russian] {
                let [memo, reference] = both(language, &text);
                prop_assert_eq!(memo, reference);
            }
        }
    }
}
