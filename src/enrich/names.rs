//! Finds people, organisations and places in an article body and merges their spellings into
//! canonical names. Listed names are looked up in a trie of the lists' aliases at the words that
//! can start one; one scan over the words groups capitalised words into runs; rules on each run
//! (titles, given names and initials, organisation head words, "town of", verbs of speech, clubs
//! named after their city, results and standings lines) classify the names the lists do not
//! know. Mentions of one actor are merged per
//! article: full name, surname alone, listed aliases and close misspellings. Knows nothing of
//! dates or languages.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::byte_class::{classify_block, BlockClasses, BLOCK_LEN};
use super::gazetteer::{
    fold_name, name_words, names_close, surname_close, Gazetteer, ListMatch, WordHasher,
    WordShapes, COMMON_WORDS_LIST, DEMONYMS_LIST, GIVEN_NAMES_LIST, ORG_HEADS_LIST, ORG_WORDS_LIST,
    TITLE_FIRST_WORDS_LIST,
};
use super::{dates, russian};
use super::{Entity, EntityKind};

/// The entities of one article, each list in order of first mention.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FoundNames {
    /// People.
    pub people: Vec<Entity>,
    /// Organisations.
    pub organizations: Vec<Entity>,
    /// Places.
    pub places: Vec<Entity>,
}

/// One word of the body: letters and digits, with inner apostrophes ("O'Brien") but not a
/// possessive "'s", which ends the word.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(test, derive(PartialEq))]
struct Word {
    start: usize,
    end: usize,
    capitalised: bool,
    /// A single capital followed by a full stop ("J."), part of a name.
    initial: bool,
    /// Index of the word's line in the [`Line`]s of the body.
    line_idx: u32,
    /// Lowercase ASCII already, so its folded form is the text itself.
    plain: bool,
    /// ASCII letters and digits only (no apostrophe, no joined syllable), so its folded form
    /// is all letters and digits too.
    alphanumeric: bool,
}

/// Whether the folded form of a word is its text with the ASCII capitals lowercased: true of
/// words of ASCII letters and digits (`alphanumeric`, most words), and of other words whose
/// characters are all ASCII or curly apostrophes ("Ukraine’s"), the usual non-ASCII character in
/// English words, which folds to itself. Only the other words need the Unicode folding.
fn folds_by_ascii_lowercase(word: &Word, text: &str) -> bool {
    word.alphanumeric
        || text
            .chars()
            .all(|character| character.is_ascii() || character == '’')
}

/// What one line of the body says about the capitals in it, computed in the word-splitting pass.
#[derive(Debug, Clone, Copy, Default)]
#[cfg_attr(test, derive(PartialEq))]
struct Line {
    /// Byte span of the line, its line end included.
    start: usize,
    end: usize,
    /// The line has a digit, so it may be a sports results line.
    has_digit: bool,
    /// A related-story link paragraph ("See also ..."): names there are about other stories.
    furniture: bool,
    /// Title Case ("Lavrov Tells Blinken Propaganda About ..."): capitalisation says nothing
    /// about names, so only listed names are taken from it.
    headline: bool,
    /// (Almost) no lowercase letters (shouted headings, sports headlines).
    capitals: bool,
}

/// Paragraph openings of related-story links that sites leave in the body; names there are
/// about other stories.
#[rustfmt::skip]
const FURNITURE_OPENINGS: &[&str] = &[
    "see also", "read also", "also read", "read more", "related:", "related stories", "more:",
];

/// Name particles that may sit inside a person's name ("Ursula von der Leyen").
#[rustfmt::skip]
const NAME_PARTICLES: &[&str] = &[
    "de", "da", "do", "dos", "das", "du", "del", "della", "di", "van", "von", "der", "den", "al",
    "el", "bin", "ibn", "ben", "la", "le",
];

/// The length in bytes of the longest word of `list`.
const fn longest_word(list: &[&str]) -> usize {
    let mut longest = 0;
    let mut idx = 0;
    while idx < list.len() {
        if list[idx].len() > longest {
            longest = list[idx].len();
        }
        idx += 1;
    }
    longest
}

/// Whether the folded word `word` is one of [`NAME_PARTICLES`]. Asked of most words after a
/// capitalised one; a longer word is none, which its length tells without comparing it with
/// each.
fn is_name_particle(word: &str) -> bool {
    word.len() <= longest_word(NAME_PARTICLES) && NAME_PARTICLES.contains(&word)
}

/// Whether the folded word `word` is one of [`ORG_CONNECTORS`], asked of the first word of
/// most runs; as for [`is_name_particle`], a longer word is none.
fn is_org_connector(word: &str) -> bool {
    word.len() <= longest_word(ORG_CONNECTORS) && ORG_CONNECTORS.contains(&word)
}

/// Lowercase words that may sit inside an organisation's or a title's name ("Ministry of
/// Defence", "Secretary of State", "Banca Națională a României", "Ministerio de Trabajo y
/// Asuntos Sociales"); folded, so Romanian "și" is "si".
#[rustfmt::skip]
const ORG_CONNECTORS: &[&str] = &[
    "of", "for", "and", "the", "in", "on", "din", "a", "ale", "pentru", "si", "y", "para", "des",
    "du", "et", "pour", "und", "für",
];

/// Verbs that introduce reported speech; an unknown two- or three-word name right before or after
/// one is a person ("Phil Simmons said", "said Ann Smith"). The Spanish ones, folded ("señaló" is
/// "senalo"), also make a single unknown word beside them a person ("Aznar dijo", "explicó
/// Reyes"): organisations and places rarely speak in Spanish news, while English "Reuters said"
/// and "Russia said" are common.
#[rustfmt::skip]
const SPEECH_VERBS: &[&str] = &[
    "said", "says", "told", "added", "stated", "declared", "wrote",
];

/// German verbs of reported speech, folded ("erklärte" is "erklarte"), for German articles
/// only: "sagte Faymann", "Strache kritisierte". From German usage.
#[rustfmt::skip]
const GERMAN_SPEECH_VERBS: &[&str] = &[
    "sagte", "sagt", "erklarte", "erklart", "betonte", "betont", "meinte", "meint", "kritisierte",
    "forderte", "warnte", "schrieb", "sprach", "antwortete", "bestatigte", "kundigte",
];

/// German nouns for a kind of place, folded, which stand before its name ("Provinz Idlib",
/// "Stadt Aleppo", "Bezirk Mödling"); capitalised, as every German noun is. From German usage.
#[rustfmt::skip]
const GERMAN_PLACE_NOUNS: &[&str] = &[
    "stadt", "hauptstadt", "provinz", "region", "bezirk", "gemeinde", "ortschaft", "dorf",
    "bundesland", "bundesstaat", "kanton", "landkreis", "kreis", "insel", "grenzstadt",
    "hafenstadt", "metropole", "stadtteil", "ort", "marktgemeinde", "stadtgemeinde",
];

/// Head words of German titles, folded, which German writes as one word with what the post is
/// for: "Bundeskanzler", "Innenministerin", "Parteichef", "Regierungssprecher". From German
/// usage; not "Richter" (judge), which is as often a surname.
#[rustfmt::skip]
const GERMAN_TITLE_HEADS: &[&str] = &[
    "minister", "ministerin", "kanzler", "kanzlerin", "prasident", "prasidentin", "sprecher",
    "sprecherin", "chef", "chefin", "burgermeister", "burgermeisterin", "landeshauptmann",
    "landeshauptfrau", "vorsitzende", "vorsitzender", "direktor", "direktorin", "sekretar",
    "sekretarin", "botschafter", "botschafterin", "abgeordnete", "abgeordneter", "trainer",
    "trainerin", "kommissar", "kommissarin", "stadtrat", "stadtratin", "anwalt", "anwaltin",
    "bischof", "kardinal", "konig", "konigin", "furst", "prinz", "prinzessin",
];

/// Whether a folded German word is a title: a head of [`GERMAN_TITLE_HEADS`], alone or ending
/// a compound.
fn is_german_title(word: &str) -> bool {
    GERMAN_TITLE_HEADS.iter().any(|head| word.ends_with(head))
}

/// Spanish verbs of reported speech, folded; see [`SPEECH_VERBS`].
#[rustfmt::skip]
const SPANISH_SPEECH_VERBS: &[&str] = &[
    "dijo", "afirmo", "senalo", "explico", "aseguro", "declaro", "anadio", "indico", "manifesto",
    "subrayo", "destaco", "preciso", "agrego", "comento", "reconocio", "insistio", "apunto",
    "advirtio", "recordo", "critico", "denuncio", "admitio", "anuncio", "respondio", "reitero",
    "puntualizo", "sostuvo", "opino", "considero", "estimo", "dice", "afirma", "asegura",
    "explica", "senala", "declara", "anade", "indica", "manifiesta", "considera",
];

/// Whether a folded word is one of [`SPANISH_SPEECH_VERBS`]. Asked for the neighbours of most
/// single capitalised words, so the endings they all share (past "-o", present "-a", "-e") are
/// checked before the list.
fn is_spanish_speech_verb(word: &str) -> bool {
    word.len() >= 4
        && matches!(word.as_bytes()[word.len() - 1], b'o' | b'a' | b'e')
        && SPANISH_SPEECH_VERBS.contains(&word)
}

/// Lowercase words before a name that make it a place ("the Polish town of Redzikowo").
#[rustfmt::skip]
const PLACE_NOUNS: &[&str] = &[
    "town", "city", "village", "region", "province", "port", "capital",
];

/// Lowercase nouns that describe an organisation right before its name, in apposition ("the
/// daily Haaretz", "investment bank Morgan Stanley", "champions Ajax"): the name is an
/// organisation. Not "champions", which describes people as often ("doubles champions Todd
/// Woodbridge"). People are described by titles ("spokesman Ned Price") and places by
/// [`PLACE_NOUNS`] with "of", so these nouns name neither.
#[rustfmt::skip]
const ORG_DESCRIPTORS: &[&str] = &[
    "daily", "newspaper", "weekly", "magazine", "agency", "group", "company", "bank", "club",
    "firm", "operator", "maker", "carrier", "airline", "insurer", "broker", "brokerage",
    "retailer", "publisher", "conglomerate", "subsidiary", "side", "rivals",
];

/// Lowercase words right after a name that make it an organisation: its spokespeople, its
/// statements and reports, its players and staff ("a Gazprom spokesman said", "Everton
/// striker", "Interfax reported").
#[rustfmt::skip]
const ORG_ROLES: &[&str] = &[
    "spokesman", "spokeswoman", "statement", "reported", "newspaper", "daily", "striker",
    "defender", "midfielder", "goalkeeper", "manager",
];

/// The character at byte `idx` and its length, with a fast path for ASCII, which most of the
/// text is.
fn char_at(text: &str, idx: usize) -> (char, usize) {
    let byte = text.as_bytes()[idx];
    if byte.is_ascii() {
        return (char::from(byte), 1);
    }
    let character = text[idx..]
        .chars()
        .next()
        .unwrap_or(char::REPLACEMENT_CHARACTER);
    (character, character.len_utf8())
}

/// Second syllables of hyphenated Korean, Taiwanese and Hong Kong given names, as romanised in
/// the press ("Geun-hye", "Jae-yong", "Ki-moon", "Ing-wen", "Chun-ying"). From general knowledge
/// of Korean and Chinese romanisation; English words that end hyphenated compounds ("in", "man",
/// "won", "do") are left out. In alphabetical order, so that a word is found by halving the
/// list.
#[rustfmt::skip]
const GIVEN_NAME_SYLLABLES: &[&str] = &[
    "ae", "ahn", "bae", "bak", "beom", "bo", "bok", "bong", "bum", "byung", "chae", "chan",
    "chang", "cheol", "cheon", "chi", "ching", "chiu", "chol", "chon", "chuan", "chul", "chun",
    "chung", "dae", "deok", "dong", "doo", "duk", "eun", "fung", "geun", "gi", "gil", "gu",
    "guk", "gwan", "gyu", "hae", "hak", "heon", "hoon", "hsien", "hsiung", "hua", "hui", "hwa",
    "hwan", "hye", "hyeok", "hyo", "hyuk", "hyun", "hyung", "il", "jae", "jeong", "jeou", "ji",
    "jin", "jo", "jong", "joo", "joon", "ju", "jun", "jung", "kai", "keun", "keung", "ki",
    "kook", "kuan", "kuo", "kwan", "kwang", "kwok", "kyo", "kyu", "kyung", "lun", "mi", "min",
    "ming", "moo", "moon", "myung", "nam", "ngor", "pil", "pyo", "ryong", "ryul", "seo", "seok",
    "seon", "seong", "seung", "shek", "shik", "shui", "sik", "sil", "soo", "sook", "suk", "sung",
    "tae", "taek", "te", "tsung", "tung", "uk", "un", "wah", "wai", "wen", "woo", "wook", "yee",
    "yeol", "yeon", "yeong", "yew", "ying", "yong", "yoon", "young", "yuen", "yuk", "yul", "yun",
];

/// `char::is_alphanumeric` with the ASCII case answered without the Unicode tables.
fn is_alphanumeric(character: char) -> bool {
    if character.is_ascii() {
        character.is_ascii_alphanumeric()
    } else {
        character.is_alphanumeric()
    }
}

/// Per-line counts gathered while splitting words.
#[derive(Debug, Clone, Copy, Default)]
struct LineCounts {
    start: usize,
    /// Capitals and small letters, ASCII or not.
    n_upper: usize,
    n_lower: usize,
    /// An ASCII digit.
    has_digit: bool,
    n_long_words: usize,
    long_word_in_lowercase: bool,
}

impl LineCounts {
    /// Counts the ASCII letters and digits among the bytes of a block that `bytes` selects,
    /// all on this line. Every ASCII letter of a line is counted here, in a word or not, so
    /// the words count only their other letters.
    fn count_block_bytes(&mut self, classes: &BlockClasses, bytes: u64) {
        let capitals = classes.capitals & bytes;
        self.n_upper += capitals.count_ones() as usize;
        self.n_lower += (classes.letters & !capitals & bytes).count_ones() as usize;
        self.has_digit |= classes.alphanumeric & !classes.letters & bytes != 0;
    }

    /// Counts a character that is not ASCII, in a word or not, as a capital or a small letter.
    fn count_case(&mut self, character: char) {
        if character.is_uppercase() {
            self.n_upper += 1;
        } else if character.is_lowercase() {
            self.n_lower += 1;
        }
    }

    fn finish(&self, text: &str, end: usize) -> Line {
        let line_text = &text[self.start..end];
        // The openings are ASCII, so comparing bytes without case needs no lowercased copy.
        let opening_text = line_text.trim_start().as_bytes();
        Line {
            start: self.start,
            end,
            has_digit: self.has_digit,
            furniture: FURNITURE_OPENINGS.iter().any(|opening| {
                opening_text.len() >= opening.len()
                    && opening_text[..opening.len()].eq_ignore_ascii_case(opening.as_bytes())
            }),
            // Running text nearly always has a lowercase word of four letters or more. Draws,
            // leaderboards and line-ups ("1 - Pete Sampras ( U.S. ) vs. Adrian Voinea", "66 Paul
            // Goydos , Billy Mayfair") have none either, but they have digits between names set
            // off by commas or parentheses, which headlines rarely combine.
            // Draws without seedings ("Magnus Larsson ( Sweden ) vs. Alexander Volkov ( Russia
            // )") and leaderboard lines that go on from the line above ("Wood , Loren Roberts ,
            // Steve Stricker") have no digit, but two commas or parentheses, which headlines
            // rarely have; the line is read for them only when it looks like a headline.
            headline: self.n_long_words >= 5 && !self.long_word_in_lowercase && {
                let n_list_punctuation = line_text.matches([',', '(']).count();
                !(n_list_punctuation >= 1 && (self.has_digit || n_list_punctuation >= 2))
            },
            capitals: self.n_upper > 3 && self.n_lower * 4 < self.n_upper,
        }
    }
}

/// What [`split_words`] finds in one pass over a body.
#[cfg_attr(test, derive(Debug, PartialEq))]
struct SplitBody {
    words: Vec<Word>,
    lines: Vec<Line>,
    /// A word has a letter only Romanian writes.
    romanian: bool,
    /// The body has a replacement character, left where a byte did not decode.
    has_replacement: bool,
}

/// The bits of a block's mask from bit `offset` on; none when `offset` is past the block.
fn bits_from(offset: usize) -> u64 {
    u64::MAX.checked_shl(offset as u32).unwrap_or(0)
}

/// Splits the body into words and lines in one pass, and says whether a word has a letter
/// only Romanian writes and whether the body has a replacement character.
///
/// The body is classified a block of [`BLOCK_LEN`] bytes at a time into bit masks (see
/// [`classify_block`]): the bytes between words are passed over in one step, the lines' ASCII
/// letters and digits are counted from the masks, and only the first byte of a word, the line
/// ends and the characters beyond ASCII are visited.
///
/// Out of line: inlined into [`find_names`], the scan shared the registers with the rest of
/// it and read its values back from memory.
#[inline(never)]
fn split_words(text: &str) -> SplitBody {
    split_words_with(text, classify_block)
}

/// [`split_words`] with the block classifier `classify`, so that a test can hold the SIMD
/// classifier and the byte loop to the same words and lines.
#[inline(always)]
fn split_words_with(text: &str, classify: impl Fn(&[u8; BLOCK_LEN]) -> BlockClasses) -> SplitBody {
    let bytes = text.as_bytes();
    let mut words = Vec::with_capacity(text.len() / 5);
    let mut lines = Vec::new();
    let mut romanian = false;
    let mut has_replacement = false;
    let mut counts = LineCounts::default();
    // Where the next word or character starts: one read from a block may end in a later one.
    let mut next: usize = 0;
    for block_start in (0..bytes.len()).step_by(BLOCK_LEN) {
        let classes = match bytes.get(block_start..block_start + BLOCK_LEN) {
            Some(block) => classify(block.try_into().expect("the block has its length")),
            None => {
                // The last bytes, padded with zero bytes, which are in none of the classes.
                let mut block = [0; BLOCK_LEN];
                block[..bytes.len() - block_start].copy_from_slice(&bytes[block_start..]);
                classify(&block)
            }
        };
        let alphanumeric = classes.alphanumeric;
        // The bytes that are read one by one: line ends and characters beyond ASCII.
        let rare = classes.non_ascii | classes.line_ends;
        // The bytes from `next` on that start a word of ASCII letters and digits, a line or
        // a character beyond ASCII. A letter or digit right after another is part of its
        // word, and `next` lies past a word that runs on from an earlier block.
        let mut pending = (alphanumeric & !(alphanumeric << 1) | rare)
            & bits_from(next.saturating_sub(block_start));
        // The bytes of the block not yet counted for a line.
        let mut uncounted = u64::MAX;
        while pending != 0 {
            let offset = pending.trailing_zeros() as usize;
            let idx = block_start + offset;
            if rare >> offset & 1 != 0 {
                if classes.line_ends >> offset & 1 != 0 {
                    let line_bytes = uncounted & !bits_from(offset + 1);
                    counts.count_block_bytes(&classes, line_bytes);
                    uncounted &= !line_bytes;
                    lines.push(counts.finish(text, idx + 1));
                    counts = LineCounts {
                        start: idx + 1,
                        ..LineCounts::default()
                    };
                    pending &= pending - 1;
                    continue;
                }
                let (character, len) = char_at(text, idx);
                next = if is_alphanumeric(character) {
                    let line_idx = lines.len() as u32;
                    let word = scan_word(text, idx, character, len, line_idx, &mut counts);
                    romanian |= word.romanian;
                    words.push(word.word);
                    word.word.end
                } else {
                    // A replacement character is never part of a word, so every one passes
                    // here.
                    has_replacement |= character == REPLACEMENT;
                    counts.count_case(character);
                    idx + len
                };
                pending &= bits_from(next - block_start);
                continue;
            }
            // The words before the next line end or character beyond ASCII, most of the
            // block, are read in one tight loop up to the first that needs more than the masks.
            let rare_ahead = pending & rare;
            let word_starts = pending & rare_ahead.wrapping_sub(1) & !rare_ahead;
            let left = push_ascii_words(
                &mut words,
                bytes,
                block_start,
                word_starts,
                &classes,
                lines.len() as u32,
                &mut counts,
            );
            pending = pending & !word_starts | left;
            if left == 0 {
                continue;
            }
            let offset = left.trailing_zeros() as usize;
            let idx = block_start + offset;
            pending &= pending - 1;
            // The word's run of ASCII letters and digits ends at the first byte after it that
            // is none, which the mask shows unless the run goes on into the next block.
            let run_end = match !alphanumeric & (u64::MAX << offset) {
                0 => ascii_run_end(bytes, block_start + BLOCK_LEN),
                ends => block_start + ends.trailing_zeros() as usize,
            };
            let line_idx = lines.len() as u32;
            // A word that an apostrophe or a character beyond ASCII may go on with is read
            // again from its start by `scan_word`; the others left here run on past the block
            // or may take in a given name's second syllable.
            let word = if bytes
                .get(run_end)
                .is_none_or(|&after| after.is_ascii() && after != b'\'')
            {
                let end_offset = run_end - block_start;
                let has_capital = if end_offset < BLOCK_LEN {
                    classes.capitals & (u64::MAX << offset) & !(u64::MAX << end_offset) != 0
                } else {
                    bytes[idx..run_end].iter().any(u8::is_ascii_uppercase)
                };
                ascii_word(text, idx, run_end, has_capital, line_idx, &mut counts)
            } else {
                let word = scan_word(text, idx, char::from(bytes[idx]), 1, line_idx, &mut counts);
                romanian |= word.romanian;
                word.word
            };
            words.push(word);
            next = word.end;
            // Only a hyphenated given name or a word read by `scan_word` takes in another
            // word start.
            if next != run_end {
                pending &= bits_from(next - block_start);
            }
        }
        counts.count_block_bytes(&classes, uncounted);
    }
    lines.push(counts.finish(text, text.len()));
    SplitBody {
        words,
        lines,
        romanian,
        has_replacement,
    }
}

