//! The evaluation of `idx eval`, kept as an example for scripts written before the command:
//! `cargo run --release --example eval_sets [SET...] [--jsonl DIR] [--errors] [--score FILE]`,
//! with the shared folder at `../shared` beside the repository. The sets and their figures
//! are those of `idx eval` (see `idx eval --help`).

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut options = idx::eval_sets::EvalOptions {
        shared: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"),
        sets: Vec::new(),
        jsonl_dir: None,
        show_errors: false,
        score_file: None,
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--jsonl" => options.jsonl_dir = rest.next().map(PathBuf::from),
            "--score" => options.score_file = rest.next().map(PathBuf::from),
            "--errors" => options.show_errors = true,
            set => options.sets.push(set.to_string()),
        }
    }
    let gazetteer = idx::Gazetteer::embedded();
    let summary = idx::eval_sets::run(&options, &gazetteer, &mut std::io::stdout().lock())?;
    if summary.n_scored == 0 {
        return Err("no set could be scored: is ../shared beside the repository?".into());
    }
    Ok(())
}
