//! Finds source files and splits them into records.
//!
//! This module owns walking the corpus paths, choosing a format from the file name
//! (`.txt`, `.md`, `.html`, `.jsonl`, `.csv`, each optionally gzipped), gunzipping,
//! decoding bytes to UTF-8, and splitting JSON Lines and CSV files into one record per
//! article. It is the only module that reads corpus files. It does not judge the text:
//! HTML stays raw and dates stay as written; `clean` turns a [`SourceDoc`] into an article.
//!
//! Problems are reported as [`IngestError`] values next to the records that could be read.
//! Nothing here is fatal and nothing here prints.

use std::collections::BTreeSet;
use std::fmt;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

/// Where a record came from: its source file and, for multi-record files, its line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct SourceRef {
    /// The source file, as it was given or found by the walk (not canonicalised).
    pub path: PathBuf,
    /// The 1-based line where the record starts; `None` for single-article files.
    pub line: Option<u64>,
    /// The record's own identifier (`id`, `_id` or `article_id`) when it has one.
    pub record_id: Option<String>,
}

impl SourceRef {
    /// "path" for single-article files, "path:LINE" for JSONL/CSV records (1-based line where
    /// the record starts). The path is shown as given, not canonicalised.
    pub fn display(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{}", self.path.display(), line),
            None => self.path.display().to_string(),
        }
    }
}

/// The layout of a source file, chosen from its file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Format {
    /// Plain text (`.txt`): one article, the first line usually being its title.
    Text,
    /// Markdown (`.md`, `.markdown`): one article, read as plain text.
    Markdown,
    /// HTML (`.html`, `.htm`, `.xhtml`): one web page holding one article.
    Html,
    /// JSON Lines (`.jsonl`, `.ndjson`): one article object per line.
    Jsonl,
    /// CSV with a header row (`.csv`): one article per row.
    Csv,
}

impl Format {
    /// Chooses the format from the file name, ignoring case and a trailing `.gz`
    /// (`a.jsonl.gz` is JSON Lines). Returns `None` for names idx does not read.
    pub fn from_path(path: &Path) -> Option<Format> {
        let file_name = path.file_name()?.to_string_lossy().to_lowercase();
        let without_gzip = file_name.strip_suffix(".gz").unwrap_or(&file_name);
        let (stem, extension) = without_gzip.rsplit_once('.')?;
        // A name like ".txt" is a hidden file with no extension, not a text file named "".
        if stem.is_empty() {
            return None;
        }
        match extension {
            "txt" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// One record as read from a source file, before cleaning.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceDoc {
    /// Where the record came from.
    pub source: SourceRef,
    /// The format of the source file.
    pub format: Format,
    /// The article's URL, when the record gives one.
    pub url: Option<String>,
    /// The article's title, when the record gives one in a field of its own.
    pub title: Option<String>,
    /// Article text; raw HTML when format == Html (clean extracts it).
    pub text: String,
    /// Publication date exactly as the record gives it (field or none); clean parses it.
    pub published_raw: Option<String>,
    /// Language declared by the record, if any.
    pub language: Option<String>,
    /// Size in bytes of the decoded text this record came from (for throughput figures).
    pub n_bytes: u64,
}

/// A file or record that could not be read; reported, never fatal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IngestError {
    /// The source file (or walked path) with the problem.
    pub path: PathBuf,
    /// The 1-based line of the bad record, when the problem is in one record.
    pub line: Option<u64>,
    /// What went wrong: lowercase, no trailing period.
    pub reason: String,
}

impl IngestError {
    fn new(path: &Path, line: Option<u64>, reason: impl Into<String>) -> IngestError {
        IngestError {
            path: path.to_path_buf(),
            line,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for IngestError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(
                formatter,
                "{}:{}: {}",
                self.path.display(),
                line,
                self.reason
            ),
            None => write!(formatter, "{}: {}", self.path.display(), self.reason),
        }
    }
}

impl std::error::Error for IngestError {}

/// All the records of one source file, plus the problems met in it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileRecords {
    /// The records that could be read, in file order.
    pub docs: Vec<SourceDoc>,
    /// The problems met: one per bad record, or one for the whole file.
    pub errors: Vec<IngestError>,
    /// Problems that did not cost a record: a single article cut at the size limit, records
    /// that were not UTF-8. The build reports them as warnings, not as skipped records.
    pub warnings: Vec<IngestError>,
    /// Size in bytes of the file's decoded text (0 when it could not be decoded).
    pub n_bytes: u64,
}

impl FileRecords {
    fn failed(error: IngestError) -> FileRecords {
        FileRecords {
            docs: Vec::new(),
            errors: vec![error],
            warnings: Vec::new(),
            n_bytes: 0,
        }
    }
}

/// Walks each path (file or folder, recursively, following symlinks but reporting loops as errors, not hanging), keeps files whose Format is known, returns them sorted and deduplicated, plus errors for unreadable entries / missing paths. Hidden files and dirs (starting with '.') are skipped inside folders.
///
/// A file named explicitly whose format is unknown is reported as an error rather than
/// skipped silently, because the user asked for it by name.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<IngestError>) {
    let mut found_files = BTreeSet::new();
    let mut errors = Vec::new();
    for root in paths {
        let metadata = match std::fs::metadata(root) {
            Ok(metadata) => metadata,
            Err(io_error) => {
                errors.push(IngestError::new(root, None, describe_io_error(&io_error)));
                continue;
            }
        };
        if !metadata.is_dir() {
            if Format::from_path(root).is_some() {
                found_files.insert(root.clone());
            } else {
                errors.push(IngestError::new(
                    root,
                    None,
                    "unknown format (expected .txt, .md, .html, .jsonl, .ndjson or .csv, optionally .gz)",
                ));
            }
            continue;
        }
        // walkdir detects symlink loops itself and reports them as one error for the looping entry.
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .into_iter()
            .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
        for entry in walker {
            match entry {
                Ok(entry) => {
                    if entry.file_type().is_file() && Format::from_path(entry.path()).is_some() {
                        found_files.insert(entry.into_path());
                    }
                }
                Err(walk_error) => errors.push(describe_walk_error(root, &walk_error)),
            }
        }
    }
    (found_files.into_iter().collect(), errors)
}

fn is_hidden(file_name: &std::ffi::OsStr) -> bool {
    file_name.to_string_lossy().starts_with('.')
}

fn describe_walk_error(root: &Path, walk_error: &walkdir::Error) -> IngestError {
    let path = walk_error.path().unwrap_or(root);
    let reason = if let Some(ancestor) = walk_error.loop_ancestor() {
        format!(
            "symlink loop: points back to {}, not followed",
            ancestor.display()
        )
    } else if let Some(io_error) = walk_error.io_error() {
        describe_io_error(io_error)
    } else {
        lowercase_first(&walk_error.to_string())
    };
    IngestError::new(path, None, reason)
}

fn describe_io_error(io_error: &std::io::Error) -> String {
    match io_error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => lowercase_first(&io_error.to_string()),
    }
}

fn lowercase_first(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Size limits that keep reading one hostile file within bounded memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Largest single-article file (`.txt`, `.md`, `.html`) read, in bytes after gunzipping;
    /// the rest is left out and a warning says so.
    pub max_article_bytes: u64,
    /// Longest JSON Lines line or CSV line accepted, in bytes. A longer JSON line is skipped
    /// with an error without ever being held whole; a longer CSV line stops the file, because
    /// a CSV reader cannot find the next record reliably after it.
    pub max_record_bytes: u64,
}

