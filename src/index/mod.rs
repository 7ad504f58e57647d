//! The index on disk: creating or opening it with the right schema, turning enriched articles
//! into tantivy documents, committing, and reading back what an incremental build needs.
//!
//! This is the only module that writes the index folder. It knows nothing of query syntax
//! (`query` builds tantivy queries) nor of how facts are found (`enrich`).
//!
//! Crash safety comes from tantivy: a commit swaps `meta.json` atomically, so a killed build
//! leaves the last committed index. Every commit carries a [`CommitPayload`] naming the schema
//! declaration it was written with, which is how a later query opens the index with the same
//! schema, and how a build notices that the declaration changed.

pub mod letter_digit;
pub mod lowercase_words;
pub mod ordinals;
pub mod schema;
pub mod stem;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::schema::{Field, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DateTime, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::enrich::EnrichedArticle;
use crate::output::{push_json_number, push_json_string, push_json_strings};
use crate::{Error, Result};
pub use schema::{Fields, SchemaDecl, SchemaSource};

/// What every commit records in tantivy's `meta.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommitPayload {
    /// [`schema::INDEX_FORMAT`] of the idx that wrote the commit.
    pub format: u32,
    /// The schema declaration the index was built with.
    pub schema: SchemaDecl,
}

/// An idx index: the tantivy index plus the declaration it was built with.
pub struct ArticleIndex {
    path: PathBuf,
    tantivy: tantivy::Index,
    decl: SchemaDecl,
    fields: Fields,
    /// Opened on first use and kept: opening a reader loads every segment's files, which
    /// costs far more than a query.
    cached_reader: std::sync::OnceLock<IndexReader>,
    /// Facet dictionaries read once per searcher (see [`ordinals`]).
    cached_ordinals: std::sync::Mutex<Option<std::sync::Arc<ordinals::GlobalOrdinals>>>,
    /// Analyzers lent to queries and given back (see [`PooledAnalyzer`]).
    analyzer_pool: std::sync::Mutex<HashMap<String, Vec<TextAnalyzer>>>,
}

/// Analyzers kept per name in [`ArticleIndex`]'s pool: one per query running at once.
const POOLED_ANALYZERS: usize = 4;

/// An analyzer lent by [`ArticleIndex::lend_analyzer`], given back to the index's pool when
/// dropped, so a query does not make its analyzers again. (The stems they make are remembered
/// by the thread, see [`stem`], whichever analyzer asks.)
pub struct PooledAnalyzer<'a> {
    index: &'a ArticleIndex,
    key: String,
    analyzer: Option<TextAnalyzer>,
}

impl std::ops::Deref for PooledAnalyzer<'_> {
    type Target = TextAnalyzer;

    fn deref(&self) -> &TextAnalyzer {
        self.analyzer.as_ref().expect("present until dropped")
    }
}

impl std::ops::DerefMut for PooledAnalyzer<'_> {
    fn deref_mut(&mut self) -> &mut TextAnalyzer {
        self.analyzer.as_mut().expect("present until dropped")
    }
}

impl Drop for PooledAnalyzer<'_> {
    fn drop(&mut self) {
        let Some(analyzer) = self.analyzer.take() else {
            return;
        };
        if let Ok(mut pool) = self.index.analyzer_pool.lock() {
            let kept = pool.entry(std::mem::take(&mut self.key)).or_default();
            if kept.len() < POOLED_ANALYZERS {
                kept.push(analyzer);
            }
        }
    }
}

/// The threads a search runs on: one per core (at most eight), each taking whole segments, so
/// that counting facets over a large match set uses the machine and not one core. Shared by
/// every index the process opens; single-threaded on a one-core machine or when the pool
/// cannot start.
fn search_executor() -> &'static tantivy::Executor {
    static EXECUTOR: std::sync::OnceLock<tantivy::Executor> = std::sync::OnceLock::new();
    EXECUTOR.get_or_init(|| {
        let n_threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        if n_threads < 2 {
            return tantivy::Executor::single_thread();
        }
        tantivy::Executor::multi_thread(n_threads, "idx-search-")
            .unwrap_or_else(|_| tantivy::Executor::single_thread())
    })
}

/// How many bytes the tantivy writer may buffer before it flushes a segment. Two writer threads
/// share it; 256 MB keeps a million-article build well under 2 GiB.
const WRITER_MEMORY_BYTES: usize = 256 * 1024 * 1024;

