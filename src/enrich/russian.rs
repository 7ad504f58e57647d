//! Russian noun endings, for names written in Cyrillic. Russian declines names: "Россия" is
//! "России" after "в" or "из", "Сергей Лавров" is "Сергея Лаврова" or "Сергею Лаврову". The lists
//! give names in the nominative, so the gazetteer adds the other case forms of each Cyrillic
//! name ([`case_forms`]), and merging treats two words that differ only by a case ending as one
//! ([`same_word`]). Only the regular singular paradigms of nouns, adjectives and surnames are
//! known; indeclinable names (foreign ones in -о, -и, -у, acronyms) are left as they are.

use super::gazetteer::is_uppercase;

/// Whether `text` has a Cyrillic letter.
pub(crate) fn is_cyrillic(text: &str) -> bool {
    text.chars().any(|ch| ('\u{400}'..='\u{4ff}').contains(&ch))
}

/// One declension paradigm: for the genitive, dative, accusative, instrumental and
/// prepositional, how many letters of the nominative to drop and which ending to add.
type Paradigm = [(usize, &'static str); 5];

/// Feminine nouns in -ия ("Россия").
const IYA: Paradigm = [(1, "и"), (1, "и"), (1, "ю"), (1, "ей"), (1, "и")];
/// Feminine adjectives in -ая ("Южная").
const AYA: Paradigm = [(2, "ой"), (2, "ой"), (2, "ую"), (2, "ой"), (2, "ой")];
/// Soft feminine adjectives in -яя ("Верхняя").
const YAYA: Paradigm = [(2, "ей"), (2, "ей"), (2, "юю"), (2, "ей"), (2, "ей")];
/// Nouns in -я ("Корея", "Илья").
const YA: Paradigm = [(1, "и"), (1, "е"), (1, "ю"), (1, "ей"), (1, "е")];
/// Nouns in -а after a hard consonant ("Москва", "Никита").
const A_HARD: Paradigm = [(1, "ы"), (1, "е"), (1, "у"), (1, "ой"), (1, "е")];
/// Nouns in -а after г, к, х, ж, ч, ш or щ ("Америка").
const A_SOFT: Paradigm = [(1, "и"), (1, "е"), (1, "у"), (1, "ой"), (1, "е")];
/// Feminine surnames in -ова, -ева, -ина ("Захарова").
const A_SURNAME: Paradigm = [(1, "ой"), (1, "ой"), (1, "у"), (1, "ой"), (1, "ой")];
/// Masculine adjectives in -ый or -ой ("Красный").
const YJ: Paradigm = [(2, "ого"), (2, "ому"), (2, "ого"), (2, "ым"), (2, "ом")];
/// Masculine adjectives in -кий, -гий, -хий ("Достоевский").
const KIJ: Paradigm = [(2, "ого"), (2, "ому"), (2, "ого"), (2, "им"), (2, "ом")];
/// Soft masculine adjectives in -ний ("Нижний").
const NIJ: Paradigm = [(2, "его"), (2, "ему"), (2, "его"), (2, "им"), (2, "ем")];
/// Nouns in -ий ("Юрий", "Василий").
const IJ: Paradigm = [(1, "я"), (1, "ю"), (1, "я"), (1, "ем"), (1, "и")];
/// Other nouns in -й ("Сергей", "Китай").
const J: Paradigm = [(1, "я"), (1, "ю"), (1, "я"), (1, "ем"), (1, "е")];
/// Masculine nouns in -ь ("Игорь").
const SOFT_SIGN_M: Paradigm = [(1, "я"), (1, "ю"), (1, "я"), (1, "ем"), (1, "е")];
/// Feminine nouns in -ь ("Керчь").
const SOFT_SIGN_F: Paradigm = [(1, "и"), (1, "и"), (0, ""), (0, "ю"), (1, "и")];
/// Neuter adjectives in -ое ("Красное").
const OE: Paradigm = [(1, "го"), (1, "му"), (0, ""), (2, "ым"), (2, "ом")];
/// Plural nouns in -ы ("Эмираты").
const PLURAL_Y: Paradigm = [(1, "ов"), (1, "ам"), (0, ""), (1, "ами"), (1, "ах")];
/// Plural adjectives in -ие ("Арабские").
const PLURAL_IE: Paradigm = [(2, "их"), (2, "им"), (0, ""), (2, "ими"), (2, "их")];
/// Plural adjectives in -ые ("Объединённые").
const PLURAL_YE: Paradigm = [(2, "ых"), (2, "ым"), (0, ""), (2, "ыми"), (2, "ых")];
/// Masculine nouns ending in a consonant ("Лондон").
const CONSONANT: Paradigm = [(0, "а"), (0, "у"), (0, "а"), (0, "ом"), (0, "е")];
/// Surnames in -ов, -ев, -ин, -ын ("Лавров"), instrumental in -ым.
const CONSONANT_SURNAME: Paradigm = [(0, "а"), (0, "у"), (0, "а"), (0, "ым"), (0, "е")];
/// Nouns ending in ж, ш, ч, щ or ц ("Кремль" aside), instrumental in -ем.
const CONSONANT_HUSHING: Paradigm = [(0, "а"), (0, "у"), (0, "а"), (0, "ем"), (0, "е")];

/// The paradigms a lowercase nominative word may follow; none when it does not decline.
fn paradigms(word: &str) -> &'static [Paradigm] {
    paradigms_of_letters(word.chars().count(), word.chars().rev())
}

/// The lowercase of a letter that lowercases to one letter; the Russian alphabet and ASCII
/// without the Unicode tables.
fn lowercase(letter: char) -> char {
    match letter {
        'А'..='Я' => char::from_u32(u32::from(letter) + 32).unwrap_or(letter),
        'Ё' => 'ё',
        'а'..='я' | 'ё' => letter,
        _ if letter.is_ascii() => letter.to_ascii_lowercase(),
        _ => letter.to_lowercase().next().unwrap_or(letter),
    }
}

/// [`paradigms`] of a lowercase word given as its number of letters and its letters from the
/// last.
fn paradigms_of_letters(
    n_letters: usize,
    mut letters: impl Iterator<Item = char>,
) -> &'static [Paradigm] {
    let last = letters.next().unwrap_or(' ');
    let before_last = letters.next().unwrap_or(' ');
    let third_last = letters.next().unwrap_or(' ');
    if n_letters < 3 || !('\u{430}'..='\u{44f}').contains(&last) {
        return &[];
    }
    let surname_stem = matches!(
        (third_last, before_last),
        ('о' | 'е', 'в') | ('и' | 'ы', 'н')
    );
    match (before_last, last) {
        ('и', 'я') => &[IYA],
        ('а', 'я') => &[AYA],
        ('я', 'я') => &[YAYA],
        (_, 'я') => &[YA],
        ('г' | 'к' | 'х' | 'ж' | 'ч' | 'ш' | 'щ', 'а') => &[A_SOFT],
        (_, 'а') if surname_stem => &[A_HARD, A_SURNAME],
        (_, 'а') => &[A_HARD],
        ('ы' | 'о', 'й') => &[YJ],
        ('и', 'й') if matches!(third_last, 'к' | 'г' | 'х') => &[KIJ],
        ('и', 'й') if third_last == 'н' => &[IJ, NIJ],
        ('и', 'й') => &[IJ],
        (_, 'й') => &[J],
        (_, 'ь') => &[SOFT_SIGN_M, SOFT_SIGN_F],
        ('о', 'е') => &[OE],
        ('и', 'е') => &[PLURAL_IE],
        ('ы', 'е') => &[PLURAL_YE],
        (_, 'ы') => &[PLURAL_Y],
        (_, 'о' | 'е' | 'и' | 'у' | 'ю' | 'э' | 'ё' | 'ъ') => &[],
        (_, 'ж' | 'ш' | 'ч' | 'щ' | 'ц') => &[CONSONANT_HUSHING],
        (_, 'в' | 'н') if matches!(before_last, 'о' | 'е' | 'и' | 'ы') => {
            &[CONSONANT, CONSONANT_SURNAME]
        }
        _ => &[CONSONANT],
    }
}

