//! Finds the dates an article body mentions and the article's own publication date. Explicit
//! dates are read in English, Russian, German, Spanish and French ("February 12", "12 February
//! 2022", "5 марта 2024", "12 de febrero", "12. Februar", ISO and "12.02.2022"). Year-less dates
//! take the year that puts them closest to the publication date (not after it when the sentence
//! speaks of the past); with no publication date, closest to an explicitly dated mention in the
//! same article, else they are left out. Relative dates ("on Tuesday", "tomorrow") are resolved
//! against the publication date only, never a crawl date. Knows nothing of names.

use std::sync::OnceLock;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{Anchored, Match, MatchKind, StartKind};
use jiff::civil::{Date, Weekday};
use jiff::ToSpan;
use rustc_hash::FxHashMap;

use super::byte_class::{classify_block, ByteClass, BLOCK_LEN, BYTE_CLASSES};
use super::DateMention;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Keyword {
    /// A month name; English names must be capitalised ("may" is a verb), abbreviations need a
    /// day beside them.
    Month {
        month: i8,
        english: bool,
        abbreviation: bool,
    },
    Weekday {
        weekday: Weekday,
        language: &'static str,
    },
    /// Days relative to publication: -1 yesterday, 0 today, 1 tomorrow.
    Relative { days: i8, language: &'static str },
    /// "of this month" (0) / "of last month" (-1) after an ordinal day.
    OfMonth { months: i8 },
}

#[rustfmt::skip]
const MONTHS: &[(&str, i8)] = &[
    ("january", 1), ("february", 2), ("march", 3), ("april", 4), ("may", 5), ("june", 6),
    ("july", 7), ("august", 8), ("september", 9), ("october", 10), ("november", 11),
    ("december", 12),
];
#[rustfmt::skip]
const MONTH_ABBREVIATIONS: &[(&str, i8)] = &[
    ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("jun", 6), ("jul", 7), ("aug", 8), ("sep", 9),
    ("sept", 9), ("oct", 10), ("nov", 11), ("dec", 12),
];
/// Whether `word` (lowercase) is an English month's abbreviation ("feb", "sept").
pub(crate) fn is_month_abbreviation(word: &str) -> bool {
    MONTH_ABBREVIATIONS
        .iter()
        .any(|&(abbreviation, _)| abbreviation == word)
}

/// Russian (genitive, nominative, prepositional), German, Spanish and French month names.
#[rustfmt::skip]
const FOREIGN_MONTHS: &[(&str, i8)] = &[
    ("января", 1), ("февраля", 2), ("марта", 3), ("апреля", 4), ("мая", 5), ("июня", 6),
    ("июля", 7), ("августа", 8), ("сентября", 9), ("октября", 10), ("ноября", 11), ("декабря", 12),
    ("январь", 1), ("февраль", 2), ("март", 3), ("апрель", 4), ("май", 5), ("июнь", 6),
    ("июль", 7), ("август", 8), ("сентябрь", 9), ("октябрь", 10), ("ноябрь", 11), ("декабрь", 12),
    ("январе", 1), ("феврале", 2), ("марте", 3), ("апреле", 4), ("мае", 5), ("июне", 6),
    ("июле", 7), ("августе", 8), ("сентябре", 9), ("октябре", 10), ("ноябре", 11), ("декабре", 12),
    ("januar", 1), ("jänner", 1), ("februar", 2), ("märz", 3), ("mai", 5), ("juni", 6),
    ("juli", 7), ("oktober", 10), ("dezember", 12), ("enero", 1), ("febrero", 2), ("marzo", 3),
    ("abril", 4), ("mayo", 5), ("junio", 6), ("julio", 7), ("agosto", 8), ("septiembre", 9),
    ("setiembre", 9), ("octubre", 10), ("noviembre", 11), ("diciembre", 12), ("janvier", 1),
    ("février", 2), ("mars", 3), ("avril", 4), ("juin", 6), ("juillet", 7), ("août", 8),
    ("septembre", 9), ("octobre", 10), ("novembre", 11), ("décembre", 12),
];
#[rustfmt::skip]
const WEEKDAYS: &[(&str, Weekday, &str)] = &[
    ("monday", Weekday::Monday, "en"), ("tuesday", Weekday::Tuesday, "en"),
    ("wednesday", Weekday::Wednesday, "en"), ("thursday", Weekday::Thursday, "en"),
    ("friday", Weekday::Friday, "en"), ("saturday", Weekday::Saturday, "en"),
    ("sunday", Weekday::Sunday, "en"), ("понедельник", Weekday::Monday, "ru"),
    ("вторник", Weekday::Tuesday, "ru"), ("среду", Weekday::Wednesday, "ru"),
    ("среда", Weekday::Wednesday, "ru"), ("четверг", Weekday::Thursday, "ru"),
    ("пятницу", Weekday::Friday, "ru"), ("пятница", Weekday::Friday, "ru"),
    ("субботу", Weekday::Saturday, "ru"), ("суббота", Weekday::Saturday, "ru"),
    ("воскресенье", Weekday::Sunday, "ru"), ("montag", Weekday::Monday, "de"),
    ("dienstag", Weekday::Tuesday, "de"), ("mittwoch", Weekday::Wednesday, "de"),
    ("donnerstag", Weekday::Thursday, "de"), ("freitag", Weekday::Friday, "de"),
    ("samstag", Weekday::Saturday, "de"), ("sonntag", Weekday::Sunday, "de"),
    ("lunes", Weekday::Monday, "es"), ("martes", Weekday::Tuesday, "es"),
    ("miércoles", Weekday::Wednesday, "es"), ("jueves", Weekday::Thursday, "es"),
    ("viernes", Weekday::Friday, "es"), ("sábado", Weekday::Saturday, "es"),
    ("domingo", Weekday::Sunday, "es"), ("lundi", Weekday::Monday, "fr"),
    ("mardi", Weekday::Tuesday, "fr"), ("mercredi", Weekday::Wednesday, "fr"),
    ("jeudi", Weekday::Thursday, "fr"), ("vendredi", Weekday::Friday, "fr"),
    ("samedi", Weekday::Saturday, "fr"), ("dimanche", Weekday::Sunday, "fr"),
];
#[rustfmt::skip]
const RELATIVE_DAYS: &[(&str, i8, &str)] = &[
    ("yesterday", -1, "en"), ("today", 0, "en"), ("tomorrow", 1, "en"), ("вчера", -1, "ru"),
    ("сегодня", 0, "ru"), ("завтра", 1, "ru"), ("gestern", -1, "de"), ("heute", 0, "de"),
    ("morgen", 1, "de"), ("ayer", -1, "es"), ("hoy", 0, "es"), ("mañana", 1, "es"),
    ("hier", -1, "fr"), ("aujourd'hui", 0, "fr"), ("demain", 1, "fr"),
];

/// Words directly before a bare month or year that make it a date ("in January", "since 2014").
#[rustfmt::skip]
const DATE_PREPOSITIONS: &[&str] = &[
    "in", "since", "of", "until", "by", "during", "early", "late", "mid", "after", "before",
    "from", "im", "seit", "en", "desde", "depuis", "в", "с", "до",
];
/// Words that put a sentence in the future; the nearest marker decides a year-less date's year
/// and a weekday's week. "may" and "might" look ahead (measured on news-articles-en: of 14
/// articles whose dates they changed, 10 were right after and wrong before, 3 the reverse);
/// "could", "can" and "must" were wrong as often as right ("could be seen Friday").
#[rustfmt::skip]
const FUTURE_MARKERS: &[&str] = &[
    "will", "shall", "going", "scheduled", "expected", "plans", "plan", "planned", "next",
    "upcoming", "tomorrow", "ll", "may", "might",
];
#[rustfmt::skip]
const PAST_MARKERS: &[&str] = &[
    "said", "was", "were", "had", "did", "held", "met", "spoke", "told", "sent", "made", "took",
    "gave", "came", "went", "saw", "found", "began", "left", "wrote", "ago", "last", "yesterday",
    "earlier", "became", "led", "won", "lost", "fell", "rose", "got", "ran", "grew", "knew",
    "thought", "brought", "bought", "paid", "sold", "kept", "stood", "chose", "fought", "caught",
    "built", "spent", "felt", "heard", "struck", "broke", "flew", "drew", "threw", "shot",
];

/// The date keywords as one automaton, searched only at word starts (see [`scan_words`]).
struct DateKeywords {
    /// Leftmost-longest, ASCII case-insensitive, anchored searches only. It is walked state
    /// by state (see [`search_word_start`]), which the concrete DFA type allows.
    automaton: aho_corasick::dfa::DFA,
    /// The state `automaton` starts its anchored searches in.
    anchored_start: StateID,
    /// What each pattern of `automaton` means, by pattern index.
    kinds: Vec<Keyword>,
    /// A filter over the first four bytes of a word (see [`start_key`]), with one bit set
    /// for the start of each keyword in each of two bit sets (see [`start_filter_bits`]). A
    /// word whose key misses a bit in either set starts no keyword that can make a mention. It
    /// turns away all but about one word in fifty of news-articles-en, most of the rest being
    /// real keyword starts ("of th", "month"), before the automaton runs. Fixed-size arrays,
    /// so that a lookup needs no bounds check.
    start_filter: [BitSet; 2],
}

impl DateKeywords {
    /// Whether a keyword that can make a mention may start with the bytes whose
    /// [`start_key`] is `key`.
    #[inline(always)]
    fn may_start_with(&self, key: u32) -> bool {
        let [first_bit, second_bit] = start_filter_bits(key);
        has_bit(&self.start_filter[0], first_bit) && has_bit(&self.start_filter[1], second_bit)
    }
}

/// One bit for each value of a `u16`.
type BitSet = [u64; 65536 / 64];

#[inline(always)]
fn has_bit(bits: &[u64], bit: usize) -> bool {
    bits[bit / 64] & (1 << (bit % 64)) != 0
}

/// The first four bytes of a word as one integer, with bit 5 of every byte set. Setting it
/// folds ASCII capitals onto lowercase letters, so a keyword's start in any ASCII case has one
/// key, as the automaton ignores ASCII case; other bytes may fold onto each other, which only
/// lets a few more words through.
#[inline(always)]
fn start_key(first_bytes: [u8; 4]) -> u32 {
    u32::from_le_bytes(first_bytes) | 0x2020_2020
}

/// The bits of `key` in the two bit sets of the start filter: the top 16 bits of two
/// multiplicative hashes. Over the words of news-articles-en, two bits let through about two
/// thousand words that start no keyword, where one bit in a set of twice the size let through
/// fourteen thousand. The multiplications are 32-bit, whose factor fits in the instruction;
/// the second is done only for the few words that pass the first bit.
#[inline(always)]
fn start_filter_bits(key: u32) -> [usize; 2] {
    [
        start_filter_bit(key, 0x9e37_79b1),
        start_filter_bit(key, 0x85eb_ca77),
    ]
}

#[inline(always)]
fn start_filter_bit(key: u32, factor: u32) -> usize {
    (key.wrapping_mul(factor) >> 16) as usize
}

/// The keys ([`start_key`]) a word may have when it starts with `keyword` and the keyword can
/// make a mention.
///
/// A keyword of four bytes or more has the key of its first four bytes. A three-byte keyword
/// makes a mention only when no letter or digit follows it (`raw_mentions` drops it
/// otherwise), so its key ends in every byte that is not an ASCII letter or digit: a byte of a
/// non-ASCII character counts, as the character may be a dash or a quote, and so does the zero
/// byte that stands for the text's end.
fn start_keys(keyword: &str) -> Vec<u32> {
    match *keyword.as_bytes() {
        [first, second, third, fourth, ..] => vec![start_key([first, second, third, fourth])],
        [first, second, third] => (0..=u8::MAX)
            .filter(|fourth| !fourth.is_ascii_alphanumeric())
            .map(|fourth| start_key([first, second, third, fourth]))
            .collect(),
        _ => panic!("date keyword {keyword:?} is shorter than three bytes"),
    }
}

/// Every date keyword with its meaning, in pattern order.
fn keyword_patterns() -> (Vec<&'static str>, Vec<Keyword>) {
    let mut texts: Vec<&'static str> = Vec::new();
    let mut kinds = Vec::new();
    let month_lists = [
        (MONTHS, true, false),
        (MONTH_ABBREVIATIONS, true, true),
        (FOREIGN_MONTHS, false, false),
    ];
    for (list, english, abbreviation) in month_lists {
        for &(name, month) in list {
            texts.push(name);
            kinds.push(Keyword::Month {
                month,
                english,
                abbreviation,
            });
        }
    }
    for &(name, weekday, language) in WEEKDAYS {
        texts.push(name);
        kinds.push(Keyword::Weekday { weekday, language });
    }
    for &(name, days, language) in RELATIVE_DAYS {
        texts.push(name);
        kinds.push(Keyword::Relative { days, language });
    }
    texts.push("of this month");
    kinds.push(Keyword::OfMonth { months: 0 });
    texts.push("of last month");
    kinds.push(Keyword::OfMonth { months: -1 });
    (texts, kinds)
}

fn keywords() -> &'static DateKeywords {
    static KEYWORDS: OnceLock<DateKeywords> = OnceLock::new();
    KEYWORDS.get_or_init(|| {
        let (texts, kinds) = keyword_patterns();
        let automaton = aho_corasick::dfa::DFA::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .start_kind(StartKind::Anchored)
            .build(&texts)
            .expect("the date keywords are a fixed, valid pattern set");
        let mut start_filter = [[0u64; 65536 / 64]; 2];
        for key in texts.iter().flat_map(|text| start_keys(text)) {
            for (bits, bit) in start_filter.iter_mut().zip(start_filter_bits(key)) {
                bits[bit / 64] |= 1 << (bit % 64);
            }
        }
        let anchored_start = automaton
            .start_state(Anchored::Yes)
            .expect("the date keyword automaton is built for anchored searches");
        DateKeywords {
            automaton,
            anchored_start,
            kinds,
            start_filter,
        }
    })
}

