//! Owns the compiled name lists: places, known actors with their aliases, and the word lists
//! (given names, person titles, organisation head words, common capitalised words) that the
//! actor rules consult. Parses the list texts of `index-schema/`, reports bad lines with file and
//! line, and builds one trie over every alias (see [`PrefixTrie`]) so that each candidate word
//! start of an article is looked up once.
//! Knows nothing of articles; `actors` and `places` decide what a match means in context.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

/// A multiply-rotate hasher for the short word keys of the name lists. The standard SipHash
/// resists hash flooding, which lists we ship ourselves do not need, and costs several times
/// more per lookup; enrichment looks up every capitalised word.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WordHasher {
    state: u64,
}

impl WordHasher {
    /// Folds one 64-bit word of input into the state.
    #[inline]
    fn mix(&mut self, value: u64) {
        const FACTOR: u64 = 0x517c_c1b7_2722_0a95;
        self.state = (self.state.rotate_left(5) ^ value).wrapping_mul(FACTOR);
    }

    /// The hash of `bytes` alone, as [`Hasher::write`] and [`Hasher::finish`] give it. A key
    /// shorter than eight bytes, as most words are, is hashed without setting up the chunks of
    /// eight; the name finder hashes the words of every article for its own tables.
    #[inline]
    pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
        let mut hasher = WordHasher::default();
        if bytes.len() < 8 {
            if !bytes.is_empty() {
                hasher.mix(tail_word(bytes));
            }
        } else {
            hasher.write(bytes);
        }
        hasher.finish()
    }
}

/// The last one to seven bytes of a key as one 64-bit word: the bytes in the low 56 bits, in
/// order, and their number above them, so that different tails never give the same word. Most
/// words are shorter than eight bytes, so this is all their hashing: two overlapping loads (or
/// three single bytes) instead of one multiplication per byte.
#[inline]
fn tail_word(rest: &[u8]) -> u64 {
    let len = rest.len();
    let value = if len >= 4 {
        let first = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
        let last = u32::from_le_bytes([rest[len - 4], rest[len - 3], rest[len - 2], rest[len - 1]]);
        // The loads overlap by 8 - len bytes, which hold the same bits in both.
        u64::from(first) | (u64::from(last) << (8 * (len - 4)))
    } else {
        u64::from(rest[0]) | (u64::from(rest[len / 2]) << 8) | (u64::from(rest[len - 1]) << 16)
    };
    value ^ ((len as u64) << 59)
}

impl Hasher for WordHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in chunks.by_ref() {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            self.mix(tail_word(rest));
        }
    }

    /// The end marker `str` hashes after its bytes, in one step.
    #[inline]
    fn write_u8(&mut self, byte: u8) {
        self.mix(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        self.state
    }
}

/// A set of words hashed with [`WordHasher`].
pub(crate) type WordSet = HashSet<String, BuildHasherDefault<WordHasher>>;

/// Which (first byte, length) pairs the words of a [`WordSet`] have. A word whose pair is
/// missing is not in the set, which most words asked about show without being hashed.
#[derive(Debug, Clone)]
pub(crate) struct WordShapes {
    /// Per first byte, bit `n` for a word of `n` bytes; bit 31 stands for 31 bytes or more.
    lengths_by_first_byte: Box<[u32; 256]>,
}

impl WordShapes {
    /// The shapes of the words of `set`.
    pub(crate) fn of<Word: AsRef<str>>(words: impl IntoIterator<Item = Word>) -> WordShapes {
        let mut lengths_by_first_byte = Box::new([0u32; 256]);
        for word in words {
            let word = word.as_ref();
            if let Some(&first) = word.as_bytes().first() {
                lengths_by_first_byte[usize::from(first)] |= 1 << word.len().min(31);
            }
        }
        WordShapes {
            lengths_by_first_byte,
        }
    }

    /// Whether `word` may be in the set: false only when no word of the set has its first byte
    /// and its length. The empty word is never ruled out.
    #[inline]
    pub(crate) fn may_contain(&self, word: &str) -> bool {
        match word.as_bytes().first() {
            None => true,
            Some(&first) => {
                self.lengths_by_first_byte[usize::from(first)] & (1 << word.len().min(31)) != 0
            }
        }
    }
}

/// The single-word lists a folded word is in, as two bits per list: the layout of the per-word
/// memo of the name rules, "known" (always set here) and "member". List `n` has its bits at `2 *
/// n`; the lists are numbered in the order of the constants below.
pub(crate) type WordListBits = u16;

/// Whether `lists` ([`WordListBits`]) has its word in list number `list`.
#[inline]
pub(crate) fn in_list(lists: WordListBits, list: u16) -> bool {
    lists & (2 << (2 * list)) != 0
}

/// List numbers of [`WordListBits`].
pub(crate) const GIVEN_NAMES_LIST: u16 = 0;
pub(crate) const ORG_WORDS_LIST: u16 = 1;
pub(crate) const ORG_HEADS_LIST: u16 = 2;
pub(crate) const COMMON_WORDS_LIST: u16 = 3;
pub(crate) const DEMONYMS_LIST: u16 = 4;
pub(crate) const TITLE_FIRST_WORDS_LIST: u16 = 5;
/// The "known" bits of every list, set for every word looked up.
pub(crate) const ALL_LISTS_KNOWN: WordListBits = 0b0101_0101_0101;

/// A map from words hashed with [`WordHasher`].
pub(crate) type WordMap<V> = HashMap<String, V, BuildHasherDefault<WordHasher>>;

use unicode_normalization::UnicodeNormalization;

use super::prefix_trie::{NameTexts, PrefixTrie};
use super::russian;
use super::word_table::WordTable;
use super::EntityKind;

/// A bad line in one of the name lists, named by file and 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct ListError {
    /// The list's file name, e.g. `actors.tsv`.
    pub file: String,
    /// The 1-based line number of the bad entry.
    pub line: usize,
    /// What is wrong and what was expected.
    pub message: String,
}

/// The texts of every list the gazetteer is built from, so the index can override any of them
/// from a user folder and keep the embedded defaults for the rest.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListTexts<'a> {
    /// `places.tsv`: `canonical<TAB>alias|alias`.
    pub places: &'a str,
    /// `actors.tsv`: `person|organization<TAB>canonical<TAB>alias|alias`.
    pub actors: &'a str,
    /// `given-names.txt`: one given name per line.
    pub given_names: &'a str,
    /// `person-titles.txt`: one title per line ("foreign minister").
    pub person_titles: &'a str,
    /// `org-words.txt`: one organisation head word per line ("ministry").
    pub org_words: &'a str,
    /// `org-heads.txt`: organisation words that open a name ("ministerio", "министерство").
    pub org_heads: &'a str,
    /// `common-words.txt`: capitalised words that never start a name on their own.
    pub common_words: &'a str,
    /// `demonyms.txt`: country and people adjectives ("russian").
    pub demonyms: &'a str,
}

impl ListTexts<'static> {
    /// The lists shipped in `index-schema/`, embedded at compile time.
    pub fn embedded() -> ListTexts<'static> {
        ListTexts {
            places: include_str!("../../index-schema/places.tsv"),
            actors: include_str!("../../index-schema/actors.tsv"),
            given_names: include_str!("../../index-schema/given-names.txt"),
            person_titles: include_str!("../../index-schema/person-titles.txt"),
            org_words: include_str!("../../index-schema/org-words.txt"),
            org_heads: include_str!("../../index-schema/org-heads.txt"),
            common_words: include_str!("../../index-schema/common-words.txt"),
            demonyms: include_str!("../../index-schema/demonyms.txt"),
        }
    }
}

/// A known entity as the query side sees it: canonical name, kind and every listed alias.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KnownEntity {
    /// The canonical name, e.g. "Antony Blinken".
    pub name: String,
    /// Person, organisation or place.
    pub kind: EntityKind,
    /// Every listed alias, canonical name excluded, in list order.
    pub aliases: Vec<String>,
}

/// One listed entity with the folded first and last words of its multi-word names, used to merge
/// misspelt mentions ("Anthony Bling") into it.
#[derive(Debug, Clone)]
pub(crate) struct EntityRecord {
    pub(crate) known: KnownEntity,
    pub(crate) first_names: Vec<String>,
    pub(crate) surnames: Vec<String>,
    /// The [`name_words`] of the canonical name, which every article naming the entity asks
    /// for when it merges mentions.
    pub(crate) name_words: Vec<String>,
}

/// How one alias of the trie must be checked against the text it matched.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PatternInfo {
    pub(crate) entity_idx: u32,
    /// Short all-capital aliases ("US", "WHO") match only in capitals, or every "us" would count.
    pub(crate) exact_case: bool,
    /// An alias starting with a capital must start with a capital in the text too.
    pub(crate) needs_capital: bool,
    /// One-word person aliases are surnames; `actors` lets a preceding unknown given name win.
    pub(crate) single_word: bool,
}

