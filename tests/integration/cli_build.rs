//! `idx build` from the user's side: formats, bad input, incremental builds, exit codes.

use std::path::Path;

use crate::util::{copy_corpus, idx, query_total_at as query_total, temp_dir};

fn build(
    index: &Path,
    paths: &[&Path],
    extra: &[&str],
) -> (Option<i32>, serde_json::Value, String) {
    let output = idx()
        .arg("build")
        .arg("--json")
        .arg("--index")
        .arg(index)
        .args(extra)
        .args(paths)
        .output()
        .expect("idx runs");
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    let report = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (output.status.code(), report, stderr)
}

#[test]
fn builds_every_format_and_reports_the_bad_line() {
    let dir = temp_dir();
    let corpus = dir.path().join("corpus");
    copy_corpus(&corpus);
    let index = dir.path().join("index");
    let (code, report, stderr) = build(&index, &[&corpus], &[]);
    assert_eq!(code, Some(0), "{stderr}");
    // 36 records: one bad JSONL line, one syndicated copy (examples/CORPUS.md).
    assert_eq!(report["articles_read"], 35, "{report}");
    assert_eq!(report["articles_added"], 34);
    assert_eq!(report["duplicates"], 1);
    assert_eq!(report["articles_in_index"], 34);
    let skipped = report["skipped"].as_array().expect("skipped");
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(skipped[0]["path"]
        .as_str()
        .expect("path")
        .ends_with("broken.jsonl"));
    assert_eq!(skipped[0]["line"], 2);
    assert!(stderr.contains("broken.jsonl:2: "), "{stderr}");
    assert_eq!(report["by_language"]["ru"], 7);
    for stage in [
        "reading_ms",
        "cleaning_ms",
        "enriching_ms",
        "writing_ms",
        "committing_ms",
        "total_ms",
    ] {
        assert!(report["timings"][stage].is_number(), "{stage}");
    }
    // The syndicated copy is one article with both sources.
    let output = idx()
        .args(["query", "--json", "--index"])
        .arg(&index)
        .arg("title:\"close ranks\"")
        .output()
        .expect("runs");
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(result["total"], 1);
    assert_eq!(
        result["hits"][0]["sources"].as_array().map(Vec::len),
        Some(2)
    );
}

#[test]
fn gzip_csv_html_and_latin1_are_searchable() {
    let dir = temp_dir();
    let index = dir.path().join("index");
    let corpus = crate::util::corpus();
    let (code, _, stderr) = build(&index, &[&corpus], &[]);
    assert_eq!(code, Some(0), "{stderr}");
    // archive.jsonl.gz: "Wien" appears in arch-002.
    assert!(query_total(&index, "source:archive") == 3);
    // desk.csv row 1 holds a multi-line quoted field.
    assert_eq!(query_total(&index, "source:desk"), 6);
    // latin1.txt is decoded, not dropped: its accented words are searchable.
    assert_eq!(query_total(&index, "source:latin1"), 1);
    assert_eq!(query_total(&index, "title:diplomacia source:latin1"), 1);
    // HTML: the title comes from the page; furniture words do not survive.
    assert_eq!(query_total(&index, "title:\"Scholz lands in Kyiv\""), 1);
    for furniture in [
        "crossword",
        "horoscope",
        "cookie",
        "Impressum",
        "Crucigrama",
    ] {
        assert_eq!(
            query_total(&index, furniture),
            0,
            "{furniture} came from site furniture"
        );
    }
}

#[test]
fn incremental_build_adds_only_new_and_changed_articles() {
    let dir = temp_dir();
    let corpus = dir.path().join("corpus");
    copy_corpus(&corpus);
    let index = dir.path().join("index");
    let (code, first, _) = build(&index, &[&corpus], &[]);
    assert_eq!(code, Some(0));
    assert_eq!(first["articles_added"], 34);

    let (code, second, _) = build(&index, &[&corpus], &[]);
    assert_eq!(code, Some(0));
    assert_eq!(second["articles_added"], 0, "{second}");
    assert_eq!(second["articles_unchanged"], 34);
    assert_eq!(second["articles_in_index"], 34);

    std::fs::write(
        corpus.join("en/new-article.txt"),
        "Ceasefire talks resume in Zanzibar\n\nNegotiators met in Zanzibar on a quiet morning.",
    )
    .expect("write");
    let changed = corpus.join("en/science-glacier-study.md");
    let text = std::fs::read_to_string(&changed).expect("read");
    std::fs::write(&changed, text.replace("glaciers", "icefields")).expect("write");
    let (code, third, _) = build(&index, &[&corpus], &[]);
    assert_eq!(code, Some(0));
    assert_eq!(third["articles_added"], 2, "{third}");
    assert_eq!(third["articles_removed"], 1, "{third}");
    assert_eq!(third["articles_in_index"], 35);
    assert_eq!(query_total(&index, "zanzibar"), 1);
    assert_eq!(query_total(&index, "icefields"), 1);
    assert_eq!(query_total(&index, "title:glaciers"), 0);

    let (code, rebuilt, _) = build(&index, &[&corpus], &["--rebuild"]);
    assert_eq!(code, Some(0));
    assert_eq!(rebuilt["articles_added"], 35);
    assert_eq!(rebuilt["articles_in_index"], 35);
}

