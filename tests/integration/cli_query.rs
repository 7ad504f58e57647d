//! `idx query` from the user's side: every query form, filter, facet, output shape and exit
//! code, on the example corpus (examples/CORPUS.md lists what each article holds).

use crate::util::{example_index, hit_sources, idx, query_json, short_source, temp_dir, total};

#[test]
fn words_find_more_than_the_phrase() {
    // MANIFEST: six articles hold the phrase, a seventh (nato-stoltenberg-reply) only the words.
    let phrase = hit_sources("\"security guarantees\" lang:en");
    let words = hit_sources("security guarantees lang:en");
    assert_eq!(phrase.len(), 6, "{phrase:?}");
    assert!(!phrase.contains(&"nato-stoltenberg-reply.txt".to_string()));
    assert!(
        words.contains(&"nato-stoltenberg-reply.txt".to_string()),
        "{words:?}"
    );
    for source in &phrase {
        assert!(
            words.contains(source),
            "{source} has the phrase but not the words?"
        );
    }
}

#[test]
fn plain_words_rank_articles_with_the_words_together_first() {
    // Six English articles say "security guarantees"; nato-stoltenberg-reply has the two words
    // apart, and BM25 alone ranked it above mt-blingen-lavrov, which has the phrase.
    let phrase = hit_sources("\"security guarantees\" lang:en");
    let hits = query_json("security guarantees lang:en", &[])["hits"]
        .as_array()
        .expect("hits")
        .clone();
    let in_rank_order: Vec<String> = hits
        .iter()
        .map(|hit| short_source(hit["source"].as_str().expect("source")))
        .collect();
    assert_eq!(in_rank_order.len(), 7, "{in_rank_order:?}");
    let mut first_six = in_rank_order[..6].to_vec();
    first_six.sort();
    assert_eq!(first_six, phrase);
    assert_eq!(in_rank_order[6], "nato-stoltenberg-reply.txt");
    let scores: Vec<f64> = hits
        .iter()
        .map(|hit| hit["score"].as_f64().expect("score"))
        .collect();
    assert!(
        scores.windows(2).all(|pair| pair[0] >= pair[1]),
        "{scores:?}"
    );
}

#[test]
fn stemming_matches_other_word_forms() {
    // English: the singular finds the plural.
    assert!(total("\"security guarantee\"") >= 6);
    // Russian: "гарантии" and "гарантий" share a stem; the phrase finds both articles.
    let russian = hit_sources("\"гарантии безопасности\"");
    assert_eq!(russian, vec!["wire.jsonl#wire-001", "wire.jsonl#wire-002"]);
    // Spanish, with and without the accent.
    assert_eq!(total("\"garantías de seguridad\""), 2);
    assert_eq!(total("\"garantias de seguridad\""), 2);
}

#[test]
fn fuzzy_finds_transliteration_typos() {
    // Only one article says "Blingen"; a plain word query finds just that one.
    assert_eq!(hit_sources("blingen"), vec!["mt-blingen-lavrov.txt"]);
    // blinken~1 also reaches the "Blingen" article.
    let fuzzy = hit_sources("blinken~1 lang:en");
    assert!(
        fuzzy.contains(&"mt-blingen-lavrov.txt".to_string()),
        "{fuzzy:?}"
    );
    assert!(fuzzy.len() > 1);
}

#[test]
fn boolean_operators() {
    let either = total("scholz OR scholes");
    let scholz = total("scholz");
    let scholes = total("scholes");
    assert!(scholes >= 1 && scholz >= 1);
    assert_eq!(either, scholz + scholes);
    assert_eq!(total("scholz AND scholes"), 0);
    let without = total("geneva -lavrov");
    let with = total("geneva +lavrov");
    assert_eq!(without + with, total("geneva"));
    assert_eq!(total("geneva NOT lavrov"), without);
    assert_eq!(
        total("(scholz OR scholes) AND -berlin"),
        total("scholz OR scholes") - total("+(scholz OR scholes) +berlin")
    );
}

#[test]
fn prefix_search() {
    let prefixed = hit_sources("stoltenb*");
    assert!(
        prefixed.contains(&"nato-stoltenberg-reply.txt".to_string()),
        "{prefixed:?}"
    );
}

#[test]
fn language_filter() {
    assert_eq!(total("lang:ru"), 7);
    assert_eq!(total("lang:de"), 6);
    assert_eq!(total("lang:es"), 6);
    assert_eq!(total("lang:en"), 15);
}