/// Where the words of a text start, as far as dates care.
struct WordStarts {
    /// The longest keyword match at each word start (the text start, or after a character
    /// that is not alphanumeric), left to right, leaving out some that cannot make a mention
    /// (see [`start_keys`]).
    keyword_matches: Vec<Match>,
    /// The word starts that are an ASCII digit not right after a full stop or comma, left to
    /// right: where a numeric date may start.
    number_starts: Vec<usize>,
}

/// A block and the bytes after it that the keys of its word starts read.
const WINDOW_LEN: usize = BLOCK_LEN + 4;

/// Finds the word starts of `text`: keyword matches and possible numbers.
///
/// The keyword matches are those one unanchored leftmost-longest scan finds at word starts
/// and that can make a mention. That scan would run the automaton over every byte, and most of
/// its matches would lie inside words ("mar" in "summary"), only to be dropped. The two could
/// differ only where a match hides a later one that starts inside it, at a word start. Inside
/// a keyword the only word starts follow the spaces of "of this month" / "of last month" and the
/// apostrophe of "aujourd'hui", and no keyword starts with "this", "last", "month" or "hui";
/// the tests `no_keyword_starts_at_a_word_start_inside_another` and
/// `word_scan_equals_unanchored_scan` hold this.
///
/// The text is classified a block of [`BLOCK_LEN`] bytes at a time into bit masks (see
/// [`classify_block`]), so that only the word starts are visited, and of those only the ones
/// whose first four bytes pass the keywords' start filter meet the automaton.
fn scan_words(text: &str, keywords: &DateKeywords) -> WordStarts {
    let bytes = text.as_bytes();
    let mut starts = WordStarts {
        keyword_matches: Vec::new(),
        number_starts: Vec::new(),
    };
    // Whether the byte before the block is not an ASCII letter or digit; the text start
    // counts as such a byte.
    let mut after_non_alphanumeric = 1;
    let mut block_start = 0;
    while let Some(window) = bytes.get(block_start..block_start + WINDOW_LEN) {
        let window: &[u8; WINDOW_LEN] = window.try_into().expect("the window has its length");
        let scan = BlockScan {
            text,
            window,
            block_start,
            n_bytes: BLOCK_LEN,
        };
        after_non_alphanumeric = scan.run(keywords, after_non_alphanumeric, &mut starts);
        block_start += BLOCK_LEN;
    }
    // The last bytes are copied into a window padded with zero bytes, which read as the end of
    // the text to the start filter.
    while block_start < bytes.len() {
        let rest = &bytes[block_start..bytes.len().min(block_start + WINDOW_LEN)];
        let mut window = [0; WINDOW_LEN];
        window[..rest.len()].copy_from_slice(rest);
        let scan = BlockScan {
            text,
            window: &window,
            block_start,
            n_bytes: rest.len().min(BLOCK_LEN),
        };
        after_non_alphanumeric = scan.run(keywords, after_non_alphanumeric, &mut starts);
        block_start += BLOCK_LEN;
    }
    starts
}

/// One block of [`scan_words`].
struct BlockScan<'a> {
    text: &'a str,
    /// The block's bytes and the next four, zero past the text's end.
    window: &'a [u8; WINDOW_LEN],
    /// Where the block starts in `text`.
    block_start: usize,
    /// How many bytes of the block are in `text`.
    n_bytes: usize,
}

