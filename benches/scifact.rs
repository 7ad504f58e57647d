//! Ranking quality on BEIR SciFact: nDCG@10 and Recall@100 of idx's default settings.
//!
//! Run with `cargo bench --bench scifact`. It builds an index of
//! `../shared/data/beir-scifact/corpus.jsonl.gz`, runs the test queries (`qrels/test.tsv`)
//! as plain words through the library, and scores the run with trec_eval's conventions. To
//! show the scorer is right it first scores the two reference runs in `../shared/eval/runs`,
//! whose published figures are 0.6789 / 0.9253 (Anserini BM25 flat) and 0.6843 / 0.9247
//! (tantivy, one en_stem field). It scores the train queries first (settings are tuned on them)
//! and the test queries second, each with idx's defaults and again without pseudo-relevance
//! feedback (`SearchOptions::feedback`), so that the part feedback plays shows in one run.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

/// qid → docid → grade.
type Qrels = BTreeMap<String, HashMap<String, i64>>;
/// qid → (docid, score).
type Run = BTreeMap<String, Vec<(String, f64)>>;

fn read_qrels(path: &Path) -> Qrels {
    let text = std::fs::read_to_string(path).expect("qrels readable");
    let mut qrels = Qrels::new();
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let (query_id, doc_id, grade) = match parts.as_slice() {
            [query_id, doc_id, grade] => (*query_id, *doc_id, *grade),
            [query_id, _, doc_id, grade] => (*query_id, *doc_id, *grade),
            _ => continue,
        };
        let Ok(grade) = grade.parse::<f64>() else {
            continue;
        };
        qrels
            .entry(query_id.to_string())
            .or_default()
            .insert(doc_id.to_string(), grade as i64);
    }
    qrels
}

fn read_run(path: &Path) -> Run {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .expect("run readable")
        .read_to_end(&mut bytes)
        .expect("read");
    let text = if path.extension().is_some_and(|extension| extension == "gz") {
        let mut decoded = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut decoded)
            .expect("gzip");
        decoded
    } else {
        String::from_utf8(bytes).expect("utf-8")
    };
    let mut run = Run::new();
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if parts.len() < 6 {
            continue;
        }
        let score: f64 = parts[4].parse().expect("score");
        run.entry(parts[0].to_string())
            .or_default()
            .push((parts[2].to_string(), score));
    }
    run
}

/// Mean nDCG@10 and Recall@100 over the qrels' queries (trec_eval conventions: score
/// descending, ties by docid descending; one entry per docid, the best score kept).
fn evaluate(run: &Run, qrels: &Qrels) -> (f64, f64, usize) {
    let mut ndcg_sum = 0.0;
    let mut recall_sum = 0.0;
    let mut n_queries = 0;
    for (query_id, grades) in qrels {
        if !grades.values().any(|grade| *grade >= 1) {
            continue;
        }
        n_queries += 1;
        let mut best: HashMap<&str, f64> = HashMap::new();
        for (doc_id, score) in run.get(query_id).map(Vec::as_slice).unwrap_or(&[]) {
            let entry = best.entry(doc_id.as_str()).or_insert(f64::NEG_INFINITY);
            *entry = entry.max(*score);
        }
        let mut ranked: Vec<(&str, f64)> = best.into_iter().collect();
        ranked.sort_by(|left, right| right.1.total_cmp(&left.1).then_with(|| right.0.cmp(left.0)));
        let dcg: f64 = ranked
            .iter()
            .take(10)
            .enumerate()
            .map(|(rank, (doc_id, _))| {
                *grades.get(*doc_id).unwrap_or(&0) as f64 / ((rank + 2) as f64).log2()
            })
            .filter(|gain| *gain > 0.0)
            .sum();
        let mut ideal: Vec<i64> = grades
            .values()
            .copied()
            .filter(|grade| *grade > 0)
            .collect();
        ideal.sort_by(|left, right| right.cmp(left));
        let idcg: f64 = ideal
            .iter()
            .take(10)
            .enumerate()
            .map(|(rank, grade)| *grade as f64 / ((rank + 2) as f64).log2())
            .sum();
        ndcg_sum += if idcg > 0.0 { dcg / idcg } else { 0.0 };
        let relevant = grades.values().filter(|grade| **grade >= 1).count();
        let found = ranked
            .iter()
            .take(100)
            .filter(|(doc_id, _)| grades.get(*doc_id).is_some_and(|grade| *grade >= 1))
            .count();
        recall_sum += found as f64 / relevant as f64;
    }
    (
        ndcg_sum / n_queries as f64,
        recall_sum / n_queries as f64,
        n_queries,
    )
}