/// A validated list match in a text: byte span and entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ListMatch {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) entity_idx: u32,
    pub(crate) single_word: bool,
}

/// The compiled lists. Built once and shared read-only across threads (it is `Send + Sync`).
#[derive(Debug, Clone)]
pub struct Gazetteer {
    pub(crate) entities: Vec<EntityRecord>,
    /// Every alias (the `pattern_texts`) as a trie, built on first use: a query never scans
    /// text for names.
    trie: Arc<OnceLock<PrefixTrie>>,
    /// The aliases the trie is built from, in the order of `patterns`.
    pattern_texts: Arc<NameTexts>,
    patterns: Vec<PatternInfo>,
    /// Folded first words (letters and digits up to the first other character) of every alias:
    /// a word that is none of them starts no match, which one lookup tells.
    first_words: WordTable<()>,
    /// First bytes of the folded first words of aliases that start in lowercase ("von der
    /// Leyen", "al-Qaeda"): most lowercase words are ruled out by their first byte alone.
    lowercase_first_bytes: [bool; 256],
    /// The folded first words of aliases that start in lowercase. A set, not a list: over a third
    /// of lowercase words pass the first-byte test, and comparing each with every listed word
    /// cost more than one lookup.
    lowercase_first_words: WordTable<()>,
    /// The shapes of `lowercase_first_words`.
    lowercase_first_word_shapes: WordShapes,
    /// Leading punctuation of aliases that start with it ("«Большая семерка»").
    leading_punctuation: Vec<char>,
    /// Last UTF-8 bytes of `leading_punctuation`.
    leading_punctuation_last_bytes: [bool; 256],
    by_folded_alias: WordMap<u32>,
    /// Listed people's folded surnames with their entity, grouped by first letter: a misspelt
    /// surname keeps its first letter, so only one group is compared with it.
    surnames_by_initial: FxHashMap<char, Vec<(String, u32)>>,
    /// The same lists cut by the first byte of the people's given names (a person with given
    /// names of two first bytes is in both), in the same order: an unknown full name is
    /// compared only with listed people whose given name could be close to its own.
    surnames_by_initials: FxHashMap<(char, u8), Vec<(String, u32)>>,
    pub(crate) person_titles: WordSet,
    /// The last word of each of `person_titles`: a phrase whose last word is not one (nor is
    /// without its plural "s") is no title, which rules most phrases out in one lookup.
    pub(crate) title_last_words: WordSet,
    /// The shapes of `title_last_words`, which rule out most words before a lookup: the word
    /// asked about is the one before each run of capitalised words.
    pub(crate) title_last_word_shapes: WordShapes,
    pub(crate) max_title_words: usize,
    /// Every word of the single-word lists with the lists it is in, so that the name rules learn
    /// all of a word's lists in one lookup instead of one lookup per list. The lists are the
    /// given names, the organisation words, the words that open an organisation's name in
    /// Romance languages and Russian ("Ministerul Educației", "Partido Popular", "Правительство
    /// Китая", with their Russian case forms), the common words, the demonyms, and the first
    /// words of `person_titles` (so most capitalised words are ruled out in one lookup).
    word_lists: WordTable<WordListBits>,
    /// The shapes of the words of `word_lists`, which rule out most words before a lookup.
    word_list_shapes: WordShapes,
}

/// Lowercases and strips combining marks, so "Zürich", "ZURICH" and "zurich" compare equal.
pub fn fold_name(name: &str) -> String {
    // Most names are ASCII: lowercase and collapse spaces without the Unicode decomposition.
    if name.is_ascii() {
        // Nearly every name is already single-spaced and needs only lowercasing, which works
        // on the whole text at once rather than word by word.
        if is_single_spaced_ascii(name.as_bytes()) {
            return name.to_ascii_lowercase();
        }
        let mut folded = String::with_capacity(name.len());
        for word in name.split_ascii_whitespace() {
            if !folded.is_empty() {
                folded.push(' ');
            }
            folded.push_str(word);
        }
        folded.make_ascii_lowercase();
        return folded;
    }
    if let Some(folded) = fold_russian(name) {
        return folded;
    }
    fold_by_char(name).unwrap_or_else(|| fold_by_decomposition(name))
}

/// [`fold_name`] of a single-spaced name of ASCII and the Russian alphabet, or `None` for any
/// other name. The gazetteer folds every Russian case form of the lists' Cyrillic names, and
/// their letters are all two bytes, "\xD0" or "\xD1" and one more: the letters are told
/// apart by their bytes, without decoding characters, and the stretches between the letters
/// that change (capitals, "й" and "ё") are copied whole.
fn fold_russian(name: &str) -> Option<String> {
    let bytes = name.as_bytes();
    let mut folded = String::with_capacity(bytes.len());
    let mut copied = 0;
    let mut position = 0;
    // True at the start, so that a leading space is refused as a doubled one is.
    let mut after_space = true;
    while position < bytes.len() {
        let byte = bytes[position];
        if byte.is_ascii() {
            // Whitespace as `char::is_whitespace` has it, which counts the vertical tab.
            if char::from(byte).is_whitespace() {
                if byte != b' ' || after_space {
                    return None;
                }
                after_space = true;
            } else {
                after_space = false;
            }
            if byte.is_ascii_uppercase() {
                folded.push_str(&name[copied..position]);
                folded.push(char::from(byte.to_ascii_lowercase()));
                copied = position + 1;
            }
            position += 1;
            continue;
        }
        after_space = false;
        let next = *bytes.get(position + 1)?;
        let replacement = match (byte, next) {
            // The letters whose marks folding drops.
            (0xD0, 0x81) | (0xD1, 0x91) => Some('е'),
            (0xD0, 0x99) | (0xD0, 0xB9) => Some('и'),
            // "А".."Я" (U+0410..U+042F) to "а".."я", 32 code points above.
            (0xD0, 0x90..=0xAF) => Some(char::from_u32(0x420 + u32::from(next - 0x80))?),
            // "а".."п" and "р".."я" stay.
            (0xD0, 0xB0..=0xBF) | (0xD1, 0x80..=0x8F) => None,
            _ => return None,
        };
        if let Some(lowercase) = replacement {
            folded.push_str(&name[copied..position]);
            folded.push(lowercase);
            copied = position + 2;
        }
        position += 2;
    }
    if after_space && !bytes.is_empty() {
        return None;
    }
    folded.push_str(&name[copied..]);
    Some(folded)
}

/// Whether an ASCII text has single spaces between its words and no other whitespace: none at
/// either end, no two in a row, no tab or line break. Such a text folds to itself lowercased.
fn is_single_spaced_ascii(bytes: &[u8]) -> bool {
    let mut after_space = true;
    for &byte in bytes {
        if byte.is_ascii_whitespace() {
            if byte != b' ' || after_space {
                return false;
            }
            after_space = true;
        } else {
            after_space = false;
        }
    }
    !after_space
}

/// [`fold_name`] by the book: the canonical decomposition of the whole name, its combining
/// marks dropped, lowercased, spaces collapsed.
fn fold_by_decomposition(name: &str) -> String {
    let mut folded = String::with_capacity(name.len());
    for ch in name.nfd() {
        if is_dropped_mark(ch) {
            continue;
        }
        folded.extend(ch.to_lowercase());
    }
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The combining marks that folding drops (acute, grave, diaeresis, breve, ...).
fn is_dropped_mark(ch: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&ch)
}