impl BlockScan<'_> {
    /// Adds the block's word starts to `starts`. `after_non_alphanumeric` is 1 when the byte
    /// before the block is not an ASCII letter or digit, else 0; returns the same for the next
    /// block.
    // Inlined into both loops of `scan_words`, so that the bit masks stay in registers.
    #[inline(always)]
    fn run(
        &self,
        keywords: &DateKeywords,
        after_non_alphanumeric: u64,
        starts: &mut WordStarts,
    ) -> u64 {
        let block: &[u8; BLOCK_LEN] = self.window[..BLOCK_LEN]
            .try_into()
            .expect("a window starts with a block");
        let classes = classify_block(block);
        let non_alphanumeric = !classes.alphanumeric;
        let in_text = u64::MAX >> (BLOCK_LEN - self.n_bytes);
        // Bit i is set when byte i follows a byte that is not an ASCII letter or digit. A
        // non-ASCII byte may end a word; `search_word_start` checks its character.
        let word_starts = (non_alphanumeric << 1 | after_non_alphanumeric) & in_text;
        // Every keyword starts with an ASCII letter or a non-ASCII character.
        let mut keyword_starts = word_starts & classes.letters_or_non_ascii;
        while keyword_starts != 0 {
            let offset = keyword_starts.trailing_zeros() as usize;
            keyword_starts &= keyword_starts - 1;
            let first_bytes = self.window[offset..offset + 4]
                .try_into()
                .expect("the window holds four bytes after each byte of its block");
            if keywords.may_start_with(start_key(first_bytes)) {
                let idx = self.block_start + offset;
                search_word_start(self.text, keywords, idx, &mut starts.keyword_matches);
            }
        }
        let mut number_starts = word_starts & classes.alphanumeric & !classes.letters_or_non_ascii;
        while number_starts != 0 {
            let idx = self.block_start + number_starts.trailing_zeros() as usize;
            number_starts &= number_starts - 1;
            if idx == 0 || !matches!(self.text.as_bytes()[idx - 1], b'.' | b',') {
                starts.number_starts.push(idx);
            }
        }
        non_alphanumeric >> (BLOCK_LEN - 1)
    }
}

/// Pushes the longest keyword match starting at `idx` onto `found`, if `idx` starts a word
/// (the byte before it may end one); [`scan_words`] calls it where the first bytes fit a keyword.
#[inline(never)]
fn search_word_start(text: &str, keywords: &DateKeywords, idx: usize, found: &mut Vec<Match>) {
    let bytes = text.as_bytes();
    // After a non-ASCII byte, `idx` may lie inside a character, where no keyword starts, or
    // follow a letter.
    if idx > 0
        && !bytes[idx - 1].is_ascii()
        && (!text.is_char_boundary(idx)
            || char_before(text, idx).is_some_and(char::is_alphanumeric))
    {
        return;
    }
    // "of the" passes the start filter (as "of this month" and "of last month" start with
    // "of t"), about fifteen thousand times in news-articles-en. Those two are the only
    // keywords with a space as their third byte (`no_keyword_but_of_month_has_a_third_space`),
    // so a word after such a space other than "this" or "last" ends the search here, for less
    // than the automaton's setup.
    if bytes.get(idx + 2) == Some(&b' ') {
        let next_word = bytes.get(idx + 3..idx + 8).unwrap_or_default();
        if !(next_word.eq_ignore_ascii_case(b"this ") || next_word.eq_ignore_ascii_case(b"last ")) {
            return;
        }
    }
    // The automaton is walked here rather than through `try_find`, whose setup cost more
    // than the few transitions a word takes (about 130 instructions a call). The walk is the
    // library's own for leftmost-longest anchored searches: the longest match seen until the
    // automaton dies wins. No keyword is
    // empty, so the start state is no match.
    let automaton = &keywords.automaton;
    let mut state = keywords.anchored_start;
    let mut longest = None;
    for (offset, &byte) in bytes[idx..].iter().enumerate() {
        state = automaton.next_state(Anchored::Yes, state, byte);
        if !automaton.is_special(state) {
            continue;
        }
        if automaton.is_dead(state) {
            break;
        }
        if automaton.is_match(state) {
            let end = idx + offset + 1;
            let pattern = automaton.match_pattern(state, 0);
            // A match state also lists keywords that start after `idx` (the automaton shares
            // its states with unanchored searches); those do not count.
            if end - automaton.pattern_len(pattern) == idx {
                longest = Some(Match::new(pattern, idx..end));
            }
        }
    }
    found.extend(longest);
}

/// What a date mention says before it is placed on the calendar.
#[derive(Debug, Clone, Copy, PartialEq)]
enum RawDate {
    Full(Date),
    MonthOfYear { year: i16, month: i8 },
    Year(i16),
    DayOfMonth { month: i8, day: i8 },
    Month(i8),
    Weekday { weekday: Weekday, shift: i8 },
    Relative(i8),
    DayOfPublicationMonth { day: i8, months: i8 },
}

#[derive(Debug, Clone, Copy)]
struct RawMention {
    raw: RawDate,
    span: (usize, usize),
}

fn char_before(text: &str, idx: usize) -> Option<char> {
    text[..idx].chars().next_back()
}

fn char_after(text: &str, idx: usize) -> Option<char> {
    text[idx..].chars().next()
}

/// Parses 1-2 digits (a day) at the start of `text`, with an optional ordinal suffix; returns
/// the day and the bytes consumed.
fn day_at(text: &str) -> Option<(i8, usize)> {
    let n_digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if n_digits == 0 || n_digits > 2 {
        return None;
    }
    let day: i8 = text[..n_digits].parse().ok()?;
    let mut used = n_digits;
    for suffix in ["st", "nd", "rd", "th", "er"] {
        if text[used..].starts_with(suffix) {
            used += suffix.len();
            break;
        }
    }
    if char_after(text, used).is_some_and(char::is_alphanumeric) || !(1..=31).contains(&day) {
        return None;
    }
    Some((day, used))
}

/// Parses a 4-digit year (1900-2100) at the start of `text`; returns it and the bytes consumed.
fn year_at(text: &str) -> Option<(i16, usize)> {
    let n_digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if n_digits != 4 || char_after(text, 4).is_some_and(char::is_alphanumeric) {
        return None;
    }
    let year: i16 = text[..4].parse().ok()?;
    (1900..=2100).contains(&year).then_some((year, 4))
}

/// A day written before a month: "12 ", "12. ", "21st of ", "12 de ". Returns day and start.
fn day_before(text: &str, month_start: usize) -> Option<(i8, usize)> {
    let before = &text[..month_start];
    let mut trimmed = before.trim_end_matches(' ');
    for joiner in [" de", " of", "."] {
        if let Some(shorter) = trimmed.strip_suffix(joiner) {
            trimmed = shorter.trim_end_matches(' ');
            break;
        }
    }
    if trimmed.len() == before.len() && !before.ends_with('.') {
        return None;
    }
    let word_start = trimmed
        .char_indices()
        .rev()
        .take_while(|(_, ch)| ch.is_alphanumeric())
        .last()
        .map(|(idx, _)| idx)?;
    let (day, used) = day_at(&trimmed[word_start..])?;
    (word_start + used == trimmed.len()).then_some((day, word_start))
}

/// The word that ends right before `idx` (skipping spaces), lowercased, and where it starts.
fn previous_word(text: &str, idx: usize) -> (LoweredWord, usize) {
    let trimmed = text[..idx].trim_end();
    let start = trimmed
        .char_indices()
        .rev()
        .take_while(|(_, ch)| ch.is_alphabetic())
        .last()
        .map(|(idx, _)| idx)
        .unwrap_or(trimmed.len());
    (LoweredWord::new(&trimmed[start..]), start)
}

/// A word lowercased into a buffer on the stack, as [`previous_word`] gives it: the word
/// before a date is looked up in short lists ("in", "since", "last"), and lowercasing it into
/// a `String` cost an allocation each time.
///
/// A word whose lowercase form is longer than the buffer reads as empty. The lists hold no
/// empty word and none so long, so it matches none of them, as the whole lowercase word
/// would not.
struct LoweredWord {
    bytes: [u8; 16],
    len: usize,
}

impl LoweredWord {
    fn new(word: &str) -> Self {
        let mut lowered = LoweredWord {
            bytes: [0; 16],
            len: 0,
        };
        if word.is_ascii() {
            if let Some(slot) = lowered.bytes.get_mut(..word.len()) {
                slot.copy_from_slice(word.as_bytes());
                slot.make_ascii_lowercase();
                lowered.len = word.len();
            }
            return lowered;
        }
        // Lowercasing character by character differs from `str::to_lowercase` only for a
        // final capital sigma, and no list word holds a sigma of either form.
        for lower in word.chars().flat_map(char::to_lowercase) {
            let Some(slot) = lowered
                .bytes
                .get_mut(lowered.len..lowered.len + lower.len_utf8())
            else {
                lowered.len = 0;
                break;
            };
            lower.encode_utf8(slot);
            lowered.len += lower.len_utf8();
        }
        lowered
    }

    fn is(&self, word: &str) -> bool {
        &self.bytes[..self.len] == word.as_bytes()
    }

    fn is_one_of(&self, words: &[&str]) -> bool {
        words.iter().any(|word| self.is(word))
    }
}

