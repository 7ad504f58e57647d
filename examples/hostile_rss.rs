//! Generates a big plain-text article and a big JSON Lines file and reads one of them with
//! `ingest::read_source_file`, so peak memory can be measured with `/usr/bin/time -v`.
//!
//! Usage: `hostile_rss generate DIR MEGABYTES` writes `DIR/big.txt` and `DIR/big.jsonl`;
//! `hostile_rss read FILE` reads one and prints what came back.
use idx::ingest;
use std::io::Write;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [command, dir, megabytes] if command == "generate" => {
            let n_bytes: usize = megabytes.parse().unwrap_or(200) * 1024 * 1024;
            let dir = std::path::Path::new(dir);
            std::fs::create_dir_all(dir)?;
            let sentence = "Ferries between Tallinn and Helsinki ran late again on Tuesday. ";
            let mut text = std::io::BufWriter::new(std::fs::File::create(dir.join("big.txt"))?);
            let mut written = 0;
            while written < n_bytes {
                text.write_all(sentence.as_bytes())?;
                written += sentence.len();
            }
            text.flush()?;
            let mut jsonl = std::io::BufWriter::new(std::fs::File::create(dir.join("big.jsonl"))?);
            let mut written = 0;
            let mut record_idx = 0;
            while written < n_bytes {
                let line = format!(
                    "{{\"id\":\"r{record_idx}\",\"title\":\"Record {record_idx}\",\"text\":\"{}\"}}\n",
                    sentence.repeat(30)
                );
                jsonl.write_all(line.as_bytes())?;
                written += line.len();
                record_idx += 1;
            }
            jsonl.flush()?;
        }
        [command, file] if command == "read" => {
            let started = std::time::Instant::now();
            let records = ingest::read_source_file(std::path::Path::new(file));
            let n_text_bytes: usize = records.docs.iter().map(|doc| doc.text.len()).sum();
            println!(
                "{file}: {} records, {} MB of text kept, {} errors, {} warnings, {} MB read, {:?}",
                records.docs.len(),
                n_text_bytes / (1024 * 1024),
                records.errors.len(),
                records.warnings.len(),
                records.n_bytes / (1024 * 1024),
                started.elapsed()
            );
            for problem in records.errors.iter().chain(&records.warnings).take(3) {
                println!("  {problem}");
            }
        }
        _ => eprintln!("usage: hostile_rss generate DIR MEGABYTES | hostile_rss read FILE"),
    }
    Ok(())
}
