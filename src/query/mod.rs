//! Running a query: the query string becomes tantivy queries over the per-language fields and
//! the fact fields, and the results become [`Hits`] with snippets and facet counts.
//!
//! This module reads the index but never writes it. It does not know how facts were found;
//! it only knows which fields hold them (`index::schema`). Rendering hits for a terminal or as
//! JSON is `output`'s job.

pub mod batch;
mod canonical_names;
mod facets;
mod feedback;
pub mod parser;
mod proximity;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;
use std::time::Instant;

use serde::Serialize;
use tantivy::collector::sort_key::{SortByStaticFastValue, SortByString};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, ExistsQuery, FuzzyTermQuery,
    PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value as _};
use tantivy::{DateTime, DocAddress, Order, Searcher, TantivyDocument, Term};

use crate::enrich::Gazetteer;
use crate::index::schema::{names, LangFields};
use crate::index::{date_to_tantivy, tantivy_to_date, ArticleIndex, PooledAnalyzer};
use crate::registry::{ActorKind, LazyRegistry};
use crate::{Error, Result};
pub use batch::{read_batch, BatchLineError, BatchQuery};
use canonical_names::CanonicalNamesQuery;
pub use facets::{FacetCounts, FacetKind, FacetValue};
pub use parser::{parse_query, parse_words, Clause, Occur, QueryExpr, Value};

/// How to order hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Best BM25 match first; ties broken by article id so the order never depends on how
    /// the index was segmented.
    #[default]
    Relevance,
    /// Newest publication date first; articles with no known date come last. Articles of one
    /// date are listed by id. A query of filters alone (`actor:lavrov place:geneva`) is listed
    /// this way whatever the sort asked, since nothing in it ranks one article above another.
    Date,
}

/// What to return for a query.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Hits per page (0 returns only the total and facets).
    pub limit: usize,
    /// Hits to skip, for paging.
    pub offset: usize,
    /// Ranking.
    pub sort: SortOrder,
    /// Facets to count over all matching articles.
    pub facets: Vec<FacetKind>,
    /// How many values each facet lists.
    pub facet_limit: usize,
    /// Longest snippet, in characters.
    pub snippet_chars: usize,
    /// How to read the query string.
    pub syntax: QuerySyntax,
    /// Expand long plain-words queries with the words of their best articles (pseudo-relevance
    /// feedback; see [`Hits::expanded_with`]). Queries of fewer than five distinct words, and
    /// any with phrases, filters or operators, are never expanded.
    pub feedback: bool,
}

/// How a query string is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuerySyntax {
    /// idx's query language (see [`parser`]).
    #[default]
    Full,
    /// Plain words, no operators or filters (see [`parse_words`]).
    Words,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 10,
            offset: 0,
            sort: SortOrder::Relevance,
            facets: FacetKind::ALL.to_vec(),
            facet_limit: 10,
            snippet_chars: 220,
            syntax: QuerySyntax::Full,
            feedback: true,
        }
    }
}

/// The answer to one query.
#[derive(Debug, Clone, Serialize)]
pub struct Hits {
    /// The query as given.
    pub query: String,
    /// Number of matching articles (all pages).
    pub total: usize,
    /// Time spent searching, in milliseconds.
    pub took_ms: f64,
    /// The requested page of hits.
    pub hits: Vec<Hit>,
    /// Facet counts over all matching articles.
    pub facets: FacetCounts,
    /// Terms (as the index holds them: stemmed) added to a long plain-words query from its
    /// best articles; empty when the query was run as written.
    pub expanded_with: Vec<String>,
}

/// One matching article.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// Stable id (hash of title and body).
    pub id: String,
    /// The first source holding the article (`path` or `path:line`).
    pub source: String,
    /// Every source holding the same text (syndicated copies).
    pub sources: Vec<String>,
    /// The article's url, when known.
    pub url: Option<String>,
    /// Headline.
    pub title: String,
    /// Publication date, when known.
    pub published: Option<String>,
    /// ISO 639-1 language code, or `und`.
    pub language: String,
    /// BM25 score (`None` when listed by date: `--sort date`, or a query of filters alone).
    pub score: Option<f32>,
    /// A passage of the body around the best match.
    pub snippet: String,
    /// Byte ranges of `snippet` that matched the query.
    pub highlights: Vec<[usize; 2]>,
    /// Canonical names of the people mentioned.
    pub people: Vec<String>,
    /// Canonical names of the organisations mentioned.
    pub organizations: Vec<String>,
    /// Canonical names of the places mentioned.
    pub places: Vec<String>,
    /// Dates the article mentions (YYYY-MM-DD, YYYY-MM or YYYY).
    pub dates: Vec<String>,
}