impl Default for ReadLimits {
    fn default() -> ReadLimits {
        ReadLimits {
            max_article_bytes: 32 * 1024 * 1024,
            max_record_bytes: 16 * 1024 * 1024,
        }
    }
}

/// Reads one file with the default [`ReadLimits`]. Never panics; an unreadable file gives
/// `docs = []` and one error.
///
/// The file is streamed: JSON Lines and CSV record by record, single articles up to
/// [`ReadLimits::max_article_bytes`], so memory stays bounded by the records kept plus one
/// record, whatever the file holds.
pub fn read_source_file(path: &Path) -> FileRecords {
    read_source_file_with_limits(path, &ReadLimits::default())
}

/// [`read_source_file`] with explicit limits.
pub fn read_source_file_with_limits(path: &Path, limits: &ReadLimits) -> FileRecords {
    guard_panics(path, || match std::fs::File::open(path) {
        Ok(file) => read_source_stream(path, file, limits, Chunks::whole()),
        Err(io_error) => {
            FileRecords::failed(IngestError::new(path, None, describe_io_error(&io_error)))
        }
    })
}

/// Reads one file like [`read_source_file_with_limits`], handing its records to `on_chunk`
/// in file order as soon as about `chunk_bytes` of text have been read (JSON Lines and CSV;
/// a single-article file is one chunk), so that a multi-gigabyte dump is never held whole.
/// The last chunk is returned rather than handed on; every chunk's `n_bytes` counts its own
/// part of the file, and the file's problems are reported in the chunk where they were met.
pub fn read_source_file_in_chunks(
    path: &Path,
    limits: &ReadLimits,
    chunk_bytes: u64,
    on_chunk: &mut dyn FnMut(FileRecords),
) -> FileRecords {
    read_source_file_in_parts(path, limits, chunk_bytes, chunk_bytes, &mut |records, _| {
        on_chunk(records)
    })
}

/// [`read_source_file_in_chunks`] in finer steps: records are handed to `on_part` as soon as
/// about `part_bytes` of text have been read, with `true` when the part ends a chunk. The
/// chunks end where [`read_source_file_in_chunks`] ends them, whatever `part_bytes` is, so
/// that a caller who starts on the first part of a chunk while the rest is read can still
/// treat the chunk as one. The returned rest of the file ends the last chunk.
pub fn read_source_file_in_parts(
    path: &Path,
    limits: &ReadLimits,
    chunk_bytes: u64,
    part_bytes: u64,
    on_part: &mut dyn FnMut(FileRecords, bool),
) -> FileRecords {
    let chunks = Chunks {
        chunk_bytes,
        part_bytes: part_bytes.min(chunk_bytes),
        n_chunk_bytes_handed_on: 0,
        on_part: Some(on_part),
    };
    guard_panics(path, || match std::fs::File::open(path) {
        Ok(file) => read_source_stream(path, file, limits, chunks),
        Err(io_error) => {
            FileRecords::failed(IngestError::new(path, None, describe_io_error(&io_error)))
        }
    })
}

/// Where records go when a file is read in chunks (and parts of chunks).
struct Chunks<'a> {
    chunk_bytes: u64,
    part_bytes: u64,
    /// Bytes handed on in earlier parts of the current chunk.
    n_chunk_bytes_handed_on: u64,
    on_part: Option<&'a mut dyn FnMut(FileRecords, bool)>,
}

impl Chunks<'_> {
    /// Never hands anything on: the whole file comes back as one [`FileRecords`].
    fn whole() -> Chunks<'static> {
        Chunks {
            chunk_bytes: u64::MAX,
            part_bytes: u64::MAX,
            n_chunk_bytes_handed_on: 0,
            on_part: None,
        }
    }

    /// Hands `records` on when they hold at least a part's worth of bytes (`n_bytes`, the
    /// bytes read since the last part), or when the chunk is full; says whether it did.
    fn hand_on_if_full(&mut self, records: &mut FileRecords, n_bytes: u64) -> bool {
        let n_chunk_bytes = self.n_chunk_bytes_handed_on.saturating_add(n_bytes);
        let ends_chunk = n_chunk_bytes >= self.chunk_bytes;
        if !ends_chunk && n_bytes < self.part_bytes {
            return false;
        }
        let Some(on_part) = self.on_part.as_mut() else {
            return false;
        };
        records.n_bytes = n_bytes;
        on_part(std::mem::take(records), ends_chunk);
        self.n_chunk_bytes_handed_on = if ends_chunk { 0 } else { n_chunk_bytes };
        true
    }
}

/// Same from bytes already in memory (used by tests and by embedders); `path` only names the source.
///
/// The format comes from `path`'s name. A bug that panics on one file's content is caught
/// and reported as an error for that file, so one odd file never stops a build.
pub fn read_source_bytes(path: &Path, bytes: &[u8]) -> FileRecords {
    read_source_bytes_with_limits(path, bytes, &ReadLimits::default())
}

/// [`read_source_bytes`] with explicit limits.
pub fn read_source_bytes_with_limits(
    path: &Path,
    bytes: &[u8],
    limits: &ReadLimits,
) -> FileRecords {
    guard_panics(path, || {
        read_source_stream(path, bytes, limits, Chunks::whole())
    })
}

fn guard_panics(path: &Path, read: impl FnOnce() -> FileRecords) -> FileRecords {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    outcome.unwrap_or_else(|_| {
        FileRecords::failed(IngestError::new(
            path,
            None,
            "internal error: reading this file panicked (a bug in idx; the file was skipped)",
        ))
    })
}

/// Buffer size for reading source files; also how much is sniffed for binary content.
const READ_BUFFER_BYTES: usize = 64 * 1024;

fn read_source_stream(
    path: &Path,
    raw: impl Read,
    limits: &ReadLimits,
    chunks: Chunks<'_>,
) -> FileRecords {
    let Some(format) = Format::from_path(path) else {
        return FileRecords::failed(IngestError::new(path, None, "unknown format"));
    };
    let is_gzipped = path
        .file_name()
        .is_some_and(|name| name.to_string_lossy().to_lowercase().ends_with(".gz"));
    // MultiGzDecoder because `cat a.gz b.gz` is a valid gzip file holding both members. The
    // decoder streams, so a gzip bomb meets the same limits as a plain file.
    let plain: Box<dyn Read + '_> = if is_gzipped {
        Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(
            raw,
        )))
    } else {
        Box::new(raw)
    };
    let mut reader = std::io::BufReader::with_capacity(READ_BUFFER_BYTES, plain);
    let head = match reader.fill_buf() {
        Ok(head) => head,
        Err(io_error) => {
            let reason = describe_read_error(&io_error, is_gzipped);
            return FileRecords::failed(IngestError::new(path, None, reason));
        }
    };
    if head.is_empty() {
        return FileRecords::failed(IngestError::new(path, None, "empty file"));
    }
    let has_bom = encoding_rs::Encoding::for_bom(head).is_some();
    // UTF-16 without a BOM is not supported, so NUL bytes here mean a binary file.
    if !has_bom && head.contains(&0) {
        return FileRecords::failed(IngestError::new(path, None, "binary file, not text"));
    }
    let is_utf16 = encoding_rs::Encoding::for_bom(head)
        .is_some_and(|(encoding, _)| encoding != encoding_rs::UTF_8);
    match format {
        Format::Text | Format::Markdown | Format::Html => {
            read_single_article(path, format, reader, limits, is_gzipped)
        }
        // UTF-16 record files are rare; they are decoded whole (up to the article limit) and
        // then split, since their line breaks are not single bytes.
        Format::Jsonl | Format::Csv if is_utf16 => {
            let whole = read_single_article(path, format, reader, limits, is_gzipped);
            let Some(doc) = whole.docs.into_iter().next() else {
                return FileRecords {
                    docs: Vec::new(),
                    errors: whole.errors,
                    warnings: whole.warnings,
                    n_bytes: 0,
                };
            };
            let mut records = if format == Format::Jsonl {
                read_jsonl_records(path, doc.text.as_bytes(), limits, chunks)
            } else {
                read_csv_records(path, doc.text.as_bytes(), limits, chunks)
            };
            records.warnings.extend(whole.warnings);
            records
        }
        Format::Jsonl => read_jsonl_records(path, reader, limits, chunks),
        Format::Csv => read_csv_records(path, reader, limits, chunks),
    }
}

