//! `idx actors` and the corpus-wide merging behind name filters: a small corpus written here
//! with an unlisted diplomat under three spellings, a Russian-only actor with an English twin,
//! and two Bidens who must stay apart.

use std::path::Path;

use crate::util::{idx, query_total_at, temp_dir};

/// One JSONL record.
fn record(id: &str, published: &str, title: &str, text: &str) -> String {
    serde_json::json!({"id": id, "published": published, "title": title, "text": text}).to_string()
}

/// Writes the corpus and builds it; returns the index folder.
fn build_corpus(dir: &Path) -> std::path::PathBuf {
    build_corpus_with(dir, &[])
}

/// [`build_corpus`] with more `idx build` arguments.
fn build_corpus_with(dir: &Path, build_args: &[&str]) -> std::path::PathBuf {
    let records = [
        record(
            "k1",
            "2022-01-10",
            "Kowalczyk meets Lavrov in Geneva",
            "GENEVA — Polish Deputy Foreign Minister Marek Kowalczyk met Russian Foreign Minister Sergei Lavrov in Geneva on Tuesday. Kowalczyk said NATO would not accept new demands.",
        ),
        record(
            "k2",
            "2022-01-12",
            "Kowalczyk: NATO stands firm",
            "Marek Kowalczyk, the Polish deputy foreign minister, told reporters in Geneva that NATO stands firm. Sergei Lavrov rejected his statement.",
        ),
        record(
            "k3",
            "2022-01-20",
            "Talks in Vienna end without a deal",
            "Deputy Foreign Minister Marek Kowalczyk left Vienna after talks with Sergei Lavrov at the OSCE. NATO allies met in Geneva the next day.",
        ),
        // A misspelt surname, merged because the article shares Lavrov, NATO and Geneva.
        record(
            "k4",
            "2022-02-03",
            "Polish diplomat warns Moscow",
            "Deputy foreign minister Marek Kowalcyk warned Moscow after meeting Sergei Lavrov in Geneva. NATO said it shared his view.",
        ),
        record(
            "b1",
            "2022-01-19",
            "Blinken in Kyiv",
            "Secretary of State Antony Blinken arrived in Kyiv on Wednesday and spoke with Sergei Lavrov by phone.",
        ),
        record(
            "b2",
            "2022-01-21",
            "Machine-translated report",
            "The American Blingen said in Geneva that the talks with Lavrov were frank.",
        ),
        record(
            "h1",
            "2022-03-01",
            "Hunter Biden in court",
            "Hunter Biden appeared in a Delaware court on Monday. His lawyer Abbe Lowell said he would appeal.",
        ),
        record(
            "j1",
            "2022-03-02",
            "Biden visits Delaware",
            "President Joe Biden spent the weekend in Delaware. Joe Biden said he would speak about the economy.",
        ),
        record(
            "r1",
            "2022-02-10",
            "Рябинин провёл переговоры в Женеве",
            "Заместитель министра иностранных дел Сергей Рябинин провёл переговоры в Женеве. Сергей Рябинин заявил, что НАТО должно ответить.",
        ),
        record(
            "r2",
            "2022-02-11",
            "Ryabinin holds talks in Geneva",
            "Russian Deputy Foreign Minister Sergei Ryabinin held talks in Geneva. Sergei Ryabinin said NATO must answer.",
        ),
    ];
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    std::fs::write(corpus.join("wire.jsonl"), records.join("\n")).expect("write corpus");
    let index = dir.join("index");
    idx()
        .arg("build")
        .args(build_args)
        .arg("--index")
        .arg(&index)
        .arg(&corpus)
        .assert()
        .success();
    assert!(
        index.join("registry.json").is_file(),
        "the build writes the registry"
    );
    index
}

/// `idx actors --json` lines, parsed.
fn actors_json(index: &Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let output = idx()
        .args(["actors", "--json", "--index"])
        .arg(index)
        .args(extra)
        .output()
        .expect("idx runs");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

fn find<'a>(actors: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    actors
        .iter()
        .find(|actor| actor["name"] == name)
        .unwrap_or_else(|| panic!("{name} not listed in {actors:#?}"))
}

fn aliases(actor: &serde_json::Value) -> Vec<&str> {
    actor["aliases"]
        .as_array()
        .expect("aliases array")
        .iter()
        .map(|alias| alias.as_str().expect("alias string"))
        .collect()
}

