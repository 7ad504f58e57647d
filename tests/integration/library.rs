//! The embedder's side: `idx::build`, `idx::Index::search`, `idx::extract`.

use crate::util::{corpus, example_index, short_source, temp_dir};

#[test]
fn search_returns_typed_hits_and_facets() {
    let index = idx::Index::open(example_index()).expect("opens");
    let options = idx::SearchOptions {
        limit: 3,
        ..idx::SearchOptions::default()
    };
    let hits = index
        .search("\"security guarantees\" lang:en", &options)
        .expect("searches");
    assert_eq!(hits.total, 6);
    assert_eq!(hits.hits.len(), 3);
    assert!(hits
        .hits
        .windows(2)
        .all(|pair| pair[0].score >= pair[1].score));
    let languages = hits.facets.lang.expect("lang facet");
    assert_eq!(
        languages,
        vec![idx::FacetValue {
            value: "en".to_string(),
            count: 6
        }]
    );
}

#[test]
fn query_errors_are_typed() {
    let index = idx::Index::open(example_index()).expect("opens");
    let error = index
        .search("lavrov (geneva", &idx::SearchOptions::default())
        .expect_err("malformed");
    match error {
        idx::Error::Query { column, span, .. } => {
            assert_eq!(column, 8);
            assert_eq!(span.start, 7);
        }
        other => panic!("expected a query error, got {other}"),
    }
    assert!(matches!(
        idx::Index::open(temp_dir().path()),
        Err(idx::Error::NoIndex { .. })
    ));
}

#[test]
fn extract_yields_facts_without_indexing() {
    let gazetteer = idx::Gazetteer::embedded();
    let mut articles = Vec::new();
    let skipped = idx::extract(&[corpus().join("en")], &gazetteer, |article| {
        articles.push(article)
    });
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(articles.len(), 9);
    let blingen = articles
        .iter()
        .find(|article| {
            article
                .article
                .source
                .path
                .ends_with("mt-blingen-lavrov.txt")
        })
        .expect("found");
    let people: Vec<&str> = blingen
        .people
        .iter()
        .map(|person| person.name.as_str())
        .collect();
    assert!(people.contains(&"Antony Blinken"), "{people:?}");
    assert_eq!(
        blingen.published.map(|date| date.to_string()).as_deref(),
        Some("2022-02-11")
    );
}

#[test]
fn builds_are_the_same_whatever_the_thread_count() {
    // Output order must not depend on thread count: a one-thread build answers like the
    // shared (default) build.
    let dir = temp_dir();
    let index_path = dir.path().join("index");
    let status = crate::util::idx()
        .env("RAYON_NUM_THREADS", "1")
        .arg("build")
        .arg("--index")
        .arg(&index_path)
        .arg(corpus())
        .output()
        .expect("runs");
    assert_eq!(status.status.code(), Some(0));
    let single = idx::Index::open(&index_path).expect("opens");
    let shared = idx::Index::open(example_index()).expect("opens");
    for query in ["security guarantees", "actor:lavrov", "geneva OR genf", "*"] {
        let options = idx::SearchOptions {
            limit: 50,
            ..idx::SearchOptions::default()
        };
        let left = single.search(query, &options).expect("search");
        let right = shared.search(query, &options).expect("search");
        let ids = |hits: &idx::Hits| {
            hits.hits
                .iter()
                .map(|hit| hit.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&left), ids(&right), "{query}");
        assert_eq!(left.facets, right.facets, "{query}");
    }
}