/// Segments merge four at a time, and a segment of more than [`MAX_DOCS_BEFORE_MERGE`]
/// articles is not merged again.
///
/// A merge reads its segments through the memory map, and the pages it touches count as the
/// build's resident memory until it ends. tantivy's default (eight segments a merge, up to ten
/// million articles) made merges of a third of a million-article index at once, 1.3 GB of
/// pages on top of the build's own memory; this bounds a merge to about 400,000 articles'
/// worth of small segments, at the cost of a few more segments in a large index.
fn merge_policy() -> tantivy::indexer::LogMergePolicy {
    let mut policy = tantivy::indexer::LogMergePolicy::default();
    policy.set_min_num_segments(4);
    policy.set_max_docs_before_merge(MAX_DOCS_BEFORE_MERGE);
    policy
}

/// See [`merge_policy`].
const MAX_DOCS_BEFORE_MERGE: usize = 100_000;

impl ArticleIndex {
    /// Opens an existing index for reading, with the schema stored in it.
    pub fn open(path: &Path) -> Result<ArticleIndex> {
        restore_interrupted_swap(path)?;
        if !path.join("meta.json").is_file() {
            return Err(Error::NoIndex {
                path: path.to_path_buf(),
            });
        }
        let tantivy = tantivy::Index::open_in_dir(path)?;
        let decl = match read_payload(&tantivy, path)? {
            Some(payload) => payload.schema,
            // An index whose first build was interrupted before its first commit: nothing in
            // it yet, written with the schema this idx embeds.
            None if is_empty(&tantivy)? => SchemaDecl::embedded(),
            None => {
                return Err(Error::SchemaMismatch {
                    path: path.to_path_buf(),
                    reason: "was not written by idx (no schema in its commit)".to_string(),
                })
            }
        };
        ArticleIndex::with_decl(path, tantivy, decl)
    }

    /// Opens the index at `path` for a build with `decl`, creating it when absent.
    ///
    /// When the index exists with another declaration, an incremental build is refused with
    /// [`Error::SchemaMismatch`]; with `rebuild` the caller gets a fresh index in a staging folder
    /// beside `path` that [`ArticleIndex::finish_rebuild`] swaps in after its commit, so the old
    /// index stays usable until then.
    pub fn open_for_build(path: &Path, decl: &SchemaDecl, rebuild: bool) -> Result<BuildTarget> {
        restore_interrupted_swap(path)?;
        let exists = path.join("meta.json").is_file();
        if !exists {
            if path.exists() && !is_empty_dir(path)? {
                return Err(Error::SchemaMismatch {
                    path: path.to_path_buf(),
                    reason: "is a folder that holds other files, not an index".to_string(),
                });
            }
            std::fs::create_dir_all(path).map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?;
            let index = ArticleIndex::create(path, decl)?;
            return Ok(BuildTarget {
                index,
                staging: None,
                fresh: true,
            });
        }
        let existing = ArticleIndex::open(path);
        match existing {
            Ok(index) if index.decl.fingerprint() == decl.fingerprint() => Ok(BuildTarget {
                index,
                staging: None,
                fresh: rebuild,
            }),
            Ok(index) if !rebuild => Err(Error::SchemaMismatch {
                path: path.to_path_buf(),
                reason: format!(
                    "was built with another schema (fingerprint {}, this build uses {})",
                    index.decl.fingerprint(),
                    decl.fingerprint()
                ),
            }),
            Err(error @ Error::SchemaMismatch { .. }) if !rebuild => Err(error),
            Err(error) if !matches!(error, Error::SchemaMismatch { .. }) => Err(error),
            _ => {
                let staging = staging_path(path, "new");
                if staging.exists() {
                    std::fs::remove_dir_all(&staging).map_err(|source| Error::Io {
                        path: staging.clone(),
                        source,
                    })?;
                }
                std::fs::create_dir_all(&staging).map_err(|source| Error::Io {
                    path: staging.clone(),
                    source,
                })?;
                let index = ArticleIndex::create(&staging, decl)?;
                Ok(BuildTarget {
                    index,
                    staging: Some((staging, path.to_path_buf())),
                    fresh: true,
                })
            }
        }
    }

    fn create(path: &Path, decl: &SchemaDecl) -> Result<ArticleIndex> {
        let (tantivy_schema, _) = decl.build();
        let tantivy = tantivy::Index::create_in_dir(path, tantivy_schema)?;
        ArticleIndex::with_decl(path, tantivy, decl.clone())
    }

