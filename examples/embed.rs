//! Embedding idx in another program: build an index of the example corpus in a temp folder,
//! then ask it who said what, where and when.
//!
//! Run with `cargo run --example embed`.

use std::path::Path;

fn main() -> idx::Result<()> {
    // # Build
    //
    // `BuildOptions::new` takes the index folder and the files or folders to read. A second
    // build over the same folders only adds what changed.
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus");
    let scratch = std::env::temp_dir().join(format!("idx-embed-example-{}", std::process::id()));
    let report = idx::build(&idx::BuildOptions::new(&scratch, vec![corpus]))?;
    println!(
        "indexed {} articles; {} skipped",
        report.articles_in_index,
        report.skipped.len()
    );

    // # Search
    //
    // A query string in idx's language; filters and phrases combine freely.
    let index = idx::Index::open(&scratch)?;
    let options = idx::SearchOptions {
        limit: 5,
        ..idx::SearchOptions::default()
    };
    let hits = index.search("\"security guarantees\" actor:lavrov", &options)?;
    println!(
        "{} articles mention security guarantees and Lavrov:",
        hits.total
    );
    for hit in &hits.hits {
        let published = hit.published.as_deref().unwrap_or("undated");
        println!("  {published}  {}  ({})", hit.title, hit.source);
    }

    // # Facets
    //
    // Counted over every match, not only the page of hits.
    if let Some(places) = &hits.facets.place {
        let listed: Vec<String> = places
            .iter()
            .map(|place| format!("{} {}", place.value, place.count))
            .collect();
        println!("places: {}", listed.join(", "));
    }

    std::fs::remove_dir_all(&scratch).ok();
    Ok(())
}