#[test]
fn a_build_that_indexes_nothing_fails() {
    let dir = temp_dir();
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let (code, _, stderr) = build(&dir.path().join("index"), &[&empty], &[]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("idx: error: nothing to index"), "{stderr}");
    let (code, _, stderr) = build(
        &dir.path().join("index"),
        &[&dir.path().join("missing")],
        &[],
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("missing"), "{stderr}");
}

#[test]
fn strict_fails_on_any_skipped_file_but_keeps_the_index() {
    let dir = temp_dir();
    let corpus = crate::util::corpus();
    let index = dir.path().join("index");
    let (code, report, stderr) = build(&index, &[&corpus], &["--strict"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("skipped (--strict)"), "{stderr}");
    assert_eq!(report["articles_in_index"], 34);
    assert_eq!(query_total(&index, "geneva"), query_total(&index, "geneva"));
}

#[test]
fn binary_and_empty_files_are_skipped_not_fatal() {
    let dir = temp_dir();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    std::fs::write(
        corpus.join("good.txt"),
        "A good article\n\nIt has a body about Geneva.",
    )
    .expect("write");
    std::fs::write(corpus.join("empty.txt"), "").expect("write");
    std::fs::write(
        corpus.join("binary.txt"),
        [0u8, 159, 146, 150, 0, 1, 2, 3, 0, 0],
    )
    .expect("write");
    std::fs::write(corpus.join("bad.jsonl.gz"), b"this is not gzip").expect("write");
    let index = dir.path().join("index");
    let (code, report, stderr) = build(&index, &[&corpus], &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(report["articles_added"], 1);
    let skipped = report["skipped"].as_array().expect("skipped");
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    for name in ["empty.txt", "binary.txt", "bad.jsonl.gz"] {
        assert!(stderr.contains(name), "{name} not named: {stderr}");
    }
}

#[test]
fn another_schema_needs_a_rebuild() {
    let dir = temp_dir();
    let index = dir.path().join("index");
    let corpus = crate::util::corpus();
    let (code, _, _) = build(&index, &[&corpus.join("en")], &[]);
    assert_eq!(code, Some(0));
    let schema_file = dir.path().join("schema.json");
    let declared = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("index-schema/schema.json"),
    )
    .expect("read");
    std::fs::write(
        &schema_file,
        declared.replace("\"boost\": 0.15", "\"boost\": 3.0"),
    )
    .expect("write");
    let (code, _, stderr) = build(
        &index,
        &[&corpus.join("en")],
        &["--schema", schema_file.to_str().expect("utf-8 path")],
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("was built with another schema"), "{stderr}");
    assert!(stderr.contains("--rebuild"), "{stderr}");
    let (code, report, stderr) = build(
        &index,
        &[&corpus.join("en")],
        &[
            "--rebuild",
            "--schema",
            schema_file.to_str().expect("utf-8 path"),
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(report["articles_in_index"], 8);
    // The query side opens the index with the schema stored in it.
    assert!(query_total(&index, "geneva") >= 1);
}

/// An index written in an older format (format 1 held no letter and digit runs, which
/// queries now ask for) is refused with the command that rebuilds it, by builds and queries.
#[test]
fn an_index_of_an_older_format_needs_a_rebuild() {
    let dir = temp_dir();
    let index = dir.path().join("index");
    let corpus = crate::util::corpus();
    let (code, _, _) = build(&index, &[&corpus.join("en")], &[]);
    assert_eq!(code, Some(0));
    let meta_path = index.join("meta.json");
    let meta = std::fs::read_to_string(&meta_path).expect("read meta.json");
    let current = format!("\\\"format\\\":{}", idx::index::schema::INDEX_FORMAT);
    assert!(meta.contains(&current), "{meta}");
    std::fs::write(&meta_path, meta.replace(&current, "\\\"format\\\":1")).expect("write");
    let output = idx()
        .args(["query", "--index", index.to_str().expect("utf-8"), "geneva"])
        .output()
        .expect("run idx");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("index format 1"), "{stderr}");
    assert!(stderr.contains("--rebuild"), "{stderr}");
    let (code, _, stderr) = build(&index, &[&corpus.join("en")], &[]);
    assert_eq!(code, Some(2), "{stderr}");
    let (code, _, stderr) = build(&index, &[&corpus.join("en")], &["--rebuild"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(query_total(&index, "geneva") >= 1);
}

#[test]
fn a_bad_schema_file_names_the_problem() {
    let dir = temp_dir();
    let schema_file = dir.path().join("schema.json");
    std::fs::write(
        &schema_file,
        "{\"schema_version\": 1,\n \"languages\": [\"en\"],\n \"fields\": [}",
    )
    .expect("write");
    let (code, _, stderr) = build(
        &dir.path().join("index"),
        &[&crate::util::corpus()],
        &["--schema", schema_file.to_str().expect("utf-8")],
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("schema.json:3:"), "{stderr}");
}

#[test]
fn human_summary_is_one_line() {
    let dir = temp_dir();
    let output = idx()
        .arg("build")
        .arg("--index")
        .arg(dir.path().join("index"))
        .arg(crate::util::corpus())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.starts_with("indexed 34 new articles from 18 files (38 KB)"),
        "{stdout}"
    );
}