#[test]
fn published_filter() {
    assert_eq!(total("published:2021"), 2);
    assert_eq!(total("published:[2021-12-01 TO 2021-12-31]"), 2);
    assert_eq!(total("published:[* TO 2021]"), 2);
    // January 2022 and February 2022 partition the 2022 articles.
    let january = total("published:2022-01");
    let february = total("published:2022-02");
    assert_eq!(january + february, total("published:2022"));
    assert_eq!(january, total("published:[2022-01-01 TO 2022-01-31]"));
    // 30 of the 34 articles have a publication date.
    assert_eq!(total("published:[* TO *]"), 30);
}

#[test]
fn mentioned_date_filter() {
    // zakharova-briefing says "February 15, 2022"; en-scholz-kyiv says "tomorrow" on 02-14.
    let mentioned = hit_sources("date:2022-02-15");
    assert!(
        mentioned.contains(&"zakharova-briefing.txt".to_string()),
        "{mentioned:?}"
    );
    assert!(
        mentioned.contains(&"en-scholz-kyiv.html".to_string()),
        "{mentioned:?}"
    );
    // Coming dates without a year: "mantendrán ... el 12 de febrero" (published 2022-02-11)
    // and "acogerá la cumbre ... en junio" (published 2022-01-27) are this year's, as is the
    // past "bereits am 12. Februar" of an article of 2022-02-14.
    assert_eq!(
        hit_sources("date:2022-02-12"),
        vec!["desk.csv#desk-002", "wire.jsonl#wire-004"]
    );
    assert_eq!(hit_sources("date:2022-06"), vec!["es-otan-bruselas.html"]);
    assert_eq!(total("date:2021-02-12 OR date:2021-06"), 0);
    // "on Monday" in an article with no publication date resolves to nothing.
    let monday = query_json("title:sanctions", &[]);
    let hit = &monday["hits"][0];
    assert_eq!(hit["published"], serde_json::Value::Null);
    assert_eq!(hit["dates"], serde_json::json!([]));
}

#[test]
fn actor_filters_match_aliases() {
    let blinken = hit_sources("actor:blinken");
    // The machine-translated "Anthony Blingen" is merged into Antony Blinken.
    assert!(
        blinken.contains(&"mt-blingen-lavrov.txt".to_string()),
        "{blinken:?}"
    );
    assert_eq!(hit_sources("actor:blingen"), blinken);
    assert_eq!(hit_sources("actor:\"antony blinken\""), blinken);
    assert_eq!(hit_sources("person:blinken"), blinken);
    // Cyrillic and Latin spellings are one actor.
    let lavrov = hit_sources("actor:lavrov");
    assert!(
        lavrov.contains(&"wire.jsonl#wire-001".to_string()),
        "{lavrov:?}"
    );
    assert!(
        lavrov.contains(&"mt-blingen-lavrov.txt".to_string()),
        "{lavrov:?}"
    );
    assert!(total("org:nato") >= 3);
    assert_eq!(total("org:blinken"), 0);
}

#[test]
fn place_filter_merges_names_across_languages() {
    let geneva = hit_sources("place:geneva");
    for expected in [
        "geneva-blinken-lavrov.txt",
        "wire.jsonl#wire-001",
        "de-genf-treffen.html",
        "wire.jsonl#wire-004",
    ] {
        assert!(
            geneva.contains(&expected.to_string()),
            "{expected} not in {geneva:?}"
        );
    }
    let kyiv = hit_sources("place:kyiv");
    assert!(
        kyiv.contains(&"mt-blingen-lavrov.txt".to_string()),
        "Kiev is Kyiv: {kyiv:?}"
    );
    assert_eq!(hit_sources("place:kiev"), kyiv);
    // Spellings the articles never use reach them through the name lists at query time.
    assert_eq!(hit_sources("place:киев"), kyiv);
    let lavrov = hit_sources("actor:\"сергей лавров\"");
    assert!(
        lavrov.contains(&"mt-blingen-lavrov.txt".to_string()),
        "{lavrov:?}"
    );
    // A listed name of another kind does not: Putin is no place.
    assert!(total("actor:путин") > 0);
    assert_eq!(total("place:путин"), 0);
    let luhansk = hit_sources("place:luhansk");
    assert!(
        luhansk.contains(&"wire.jsonl#wire-005".to_string()),
        "Lugansk is Luhansk: {luhansk:?}"
    );
}

