//! Command-line flags (clap derive) and their conversion into the library's options. Like
//! ripgrep's `LowArgs`, these structs only hold what the user typed; `main.rs` acts on them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A search engine for news archives: one binary, no server, exact answers, clean facts.
#[derive(Debug, Parser)]
#[command(name = "idx", version, about, long_about = None, after_long_help = EXIT_CODES, args_override_self = true)]
pub struct Cli {
    /// When to colour output: auto (a terminal, and NO_COLOR unset), always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

const EXIT_CODES: &str = "\
Exit status:
  0  the command did its work (for query: at least one hit)
  1  query: no article matched; actors: the index has no actor of that kind
  2  an error: bad usage, a malformed query, a missing index, a build that indexed nothing,
     eval with no gold set found, or (build --strict) a skipped file";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index folders of news articles (.txt .md .html .jsonl .csv, gzipped or not).
    #[command(after_long_help = BUILD_EXAMPLES)]
    Build(BuildArgs),
    /// Search an index.
    #[command(after_long_help = QUERY_EXAMPLES)]
    Query(QueryArgs),
    /// Summarise an index: articles, languages, dates, top actors and places, size.
    Stats(StatsArgs),
    /// Print the facts idx finds in articles (JSON Lines), without indexing.
    Extract(ExtractArgs),
    /// List the canonical actors and places of the whole index, with every spelling seen.
    #[command(after_long_help = ACTORS_EXAMPLES)]
    Actors(ActorsArgs),
    /// Score the extracted facts against the gold sets of the shared data (F1 per kind).
    #[command(after_long_help = EVAL_EXAMPLES)]
    Eval(EvalArgs),
}

const EVAL_EXAMPLES: &str = "\
Examples:
  idx eval                          # the seeds and every dev set found under ../shared
  idx eval seeds conll --errors     # two sets, with every missed and spurious entity
  idx eval conll --jsonl out/       # also write the predictions as idx extract JSON Lines
  idx eval conll --score out/conll.jsonl

Sets: seeds (../shared/seeds/gold.json), conll (CoNLL-2003 English dev), factru
(factRuEval-2016 dev), ronec (RONEC valid), conll2002 (CoNLL-2002 Spanish dev), gnad (80
hand-annotated German articles of 10kGNAD, scored as the seeds), html (article text of saved
pages), speed (idx build of news-articles-en with and without facts,
best of 3: the enrichment slowdown); all runs these. The sets used to find rules run only when
named: conll-train, ronec-test, conll2002-train. A set whose file is absent is skipped with
a line saying so. The figures equal those of the reference scorers in ../shared/eval on
the same output (--jsonl writes it).

Exit status: 0 when at least one set was scored, 2 when none could be (or on error).";

const ACTORS_EXAMPLES: &str = "\
Examples:
  idx actors --limit 20
  idx actors --kind person --json | head
  idx actors --kind place

Each line is one canonical actor or place of the corpus: the number of articles naming it,
its kind, its canonical name, the first and last publication dates seen, and every other
spelling seen across the corpus. Spellings are merged across articles on evidence only:
the name lists, a transliteration (\"Сергей Лавров\" is Sergei Lavrov), a surname with a
compatible given name, or, for a misspelt surname, other actors and places the articles
share. `actor:`, `person:`, `org:` and `place:` queries use the same merging.

Exit status: 0 when something was listed, 1 when the index has no actor of that kind, 2 on
error.";

const BUILD_EXAMPLES: &str = "\
Examples:
  idx build examples/corpus
  idx build --index ~/news-index archive/2022 feeds/wire.jsonl.gz
  idx build --rebuild --json corpus/ > report.json

Building again over the same folders adds only new and changed articles; identical texts
are stored once with all their sources. A file that cannot be read is named on stderr and
skipped; the rest is indexed.

Exit status: 0 when the index was committed, 2 when nothing could be indexed (or, with
--strict, when any file or record was skipped).";

const QUERY_EXAMPLES: &str = "\
Examples:
  idx query \"security guarantees\"
  idx query '\"security guarantees\" actor:lavrov published:[2022-01-01 TO 2022-02-15]'
  idx query 'blingen~1 OR place:geneva -lang:ru' --facets actor,place --json
  idx query --batch queries.jsonl --words --trec --limit 100 > run.trec

Syntax: words (ranked by BM25), \"exact phrase\", AND / OR / NOT, +required, -excluded,
(grouping), term~1 or term~2 (fuzzy), prefix*, and filters actor: person: org: place:
lang: published: date: source: title:. Dates: 2022-02-15, 2022-02, 2022, or
[2022-01-01 TO 2022-02-15] (either end may be *).

Exit status: 0 with hits, 1 with none (--json still prints its object), 2 on error.";

/// Where the index lives, shared by every subcommand that uses one.
#[derive(Debug, Args)]
pub struct IndexArg {
    /// Index folder [default: $IDX_INDEX, else ./idx-index].
    #[arg(long, env = "IDX_INDEX", default_value = "idx-index")]
    pub index: PathBuf,
}

/// `idx build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Files and folders to index (folders are walked recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub index: IndexArg,
    /// Start from an empty index instead of adding to the existing one.
    #[arg(long)]
    pub rebuild: bool,
    /// Use this schema declaration instead of the embedded index-schema/schema.json.
    ///
    /// Name lists (places.tsv, actors.tsv, ...) in the same folder override the embedded
    /// ones too.
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    /// Exit with status 2 if any file or record was skipped.
    #[arg(long)]
    pub strict: bool,
    /// Print the build report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// How hits are ordered.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortArg {
    /// Best match first.
    Relevance,
    /// Newest first.
    Date,
}