    fn with_decl(path: &Path, tantivy: tantivy::Index, decl: SchemaDecl) -> Result<ArticleIndex> {
        let (expected_schema, fields) = decl.build();
        if !same_schema(&expected_schema, &tantivy.schema()) {
            return Err(Error::SchemaMismatch {
                path: path.to_path_buf(),
                reason: "has fields that do not match its own schema declaration".to_string(),
            });
        }
        schema::register_analyzers(tantivy.tokenizers(), &decl);
        let mut tantivy = tantivy;
        tantivy.set_executor(search_executor().clone());
        Ok(ArticleIndex {
            path: path.to_path_buf(),
            tantivy,
            decl,
            fields,
            cached_reader: std::sync::OnceLock::new(),
            cached_ordinals: std::sync::Mutex::new(None),
            analyzer_pool: std::sync::Mutex::new(HashMap::new()),
        })
    }

    /// The index folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema declaration the index was built with.
    pub fn decl(&self) -> &SchemaDecl {
        &self.decl
    }

    /// Handles of every field.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// The analyzer registered as `name`, or the analyzer of `field` when no `name` is given,
    /// lent from the index's pool; `None` when there is no such analyzer.
    pub fn lend_analyzer(&self, field: Field, name: Option<&str>) -> Option<PooledAnalyzer<'_>> {
        let key = match name {
            Some(name) => name.to_string(),
            None => format!("field {}", field.field_id()),
        };
        let pooled = self
            .analyzer_pool
            .lock()
            .ok()
            .and_then(|mut pool| pool.get_mut(&key).and_then(Vec::pop));
        let analyzer = match pooled {
            Some(analyzer) => analyzer,
            None => match name {
                Some(name) => self.tantivy.tokenizers().get(name)?,
                None => self.tantivy.tokenizer_for_field(field).ok()?,
            },
        };
        Some(PooledAnalyzer {
            index: self,
            key,
            analyzer: Some(analyzer),
        })
    }

    /// The tantivy index underneath, for embedders who need more than idx offers.
    pub fn tantivy(&self) -> &tantivy::Index {
        &self.tantivy
    }

    /// A searcher over the commit that was last when the index was first searched; cheap to
    /// call per query. Builds use [`ArticleIndex::reader`] to see their own commits.
    pub fn searcher(&self) -> Result<tantivy::Searcher> {
        if let Some(reader) = self.cached_reader.get() {
            return Ok(reader.searcher());
        }
        let reader = self.reader()?;
        Ok(self.cached_reader.get_or_init(|| reader).searcher())
    }

    /// The global facet ordinals of `searcher` for facet `groups` (see
    /// [`ordinals::FACET_GROUPS`]), each group read on first use and kept while the
    /// searcher's segments stay the same.
    pub fn global_ordinals(
        &self,
        searcher: &tantivy::Searcher,
        groups: &[&str],
    ) -> Result<std::sync::Arc<ordinals::GlobalOrdinals>> {
        let mut cached = self
            .cached_ordinals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let current = cached
            .as_ref()
            .filter(|ordinals| ordinals.matches(searcher));
        if let Some(ordinals) = current.filter(|ordinals| ordinals.has_groups(groups)) {
            return Ok(ordinals.clone());
        }
        let ordinals = std::sync::Arc::new(match current {
            Some(ordinals) => ordinals.with_groups(searcher, groups)?,
            None => ordinals::GlobalOrdinals::build(searcher, groups)?,
        });
        *cached = Some(ordinals.clone());
        Ok(ordinals)
    }

    /// A new reader that sees the last commit.
    pub fn reader(&self) -> Result<IndexReader> {
        Ok(self
            .tantivy
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?)
    }

    /// Takes the writer lock; a second build on the same index gets [`Error::IndexBusy`].
    pub fn writer(&self, n_threads: usize) -> Result<IndexWriter> {
        let n_threads = n_threads.clamp(1, 8);
        match self
            .tantivy
            .writer_with_num_threads(n_threads, WRITER_MEMORY_BYTES)
        {
            Ok(writer) => {
                writer.set_merge_policy(Box::new(merge_policy()));
                Ok(writer)
            }
            Err(tantivy::TantivyError::LockFailure(
                tantivy::directory::error::LockError::LockBusy,
                _,
            )) => Err(Error::IndexBusy {
                path: self.path.clone(),
            }),
            Err(error) => Err(error.into()),
        }
    }

    /// Commits everything added through `writer`, recording the schema in the commit.
    pub fn commit(&self, writer: &mut IndexWriter) -> Result<()> {
        let payload = CommitPayload {
            format: schema::INDEX_FORMAT,
            schema: self.decl.clone(),
        };
        let payload_json = serde_json::to_string(&payload).map_err(|error| {
            Error::Internal(format!("cannot serialise the commit payload: {error}"))
        })?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload_json);
        prepared.commit()?;
        Ok(())
    }

    /// Every source recorded in the index, with the id of the article it holds.
    ///
    /// Incremental builds compare this with what they read: a source whose content hash is
    /// unchanged is skipped. Read from fast-field columns, which is much cheaper than loading
    /// stored documents.
    pub fn sources_by_id(&self) -> Result<HashMap<String, Vec<String>>> {
        let searcher = self.reader()?.searcher();
        let mut sources_by_id: HashMap<String, Vec<String>> = HashMap::new();
        for segment in searcher.segment_readers() {
            let fast_fields = segment.fast_fields();
            let (Some(id_column), Some(source_column)) = (
                fast_fields.str(schema::names::ID)?,
                fast_fields.str(schema::names::SOURCE)?,
            ) else {
                continue;
            };
            let mut id_text = String::new();
            let mut source_text = String::new();
            for doc in 0..segment.max_doc() {
                if segment
                    .alive_bitset()
                    .is_some_and(|alive| !alive.is_alive(doc))
                {
                    continue;
                }
                let Some(id_ord) = id_column.term_ords(doc).next() else {
                    continue;
                };
                id_text.clear();
                id_column
                    .ord_to_str(id_ord, &mut id_text)
                    .map_err(tantivy::TantivyError::from)?;
                let sources = sources_by_id.entry(id_text.clone()).or_default();
                for source_ord in source_column.term_ords(doc) {
                    source_text.clear();
                    source_column
                        .ord_to_str(source_ord, &mut source_text)
                        .map_err(tantivy::TantivyError::from)?;
                    sources.push(source_text.clone());
                }
            }
        }
        Ok(sources_by_id)
    }

    /// The tantivy document for one article.
    ///
    /// `sources` lists every source holding this text (syndicated copies share one document).
    /// Names are indexed with their canonical form and the spellings seen in the article; a
    /// query reaches the lists' other spellings through the name lists (`actor:blingen` finds
    /// an article that only says "Blinken", see `query`).
    pub fn document(
        &self,
        article: &EnrichedArticle,
        id: &str,
        sources: &[String],
    ) -> TantivyDocument {
        let fields = &self.fields;
        let facts = facts_json(article);
        let mut document =
            TantivyDocument::with_capacity(document_bytes(article, id, sources, &facts));
        // Values are added in the order the embedded schema declares their fields: tantivy
        // sorts a document's values by field before indexing them, and a list already in
        // order takes its sort one pass, where each article's names interleaved two fields.
        // Within a field the order stays as it was, and so do the index and the stored text.
        document.add_text(fields.id, id);
        for source in sources {
            document.add_text(fields.source, source);
        }
        for source in sources {
            document.add_text(fields.source_words, source);
        }
        if let Some(url) = &article.article.url {
            document.add_text(fields.source_words, url);
            document.add_text(fields.url, url);
        }
        // An article tagged "und" (too short for a sure guess) is still stemmed with its most
        // likely language; its language field stays "und".
        let guessed;
        let analyzed_as = if article.language == "und" {
            guessed = crate::enrich::guess_language(&format!(
                "{}\n{}",
                article.article.title, article.article.body
            ));
            guessed.unwrap_or("und")
        } else {
            article.language.as_str()
        };
        let language = analyzed_as;
        if let Some(stored) = fields.title.stored {
            document.add_text(stored, &article.article.title);
        }
        document.add_text(fields.title.for_language(language), &article.article.title);
        if let Some(stored) = fields.body.stored {
            document.add_text(stored, &article.article.body);
        }
        // The body field holds the title too ("flat" BM25): measured on SciFact train, a
        // title matched only in its own field ranks worse than one counted with the text.
        let body_field = fields.body.for_language(language);
        document.add_text(body_field, &article.article.title);
        document.add_text(body_field, &article.article.body);
        document.add_text(fields.language, &article.language);
        document.add_text(fields.analyzed_as, analyzed_as);
        if let Some(published) = article.published {
            document.add_date(fields.published, date_to_tantivy(published));
        }
        let entity_groups = [
            (&article.people, fields.person, fields.person_names),
            (
                &article.organizations,
                fields.organization,
                fields.organization_names,
            ),
            (&article.places, fields.place, fields.place_names),
        ];
        for (entities, canonical_field, _) in entity_groups {
            for entity in entities {
                document.add_text(canonical_field, &entity.name);
            }
        }
        // The names fields hold the spellings the article itself uses; the lists' other
        // spellings are resolved when a query is parsed (`actor:киев` asks for the listed
        // canonical name), so they are not indexed with every mention. The names fields only
        // filter, with a constant score, so an alias that is only the last word of its
        // canonical name ("Lavrov" of "Sergei Lavrov") adds nothing a query can tell apart: the
        // word is there already. It is left out.
        for (entities, _, names_field) in entity_groups {
            for entity in entities {
                document.add_text(names_field, &entity.name);
                for alias in &entity.aliases {
                    if !lowercase_words::ends_with_word(
                        &entity.name,
                        alias,
                        schema::MAX_TOKEN_BYTES,
                    ) {
                        document.add_text(names_field, alias);
                    }
                }
            }
        }
        for mention in &article.dates {
            document.add_text(fields.date, &mention.date);
        }
        document.add_text(fields.facts, facts);
        document
    }

    /// Writes `bytes` to the temp file of `name` in the index folder and flushes it to disk,
    /// leaving any file `name` as it is; [`ArticleIndex::publish_beside`] then renames it over
    /// that file, so a reader sees the old file or the new one, never half of one. A build
    /// stages its registry while tantivy commits and publishes it once the commit is done, so
    /// the flush waits on the disk beside the commit instead of after it.
    pub fn stage_beside(&self, name: &str, bytes: &[u8]) -> Result<()> {
        use std::io::Write as _;
        let temp = self.path.join(staged_name(name));
        let io_error = |source| Error::Io {
            path: temp.clone(),
            source,
        };
        let mut file = std::fs::File::create(&temp).map_err(io_error)?;
        file.write_all(bytes).map_err(io_error)?;
        file.sync_all().map_err(io_error)?;
        Ok(())
    }

    /// Renames the temp file of `name` that [`ArticleIndex::stage_beside`] wrote over the
    /// file `name`. The temp file is found by name, so a file staged in a
    /// rebuild's staging folder is published from the folder it became.
    pub fn publish_beside(&self, name: &str) -> Result<()> {
        let target = self.path.join(name);
        std::fs::rename(self.path.join(staged_name(name)), &target).map_err(|source| Error::Io {
            path: target,
            source,
        })
    }

    /// Removes the file `name`, and its staged temp file, from the index folder if they are
    /// there (a registry that no longer describes the index must not outlive it).
    pub fn remove_beside(&self, name: &str) -> Result<()> {
        for target in [self.path.join(name), self.path.join(staged_name(name))] {
            match std::fs::remove_file(&target) {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(Error::Io {
                        path: target,
                        source,
                    })
                }
            }
        }
        Ok(())
    }

    /// Deletes the article with `id` (used before re-adding it with a new list of sources).
    pub fn delete(&self, writer: &IndexWriter, id: &str) {
        writer.delete_term(Term::from_field_text(self.fields.id, id));
    }

    /// Total size of the index files in bytes.
    pub fn size_on_disk(&self) -> u64 {
        walkdir::WalkDir::new(&self.path)
            .into_iter()
            .filter_map(|entry| entry.ok())
            .filter_map(|entry| entry.metadata().ok())
            .filter(|metadata| metadata.is_file())
            .map(|metadata| metadata.len())
            .sum()
    }

    /// The stored string of `field` in `document`, if any.
    pub fn first_text(document: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
        document
            .get_first(field)
            .and_then(|value| value.as_str())
            .map(str::to_string)
    }
}

