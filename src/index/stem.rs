//! A stemming token filter that remembers its answers: the same Snowball stemmers as
//! tantivy's `Stemmer`, with each thread keeping the stems of the words it has seen in each
//! language.
//!
//! News text is Zipfian: a few thousand words make up most tokens, and a Snowball stemmer
//! costs far more than a lookup. Stemming was a fifth of the indexing threads' time in a
//! profile of `idx build`; with the memo almost every token is a lookup. Short words and
//! their stems sit inline in an open-addressing table, so a lookup reads one half cache line
//! and follows no pointer (about 18 ns a token on news-articles-en, against about 140 ns for
//! the stemmer itself). The stems are exactly those of tantivy's `Stemmer` (a test compares
//! them), so indexes and queries are unchanged.

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{Language, Token, TokenFilter, TokenStream, Tokenizer};

/// Words remembered per memo before it starts over: enough for the vocabulary an indexing
/// thread meets in a corpus of a few thousand articles (on news-articles-en, a memo of half
/// as many words started over twice per thread and stemmed a quarter more words). The table
/// then takes 4 MB; an indexing thread keeps a memo per language it meets, so a build in
/// many languages holds several.
const MEMO_WORDS: usize = 1 << 16;

/// Longer words remembered per memo before their map starts over.
const MEMO_LONG_WORDS: usize = 1 << 13;

/// Longest word (in bytes) whose stem is kept inline in the memo's table; longer words,
/// a few percent of news tokens, go to a hash map.
const INLINE_BYTES: usize = 15;

fn frostem_algorithm(language: Language) -> frostem::Algorithm {
    use frostem::Algorithm;
    match language {
        Language::Arabic => Algorithm::Arabic,
        Language::Danish => Algorithm::Danish,
        Language::Dutch => Algorithm::Dutch,
        Language::English => Algorithm::English,
        Language::Finnish => Algorithm::Finnish,
        Language::French => Algorithm::French,
        Language::German => Algorithm::German,
        Language::Greek => Algorithm::Greek,
        Language::Hungarian => Algorithm::Hungarian,
        Language::Italian => Algorithm::Italian,
        Language::Norwegian => Algorithm::Norwegian,
        Language::Portuguese => Algorithm::Portuguese,
        Language::Romanian => Algorithm::Romanian,
        Language::Russian => Algorithm::Russian,
        Language::Spanish => Algorithm::Spanish,
        Language::Swedish => Algorithm::Swedish,
        Language::Tamil => Algorithm::Tamil,
        Language::Turkish => Algorithm::Turkish,
    }
}

/// A short string stored inline: up to [`INLINE_BYTES`] bytes, zero-padded, with its length
/// in the last byte. Two of them make one 32-byte slot, half a cache line.
#[derive(Clone, Copy, Eq, Default)]
struct InlineWord([u8; INLINE_BYTES + 1]);

/// Compared as one 128-bit number: a derived comparison of the byte arrays called `memcmp`
/// for every probe of the memo.
impl PartialEq for InlineWord {
    fn eq(&self, other: &InlineWord) -> bool {
        self.as_number() == other.as_number()
    }
}

impl InlineWord {
    /// `text` inline, or `None` when it is longer than [`INLINE_BYTES`].
    fn of(text: &str) -> Option<InlineWord> {
        let bytes = text.as_bytes();
        if bytes.len() > INLINE_BYTES {
            return None;
        }
        let mut word = [0u8; INLINE_BYTES + 1];
        word[..bytes.len()].copy_from_slice(bytes);
        word[INLINE_BYTES] = bytes.len() as u8;
        Some(InlineWord(word))
    }

    /// Replaces `word`, whose inline form is `inline_word`, with this text: by cutting `word`
    /// short when this is its beginning (most stems), else by copying.
    #[inline]
    fn write_into(&self, inline_word: &InlineWord, word: &mut String) {
        let len = self.len();
        if self.is_beginning_of(inline_word) && word.is_char_boundary(len) {
            word.truncate(len);
        } else {
            word.clear();
            word.push_str(self.as_str());
        }
    }

    /// Whether this text is the beginning of `other`'s: the first byte where the two differ
    /// (the lowest set bit of their difference, the bytes read little-endian) comes at or
    /// after this text's end.
    fn is_beginning_of(&self, other: &InlineWord) -> bool {
        let first_difference = (self.as_number() ^ other.as_number()).trailing_zeros() / 8;
        self.len() <= other.len() && first_difference as usize >= self.len()
    }

    fn len(&self) -> usize {
        usize::from(self.0[INLINE_BYTES])
    }

    fn as_number(&self) -> u128 {
        u128::from_le_bytes(self.0)
    }

    fn as_str(&self) -> &str {
        let len = usize::from(self.0[INLINE_BYTES]);
        // Only ever made from a `&str` cut at its end.
        std::str::from_utf8(&self.0[..len]).unwrap_or_default()
    }

