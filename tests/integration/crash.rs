//! Crash safety and concurrency through the CLI: a build killed at any moment leaves the last
//! committed index openable and the next build completes it; a second build on a busy index
//! says so and changes nothing; queries work while a build runs.

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::util::{idx, temp_dir};

/// Writes a JSONL corpus big enough that a debug build takes a few seconds.
fn write_corpus(path: &Path, tag: &str, n_articles: usize) {
    let mut text = String::new();
    for article_idx in 0..n_articles {
        let body = format!(
            "Diplomats from Geneva and Vienna met for {tag} round {article_idx} of the talks on security guarantees. \
             The foreign ministers said the negotiations would continue next week in Brussels. "
        )
        .repeat(6);
        let record = serde_json::json!({
            "id": format!("{tag}{article_idx}"),
            "title": format!("Talks, {tag} round {article_idx}"),
            "text": body,
            "published": "2022-02-15",
        });
        text.push_str(&record.to_string());
        text.push('\n');
    }
    std::fs::write(path, text).expect("write corpus");
}

fn spawn_build(index: &Path, corpus: &Path) -> Child {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("idx"));
    command
        .arg("build")
        .arg("--index")
        .arg(index)
        .arg(corpus)
        .env_remove("IDX_INDEX")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command.spawn().expect("idx starts")
}

fn total(index: &Path, query: &str) -> Option<u64> {
    let output = idx()
        .args(["query", "--json", "--index"])
        .arg(index)
        .arg(query)
        .output()
        .expect("runs");
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    result["total"].as_u64()
}

#[test]
fn a_killed_build_leaves_an_openable_index_and_the_next_build_completes() {
    let dir = temp_dir();
    let corpus = dir.path().join("corpus.jsonl");
    let n_articles = 3000;
    write_corpus(&corpus, "main", n_articles);
    let index = dir.path().join("index");
    // A first complete build of part of the corpus is the "last commit" to protect.
    let first = dir.path().join("first.jsonl");
    write_corpus(&first, "first", 10);
    assert_eq!(
        idx()
            .arg("build")
            .arg("--index")
            .arg(&index)
            .arg(&first)
            .output()
            .expect("runs")
            .status
            .code(),
        Some(0)
    );
    assert_eq!(total(&index, "*"), Some(10));

    for kill_after_ms in [50, 300, 800, 1500] {
        let mut child = spawn_build(&index, &corpus);
        std::thread::sleep(Duration::from_millis(kill_after_ms));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        // The index opens at a committed state: the old one or a complete new one.
        let after_kill = total(&index, "*").expect("index still opens after SIGKILL");
        assert!(
            after_kill == 10 || after_kill == (n_articles + 10) as u64,
            "{after_kill} articles after a kill at {kill_after_ms} ms"
        );
    }
    let output = idx()
        .arg("build")
        .arg("--index")
        .arg(&index)
        .arg(&corpus)
        .arg(&first)
        .output()
        .expect("runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(total(&index, "*"), Some((n_articles + 10) as u64));
}

#[test]
fn a_second_build_on_a_busy_index_says_so_and_queries_still_work() {
    let dir = temp_dir();
    let corpus = dir.path().join("corpus.jsonl");
    // The first build must outlast the pause below: an optimised idx indexes 3,000 of these
    // articles in well under the 400 ms.
    let n_articles = if cfg!(debug_assertions) { 3000 } else { 30_000 };
    write_corpus(&corpus, "main", n_articles);
    let index = dir.path().join("index");
    let small = dir.path().join("small.jsonl");
    write_corpus(&small, "small", 5);
    assert_eq!(
        idx()
            .arg("build")
            .arg("--index")
            .arg(&index)
            .arg(&small)
            .output()
            .expect("runs")
            .status
            .code(),
        Some(0)
    );

    let mut running = spawn_build(&index, &corpus);
    // Give the first build time to take the writer lock (it does so before reading files).
    std::thread::sleep(Duration::from_millis(400));
    let started = Instant::now();
    let mut saw_busy = false;
    while started.elapsed() < Duration::from_secs(20) {
        if running.try_wait().expect("poll").is_some() {
            break;
        }
        let second = idx()
            .arg("build")
            .arg("--index")
            .arg(&index)
            .arg(&small)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&second.stderr).to_string();
        if second.status.code() == Some(2) && stderr.contains("is busy") {
            saw_busy = true;
            // Queries keep working against the last commit meanwhile.
            assert!(total(&index, "*").is_some(), "query failed during a build");
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = running.wait().expect("first build ends");
    assert_eq!(status.code(), Some(0));
    assert!(
        saw_busy,
        "the second build never reported a busy index while the first ran"
    );
    assert_eq!(total(&index, "*"), Some(n_articles as u64 + 5));
}
