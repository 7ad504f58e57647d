//! The build pipeline: sources are read, cleaned, enriched and indexed in batches, in parallel
//! with rayon, and committed once at the end (plus a second commit when syndicated copies or
//! changed files need their source lists rewritten).
//!
//! This module only orchestrates: reading is `ingest`'s, cleaning `clean`'s, facts `enrich`'s
//! and writing `index`'s. It owns the incremental logic (which sources are new, changed or
//! gone) and the [`BuildReport`].

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value as _};
use tantivy::{TantivyDocument, Term};

use crate::clean::{self, Article};
use crate::enrich::{self, EnrichedArticle, Gazetteer};
use crate::index::{tantivy_to_date, ArticleIndex, SchemaSource};
use crate::ingest::{self, IngestError, SourceRef};
use crate::registry::{
    ArticleFacts, Registry, RegistryBuilder, RegistryFigures, RegistryFiles, LOOKUP_FILE,
    REGISTRY_FILE,
};
use crate::{Error, Result};

/// What to build and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The index folder.
    pub index_dir: PathBuf,
    /// Files and folders to read (folders recursively).
    pub paths: Vec<PathBuf>,
    /// Start from an empty index instead of adding to the existing one.
    pub rebuild: bool,
    /// The schema declaration to build with.
    pub schema: SchemaSource,
    /// Folder whose name lists override the embedded ones (`None`: the embedded lists).
    pub lists_dir: Option<PathBuf>,
    /// Most files read per batch.
    pub batch_files: usize,
    /// Most bytes (on disk) read per batch, unless one file alone is larger: a batch's records
    /// are in memory together, so this bounds a build's memory on large corpora.
    pub batch_bytes: u64,
    /// Extract actors, places and dates (the default). Without, articles are still tagged
    /// with their language, which picks their stemmer, and keep a publication date their
    /// record declares, but carry no facts: a plain full-text index, and the baseline the
    /// news bench measures the cost of enrichment against.
    pub facts: bool,
}

impl BuildOptions {
    /// Options to index `paths` into `index_dir` with the embedded schema.
    pub fn new(index_dir: impl Into<PathBuf>, paths: Vec<PathBuf>) -> Self {
        BuildOptions {
            index_dir: index_dir.into(),
            paths,
            rebuild: false,
            schema: SchemaSource::Embedded,
            lists_dir: None,
            batch_files: 64,
            batch_bytes: 64 * 1024 * 1024,
            facts: true,
        }
    }
}

/// The named steps of a build, reported through [`Progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildStage {
    /// Walking the paths for source files.
    Discovering,
    /// Reading, cleaning, enriching and writing articles.
    Indexing,
    /// Rewriting the source lists of syndicated copies and changed files.
    Reconciling,
    /// Committing to disk.
    Committing,
    /// Clustering the actors and places of the whole index into the registry.
    Registering,
}

/// Receives a build's progress; the binary draws it, tests and embedders may ignore it.
pub trait Progress: Sync {
    /// A new stage starts; `n_files` and `n_bytes` are the totals known so far.
    fn stage(&self, _stage: BuildStage, _n_files: u64, _n_bytes: u64) {}
    /// One more source file, or one more chunk of a large JSON Lines or CSV file, is done.
    fn file_done(&self, _n_bytes: u64, _n_articles: u64) {}
}

/// A [`Progress`] that ignores everything.
pub struct NoProgress;
impl Progress for NoProgress {}

/// Wall-clock time of each stage, in milliseconds. Reading, cleaning and enriching run in
/// parallel, so theirs are summed over threads (CPU time spent in the stage).
#[derive(Debug, Clone, Default, Serialize)]
pub struct StageTimes {
    /// Reading and decoding source files (summed over threads).
    pub reading_ms: f64,
    /// Cleaning (summed over threads).
    pub cleaning_ms: f64,
    /// Enriching (summed over threads).
    pub enriching_ms: f64,
    /// Handing documents to the index writer.
    pub writing_ms: f64,
    /// Commits.
    pub committing_ms: f64,
    /// Clustering the actor registry and writing it (in builds of up to 200,000 new articles
    /// the clustering runs beside the commit, so this is not all added to `total_ms`).
    pub registry_ms: f64,
    /// The whole build.
    pub total_ms: f64,
}

/// A problem with one source or record that did not stop the build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The file.
    pub path: PathBuf,
    /// The line, for multi-record files.
    pub line: Option<u64>,
    /// Why it was skipped.
    pub reason: String,
}

impl From<IngestError> for Skipped {
    fn from(error: IngestError) -> Self {
        Skipped {
            path: error.path,
            line: error.line,
            reason: error.reason,
        }
    }
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(formatter, "{}:{line}: {}", self.path.display(), self.reason),
            None => write!(formatter, "{}: {}", self.path.display(), self.reason),
        }
    }
}