/// Pushes onto `words` the words of ASCII letters and digits that start at the bits
/// `starts` of the block at byte `block_start` on line number `line_idx`, up to the first
/// that its masks and the byte after it do not tell: one that runs on past the block, one
/// that an apostrophe or a character beyond ASCII may go on with, and a capitalised one
/// before a hyphen, which may take in a given name's second syllable. Returns the starts
/// left from that word on, for the general reading of [`split_words_with`].
///
/// Out of line, so that the loop has the registers to itself: in the general loop, the
/// values of the rarer cases were read back from memory at every word.
#[inline(never)]
fn push_ascii_words(
    words: &mut Vec<Word>,
    bytes: &[u8],
    block_start: usize,
    mut starts: u64,
    classes: &BlockClasses,
    line_idx: u32,
    counts: &mut LineCounts,
) -> u64 {
    let capitals = classes.capitals;
    let lowercase = classes.letters & !capitals;
    let mut n_long_words = 0;
    let mut long_word_in_lowercase = false;
    // The first byte after each word: a byte that is no ASCII letter or digit after one that
    // is. The words of `starts` follow one another, so their ends do too, from the first on.
    let mut ends = !classes.alphanumeric
        & classes.alphanumeric << 1
        & bits_from(starts.trailing_zeros() as usize);
    while starts != 0 && ends != 0 {
        let offset = starts.trailing_zeros();
        let end_offset = ends.trailing_zeros();
        let end = block_start + end_offset as usize;
        // The end of the body reads as a space.
        let after = bytes.get(end).map_or(b' ', |&after| after);
        let capitalised = capitals >> offset & 1 != 0;
        if !after.is_ascii() || after == b'\'' || (capitalised && after == b'-') {
            break;
        }
        let len = end_offset - offset;
        if len >= 4 {
            n_long_words += 1;
            long_word_in_lowercase |= lowercase >> offset & 1 != 0;
        }
        words.push(Word {
            start: block_start + offset as usize,
            end,
            capitalised,
            initial: capitalised && len == 1 && after == b'.',
            line_idx,
            // The first capital from the word's start on lies past its end.
            plain: (capitals >> offset).trailing_zeros() >= len,
            alphanumeric: true,
        });
        starts &= starts - 1;
        ends &= ends - 1;
    }
    counts.n_long_words += n_long_words;
    counts.long_word_in_lowercase |= long_word_in_lowercase;
    starts
}

/// Where the run of ASCII letters and digits that goes on at byte `from` ends, for the few
/// words that run on past the end of a block.
#[inline(never)]
fn ascii_run_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|byte| !byte.is_ascii_alphanumeric())
        .map_or(bytes.len(), |n_alphanumeric| from + n_alphanumeric)
}

/// The length of the lowercase second syllable of a hyphenated given name ("Geun-hye") after
/// the hyphen at byte `hyphen`, when it is a listed one that ends there (see [`scan_word`]).
fn given_name_syllable_after(text: &str, hyphen: usize) -> Option<usize> {
    let after = &text[hyphen + 1..];
    let syllable_len = after.bytes().take_while(u8::is_ascii_lowercase).count();
    let next = after[syllable_len..].chars().next();
    (syllable_len > 0
        && !next.is_some_and(is_alphanumeric)
        && GIVEN_NAME_SYLLABLES
            .binary_search(&&after[..syllable_len])
            .is_ok())
    .then_some(syllable_len)
}

/// [`scan_word`] for a word of ASCII letters and digits only, bytes `start..end`, that an
/// ASCII byte other than an apostrophe or the end of the body ends, with `has_capital` telling
/// whether it has an ASCII capital: the same word and line counts, without the decoding that
/// such a word has no need of.
#[inline(always)]
fn ascii_word(
    text: &str,
    start: usize,
    mut end: usize,
    has_capital: bool,
    line_idx: u32,
    counts: &mut LineCounts,
) -> Word {
    let first = text.as_bytes()[start];
    let capitalised = first.is_ascii_uppercase();
    let mut n_chars = end - start;
    let mut glued = false;
    if capitalised && text.as_bytes().get(end) == Some(&b'-') {
        if let Some(syllable_len) = given_name_syllable_after(text, end) {
            end += 1 + syllable_len;
            glued = true;
            n_chars += 1 + syllable_len;
        }
    }
    if n_chars >= 4 {
        counts.n_long_words += 1;
        counts.long_word_in_lowercase |= first.is_ascii_lowercase();
    }
    let initial = capitalised && end == start + 1 && text.as_bytes().get(end) == Some(&b'.');
    Word {
        start,
        end,
        capitalised,
        initial,
        line_idx,
        plain: !has_capital,
        alphanumeric: !glued,
    }
}

/// A word read by [`scan_word`].
struct ScannedWord {
    word: Word,
    /// The word has a letter only Romanian writes.
    romanian: bool,
}