/// An index opened for a build, possibly in a staging folder (see
/// [`ArticleIndex::open_for_build`]).
pub struct BuildTarget {
    /// The index to write to.
    pub index: ArticleIndex,
    /// `(staging folder, final folder)` when a rebuild writes beside the old index.
    pub staging: Option<(PathBuf, PathBuf)>,
    /// True when the build starts from an empty index (new, or `--rebuild`).
    pub fresh: bool,
}

impl ArticleIndex {
    /// After the staging index committed, moves it into place: the old index is renamed away
    /// first and removed only once the new one is in its folder.
    pub fn finish_rebuild(staging: &Path, target: &Path) -> Result<()> {
        let retired = staging_path(target, "old");
        let io_error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Io { path, source }
        };
        if retired.exists() {
            std::fs::remove_dir_all(&retired).map_err(io_error(&retired))?;
        }
        std::fs::rename(target, &retired).map_err(io_error(target))?;
        std::fs::rename(staging, target).map_err(io_error(staging))?;
        std::fs::remove_dir_all(&retired).map_err(io_error(&retired))?;
        Ok(())
    }
}

/// The bytes [`ArticleIndex::document`] writes into the document's buffer, or a few more:
/// each text with its length (at most five bytes), the title three times and the body
/// twice. Made at this size, the buffer is never copied into a larger one as it
/// fills, and keeps no room it does not use while the document waits for the writer.
fn document_bytes(article: &EnrichedArticle, id: &str, sources: &[String], facts: &str) -> usize {
    const LENGTH_BYTES: usize = 5;
    let text = |text: &str| text.len() + LENGTH_BYTES;
    let entities: usize = [&article.people, &article.organizations, &article.places]
        .into_iter()
        .flatten()
        .map(|entity| {
            2 * text(&entity.name) + entity.aliases.iter().map(|a| text(a)).sum::<usize>()
        })
        .sum();
    let dates: usize = article
        .dates
        .iter()
        .map(|mention| text(&mention.date))
        .sum();
    let url = article
        .article
        .url
        .as_deref()
        .map_or(0, |url| 2 * text(url));
    text(id)
        + sources.iter().map(|source| 2 * text(source)).sum::<usize>()
        + url
        + 3 * text(&article.article.title)
        + 2 * text(&article.article.body)
        // The language and the language analysed as: codes of two or three letters.
        + 2 * text("und")
        // The publication date.
        + 8
        + entities
        + dates
        + text(facts)
}