#[test]
fn source_and_title_filters() {
    assert_eq!(total("source:wire"), 10);
    assert_eq!(total("source:desk"), 6);
    assert_eq!(
        hit_sources("title:glaciers"),
        vec!["science-glacier-study.md"]
    );
    // "glacier" is in the body of no other article; title: does not search bodies.
    assert_eq!(total("title:record"), 1);
}

#[test]
fn filters_combine_with_words() {
    let lavrov_security = total("actor:lavrov security");
    assert!(lavrov_security >= 1);
    assert!(lavrov_security < total("actor:lavrov"));
    assert!(lavrov_security < total("security"));
}

#[test]
fn facets_count_all_matches_not_only_the_page() {
    let everything = query_json("*", &["--limit", "1"]);
    assert_eq!(everything["total"], 34);
    assert_eq!(everything["hits"].as_array().map(Vec::len), Some(1));
    let languages = &everything["facets"]["lang"];
    let count_of = |code: &str| {
        languages
            .as_array()
            .expect("lang facet")
            .iter()
            .find(|value| value["value"] == code)
            .and_then(|value| value["count"].as_u64())
    };
    assert_eq!(count_of("en"), Some(15));
    assert_eq!(count_of("ru"), Some(7));
    assert_eq!(count_of("de"), Some(6));
    assert_eq!(count_of("es"), Some(6));
    let years = &everything["facets"]["year"];
    assert_eq!(years[0], serde_json::json!({"value": "2022", "count": 28}));
    assert_eq!(years[1], serde_json::json!({"value": "2021", "count": 2}));
    // Each actor facet count equals the number of hits of the matching filter.
    let top_actor = &everything["facets"]["actor"][0];
    let name = top_actor["value"].as_str().expect("actor name");
    assert_eq!(
        top_actor["count"].as_u64(),
        Some(total(&format!("actor:\"{name}\"")))
    );
}

#[test]
fn facets_flag_selects_facets() {
    let result = query_json("geneva", &["--facets", "place,lang"]);
    let facets = result["facets"].as_object().expect("facets object");
    let mut names: Vec<&String> = facets.keys().collect();
    names.sort();
    assert_eq!(names, ["lang", "place"]);
}

#[test]
fn json_shape_is_stable() {
    let result = query_json("\"security guarantees\"", &["--limit", "2"]);
    let mut keys: Vec<&String> = result.as_object().expect("object").keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "expanded_with",
            "facets",
            "hits",
            "query",
            "took_ms",
            "total"
        ]
    );
    assert_eq!(result["query"], "\"security guarantees\"");
    let hit = result["hits"][0].as_object().expect("hit object");
    for key in [
        "id",
        "source",
        "url",
        "title",
        "published",
        "language",
        "score",
        "snippet",
        "people",
        "organizations",
        "places",
        "dates",
    ] {
        assert!(hit.contains_key(key), "hit lacks {key}: {hit:?}");
    }
    assert!(hit["score"].as_f64().expect("score") > 0.0);
    let snippet = hit["snippet"].as_str().expect("snippet");
    let [start, end] = [0, 1].map(|i| hit["highlights"][0][i].as_u64().expect("range") as usize);
    assert!(
        snippet[start..end].eq_ignore_ascii_case("security"),
        "{snippet}"
    );
    for facet in ["actor", "place", "lang", "year"] {
        assert!(result["facets"][facet].is_array(), "{facet}");
    }
}

#[test]
fn paging_and_date_sort() {
    let all = query_json("security", &["--limit", "50"]);
    let second_page = query_json("security", &["--limit", "2", "--offset", "2"]);
    assert_eq!(second_page["hits"][0]["id"], all["hits"][2]["id"]);
    assert_eq!(second_page["hits"][1]["id"], all["hits"][3]["id"]);
    let by_date = query_json("security", &["--sort", "date"]);
    let dates: Vec<&str> = by_date["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(|hit| hit["published"].as_str())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    assert!(by_date["hits"][0]["score"].is_null());
}

#[test]
fn filters_alone_list_newest_first_then_by_id() {
    // Filters rank nothing, so their hits come by date (undated last) and id, whatever the
    // build's threads did: the order of a query is the same in every build of the files.
    let listed = |query: &str, extra: &[&str]| -> Vec<(Option<String>, String)> {
        query_json(query, extra)["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .map(|hit| {
                assert!(hit["score"].is_null(), "{hit}");
                let published = hit["published"].as_str().map(str::to_string);
                (published, hit["id"].as_str().expect("id").to_string())
            })
            .collect()
    };
    let english = listed("lang:en", &[]);
    assert!(english.len() > 10, "{english:?}");
    let mut expected = english.clone();
    expected.sort_by(|left, right| right.0.cmp(&left.0).then_with(|| left.1.cmp(&right.1)));
    assert_eq!(english, expected);
    assert!(english.iter().any(|(published, _)| published.is_none()));
    // Pages of the same list fit together.
    let page = listed("lang:en", &["--limit", "3", "--offset", "3"]);
    assert_eq!(page, english[3..6]);
    // A word next to a filter still ranks by relevance.
    assert!(query_json("security lang:en", &[])["hits"][0]["score"].is_number());
}