fn raw_mentions(text: &str, language: &str) -> Vec<RawMention> {
    let keywords = keywords();
    let mut mentions: Vec<RawMention> = Vec::new();
    let word_starts = scan_words(text, keywords);
    for found in word_starts.keyword_matches {
        let (start, end) = (found.start(), found.end());
        if !text.is_char_boundary(end) || char_after(text, end).is_some_and(char::is_alphanumeric) {
            continue;
        }
        if mentions.last().is_some_and(|last| start < last.span.1) {
            continue;
        }
        let first_upper = char_after(text, start).is_some_and(char::is_uppercase);
        match keywords.kinds[found.pattern().as_usize()] {
            Keyword::Month {
                month,
                english,
                abbreviation,
            } => {
                if english && !first_upper {
                    continue;
                }
                let mut after = end;
                if abbreviation && text[after..].starts_with('.') {
                    after += 1;
                }
                let rest = &text[after..];
                let day_after = {
                    let spaced = rest.trim_start_matches(' ');
                    let skipped = rest.len() - spaced.len();
                    (skipped > 0)
                        .then(|| day_at(spaced).map(|(day, used)| (day, after + skipped + used)))
                        .flatten()
                };
                let (day, span_start, mut span_end) = match (day_before(text, start), day_after) {
                    (Some((day, day_start)), _) => (Some(day), day_start, after),
                    (None, Some((day, day_end))) => (Some(day), start, day_end),
                    (None, None) => (None, start, after),
                };
                // A year may follow: "12 February 2022", "January 31, 2022", "de febrero de 2022".
                let tail = &text[span_end..];
                let mut year = None;
                for joiner in [", ", " ", " de ", ". "] {
                    if let Some(candidate) = tail.strip_prefix(joiner) {
                        if let Some((found_year, used)) = year_at(candidate) {
                            year = Some(found_year);
                            span_end += joiner.len() + used;
                            break;
                        }
                    }
                }
                let raw = match (day, year) {
                    (Some(day), Some(year)) => match Date::new(year, month, day) {
                        Ok(date) => RawDate::Full(date),
                        Err(_) => continue,
                    },
                    (Some(day), None) => RawDate::DayOfMonth { month, day },
                    (None, Some(year)) if !abbreviation => RawDate::MonthOfYear { year, month },
                    (None, None) if !abbreviation => {
                        let (word, _) = previous_word(text, start);
                        let needs_in = month == 5 && english;
                        if !(word.is_one_of(DATE_PREPOSITIONS) && (!needs_in || word.is("in"))) {
                            continue;
                        }
                        RawDate::Month(month)
                    }
                    _ => continue,
                };
                mentions.push(RawMention {
                    raw,
                    span: (span_start, span_end),
                });
            }
            Keyword::Weekday {
                weekday,
                language: keyword_language,
            } => {
                if keyword_language != language || (keyword_language == "en" && !first_upper) {
                    continue;
                }
                let (word, word_start) = previous_word(text, start);
                let (shift, span_start) = if word.is("last") {
                    (-1, word_start)
                } else if word.is("next") {
                    (1, word_start)
                } else if word.is_one_of(&["on", "this", "since", "until", "later", "earlier"]) {
                    (0, word_start)
                } else {
                    (0, start)
                };
                mentions.push(RawMention {
                    raw: RawDate::Weekday { weekday, shift },
                    span: (span_start, end),
                });
            }
            Keyword::Relative {
                days,
                language: keyword_language,
            } => {
                let lowercase_only = keyword_language == "de" || keyword_language == "es";
                if keyword_language != language
                    || (lowercase_only && first_upper)
                    || text[end..].starts_with(':')
                    || (keyword_language == "es"
                        && previous_word(text, start)
                            .0
                            .is_one_of(&["la", "esta", "por"]))
                {
                    continue;
                }
                mentions.push(RawMention {
                    raw: RawDate::Relative(days),
                    span: (start, end),
                });
            }
            Keyword::OfMonth { months } => {
                let before = text[..start].trim_end();
                let Some(number_start) = before
                    .rfind(|ch: char| !ch.is_alphanumeric())
                    .map(|idx| idx + 1)
                else {
                    continue;
                };
                let Some((day, used)) = day_at(&before[number_start..]) else {
                    continue;
                };
                if number_start + used != before.len() {
                    continue;
                }
                let (word, word_start) = previous_word(text, number_start);
                let span_start = if word.is("the") {
                    word_start
                } else {
                    number_start
                };
                mentions.push(RawMention {
                    raw: RawDate::DayOfPublicationMonth { day, months },
                    span: (span_start, end),
                });
            }
        }
    }
    numeric_mentions(text, &word_starts.number_starts, &mut mentions);
    mentions.sort_by_key(|mention| mention.span);
    mentions
}

/// ISO dates, "12.02.2022" dates and bare years after a preposition ("after 1997"), read at
/// the `number_starts` of [`WordStarts`]. The mentions found so far are keyword ones, which
/// hide the numbers inside them.
fn numeric_mentions(text: &str, number_starts: &[usize], mentions: &mut Vec<RawMention>) {
    let bytes = text.as_bytes();
    let n_keyword_mentions = mentions.len();
    // Where the last number read ends; a start before it lies inside that number.
    let mut read_up_to = 0;
    for &idx in number_starts {
        if idx < read_up_to {
            continue;
        }
        let n_digits = bytes[idx..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        let run_end = idx + n_digits;
        let inside_known = mentions[..n_keyword_mentions]
            .iter()
            .any(|mention| idx >= mention.span.0 && idx < mention.span.1);
        if inside_known {
            read_up_to = run_end;
            continue;
        }
        let rest = &text[idx..];
        if n_digits == 4 && rest.len() >= 10 && bytes[idx + 4] == b'-' && bytes[idx + 7] == b'-' {
            let parsed = (
                rest[..4].parse::<i16>(),
                rest[5..7].parse::<i8>(),
                rest[8..10].parse::<i8>(),
            );
            if let (Ok(year), Ok(month), Ok(day)) = parsed {
                if let Ok(date) = Date::new(year, month, day) {
                    if !rest[10..].starts_with(|ch: char| ch.is_ascii_digit()) {
                        mentions.push(RawMention {
                            raw: RawDate::Full(date),
                            span: (idx, idx + 10),
                        });
                        read_up_to = idx + 10;
                        continue;
                    }
                }
            }
        }
        if (1..=2).contains(&n_digits) && bytes.get(run_end) == Some(&b'.') {
            // "12.02.2022": day, month and year with full stops.
            let month_start = run_end + 1;
            let n_month_digits = bytes[month_start..]
                .iter()
                .take_while(|byte| byte.is_ascii_digit())
                .count();
            if (1..=2).contains(&n_month_digits)
                && bytes.get(month_start + n_month_digits) == Some(&b'.')
            {
                let year_start = month_start + n_month_digits + 1;
                let day = text[idx..run_end].parse::<i8>();
                let month = text[month_start..month_start + n_month_digits].parse::<i8>();
                if let (Some((year, used)), Ok(day), Ok(month)) =
                    (year_at(&text[year_start..]), day, month)
                {
                    if let Ok(date) = Date::new(year, month, day) {
                        mentions.push(RawMention {
                            raw: RawDate::Full(date),
                            span: (idx, year_start + used),
                        });
                        read_up_to = year_start + used;
                        continue;
                    }
                }
            }
        }
        if n_digits == 4 {
            if let Some((year, _)) = year_at(rest) {
                let (word, word_start) = previous_word(text, idx);
                let followed_by_number = rest[4..].starts_with(',')
                    && rest[5..].starts_with(|ch: char| ch.is_ascii_digit());
                if word.is_one_of(DATE_PREPOSITIONS) && !word.is("of") && !followed_by_number {
                    mentions.push(RawMention {
                        raw: RawDate::Year(year),
                        span: (word_start, idx + 4),
                    });
                }
            }
        }
        read_up_to = run_end;
    }
}

/// The tense of the sentence around a date mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tense {
    /// The tense marker nearest the mention is a past one ("talks were held on May 4").
    Past,
    /// The nearest is a future one ("will meet on May 4", "is scheduled for May 4").
    Future,
    /// The sentence has no tense marker ("Starting from April 17, banks must register").
    Unmarked,
}

/// The tense of the sentence around `span`: that of the tense marker nearest the mention.
/// A participle right after "be" is not a past marker: "will be held on June 17" and "to be
/// released on April 7" speak of the future.
fn tense_around(text: &str, span: (usize, usize)) -> Tense {
    // A text without full stops (a list, a dump) is not one long sentence: the search for its
    // ends stops MAX_SENTENCE_BYTES away, so an article with many dates costs no more than
    // its length times a constant.
    let mut window_start = span.0.saturating_sub(MAX_SENTENCE_BYTES);
    while !text.is_char_boundary(window_start) {
        window_start -= 1;
    }
    let mut window_end = (span.1 + MAX_SENTENCE_BYTES).min(text.len());
    while !text.is_char_boundary(window_end) {
        window_end += 1;
    }
    let sentence_start = sentence_start_before(text, window_start, span.0);
    let sentence_end = sentence_end_after(text, span.1, window_end);
    let mut nearest_future = usize::MAX;
    let mut nearest_past = usize::MAX;
    let mut after_be = false;
    for (word_start, word) in SentenceWords::new(text, sentence_start, sentence_end) {
        let follows_be = std::mem::replace(&mut after_be, word == "be" || word == "being");
        if word.starts_with(char::is_uppercase) && word != "Will" {
            continue;
        }
        if word_start >= span.0 && word_start < span.1 {
            continue;
        }
        let distance = if word_start < span.0 {
            span.0 - word_start
        } else {
            word_start - span.1
        };
        // Past the date, each word lies farther than the one before. Once a word lies farther
        // than the nearest marker so far, no later marker can be nearer, so none can change
        // the tense (a tie would, hence the strict comparison).
        if word_start >= span.1 && distance > nearest_future.min(nearest_past) {
            break;
        }
        let marker = tense_marker(word);
        if marker == Some(Tense::Future) {
            nearest_future = nearest_future.min(distance);
        } else if !follows_be
            && (marker == Some(Tense::Past)
                || (word.len() > 4
                    && word.as_bytes()[word.len() - 2..].eq_ignore_ascii_case(b"ed")))
        {
            nearest_past = nearest_past.min(distance);
        }
    }
    match (nearest_future, nearest_past) {
        (usize::MAX, usize::MAX) => Tense::Unmarked,
        (future, past) if future < past => Tense::Future,
        _ => Tense::Past,
    }
}

