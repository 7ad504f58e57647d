//! Tags an article's language with whatlang and maps whatlang's ISO 639-3 codes to the ISO 639-1
//! codes idx stores. Owns the "und" fallback; knows nothing of scripts beyond what whatlang says.

/// Bytes of text given to whatlang: trigram statistics are settled after a paragraph, and
/// detecting on a prefix keeps language tagging cheap whatever the article's length.
const DETECTION_PREFIX_BYTES: usize = 300;

/// Bytes given to whatlang when the first [`DETECTION_PREFIX_BYTES`] leave it unsure: an
/// opening full of names ("It's a tranquil afternoon on the Whitsunday Islands at the southern
/// end of Australia's Great Barrier Reef") is not enough, the next paragraphs are.
const SECOND_LOOK_BYTES: usize = 3000;

/// The ISO 639-1 code of `text`'s language, or "und" when whatlang is not confident (too short,
/// mixed, or a language without a two-letter code).
pub fn tag_language(text: &str) -> String {
    if let Some(code) = clear_function_word_language(text) {
        return code.to_string();
    }
    for limit in [DETECTION_PREFIX_BYTES, SECOND_LOOK_BYTES] {
        let mut cut = text.len().min(limit);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        if let Some(info) = whatlang::detect(&text[..cut]).filter(whatlang::Info::is_reliable) {
            return iso_639_1(info.lang().code()).unwrap_or("und").to_string();
        }
        if cut == text.len() {
            break;
        }
    }
    "und".to_string()
}

/// The most likely language of `text` among the languages idx can stem, however unsure. Used
/// only to pick a stemmer for an article tagged "und" (a short text is still better stemmed
/// with its likely language than not at all); never stored as the article's language.
///
/// Short texts are where whatlang's trigrams fail ("The ministers said that they would meet
/// again next week." comes out Catalan), so a vote of function words decides first, and
/// whatlang, limited to the stemmed languages, only when no function word is found.
pub fn guess_language(text: &str) -> Option<&'static str> {
    use whatlang::Lang;
    #[rustfmt::skip]
    const FUNCTION_WORDS: &[(&str, &[&str])] = &[
        ("en", &["the", "and", "of", "to", "in", "is", "that", "with", "for", "was", "said", "they", "would", "will", "has"]),
        ("de", &["der", "die", "das", "und", "ist", "nicht", "mit", "sich", "auf", "ein", "eine", "dem", "den", "wird"]),
        ("es", &["el", "la", "los", "las", "y", "que", "del", "en", "por", "con", "una", "para", "es", "se"]),
        ("fr", &["le", "la", "les", "et", "des", "est", "que", "une", "dans", "pour", "qui", "sur", "pas", "du"]),
        ("it", &["il", "la", "che", "di", "e", "della", "per", "con", "una", "sono", "del", "non", "gli"]),
        ("pt", &["o", "a", "os", "as", "que", "do", "da", "em", "para", "com", "uma", "não", "dos"]),
        ("nl", &["de", "het", "een", "en", "van", "is", "dat", "niet", "met", "voor", "zijn", "op"]),
        ("ru", &["и", "в", "не", "на", "что", "с", "по", "это", "он", "как", "а", "к", "из", "за"]),
        ("ro", &["și", "în", "este", "care", "cu", "pentru", "un", "o", "din", "la", "nu", "pe"]),
        ("sv", &["och", "att", "det", "som", "en", "är", "på", "för", "med", "inte", "av", "till"]),
    ];
    let mut votes = [0usize; FUNCTION_WORDS.len()];
    for word in text
        .split(|character: char| !character.is_alphanumeric())
        .take(400)
    {
        if word.is_empty() || word.len() > 8 {
            continue;
        }
        let lower = word.to_lowercase();
        for (language_idx, (_, words)) in FUNCTION_WORDS.iter().enumerate() {
            if words.contains(&lower.as_str()) {
                votes[language_idx] += 1;
            }
        }
    }
    let best = votes.iter().enumerate().max_by_key(|(_, count)| **count);
    if let Some((language_idx, count)) = best {
        let runner_up = votes
            .iter()
            .enumerate()
            .filter(|(other_idx, _)| *other_idx != language_idx)
            .map(|(_, count)| *count)
            .max()
            .unwrap_or(0);
        if *count >= 2 && *count > runner_up {
            return Some(FUNCTION_WORDS[language_idx].0);
        }
    }
    let mut cut = text.len().min(DETECTION_PREFIX_BYTES);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let stemmed = vec![
        Lang::Ara,
        Lang::Dan,
        Lang::Deu,
        Lang::Ell,
        Lang::Eng,
        Lang::Spa,
        Lang::Fin,
        Lang::Fra,
        Lang::Hun,
        Lang::Ita,
        Lang::Nld,
        Lang::Nob,
        Lang::Por,
        Lang::Ron,
        Lang::Rus,
        Lang::Swe,
        Lang::Tam,
        Lang::Tur,
    ];
    let detector = whatlang::Detector::with_allowlist(stemmed);
    let code = detector
        .detect(&text[..cut])
        .and_then(|info| iso_639_1(info.lang().code()))?;
    // Norwegian Bokmål is "nb" in ISO 639-1 and "no" in idx's stemmer list.
    Some(if code == "nb" { "no" } else { code })
}