/// Runs `query_text` against `index`.
pub fn search(
    index: &ArticleIndex,
    gazetteer: &Gazetteer,
    registry: &LazyRegistry,
    query_text: &str,
    options: &SearchOptions,
) -> Result<Hits> {
    let started = Instant::now();
    let expr = match options.syntax {
        QuerySyntax::Full => parse_query(query_text)?,
        QuerySyntax::Words => parse_words(query_text)?,
    };
    // Filters alone give every hit the same score, and tantivy would keep whichever tied
    // articles it met first: an order set by how the build split its work, different in the
    // next build of the same files. Newest first is the order a reader of news expects.
    let sort = if ranks_by_text(&expr) {
        options.sort
    } else {
        SortOrder::Date
    };
    let searcher = index.searcher()?;
    let compiler = Compiler::new(index, &searcher, gazetteer, registry, query_text)?;
    let query = compiler.compile(&expr)?;
    // Ranked by the expanded query when there is one; snippets still show the words asked for.
    let mut expanded_with = Vec::new();
    let mut ranking_query = None;
    if options.feedback && sort == SortOrder::Relevance && feedback::is_bag_of_words(&expr) {
        if let Some(expansion) = feedback::expand(index, &searcher, &*query)? {
            expanded_with = expansion.terms;
            ranking_query = Some(expansion.query);
        }
    }
    let ranking_query = ranking_query.as_deref().unwrap_or(&*query);
    // A short query of plain words puts its best hits in tiers by where the words stand (not
    // asked when no hit is shown: tiers change the order, not the count or the facets).
    let mut proximity_terms = Vec::new();
    if sort == SortOrder::Relevance && expanded_with.is_empty() && options.limit > 0 {
        if let Some(words) = proximity::ranking_words(&expr) {
            let plain_words_syntax = options.syntax == QuerySyntax::Words;
            proximity_terms = compiler.proximity_terms(&words, plain_words_syntax)?;
        }
    }
    let tiered = !proximity_terms.is_empty()
        && proximity_terms
            .iter()
            .all(|(_, terms)| proximity::tiered_word_count(terms.len()));
    // No facet asked for: no collector, so nothing runs per match for them.
    let facet_collector = if options.facets.is_empty() {
        None
    } else {
        Some(facets::FacetCollector::new(
            options.facets.clone(),
            facet_ordinals(index, &searcher, &options.facets)?,
        ))
    };
    let page = options.limit;
    // Fetch one page beyond what is shown so that a tie at the page edge is broken by id,
    // not by where tantivy happened to store the article.
    let fetch = options.offset + page;
    let (total, facet_counts, ranked) = if page == 0 {
        let (total, facet_counts) = searcher.search(ranking_query, &(Count, facet_collector))?;
        (total, facet_counts, Vec::new())
    } else {
        match sort {
            SortOrder::Relevance => {
                let window = if tiered {
                    (fetch + 1).max(proximity::PROXIMITY_WINDOW)
                } else {
                    fetch + 1
                };
                let top = TopDocs::with_limit(window).order_by_score();
                let (total, facet_counts, mut top_docs) =
                    searcher.search(ranking_query, &(Count, facet_collector, top))?;
                if tiered {
                    proximity::rank_by_proximity(&searcher, &mut top_docs, &proximity_terms)?;
                    top_docs.truncate(fetch + 1);
                }
                let ranked: Vec<(Option<f32>, DocAddress)> = top_docs
                    .into_iter()
                    .map(|(score, address)| (Some(score), address))
                    .collect();
                (total, facet_counts, ranked)
            }
            SortOrder::Date => {
                // Ties of date are broken by id inside the collector, so the page is the same
                // whichever segment holds which article.
                let top = TopDocs::with_limit(fetch + 1).order_by((
                    (
                        SortByStaticFastValue::<DateTime>::for_field(names::PUBLISHED),
                        Order::Desc,
                    ),
                    (SortByString::for_field(names::ID), Order::Asc),
                ));
                let (total, facet_counts, top_docs) =
                    searcher.search(&query, &(Count, facet_collector, top))?;
                let ranked = top_docs
                    .into_iter()
                    .map(|(_, address)| (None, address))
                    .collect();
                (total, facet_counts, ranked)
            }
        }
    };
    let mut loaded: Vec<(Option<f32>, TantivyDocument)> = Vec::with_capacity(ranked.len());
    for (score, address) in ranked {
        loaded.push((score, searcher.doc(address)?));
    }
    let fields = index.fields();
    let id_of = |document: &TantivyDocument| {
        ArticleIndex::first_text(document, fields.id).unwrap_or_default()
    };
    let published_of = |document: &TantivyDocument| {
        document
            .get_first(fields.published)
            .and_then(|value| value.as_datetime())
            .map(|datetime| datetime.into_timestamp_secs())
    };
    if sort == SortOrder::Relevance {
        loaded.sort_by(|left, right| {
            let by_score = right.0.unwrap_or(0.0).total_cmp(&left.0.unwrap_or(0.0));
            by_score.then_with(|| id_of(&left.1).cmp(&id_of(&right.1)))
        });
    } else {
        loaded.sort_by(|left, right| {
            let by_date = published_of(&right.1).cmp(&published_of(&left.1));
            by_date.then_with(|| id_of(&left.1).cmp(&id_of(&right.1)))
        });
    }
    let mut snippets = SnippetMaker::new(&*query, index, options.snippet_chars);
    let mut hits = Vec::new();
    for (score, document) in loaded.into_iter().skip(options.offset).take(page) {
        hits.push(make_hit(index, &document, score, &mut snippets)?);
    }
    let facets = facet_counts
        .map(|tally| tally.top(options.facet_limit))
        .unwrap_or_default();
    Ok(Hits {
        query: query_text.to_string(),
        total,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
        hits,
        facets,
        expanded_with,
    })
}

/// Whether a hit's score can differ from another's: some clause that may or must match looks
/// for words in title and body. Filters, `*` and excluded words rank nothing.
fn ranks_by_text(expr: &QueryExpr) -> bool {
    match expr {
        QueryExpr::Clause(clause) => {
            matches!(clause.field.as_deref(), None | Some("title")) && clause.value != Value::All
        }
        QueryExpr::Group(parts) => parts
            .iter()
            .any(|(occur, part)| *occur != Occur::MustNot && ranks_by_text(part)),
        QueryExpr::Or(parts) => parts.iter().any(ranks_by_text),
    }
}

/// Adds `query` to a list of alternatives (any of which may match, scores summed), splicing in
/// the clauses of a boolean query that is itself only alternatives, and scaling each by
/// `boost`. One flat union of term queries is what lets tantivy score a plain-words query
/// with its fastest union; nested unions of unions cost several times more per document, and
/// the scores are the same sums either way.
fn add_alternatives(alternatives: &mut Vec<Box<dyn Query>>, query: Box<dyn Query>, boost: f32) {
    if let Some(boolean) = query.downcast_ref::<BooleanQuery>() {
        let only_alternatives = boolean.get_minimum_number_should_match() <= 1
            && boolean
                .clauses()
                .iter()
                .all(|(occur, _)| *occur == tantivy::query::Occur::Should);
        if only_alternatives && !boolean.clauses().is_empty() {
            for (_, clause) in boolean.clauses() {
                add_alternatives(alternatives, clause.box_clone(), boost);
            }
            return;
        }
    }
    if (boost - 1.0).abs() > f32::EPSILON {
        alternatives.push(Box::new(BoostQuery::new(query, boost)));
    } else {
        alternatives.push(query);
    }
}

/// A query matching when any of `alternatives` matches, scored by the sum of those that do.
fn any_of(mut alternatives: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    match alternatives.len() {
        0 => Box::new(EmptyQuery),
        1 => alternatives.remove(0),
        _ => Box::new(BooleanQuery::new(
            alternatives
                .into_iter()
                .map(|query| (tantivy::query::Occur::Should, query))
                .collect(),
        )),
    }
}