fn describe_read_error(io_error: &std::io::Error, is_gzipped: bool) -> String {
    let is_gzip_error = is_gzipped
        && matches!(
            io_error.kind(),
            std::io::ErrorKind::InvalidInput
                | std::io::ErrorKind::InvalidData
                | std::io::ErrorKind::UnexpectedEof
        );
    if is_gzip_error {
        format!(
            "corrupt gzip data: {}",
            lowercase_first(&io_error.to_string())
        )
    } else {
        describe_io_error(io_error)
    }
}

/// How many leading bytes are searched for an HTML charset declaration.
const SNIFF_LEN: usize = 8 * 1024;

/// Decodes a file's bytes to UTF-8: a BOM wins, then valid UTF-8, then the charset an HTML
/// page declares, then Windows-1252 (a superset of Latin-1's printable range), which never
/// fails, so old Western European files read with their accents intact.
fn decode_text(bytes: Vec<u8>, format: Format, was_cut: bool) -> String {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, _had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return text.into_owned();
    }
    // Valid UTF-8 becomes the String without a copy, which halves peak memory on big files.
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return text,
        Err(not_utf8) => not_utf8.into_bytes(),
    };
    // A file cut at the size limit may end inside a character; the rest is UTF-8 and must
    // not be re-read as Windows-1252 for that. (An uncut file ending so is not UTF-8.)
    if let Err(utf8_error) = std::str::from_utf8(&bytes) {
        if was_cut && utf8_error.error_len().is_none() {
            return String::from_utf8_lossy(&bytes[..utf8_error.valid_up_to()]).into_owned();
        }
    }
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    let declared = if format == Format::Html {
        declared_html_charset(head)
    } else {
        None
    };
    let encoding = declared.unwrap_or(encoding_rs::WINDOWS_1252);
    let (text, _had_errors) = encoding.decode_without_bom_handling(&bytes);
    text.into_owned()
}

/// Decodes one record's bytes: UTF-8 when valid, else Windows-1252. Deciding per record lets a
/// file that mixes encodings (records appended by different tools) keep every record readable.
fn decode_record(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, bool) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (std::borrow::Cow::Borrowed(text), true),
        Err(_) => {
            let (text, _had_errors) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text, false)
        }
    }
}

/// Finds `charset=NAME` in the head of an HTML page, for pages that are not UTF-8.
fn declared_html_charset(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let lowered = head.to_ascii_lowercase();
    let marker = b"charset=";
    let start = lowered
        .windows(marker.len())
        .position(|window| window == marker)?
        + marker.len();
    let label: Vec<u8> = lowered[start..]
        .iter()
        .skip_while(|byte| matches!(byte, b'"' | b'\'' | b' '))
        .take_while(|byte| {
            byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b':' | b'.')
        })
        .copied()
        .collect();
    let encoding = encoding_rs::Encoding::for_label(&label)?;
    // A page that declares UTF-8 but is not valid UTF-8 is better read as Windows-1252.
    (encoding != encoding_rs::UTF_8).then_some(encoding)
}

/// A size for messages about limits: whole megabytes from 1 MB up, bytes below.
fn describe_size(n_bytes: u64) -> String {
    const MEGABYTE: u64 = 1024 * 1024;
    if n_bytes >= MEGABYTE {
        format!("{} MB", n_bytes / MEGABYTE)
    } else {
        format!("{n_bytes} bytes")
    }
}

fn read_single_article(
    path: &Path,
    format: Format,
    reader: impl Read,
    limits: &ReadLimits,
    is_gzipped: bool,
) -> FileRecords {
    let mut bytes = Vec::new();
    // One byte past the limit tells a file of exactly the limit from a longer one.
    let mut limited = reader.take(limits.max_article_bytes.saturating_add(1));
    if let Err(io_error) = limited.read_to_end(&mut bytes) {
        let reason = describe_read_error(&io_error, is_gzipped);
        return FileRecords::failed(IngestError::new(path, None, reason));
    }
    let mut warnings = Vec::new();
    let was_cut = bytes.len() as u64 > limits.max_article_bytes;
    if was_cut {
        bytes.truncate(usize::try_from(limits.max_article_bytes).unwrap_or(usize::MAX));
        warnings.push(IngestError::new(
            path,
            None,
            format!(
                "file is larger than {}; only its first {} were read",
                describe_size(limits.max_article_bytes),
                describe_size(limits.max_article_bytes)
            ),
        ));
    }
    let text = decode_text(bytes, format, was_cut);
    if text.trim().is_empty() {
        return FileRecords::failed(IngestError::new(path, None, "file holds only whitespace"));
    }
    let n_bytes = text.len() as u64;
    let doc = SourceDoc {
        source: SourceRef {
            path: path.to_path_buf(),
            line: None,
            record_id: None,
        },
        format,
        url: None,
        title: None,
        text,
        published_raw: None,
        language: None,
        n_bytes,
    };
    FileRecords {
        docs: vec![doc],
        errors: Vec::new(),
        warnings,
        n_bytes,
    }
}

/// What [`read_capped_line`] found.
enum CappedLine {
    /// A line is in the buffer, without its `\n`.
    Line,
    /// The line was longer than the limit; it was read past, not kept. Holds its length.
    TooLong(u64),
    /// The input has ended.
    End,
}

/// Reads the next `\n`-terminated line into `line`, keeping at most `max_bytes` of it. A longer
/// line is consumed to its end without being stored, so one huge line costs no more memory
/// than the limit, and reading goes on at the next line. Every byte consumed, newline included,
/// is added to `n_bytes_read`.
fn read_capped_line(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    max_bytes: u64,
    n_bytes_read: &mut u64,
) -> std::io::Result<CappedLine> {
    line.clear();
    let mut n_line_bytes: u64 = 0;
    let mut n_consumed: u64 = 0;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(if n_consumed == 0 {
                CappedLine::End
            } else if n_line_bytes > max_bytes {
                CappedLine::TooLong(n_line_bytes)
            } else {
                CappedLine::Line
            });
        }
        let newline = available.iter().position(|&byte| byte == b'\n');
        let chunk = &available[..newline.unwrap_or(available.len())];
        n_line_bytes += chunk.len() as u64;
        if n_line_bytes <= max_bytes {
            line.extend_from_slice(chunk);
        } else if !line.is_empty() {
            // Give the memory back at once rather than after the rest of the line.
            *line = Vec::new();
        }
        let n_used = chunk.len() + usize::from(newline.is_some());
        reader.consume(n_used);
        n_consumed += n_used as u64;
        *n_bytes_read += n_used as u64;
        if newline.is_some() {
            return Ok(if n_line_bytes > max_bytes {
                CappedLine::TooLong(n_line_bytes)
            } else {
                CappedLine::Line
            });
        }
    }
}

