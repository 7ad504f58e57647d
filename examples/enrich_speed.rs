//! Single-core enrichment speed: `cargo run --release --example enrich_speed [FILE]`.
//!
//! Reads and cleans the articles of one source file (default
//! `../shared/data/news-articles-en/NewsArticles.csv.gz`) once, then times `find_names` and the
//! whole `enrich_article` over every body on one thread, best of `IDX_SPEED_ROUNDS` rounds (3),
//! and prints MB/s of body text. The figures go into BENCHMARKS.md. On a shared machine wall
//! time is noisy; `IDX_SPEED_ROUNDS=1 valgrind --tool=callgrind` gives instruction counts.

use std::path::PathBuf;
use std::time::Instant;

use idx::enrich::{enrich_article, find_names, Gazetteer};

// The allocator the idx binary ships with, so the figures are the build's.
#[global_allocator]
static ALLOCATOR: idx::Allocator = idx::Allocator;

fn main() {
    let path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/data/news-articles-en/NewsArticles.csv.gz")
        });
    let records = idx::ingest::read_source_file(&path);
    let articles: Vec<idx::clean::Article> = records
        .docs
        .into_iter()
        .map(|doc| idx::clean::clean_source_doc(doc).0)
        .collect();
    let n_bytes: usize = articles.iter().map(|article| article.body.len()).sum();
    let gazetteer = Gazetteer::embedded();
    let n_rounds: usize = std::env::var("IDX_SPEED_ROUNDS")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .unwrap_or(3);
    let megabytes = n_bytes as f64 / 1e6;
    println!(
        "{} articles, {megabytes:.1} MB of body text",
        articles.len()
    );

    let mut best_names = f64::MAX;
    let mut n_entities = 0;
    for _ in 0..n_rounds {
        let started = Instant::now();
        n_entities = 0;
        for article in &articles {
            let found = find_names(&article.body, "en", &gazetteer);
            n_entities += found.people.len() + found.organizations.len() + found.places.len();
        }
        best_names = best_names.min(started.elapsed().as_secs_f64());
    }
    println!(
        "find_names:     {:.2} s, {:.1} MB/s ({n_entities} entities)",
        best_names,
        megabytes / best_names
    );

    let mut best_enrich = f64::MAX;
    for _ in 0..n_rounds {
        let started = Instant::now();
        for article in &articles {
            std::hint::black_box(enrich_article(article.clone(), &gazetteer));
        }
        best_enrich = best_enrich.min(started.elapsed().as_secs_f64());
    }
    println!(
        "enrich_article: {:.2} s, {:.1} MB/s",
        best_enrich,
        megabytes / best_enrich
    );
}
