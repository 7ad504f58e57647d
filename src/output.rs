//! Rendering results for people (a terminal) and for programs (JSON).
//!
//! Nothing here searches or builds; it turns [`Hits`], [`BuildReport`]s, [`IndexStats`] and
//! extracted articles into text. The binary decides where the text goes and whether colour
//! is on.
//!
//! # Wire format
//!
//! Field names are snake_case, dates ISO 8601 (`YYYY-MM-DD`, or `YYYY-MM`/`YYYY` for a
//! mentioned date known only to the month or year), and an unknown value is `null`, never a
//! guess. Fields may be added; renaming or removing one is a breaking change.
//!
//! ## `idx query --json`: one object
//!
//! ```json
//! {"query": "security guarantees", "total": 6, "took_ms": 1.9,
//!  "hits": [{"id": "3f0c…", "source": "en/geneva.txt", "sources": ["en/geneva.txt"],
//!            "url": null, "title": "…", "published": "2022-01-20", "language": "en",
//!            "score": 7.42, "snippet": "…", "highlights": [[12, 20]],
//!            "people": ["Antony Blinken"], "organizations": ["NATO"], "places": ["Geneva"],
//!            "dates": ["2022-01-21"]}],
//!  "facets": {"actor": [{"value": "Antony Blinken", "count": 4}], "place": […],
//!             "lang": […], "year": […]},
//!  "expanded_with": []}
//! ```
//! `highlights` are byte ranges of `snippet`. `score` is `null` when hits are listed by date
//! (`--sort date`, or a query of filters alone).
//! `expanded_with` lists the (stemmed) words added to a long plain-words query from its best
//! articles, empty when the query ran as written.
//!
//! ## `idx build --json`: one object, the [`BuildReport`]
//!
//! `{"index", "files_seen", "bytes_read", "articles_read", "articles_added",
//! "articles_unchanged", "articles_updated", "articles_removed", "duplicates",
//! "articles_in_index", "by_language": {"en": 12}, "skipped": [{"path", "line", "reason"}],
//! "warnings": [...], "actors_in_registry": 77, "registry": {"names", "actors",
//! "merged_by_lists", "merged_by_spelling", "merged_by_context"}, "timings": {"reading_ms",
//! "cleaning_ms", "enriching_ms", "writing_ms", "committing_ms", "registry_ms", "total_ms"}}`
//!
//! ## `idx extract --json`: JSON Lines, one object per article
//!
//! `{"source": "dir/a.txt" | "dir/feed.jsonl#wire-001" | "dir/feed.jsonl:7", "language": "en",
//! "title": "…", "published": "2022-01-31" | null, "people": [{"name", "aliases",
//! "mentions"}], "organizations": [...], "places": [...], "dates": [{"date", "text"}]}`
//!
//! ## `idx stats --json`: one object, the [`IndexStats`]
//!
//! ## `idx actors --json`: JSON Lines, one object per canonical actor or place
//!
//! `{"name": "Antony Blinken", "kind": "person" | "organization" | "place",
//! "aliases": ["Anthony Blingen", "Blingen", "Blinken"], "articles": 7,
//! "first_seen": "2022-01-19" | null, "last_seen": "2022-02-19" | null}`, most articles first.
//! `aliases` are every other spelling seen across the corpus (sorted), and for a name seen only
//! in Cyrillic its Latin transliteration. `first_seen`/`last_seen` are publication dates,
//! `null` when no article of the actor has one.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::build::BuildReport;
use crate::enrich::{DateMention, EnrichedArticle, Entity};
use crate::query::{FacetCounts, Hits};

/// Summary of an index, as `idx stats` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct IndexStats {
    /// The index folder.
    pub index: String,
    /// Articles in the index.
    pub articles: usize,
    /// Earliest publication date.
    pub published_from: Option<String>,
    /// Latest publication date.
    pub published_to: Option<String>,
    /// Size of the index files in bytes.
    pub size_bytes: u64,
    /// Languages, top actors, top places and years.
    pub facets: FacetCounts,
}

/// One article as `idx extract` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct ExtractedArticle<'a> {
    /// `path`, `path#record-id` or `path:line`.
    pub source: String,
    /// ISO 639-1 code or `und`.
    pub language: &'a str,
    /// Headline.
    pub title: &'a str,
    /// Publication date, `null` when unknown.
    pub published: Option<String>,
    /// People, merged by canonical name.
    pub people: &'a [Entity],
    /// Organisations, merged by canonical name.
    pub organizations: &'a [Entity],
    /// Places, merged by canonical name.
    pub places: &'a [Entity],
    /// Dates the article mentions.
    pub dates: &'a [DateMention],
    /// The cleaned article text, with `--body`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<&'a str>,
}