/// The words (runs of alphanumeric characters) of `text[start..end]` with their positions.
/// ASCII bytes are classified without decoding a character; a sentence is mostly ASCII.
///
/// A word's position counts every character between words as one byte, as the `str::split`
/// scan this replaced did, so after a "’" or "—" the words sit two bytes nearer the sentence
/// start than they are. The positions only weigh tense markers by their distance from a date;
/// keeping them as they were keeps the dates found the same
/// (`sentence_words_agree_with_a_split`).
struct SentenceWords<'a> {
    text: &'a str,
    idx: usize,
    end: usize,
    /// Bytes beyond the first of the multi-byte characters between words so far.
    n_uncounted_bytes: usize,
}

impl<'a> SentenceWords<'a> {
    fn new(text: &'a str, start: usize, end: usize) -> Self {
        SentenceWords {
            text,
            idx: start,
            end,
            n_uncounted_bytes: 0,
        }
    }
}

impl<'a> Iterator for SentenceWords<'a> {
    /// The word's position as described on [`SentenceWords`], and the word.
    type Item = (usize, &'a str);

    // Inlined into its one caller, which keeps the scan's state in registers.
    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        let bytes = &self.text.as_bytes()[..self.end];
        // Runs of ASCII bytes are passed in tight loops; only a non-ASCII byte makes the loops
        // decode its character.
        let mut idx = self.idx;
        let word_start = loop {
            idx += bytes[idx..]
                .iter()
                .take_while(|&&byte| BYTE_CLASSES[usize::from(byte)] == ByteClass::AsciiSeparator)
                .count();
            let Some(&byte) = bytes.get(idx) else {
                self.idx = idx;
                return None;
            };
            if byte.is_ascii() {
                break idx;
            }
            let character = char_after(self.text, idx).expect("`idx` is inside the text");
            if character.is_alphanumeric() {
                break idx;
            }
            self.n_uncounted_bytes += character.len_utf8() - 1;
            idx += character.len_utf8();
        };
        loop {
            idx += bytes[idx..]
                .iter()
                .take_while(|&&byte| {
                    BYTE_CLASSES[usize::from(byte)] == ByteClass::AsciiAlphanumeric
                })
                .count();
            if bytes.get(idx).is_none_or(u8::is_ascii) {
                break;
            }
            let character = char_after(self.text, idx).expect("`idx` is inside the text");
            if !character.is_alphanumeric() {
                break;
            }
            idx += character.len_utf8();
        }
        self.idx = idx;
        let word = &self.text[word_start..idx];
        Some((word_start - self.n_uncounted_bytes, word))
    }
}

/// Where the sentence holding `text[..to]` starts: after the last sentence end in
/// `text[from..to]`, else at `from`.
fn sentence_start_before(text: &str, from: usize, to: usize) -> usize {
    let bytes = text.as_bytes();
    // A line break always ends a sentence, a stop only sometimes; each is found by memchr
    // rather than by testing every byte.
    let line_start =
        memchr::memrchr(b'\n', &bytes[from..to]).map_or(from, |offset| from + offset + 1);
    memchr::memrchr3_iter(b'.', b'!', b'?', &bytes[line_start..to])
        .map(|offset| line_start + offset)
        .find(|&idx| ends_sentence(text, idx))
        .map_or(line_start, |idx| idx + 1)
}

/// Where the sentence holding `text[from..]` ends: at the first sentence end in
/// `text[from..to]`, else at `to`.
fn sentence_end_after(text: &str, from: usize, to: usize) -> usize {
    let bytes = text.as_bytes();
    let line_end = memchr::memchr(b'\n', &bytes[from..to]).map_or(to, |offset| from + offset);
    memchr::memchr3_iter(b'.', b'!', b'?', &bytes[from..line_end])
        .map(|offset| from + offset)
        .find(|&idx| ends_sentence(text, idx))
        .unwrap_or(line_end)
}

/// The tense a word marks, if it is one of [`FUTURE_MARKERS`] or [`PAST_MARKERS`] in any ASCII
/// case.
///
/// Every word of a sentence around a date is looked up, so the markers are kept in a hash map
/// keyed by integers ([`marker_key`]) and a word costs one hash lookup, not a comparison with
/// each of the seventy markers; and a bit set ([`marker_filter_bit`]) turns away most words
/// that are no marker before the key is built.
fn tense_marker(word: &str) -> Option<Tense> {
    static MARKERS: OnceLock<TenseMarkers> = OnceLock::new();
    let markers = MARKERS.get_or_init(|| {
        let future = FUTURE_MARKERS.iter().map(|marker| (*marker, Tense::Future));
        let past = PAST_MARKERS.iter().map(|marker| (*marker, Tense::Past));
        let mut filter = [0u64; MARKER_FILTER_BITS / 64];
        let mut by_key = FxHashMap::default();
        // The future markers come last and so would win over a past marker of the same
        // spelling, as they did when they were checked first.
        for (marker, tense) in past.chain(future) {
            let bit = marker_filter_bit(marker).expect("tense markers are two bytes or longer");
            filter[bit / 64] |= 1 << (bit % 64);
            let key = marker_key(marker).expect("tense markers are at most 16 bytes long");
            by_key.insert(key, tense);
        }
        TenseMarkers { filter, by_key }
    });
    let bit = marker_filter_bit(word)?;
    if !has_bit(&markers.filter, bit) {
        return None;
    }
    markers.by_key.get(&marker_key(word)?).copied()
}

/// The tense markers of [`tense_marker`].
struct TenseMarkers {
    /// Bit [`marker_filter_bit`] of every marker is set.
    filter: [u64; MARKER_FILTER_BITS / 64],
    /// Each marker's tense by its [`marker_key`].
    by_key: FxHashMap<u128, Tense>,
}

/// The size of the filter of [`TenseMarkers`]: with seventy markers, about one bit in sixty is
/// set.
const MARKER_FILTER_BITS: usize = 4096;

/// A word's bit in the filter of [`TenseMarkers`], or `None` for a word shorter than two
/// bytes (no marker is): a hash of its length and of its first, second and last bytes with
/// bit 5 set, so that ASCII case does not change it.
#[inline(always)]
fn marker_filter_bit(word: &str) -> Option<usize> {
    let bytes = word.as_bytes();
    let (&[first, second, ..], Some(&last)) = (bytes, bytes.last()) else {
        return None;
    };
    // A length beyond 255 wraps, which can only let a word through to the map.
    let key = u32::from_le_bytes([first, second, last, bytes.len() as u8]) | 0x0020_2020;
    Some((key.wrapping_mul(0x9e37_79b1) >> (32 - MARKER_FILTER_BITS.trailing_zeros())) as usize)
}

/// `word` zero-padded into a `u128` with bit 5 of every byte set, or `None` beyond 16 bytes.
///
/// Setting bit 5 lowercases ASCII capitals and turns the padding into spaces, with no loop
/// over the bytes. The markers are lowercase letters; a word holds no spaces or zero bytes,
/// and its non-ASCII bytes stay non-ASCII, so a word's key equals a marker's exactly when the
/// word is the marker in some ASCII case.
#[inline(always)]
fn marker_key(word: &str) -> Option<u128> {
    let mut bytes = [0u8; 16];
    bytes
        .get_mut(..word.len())?
        .copy_from_slice(word.as_bytes());
    Some(u128::from_le_bytes(bytes) | u128::from_le_bytes([0x20; 16]))
}

/// Longest stretch on either side of a date read as its sentence.
const MAX_SENTENCE_BYTES: usize = 600;

/// Whether the character at byte `idx` of `text` ends a sentence: a line break, or a full
/// stop, "!" or "?" not followed by a letter or digit, except the full stop of an initial
/// ("Johann N. Schneider-Ammann"). The stops inside "1.47" and "U.S." do not end one.
fn ends_sentence(text: &str, idx: usize) -> bool {
    let bytes = text.as_bytes();
    match bytes[idx] {
        b'\n' => true,
        b'.' | b'!' | b'?' => {
            let inside_word = bytes
                .get(idx + 1)
                .is_some_and(|next| next.is_ascii_alphanumeric());
            let after_initial = bytes[idx] == b'.'
                && idx >= 1
                && bytes[idx - 1].is_ascii_uppercase()
                && (idx == 1 || !bytes[idx - 2].is_ascii_alphanumeric());
            !inside_word && !after_initial
        }
        _ => false,
    }
}