/// Facet counts over an index of several segments equal the facts counted article by article:
/// an incremental build adds a segment, and the counts must add up across segments.
#[test]
fn facet_counts_add_up_across_segments() {
    let dir = temp_dir();
    let index_path = dir.path().join("index");
    // A one-file second build adds one segment without reaching the four that merge.
    let first = corpus().join("en");
    let second = corpus().join("legacy");
    idx::build(&idx::BuildOptions::new(&index_path, vec![first.clone()])).expect("first build");
    idx::build(&idx::BuildOptions::new(
        &index_path,
        vec![first.clone(), second.clone()],
    ))
    .expect("second build");
    let index = idx::Index::open(&index_path).expect("opens");
    let n_segments = index
        .article_index()
        .searcher()
        .expect("searcher")
        .segment_readers()
        .len();
    assert!(n_segments >= 2, "{n_segments} segment(s)");

    let mut expected_actors: std::collections::BTreeMap<String, u64> = Default::default();
    let mut expected_places: std::collections::BTreeMap<String, u64> = Default::default();
    let mut seen_ids = std::collections::BTreeSet::new();
    idx::extract(&[first, second], &idx::Gazetteer::embedded(), |article| {
        if !seen_ids.insert(idx::article_id(&article.article)) {
            return;
        }
        for entity in article.people.iter().chain(&article.organizations) {
            *expected_actors.entry(entity.name.clone()).or_default() += 1;
        }
        for entity in &article.places {
            *expected_places.entry(entity.name.clone()).or_default() += 1;
        }
    });
    let options = idx::SearchOptions {
        limit: 0,
        facets: vec![idx::FacetKind::Actor, idx::FacetKind::Place],
        facet_limit: 10_000,
        ..idx::SearchOptions::default()
    };
    let hits = index.search("*", &options).expect("searches");
    let as_map = |values: Vec<idx::FacetValue>| -> std::collections::BTreeMap<String, u64> {
        values
            .into_iter()
            .map(|value| (value.value, value.count))
            .collect()
    };
    assert!(!expected_actors.is_empty());
    assert_eq!(
        as_map(hits.facets.actor.expect("actor facet")),
        expected_actors
    );
    assert_eq!(
        as_map(hits.facets.place.expect("place facet")),
        expected_places
    );
}

/// Facet counts equal the facts counted article by article over more articles than the
/// collector counts at once (64), whether the matches arrive in blocks (`*`, no scores) or one
/// at a time with scores (a word query), for all four facets.
#[test]
fn facet_counts_add_up_across_blocks_of_matches() {
    let dir = temp_dir();
    let corpus_dir = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus_dir).expect("mkdir");
    let people = ["Angela Merkel", "Emmanuel Macron", "Vladimir Putin"];
    let places = ["Berlin", "Paris", "Moscow", "Madrid", "Warsaw"];
    let mut lines = String::new();
    for n in 0..230 {
        let person = people[n % people.len()];
        let place = places[n % places.len()];
        let mut text = format!(
            "{person} spoke about trade with reporters in {place} on the record, and officials \
             said the talks on trade would go on."
        );
        if n % 7 == 0 {
            text.push_str(" Later the European Union sent a delegation to Geneva.");
        }
        let published = if n % 11 == 0 {
            String::new()
        } else {
            format!(r#","published":"{}-03-0{}""#, 2014 + n % 4, 1 + n % 9)
        };
        lines.push_str(&format!(
            r#"{{"id":"a{n}","title":"Talks {n}","text":"{text}"{published}}}"#
        ));
        lines.push('\n');
    }
    let file = corpus_dir.join("articles.jsonl");
    std::fs::write(&file, lines).expect("write corpus");
    let index_path = dir.path().join("index");
    idx::build(&idx::BuildOptions::new(&index_path, vec![file.clone()])).expect("builds");

    type Counts = std::collections::BTreeMap<String, u64>;
    /// Expected counts of the four facets.
    #[derive(Default)]
    struct Expected {
        actors: Counts,
        places: Counts,
        langs: Counts,
        years: Counts,
        total: usize,
    }
    // Every article, and the one in seven that mentions a delegation (matches with gaps
    // between them).
    let (mut all, mut sparse) = (Expected::default(), Expected::default());
    idx::extract(&[file], &idx::Gazetteer::embedded(), |article| {
        let mut targets = vec![&mut all];
        if article.article.body.contains("delegation") {
            targets.push(&mut sparse);
        }
        for expected in targets {
            expected.total += 1;
            for entity in article.people.iter().chain(&article.organizations) {
                *expected.actors.entry(entity.name.clone()).or_default() += 1;
            }
            for entity in &article.places {
                *expected.places.entry(entity.name.clone()).or_default() += 1;
            }
            *expected.langs.entry(article.language.clone()).or_default() += 1;
            if let Some(date) = article.published {
                *expected
                    .years
                    .entry(format!("{:04}", date.year()))
                    .or_default() += 1;
            }
        }
    });
    assert!(all.actors.len() >= 3 && all.places.len() >= 5 && all.years.len() == 4);
    assert_eq!(sparse.total, 33);

    let index = idx::Index::open(&index_path).expect("opens");
    // One facet first: the values of the others are read when they are first asked for.
    let lang_only = idx::SearchOptions {
        facets: vec![idx::FacetKind::Lang],
        ..idx::SearchOptions::default()
    };
    let first = index.search("trade", &lang_only).expect("searches");
    assert!(first.facets.actor.is_none() && first.facets.lang.is_some());
    let as_map = |values: Option<Vec<idx::FacetValue>>| -> Counts {
        values
            .expect("facet asked for")
            .into_iter()
            .map(|value| (value.value, value.count))
            .collect()
    };
    for (query, limit, expected) in [
        ("*", 0, &all),
        ("*", 10, &all),
        ("trade", 10, &all),
        ("delegation", 10, &sparse),
        ("delegation", 0, &sparse),
    ] {
        let options = idx::SearchOptions {
            limit,
            facets: idx::FacetKind::ALL.to_vec(),
            facet_limit: 10_000,
            ..idx::SearchOptions::default()
        };
        let hits = index.search(query, &options).expect("searches");
        assert_eq!(hits.total, expected.total, "{query}");
        assert_eq!(
            as_map(hits.facets.actor),
            expected.actors,
            "{query} {limit}"
        );
        assert_eq!(
            as_map(hits.facets.place),
            expected.places,
            "{query} {limit}"
        );
        assert_eq!(as_map(hits.facets.lang), expected.langs, "{query} {limit}");
        assert_eq!(as_map(hits.facets.year), expected.years, "{query} {limit}");
    }
}