impl<'a> ExtractedArticle<'a> {
    /// The printable view of an enriched article.
    pub fn new(article: &'a EnrichedArticle, with_body: bool) -> Self {
        ExtractedArticle {
            source: crate::build::source_label(&article.article.source),
            language: &article.language,
            title: &article.article.title,
            published: article.published.map(|date| date.to_string()),
            people: &article.people,
            organizations: &article.organizations,
            places: &article.places,
            dates: &article.dates,
            body: with_body.then_some(article.article.body.as_str()),
        }
    }
}

/// Writes `value` as one line of JSON.
pub fn write_json_line(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    // Serialise first, so that a closed pipe surfaces as the io::Error it is (the binary
    // exits quietly on BrokenPipe) rather than as a serde error.
    let mut line = serde_json::to_vec(value).map_err(io::Error::other)?;
    line.push(b'\n');
    out.write_all(&line)
}

/// Appends `text` to `json` as a JSON string, byte for byte as serde_json writes it. serde_json
/// escapes only control characters, quotes and backslashes, which almost no name has: those
/// few go through serde_json itself, the rest are copied whole. Used where the index and the
/// registry write many small strings, and serde's machinery cost more than the text.
pub(crate) fn push_json_string(json: &mut String, text: &str) {
    if needs_json_escape(text.as_bytes()) {
        json.push_str(&serde_json::to_string(text).expect("a string always serialises"));
    } else {
        json.reserve(text.len() + 2);
        json.push('"');
        json.push_str(text);
        json.push('"');
    }
}

/// Whether `text` has a byte JSON escapes: a control character, a quote or a backslash.
///
/// Eight bytes are tested at once, as one number: a byte below 0x20, or one equal to `"` or
/// `\`, sets the high bit of its byte in the tests below (a borrow can also set it in a
/// higher byte, but only above a byte that really is special, so the answer is exact). The
/// last word overlaps the one before it, and a text shorter than a word is padded with a
/// letter. A name of fifteen bytes takes two tests instead of fifteen, and no test stops
/// early, so the loop has no branch to mispredict.
fn needs_json_escape(text: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let has_zero_byte = |word: u64| word.wrapping_sub(ONES) & !word & HIGH_BITS != 0;
    let has_special_byte = |word: u64| {
        let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGH_BITS != 0;
        below_space
            | has_zero_byte(word ^ (ONES * u64::from(b'"')))
            | has_zero_byte(word ^ (ONES * u64::from(b'\\')))
    };
    let word_at = |start: usize| {
        let mut word = [0u8; 8];
        word.copy_from_slice(&text[start..start + 8]);
        u64::from_le_bytes(word)
    };
    if text.len() < 8 {
        let mut last = [b'a'; 8];
        for (position, &byte) in text.iter().enumerate() {
            last[position] = byte;
        }
        return has_special_byte(u64::from_le_bytes(last));
    }
    // The last eight bytes are tested as one word, overlapping the words before it.
    let mut found = has_special_byte(word_at(text.len() - 8));
    for start in (0..text.len() - 8).step_by(8) {
        found |= has_special_byte(word_at(start));
    }
    found
}

/// Appends `texts` to `json` as a JSON array of strings, as serde_json writes it.
pub(crate) fn push_json_strings<Text: AsRef<str>>(json: &mut String, texts: &[Text]) {
    json.push('[');
    for (text_idx, text) in texts.iter().enumerate() {
        if text_idx > 0 {
            json.push(',');
        }
        push_json_string(json, text.as_ref());
    }
    json.push(']');
}

/// Appends `number` to `json` in decimal, as serde_json does, without the formatting
/// machinery of `write!` for every count.
pub(crate) fn push_json_number(json: &mut String, mut number: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (number % 10) as u8;
        number /= 10;
        if number == 0 {
            break;
        }
    }
    for &digit in &digits[start..] {
        json.push(char::from(digit));
    }
}

