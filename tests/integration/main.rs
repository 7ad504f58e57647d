//! All integration tests, built as one binary (one link step): the user's side through the
//! `idx` command, the embedder's side through the library.

mod cli_actors;
mod cli_build;
mod cli_eval;
mod cli_query;
mod crash;
mod fuzz;
mod hostile;
mod library;
mod regression;
mod shared_data;
mod util;