/// What a build did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BuildReport {
    /// The index folder.
    pub index: PathBuf,
    /// Source files found.
    pub files_seen: u64,
    /// Bytes of text read.
    pub bytes_read: u64,
    /// Articles read (records, before merging identical texts).
    pub articles_read: u64,
    /// Articles newly added to the index.
    pub articles_added: u64,
    /// Articles already in the index and unchanged.
    pub articles_unchanged: u64,
    /// Articles rewritten because their list of sources changed.
    pub articles_updated: u64,
    /// Articles removed because every source of theirs changed or disappeared.
    pub articles_removed: u64,
    /// Records whose text was identical to another record's (syndicated copies).
    pub duplicates: u64,
    /// Articles in the index after the build.
    pub articles_in_index: u64,
    /// New articles per language.
    pub by_language: BTreeMap<String, u64>,
    /// Files and records that could not be read.
    pub skipped: Vec<Skipped>,
    /// Notes from cleaning, e.g. a page whose article body was not found.
    pub warnings: Vec<Skipped>,
    /// Canonical actors and places in the registry after the build (0 when it could not be
    /// written; see `warnings`).
    pub actors_in_registry: u64,
    /// How the registry merged names (see [`RegistryFigures`]).
    pub registry: RegistryFigures,
    /// Time per stage.
    pub timings: StageTimes,
}

#[derive(Default)]
struct StageClock {
    reading: AtomicU64,
    cleaning: AtomicU64,
    enriching: AtomicU64,
}

impl StageClock {
    fn add(counter: &AtomicU64, started: Instant) {
        StageClock::add_duration(counter, started.elapsed());
    }

    fn add_duration(counter: &AtomicU64, duration: Duration) {
        let nanos = u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX);
        counter.fetch_add(nanos, Ordering::Relaxed);
    }
}

fn millis(nanos: u64) -> f64 {
    nanos as f64 / 1e6
}

/// One cleaned record with its content id.
struct CleanRecord {
    id: String,
    article: Article,
}

/// Content id of an article: a hash of its title and body, so identical texts share it.
pub fn article_id(article: &Article) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(article.title.as_bytes());
    hasher.update(b"\n");
    hasher.update(article.body.as_bytes());
    hasher.finalize().to_hex()[..32].to_string()
}

/// Loads the name lists: the embedded ones, with any list file present in `lists_dir`
/// (`places.tsv`, `actors.tsv`, `given-names.txt`, …) taking the place of its embedded copy.
pub fn load_gazetteer(lists_dir: Option<&Path>) -> Result<Gazetteer> {
    let Some(dir) = lists_dir else {
        return Ok(Gazetteer::embedded());
    };
    let embedded = crate::enrich::ListTexts::embedded();
    let read = |name: &str, fallback: &'static str| -> Result<std::borrow::Cow<'static, str>> {
        let path = dir.join(name);
        if !path.is_file() {
            return Ok(std::borrow::Cow::Borrowed(fallback));
        }
        std::fs::read_to_string(&path)
            .map(std::borrow::Cow::Owned)
            .map_err(|source| Error::Io { path, source })
    };
    let places = read("places.tsv", embedded.places)?;
    let actors = read("actors.tsv", embedded.actors)?;
    let given_names = read("given-names.txt", embedded.given_names)?;
    let person_titles = read("person-titles.txt", embedded.person_titles)?;
    let org_words = read("org-words.txt", embedded.org_words)?;
    let org_heads = read("org-heads.txt", embedded.org_heads)?;
    let common_words = read("common-words.txt", embedded.common_words)?;
    let demonyms = read("demonyms.txt", embedded.demonyms)?;
    let texts = crate::enrich::ListTexts {
        places: &places,
        actors: &actors,
        given_names: &given_names,
        person_titles: &person_titles,
        org_words: &org_words,
        org_heads: &org_heads,
        common_words: &common_words,
        demonyms: &demonyms,
    };
    Gazetteer::from_list_texts(&texts).map_err(|error| Error::Schema {
        path: dir.join(&error.file),
        line: error.line,
        message: error.message,
    })
}

/// A source file (or a chunk of one) read and cleaned: its articles, the records and files
/// skipped, the warnings, and the bytes read.
type CleanedFile = (Vec<CleanRecord>, Vec<Skipped>, Vec<Skipped>, u64);

/// Reads and cleans one source file; a panic inside becomes a skipped file.
fn read_and_clean(path: &Path, clock: &StageClock) -> CleanedFile {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let started = Instant::now();
        let records = ingest::read_source_file(path);
        StageClock::add(&clock.reading, started);
        clean_records(records, clock)
    }));
    outcome.unwrap_or_else(|panic| panicked_file(path, &panic))
}