    fn hash(&self) -> u64 {
        let low = u64::from_le_bytes(self.0[..8].try_into().unwrap_or_default());
        let high = u64::from_le_bytes(self.0[8..].try_into().unwrap_or_default());
        (low ^ high.rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    fn is_empty(&self) -> bool {
        self.0[INLINE_BYTES] == 0
    }
}

/// One entry of the memo's table: a word and its stem; an empty word marks a free slot.
#[derive(Clone, Copy, Default)]
#[repr(C, align(32))]
struct Slot {
    word: InlineWord,
    stem: InlineWord,
}

/// Word → stem for one thread and language: short words in an open-addressing table of inline slots (one
/// memory access per lookup, no pointer to follow), longer words in a hash map. Both start
/// small and are emptied when full.
#[derive(Default)]
struct Memo {
    /// Linear probing; the length is zero or a power of two.
    slots: Vec<Slot>,
    n_used: usize,
    long_words: FxHashMap<Box<str>, Box<str>>,
}

impl Memo {
    /// Writes the stem of `word` into it, from the memo or from `stemmer`. Inlined into the
    /// token loop: nearly every word is in the memo, and the lookup costs less than a call.
    #[inline(always)]
    fn stem_in_place(&mut self, stemmer: &frostem::Stemmer, word: &mut String) {
        let Some(key) = InlineWord::of(word).filter(|key| !key.is_empty()) else {
            self.stem_long(stemmer, word);
            return;
        };
        if !self.slots.is_empty() {
            let mask = self.slots.len() - 1;
            let mut at = (key.hash() >> 32) as usize & mask;
            loop {
                let slot = &self.slots[at];
                if slot.word == key {
                    slot.stem.write_into(&key, word);
                    return;
                }
                if slot.word.is_empty() {
                    break;
                }
                at = (at + 1) & mask;
            }
        }
        self.stem_new(stemmer, key, word);
    }

    /// Stems a word the memo does not hold, `key` its inline form, and remembers the stem.
    /// Kept out of the token loop: a word is new to a warm memo a few times in a hundred.
    #[cold]
    #[inline(never)]
    fn stem_new(&mut self, stemmer: &frostem::Stemmer, key: InlineWord, word: &mut String) {
        if self.slots.is_empty() {
            self.slots = vec![Slot::default(); 1024];
        }
        let mask = self.slots.len() - 1;
        let mut at = (key.hash() >> 32) as usize & mask;
        while !self.slots[at].word.is_empty() {
            at = (at + 1) & mask;
        }
        let stem = stemmer.stem(word);
        let Some(stem_inline) = InlineWord::of(&stem) else {
            let stem = stem.into_owned();
            word.clear();
            word.push_str(&stem);
            return;
        };
        self.slots[at] = Slot {
            word: key,
            stem: stem_inline,
        };
        self.n_used += 1;
        if self.n_used * 2 > self.slots.len() {
            self.grow_or_clear();
        }
        // Written into the token's own text, which keeps its room for the next token: the
        // stemmer's new string in its place had only the room of this stem.
        stem_inline.write_into(&key, word);
    }

    /// Doubles the table, or empties it once it holds [`MEMO_WORDS`] words.
    fn grow_or_clear(&mut self) {
        let capacity = self.slots.len() * 2;
        let old = std::mem::take(&mut self.slots);
        self.n_used = 0;
        if capacity > MEMO_WORDS * 2 {
            self.slots = vec![Slot::default(); old.len()];
            return;
        }
        self.slots = vec![Slot::default(); capacity];
        let mask = capacity - 1;
        for slot in old.into_iter().filter(|slot| !slot.word.is_empty()) {
            let mut at = (slot.word.hash() >> 32) as usize & mask;
            while !self.slots[at].word.is_empty() {
                at = (at + 1) & mask;
            }
            self.slots[at] = slot;
            self.n_used += 1;
        }
    }

    fn stem_long(&mut self, stemmer: &frostem::Stemmer, word: &mut String) {
        if let Some(stem) = self.long_words.get(word.as_str()) {
            word.clear();
            word.push_str(stem);
            return;
        }
        let stem: Box<str> = stemmer.stem(word).into();
        if self.long_words.len() >= MEMO_LONG_WORDS {
            self.long_words.clear();
        }
        self.long_words.insert(word.as_str().into(), stem.clone());
        word.clear();
        word.push_str(&stem);
    }
}

/// Token filter: stems lowercased tokens with the language's Snowball stemmer, remembering
/// the stems in its thread's memo for the language.
#[derive(Clone, Copy)]
pub struct MemoStemmer {
    language: Language,
    stemmer: frostem::Stemmer,
}

impl MemoStemmer {
    /// The stemmer of `language`, as tantivy's `Stemmer::new(language)` stems.
    pub fn new(language: Language) -> MemoStemmer {
        MemoStemmer {
            language,
            stemmer: frostem::Stemmer::new(frostem_algorithm(language)),
        }
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

thread_local! {
    /// The memos of this thread, one per language, each lent to one token stream at a time.
    /// Tantivy copies an analyser for each field of each segment it writes, and a headline
    /// field and a body field of one language see mostly the same words: with a memo per
    /// copy, a thread stemmed each word once per field. Kept per thread, a memo needs no
    /// lock; tantivy's indexing threads end with their segments, and their memos with them.
    static MEMOS: RefCell<Vec<(Language, Memo)>> = const { RefCell::new(Vec::new()) };
}

/// This thread's memo for `language`, taken out until [`give_back`] returns it (an empty one
/// when another stream holds it).
fn lend_memo(language: Language) -> Memo {
    MEMOS.with(|memos| {
        let mut memos = memos.borrow_mut();
        memos
            .iter_mut()
            .find(|(known, _)| *known == language)
            .map(|(_, memo)| std::mem::take(memo))
            .unwrap_or_default()
    })
}

/// Puts a lent memo back, keeping the fuller of it and any memo returned meanwhile.
fn give_back(language: Language, memo: Memo) {
    // A thread being torn down has no memos left to keep.
    let _ = MEMOS.try_with(|memos| {
        let mut memos = memos.borrow_mut();
        match memos.iter_mut().find(|(known, _)| *known == language) {
            Some((_, kept)) if kept.n_used <= memo.n_used => *kept = memo,
            Some(_) => {}
            None => memos.push((language, memo)),
        }
    });
}

/// [`MemoStemmer`] applied to a tokenizer. Its streams use their thread's memo for the
/// language (see `MEMOS`).
#[derive(Clone)]
pub struct MemoStemmerFilter<T> {
    stemmer: MemoStemmer,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for MemoStemmerFilter<T> {
    type TokenStream<'a> = MemoStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MemoStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: &self.stemmer,
            memo: lend_memo(self.stemmer.language),
        }
    }
}

/// The token stream of [`MemoStemmerFilter`]; it gives its memo back when dropped.
pub struct MemoStemmerStream<'a, T> {
    tail: T,
    stemmer: &'a MemoStemmer,
    memo: Memo,
}

impl<T> Drop for MemoStemmerStream<'_, T> {
    fn drop(&mut self) {
        give_back(self.stemmer.language, std::mem::take(&mut self.memo));
    }
}

impl<T: TokenStream> TokenStream for MemoStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        self.memo
            .stem_in_place(&self.stemmer.stemmer, &mut self.tail.token_mut().text);
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