/// Writes the hits of one query as lines of a TREC run (`qid Q0 docid rank score run`), one
/// per source of each hit: `docid` is the record's own id when the source has one
/// (`file.jsonl#id`), else the source. trec_eval ranks by score, not by the rank column, so
/// hits listed by date (no score) get scores that fall with the rank, keeping their order.
pub fn write_trec(
    out: &mut dyn Write,
    query_id: &str,
    hits: &Hits,
    run_name: &str,
) -> io::Result<()> {
    let n_lines: usize = hits.hits.iter().map(|hit| hit.sources.len()).sum();
    let mut rank = 0;
    for hit in &hits.hits {
        for source in &hit.sources {
            rank += 1;
            let doc_id = source
                .rsplit_once('#')
                .map_or(source.as_str(), |(_, record_id)| record_id);
            let score = hit
                .score
                .map_or_else(|| (n_lines + 1 - rank) as f64, f64::from);
            writeln!(out, "{query_id} Q0 {doc_id} {rank} {score:.6} {run_name}")?;
        }
    }
    Ok(())
}

/// Styles used in human output; all plain when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    title: Style,
    dim: Style,
    highlight: Style,
}

impl Palette {
    /// Colours for a terminal, or none.
    pub fn new(color: bool) -> Self {
        if color {
            Palette {
                title: Style::new().bold(),
                dim: Style::new().fg_color(Some(AnsiColor::BrightBlack.into())),
                highlight: Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
            }
        } else {
            Palette {
                title: Style::new(),
                dim: Style::new(),
                highlight: Style::new(),
            }
        }
    }
}

fn styled(style: Style, text: &str) -> String {
    if style == Style::new() {
        text.to_string()
    } else {
        format!("{style}{text}{style:#}")
    }
}

/// Human output of a query: numbered hits with title, date, language, source and snippet,
/// then the facets.
pub fn write_hits(
    out: &mut dyn Write,
    hits: &Hits,
    offset: usize,
    palette: Palette,
) -> io::Result<()> {
    for (position, hit) in hits.hits.iter().enumerate() {
        let title = if hit.title.is_empty() {
            "(no title)"
        } else {
            hit.title.as_str()
        };
        writeln!(
            out,
            "{:>3}. {}",
            offset + position + 1,
            styled(palette.title, title)
        )?;
        let published = hit.published.as_deref().unwrap_or("date unknown");
        let mut source = hit.source.clone();
        if hit.sources.len() > 1 {
            source.push_str(&format!(" (+{} copies)", hit.sources.len() - 1));
        }
        writeln!(
            out,
            "     {}",
            styled(
                palette.dim,
                &format!("{published} · {} · {source}", hit.language)
            )
        )?;
        let mut snippet = String::new();
        let mut cursor = 0;
        for [start, end] in &hit.highlights {
            let (Some(before), Some(matched)) = (
                hit.snippet.get(cursor..*start),
                hit.snippet.get(*start..*end),
            ) else {
                continue;
            };
            snippet.push_str(before);
            if palette.highlight == Style::new() {
                snippet.push_str(matched);
            } else {
                snippet.push_str(&styled(palette.highlight, matched));
            }
            cursor = *end;
        }
        snippet.push_str(hit.snippet.get(cursor..).unwrap_or(""));
        let snippet = snippet.split_whitespace().collect::<Vec<_>>().join(" ");
        if !snippet.is_empty() {
            writeln!(out, "     {snippet}")?;
        }
        writeln!(out)?;
    }
    let shown = if hits.hits.is_empty() {
        String::new()
    } else {
        format!("; showing {}-{}", offset + 1, offset + hits.hits.len())
    };
    let noun = if hits.total == 1 {
        "article"
    } else {
        "articles"
    };
    writeln!(
        out,
        "{} {noun} matched in {:.1} ms{shown}",
        hits.total, hits.took_ms
    )?;
    write_facets(out, &hits.facets, palette)
}

/// Facet counts, one line per facet.
pub fn write_facets(out: &mut dyn Write, facets: &FacetCounts, palette: Palette) -> io::Result<()> {
    for (kind, values) in facets.iter() {
        if values.is_empty() {
            continue;
        }
        let listed: Vec<String> = values
            .iter()
            .map(|value| format!("{} ({})", value.value, value.count))
            .collect();
        writeln!(
            out,
            "{} {}",
            styled(palette.dim, &format!("{:>6}:", kind.name())),
            listed.join(" · ")
        )?;
    }
    Ok(())
}