/// `word` without its last `drop` letters (empty when it has no more than that).
fn without_last_letters(word: &str, drop: usize) -> &str {
    match drop.checked_sub(1) {
        None => word,
        Some(skipped) => word
            .char_indices()
            .nth_back(skipped)
            .map_or("", |(start, _)| &word[..start]),
    }
}

/// The case forms of a Cyrillic name in the nominative, the name itself excluded: every word
/// declined in the same case ("Южная Корея" → "Южной Кореи", "Южную Корею", ...), a word that
/// does not decline (an acronym, a Latin word, "Ху", "Токио") kept as it is. When a word may
/// follow two paradigms, both are given; a form no text contains is harmless.
pub(crate) fn case_forms(name: &str) -> Vec<String> {
    if !is_cyrillic(name) {
        return Vec::new();
    }
    let words: Vec<&str> = name.split(' ').collect();
    let word_paradigms: Vec<&'static [Paradigm]> = words
        .iter()
        .map(|word| {
            // Acronyms ("РФ") and hyphenated names ("Нью-Йорк") do not decline here.
            let n_capitals = word.chars().filter(|&ch| is_uppercase(ch)).count();
            if n_capitals > 1 || word.contains('-') || !is_cyrillic(word) {
                &[][..]
            } else if word
                .chars()
                .all(|ch| ch.is_ascii() || ('\u{400}'..='\u{4ff}').contains(&ch))
            {
                // ASCII and Cyrillic letters lowercase one to one, so the lowercase word's
                // length and last letters are the word's, lowercased, without a copy of it.
                paradigms_of_letters(word.chars().count(), word.chars().rev().map(lowercase))
            } else {
                paradigms(&word.to_lowercase())
            }
        })
        .collect();
    let mut forms: Vec<String> = Vec::new();
    // The declined texts are written straight into their strings, and the two lists of them are
    // reused from word to word and case to case: the gazetteer declines every Cyrillic name and
    // word of the lists before a build can read its first article.
    let mut declined: Vec<String> = Vec::new();
    let mut longer: Vec<String> = Vec::new();
    let mut word_forms: Vec<(&str, &str)> = Vec::new();
    for case_idx in 0..5 {
        declined.clear();
        declined.push(String::new());
        for (word, paradigms) in words.iter().zip(&word_paradigms) {
            // Each form of the word as its kept stem and its ending.
            word_forms.clear();
            if paradigms.is_empty() {
                word_forms.push((word, ""));
            } else {
                word_forms.extend(paradigms.iter().map(|paradigm| {
                    let (drop, ending) = paradigm[case_idx];
                    (without_last_letters(word, drop), ending)
                }));
            }
            // Every combination of the words' paradigms, the first eight of them; names have
            // few words with two paradigms.
            longer.clear();
            'combinations: for prefix in &declined {
                for &(stem, ending) in &word_forms {
                    if longer.len() == 8 {
                        break 'combinations;
                    }
                    let mut form =
                        String::with_capacity(prefix.len() + 1 + stem.len() + ending.len());
                    if !prefix.is_empty() {
                        form.push_str(prefix);
                        form.push(' ');
                    }
                    form.push_str(stem);
                    form.push_str(ending);
                    longer.push(form);
                }
            }
            std::mem::swap(&mut declined, &mut longer);
        }
        for form in declined.drain(..) {
            if form != name && !forms.contains(&form) {
                forms.push(form);
            }
        }
    }
    forms
}