/// Reads the word starting at byte `idx` with its first character `ch` (`len` bytes), a letter
/// or digit, on line number `line_idx`: adds its letters beyond ASCII and its length to the
/// line's `counts`, and notes a letter only Romanian writes. Words of ASCII letters and digits
/// alone take the shorter way of [`ascii_word`]; this general reading, for words with other
/// characters or an apostrophe, stays out of the loop of [`split_words`], which then keeps its
/// values in registers.
#[inline(never)]
fn scan_word(
    text: &str,
    idx: usize,
    ch: char,
    len: usize,
    line_idx: u32,
    counts: &mut LineCounts,
) -> ScannedWord {
    let bytes = text.as_bytes();
    let start = idx;
    let mut end = idx + len;
    let mut romanian = false;
    // The word's letters and digits.
    let mut n_chars = 1;
    let mut ascii = ch.is_ascii();
    let mut has_ascii_capital = ch.is_ascii_uppercase();
    // An apostrophe or a hyphen was taken into the word.
    let mut glued = false;
    if !ascii {
        romanian |= ROMANIAN_LETTERS.contains(&ch);
        counts.count_case(ch);
    }
    while end < text.len() {
        let byte = bytes[end];
        if byte.is_ascii_alphanumeric() {
            has_ascii_capital |= byte.is_ascii_uppercase();
            n_chars += 1;
            end += 1;
            continue;
        }
        // Most words end at an ASCII space or punctuation mark, which only an apostrophe
        // among them can continue.
        if byte.is_ascii() && byte != b'\'' {
            break;
        }
        let (next, next_len) = char_at(text, end);
        if is_alphanumeric(next) {
            // Past the ASCII bytes, so `next` is not ASCII.
            ascii = false;
            romanian |= ROMANIAN_LETTERS.contains(&next);
            counts.count_case(next);
            end += next_len;
            n_chars += 1;
        } else if next == '\'' || next == '’' {
            // Keep "O'Brien" whole, but stop before a possessive "'s" and a closing quote.
            let after = &text[end + next_len..];
            let mut after_chars = after.chars();
            let first = after_chars.next();
            let second = after_chars.next();
            let possessive =
                matches!(first, Some('s')) && !second.is_some_and(char::is_alphanumeric);
            if first.is_some_and(char::is_alphabetic) && !possessive {
                end += next_len;
                glued = true;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    // "Park Geun-hye", "Tsai Ing-wen": the hyphenated given names of Korea and Taiwan write
    // their second syllable in lowercase, which would otherwise end the name at the hyphen
    // ("Park Geun"). Only listed syllables join, so "Paris-based" and "Iran-backed" stay
    // apart.
    if ch.is_uppercase() && text.as_bytes().get(end) == Some(&b'-') {
        if let Some(syllable_len) = given_name_syllable_after(text, end) {
            end += 1 + syllable_len;
            glued = true;
            n_chars += 1 + syllable_len;
        }
    }
    if n_chars >= 4 {
        counts.n_long_words += 1;
        counts.long_word_in_lowercase |= ch.is_lowercase();
    }
    let capitalised = ch.is_uppercase();
    let initial = capitalised && end == start + len && text[end..].starts_with('.');
    ScannedWord {
        word: Word {
            start,
            end,
            capitalised,
            initial,
            line_idx,
            plain: ascii && !has_ascii_capital,
            alphanumeric: ascii && !glued,
        },
        romanian,
    }
}

/// Whether two neighbouring words belong to one name: only a space, a hyphen, or the full stop
/// of an initial or of "St." / "Mt." / "Ft." ("St. Moritz", "Mt. Everest") between them.
fn joined(text: &str, left: &Word, right: &Word) -> bool {
    // Most gaps are one byte, a space between two words of a sentence: read it as a byte.
    if right.start == left.end + 1 {
        return match text.as_bytes()[left.end] {
            b' ' | b'-' => true,
            b'.' => left.initial,
            _ => false,
        };
    }
    let gap = &text[left.end..right.start];
    let abbreviation = || matches!(&text[left.start..left.end], "St" | "Mt" | "Ft");
    gap == " "
        || gap == "-"
        || (left.initial && (gap == ". " || gap == "."))
        || (gap == ". " && abbreviation())
}

/// A mention candidate before article-level merging.
#[derive(Debug, Clone)]
struct Candidate<'a> {
    kind: EntityKind,
    /// A listed one-word surname ("Stoltenberg"), which yields to an unlisted full name with the
    /// same surname in the article ("Jason Stoltenberg").
    lone_surname: bool,
    /// Listed entity, when known.
    entity_idx: Option<u32>,
    /// The mention as written, borrowed from the body.
    surface: &'a str,
    span: (usize, usize),
}

/// A stretch of a run: either a list match or free capitalised words (word index range).
#[derive(Debug, Clone, Copy)]
enum Piece {
    Listed(ListMatch),
    Free(usize, usize),
}

struct Scanner<'a> {
    text: &'a str,
    words: Vec<Word>,
    /// The folded form of every word: a slice of the body with its ASCII capitals lowercased
    /// (see [`folds_by_ascii_lowercase`]), else of a buffer of folded forms.
    folded: Vec<&'a str>,
    gazetteer: &'a Gazetteer,
    candidates: Vec<Candidate<'a>>,
    lines: Vec<Line>,
    /// Indices of the capitalised words, a small part of all words, which
    /// `capitalised_mid_sentence` scans.
    capitalised_words: Vec<u32>,
    /// Single unknown capitalised words, resolved against the article's people at the end.
    lone_words: Vec<(usize, usize)>,
    /// Capitalised runs no rule typed, typed from context at the end of the article.
    unknown_runs: Vec<UnknownRun>,
    /// Whether a word of the body has a letter only Romanian writes (found by `split_words`).
    romanian: bool,
    /// The article is German, which capitalises every noun: a capitalised word there is no
    /// evidence of a name.
    german: bool,
    /// Whether the body reports cricket, worked out when first asked.
    cricket: std::cell::Cell<Option<bool>>,
    /// Per word, which [`WordList`]s its folded form was looked up in and the answers: two bits
    /// a list, "known" and "member". One lookup answers every list, so each word is hashed at
    /// most once.
    word_list_memo: Vec<std::cell::Cell<u16>>,
    /// The hashes of the folded capitalised words, in the order of `capitalised_words`, built
    /// when `capitalised_mid_sentence` is first asked.
    capital_hashes: std::cell::OnceCell<HashTable>,
    /// The phrase that `is_title_at` and `is_whole_title` look up, kept to spare an allocation
    /// per call.
    title_phrase: std::cell::RefCell<String>,
    /// The article is in a Romance language, whose plurals may add "-es".
    romance_plurals: bool,
    /// Hashes of the folded words the body writes in lowercase, worked out when first asked.
    lowercase_words: std::cell::OnceCell<WordHashes>,
    /// The length of the body without its trailing whitespace, asked of many abbreviations.
    trimmed_len: usize,
}

/// The hashes of the folded words an article writes in lowercase, in word order. A few
/// questions are asked of several hundred words, so the hashes are kept in a list, neither a
/// hash set nor a sorted list, which cost more to fill than all the questions; a 4096-bit filter
/// on the hashes' top bits answers most questions about absent words without reading the list.
/// (The capitalised words, asked about far more often and nearly always present, are kept in a
/// [`HashTable`].)
struct WordHashes {
    filter: [u64; 64],
    hashes: Vec<u64>,
}

impl WordHashes {
    fn with_capacity(capacity: usize) -> WordHashes {
        WordHashes {
            filter: [0; 64],
            hashes: Vec::with_capacity(capacity),
        }
    }

    fn insert(&mut self, hash: u64) {
        let bit = (hash >> 52) as usize;
        self.filter[bit / 64] |= 1 << (bit % 64);
        self.hashes.push(hash);
    }

    /// False only when no word has `hash`.
    fn may_contain(&self, hash: u64) -> bool {
        let bit = (hash >> 52) as usize;
        self.filter[bit / 64] & (1 << (bit % 64)) != 0
    }

    fn contains(&self, hash: u64) -> bool {
        self.may_contain(hash) && self.hashes.contains(&hash)
    }
}

/// The hashes of an article's folded capitalised words, in word order, and an open-addressing
/// table over them that finds the words with a given hash. Nearly every word asked about is
/// among them, so a filter (as in [`WordHashes`]) rules out too few, and reading the whole
/// list per question cost more than building the table.
struct HashTable {
    hashes: Vec<u64>,
    /// Per slot, one more than the position in `hashes` of a word whose hash picks this slot
    /// or an earlier one of the same run of taken slots, or 0 for an empty slot. There are at
    /// least twice as many slots as words, which keeps the runs short.
    slots: Vec<u32>,
    /// How far a hash is shifted right to pick its slot: its top bits pick it.
    shift: u32,
}

impl HashTable {
    fn new(hashes: Vec<u64>) -> HashTable {
        let n_slots = (2 * hashes.len()).next_power_of_two().max(2);
        let shift = 64 - n_slots.trailing_zeros();
        let mut slots = vec![0u32; n_slots];
        for (position, &hash) in hashes.iter().enumerate() {
            let mut slot = (hash >> shift) as usize;
            while slots[slot] != 0 {
                slot = (slot + 1) & (n_slots - 1);
            }
            slots[slot] = position as u32 + 1;
        }
        HashTable {
            hashes,
            slots,
            shift,
        }
    }

    /// Whether `found` holds for the position of some word with hash `hash`. Each such word
    /// sits in the run of taken slots that starts at the hash's slot, as none is ever removed.
    fn any_with(&self, hash: u64, mut found: impl FnMut(usize) -> bool) -> bool {
        let mask = self.slots.len() - 1;
        let mut slot = (hash >> self.shift) as usize;
        loop {
            let Some(position) = self.slots[slot].checked_sub(1) else {
                return false;
            };
            let position = position as usize;
            if self.hashes[position] == hash && found(position) {
                return true;
            }
            slot = (slot + 1) & mask;
        }
    }
}

/// The [`WordHasher`] hash of a folded word.
fn word_hash(word: &str) -> u64 {
    WordHasher::hash_bytes(word.as_bytes())
}

/// The word lists of the gazetteer that are asked about single words, as the bit pairs of
/// [`Scanner::in_word_list`]'s memo.
#[derive(Debug, Clone, Copy)]
enum WordList {
    GivenNames = GIVEN_NAMES_LIST as isize,
    OrgWords = ORG_WORDS_LIST as isize,
    OrgHeads = ORG_HEADS_LIST as isize,
    CommonWords = COMMON_WORDS_LIST as isize,
    Demonyms = DEMONYMS_LIST as isize,
    TitleFirstWords = TITLE_FIRST_WORDS_LIST as isize,
}

/// A capitalised run that no rule typed, with the context the fallback typing reads.
#[derive(Debug, Clone)]
struct UnknownRun {
    span: (usize, usize),
    n_words: usize,
    /// Sentence-initial and never capitalised elsewhere, or on an all-capitals line: may only
    /// join an entity found elsewhere, never start one.
    weak: bool,
    /// The type the context suggests, if any.
    hint: Option<EntityKind>,
    /// Right after "the", "a" or "an", which people's names do not take ("the Allied Powers").
    after_article: bool,
}

/// Spanish and French definite articles and their contractions ("la Junta", "del Gobierno").
const ROMANCE_ARTICLES: &[&str] = &["el", "la", "los", "las", "del", "al", "le", "les", "du"];

/// Last words of events and competitions, which are neither people, places nor
/// organisations ("World Cup", "Grand Prix", "Davis Cup"): such an unknown name gets no type.
#[rustfmt::skip]
const EVENT_WORDS: &[&str] = &[
    "cup", "prix", "slam", "championship", "championships", "open", "classic", "rally", "trophy",
    "games", "olympics", "tournament", "masters", "series", "war",
];

/// Common nouns that end the names of events, documents, buildings, programmes and groups but
/// never a person's name ("New Year", "Executive Order", "Super Bowl", "Oroville Dam", "Fire
/// Brigade", "Dakota Access Pipeline"). Nouns that are also common surnames ("Church", "Wall",
/// "Temple") are left out; "Day" and "Hall" stay, and a two-word name opening with a listed
/// given name ("Jerry Hall") is still a person. From general knowledge of English.
#[rustfmt::skip]
const THING_WORDS: &[&str] = &[
    "day", "days", "eve", "week", "month", "year", "festival", "carnival", "parade", "marathon",
    "summit", "conference", "expo", "gala", "award", "awards", "prize", "medal", "bowl", "wars",
    "revolution", "crisis", "uprising", "massacre", "referendum", "order", "agreement", "accord",
    "accords", "treaty", "act", "bill", "amendment", "resolution", "declaration", "convention",
    "protocol", "charter", "constitution", "doctrine", "paper", "report", "plan", "deal", "check",
    "pipeline", "wing", "partnership", "programme", "program", "initiative", "project",
    "strategy", "scheme", "brigade", "brigades", "defence", "defense", "prosecutors", "rights",
    "access", "security", "first",
];

/// Last words of buildings and landmarks ("City Hall", "Buckingham Palace", "Oroville Dam",
/// "Great Barrier Reef"): never a person's name, and places when no other rule types them.
/// From general knowledge of English.
const SITE_WORDS: &[&str] = &["hall", "palace", "cathedral", "mosque", "dam", "reef"];

/// Last words of names of groups and party members, never of one person: party members and
/// abbreviated posts that follow a party ("Liberal Democrat", "Lib Dem", "Republican Sen",
/// "Conservative MP", "Fine Gael TD") and plurals of peoples that are not country adjectives
/// ("New Yorkers", "Rohingya Muslims"). Plurals of listed demonyms ("North Koreans") are
/// recognised from `demonyms.txt`. From general knowledge of English and of British, Irish and
/// US political usage.
#[rustfmt::skip]
const GROUP_WORDS: &[&str] = &[
    "democrat", "democrats", "dem", "dems", "republicans", "tory", "tories", "conservatives",
    "liberals", "socialists", "sen", "rep", "gov", "mp", "mps", "mep", "meps", "msp", "td",
    "tds", "yorkers", "londoners", "muslims", "christians", "jews", "arabs", "kurds", "sunnis",
    "shias", "shiites", "catholics", "protestants", "hindus", "sikhs", "buddhists",
];

/// The last words of things, groups, sites and events in one set: `names_a_thing` asks about
/// the head of every run of two or more words, and scanning the four lists compared it with
/// each entry in turn.
fn thing_head_words() -> &'static HashSet<&'static str, BuildHasherDefault<WordHasher>> {
    static HEAD_WORDS: OnceLock<HashSet<&'static str, BuildHasherDefault<WordHasher>>> =
        OnceLock::new();
    HEAD_WORDS.get_or_init(|| {
        [THING_WORDS, GROUP_WORDS, SITE_WORDS, EVENT_WORDS]
            .concat()
            .into_iter()
            .collect()
    })
}

/// Numbers that follow the head noun of an event's name ("World War II", "World War Two").
const NAME_NUMERALS: &[&str] = &["i", "ii", "iii", "iv", "one", "two", "three"];

/// First words of unknown names that make them places ("Lake Oahe", "Mount Sinjar").
const PLACE_OPENERS: &[&str] = &["lake", "mount"];

/// Last words of unknown names that make them places ("Wall Street", "Trent Bridge").
#[rustfmt::skip]
const PLACE_WORDS: &[&str] = &[
    "street", "avenue", "square", "road", "bridge", "river", "lake", "island", "islands", "bay",
    "gulf", "ocean", "valley", "desert", "peninsula", "mountains", "strait", "canal", "airport",
    "stadium", "park", "province", "delta", "region", "county", "coast", "sea", "hills",
    "heights", "plateau", "basin", "forest", "canyon", "falls", "harbour", "harbor", "territory",
    "prefecture",
];

/// Romanian nouns that open the name of a place, folded, with their definite and genitive
/// forms ("Valea Jiului", "Republica Moldova", "Peștera Urșilor"): an unknown name opening with
/// one is a place, never a person. From Romanian grammar and geography terms.
#[rustfmt::skip]
const ROMANIAN_PLACE_HEADS: &[&str] = &[
    "valea", "vaii", "republica", "republicii", "pestera", "pesterii", "cascada", "cascadei",
    "dealul", "dealu", "dealului", "muntele", "muntelui", "muntii", "muntilor", "parcul",
    "parcului", "calea", "caii", "tara", "tarii", "tarile", "tarilor", "tinutul", "tinutului",
    "lacul", "lacului", "raul", "raului", "insula", "insulei", "insulele", "campia", "campiei",
    "podisul", "podisului", "delta", "deltei", "strada", "strazii", "piata", "pietei",
    "bulevardul", "soseaua", "satul", "satului", "orasul", "orasului", "comuna", "comunei",
    "judetul", "judetului", "regiunea", "regiunii", "cartierul", "cartierului", "golful",
    "varful", "varfului", "cheile", "masivul", "defileul", "regatul", "regatului", "imperiul",
    "imperiului", "provincia", "provinciei", "municipiul", "municipiului",
];

/// Romanian nouns that open names of events, prizes, laws, publications and buildings, folded
/// ("Cupa Mondială", "Legea Educației", "Monitorul Oficial", "Palatul Cotroceni"): an unknown
/// name opening with one is no person, and none of the three kinds either.
#[rustfmt::skip]
const ROMANIAN_THING_HEADS: &[&str] = &[
    "cupa", "cupei", "divizia", "diviziei", "premiul", "premiului", "programul", "programului",
    "ordonanta", "ordonantei", "codul", "codului", "legea", "legii", "monitorul", "monitorului",
    "revista", "revistei", "festivalul", "festivalului", "campionatul", "campionatului", "ziua",
    "zilei", "ordinul", "ordinului", "marea", "marele", "marelui", "nasterea", "hotararea",
    "decretul", "proiectul", "proiectului", "planul", "strategia", "raportul", "conventia",
    "tratatul", "tratatului", "razboiul", "razboiului", "revolutia", "revolutiei", "jocurile",
    "editia", "editiei", "sala", "salii", "palatul", "palatului", "aeroportul", "aeroportului",
    "gara", "garii", "cetatea", "cetatii", "manastirea", "manastirii", "catedrala", "catedralei",
    "podul", "podului", "stadionul", "stadionului",
];

/// The rule lists a folded word is in, one bit per list: the rules for unknown names ask
/// about the first and last word of most runs, and one lookup here costs less than comparing
/// the word with each entry of the lists (over a hundred Romanian heads).
type RuleLists = u8;
const ROMANIAN_PLACE_HEAD: RuleLists = 1;
const ROMANIAN_THING_HEAD: RuleLists = 2;
const PLACE_WORD: RuleLists = 4;
const SITE_WORD: RuleLists = 8;
const ORG_DESCRIPTOR: RuleLists = 16;
const ORG_ROLE: RuleLists = 32;

/// Which of [`ROMANIAN_PLACE_HEADS`], [`ROMANIAN_THING_HEADS`], [`PLACE_WORDS`],
/// [`SITE_WORDS`], [`ORG_DESCRIPTORS`] and [`ORG_ROLES`] the folded word `word` is in.
/// Most words asked about are in no list, and the shapes of the listed words (first byte and
/// length) rule out most of those before they are hashed.
fn rule_lists_of(word: &str) -> RuleLists {
    type Lists = HashMap<&'static str, RuleLists, BuildHasherDefault<WordHasher>>;
    static LISTS: OnceLock<(WordShapes, Lists)> = OnceLock::new();
    let (shapes, lists) = LISTS.get_or_init(|| {
        let mut lists: Lists = HashMap::default();
        for (list, bit) in [
            (ROMANIAN_PLACE_HEADS, ROMANIAN_PLACE_HEAD),
            (ROMANIAN_THING_HEADS, ROMANIAN_THING_HEAD),
            (PLACE_WORDS, PLACE_WORD),
            (SITE_WORDS, SITE_WORD),
            (ORG_DESCRIPTORS, ORG_DESCRIPTOR),
            (ORG_ROLES, ORG_ROLE),
        ] {
            for &word in list {
                *lists.entry(word).or_insert(0) |= bit;
            }
        }
        (WordShapes::of(lists.keys()), lists)
    });
    if !shapes.may_contain(word) {
        return 0;
    }
    lists.get(word).copied().unwrap_or(0)
}

/// Abbreviations that open the names of sports clubs and Romanian companies, folded and without
/// their full stops ("F.C. Farul", "CSM Lugoj", "S.C. Pick Szeged"): football club, sports club,
/// municipal sports club, "societate comercială".
#[rustfmt::skip]
const CLUB_ABBREVIATIONS: &[&str] = &[
    "fc", "cf", "cs", "csm", "acs", "afc", "fk", "sk", "sc",
];

/// Organisation words that give a company's legal form, the last word of its name.
#[rustfmt::skip]
const LEGAL_FORMS: &[&str] = &[
    "inc", "corp", "co", "ltd", "llc", "plc", "ag", "gmbh", "sa", "nv", "bv", "spa", "ab",
];

/// First words of places named after a saint ("San Sebastián", "Sankt Petersburg").
const SAINTS: &[&str] = &[
    "san", "santa", "santo", "sao", "saint", "sainte", "sankt", "st",
];

/// Lowercase words before a name that make an untyped name a place ("in Gaza", "near Hebron").
const PLACE_PREPOSITIONS: &[&str] = &[
    "in", "near", "at", "from", "en", "desde", "din", "в", "во", "из",
];

/// Listed places (canonical names) whose Spanish name takes the masculine article ("el Perú",
/// "el Reino Unido", "el Cairo"); after "el" they stay places. From Spanish usage.
#[rustfmt::skip]
const MASCULINE_PLACES: &[&str] = &[
    "Peru", "Japan", "Brazil", "Lebanon", "Ecuador", "Uruguay", "Paraguay", "United Kingdom",
    "Sudan", "South Sudan", "Yemen", "Chad", "Congo", "Democratic Republic of the Congo",
    "Vatican City", "Tibet", "Cairo", "El Salvador", "Pakistan", "Nepal", "Bhutan", "Kuwait",
    "Qatar", "Bahrain", "Oman", "Kurdistan", "Basque Country", "Middle East", "Caribbean",
    "Pacific Ocean", "Atlantic Ocean", "Mediterranean Sea", "Sahara", "Maghreb", "Ulster",
    "Golan Heights", "Caucasus", "Donbas", "Kremlin", "Gulf", "Persian Gulf", "Nile", "Danube",
    "Rhine", "Amazon", "Mississippi", "Ebro", "Tagus", "Kosovo", "Punjab", "Kashmir",
];

/// Spanish nouns that open the name of a place, folded ("Estadio de Riazor", "Avenida de
/// América", "Ciudad de México", "Principado de Asturias"): such a name joined by "de" to a listed
/// place is a place. From Spanish geography and street-naming terms.
#[rustfmt::skip]
const SPANISH_PLACE_HEADS: &[&str] = &[
    "ciudad", "provincia", "region", "principado", "valle", "isla", "islas", "puerto", "sierra",
    "estadio", "avenida", "plaza", "calle", "paseo", "puente", "tunel", "barrio", "parque",
    "castillo", "alcazar", "catedral", "monasterio", "bahia", "golfo", "rio", "lago", "playa",
    "costa", "cabo", "aeropuerto",
];

/// Letters of Romanian that Spanish does not have (ă â î ș ț, and ş ţ with a cedilla).
/// Romanian nouns for kinds of places, folded, which name the place that follows them in
/// lowercase ("județul Argeș", "satul Slătioara", "în orașul Șomcuta Mare"). From Romanian
/// usage: county, town, village, commune, municipality, locality, resort, capital, region,
/// province, country, state, island, district, each with its genitive and plural forms.
#[rustfmt::skip]
const ROMANIAN_PLACE_NOUNS: &[&str] = &[
    "judetul", "judetului", "judetele", "judetelor", "orasul", "orasului", "orasele",
    "oraselor", "oraselul", "satul", "satului", "satele", "satelor", "comuna", "comunei",
    "comunele", "comunelor", "municipiul", "municipiului", "municipiile", "municipiilor",
    "localitatea", "localitatii", "localitatile", "localitatilor", "statiunea", "statiunii",
    "capitala", "capitalei", "regiunea", "regiunii", "provincia", "provinciei", "tara", "tarii",
    "statul", "statului", "insula", "insulei", "cartierul", "cartierului",
];

const ROMANIAN_LETTERS: &[char] = &['ă', 'â', 'î', 'ș', 'ț', 'ş', 'ţ', 'Ă', 'Â', 'Î', 'Ș', 'Ț'];

/// Byte spans of team names in sports result and standings lines ("Philadelphia 3 Atlanta 2",
/// "Gremio 6 Bragantino 1", "Sporting 3 2 1 0 5 2 7"): there a city's name stands for its club.
fn team_spans(text: &str, lines: &[Line]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let is_number =
        |token: &str| !token.is_empty() && token.bytes().all(|byte| byte.is_ascii_digit());
    // Standings also give winning percentages, games behind and half games (".576", "-",
    // "1/2"), which count as scores after a name; a figure such as "12.5" does not, as financial
    // tables ("Sales 123.4 110.2") are not standings.
    let is_score = |token: &str| {
        token == "-"
            || is_number(token)
            || token.strip_prefix('.').is_some_and(is_number)
            || token
                .split_once('/')
                .is_some_and(|(over, under)| is_number(over) && is_number(under))
    };
    let is_name_word = |token: &str| token.starts_with(|character: char| character.is_uppercase());
    let mut tokens: Vec<(usize, &str)> = Vec::new();
    // Only lines with a digit can hold scores; the others are skipped unread.
    for line_info in lines.iter().filter(|line| line.has_digit) {
        let offset = line_info.start;
        let line = &text[line_info.start..line_info.end];
        // Tokens with byte offsets; a line is a result line when it alternates names and scores.
        // The scan below stops at the first token that is no name word, particle or number, so
        // tokens are split only up to it: running text stops within a few words.
        tokens.clear();
        let mut position = 0;
        // Inside a parenthesised group ("( Debbah 39th )"), which stands as one "(" token.
        let mut in_parentheses = false;
        for token in line.split(' ') {
            if !token.trim().is_empty() {
                let token_text = token.trim_end();
                if in_parentheses {
                    in_parentheses = token_text != ")";
                } else if token_text == "(" {
                    in_parentheses = true;
                    tokens.push((offset + position, token_text));
                } else if !is_name_word(token_text)
                    && !is_score(token_text)
                    && !NAME_PARTICLES.contains(&token_text)
                {
                    break;
                } else {
                    tokens.push((offset + position, token_text));
                }
            }
            position += token.len() + 1;
        }
        let mut names: Vec<(usize, usize)> = Vec::new();
        let mut n_numbers_after_last = 0;
        let mut token_idx = 0;
        let mut result_line = true;
        // A player's country also follows the name on golf leaderboards ("Seiki Okuda ( Japan )
        // 81 70 72 75"), so a line with one must name two sides.
        let mut country_after_name = false;
        while token_idx < tokens.len() {
            let (start, token) = tokens[token_idx];
            if is_name_word(token) && !is_number(token) {
                if n_numbers_after_last == 0 && !names.is_empty() {
                    // Two name groups with no score between them: "Vasco da Gama" joins with
                    // lowercase particles only.
                    result_line = false;
                    break;
                }
                let mut end = start + token.len();
                token_idx += 1;
                while token_idx < tokens.len()
                    && !is_number(tokens[token_idx].1)
                    && (is_name_word(tokens[token_idx].1)
                        || NAME_PARTICLES.contains(&tokens[token_idx].1))
                {
                    end = tokens[token_idx].0 + tokens[token_idx].1.len();
                    token_idx += 1;
                }
                names.push((start, end));
                n_numbers_after_last = 0;
                continue;
            }
            // Goal scorers after a score ("Nice 1 ( Debbah 39th ) Bastia 1") and a club's
            // country after its name ("Brann ( Norway ) 2 Shelbourne ( Ireland ) 1") are set
            // off in parentheses, which are passed over.
            if token == "(" && !names.is_empty() {
                country_after_name |= n_numbers_after_last == 0;
                token_idx += 1;
                continue;
            }
            // A dash stands for games behind only after a name's figures ("PRESS DIGEST - Iraq
            // - Aug 24" is a heading).
            if is_score(token) && !names.is_empty() && (token != "-" || n_numbers_after_last > 0) {
                n_numbers_after_last += 1;
                token_idx += 1;
                continue;
            }
            // Anything else ends the scores part of the line ("( halftime 2-0 )").
            break;
        }
        let consumed_scores =
            names.len() >= 2 || (n_numbers_after_last >= 3 && !country_after_name);
        if result_line && consumed_scores && n_numbers_after_last >= 1 {
            spans.extend(names);
        }
    }
    spans
}

/// The (visitors, hosts) byte spans of the schedule lines of a sports article ("OAKLAND AT
/// BOSTON", "ST LOUIS AT COLORADO"): a line in capitals with no digit, one to three words on
/// either side of "AT". The visitors are a team, the hosts' name says where the game is. Taken
/// only when the article has two such lines or results lines, so that a headline ("TROOPS AT
/// GROZNY") is not read as one.
fn schedule_spans(
    text: &str,
    lines: &[Line],
    has_results: bool,
) -> Vec<((usize, usize), (usize, usize))> {
    let is_name = |side: &str| {
        let n_words = side.split(' ').count();
        (1..=3).contains(&n_words)
            && side.split(' ').all(|word| {
                word.starts_with(|character: char| character.is_uppercase())
                    && word.chars().all(|character| {
                        character.is_uppercase() || matches!(character, '.' | '-' | '\'')
                    })
            })
    };
    let mut spans = Vec::new();
    for line in lines.iter().filter(|line| line.capitals && !line.has_digit) {
        let text_line = &text[line.start..line.end];
        let trimmed = text_line.trim();
        let Some((visitors, hosts)) = trimmed.split_once(" AT ") else {
            continue;
        };
        if !is_name(visitors) || !is_name(hosts) {
            continue;
        }
        let start = line.start + (text_line.len() - text_line.trim_start().len());
        let hosts_start = start + visitors.len() + 4;
        spans.push((
            (start, start + visitors.len()),
            (hosts_start, hosts_start + hosts.len()),
        ));
    }
    if spans.len() < 2 && !has_results {
        spans.clear();
    }
    spans
}

/// Whether the word starting at byte `start` begins a sentence or a line.
fn starts_sentence(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end_matches([' ', '\t']);
    match before.chars().next_back() {
        None => true,
        Some(character) => matches!(
            character,
            '.' | '!' | '?' | '\n' | '\r' | ':' | ';' | '"' | '“' | '«' | '(' | '-' | '—' | '–'
        ),
    }
}

impl Scanner<'_> {
    /// The lowercased, diacritic-folded form of word `word_idx`.
    fn key(&self, word_idx: usize) -> &str {
        self.folded.get(word_idx).copied().unwrap_or("")
    }

    /// Whether the folded form of word `word_idx` is in `list`; each word is looked up in each
    /// list once, as the rules ask about the same words again and again.
    ///
    /// Nearly every call is answered by the memo, so only that path is inlined into the rules;
    /// the lookup stays out of line.
    #[inline]
    fn in_word_list(&self, word_idx: usize, list: WordList) -> bool {
        if let Some(memo) = self.word_list_memo.get(word_idx) {
            let known_bit = 1u16 << (2 * list as u16);
            let bits = memo.get();
            if bits & known_bit != 0 {
                return bits & (known_bit << 1) != 0;
            }
        }
        self.look_up_word_list(word_idx, list)
    }

    /// [`Scanner::in_word_list`] for a word the memo does not answer yet: one lookup answers
    /// every list, and the memo keeps all the answers.
    #[inline(never)]
    fn look_up_word_list(&self, word_idx: usize, list: WordList) -> bool {
        let bits = self.gazetteer.word_lists_of(self.key(word_idx));
        if let Some(memo) = self.word_list_memo.get(word_idx) {
            memo.set(bits);
        }
        crate::enrich::in_list(bits, list as u16)
    }

    fn word_text(&self, word_idx: usize) -> &str {
        &self.text[self.words[word_idx].start..self.words[word_idx].end]
    }

    /// The longest listed title starting at word `from` and ending by word `to`, as a number of
    /// words; plurals count.
    ///
    /// Nearly every word asked about starts no title, which the word list memo answers, so
    /// only that test is inlined into the rules; the phrases are looked up out of line.
    #[inline]
    fn is_title_at(&self, from: usize, to: usize) -> Option<usize> {
        let max = self.gazetteer.max_title_words.min(to - from);
        if max > 0 && self.german && is_german_title(self.key(from)) {
            return Some(1);
        }
        if max == 0 || !self.in_word_list(from, WordList::TitleFirstWords) {
            return None;
        }
        self.longest_title_at(from, max)
    }

    /// [`Scanner::is_title_at`] for a word that starts a listed title: the longest of the
    /// phrases of up to `max` words from `from` that is a title.
    #[inline(never)]
    fn longest_title_at(&self, from: usize, max: usize) -> Option<usize> {
        // One buffer serves every call: the rules ask about titles at most capitalised words.
        let mut phrase = self.title_phrase.borrow_mut();
        phrase.clear();
        let mut longest = None;
        for n_words in 1..=max {
            if n_words > 1 {
                phrase.push(' ');
            }
            phrase.push_str(self.key(from + n_words - 1));
            if self.gazetteer.person_titles.contains(phrase.as_str())
                || phrase
                    .strip_suffix('s')
                    .is_some_and(|singular| self.gazetteer.person_titles.contains(singular))
            {
                longest = Some(n_words);
            }
        }
        longest
    }

    /// Whether words `from..to`, no more than the longest title, are one title: the same answer
    /// as `is_title_at(from, to) == Some(to - from)`, which [`Scanner::title_before`] asks at
    /// every word it walks back over, but only the whole phrase is looked up, not each shorter
    /// one first.
    fn is_whole_title(&self, from: usize, to: usize) -> bool {
        let n_words = to - from;
        // `is_title_at` takes a German title head for a title of one word, whatever follows.
        if self.german && is_german_title(self.key(from)) {
            return n_words == 1;
        }
        if !self.in_word_list(from, WordList::TitleFirstWords) {
            return false;
        }
        let mut phrase = self.title_phrase.borrow_mut();
        phrase.clear();
        for word_idx in from..to {
            if word_idx > from {
                phrase.push(' ');
            }
            phrase.push_str(self.key(word_idx));
        }
        self.gazetteer.person_titles.contains(phrase.as_str())
            || phrase
                .strip_suffix('s')
                .is_some_and(|singular| self.gazetteer.person_titles.contains(singular))
    }

    /// Whether the article capitalises word `word_idx` somewhere away from a sentence start: a
    /// sentence-initial word counts as a name only then. The capitalised words are hashed when
    /// first asked; whether one starts a sentence is asked only of those with the folded form
    /// in question.
    fn capitalised_mid_sentence(&self, word_idx: usize) -> bool {
        let key = self.key(word_idx);
        let capitals = self.capital_hashes.get_or_init(|| {
            HashTable::new(
                self.capitalised_words
                    .iter()
                    .map(|&other_idx| word_hash(self.key(other_idx as usize)))
                    .collect(),
            )
        });
        // The hashes are in the order of the capitalised words.
        capitals.any_with(word_hash(key), |position| {
            let other_idx = self.capitalised_words[position] as usize;
            self.key(other_idx) == key && !starts_sentence(self.text, self.words[other_idx].start)
        })
    }

    /// Whether the article writes word `word_idx`, or its singular without the final "s", in
    /// lowercase somewhere: then it is an ordinary noun ("the Minsk Agreements" beside "the
    /// agreement"), not a team's name ("Orioles"). Asked rarely, so a scan will do.
    fn used_in_lowercase(&self, word_idx: usize) -> bool {
        let key = self.key(word_idx);
        [Some(key), key.strip_suffix('s')]
            .into_iter()
            .flatten()
            .any(|form| self.lowercase_words().contains(word_hash(form)))
    }

    /// Hashes of the folded words the body writes in lowercase.
    fn lowercase_words(&self) -> &WordHashes {
        self.lowercase_words.get_or_init(|| {
            let mut lowercase = WordHashes::with_capacity(self.words.len());
            for (word, key) in self.words.iter().zip(&self.folded) {
                if !word.capitalised {
                    lowercase.insert(word_hash(key));
                }
            }
            lowercase
        })
    }

    /// Whether the article writes word `word_idx` in lowercase elsewhere, in the same number or
    /// the other ("olímpica" / "olímpicas", "social" / "sociales").
    fn used_in_lowercase_in_number(&self, word_idx: usize) -> bool {
        let hash = word_hash;
        let lowercase = self.lowercase_words();
        let key = self.key(word_idx);
        // "-es" makes plurals after consonants in the Romance languages ("social" /
        // "sociales"); in English it would make "well" of "Welles".
        let romance = self.romance_plurals;
        let singulars = [
            Some(key),
            key.strip_suffix('s'),
            key.strip_suffix("es").filter(|_| romance),
        ];
        if singulars
            .into_iter()
            .flatten()
            .any(|form| lowercase.contains(hash(form)))
        {
            return true;
        }
        // The plurals are spelt out only when no singular answered.
        let mut plural = String::with_capacity(key.len() + 2);
        plural.push_str(key);
        plural.push('s');
        if lowercase.contains(hash(&plural)) {
            return true;
        }
        romance && {
            plural.truncate(key.len());
            plural.push_str("es");
            lowercase.contains(hash(&plural))
        }
    }

    /// An organisation word, at either end of a name ("Ministry", "Ministerul").
    #[inline]
    fn is_org_word(&self, word_idx: usize) -> bool {
        self.in_word_list(word_idx, WordList::OrgWords)
            || self.in_word_list(word_idx, WordList::OrgHeads)
    }

    /// A common word or a demonym (or, in German, a noun for a kind of place): asked of every
    /// word of most runs, and nearly always answered by the word list memo, so inlined.
    #[inline]
    fn is_common(&self, word_idx: usize) -> bool {
        self.in_word_list(word_idx, WordList::CommonWords)
            || self.in_word_list(word_idx, WordList::Demonyms)
            || (self.german && GERMAN_PLACE_NOUNS.contains(&self.key(word_idx)))
    }

    /// Strips leading common words, demonyms and titles; returns the first name word and whether
    /// a title was seen.
    fn strip_leading(&self, from: usize, to: usize) -> (usize, bool) {
        let mut idx = from;
        let mut saw_title = false;
        while idx < to {
            if let Some(n_words) = self.is_title_at(idx, to) {
                idx += n_words;
                saw_title = true;
            } else if (self.is_common(idx) || is_org_connector(self.key(idx)))
                && !self.words[idx].initial
            {
                // "A. Stewart": an initial is never the article or a connector.
                idx += 1;
            } else {
                break;
            }
        }
        (idx, saw_title)
    }

    fn title_before(&self, word_idx: usize) -> bool {
        // A lowercase title directly before the run ("spokesman Ned Price", "counterpart Antony").
        // The title's words must be joined up to the run, so the search walks back from the run
        // and stops at the first gap that is not a join ("the party. Ned Price"), before any
        // title lookup there.
        let start = word_idx.saturating_sub(self.gazetteer.max_title_words);
        for from in (start..word_idx).rev() {
            let joined_to_next = from + 1 >= self.words.len()
                || joined(self.text, &self.words[from], &self.words[from + 1]);
            if !joined_to_next {
                return false;
            }
            // Every phrase asked about ends with the word before the run, so when no title
            // (nor its plural) ends with that word, none of them is a title. German titles are
            // found by their heads instead.
            if from + 1 == word_idx && !self.german {
                let last = self.key(from);
                let title_last_words = &self.gazetteer.title_last_words;
                let shapes = &self.gazetteer.title_last_word_shapes;
                let is_title_last_word =
                    |word: &str| shapes.may_contain(word) && title_last_words.contains(word);
                if !is_title_last_word(last)
                    && !last.strip_suffix('s').is_some_and(is_title_last_word)
                {
                    return false;
                }
            }
            if self.is_whole_title(from, word_idx) {
                return true;
            }
        }
        false
    }

    fn span_of(&self, from: usize, to: usize) -> (usize, usize) {
        (self.words[from].start, self.words[to - 1].end)
    }

    fn push(&mut self, kind: EntityKind, entity_idx: Option<u32>, span: (usize, usize)) {
        self.candidates.push(Candidate {
            kind,
            lone_surname: false,
            entity_idx,
            surface: &self.text[span.0..span.1],
            span,
        });
    }

    fn push_listed(&mut self, found: &ListMatch) {
        let kind = self.gazetteer.kind_of(found.entity_idx).clone();
        if kind == EntityKind::Place && self.adjective_compound(found.end) {
            return;
        }
        if kind == EntityKind::Place && self.club_article_before(found) {
            self.push(EntityKind::Organization, None, (found.start, found.end));
            return;
        }
        self.push(kind, Some(found.entity_idx), (found.start, found.end));
        if let Some(last) = self.candidates.last_mut() {
            last.lone_surname = found.single_word;
        }
    }

    /// Whether a listed place follows Spanish "el", "del" or "al" ("el Valencia", "del
    /// Barcelona"): cities are feminine or take no article, so the masculine article names the
    /// club ("el club"). Places whose name takes "el" ("el Perú", "el Cairo") are excepted.
    fn club_article_before(&self, found: &ListMatch) -> bool {
        // Asked for every listed place, so the usual answer (no such word) comes from the bytes
        // right before the name.
        let before = &self.text.as_bytes()[..found.start];
        let Some(before) = before.strip_suffix(b" ") else {
            return false;
        };
        let article = if before.ends_with(b"del") {
            3
        } else if before.ends_with(b"el") || before.ends_with(b"al") {
            2
        } else {
            return false;
        };
        let at = before.len() - article;
        let word_start =
            at == 0 || !before[at - 1].is_ascii_alphanumeric() && before[at - 1] < 0x80;
        word_start
            && !(article == 2 && before[at] == b'a' && self.is_romanian())
            && !MASCULINE_PLACES.contains(&self.gazetteer.name_of(found.entity_idx))
    }

    /// Whether a name ending at byte `end` opens a hyphenated adjective ("U.S.-led",
    /// "Paris-based"), which describes something else rather than naming a place.
    fn adjective_compound(&self, end: usize) -> bool {
        // Asked for every listed name, so the usual answer (no hyphen) comes from one byte.
        let bytes = self.text.as_bytes();
        let hyphen = if bytes.get(end) == Some(&b'.') {
            end + 1
        } else {
            end
        };
        bytes.get(hyphen) == Some(&b'-')
            && self.text[hyphen + 1..]
                .chars()
                .next()
                .is_some_and(char::is_lowercase)
    }

    /// Whether words `from..to` name an event, a document, a building, a group or a military
    /// operation rather than a person: the last word, or the word before a closing number, is a
    /// [`THING_WORDS`], [`SITE_WORDS`], [`GROUP_WORDS`] or [`EVENT_WORDS`] noun or the plural of a
    /// demonym ("Christmas Day", "World War
    /// II", "City Hall"), or the name
    /// opens with "Operation" ("Operation Euphrates Shield").
    fn names_a_thing(&self, from: usize, to: usize) -> bool {
        let mut last_idx = to - 1;
        let last = self.key(last_idx);
        if last_idx > from
            && (NAME_NUMERALS.contains(&last) || last.bytes().all(|byte| byte.is_ascii_digit()))
        {
            last_idx -= 1;
        }
        let head = self.key(last_idx);
        let plural_demonym = || {
            head.strip_suffix('s')
                .is_some_and(|singular| self.gazetteer.in_word_list(singular, DEMONYMS_LIST))
        };
        to - from >= 2
            && (thing_head_words().contains(head)
                || plural_demonym()
                || self.key(from) == "operation")
    }

    /// Classifies free capitalised words `from..to` of a run that the lists do not know.
    fn classify_free(&mut self, from: usize, mut to: usize, run_start: usize) {
        // A run that goes on into a listed name leaves its connector behind ("Copa de" before
        // "Europa"); the connector belongs to neither.
        while to > from && !self.words[to - 1].capitalised {
            to -= 1;
        }
        let (mut name_start, saw_title) = self.strip_leading(from, to);
        if name_start >= to || self.owns_a_thing(to) {
            return;
        }
        // "Provinz Deir Essor", "Gemeinde Gablitz": a German noun for a kind of place names the
        // place after it.
        if self.german
            && name_start > from
            && to - name_start <= 3
            && GERMAN_PLACE_NOUNS.contains(&self.key(name_start - 1))
        {
            let span = self.span_of(name_start, to);
            self.push(EntityKind::Place, None, span);
            return;
        }
        // "Rudolf Hundstorfers Präsidentschaftswahlkampf", "Tom Hanks Film": a German name
        // before a noun it owns, in the genitive. The person is the words from the given name to
        // the genitive, without its "s" when the article also writes the name without it
        // ("Hundstorfer"), as written otherwise ("Hanks"). Not a given name ("Juan Carlos
        // Monedero") nor a hyphenated name ("Villas-Boas").
        if self.german && self.in_word_list(name_start, WordList::GivenNames) {
            let genitive = (name_start + 1..to - 1).find(|&idx| {
                self.word_text(idx).len() > 3
                    && self.word_text(idx).ends_with('s')
                    && &self.text[self.words[idx].end..self.words[idx + 1].start] == " "
                    && !self.in_word_list(idx, WordList::GivenNames)
            });
            if let Some(genitive_idx) = genitive {
                let written_without_s =
                    self.key(genitive_idx)
                        .strip_suffix('s')
                        .is_some_and(|stem| {
                            (0..self.words.len()).any(|other| {
                                self.words[other].capitalised && self.key(other) == stem
                            })
                        });
                let (start, end) = self.span_of(name_start, genitive_idx + 1);
                let end = if written_without_s { end - 1 } else { end };
                self.push(EntityKind::Person, None, (start, end));
                return;
            }
        }
        // "ÖVP-Chef Reinhold Mitterlehner", "Wiens Bürgermeister Michael Häupl": a German title
        // inside a run ends what the post belongs to and opens its holder's name.
        if self.german {
            if let Some(title_idx) =
                (name_start + 1..to).find(|&idx| is_german_title(self.key(idx)))
            {
                self.classify_free(name_start, title_idx, run_start);
                self.classify_free(title_idx, to, title_idx);
                return;
            }
        }
        if self.is_romanian() {
            // "Moldovei", "Iranul", "Bucureștiului": a listed place with a case ending.
            let listed = (to - name_start == 1)
                .then(|| self.romanian_case_form_of(name_start))
                .flatten();
            // "județul Argeș", "în orașul Sfântu Gheorghe": a lowercase noun for a kind of
            // place right before the name says what it is.
            let after_place_noun = name_start == from
                && to - name_start <= 3
                && from > 0
                && !self.words[from - 1].capitalised
                && ROMANIAN_PLACE_NOUNS.contains(&self.key(from - 1))
                && &self.text[self.words[from - 1].end..self.words[from].start] == " ";
            if listed.is_some() || after_place_noun {
                let span = self.span_of(name_start, to);
                self.push(EntityKind::Place, listed, span);
                return;
            }
        }
        if self.club_abbreviation(name_start, to).is_some()
            || (to - name_start <= 3
                && name_start == run_start
                && self.beside_versus(name_start, to))
        {
            let span = self.span_of(name_start, to);
            self.push(EntityKind::Organization, None, span);
            return;
        }
        // A capitalised sentence opener that the article never capitalises elsewhere is an
        // ordinary word ("Смерть Егора", "Ранее Клинсман"), unless it is a given name. Russian
        // only: it has no articles, so openers that are not function words abound, while an
        // English run at a sentence start is mostly a name.
        if name_start == run_start
            && to - name_start >= 2
            && russian::is_cyrillic(self.word_text(name_start))
            && starts_sentence(self.text, self.words[name_start].start)
            && !self.in_word_list(name_start, WordList::GivenNames)
            && !self.in_word_list(name_start, WordList::OrgHeads)
            && !self.capitalised_mid_sentence(name_start)
        {
            name_start += 1;
        }
        // "ФИФА Зепп Блаттер": a Cyrillic acronym before two or more capitalised words names
        // what the person belongs to, not part of the name.
        if to - name_start >= 3
            && russian::is_cyrillic(self.word_text(name_start))
            && self
                .word_text(name_start)
                .chars()
                .filter(|ch| ch.is_uppercase())
                .count()
                >= 2
            && !self
                .word_text(name_start + 1)
                .chars()
                .skip(1)
                .any(char::is_uppercase)
        {
            self.classify_free(name_start, name_start + 1, run_start);
            self.classify_free(name_start + 1, to, name_start + 1);
            return;
        }
        // "мэра Москвы Юрия Лужкова": a person's name starts at its given name, after the
        // genitive of what the person heads.
        if to - name_start >= 3 && !self.in_word_list(name_start, WordList::GivenNames) {
            let given_idx =
                (name_start + 1..to - 1).find(|&idx| self.in_word_list(idx, WordList::GivenNames));
            if let Some(given_idx) = given_idx.filter(|&idx| to - idx <= 3) {
                let span = self.span_of(given_idx, to);
                self.classify_free(name_start, given_idx, run_start);
                self.push(EntityKind::Person, None, span);
                return;
            }
        }
        let n_words = to - name_start;
        // Organisations: "Defence Ministry", "Acme Inc", "Ministry of Defence". A leading
        // demonym stays ("German Defence Ministry").
        let org_from = (from..name_start)
            .rev()
            .take_while(|&idx| self.in_word_list(idx, WordList::Demonyms))
            .last()
            .unwrap_or(name_start);
        let ends_with_org_word = self.in_word_list(to - 1, WordList::OrgWords);
        let starts_org_of = n_words >= 3
            && self.in_word_list(name_start, WordList::OrgWords)
            && self.key(name_start + 1) == "of";
        // "Ministerul Educației", "Partido Popular": languages that put the head word first.
        let starts_with_org_head =
            n_words >= 2 && self.in_word_list(name_start, WordList::OrgHeads);
        if (ends_with_org_word && to - org_from >= 2) || starts_org_of || starts_with_org_head {
            let span = self.span_of(org_from, to);
            self.push(EntityKind::Organization, None, span);
            return;
        }
        let all_caps =
            (name_start..to).all(|idx| !self.word_text(idx).chars().any(char::is_lowercase));
        if all_caps && to - from <= 4 && self.press_heading(from, to) {
            let span = self.span_of(from, to);
            self.push(EntityKind::Organization, None, span);
            return;
        }
        // Initials alone ("F. G. B.") are how court reports name a suspect or a victim, not a
        // heading; the last initial's full stop belongs to the name. Unspaced initials are
        // abbreviations ("N.J.", "F.B.I.").
        let spaced_initials = (name_start..to).all(|idx| self.words[idx].initial)
            && (name_start + 1..to)
                .all(|idx| &self.text[self.words[idx - 1].end..self.words[idx].start] == ". ");
        if (2..=5).contains(&n_words) && spaced_initials {
            let (start, end) = self.span_of(name_start, to);
            self.push(EntityKind::Person, None, (start, end + 1));
            return;
        }
        if n_words >= 2 && all_caps {
            // Photo credits and shouted headings ("MARTIAL TREZZINI"), not names we can trust.
            return;
        }
        // "D. Cox", "A. Stewart": an initial opens a person's name as a given name does.
        let starts_with_given_name =
            self.in_word_list(name_start, WordList::GivenNames) || self.words[name_start].initial;
        let has_title = || saw_title || (name_start == run_start && self.title_before(run_start));
        // Months, adjectives and organisation words do not occur inside a person's name.
        let name_like = || {
            (name_start..to).all(|idx| {
                self.words[idx].initial || (!self.is_common(idx) && !self.is_org_word(idx))
            })
        };
        let is_speech_verb = |word: &str| {
            SPEECH_VERBS.contains(&word)
                || is_spanish_speech_verb(word)
                || (self.german && GERMAN_SPEECH_VERBS.contains(&word))
        };
        let beside_speech_verb = || {
            self.folded.get(to).is_some_and(|word| is_speech_verb(word))
                || (name_start == run_start
                    && name_start > 0
                    && is_speech_verb(self.key(name_start - 1)))
        };
        // "Christmas Day", "Dakota Access Pipeline": a common noun at the end names a thing,
        // whatever precedes it; a given name and one such word ("Jerry Hall") is a person.
        let names_a_thing =
            || self.names_a_thing(name_start, to) && !(starts_with_given_name && n_words == 2);
        // The word lists and titles are asked only of names of two to four words, which most
        // runs, of one word, are not.
        if (2..=4).contains(&n_words)
            && name_like()
            && !names_a_thing()
            && (has_title() || starts_with_given_name || (n_words <= 3 && beside_speech_verb()))
        {
            let span = self.span_of(name_start, to);
            self.push(EntityKind::Person, None, span);
            return;
        }
        if n_words <= 2 && from > 1 && name_start == run_start {
            let before = self.key(from - 1);
            let noun = self.key(from - 2);
            if before == "of" && PLACE_NOUNS.contains(&noun) {
                let span = self.span_of(name_start, to);
                self.push(EntityKind::Place, None, span);
                return;
            }
        }
        if n_words == 1 && !all_caps {
            self.lone_words.push(self.span_of(name_start, to));
        }
        self.push_unknown(name_start, to, all_caps);
    }

    /// The number of words of a club or company abbreviation opening a name at `from`, before
    /// `to`: dotted initials ("F.C.", "C.S.M.", two or three words) or capitals ("FC", one word),
    /// followed by at least one more word.
    fn club_abbreviation(&self, from: usize, to: usize) -> Option<usize> {
        // The abbreviation is followed by another word, so a run of one word, as most are,
        // has none.
        if to < from + 2 {
            return None;
        }
        let mut letters = String::new();
        let mut idx = from;
        while idx < to && idx < from + 3 && self.words[idx].initial {
            if idx > from && &self.text[self.words[idx - 1].end..self.words[idx].start] != "." {
                break;
            }
            letters.push_str(self.key(idx));
            idx += 1;
        }
        let n_words = if idx - from >= 2 {
            idx - from
        } else if self.is_acronym(from) {
            1
        } else {
            return None;
        };
        // An acronym's letters are its folded word, which needs no copy.
        let letters = if n_words == 1 {
            self.key(from)
        } else {
            letters.as_str()
        };
        (from + n_words < to && CLUB_ABBREVIATIONS.contains(&letters)).then_some(n_words)
    }

    /// Whether the body is Romanian rather than Spanish, judged by its letters.
    fn is_romanian(&self) -> bool {
        self.romanian
    }

    /// Whether the words `from..to` are a whole line in capitals, without figures, over a
    /// bulleted line ("- ..."), in a press review ("PRESS DIGEST", "the leading stories in the
    /// press", "newspapers"): the heading names the newspaper the stories come from ("HAARETZ",
    /// "IRISH TIMES").
    fn press_heading(&self, from: usize, to: usize) -> bool {
        let line = &self.lines[self.words[from].line_idx as usize];
        !line.has_digit
            && self.text[line.start..self.words[from].start]
                .trim()
                .is_empty()
            && self.text[self.words[to - 1].end..line.end]
                .trim()
                .is_empty()
            && self.text[line.end..].starts_with("- ")
            && ["PRESS DIGEST", "PRESS REVIEW", " press ", "newspapers"]
                .iter()
                .any(|words| self.text.contains(words))
    }

    /// The first word of the capitalised name in `from..to` when the words end with a Spanish
    /// "de", "del" or "de la / los / las" that joins them to what follows ("Colegio de Médicos
    /// de", "Copa de"). Not a person's name ("José de"), whose particle joins a surname, nor an
    /// acronym ("PP de").
    fn name_before_de(&self, from: usize, to: usize) -> Option<usize> {
        let last = self.key(to - 1);
        let named_to = match last {
            "de" | "del" => to - 1,
            "la" | "los" | "las" if to >= 2 && self.key(to - 2) == "de" => to - 2,
            _ => return None,
        };
        if named_to <= from || !self.words[named_to - 1].capitalised {
            return None;
        }
        let (name_start, saw_title) = self.strip_leading(from, named_to);
        // An acronym keeps its place apart: "el PP de Madrid" is the party's branch there.
        let acronym = name_start + 1 == named_to && self.is_acronym(name_start);
        (name_start < named_to
            && !saw_title
            && !acronym
            && !self.in_word_list(name_start, WordList::GivenNames))
        .then_some(name_start)
    }

    /// Whether the name ending before word `to` is the owner in the name of a thing
    /// ("International Women's Day", "St. Patrick's Day"): then it is part of that name.
    fn owns_a_thing(&self, to: usize) -> bool {
        let after = &self.text[self.words[to - 1].end..];
        let Some(after) = after
            .strip_prefix("'s ")
            .or_else(|| after.strip_prefix("’s "))
        else {
            return false;
        };
        // The "s" of the possessive is a word of its own; the thing's name is the next.
        let thing_start = self.text.len() - after.len();
        (to..(to + 2).min(self.words.len())).any(|idx| {
            self.words[idx].start == thing_start
                && self.words[idx].capitalised
                && THING_WORDS.contains(&self.key(idx))
        })
    }

    /// The listed place that word `word_idx` names with a Romanian case ending or definite
    /// article: the genitive and dative of nouns in -a ("Moldovei", "Africii", "Coreei") and
    /// the article and genitive of the others ("Iranul", "Luxemburgului", "Bacăului").
    fn romanian_case_form_of(&self, word_idx: usize) -> Option<u32> {
        let word = self.key(word_idx);
        let mut bases: [Option<String>; 2] = [None, None];
        if let Some(stem) = word.strip_suffix("ului") {
            bases = [Some(stem.to_string()), Some(format!("{stem}u"))];
        } else if let Some(stem) = word.strip_suffix("ul") {
            bases = [Some(stem.to_string()), Some(format!("{stem}u"))];
        } else if let Some(stem) = word.strip_suffix("ei") {
            bases = [Some(format!("{stem}a")), Some(format!("{stem}ea"))];
        } else if let Some(stem) = word.strip_suffix("ii") {
            bases = [Some(format!("{stem}a")), None];
        }
        bases
            .into_iter()
            .flatten()
            .filter(|base| base.len() >= 4)
            .find_map(|base| self.gazetteer.lookup_folded_alias(&base))
            .filter(|&entity_idx| *self.gazetteer.kind_of(entity_idx) == EntityKind::Place)
    }

    /// Whether the words `from..to` of a Romanian text end with a capitalised word and a
    /// preposition of place ("din", "la", "de la", "în"), which a listed name follows.
    fn romanian_locative_before(&self, from: usize, to: usize) -> bool {
        if to < from + 2 || !self.is_romanian() {
            return false;
        }
        let last = self.key(to - 1);
        let connector_from = match last {
            "din" | "in" => to - 1,
            "la" if to >= from + 3 && self.key(to - 2) == "de" => to - 2,
            "la" => to - 1,
            _ => return false,
        };
        connector_from > from && self.words[connector_from - 1].capitalised
    }

    /// Whether the name starting at word `from` follows a person's parenthesised country in a
    /// results line ("Gerhard Berger ( Austria ) Benetton 1:51.960", "Peter Johansson (
    /// Sweden ) Husqvarna"): the name is the team the person rides or drives for. The country
    /// is the candidate found last, a listed place.
    fn after_parenthesised_place(&self, from: usize) -> bool {
        let before = &self.text[..self.words[from].start];
        let Some(before) = before.strip_suffix(" ) ") else {
            return false;
        };
        let Some(place) = self.candidates.last() else {
            return false;
        };
        place.kind == EntityKind::Place
            && place.span.1 == before.len()
            && self.text[..place.span.0]
                .strip_suffix(" ( ")
                .and_then(|person| person.chars().next_back())
                .is_some_and(char::is_alphabetic)
    }

    /// Whether the name `span` opens a line of goal scorers ("Brann - Mons Ivar Mjelde ( 10th
    /// ) , Jan Ove Pedersen ( 72nd )"): the name before the dash is the team that scored.
    fn opens_scorers_line(&self, span: (usize, usize), line: &Line) -> bool {
        let rest = &self.text[span.1..line.end];
        // The dash rules out nearly every name before the start of the line is read.
        rest.starts_with(" - ")
            && self.text[line.start..span.0].trim().is_empty()
            && ["st )", "nd )", "rd )", "th )"]
                .iter()
                .any(|ending| rest.contains(ending))
    }

    /// Whether the body reports cricket (it speaks of wickets, overs, innings or a batsman "not
    /// out"); one scan of the body, made only when first asked.
    fn is_cricket(&self) -> bool {
        if let Some(known) = self.cricket.get() {
            return known;
        }
        let found = ["wicket", "not out", "innings", " overs"]
            .iter()
            .any(|word| self.text.contains(word));
        self.cricket.set(Some(found));
        found
    }

    /// Whether the name ending with word `to - 1` is followed by a cricket total in a cricket
    /// report ("Durham 326 ( D. Cox 95 not out", "Essex 532-8 declared", "Kent 255 for three"):
    /// the name is a team. Runs have two or three digits; wickets one, not followed by more
    /// figures (bowling figures such as "25-8-61-1" follow a bowler). A total without wickets
    /// must be followed by "(", "and", "for", "all out" or "declared", as a batsman's score is
    /// followed by "not out".
    fn cricket_total_after(&self, to: usize) -> bool {
        let after = &self.text.as_bytes()[self.words[to - 1].end..];
        let Some(after) = after.strip_prefix(b" ") else {
            return false;
        };
        let n_runs_digits = after
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        if !(2..=3).contains(&n_runs_digits) {
            return false;
        }
        let rest = &after[n_runs_digits..];
        let total_ends = if let Some(wickets) = rest.strip_prefix(b"-") {
            wickets.first().is_some_and(u8::is_ascii_digit)
                && !wickets
                    .get(1)
                    .is_some_and(|byte| byte.is_ascii_digit() || *byte == b'-')
        } else {
            [" ( ", " and ", " for ", " all out", " declared"]
                .iter()
                .any(|follower| rest.starts_with(follower.as_bytes()))
        };
        total_ends && self.is_cricket()
    }

    /// Whether the lowercase word `word` before a name makes it a place: a preposition of
    /// [`PLACE_PREPOSITIONS`], or Romanian "la" ("la Boiștea"), which in Spanish is the article
    /// of organisations ("la Administración", "la Iglesia").
    fn is_place_preposition(&self, word: &str) -> bool {
        PLACE_PREPOSITIONS.contains(&word) || (word == "la" && self.is_romanian())
    }

    /// Whether word `word_idx` is an ordinal of one to three digits ("26th", "90th", "45th"), the
    /// minute of a goal after a scorer's name.
    fn is_minute(&self, word_idx: usize) -> bool {
        let Some(word) = self.folded.get(word_idx) else {
            return false;
        };
        let digits = word.len().saturating_sub(2);
        (1..=3).contains(&digits)
            && word.as_bytes()[..digits].iter().all(u8::is_ascii_digit)
            && matches!(&word[digits..], "st" | "nd" | "rd" | "th")
    }

    /// Whether the name `from..to` stands right before or after a lowercase "v" between two
    /// sides of a fixture ("West Bromwich v Sheffield United"): a team.
    fn beside_versus(&self, from: usize, to: usize) -> bool {
        let is_versus = |idx: usize| {
            idx < self.words.len() && !self.words[idx].capitalised && self.key(idx) == "v"
        };
        let spaced = |left: usize, right: usize| {
            &self.text[self.words[left].end..self.words[right].start] == " "
        };
        (is_versus(to) && spaced(to - 1, to))
            || (from > 0 && is_versus(from - 1) && spaced(from - 1, from))
    }

    /// Whether word `word_idx` is an acronym of two to five capitals ("PSV", "NEC").
    fn is_acronym(&self, word_idx: usize) -> bool {
        let text = self.word_text(word_idx);
        (2..=5).contains(&text.len()) && text.bytes().all(|byte| byte.is_ascii_uppercase())
    }

    /// Whether word `idx` is a lowercase word of the rule list `list` set off from word `other`
    /// by a single space.
    fn lowercase_neighbour_in(&self, idx: usize, other: usize, list: RuleLists) -> bool {
        let (left, right) = (idx.min(other), idx.max(other));
        idx < self.words.len()
            && !self.words[idx].capitalised
            && rule_lists_of(self.key(idx)) & list != 0
            && &self.text[self.words[left].end..self.words[right].start] == " "
    }

    /// Whether a lowercase word of [`ORG_DESCRIPTORS`] stands right before word `from` ("the
    /// daily Haaretz").
    fn org_descriptor_before(&self, from: usize) -> bool {
        from > 0 && self.lowercase_neighbour_in(from - 1, from, ORG_DESCRIPTOR)
    }

    /// Whether the name `from..to` has an organisation descriptor before it or one of
    /// [`ORG_ROLES`] right after it ("Interfax reported"): it is an organisation.
    fn org_context(&self, from: usize, to: usize) -> bool {
        self.org_descriptor_before(from) || self.lowercase_neighbour_in(to, to - 1, ORG_ROLE)
    }

    fn push_unknown(&mut self, name_start: usize, to: usize, all_caps: bool) {
        let n_words = to - name_start;
        let span = self.span_of(name_start, to);
        let sentence_initial = starts_sentence(self.text, span.0);
        // "Aznar dijo", "dijo Aznar", "según Aznar": a single word that speaks is a person; so is
        // one after "que" or "para" ("cree que Aznar ...", "para Aznar"), which in the Spanish
        // gold are people two times in three.
        let speaks = n_words == 1 && !all_caps && {
            let spaced = |left: usize, right: usize| {
                right < self.words.len()
                    && &self.text[self.words[left].end..self.words[right].start] == " "
            };
            // The word tests reject most neighbours before the gaps are sliced.
            (is_spanish_speech_verb(self.key(to)) && spaced(name_start, to))
                || (name_start > 0
                    && !self.words[name_start - 1].capitalised
                    && (is_spanish_speech_verb(self.key(name_start - 1))
                        || matches!(self.key(name_start - 1), "segun" | "que" | "para"))
                    && spaced(name_start - 1, name_start))
        };
        // "Pineda calificó de ...": a Spanish sentence that opens with a bare unknown name and a
        // verb in the preterite ("-ó") opens with a person; organisations and towns take an
        // article or a preposition there, and countries are listed.
        let acts = n_words == 1
            && !all_caps
            && sentence_initial
            && to < self.words.len()
            && !self.words[to].capitalised
            && self.word_text(to).ends_with('ó')
            && self.key(to).len() >= 4
            && &self.text[self.words[name_start].end..self.words[to].start] == " ";
        // "( Henry 26th , 71st )", "Samson 24th": a scorer and the minute of the goal.
        let scores = n_words <= 2 && !all_caps && self.is_minute(to) && {
            &self.text[self.words[to - 1].end..self.words[to].start] == " "
        };
        let batting = !all_caps && n_words <= 3 && self.cricket_total_after(to);
        let scoring_team = n_words <= 3
            && !all_caps
            && self.opens_scorers_line(span, &self.lines[self.words[name_start].line_idx as usize]);
        let confirmed = !sentence_initial
            || n_words >= 2
            || speaks
            || acts
            || scoring_team
            || scores
            || batting
            || self.capitalised_mid_sentence(name_start);
        // "the daily Haaretz", "a Gazprom spokesman": the words around name the kind. Not for a
        // sentence's first word, which may be a common noun ("Police spokeswoman Kim White").
        let org_context =
            !all_caps && n_words <= 4 && !sentence_initial && self.org_context(name_start, to);
        let weak = !confirmed || self.lines[self.words[name_start].line_idx as usize].capitals;
        let previous = name_start
            .checked_sub(1)
            .filter(|&idx| !self.words[idx].capitalised)
            .map(|idx| self.key(idx));
        let name_like = (name_start..to).all(|idx| !self.is_common(idx) && !self.is_org_word(idx));
        let definite_org_head = {
            let word = self.key(name_start);
            self.in_word_list(name_start, WordList::OrgHeads)
                && (previous.is_some_and(|word| ROMANCE_ARTICLES.contains(&word))
                    || word.ends_with("ul")
                    || word.ends_with("ului"))
        };
        let last_word = self.key(to - 1);
        // Only names of two words or more are asked about their last word's lists.
        let last_word_lists = if n_words >= 2 {
            rule_lists_of(last_word)
        } else {
            0
        };
        // A lone word that speaks or acts but is written in lowercase elsewhere in the article
        // is a body named by its domain ("Hacienda anunció", "según Interior"), not a person.
        let bare_noun = || n_words == 1 && !scores && self.used_in_lowercase(name_start);
        let hint = if (speaks || acts || scores) && name_like && !bare_noun() {
            Some(EntityKind::Person)
        } else if org_context
            || batting
            || self.after_parenthesised_place(name_start)
            || scoring_team
        {
            Some(EntityKind::Organization)
        } else if (n_words >= 2 && last_word_lists & SITE_WORD != 0 && self.key(to) != "of")
            || ((2..=3).contains(&n_words) && PLACE_OPENERS.contains(&self.key(name_start)))
        {
            Some(EntityKind::Place)
        } else if n_words >= 2 && self.names_a_thing(name_start, to) {
            None
        } else if n_words >= 2 && rule_lists_of(self.key(name_start)) & ROMANIAN_PLACE_HEAD != 0 {
            Some(EntityKind::Place)
        } else if n_words >= 2 && rule_lists_of(self.key(name_start)) & ROMANIAN_THING_HEAD != 0 {
            None
        } else if n_words >= 2 && last_word_lists & PLACE_WORD != 0 {
            Some(EntityKind::Place)
        } else if n_words == 1 && !all_caps && definite_org_head {
            // "la Junta", "Guvernul": an organisation word with a definite article, alone,
            // names one body (Romanian writes the article as an ending).
            Some(EntityKind::Organization)
        } else if n_words >= 2 && SAINTS.contains(&self.key(name_start)) {
            // "San Sebastián", "Santa Bárbara", "Saint-Denis": places far more often than
            // people in news.
            Some(EntityKind::Place)
        } else if !self.german
            && previous.is_some_and(|word| self.is_place_preposition(word))
            && n_words <= 2
            && !self.is_org_word(to - 1)
        {
            // "in Anbar", "from Idlib"; not "in Parliament", "at the Ministry": bodies named by
            // their head word alone.
            Some(EntityKind::Place)
        } else if all_caps
            && n_words == 1
            && span.1 - span.0 >= 3
            && (self.is_romanian() || !ROMANIAN_ABBREVIATIONS.contains(&self.key(name_start)))
            && !self.text[span.1..]
                .trim_start_matches([' ', '\t'])
                .starts_with(['\n', '\r'])
            && span.1 < self.trimmed_len
        {
            // Abbreviations ("NFU", "KDPI"); not at a line's end, where photo credits and
            // channel names stand ("EPA / BAP", "TVN24 GO").
            Some(EntityKind::Organization)
        } else if n_words == 2
            && !all_caps
            && self.is_acronym(name_start)
            && !self.is_common(name_start + 1)
        {
            // "NEC Nijmegen", "BBC Scotland": people's names do not open with an acronym.
            Some(EntityKind::Organization)
        } else if n_words >= 2 && self.is_title_at(to - 1, to).is_some() {
            // "Agriculture Secretary", "Financial Secretary": a post, neither its holder nor
            // an organisation.
            None
        } else if self.german && !self.in_word_list(to - 1, WordList::OrgWords) {
            // German capitalises every noun, so capitals alone name nothing there ("Millionen
            // Euro", "Nach Angaben", "in Zukunft"): only the lists and the rules with evidence
            // (a given name, a title, a verb of speech) take German names.
            None
        } else if (2..=3).contains(&n_words)
            && name_like
            && !self.in_word_list(name_start, WordList::GivenNames)
            && (name_start..to).any(|idx| {
                let word = &self.words[idx];
                (if word.capitalised {
                    !is_name_particle(self.key(idx))
                } else {
                    self.romance_plurals
                }) && self.used_in_lowercase_in_number(idx)
            })
        {
            // "Solidaridad Olímpica", "Promoción Cultural": a word the article also writes in
            // lowercase, alone or in the plural ("disciplinas olímpicas"), is an ordinary word,
            // and capitals alone do not tell what the words name. In the Romance languages a
            // "de" inside ("Historia del Derecho") says so too; not in English ("Staffan de
            // Mistura"), nor a capitalised particle anywhere ("De Mistura").
            None
        } else if (2..=3).contains(&n_words) && name_like {
            Some(EntityKind::Person)
        } else if n_words >= 2 && (name_like || self.in_word_list(to - 1, WordList::OrgWords)) {
            Some(EntityKind::Organization)
        } else {
            None
        };
        // Spanish too: "las Fuerzas Armadas", and "de" after a noun, which names what a post is
        // for ("el ministro de Medio Ambiente"). Read only for people, so only worked out for
        // them.
        let after_article = hint == Some(EntityKind::Person)
            && previous.is_some_and(|word| {
                ["the", "a", "an", "un", "una"].contains(&word)
                    || ROMANCE_ARTICLES.contains(&word)
                    || (word == "de"
                        && name_start >= 2
                        && !self.words[name_start - 2].capitalised
                        && self.words[name_start - 2].plain)
            });
        // "Euro-Atlantic", "Franco-German": hyphenated compounds are adjectives, not names.
        let hyphenated = (name_start + 1..to)
            .all(|idx| &self.text[self.words[idx - 1].end..self.words[idx].start] == "-");
        let hint = if hyphenated && n_words >= 2 && !all_caps {
            None
        } else {
            hint
        };
        self.unknown_runs.push(UnknownRun {
            span,
            n_words,
            weak,
            hint,
            after_article,
        });
    }

    fn scan_run(&mut self, pieces: &[Piece], run_start: usize) {
        if self.lines[self.words[run_start].line_idx as usize].headline {
            for piece in pieces {
                if let Piece::Listed(found) = piece {
                    self.push_listed(found);
                }
            }
            return;
        }
        let mut skip_next_listed = false;
        for (piece_idx, piece) in pieces.iter().enumerate() {
            match *piece {
                Piece::Listed(found) => {
                    if skip_next_listed {
                        skip_next_listed = false;
                        continue;
                    }
                    // "Kurdistan Democratic Party": a listed place right before a listed
                    // organisation names a body of that place, not the listed one.
                    if let Some(Piece::Listed(before)) =
                        piece_idx.checked_sub(1).map(|idx| pieces[idx])
                    {
                        if *self.gazetteer.kind_of(found.entity_idx) == EntityKind::Organization
                            && *self.gazetteer.kind_of(before.entity_idx) == EntityKind::Place
                            && &self.text[before.end..found.start] == " "
                            && self.candidates.last().map(|candidate| candidate.span)
                                == Some((before.start, before.end))
                        {
                            self.candidates.pop();
                            self.push(EntityKind::Organization, None, (before.start, found.end));
                            continue;
                        }
                        // "Democratic Party of Iran": "of" and a listed place after an
                        // organisation belong to its name.
                        let last = self.candidates.last();
                        if *self.gazetteer.kind_of(found.entity_idx) == EntityKind::Place
                            && &self.text[before.end..found.start] == " of "
                            && last.is_some_and(|candidate| {
                                candidate.kind == EntityKind::Organization
                                    && candidate.span.1 == before.end
                            })
                        {
                            if let Some(previous) = self.candidates.pop() {
                                let span = (previous.span.0, found.end);
                                self.push(EntityKind::Organization, None, span);
                                continue;
                            }
                        }
                    }
                    self.push_listed(&found);
                }
                Piece::Free(from, to) => {
                    // "Kuala Lumpur International Airport", "Moscow River": words ending in a
                    // place or site word right after a listed place name one place with it,
                    // not the listed place and a place "International Airport".
                    if let Some(Piece::Listed(before)) =
                        piece_idx.checked_sub(1).map(|idx| pieces[idx])
                    {
                        let last = self.key(to - 1);
                        if *self.gazetteer.kind_of(before.entity_idx) == EntityKind::Place
                            && rule_lists_of(last) & (PLACE_WORD | SITE_WORD) != 0
                            && &self.text[before.end..self.words[from].start] == " "
                            && self.candidates.last().map(|candidate| candidate.span)
                                == Some((before.start, before.end))
                        {
                            self.candidates.pop();
                            let span = (before.start, self.words[to - 1].end);
                            self.push(EntityKind::Place, None, span);
                            continue;
                        }
                    }
                    let next = pieces.get(piece_idx + 1);
                    // "Hunter Biden": an unknown given name before a listed surname is a
                    // different person unless it is one of the listed person's first names.
                    if let Some(Piece::Listed(found)) = next {
                        let after_name = piece_idx > 0;
                        if found.single_word
                            && (!after_name || self.in_word_list(to - 1, WordList::GivenNames))
                        {
                            let (name_start, _) = self.strip_leading(from, to);
                            if name_start < to && to - name_start <= 2 {
                                let span = (self.words[name_start].start, found.end);
                                self.push(EntityKind::Person, None, span);
                                skip_next_listed = true;
                                continue;
                            }
                        }
                    }
                    // "Alejandro Toledo", "María Eugenia Cuenca": one or two given names right
                    // before a one-word listed place that ends the run are a person named after
                    // the town.
                    if let Some(Piece::Listed(found)) = next {
                        let (name_start, _) = self.strip_leading(from, to);
                        if piece_idx + 2 == pieces.len()
                            && (1..=2).contains(&(to - name_start))
                            && (name_start..to)
                                .all(|idx| self.in_word_list(idx, WordList::GivenNames))
                            && *self.gazetteer.kind_of(found.entity_idx) == EntityKind::Place
                            && &self.text[self.words[to - 1].end..found.start] == " "
                            && !self.text[found.start..found.end].contains([' ', '-'])
                        {
                            let span = (self.words[name_start].start, found.end);
                            self.push(EntityKind::Person, None, span);
                            skip_next_listed = true;
                            continue;
                        }
                    }
                    // "Real Madrid", "Primăria Timișoara", "Junta de Andalucía": an organisation
                    // word that opens a name, followed by a listed place, names an organisation.
                    // So does an acronym or another unknown word alone before a listed place at
                    // the end of the run ("PSV Eindhoven", "Ajax Amsterdam", "Bayern Munich").
                    // "Institutul Polonez din București", "Documentul de la Viena": Romanian
                    // "din", "la", "de la" and "în" say where a body is, not what it is called,
                    // so the place stays a place beside the organisation.
                    let located = matches!(next, Some(Piece::Listed(_)))
                        && self.romanian_locative_before(from, to);
                    // "West Hollywood", "East Anglia": a direction before a listed place names
                    // a place, not a club named after the place.
                    if let Some(Piece::Listed(found)) = next {
                        if to == from + 1
                            && COMPASS_WORDS.contains(&self.key(from))
                            && *self.gazetteer.kind_of(found.entity_idx) == EntityKind::Place
                            && &self.text[self.words[from].end..found.start] == " "
                        {
                            let span = (self.words[from].start, found.end);
                            self.push(EntityKind::Place, None, span);
                            skip_next_listed = true;
                            continue;
                        }
                    }
                    if let Some(Piece::Listed(found)) = next.filter(|_| !located) {
                        let (name_start, _) = self.strip_leading(from, to);
                        let club = || {
                            piece_idx == 0
                                && from == name_start
                                && pieces.len() == 2
                                && name_start + 1 == to
                                && !self.lines[self.words[name_start].line_idx as usize].capitals
                                && (self.is_acronym(name_start)
                                    // German capitalises the nouns before a place ("Stadt
                                    // Aleppo"); only an acronym names a club there.
                                    || (!self.german
                                    && self.words[name_start].capitalised
                                    && !self.words[name_start].initial
                                    // Russian adjectives decline ("Северной Африке"), so the
                                    // lists cannot tell them; Russian is left out.
                                    && !russian::is_cyrillic(self.word_text(name_start))
                                    && &self.text[self.words[to - 1].end..found.start] == " "
                                    && !starts_sentence(self.text, self.words[name_start].start)
                                    && !self.is_common(name_start)
                                    && !self.in_word_list(name_start, WordList::GivenNames)))
                        };
                        if name_start < to
                            && *self.gazetteer.kind_of(found.entity_idx) == EntityKind::Place
                            && (self.in_word_list(name_start, WordList::OrgHeads)
                                || self.club_abbreviation(name_start, to + 1).is_some()
                                || club())
                        {
                            let span = (self.words[name_start].start, found.end);
                            self.push(EntityKind::Organization, None, span);
                            skip_next_listed = true;
                            continue;
                        }
                    }
                    // "Patriotic Union of Kurdistan", "Bank of England", "Kurdistan Democratic
                    // Party of Iran": a name ending with an organisation word and "of" goes on
                    // into the listed place that follows.
                    let mut named_to = to;
                    while named_to > from && !self.words[named_to - 1].capitalised {
                        named_to -= 1;
                    }
                    if let Some(Piece::Listed(found)) = next {
                        // A company's legal form ends its name: "Kia Motor Corp of South Korea"
                        // says where the company is.
                        let org_of = named_to > from
                            && named_to + 1 == to
                            && self.key(named_to) == "of"
                            && self.in_word_list(named_to - 1, WordList::OrgWords)
                            && !LEGAL_FORMS.contains(&self.key(named_to - 1))
                            && *self.gazetteer.kind_of(found.entity_idx) == EntityKind::Place;
                        let name_start = if org_of {
                            self.strip_leading(from, named_to).0
                        } else {
                            named_to
                        };
                        if name_start < named_to {
                            // A leading demonym stays ("Iraqi Kurdish Patriotic Union of ...").
                            let org_from = (from..name_start)
                                .rev()
                                .take_while(|&idx| self.in_word_list(idx, WordList::Demonyms))
                                .last()
                                .unwrap_or(name_start);
                            let mut start = self.words[org_from].start;
                            let before = piece_idx.checked_sub(1).map(|idx| pieces[idx]);
                            if let Some(Piece::Listed(before)) = before {
                                if name_start == from
                                    && *self.gazetteer.kind_of(before.entity_idx)
                                        == EntityKind::Place
                                    && self.candidates.last().map(|candidate| candidate.span)
                                        == Some((before.start, before.end))
                                {
                                    self.candidates.pop();
                                    start = before.start;
                                }
                            }
                            self.push(EntityKind::Organization, None, (start, found.end));
                            skip_next_listed = true;
                            continue;
                        }
                    }
                    // "Colegio de Médicos de Madrid", "Copa de Europa": capitalised words joined
                    // by "de" to a listed place make one longer name, of which the place is a part.
                    if let Some(Piece::Listed(found)) = next.filter(|_| !located) {
                        if *self.gazetteer.kind_of(found.entity_idx) == EntityKind::Place {
                            if let Some(name_start) = self.name_before_de(from, to) {
                                let span = (self.words[name_start].start, found.end);
                                if SPANISH_PLACE_HEADS.contains(&self.key(name_start)) {
                                    self.push(EntityKind::Place, None, span);
                                } else if (name_start..to).any(|idx| self.is_org_word(idx)) {
                                    self.push(EntityKind::Organization, None, span);
                                }
                                skip_next_listed = true;
                                continue;
                            }
                        }
                    }
                    // "Moscow City Court": a listed place followed by an organisation word.
                    if let Some(Piece::Listed(found)) =
                        piece_idx.checked_sub(1).map(|idx| pieces[idx])
                    {
                        let to = named_to.max(from + 1);
                        let last = self.key(to - 1);
                        // "Baltimore Orioles", "Chicago Bulls": a city and a plural is a team.
                        let team_plural = to - from <= 2
                            && last.len() >= 4
                            && last.ends_with('s')
                            && !last.ends_with("ss")
                            && !EVENT_WORDS.contains(&last)
                            && self.words[from..to].iter().all(|word| word.capitalised)
                            && !self
                                .word_text(to - 1)
                                .chars()
                                .skip(1)
                                .any(char::is_uppercase)
                            && !self.used_in_lowercase(to - 1);
                        // The place may have taken a direction before it ("South China
                        // Morning Post", "East China Normal University").
                        if *self.gazetteer.kind_of(found.entity_idx) == EntityKind::Place
                            && (self.in_word_list(to - 1, WordList::OrgWords) || team_plural)
                            && self.strip_leading(from, to).0 == from
                            && self.candidates.last().is_some_and(|candidate| {
                                candidate.span.1 == found.end
                                    && candidate.span.0 <= found.start
                                    && candidate.kind == EntityKind::Place
                            })
                        {
                            if let Some(previous) = self.candidates.pop() {
                                let span = (previous.span.0, self.words[to - 1].end);
                                self.push(EntityKind::Organization, None, span);
                            }
                            continue;
                        }
                    }
                    self.classify_free(from, to, run_start);
                }
            }
        }
    }
}