#[test]
fn human_output_has_title_source_and_snippet_without_colour_when_piped() {
    let output = idx()
        .args(["query", "--index"])
        .arg(example_index())
        .arg("\"security guarantees\" lang:en")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).expect("utf-8");
    assert!(text.contains("  1. "), "{text}");
    assert!(text.contains("security guarantees"), "{text}");
    assert!(text.contains("6 articles matched"), "{text}");
    assert!(text.contains("  lang: en (6)"), "{text}");
    assert!(!text.contains('\u{1b}'), "no ANSI codes when piped");
    let coloured = idx()
        .args(["query", "--color", "always", "--index"])
        .arg(example_index())
        .arg("\"security guarantees\"")
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&coloured.stdout).contains('\u{1b}'));
}

#[test]
fn no_match_exits_1_and_json_still_prints() {
    let output = idx()
        .args(["query", "--json", "--index"])
        .arg(example_index())
        .arg("qwertyuiopasdf")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(result["total"], 0);
    assert_eq!(result["hits"], serde_json::json!([]));
}

fn check_query_error(query: &str, expected_message: &str, expected_caret_line: &str) {
    let output = idx()
        .args(["query", "--index"])
        .arg(example_index())
        .arg(query)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2), "{query}");
    let stderr = String::from_utf8(output.stderr).expect("utf-8");
    assert!(stderr.starts_with("idx: error: "), "{stderr}");
    assert!(stderr.contains(expected_message), "{query}: {stderr}");
    assert!(
        stderr.lines().any(|line| line == expected_caret_line),
        "{query}: {stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn malformed_queries_name_the_position() {
    check_query_error(
        "\"security guarantees",
        "unclosed '\"' at column 1",
        "  ^^^^^^^^^^^^^^^^^^^^",
    );
    check_query_error("lavrov (geneva", "unclosed '(' at column 8", "         ^");
    check_query_error(
        "published:2022-13",
        "'2022-13' is not a date at column 1",
        "  ^^^^^^^^^^^^^^^^^",
    );
    check_query_error(
        "blinken~3",
        "fuzzy distance '3' is not 0, 1 or 2 at column 8",
        "         ^^",
    );
}

#[test]
fn unknown_field_suggests_a_fix() {
    let output = idx()
        .args(["query", "--index"])
        .arg(example_index())
        .arg("actr:lavrov")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).expect("utf-8");
    assert!(
        stderr.contains("unknown field 'actr' at column 1"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean 'actor'?"), "{stderr}");
}

#[test]
fn missing_index_says_how_to_build_one() {
    let dir = crate::util::temp_dir();
    let output = idx()
        .args(["query", "--index"])
        .arg(dir.path().join("nowhere"))
        .arg("geneva")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).expect("utf-8");
    assert!(stderr.contains("no index at"), "{stderr}");
    assert!(stderr.contains("idx build --index"), "{stderr}");
}

