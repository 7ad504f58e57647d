//! Build throughput and query latency of idx on a shared news corpus.
//!
//! Run with `cargo bench --bench news` (release build). By default it reads
//! `../shared/data/news-articles-en`; set `IDX_BENCH_CORPUS` to use another folder. It
//! prints one table: build MB/s and articles/s, then the median and p95 latency of each
//! query form through the library (one process, warm index, snippets and the page of hits
//! fetched). Nothing is asserted: figures go into BENCHMARKS.md and the closing notes.

use std::path::{Path, PathBuf};
use std::time::Instant;

fn percentile(sorted_ms: &[f64], fraction: f64) -> f64 {
    if sorted_ms.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted_ms.len() as f64 - 1.0) * fraction).round() as usize;
    sorted_ms[rank.min(sorted_ms.len() - 1)]
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
    let scratch = tempfile::tempdir().expect("temp dir");
    let index_path = scratch.path().join("index");

    let options = idx::BuildOptions::new(&index_path, vec![corpus.clone()]);
    let started = Instant::now();
    let report = idx::build(&options).expect("build");
    let seconds = started.elapsed().as_secs_f64();
    let megabytes = report.bytes_read as f64 / 1e6;
    println!("corpus: {}", corpus.display());
    println!(
        "build: {} articles ({} in index), {megabytes:.1} MB of text in {seconds:.2} s: {:.1} MB/s, {:.0} articles/s",
        report.articles_read,
        report.articles_in_index,
        megabytes / seconds,
        report.articles_read as f64 / seconds
    );
    let timings = &report.timings;
    println!(
        "  stage times (reading/cleaning/enriching summed over threads): read {:.0} ms, clean {:.0} ms, enrich {:.0} ms, write {:.0} ms, commit {:.0} ms",
        timings.reading_ms, timings.cleaning_ms, timings.enriching_ms, timings.writing_ms, timings.committing_ms
    );
    let index = idx::Index::open(&index_path).expect("open");
    println!(
        "index size: {:.1} MB ({:.2} MB per MB of text)",
        index.stats(10).expect("stats").size_bytes as f64 / 1e6,
        index.stats(10).expect("stats").size_bytes as f64 / 1e6 / megabytes
    );

    let forms: &[(&str, &[&str])] = &[
        (
            "words",
            &[
                "security council",
                "trade deal",
                "climate change",
                "refugees border",
                "oil prices",
            ],
        ),
        (
            "phrase",
            &[
                "\"security council\"",
                "\"prime minister\"",
                "\"white house\"",
                "\"climate change\"",
            ],
        ),
        (
            "boolean",
            &[
                "trump AND (mexico OR wall)",
                "brexit -may",
                "+syria +russia talks",
            ],
        ),
        ("fuzzy", &["trmp~1", "merkle~1", "brexti~1", "refugess~2"]),
        (
            "filtered",
            &[
                "refugees lang:en published:2017-02",
                "place:berlin election",
                "actor:trump trade",
            ],
        ),
        ("faceted *", &["*"]),
    ];
    let search_options = idx::SearchOptions::default();
    println!("{:<10} {:>8} {:>8} {:>8}", "query", "median", "p95", "hits");
    for (form, queries) in forms {
        for query in *queries {
            index.search(query, &search_options).expect("warm-up");
        }
        let mut times_ms = Vec::new();
        let mut n_hits = 0;
        for _ in 0..40 {
            for query in *queries {
                let started = Instant::now();
                let hits = index.search(query, &search_options).expect("search");
                times_ms.push(started.elapsed().as_secs_f64() * 1000.0);
                n_hits += hits.total;
            }
        }
        times_ms.sort_by(f64::total_cmp);
        println!(
            "{form:<10} {:>6.2}ms {:>6.2}ms {:>8}",
            percentile(&times_ms, 0.5),
            percentile(&times_ms, 0.95),
            n_hits / (40 * queries.len())
        );
    }
}