/// Function words that are frequent in one language and rare in the others whatlang is asked
/// about; a text whose opening is dense with one list is tagged without running whatlang.
#[rustfmt::skip]
const TELLTALE_WORDS: &[(&str, &[&str])] = &[
    ("en", &["the", "and", "of", "to", "is", "that", "with", "for", "was", "said", "has", "have", "were", "which"]),
    ("de", &["der", "die", "das", "und", "ist", "nicht", "mit", "sich", "auf", "dem", "den", "wird", "auch"]),
    ("es", &["el", "los", "las", "y", "que", "del", "por", "con", "una", "para", "como", "pero"]),
    ("fr", &["le", "les", "et", "des", "est", "une", "dans", "pour", "qui", "sur", "pas", "au", "aux"]),
];

/// The language of `text` when its first 60 words hold at least eight telltale function words
/// of one language and at most one of any other, or its first 120 words as many English ones:
/// whatlang would agree, at a fraction of the cost. `None` leaves the decision to whatlang.
///
/// The second window takes in the English articles that open with a list, a caption or a
/// dateline: in news-articles-en, 282 of the 392 articles the first window left to whatlang,
/// and in every one of them (and the 4 more of the other shared corpora) whatlang's answer was
/// the same, each call costing it as much as the vote over a hundred articles. It decides for
/// English only: the Spanish list's words are as common in Portuguese and Galician, which have
/// no list, and 120 words of Portuguese often hold eight of them.
fn clear_function_word_language(text: &str) -> Option<&'static str> {
    let mut votes = [0usize; TELLTALE_WORDS.len()];
    let mut buffer = [0u8; 8];
    let mut words = text
        .split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty());
    for (n_words, languages) in [(60, &["en", "de", "es", "fr"][..]), (60, &["en"][..])] {
        for word in words.by_ref().take(n_words) {
            // Telltale words are short ASCII; anything else cannot be one.
            if word.len() > buffer.len() || !word.is_ascii() {
                continue;
            }
            let lowered = &mut buffer[..word.len()];
            lowered.copy_from_slice(word.as_bytes());
            lowered.make_ascii_lowercase();
            for (language_idx, (_, words)) in TELLTALE_WORDS.iter().enumerate() {
                if words
                    .iter()
                    .any(|telltale| telltale.as_bytes() == &*lowered)
                {
                    votes[language_idx] += 1;
                }
            }
        }
        if let Some(language) = clear_vote(&votes).filter(|language| languages.contains(language)) {
            return Some(language);
        }
    }
    None
}

/// The language of [`TELLTALE_WORDS`] with at least eight `votes` when no other has more than
/// one.
fn clear_vote(votes: &[usize]) -> Option<&'static str> {
    let (best_idx, best) = votes
        .iter()
        .copied()
        .enumerate()
        .max_by_key(|&(_, count)| count)?;
    let others_max = votes
        .iter()
        .enumerate()
        .filter(|&(language_idx, _)| language_idx != best_idx)
        .map(|(_, &count)| count)
        .max()
        .unwrap_or(0);
    (best >= 8 && others_max <= 1).then_some(TELLTALE_WORDS[best_idx].0)
}