/// Finds and merges the people, organisations and places named in `body`, an article in
/// `language` (ISO 639-1, or "und"), which decides how much capitals say.
pub fn find_names(body: &str, language: &str, gazetteer: &Gazetteer) -> FoundNames {
    let SplitBody {
        mut words,
        lines,
        romanian,
        has_replacement,
    } = split_words(body);
    if lines.iter().any(|line| line.furniture) {
        words.retain(|word| !lines[word.line_idx as usize].furniture);
    }
    let n_body_words = words.len();
    // One pass over the words folds them, lists the capitalised ones, and gathers where listed
    // names may start, in a plain loop: a flattened iterator of each word's starts costs more
    // per word than the list, and nearly every word gives none.
    // Lowercasing ASCII letters keeps every byte in its place, so one lowercased copy of the
    // body holds the folded form of nearly every word at the word's own span, and a word
    // costs no copy of its own. The few other words are folded into one buffer, from which
    // they are sliced once it is complete.
    let lowercase_body = body.to_ascii_lowercase();
    let mut folded: Vec<&str> = Vec::with_capacity(n_body_words);
    let mut folded_buffer = String::new();
    // Per word folded into the buffer: its index and the span of its folded form there.
    let mut buffer_spans: Vec<(u32, u32, u32)> = Vec::new();
    // Room for a capitalised word in four, more than most articles have, spares growing the
    // lists a doubling at a time; listed names start mostly at capitalised words.
    let mut capitalised_words: Vec<u32> = Vec::with_capacity(n_body_words / 4);
    let mut candidate_starts = Vec::with_capacity(n_body_words / 4);
    for (word_idx, word) in words.iter().enumerate() {
        debug_assert!(
            lowercase_body.is_char_boundary(word.start)
                && lowercase_body.is_char_boundary(word.end)
        );
        // SAFETY: `split_words` starts and ends words only at character boundaries of the body,
        // which are those of its lowercased copy, as ASCII lowercasing keeps every byte's
        // place and class; unchecked, the slice costs no boundary tests at every word.
        let lowercase = unsafe { lowercase_body.get_unchecked(word.start..word.end) };
        let folded_word = if word.plain || folds_by_ascii_lowercase(word, lowercase) {
            folded.push(lowercase);
            lowercase
        } else {
            let from = folded_buffer.len();
            folded_buffer.push_str(&fold_name(body.get(word.start..word.end).unwrap_or("")));
            buffer_spans.push((word_idx as u32, from as u32, folded_buffer.len() as u32));
            // Set once the buffer is complete.
            folded.push("");
            folded_buffer.get(from..).unwrap_or("")
        };
        if word.capitalised {
            capitalised_words.push(word_idx as u32);
        }
        // Most words are lowercase, and two bytes tell that no listed name starts at them.
        if word.capitalised || gazetteer.may_start_at_lowercase(body, word.start, folded_word) {
            if let Some(starts) = gazetteer.may_start_match(
                body,
                word.start,
                word.capitalised,
                folded_word,
                word.alphanumeric,
            ) {
                candidate_starts.extend(starts);
            }
        }
    }
    for &(word_idx, from, to) in &buffer_spans {
        folded[word_idx as usize] = folded_buffer.get(from as usize..to as usize).unwrap_or("");
    }
    let matches: Vec<ListMatch> = gazetteer.find_matches_at(body, candidate_starts.into_iter());
    let mut teams = team_spans(body, &lines);
    let schedule = schedule_spans(body, &lines, !teams.is_empty());
    teams.extend(schedule.iter().map(|&(visitors, _)| visitors));
    let is_host = |span: (usize, usize)| {
        schedule
            .iter()
            .any(|&(_, hosts)| span.0 < hosts.1 && hosts.0 < span.1)
    };
    let mut scanner = Scanner {
        text: body,
        words,
        folded,
        gazetteer,
        candidates: Vec::new(),
        capitalised_words,
        lines,
        lone_words: Vec::new(),
        unknown_runs: Vec::new(),
        romanian,
        german: language == "de",
        cricket: std::cell::Cell::new(None),
        word_list_memo: vec![std::cell::Cell::new(0); n_body_words],
        capital_hashes: std::cell::OnceCell::new(),
        title_phrase: std::cell::RefCell::new(String::new()),
        lowercase_words: std::cell::OnceCell::new(),
        trimmed_len: body.trim_end().len(),
        romance_plurals: matches!(language, "es" | "fr" | "it" | "pt" | "ca" | "ro"),
    };

    // Walk the words once, grouping capitalised words and list matches into runs.
    let n_words = scanner.words.len();
    let mut match_idx = 0;
    let mut word_idx = 0;
    // The position in `capitalised_words` of the first capitalised word from `word_idx` on.
    let mut capital_position = 0;
    let mut pieces: Vec<Piece> = Vec::new();
    while word_idx < n_words {
        // Most words are lowercase and start no listed name, so they start no run either: the
        // walk jumps to the next capitalised word, or to a listed name starting before it.
        let capitalised_words = &scanner.capitalised_words;
        while capitalised_words
            .get(capital_position)
            .is_some_and(|&capital_idx| (capital_idx as usize) < word_idx)
        {
            capital_position += 1;
        }
        let next_capitalised = capitalised_words
            .get(capital_position)
            .map_or(n_words, |&capital_idx| capital_idx as usize);
        word_idx = first_listed_start(
            &scanner.words,
            &matches,
            &mut match_idx,
            word_idx,
            next_capitalised,
        );
        if word_idx >= n_words {
            break;
        }
        pieces.clear();
        let run_start = word_idx;
        let mut free_start: Option<usize> = None;
        let mut has_org_or_title = false;
        // The run's last piece is a listed organisation, which "of" and a place may follow
        // ("Kurdistan Democratic Party of Iran").
        let mut after_listed_org;
        loop {
            let word = scanner.words[word_idx];
            while match_idx < matches.len() && matches[match_idx].start < word.start {
                match_idx += 1;
            }
            let listed = matches
                .get(match_idx)
                .filter(|found| found.start == word.start)
                .copied();
            let next_idx = if let Some(found) = listed {
                if let Some(start) = free_start.take() {
                    pieces.push(Piece::Free(start, word_idx));
                }
                let mut end_idx = word_idx + 1;
                while end_idx < n_words && scanner.words[end_idx].start < found.end {
                    end_idx += 1;
                }
                pieces.push(Piece::Listed(found));
                after_listed_org = *gazetteer.kind_of(found.entity_idx) == EntityKind::Organization;
                end_idx
            } else if word.capitalised {
                after_listed_org = false;
                // Once a run has an organisation word or a title, the others need no lookup.
                if !has_org_or_title {
                    has_org_or_title = scanner.in_word_list(word_idx, WordList::OrgWords)
                        || scanner.in_word_list(word_idx, WordList::OrgHeads)
                        || scanner.is_title_at(word_idx, word_idx + 1).is_some();
                }
                free_start.get_or_insert(word_idx);
                word_idx + 1
            } else {
                break;
            };
            word_idx = next_idx;
            if word_idx >= n_words
                || !joined(body, &scanner.words[word_idx - 1], &scanner.words[word_idx])
            {
                break;
            }
            // Let lowercase connectors continue a run when a capitalised word follows.
            let mut look = word_idx;
            while look < n_words
                && !scanner.words[look].capitalised
                && !starts_listed(&matches, match_idx, scanner.words[look].start)
            {
                let folded = scanner.key(look);
                // German "der" and "den" are articles ("Abschluss der Gruppenspiele"), particles
                // only after "von" ("Ursula von der Leyen").
                // And "von" is a preposition ("Einsatz von Lionel Messi"), a particle after a
                // given name.
                let article = scanner.german
                    && match folded {
                        "der" | "den" => !matches!(scanner.key(look - 1), "von" | "van"),
                        "von" => !scanner.in_word_list(look - 1, WordList::GivenNames),
                        _ => false,
                    };
                let allowed = (is_name_particle(folded) && !article)
                    || (has_org_or_title && is_org_connector(folded))
                    || (after_listed_org && folded == "of");
                if !allowed
                    || look + 1 >= n_words
                    || !joined(body, &scanner.words[look], &scanner.words[look + 1])
                {
                    break;
                }
                look += 1;
            }
            let continues = look < n_words
                && (scanner.words[look].capitalised
                    || starts_listed(&matches, match_idx, scanner.words[look].start));
            if !continues {
                break;
            }
            word_idx = look;
        }
        if let Some(start) = free_start.take() {
            pieces.push(Piece::Free(start, word_idx));
        }
        if pieces.is_empty() {
            word_idx += 1;
            continue;
        }
        // The scanner needs `&mut self`; lend it the pieces and take the buffer back.
        let run_pieces = std::mem::take(&mut pieces);
        scanner.scan_run(&run_pieces, run_start);
        pieces = run_pieces;
    }
    if !teams.is_empty() {
        let overlaps =
            |span: (usize, usize)| teams.iter().any(|team| span.0 < team.1 && team.0 < span.1);
        scanner
            .candidates
            .retain(|candidate| !overlaps(candidate.span));
        scanner.unknown_runs.retain(|run| !overlaps(run.span));
        scanner.lone_words.retain(|span| !overlaps(*span));
        for &span in &teams {
            scanner.push(EntityKind::Organization, None, span);
        }
        // In an article with results lines, a listed place named like a team there is the team
        // everywhere ("Seattle 5 Baltimore 3" ... "Baltimore won its third game"), whatever its
        // case (standings are often in capitals: "BALTIMORE 67 58 .536 5").
        let team_names: Vec<String> = teams
            .iter()
            .map(|&(start, end)| body[start..end].to_lowercase())
            .collect();
        for candidate in &mut scanner.candidates {
            if candidate.kind == EntityKind::Place
                && team_names.contains(&candidate.surface.to_lowercase())
                && !is_host(candidate.span)
            {
                candidate.kind = EntityKind::Organization;
                candidate.entity_idx = None;
            }
        }
    }
    // The hosts of a schedule line are a place: a listed place found there stays, anything
    // else there ("ST LOUIS AT" read as a name) gives way to the hosts' name.
    for &(_, hosts) in &schedule {
        let overlaps = |span: (usize, usize)| span.0 < hosts.1 && hosts.0 < span.1;
        scanner.candidates.retain(|candidate| {
            !overlaps(candidate.span)
                || (candidate.kind == EntityKind::Place && candidate.span == hosts)
        });
        scanner.unknown_runs.retain(|run| !overlaps(run.span));
        scanner.lone_words.retain(|span| !overlaps(*span));
        if !scanner
            .candidates
            .iter()
            .any(|candidate| candidate.span == hosts)
        {
            scanner.push(EntityKind::Place, None, hosts);
        }
    }
    // A name cut by replacement characters inside a word lost letters before idx saw the text
    // ("Sinn F\u{FFFD}\u{FFFD}in" read as "Sinn F"): what it was is unknown, so it is left out.
    // Replacement characters between words (a quotation mark that did not decode) harm nothing.
    if has_replacement {
        let damaged = |span: (usize, usize)| {
            let after = body[span.1..].trim_start_matches(REPLACEMENT);
            let before = body[..span.0].trim_end_matches(REPLACEMENT);
            body[span.0..span.1].contains(REPLACEMENT)
                || (after.len() < body.len() - span.1
                    && after.chars().next().is_some_and(char::is_alphanumeric))
                || (before.len() < span.0
                    && before
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphanumeric))
        };
        scanner
            .candidates
            .retain(|candidate| !damaged(candidate.span));
        scanner.unknown_runs.retain(|run| !damaged(run.span));
        scanner.lone_words.retain(|span| !damaged(*span));
    }
    type_places_listed_with_places(&mut scanner);
    merge(scanner)
}