/// Reads and cleans one large source file a chunk of about `chunk_bytes` at a time, handing
/// each chunk's cleaned parts to `each` before the next chunk is read, so memory stays
/// bounded by the chunk.
///
/// The file is read on a thread of its own, a part of the chunk at a time, and each part is
/// cleaned while the next is read: read first and cleaned after, the reading (decompressing
/// and parsing, one thread's work) left every other core idle. Chunks still end where
/// [`ingest::read_source_file_in_chunks`] ends them, because which articles are new and
/// which are copies is decided a chunk at a time.
fn read_and_clean_in_chunks(
    path: &Path,
    chunk_bytes: u64,
    clock: &StageClock,
    each: &mut dyn FnMut(Vec<CleanedFile>),
) {
    let part_bytes = (chunk_bytes / PARTS_PER_CHUNK).clamp(1, MAX_PART_BYTES);
    std::thread::scope(|scope| {
        let (part_sender, part_receiver) =
            std::sync::mpsc::sync_channel::<(ingest::FileRecords, bool)>(PARTS_IN_FLIGHT);
        scope.spawn(move || {
            let started = Instant::now();
            let mut waited = Duration::ZERO;
            let mut hand_on = |records, ends_chunk| {
                let send_started = Instant::now();
                // Sending fails only when the receiving side panicked; the scope reports that.
                let _ = part_sender.send((records, ends_chunk));
                waited += send_started.elapsed();
            };
            let last = ingest::read_source_file_in_parts(
                path,
                &ingest::ReadLimits::default(),
                chunk_bytes,
                part_bytes,
                &mut hand_on,
            );
            hand_on(last, true);
            StageClock::add_duration(&clock.reading, started.elapsed().saturating_sub(waited));
        });
        let mut chunk = Vec::new();
        for (records, ends_chunk) in part_receiver {
            let outcome = catch_unwind(AssertUnwindSafe(|| clean_records(records, clock)));
            chunk.push(outcome.unwrap_or_else(|panic| panicked_file(path, &panic)));
            if ends_chunk {
                each(std::mem::take(&mut chunk));
            }
        }
    });
}

/// A chunk of a large record file is read in about this many parts (see
/// [`read_and_clean_in_chunks`]) ...
const PARTS_PER_CHUNK: u64 = 16;

/// ... of at most this many bytes, so that cleaning starts soon after reading does.
const MAX_PART_BYTES: u64 = 1024 * 1024;

/// Parts read ahead of the cleaning at most: with [`MAX_PART_BYTES`], the reading thread adds
/// at most a few megabytes to a build's memory.
const PARTS_IN_FLIGHT: usize = 4;

/// Cleans the records of one file (or chunk) in parallel: a corpus is often one big CSV or
/// JSONL file, and cleaning it on one thread left the other cores idle.
fn clean_records(records: ingest::FileRecords, clock: &StageClock) -> CleanedFile {
    let outcomes: Vec<(Option<CleanRecord>, Vec<Skipped>)> = records
        .docs
        .into_par_iter()
        .map(|doc| {
            let started = Instant::now();
            let (article, article_warnings) = clean::clean_source_doc(doc);
            let mut warnings: Vec<Skipped> = article_warnings
                .into_iter()
                .map(|warning| Skipped {
                    path: article.source.path.clone(),
                    line: article.source.line,
                    reason: warning.message,
                })
                .collect();
            let record = if article.title.trim().is_empty() && article.body.trim().is_empty() {
                warnings.push(Skipped {
                    path: article.source.path.clone(),
                    line: article.source.line,
                    reason: "no text left after cleaning; article skipped".to_string(),
                });
                None
            } else {
                Some(CleanRecord {
                    id: article_id(&article),
                    article,
                })
            };
            StageClock::add(&clock.cleaning, started);
            (record, warnings)
        })
        .collect();
    let mut cleaned = Vec::with_capacity(outcomes.len());
    let mut warnings = Vec::new();
    for (record, record_warnings) in outcomes {
        cleaned.extend(record);
        warnings.extend(record_warnings);
    }
    warnings.extend(records.warnings.into_iter().map(Skipped::from));
    let skipped = records.errors.into_iter().map(Skipped::from).collect();
    (cleaned, skipped, warnings, records.n_bytes)
}

fn panicked_file(path: &Path, panic: &Box<dyn std::any::Any + Send>) -> CleanedFile {
    let skipped = Skipped {
        path: path.to_path_buf(),
        line: None,
        reason: format!(
            "internal error while reading (file skipped): {}",
            panic_message(panic)
        ),
    };
    (Vec::new(), vec![skipped], Vec::new(), 0)
}

fn enrich_guarded(
    article: Article,
    gazetteer: &Gazetteer,
    facts: bool,
    clock: &StageClock,
) -> std::result::Result<EnrichedArticle, Skipped> {
    let source = article.source.clone();
    let started = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        if facts {
            enrich::enrich_article(article, gazetteer)
        } else {
            language_only(article)
        }
    }));
    StageClock::add(&clock.enriching, started);
    outcome.map_err(|panic| Skipped {
        path: source.path,
        line: source.line,
        reason: format!(
            "internal error while extracting facts (article skipped): {}",
            panic_message(&panic)
        ),
    })
}