/// [`fold_name`] of a non-ASCII name, one character at a time, or `None` when the name holds a
/// combining mark that folding keeps.
///
/// Decomposing the whole string also puts runs of combining marks in canonical order; when
/// every kept character is a base character (combining class 0), that order only moves marks
/// that are dropped anyway, so decomposing each character alone gives the same text without
/// the buffering of the string-wide decomposition. Cyrillic and accented Latin names, which
/// make up the lists' non-ASCII names and the Russian case forms, take this path.
fn fold_by_char(name: &str) -> Option<String> {
    use unicode_normalization::char::{canonical_combining_class, decompose_canonical};
    let mut folded = String::with_capacity(name.len());
    let mut keeps_a_mark = false;
    for ch in name.chars() {
        if ch.is_ascii() {
            folded.push(ch.to_ascii_lowercase());
            continue;
        }
        // The Russian alphabet directly: its only letters with marks are "й" and "ё", which
        // fold to "и" and "е"; the other capitals lie 32 code points below their lowercase.
        match ch {
            'й' | 'Й' => {
                folded.push('и');
                continue;
            }
            'ё' | 'Ё' => {
                folded.push('е');
                continue;
            }
            'а'..='я' => {
                folded.push(ch);
                continue;
            }
            'А'..='Я' => {
                folded.push(char::from_u32(u32::from(ch) + 32).unwrap_or(ch));
                continue;
            }
            _ => {}
        }
        decompose_canonical(ch, |part| {
            if is_dropped_mark(part) {
                return;
            }
            keeps_a_mark |= canonical_combining_class(part) != 0;
            folded.extend(part.to_lowercase());
        });
    }
    if keeps_a_mark {
        return None;
    }
    let single_spaced = !folded.starts_with(' ')
        && !folded.ends_with(' ')
        && !folded.contains("  ")
        && folded.chars().all(|ch| ch == ' ' || !ch.is_whitespace());
    if single_spaced {
        Some(folded)
    } else {
        Some(folded.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

/// `name` decomposed, without the combining marks that folding drops ("Erdoğan" →
/// "Erdogan"), its case kept. Each character is decomposed alone, as [`fold_by_char`] does and
/// for the reason it gives; a name keeping a combining mark is decomposed as a whole.
fn without_dropped_marks(name: &str) -> String {
    use unicode_normalization::char::{canonical_combining_class, decompose_canonical};
    let mut stripped = String::with_capacity(name.len());
    let mut keeps_a_mark = false;
    for ch in name.chars() {
        if ch.is_ascii() {
            stripped.push(ch);
            continue;
        }
        decompose_canonical(ch, |part| {
            if is_dropped_mark(part) {
                return;
            }
            keeps_a_mark |= canonical_combining_class(part) != 0;
            stripped.push(part);
        });
    }
    if keeps_a_mark {
        return name.nfd().filter(|&ch| !is_dropped_mark(ch)).collect();
    }
    stripped
}

// The lists' Russian names and their case forms are many, so the character classes the
// gazetteer asks about are answered for the Russian alphabet (and ASCII) without the Unicode
// tables; other characters are asked of them.

/// `char::is_alphanumeric`.
fn is_alphanumeric(character: char) -> bool {
    character.is_ascii_alphanumeric()
        || matches!(character, 'А'..='я' | 'Ё' | 'ё')
        || (!character.is_ascii() && character.is_alphanumeric())
}

/// `char::is_alphabetic`.
fn is_alphabetic(character: char) -> bool {
    character.is_ascii_alphabetic()
        || matches!(character, 'А'..='я' | 'Ё' | 'ё')
        || (!character.is_ascii() && character.is_alphabetic())
}

/// `char::is_uppercase`.
pub(crate) fn is_uppercase(character: char) -> bool {
    match character {
        'А'..='Я' | 'Ё' => true,
        'а'..='я' | 'ё' => false,
        _ => character.is_uppercase(),
    }
}

/// Lines that carry data: trimmed of the line end, with blank and `#` lines dropped.
fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(line_idx, line)| (line_idx + 1, line.trim_end_matches('\r')))
        .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
}

fn word_set(text: &str) -> WordSet {
    data_lines(text).map(|(_, line)| fold_name(line)).collect()
}

/// The folded words of a list, with the Russian case forms of its Cyrillic words added ("Юрий"
/// → "юрия", ...), declined before folding, which turns "й" into "и".
fn list_words_with_case_forms(text: &str) -> impl Iterator<Item = String> + '_ {
    data_lines(text).flat_map(|(_, line)| {
        let forms = russian::case_forms(line.trim());
        std::iter::once(fold_name(line)).chain(forms.into_iter().map(|form| fold_name(&form)))
    })
}

fn is_short_acronym(alias: &str) -> bool {
    // The letters are counted, not collected: every listed name is asked, and most fail on
    // their sixth letter or their first lowercase one.
    let mut n_letters = 0;
    for ch in alias.chars().filter(|&ch| is_alphabetic(ch)) {
        n_letters += 1;
        if n_letters > 5 || !is_uppercase(ch) {
            return false;
        }
    }
    n_letters > 0
        && alias
            .chars()
            .all(|ch| ch.is_alphanumeric() || ch == '.' || ch == '+' || ch == '-')
}

fn trie_of<'a>(trie: &'a OnceLock<PrefixTrie>, pattern_texts: &NameTexts) -> &'a PrefixTrie {
    trie.get_or_init(|| PrefixTrie::new(pattern_texts))
}

impl Gazetteer {
    /// The gazetteer of the lists shipped in `index-schema/`.
    pub fn embedded() -> Gazetteer {
        Gazetteer::build(&ListTexts::embedded())
            .expect("the embedded lists are checked by a unit test")
    }

    /// Builds a gazetteer from user-supplied place and actor lists, keeping the embedded word
    /// lists (given names, titles, organisation words, common words).
    pub fn from_lists(places: &str, actors: &str) -> Result<Gazetteer, ListError> {
        Gazetteer::from_list_texts(&ListTexts {
            places,
            actors,
            ..ListTexts::embedded()
        })
    }

    /// Builds a gazetteer from the texts of every list.
    pub fn from_list_texts(lists: &ListTexts<'_>) -> Result<Gazetteer, ListError> {
        Gazetteer::build(lists)
    }

    /// Starts building the trie of aliases on another thread, if it is not built yet: a build
    /// calls this first, so that it is ready when the first files have been read.
    pub fn compile_in_background(&self) {
        if self.trie.get().is_some() {
            return;
        }
        let (trie, pattern_texts) = (self.trie.clone(), self.pattern_texts.clone());
        std::thread::spawn(move || {
            trie_of(&trie, &pattern_texts);
        });
    }

    /// The trie of aliases, built now if it has not been (or waited for, if another thread is
    /// building it).
    fn trie(&self) -> &PrefixTrie {
        trie_of(&self.trie, &self.pattern_texts)
    }