/// The number of days between two dates. A civil date has no time zone, so the elapsed time
/// is whole days; `duration_since` gives it without building a calendar `Span`, which cost
/// several times as much.
fn days_between(left: Date, right: Date) -> i64 {
    left.duration_since(right).as_secs().abs() / 86_400
}

/// Places a month and day in the year nearest `reference`; with a publication date, a past
/// context keeps it on or before publication. Unmarked, the nearest year wins: "April 6" in an
/// article of February 9 is most likely the coming one, "December 19" the last one.
///
/// `tense` is asked only when the nearest date lies after publication, as reading the
/// sentence costs more than placing the date.
fn place_day(
    month: i8,
    day: i8,
    reference: Date,
    is_publication: bool,
    tense: impl FnOnce() -> Tense,
) -> Option<Date> {
    let candidates = [-1, 0, 1].map(|offset| Date::new(reference.year() + offset, month, day).ok());
    let nearest = candidates
        .iter()
        .flatten()
        .copied()
        .min_by_key(|&date| days_between(date, reference))?;
    if is_publication && nearest > reference && tense() == Tense::Past {
        return candidates
            .iter()
            .flatten()
            .copied()
            .filter(|&date| date <= reference)
            .max();
    }
    Some(nearest)
}

/// `date` as its `Display` writes it ("2022-02-12").
///
/// An article's dates are written here by hand, as the formatting machinery costs about ten
/// times as much (a few hundred instructions a date); a year outside 0..=9999, which `Display`
/// writes with a sign and six digits, goes through it. `date_texts_match_display` checks both.
fn day_text(date: Date) -> String {
    let mut text = String::with_capacity(10);
    if !push_year(&mut text, date.year()) {
        return date.to_string();
    }
    text.push('-');
    push_two_digits(&mut text, date.month());
    text.push('-');
    push_two_digits(&mut text, date.day());
    text
}

/// A month as `format!("{year:04}-{month:02}")` writes it ("2022-02"), by hand as in
/// [`day_text`].
fn month_text(year: i16, month: i8) -> String {
    let mut text = String::with_capacity(7);
    if !push_year(&mut text, year) {
        return format!("{year:04}-{month:02}");
    }
    text.push('-');
    push_two_digits(&mut text, month);
    text
}

/// A year as `format!("{year:04}")` writes it ("2022"), by hand as in [`day_text`].
fn year_text(year: i16) -> String {
    let mut text = String::with_capacity(4);
    if !push_year(&mut text, year) {
        return format!("{year:04}");
    }
    text
}

/// Pushes `year` as four digits if it is in 0..=9999; returns whether it did.
fn push_year(text: &mut String, year: i16) -> bool {
    let Ok(year @ 0..=9999) = u16::try_from(year) else {
        return false;
    };
    for divisor in [1000, 100, 10, 1] {
        text.push(char::from(b'0' + (year / divisor % 10) as u8));
    }
    true
}

/// Pushes a month or day (1..=31) as two digits.
fn push_two_digits(text: &mut String, value: i8) {
    let value = value.unsigned_abs();
    text.push(char::from(b'0' + value / 10 % 10));
    text.push(char::from(b'0' + value % 10));
}

/// Finds the dates `body` mentions, deduplicated by date with the first surface text kept, in
/// order of first mention. `language` gates relative words ("hier" is French, not German).
pub fn find_dates(body: &str, language: &str, published: Option<Date>) -> Vec<DateMention> {
    let mentions = raw_mentions(body, language);
    // Explicitly dated mentions anchor year-less ones when there is no publication date.
    let anchors: Vec<(usize, Date)> = mentions
        .iter()
        .filter_map(|mention| match mention.raw {
            RawDate::Full(date) => Some((mention.span.0, date)),
            RawDate::MonthOfYear { year, month } => Date::new(year, month, 15)
                .ok()
                .map(|date| (mention.span.0, date)),
            _ => None,
        })
        .collect();
    let mut dates: Vec<DateMention> = Vec::new();
    for (mention_idx, mention) in mentions.iter().enumerate() {
        let reference = published.map(|date| (date, true)).or_else(|| {
            anchors
                .iter()
                .min_by_key(|(position, _)| position.abs_diff(mention.span.0))
                .map(|&(_, date)| (date, false))
        });
        let tense = || tense_around(body, mention.span);
        let resolved = match mention.raw {
            RawDate::Full(date) => Some(day_text(date)),
            RawDate::MonthOfYear { year, month } => Some(month_text(year, month)),
            RawDate::Year(year) => Some(year_text(year)),
            RawDate::DayOfMonth { month, day } => reference
                .and_then(|(date, is_publication)| {
                    place_day(month, day, date, is_publication, tense)
                })
                .map(day_text),
            RawDate::Month(month) => reference
                .and_then(|(date, is_publication)| {
                    place_day(month, 1, date.first_of_month(), is_publication, tense)
                })
                .map(|date| month_text(date.year(), date.month())),
            RawDate::Weekday { weekday, shift } => {
                // A weekday right before an explicit date ("Tuesday, February 1") adds nothing.
                let next_is_close = mentions.get(mention_idx + 1).is_some_and(|next| {
                    next.span.0 >= mention.span.1
                        && body[mention.span.1..next.span.0]
                            .chars()
                            .all(|ch| " ,(".contains(ch))
                });
                match published {
                    Some(date) if !next_is_close => {
                        resolve_weekday(date, weekday, shift, || tense() == Tense::Future)
                    }
                    _ => None,
                }
            }
            RawDate::Relative(days) => published
                .and_then(|date| date.checked_add(i64::from(days).days()).ok())
                .map(day_text),
            RawDate::DayOfPublicationMonth { day, months } => published
                .and_then(|date| {
                    date.first_of_month()
                        .checked_add(i64::from(months).months())
                        .ok()
                })
                .and_then(|month_start| {
                    Date::new(month_start.year(), month_start.month(), day).ok()
                })
                .map(day_text),
        };
        if let Some(date) = resolved {
            if !dates.iter().any(|known| known.date == date) {
                dates.push(DateMention {
                    date,
                    text: body[mention.span.0..mention.span.1].to_string(),
                    span: mention.span,
                });
            }
        }
    }
    dates
}

/// The `weekday` nearest publication: on or before it in a past context, on or after it in a
/// future one; "last" and "next" force the direction and exclude the publication day.
/// `is_future` is asked only when the context decides.
fn resolve_weekday(
    published: Date,
    weekday: Weekday,
    shift: i8,
    is_future: impl FnOnce() -> bool,
) -> Option<String> {
    let date = match shift {
        -1 => published.nth_weekday(-1, weekday).ok()?,
        1 => published.nth_weekday(1, weekday).ok()?,
        _ if published.weekday() == weekday => published,
        _ if is_future() => published.nth_weekday(1, weekday).ok()?,
        _ => published.nth_weekday(-1, weekday).ok()?,
    };
    Some(day_text(date))
}

/// Words allowed beside the date on a dateline ("Publish date 12 Feb 2022 - 18:40").
#[rustfmt::skip]
const DATELINE_WORDS: &[&str] = &[
    "published", "publish", "date", "posted", "on", "at", "am", "pm", "utc", "gmt", "cet", "msk",
    "est", "edt", "veröffentlicht", "um", "uhr", "publicado", "el", "publié", "le", "опубликовано",
    "дата", "публикации", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "h",
];