#[test]
fn index_location_comes_from_the_environment() {
    let output = idx()
        .env("IDX_INDEX", example_index())
        .args(["query", "--json", "lang:ru"])
        .output()
        .expect("runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn stats_summarise_the_index() {
    let output = idx()
        .args(["stats", "--json", "--index"])
        .arg(example_index())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let stats: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(stats["articles"], 34);
    assert_eq!(stats["published_from"], "2021-12-17");
    assert_eq!(stats["published_to"], "2022-02-20");
    assert!(stats["size_bytes"].as_u64().expect("size") > 10_000);
    assert_eq!(
        stats["facets"]["lang"][0],
        serde_json::json!({"value": "en", "count": 15})
    );
    let human = idx()
        .args(["stats", "--index"])
        .arg(example_index())
        .output()
        .expect("runs");
    let text = String::from_utf8(human.stdout).expect("utf-8");
    assert!(text.contains("articles:  34"), "{text}");
    assert!(
        text.contains("published: 2021-12-17 to 2022-02-20"),
        "{text}"
    );
}

#[test]
fn no_feedback_runs_a_long_query_as_written() {
    let dir = temp_dir();
    let corpus_dir = crate::util::feedback_corpus(dir.path());
    let index = dir.path().join("index");
    idx()
        .arg("build")
        .arg("--index")
        .arg(&index)
        .arg(&corpus_dir)
        .assert()
        .success();
    let claim = "measles vaccine trial children antibody response";
    let expanded_with = |extra: &[&str]| {
        let output = idx()
            .arg("query")
            .arg("--index")
            .arg(&index)
            .arg("--json")
            .args(extra)
            .arg(claim)
            .output()
            .expect("runs");
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        result["expanded_with"]
            .as_array()
            .expect("expanded_with is a list")
            .len()
    };
    assert!(expanded_with(&[]) > 0);
    assert_eq!(expanded_with(&["--no-feedback"]), 0);
}

/// Runs `idx query --batch` over a list holding `lines`, returning exit code, stdout, stderr.
fn run_batch(lines: &str, extra: &[&str]) -> (Option<i32>, String, String) {
    let dir = temp_dir();
    let list = dir.path().join("queries.txt");
    std::fs::write(&list, lines).expect("write the list");
    let output = idx()
        .args(["query", "--index"])
        .arg(example_index())
        .arg("--batch")
        .arg(&list)
        .args(extra)
        .output()
        .expect("idx runs");
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("utf-8");
    (
        output.status.code(),
        text(output.stdout),
        text(output.stderr),
    )
}

#[test]
fn batch_runs_every_query_of_a_list_and_names_the_bad_lines() {
    let (code, stdout, stderr) = run_batch(
        "security guarantees\n\n{\"_id\": \"geneva\", \"text\": \"place:geneva\"}\n((broken\n{\"_id\": \"x\"}\nlavrov\n",
        &[],
    );
    // Two lines hold no runnable query; the others still ran, and the exit code says so.
    assert_eq!(code, Some(2), "{stderr}");
    let results: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object a line"))
        .collect();
    let ids: Vec<&str> = results
        .iter()
        .map(|result| result["query_id"].as_str().expect("query_id"))
        .collect();
    assert_eq!(ids, ["1", "geneva", "6"]);
    assert_eq!(results[1]["total"], total("place:geneva"));
    assert_eq!(results[2]["total"], total("lavrov"));
    assert!(
        stderr.contains("queries.txt:4: query 4: unclosed '('"),
        "{stderr}"
    );
    assert!(
        stderr.contains("queries.txt:5: no \"text\" field"),
        "{stderr}"
    );
}

#[test]
fn batch_trec_run_keeps_the_order_of_every_query() {
    let (code, stdout, stderr) = run_batch(
        "security guarantees\n{\"_id\": \"g\", \"text\": \"place:geneva\"}\n",
        &["--trec", "--run-name", "mine"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let mut by_query: std::collections::BTreeMap<String, Vec<(String, usize, f64)>> =
        Default::default();
    for line in stdout.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        assert_eq!(fields.len(), 6, "{line}");
        assert_eq!((fields[1], fields[5]), ("Q0", "mine"), "{line}");
        by_query.entry(fields[0].to_string()).or_default().push((
            fields[2].to_string(),
            fields[3].parse().expect("rank"),
            fields[4].parse().expect("score"),
        ));
    }
    assert_eq!(by_query.keys().collect::<Vec<_>>(), ["1", "g"]);
    for (query_id, lines) in &by_query {
        let ranks: Vec<usize> = lines.iter().map(|line| line.1).collect();
        assert_eq!(ranks, (1..=lines.len()).collect::<Vec<_>>(), "{query_id}");
        // trec_eval orders by score: ranked hits fall or tie, and filters alone (listed by
        // date, no score of their own) fall strictly, so the date order survives.
        for pair in lines.windows(2) {
            if query_id == "g" {
                assert!(pair[0].2 > pair[1].2, "{query_id}: {lines:?}");
            } else {
                assert!(pair[0].2 >= pair[1].2, "{query_id}: {lines:?}");
            }
        }
    }
    // A record of a JSONL file is named by its own id.
    let geneva: Vec<&str> = by_query["g"].iter().map(|line| line.0.as_str()).collect();
    assert!(geneva.contains(&"wire-001"), "{geneva:?}");
    assert_eq!(geneva.len() as u64, total("place:geneva"));
}
