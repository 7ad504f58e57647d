//! The evaluation `idx eval` runs: which gold sets exist, where each lives under the shared
//! folder (`seeds/` and `data/`), and how each is enriched and scored.
//!
//! Every set goes through the same enrichment as `idx build` and `idx extract`; the seeds go
//! through ingest and cleaning as well, as real files. Scoring is [`crate::eval`]'s, which
//! replicates the reference scorers of `../shared/eval`. `--jsonl` writes each set's
//! predictions as `idx extract` JSON Lines so those scorers can score the very same output.
//! The module writes tables to the writer it is given; it never prints on its own.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::enrich::{enrich_article, DateMention, EnrichedArticle, Entity, Gazetteer};
use crate::eval::{
    evaluate_seeds, read_conll2002, read_conll2003, read_extract_jsonl, read_factrueval,
    read_maybe_gzipped, read_ronec, score_entity_sets, score_factru, score_seeds, EvalError,
    GoldArticle, PredictedArticle, Table,
};

/// How a gold set's file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    Conll2003(&'static str),
    Conll2002(&'static str),
    Ronec(&'static str),
    FactRuEval,
}

/// One gold set of named entities.
struct EntitySet {
    name: &'static str,
    title: &'static str,
    /// Path under the shared folder.
    file: &'static str,
    reader: Reader,
    /// Used to find rules; `all` leaves it out, as it reports the dev figures.
    for_tuning: bool,
    /// For sets of sentences kept in article order without document marks: whether a
    /// sentence opens an article. Each sentence is then enriched with the rest of its article
    /// around it, as idx reads an article, and still scored on its own.
    opens_article: Option<fn(&str) -> bool>,
}

const ENTITY_SETS: &[EntitySet] = &[
    EntitySet {
        name: "conll",
        title: "CoNLL-2003 testa",
        file: "data/conll2003-en/eng.testa.gz",
        reader: Reader::Conll2003("testa"),
        for_tuning: false,
        opens_article: None,
    },
    EntitySet {
        name: "conll-train",
        title: "CoNLL-2003 train",
        file: "data/conll2003-en/eng.train.gz",
        reader: Reader::Conll2003("train"),
        for_tuning: true,
        opens_article: None,
    },
    EntitySet {
        name: "factru",
        title: "factRuEval-2016 dev",
        file: "data/factrueval2016-ru/factrueval2016.tar.gz",
        reader: Reader::FactRuEval,
        for_tuning: false,
        opens_article: None,
    },
    EntitySet {
        name: "ronec",
        title: "RONEC valid (per sentence)",
        file: "data/ronec-ro/valid.json.gz",
        reader: Reader::Ronec("ronec-valid"),
        for_tuning: false,
        opens_article: None,
    },
    EntitySet {
        name: "ronec-test",
        title: "RONEC test (per sentence, for finding rules)",
        file: "data/ronec-ro/test.json.gz",
        reader: Reader::Ronec("ronec-test"),
        for_tuning: true,
        opens_article: None,
    },
    EntitySet {
        name: "conll2002",
        title: "CoNLL-2002 es testa (per sentence, read within its article)",
        file: "data/conll2002-es/esp.testa.gz",
        reader: Reader::Conll2002("esp-testa"),
        for_tuning: false,
        opens_article: Some(opens_efe_article),
    },
    EntitySet {
        name: "conll2002-train",
        title: "CoNLL-2002 es train (per sentence, read within its article)",
        file: "data/conll2002-es/esp.train.gz",
        reader: Reader::Conll2002("esp-train"),
        for_tuning: true,
        opens_article: Some(opens_efe_article),
    },
];

/// The names `idx eval` accepts, in the order `all` runs them (`all` skips the train sets).
pub const SET_NAMES: &[&str] = &[
    "seeds",
    "conll",
    "conll-train",
    "factru",
    "ronec",
    "ronec-test",
    "conll2002",
    "conll2002-train",
    "gnad",
    "html",
    "speed",
    "all",
];

/// What `idx eval` should do.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// The shared folder holding `seeds/` and `data/` (`../shared` beside the repository).
    pub shared: PathBuf,
    /// Sets to run, from [`SET_NAMES`]; empty means `all`.
    pub sets: Vec<String>,
    /// Write each set's predictions as `idx extract` JSON Lines, `DIR/<set>.jsonl`.
    pub jsonl_dir: Option<PathBuf>,
    /// List every scoring error (missed and spurious entity) under its table.
    pub show_errors: bool,
    /// Score this `idx extract` file against the one set named instead of enriching.
    pub score_file: Option<PathBuf>,
}

