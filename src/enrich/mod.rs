//! Enrichment: turns a cleaned `Article` into an `EnrichedArticle` with its language, the people,
//! organisations and places it names (aliases merged into canonical names), the dates it
//! mentions, and its publication date. Every function here is a pure function of the article text
//! and the `Gazetteer`, so rayon can run them in parallel. Enrichment never invents a fact: what
//! cannot be established stays `None` or absent. Knows nothing of tantivy; `index` decides how the
//! results are stored.
//!
//! Spans: entity and date spans are byte ranges in `article.body`. The title is not scanned for
//! entities or dates (headlines in Title Case defeat the capitalisation rules and repeat the
//! body); it is only read for a publication-date header.

pub(crate) mod byte_class;
mod dates;
mod gazetteer;
mod language;
mod names;
mod prefix_trie;
pub(crate) mod russian;
mod word_table;

pub use dates::{find_dates, find_published_date};
pub use gazetteer::{fold_name, Gazetteer, KnownEntity, ListError, ListTexts};
pub(crate) use gazetteer::{
    in_list, names_close, surname_close, COMMON_WORDS_LIST, DEMONYMS_LIST, GIVEN_NAMES_LIST,
    ORG_WORDS_LIST, TITLE_FIRST_WORDS_LIST,
};
pub use language::{guess_language, iso_639_1, normalize_declared_language, tag_language};
pub use names::{find_names, FoundNames};

use crate::clean::Article;

/// What kind of thing a name refers to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub enum EntityKind {
    /// A person ("Antony Blinken").
    Person,
    /// An organisation: government body, party, company, agency, alliance ("NATO").
    Organization,
    /// A place: country, city, region ("Kyiv", "Eastern Europe").
    Place,
}

/// One actor or place named in an article, with every spelling of it merged.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Entity {
    /// The canonical name: the listed one for known entities, else the fullest form seen.
    pub name: String,
    /// The other surface forms seen in this article, sorted, canonical name excluded.
    pub aliases: Vec<String>,
    /// How many times the entity is mentioned in the body.
    pub mentions: u32,
    /// Byte spans of the mentions in the body (the title is not scanned).
    #[serde(skip)]
    pub spans: Vec<(usize, usize)>,
}

/// A date the body mentions, resolved to a calendar date, month or year.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DateMention {
    /// "YYYY-MM-DD", "YYYY-MM" or "YYYY", as precise as the text allows.
    pub date: String,
    /// The surface text, e.g. "on Tuesday" or "12 February 2022".
    pub text: String,
    /// Byte span of `text` in the body.
    #[serde(skip)]
    pub span: (usize, usize),
}

/// An article with everything enrichment found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct EnrichedArticle {
    /// The article as cleaning produced it.
    pub article: Article,
    /// ISO 639-1 code: the declared language when it is a valid code, else whatlang's answer on
    /// the body, "und" when whatlang is not confident.
    pub language: String,
    /// `article.published`, else a dateline or header near the top ("Publish date12 Feb 2022",
    /// "January 31, 2022" alone on a line); never a crawl date such as "Today: November 25, 2024".
    pub published: Option<jiff::civil::Date>,
    /// People, in order of first mention.
    pub people: Vec<Entity>,
    /// Organisations, in order of first mention.
    pub organizations: Vec<Entity>,
    /// Places, in order of first mention.
    pub places: Vec<Entity>,
    /// Dates, deduplicated by date with the first surface text kept, in order of first mention.
    pub dates: Vec<DateMention>,
}

/// Longest prefix of a body that [`enrich_article`] reads for facts.
pub const MAX_ENRICHED_BYTES: usize = 512 * 1024;

/// Enriches one article. Relative dates ("on Tuesday", "tomorrow") are resolved against the
/// publication date only; without one they are left out. Only the first
/// [`MAX_ENRICHED_BYTES`] of the body are read for facts.
pub fn enrich_article(article: Article, gazetteer: &Gazetteer) -> EnrichedArticle {
    // Facts come from the first MAX_ENRICHED_BYTES of the body: no news article is longer, and
    // the name merging is not linear in the number of mentions, so a 30 MB "article" (a dump
    // saved as one .txt) must not hold a build for minutes.
    let mut scanned_len = article.body.len().min(MAX_ENRICHED_BYTES);
    while !article.body.is_char_boundary(scanned_len) {
        scanned_len -= 1;
    }
    let scanned = &article.body[..scanned_len];
    let language = article
        .declared_language
        .as_deref()
        .and_then(normalize_declared_language)
        .unwrap_or_else(|| tag_language(scanned));
    let published = article
        .published
        .or_else(|| find_published_date(&article.title, scanned));
    let found = find_names(scanned, &language, gazetteer);
    let dates = find_dates(scanned, &language, published);
    EnrichedArticle {
        article,
        language,
        published,
        people: found.people,
        organizations: found.organizations,
        places: found.places,
        dates,
    }
}

#[cfg(test)]
mod tests;