/// One warning per file for records that were not UTF-8, rather than one per record.
fn non_utf8_warning(path: &Path, n_records: u64, first_line: Option<u64>) -> Option<IngestError> {
    (n_records > 0).then(|| {
        IngestError::new(
            path,
            first_line,
            format!("{n_records} record(s) were not valid UTF-8 and were read as Windows-1252"),
        )
    })
}

/// Field names accepted for each article attribute, in order of preference.
const ID_FIELDS: &[&str] = &["id", "_id", "article_id"];
const URL_FIELDS: &[&str] = &["url", "link", "article_source_link", "source_url"];
const TITLE_FIELDS: &[&str] = &["title"];
const TEXT_FIELDS: &[&str] = &["text", "body", "content", "article", "description"];
const PUBLISHED_FIELDS: &[&str] = &[
    "published",
    "date",
    "publish_date",
    "published_at",
    "pubdate",
];
const LANGUAGE_FIELDS: &[&str] = &["language", "lang"];

/// JSON Lines accepts fewer text fields than CSV: `article` and `description` in JSON
/// are as often metadata objects or summaries as the body.
const JSONL_TEXT_FIELDS: &[&str] = &["text", "body", "content"];

fn read_jsonl_records(
    path: &Path,
    mut reader: impl BufRead,
    limits: &ReadLimits,
    mut chunks: Chunks<'_>,
) -> FileRecords {
    let mut records = FileRecords::default();
    let mut line = Vec::new();
    let mut line_number: u64 = 0;
    let mut n_non_utf8: u64 = 0;
    let mut first_non_utf8_line = None;
    loop {
        line_number += 1;
        let outcome = match read_capped_line(
            &mut reader,
            &mut line,
            limits.max_record_bytes,
            &mut records.n_bytes,
        ) {
            Ok(outcome) => outcome,
            Err(io_error) => {
                let reason = describe_read_error(&io_error, true);
                records
                    .errors
                    .push(IngestError::new(path, Some(line_number), reason));
                break;
            }
        };
        match outcome {
            CappedLine::End => break,
            CappedLine::TooLong(n_line_bytes) => {
                let reason = format!(
                    "line is {} long, over the {} limit for one record; record skipped",
                    describe_size(n_line_bytes),
                    describe_size(limits.max_record_bytes)
                );
                records
                    .errors
                    .push(IngestError::new(path, Some(line_number), reason));
            }
            CappedLine::Line => {
                let mut bytes = &line[..];
                if line_number == 1 {
                    bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
                }
                let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
                let (text, is_utf8) = decode_record(bytes);
                if text.trim().is_empty() {
                    continue;
                }
                if !is_utf8 {
                    n_non_utf8 += 1;
                    first_non_utf8_line.get_or_insert(line_number);
                }
                match parse_jsonl_record(path, line_number, &text) {
                    Ok(doc) => records.docs.push(doc),
                    Err(reason) => {
                        records
                            .errors
                            .push(IngestError::new(path, Some(line_number), reason))
                    }
                }
            }
        }
        let n_bytes = records.n_bytes;
        chunks.hand_on_if_full(&mut records, n_bytes);
    }
    records
        .warnings
        .extend(non_utf8_warning(path, n_non_utf8, first_non_utf8_line));
    records
}

fn parse_jsonl_record(path: &Path, line_number: u64, line: &str) -> Result<SourceDoc, String> {
    let value: serde_json::Value = serde_json::from_str(line).map_err(describe_json_error)?;
    let serde_json::Value::Object(object) = value else {
        return Err(format!(
            "expected a JSON object, found {}",
            describe_json_type(&value)
        ));
    };
    let record_id = json_field(&object, ID_FIELDS, true)?;
    let url = json_field(&object, URL_FIELDS, false)?;
    let title = json_field(&object, TITLE_FIELDS, false)?;
    let text = json_field(&object, JSONL_TEXT_FIELDS, false)?;
    // Dates are kept as written; a Unix timestamp arrives as a number and is kept as its digits.
    let published_raw = json_field(
        &object,
        &["published", "date", "publish_date", "published_at"],
        true,
    )?;
    let language = json_field(&object, LANGUAGE_FIELDS, false)?;
    // An empty text is a record with nothing to say, which clean reports; a missing one means
    // the file is laid out differently from what idx reads, which is an error here.
    let has_text_or_title = JSONL_TEXT_FIELDS
        .iter()
        .chain(TITLE_FIELDS)
        .any(|name| object.get(*name).is_some_and(|value| !value.is_null()));
    if !has_text_or_title {
        return Err("no 'text', 'body' or 'content' field".to_string());
    }
    Ok(SourceDoc {
        source: SourceRef {
            path: path.to_path_buf(),
            line: Some(line_number),
            record_id,
        },
        format: Format::Jsonl,
        url,
        title,
        text: text.unwrap_or_default(),
        published_raw,
        language,
        n_bytes: line.len() as u64,
    })
}

/// Returns the first of `names` that holds a non-empty value. `null` and missing fields are
/// absent; any other non-string type is an error, because it means the record is not laid
/// out the way idx reads it (a numeric `text` would otherwise vanish silently).
fn json_field(
    object: &serde_json::Map<String, serde_json::Value>,
    names: &[&str],
    numbers_allowed: bool,
) -> Result<Option<String>, String> {
    for name in names {
        match object.get(*name) {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::String(text)) => {
                if !text.trim().is_empty() {
                    return Ok(Some(text.clone()));
                }
            }
            Some(serde_json::Value::Number(number)) if numbers_allowed => {
                return Ok(Some(number.to_string()));
            }
            Some(other) => {
                let expected = if numbers_allowed {
                    "a string or a number"
                } else {
                    "a string"
                };
                return Err(format!(
                    "field '{name}' should be {expected}, found {}",
                    describe_json_type(other)
                ));
            }
        }
    }
    Ok(None)
}

fn describe_json_type(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// serde_json reports "... at line 1 column 42"; the line is ours to give, so keep the column.
fn describe_json_error(json_error: serde_json::Error) -> String {
    let message = json_error.to_string();
    let problem = match message.rfind(" at line ") {
        Some(cut) => &message[..cut],
        None => &message,
    };
    let problem = problem.replace('`', "'");
    if json_error.column() > 0 {
        format!("invalid JSON: {problem} at column {}", json_error.column())
    } else {
        format!("invalid JSON: {problem}")
    }
}

/// The header columns a CSV file maps to article attributes, each a list of column indices
/// in order of preference.
struct CsvColumns {
    id: Vec<usize>,
    url: Vec<usize>,
    title: Vec<usize>,
    text: Vec<usize>,
    published: Vec<usize>,
    language: Vec<usize>,
}

impl CsvColumns {
    fn from_header(header: &csv::StringRecord) -> CsvColumns {
        let lowered: Vec<String> = header
            .iter()
            .map(|name| name.trim().to_lowercase())
            .collect();
        let find = |names: &[&str]| -> Vec<usize> {
            names
                .iter()
                .filter_map(|wanted| lowered.iter().position(|name| name == wanted))
                .collect()
        };
        CsvColumns {
            id: find(ID_FIELDS),
            url: find(URL_FIELDS),
            title: find(TITLE_FIELDS),
            text: find(TEXT_FIELDS),
            published: find(PUBLISHED_FIELDS),
            language: find(LANGUAGE_FIELDS),
        }
    }
}

fn csv_field(record: &csv::StringRecord, columns: &[usize]) -> Option<String> {
    columns
        .iter()
        .filter_map(|column| record.get(*column))
        .find(|value| !value.trim().is_empty())
        .map(str::to_string)
}

/// Passes bytes through and fails once a line grows past a limit. The CSV parser buffers a
/// whole record, so this is what bounds its memory on a file with one enormous line.
struct LineLimitedReader<R> {
    inner: R,
    max_line_bytes: u64,
    n_line_bytes: u64,
    /// 1-based line the last byte read belongs to.
    line_number: u64,
    n_bytes_read: u64,
    is_over_limit: bool,
}

impl<R: Read> Read for LineLimitedReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if self.is_over_limit {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "line over the size limit",
            ));
        }
        let n_read = self.inner.read(buffer)?;
        let read = &buffer[..n_read];
        // Line by line, each newline found with memchr; `line_start` is where the line that
        // the bytes from there on belong to starts within this read.
        let mut line_start = 0;
        loop {
            let newline = memchr::memchr(b'\n', &read[line_start..]);
            let line_end = newline.map_or(n_read, |offset| line_start + offset);
            let n_line_bytes = self.n_line_bytes + (line_end - line_start) as u64;
            if n_line_bytes > self.max_line_bytes {
                // Hand over the lines before this one and fail on the next call; with nothing
                // to hand over, fail now, since `Ok(0)` would mean a clean end.
                let first_over = line_start + (self.max_line_bytes - self.n_line_bytes) as usize;
                self.is_over_limit = true;
                self.n_bytes_read += first_over as u64;
                if first_over == 0 {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "line over the size limit",
                    ));
                }
                return Ok(first_over);
            }
            match newline {
                Some(_) => {
                    self.line_number += 1;
                    self.n_line_bytes = 0;
                    line_start = line_end + 1;
                }
                None => {
                    self.n_line_bytes = n_line_bytes;
                    break;
                }
            }
        }
        self.n_bytes_read += n_read as u64;
        Ok(n_read)
    }
}