/// Whether `stored`, an index's own schema, is the one its declaration makes, `expected`, up to
/// the field lengths of the names fields: indexes built before those fields dropped them keep
/// them, and nothing reads them (the names fields only filter, with a constant score).
fn same_schema(expected: &tantivy::schema::Schema, stored: &tantivy::schema::Schema) -> bool {
    if expected == stored {
        return true;
    }
    let without_names_field_lengths = |schema: &tantivy::schema::Schema| {
        let mut value = serde_json::to_value(schema).ok()?;
        for field in value.as_array_mut()? {
            let indexing = field
                .pointer_mut("/options/indexing")
                .and_then(|v| v.as_object_mut());
            if let Some(indexing) = indexing {
                if indexing.get("tokenizer").and_then(|v| v.as_str())
                    == Some(schema::NAMES_ANALYZER)
                {
                    indexing.remove("fieldnorms");
                }
            }
        }
        Some(value)
    };
    match (
        without_names_field_lengths(expected),
        without_names_field_lengths(stored),
    ) {
        (Some(expected), Some(stored)) => expected == stored,
        _ => false,
    }
}

/// The temp file a file beside the index is written to before it is renamed into place.
fn staged_name(name: &str) -> String {
    format!(".{name}.tmp")
}

/// The facts stored with each article, in the shape `idx extract` prints them:
/// `{"people": [{"name", "aliases", "mentions"}], "organizations": [...], "places": [...],
/// "dates": [{"date", "text"}]}`, byte for byte as serde_json writes the entities and date
/// mentions (`facts_json_is_what_serde_writes` checks it). Written directly: serde's
/// machinery cost more than the text, for every article of a build.
fn facts_json(article: &EnrichedArticle) -> String {
    fn push_entities(json: &mut String, entities: &[crate::enrich::Entity]) {
        json.push('[');
        for (entity_idx, entity) in entities.iter().enumerate() {
            if entity_idx > 0 {
                json.push(',');
            }
            json.push_str("{\"name\":");
            push_json_string(json, &entity.name);
            json.push_str(",\"aliases\":");
            push_json_strings(json, &entity.aliases);
            json.push_str(",\"mentions\":");
            push_json_number(json, u64::from(entity.mentions));
            json.push('}');
        }
        json.push(']');
    }
    let mut json = String::with_capacity(512);
    json.push_str("{\"people\":");
    push_entities(&mut json, &article.people);
    json.push_str(",\"organizations\":");
    push_entities(&mut json, &article.organizations);
    json.push_str(",\"places\":");
    push_entities(&mut json, &article.places);
    json.push_str(",\"dates\":[");
    for (mention_idx, mention) in article.dates.iter().enumerate() {
        if mention_idx > 0 {
            json.push(',');
        }
        json.push_str("{\"date\":");
        push_json_string(&mut json, &mention.date);
        json.push_str(",\"text\":");
        push_json_string(&mut json, &mention.text);
        json.push('}');
    }
    json.push_str("]}");
    json
}