/// Abbreviations that name a Romanian body (the National Anticorruption Directorate) and are
/// an ordinary noun elsewhere (DNA tests).
const ROMANIAN_ABBREVIATIONS: &[&str] = &["dna"];

/// Directions, which qualify the next item of a list ("North and South America").
#[rustfmt::skip]
const COMPASS_WORDS: &[&str] = &[
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "northeast", "northwest", "southeast", "southwest",
];

/// English endings of abstract nouns, which few place names have ("Globalization", "Extradition";
/// Inverness is left to other rules).
const ABSTRACT_ENDINGS: &[&str] = &["tion", "sion", "ment", "ness", "ism", "ity", "ics"];

/// The words that join the last items of a list of places ("Mașloc și Bogda"), besides a
/// comma ("Lugoj, Deta"). Not English "and" or "or", which join far more than lists ("Ways
/// and Means", "Chair in Political Values and Ethics").
const LIST_WORD_JOINERS: &[&str] = &[" și ", " şi ", " y ", " e ", " sau "];

/// "Gotland, Blekinge", "Lugoj, Deta, Marghita": an untyped name of one or two words listed
/// right after a place, and itself followed by the list's punctuation or its joiner (not by a
/// verb: "in London, Johnson said"), is a place too. Each place so found may type the next.
/// Words that may be something else are left alone: ordinary words ("Center for China and
/// Globalization", "Arizona, Feb. 8", "Oceania, North and South America"), titles ("Rep."),
/// given names ("Slater and Gordon"), abbreviations ("United States, OK, but").
fn type_places_listed_with_places(scanner: &mut Scanner<'_>) {
    let text = scanner.text;
    let mut place_ends: Vec<usize> = scanner
        .candidates
        .iter()
        .filter(|candidate| candidate.kind == EntityKind::Place)
        .map(|candidate| candidate.span.1)
        .chain(
            scanner
                .unknown_runs
                .iter()
                .filter(|run| run.hint == Some(EntityKind::Place))
                .map(|run| run.span.1),
        )
        .collect();
    if place_ends.is_empty() {
        return;
    }
    place_ends.sort_unstable();
    let mut order: Vec<usize> = (0..scanner.unknown_runs.len()).collect();
    order.sort_unstable_by_key(|&run_idx| scanner.unknown_runs[run_idx].span.0);
    for run_idx in order {
        let run = &scanner.unknown_runs[run_idx];
        if run.hint.is_some() || run.n_words > 2 {
            continue;
        }
        let (start, end) = run.span;
        let after_joiner = |joiner: &str| {
            start >= joiner.len()
                && text.is_char_boundary(start - joiner.len())
                && &text[start - joiner.len()..start] == joiner
                && place_ends.binary_search(&(start - joiner.len())).is_ok()
        };
        // A plain test of each joiner: the chained iterator over them, asked for every short
        // untyped run, was not always inlined and then cost more than the tests.
        let after_place =
            after_joiner(", ") || LIST_WORD_JOINERS.iter().any(|joiner| after_joiner(joiner));
        if !after_place {
            continue;
        }
        let after = &text[end..];
        let ends_item = after.is_empty()
            || after.starts_with([',', ';', ')', '.', '\n', '\r'])
            || LIST_WORD_JOINERS
                .iter()
                .any(|joiner| after.starts_with(joiner));
        if !ends_item {
            continue;
        }
        let first_word = scanner.words.partition_point(|word| word.start < start);
        let plain_name = (first_word..scanner.words.len())
            .take_while(|&word_idx| scanner.words[word_idx].end <= end)
            .all(|word_idx| {
                let key = scanner.key(word_idx);
                scanner.word_text(word_idx).chars().any(char::is_lowercase)
                    && !COMPASS_WORDS.contains(&key)
                    && !dates::is_month_abbreviation(key)
                    && !ABSTRACT_ENDINGS.iter().any(|ending| key.ends_with(ending))
                    && scanner.is_title_at(word_idx, word_idx + 1).is_none()
                    && (!text[scanner.words[word_idx].end..].starts_with('.')
                        || !scanner.gazetteer.person_titles.contains(&format!("{key}.")))
                    && !scanner.is_common(word_idx)
                    && !scanner.is_org_word(word_idx)
                    && !scanner.in_word_list(word_idx, WordList::GivenNames)
                    && !scanner.used_in_lowercase(word_idx)
            });
        if plain_name {
            scanner.unknown_runs[run_idx].hint = Some(EntityKind::Place);
            if let Err(position) = place_ends.binary_search(&end) {
                place_ends.insert(position, end);
            }
        }
    }
}