/// Normalises a declared language ("en", "EN-us", "pt_BR") to a lowercase ISO 639-1 code, or
/// `None` when it does not look like one.
pub fn normalize_declared_language(declared: &str) -> Option<String> {
    let primary = declared.trim().split(['-', '_']).next().unwrap_or("");
    (primary.len() == 2 && primary.chars().all(|ch| ch.is_ascii_alphabetic()))
        .then(|| primary.to_ascii_lowercase())
}

/// Maps whatlang's ISO 639-3 code to ISO 639-1; `None` for languages that have no 639-1 code.
pub fn iso_639_1(iso_639_3: &str) -> Option<&'static str> {
    #[rustfmt::skip]
    let code = match iso_639_3 {
        "afr" => "af", "aka" => "ak", "amh" => "am", "ara" => "ar", "aze" => "az", "bel" => "be",
        "ben" => "bn", "bul" => "bg", "cat" => "ca", "ces" => "cs", "cmn" => "zh", "cym" => "cy",
        "dan" => "da", "deu" => "de", "ell" => "el", "eng" => "en", "epo" => "eo", "est" => "et",
        "fin" => "fi", "fra" => "fr", "guj" => "gu", "heb" => "he", "hin" => "hi", "hrv" => "hr",
        "hun" => "hu", "hye" => "hy", "ind" => "id", "ita" => "it", "jav" => "jv", "jpn" => "ja",
        "kan" => "kn", "kat" => "ka", "khm" => "km", "kor" => "ko", "lat" => "la", "lav" => "lv",
        "lit" => "lt", "mal" => "ml", "mar" => "mr", "mkd" => "mk", "mya" => "my", "nep" => "ne",
        "nld" => "nl", "nob" => "nb", "ori" => "or", "pan" => "pa", "pes" => "fa", "pol" => "pl",
        "por" => "pt", "ron" => "ro", "rus" => "ru", "sin" => "si", "slk" => "sk", "slv" => "sl",
        "sna" => "sn", "spa" => "es", "srp" => "sr", "swe" => "sv", "tam" => "ta", "tel" => "te",
        "tgl" => "tl", "tha" => "th", "tuk" => "tk", "tur" => "tr", "ukr" => "uk", "urd" => "ur",
        "uzb" => "uz", "vie" => "vi", "yid" => "yi", "zul" => "zu",
        _ => return None,
    };
    Some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &str) {
        assert_eq!(tag_language(text), expected, "language of {text:?}");
    }

    fn check_declared(declared: &str, expected: Option<&str>) {
        assert_eq!(normalize_declared_language(declared).as_deref(), expected);
    }

    #[test]
    fn tags_common_news_languages() {
        check("Russian Foreign Minister Sergei Lavrov held a telephone conversation with his US counterpart on Tuesday to discuss security in Europe.", "en");
        check("Министр иностранных дел России Сергей Лавров провёл телефонный разговор с госсекретарём США во вторник.", "ru");
        check("Der russische Außenminister Sergej Lawrow hat am Dienstag mit seinem amerikanischen Amtskollegen telefoniert.", "de");
        check("El canciller ruso Serguéi Lavrov mantuvo el martes una conversación telefónica con su homólogo estadounidense.", "es");
        check("Le ministre russe des Affaires étrangères Sergueï Lavrov s'est entretenu mardi au téléphone avec son homologue américain.", "fr");
        check("Minister spraw zagranicznych Rosji Siergiej Ławrow rozmawiał we wtorek telefonicznie z sekretarzem stanu USA.", "pl");
        check("", "und");
        check("ok", "und");
    }

    #[test]
    fn an_opening_of_names_is_read_past() {
        // The first 300 bytes (and the first 60 words, where function words are counted)
        // are a list of capitals, on which whatlang is unsure; the paragraph after settles it.
        let opening = "Helsinki, Lisboa, Budapest, Vilnius, Kobenhavn, Reykjavik, Ljubljana, \
                       Bucuresti, Wien, Praha, Tallinn, Athina, Valletta, Riga, Oslo, Bern, Sofia, \
                       Tirana, Skopje, Minsk, Chisinau, Vaduz, Monaco, Dublin, Madrid, Roma, \
                       Zagreb, Beograd, Sarajevo, Pristina, Nicosia, Andorra, Stockholm, \
                       Bratislava, Podgorica, Kyiv, Ankara, Tbilisi, Yerevan, Baku, Astana, \
                       Tashkent, Bishkek, Dushanbe, Ashgabat, Kabul, Tehran, Baghdad, Damascus, \
                       Beirut, Amman, Riyadh, Doha, Manama, Muscat, Sanaa, Cairo, Tripoli, Tunis, \
                       Algiers, Rabat, Khartoum. ";
        let prose = "The reef draws visitors from all over the world, and the operators who \
                     take them out to the coral say that the number of tourists has grown every \
                     year. Many of them now ask whether the reef will still be there when their \
                     children are old enough to see it, and the guides have started to answer \
                     with what they know of the warming water and of the bleaching it brings.";
        check(&format!("{opening}{prose}"), "en");
    }

    #[test]
    fn function_words_decide_within_sixty_words_or_else_within_a_hundred_and_twenty() {
        // Forty words of names, then prose: four telltale words in the first sixty, eleven in
        // the first hundred and twenty.
        let names = "Helsinki Lisboa Budapest Vilnius Reykjavik Ljubljana Bucuresti Wien Praha \
                     Tallinn Athina Valletta Riga Oslo Bern Sofia Tirana Skopje Minsk Chisinau \
                     Vaduz Monaco Dublin Madrid Roma Zagreb Beograd Sarajevo Pristina Nicosia \
                     Andorra Stockholm Bratislava Podgorica Kyiv Ankara Tbilisi Yerevan Baku \
                     Astana ";
        let prose = "The reef draws visitors from all over the world and the operators who take \
                     them out to the coral said that the number of tourists has grown every \
                     year. Many of them now ask whether the reef will still be there when their \
                     children are old enough to see it, and the guides have started to answer \
                     with what they know of the water.";
        assert_eq!(
            clear_function_word_language(&format!("{names}{prose}")),
            Some("en")
        );
        // The same prose after a hundred and twenty names: its telltale words come too late
        // to count.
        let many_names = format!("{names}{names}{names}");
        assert_eq!(
            clear_function_word_language(&format!("{many_names}{prose}")),
            None
        );
        // Portuguese prose holds the Spanish list's "que", "por", "para" and "como": past the
        // first sixty words, only English is decided without whatlang.
        let portuguese = "O governo anunciou que vai rever as regras para o setor, segundo o \
                          ministro, que falou aos jornalistas por telefone. As empresas, como \
                          disse o presidente, esperam que a decisão seja tomada para breve. ";
        let opening = format!("{names}{portuguese}");
        assert_eq!(
            clear_function_word_language(&format!("{opening}{portuguese}{portuguese}")),
            None
        );
        // Two languages' function words: left to whatlang.
        let mixed = "the and of to is that with for was said der die das und ist nicht mit sich";
        assert_eq!(clear_function_word_language(mixed), None);
    }

    #[test]
    fn maps_iso_codes() {
        assert_eq!(iso_639_1("eng"), Some("en"));
        assert_eq!(iso_639_1("cmn"), Some("zh"));
        assert_eq!(iso_639_1("xyz"), None);
        check_declared("en", Some("en"));
        check_declared("EN-us", Some("en"));
        check_declared("pt_BR", Some("pt"));
        check_declared("english", None);
        check_declared("", None);
        let check_guess = |text: &str, expected: Option<&str>| {
            assert_eq!(guess_language(text), expected, "{text}")
        };
        check_guess(
            "The ministers said that they would meet again next week.",
            Some("en"),
        );
        check_guess(
            "Die Minister sagten, dass sie sich nicht mehr treffen.",
            Some("de"),
        );
        check_guess(
            "Los ministros dijeron que se reunirán la semana que viene.",
            Some("es"),
        );
        check_guess(
            "Министры сказали, что не встретятся на следующей неделе.",
            Some("ru"),
        );
        check_guess("", None);
    }
}
