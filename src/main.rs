//! The `idx` binary: parses flags, draws progress, prints results and maps outcomes to exit
//! codes. Everything else is in the library.

mod cli;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use cli::{Cli, ColorChoice, Command};
use idx::output::{self, ExtractedArticle, Palette};

#[global_allocator]
static ALLOCATOR: idx::Allocator = idx::Allocator;

/// What a command achieved, for the exit code.
enum Outcome {
    /// Did its work (exit 0).
    Done,
    /// A query found nothing (exit 1).
    NoMatch,
    /// Finished, but the user asked for failure on a condition that held (exit 2).
    Failed,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::NoMatch) => ExitCode::from(1),
        Ok(Outcome::Failed) => ExitCode::from(2),
        Err(error) => {
            // `idx query ... | head` closes the pipe early; that is not an error.
            if error.chain().any(|cause| {
                cause
                    .downcast_ref::<io::Error>()
                    .is_some_and(|io_error| io_error.kind() == io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            print_error(&error);
            ExitCode::from(2)
        }
    }
}

fn print_error(error: &anyhow::Error) {
    let mut stderr = io::stderr().lock();
    if let Some(idx::Error::Query {
        query,
        span,
        message,
        hint,
        column,
    }) = error.downcast_ref::<idx::Error>()
    {
        let _ = writeln!(stderr, "idx: error: {message} at column {column}");
        let _ = writeln!(stderr, "  {query}");
        let start = query
            .get(..span.start)
            .map_or(0, |prefix| prefix.chars().count());
        let width = query
            .get(span.clone())
            .map_or(1, |fragment| fragment.chars().count().max(1));
        let _ = writeln!(stderr, "  {}{}", " ".repeat(start), "^".repeat(width));
        if let Some(hint) = hint {
            let _ = writeln!(stderr, "  {hint}");
        }
        return;
    }
    let _ = writeln!(stderr, "idx: error: {error:#}");
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let palette = Palette::new(use_color(cli.color));
    let mut stdout = io::stdout().lock();
    match cli.command {
        Command::Build(args) => {
            let options = args.build_options();
            let progress = BuildProgress::new(!args.json && io::stderr().is_terminal());
            let report = idx::build_with_progress(&options, &progress)?;
            progress.finish();
            // Buffered: `eprintln!` writes each piece of a line on its own, and a corpus can give
            // thousands of lines. The build is committed: a warning that cannot be written does
            // not fail it.
            let mut stderr = io::BufWriter::new(io::stderr().lock());
            for skipped in &report.skipped {
                let _ = writeln!(stderr, "idx: skipped: {skipped}");
            }
            for warning in &report.warnings {
                let _ = writeln!(stderr, "idx: warning: {warning}");
            }
            let _ = stderr.flush();
            drop(stderr);
            if args.json {
                output::write_json_line(&mut stdout, &report)?;
            } else {
                writeln!(stdout, "{}", output::build_summary(&report))?;
            }
            if args.strict && !report.skipped.is_empty() {
                eprintln!(
                    "idx: error: {} files or records skipped (--strict)",
                    report.skipped.len()
                );
                return Ok(Outcome::Failed);
            }
            Ok(Outcome::Done)
        }
        Command::Query(args) => {
            let options = args.search_options().map_err(anyhow::Error::msg)?;
            let index = idx::Index::open(&args.index.index)?;
            if let Some(batch_file) = &args.batch {
                return run_batch(&index, batch_file, &args, options, &mut stdout);
            }
            let query = args.query.as_deref().unwrap_or_default();
            let hits = index.search(query, &options)?;
            if args.json {
                output::write_json_line(&mut stdout, &hits)?;
            } else {
                output::write_hits(&mut stdout, &hits, options.offset, palette)?;
            }
            stdout.flush()?;
            Ok(if hits.total == 0 {
                Outcome::NoMatch
            } else {
                Outcome::Done
            })
        }
        Command::Stats(args) => {
            let index = idx::Index::open(&args.index.index)?;
            let stats = index.stats(10)?;
            if args.json {
                output::write_json_line(&mut stdout, &stats)?;
            } else {
                output::write_stats(&mut stdout, &stats, palette)?;
            }
            Ok(Outcome::Done)
        }
        Command::Actors(args) => {
            let index = idx::Index::open(&args.index.index)?;
            let actors = index.actors(args.kind.map(cli::KindArg::actor_kind), args.limit)?;
            if args.json {
                for actor in &actors {
                    output::write_json_line(&mut stdout, actor)?;
                }
            } else {
                output::write_actors(&mut stdout, &actors, palette)?;
            }
            stdout.flush()?;
            Ok(if actors.is_empty() {
                Outcome::NoMatch
            } else {
                Outcome::Done
            })
        }
        Command::Eval(args) => {
            let gazetteer = idx::load_gazetteer(args.lists.as_deref())?;
            let summary = idx::eval_sets::run(&args.eval_options(), &gazetteer, &mut stdout)?;
            stdout.flush()?;
            if summary.n_scored == 0 {
                eprintln!(
                    "idx: error: no set could be scored; is {} the shared folder (--shared)?",
                    args.shared.display()
                );
                return Ok(Outcome::Failed);
            }
            Ok(Outcome::Done)
        }
        Command::Extract(args) => {
            let gazetteer = idx::load_gazetteer(args.lists.as_deref())?;
            let mut write_error = None;
            let skipped = idx::extract(&args.paths, &gazetteer, |article| {
                if write_error.is_some() {
                    return;
                }
                if let Err(error) = output::write_json_line(
                    &mut stdout,
                    &ExtractedArticle::new(&article, args.body),
                ) {
                    write_error = Some(error);
                }
            });
            if let Some(error) = write_error {
                return Err(error).context("writing to stdout");
            }
            for problem in &skipped {
                eprintln!("idx: skipped: {problem}");
            }
            Ok(Outcome::Done)
        }
    }
}

/// One query of a batch, as printed in JSON Lines.
#[derive(serde::Serialize)]
struct BatchResult<'a> {
    query_id: &'a str,
    #[serde(flatten)]
    hits: &'a idx::Hits,
}