/// `idx query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The query (quote it in the shell).
    #[arg(required_unless_present = "batch")]
    pub query: Option<String>,
    /// Run every query in FILE: one per line, or BEIR queries.jsonl lines ({"_id", "text"}).
    ///
    /// Prints JSON Lines, one object per query as it finishes (the --json object plus
    /// "query_id"), or a TREC run with --trec. A query that fails to parse is reported on
    /// stderr with its id and the others still run.
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    pub batch: Option<PathBuf>,
    /// With --batch: print a TREC run file (qid Q0 docid rank score run) instead of JSON.
    ///
    /// docid is the record's own id (JSONL "id"/"_id", CSV "article_id") when it has one,
    /// else its source.
    #[arg(long, requires = "batch")]
    pub trec: bool,
    /// Name of the run in --trec output.
    #[arg(long, default_value = "idx", requires = "trec")]
    pub run_name: String,
    /// Read queries as plain words: no operators, quotes or filters.
    #[arg(long)]
    pub words: bool,
    /// Run long plain-words queries as written, without adding the words of their best
    /// articles (pseudo-relevance feedback; queries under five words never get them).
    #[arg(long)]
    pub no_feedback: bool,
    #[command(flatten)]
    pub index: IndexArg,
    /// Hits to show.
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    /// Hits to skip (for paging).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Order of hits.
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
    /// Facets to count over all matches: any of actor, place, lang, year; "none" for none.
    #[arg(long, value_delimiter = ',', default_value = "actor,place,lang,year")]
    pub facets: Vec<String>,
    /// Print one JSON object (query, total, took_ms, hits, facets).
    #[arg(long)]
    pub json: bool,
}

/// `idx stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub index: IndexArg,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `idx extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Files and folders to read.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print JSON Lines (the only format; accepted for symmetry with the other commands).
    #[arg(long)]
    pub json: bool,
    /// Add the cleaned article text to each object as "body".
    #[arg(long)]
    pub body: bool,
    /// Folder with name lists overriding the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub lists: Option<PathBuf>,
}

/// `idx eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Sets to score [default: all].
    #[arg(value_parser = clap::builder::PossibleValuesParser::new(idx::eval_sets::SET_NAMES))]
    pub sets: Vec<String>,
    /// The shared folder holding seeds/ and data/.
    #[arg(
        long,
        env = "IDX_SHARED",
        value_name = "DIR",
        default_value = "../shared"
    )]
    pub shared: PathBuf,
    /// Also write each set's predictions as idx extract JSON Lines, DIR/<set>.jsonl.
    #[arg(long, value_name = "DIR")]
    pub jsonl: Option<PathBuf>,
    /// List every missed and spurious entity under its table.
    #[arg(long)]
    pub errors: bool,
    /// Score this idx extract output against the one set named, instead of extracting.
    #[arg(long, value_name = "FILE")]
    pub score: Option<PathBuf>,
    /// Folder with name lists overriding the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub lists: Option<PathBuf>,
}

