//! idx: a search engine for news archives, as a library.
//!
//! Point [`build`] at folders of articles (`.txt`, `.md`, `.html`, `.jsonl`, `.csv`, gzipped or
//! not) and it writes a tantivy index in which every article carries its language, the actors
//! (people and organisations), places and dates it mentions, with spelling variants merged
//! into canonical names. [`Index::search`] answers queries in idx's query language (words,
//! `"phrases"`, `AND`/`OR`/`NOT`, `term~1`, `prefix*`, and filters such as `actor:lavrov`,
//! `place:geneva`, `lang:ru`, `published:[2022-01-01 TO 2022-02-15]`) with snippets and
//! facet counts.
//!
//! ```
//! # fn main() -> idx::Result<()> {
//! let corpus = tempfile::tempdir().expect("temp dir");
//! std::fs::write(corpus.path().join("a.txt"), "Talks in Geneva\n\nThe diplomats said that they discussed security guarantees with their hosts in Geneva.").expect("write");
//! std::fs::write(corpus.path().join("b.txt"), "Floods in Germany\n\nHeavy rain flooded the Rhine valley.").expect("write");
//! let index_dir = corpus.path().join("index");
//!
//! let report = idx::build(&idx::BuildOptions::new(&index_dir, vec![corpus.path().to_path_buf()]))?;
//! assert_eq!(report.articles_added, 2);
//!
//! let index = idx::Index::open(&index_dir)?;
//! let hits = index.search("\"security guarantee\"", &idx::SearchOptions::default())?;
//! assert_eq!(hits.total, 1);
//! assert_eq!(hits.hits[0].title, "Talks in Geneva");
//! # Ok(())
//! # }
//! ```
//!
//! # Core concepts
//! - *source file*: a file read by the build; a *record* is one article in it (a JSONL line,
//!   a CSV row, or the whole file).
//! - *article*: a cleaned record (title, body, publication date); identical texts are one
//!   article with several sources.
//! - *actor*: a person or organisation; *place*; *date mention*. Each has a *canonical name*
//!   and *aliases* (other spellings).
//! - *hit*: an article matching a query, with a *snippet*; *facets* count values over all hits.
//!
//! # Architecture flow
//! 1. [`ingest`] finds source files and splits them into records.
//! 2. [`clean`] strips site furniture and yields an [`clean::Article`].
//! 3. [`enrich`] tags the language and extracts actors, places and dates.
//! 4. [`index`] writes tantivy documents; [`build`] orchestrates 1 to 4 in parallel.
//! 5. [`registry`] clusters the actors and places of the whole index into canonical entries
//!    at the end of every build ([`Index::actors`] lists them; name filters use them).
//! 6. [`query`] parses a query and runs it; [`output`] renders the results.

#![warn(missing_docs)]
#![deny(clippy::unwrap_used)]

mod allocator;
mod build;
pub mod clean;
pub mod enrich;
mod error;
pub mod eval;
pub mod eval_body;
pub mod eval_sets;
pub mod index;
pub mod ingest;
pub mod output;
pub mod query;
pub mod registry;

use std::path::{Path, PathBuf};

pub use allocator::Allocator;
pub use build::{
    article_id, load_gazetteer, source_label, BuildOptions, BuildReport, BuildStage, NoProgress,
    Progress, Skipped, StageTimes,
};
pub use enrich::{EnrichedArticle, Gazetteer};
pub use error::{Error, Result};
pub use index::{SchemaDecl as Schema, SchemaSource};
pub use output::IndexStats;
pub use query::{
    FacetCounts, FacetKind, FacetValue, Hit, Hits, QuerySyntax, SearchOptions, SortOrder,
};
pub use registry::{Actor, ActorKind};

/// Builds or updates an index (see [`BuildOptions`]).
///
/// Building again over the same folders adds only new and changed articles; identical texts
/// are stored once with all their sources. Unreadable files and records are listed in
/// [`BuildReport::skipped`] and do not stop the build.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    build::build(options, &NoProgress)
}