/// `idx query --batch`: every query of a file, streamed as JSON Lines or a TREC run.
fn run_batch(
    index: &idx::Index,
    batch_file: &std::path::Path,
    args: &cli::QueryArgs,
    mut options: idx::SearchOptions,
    stdout: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let text = std::fs::read_to_string(batch_file)
        .with_context(|| format!("reading {}", batch_file.display()))?;
    if args.trec {
        options.facets.clear();
    }
    let mut n_failed = 0;
    let mut any_hit = false;
    for query in idx::query::read_batch(&text) {
        let query = match query {
            Ok(query) => query,
            Err(error) => {
                eprintln!(
                    "idx: error: {}:{}: {}",
                    batch_file.display(),
                    error.line,
                    error.message
                );
                n_failed += 1;
                continue;
            }
        };
        let hits = match index.search(&query.text, &options) {
            Ok(hits) => hits,
            Err(error) => {
                eprintln!(
                    "idx: error: {}:{}: query {}: {error}",
                    batch_file.display(),
                    query.line,
                    query.id
                );
                n_failed += 1;
                continue;
            }
        };
        any_hit |= hits.total > 0;
        if args.trec {
            output::write_trec(stdout, &query.id, &hits, &args.run_name)?;
        } else {
            output::write_json_line(
                stdout,
                &BatchResult {
                    query_id: &query.id,
                    hits: &hits,
                },
            )?;
        }
    }
    stdout.flush()?;
    Ok(if n_failed > 0 {
        Outcome::Failed
    } else if any_hit {
        Outcome::Done
    } else {
        Outcome::NoMatch
    })
}

/// Draws the build's progress on stderr when it is a terminal.
struct BuildProgress {
    bar: Option<indicatif::ProgressBar>,
    n_articles: std::sync::atomic::AtomicU64,
}

impl BuildProgress {
    fn new(visible: bool) -> Self {
        let bar = visible.then(|| {
            let bar = indicatif::ProgressBar::new(0);
            let style = indicatif::ProgressStyle::with_template(
                "{msg:>10} [{bar:30}] {bytes}/{total_bytes} ({binary_bytes_per_sec}) {prefix}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar
        });
        BuildProgress {
            bar,
            n_articles: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl idx::Progress for BuildProgress {
    fn stage(&self, stage: idx::BuildStage, _n_files: u64, n_bytes: u64) {
        if let Some(bar) = &self.bar {
            let name = match stage {
                idx::BuildStage::Discovering => "finding",
                idx::BuildStage::Indexing => "indexing",
                idx::BuildStage::Reconciling => "sources",
                idx::BuildStage::Committing => "committing",
                idx::BuildStage::Registering => "actors",
            };
            bar.set_message(name);
            if n_bytes > 0 {
                bar.set_length(n_bytes);
            }
        }
    }

    fn file_done(&self, n_bytes: u64, n_articles: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n_bytes);
            let so_far = self
                .n_articles
                .fetch_add(n_articles, std::sync::atomic::Ordering::Relaxed)
                + n_articles;
            bar.set_prefix(format!("{so_far} articles"));
        }
    }
}