fn decode_csv_record(record: &csv::ByteRecord, n_non_utf8: &mut u64) -> csv::StringRecord {
    let mut is_utf8 = true;
    let fields: Vec<String> = record
        .iter()
        .map(|field| {
            let (text, field_is_utf8) = decode_record(field);
            is_utf8 &= field_is_utf8;
            text.into_owned()
        })
        .collect();
    *n_non_utf8 += u64::from(!is_utf8);
    csv::StringRecord::from(fields)
}

fn read_csv_records(
    path: &Path,
    mut reader: impl BufRead,
    limits: &ReadLimits,
    mut chunks: Chunks<'_>,
) -> FileRecords {
    let mut records = FileRecords::default();
    // The delimiter is chosen from the header line as far as the first buffer holds it.
    let delimiter = match reader.fill_buf() {
        Ok(head) => {
            let header_line = head.split(|&byte| byte == b'\n').next().unwrap_or_default();
            let semicolons = header_line.iter().filter(|&&byte| byte == b';').count();
            let commas = header_line.iter().filter(|&&byte| byte == b',').count();
            if semicolons > commas {
                b';'
            } else {
                b','
            }
        }
        Err(_) => b',',
    };
    let limited = LineLimitedReader {
        inner: reader,
        max_line_bytes: limits.max_record_bytes,
        n_line_bytes: 0,
        line_number: 1,
        n_bytes_read: 0,
        is_over_limit: false,
    };
    let mut csv_reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(limited);
    let mut n_non_utf8 = 0;
    let header = match csv_reader.byte_headers() {
        Ok(header) => {
            let mut header = decode_csv_record(header, &mut n_non_utf8);
            if let Some(first) = header.get(0) {
                if let Some(without_bom) = first.strip_prefix('\u{feff}') {
                    let mut fields: Vec<String> = header.iter().map(str::to_string).collect();
                    fields[0] = without_bom.to_string();
                    header = csv::StringRecord::from(fields);
                }
            }
            header
        }
        Err(csv_error) => {
            let reason = describe_csv_read_error(&csv_error, csv_reader.get_ref(), limits);
            records.errors.push(IngestError::new(path, Some(1), reason));
            return records;
        }
    };
    let columns = CsvColumns::from_header(&header);
    if columns.text.is_empty() {
        let found: Vec<&str> = header.iter().collect();
        // A headerless file puts a whole article in the "header"; quote only its start.
        let mut shown: String = found
            .join(", ")
            .chars()
            .take(MAX_SHOWN_HEADER_CHARS)
            .collect();
        if shown.len() < found.join(", ").len() {
            shown.push('…');
        }
        let reason = format!(
            "no text column (expected one of text, body, content, article, description); the header has: {shown}"
        );
        records.errors.push(IngestError::new(path, Some(1), reason));
        return records;
    }
    let needed_width = columns.text.iter().min().map_or(0, |column| column + 1);
    let mut byte_record = csv::ByteRecord::new();
    let mut first_non_utf8_line = None;
    let mut n_bytes_handed_on = 0;
    loop {
        match csv_reader.read_byte_record(&mut byte_record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(csv_error) => {
                let is_io_error = matches!(csv_error.kind(), csv::ErrorKind::Io(_));
                let line = csv_error
                    .position()
                    .map(|position| position.line())
                    .or(Some(csv_reader.get_ref().line_number));
                let reason = describe_csv_read_error(&csv_error, csv_reader.get_ref(), limits);
                records.errors.push(IngestError::new(path, line, reason));
                // After a read error the parser's place in the file is unknown.
                if is_io_error {
                    break;
                }
                continue;
            }
        }
        let line = byte_record
            .position()
            .map(|position| position.line())
            .filter(|line| *line > 0);
        let n_non_utf8_before = n_non_utf8;
        let record = decode_csv_record(&byte_record, &mut n_non_utf8);
        if n_non_utf8 > n_non_utf8_before {
            first_non_utf8_line = first_non_utf8_line.or(line);
        }
        if record.len() < needed_width {
            let reason = format!(
                "row has {} fields but the text column is field {} of {}",
                record.len(),
                needed_width,
                header.len()
            );
            records.errors.push(IngestError::new(path, line, reason));
            continue;
        }
        // A row with empty cells is still a record (NewsArticles.csv has picture galleries with
        // no text); clean warns about it and the index decides whether to keep it.
        records.docs.push(SourceDoc {
            source: SourceRef {
                path: path.to_path_buf(),
                line,
                record_id: csv_field(&record, &columns.id),
            },
            format: Format::Csv,
            url: csv_field(&record, &columns.url),
            title: csv_field(&record, &columns.title),
            text: csv_field(&record, &columns.text).unwrap_or_default(),
            published_raw: csv_field(&record, &columns.published),
            language: csv_field(&record, &columns.language),
            // Field bytes plus one separator or terminator per field.
            n_bytes: (byte_record.as_slice().len() + byte_record.len()) as u64,
        });
        let n_bytes_read = csv_reader.get_ref().n_bytes_read;
        if chunks.hand_on_if_full(&mut records, n_bytes_read - n_bytes_handed_on) {
            n_bytes_handed_on = n_bytes_read;
        }
    }
    records.n_bytes = csv_reader.get_ref().n_bytes_read - n_bytes_handed_on;
    records
        .warnings
        .extend(non_utf8_warning(path, n_non_utf8, first_non_utf8_line));
    records
}

fn describe_csv_read_error<R>(
    csv_error: &csv::Error,
    reader: &LineLimitedReader<R>,
    limits: &ReadLimits,
) -> String {
    if reader.is_over_limit {
        format!(
            "line is longer than the {} limit for one record; the rest of the file was not read",
            describe_size(limits.max_record_bytes)
        )
    } else {
        describe_csv_error(csv_error)
    }
}

/// How much of a header without a text column is quoted in the error.
const MAX_SHOWN_HEADER_CHARS: usize = 120;