/// The one-line summary of a build, e.g. `indexed 34 articles from 21 files (0.1 MB) in 0.4 s`.
pub fn build_summary(report: &BuildReport) -> String {
    let seconds = report.timings.total_ms / 1000.0;
    let size = if report.bytes_read >= 1_000_000 {
        format!("{:.1} MB", report.bytes_read as f64 / 1e6)
    } else {
        format!("{} KB", report.bytes_read.div_ceil(1000))
    };
    let mut summary = format!(
        "indexed {} new articles from {} files ({size}) in {seconds:.1} s",
        thousands(report.articles_added),
        thousands(report.files_seen),
    );
    let mut extras = Vec::new();
    if report.articles_unchanged > 0 {
        extras.push(format!(
            "{} unchanged",
            thousands(report.articles_unchanged)
        ));
    }
    if report.articles_updated > 0 {
        extras.push(format!("{} updated", thousands(report.articles_updated)));
    }
    if report.articles_removed > 0 {
        extras.push(format!("{} removed", thousands(report.articles_removed)));
    }
    if report.duplicates > 0 {
        extras.push(format!(
            "{} identical copies merged",
            thousands(report.duplicates)
        ));
    }
    if !report.skipped.is_empty() {
        extras.push(format!(
            "{} skipped (see above)",
            thousands(report.skipped.len() as u64)
        ));
    }
    if !extras.is_empty() {
        summary.push_str("; ");
        summary.push_str(&extras.join(", "));
    }
    let languages: Vec<String> = report
        .by_language
        .iter()
        .map(|(code, count)| format!("{code} {count}"))
        .collect();
    if !languages.is_empty() {
        summary.push_str(&format!("; languages: {}", languages.join(", ")));
    }
    summary.push_str(&format!(
        "; {} articles in the index",
        thousands(report.articles_in_index)
    ));
    summary
}

/// Human output of `idx stats`.
pub fn write_stats(out: &mut dyn Write, stats: &IndexStats, palette: Palette) -> io::Result<()> {
    writeln!(out, "index:     {}", stats.index)?;
    writeln!(out, "articles:  {}", thousands(stats.articles as u64))?;
    match (&stats.published_from, &stats.published_to) {
        (Some(from), Some(to)) => writeln!(out, "published: {from} to {to}")?,
        _ => writeln!(out, "published: no dates known")?,
    }
    writeln!(out, "size:      {:.1} MB", stats.size_bytes as f64 / 1e6)?;
    write_facets(out, &stats.facets, palette)
}

/// Human output of `idx actors`: one line per actor or place, most articles first: the number
/// of articles, the kind, the canonical name, the dates seen, and the other spellings.
pub fn write_actors(
    out: &mut dyn Write,
    actors: &[crate::registry::Actor],
    palette: Palette,
) -> io::Result<()> {
    for actor in actors {
        let dates = match (&actor.first_seen, &actor.last_seen) {
            (Some(first), Some(last)) if first == last => first.clone(),
            (Some(first), Some(last)) => format!("{first} to {last}"),
            _ => "no dates".to_string(),
        };
        let mut line = format!(
            "{:>7}  {:<12}  {}  {}",
            thousands(actor.articles),
            actor.kind.name(),
            styled(palette.title, &actor.name),
            styled(palette.dim, &dates)
        );
        if !actor.aliases.is_empty() {
            line.push_str(&format!("  ({})", actor.aliases.join(", ")));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// `12345` as `12,345`.
pub fn thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut grouped = String::new();
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_json_escape_finds_every_special_byte_anywhere() {
        for byte in 0..=u8::MAX {
            let special = byte < 0x20 || byte == b'"' || byte == b'\\';
            for length in 1..=18 {
                for position in 0..length {
                    let mut text = vec![b'a'; length];
                    text[position] = byte;
                    assert_eq!(needs_json_escape(&text), special, "{byte:#x} at {position}");
                    // The high bytes of UTF-8 around it neither hide it nor pass for one.
                    text.iter_mut().for_each(|other| *other = 0xc3);
                    text[position] = byte;
                    assert_eq!(needs_json_escape(&text), special, "{byte:#x} among 0xc3");
                }
            }
        }
        assert!(!needs_json_escape(b""));
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn plain_palette_adds_no_escape_codes() {
        let palette = Palette::new(false);
        assert_eq!(styled(palette.highlight, "x"), "x");
        let coloured = Palette::new(true);
        assert!(styled(coloured.highlight, "x").contains('\u{1b}'));
    }
}
