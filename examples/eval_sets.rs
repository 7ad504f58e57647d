//! Enriches the gold sets of `../shared/data` and the seeds, and prints the evaluation tables:
//! `cargo run --release --example eval_sets [seeds|conll|conll-train|factru|ronec|ronec-test|conll2002|conll2002-train|html|all]
//! [--jsonl DIR] [--errors] [--score FILE.jsonl]`.
//!
//! `--jsonl DIR` also writes each set's predictions as `idx extract` JSON Lines (`DIR/<set>.jsonl`)
//! so the reference Python scorers can score the very same output. `--score FILE` scores an
//! existing extract file with the Rust scorers instead of enriching.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use idx::enrich::{enrich_article, EnrichedArticle, Entity, Gazetteer};
use idx::eval::{
    evaluate_seeds, read_conll2002, read_conll2003, read_extract_jsonl, read_factrueval,
    read_ronec, score_entity_sets, score_factru, score_seeds, GoldArticle, PredictedArticle, Table,
};

/// Sets used to find rules; `all` leaves them out, as it reports the dev figures.
const TRAIN_SETS: &[&str] = &["conll-train", "ronec-test", "conll2002-train"];

/// Reads one gold set.
type GoldReader<'a> = Box<dyn Fn() -> Result<Vec<GoldArticle>, idx::eval::EvalError> + 'a>;

