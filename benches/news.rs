//! Build throughput and query latency of idx against plain tantivy, in one run.
//!
//! `cargo bench --bench news` (release). Steps:
//! 1. Build: `idx::build` over `../shared/data/news-articles-en` (or `IDX_BENCH_CORPUS`), the
//!    same build without facts (`BuildOptions::facts = false`: cleaning and language tagging
//!    only), and plain tantivy indexing of the same records (title and text in `en_stem`
//!    fields, two writer threads, no cleaning or enrichment), all reading the source files
//!    themselves; interleaved `IDX_BENCH_ROUNDS` times (default 3), fastest round kept.
//! 2. Latency: a corpus of `IDX_BENCH_DOCS` articles (default 100,000) made by repeating the
//!    shared corpus with a copy number in each title and first line (so every copy is a new
//!    text), indexed by both; then the median and p95 of words, phrase, boolean, fuzzy,
//!    filtered, faceted and sentence (feedback) queries through the library (one process,
//!    warm, page of 10 hits fetched with snippets), beside plain tantivy answering the same
//!    words with its `QueryParser`, fetching its 10 documents and making a snippet of each
//!    with its `SnippetGenerator`.
//!
//! `IDX_BENCH_DIR=/some/dir` keeps the indexes there and reuses the latency pair on the next
//! run; `IDX_BENCH_ONLY=build` or `IDX_BENCH_ONLY=latency` runs one half.
//!
//! Nothing is asserted; the figures go into BENCHMARKS.md.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::QueryParser;
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::snippet::SnippetGenerator;
use tantivy::{doc, Index, TantivyDocument};

// The allocator the idx binary ships with, for all three builds alike.
#[global_allocator]
static ALLOCATOR: idx::Allocator = idx::Allocator;

fn percentile(sorted_ms: &[f64], fraction: f64) -> f64 {
    let rank = ((sorted_ms.len() as f64 - 1.0) * fraction).round() as usize;
    sorted_ms[rank.min(sorted_ms.len() - 1)]
}

/// Plain tantivy: title and text in two English-stemmed fields, two writer threads.
fn plain_tantivy_build(files: &[PathBuf], index_dir: &Path) -> (Index, f64, u64) {
    // tantivy's own English analyzer (`en_stem`: words, lowercased, stemmed), with positions
    // for phrases, as its Python package uses it: stemming is part of indexing, not of the
    // enrichment this baseline leaves out.
    let stemmed = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("en_stem")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let mut builder = Schema::builder();
    let title = builder.add_text_field("title", stemmed.clone());
    let text = builder.add_text_field("text", stemmed);
    let schema = builder.build();
    let index = Index::create_in_dir(index_dir, schema).expect("create");
    let started = Instant::now();
    let mut writer = index
        .writer_with_num_threads(2, 256 * 1024 * 1024)
        .expect("writer");
    let mut n_bytes = 0;
    for file in files {
        let records = idx::ingest::read_source_file(file);
        n_bytes += records.n_bytes;
        for record in records.docs {
            let document: TantivyDocument =
                doc!(title => record.title.unwrap_or_default(), text => record.text);
            writer.add_document(document).expect("add");
        }
    }
    writer.commit().expect("commit");
    writer.wait_merging_threads().expect("merge");
    (index, started.elapsed().as_secs_f64(), n_bytes)
}