/// The global ordinals the facet collector needs, when a facet other than the year is asked for.
fn facet_ordinals(
    index: &ArticleIndex,
    searcher: &Searcher,
    kinds: &[FacetKind],
) -> Result<Option<std::sync::Arc<crate::index::ordinals::GlobalOrdinals>>> {
    let groups: Vec<&str> = kinds
        .iter()
        .filter(|kind| **kind != FacetKind::Year)
        .map(|kind| kind.name())
        .collect();
    if groups.is_empty() {
        return Ok(None);
    }
    index.global_ordinals(searcher, &groups).map(Some)
}

/// Counts facets over every article in the index (used by `idx stats`).
pub fn facets_of_all(index: &ArticleIndex, limit: usize) -> Result<(usize, FacetCounts)> {
    let searcher = index.searcher()?;
    let collector = facets::FacetCollector::new(
        FacetKind::ALL.to_vec(),
        facet_ordinals(index, &searcher, &FacetKind::ALL)?,
    );
    let (total, counts) = searcher.search(&AllQuery, &(Count, collector))?;
    Ok((total, counts.top(limit)))
}

/// The earliest and latest publication dates in the index.
pub fn published_span(index: &ArticleIndex) -> Result<Option<(String, String)>> {
    let searcher = index.searcher()?;
    let oldest = searcher.search(
        &AllQuery,
        &TopDocs::with_limit(1).order_by_fast_field::<DateTime>(names::PUBLISHED, Order::Asc),
    )?;
    let newest = searcher.search(
        &AllQuery,
        &TopDocs::with_limit(1).order_by_fast_field::<DateTime>(names::PUBLISHED, Order::Desc),
    )?;
    let as_text = |found: Option<&(Option<DateTime>, DocAddress)>| {
        found
            .and_then(|(datetime, _)| *datetime)
            .and_then(tantivy_to_date)
            .map(|date| date.to_string())
    };
    Ok(as_text(oldest.first()).zip(as_text(newest.first())))
}