    fn build(lists: &ListTexts<'_>) -> Result<Gazetteer, ListError> {
        let mut entities = Vec::new();
        // Where each entity was listed, for errors found after parsing (duplicate aliases).
        let mut origins: Vec<(&str, usize)> = Vec::new();
        for (line_no, line) in data_lines(lists.places) {
            let mut columns = line.split('\t');
            let canonical = columns.next().unwrap_or("").trim();
            let aliases = columns.next().unwrap_or("");
            if canonical.is_empty() {
                return Err(list_error("places.tsv", line_no, "empty canonical name"));
            }
            if columns.next().is_some() {
                return Err(list_error(
                    "places.tsv",
                    line_no,
                    "expected 'canonical<TAB>alias|alias', found a third column",
                ));
            }
            entities.push(make_record(EntityKind::Place, canonical, aliases));
            origins.push(("places.tsv", line_no));
        }
        for (line_no, line) in data_lines(lists.actors) {
            let columns: Vec<&str> = line.split('\t').collect();
            let kind = match columns.first().map(|kind| kind.trim()) {
                Some("person") => EntityKind::Person,
                Some("organization") => EntityKind::Organization,
                other => {
                    return Err(list_error(
                        "actors.tsv",
                        line_no,
                        &format!(
                        "unknown kind '{}'; expected 'person' or 'organization' followed by a TAB",
                        other.unwrap_or("")
                    ),
                    ))
                }
            };
            let canonical = columns.get(1).map(|name| name.trim()).unwrap_or("");
            if canonical.is_empty() || columns.len() > 3 {
                return Err(list_error(
                    "actors.tsv",
                    line_no,
                    "expected 'kind<TAB>canonical<TAB>alias|alias'",
                ));
            }
            entities.push(make_record(kind, canonical, columns.get(2).unwrap_or(&"")));
            origins.push(("actors.tsv", line_no));
        }

        // Sized for every listed name at once, the fewest the map and set below will hold,
        // rather than grown (and rehashed) step by step.
        let n_names: usize = entities
            .iter()
            .map(|record| 1 + record.known.aliases.len())
            .sum();
        let mut by_folded_alias: WordMap<u32> =
            WordMap::with_capacity_and_hasher(n_names, Default::default());
        let mut pattern_texts = NameTexts::default();
        let mut patterns = Vec::new();
        let mut first_words = WordTable::with_capacity(n_names);
        let mut lowercase_first_bytes = [false; 256];
        let mut lowercase_first_words = WordTable::default();
        let mut leading_punctuation = Vec::new();
        for (entity_idx, record) in entities.iter().enumerate() {
            let entity_idx = entity_idx as u32;
            let names = std::iter::once(&record.known.name).chain(&record.known.aliases);
            for name in names {
                match by_folded_alias.entry(fold_name(name)) {
                    std::collections::hash_map::Entry::Occupied(listed) => {
                        let other_idx = *listed.get();
                        if other_idx != entity_idx {
                            let (file, line) = origins[entity_idx as usize];
                            return Err(list_error(
                                file,
                                line,
                                &format!(
                                    "alias '{name}' is already listed under '{}'",
                                    entities[other_idx as usize].known.name
                                ),
                            ));
                        }
                    }
                    std::collections::hash_map::Entry::Vacant(unlisted) => {
                        unlisted.insert(entity_idx);
                    }
                }
                let info = PatternInfo {
                    entity_idx,
                    exact_case: is_short_acronym(name),
                    needs_capital: name.chars().next().is_some_and(is_uppercase),
                    single_word: record.known.kind == EntityKind::Person
                        && !name.contains([' ', '-']),
                };
                let first_word = fold_name(leading_alphanumeric(
                    name.trim_start_matches(|character: char| !is_alphanumeric(character)),
                ));
                if let Some(first) = name.chars().next() {
                    if !is_alphanumeric(first) {
                        if !leading_punctuation.contains(&first) {
                            leading_punctuation.push(first);
                        }
                    } else if !is_uppercase(first) {
                        if let Some(&byte) = first_word.as_bytes().first() {
                            lowercase_first_bytes[usize::from(byte)] = true;
                        }
                        lowercase_first_words.insert(&first_word);
                    }
                }
                first_words.insert(&first_word);
                pattern_texts.push(name);
                patterns.push(info);
                // Diacritics are often dropped in English copy ("Erdogan"), so list both forms.
                // An ASCII name has none to drop.
                if name.is_ascii() {
                    continue;
                }
                // A Cyrillic name gets no second form, so it is not decomposed at all.
                if name.chars().any(|ch| ('\u{400}'..='\u{4ff}').contains(&ch)) {
                    continue;
                }
                let stripped = without_dropped_marks(name);
                if stripped != *name {
                    pattern_texts.push(&stripped);
                    patterns.push(info);
                }
            }
        }
        // Russian declines names; the lists give the nominative, so every other case form of
        // a Cyrillic place, person or all-capitalised organisation is listed too ("России",
        // "Сергея Лаврова"). A form equal to a listed alias of another entity is left to it.
        for (entity_idx, record) in entities.iter().enumerate() {
            let entity_idx = entity_idx as u32;
            let names = std::iter::once(&record.known.name).chain(&record.known.aliases);
            for name in names.filter(|name| russian::is_cyrillic(name)) {
                let all_capitalised = name
                    .split(' ')
                    .all(|word| word.chars().next().is_some_and(is_uppercase));
                if record.known.kind == EntityKind::Organization && !all_capitalised {
                    continue;
                }
                for form in russian::case_forms(name) {
                    match by_folded_alias.entry(fold_name(&form)) {
                        std::collections::hash_map::Entry::Occupied(_) => continue,
                        std::collections::hash_map::Entry::Vacant(unlisted) => {
                            unlisted.insert(entity_idx);
                        }
                    }
                    first_words.insert(&fold_name(leading_alphanumeric(&form)));
                    patterns.push(PatternInfo {
                        entity_idx,
                        exact_case: false,
                        needs_capital: form.chars().next().is_some_and(is_uppercase),
                        single_word: record.known.kind == EntityKind::Person
                            && !form.contains([' ', '-']),
                    });
                    pattern_texts.push(&form);
                }
            }
        }
        let trie = Arc::new(OnceLock::new());
        let person_titles = word_set(lists.person_titles);
        let max_title_words = person_titles
            .iter()
            .map(|title| title.split(' ').count())
            .max()
            .unwrap_or(1);
        let title_first_words: WordSet = person_titles
            .iter()
            .filter_map(|title| title.split(' ').next())
            .flat_map(|word| [word.to_string(), format!("{word}s")])
            .collect();
        let title_last_words: WordSet = person_titles
            .iter()
            .filter_map(|title| title.split(' ').next_back())
            .map(str::to_string)
            .collect();
        // The single-word lists go straight into the map of each word's lists, rather than
        // into a set each whose words are then copied into the map: the sets themselves are
        // never asked. The map is sized for a word per line, about what it holds.
        let single_word_lists = [
            (GIVEN_NAMES_LIST, lists.given_names, true),
            (ORG_WORDS_LIST, lists.org_words, false),
            (ORG_HEADS_LIST, lists.org_heads, true),
            (COMMON_WORDS_LIST, lists.common_words, true),
            (DEMONYMS_LIST, lists.demonyms, false),
        ];
        let n_lines: usize = single_word_lists
            .iter()
            .map(|(_, text, _)| text.bytes().filter(|&byte| byte == b'\n').count())
            .sum();
        let mut word_lists: WordTable<WordListBits> =
            WordTable::with_capacity(n_lines + title_first_words.len());
        let mut file_word = |list: u16, word: String| {
            *word_lists.entry(&word) |= ALL_LISTS_KNOWN | (2 << (2 * list));
        };
        for (list, text, with_case_forms) in single_word_lists {
            if with_case_forms {
                list_words_with_case_forms(text).for_each(|word| file_word(list, word));
            } else {
                data_lines(text).for_each(|(_, line)| file_word(list, fold_name(line)));
            }
        }
        for word in &title_first_words {
            file_word(TITLE_FIRST_WORDS_LIST, word.clone());
        }
        let word_list_shapes = WordShapes::of(word_lists.iter().map(|(word, _)| word));
        let mut surnames_by_initial: FxHashMap<char, Vec<(String, u32)>> = FxHashMap::default();
        let mut surnames_by_initials: FxHashMap<(char, u8), Vec<(String, u32)>> =
            FxHashMap::default();
        for (entity_idx, record) in entities.iter().enumerate() {
            for surname in &record.surnames {
                if let Some(initial) = surname.chars().next() {
                    surnames_by_initial
                        .entry(initial)
                        .or_default()
                        .push((surname.clone(), entity_idx as u32));
                    let mut given_initials: Vec<u8> = record
                        .first_names
                        .iter()
                        .filter_map(|name| name.as_bytes().first().copied())
                        .collect();
                    given_initials.sort_unstable();
                    given_initials.dedup();
                    for given_initial in given_initials {
                        surnames_by_initials
                            .entry((initial, given_initial))
                            .or_default()
                            .push((surname.clone(), entity_idx as u32));
                    }
                }
            }
        }
        Ok(Gazetteer {
            surnames_by_initial,
            surnames_by_initials,
            entities,
            trie,
            pattern_texts: Arc::new(pattern_texts),
            patterns,
            first_words,
            lowercase_first_bytes,
            lowercase_first_word_shapes: WordShapes::of(
                lowercase_first_words.iter().map(|(word, _)| word),
            ),
            lowercase_first_words,
            leading_punctuation_last_bytes: {
                let mut last_bytes = [false; 256];
                for character in &leading_punctuation {
                    let mut encoded = [0u8; 4];
                    let bytes = character.encode_utf8(&mut encoded).as_bytes();
                    if let Some(&last) = bytes.last() {
                        last_bytes[usize::from(last)] = true;
                    }
                }
                last_bytes
            },
            leading_punctuation,
            by_folded_alias,
            person_titles,
            title_last_word_shapes: WordShapes::of(&title_last_words),
            title_last_words,
            max_title_words,
            word_lists,
            word_list_shapes,
        })
    }

    /// Canonical name, kind and aliases for a user-typed name or alias, ignoring case and
    /// diacritics ("blingen" and "Anthony Blinken" both give "Antony Blinken"). When no alias is
    /// equal, a listed person whose surname is within a small edit distance is returned, so a
    /// misspelt query still finds the actor; `None` when nothing is close.
    pub fn lookup(&self, name: &str) -> Option<KnownEntity> {
        let folded = fold_name(name);
        if folded.is_empty() {
            return None;
        }
        let entity_idx = match self.by_folded_alias.get(&folded) {
            Some(&entity_idx) => entity_idx,
            None => self.closest_person(&folded)?,
        };
        Some(self.entities[entity_idx as usize].known.clone())
    }

    /// The listed person whose folded name or surname is closest to `folded`, if close enough.
    pub(crate) fn closest_person(&self, folded: &str) -> Option<u32> {
        let words: Vec<&str> = folded.split(' ').collect();
        let last = words.last().copied().unwrap_or("");
        let first = if words.len() > 1 {
            Some(words[0])
        } else {
            None
        };
        let mut best: Option<(usize, u32)> = None;
        let initial = last.chars().next()?;
        let candidates = match first {
            Some(first) => self
                .surnames_by_initials
                .get(&(initial, *first.as_bytes().first()?))?,
            None => self.surnames_by_initial.get(&initial)?,
        };
        for (surname, entity_idx) in candidates {
            let record = &self.entities[*entity_idx as usize];
            if record.known.kind != EntityKind::Person {
                continue;
            }
            // The given name rules out most candidates more cheaply than the surname, and its
            // first byte rules out most given names here, without a call for each.
            if let Some(first) = first {
                if !record.first_names.iter().any(|name| {
                    name.as_bytes().first() == first.as_bytes().first() && names_close(name, first)
                }) {
                    continue;
                }
            }
            if !surname_close(surname, last) {
                continue;
            }
            let distance = edit_distance(surname, last);
            if best.is_none_or(|(best_distance, _)| distance < best_distance) {
                best = Some((distance, *entity_idx));
            }
        }
        best.map(|(_, entity_idx)| entity_idx)
    }