fn main() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let scifact = shared.join("data/beir-scifact");
    if !scifact.exists() {
        println!("skipped: ../shared/data/beir-scifact not found");
        return;
    }
    let test_qrels = read_qrels(&scifact.join("qrels/test.tsv"));
    for (name, published) in [
        ("scifact-anserini-flat-k0.9-b0.4.trec.gz", "0.6789 / 0.9253"),
        ("scifact-tantivy-one-field.trec.gz", "0.6843 / 0.9247"),
    ] {
        let path = shared.join("eval/runs").join(name);
        if path.exists() {
            let (ndcg, recall, n_queries) = evaluate(&read_run(&path), &test_qrels);
            println!("reference {name}: nDCG@10 {ndcg:.4} Recall@100 {recall:.4} over {n_queries} queries (published {published})");
        }
    }

    let scratch = tempfile::tempdir().expect("temp dir");
    let index_path: PathBuf = scratch.path().join("index");
    let report = idx::build(&idx::BuildOptions::new(
        &index_path,
        vec![scifact.join("corpus.jsonl.gz")],
    ))
    .expect("build");
    let index = idx::Index::open(&index_path).expect("open");
    let queries_text = std::fs::read_to_string(scifact.join("queries.jsonl")).expect("queries");
    // Train first: settings are chosen on it; test only checks that they hold. Each split is
    // run with idx's defaults and again without pseudo-relevance feedback, to show its part.
    for (split, feedback) in [
        ("train", false),
        ("train", true),
        ("test", false),
        ("test", true),
    ] {
        let options = idx::SearchOptions {
            limit: 100,
            facets: Vec::new(),
            syntax: idx::QuerySyntax::Words,
            feedback,
            ..idx::SearchOptions::default()
        };
        let qrels = read_qrels(&scifact.join(format!("qrels/{split}.tsv")));
        let mut run = Run::new();
        let mut times_ms = Vec::new();
        for line in queries_text.lines() {
            let query: serde_json::Value = serde_json::from_str(line).expect("query json");
            let query_id = query["_id"].as_str().expect("_id").to_string();
            if !qrels.contains_key(&query_id) {
                continue;
            }
            let started = std::time::Instant::now();
            let hits = index
                .search(query["text"].as_str().expect("text"), &options)
                .expect("search");
            times_ms.push(started.elapsed().as_secs_f64() * 1000.0);
            let ranked = run.entry(query_id).or_default();
            for hit in hits.hits {
                for source in &hit.sources {
                    let doc_id = source
                        .rsplit_once('#')
                        .map_or(source.as_str(), |(_, record_id)| record_id);
                    ranked.push((doc_id.to_string(), f64::from(hit.score.unwrap_or(0.0))));
                }
            }
        }
        let (ndcg, recall, n_queries) = evaluate(&run, &qrels);
        times_ms.sort_by(f64::total_cmp);
        let setting = if feedback { "defaults" } else { "no feedback" };
        println!(
            "idx {setting:<11} ({} articles, {split} split): nDCG@10 {ndcg:.4} Recall@100 {recall:.4} over {n_queries} queries; median query {:.2} ms, p95 {:.2} ms",
            report.articles_in_index,
            times_ms[times_ms.len() / 2],
            times_ms[times_ms.len() * 95 / 100]
        );
    }
}