/// Every article of the example corpus with its sorted sources, built with `configure`d
/// options.
fn sources_by_title(
    index_path: &std::path::Path,
    configure: impl FnOnce(&mut idx::BuildOptions),
) -> Vec<(String, Vec<String>)> {
    let mut options = idx::BuildOptions::new(index_path, vec![corpus()]);
    configure(&mut options);
    idx::build(&options).expect("builds");
    let index = idx::Index::open(index_path).expect("opens");
    let options = idx::SearchOptions {
        limit: 1000,
        facets: Vec::new(),
        ..idx::SearchOptions::default()
    };
    let hits = index.search("*", &options).expect("searches");
    let mut by_title: Vec<(String, Vec<String>)> = hits
        .hits
        .into_iter()
        .map(|hit| {
            let mut sources: Vec<String> = hit
                .sources
                .iter()
                .map(|source| short_source(source))
                .collect();
            sources.sort();
            (hit.title, sources)
        })
        .collect();
    by_title.sort();
    by_title
}

/// A syndicated copy read in a later batch than its first sighting still ends up as one
/// article listing both sources, exactly as when both are read in one batch.
#[test]
fn copies_in_later_batches_join_the_first_article() {
    let dir = temp_dir();
    let one_file_per_batch = sources_by_title(&dir.path().join("one"), |options| {
        options.batch_files = 1;
    });
    assert!(one_file_per_batch
        .iter()
        .any(|(_, sources)| sources.len() >= 2));
    assert_eq!(
        one_file_per_batch,
        sources_by_title(&dir.path().join("default"), |_| {})
    );
}

/// A JSON Lines file read in many small chunks gives the same index as one read whole, and
/// the build report counts its records and bytes once.
#[test]
fn record_files_read_in_chunks_give_the_same_index() {
    let dir = temp_dir();
    let whole = sources_by_title(&dir.path().join("whole"), |_| {});
    let chunked_path = dir.path().join("chunked");
    let chunked = sources_by_title(&chunked_path, |options| {
        options.batch_files = 1;
        options.batch_bytes = 200;
    });
    assert_eq!(chunked, whole);
    let whole_report = idx::build(&idx::BuildOptions::new(
        dir.path().join("whole-again"),
        vec![corpus()],
    ))
    .expect("builds");
    let mut options = idx::BuildOptions::new(dir.path().join("chunked-again"), vec![corpus()]);
    options.batch_files = 1;
    options.batch_bytes = 200;
    let chunked_report = idx::build(&options).expect("builds");
    assert_eq!(chunked_report.articles_read, whole_report.articles_read);
    assert_eq!(chunked_report.bytes_read, whole_report.bytes_read);
    assert_eq!(chunked_report.skipped.len(), whole_report.skipped.len());
}

#[test]
fn actors_come_from_the_corpus_wide_registry() {
    let index = idx::Index::open(example_index()).expect("opens");
    let people = index
        .actors(Some(idx::ActorKind::Person), Some(2))
        .expect("the registry reads");
    assert_eq!(people.len(), 2);
    let lavrov = &people[0];
    assert_eq!(lavrov.name, "Sergei Lavrov");
    assert_eq!(lavrov.kind, idx::ActorKind::Person);
    // Six English articles, three Russian, one Spanish and one German ("Sergei Lawrow").
    assert_eq!(lavrov.articles, 11);
    assert_eq!(lavrov.first_seen.as_deref(), Some("2021-12-21"));
    assert!(
        lavrov.aliases.iter().any(|alias| alias == "Сергей Лавров"),
        "{lavrov:?}"
    );
    // Every article of the actor, whatever the script of the filter.
    let hits = index
        .search("actor:\"сергей лавров\"", &idx::SearchOptions::default())
        .expect("searches");
    assert_eq!(hits.total as u64, lavrov.articles);
    let all = index.actors(None, None).expect("reads");
    assert!(all
        .windows(2)
        .all(|pair| pair[0].articles >= pair[1].articles));
    assert!(all.iter().any(|actor| actor.kind == idx::ActorKind::Place));
}