#[test]
fn actors_lists_canonical_entities_with_every_spelling() {
    let dir = temp_dir();
    let index = build_corpus(dir.path());
    let people = actors_json(&index, &["--kind", "person"]);
    assert!(people.iter().all(|actor| actor["kind"] == "person"));

    let kowalczyk = find(&people, "Marek Kowalczyk");
    assert_eq!(kowalczyk["articles"], 4);
    assert_eq!(kowalczyk["first_seen"], "2022-01-10");
    assert_eq!(kowalczyk["last_seen"], "2022-02-03");
    assert!(
        aliases(kowalczyk).contains(&"Marek Kowalcyk"),
        "{kowalczyk}"
    );

    let blinken = find(&people, "Antony Blinken");
    assert_eq!(blinken["articles"], 2);
    assert!(aliases(blinken).contains(&"Blingen"), "{blinken}");

    // Cyrillic and Latin spellings of one unlisted person are one actor.
    let ryabinin = find(&people, "Sergei Ryabinin");
    assert_eq!(ryabinin["articles"], 2);
    assert_eq!(aliases(ryabinin), ["Сергей Рябинин"]);

    // Two people with one surname stay two.
    assert_eq!(find(&people, "Joe Biden")["articles"], 1);
    assert_eq!(find(&people, "Hunter Biden")["articles"], 1);

    // Sorted by articles; the Russian case form of Geneva joins it.
    let places = actors_json(&index, &["--kind", "place", "--limit", "1"]);
    assert_eq!(places.len(), 1);
    assert_eq!(places[0]["name"], "Geneva");
    assert_eq!(places[0]["articles"], 7);
    assert!(aliases(&places[0]).contains(&"Женеве"), "{}", places[0]);
}

#[test]
fn name_filters_find_every_article_of_the_merged_actor() {
    let dir = temp_dir();
    let index = build_corpus(dir.path());
    check_name_filters(&index);
}

/// Indexes whose canonical names are also indexed as terms (the schema before they became
/// columns only, or a user's declaration) answer the name filters alike.
#[test]
fn name_filters_work_on_indexed_canonical_names_too() {
    let dir = temp_dir();
    let declared = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("index-schema/schema.json"),
    )
    .expect("read");
    assert_eq!(declared.matches("\"indexed\": false, ").count(), 3);
    let schema_file = dir.path().join("schema.json");
    std::fs::write(&schema_file, declared.replace("\"indexed\": false, ", "")).expect("write");
    let index = build_corpus_with(
        dir.path(),
        &["--schema", schema_file.to_str().expect("utf-8 path")],
    );
    check_name_filters(&index);
}

fn check_name_filters(index: &Path) {
    assert_eq!(query_total_at(index, "actor:lavrov"), 6);
    assert_eq!(query_total_at(index, "actor:blingen"), 2);
    assert_eq!(query_total_at(index, "actor:\"anthony bling\""), 2);
    assert_eq!(query_total_at(index, "actor:\"marek kowalcyk\""), 4);
    assert_eq!(query_total_at(index, "person:\"Marek Kowalczyk\""), 4);
    assert_eq!(query_total_at(index, "actor:\"сергей рябинин\""), 2);
    assert_eq!(query_total_at(index, "place:женеве"), 7);
    assert_eq!(query_total_at(index, "person:\"hunter biden\""), 1);
    // The registry expands names only within the filter's kind.
    assert_eq!(query_total_at(index, "org:\"marek kowalcyk\""), 0);
}

#[test]
fn actors_human_output_and_exit_codes() {
    let dir = temp_dir();
    let index = build_corpus(dir.path());
    let output = idx()
        .args(["actors", "--limit", "3", "--index"])
        .arg(&index)
        .output()
        .expect("idx runs");
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].contains("Geneva") && lines[0].contains("place"),
        "{text}"
    );
    assert!(
        lines[0].contains("2022-01-10 to 2022-02-11"),
        "first and last dates: {text}"
    );
    // A missing index is an error.
    idx()
        .args(["actors", "--index"])
        .arg(dir.path().join("nothing"))
        .assert()
        .code(2);
}

#[test]
fn an_incremental_build_recomputes_the_registry() {
    let dir = temp_dir();
    let index = build_corpus(dir.path());
    let corpus = dir.path().join("corpus");
    // Add an article about Kowalczyk in a new file, then remove the wire file: each
    // incremental build's registry describes the whole index as it is after the build.
    std::fs::write(
        corpus.join("late.txt"),
        "Kowalczyk in Brussels\n\nMarek Kowalczyk met NATO ministers in Brussels on Friday.",
    )
    .expect("write");
    idx()
        .args(["build", "--index"])
        .arg(&index)
        .arg(&corpus)
        .assert()
        .success();
    let people = actors_json(&index, &["--kind", "person"]);
    assert_eq!(find(&people, "Marek Kowalczyk")["articles"], 5);
    std::fs::remove_file(corpus.join("wire.jsonl")).expect("remove");
    idx()
        .args(["build", "--index"])
        .arg(&index)
        .arg(&corpus)
        .assert()
        .success();
    let people = actors_json(&index, &["--kind", "person"]);
    let kowalczyk = find(&people, "Marek Kowalczyk");
    assert_eq!(kowalczyk["articles"], 1);
    assert_eq!(kowalczyk["first_seen"], serde_json::Value::Null);
    assert!(people.iter().all(|actor| actor["name"] != "Hunter Biden"));
}