    /// Every validated list match in `text`, left to right, without overlaps.
    #[cfg(test)]
    pub(crate) fn find_matches(&self, text: &str) -> Vec<ListMatch> {
        let mut word_starts = Vec::new();
        let mut previous: Option<char> = None;
        for (idx, ch) in text.char_indices() {
            if ch.is_alphanumeric() && !previous.is_some_and(char::is_alphanumeric) {
                word_starts.push((idx, &text[idx..]));
            }
            previous = Some(ch);
        }
        let candidate_starts = word_starts.into_iter().filter_map(|(start, rest)| {
            let word_len = rest
                .find(|ch: char| !ch.is_alphanumeric())
                .unwrap_or(rest.len());
            let word = &rest[..word_len];
            let capitalised = word.chars().next().is_some_and(char::is_uppercase);
            self.may_start_match(text, start, capitalised, &fold_name(word), false)
        });
        self.find_matches_at(text, candidate_starts.flatten())
    }

    /// Where a listed name may start at the word beginning at byte `start` (`folded` is its
    /// folded form): the word itself when it is capitalised or the first word of a lowercase
    /// alias, and the punctuation before it when an alias starts with that punctuation. Most
    /// words are lowercase and give nothing.
    #[inline]
    pub(crate) fn may_start_match(
        &self,
        text: &str,
        start: usize,
        capitalised: bool,
        folded: &str,
        alphanumeric: bool,
    ) -> Option<impl Iterator<Item = usize>> {
        // A word of ASCII letters and digits only is its own leading alphanumeric part, which
        // most words are, so only the others are scanned for it.
        let leading = || {
            if alphanumeric {
                folded
            } else {
                leading_alphanumeric(folded)
            }
        };
        let may_start_here = if capitalised {
            self.is_first_word(leading())
        } else {
            // Only a handful of aliases start in lowercase; their first bytes rule out most
            // lowercase words before any lookup, and glued words need not be considered. Over
            // a third of lowercase words pass the first-byte test, so the shapes of the words
            // rule out most of those before they are hashed.
            folded
                .as_bytes()
                .first()
                .is_some_and(|&byte| self.lowercase_first_bytes[usize::from(byte)])
                && {
                    let word = leading();
                    self.lowercase_first_word_shapes.may_contain(word)
                        && self.lowercase_first_words.contains(word)
                }
        };
        let here = may_start_here.then_some(start);
        // Leading punctuation is rare in the lists; its last byte rules out most words.
        let before = start
            .checked_sub(1)
            .filter(|&previous| {
                self.leading_punctuation_last_bytes[usize::from(text.as_bytes()[previous])]
            })
            .and_then(|_| char_before(text, start))
            .filter(|ch| self.leading_punctuation.contains(ch))
            .map(|ch| start - ch.len_utf8());
        if here.is_none() && before.is_none() {
            return None;
        }
        Some(before.into_iter().chain(here))
    }

    /// Whether a listed name may start at or just before the lowercase word at byte `start`
    /// with the folded form `folded`: false, as for most lowercase words, when no alias that
    /// starts in lowercase has its first byte and no leading punctuation of an alias ends with
    /// the byte before it. [`Gazetteer::may_start_match`] gives the starts themselves.
    #[inline]
    pub(crate) fn may_start_at_lowercase(&self, text: &str, start: usize, folded: &str) -> bool {
        folded
            .as_bytes()
            .first()
            .is_some_and(|&byte| self.lowercase_first_bytes[usize::from(byte)])
            || start.checked_sub(1).is_some_and(|previous| {
                self.leading_punctuation_last_bytes[usize::from(text.as_bytes()[previous])]
            })
    }

    /// Whether the leading letters and digits of a folded word (up to an apostrophe) are an
    /// alias's first word, or are one with a glued function word after it ("Ukrainewhich").
    fn is_first_word(&self, word: &str) -> bool {
        if self.first_words.contains(word) {
            return true;
        }
        // Look each ending of a glued word's length up.
        // Most words asked about are names that start no alias, and the last byte of a glued
        // word, then the first byte and length of each ending, rule out most of them before any
        // ending is compared.
        let bytes = word.as_bytes();
        if !bytes
            .last()
            .is_some_and(|&last| GLUED_WORD_LAST_BYTES[usize::from(last)])
        {
            return false;
        }
        GLUED_WORD_LENGTHS.clone().any(|suffix_len| {
            word.len() > suffix_len + 2
                && GLUED_WORD_SHAPES[usize::from(bytes[word.len() - suffix_len])]
                    & (1 << suffix_len)
                    != 0
                && word.is_char_boundary(word.len() - suffix_len)
                && is_glued_word(&word[word.len() - suffix_len..])
                && self.first_words.contains(&word[..word.len() - suffix_len])
        })
    }

    /// Validated list matches starting at `candidate_starts` (byte offsets, ascending), left to
    /// right, without overlaps: at each start the longest listed name wins, and starts inside an
    /// accepted match are skipped.
    pub(crate) fn find_matches_at(
        &self,
        text: &str,
        candidate_starts: impl Iterator<Item = usize>,
    ) -> Vec<ListMatch> {
        let trie = self.trie();
        let mut found = Vec::new();
        let mut covered_until = 0;
        for start in candidate_starts {
            if start < covered_until {
                continue;
            }
            let Some((pattern_idx, end)) = trie.longest_at(text.as_bytes(), start) else {
                continue;
            };
            let info = self.patterns[pattern_idx as usize];
            if !text.is_char_boundary(end) || !right_boundary_ok(text, end) {
                continue;
            }
            let matched = &text[start..end];
            if info.exact_case && matched.chars().any(|ch| ch.is_lowercase()) {
                continue;
            }
            if info.needs_capital && !matched.chars().next().is_some_and(|ch| ch.is_uppercase()) {
                continue;
            }
            covered_until = end;
            found.push(ListMatch {
                start,
                end,
                entity_idx: info.entity_idx,
                single_word: info.single_word,
            });
        }
        found
    }

    /// The single-word lists the folded word `word` is in, with every list marked known.
    #[inline]
    pub(crate) fn word_lists_of(&self, word: &str) -> WordListBits {
        // Most words have no listed word of their first byte and length, so need no lookup.
        if !self.word_list_shapes.may_contain(word) {
            return ALL_LISTS_KNOWN;
        }
        self.word_lists.get(word).unwrap_or(ALL_LISTS_KNOWN)
    }

    /// Whether the folded word `word` is in list number `list` of [`WordListBits`].
    pub(crate) fn in_word_list(&self, word: &str, list: u16) -> bool {
        in_list(self.word_lists_of(word), list)
    }

    pub(crate) fn lookup_folded_alias(&self, folded: &str) -> Option<u32> {
        self.by_folded_alias.get(folded).copied()
    }

    pub(crate) fn kind_of(&self, entity_idx: u32) -> &EntityKind {
        &self.entities[entity_idx as usize].known.kind
    }

    pub(crate) fn name_words_of(&self, entity_idx: u32) -> &[String] {
        &self.entities[entity_idx as usize].name_words
    }

    pub(crate) fn name_of(&self, entity_idx: u32) -> &str {
        &self.entities[entity_idx as usize].known.name
    }
}

/// The folded words of a name that can tell it apart: words of two letters or more, without
/// initials ("J.").
pub(crate) fn name_words(name: &str) -> Vec<String> {
    // Folding ASCII only lowercases and collapses whitespace, so the words come straight from
    // the name, without building the folded string first.
    // One pass over the bytes finds the words between spaces and hyphens; merging calls this
    // for most mentions of every article, and the chained splitting iterators cost more.
    if name.is_ascii() {
        let bytes = name.as_bytes();
        let mut words = Vec::new();
        let mut word_start = 0;
        for idx in 0..=bytes.len() {
            if idx < bytes.len() && !bytes[idx].is_ascii_whitespace() && bytes[idx] != b'-' {
                continue;
            }
            let word = &name[word_start..idx];
            if word.len() > 1 && !word.ends_with('.') {
                // Room for the words of most names at once: growing from empty one push at a
                // time costs more than the allocation itself.
                if words.capacity() == 0 {
                    words = Vec::with_capacity(4);
                }
                words.push(word.to_ascii_lowercase());
            }
            word_start = idx + 1;
        }
        return words;
    }
    fold_name(name)
        .split([' ', '-'])
        .filter(|word| word.chars().count() > 1 && !word.ends_with('.'))
        .map(str::to_string)
        .collect()
}

