//! Property tests: no query, date or text, however odd, panics; every rejected query names
//! a position inside itself. `PROPTEST_CASES=200000 cargo test --release --test integration
//! fuzz` is the long run reported in the closing notes; CI runs the default 256 cases.

use std::sync::OnceLock;

use proptest::prelude::*;

/// A small index, built once, that queries run against.
fn small_index() -> &'static idx::Index {
    static INDEX: OnceLock<(tempfile::TempDir, idx::Index)> = OnceLock::new();
    let (_, index) = INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(&corpus).expect("mkdir");
        std::fs::write(corpus.join("a.txt"), "Lavrov meets Blinken in Geneva\n\nThe ministers discussed security guarantees on Tuesday, February 15, 2022.").expect("write");
        std::fs::write(corpus.join("b.jsonl"), "{\"id\":\"r1\",\"title\":\"Переговоры в Женеве\",\"text\":\"Сергей Лавров обсудил гарантии безопасности.\",\"published\":\"2022-01-10\",\"language\":\"ru\"}\n").expect("write");
        let index_path = dir.path().join("index");
        idx::build(&idx::BuildOptions::new(&index_path, vec![corpus])).expect("build");
        let index = idx::Index::open(&index_path).expect("open");
        (dir, index)
    });
    index
}

/// Query-shaped strings: fragments of the syntax glued together, plus arbitrary text.
fn query_strategy() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("(".to_string()),
        Just(")".to_string()),
        Just("\"".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just(" TO ".to_string()),
        Just("*".to_string()),
        Just("~".to_string()),
        Just("~2".to_string()),
        Just(" AND ".to_string()),
        Just(" OR ".to_string()),
        Just(" NOT ".to_string()),
        Just("-".to_string()),
        Just("+".to_string()),
        Just(":".to_string()),
        Just("actor:".to_string()),
        Just("published:".to_string()),
        Just("date:".to_string()),
        Just("lang:".to_string()),
        Just("place:".to_string()),
        Just("title:".to_string()),
        Just("2022-02".to_string()),
        Just("2022-02-30".to_string()),
        Just("lavrov".to_string()),
        Just("гарантии".to_string()),
        Just(" ".to_string()),
        "[a-z]{1,6}",
        "\\PC{0,4}",
    ];
    prop::collection::vec(fragment, 0..12).prop_map(|parts| parts.concat())
}

/// The embedded name lists, compiled once.
fn gazetteer() -> &'static idx::enrich::Gazetteer {
    static GAZETTEER: OnceLock<idx::enrich::Gazetteer> = OnceLock::new();
    GAZETTEER.get_or_init(idx::enrich::Gazetteer::embedded)
}

/// Text made of what the name finder reacts to: capitalised and listed names, Romanian and
/// Cyrillic letters, possessives, list joiners, initials, titles, replacement characters and
/// line breaks, glued in any order, plus arbitrary text.
fn names_text_strategy() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("Sergei Lavrov".to_string()),
        Just("Geneva".to_string()),
        Just("Bucureștiului".to_string()),
        Just("județul Argeș".to_string()),
        Just(" din ".to_string()),
        Just(" de la ".to_string()),
        Just(", ".to_string()),
        Just(" și ".to_string()),
        Just("'s Day".to_string()),
        Just("’s ".to_string()),
        Just("West ".to_string()),
        Just("Institutul Polonez".to_string()),
        Just("Mr. ".to_string()),
        Just("J. ".to_string()),
        Just("St. ".to_string()),
        Just("Сергея Лаврова".to_string()),
        Just("\u{FFFD}".to_string()),
        Just("\n".to_string()),
        Just(". ".to_string()),
        Just("-".to_string()),
        Just("(".to_string()),
        Just("DNA".to_string()),
        "[A-Z][a-z]{0,8}",
        "\\PC{0,6}",
    ];
    prop::collection::vec(fragment, 0..24).prop_map(|parts| parts.concat())
}

fn check_query(query: &str) -> Result<(), TestCaseError> {
    let options = idx::SearchOptions {
        limit: 3,
        ..idx::SearchOptions::default()
    };
    match small_index().search(query, &options) {
        Ok(hits) => prop_assert!(hits.hits.len() <= 3),
        Err(idx::Error::Query {
            span,
            column,
            query: echoed,
            ..
        }) => {
            prop_assert_eq!(echoed.as_str(), query);
            prop_assert!(
                span.start <= span.end && span.end <= query.len(),
                "span {span:?} outside {query:?}"
            );
            prop_assert!(column >= 1 && column <= query.chars().count() + 1);
        }
        Err(other) => prop_assert!(false, "{query:?} gave a non-query error: {other}"),
    }
    Ok(())
}

proptest! {
    #[test]
    fn queries_never_panic_and_errors_point_inside(query in query_strategy()) {
        check_query(&query)?;
    }

    #[test]
    fn arbitrary_strings_never_panic_as_queries(query in "\\PC{0,40}") {
        check_query(&query)?;
    }

    #[test]
    fn plain_words_queries_never_fail_on_text(query in "\\PC{1,60}") {
        let options = idx::SearchOptions { syntax: idx::QuerySyntax::Words, ..idx::SearchOptions::default() };
        if !query.trim().is_empty() {
            prop_assert!(small_index().search(&query, &options).is_ok());
        }
    }

    #[test]
    fn date_parsers_never_panic(text in "\\PC{0,40}", year in 1800i16..2200, month in 1i8..13, day in 1i8..29) {
        let _ = idx::query::parse_partial_date(&text);
        let _ = idx::clean::parse_published(&text);
        let iso = format!("{year:04}-{month:02}-{day:02}");
        prop_assert_eq!(idx::query::parse_partial_date(&iso).map(|date| date.text()), Some(iso.clone()));
        prop_assert_eq!(idx::clean::parse_published(&iso).map(|date| date.to_string()), Some(iso));
    }

    #[test]
    fn names_in_text_never_panic(text in names_text_strategy()) {
        let found = idx::enrich::find_names(&text, "en", gazetteer());
        for entity in found.people.iter().chain(&found.organizations).chain(&found.places) {
            prop_assert!(!entity.name.is_empty());
        }
    }

    #[test]
    fn dates_in_text_never_panic(text in "\\PC{0,80}", offset_days in 0i64..20000) {
        let published = jiff::civil::date(1990, 1, 1).checked_add(jiff::Span::new().days(offset_days)).ok();
        let _ = idx::enrich::find_dates(&text, "en", published);
        let _ = idx::enrich::find_dates(&text, "ru", published);
    }
}

#[test]
fn deeply_nested_and_long_queries_are_refused_not_run() {
    let nested = format!("{}lavrov{}", "(".repeat(5000), ")".repeat(5000));
    assert!(matches!(
        small_index().search(&nested, &idx::SearchOptions::default()),
        Err(idx::Error::Query { .. })
    ));
    let long = "lavrov ".repeat(5000);
    assert!(matches!(
        small_index().search(&long, &idx::SearchOptions::default()),
        Err(idx::Error::Query { .. })
    ));
    let negations = "-".repeat(10000) + "lavrov";
    assert!(matches!(
        small_index().search(&negations, &idx::SearchOptions::default()),
        Err(idx::Error::Query { .. })
    ));
}