    #[test]
    fn a_stem_is_the_beginning_of_a_word_only_when_its_bytes_open_it() {
        let inline = |text: &str| InlineWord::of(text).expect("short enough");
        let beginning = |stem: &str, word: &str| inline(stem).is_beginning_of(&inline(word));
        assert!(beginning("nation", "nations"));
        assert!(beginning("nations", "nations"));
        assert!(beginning("", "nations"));
        assert!(beginning("internationa", "internationals"));
        assert!(!beginning("internationali", "internationals"));
        assert!(beginning("fifteen letters", "fifteen letters"));
        assert!(!beginning("happi", "happy"));
        assert!(!beginning("nationss", "nations"));
        assert!(!beginning("ation", "nations"));
        assert!(inline("nations") == inline("nations"));
        assert!(inline("nation") != inline("nations"));
    }
    #[test]
    fn analysers_of_one_language_share_their_threads_memo() {
        let stemmed_by = |text: &str| {
            let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(MemoStemmer::new(Language::Danish))
                .build();
            analyzed_tokens(&mut analyzer, text)
        };
        let first = stemmed_by("fiskerne fisker ved havnen");
        // A second analyser (as for another field) finds the first one's stems remembered,
        // and stems the same.
        let remembered = lend_memo(Language::Danish);
        assert_eq!(remembered.n_used, 4);
        give_back(Language::Danish, remembered);
        assert_eq!(stemmed_by("fiskerne fisker ved havnen"), first);
        // Another language has a memo of its own.
        assert_eq!(lend_memo(Language::Swedish).n_used, 0);
    }

    use crate::index::analyzed_tokens;
    use proptest::prelude::*;
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer};

    fn both(language: Language, text: &str) -> [Vec<(String, usize, usize, usize)>; 2] {
        let mut memo = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(MemoStemmer::new(language))
            .build();
        let mut reference = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(language))
            .build();
        [
            analyzed_tokens(&mut memo, text),
            analyzed_tokens(&mut reference, text),
        ]
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

    #[test]
    fn the_memo_stems_right_while_it_grows_and_starts_over() {
        // More distinct words than the memo keeps, short and long, each seen twice: the
        // table doubles several times, and both it and the map of long words are emptied
        // at least once on the way.
        let words: Vec<String> = (0..MEMO_WORDS + MEMO_WORDS / 2)
            .map(|number| {
                let mut word = String::from("gen");
                let mut rest = number;
                while rest > 0 {
                    word.push(char::from(b'a' + (rest % 26) as u8));
                    rest /= 26;
                }
                if number % 3 == 0 {
                    word.push_str("izationalities");
                }
                word
            })
            .collect();
        let text = words.join(" ");
        let text = format!("{text} {text}");
        let [memo, reference] = both(Language::English, &text);
        assert_eq!(memo.len(), reference.len());
        let first_difference = memo.iter().zip(&reference).position(|(a, b)| a != b);
        assert_eq!(first_difference, None);
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