/// What a decoder writes for bytes it could not read.
const REPLACEMENT: char = '\u{FFFD}';

/// The first of words `from..to` at which a list match starts, or `to` when none does. Moves
/// `match_idx` on past the matches that start before the words looked at, none of which is past
/// the word returned.
fn first_listed_start(
    words: &[Word],
    matches: &[ListMatch],
    match_idx: &mut usize,
    from: usize,
    to: usize,
) -> usize {
    let mut word_idx = from;
    while word_idx < to {
        let word_start = words[word_idx].start;
        while matches
            .get(*match_idx)
            .is_some_and(|found| found.start < word_start)
        {
            *match_idx += 1;
        }
        let Some(found) = matches.get(*match_idx) else {
            return to;
        };
        // Most matches start at a capitalised word, at `to` or past it.
        if words.get(to).is_some_and(|word| found.start >= word.start) {
            return to;
        }
        word_idx += words[word_idx..to].partition_point(|word| word.start < found.start);
        if word_idx < to && words[word_idx].start == found.start {
            return word_idx;
        }
    }
    to
}

/// Whether a list match at or after `from_match` starts at byte `word_start`.
fn starts_listed(matches: &[ListMatch], from_match: usize, word_start: usize) -> bool {
    matches
        .iter()
        .skip(from_match)
        .take_while(|found| found.start <= word_start)
        .any(|found| found.start == word_start)
}

