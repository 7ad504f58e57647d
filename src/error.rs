//! The library's one error type.
//!
//! User errors (a bad query, a missing index, a schema file that does not parse) are kept apart
//! from internal ones (a tantivy failure we did not expect, a bug), as milli does: the first kind
//! says what to change, the second kind says what broke.

use std::path::PathBuf;

/// Everything that can go wrong in idx, written `idx::Result<T>`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The query string could not be parsed or names something that does not exist.
    #[error("{message} at column {column}")]
    Query {
        /// The whole query as the user typed it.
        query: String,
        /// Byte range of the offending fragment in `query`.
        span: std::ops::Range<usize>,
        /// 1-based character column where the fragment starts.
        column: usize,
        /// What is wrong, lowercase, no trailing period.
        message: String,
        /// How to fix it, when we know (for example the valid field names).
        hint: Option<String>,
    },
    /// There is no index where one was expected.
    #[error("no index at {}; build one with `idx build --index {} DIR`", path.display(), path.display())]
    NoIndex {
        /// The index folder that was looked for.
        path: PathBuf,
    },
    /// The index exists but was built by another schema or format version.
    #[error("the index at {} {reason}; rebuild it with `idx build --rebuild --index {} DIR...`", path.display(), path.display())]
    SchemaMismatch {
        /// The index folder.
        path: PathBuf,
        /// What differs, e.g. "was built with schema version 1, this idx uses version 2".
        reason: String,
    },
    /// Another process holds the index's writer lock (usually another `idx build`).
    #[error("the index at {} is busy: another `idx build` is writing to it", path.display())]
    IndexBusy {
        /// The index folder.
        path: PathBuf,
    },
    /// A schema or name-list file is malformed.
    #[error("{}:{line}: {message}", path.display())]
    Schema {
        /// The file (or `<embedded>/NAME` for the built-in copy).
        path: PathBuf,
        /// 1-based line, 0 when the problem is not tied to a line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The build found nothing it could index.
    #[error("nothing to index: {reason}")]
    NothingIndexed {
        /// Why, e.g. "no .txt, .md, .html, .jsonl or .csv files under corpus/".
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The search engine underneath failed; this is a bug or a damaged index, not a user mistake.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A bug in idx, for example a panic caught while processing one file.
    #[error("internal error: {0}")]
    Internal(String),
}

/// `Result` with idx's [`Error`]; write it `idx::Result<T>`.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// True when the user can fix the problem (bad query, missing index, bad schema file), false
    /// for internal failures.
    pub fn is_user_error(&self) -> bool {
        !matches!(self, Error::Tantivy(_) | Error::Internal(_))
    }

    /// Builds a query error for the fragment `span` of `query`.
    pub(crate) fn query(
        query: &str,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Error {
        let start = span.start.min(query.len());
        let column = query
            .get(..start)
            .map_or(1, |prefix| prefix.chars().count() + 1);
        Error::Query {
            query: query.to_string(),
            span,
            column,
            message: message.into(),
            hint,
        }
    }
}