impl EvalArgs {
    /// The library's options for these flags.
    pub fn eval_options(&self) -> idx::eval_sets::EvalOptions {
        idx::eval_sets::EvalOptions {
            shared: self.shared.clone(),
            sets: self.sets.clone(),
            jsonl_dir: self.jsonl.clone(),
            show_errors: self.errors,
            score_file: self.score.clone(),
        }
    }
}

/// `idx actors`.
#[derive(Debug, Args)]
pub struct ActorsArgs {
    #[command(flatten)]
    pub index: IndexArg,
    /// Only this kind: person, organization or place.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Print at most N entries (the most frequent).
    #[arg(long, short = 'n', value_name = "N")]
    pub limit: Option<usize>,
    /// Print JSON Lines: one object per actor (name, kind, aliases, articles, first_seen,
    /// last_seen).
    #[arg(long)]
    pub json: bool,
}

/// `idx actors --kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// People.
    Person,
    /// Organisations.
    Organization,
    /// Places.
    Place,
}

impl KindArg {
    /// The library's kind.
    pub fn actor_kind(self) -> idx::ActorKind {
        match self {
            KindArg::Person => idx::ActorKind::Person,
            KindArg::Organization => idx::ActorKind::Organization,
            KindArg::Place => idx::ActorKind::Place,
        }
    }
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is unset or empty.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl QueryArgs {
    /// The library's search options for these flags.
    pub fn search_options(&self) -> Result<idx::SearchOptions, String> {
        let mut facets = Vec::new();
        for name in &self.facets {
            if name.trim().is_empty() || name.trim() == "none" {
                continue;
            }
            match idx::FacetKind::from_name(name) {
                Some(kind) if !facets.contains(&kind) => facets.push(kind),
                Some(_) => {}
                None => {
                    return Err(format!(
                        "unknown facet '{name}' (facets: actor, place, lang, year, none)"
                    ))
                }
            }
        }
        Ok(idx::SearchOptions {
            limit: self.limit,
            offset: self.offset,
            sort: match self.sort {
                SortArg::Relevance => idx::SortOrder::Relevance,
                SortArg::Date => idx::SortOrder::Date,
            },
            facets,
            syntax: if self.words {
                idx::QuerySyntax::Words
            } else {
                idx::QuerySyntax::Full
            },
            feedback: !self.no_feedback,
            ..idx::SearchOptions::default()
        })
    }
}

impl BuildArgs {
    /// The library's build options for these flags.
    pub fn build_options(&self) -> idx::BuildOptions {
        let mut options = idx::BuildOptions::new(&self.index.index, self.paths.clone());
        options.rebuild = self.rebuild;
        if let Some(schema_file) = &self.schema {
            options.schema = idx::SchemaSource::File(schema_file.clone());
            options.lists_dir = schema_file.parent().map(PathBuf::from);
        }
        options
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn facets_flag_parses_names_and_none() {
        let cli = Cli::parse_from(["idx", "query", "x", "--facets", "place,lang"]);
        let Command::Query(args) = cli.command else {
            panic!("expected query");
        };
        let options = args.search_options().expect("valid");
        assert_eq!(
            options.facets,
            vec![idx::FacetKind::Place, idx::FacetKind::Lang]
        );
        let cli = Cli::parse_from(["idx", "query", "x", "--facets", "none"]);
        let Command::Query(args) = cli.command else {
            panic!("expected query");
        };
        assert!(args.search_options().expect("valid").facets.is_empty());
        let cli = Cli::parse_from(["idx", "query", "x", "--facets", "actr"]);
        let Command::Query(args) = cli.command else {
            panic!("expected query");
        };
        assert!(args
            .search_options()
            .expect_err("invalid")
            .contains("unknown facet 'actr'"));
    }

    #[test]
    fn actors_flags_parse() {
        let cli = Cli::parse_from(["idx", "actors", "--kind", "place", "-n", "5", "--json"]);
        let Command::Actors(args) = cli.command else {
            panic!("expected actors");
        };
        assert_eq!(
            args.kind.map(KindArg::actor_kind),
            Some(idx::ActorKind::Place)
        );
        assert_eq!(args.limit, Some(5));
        assert!(args.json);
        assert!(Cli::try_parse_from(["idx", "actors", "--kind", "robot"]).is_err());
    }
}