/// Whether two given names are the same or spelling variants ("Anthony" / "Antony").
/// Misspellings rarely touch the first letter, so names with different first letters are never
/// close; this also keeps the edit-distance work off the hot path.
pub(crate) fn names_close(left: &str, right: &str) -> bool {
    // Names with different first bytes are neither equal nor close; a listed person's given
    // names are compared with each unknown name, and most differ there.
    if left.as_bytes().first() != right.as_bytes().first() {
        return false;
    }
    left == right
        || (left.len() >= 4
            && left.chars().next() == right.chars().next()
            && left.len().abs_diff(right.len()) <= 1
            && within_one_edit(left, right))
}

/// Whether `edit_distance(left, right) <= 1`. One edit (an insertion, a deletion, a
/// substitution or a swap of neighbours) touches at most two neighbouring characters, so two
/// ASCII words one edit apart share all but two characters of the shorter one as a common
/// prefix and a common suffix; most pairs asked about fail that, which costs less than the
/// table of the distance.
fn within_one_edit(left: &str, right: &str) -> bool {
    if left.is_ascii() && right.is_ascii() {
        let (left_bytes, right_bytes) = (left.as_bytes(), right.as_bytes());
        let common_prefix = left_bytes
            .iter()
            .zip(right_bytes)
            .take_while(|(left_byte, right_byte)| left_byte == right_byte)
            .count();
        let common_suffix = left_bytes
            .iter()
            .rev()
            .zip(right_bytes.iter().rev())
            .take_while(|(left_byte, right_byte)| left_byte == right_byte)
            .count();
        if common_prefix + common_suffix + 2 < left_bytes.len().min(right_bytes.len()) {
            return false;
        }
    }
    edit_distance(left, right) <= 1
}

/// Whether two folded surnames are close enough to be one person's typo variants: a small edit
/// distance relative to the length, or one a prefix of the other ("Bling" / "Blingen").
pub(crate) fn surname_close(left: &str, right: &str) -> bool {
    if left.chars().next() != right.chars().next() {
        return false;
    }
    let (left_len, right_len) = (left.chars().count(), right.chars().count());
    let shorter = left_len.min(right_len);
    if shorter < 4 {
        return left == right;
    }
    // Every accepted pair below is within two edits, and the edit distance is at least the
    // difference in length; this rules out most pairs before any distance is computed.
    if left_len.abs_diff(right_len) > 2 {
        return false;
    }
    if shorter >= 7 {
        return edit_distance(left, right) <= 2;
    }
    // Shorter surnames are allowed one edit, or two when one is a prefix of the other.
    within_one_edit(left, right)
        || (shorter >= 5
            && (left.starts_with(right) || right.starts_with(left))
            && edit_distance(left, right) <= 2)
}

/// The most edits apart that any caller tells names apart by: two names within two edits may
/// be one person's.
const MAX_TOLD_EDITS: usize = 2;

/// Edit distance counting insertions, deletions, substitutions and swaps of neighbouring
/// letters (the "optimal string alignment" distance). Names are short, so ASCII names up to 32
/// bytes use rows on the stack and get their exact distance. Longer or non-ASCII words get it
/// when it is at most [`MAX_TOLD_EDITS`], and `MAX_TOLD_EDITS + 1` otherwise: no caller asks
/// more, and a full table grows with the product of the lengths, which generated text with
/// words of tens of thousands of letters makes unbounded in practice.
pub(crate) fn edit_distance(left: &str, right: &str) -> usize {
    const MAX: usize = 32;
    if left == right {
        return 0;
    }
    let (left_bytes, right_bytes) = (left.as_bytes(), right.as_bytes());
    if !left.is_ascii() || !right.is_ascii() || left_bytes.len() >= MAX || right_bytes.len() >= MAX
    {
        return bounded_edit_distance(left, right, MAX_TOLD_EDITS);
    }
    let width = right_bytes.len() + 1;
    // Three rows used in turn: the one two back (for swaps), the previous and the current.
    let mut rows = [[0u8; MAX + 1]; 3];
    for (column, cell) in rows[0].iter_mut().enumerate().take(width) {
        *cell = column as u8;
    }
    for row in 1..=left_bytes.len() {
        let (current_idx, previous_idx, before_idx) = (row % 3, (row + 2) % 3, (row + 1) % 3);
        rows[current_idx][0] = row as u8;
        for column in 1..width {
            let substitution_cost = u8::from(left_bytes[row - 1] != right_bytes[column - 1]);
            let mut best = (rows[previous_idx][column] + 1)
                .min(rows[current_idx][column - 1] + 1)
                .min(rows[previous_idx][column - 1] + substitution_cost);
            if row > 1
                && column > 1
                && left_bytes[row - 1] == right_bytes[column - 2]
                && left_bytes[row - 2] == right_bytes[column - 1]
            {
                best = best.min(rows[before_idx][column - 2] + 1);
            }
            rows[current_idx][column] = best;
        }
    }
    usize::from(rows[left_bytes.len() % 3][width - 1])
}

/// The edit distance of `left` and `right` (as [`edit_distance`], by characters) when it is at
/// most `bound`, else `bound + 1`. A distance within the bound only passes through cells within
/// `bound` of the table's diagonal, so only that band is filled: the time grows with the length
/// times the bound, not with the product of the lengths.
fn bounded_edit_distance(left: &str, right: &str, bound: usize) -> usize {
    let left: Vec<char> = left.chars().collect();
    let right: Vec<char> = right.chars().collect();
    let over = bound + 1;
    if left.len().abs_diff(right.len()) > bound {
        return over;
    }
    let width = right.len() + 1;
    // Three rows used in turn, as in `edit_distance`; a cell outside the band reads as `over`.
    let mut rows = vec![vec![over; width]; 3];
    for (column, cell) in rows[0].iter_mut().enumerate().take(width.min(bound + 1)) {
        *cell = column;
    }
    for row in 1..=left.len() {
        let (current_idx, previous_idx, before_idx) = (row % 3, (row + 2) % 3, (row + 1) % 3);
        let low = row.saturating_sub(bound);
        let high = (row + bound).min(width - 1);
        if low == 0 {
            rows[current_idx][0] = row;
        } else {
            // Left of the band: this row's buffer still holds a value from three rows back.
            rows[current_idx][low - 1] = over;
        }
        for column in low.max(1)..=high {
            let substitution_cost = usize::from(left[row - 1] != right[column - 1]);
            let mut best = (rows[previous_idx][column] + 1)
                .min(rows[current_idx][column - 1] + 1)
                .min(rows[previous_idx][column - 1] + substitution_cost);
            if row > 1
                && column > 1
                && left[row - 1] == right[column - 2]
                && left[row - 2] == right[column - 1]
            {
                best = best.min(rows[before_idx][column - 2] + 1);
            }
            rows[current_idx][column] = best.min(over);
        }
    }
    rows[left.len() % 3][width - 1]
}

/// Which bytes are ASCII letters and digits, so the scan below tests each byte with one load.
const ASCII_ALPHANUMERIC: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = (byte as u8).is_ascii_alphanumeric();
        byte += 1;
    }
    table
};

/// The leading letters and digits of `text`.
fn leading_alphanumeric(text: &str) -> &str {
    // ASCII letters and digits first, byte by byte; only a non-ASCII byte needs the char scan.
    // Every capitalised word and many lowercase ones are asked about, so the byte test is a
    // table lookup rather than range comparisons.
    let bytes = text.as_bytes();
    let mut ascii_end = 0;
    while ascii_end < bytes.len() && ASCII_ALPHANUMERIC[usize::from(bytes[ascii_end])] {
        ascii_end += 1;
    }
    if text.as_bytes().get(ascii_end).is_none_or(u8::is_ascii) {
        return &text[..ascii_end];
    }
    // Russian letters are told without the Unicode tables, as the case forms of the lists'
    // Russian names are many.
    let end = text[ascii_end..]
        .find(|character: char| !is_alphanumeric(character))
        .map_or(text.len(), |offset| ascii_end + offset);
    &text[..end]
}

pub(crate) fn char_before(text: &str, idx: usize) -> Option<char> {
    text[..idx].chars().next_back()
}