#[test]
fn actors_of_an_index_without_a_registry_are_computed() {
    // An index built before the registry existed has no registry.json: `actors` computes it.
    let dir = temp_dir();
    let index_path = dir.path().join("index");
    idx::build(&idx::BuildOptions::new(
        &index_path,
        vec![corpus().join("en")],
    ))
    .expect("builds");
    std::fs::remove_file(index_path.join("registry.json")).expect("the build wrote one");
    let index = idx::Index::open(&index_path).expect("opens");
    let places = index
        .actors(Some(idx::ActorKind::Place), None)
        .expect("computed");
    assert!(
        places.iter().any(|place| place.name == "Geneva"),
        "{places:?}"
    );
}

/// A fresh build gathers the registry as it writes; a later build reads it back from the
/// index. Both must describe the same index the same way.
#[test]
fn a_fresh_registry_equals_one_read_back_from_the_index() {
    let dir = temp_dir();
    let index_path = dir.path().join("index");
    let options = idx::BuildOptions::new(&index_path, vec![corpus()]);
    idx::build(&options).expect("fresh build");
    let fresh = std::fs::read(index_path.join("registry.json")).expect("registry written");
    // Staged beside the commit and renamed into place after it: no temp file is left.
    for leftover in [".registry.json.tmp", ".registry-names.tsv.tmp"] {
        assert!(!index_path.join(leftover).exists(), "{leftover} left");
    }
    let report = idx::build(&options).expect("second build");
    assert_eq!(report.articles_added, 0);
    let read_back = std::fs::read(index_path.join("registry.json")).expect("registry written");
    assert!(fresh.len() > 100);
    assert!(fresh == read_back, "the two registries differ");
}

#[test]
fn long_plain_words_queries_find_articles_through_their_best_matches() {
    let dir = temp_dir();
    let corpus_dir = crate::util::feedback_corpus(dir.path());
    let index_dir = dir.path().join("index");
    idx::build(&idx::BuildOptions::new(&index_dir, vec![corpus_dir])).expect("builds");
    let index = idx::Index::open(&index_dir).expect("opens");
    let found =
        |hits: &idx::Hits, name: &str| hits.hits.iter().any(|hit| hit.source.ends_with(name));

    // Six query words: expanded. The fourth article shares none of them, only the words the
    // three best articles have in common.
    let claim = "measles vaccine trial children antibody response";
    let expanded = index
        .search(claim, &idx::SearchOptions::default())
        .expect("searches");
    assert!(
        expanded
            .expanded_with
            .iter()
            .any(|term| term.starts_with("seroconver")),
        "{:?}",
        expanded.expanded_with
    );
    assert!(found(&expanded, "topic3.txt"), "{:?}", expanded.hits);
    // The articles with the query's own words still come first.
    let first_three: Vec<&str> = expanded.hits[..3]
        .iter()
        .map(|hit| hit.source.as_str())
        .collect();
    assert!(
        first_three
            .iter()
            .all(|source| !source.ends_with("topic3.txt")),
        "{first_three:?}"
    );

    let as_written = index
        .search(
            claim,
            &idx::SearchOptions {
                feedback: false,
                ..idx::SearchOptions::default()
            },
        )
        .expect("searches");
    assert!(as_written.expanded_with.is_empty());
    assert!(!found(&as_written, "topic3.txt"));

    // Short keyword queries, phrases and filters mean exactly what they say.
    for exact in [
        "measles vaccine",
        "\"measles vaccine trial\" children antibody response booster",
        "measles vaccine trial children antibody lang:en",
    ] {
        let hits = index
            .search(exact, &idx::SearchOptions::default())
            .expect("searches");
        assert!(
            hits.expanded_with.is_empty(),
            "{exact}: {:?}",
            hits.expanded_with
        );
    }
}