fn time_queries(queries: &[&str], mut run: impl FnMut(&str) -> usize) -> (f64, f64, usize) {
    for query in queries {
        run(query);
    }
    let mut times_ms = Vec::new();
    let mut n_hits = 0;
    let rounds = 20;
    for _ in 0..rounds {
        for query in queries {
            let started = Instant::now();
            n_hits += run(query);
            times_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times_ms.sort_by(f64::total_cmp);
    (
        percentile(&times_ms, 0.5),
        percentile(&times_ms, 0.95),
        n_hits / (rounds * queries.len()),
    )
}

/// Writes `n_articles` articles made from the shared corpus as JSONL, each copy a new text.
fn synthesize(corpus: &Path, n_articles: usize, target: &Path) {
    let (files, _) = idx::ingest::discover(&[corpus.to_path_buf()]);
    let mut originals = Vec::new();
    for file in &files {
        for record in idx::ingest::read_source_file(file).docs {
            originals.push((
                record.title.unwrap_or_default(),
                record.text,
                record.published_raw,
            ));
        }
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(target).expect("create"));
    for article_idx in 0..n_articles {
        let (title, text, published) = &originals[article_idx % originals.len()];
        let copy = article_idx / originals.len();
        let record = serde_json::json!({
            "id": format!("s{article_idx}"),
            "title": format!("{title} (copy {copy})"),
            "text": format!("Copy {copy}.\n\n{text}"),
            "published": published,
        });
        writeln!(out, "{record}").expect("write");
    }
}

fn main() {
    let corpus = std::env::var_os("IDX_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/news-articles-en")
        });
    if !corpus.exists() {
        println!("skipped: {} not found", corpus.display());
        return;
    }
    let n_latency_docs: usize = std::env::var("IDX_BENCH_DOCS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(100_000);
    // `IDX_BENCH_DIR` keeps the indexes between runs (the latency indexes are reused when
    // present); `IDX_BENCH_ONLY=build|latency` runs one half.
    let scratch_holder = tempfile::tempdir().expect("temp dir");
    let scratch_dir = std::env::var_os("IDX_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| scratch_holder.path().to_path_buf());
    std::fs::create_dir_all(&scratch_dir).expect("bench dir");
    let only = std::env::var("IDX_BENCH_ONLY").unwrap_or_default();
    if only != "latency" {
        build_throughput(&corpus, &scratch_dir);
    }
    if only != "build" {
        latency(&corpus, &scratch_dir, n_latency_docs);
    }
}

/// CPU seconds this process has used so far, all threads, user and system (Linux: from
/// `/proc/self/stat`; `None` elsewhere). Wall-clock time moves with whatever else runs on the
/// machine; CPU time much less, so both are reported.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name may hold spaces; the fields after its closing parenthesis are fixed.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // Linux reports them in clock ticks of 1/100 s (USER_HZ) on every common platform.
    Some(ticks / 100.0)
}

/// Runs `work`, returning its result, its wall-clock seconds and its CPU seconds (NaN when the
/// platform does not say).
fn timed<T>(work: impl FnOnce() -> T) -> (T, f64, f64) {
    let cpu_before = process_cpu_seconds();
    let started = Instant::now();
    let outcome = work();
    let seconds = started.elapsed().as_secs_f64();
    let cpu = match (cpu_before, process_cpu_seconds()) {
        (Some(before), Some(after)) => after - before,
        _ => f64::NAN,
    };
    (outcome, seconds, cpu)
}

/// Build throughput on the corpus itself (step 1): idx, idx without facts and plain tantivy,
/// in one run, interleaved `IDX_BENCH_ROUNDS` times (default 3); each keeps its fastest round.
fn build_throughput(corpus: &Path, scratch_dir: &Path) {
    let rounds: usize = std::env::var("IDX_BENCH_ROUNDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(3)
        .max(1);
    let index_path = scratch_dir.join("idx");
    let bare_path = scratch_dir.join("idx-no-facts");
    let plain_dir = scratch_dir.join("plain");
    let (files, _) = idx::ingest::discover(&[corpus.to_path_buf()]);
    let idx_build = |path: &Path, facts: bool| {
        let _ = std::fs::remove_dir_all(path);
        let options = idx::BuildOptions {
            facts,
            ..idx::BuildOptions::new(path, vec![corpus.to_path_buf()])
        };
        timed(|| idx::build(&options).expect("build"))
    };
    // Per build (idx, idx without facts, plain tantivy): the fastest round's wall-clock
    // seconds, and the least CPU seconds of any round.
    let mut best = [f64::INFINITY; 3];
    let mut least_cpu = [f64::INFINITY; 3];
    let mut report = None;
    let mut plain_bytes = 0;
    for _ in 0..rounds {
        let (full_report, seconds, cpu) = idx_build(&index_path, true);
        best[0] = best[0].min(seconds);
        least_cpu[0] = least_cpu[0].min(cpu);
        report = Some(full_report);
        let (_, seconds, cpu) = idx_build(&bare_path, false);
        best[1] = best[1].min(seconds);
        least_cpu[1] = least_cpu[1].min(cpu);
        let _ = std::fs::remove_dir_all(&plain_dir);
        std::fs::create_dir_all(&plain_dir).expect("mkdir");
        let ((_, _, bytes), seconds, cpu) = timed(|| plain_tantivy_build(&files, &plain_dir));
        best[2] = best[2].min(seconds);
        least_cpu[2] = least_cpu[2].min(cpu);
        plain_bytes = bytes;
    }
    let report = report.expect("one round");
    let [idx_seconds, bare_seconds, plain_seconds] = best;
    let [idx_cpu, bare_cpu, plain_cpu] = least_cpu;
    let megabytes = report.bytes_read as f64 / 1e6;
    println!(
        "corpus: {} ({} articles, {megabytes:.1} MB of text), best of {rounds} rounds",
        corpus.display(),
        report.articles_read
    );
    println!(
        "build  idx:              {idx_seconds:>6.2} s  {:>5.1} MB/s  {:>6.0} articles/s",
        megabytes / idx_seconds,
        report.articles_read as f64 / idx_seconds
    );
    println!(
        "build  idx without facts: {bare_seconds:>5.2} s  {:>5.1} MB/s",
        megabytes / bare_seconds
    );
    println!(
        "build  plain tantivy:    {plain_seconds:>6.2} s  {:>5.1} MB/s",
        plain_bytes as f64 / 1e6 / plain_seconds
    );
    println!(
        "build  ratio (idx speed / plain tantivy speed): {:.2}",
        plain_seconds / idx_seconds
    );
    println!(
        "build  enrichment slowdown (idx time / idx-without-facts time): {:.2}",
        idx_seconds / bare_seconds
    );
    println!(
        "build  CPU seconds (all threads), least of the rounds: idx {idx_cpu:.2}, idx without facts {bare_cpu:.2}, plain tantivy {plain_cpu:.2}; ratios plain / idx {:.2}, idx / without facts {:.2}",
        plain_cpu / idx_cpu,
        idx_cpu / bare_cpu
    );
    let timings = &report.timings;
    println!(
        "  idx stage times of the last round (read/clean/enrich are CPU time summed over threads): read {:.0} ms, clean {:.0} ms, enrich {:.0} ms, write {:.0} ms, commit {:.0} ms, registry {:.0} ms",
        timings.reading_ms, timings.cleaning_ms, timings.enriching_ms, timings.writing_ms, timings.committing_ms, timings.registry_ms
    );
    let size = idx::Index::open(&index_path)
        .expect("open")
        .stats(1)
        .expect("stats")
        .size_bytes as f64
        / 1e6;
    println!(
        "  index size {size:.1} MB = {:.2} MB per MB of text",
        size / megabytes
    );
}

/// 2. Query latency on a larger index, idx and plain tantivy on the same queries.
fn latency(corpus: &Path, scratch_dir: &Path, n_latency_docs: usize) {
    let big_path = scratch_dir.join(format!("idx-{n_latency_docs}"));
    let big_plain_dir = scratch_dir.join(format!("plain-{n_latency_docs}"));
    let plain_index = if big_path.join("meta.json").exists()
        && big_plain_dir.join("meta.json").exists()
    {
        println!("\nreusing the latency indexes in {}", scratch_dir.display());
        Index::open_in_dir(&big_plain_dir).expect("open plain")
    } else {
        let _ = std::fs::remove_dir_all(&big_path);
        let _ = std::fs::remove_dir_all(&big_plain_dir);
        let synthetic = scratch_dir.join("synthetic.jsonl");
        synthesize(corpus, n_latency_docs, &synthetic);
        let started = Instant::now();
        let big_report =
            idx::build(&idx::BuildOptions::new(&big_path, vec![synthetic.clone()])).expect("build");
        let big_seconds = started.elapsed().as_secs_f64();
        std::fs::create_dir_all(&big_plain_dir).expect("mkdir");
        let (plain_index, big_plain_seconds, _) =
            plain_tantivy_build(std::slice::from_ref(&synthetic), &big_plain_dir);
        let _ = std::fs::remove_file(&synthetic);
        println!(
            "\n{} articles ({:.0} MB): idx build {big_seconds:.1} s ({:.1} MB/s), plain tantivy {big_plain_seconds:.1} s",
            big_report.articles_in_index,
            big_report.bytes_read as f64 / 1e6,
            big_report.bytes_read as f64 / 1e6 / big_seconds
        );
        plain_index
    };
    let index = idx::Index::open(&big_path).expect("open");
    // idx searches its segments on one thread per core; plain tantivy gets the same number
    // of search threads, so that the comparison is of the same machine's work.
    let mut plain_index = plain_index;
    let n_threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    if n_threads > 1 {
        plain_index
            .set_multithread_executor(n_threads)
            .expect("plain search threads");
    }
    let plain_reader = plain_index.reader().expect("reader");
    let plain_searcher = plain_reader.searcher();
    let plain_schema = plain_index.schema();
    let plain_fields = vec![
        plain_schema.get_field("title").expect("title"),
        plain_schema.get_field("text").expect("text"),
    ];
    let plain_parser_fields = plain_fields.clone();
    let plain_parser = QueryParser::for_index(&plain_index, plain_fields.clone());

    let forms: &[(&str, &[&str], bool)] = &[
        (
            "words",
            &[
                "security council",
                "trade deal",
                "climate change",
                "refugees border",
                "oil prices",
            ],
            false,
        ),
        (
            "phrase",
            &[
                "\"security council\"",
                "\"prime minister\"",
                "\"white house\"",
                "\"climate change\"",
            ],
            false,
        ),
        (
            "boolean",
            &[
                "trump AND (mexico OR wall)",
                "brexit -may",
                "+syria +russia talks",
            ],
            false,
        ),
        (
            "fuzzy",
            &["trmp~1", "merkle~1", "brexti~1", "refugess~2"],
            false,
        ),
        (
            "filtered",
            &[
                "refugees published:2017-02",
                "election place:berlin",
                "trade actor:trump",
            ],
            false,
        ),
        ("faceted", &["refugees", "trade deal", "*"], true),
        // Sentences of five or more words: idx ranks them with pseudo-relevance feedback (a
        // first pass, ten articles re-read, a second pass); plain tantivy runs them once.
        (
            "sentence",
            &[
                "oil prices rise as opec cuts production",
                "police arrest suspects after shooting at school",
                "european leaders discuss the refugee crisis at a summit",
                "president signs executive order on immigration",
            ],
            false,
        ),
    ];
    println!(
        "{:<9} {:>9} {:>9} {:>9} | {:>13} {:>9}",
        "query", "median", "p95", "hits", "plain median", "p95"
    );
    for (form, queries, with_facets) in forms {
        let options = idx::SearchOptions {
            facets: if *with_facets {
                idx::FacetKind::ALL.to_vec()
            } else {
                Vec::new()
            },
            ..idx::SearchOptions::default()
        };
        let (median, p95, hits) = time_queries(queries, |query| {
            index.search(query, &options).expect("search").total
        });
        let plain_comparable = !matches!(*form, "filtered" | "faceted");
        let plain = plain_comparable.then(|| {
            time_queries(queries, |query| {
                // tantivy's parser has no `term~N`; build the same fuzzy query by hand.
                let parsed: Box<dyn tantivy::query::Query> = match query.split_once('~') {
                    Some((word, distance)) if *form == "fuzzy" => {
                        let distance: u8 = distance.parse().unwrap_or(1);
                        let clauses: Vec<(tantivy::query::Occur, Box<dyn tantivy::query::Query>)> =
                            plain_parser_fields
                                .iter()
                                .map(|field| {
                                    let term = tantivy::Term::from_field_text(
                                        *field,
                                        &word.to_lowercase(),
                                    );
                                    let fuzzy: Box<dyn tantivy::query::Query> = Box::new(
                                        tantivy::query::FuzzyTermQuery::new(term, distance, true),
                                    );
                                    (tantivy::query::Occur::Should, fuzzy)
                                })
                                .collect();
                        Box::new(tantivy::query::BooleanQuery::new(clauses))
                    }
                    _ => plain_parser.parse_query(query).expect("plain parse"),
                };
                let (top, count) = plain_searcher
                    .search(&parsed, &(TopDocs::with_limit(10).order_by_score(), Count))
                    .expect("plain search");
                // The same page as idx shows: ten documents, each with a snippet of its text.
                let snippets = SnippetGenerator::create(&plain_searcher, &*parsed, plain_fields[1])
                    .expect("snippet generator");
                for (_, address) in top {
                    let document: TantivyDocument = plain_searcher.doc(address).expect("doc");
                    std::hint::black_box(snippets.snippet_from_doc(&document).to_html());
                }
                count
            })
        });
        match plain {
            Some((plain_median, plain_p95, _)) => println!(
                "{form:<9} {median:>7.2}ms {p95:>7.2}ms {hits:>9} | {plain_median:>11.2}ms {plain_p95:>7.2}ms"
            ),
            None => println!("{form:<9} {median:>7.2}ms {p95:>7.2}ms {hits:>9} | {:>13} {:>9}", "-", "-"),
        }
    }
}