/// The tokens an analyzer makes of `text`, for the analyzers' tests: the text, byte offsets
/// and position of each.
#[cfg(test)]
pub(crate) fn analyzed_tokens(
    analyzer: &mut TextAnalyzer,
    text: &str,
) -> Vec<(String, usize, usize, usize)> {
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while stream.advance() {
        let token = stream.token();
        tokens.push((
            token.text.clone(),
            token.offset_from,
            token.offset_to,
            token.position,
        ));
    }
    tokens
}

/// A calendar date as tantivy's `DateTime` at midnight UTC.
pub fn date_to_tantivy(date: jiff::civil::Date) -> DateTime {
    let seconds = date
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map(|zoned| zoned.timestamp().as_second())
        .unwrap_or(0);
    DateTime::from_timestamp_secs(seconds)
}

/// The calendar date (UTC) of a tantivy `DateTime`.
pub fn tantivy_to_date(datetime: DateTime) -> Option<jiff::civil::Date> {
    let timestamp = jiff::Timestamp::from_second(datetime.into_timestamp_secs()).ok()?;
    Some(timestamp.to_zoned(jiff::tz::TimeZone::UTC).date())
}

fn read_payload(tantivy: &tantivy::Index, path: &Path) -> Result<Option<CommitPayload>> {
    let metas = tantivy.load_metas()?;
    let Some(payload_json) = metas.payload else {
        return Ok(None);
    };
    #[derive(Deserialize)]
    struct FormatOnly {
        format: u32,
    }
    let format = serde_json::from_str::<FormatOnly>(&payload_json)
        .map(|only| only.format)
        .unwrap_or(0);
    if format != schema::INDEX_FORMAT {
        return Err(Error::SchemaMismatch {
            path: path.to_path_buf(),
            reason: format!(
                "was written in index format {format}, this idx reads format {}",
                schema::INDEX_FORMAT
            ),
        });
    }
    let payload = serde_json::from_str(&payload_json).map_err(|error| Error::SchemaMismatch {
        path: path.to_path_buf(),
        reason: format!("has a commit payload idx cannot read ({error})"),
    })?;
    Ok(Some(payload))
}