fn describe_csv_error(csv_error: &csv::Error) -> String {
    let message = lowercase_first(&csv_error.to_string());
    format!("invalid CSV: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Reads `bytes` as a file called `name` and renders each record and error on one line,
    /// so a case reads as input and expected output side by side.
    fn check(name: &str, bytes: &[u8], expected: &[&str]) {
        check_limited(name, bytes, ReadLimits::default(), expected);
    }

    /// [`check`] with size limits small enough to write the hostile case by hand.
    fn check_limited(name: &str, bytes: &[u8], limits: ReadLimits, expected: &[&str]) {
        let records = read_source_bytes_with_limits(Path::new(name), bytes, &limits);
        let mut actual: Vec<String> = records.docs.iter().map(render_doc).collect();
        actual.extend(records.errors.iter().map(|error| format!("error {error}")));
        actual.extend(
            records
                .warnings
                .iter()
                .map(|warning| format!("warning {warning}")),
        );
        assert_eq!(actual, expected, "reading {name}");
    }

    /// A reader that hands out one byte per call, as a slow pipe may.
    struct OneByteReads(Vec<u8>, usize);

    impl Read for OneByteReads {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.get(self.1), buffer.first_mut()) {
                (Some(byte), Some(slot)) => {
                    *slot = *byte;
                    self.1 += 1;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    const SMALL: ReadLimits = ReadLimits {
        max_article_bytes: 10,
        max_record_bytes: 20,
    };

    #[test]
    #[rustfmt::skip]
    fn hostile_files_stay_within_limits() {
        check_limited("a.txt", b"0123456789abc", SMALL, &["a.txt Text | text=0123456789", "warning a.txt: file is larger than 10 bytes; only its first 10 bytes were read"]);
        check_limited("a.txt", b"0123456789", SMALL, &["a.txt Text | text=0123456789"]);
        // Cut inside "é": the partial character goes, the text is not re-read as Windows-1252.
        check_limited("a.txt", "12345678é".as_bytes(), SMALL, &["a.txt Text | text=12345678é"]);
        check_limited("a.txt", "123456789é".as_bytes(), SMALL, &["a.txt Text | text=123456789", "warning a.txt: file is larger than 10 bytes; only its first 10 bytes were read"]);
        check_limited("a.txt.gz", &gzip(&[b'x'; 100_000]), SMALL, &["a.txt.gz Text | text=xxxxxxxxxx", "warning a.txt.gz: file is larger than 10 bytes; only its first 10 bytes were read"]);
        let long_line = format!("{{\"text\":\"{}\"}}", "x".repeat(40));
        check_limited("a.jsonl", format!("{{\"text\":\"a\"}}\n{long_line}\n{{\"text\":\"b\"}}").as_bytes(), SMALL, &["a.jsonl:1 Jsonl | text=a", "a.jsonl:3 Jsonl | text=b", "error a.jsonl:2: line is 51 bytes long, over the 20 bytes limit for one record; record skipped"]);
        check_limited("a.jsonl", long_line.as_bytes(), SMALL, &["error a.jsonl:1: line is 51 bytes long, over the 20 bytes limit for one record; record skipped"]);
        check_limited("a.csv", format!("text\nshort\n{}\nnever read\n", "y".repeat(30)).as_bytes(), SMALL, &["a.csv:2 Csv | text=short", "error a.csv:3: line is longer than the 20 bytes limit for one record; the rest of the file was not read"]);
        check_limited("a.csv", format!("{}\n", "z".repeat(30)).as_bytes(), SMALL, &["error a.csv:1: line is longer than the 20 bytes limit for one record; the rest of the file was not read"]);
        // A long line met at the start of a read, after a short one filled the previous read.
        let records = read_source_stream(Path::new("a.csv"), OneByteReads(format!("text\nok\n{}", "w".repeat(30)).into_bytes(), 0), &SMALL, Chunks::whole());
        assert_eq!((records.docs.len(), records.errors.len()), (1, 1), "{records:?}");
    }

    #[test]
    #[rustfmt::skip]
    fn mixed_encodings_are_decoded_per_record() {
        check("a.jsonl", b"{\"text\":\"caf\xc3\xa9\"}\n{\"text\":\"caf\xe9\"}\n", &["a.jsonl:1 Jsonl | text=café", "a.jsonl:2 Jsonl | text=café", "warning a.jsonl:2: 1 record(s) were not valid UTF-8 and were read as Windows-1252"]);
        check("a.jsonl", b"\xef\xbb\xbf{\"text\":\"bom\"}", &["a.jsonl:1 Jsonl | text=bom"]);
        check("a.jsonl", b"{\"text\":\"a\"}\x00\x01", &["error a.jsonl: binary file, not text"]);
        check("a.csv", b"title,text\nT,caf\xe9\nU,caf\xc3\xa9\n", &["a.csv:2 Csv | title=T | text=café", "a.csv:3 Csv | title=U | text=café", "warning a.csv:2: 1 record(s) were not valid UTF-8 and were read as Windows-1252"]);
        check("a.csv", b"\xef\xbb\xbftext\nx\n", &["a.csv:2 Csv | text=x"]);
        check("a.csv", b"", &["error a.csv: empty file"]);
        check("a.jsonl", b"", &["error a.jsonl: empty file"]);
        check("a.html", b"\x7fELF\x02\x01\x01\x00", &["error a.html: binary file, not text"]);
    }

    fn render_doc(doc: &SourceDoc) -> String {
        let mut parts = vec![format!("{} {:?}", doc.source.display(), doc.format)];
        let mut push = |label: &str, value: &Option<String>| {
            if let Some(value) = value {
                parts.push(format!("{label}={value}"));
            }
        };
        push("id", &doc.source.record_id);
        push("url", &doc.url);
        push("title", &doc.title);
        push("published", &doc.published_raw);
        push("lang", &doc.language);
        parts.push(format!("text={}", doc.text.escape_debug()));
        parts.join(" | ")
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn check_format(name: &str, expected: Option<Format>) {
        assert_eq!(Format::from_path(Path::new(name)), expected, "{name}");
    }

    #[test]
    #[rustfmt::skip]
    fn formats_come_from_file_names() {
        check_format("a.txt", Some(Format::Text));
        check_format("dir/A.TXT", Some(Format::Text));
        check_format("a.md", Some(Format::Markdown));
        check_format("a.markdown", Some(Format::Markdown));
        check_format("a.html", Some(Format::Html));
        check_format("a.htm", Some(Format::Html));
        check_format("a.xhtml", Some(Format::Html));
        check_format("a.jsonl", Some(Format::Jsonl));
        check_format("a.ndjson.gz", Some(Format::Jsonl));
        check_format("a.jsonl.gz", Some(Format::Jsonl));
        check_format("a.CSV.GZ", Some(Format::Csv));
        check_format("a.json", None);
        check_format("a.gz", None);
        check_format("a.tar.gz", None);
        check_format("README", None);
        check_format(".txt", None);
    }

    #[test]
    #[rustfmt::skip]
    fn single_article_files() {
        check("a.txt", b"Title\n\nBody.", &["a.txt Text | text=Title\\n\\nBody."]);
        check("a.md", b"# Title\nBody", &["a.md Markdown | text=# Title\\nBody"]);
        check("a.html", b"<p>Hi</p>", &["a.html Html | text=<p>Hi</p>"]);
        check("a.txt", b"", &["error a.txt: empty file"]);
        check("a.txt", b" \n\t\n", &["error a.txt: file holds only whitespace"]);
        check("a.txt", b"PK\x03\x04\x00\x00", &["error a.txt: binary file, not text"]);
        check("a.pdf", b"%PDF", &["error a.pdf: unknown format"]);
    }

    #[test]
    #[rustfmt::skip]
    fn decoding() {
        check("a.txt", b"caf\xe9", &["a.txt Text | text=café"]);
        check("a.txt", b"\x93quoted\x94 \x80 5", &["a.txt Text | text=“quoted” € 5"]);
        check("a.txt", b"\xef\xbb\xbfcaf\xc3\xa9", &["a.txt Text | text=café"]);
        check("a.txt", b"\xff\xfec\x00a\x00f\x00\xe9\x00", &["a.txt Text | text=café"]);
        check("a.txt", b"\xfe\xff\x00c\x00a\x00f\x00\xe9", &["a.txt Text | text=café"]);
        check("a.html", b"<meta charset=\"iso-8859-7\"><p>\xe1\xe2</p>", &["a.html Html | text=<meta charset=\\\"iso-8859-7\\\"><p>αβ</p>"]);
    }

    #[test]
    #[rustfmt::skip]
    fn gzip_files() {
        check("a.txt.gz", &gzip(b"Gzipped body"), &["a.txt.gz Text | text=Gzipped body"]);
        let jsonl = gzip(b"{\"id\":1,\"text\":\"one\"}\n{\"id\":2,\"text\":\"two\"}\n");
        check("a.jsonl.gz", &jsonl, &["a.jsonl.gz:1 Jsonl | id=1 | text=one", "a.jsonl.gz:2 Jsonl | id=2 | text=two"]);
        let mut two_members = gzip(b"first ");
        two_members.extend(gzip(b"second"));
        check("a.txt.gz", &two_members, &["a.txt.gz Text | text=first second"]);
        check("a.txt.gz", b"\x1f\x8bnot really", &["error a.txt.gz: corrupt gzip data: invalid gzip header"]);
        check("a.txt.gz", &gzip(b""), &["error a.txt.gz: empty file"]);
    }

    #[test]
    #[rustfmt::skip]
    fn jsonl_records() {
        check("a.jsonl", br#"{"id":"x1","title":"T","text":"Body"}"#, &["a.jsonl:1 Jsonl | id=x1 | title=T | text=Body"]);
        check("a.jsonl", br#"{"_id":"4983","title":"T","text":"B","metadata":{}}"#, &["a.jsonl:1 Jsonl | id=4983 | title=T | text=B"]);
        check("a.jsonl", br#"{"link":"http://x","body":"B","date":"2022-02-15","lang":"de"}"#, &["a.jsonl:1 Jsonl | url=http://x | published=2022-02-15 | lang=de | text=B"]);
        check("a.jsonl", br#"{"text":"","content":"C","published_at":1644883200}"#, &["a.jsonl:1 Jsonl | published=1644883200 | text=C"]);
        check("a.jsonl", br#"{"title":"Only a title","text":null}"#, &["a.jsonl:1 Jsonl | title=Only a title | text="]);
        check("a.jsonl", b"\n{\"text\":\"a\"}\r\n\n  \n{\"text\":\"b\"}", &["a.jsonl:2 Jsonl | text=a", "a.jsonl:5 Jsonl | text=b"]);
        check("a.jsonl", b"[1,2]", &["error a.jsonl:1: expected a JSON object, found an array"]);
        check("a.jsonl", b"\"text\"", &["error a.jsonl:1: expected a JSON object, found a string"]);
        check("a.jsonl", br#"{"text":"","title":""}"#, &["a.jsonl:1 Jsonl | text="]);
        check("a.jsonl", br#"{"url":"u","text":null}"#, &["error a.jsonl:1: no 'text', 'body' or 'content' field"]);
        check("a.jsonl", br#"{"text":5}"#, &["error a.jsonl:1: field 'text' should be a string, found a number"]);
        check("a.jsonl", br#"{"id":{},"text":"t"}"#, &["error a.jsonl:1: field 'id' should be a string or a number, found an object"]);
        check("a.jsonl", b"{\"text\":\"ok\"}\n{\"text\":\"a\" \"b\"}\n{\"text\":\"still read\"}", &["a.jsonl:1 Jsonl | text=ok", "a.jsonl:3 Jsonl | text=still read", "error a.jsonl:2: invalid JSON: expected ',' or '}' at column 13"]);
        check("a.jsonl", b"{\"text\":\"cut", &["error a.jsonl:1: invalid JSON: EOF while parsing a string at column 12"]);
    }

    #[test]
    #[rustfmt::skip]
    fn csv_records() {
        check("a.csv", b"article_id,publish_date,article_source_link,title,subtitle,text\n1,2017/2/7,http://x,T,,\"Body\"\n", &["a.csv:2 Csv | id=1 | url=http://x | title=T | published=2017/2/7 | text=Body"]);
        check("a.csv", b"Title,BODY\nA,\"line one\nline two\"\nB,b\n", &["a.csv:2 Csv | title=A | text=line one\\nline two", "a.csv:4 Csv | title=B | text=b"]);
        check("a.csv", b"text,title\nonly text\nt,T,extra\n", &["a.csv:2 Csv | text=only text", "a.csv:3 Csv | title=T | text=t"]);
        check("a.csv", b"title,text\nshort row\nT,t\n", &["a.csv:3 Csv | title=T | text=t", "error a.csv:2: row has 1 fields but the text column is field 2 of 2"]);
        check("a.csv", b"title;text;url\nT;a, b;u\n", &["a.csv:2 Csv | url=u | title=T | text=a, b"]);
        check("a.csv", b"name,value\nx,1\n", &["error a.csv:1: no text column (expected one of text, body, content, article, description); the header has: name, value"]);
        check("a.csv", b"title,text\n,\n", &["a.csv:2 Csv | text="]);
        check("a.csv", format!("label;{}\n", "word ".repeat(40)).as_bytes(), &[&format!("error a.csv:1: no text column (expected one of text, body, content, article, description); the header has: label, {}…", &"word ".repeat(40)[..113])]);
        check("a.csv", b"description,lang\nd,en\n", &["a.csv:2 Csv | lang=en | text=d"]);
    }

    #[test]
    fn source_refs_and_errors_display() {
        let single = SourceRef {
            path: PathBuf::from("dir/a.txt"),
            line: None,
            record_id: None,
        };
        assert_eq!(single.display(), "dir/a.txt");
        let record = SourceRef {
            path: PathBuf::from("a.jsonl"),
            line: Some(7),
            record_id: Some("x".into()),
        };
        assert_eq!(record.display(), "a.jsonl:7");
        assert_eq!(
            IngestError::new(Path::new("a.csv"), Some(3), "bad").to_string(),
            "a.csv:3: bad"
        );
        assert_eq!(
            IngestError::new(Path::new("a.csv"), None, "bad").to_string(),
            "a.csv: bad"
        );
    }

    #[test]
    fn byte_counts() {
        let records = read_source_bytes(
            Path::new("a.jsonl"),
            b"{\"text\":\"a\"}\n{\"text\":\"bb\"}\n",
        );
        assert_eq!(records.n_bytes, 27);
        assert_eq!(
            records
                .docs
                .iter()
                .map(|doc| doc.n_bytes)
                .collect::<Vec<_>>(),
            vec![12, 13]
        );
        let records = read_source_bytes(Path::new("a.csv"), b"text\naa\nbbb\n");
        assert_eq!(
            records
                .docs
                .iter()
                .map(|doc| doc.n_bytes)
                .collect::<Vec<_>>(),
            vec![3, 4]
        );
    }

    fn scratch_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("idx-ingest-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn discover_walks_sorts_and_skips_hidden() {
        let dir = scratch_dir("walk");
        for name in [
            "b.txt",
            "a.md",
            "sub/c.jsonl.gz",
            "sub/notes.doc",
            ".hidden/d.txt",
            "sub/.e.txt",
        ] {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let missing = dir.join("missing");
        let explicit_hidden = dir.join(".hidden/d.txt");
        let explicit_unknown = dir.join("sub/notes.doc");
        let (files, errors) = discover(&[
            dir.clone(),
            dir.join("b.txt"),
            missing.clone(),
            explicit_hidden,
            explicit_unknown.clone(),
        ]);
        let names: Vec<String> = files
            .iter()
            .map(|f| f.strip_prefix(&dir).unwrap().display().to_string())
            .collect();
        assert_eq!(names, [".hidden/d.txt", "a.md", "b.txt", "sub/c.jsonl.gz"]);
        let reasons: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(reasons, [
            format!("{}: no such file or directory", missing.display()),
            format!("{}: unknown format (expected .txt, .md, .html, .jsonl, .ndjson or .csv, optionally .gz)", explicit_unknown.display()),
        ]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn discover_reports_symlink_loops() {
        let dir = scratch_dir("loop");
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/a.txt"), "x").unwrap();
        std::os::unix::fs::symlink(&dir, dir.join("sub/back")).unwrap();
        let (files, errors) = discover(std::slice::from_ref(&dir));
        assert_eq!(files, [dir.join("sub/a.txt")]);
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].reason.starts_with("symlink loop: points back to"),
            "{}",
            errors[0]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn read_source_file_reports_missing_files() {
        let records = read_source_file(Path::new("/nonexistent/idx/a.txt"));
        assert_eq!(records.docs, []);
        assert_eq!(
            records.errors[0].to_string(),
            "/nonexistent/idx/a.txt: no such file or directory"
        );
    }

    fn shared_data(relative: &str) -> Option<PathBuf> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data")
            .join(relative);
        if path.exists() {
            Some(path)
        } else {
            println!("skipped: ../shared/data/{relative} not found");
            None
        }
    }

    #[test]
    fn shared_news_articles_csv() {
        let Some(path) = shared_data("news-articles-en/NewsArticles.csv.gz") else {
            return;
        };
        let records = read_source_file(&path);
        assert_eq!(records.errors, []);
        assert_eq!(records.docs.len(), 3824);
        let first = &records.docs[0];
        assert_eq!(first.source.record_id.as_deref(), Some("1"));
        assert_eq!(first.published_raw.as_deref(), Some("2017/2/7"));
        assert!(first
            .title
            .as_deref()
            .unwrap_or_default()
            .starts_with("Betsy DeVos Confirmed"));
    }

    #[test]
    fn shared_beir_scifact_jsonl() {
        let Some(path) = shared_data("beir-scifact/corpus.jsonl.gz") else {
            return;
        };
        let records = read_source_file(&path);
        assert_eq!(records.errors, []);
        assert_eq!(records.docs.len(), 5183);
        assert_eq!(records.docs[0].source.record_id.as_deref(), Some("4983"));
        assert_eq!(records.n_bytes, 8_106_566);
    }
}

#[cfg(test)]
mod chunk_tests {
    use super::*;

    /// Reading in chunks hands on every record once, in order, with the bytes split between
    /// the chunks, for both record formats.
    #[test]
    fn chunks_add_up_to_the_whole_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        // The CSV reader counts bytes as its buffer fills, so chunks are cut at buffer
        // granularity: the files are made large enough for several.
        let jsonl: String = (0..5000)
            .map(|n| format!("{{\"id\": \"r{n}\", \"text\": \"record number {n}\"}}\n"))
            .collect();
        let csv: String = std::iter::once("id,text\n".to_string())
            .chain((0..5000).map(|n| format!("r{n},record number {n}\n")))
            .collect();
        for (name, content) in [("a.jsonl", jsonl), ("b.csv", csv)] {
            let path = dir.path().join(name);
            std::fs::write(&path, content).expect("write");
            let whole = read_source_file(&path);
            let mut chunks = Vec::new();
            let last =
                read_source_file_in_chunks(&path, &ReadLimits::default(), 10_000, &mut |chunk| {
                    chunks.push(chunk)
                });
            chunks.push(last);
            assert!(chunks.len() > 5, "{name}: {} chunks", chunks.len());
            let docs: Vec<SourceDoc> = chunks
                .iter()
                .flat_map(|chunk| chunk.docs.iter().cloned())
                .collect();
            assert_eq!(docs, whole.docs, "{name}");
            let n_bytes: u64 = chunks.iter().map(|chunk| chunk.n_bytes).sum();
            assert_eq!(n_bytes, whole.n_bytes, "{name}");

            // Read in parts, the same chunks come back: parts glued up to each chunk end.
            let mut glued = Vec::new();
            let mut chunk = FileRecords::default();
            let mut n_parts = 0;
            let mut glue = |part: FileRecords, ends_chunk: bool| {
                n_parts += 1;
                chunk.docs.extend(part.docs);
                chunk.n_bytes += part.n_bytes;
                if ends_chunk {
                    glued.push(std::mem::take(&mut chunk));
                }
            };
            let last =
                read_source_file_in_parts(&path, &ReadLimits::default(), 10_000, 1_000, &mut glue);
            glue(last, true);
            assert!(n_parts > chunks.len(), "{name}: {n_parts} parts");
            assert_eq!(glued.len(), chunks.len(), "{name}");
            for (glued_chunk, chunk) in glued.iter().zip(&chunks) {
                assert_eq!(glued_chunk.docs, chunk.docs, "{name}");
                assert_eq!(glued_chunk.n_bytes, chunk.n_bytes, "{name}");
            }
        }
    }
}

#[cfg(test)]
mod line_limit_tests {
    use super::*;
    use proptest::prelude::*;

    /// Reads of at most `step` bytes.
    struct Steps<'a>(&'a [u8], usize);

    impl Read for Steps<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(buffer.len()).min(self.0.len());
            buffer[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// What the guard must hand over: the bytes before the first byte that makes a line
    /// (newline excluded) longer than `max`, and whether there is such a byte.
    fn expected(input: &[u8], max: u64) -> (usize, bool) {
        let mut n_line_bytes = 0;
        for (index, &byte) in input.iter().enumerate() {
            if byte == b'\n' {
                n_line_bytes = 0;
            } else {
                n_line_bytes += 1;
                if n_line_bytes > max {
                    return (index, true);
                }
            }
        }
        (input.len(), false)
    }

    proptest! {
        #[test]
        fn hands_over_every_line_within_the_limit(input in "[ab\n]{0,60}", max in 0u64..8, step in 1usize..9) {
            let mut reader = LineLimitedReader {
                inner: Steps(input.as_bytes(), step),
                max_line_bytes: max,
                n_line_bytes: 0,
                line_number: 1,
                n_bytes_read: 0,
                is_over_limit: false,
            };
            let mut handed = Vec::new();
            let mut buffer = [0u8; 16];
            let failed = loop {
                match reader.read(&mut buffer) {
                    Ok(0) => break false,
                    Ok(n) => handed.extend_from_slice(&buffer[..n]),
                    Err(_) => break true,
                }
            };
            let (n_expected, over) = expected(input.as_bytes(), max);
            prop_assert_eq!(&handed[..], &input.as_bytes()[..n_expected]);
            prop_assert_eq!(failed, over);
            prop_assert_eq!(reader.n_bytes_read, n_expected as u64);
            let n_newlines = handed.iter().filter(|&&byte| byte == b'\n').count() as u64;
            prop_assert_eq!(reader.line_number, 1 + n_newlines);
        }
    }
}
