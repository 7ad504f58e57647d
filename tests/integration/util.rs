//! Test helpers: the example corpus, temp folders, an `idx` command, and one shared index of
//! the example corpus for read-only query tests.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;

/// The example corpus shipped in the repository.
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus")
}

/// `../shared` beside the repository, or `None` (and a printed skip line) when absent.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(relative);
    if path.exists() {
        Some(path)
    } else {
        println!("skipped: ../shared/{relative} not found");
        None
    }
}

/// The `idx` binary, with colour and progress off and no inherited index location.
pub fn idx() -> Command {
    let mut command = Command::cargo_bin("idx").expect("the idx binary is built for tests");
    command.env_remove("IDX_INDEX").env("NO_COLOR", "1");
    command
}

/// A temp folder that lives as long as the value.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Copies the example corpus into `target` (so tests may change it).
pub fn copy_corpus(target: &Path) {
    for entry in walkdir::WalkDir::new(corpus()) {
        let entry = entry.expect("readable corpus");
        let relative = entry.path().strip_prefix(corpus()).expect("inside corpus");
        let destination = target.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&destination).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &destination).expect("copy");
        }
    }
}

/// An index of the example corpus, built once per test run (tests only read it).
pub fn example_index() -> &'static Path {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = INDEX.get_or_init(|| {
        let dir = temp_dir();
        let index_path = dir.path().join("index");
        let options = idx::BuildOptions::new(&index_path, vec![corpus()]);
        idx::build(&options).expect("the example corpus builds");
        (dir, index_path)
    });
    path
}

/// Runs `idx query --json` on the example index and returns the parsed object.
pub fn query_json(query: &str, extra: &[&str]) -> serde_json::Value {
    let output = idx()
        .arg("query")
        .arg("--index")
        .arg(example_index())
        .arg("--json")
        .arg("--limit")
        .arg("50")
        .args(extra)
        .arg(query)
        .output()
        .expect("idx runs");
    assert!(
        output.status.code() == Some(0) || output.status.code() == Some(1),
        "{query}: exit {:?}, stderr {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("query --json prints one JSON object")
}

/// File names (last path component, plus `#line`) of the hits of a query, sorted.
pub fn hit_sources(query: &str) -> Vec<String> {
    let result = query_json(query, &[]);
    let mut sources: Vec<String> = result["hits"]
        .as_array()
        .expect("hits array")
        .iter()
        .map(|hit| short_source(hit["source"].as_str().expect("source string")))
        .collect();
    sources.sort();
    sources
}

/// `.../feeds/wire.jsonl:9` → `wire.jsonl:9`; `.../en/a.txt` → `a.txt`.
pub fn short_source(source: &str) -> String {
    Path::new(source)
        .file_name()
        .map(|name| name.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// Total number of hits of a query on the example index.
pub fn total(query: &str) -> u64 {
    query_json(query, &[])["total"].as_u64().expect("total")
}

/// Total number of hits of `query` on the index at `index`, through `idx query --json`.
pub fn query_total_at(index: &Path, query: &str) -> u64 {
    let output = idx()
        .args(["query", "--json", "--index"])
        .arg(index)
        .arg(query)
        .output()
        .expect("idx runs");
    let result: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("query --json prints one JSON object");
    result["total"].as_u64().expect("total")
}

/// A corpus where four articles share a topic's vocabulary, three of them also the query's
/// words and one only the topic's, among 150 unrelated articles; written to `dir/corpus`,
/// whose path it returns.
pub fn feedback_corpus(dir: &Path) -> PathBuf {
    let dir = dir.join("corpus");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let dir = dir.as_path();
    let topical = [
        "Measles vaccine trial results\n\nThe measles vaccine trial measured antibody response in children; researchers reported immunogenicity and seroconversion after the booster dose.",
        "Children in the measles vaccine study\n\nA measles vaccine trial in children found strong antibody response, with immunogenicity and seroconversion rising after the booster.",
        "Booster dose and antibody response\n\nIn the trial, children given the measles vaccine showed antibody response; immunogenicity and seroconversion were highest after the booster.",
        "Seroconversion after boosters\n\nPaediatric immunogenicity data showed seroconversion in most infants after the booster, a regional health agency reported.",
    ];
    for (position, text) in topical.iter().enumerate() {
        std::fs::write(dir.join(format!("topic{position}.txt")), text).expect("write");
    }
    let subjects = [
        "harbour",
        "railway",
        "election",
        "orchestra",
        "wheat",
        "bridge",
        "museum",
        "mining",
        "ferry",
        "festival",
        "airport",
        "library",
    ];
    // Feedback needs a hundred articles in the language to tell topic words by their spread.
    for position in 0..150 {
        let subject = subjects[position % subjects.len()];
        std::fs::write(
            dir.join(format!("other{position}.txt")),
            format!("The {subject} story {position}\n\nCity officials discussed the {subject} plans for the coming year at a public meeting number {position}."),
        )
        .expect("write");
    }
    dir.to_path_buf()
}