/// [`build`], reporting each stage and file to `progress`.
pub fn build_with_progress(options: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport> {
    build::build(options, progress)
}

/// Reads, cleans and enriches the articles under `paths` without indexing them, calling
/// `each` for every article in source order. Returns the files and records that were skipped.
pub fn extract(
    paths: &[PathBuf],
    gazetteer: &Gazetteer,
    each: impl FnMut(EnrichedArticle),
) -> Vec<Skipped> {
    build::extract(paths, gazetteer, each)
}

/// An index opened for searching.
pub struct Index {
    index: index::ArticleIndex,
    gazetteer: Gazetteer,
    registry: registry::LazyRegistry,
}

impl Index {
    /// Opens the index at `path` with the schema it was built with and the embedded name
    /// lists (used to expand `actor:` aliases).
    pub fn open(path: impl AsRef<Path>) -> Result<Index> {
        Ok(Index {
            index: index::ArticleIndex::open(path.as_ref())?,
            gazetteer: Gazetteer::embedded(),
            registry: registry::LazyRegistry::new(path.as_ref()),
        })
    }

    /// Opens the index at `path` with name lists overridden from `lists_dir`.
    pub fn open_with_lists(path: impl AsRef<Path>, lists_dir: Option<&Path>) -> Result<Index> {
        Ok(Index {
            index: index::ArticleIndex::open(path.as_ref())?,
            gazetteer: load_gazetteer(lists_dir)?,
            registry: registry::LazyRegistry::new(path.as_ref()),
        })
    }

    /// Runs a query in idx's query language (see [`query::parser`] for the grammar).
    ///
    /// Words are stemmed with each article's own language, so `guarantee` finds
    /// "guarantees" and `гарантии` finds "гарантий"; a `"phrase"` keeps word order but is
    /// stemmed the same way. Fuzzy terms (`blingen~1`) compare against the stemmed words.
    ///
    /// `actor:`, `person:`, `org:` and `place:` values are expanded through the name lists
    /// and then through the corpus-wide registry (see [`Index::actors`]): `actor:blingen`
    /// finds every article of the actor that spelling was merged into.
    pub fn search(&self, query: &str, options: &SearchOptions) -> Result<Hits> {
        query::search(&self.index, &self.gazetteer, &self.registry, query, options)
    }

    /// The canonical actors and places of the whole index (of one kind, or all), most
    /// articles first, at most `limit` of them: each with every spelling seen, its number of
    /// articles, and the first and last publication dates.
    ///
    /// Read from the registry the last build wrote; for an index built before idx had one, it
    /// is computed from the index (reading every article, so slower).
    pub fn actors(&self, kind: Option<ActorKind>, limit: Option<usize>) -> Result<Vec<Actor>> {
        let computed;
        let registry = match self.registry.get() {
            Some(registry) => registry,
            None => {
                computed = registry::Registry::from_index(&self.index, &self.gazetteer)?;
                &computed
            }
        };
        Ok(registry
            .actors(kind)
            .into_iter()
            .take(limit.unwrap_or(usize::MAX))
            .cloned()
            .collect())
    }

    /// Number of articles, date span, size and the top values of every facet.
    pub fn stats(&self, facet_limit: usize) -> Result<IndexStats> {
        let (articles, facets) = query::facets_of_all(&self.index, facet_limit)?;
        let span = query::published_span(&self.index)?;
        Ok(IndexStats {
            index: self.index.path().display().to_string(),
            articles,
            published_from: span.as_ref().map(|(from, _)| from.clone()),
            published_to: span.map(|(_, to)| to),
            size_bytes: self.index.size_on_disk(),
            facets,
        })
    }

    /// The underlying index, for embedders who need tantivy directly.
    pub fn article_index(&self) -> &index::ArticleIndex {
        &self.index
    }
}
