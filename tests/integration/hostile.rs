//! `idx build` on hostile input (issue #6): empty and binary files, broken JSON Lines and CSV,
//! bad encodings, broken and deeply nested HTML, symlink loops, unreadable files and a huge
//! line. Every good article must be indexed, every bad record reported with its file, line and
//! reason, and nothing may panic. The files are generated at test time; the big ones are kept
//! to about 20 MB here (a bench or example measures 200 MB files).

use std::path::{Path, PathBuf};

use crate::util::{idx, query_total_at as query_total, temp_dir};

/// One `idx build --json` run.
struct BuildRun {
    exit_code: Option<i32>,
    report: serde_json::Value,
    stderr: String,
}

fn build(index: &Path, corpus: &Path) -> BuildRun {
    let output = idx()
        .arg("build")
        .arg("--json")
        .arg("--index")
        .arg(index)
        .arg(corpus)
        .output()
        .expect("idx runs");
    BuildRun {
        exit_code: output.status.code(),
        report: serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null),
        stderr: String::from_utf8_lossy(&output.stderr).to_string(),
    }
}

/// `(file name, line, reason)` of each entry of a report list ("skipped" or "warnings").
fn entries(report: &serde_json::Value, list: &str) -> Vec<(String, Option<u64>, String)> {
    report[list]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| {
                    let path = PathBuf::from(item["path"].as_str().unwrap_or_default());
                    let name = path
                        .file_name()
                        .map(|name| name.to_string_lossy().to_string())
                        .unwrap_or_default();
                    let reason = item["reason"].as_str().unwrap_or_default().to_string();
                    (name, item["line"].as_u64(), reason)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts that `list` holds an entry for `name` at `line` whose reason contains `reason_part`.
fn assert_reported(
    report: &serde_json::Value,
    list: &str,
    name: &str,
    line: Option<u64>,
    reason_part: &str,
) {
    let found = entries(report, list);
    assert!(
        found.iter().any(|(found_name, found_line, found_reason)| {
            found_name == name && *found_line == line && found_reason.contains(reason_part)
        }),
        "no {list} entry {name}:{line:?} containing {reason_part:?} in {found:#?}"
    );
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).expect("write test file");
}

/// A JSON Lines file whose lines are broken in every way we know, between good ones.
fn hostile_jsonl() -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(
        b"{\"id\":\"j1\",\"title\":\"Grain exports rise\",\"text\":\"Grain exports from Odessa rose sharply in March, traders said.\"}\n",
    );
    bytes.extend_from_slice(b"{\"text\": \"the string never ends\n");
    bytes.extend_from_slice(b"{\"url\": \"http://example.com/no-text\"}\n");
    bytes.extend_from_slice(b"{\"text\": 42}\n");
    bytes.extend_from_slice(b"[1, 2, 3]\n");
    // Windows-1252 in the middle of a UTF-8 file: "Café".
    bytes.extend_from_slice(
        b"{\"id\":\"j2\",\"text\":\"Caf\xe9 owners in Porto protest against the new licence rules.\"}\n",
    );
    bytes.extend_from_slice(b"\n   \n");
    bytes.extend_from_slice(
        b"{\"id\":\"j3\",\"text\":\"Fishermen in Vigo landed a record catch of sardines on Friday.\"}",
    );
    bytes
}