/// One merged entity being built.
struct Group<'a> {
    kind: EntityKind,
    entity_idx: Option<u32>,
    name: String,
    /// Borrowed from the gazetteer for a listed entity, whose name words are folded once when
    /// the lists are built.
    folded_words: Cow<'a, [String]>,
    /// The first byte of the last of `folded_words` (see [`last_initial`]), kept beside them.
    last_initial: Option<u8>,
    /// The mentions as written, borrowed from the body.
    surfaces: Vec<&'a str>,
    spans: Vec<(usize, usize)>,
}

/// Merges candidates into entities: listed entities by index; unknown people into a listed
/// person when given name and surname are close, else with each other by surname; lone
/// capitalised words into a person with that surname; bare organisation descriptors ("Foreign
/// Ministry") into an organisation whose name ends with them.
fn merge<'a>(scanner: Scanner<'a>) -> FoundNames {
    let gazetteer = scanner.gazetteer;
    // Each candidate and each unknown run makes at most one group; room for all of them at
    // once spares moving the groups as the list grows.
    let mut groups: Vec<Group<'a>> =
        Vec::with_capacity(scanner.candidates.len() + scanner.unknown_runs.len());
    // The maps of this function are sized for their most entries at once: growing them a
    // doubling at a time rehashes their keys again and again.
    let mut by_entity: FxHashMap<u32, usize> =
        FxHashMap::with_capacity_and_hasher(scanner.candidates.len(), Default::default());
    let mut candidates = scanner.candidates;
    // Folded name words of every unlisted candidate, computed once.
    let mut candidate_words: Vec<Vec<String>> = candidates
        .iter()
        .map(|candidate| {
            if candidate.entity_idx.is_none() {
                name_words(candidate.surface)
            } else {
                Vec::new()
            }
        })
        .collect();
    // Resolve unknown people against the lists first, so "Anthony J. Blingen" joins Blinken.
    // An article names a person several times, so each name is resolved once.
    let mut listed_person_by_key: FxHashMap<String, Option<u32>> = FxHashMap::default();
    for (candidate, words) in candidates.iter_mut().zip(&candidate_words) {
        if candidate.kind == EntityKind::Person && candidate.entity_idx.is_none() {
            let key = words.join(" ");
            if let Some(&entity_idx) = listed_person_by_key.get(&key) {
                candidate.entity_idx = entity_idx;
                continue;
            }
            candidate.entity_idx = gazetteer
                .lookup_folded_alias(&key)
                .filter(|&idx| *gazetteer.kind_of(idx) == EntityKind::Person)
                .or_else(|| {
                    if words.len() >= 2 {
                        gazetteer.closest_person(&key)
                    } else {
                        None
                    }
                });
            listed_person_by_key.insert(key, candidate.entity_idx);
        }
    }
    // A listed surname alone goes to an unlisted person of the article with that surname when
    // the listed person is never named in full.
    let unknown_surnames: Vec<String> = candidates
        .iter()
        .zip(&candidate_words)
        .filter(|(candidate, words)| {
            candidate.kind == EntityKind::Person
                && candidate.entity_idx.is_none()
                && words.len() >= 2
        })
        .filter_map(|(_, words)| words.last().cloned())
        .collect();
    if !unknown_surnames.is_empty() {
        for candidate_idx in 0..candidates.len() {
            let Some(entity_idx) = candidates[candidate_idx].entity_idx else {
                continue;
            };
            if !candidates[candidate_idx].lone_surname {
                continue;
            }
            let surname = fold_name(candidates[candidate_idx].surface);
            if unknown_surnames.contains(&surname)
                && !candidates
                    .iter()
                    .any(|other| other.entity_idx == Some(entity_idx) && !other.lone_surname)
            {
                candidates[candidate_idx].entity_idx = None;
                candidate_words[candidate_idx] = name_words(candidates[candidate_idx].surface);
            }
        }
    }
    let mut deferred_orgs = Vec::new();
    for (candidate, words) in candidates.into_iter().zip(candidate_words) {
        if let Some(entity_idx) = candidate.entity_idx {
            let group_idx = *by_entity.entry(entity_idx).or_insert_with(|| {
                groups.push(Group {
                    kind: gazetteer.kind_of(entity_idx).clone(),
                    entity_idx: Some(entity_idx),
                    name: gazetteer.name_of(entity_idx).to_string(),
                    folded_words: Cow::Borrowed(gazetteer.name_words_of(entity_idx)),
                    last_initial: last_initial(gazetteer.name_words_of(entity_idx)),
                    // A listed entity is usually named more than once; room for a few mentions
                    // costs one allocation, where growing from empty costs more.
                    surfaces: Vec::with_capacity(4),
                    spans: Vec::with_capacity(4),
                });
                groups.len() - 1
            });
            groups[group_idx].surfaces.push(candidate.surface);
            groups[group_idx].spans.push(candidate.span);
            continue;
        }
        let initial = last_initial(&words);
        let existing = groups.iter().position(|group| {
            group.kind == candidate.kind
                && group.last_initial == initial
                && match candidate.kind {
                    EntityKind::Person => same_person(&group.folded_words, &words),
                    _ => same_words(&group.folded_words, &words),
                }
        });
        match existing {
            Some(group_idx) => {
                let group = &mut groups[group_idx];
                // The fullest form names the entity; among Russian case forms of one name the
                // shortest, which is the nominative for most names ("Сергей Лавров", not
                // "Сергея Лаврова").
                let fuller = words.len() > group.folded_words.len();
                let nominative = words.len() == group.folded_words.len()
                    && russian::is_cyrillic(candidate.surface)
                    && candidate.surface.chars().count() < group.name.chars().count();
                if group.entity_idx.is_none() && (fuller || nominative) {
                    group.name = candidate.surface.to_string();
                    group.last_initial = initial;
                    group.folded_words = Cow::Owned(words);
                }
                group.surfaces.push(candidate.surface);
                group.spans.push(candidate.span);
            }
            None if candidate.kind == EntityKind::Organization && words.len() <= 3 => {
                deferred_orgs.push((candidate, words));
            }
            None => groups.push(Group {
                kind: candidate.kind,
                entity_idx: None,
                name: candidate.surface.to_string(),
                last_initial: initial,
                folded_words: Cow::Owned(words),
                surfaces: first_mention(candidate.surface),
                spans: first_mention(candidate.span),
            }),
        }
    }
    // "Foreign Ministry" after "Russian Foreign Ministry" is the same body; alone it is a name.
    // The folded name words of each group's surfaces, per group index, folded the first time
    // a deferred organisation asks for them and kept for the next ones.
    // Each entry also counts the surfaces already seen; a surface the group already had is
    // not folded again, as its words are there.
    let mut surface_words_by_group: Vec<(usize, Vec<Vec<String>>)> = Vec::new();
    for (candidate, words) in deferred_orgs {
        surface_words_by_group.resize_with(groups.len(), Default::default);
        let target = groups.iter().enumerate().position(|(group_idx, group)| {
            group.kind == EntityKind::Organization
                && (group.folded_words.ends_with(&words) || {
                    let (n_seen, surface_words) = &mut surface_words_by_group[group_idx];
                    for surface_idx in *n_seen..group.surfaces.len() {
                        let surface = group.surfaces[surface_idx];
                        if !group.surfaces[..surface_idx].contains(&surface) {
                            surface_words.push(name_words(surface));
                        }
                    }
                    *n_seen = group.surfaces.len();
                    surface_words
                        .iter()
                        .any(|surface_words| surface_words.ends_with(&words))
                })
        });
        match target {
            Some(group_idx) => {
                groups[group_idx].surfaces.push(candidate.surface);
                groups[group_idx].spans.push(candidate.span);
            }
            None => groups.push(Group {
                kind: EntityKind::Organization,
                entity_idx: None,
                name: candidate.surface.to_string(),
                last_initial: last_initial(&words),
                folded_words: Cow::Owned(words),
                surfaces: first_mention(candidate.surface),
                spans: first_mention(candidate.span),
            }),
        }
    }
    // Lone capitalised words count first as the surname of a person already found.
    let mut attached: Vec<(usize, usize)> = Vec::new();
    // The loop only adds surfaces to groups, so the people it may attach to, with their
    // surnames, are fixed before it starts, and one word always finds the same owner.
    let person_surnames: Vec<(usize, String)> = groups
        .iter()
        .enumerate()
        .filter(|(_, group)| group.kind == EntityKind::Person && group.folded_words.len() >= 2)
        .filter_map(|(group_idx, group)| {
            group
                .folded_words
                .last()
                .map(|last| (group_idx, last.clone()))
        })
        .collect();
    let mut owner_by_word: FxHashMap<&str, Option<usize>> =
        FxHashMap::with_capacity_and_hasher(scanner.lone_words.len(), Default::default());
    // Without people to attach to, no lone word finds an owner.
    let lone_words = if person_surnames.is_empty() {
        Vec::new()
    } else {
        scanner.lone_words
    };
    // Equal words, Russian case forms and close surnames all share their first byte, so a lone
    // word whose first byte starts no surname finds no owner. A word starting with an ASCII
    // byte folds to one starting with that byte lowercased.
    let mut surname_first_bytes = [false; 256];
    for (_, last) in &person_surnames {
        if let Some(&first) = last.as_bytes().first() {
            surname_first_bytes[usize::from(first)] = true;
        }
    }
    for span in lone_words {
        let text = &scanner.text[span.0..span.1];
        if text.as_bytes().first().is_some_and(|&first| {
            first.is_ascii() && !surname_first_bytes[usize::from(first.to_ascii_lowercase())]
        }) {
            continue;
        }
        let owner = *owner_by_word.entry(text).or_insert_with(|| {
            // A lone word is one word of the body; when it is ASCII, its folded form is the one
            // the scanner already made.
            let word: Cow<str> = match scanner
                .words
                .binary_search_by_key(&span.0, |word| word.start)
            {
                Ok(word_idx)
                    if scanner.words[word_idx].end == span.1
                        && (scanner.words[word_idx].plain
                            || scanner.words[word_idx].alphanumeric) =>
                {
                    Cow::Borrowed(scanner.folded[word_idx])
                }
                _ => Cow::Owned(fold_name(text)),
            };
            let same_surname = person_surnames
                .iter()
                .find(|(_, last)| russian::same_word(last, &word));
            let close_surname = || {
                if word.chars().count() < 6 {
                    return None;
                }
                // Close surnames share their first letter, so most are ruled out by their
                // first byte without a call.
                person_surnames.iter().find(|(_, last)| {
                    last.as_bytes().first() == word.as_bytes().first() && surname_close(last, &word)
                })
            };
            same_surname
                .or_else(close_surname)
                .map(|(group_idx, _)| *group_idx)
        });
        if let Some(group_idx) = owner {
            groups[group_idx]
                .surfaces
                .push(&scanner.text[span.0..span.1]);
            groups[group_idx].spans.push(span);
            attached.push(span);
        }
    }
    attached.sort_unstable();
    // Surnames used alone: evidence that an unknown two-word name is a person. Folded when
    // first needed, which few articles reach.
    let single_words: std::cell::OnceCell<Vec<String>> = std::cell::OnceCell::new();
    let unknown_runs = &scanner.unknown_runs;
    let single_words = || -> &Vec<String> {
        single_words.get_or_init(|| {
            unknown_runs
                .iter()
                .filter(|run| run.n_words == 1)
                .map(|run| fold_name(&scanner.text[run.span.0..run.span.1]))
                .collect()
        })
    };
    // Untyped runs: join an entity of the article with the same words, else take the type the
    // context suggests; weak runs (unconfirmed sentence starts, shouted lines) only join.
    // An article repeats its unknown names, so each surface is split into words once, and the
    // words are copied only into a new group.
    // The loop only adds surfaces and groups: a group's words never change, so a surface that
    // joined a group joins it again, and one that joined none is compared only with the groups
    // added since.
    let mut words_by_surface: HashMap<&str, SurfaceJoin, BuildHasherDefault<WordHasher>> =
        HashMap::with_capacity_and_hasher(unknown_runs.len(), Default::default());
    for run in unknown_runs {
        if attached.binary_search(&run.span).is_ok() {
            continue;
        }
        let surface = &scanner.text[run.span.0..run.span.1];
        let join = words_by_surface
            .entry(surface)
            .or_insert_with(|| SurfaceJoin {
                words: name_words(surface),
                n_groups_compared: 0,
                group_idx: None,
            });
        if join.group_idx.is_none() {
            let words = &join.words;
            if words.is_empty() {
                continue;
            }
            let initial = last_initial(words);
            let first_new = join.n_groups_compared;
            join.group_idx = groups[first_new..]
                .iter()
                .position(|group| {
                    group.last_initial == initial
                        && (same_words(&group.folded_words, words)
                            || (group.kind == EntityKind::Person
                                && words.len() == 1
                                && group
                                    .folded_words
                                    .last()
                                    .is_some_and(|last| russian::same_word(last, &words[0]))))
                })
                .map(|offset| first_new + offset);
            join.n_groups_compared = groups.len();
        }
        if let Some(group_idx) = join.group_idx {
            groups[group_idx].surfaces.push(surface);
            groups[group_idx].spans.push(run.span);
            continue;
        }
        if run.weak {
            continue;
        }
        let Some(kind) = run.hint.clone() else {
            continue;
        };
        // An unknown two- or three-word name is a person when its last word is also used
        // alone, or when none of its words is used in lowercase ("Total Revenue", "Wall
        // Street" and "Grand Prix" have ordinary words).
        if kind == EntityKind::Person
            && run.after_article
            && !join
                .words
                .last()
                .is_some_and(|last| single_words().contains(last))
        {
            continue;
        }
        // The new group has the surface's words, so the surface joins it from now on, and
        // the words move into it.
        groups.push(Group {
            kind,
            entity_idx: None,
            name: surface.to_string(),
            last_initial: last_initial(&join.words),
            folded_words: Cow::Owned(std::mem::take(&mut join.words)),
            surfaces: first_mention(surface),
            spans: first_mention(run.span),
        });
        join.group_idx = Some(groups.len() - 1);
    }
    let mut found = FoundNames::default();
    // Most mentions repeat the canonical name or an earlier surface exactly; only new surfaces
    // are folded, and the name itself only once a new surface comes. The lists are kept from
    // group to group, emptied, so that each group does not allocate its own.
    let mut seen_surfaces: Vec<&str> = Vec::new();
    let mut seen_folded: Vec<String> = Vec::new();
    for mut group in groups {
        group.spans.sort_unstable();
        let mut aliases: Vec<String> = Vec::new();
        seen_surfaces.clear();
        seen_folded.clear();
        for &surface in &group.surfaces {
            if surface == group.name || seen_surfaces.contains(&surface) {
                continue;
            }
            seen_surfaces.push(surface);
            if seen_folded.is_empty() {
                seen_folded.push(fold_name(&group.name));
            }
            let folded_surface = fold_name(surface);
            if !seen_folded.contains(&folded_surface) {
                aliases.push(surface.to_string());
                seen_folded.push(folded_surface);
            }
        }
        aliases.sort();
        let entity = Entity {
            name: group.name,
            aliases,
            mentions: group.spans.len() as u32,
            spans: group.spans,
        };
        match group.kind {
            EntityKind::Person => found.people.push(entity),
            EntityKind::Organization => found.organizations.push(entity),
            EntityKind::Place => found.places.push(entity),
        }
    }
    for list in [
        &mut found.people,
        &mut found.organizations,
        &mut found.places,
    ] {
        list.sort_by_key(|entity| entity.spans.first().copied().unwrap_or((usize::MAX, 0)));
    }
    found
}

/// An unknown run's surface in [`merge`]: its folded name words, and the group it joins among
/// the first `n_groups_compared` groups, if any.
struct SurfaceJoin {
    words: Vec<String>,
    n_groups_compared: usize,
    group_idx: Option<usize>,
}

/// A group's list of mentions, holding its first: an article names an entity once or a few
/// times, and room for a few costs no more to allocate than room for one, where growing the
/// list later copies it.
fn first_mention<T>(mention: T) -> Vec<T> {
    let mut mentions = Vec::with_capacity(4);
    mentions.push(mention);
    mentions
}

/// The first byte of the last of a name's folded words, or `None` for a name without words.
/// Names that [`same_person`] or [`same_words`] join, or that join as a surname, have the same,
/// as equal words, close surnames and Russian case forms all share their first letter; most
/// groups differ there, so it is compared before the words.
fn last_initial(words: &[String]) -> Option<u8> {
    words
        .last()
        .and_then(|word| word.as_bytes().first().copied())
}

/// Whether two unknown people's name words name one person: same surname and no conflicting
/// given name, or the same given name with a close surname.
fn same_person(left: &[String], right: &[String]) -> bool {
    let (Some(left_last), Some(right_last)) = (left.last(), right.last()) else {
        return false;
    };
    let left_first = (left.len() > 1).then(|| &left[0]);
    let right_first = (right.len() > 1).then(|| &right[0]);
    match (left_first, right_first) {
        (Some(a), Some(b)) => {
            (names_close(a, b) || russian::same_word(a, b))
                && (surname_close(left_last, right_last)
                    || russian::same_word(left_last, right_last))
        }
        _ => russian::same_word(left_last, right_last),
    }
}