/// A rebuild killed between its two renames leaves no index at `path` and the old one under
/// its retired name; put it back so the last committed index is what opens.
fn restore_interrupted_swap(path: &Path) -> Result<()> {
    let retired = staging_path(path, "old");
    if !path.join("meta.json").is_file() && retired.join("meta.json").is_file() {
        if path.exists() {
            std::fs::remove_dir_all(path).map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?;
        }
        std::fs::rename(&retired, path).map_err(|source| Error::Io {
            path: retired.clone(),
            source,
        })?;
    }
    Ok(())
}

fn is_empty(tantivy: &tantivy::Index) -> Result<bool> {
    Ok(tantivy
        .searchable_segment_metas()?
        .iter()
        .all(|meta| meta.num_docs() == 0))
}

fn is_empty_dir(path: &Path) -> Result<bool> {
    let mut entries = std::fs::read_dir(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(entries.next().is_none())
}

fn staging_path(target: &Path, suffix: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|name| name.to_string_lossy().to_string())
        .unwrap_or_else(|| "idx-index".to_string());
    target.with_file_name(format!(".{name}.{suffix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staged_file_replaces_the_old_one_only_when_published() {
        let dir = tempfile::tempdir().expect("temp dir");
        let decl = SchemaDecl::embedded();
        let target = ArticleIndex::open_for_build(&dir.path().join("index"), &decl, false)
            .expect("a new index");
        let index = target.index;
        let file = index.path.join("registry.json");
        index.stage_beside("registry.json", b"old").expect("staged");
        index.publish_beside("registry.json").expect("published");
        index.stage_beside("registry.json", b"new").expect("staged");
        assert_eq!(std::fs::read(&file).expect("still there"), b"old");
        index.publish_beside("registry.json").expect("published");
        assert_eq!(std::fs::read(&file).expect("replaced"), b"new");
        assert!(!index.path.join(staged_name("registry.json")).exists());

        // Removing takes a staged file that was never published along.
        index
            .stage_beside("registry.json", b"newer")
            .expect("staged");
        index.remove_beside("registry.json").expect("removed");
        assert!(!file.exists());
        assert!(!index.path.join(staged_name("registry.json")).exists());
    }

    /// tantivy sorts a document's values by field; `document` hands them over in that order
    /// already, so the sort is one pass.
    #[test]
    fn a_document_lists_its_values_in_field_order() {
        use crate::enrich::{DateMention, Entity};
        let dir = tempfile::tempdir().expect("temp dir");
        let target =
            ArticleIndex::open_for_build(&dir.path().join("index"), &SchemaDecl::embedded(), false)
                .expect("a new index");
        let entity = |name: &str, aliases: &[&str]| Entity {
            name: name.to_string(),
            aliases: aliases.iter().map(|alias| alias.to_string()).collect(),
            mentions: 2,
            spans: vec![(0, 1)],
        };
        let article = EnrichedArticle {
            article: crate::clean::Article {
                source: crate::ingest::SourceRef {
                    path: PathBuf::from("a.jsonl"),
                    line: Some(3),
                    record_id: None,
                },
                url: Some("https://example.com/news/1".to_string()),
                title: "Lavrov meets Blinken".to_string(),
                body: "Sergei Lavrov met Antony Blinken in Geneva on Friday.".to_string(),
                published: None,
                declared_language: None,
                n_bytes: 60,
            },
            language: "en".to_string(),
            published: jiff::civil::Date::new(2022, 1, 21).ok(),
            people: vec![
                entity("Sergei Lavrov", &["Lavrov"]),
                entity("Antony Blinken", &["A. Blinken", "Blinken"]),
            ],
            organizations: vec![entity("NATO", &[]), entity("United Nations", &["UN"])],
            places: vec![entity("Geneva", &["Genf"]), entity("Kyiv", &[])],
            dates: vec![DateMention {
                date: "2022-01-21".to_string(),
                text: "on Friday".to_string(),
                span: (40, 49),
            }],
        };
        let sources = ["a.jsonl:3".to_string(), "b.jsonl:7".to_string()];
        let document = target.index.document(&article, "id1", &sources);
        let field_ids: Vec<u32> = document
            .field_values()
            .map(|(field, _)| field.field_id())
            .collect();
        assert!(field_ids.is_sorted(), "{field_ids:?}");
    }

    #[test]
    fn facts_json_is_what_serde_writes() {
        use crate::enrich::{DateMention, Entity};
        #[derive(Serialize)]
        struct StoredFacts<'a> {
            people: &'a [Entity],
            organizations: &'a [Entity],
            places: &'a [Entity],
            dates: &'a [DateMention],
        }
        let entity = |name: &str, aliases: &[&str], mentions: u32| Entity {
            name: name.to_string(),
            aliases: aliases.iter().map(|alias| alias.to_string()).collect(),
            mentions,
            spans: vec![(0, 1)],
        };
        let mention = |date: &str, text: &str| DateMention {
            date: date.to_string(),
            text: text.to_string(),
            span: (3, 4),
        };
        let article = |people, organizations, places, dates| EnrichedArticle {
            article: crate::clean::Article {
                source: crate::ingest::SourceRef {
                    path: PathBuf::from("a.txt"),
                    line: None,
                    record_id: None,
                },
                url: None,
                title: String::new(),
                body: String::new(),
                published: None,
                declared_language: None,
                n_bytes: 0,
            },
            language: "en".to_string(),
            published: None,
            people,
            organizations,
            places,
            dates,
        };
        let cases = [
            article(Vec::new(), Vec::new(), Vec::new(), Vec::new()),
            article(
                vec![
                    entity("Anthony Blinken", &["Blinken", "A. Blinken"], 3),
                    entity("Сергей Лавров", &[], 0),
                ],
                vec![entity(
                    "A \"quoted\" \\ name",
                    &["tab\there", "\u{1}\u{1f}\u{7f}"],
                    1,
                )],
                vec![entity("Kyiv", &["Київ", "Kiev"], u32::MAX)],
                vec![
                    mention("2022-02-12", "on \"Tuesday\""),
                    mention("2022", "in 2022\n"),
                ],
            ),
        ];
        for article in &cases {
            let serde_json = serde_json::to_string(&StoredFacts {
                people: &article.people,
                organizations: &article.organizations,
                places: &article.places,
                dates: &article.dates,
            })
            .expect("serialises");
            assert_eq!(facts_json(article), serde_json);
        }
    }

    #[test]
    fn an_interrupted_swap_restores_the_old_index() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("index");
        let decl = SchemaDecl::embedded();
        std::fs::create_dir_all(&target).expect("mkdir");
        ArticleIndex::create(&target, &decl).expect("create");
        // The state after the first rename of finish_rebuild: old index retired, no new one.
        std::fs::rename(&target, staging_path(&target, "old")).expect("rename");
        assert!(ArticleIndex::open(&target).is_ok());
        assert!(target.join("meta.json").is_file());
        assert!(!staging_path(&target, "old").exists());
    }

    #[test]
    fn lent_analyzers_come_back_to_the_pool() {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = ArticleIndex::create(dir.path(), &SchemaDecl::embedded()).expect("create");
        let field = index.fields().body.for_language("en");
        let pooled = |index: &ArticleIndex| {
            let pool = index.analyzer_pool.lock().expect("pool");
            pool.values().map(Vec::len).sum::<usize>()
        };
        {
            let mut first = index.lend_analyzer(field, None).expect("analyzer");
            let second = index.lend_analyzer(field, None).expect("analyzer");
            let mut stream = first.token_stream("Guarantees");
            assert!(stream.advance());
            assert_eq!(stream.token().text, "guarante");
            drop(stream);
            drop(second);
            assert_eq!(pooled(&index), 1);
        }
        assert_eq!(pooled(&index), 2);
        // The next query takes one of them instead of making a new one.
        let _again = index.lend_analyzer(field, None).expect("analyzer");
        assert_eq!(pooled(&index), 1);
        assert!(index
            .lend_analyzer(field, Some("no such analyzer"))
            .is_none());
    }
}
