//! End-to-end checks of `enrich_article` on the five seed articles in `../shared/seeds`.

use std::path::{Path, PathBuf};

use super::*;
use crate::clean::Article;
use crate::ingest::SourceRef;

/// Lines after which the seed files hold only site furniture, which `clean` removes.
const FURNITURE_MARKERS: &[&str] = &[
    "Leave a Reply",
    "Latest Posts",
    "Your Name",
    "Previous Story",
    "Source link",
];

/// Reads a seed file the way `clean` would: first non-empty line as title, the rest as body, cut
/// at the first furniture marker.
pub(crate) fn seed_article(path: &Path, text: &str) -> Article {
    let mut lines = text.lines();
    let title = lines
        .by_ref()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string();
    let mut body_lines = Vec::new();
    for line in lines {
        if FURNITURE_MARKERS
            .iter()
            .any(|marker| line.trim() == *marker)
        {
            break;
        }
        body_lines.push(line);
    }
    let body = body_lines.join("\n").trim().to_string();
    Article {
        source: SourceRef {
            path: path.to_path_buf(),
            line: None,
            record_id: None,
        },
        url: None,
        title,
        n_bytes: text.len() as u64,
        body,
        published: None,
        declared_language: None,
    }
}

fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds")
}

fn enrich_seed(name: &str) -> Option<EnrichedArticle> {
    let path = seeds_dir().join(name);
    let text = std::fs::read_to_string(&path).ok()?;
    Some(enrich_article(
        seed_article(&path, &text),
        &Gazetteer::embedded(),
    ))
}

fn find<'a>(entities: &'a [Entity], name: &str) -> Option<&'a Entity> {
    entities.iter().find(|entity| entity.name == name)
}

#[test]
fn seeds_end_to_end() {
    if !seeds_dir().exists() {
        println!("skipped: ../shared/seeds not found");
        return;
    }
    let doc_000 = enrich_seed("000_6ff2ce9165269b08.txt").expect("seed 000 readable");
    assert_eq!(doc_000.language, "en");
    assert_eq!(doc_000.published, None);
    assert!(find(&doc_000.places, "Kyiv").is_some_and(|kyiv| kyiv.aliases == ["Kiev"]));
    assert!(find(&doc_000.places, "Luhansk").is_some());
    assert!(find(&doc_000.organizations, "Central Bank").is_none());

    let doc_002 = enrich_seed("002_7459845795db63e4.txt").expect("seed 002 readable");
    assert_eq!(doc_002.published, Some(jiff::civil::date(2022, 1, 31)));
    let tomorrow = doc_002
        .dates
        .iter()
        .find(|mention| mention.date == "2022-02-01");
    assert!(tomorrow.is_some(), "dates: {:?}", doc_002.dates);
    assert!(find(&doc_002.people, "Maria Zakharova")
        .is_some_and(|person| person.aliases.contains(&"Zajarova".to_string())));
    assert!(doc_002
        .dates
        .iter()
        .all(|mention| mention.date != "2024-11-25" || mention.text.contains("November")));

    let doc_003 = enrich_seed("003_69955482a43b296f.txt").expect("seed 003 readable");
    assert_eq!(doc_003.published, Some(jiff::civil::date(2022, 2, 12)));

    let doc_004 = enrich_seed("004_e3dd5379f5f7fb89.txt").expect("seed 004 readable");
    let blinken = find(&doc_004.people, "Antony Blinken").expect("Blinken found in 004");
    assert!(
        blinken.aliases.contains(&"Anthony Blingen".to_string()),
        "aliases: {:?}",
        blinken.aliases
    );
    assert_eq!(
        doc_004
            .people
            .iter()
            .filter(|person| person.name.contains("Blin"))
            .count(),
        1
    );
    assert!(find(&doc_004.people, "Xi Jinping").is_none());
    assert!(find(&doc_004.places, "Belgrade").is_none());
    assert!(doc_004
        .dates
        .iter()
        .any(|mention| mention.date == "2022-01-21"));
}

#[test]
fn enrich_prefers_declared_language_and_metadata_date() {
    let mut article = seed_article(
        Path::new("x.txt"),
        "Title\n\nLavrov spoke on Tuesday in Kiev.",
    );
    article.declared_language = Some("EN-gb".to_string());
    article.published = Some(jiff::civil::date(2022, 2, 17));
    let enriched = enrich_article(article, &Gazetteer::embedded());
    assert_eq!(enriched.language, "en");
    assert_eq!(
        enriched.dates.first().map(|mention| mention.date.as_str()),
        Some("2022-02-15")
    );
    assert_eq!(
        enriched.places.first().map(|place| place.name.as_str()),
        Some("Kyiv")
    );
}