/// Whether two names' folded words are the same words, Russian case endings aside ("Москвы
/// Сити" / "Москва Сити").
fn same_words(left: &[String], right: &[String]) -> bool {
    left.len() == right.len()
        && left
            .iter()
            .zip(right)
            .all(|(left_word, right_word)| russian::same_word(left_word, right_word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(body: &str, expected: &str) {
        check_in("en", body, expected);
    }

    fn check_in(language: &str, body: &str, expected: &str) {
        let gazetteer = Gazetteer::embedded();
        let found = find_names(body, language, &gazetteer);
        let describe = |label: &str, list: &[Entity]| {
            list.iter()
                .map(|entity| {
                    let mut text = format!("{label}:{}", entity.name);
                    if !entity.aliases.is_empty() {
                        text.push_str(&format!("[{}]", entity.aliases.join("|")));
                    }
                    if entity.mentions > 1 {
                        text.push_str(&format!("x{}", entity.mentions));
                    }
                    text
                })
                .collect::<Vec<_>>()
        };
        let mut all = describe("P", &found.people);
        all.extend(describe("O", &found.organizations));
        all.extend(describe("L", &found.places));
        assert_eq!(all.join(" "), expected, "names in {body:?}");
    }

    #[test]
    fn takes_no_german_noun_for_a_name_without_evidence() {
        // German capitalises nouns: capitals alone are no name there, as they are in English.
        let text = "Der Konzern verdiente im Vorjahr 300 Millionen Euro. Nach Angaben der \
                    Polizei kamen Millionen Menschen. Am Montag sagte Hans Jörg Schelling \
                    in Zukunft nichts.";
        check_in("de", text, "P:Hans Jörg Schelling");
        check_in(
            "en",
            text,
            "P:Millionen Euro P:Millionen Menschen P:Hans Jörg Schelling L:Zukunft",
        );
        // A title, alone or ending a compound, opens a person's name and ends what the post
        // belongs to.
        check_in(
            "de",
            "Das bestätigten ÖVP-Chef Reinhold Mitterlehner und Innenministerin Johanna \
             Mikl-Leitner, sagte Vizekanzler Gernot Blümel.",
            "P:Reinhold Mitterlehner P:Johanna Mikl-Leitner P:Gernot Blümel O:ÖVP",
        );
        // A noun for a kind of place names the place after it, and is no club's name; "der" is
        // an article, a particle only after "von", and "von" one only after a given name.
        check_in(
            "de",
            "Die Kämpfe in der Provinz Idlib und in der Provinz Deir Essor gehen weiter, meldet \
             die Stadt Aleppo. Zum Abschluss der Gruppenspiele der Champions League sagte \
             Ursula von der Leyen nichts zum Einsatz von Lionel Messi. Valentin Grubecks Tor \
             zählte, Grubeck jubelte.",
            "P:Ursula von der Leyen P:Lionel Messi P:Valentin Grubeck[Grubeck]x2 O:Champions League \
             L:Idlib L:Deir Essor \
             L:Aleppo",
        );
    }

    #[test]
    fn reads_romanian_places_by_their_kind_and_case_endings() {
        check(
            "Autoritățile din județul Argeș spun că satul Slătioara și orașul Sfântu Gheorghe \
             au primit fonduri.",
            "L:Argeș L:Slătioara L:Sfântu Gheorghe",
        );
        check(
            "El a fost premierul Moldovei, a vizitat Iranul și capitala Luxemburgului.",
            "L:Moldova[Moldovei] L:Iran[Iranul] L:Luxembourg[Luxemburgului]",
        );
    }

    #[test]
    fn takes_a_name_listed_among_places_for_a_place() {
        check(
            "Drumul trece prin Lugoj, Deta, Mănăștur și Uivar, apoi spre Szeged.",
            "L:Lugoj L:Deta L:Mănăștur L:Uivar L:Szeged",
        );
        // Not a name that goes on with a verb after the place and its comma.
        check("In London, Wexley declined to comment.", "L:London");
    }

    #[test]
    fn takes_no_name_from_the_owner_of_a_day_or_from_things_named_like_people() {
        check(
            "She marked International Women's Day and St. Patrick's Day in Boston.",
            "L:Boston",
        );
        check(
            "Human Rights and Social Security were on the America First agenda of the Russian \
             Aerospace Force.",
            "O:Russian Aerospace Force",
        );
        check("DNA tests identified him, police in Ohio said.", "L:Ohio");
        // A body named by its head word alone is no place after "in".
        check(
            "The bill passed in Parliament. Floods hit Southwest China.",
            "L:Southwest China",
        );
    }

    #[test]
    fn keeps_a_romanian_body_and_its_town_apart() {
        check(
            "Institutul Polonez din București a lansat concursul, după Documentul de la Viena.",
            "O:Institutul Polonez L:Bucharest[București] L:Vienna[Viena]",
        );
    }

    #[test]
    fn merges_aliases_and_surnames() {
        check(
            "Anthony Blingen met Sergey Lavrov. Blinken said Lavrov's offer was late.",
            "P:Antony Blinken[Anthony Blingen|Blinken]x2 P:Sergei Lavrov[Lavrov|Sergey Lavrov]x2",
        );
        check(
            "Secretary of State Anthony J. Blingen spoke with Anthony Bling.",
            "P:Antony Blinken[Anthony Bling|Anthony J. Blingen]x2",
        );
        check(
            "Ambassador John Sullivan left. Sullivan said nothing.",
            "P:John Sullivan[Sullivan]x2",
        );
        check(
            "spokesman Nate Price said so, Price added.",
            "P:Nate Price[Price]x2",
        );
        check(
            "Zajarova and Maria Zakharova",
            "P:Maria Zakharova[Zajarova]x2",
        );
        check(
            "German Chancellor Olaf Scholes spoke. Scholes said no.",
            "P:Olaf Scholz[Olaf Scholes|Scholes]x2",
        );
    }

    #[test]
    fn keeps_people_sharing_a_surname_apart() {
        check(
            "Joe Biden defended his son Hunter Biden. Biden spoke.",
            "P:Joe Biden[Biden]x2 P:Hunter Biden",
        );
        check(
            "Presidents Putin and Biden talked.",
            "P:Vladimir Putin[Putin] P:Joe Biden[Biden]",
        );
        check(
            "Jason Stoltenberg beat Stoltenberg's rival.",
            "P:Jason Stoltenberg[Stoltenberg]x2",
        );
        check(
            "Phil Simmons took four. said Ann Smith.",
            "P:Phil Simmons P:Ann Smith",
        );
        check("Jan-April sales of Roman Catholic books", "");
    }

    #[test]
    fn classifies_unknown_names_by_rules() {
        check(
            "Russian Deputy Foreign Minister Alexander Khrushchev said",
            "P:Alexander Khrushchev",
        );
        check(
            "the German Defence Ministry said",
            "O:German Defence Ministry",
        );
        check("the Polish town of Redzikowo", "L:Redzikowo");
        check(
            "the Ministry of Agriculture of Ruritania said",
            "O:Ministry of Agriculture of Ruritania",
        );
        check("Moscow City Court ruled", "O:Moscow City Court");
        check("the Baltimore Orioles won", "O:Baltimore Orioles");
        check(
            "the Minsk Agreements, an agreement signed in Minsk",
            "L:Minskx2",
        );
        check("PAP / EPA / MARTIAL TREZZINI", "O:PAP O:EPA");
        check("Tomahawk missiles and Allied Powers", "");
    }

    #[test]
    fn classifies_sports_and_agency_names() {
        check(
            "PSV Eindhoven beat NEC Nijmegen",
            "O:PSV Eindhoven O:NEC Nijmegen",
        );
        check(
            "NEW YORK 72 53 .576 -\nBALTIMORE 67 58 .536 5\nwon in Baltimore",
            "O:NEW YORK O:Baltimorex2",
        );
        check(
            "1 - Pete Sampras ( U.S. ) vs. Adrian Voinea ( Romania ) and Jonas Bjorkman",
            "P:Pete Sampras P:Adrian Voinea P:Jonas Bjorkman L:United States[U.S.] L:Romania",
        );
        check("A. Stewart and D. Cox", "P:A. Stewart P:D. Cox");
        check("Sydney Newsroom 61 2", "O:Sydney Newsroom");
    }

    #[test]
    fn extends_organisations_into_their_place() {
        check(
            "fighting between the Patriotic Union of Kurdistan and the Kurdistan Democratic Party \
             of Iran",
            "O:Patriotic Union of Kurdistan O:Kurdistan Democratic Party of Iran",
        );
        check(
            "Kia Motor Corp of South Korea",
            "O:Kia Motor Corp L:South Korea",
        );
    }

    #[test]
    fn keeps_hyphenated_east_asian_given_names_whole() {
        check(
            "President Park Geun-hye said that Lee Jae-yong would meet Tsai Ing-wen.",
            "P:Park Geun-hye P:Lee Jae-yong P:Tsai Ing-wen",
        );
        check("Iran-backed militias and Paris-based firms", "");
        check(
            "his confidante-Choi Soon-sil-in a bid to win favours",
            "P:Choi Soon-sil",
        );
    }

    #[test]
    fn takes_names_ending_in_a_common_noun_for_things() {
        check(
            "celebrations before the New Year and Christmas Day were cancelled after World War \
             II began",
            "",
        );
        check(
            "a new Executive Order on the Dakota Access Pipeline and Operation Euphrates Shield",
            "",
        );
        check(
            "protesters gathered near City Hall and along Lake Oahe yesterday",
            "L:City Hall L:Lake Oahe",
        );
        check("the singer Jerry Hall spoke", "P:Jerry Hall");
    }

    #[test]
    fn takes_peoples_and_party_members_for_groups() {
        check(
            "the bill was opposed by Republican Sen. John McCain of Arizona on Tuesday",
            "P:John McCain L:Arizona",
        );
        check(
            "Conservative MP Anna Soubry said the vote would pass",
            "P:Anna Soubry",
        );
        check(
            "the decision angered North Koreans and many New Yorkers across the country",
            "",
        );
        check("thousands of Rohingya Muslims fled the violence", "");
    }

    #[test]
    fn leaves_out_names_that_lost_letters() {
        check(
            "The leader of Sinn F\u{FFFD}\u{FFFD}in, Mary Lou McDonald, met the Taoiseach, Enda \
             Kenny, in Dublin on Monday.",
            "P:Mary Lou McDonald P:Enda Kenny L:Dublin",
        );
    }

    #[test]
    fn names_a_site_of_a_listed_place_as_one_place() {
        check(
            "He died after being attacked at Kuala Lumpur International Airport on Monday.",
            "L:Kuala Lumpur International Airport",
        );
    }

    #[test]
    fn keeps_the_abbreviated_saint_in_a_name() {
        check(
            "The championships start this week in St. Moritz.",
            "L:St. Moritz",
        );
    }

    #[test]
    fn finds_german_and_indian_states() {
        check(
            "voters in North Rhine-Westphalia and Lower Saxony, like those in Uttar Pradesh and \
             the Far East, stayed home",
            "L:North Rhine-Westphalia L:Lower Saxony L:Uttar Pradesh L:Far East",
        );
    }

    #[test]
    fn ignores_page_furniture_flattened_into_the_text() {
        check(
            "the painting was shown in Tianjin last year. Photos Provided to the newspaper. The \
             Morning Email helps you start your workday. View Comments",
            "L:Tianjin",
        );
        check(
            "HuffPost Entertainment is your one-stop shop for celebrity news",
            "O:Huffington Post[HuffPost]",
        );
    }

    #[test]
    fn country_adjective_is_not_a_place() {
        check("the U.S.-led coalition and Paris-based firms", "");
        check("Russian troops near the Ukrainian border", "");
        check("Russia's troops in Ukraine", "L:Russia L:Ukraine");
        check(
            "pro-Russian separatists in Donetsk and Lugansk",
            "L:Donetsk L:Luhansk[Lugansk]",
        );
    }

    #[test]
    fn merges_organisation_descriptors() {
        check(
            "Russia’s Foreign Ministry said. The Foreign Ministry added.",
            "O:Russian Foreign Ministry[Foreign Ministry|Russia’s Foreign Ministry]x2",
        );
        check(
            "The Ministry of Foreign Affairs of the Russian Federation reports",
            "O:Russian Foreign Ministry[Ministry of Foreign Affairs of the Russian Federation]",
        );
        check(
            "US State Department and the Department of State",
            "O:US State Department[Department of State]x2",
        );
    }

    #[test]
    fn merges_russian_case_forms() {
        check(
            "Встреча в Москве. Сергея Лаврова ждали. Сергей Лавров прилетел в Россию.",
            "P:Sergei Lavrov[Сергей Лавров|Сергея Лаврова]x2 L:Moscow[Москве] L:Russia[Россию]",
        );
    }

    #[test]
    fn drops_russian_sentence_openers_and_genitives_before_names() {
        check(
            "Смерть Егора Свиридова. Позднее мэр Москвы Юрий Лужков выступил.",
            "P:Егора Свиридова P:Юрий Лужков L:Moscow[Москвы]",
        );
        check(
            "Глава ФИФА Зепп Блаттер заявил.",
            "P:Зепп Блаттер O:FIFA[ФИФА]",
        );
    }

    #[test]
    fn types_romanian_names_by_their_head_noun() {
        // A place noun opens a place, an event, law or building noun opens no person.
        check(
            "Turiștii au vizitat Valea Gurghiului și Peștera Urșilor.",
            "L:Valea Gurghiului L:Peștera Urșilor",
        );
        check(
            "Anunțul a apărut în Monitorul Oficial după Cupa Mondială.",
            "",
        );
        // Institutions that put the head noun first.
        check(
            "Ei au mers la Liceul Pedagogic, apoi la Teatrul Național.",
            "O:Liceul Pedagogic O:Teatrul Național",
        );
    }

    #[test]
    fn reads_la_as_a_place_preposition_in_romanian_only() {
        check("Au ajuns la Boiștea după prânz.", "L:Boiștea");
        // Spanish "la" is an article, mostly of organisations.
        check("Lo pidió la Administración ayer.", "O:Administración");
    }

    #[test]
    fn takes_a_city_after_the_spanish_masculine_article_as_its_club() {
        check(
            "Ayer el Valencia ganó al Barcelona en Madrid.",
            "O:Valencia O:Barcelona L:Madrid",
        );
        // Places whose Spanish name takes "el" stay places.
        check("Viajó al Perú y al Japón.", "L:Peru L:Japan[Japón]");
    }

    #[test]
    fn reads_schedule_lines_as_visitors_and_hosts() {
        check(
            "SCHEDULE\nOAKLAND AT BOSTON\nST LOUIS AT COLORADO\n",
            "O:OAKLAND O:ST LOUIS L:Boston L:Colorado",
        );
        // One such line without results lines is a headline, not a schedule.
        check("TROOPS AT GROZNY\n", "L:Grozny");
    }

    #[test]
    fn reads_draw_lines_without_digits() {
        // Title Case but for two parenthesised countries: a draw, not a headline.
        check(
            "Draw:\nMagnus Larsson ( Sweden ) vs. Alexander Volkov ( Russia )\n",
            "P:Magnus Larsson P:Alexander Volkov L:Sweden L:Russia",
        );
        // A leaderboard line that goes on from the one above, names set off by commas.
        check(
            "Scores:\nGreen , Jerry Kelly , Olin Browne , Shane Bortsch , Mike Hulbert\n",
            "P:Jerry Kelly P:Olin Browne P:Shane Bortsch P:Mike Hulbert",
        );
    }

    #[test]
    fn takes_a_name_ending_in_a_title_for_a_post() {
        check("The plan of the Agriculture Secretary was late.", "");
    }

    #[test]
    fn takes_a_name_described_as_an_organisation_for_one() {
        // A descriptor noun before the name, or a spokesman after it.
        check(
            "Shares were sold by the brokerage Kestrel Hollis.",
            "O:Kestrel Hollis",
        );
        check(
            "The plan was confirmed by a Velmora spokesman.",
            "O:Velmora",
        );
        // A country adjective names no organisation.
        check("The Zambian newspaper said so.", "");
        // A sentence's first word may be a common noun.
        check("Police spokeswoman Kim White said so.", "P:Kim White");
    }

    #[test]
    fn takes_a_name_before_a_cricket_total_for_a_team() {
        check(
            "Close of play.\nBarsetshire 312-6 declared ( T. Vane 88 not out ) .",
            "P:T. Vane O:Barsetshire",
        );
        // A batsman's score is followed by "not out"; no cricket, no team.
        check("Then Vane 88 not out , wickets fell .", "");
        check("Barsetshire 312-6 was the code .", "");
    }

    #[test]
    fn takes_a_name_after_a_riders_country_for_the_team() {
        check(
            "2. Pieter Brandvoort ( Belgium ) Zelkova 38:30.140",
            "P:Pieter Brandvoort O:Zelkova L:Belgium",
        );
    }

    #[test]
    fn reads_results_lines_with_scorers_and_countries() {
        check(
            "Rivermoor 1 ( Bantry 39th ) Coldharbour 2 ( Fenwick 82nd ) .",
            "P:Bantry P:Fenwick O:Rivermoor O:Coldharbour",
        );
        check(
            "Kelmscott ( Norway ) 2 Ardnagashel ( Ireland ) 1",
            "O:Kelmscott O:Ardnagashel L:Norway L:Ireland",
        );
        // A golfer's country and rounds: one name, not a team.
        check("Tomas Ravel ( Japan ) 81 70 72 75", "P:Tomas Ravel L:Japan");
    }

    #[test]
    fn takes_a_press_review_heading_for_a_newspaper() {
        check(
            "Leading stories in the press today.\nMORNING HERALDO\n- Taxes rise again .\n",
            "O:MORNING HERALDO",
        );
        // Not in a press review.
        check(
            "Stories today.\nMORNING HERALDO\n- Taxes rise again .\n",
            "",
        );
    }

    #[test]
    fn counts_the_letters_of_words_longer_than_a_block() {
        // Words and lines of millions of bytes, as the scan once packed its counts into 21
        // bits each; and words that run over several blocks of the scan.
        let capitals = "A".repeat(1 << 21);
        let digits = "7".repeat(1 << 22);
        let text = format!("{capitals} {digits} x");
        let SplitBody { words, lines, .. } = split_words(&text);
        assert_eq!(words.len(), 3);
        assert!(!words[0].plain, "a word of capitals is not plain");
        assert!(words[1].plain, "a word of digits has no capital");
        assert!(lines[0].capitals, "a line of capitals and digits");
        let text = format!("{}Q {}", "a".repeat(200), "b".repeat(130));
        let SplitBody { words, .. } = split_words(&text);
        assert_eq!(words.len(), 2);
        assert_eq!((words[0].end, words[0].plain), (201, false));
        assert_eq!((words[1].start, words[1].plain), (202, true));
    }

    // Elsewhere `classify_block` is the byte loop itself.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    proptest::proptest! {
        #[test]
        fn splits_words_alike_with_the_simd_classifier_and_the_byte_loop(
            pieces in proptest::collection::vec(
                proptest::sample::select(SPLIT_PIECES),
                0..200,
            ),
        ) {
            let text = pieces.concat();
            let simd = split_words(&text);
            let bytewise = split_words_with(&text, super::super::byte_class::classify_block_bytewise);
            proptest::prop_assert_eq!(simd, bytewise);
        }
    }

    /// Pieces of text for the word splitter: ASCII words and punctuation, accented Latin,
    /// Romanian, Cyrillic, apostrophes, hyphenated given names, line ends, replacement
    /// characters, and runs long enough to cross blocks.
    #[rustfmt::skip]
    const SPLIT_PIECES: &[&str] = &[
        " ", " ", " ", "  ", "\n", "\n\n", ", ", "(", ")", ".", "-", "'", "’", "'s", "’s", "\"",
        "the", "Minister", "said", "AND", "J.", "St.", "U.S.", "2024", "3rd", "iPhone", "O'Brien",
        "don't", "Ukraine’s", "Park Geun-hye", "Tsai Ing-wen", "Paris-based", "Geun-", "-hye",
        "José", "Müller", "ÉCOLE", "București", "Știri", "Москва", "ПУТИН", "é", "Ⅻ", "Ⓐ",
        "\u{FFFD}", "\u{FFFD}\u{FFFD}", "—", "“", "”", "\t", "\r\n", "x",
        "Abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        "see also", "Read more:", "1 - Pete Sampras ( U.S. ) vs. Adrian Voinea",
    ];

    #[test]
    fn lists_the_given_name_syllables_in_order() {
        // `given_name_syllable_after` searches the list by halves.
        assert!(GIVEN_NAME_SYLLABLES
            .windows(2)
            .all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn takes_spaced_initials_for_a_person() {
        check("El juez condenó a F. G. B. a seis años.", "P:F. G. B.");
        // Unspaced initials are abbreviations.
        check("Trenton, N.J. and the F.B.I. agreed.", "L:New Jersey[N.J.]");
    }

    #[test]
    fn keeps_a_place_inside_a_longer_spanish_name() {
        check(
            "Ayer habló la Escuela de Policía de Madrid.",
            "O:Escuela de Policía de Madrid",
        );
        check("Jugaron en el Estadio de Lisboa.", "L:Estadio de Lisboa");
        // Neither organisation nor place: nothing rather than the place alone.
        check("Ganó la Copa de Europa.", "");
        // An acronym's branch in a place stays two names.
        check("Lo dijo el PP de Madrid.", "L:Madrid");
    }

    #[test]
    fn takes_a_given_name_before_a_town_for_a_person() {
        check(
            "El técnico Francisco Salamanca llegó a Granada.",
            "P:Francisco Salamanca L:Granada",
        );
        check(
            "Firmó la concejala María Eugenia Salamanca.",
            "P:María Eugenia Salamanca",
        );
    }

    #[test]
    fn takes_a_bare_name_opening_a_spanish_sentence_with_a_preterite_for_a_person() {
        check(
            "Ferrándiz calificó de lamentables las cifras.",
            "P:Ferrándiz",
        );
        // An article before it makes it no person.
        check("El Ferrándiz calificó de lamentables las cifras.", "");
    }

    #[test]
    fn takes_capitalised_words_the_article_writes_in_lowercase_for_no_person() {
        check(
            "Los atletas becados por Solidaridad Olímpica viajan. Las pruebas olímpicas empiezan.",
            "",
        );
        check(
            "Los atletas becados por Matilde Fernández viajan. Las pruebas empiezan.",
            "P:Matilde Fernández",
        );
    }

    #[test]
    fn takes_a_speaking_word_written_in_lowercase_elsewhere_for_no_person() {
        check(
            "Hacienda anunció ayer nuevas medidas. La hacienda pública crece.",
            "",
        );
        check("Ferrándiz anunció ayer nuevas medidas.", "P:Ferrándiz");
    }

    #[test]
    fn takes_a_name_ending_in_a_business_word_for_a_company() {
        check("Shares of Harlow Brothers rose.", "O:Harlow Brothers");
    }

    #[test]
    fn takes_the_name_opening_a_scorers_line_for_the_team() {
        check(
            "Scorers:\nRivermoor - Tom Bantry ( 10th ) , Ian Fenwick ( 72nd )\n",
            "P:Tom Bantry P:Ian Fenwick O:Rivermoor",
        );
    }

    #[test]
    fn finds_every_sovereign_state() {
        check(
            "Aid went to Mozambique, Nepal and Zaire.",
            "L:Mozambique L:Nepal L:Democratic Republic of the Congo[Zaire]",
        );
    }

    #[test]
    fn reads_state_abbreviations_of_datelines() {
        check(
            "The fair opened in Trenton, N.J. on Friday.",
            "L:Trenton L:New Jersey[N.J.]",
        );
    }

    #[test]
    fn finds_famous_sports_grounds() {
        check(
            "They batted at The Oval and Headingley.",
            "L:The Oval L:Headingley",
        );
    }

    #[test]
    fn strips_religious_titles() {
        check("Bishop Desmond Tutu spoke.", "P:Desmond Tutu");
    }

    #[test]
    fn takes_a_word_before_the_minute_of_a_goal_for_the_scorer() {
        check(
            "The goals came late ( Samson 24th , Vairelles 88th ) .",
            "P:Samson P:Vairelles",
        );
    }

    #[test]
    fn takes_the_sides_of_a_fixture_for_teams() {
        check(
            "English division one - West Bromwich v Sheffield United .",
            "O:West Bromwich O:Sheffield United",
        );
        check(
            "The fans waited while Bury v Port Vale was played.",
            "O:Bury O:Port Vale",
        );
    }

    #[test]
    fn takes_club_abbreviations_as_organisations() {
        check(
            "Meciul dintre F.C. Farul și C.S.M. Lugoj s-a terminat.",
            "O:F.C. Farul O:C.S.M. Lugoj",
        );
    }

    #[test]
    fn ignores_related_story_links() {
        check(
            "Talks in Kyiv.\n\nSee also  Georgia to buy weapons from Beijing\n\nMore in Kiev.",
            "L:Kyiv[Kiev]x2",
        );
    }
}