/// Endings that tell case forms of one folded word apart ("й" is folded to "и").
#[rustfmt::skip]
const CASE_ENDINGS: &[&str] = &[
    "", "а", "я", "у", "ю", "е", "ы", "и", "ом", "ем", "ым", "им", "ой", "ей", "ою", "ею", "ого",
    "его", "ому", "ему", "ую", "юю", "ая", "яя", "ии", "ию", "иеи", "ои", "еи", "ь", "ью",
];

/// Whether two folded Cyrillic words are case forms of one name ("лаврова" / "лавровым",
/// "иса" / "ису"): after a common stem of at least two letters, both remainders are case
/// endings, and the stem is most of the longer word.
#[inline]
pub(crate) fn same_word(left: &str, right: &str) -> bool {
    if left == right {
        return true;
    }
    // Most words compared are Latin; Cyrillic letters take two bytes starting 0xD0 or 0xD1.
    // This much is inlined into the callers, which compare many words.
    let starts_cyrillic = |word: &str| matches!(word.as_bytes().first(), Some(0xD0 | 0xD1));
    if !starts_cyrillic(left) || !starts_cyrillic(right) {
        return false;
    }
    same_cyrillic_word(left, right)
}

/// [`same_word`] for two different words that both start with a Cyrillic letter.
fn same_cyrillic_word(left: &str, right: &str) -> bool {
    let common_bytes: usize = left
        .chars()
        .zip(right.chars())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum();
    // Try the longest stem first and then shorter ones, as "ии" / "и" share letters.
    let mut stem_len = common_bytes;
    loop {
        let stem_chars = left[..stem_len].chars().count();
        if stem_chars < 2 {
            return false;
        }
        let longer = left.chars().count().max(right.chars().count());
        if stem_chars + 3 < longer {
            return false;
        }
        if CASE_ENDINGS.contains(&&left[stem_len..]) && CASE_ENDINGS.contains(&&right[stem_len..]) {
            return true;
        }
        let Some(last) = left[..stem_len].chars().next_back() else {
            return false;
        };
        stem_len -= last.len_utf8();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_forms(name: &str, expected: &[&str]) {
        let forms = case_forms(name);
        for form in expected {
            assert!(
                forms.iter().any(|found| found == form),
                "{form} not in {forms:?}"
            );
        }
    }

    #[test]
    fn declines_names() {
        check_forms("Россия", &["России", "Россию", "Россией"]);
        check_forms("Москва", &["Москвы", "Москве", "Москву", "Москвой"]);
        check_forms("Америка", &["Америки", "Америке"]);
        check_forms("Лавров", &["Лаврова", "Лаврову", "Лавровым", "Лаврове"]);
        check_forms(
            "Сергей Лавров",
            &["Сергея Лаврова", "Сергею Лаврову", "Сергеем Лавровым"],
        );
        check_forms("Южная Корея", &["Южной Кореи", "Южную Корею"]);
        check_forms("Юрий", &["Юрия", "Юрием"]);
        check_forms(
            "Нижний Новгород",
            &["Нижнего Новгорода", "Нижнем Новгороде"],
        );
        check_forms("Эмираты", &["Эмиратов", "Эмиратах"]);
        assert!(case_forms("НАТО").is_empty());
        assert!(case_forms("Токио").is_empty());
        assert!(case_forms("Moscow").is_empty());
    }

    #[test]
    fn tells_case_forms_of_one_word() {
        assert!(same_word("лаврова", "лавровым"));
        assert!(same_word("лавров", "лаврову"));
        assert!(same_word("иса", "ису"));
        assert!(same_word("юрии", "юрия"));
        assert!(same_word("россии", "россия"));
        assert!(!same_word("иванов", "иван"));
        assert!(!same_word("белов", "беляев"));
        assert!(!same_word("smith", "smyth"));
    }
}