fn make_hit(
    index: &ArticleIndex,
    document: &TantivyDocument,
    score: Option<f32>,
    snippets: &mut SnippetMaker,
) -> Result<Hit> {
    let fields = index.fields();
    let text = |field: Field| ArticleIndex::first_text(document, field);
    let sources: Vec<String> = document
        .get_all(fields.source)
        .filter_map(|value| value.as_str().map(str::to_string))
        .collect();
    let language = text(fields.language).unwrap_or_else(|| "und".to_string());
    let analyzed_as = text(fields.analyzed_as).unwrap_or_else(|| language.clone());
    let body = fields.body.stored.and_then(text).unwrap_or_default();
    let (snippet, highlights) = snippets.make(&analyzed_as, &body);
    let facts: serde_json::Value = text(fields.facts)
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or(serde_json::Value::Null);
    let names_of = |key: &str| -> Vec<String> {
        facts[key]
            .as_array()
            .map(|entities| {
                entities
                    .iter()
                    .filter_map(|entity| entity["name"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let dates: Vec<String> = facts["dates"]
        .as_array()
        .map(|mentions| {
            mentions
                .iter()
                .filter_map(|mention| mention["date"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let published = document
        .get_first(fields.published)
        .and_then(|value| value.as_datetime())
        .and_then(tantivy_to_date)
        .map(|date| date.to_string());
    Ok(Hit {
        id: text(fields.id).unwrap_or_default(),
        source: sources.first().cloned().unwrap_or_default(),
        sources,
        url: text(fields.url),
        title: fields.title.stored.and_then(text).unwrap_or_default(),
        published,
        language,
        score,
        snippet,
        highlights,
        people: names_of("people"),
        organizations: names_of("organizations"),
        places: names_of("places"),
        dates,
    })
}

/// Makes snippets: the passage of the body with the most distinct query words, with the
/// matched words' byte ranges.
///
/// tantivy's `SnippetGenerator` runs the field's whole analyzer (stemmer included) over every
/// word of every shown article, which cost more than the search itself. Here a word is
/// stemmed only when its first letters could start one of the query's stems; stems of
/// idx's analyzers begin like the word they come from, so no match is lost that way.
struct SnippetMaker<'a> {
    query: &'a dyn Query,
    index: &'a ArticleIndex,
    max_chars: usize,
    /// Per language: the analyzer and the query's terms in that language's body field.
    per_language: HashMap<String, Option<(PooledAnalyzer<'a>, BTreeSet<String>)>>,
}

/// Bytes compared before a word is stemmed: long enough to skip most words, short enough
/// that a stem is never shorter.
const SNIPPET_PREFIX_BYTES: usize = 2;

impl<'a> SnippetMaker<'a> {
    fn new(query: &'a dyn Query, index: &'a ArticleIndex, max_chars: usize) -> Self {
        SnippetMaker {
            query,
            index,
            max_chars,
            per_language: HashMap::new(),
        }
    }

    fn make(&mut self, language: &str, body: &str) -> (String, Vec<[usize; 2]>) {
        let (query, index) = (self.query, self.index);
        let entry = self
            .per_language
            .entry(language.to_string())
            .or_insert_with(|| {
                let field = index.fields().body.for_language(language);
                let analyzer = index.lend_analyzer(field, None)?;
                let mut terms = BTreeSet::new();
                query.query_terms(&mut |term, _| {
                    if term.field() == field {
                        if let Some(text) = term.value().as_str() {
                            terms.insert(text.to_string());
                        }
                    }
                });
                (!terms.is_empty()).then_some((analyzer, terms))
            });
        let Some((analyzer, terms)) = entry else {
            return (leading_text(body, self.max_chars), Vec::new());
        };
        let prefixes: BTreeSet<String> = terms
            .iter()
            .map(|term| term.chars().take(SNIPPET_PREFIX_BYTES).collect())
            .collect();
        // Every word of the body that the analyzer turns into a query term: (start, end, term).
        let mut matches: Vec<(usize, usize, usize)> = Vec::new();
        let term_list: Vec<&String> = terms.iter().collect();
        let mut word_start = None;
        let mut folded = String::new();
        for (offset, character) in body
            .char_indices()
            .chain(std::iter::once((body.len(), ' ')))
        {
            if character.is_alphanumeric() {
                word_start.get_or_insert(offset);
                continue;
            }
            let Some(start) = word_start.take() else {
                continue;
            };
            let word = &body[start..offset];
            folded.clear();
            if word.is_ascii() {
                // One lowercase letter per byte: the loop below, without decoding.
                folded.push_str(&word[..word.len().min(SNIPPET_PREFIX_BYTES)]);
                folded.make_ascii_lowercase();
            } else {
                for lower in word
                    .chars()
                    .flat_map(char::to_lowercase)
                    .take(SNIPPET_PREFIX_BYTES)
                {
                    // An ASCII letter is its own base; only the others are decomposed.
                    let base = if lower.is_ascii() {
                        lower
                    } else {
                        unicode_normalization::UnicodeNormalization::nfd(std::iter::once(lower))
                            .next()
                            .unwrap_or(lower)
                    };
                    folded.push(if base.is_ascii() { base } else { lower });
                }
            }
            if !prefixes.contains(&folded) {
                continue;
            }
            let mut stream = analyzer.token_stream(word);
            while stream.advance() {
                if let Some(term_idx) = term_list
                    .iter()
                    .position(|term| **term == stream.token().text)
                {
                    matches.push((start, offset, term_idx));
                    break;
                }
            }
        }
        if matches.is_empty() {
            return (leading_text(body, self.max_chars), Vec::new());
        }
        // The window of at most max_chars bytes (about characters for Latin text) holding the
        // most distinct terms, then the most matches; it starts a little before its first match.
        let window = self.max_chars;
        let mut best = (0, 0, 0);
        for first in 0..matches.len() {
            let window_end = matches[first].0 + window;
            let inside: Vec<&(usize, usize, usize)> = matches[first..]
                .iter()
                .take_while(|found| found.1 <= window_end)
                .collect();
            let distinct = inside
                .iter()
                .map(|found| found.2)
                .collect::<BTreeSet<_>>()
                .len();
            if (distinct, inside.len()) > (best.1, best.2) {
                best = (first, distinct, inside.len());
            }
        }
        let first_match = matches[best.0].0;
        let lead = window / 5;
        let mut start = first_match.saturating_sub(lead);
        while start > 0 && !body.is_char_boundary(start) {
            start -= 1;
        }
        if start > 0 {
            // Begin at a word: skip the partial word the cut landed in.
            start = body[start..first_match]
                .find(char::is_whitespace)
                .map_or(first_match, |space| start + space + 1);
        }
        let mut end = (start + window).min(body.len());
        while end < body.len() && !body.is_char_boundary(end) {
            end += 1;
        }
        if end < body.len() {
            end = body[start..end]
                .rfind(char::is_whitespace)
                .map_or(end, |space| start + space);
        }
        let fragment = &body[start..end];
        let highlights = matches
            .iter()
            .filter(|found| found.0 >= start && found.1 <= end)
            .map(|found| [found.0 - start, found.1 - start])
            .collect();
        (fragment.to_string(), highlights)
    }
}

/// The start of `body`, cut at a word boundary, when no passage matched.
fn leading_text(body: &str, max_chars: usize) -> String {
    let flattened: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if flattened.chars().count() <= max_chars {
        return flattened;
    }
    let cut = flattened
        .char_indices()
        .nth(max_chars)
        .map_or(flattened.len(), |(index, _)| index);
    let at_space = flattened[..cut].rfind(' ').unwrap_or(cut);
    format!("{}…", &flattened[..at_space])
}

/// Turns a parsed query into a tantivy query for one index.
struct Compiler<'a> {
    index: &'a ArticleIndex,
    gazetteer: &'a Gazetteer,
    /// Read only when a name filter is compiled.
    registry: &'a LazyRegistry,
    query_text: &'a str,
    /// Languages whose analyzers the index used; words are only looked up in their fields.
    languages: BTreeSet<String>,
}

impl<'a> Compiler<'a> {
    fn new(
        index: &'a ArticleIndex,
        searcher: &Searcher,
        gazetteer: &'a Gazetteer,
        registry: &'a LazyRegistry,
        query_text: &'a str,
    ) -> Result<Self> {
        let mut languages = BTreeSet::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(index.fields().analyzed_as)?;
            let mut stream = inverted
                .terms()
                .stream()
                .map_err(|error| Error::Internal(error.to_string()))?;
            while stream.advance() {
                languages.insert(String::from_utf8_lossy(stream.key()).to_string());
            }
        }
        Ok(Compiler {
            index,
            gazetteer,
            registry,
            query_text,
            languages,
        })
    }

    fn compile(&self, expr: &QueryExpr) -> Result<Box<dyn Query>> {
        match expr {
            QueryExpr::Clause(clause) => self.compile_clause(clause),
            QueryExpr::Or(parts) => {
                let mut alternatives = Vec::new();
                for part in parts {
                    add_alternatives(&mut alternatives, self.compile(part)?, 1.0);
                }
                Ok(any_of(alternatives))
            }
            QueryExpr::Group(parts) => {
                let mut required = Vec::new();
                let mut optional = Vec::new();
                let mut excluded = Vec::new();
                for (occur, part) in parts {
                    let compiled = self.compile(part)?;
                    match occur {
                        Occur::Must => required.push(compiled),
                        Occur::Should => optional.push(compiled),
                        Occur::MustNot => excluded.push(compiled),
                    }
                }
                use tantivy::query::Occur as TantivyOccur;
                let mut clauses: Vec<(TantivyOccur, Box<dyn Query>)> = Vec::new();
                if !optional.is_empty() {
                    let mut alternatives = Vec::new();
                    for query in optional {
                        add_alternatives(&mut alternatives, query, 1.0);
                    }
                    if required.is_empty() && excluded.is_empty() {
                        return Ok(any_of(alternatives));
                    }
                    // Optional words next to a filter must still match once: `actor:lavrov
                    // security` is about security, not every Lavrov article.
                    clauses.push((TantivyOccur::Must, any_of(alternatives)));
                }
                for query in required {
                    clauses.push((TantivyOccur::Must, query));
                }
                if clauses.is_empty() {
                    clauses.push((
                        TantivyOccur::Must,
                        Box::new(ConstScoreQuery::new(Box::new(AllQuery), 0.0)),
                    ));
                }
                for query in excluded {
                    clauses.push((TantivyOccur::MustNot, query));
                }
                Ok(Box::new(BooleanQuery::new(clauses)))
            }
        }
    }

    fn error(&self, clause: &Clause, message: impl Into<String>, hint: Option<String>) -> Error {
        Error::query(self.query_text, clause.span.clone(), message, hint)
    }

    fn compile_clause(&self, clause: &Clause) -> Result<Box<dyn Query>> {
        let fields = self.index.fields();
        let field_name = clause.field.as_deref();
        if clause.value == Value::All {
            return match field_name {
                None => Ok(Box::new(ConstScoreQuery::new(Box::new(AllQuery), 1.0))),
                Some(field) => Err(self.error(
                    clause,
                    format!("'{field}:*' is not supported; '*' alone matches every article"),
                    None,
                )),
            };
        }
        match field_name {
            None => self.text_query(clause, true),
            Some("title") => self.text_query(clause, false),
            Some(filter @ ("actor" | "person" | "org" | "place")) => {
                let targets = match filter {
                    "actor" => vec![fields.person_names, fields.organization_names],
                    "person" => vec![fields.person_names],
                    "org" => vec![fields.organization_names],
                    _ => vec![fields.place_names],
                };
                let kinds: &[ActorKind] = match filter {
                    "actor" => &[ActorKind::Person, ActorKind::Organization],
                    "person" => &[ActorKind::Person],
                    "org" => &[ActorKind::Organization],
                    _ => &[ActorKind::Place],
                };
                let names = self.names_query(clause, &targets)?;
                let query = match self.registry_query(clause, kinds)? {
                    Some(expanded) => Box::new(BooleanQuery::new(vec![
                        (tantivy::query::Occur::Should, names),
                        (tantivy::query::Occur::Should, expanded),
                    ])),
                    None => names,
                };
                Ok(Box::new(ConstScoreQuery::new(query, 0.0)))
            }
            Some("source") => {
                let query = self.names_query(clause, &[fields.source_words])?;
                Ok(Box::new(ConstScoreQuery::new(query, 0.0)))
            }
            Some("lang") => {
                let code = match &clause.value {
                    Value::Word(word) | Value::Phrase(word) => word.trim().to_lowercase(),
                    _ => {
                        return Err(self.error(
                            clause,
                            "lang: takes a language code",
                            Some("for example lang:ru".to_string()),
                        ))
                    }
                };
                let term = Term::from_field_text(fields.language, &code);
                Ok(Box::new(ConstScoreQuery::new(
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                    0.0,
                )))
            }
            Some("published") => {
                let (lower, upper) = self.date_bounds(clause)?;
                if lower == Bound::Unbounded && upper == Bound::Unbounded {
                    // `[* TO *]`: every article with a known publication date.
                    let exists = ExistsQuery::new(names::PUBLISHED.to_string(), false);
                    return Ok(Box::new(ConstScoreQuery::new(Box::new(exists), 0.0)));
                }
                let to_term = |date: jiff::civil::Date| {
                    Term::from_field_date(fields.published, date_to_tantivy(date))
                };
                let query = RangeQuery::new(lower.map(to_term), upper.map(to_term));
                Ok(Box::new(ConstScoreQuery::new(Box::new(query), 0.0)))
            }
            Some("date") => self.mentioned_date_query(clause),
            Some(other) => Err(self.error(clause, format!("unknown field '{other}'"), None)),
        }
    }

    /// Words, phrases, fuzzy and prefix terms over title and body (or title alone), in the
    /// field of each language present, each analysed with that language's stemmer.
    fn text_query(&self, clause: &Clause, with_body: bool) -> Result<Box<dyn Query>> {
        let fields = self.index.fields();
        let mut lang_groups = vec![&fields.title];
        if with_body {
            lang_groups.push(&fields.body);
        }
        let mut alternatives = Vec::new();
        for group in lang_groups {
            for field in self.fields_present(group) {
                if let Some(query) = self.value_query(clause, field)? {
                    add_alternatives(&mut alternatives, query, group.boost);
                }
            }
        }
        Ok(any_of(alternatives))
    }

    /// The fields of `group` for the languages the index holds ("other" when it holds a
    /// language without a stemmer).
    fn fields_present(&self, group: &LangFields) -> Vec<Field> {
        let declared = &self.index.decl().languages;
        group
            .all()
            .filter(|(code, _)| {
                if *code == "other" {
                    self.languages
                        .iter()
                        .any(|language| !declared.iter().any(|known| known == language))
                } else {
                    self.languages.contains(*code)
                }
            })
            .map(|(_, field)| field)
            .collect()
    }

    /// For each body field the index holds, the distinct words of `words` as that field's
    /// analyzer makes them (stop words dropped when `plain_words_syntax`, as
    /// [`Value::Words`] queries drop them), for [`proximity::rank_by_proximity`].
    fn proximity_terms(
        &self,
        words: &[&str],
        plain_words_syntax: bool,
    ) -> Result<Vec<(Field, Vec<Term>)>> {
        let mut terms = Vec::new();
        for field in self.fields_present(&self.index.fields().body) {
            let mut analyzer = self.index.tantivy().tokenizer_for_field(field)?;
            if plain_words_syntax {
                if let Some(stopless) = self.words_analyzer(field) {
                    analyzer = stopless;
                }
            }
            let mut field_terms: Vec<Term> = Vec::new();
            for word in words {
                let mut stream = analyzer.token_stream(word);
                while stream.advance() {
                    let term = Term::from_field_text(field, &stream.token().text);
                    if !field_terms.contains(&term) {
                        field_terms.push(term);
                    }
                }
            }
            terms.push((field, field_terms));
        }
        Ok(terms)
    }

    /// Names fields: the value analysed like names, plus the canonical name when the name
    /// lists know the value as an alias.
    fn names_query(&self, clause: &Clause, targets: &[Field]) -> Result<Box<dyn Query>> {
        let mut clauses: Vec<(tantivy::query::Occur, Box<dyn Query>)> = Vec::new();
        let canonical = match &clause.value {
            Value::Word(text) | Value::Phrase(text) => {
                self.gazetteer.lookup(text).map(|known| known.name)
            }
            Value::Range(..) => {
                return Err(self.error(
                    clause,
                    "a name filter takes a name, not a range",
                    Some("for example actor:lavrov or place:\"eastern europe\"".to_string()),
                ))
            }
            _ => None,
        };
        for &field in targets {
            if let Some(query) = self.value_query(clause, field)? {
                clauses.push((tantivy::query::Occur::Should, query));
            }
            if let Some(name) = &canonical {
                let alias_clause = Clause {
                    field: clause.field.clone(),
                    value: Value::Phrase(name.clone()),
                    span: clause.span.clone(),
                };
                if let Some(query) = self.value_query(&alias_clause, field)? {
                    clauses.push((tantivy::query::Occur::Should, query));
                }
            }
        }
        if clauses.is_empty() {
            return Ok(Box::new(EmptyQuery));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    /// The articles of every registry actor the value belongs to: an exact match on each
    /// per-article canonical name merged into it (`actor:"anthony bling"` finds the articles
    /// that name Antony Blinken). `None` when the index has no registry or the registry does
    /// not know the value; the value is also looked up under its listed canonical name.
    ///
    /// The filter also matches the value's words in the names fields (`names_query`), so a
    /// canonical name holding them needs nothing more: `actor:trump` already finds every
    /// "Donald Trump" and "Ivanka Trump" there.
    fn registry_query(
        &self,
        clause: &Clause,
        kinds: &[ActorKind],
    ) -> Result<Option<Box<dyn Query>>> {
        let (Value::Word(text) | Value::Phrase(text)) = &clause.value else {
            return Ok(None);
        };
        let Some(lookup) = self.registry.lookup() else {
            return Ok(None);
        };
        let mut names = lookup.expand(text, kinds);
        if names.is_empty() {
            let Some(listed) = self.gazetteer.lookup(text) else {
                return Ok(None);
            };
            names = lookup.expand(&listed.name, kinds);
        }
        if names.is_empty() {
            return Ok(None);
        }
        let fields = self.index.fields();
        let schema = self.index.tantivy().schema();
        let mut clauses: Vec<(tantivy::query::Occur, Box<dyn Query>)> = Vec::new();
        for kind in kinds {
            let (field, names_field) = match kind {
                ActorKind::Person => (fields.person, fields.person_names),
                ActorKind::Organization => (fields.organization, fields.organization_names),
                ActorKind::Place => (fields.place, fields.place_names),
            };
            let kind_names = names
                .iter()
                .filter(|(name_kind, _)| name_kind == kind)
                .map(|(_, name)| name.clone());
            let field_entry = schema.get_field_entry(field);
            if field_entry.is_indexed() {
                // Indexes built before the canonical names became columns only.
                for name in kind_names {
                    let query: Box<dyn Query> = Box::new(TermQuery::new(
                        Term::from_field_text(field, &name),
                        IndexRecordOption::Basic,
                    ));
                    clauses.push((tantivy::query::Occur::Should, query));
                }
                continue;
            }
            let mut analyzer = self.index.tantivy().tokenizer_for_field(names_field)?;
            let value_words = phrase_tokens(&mut analyzer, text);
            let mut left_names = Vec::new();
            let mut left_words: Vec<Vec<String>> = Vec::new();
            for name in kind_names {
                let words = phrase_tokens(&mut analyzer, &name);
                if !holds_phrase(&words, &value_words) {
                    left_names.push(name);
                    left_words.push(words.into_iter().map(|(_, word)| word).collect());
                }
            }
            if left_names.is_empty() {
                continue;
            }
            let candidates = candidates_for(names_field, left_words);
            let query = CanonicalNamesQuery::new(candidates, field_entry.name(), left_names);
            clauses.push((tantivy::query::Occur::Should, Box::new(query)));
        }
        if clauses.is_empty() {
            return Ok(None);
        }
        Ok(Some(Box::new(BooleanQuery::new(clauses))))
    }

    /// The query for one value in one text field, or `None` when the field's analyzer leaves
    /// nothing of it.
    fn value_query(&self, clause: &Clause, field: Field) -> Result<Option<Box<dyn Query>>> {
        let mut analyzer = self.index.tantivy().tokenizer_for_field(field)?;
        if matches!(clause.value, Value::Words(_)) {
            if let Some(stopless) = self.words_analyzer(field) {
                analyzer = stopless;
            }
        }
        let mut tokens_of = |text: &str| -> Vec<(usize, String)> {
            let mut stream = analyzer.token_stream(text);
            let mut tokens = Vec::new();
            while stream.advance() {
                let token = stream.token();
                tokens.push((token.position, token.text.clone()));
            }
            tokens
        };
        let query: Box<dyn Query> = match &clause.value {
            Value::Words(text) => {
                let tokens = tokens_of(text);
                let mut seen = BTreeSet::new();
                let clauses: Vec<(tantivy::query::Occur, Box<dyn Query>)> = tokens
                    .iter()
                    .filter(|(_, token)| seen.insert(token.clone()))
                    .map(|(_, token)| {
                        let query: Box<dyn Query> = Box::new(TermQuery::new(
                            Term::from_field_text(field, token),
                            IndexRecordOption::WithFreqs,
                        ));
                        (tantivy::query::Occur::Should, query)
                    })
                    .collect();
                if clauses.is_empty() {
                    return Ok(None);
                }
                Box::new(BooleanQuery::new(clauses))
            }
            Value::Word(text) | Value::Phrase(text) => {
                let tokens = phrase_tokens(&mut analyzer, text);
                match tokens.len() {
                    0 => return Ok(None),
                    1 => Box::new(TermQuery::new(
                        Term::from_field_text(field, &tokens[0].1),
                        IndexRecordOption::WithFreqs,
                    )),
                    _ => {
                        let first_position = tokens[0].0;
                        let terms = tokens
                            .into_iter()
                            .map(|(position, text)| {
                                (
                                    position - first_position,
                                    Term::from_field_text(field, &text),
                                )
                            })
                            .collect();
                        Box::new(PhraseQuery::new_with_offset(terms))
                    }
                }
            }
            Value::Fuzzy(word, distance) => {
                // Fuzzy terms are compared with what the index holds (stemmed words), so the
                // word is lowercased and folded but not stemmed.
                let normalised = normalise_word(word);
                if normalised.is_empty() {
                    return Ok(None);
                }
                Box::new(FuzzyTermQuery::new(
                    Term::from_field_text(field, &normalised),
                    *distance,
                    true,
                ))
            }
            Value::Prefix(prefix) => {
                let normalised = normalise_word(prefix);
                if normalised.is_empty() {
                    return Ok(None);
                }
                Box::new(FuzzyTermQuery::new_prefix(
                    Term::from_field_text(field, &normalised),
                    0,
                    true,
                ))
            }
            Value::All => return Ok(None),
            Value::Range(..) => {
                return Err(self.error(
                    clause,
                    "a range only works with published: and date:",
                    Some("for example published:[2022-01-01 TO 2022-02-15]".to_string()),
                ))
            }
        };
        Ok(Some(query))
    }

    /// The stop-word-free analyzer for plain-words queries on a per-language field, if its
    /// language has a stop-word list.
    fn words_analyzer(&self, field: Field) -> Option<tantivy::tokenizer::TextAnalyzer> {
        let fields = self.index.fields();
        let code = fields
            .body
            .by_language
            .iter()
            .chain(fields.title.by_language.iter())
            .find(|(_, candidate)| *candidate == field)
            .map(|(code, _)| code.as_str())?;
        self.index
            .tantivy()
            .tokenizers()
            .get(&crate::index::schema::words_query_analyzer_name(code))
    }

    /// Calendar bounds of a date value: `lower <= date < upper`.
    fn date_bounds(
        &self,
        clause: &Clause,
    ) -> Result<(Bound<jiff::civil::Date>, Bound<jiff::civil::Date>)> {
        let parse = |text: &str| {
            parse_partial_date(text).ok_or_else(|| {
                self.error(
                    clause,
                    format!("'{text}' is not a date"),
                    Some(
                        "write 2022-02-15, 2022-02, 2022, or a range [2022-01-01 TO 2022-02-15]"
                            .to_string(),
                    ),
                )
            })
        };
        match &clause.value {
            Value::Word(text) | Value::Phrase(text) => {
                let date = parse(text)?;
                Ok((
                    Bound::Included(date.first_day()),
                    Bound::Excluded(date.after_last_day()),
                ))
            }
            Value::Range(lower, upper) => {
                let lower = match lower {
                    Some(text) => Bound::Included(parse(text)?.first_day()),
                    None => Bound::Unbounded,
                };
                let upper = match upper {
                    Some(text) => Bound::Excluded(parse(text)?.after_last_day()),
                    None => Bound::Unbounded,
                };
                Ok((lower, upper))
            }
            _ => Err(self.error(
                clause,
                "expected a date",
                Some("for example published:2022-02".to_string()),
            )),
        }
    }

    /// `date:` searches the dates articles mention, stored as `YYYY-MM-DD`, `YYYY-MM` or
    /// `YYYY` strings; a month matches the month itself and every day in it.
    fn mentioned_date_query(&self, clause: &Clause) -> Result<Box<dyn Query>> {
        let field = self.index.fields().date;
        let parse = |text: &str| {
            parse_partial_date(text).ok_or_else(|| {
                self.error(
                    clause,
                    format!("'{text}' is not a date"),
                    Some(
                        "write 2022-02-15, 2022-02, 2022, or a range [2022-01-01 TO 2022-02-15]"
                            .to_string(),
                    ),
                )
            })
        };
        let term = |text: String| Term::from_field_text(field, &text);
        // '~' sorts after every digit and '-', so "2022-02~" bounds all of February's strings.
        let (lower, upper) = match &clause.value {
            Value::Word(text) | Value::Phrase(text) => {
                let date = parse(text)?;
                (
                    Bound::Included(term(date.text())),
                    Bound::Included(term(format!("{}~", date.text()))),
                )
            }
            Value::Range(lower, upper) => {
                let lower = match lower {
                    Some(text) => Bound::Included(term(parse(text)?.text())),
                    None => Bound::Unbounded,
                };
                let upper = match upper {
                    Some(text) => Bound::Included(term(format!("{}~", parse(text)?.text()))),
                    None => Bound::Unbounded,
                };
                (lower, upper)
            }
            _ => {
                return Err(self.error(
                    clause,
                    "expected a date",
                    Some("for example date:2022-02-15".to_string()),
                ))
            }
        };
        Ok(Box::new(ConstScoreQuery::new(
            Box::new(RangeQuery::new(lower, upper)),
            0.0,
        )))
    }
}

/// Lowercases and folds a word the way the analyzers do, keeping one token: diacritics come
/// off Latin letters ("Blíngen" → "blingen"), letters of other scripts stay as they are ("й"
/// is a letter of its own in Russian, not "и" with a mark).
fn normalise_word(word: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut normalised = String::new();
    for character in word.chars().flat_map(char::to_lowercase) {
        if !character.is_alphanumeric() {
            continue;
        }
        if character.is_ascii() {
            normalised.push(character);
            continue;
        }
        let base = std::iter::once(character).nfd().next().unwrap_or(character);
        normalised.push(if base.is_ascii() { base } else { character });
    }
    normalised
}

/// A date written as `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartialDate {
    /// A year.
    Year(i16),
    /// A month of a year.
    Month(i16, i8),
    /// A day.
    Day(jiff::civil::Date),
}

impl PartialDate {
    fn first_day(self) -> jiff::civil::Date {
        match self {
            PartialDate::Year(year) => jiff::civil::date(year, 1, 1),
            PartialDate::Month(year, month) => jiff::civil::date(year, month, 1),
            PartialDate::Day(date) => date,
        }
    }

    fn after_last_day(self) -> jiff::civil::Date {
        let next = match self {
            PartialDate::Year(year) => jiff::civil::Date::new(year.saturating_add(1), 1, 1),
            PartialDate::Month(year, 12) => jiff::civil::Date::new(year.saturating_add(1), 1, 1),
            PartialDate::Month(year, month) => jiff::civil::Date::new(year, month + 1, 1),
            PartialDate::Day(date) => date.tomorrow(),
        };
        next.unwrap_or(jiff::civil::Date::MAX)
    }

    /// The date as idx stores mentioned dates.
    pub fn text(self) -> String {
        match self {
            PartialDate::Year(year) => format!("{year:04}"),
            PartialDate::Month(year, month) => format!("{year:04}-{month:02}"),
            PartialDate::Day(date) => date.to_string(),
        }
    }
}

/// Parses `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (years 1000 to 2999).
pub fn parse_partial_date(text: &str) -> Option<PartialDate> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let number = |part: &str, width: usize| -> Option<i64> {
        (part.len() == width && part.bytes().all(|byte| byte.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    let year = i16::try_from(number(parts.first()?, 4)?).ok()?;
    if !(1000..=2999).contains(&year) {
        return None;
    }
    match parts.as_slice() {
        [_] => Some(PartialDate::Year(year)),
        [_, month] => {
            let month = i8::try_from(number(month, 2)?).ok()?;
            (1..=12)
                .contains(&month)
                .then_some(PartialDate::Month(year, month))
        }
        [_, month, day] => {
            let month = i8::try_from(number(month, 2)?).ok()?;
            let day = i8::try_from(number(day, 2)?).ok()?;
            jiff::civil::Date::new(year, month, day)
                .ok()
                .map(PartialDate::Day)
        }
        _ => None,
    }
}

/// The words of `text` a word or phrase query asks for, with their positions: the analyzer's
/// tokens, the last at each position. The analyzer gives a mixed token's letter and digit runs
/// the positions from its own on ("covid19" → "covid19" and "covid" at one position, "19" at
/// the next), and a query asks for the runs, so "covid19" finds "COVID-19" and "COVID19" alike.
fn phrase_tokens(
    analyzer: &mut tantivy::tokenizer::TextAnalyzer,
    text: &str,
) -> Vec<(usize, String)> {
    let mut tokens: Vec<(usize, String)> = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let token = stream.token();
        match tokens.last_mut() {
            Some(last) if last.0 == token.position => last.1 = token.text.clone(),
            _ => tokens.push((token.position, token.text.clone())),
        }
    }
    tokens
}

/// Whether `words` hold `phrase` with the same spacing of positions: then an article whose
/// names field holds `words` matches a query for `phrase`.
fn holds_phrase(words: &[(usize, String)], phrase: &[(usize, String)]) -> bool {
    let Some((first_position, _)) = phrase.first() else {
        return false;
    };
    words.windows(phrase.len()).any(|window| {
        window
            .iter()
            .zip(phrase)
            .all(|((position, word), (phrase_position, phrase_word))| {
                word == phrase_word && position - window[0].0 == phrase_position - first_position
            })
    })
}

/// The articles that may hold one of the canonical names with the words `names_words`, from
/// the names field `names_field`: every article holding a name holds its words there. Names of
/// one actor share words, so one word is picked for as many names as it can stand for (fewer
/// posting lists to read, and no positions). A name without words (nothing the names analyzer
/// keeps) leaves every article a candidate.
fn candidates_for(names_field: Field, mut names_words: Vec<Vec<String>>) -> Box<dyn Query> {
    if names_words.iter().any(Vec::is_empty) {
        return Box::new(AllQuery);
    }
    let mut words: Vec<(tantivy::query::Occur, Box<dyn Query>)> = Vec::new();
    while !names_words.is_empty() {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for name_words in &names_words {
            let distinct: BTreeSet<&str> = name_words.iter().map(String::as_str).collect();
            for word in distinct {
                *counts.entry(word).or_default() += 1;
            }
        }
        // The word standing for most names; ties go to the first in byte order.
        let Some((best, _)) = counts.into_iter().rev().max_by_key(|&(_, count)| count) else {
            break;
        };
        let best = best.to_string();
        names_words.retain(|name_words| !name_words.contains(&best));
        let query: Box<dyn Query> = Box::new(TermQuery::new(
            Term::from_field_text(names_field, &best),
            IndexRecordOption::Basic,
        ));
        words.push((tantivy::query::Occur::Should, query));
    }
    Box::new(BooleanQuery::new(words))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_holds_a_phrase_with_the_same_spacing() {
        let words = |list: &[(usize, &str)]| -> Vec<(usize, String)> {
            list.iter()
                .map(|&(position, word)| (position, word.to_string()))
                .collect()
        };
        let name = words(&[(0, "donald"), (1, "trump"), (2, "jr")]);
        assert!(holds_phrase(&name, &words(&[(0, "trump")])));
        assert!(holds_phrase(&name, &words(&[(3, "donald"), (4, "trump")])));
        assert!(!holds_phrase(&name, &words(&[(0, "trump"), (1, "donald")])));
        assert!(!holds_phrase(&name, &words(&[(0, "donald"), (2, "trump")])));
        assert!(!holds_phrase(&name, &words(&[(0, "ivanka")])));
        assert!(!holds_phrase(&name, &[]));
        // A word the analyzer dropped leaves a gap that a phrase must have too.
        let gapped = words(&[(0, "donald"), (2, "trump")]);
        assert!(!holds_phrase(
            &gapped,
            &words(&[(0, "donald"), (1, "trump")])
        ));
        assert!(holds_phrase(
            &gapped,
            &words(&[(5, "donald"), (7, "trump")])
        ));
    }

    fn check_date(text: &str, expected: Option<&str>) {
        assert_eq!(
            parse_partial_date(text).map(PartialDate::text).as_deref(),
            expected,
            "{text}"
        );
    }

    #[test]
    fn partial_dates() {
        check_date("2022-02-15", Some("2022-02-15"));
        check_date("2022-02", Some("2022-02"));
        check_date("2022", Some("2022"));
        check_date("2022-02-30", None);
        check_date("2022-13", None);
        check_date("22-02-15", None);
        check_date("2022-2-15", None);
        check_date("tuesday", None);
        check_date("", None);
        check_date("9999", None);
    }

    #[test]
    fn date_bounds_cover_the_whole_period() {
        let month = parse_partial_date("2022-12").expect("valid");
        assert_eq!(month.first_day().to_string(), "2022-12-01");
        assert_eq!(month.after_last_day().to_string(), "2023-01-01");
        let year = parse_partial_date("2021").expect("valid");
        assert_eq!(year.after_last_day().to_string(), "2022-01-01");
    }

    #[test]
    fn leading_text_cuts_at_a_word() {
        assert_eq!(leading_text("one two three", 100), "one two three");
        assert_eq!(leading_text("one two three", 9), "one two…");
    }

    #[test]
    fn normalise_word_folds_and_lowercases() {
        assert_eq!(normalise_word("Blíngen"), "blingen");
        assert_eq!(normalise_word("ЛАВРОВ"), "лавров");
    }
}