/// The publication date from a dateline near the top: the title or one of the first lines of the
/// body that is only a full date, optionally with a label and a time. Lines naming "today" or an
/// update are crawl or edit stamps, not publication, and are skipped.
pub fn find_published_date(title: &str, body: &str) -> Option<Date> {
    let head_lines = body.lines().filter(|line| !line.trim().is_empty()).take(6);
    for line in std::iter::once(title).chain(head_lines) {
        let line = line.trim();
        if line.is_empty() || line.chars().count() > 80 {
            continue;
        }
        let lowered = line.to_lowercase();
        if [
            "today",
            "updated",
            "copyright",
            "©",
            "сегодня",
            "heute",
            "hoy",
            "aujourd",
        ]
        .iter()
        .any(|word| lowered.contains(word))
        {
            continue;
        }
        // Sites glue labels to numbers ("Publish date12 Feb 2022"); split letters from digits.
        let mut spaced = String::with_capacity(line.len() + 4);
        let mut previous: Option<char> = None;
        for ch in line.chars() {
            if previous.is_some_and(char::is_alphabetic) && ch.is_ascii_digit() {
                spaced.push(' ');
            }
            spaced.push(ch);
            previous = Some(ch);
        }
        let mentions = raw_mentions(&spaced, "und");
        let [mention] = mentions.as_slice() else {
            continue;
        };
        let RawDate::Full(date) = mention.raw else {
            continue;
        };
        let rest = format!(
            "{} {}",
            &spaced[..mention.span.0],
            &spaced[mention.span.1..]
        );
        let only_label = rest
            .split(|ch: char| !(ch.is_alphanumeric() || ch == ':'))
            .filter(|word| !word.is_empty())
            .all(|word| {
                let lowered = word.to_lowercase();
                DATELINE_WORDS.contains(&lowered.as_str())
                    || word.chars().all(|ch| ch.is_ascii_digit() || ch == ':') && word.contains(':')
            });
        if only_label {
            return Some(date);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `idx` starts a word: the text starts there or the character before is not
    /// alphanumeric.
    fn starts_word(text: &str, idx: usize) -> bool {
        !char_before(text, idx).is_some_and(char::is_alphanumeric)
    }

    /// Whether a word ends at `idx`: the text ends there or the character after is not
    /// alphanumeric. `raw_mentions` keeps only the keyword matches that end a word.
    fn ends_word(text: &str, idx: usize) -> bool {
        !char_after(text, idx).is_some_and(char::is_alphanumeric)
    }

    /// What [`scan_words`] is checked against: one unanchored scan over the whole text, keeping
    /// the matches that start a word.
    fn unanchored_keyword_matches(text: &str) -> Vec<Match> {
        let (texts, _) = keyword_patterns();
        let automaton = aho_corasick::AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(&texts)
            .expect("the date keywords are a fixed, valid pattern set");
        automaton
            .find_iter(text)
            .filter(|found| starts_word(text, found.start()))
            .collect()
    }

    #[test]
    fn no_keyword_starts_at_a_word_start_inside_another() {
        let (texts, _) = keyword_patterns();
        for outer in &texts {
            for (offset, _) in outer.char_indices().skip(1) {
                if !starts_word(outer, offset) {
                    continue;
                }
                let rest = &outer.as_bytes()[offset..];
                for inner in &texts {
                    let common = rest.len().min(inner.len());
                    assert!(
                        !rest[..common].eq_ignore_ascii_case(&inner.as_bytes()[..common]),
                        "{inner:?} could start inside {outer:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn no_keyword_but_of_month_has_a_third_space() {
        let (texts, _) = keyword_patterns();
        for text in texts {
            if text.as_bytes()[2] == b' ' {
                assert!(
                    ["this ", "last "].contains(&&text[3..8]),
                    "{text:?} has a space third and no \"this\" or \"last\" after it"
                );
            }
        }
    }

    #[test]
    fn sentence_words_agree_with_a_split() {
        // Every ASCII character once between letters and once between digits, so that each
        // byte class the loops read is tried.
        let every_ascii: String = (0..128u8)
            .map(|byte| format!("ab{}9{}", char::from(byte), char::from(byte)))
            .collect();
        let texts = [
            "They met on May 4, and will meet again.",
            "didn’t say — “yes”  or no… Ёлки, café naïve 1.47",
            "  leading and trailing  ",
            "’’a",
            "",
            &every_ascii,
        ];
        for text in texts {
            let mut expected = Vec::new();
            let mut offset = 0;
            for word in text.split(|ch: char| !ch.is_alphanumeric()) {
                if !word.is_empty() {
                    expected.push((offset, word));
                }
                offset += word.len() + 1;
            }
            let found: Vec<(usize, &str)> = SentenceWords::new(text, 0, text.len()).collect();
            assert_eq!(found, expected, "words of {text:?}");
        }
    }

    #[test]
    fn tense_markers_are_found_in_any_case_and_only_whole() {
        for marker in FUTURE_MARKERS {
            assert!(
                !PAST_MARKERS.contains(marker),
                "{marker:?} is in both lists"
            );
        }
        let marked = FUTURE_MARKERS
            .iter()
            .map(|marker| (marker, Tense::Future))
            .chain(PAST_MARKERS.iter().map(|marker| (marker, Tense::Past)));
        for (marker, tense) in marked {
            // The filter before the map reads the first, second and last bytes, so each of
            // them changes case in one of these forms.
            let mut capitalised = marker.to_string();
            capitalised[..1].make_ascii_uppercase();
            let mut last_upper = marker.to_string();
            last_upper[marker.len() - 1..].make_ascii_uppercase();
            for word in [
                marker.to_string(),
                marker.to_ascii_uppercase(),
                capitalised,
                last_upper,
            ] {
                assert_eq!(tense_marker(&word), Some(tense), "{word:?}");
            }
        }
        for word in [
            "wil",
            "willl",
            "sai",
            "saidx",
            "be",
            "",
            "w",
            "scheduledscheduled",
            "ÿwill",
        ] {
            assert_eq!(tense_marker(word), None, "{word:?}");
        }
    }

    /// Checks that [`scan_words`] finds the keyword matches that one unanchored scan finds at
    /// word starts, wherever `raw_mentions` would keep them (a word ends after them), and the
    /// number starts a byte loop finds.
    fn check_word_scan(text: &str) {
        let starts = scan_words(text, keywords());
        let kept = |matches: Vec<Match>| -> Vec<Match> {
            matches
                .into_iter()
                .filter(|found| ends_word(text, found.end()))
                .collect()
        };
        assert_eq!(
            kept(starts.keyword_matches),
            kept(unanchored_keyword_matches(text)),
            "keyword matches in {text:?}"
        );
        let bytes = text.as_bytes();
        let number_starts: Vec<usize> = (0..bytes.len())
            .filter(|&idx| {
                bytes[idx].is_ascii_digit()
                    && (idx == 0
                        || !(bytes[idx - 1].is_ascii_alphanumeric()
                            || bytes[idx - 1] == b'.'
                            || bytes[idx - 1] == b','))
            })
            .collect();
        assert_eq!(
            starts.number_starts, number_starts,
            "number starts in {text:?}"
        );
    }

    #[test]
    fn word_scan_equals_unanchored_scan() {
        let texts = [
            "Proof this month, the roof of last month and aujourd'hui.",
            "Remarks on March 5: a summary of Monday's demands, decided on Dec. 3",
            "Decembers, MAYOR, mayo, Sept 12, septembre 2022, 5 марта 2024 в среду",
            "hierarchy hier heute Heute mañana домой вчера сегодня завтра",
            "xjanuary January1 1January (June) \"July\" -August- émars mars",
            "Déjà mardi, ülkeMay May, июня-июля; closed until Friday",
            "On 2022-02-12, 12.02.2022 and 1.5, after 1997 (v2 3,000) «7» №8 x9",
            "Oct",
            "",
            "m",
            "7",
        ];
        for text in texts {
            check_word_scan(text);
        }
    }

    /// Every keyword, in three ASCII cases, before each kind of word end, at each offset from
    /// the scan's blocks (including the padded last block), so that a keyword the start filter
    /// wrongly turns away, in any language, fails the test.
    #[test]
    fn word_scan_finds_every_keyword_around_blocks() {
        let (texts, _) = keyword_patterns();
        // The automaton ignores ASCII case only, so only ASCII letters change case here.
        let capitalised = |keyword: &str| {
            let mut cased = keyword.to_string();
            if let Some(first) = cased.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            cased
        };
        for keyword in texts {
            let cased_forms = [
                keyword.to_string(),
                keyword.to_ascii_uppercase(),
                capitalised(keyword),
            ];
            for cased in cased_forms {
                for ender in ["", " ", ".", ",", ":", "—", "’s", "\n", "x", "1"] {
                    for offset in [0, 1, 2, 29, 30, 31, 32, 33, 35, 36, 37, 63, 64] {
                        let before = if offset == 0 {
                            String::new()
                        } else {
                            format!("{} ", "x".repeat(offset - 1))
                        };
                        let text = format!("{before}{cased}{ender}");
                        check_word_scan(&text);
                        let starts = scan_words(&text, keywords());
                        let found_here = starts
                            .keyword_matches
                            .iter()
                            .any(|found| found.start() == offset);
                        if ends_word(&text, offset + cased.len()) {
                            assert!(found_here, "{cased:?} in {text:?}");
                        }
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn word_scan_equals_unanchored_scan_on_keyword_soup(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "may", "Mar", "DEC", "march", "sept", "of", "this", "last", "month", "hier",
                    "марта", "мая", "août", "mañana", "aujourd'hui", " ", ".", ",", "-", "’",
                    "é", "x", "s", "1", "12", "2022", "\n",
                ]),
                0..40,
            ),
        ) {
            check_word_scan(&pieces.concat());
        }
    }

    #[test]
    fn lowered_words_match_as_to_lowercase_does() {
        let words = [
            "In",
            "SINCE",
            "В",
            "До",
            "Earlier",
            "ΣΟΦΟΣ",
            "İn",
            "Straße",
            "ÉCHÉANCE",
            "Überraschungsangriffe",
            "",
            "of",
            "Über",
            "ÜBER",
            "SINCEWHEN",
            // Longer than the stack buffer: read as no listed word.
            "Internationalization",
            "INTERNATIONALIZATIONS",
        ];
        let lists: [&[&str]; 3] = [DATE_PREPOSITIONS, &["earlier", "the"], &["straße", "über"]];
        for word in words {
            let lowered = LoweredWord::new(word);
            for list in lists {
                assert_eq!(
                    lowered.is_one_of(list),
                    list.contains(&word.to_lowercase().as_str()),
                    "{word:?} in {list:?}"
                );
            }
        }
        assert!(LoweredWord::new("Während").is("während"));
    }

    #[test]
    fn days_between_counts_calendar_days() {
        let pairs = [
            ("2022-01-31", "2022-02-01", 1),
            ("2021-02-03", "2022-01-31", 362),
            ("2024-02-28", "2024-03-01", 2),
            ("2023-12-19", "2023-12-19", 0),
            ("-009999-01-01", "9999-12-31", 7_304_483),
        ];
        for (left, right, days) in pairs {
            let (left, right) = (date(left), date(right));
            assert_eq!(days_between(left, right), days, "{left} to {right}");
            assert_eq!(days_between(right, left), days, "{right} to {left}");
            let span = left.until(right).expect("the span fits");
            assert_eq!(i64::from(span.get_days()), days, "the span {span}");
        }
    }

    #[test]
    fn date_texts_match_display() {
        let years = [
            -9999, -1000, -1, 0, 1, 9, 10, 99, 100, 999, 1000, 1900, 2022, 9999,
        ];
        for year in years {
            for (month, day) in [(1, 1), (2, 9), (10, 10), (12, 31)] {
                let date = Date::new(year, month, day).expect("test dates are valid");
                assert_eq!(day_text(date), date.to_string(), "{date:?}");
                assert_eq!(month_text(year, month), format!("{year:04}-{month:02}"));
            }
            assert_eq!(year_text(year), format!("{year:04}"));
        }
        for year in [i16::MIN, 10000, i16::MAX] {
            assert_eq!(month_text(year, 7), format!("{year:04}-07"));
            assert_eq!(year_text(year), format!("{year:04}"));
        }
    }

    fn date(text: &str) -> Date {
        text.parse().expect("test dates are valid")
    }

    /// Checks the dates found in `body` as "date=text" pairs joined by "; ".
    fn check(body: &str, published: Option<&str>, expected: &str) {
        let found = find_dates(body, "en", published.map(date));
        let described: Vec<String> = found
            .iter()
            .map(|mention| format!("{}={}", mention.date, mention.text))
            .collect();
        assert_eq!(described.join("; "), expected, "dates in {body:?}");
    }

    fn check_language(body: &str, language: &str, published: Option<&str>, expected: &str) {
        let found = find_dates(body, language, published.map(date));
        let described: Vec<String> = found
            .iter()
            .map(|mention| format!("{}={}", mention.date, mention.text))
            .collect();
        assert_eq!(described.join("; "), expected, "dates in {body:?}");
    }

    fn check_published(title: &str, body: &str, expected: Option<&str>) {
        assert_eq!(
            find_published_date(title, body),
            expected.map(date),
            "published of {title:?} / {body:?}"
        );
    }

    #[test]
    fn explicit_dates() {
        check(
            "It happened on 12 February 2022.",
            None,
            "2022-02-12=12 February 2022",
        );
        check(
            "It happened on February 12, 2022 in Kyiv.",
            None,
            "2022-02-12=February 12, 2022",
        );
        check(
            "Signed 2021-12-17 in Moscow.",
            None,
            "2021-12-17=2021-12-17",
        );
        check("Stand: 12.02.2022, Berlin", None, "2022-02-12=12.02.2022");
        check(
            "demands made in December 2021 remain",
            None,
            "2021-12=December 2021",
        );
        check("after 1997 and 100,000 troops", None, "1997=after 1997");
        check(
            "Photo taken on January 21st 2022",
            None,
            "2022-01-21=January 21st 2022",
        );
        check("12 Feb 2022 - 18:40", None, "2022-02-12=12 Feb 2022");
        check("the 31 February 2022 typo", None, "");
        check("you may march in May", None, "");
    }

    #[test]
    fn foreign_dates() {
        check_language(
            "Встреча состоялась 5 марта 2024 года.",
            "ru",
            None,
            "2024-03-05=5 марта 2024",
        );
        check_language(
            "Am 12. Februar 2022 telefonierten sie.",
            "de",
            None,
            "2022-02-12=12. Februar 2022",
        );
        check_language(
            "El 12 de febrero de 2022 hablaron.",
            "es",
            None,
            "2022-02-12=12 de febrero de 2022",
        );
        check_language(
            "Le 1er mars 2022, ils ont parlé.",
            "fr",
            None,
            "2022-03-01=1er mars 2022",
        );
        check_language(
            "El 12 de febrero hablaron.",
            "es",
            Some("2022-03-01"),
            "2022-02-12=12 de febrero",
        );
        check_language(
            "Sie sprachen gestern.",
            "de",
            Some("2022-03-01"),
            "2022-02-28=gestern",
        );
        check_language("Guten Morgen aus Berlin.", "de", Some("2022-03-01"), "");
    }

    #[test]
    fn year_less_dates_take_the_nearest_year() {
        check(
            "Talks were held on December 19.",
            Some("2022-01-31"),
            "2021-12-19=December 19",
        );
        check(
            "A call will take place on February 1.",
            Some("2022-01-31"),
            "2022-02-01=February 1",
        );
        check(
            "They met on February 3.",
            Some("2022-01-31"),
            "2021-02-03=February 3",
        );
        check("They met on February 3.", None, "");
        // No publication date: an explicit date in the article gives the year.
        check(
            "On December 17, 2021, drafts were published. On January 10, talks began.",
            None,
            "2021-12-17=December 17, 2021; 2022-01-10=January 10",
        );
        check(
            "Demands came in December 2021. They met on January 21st in Geneva.",
            None,
            "2021-12=December 2021; 2022-01-21=January 21st",
        );
        check(
            "Since the beginning of January, talks went on.",
            Some("2022-01-31"),
            "2022-01=January",
        );
        check(
            "proposals presented in December were rejected",
            Some("2022-02-12"),
            "2021-12=December",
        );
        // A participle after "be" is the future's passive, not the past.
        check(
            "The forum will be held in Beijing on May 14.",
            Some("2017-02-09"),
            "2017-05-14=May 14",
        );
        check(
            "The film is to be released on April 7.",
            Some("2017-02-09"),
            "2017-04-07=April 7",
        );
        // No tense marker: the nearest year, here the coming one.
        check(
            "Starting from April 17, banks must register.",
            Some("2017-01-20"),
            "2017-04-17=April 17",
        );
        // An initial or a decimal point does not end the sentence that holds the verb.
        check(
            "In April, Johann N. Schneider-Ammann visited China.",
            Some("2017-01-13"),
            "2016-04=April",
        );
        check(
            "It fell from 1.47 dollars in May to 1.24.",
            Some("2016-12-30"),
            "2016-05=May",
        );
        check(
            "In March, the firm led a consortium.",
            Some("2017-01-20"),
            "2016-03=March",
        );
    }

    #[test]
    fn relative_dates_need_a_publication_date() {
        check("Lavrov said on Tuesday that talks stalled.", None, "");
        check(
            "Lavrov said on Tuesday that talks stalled.",
            Some("2022-02-17"),
            "2022-02-15=on Tuesday",
        );
        check(
            "Lavrov will hold a call on Tuesday with Blinken.",
            Some("2022-01-31"),
            "2022-02-01=on Tuesday",
        );
        // "may" and "might" look ahead as "will" does.
        check(
            "The line might not reopen until Monday.",
            Some("2017-03-01"),
            "2017-03-06=until Monday",
        );
        check(
            "Zajarova declared on Monday.",
            Some("2022-01-31"),
            "2022-01-31=on Monday",
        );
        check(
            "They held talks Saturday.",
            Some("2022-02-12"),
            "2022-02-12=Saturday",
        );
        check(
            "They will talk tomorrow.",
            Some("2022-01-31"),
            "2022-02-01=tomorrow",
        );
        check(
            "He left yesterday.",
            Some("2022-01-31"),
            "2022-01-30=yesterday",
        );
        check(
            "Talks last Monday failed.",
            Some("2022-01-31"),
            "2022-01-24=last Monday",
        );
        check("They met last week and recently.", Some("2022-01-31"), "");
        check(
            "On Tuesday, February 1, a call will take place.",
            Some("2022-01-31"),
            "2022-02-01=February 1",
        );
        check(
            "They met on the 21st of this month.",
            Some("2022-01-31"),
            "2022-01-21=the 21st of this month",
        );
        check(
            "Today: November 25, 2024",
            Some("2022-01-31"),
            "2024-11-25=November 25, 2024",
        );
    }

    #[test]
    fn publication_date_from_dateline() {
        check_published(
            "Publish date12 Feb 2022 - 18:40",
            "Story Code : 538334",
            Some("2022-02-12"),
        );
        check_published(
            "Today: November 25, 2024",
            "January 31, 2022\n2 mins read\n\nThe ministers",
            Some("2022-01-31"),
        );
        check_published("Talks", "Today: November 25, 2024\n\nText", None);
        check_published(
            "Talks on February 12",
            "Lavrov met Blinken on January 31, 2022 in Geneva.",
            None,
        );
        check_published(
            "Talks",
            "Published on 2022-02-12 10:00 UTC\n\nText",
            Some("2022-02-12"),
        );
        check_published("", "", None);
    }
}