#[test]
fn a_build_without_facts_indexes_the_same_text_with_no_actors() {
    let dir = temp_dir();
    let index_dir = dir.path().join("index");
    let options = idx::BuildOptions {
        facts: false,
        ..idx::BuildOptions::new(&index_dir, vec![corpus()])
    };
    let report = idx::build(&options).expect("builds");
    assert_eq!(report.actors_in_registry, 0);
    let bare = idx::Index::open(&index_dir).expect("opens");
    let full = idx::Index::open(example_index()).expect("opens");
    let options = idx::SearchOptions::default();
    // The same text is searchable, stemmed in the same languages.
    for query in ["\"security guarantees\"", "гарантии", "geneva lang:en"] {
        let (bare_hits, full_hits) = (
            bare.search(query, &options).expect("searches"),
            full.search(query, &options).expect("searches"),
        );
        assert_eq!(bare_hits.total, full_hits.total, "{query}");
    }
    // No facts: name filters find nothing and hits name no one.
    let hits = bare.search("geneva", &options).expect("searches");
    assert!(hits.total > 0);
    assert!(hits
        .hits
        .iter()
        .all(|hit| hit.people.is_empty() && hit.places.is_empty()));
    assert_eq!(
        bare.search("actor:lavrov", &options)
            .expect("searches")
            .total,
        0
    );
    assert!(
        full.search("actor:lavrov", &options)
            .expect("searches")
            .total
            > 0
    );
}

#[test]
fn names_glued_to_numbers_match_their_spaced_and_hyphenated_spellings() {
    let dir = temp_dir();
    let corpus_dir = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus_dir).expect("mkdir");
    let articles = [
        ("glued.txt", "COVID19 cases rise\n\nHospitals reported more COVID19 cases in the north of the country this week."),
        ("hyphen.txt", "IL-6 levels\n\nDoctors measured IL-6 in blood samples taken from patients on the ward."),
        ("other.txt", "Harbour plans\n\nCity officials discussed the harbour plans for the coming year at a meeting."),
    ];
    for (name, text) in articles {
        std::fs::write(corpus_dir.join(name), text).expect("write");
    }
    let index_dir = dir.path().join("index");
    idx::build(&idx::BuildOptions::new(&index_dir, vec![corpus_dir])).expect("builds");
    let index = idx::Index::open(&index_dir).expect("opens");
    let sources = |query: &str| -> Vec<String> {
        let hits = index
            .search(query, &idx::SearchOptions::default())
            .expect("searches");
        hits.hits
            .iter()
            .map(|hit| short_source(&hit.source))
            .collect()
    };
    for (query, expected) in [
        ("covid19", "glued.txt"),
        ("covid-19", "glued.txt"),
        ("\"covid 19 cases\"", "glued.txt"),
        ("il6", "hyphen.txt"),
        ("il-6", "hyphen.txt"),
        ("\"il6 levels\"", "hyphen.txt"),
        // A phrase after mixed words: each moved later words up by its runs once.
        ("\"in the north of the country\"", "glued.txt"),
    ] {
        let found = sources(query);
        assert_eq!(found.len(), 1, "{query}: {found:?}");
        assert!(found[0].ends_with(expected), "{query}: {found:?}");
    }
    // Runs take their own positions: "19" does not sit where "covid" sits.
    assert!(sources("\"covid cases\"").is_empty());
}

/// Indexes built before the names fields dropped their field lengths keep them in their
/// schema: they still open, answer name filters and take incremental builds.
#[test]
fn an_index_whose_names_fields_keep_field_lengths_still_works() {
    let dir = temp_dir();
    let index_path = dir.path().join("index");
    let corpus_dir = corpus().join("en");
    idx::build(&idx::BuildOptions::new(
        &index_path,
        vec![corpus_dir.clone()],
    ))
    .expect("builds");
    let before = idx::Index::open(&index_path)
        .expect("opens")
        .search("place:geneva", &idx::SearchOptions::default())
        .expect("searches")
        .total;
    assert!(before > 0);

    // The schema an older idx wrote: field lengths on every names field.
    let meta_path = index_path.join("meta.json");
    let mut meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).expect("meta")).expect("json");
    let mut n_names_fields = 0;
    for field in meta["schema"].as_array_mut().expect("fields") {
        let indexing = &mut field["options"]["indexing"];
        if indexing["tokenizer"] == "idx_names" {
            indexing["fieldnorms"] = serde_json::Value::Bool(true);
            n_names_fields += 1;
        }
    }
    assert_eq!(n_names_fields, 4);
    std::fs::write(&meta_path, meta.to_string()).expect("written");

    let index = idx::Index::open(&index_path).expect("an older index opens");
    let hits = index
        .search("place:geneva", &idx::SearchOptions::default())
        .expect("searches");
    assert_eq!(hits.total, before);
    drop(index);
    let report = idx::build(&idx::BuildOptions::new(&index_path, vec![corpus_dir]))
        .expect("an incremental build into an older index");
    assert_eq!(report.articles_added, 0);
}