#[test]
fn hostile_folder_indexes_the_good_and_reports_the_bad() {
    let dir = temp_dir();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    write(
        &corpus.join("good.txt"),
        b"Lisbon harbour reopens\n\nThe harbour of Lisbon reopened on Monday after two months of repairs.",
    );
    write(&corpus.join("empty.txt"), b"");
    write(&corpus.join("blank.md"), b"  \n\n\t\n");
    write(
        &corpus.join("program.txt"),
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00",
    );
    write(
        &corpus.join("picture.html"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
    );
    write(&corpus.join("feed.jsonl"), &hostile_jsonl());
    write(
        &corpus.join("ragged.csv"),
        b"title,text\nA,Ferries in Oslo run late again this winter.\nonly one field\nC,Trams in Gdansk get new timetables,extra,fields\n",
    );
    write(
        &corpus.join("latin1.txt"),
        b"Bergen fish market\n\nThe fish market in Bergen sells \xe9perlan and cod; prices rose \x80 2 a kilo.",
    );
    write(
        &corpus.join("broken.html"),
        b"<html><head><title>Tallinn trams</title><body><div><p>New trams in Tallinn <b>carry <i>more passengers</div></span></p></i> than the old ones, the city said.<p>Unclosed <table><tr><td>cell",
    );
    let depth = 20_000;
    let deep_page = format!(
        "<html><body>{}<p>Geysers near Reykjavik erupted twice in one hour, rangers said.</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    write(&corpus.join("deep.html"), deep_page.as_bytes());

    #[cfg(unix)]
    std::os::unix::fs::symlink(&corpus, corpus.join("loop")).expect("symlink");

    let unreadable = corpus.join("locked.txt");
    write(
        &unreadable,
        b"Locked away\n\nNobody should read this text about Malmo.",
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o000))
            .expect("chmod");
    }
    // Root (as in many CI containers) reads a mode-000 file anyway; then it is a good file.
    let is_unreadable = std::fs::read(&unreadable).is_err();

    let index = dir.path().join("index");
    let run = build(&index, &corpus);
    assert_eq!(run.exit_code, Some(0), "{}\n{}", run.stderr, run.report);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let report = &run.report;

    assert_reported(report, "skipped", "empty.txt", None, "empty file");
    assert_reported(report, "skipped", "blank.md", None, "only whitespace");
    assert_reported(report, "skipped", "program.txt", None, "binary file");
    assert_reported(report, "skipped", "picture.html", None, "binary file");
    assert_reported(report, "skipped", "feed.jsonl", Some(2), "invalid JSON");
    assert_reported(report, "skipped", "feed.jsonl", Some(3), "no 'text'");
    assert_reported(
        report,
        "skipped",
        "feed.jsonl",
        Some(4),
        "field 'text' should be a string",
    );
    assert_reported(
        report,
        "skipped",
        "feed.jsonl",
        Some(5),
        "expected a JSON object",
    );
    assert_reported(report, "skipped", "ragged.csv", Some(3), "row has 1 fields");
    #[cfg(unix)]
    assert_reported(report, "skipped", "loop", None, "symlink loop");
    if is_unreadable {
        assert_reported(report, "skipped", "locked.txt", None, "permission denied");
    } else {
        println!("skipped: running as root, so a mode-000 file is readable");
    }
    // The deep page is indexed, flattened, and the flattening is reported.
    assert_reported(report, "warnings", "deep.html", None, "nested more than");

    for (query, expected) in [
        ("Lisbon", 1),
        ("Odessa", 1),
        ("Porto", 1),
        ("Vigo", 1),
        ("Oslo", 1),
        ("Gdansk", 1),
        ("Bergen", 1),
        ("Tallinn", 1),
        ("Reykjavik", 1),
        ("Malmo", u64::from(!is_unreadable)),
    ] {
        assert_eq!(query_total(&index, query), expected, "query {query}");
    }
    // Latin-1 bytes were decoded, not dropped: "Café" is searchable with its accent.
    assert_eq!(query_total(&index, "Café"), 1);
}

#[test]
fn a_huge_jsonl_line_is_rejected_without_losing_the_next_record() {
    let dir = temp_dir();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    // 20 MB of text in one line: past the 16 MB record limit, so it is skipped unread.
    let huge_text = "lorem ipsum ".repeat(20 * 1024 * 1024 / 12);
    let mut feed = Vec::with_capacity(huge_text.len() + 200);
    feed.extend_from_slice(
        b"{\"id\":\"before\",\"text\":\"Storms closed the port of Gothenburg on Tuesday.\"}\n",
    );
    feed.extend_from_slice(b"{\"id\":\"huge\",\"text\":\"");
    feed.extend_from_slice(huge_text.as_bytes());
    feed.extend_from_slice(b"\"}\n");
    feed.extend_from_slice(
        b"{\"id\":\"after\",\"text\":\"Ferries to Aarhus resumed once the storm had passed.\"}\n",
    );
    write(&corpus.join("big.jsonl"), &feed);
    drop(feed);

    let index = dir.path().join("index");
    let run = build(&index, &corpus);
    assert_eq!(run.exit_code, Some(0), "{}\n{}", run.stderr, run.report);
    assert_reported(
        &run.report,
        "skipped",
        "big.jsonl",
        Some(2),
        "over the 16 MB limit for one record",
    );
    assert_eq!(query_total(&index, "Gothenburg"), 1);
    assert_eq!(query_total(&index, "Aarhus"), 1);
}

#[test]
fn mixed_encodings_in_one_feed_are_read_and_reported() {
    let dir = temp_dir();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    write(&corpus.join("feed.jsonl"), &hostile_jsonl());
    let index = dir.path().join("index");
    let run = build(&index, &corpus);
    assert_eq!(run.exit_code, Some(0), "{}\n{}", run.stderr, run.report);
    // Needs `FileRecords::warnings` passed on into the build report's warnings.
    assert_reported(
        &run.report,
        "warnings",
        "feed.jsonl",
        Some(6),
        "not valid UTF-8 and were read as Windows-1252",
    );
}