/// Function words that crawlers glue onto the previous word when they drop a space
/// ("Ukrainewhich", "Eastern Europeto"); see [`is_glued_word`].
#[rustfmt::skip]
const GLUED_WORDS: [&str; 25] = [
    "to", "which", "about", "and", "the", "of", "in", "on", "at", "for", "from", "with", "that",
    "was", "were", "has", "have", "will", "by", "as", "or", "but", "who", "where", "when",
];

/// The lengths in bytes of [`GLUED_WORDS`], which the build checks.
const GLUED_WORD_LENGTHS: std::ops::RangeInclusive<usize> = 2..=5;

/// Per first byte, bit `n` for a word of [`GLUED_WORDS`] of `n` bytes.
const GLUED_WORD_SHAPES: [u8; 256] = {
    let mut shapes = [0u8; 256];
    let mut word_idx = 0;
    while word_idx < GLUED_WORDS.len() {
        let word = GLUED_WORDS[word_idx].as_bytes();
        assert!(
            word.len() >= *GLUED_WORD_LENGTHS.start() && word.len() <= *GLUED_WORD_LENGTHS.end(),
            "a glued word is outside GLUED_WORD_LENGTHS"
        );
        shapes[word[0] as usize] |= 1 << word.len();
        word_idx += 1;
    }
    shapes
};

/// Which bytes end a word of [`GLUED_WORDS`].
const GLUED_WORD_LAST_BYTES: [bool; 256] = {
    let mut last_bytes = [false; 256];
    let mut word_idx = 0;
    while word_idx < GLUED_WORDS.len() {
        let word = GLUED_WORDS[word_idx].as_bytes();
        last_bytes[word[word.len() - 1] as usize] = true;
        word_idx += 1;
    }
    last_bytes
};

/// Whether `word` is one of [`GLUED_WORDS`]; a name followed by one of these still counts as a
/// whole word. Every capitalised word that starts no alias asks about four of its endings, and
/// the first byte and length of an ending rule out most of them before any comparison.
fn is_glued_word(word: &str) -> bool {
    let bytes = word.as_bytes();
    GLUED_WORD_LENGTHS.contains(&bytes.len())
        && GLUED_WORD_SHAPES[usize::from(bytes[0])] & (1 << bytes.len()) != 0
        && GLUED_WORDS.contains(&word)
}

fn right_boundary_ok(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    let Some(next) = rest.chars().next() else {
        return true;
    };
    if !next.is_alphanumeric() {
        return true;
    }
    // Only a lowercase function word glued directly after a name that ends in lowercase counts.
    let prev_is_lower = char_before(text, end).is_some_and(char::is_lowercase);
    let word_len = rest
        .find(|ch: char| !ch.is_alphanumeric())
        .unwrap_or(rest.len());
    let glued = &rest[..word_len];
    prev_is_lower && end >= 5 && is_glued_word(glued)
}

fn list_error(file: &str, line: usize, message: &str) -> ListError {
    ListError {
        file: file.to_string(),
        line,
        message: message.to_string(),
    }
}

fn make_record(kind: EntityKind, canonical: &str, aliases: &str) -> EntityRecord {
    let mut alias_list: Vec<String> = Vec::new();
    for alias in aliases.split('|').map(str::trim).filter(|a| !a.is_empty()) {
        if alias != canonical && !alias_list.iter().any(|known| known == alias) {
            alias_list.push(alias.to_string());
        }
    }
    let mut first_names = Vec::new();
    let mut surnames = Vec::new();
    if kind == EntityKind::Person {
        for name in std::iter::once(canonical).chain(alias_list.iter().map(String::as_str)) {
            // Only the first and the last of the kept words are wanted, so none is copied
            // but those.
            let folded = fold_name(name);
            let mut words = folded
                .split(' ')
                .filter(|word| word.chars().count() > 2 || !word.ends_with('.'));
            let first = words.next();
            let last_of_several = words.next_back();
            if let Some(last) = last_of_several.or(first) {
                if !surnames.iter().any(|surname| surname == last) {
                    surnames.push(last.to_string());
                }
            }
            if let (Some(first), Some(_)) = (first, last_of_several) {
                if !first_names.iter().any(|known| known == first) {
                    first_names.push(first.to_string());
                }
            }
        }
    }
    EntityRecord {
        known: KnownEntity {
            name: canonical.to_string(),
            kind,
            aliases: alias_list,
        },
        first_names,
        surnames,
        name_words: name_words(canonical),
    }
}