/// Why an evaluation stopped.
#[derive(Debug, thiserror::Error)]
pub enum EvalRunError {
    /// A set name `idx eval` does not know.
    #[error("unknown evaluation set '{0}' (known: {known})", known = SET_NAMES.join(", "))]
    UnknownSet(String),
    /// `--score` needs exactly one set that has a gold file.
    #[error("--score needs exactly one set to score against, one of: {0}")]
    ScoreNeedsOneSet(String),
    /// A gold file could not be read or parsed.
    #[error(transparent)]
    Gold(#[from] EvalError),
    /// An extract file given to `--score` is not `idx extract` JSON Lines.
    #[error("{path} is not idx extract JSON Lines: {message}")]
    Extract {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
    /// Writing the tables or the JSON Lines failed.
    #[error("cannot write {what}: {source}")]
    Write {
        /// What was being written.
        what: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// What an evaluation did: how many sets were scored and which were skipped (file absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvalSummary {
    /// Sets scored.
    pub n_scored: usize,
    /// Sets whose files were absent, with the path looked for.
    pub skipped: Vec<(String, PathBuf)>,
}

fn write_error(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> EvalRunError {
    let what = what.into();
    move |source| EvalRunError::Write { what, source }
}

/// Runs the evaluation the options ask for and writes its tables to `out`.
pub fn run(
    options: &EvalOptions,
    gazetteer: &Gazetteer,
    out: &mut dyn Write,
) -> Result<EvalSummary, EvalRunError> {
    for set in &options.sets {
        if !SET_NAMES.contains(&set.as_str()) {
            return Err(EvalRunError::UnknownSet(set.clone()));
        }
    }
    let run_all = options.sets.is_empty() || options.sets.iter().any(|set| set == "all");
    let wants = |name: &str, for_tuning: bool| {
        options.sets.iter().any(|set| set == name) || (run_all && !for_tuning)
    };
    if let Some(score_file) = &options.score_file {
        return score_existing(options, score_file, out);
    }
    let mut summary = EvalSummary::default();
    let seeds = options.shared.join("seeds");
    if wants("seeds", false) {
        if seeds.join("gold.json").exists() {
            run_seeds(&seeds, gazetteer, options, out)?;
            summary.n_scored += 1;
        } else {
            summary
                .skipped
                .push(("seeds".into(), seeds.join("gold.json")));
        }
    }
    for set in ENTITY_SETS {
        if !wants(set.name, set.for_tuning) {
            continue;
        }
        let path = options.shared.join(set.file);
        if !path.exists() {
            summary.skipped.push((set.name.into(), path));
            continue;
        }
        let started = Instant::now();
        let gold = read_gold(set, &path)?;
        let enriched: Vec<EnrichedArticle> = match set.opens_article {
            Some(opens_article) => enrich_in_articles(&gold, opens_article, gazetteer),
            None => gold
                .iter()
                .map(|gold_article| enrich_article(gold_article.article.clone(), gazetteer))
                .collect(),
        };
        write_jsonl(options.jsonl_dir.as_deref(), set.name, &enriched)?;
        let predicted: Vec<PredictedArticle> = enriched
            .iter()
            .map(PredictedArticle::from_enriched)
            .collect();
        let table = score(set, &gold, &predicted);
        write_table(out, &table, options.show_errors, Some(started))?;
        summary.n_scored += 1;
    }
    if wants("gnad", false) {
        let path = options.shared.join(GNAD_FILE);
        if path.exists() {
            run_gnad(&path, gazetteer, options, out)?;
            summary.n_scored += 1;
        } else {
            summary.skipped.push(("gnad".into(), path));
        }
    }
    if wants("html", false) {
        let benchmark = options.shared.join("data/article-extraction-benchmark");
        if benchmark.join("ground-truth.json").exists() {
            run_html(&benchmark, out)?;
            summary.n_scored += 1;
        } else {
            summary
                .skipped
                .push(("html".into(), benchmark.join("ground-truth.json")));
        }
    }
    if wants("speed", false) {
        let corpus = options.shared.join(SPEED_CORPUS);
        if corpus.exists() {
            run_speed(&corpus, out)?;
            summary.n_scored += 1;
        } else {
            summary.skipped.push(("speed".into(), corpus));
        }
    }
    for (name, path) in &summary.skipped {
        writeln!(out, "{name}: skipped, {} not found", path.display())
            .map_err(write_error("the tables"))?;
    }
    Ok(summary)
}

/// Whether a CoNLL-2002 sentence is an EFE dateline ("Mérida , 23 may ( EFE ) ."), the first
/// sentence of an agency article: the files keep the articles in order but mark no boundaries.
fn opens_efe_article(sentence: &str) -> bool {
    let head: Vec<&str> = sentence.split_whitespace().take(25).collect();
    head.windows(3).any(|window| {
        window[0] == "("
            && window[1].starts_with("EFE")
            && window[1].bytes().all(|byte| byte.is_ascii_uppercase())
            && window[2] == ")"
    })
}

/// Enriches each gold sentence as part of its article: the sentences from one that opens an
/// article to the next, one a line, are enriched together, and each sentence gets the entities
/// and dates mentioned inside it, under the names the whole article gives them. A surname alone
/// ("Camacho") is then known from the full name two sentences earlier, as a reader knows it.
fn enrich_in_articles(
    gold: &[GoldArticle],
    opens_article: fn(&str) -> bool,
    gazetteer: &Gazetteer,
) -> Vec<EnrichedArticle> {
    let mut enriched = Vec::with_capacity(gold.len());
    let mut start = 0;
    while start < gold.len() {
        let end = (start + 1..gold.len())
            .find(|&idx| opens_article(&gold[idx].article.body))
            .unwrap_or(gold.len());
        let sentences = &gold[start..end];
        let mut body = String::new();
        let mut ranges = Vec::with_capacity(sentences.len());
        for sentence in sentences {
            if !body.is_empty() {
                body.push('\n');
            }
            let from = body.len();
            body.push_str(&sentence.article.body);
            ranges.push((from, body.len()));
        }
        let mut article = sentences[0].article.clone();
        article.n_bytes = body.len() as u64;
        article.body = body;
        let whole = enrich_article(article, gazetteer);
        for (sentence, &range) in sentences.iter().zip(&ranges) {
            enriched.push(EnrichedArticle {
                article: sentence.article.clone(),
                language: whole.language.clone(),
                published: whole.published,
                people: entities_within(&whole.people, &whole.article.body, range),
                organizations: entities_within(&whole.organizations, &whole.article.body, range),
                places: entities_within(&whole.places, &whole.article.body, range),
                dates: whole
                    .dates
                    .iter()
                    .filter(|date| range.0 <= date.span.0 && date.span.1 <= range.1)
                    .map(|date| DateMention {
                        span: (date.span.0 - range.0, date.span.1 - range.0),
                        ..date.clone()
                    })
                    .collect(),
            });
        }
        start = end;
    }
    enriched
}

/// The entities mentioned inside `range` of `body`, with those mentions only: spans made
/// relative to the range, and as aliases the surface forms used there.
fn entities_within(entities: &[Entity], body: &str, range: (usize, usize)) -> Vec<Entity> {
    entities
        .iter()
        .filter_map(|entity| {
            let spans: Vec<(usize, usize)> = entity
                .spans
                .iter()
                .filter(|span| range.0 <= span.0 && span.1 <= range.1)
                .map(|span| (span.0 - range.0, span.1 - range.0))
                .collect();
            if spans.is_empty() {
                return None;
            }
            let mut aliases: Vec<String> = spans
                .iter()
                .map(|span| &body[range.0 + span.0..range.0 + span.1])
                .filter(|surface| *surface != entity.name)
                .map(str::to_string)
                .collect();
            aliases.sort();
            aliases.dedup();
            Some(Entity {
                name: entity.name.clone(),
                aliases,
                mentions: spans.len() as u32,
                spans,
            })
        })
        .collect()
}

fn read_gold(set: &EntitySet, path: &Path) -> Result<Vec<GoldArticle>, EvalError> {
    match set.reader {
        Reader::Conll2003(split) => read_conll2003(path, split),
        Reader::Conll2002(prefix) => read_conll2002(path, prefix),
        Reader::Ronec(prefix) => read_ronec(path, prefix),
        Reader::FactRuEval => read_factrueval(path, "devset", "dev"),
    }
}

fn score(set: &EntitySet, gold: &[GoldArticle], predicted: &[PredictedArticle]) -> Table {
    match set.reader {
        Reader::FactRuEval => score_factru(set.title, gold, predicted),
        _ => score_entity_sets(set.title, gold, predicted),
    }
}

/// The seeds go through the real ingest and clean stages, as `idx extract` reads them.
fn run_seeds(
    seeds: &Path,
    gazetteer: &Gazetteer,
    options: &EvalOptions,
    out: &mut dyn Write,
) -> Result<(), EvalRunError> {
    let started = Instant::now();
    let mut enriched: Vec<EnrichedArticle> = Vec::new();
    let skipped = crate::extract(&[seeds.to_path_buf()], gazetteer, |article| {
        enriched.push(article)
    });
    if let Some(problem) = skipped.first() {
        return Err(EvalError::Format {
            path: seeds.to_path_buf(),
            message: format!("a seed article cannot be read: {problem}"),
        }
        .into());
    }
    write_jsonl(options.jsonl_dir.as_deref(), "seeds", &enriched)?;
    let report = evaluate_seeds(seeds, &enriched)?;
    write_table(out, &report.table, options.show_errors, Some(started))
}

/// 10kGNAD's test articles, under the shared folder.
const GNAD_FILE: &str = "data/10kgnad-de/test.csv.gz";

/// Hand annotations of 80 of them, in the seeds' format (see its "about").
const GNAD_GOLD: &str = include_str!("../tests/gold/10kgnad-de.json");

/// German news: the annotated articles of 10kGNAD (a `;`-separated CSV without a header, quoted
/// with `'`: label, then headline and body) go through cleaning and enrichment as JSONL records
/// keyed `g<record number>`, and are scored as the seeds are.
fn run_gnad(
    path: &Path,
    gazetteer: &Gazetteer,
    options: &EvalOptions,
    out: &mut dyn Write,
) -> Result<(), EvalRunError> {
    let started = Instant::now();
    let gold: serde_json::Value =
        serde_json::from_str(GNAD_GOLD).expect("the embedded German gold is valid JSON");
    let documents = gold
        .get("documents")
        .and_then(serde_json::Value::as_object)
        .expect("the embedded German gold has documents");
    let text = read_maybe_gzipped(path)?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .quote(b'\'')
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut enriched = Vec::new();
    for (record_idx, record) in reader.records().enumerate() {
        let record = record.map_err(|error| EvalError::Format {
            path: path.to_path_buf(),
            message: error.to_string(),
        })?;
        let key = format!("g{record_idx}");
        let Some(body) = record.get(1).filter(|_| documents.contains_key(&key)) else {
            continue;
        };
        let doc = crate::ingest::SourceDoc {
            source: crate::ingest::SourceRef {
                path: path.to_path_buf(),
                line: None,
                record_id: Some(key),
            },
            format: crate::ingest::Format::Jsonl,
            url: None,
            title: None,
            text: body.to_string(),
            published_raw: None,
            language: None,
            n_bytes: body.len() as u64,
        };
        let (article, _) = crate::clean::clean_source_doc(doc);
        enriched.push(enrich_article(article, gazetteer));
    }
    write_jsonl(options.jsonl_dir.as_deref(), "gnad", &enriched)?;
    let predicted: Vec<PredictedArticle> = enriched
        .iter()
        .map(PredictedArticle::from_enriched)
        .collect();
    let mut report = score_seeds(&gold, &predicted).expect("the German gold has documents");
    report.table.title = "10kGNAD de (80 hand-annotated articles)".into();
    write_table(out, &report.table, options.show_errors, Some(started))
}

/// Article text of the saved pages against their true article body.
fn run_html(benchmark: &Path, out: &mut dyn Write) -> Result<(), EvalRunError> {
    let started = Instant::now();
    let truth_path = benchmark.join("ground-truth.json");
    let truth = read_json(&truth_path)?;
    let pages = truth.as_object().ok_or_else(|| EvalError::Format {
        path: truth_path.clone(),
        message: "expected an object of pages".into(),
    })?;
    let mut gold = std::collections::HashMap::new();
    let mut predicted = std::collections::HashMap::new();
    let mut n_without_body = 0;
    for (page_id, page) in pages {
        gold.insert(
            page_id.clone(),
            page["articleBody"].as_str().unwrap_or_default().to_string(),
        );
        let path = benchmark.join("html").join(format!("{page_id}.html.gz"));
        for doc in crate::ingest::read_source_file(&path).docs {
            let (article, warnings) = crate::clean::clean_source_doc(doc);
            n_without_body += warnings
                .iter()
                .filter(|warning| warning.message.contains("no article body"))
                .count();
            predicted.insert(page_id.clone(), article.body);
        }
    }
    let scores = crate::eval_body::score_bodies(&gold, &predicted);
    writeln!(
        out,
        "article-extraction-benchmark ({} pages)\n\
         precision {:.3}  recall {:.3}  F1 {:.3}  accuracy {:.3}  pages without a body found: {n_without_body}\n\
         ({:.1} s)\n",
        scores.n_pages,
        scores.precision,
        scores.recall,
        scores.f1,
        scores.accuracy,
        started.elapsed().as_secs_f64()
    )
    .map_err(write_error("the tables"))
}

/// The corpus the enrichment slowdown is measured on, under the shared folder.
const SPEED_CORPUS: &str = "data/news-articles-en";

/// Builds of the speed set per kind; the fastest of each counts.
const SPEED_ROUNDS: usize = 3;

/// Issue #4's speed figure: `idx build` of the news corpus with facts against the same build
/// without them (same cleaning, language tags and stemmed fields), interleaved, best of
/// [`SPEED_ROUNDS`] each. `cargo bench --bench news` measures the same with plain tantivy
/// beside it and CPU seconds.
fn run_speed(corpus: &Path, out: &mut dyn Write) -> Result<(), EvalRunError> {
    let build_error = |error: crate::Error| EvalError::Format {
        path: corpus.to_path_buf(),
        message: format!("the speed build failed: {error}"),
    };
    let scratch = std::env::temp_dir().join(format!("idx-eval-speed-{}", std::process::id()));
    let mut best = [f64::INFINITY; 2];
    let mut n_bytes = 0;
    for _ in 0..SPEED_ROUNDS {
        for (kind_idx, facts) in [true, false].into_iter().enumerate() {
            let mut build = crate::BuildOptions::new(&scratch, vec![corpus.to_path_buf()]);
            build.rebuild = true;
            build.facts = facts;
            let started = Instant::now();
            let report = crate::build(&build);
            let seconds = started.elapsed().as_secs_f64();
            let _ = std::fs::remove_dir_all(&scratch);
            let report = report.map_err(build_error)?;
            n_bytes = report.bytes_read;
            best[kind_idx] = best[kind_idx].min(seconds);
        }
    }
    let megabytes = n_bytes as f64 / 1e6;
    writeln!(
        out,
        "enrichment speed ({}, {megabytes:.1} MB, best of {SPEED_ROUNDS})\n\
         idx build {:.2} s ({:.1} MB/s), without facts {:.2} s ({:.1} MB/s)\n\
         slowdown {:.2} (bar: at most 1.5)\n",
        corpus.display(),
        best[0],
        megabytes / best[0],
        best[1],
        megabytes / best[1],
        best[0] / best[1],
    )
    .map_err(write_error("the tables"))
}

/// `--score FILE`: scores an existing `idx extract` file against one set's gold.
fn score_existing(
    options: &EvalOptions,
    score_file: &Path,
    out: &mut dyn Write,
) -> Result<EvalSummary, EvalRunError> {
    let scorable: Vec<&str> = std::iter::once("seeds")
        .chain(ENTITY_SETS.iter().map(|set| set.name))
        .collect();
    let [set_name] = options.sets.as_slice() else {
        return Err(EvalRunError::ScoreNeedsOneSet(scorable.join(", ")));
    };
    if !scorable.contains(&set_name.as_str()) {
        return Err(EvalRunError::ScoreNeedsOneSet(scorable.join(", ")));
    }
    let extract_error = |message: String| EvalRunError::Extract {
        path: score_file.to_path_buf(),
        message,
    };
    let text =
        std::fs::read_to_string(score_file).map_err(|error| extract_error(error.to_string()))?;
    let predicted = read_extract_jsonl(&text).map_err(|error| extract_error(error.to_string()))?;
    if set_name == "seeds" {
        let gold_path = options.shared.join("seeds/gold.json");
        let gold = read_json(&gold_path)?;
        let report = score_seeds(&gold, &predicted).ok_or_else(|| EvalError::Format {
            path: gold_path.clone(),
            message: "expected an object of documents".into(),
        })?;
        write_table(out, &report.table, options.show_errors, None)?;
    } else if let Some(set) = ENTITY_SETS.iter().find(|set| set.name == set_name) {
        let path = options.shared.join(set.file);
        let gold = read_gold(set, &path)?;
        write_table(
            out,
            &score(set, &gold, &predicted),
            options.show_errors,
            None,
        )?;
    }
    Ok(EvalSummary {
        n_scored: 1,
        skipped: Vec::new(),
    })
}

/// A gold file's JSON.
fn read_json(path: &Path) -> Result<serde_json::Value, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|error| EvalError::Format {
        path: path.to_path_buf(),
        message: error.to_string(),
    })
}

fn write_table(
    out: &mut dyn Write,
    table: &Table,
    show_errors: bool,
    started: Option<Instant>,
) -> Result<(), EvalRunError> {
    let mut text = table.to_string();
    if let Some(started) = started {
        text.push_str(&format!("({:.1} s)\n", started.elapsed().as_secs_f64()));
    }
    text.push('\n');
    if show_errors {
        for error in &table.errors {
            text.push_str(&format!("  {error}\n"));
        }
    }
    out.write_all(text.as_bytes())
        .map_err(write_error("the tables"))
}

/// One article as an `idx extract` line.
fn extract_line(enriched: &EnrichedArticle) -> serde_json::Value {
    let entities = |list: &[Entity]| serde_json::to_value(list).unwrap_or_default();
    serde_json::json!({
        "source": crate::build::source_label(&enriched.article.source),
        "language": enriched.language,
        "title": enriched.article.title,
        "published": enriched.published.map(|date| date.to_string()),
        "people": entities(&enriched.people),
        "organizations": entities(&enriched.organizations),
        "places": entities(&enriched.places),
        "dates": serde_json::to_value(&enriched.dates).unwrap_or_default(),
    })
}

fn write_jsonl(
    dir: Option<&Path>,
    name: &str,
    enriched: &[EnrichedArticle],
) -> Result<(), EvalRunError> {
    let Some(dir) = dir else { return Ok(()) };
    let path = dir.join(format!("{name}.jsonl"));
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
        for article in enriched {
            writeln!(file, "{}", extract_line(article))?;
        }
        file.flush()
    };
    write().map_err(write_error(path.display().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{plain_article, GoldEntities};

    fn sentence(idx: usize, text: &str) -> GoldArticle {
        let key = format!("s-{idx}.txt");
        GoldArticle {
            article: plain_article(&key, text.to_string()),
            key,
            gold: GoldEntities::default(),
        }
    }

    #[test]
    fn tells_an_efe_dateline_from_a_sentence_naming_the_agency() {
        assert!(opens_efe_article("Mérida , 23 may ( EFE ) ."));
        assert!(opens_efe_article(
            "Sao Paulo ( Brasil ) , 23 may ( EFECOM ) ."
        ));
        assert!(!opens_efe_article(
            "La delegación de la Agencia EFE en Extremadura transmitirá el miércoles ."
        ));
    }

    #[test]
    fn gives_each_sentence_the_names_its_article_gives_its_mentions() {
        let gold = [
            "Madrid , 23 may ( EFE ) .",
            "El seleccionador José Antonio Camacho dijo ayer que el equipo jugará en Sevilla .",
            "El equipo de Camacho viajará el lunes .",
            "Valencia , 23 may ( EFE ) .",
            "El equipo de Camacho jugará el martes .",
        ]
        .iter()
        .enumerate()
        .map(|(idx, text)| sentence(idx, text))
        .collect::<Vec<_>>();
        let enriched = enrich_in_articles(&gold, opens_efe_article, &Gazetteer::embedded());
        assert_eq!(enriched.len(), gold.len());
        let people = |idx: usize| -> &[Entity] { &enriched[idx].people };
        let second = &gold[2].article.body;
        let at = second.find("Camacho").unwrap();
        // The surname alone is the full name of two sentences before, with its span in its
        // own sentence; each sentence is its own document.
        assert_eq!(
            people(2),
            [Entity {
                name: "José Antonio Camacho".to_string(),
                aliases: vec!["Camacho".to_string()],
                mentions: 1,
                spans: vec![(at, at + "Camacho".len())],
            }]
        );
        assert_eq!(enriched[2].article.source.path, gold[2].article.source.path);
        assert!(enriched[2].places.is_empty());
        assert_eq!(enriched[1].places[0].name, "Seville");
        // The next article knows nothing of the first.
        assert!(people(4).is_empty());
    }
}