/// An article as a build without facts indexes it: its language (declared, else whatlang's,
/// on the same prefix enrichment reads) and no actors, places or dates.
fn language_only(article: Article) -> EnrichedArticle {
    let mut scanned_len = article.body.len().min(enrich::MAX_ENRICHED_BYTES);
    while !article.body.is_char_boundary(scanned_len) {
        scanned_len -= 1;
    }
    let language = article
        .declared_language
        .as_deref()
        .and_then(enrich::normalize_declared_language)
        .unwrap_or_else(|| enrich::tag_language(&article.body[..scanned_len]));
    EnrichedArticle {
        published: article.published,
        article,
        language,
        people: Vec::new(),
        organizations: Vec::new(),
        places: Vec::new(),
        dates: Vec::new(),
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|text| text.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

/// Splits the sorted file list into batches of at most `max_files` files and `max_bytes`
/// bytes on disk (a file larger than `max_bytes` is a batch of its own).
fn file_batches(files: &[PathBuf], max_files: usize, max_bytes: u64) -> Vec<&[PathBuf]> {
    let mut batches = Vec::new();
    let mut start = 0;
    let mut batch_bytes = 0;
    for (file_idx, file) in files.iter().enumerate() {
        let file_bytes = std::fs::metadata(file).map_or(0, |metadata| metadata.len());
        let full = file_idx - start >= max_files.max(1)
            || (file_idx > start && batch_bytes + file_bytes > max_bytes);
        if full {
            batches.push(&files[start..file_idx]);
            start = file_idx;
            batch_bytes = 0;
        }
        batch_bytes += file_bytes;
    }
    if start < files.len() {
        batches.push(&files[start..]);
    }
    batches
}

/// How a source is named in the index, in hits and in `idx extract`: `path` for a one-article
/// file, `path#id` for a record with an id of its own (a JSONL `id`, a CSV `article_id`), else
/// `path:line`.
pub fn source_label(source: &SourceRef) -> String {
    match (&source.record_id, source.line) {
        (Some(record_id), _) => format!("{}#{record_id}", source.path.display()),
        (None, Some(line)) => format!("{}:{line}", source.path.display()),
        (None, None) => source.path.display().to_string(),
    }
}

/// The file part of a source label (see [`source_label`]).
fn source_path(source: &str) -> &str {
    if let Some((path, _record_id)) = source.rsplit_once('#') {
        return path;
    }
    match source.rsplit_once(':') {
        Some((path, line))
            if !line.is_empty() && line.bytes().all(|byte| byte.is_ascii_digit()) =>
        {
            path
        }
        _ => source,
    }
}

/// A build's name lists: loaded, or loading on another thread.
///
/// Loading the embedded lists takes about 90 M instructions (folding, case forms, hash sets)
/// on one thread. A build starts them first and reads its first files meanwhile, instead of
/// leaving every other core idle until they are loaded.
struct NameLists {
    loading: std::sync::Mutex<Option<std::thread::JoinHandle<Gazetteer>>>,
    loaded: std::sync::OnceLock<Gazetteer>,
}

impl NameLists {
    fn loaded(gazetteer: Gazetteer) -> NameLists {
        NameLists {
            loading: std::sync::Mutex::new(None),
            loaded: std::sync::OnceLock::from(gazetteer),
        }
    }

    /// Loads the embedded lists, then builds their trie of aliases, on another thread.
    fn embedded_in_background() -> NameLists {
        let loading = std::thread::spawn(|| {
            let gazetteer = Gazetteer::embedded();
            gazetteer.compile_in_background();
            gazetteer
        });
        NameLists {
            loading: std::sync::Mutex::new(Some(loading)),
            loaded: std::sync::OnceLock::new(),
        }
    }

    /// The lists, waiting for them if they are still loading.
    fn get(&self) -> Result<&Gazetteer> {
        if let Some(gazetteer) = self.loaded.get() {
            return Ok(gazetteer);
        }
        let loading = self
            .loading
            .lock()
            .map_or(None, |mut loading| loading.take());
        let outcome = match loading {
            Some(loading) => loading.join().map_err(|panic| panic_message(&panic)),
            None => Err("an earlier attempt failed".to_string()),
        };
        let gazetteer = outcome.map_err(|message| {
            Error::Internal(format!("the name lists could not be loaded: {message}"))
        })?;
        Ok(self.loaded.get_or_init(|| gazetteer))
    }
}

/// Builds or updates the index described by `options`.
pub fn build(options: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport> {
    let started = Instant::now();
    let decl = options.schema.load()?;
    // A build without facts reads no name lists: they are enrichment work. A build with facts
    // builds their trie while its first files are read; the embedded lists, which cannot fail to
    // load, are also loaded then.
    let name_lists = match (options.facts, options.lists_dir.as_deref()) {
        (true, None) => NameLists::embedded_in_background(),
        (true, Some(lists_dir)) => {
            let gazetteer = load_gazetteer(Some(lists_dir))?;
            gazetteer.compile_in_background();
            NameLists::loaded(gazetteer)
        }
        (false, _) => NameLists::loaded(
            Gazetteer::from_list_texts(&crate::enrich::ListTexts::default())
                .map_err(|error| Error::Internal(format!("an empty gazetteer: {error}")))?,
        ),
    };
    let mut report = BuildReport {
        index: options.index_dir.clone(),
        ..BuildReport::default()
    };

    progress.stage(BuildStage::Discovering, 0, 0);
    let (files, discover_errors) = ingest::discover(&options.paths);
    report
        .skipped
        .extend(discover_errors.into_iter().map(Skipped::from));
    report.files_seen = files.len() as u64;
    if files.is_empty() {
        let roots: Vec<String> = options
            .paths
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        return Err(Error::NothingIndexed {
            reason: format!(
                "no .txt, .md, .html, .jsonl or .csv files (gzipped or not) under {}{}",
                roots.join(", "),
                report
                    .skipped
                    .first()
                    .map(|skipped| format!(" ({skipped})"))
                    .unwrap_or_default()
            ),
        });
    }
    let total_bytes: u64 = files
        .iter()
        .filter_map(|path| std::fs::metadata(path).ok())
        .map(|metadata| metadata.len())
        .sum();

    let target = ArticleIndex::open_for_build(&options.index_dir, &decl, options.rebuild)?;
    let index = &target.index;
    let existing: HashMap<String, Vec<String>> = if target.fresh {
        HashMap::new()
    } else {
        index.sources_by_id()?
    };
    let n_threads = std::thread::available_parallelism().map_or(2, |count| count.get());
    let mut writer = index.writer(n_threads)?;
    if target.fresh && target.staging.is_none() {
        writer.delete_all_documents()?;
    }

    progress.stage(BuildStage::Indexing, files.len() as u64, total_bytes);
    let clock = StageClock::default();
    let mut writing = Duration::ZERO;
    let scanned_files: HashSet<String> = files
        .iter()
        .map(|path| path.display().to_string())
        .collect();
    // Sources of every article seen in this build, and what the index holds (or will hold
    // after this build's writes) for it.
    // Both hold an entry per article, so at a million articles their shape is most of the
    // build's own memory: sources are a sorted Vec (a BTreeSet's first node alone is ~280
    // bytes), and articles written by this build keep only how many sources they got.
    let mut seen: HashMap<String, Vec<String>> = HashMap::new();
    let mut written: HashMap<String, Held> = existing
        .iter()
        .map(|(id, sources)| (id.clone(), Held::Listed(sources.iter().cloned().collect())))
        .collect();

    // A fresh build writes every article of the index itself, so it gathers the registry's
    // facts as it goes instead of reading every stored article back at the end. (Rewrites of
    // source lists re-add the same articles, so they change nothing the registry reads.)
    let collect_facts = target.fresh;
    // Made with the first batch, once the name lists are loaded.
    let mut registry_builder: Option<RegistryBuilder> = None;

    // Dedupes, enriches and writes the cleaned records of a batch of files or of one chunk.
    let mut index_cleaned = |outcomes: Vec<CleanedFile>| -> Result<()> {
        let mut new_articles: Vec<(String, Article, BTreeSet<String>)> = Vec::new();
        let mut new_index: HashMap<String, usize> = HashMap::new();
        for (records, skipped, warnings, n_bytes) in outcomes {
            report.skipped.extend(skipped);
            report.warnings.extend(warnings);
            report.bytes_read += n_bytes;
            progress.file_done(n_bytes, records.len() as u64);
            for record in records {
                report.articles_read += 1;
                let source = source_label(&record.article.source);
                let first_sighting = !seen.contains_key(&record.id);
                let sources = seen.entry(record.id.clone()).or_default();
                if let Err(position) = sources.binary_search(&source) {
                    sources.insert(position, source.clone());
                }
                if !first_sighting {
                    report.duplicates += 1;
                }
                if let Some(&position) = new_index.get(&record.id) {
                    new_articles[position].2.insert(source);
                    continue;
                }
                if written.contains_key(&record.id) {
                    continue;
                }
                new_index.insert(record.id.clone(), new_articles.len());
                new_articles.push((record.id, record.article, BTreeSet::from([source])));
            }
        }
        let gazetteer = name_lists.get()?;
        if collect_facts && registry_builder.is_none() {
            registry_builder = Some(RegistryBuilder::new(gazetteer));
        }
        // The tantivy document is made on the worker too: made on this thread, it was a
        // serial step between the parallel enrichment and the writer's threads.
        let enriched: Vec<_> = new_articles
            .into_par_iter()
            .map(|(id, article, sources)| {
                let outcome =
                    enrich_guarded(article, gazetteer, options.facts, &clock).map(|mut article| {
                        let sources_list: Vec<String> = sources.iter().cloned().collect();
                        let document = index.document(&article, &id, &sources_list);
                        let language = std::mem::take(&mut article.language);
                        let facts = collect_facts.then(|| ArticleFacts::from_article(article));
                        (language, document, facts)
                    });
                (id, outcome, sources)
            })
            .collect();
        let write_started = Instant::now();
        // The writer's threads get every document first; the registry takes the facts after,
        // while those threads index (added in the same order, so the registry is the same).
        let mut batch_facts = Vec::new();
        for (id, outcome, sources) in enriched {
            match outcome {
                Ok((language, document, facts)) => {
                    batch_facts.extend(facts);
                    *report.by_language.entry(language).or_default() += 1;
                    writer.add_document(document)?;
                    report.articles_added += 1;
                    written.insert(id, Held::Added(sources.len()));
                }
                Err(skipped) => report.skipped.push(skipped),
            }
        }
        if let Some(builder) = registry_builder.as_mut() {
            for facts in batch_facts {
                builder.add(facts);
            }
        }
        writing += write_started.elapsed();
        Ok(())
    };
    for batch in file_batches(&files, options.batch_files, options.batch_bytes) {
        // A record file alone in its batch may be far larger than a batch: it is read, cleaned
        // and written a chunk at a time, so a multi-gigabyte dump needs no more memory than
        // a batch of small files.
        if let [path] = batch {
            if matches!(
                ingest::Format::from_path(path),
                Some(ingest::Format::Jsonl | ingest::Format::Csv)
            ) {
                let mut failure = None;
                read_and_clean_in_chunks(path, options.batch_bytes, &clock, &mut |cleaned| {
                    if failure.is_none() {
                        failure = index_cleaned(cleaned).err();
                    }
                });
                if let Some(error) = failure {
                    return Err(error);
                }
                continue;
            }
        }
        let outcomes: Vec<_> = batch
            .par_iter()
            .map(|path| read_and_clean(path, &clock))
            .collect();
        index_cleaned(outcomes)?;
    }

    if report.articles_read == 0 && existing.is_empty() {
        // Nothing could be read: keep whatever index was there and say why.
        drop(writer);
        if let Some((staging, _)) = &target.staging {
            let _ = std::fs::remove_dir_all(staging);
        }
        let first_problem = report
            .skipped
            .first()
            .map(|skipped| format!(" (first problem: {skipped})"))
            .unwrap_or_default();
        return Err(Error::NothingIndexed {
            reason: format!(
                "{} files seen, no article could be read{first_problem}",
                report.files_seen
            ),
        });
    }

    let gazetteer = name_lists.get()?;
    if collect_facts && registry_builder.is_none() {
        registry_builder = Some(RegistryBuilder::new(gazetteer));
    }

    // A build small enough for memory not to matter clusters its registry on another thread
    // while tantivy commits and merges. A large one clusters afterwards, once the build's
    // per-article maps are freed: at a million articles those maps are about a gigabyte, and
    // the clustering's memory would come on top of them.
    let mut committing = Duration::ZERO;
    let beside_commit =
        registry_builder.is_some() && report.articles_added <= REGISTRY_BESIDE_COMMIT_MAX_ARTICLES;
    let early_registry = std::thread::scope(|scope| -> Result<Option<ClusteredBesideCommit>> {
        let clustering = beside_commit
            .then(|| registry_builder.take())
            .flatten()
            .map(|builder| {
                scope.spawn(move || {
                    let clustering_started = Instant::now();
                    let files = builder.finish_files();
                    let clustering = clustering_started.elapsed();
                    // Staged now, published once the commit is done: the flush to disk of
                    // the files (megabytes at a large build) runs beside the commit.
                    let staged = stage_registry(index, &files).map(|()| files.figures);
                    (staged, clustering)
                })
            });
        let commit_started = Instant::now();
        progress.stage(BuildStage::Committing, files.len() as u64, total_bytes);
        index.commit(&mut writer)?;
        committing = commit_started.elapsed();

        // Reconcile source lists: syndicated copies found in later batches, sources whose file
        // changed or disappeared, and existing articles found in new places.
        progress.stage(BuildStage::Reconciling, files.len() as u64, total_bytes);
        let roots: Vec<String> = options
            .paths
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        let is_stale = |source: &str| {
            let path = source_path(source);
            scanned_files.contains(path)
                || (roots.iter().any(|root| path.starts_with(root.as_str()))
                    && !Path::new(path).exists())
        };
        let mut rewrites: Vec<(String, BTreeSet<String>)> = Vec::new();
        for (id, held) in &written {
            match held {
                Held::Listed(held) => {
                    let mut wanted: BTreeSet<String> = held
                        .iter()
                        .filter(|source| !is_stale(source))
                        .cloned()
                        .collect();
                    if let Some(sources) = seen.get(id) {
                        wanted.extend(sources.iter().cloned());
                    }
                    if &wanted != held {
                        rewrites.push((id.clone(), wanted));
                    }
                }
                // Written by this build with sources it had seen, all from scanned files: the
                // list is stale exactly when later batches saw more copies.
                Held::Added(n_sources) => {
                    if let Some(sources) =
                        seen.get(id).filter(|sources| sources.len() != *n_sources)
                    {
                        rewrites.push((id.clone(), sources.iter().cloned().collect()));
                    }
                }
            }
        }
        rewrites.sort();
        let n_existing_seen = existing.keys().filter(|id| seen.contains_key(*id)).count();
        let n_existing_rewritten = rewrites
            .iter()
            .filter(|(id, _)| existing.contains_key(id))
            .count();
        report.articles_unchanged = n_existing_seen.saturating_sub(n_existing_rewritten) as u64;
        // A map entry per article: at a million articles these are hundreds of megabytes that the
        // merges and the registry below should not have to share memory with.
        drop(seen);
        drop(written);
        if !rewrites.is_empty() {
            let searcher = index.reader()?.searcher();
            let write_started = Instant::now();
            for (id, sources) in rewrites {
                index.delete(&writer, &id);
                if sources.is_empty() {
                    report.articles_removed += 1;
                    continue;
                }
                let Some(article) = stored_article(index, &searcher, &id)? else {
                    continue;
                };
                let enriched = enrich_guarded(article, gazetteer, options.facts, &clock)
                    .map_err(|skipped| Error::Internal(skipped.reason))?;
                let sources_list: Vec<String> = sources.into_iter().collect();
                writer.add_document(index.document(&enriched, &id, &sources_list))?;
                if existing.contains_key(&id) {
                    report.articles_updated += 1;
                }
            }
            writing += write_started.elapsed();
            let commit_started = Instant::now();
            index.commit(&mut writer)?;
            committing += commit_started.elapsed();
        }
        drop(existing);
        let wait_started = Instant::now();
        writer.wait_merging_threads()?;
        committing += wait_started.elapsed();
        clustering
            .map(|handle| {
                handle.join().map_err(|panic| {
                    Error::Internal(format!(
                        "the actor registry could not be made: {}",
                        panic_message(&panic)
                    ))
                })
            })
            .transpose()
    })?;

    if let Some((staging, final_path)) = &target.staging {
        ArticleIndex::finish_rebuild(staging, final_path)?;
    }
    let final_index = ArticleIndex::open(&options.index_dir)?;
    report.articles_in_index = final_index.reader()?.searcher().num_docs();

    // The registry describes the whole committed index: an incremental build reads it back,
    // so that earlier and removed articles are accounted for. The index is already committed: a registry that
    // cannot be written is a warning, and the stale one is removed so that queries do not
    // expand names with it.
    progress.stage(BuildStage::Registering, files.len() as u64, total_bytes);
    let registry_started = Instant::now();
    let mut clustering_beside_commit = Duration::ZERO;
    let registry_outcome = match (early_registry, registry_builder) {
        (Some((staged, clustering)), _) => {
            clustering_beside_commit = clustering;
            staged.and_then(|figures| {
                publish_registry(&final_index)?;
                Ok(figures)
            })
        }
        (None, builder) => {
            let files = match builder {
                Some(builder) => Ok(builder.finish_files()),
                None => Registry::files_from_index(&final_index, gazetteer),
            };
            files.and_then(|files| {
                stage_registry(&final_index, &files)?;
                publish_registry(&final_index)?;
                Ok(files.figures)
            })
        }
    };
    match registry_outcome {
        Ok(figures) => {
            report.registry = figures;
            report.actors_in_registry = report.registry.actors;
        }
        Err(error) => {
            let _ = final_index.remove_beside(REGISTRY_FILE);
            let _ = final_index.remove_beside(LOOKUP_FILE);
            report.warnings.push(Skipped {
                path: options.index_dir.join(REGISTRY_FILE),
                line: None,
                reason: format!("actor registry not written: {error}"),
            });
        }
    }
    let registry_ms =
        (registry_started.elapsed() + clustering_beside_commit).as_secs_f64() * 1000.0;
    report.timings = StageTimes {
        reading_ms: millis(clock.reading.load(Ordering::Relaxed)),
        cleaning_ms: millis(clock.cleaning.load(Ordering::Relaxed)),
        enriching_ms: millis(clock.enriching.load(Ordering::Relaxed)),
        writing_ms: writing.as_secs_f64() * 1000.0,
        committing_ms: committing.as_secs_f64() * 1000.0,
        registry_ms,
        total_ms: started.elapsed().as_secs_f64() * 1000.0,
    };
    Ok(report)
}

/// What the clustering thread beside the commit hands back: the figures of the registry it
/// staged (see [`stage_registry`]), and the time the clustering took.
type ClusteredBesideCommit = (Result<RegistryFigures>, Duration);

/// Writes the registry's two files beside `index` under their temp names, flushed to disk;
/// [`publish_registry`] renames them into place.
fn stage_registry(index: &ArticleIndex, files: &RegistryFiles) -> Result<()> {
    index.stage_beside(REGISTRY_FILE, &files.json)?;
    index.stage_beside(LOOKUP_FILE, files.lookup.as_str().as_bytes())
}

/// Renames the registry's files that [`stage_registry`] wrote into place.
fn publish_registry(index: &ArticleIndex) -> Result<()> {
    index.publish_beside(REGISTRY_FILE)?;
    index.publish_beside(LOOKUP_FILE)
}

/// Largest build (articles added) whose registry is clustered beside the commit.
const REGISTRY_BESIDE_COMMIT_MAX_ARTICLES: u64 = 200_000;

/// What the index holds, or will hold after this build's writes, for one article.
enum Held {
    /// An article committed before this build, with its sources.
    Listed(BTreeSet<String>),
    /// An article this build added, with how many sources it was written with (all of them
    /// also in `seen`).
    Added(usize),
}

/// Rebuilds the cleaned article of a committed document from its stored fields.
fn stored_article(
    index: &ArticleIndex,
    searcher: &tantivy::Searcher,
    id: &str,
) -> Result<Option<Article>> {
    let fields = index.fields();
    let query = TermQuery::new(
        Term::from_field_text(fields.id, id),
        IndexRecordOption::Basic,
    );
    let found = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
    let Some((_, address)) = found.first() else {
        return Ok(None);
    };
    let document: TantivyDocument = searcher.doc(*address)?;
    let text = |field| ArticleIndex::first_text(&document, field);
    let first_source = text(fields.source).unwrap_or_default();
    let path = source_path(&first_source).to_string();
    let suffix = &first_source[path.len()..];
    let line = suffix.strip_prefix(':').and_then(|line| line.parse().ok());
    let record_id = suffix.strip_prefix('#').map(str::to_string);
    Ok(Some(Article {
        source: SourceRef {
            path: PathBuf::from(path),
            line,
            record_id,
        },
        url: text(fields.url),
        title: fields.title.stored.and_then(text).unwrap_or_default(),
        body: fields.body.stored.and_then(text).unwrap_or_default(),
        published: document
            .get_first(fields.published)
            .and_then(|value| value.as_datetime())
            .and_then(tantivy_to_date),
        declared_language: text(fields.language),
        n_bytes: 0,
    }))
}

/// Runs ingest, cleaning and enrichment over `paths` without indexing, calling `each` with
/// every article in source order (files sorted by path, records by line). Returns the
/// skipped files and records.
pub fn extract(
    paths: &[PathBuf],
    gazetteer: &Gazetteer,
    mut each: impl FnMut(EnrichedArticle),
) -> Vec<Skipped> {
    let (files, discover_errors) = ingest::discover(paths);
    let mut skipped: Vec<Skipped> = discover_errors.into_iter().map(Skipped::from).collect();
    let clock = StageClock::default();
    for batch in file_batches(&files, 64, 64 * 1024 * 1024) {
        let outcomes: Vec<_> = batch
            .par_iter()
            .map(|path| {
                let (records, file_skipped, _warnings, _) = read_and_clean(path, &clock);
                let enriched: Vec<_> = records
                    .into_iter()
                    .map(|record| enrich_guarded(record.article, gazetteer, true, &clock))
                    .collect();
                (enriched, file_skipped)
            })
            .collect();
        for (enriched, file_skipped) in outcomes {
            skipped.extend(file_skipped);
            for outcome in enriched {
                match outcome {
                    Ok(article) => each(article),
                    Err(problem) => skipped.push(problem),
                }
            }
        }
    }
    skipped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_path_strips_only_a_line_number() {
        assert_eq!(source_path("corpus/a.jsonl:12"), "corpus/a.jsonl");
        assert_eq!(source_path("corpus/a.txt"), "corpus/a.txt");
        assert_eq!(source_path("c:/x/a.txt"), "c:/x/a.txt");
        assert_eq!(source_path("corpus/a.jsonl#wire-001"), "corpus/a.jsonl");
    }

    #[test]
    fn batches_are_bounded_by_files_and_bytes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let files: Vec<PathBuf> = [10usize, 10, 30, 5, 5, 5]
            .iter()
            .enumerate()
            .map(|(file_idx, size)| {
                let path = dir.path().join(format!("{file_idx}.txt"));
                std::fs::write(&path, "x".repeat(*size)).expect("write");
                path
            })
            .collect();
        let sizes =
            |batches: Vec<&[PathBuf]>| batches.iter().map(|batch| batch.len()).collect::<Vec<_>>();
        assert_eq!(sizes(file_batches(&files, 64, 20)), vec![2, 1, 3]);
        assert_eq!(sizes(file_batches(&files, 2, 1000)), vec![2, 2, 2]);
        assert_eq!(sizes(file_batches(&[], 2, 1000)), Vec::<usize>::new());
    }
}
