//! The embedder's side: `idx::build`, `idx::Index::search`, `idx::extract`.

use crate::util::{corpus, example_index, temp_dir};

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
    assert_eq!(lavrov.articles, 10);
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