#[cfg(test)]
impl Gazetteer {
    /// The aliases the trie is built from, for tests that check it.
    pub(crate) fn pattern_texts_for_tests(&self) -> &NameTexts {
        &self.pattern_texts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn different_word_tails_give_different_hash_inputs() {
        let mut tails: Vec<Vec<u8>> = vec![Vec::new()];
        let mut seen = std::collections::HashMap::new();
        for _ in 0..7 {
            tails = tails
                .iter()
                .flat_map(|tail| {
                    b"aemq\xc3".iter().map(move |&byte| {
                        let mut longer = tail.clone();
                        longer.push(byte);
                        longer
                    })
                })
                .collect();
            for tail in &tails {
                if let Some(other) = seen.insert(tail_word(tail), tail.clone()) {
                    panic!("{other:?} and {tail:?} give the same word");
                }
            }
        }
    }

    #[test]
    fn folding_russian_bytes_gives_what_decomposing_the_name_gives() {
        // Every character of the Cyrillic block and of ASCII, alone, inside a word and beside
        // spaces, single and doubled.
        let samples = (0x01..0x80_u32)
            .chain(0x400..0x500)
            .filter_map(char::from_u32)
            .flat_map(|ch| {
                [
                    format!("{ch}"),
                    format!("Ив{ch}ан {ch}Ё"),
                    format!("Й{ch} {ch}"),
                    format!("{ch}  я"),
                ]
            })
            .chain(
                ["Сергей Лавров", "ЙОШКАР-ОЛА", "Ёлка", " Юрий", "Юрий ", ""].map(str::to_string),
            );
        let mut n_russian = 0;
        for name in samples {
            if let Some(folded) = fold_russian(&name) {
                n_russian += 1;
                assert_eq!(folded, fold_by_decomposition(&name), "{name:?}");
            }
            // An ASCII name takes a path of its own, which leaves a vertical tab alone.
            if !name.is_ascii() {
                assert_eq!(fold_name(&name), fold_by_decomposition(&name), "{name:?}");
            }
        }
        assert!(n_russian > 200, "only {n_russian} names folded as Russian");
    }

    #[test]
    fn stripping_marks_by_character_gives_what_decomposing_the_name_gives() {
        let samples = (0..=0x10ffff_u32)
            .filter(|&code| code < 0x3400 || code % 31 == 0)
            .filter_map(char::from_u32)
            .filter(|ch| !ch.is_ascii())
            .map(|ch| format!("Ab{ch}c  {ch}\u{301}D{ch}"))
            .chain(
                [
                    "Erdoğan",
                    "a\u{323}\u{301}b",
                    "a\u{301}\u{323}b",
                    "a\u{5b0}\u{301}b",
                    "x\u{483}y",
                    "한국",
                ]
                .map(str::to_string),
            );
        for name in samples {
            let decomposed: String = name.nfd().filter(|&ch| !is_dropped_mark(ch)).collect();
            assert_eq!(without_dropped_marks(&name), decomposed, "{name:?}");
        }
    }

    #[test]
    fn character_classes_are_the_unicode_ones() {
        for character in (0..0x3400_u32).filter_map(char::from_u32) {
            assert_eq!(is_alphanumeric(character), character.is_alphanumeric());
            assert_eq!(is_alphabetic(character), character.is_alphabetic());
            assert_eq!(is_uppercase(character), character.is_uppercase());
        }
    }

    #[test]
    fn folding_each_character_gives_what_decomposing_the_name_gives() {
        // Every character of the alphabetic scripts (and every 31st above them), between
        // letters and beside spaces; and a few names whose marks decomposition reorders.
        let mut n_by_char = 0;
        let samples = (0..=0x10ffff_u32)
            .filter(|&code| code < 0x3400 || code % 31 == 0)
            .filter_map(char::from_u32)
            .filter(|ch| !ch.is_ascii())
            .map(|ch| format!("Ab{ch}c  {ch}\u{301}D{ch}"))
            .chain(
                [
                    "Erdoğan",
                    "Сергей Лавров",
                    "ЙОШКАР-ОЛА",
                    "Ёлка",
                    "İstanbul",
                    "Zürich",
                    "a\u{323}\u{301}b",
                    "a\u{301}\u{323}b",
                    "a\u{5b0}\u{301}b",
                    "x\u{483}y",
                    "\u{a0}Łódź\u{2003}Kraków ",
                    "한국",
                    "ǅemal",
                ]
                .map(str::to_string),
            );
        for name in samples {
            if let Some(folded) = fold_by_char(&name) {
                n_by_char += 1;
                assert_eq!(folded, fold_by_decomposition(&name), "{name:?}");
            }
            assert_eq!(fold_name(&name), fold_by_decomposition(&name), "{name:?}");
        }
        // The fast path is taken for nearly every character.
        assert!(
            n_by_char > 40_000,
            "only {n_by_char} names folded by character"
        );
    }

    #[test]
    fn a_misspelt_full_name_finds_a_listed_person_by_either_given_name() {
        let gazetteer = Gazetteer::from_lists(
            "",
            "person\tYevgeny Prigozhin\tEvgeny Prigozhin\nperson\tAnna Petrova\t\n",
        )
        .expect("valid lists");
        let name_of = |folded: &str| {
            gazetteer
                .closest_person(folded)
                .map(|entity_idx| gazetteer.name_of(entity_idx).to_string())
        };
        assert_eq!(
            name_of("evgeni prigozhyn").as_deref(),
            Some("Yevgeny Prigozhin")
        );
        assert_eq!(
            name_of("yevgeni prigozhyn").as_deref(),
            Some("Yevgeny Prigozhin")
        );
        assert_eq!(name_of("anna petrovna").as_deref(), Some("Anna Petrova"));
        assert_eq!(name_of("anna prigozhyn"), None);
        assert_eq!(name_of("ivan petrovna"), None);
    }

    #[test]
    fn leading_alphanumeric_stops_where_the_unicode_tables_say() {
        for ch in (0x80..0x3400_u32).filter_map(char::from_u32) {
            let text = format!("ab{ch}1{ch} c");
            let expected_end = text
                .find(|character: char| !character.is_alphanumeric())
                .unwrap_or(text.len());
            assert_eq!(leading_alphanumeric(&text), &text[..expected_end], "{ch:?}");
        }
    }

    #[test]
    fn the_embedded_trie_is_built_only_when_text_is_scanned() {
        let gazetteer = Gazetteer::embedded();
        assert_eq!(
            gazetteer.lookup("Kiev").map(|known| known.name).as_deref(),
            Some("Kyiv")
        );
        assert!(gazetteer.trie.get().is_none(), "a lookup built it");
        let found: Vec<String> = gazetteer
            .find_matches("Talks in Kiev and Geneva.")
            .iter()
            .map(|found| gazetteer.name_of(found.entity_idx).to_string())
            .collect();
        assert_eq!(found, ["Kyiv", "Geneva"]);
        assert!(gazetteer.trie.get().is_some());
    }

    fn check_lookup(query: &str, expected: Option<&str>) {
        let gazetteer = Gazetteer::embedded();
        let found = gazetteer.lookup(query).map(|known| known.name);
        assert_eq!(found.as_deref(), expected, "lookup({query:?})");
    }

    fn check_list_error(places: &str, actors: &str, expected: &str) {
        let error = Gazetteer::from_lists(places, actors).expect_err("list should be rejected");
        assert_eq!(error.to_string(), expected);
    }

    fn check_matches(text: &str, expected: &[&str]) {
        let gazetteer = Gazetteer::embedded();
        let found: Vec<&str> = gazetteer
            .find_matches(text)
            .iter()
            .map(|found| gazetteer.name_of(found.entity_idx))
            .collect();
        assert_eq!(found, expected, "matches in {text:?}");
    }

    fn check_distance(left: &str, right: &str, expected: usize) {
        assert_eq!(edit_distance(left, right), expected, "{left:?} / {right:?}");
    }

    proptest::proptest! {
        /// The banded distance is the full table's up to its bound, and over it beyond.
        #[test]
        fn bounded_edit_distance_agrees_with_the_full_table(
            left in "[abé]{0,12}",
            right in "[abé]{0,12}",
            bound in 0usize..4,
        ) {
            let full = strsim::osa_distance(&left, &right);
            proptest::prop_assert_eq!(
                bounded_edit_distance(&left, &right, bound),
                full.min(bound + 1)
            );
        }
    }

    #[test]
    fn long_words_get_their_distance_up_to_two_edits() {
        let long = "a".repeat(40) + "bcdefgh" + &"a".repeat(40);
        let swapped = "a".repeat(40) + "bdcefgh" + &"a".repeat(40);
        let two_off = "a".repeat(40) + "bdcefhg" + &"a".repeat(40);
        let three_off = "a".repeat(40) + "xdcefhg" + &"a".repeat(40);
        check_distance(&long, &long, 0);
        check_distance(&long, &swapped, 1);
        check_distance(&long, &two_off, 2);
        check_distance(&long, &three_off, MAX_TOLD_EDITS + 1);
        check_distance(&long, &long[1..], 1);
        check_distance(&long, &"a".repeat(90), MAX_TOLD_EDITS + 1);
    }

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        check_distance("blinken", "blinken", 0);
        check_distance("blinken", "blingen", 1);
        check_distance("stoltenberg", "stoltenbreg", 1);
        check_distance("bling", "blingen", 2);
        check_distance("", "abc", 3);
        check_distance("zakharova", "zajarova", 2);
        check_distance("müller", "muller", 1);
    }

    #[test]
    fn gazetteer_is_shared_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Gazetteer>();
    }

    #[test]
    fn embedded_lists_parse() {
        let gazetteer = Gazetteer::embedded();
        assert!(gazetteer.entities.len() > 400);
        assert!(gazetteer.in_word_list("sergei", GIVEN_NAMES_LIST));
        assert!(gazetteer.person_titles.contains("foreign minister"));
    }

    #[test]
    fn lookup_by_alias_and_misspelling() {
        check_lookup("blingen", Some("Antony Blinken"));
        check_lookup("Anthony Blinken", Some("Antony Blinken"));
        check_lookup("ZAJAROVA", Some("Maria Zakharova"));
        check_lookup("Kiew", Some("Kyiv"));
        check_lookup("Киев", Some("Kyiv"));
        check_lookup("lukansk", Some("Luhansk"));
        check_lookup("Moscú", Some("Moscow"));
        check_lookup("zurich", Some("Zurich"));
        check_lookup("Zelenskyy", Some("Volodymyr Zelensky"));
        check_lookup("Stoltenbreg", Some("Jens Stoltenberg"));
        check_lookup("Sergey Lavrow", Some("Sergei Lavrov"));
        check_lookup(
            "ministry of foreign affairs of the russian federation",
            Some("Russian Foreign Ministry"),
        );
        check_lookup("Nobody Atall", None);
        check_lookup("", None);
    }

    #[test]
    fn word_shapes_rule_out_only_words_of_other_shapes() {
        let set: WordSet = [
            "minister",
            "mr",
            "ministerul",
            "spokesmanspokeswomanspokesperson",
        ]
        .into_iter()
        .map(str::to_string)
        .collect();
        let shapes = WordShapes::of(&set);
        for word in &set {
            assert!(shapes.may_contain(word), "{word}");
        }
        // Same first byte and length as a listed word, so not ruled out.
        assert!(shapes.may_contain("ms"));
        // Long words share one bit.
        assert!(shapes.may_contain("sssssssssssssssssssssssssssssssssssssssss"));
        assert!(shapes.may_contain(""));
        assert!(!shapes.may_contain("the"));
        assert!(!shapes.may_contain("mayor"));
        assert!(!shapes.may_contain("m"));
    }

    #[test]
    fn list_errors_name_file_and_line() {
        check_list_error(
            "# c\nRussia\tRossiya\tx\n",
            "",
            "places.tsv:2: expected 'canonical<TAB>alias|alias', found a third column",
        );
        check_list_error("\tRossiya", "", "places.tsv:1: empty canonical name");
        check_list_error("", "robot\tR2D2\n", "actors.tsv:1: unknown kind 'robot'; expected 'person' or 'organization' followed by a TAB");
        check_list_error(
            "",
            "person\n",
            "actors.tsv:1: expected 'kind<TAB>canonical<TAB>alias|alias'",
        );
        check_list_error(
            "Georgia\n",
            "\nperson\tX Y\tGeorgia\n",
            "actors.tsv:2: alias 'Georgia' is already listed under 'Georgia'",
        );
    }

    #[test]
    fn matches_respect_case_and_word_boundaries() {
        check_matches("Talks with us in the US.", &["United States"]);
        check_matches("the Russian side and Russia", &["Russia"]);
        check_matches("deployed to Ukrainewhich aroused", &["Ukraine"]);
        check_matches("in Eastern Europeto the", &["Eastern Europe"]);
        check_matches("Romanian troops", &[]);
        check_matches("Zürich and Zurich", &["Zurich", "Zurich"]);
        check_matches("moscow", &[]);
        check_matches("the Crimean peninsula", &["Crimea"]);
    }
}