fn extract_line(enriched: &EnrichedArticle) -> serde_json::Value {
    let entities = |list: &[Entity]| serde_json::to_value(list).unwrap_or_default();
    serde_json::json!({
        "source": enriched.article.source.path.to_string_lossy(),
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
) -> std::io::Result<()> {
    let Some(dir) = dir else { return Ok(()) };
    std::fs::create_dir_all(dir)?;
    let mut file =
        std::io::BufWriter::new(std::fs::File::create(dir.join(format!("{name}.jsonl")))?);
    for article in enriched {
        writeln!(file, "{}", extract_line(article))?;
    }
    Ok(())
}

fn enrich_gold(gold: &[GoldArticle], gazetteer: &Gazetteer) -> Vec<EnrichedArticle> {
    gold.iter()
        .map(|gold_article| enrich_article(gold_article.article.clone(), gazetteer))
        .collect()
}

fn print_table(table: &Table, show_errors: bool, started: Instant) {
    print!("{table}");
    println!("({:.1} s)\n", started.elapsed().as_secs_f64());
    if show_errors {
        for error in &table.errors {
            println!("  {error}");
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    let option_value = |flag: &str| {
        args.iter()
            .position(|arg| arg == flag)
            .and_then(|idx| args.get(idx + 1))
            .map(PathBuf::from)
    };
    let jsonl_dir = option_value("--jsonl");
    let score_file = option_value("--score");
    let show_errors = args.iter().any(|arg| arg == "--errors");
    let set = args
        .iter()
        .find(|arg| {
            !arg.starts_with("--")
                && Some(PathBuf::from(arg.as_str())) != jsonl_dir
                && Some(PathBuf::from(arg.as_str())) != score_file
        })
        .map(String::as_str)
        .unwrap_or("all");
    let gazetteer = Gazetteer::embedded();
    let wants = |name: &str| set == "all" || set == name;

    let entity_sets: Vec<(&str, &str, GoldReader)> = vec![
        (
            "conll",
            "CoNLL-2003 testa",
            Box::new(|| read_conll2003(&data.join("conll2003-en/eng.testa.gz"), "testa")),
        ),
        (
            "conll-train",
            "CoNLL-2003 train",
            Box::new(|| read_conll2003(&data.join("conll2003-en/eng.train.gz"), "train")),
        ),
        (
            "factru",
            "factRuEval-2016 dev",
            Box::new(|| {
                read_factrueval(
                    &data.join("factrueval2016-ru/factrueval2016.tar.gz"),
                    "devset",
                    "dev",
                )
            }),
        ),
        (
            "ronec",
            "RONEC valid (per sentence)",
            Box::new(|| read_ronec(&data.join("ronec-ro/valid.json.gz"), "ronec-valid")),
        ),
        (
            "ronec-test",
            "RONEC test (per sentence, for finding rules)",
            Box::new(|| read_ronec(&data.join("ronec-ro/test.json.gz"), "ronec-test")),
        ),
        (
            "conll2002",
            "CoNLL-2002 es testa (per sentence)",
            Box::new(|| read_conll2002(&data.join("conll2002-es/esp.testa.gz"), "esp-testa")),
        ),
        (
            "conll2002-train",
            "CoNLL-2002 es train (per sentence)",
            Box::new(|| read_conll2002(&data.join("conll2002-es/esp.train.gz"), "esp-train")),
        ),
    ];

    if let Some(score_file) = &score_file {
        let predicted = read_extract_jsonl(&std::fs::read_to_string(score_file)?)?;
        if set == "seeds" {
            let gold: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(seeds.join("gold.json"))?)?;
            if let Some(report) = score_seeds(&gold, &predicted) {
                print!("{report}");
            }
            return Ok(());
        }
        for (name, title, read) in &entity_sets {
            if set == *name {
                let gold = read()?;
                let table = if name.starts_with("factru") {
                    score_factru(title, &gold, &predicted)
                } else {
                    score_entity_sets(title, &gold, &predicted)
                };
                print_table(&table, show_errors, Instant::now());
            }
        }
        return Ok(());
    }

    if wants("seeds") {
        let started = Instant::now();
        // The seeds go through the real ingest and clean stages, as `idx extract` reads them.
        let mut enriched: Vec<EnrichedArticle> = Vec::new();
        let skipped = idx::extract(std::slice::from_ref(&seeds), &gazetteer, |article| {
            enriched.push(article)
        });
        if let Some(problem) = skipped.first() {
            return Err(format!("cannot read the seeds: {problem}").into());
        }
        write_jsonl(jsonl_dir.as_deref(), "seeds", &enriched)?;
        let report = evaluate_seeds(&seeds, &enriched)?;
        print_table(&report.table, show_errors, started);
    }
    for (name, title, read) in &entity_sets {
        if !wants(name) || (set == "all" && TRAIN_SETS.contains(name)) {
            continue;
        }
        let started = Instant::now();
        let gold = read()?;
        let enriched = enrich_gold(&gold, &gazetteer);
        write_jsonl(jsonl_dir.as_deref(), name, &enriched)?;
        let predicted: Vec<PredictedArticle> = enriched
            .iter()
            .map(PredictedArticle::from_enriched)
            .collect();
        let table = if name.starts_with("factru") {
            score_factru(title, &gold, &predicted)
        } else {
            score_entity_sets(title, &gold, &predicted)
        };
        print_table(&table, show_errors, started);
    }
    if wants("html") {
        let started = Instant::now();
        let benchmark = seeds.join("../data/article-extraction-benchmark");
        let truth: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
            benchmark.join("ground-truth.json"),
        )?)?;
        let mut gold = std::collections::HashMap::new();
        let mut predicted = std::collections::HashMap::new();
        let mut n_without_body = 0;
        for (page_id, page) in truth
            .as_object()
            .ok_or("ground-truth.json is not an object")?
        {
            gold.insert(
                page_id.clone(),
                page["articleBody"].as_str().unwrap_or_default().to_string(),
            );
            let path = benchmark.join("html").join(format!("{page_id}.html.gz"));
            let records = idx::ingest::read_source_file(&path);
            for doc in records.docs {
                let (article, warnings) = idx::clean::clean_source_doc(doc);
                n_without_body += warnings
                    .iter()
                    .filter(|warning| warning.message.contains("no article body"))
                    .count();
                predicted.insert(page_id.clone(), article.body);
            }
        }
        let scores = idx::eval_body::score_bodies(&gold, &predicted);
        println!("article-extraction-benchmark ({} pages)", scores.n_pages);
        println!(
            "precision {:.3}  recall {:.3}  F1 {:.3}  accuracy {:.3}  pages without a body found: {n_without_body}",
            scores.precision, scores.recall, scores.f1, scores.accuracy
        );
        println!("({:.1} s)\n", started.elapsed().as_secs_f64());
    }
    Ok(())
}
