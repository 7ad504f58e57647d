//! STUB (replaced by the real ingest module).
#![allow(missing_docs)]
use std::path::{Path, PathBuf};
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct SourceRef {
    pub path: PathBuf,
    pub line: Option<u64>,
    pub record_id: Option<String>,
}
impl SourceRef {
    pub fn display(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{l}", self.path.display()),
            None => self.path.display().to_string(),
        }
    }
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Jsonl,
    Csv,
}
#[derive(Debug, Clone, PartialEq)]
pub struct SourceDoc {
    pub source: SourceRef,
    pub format: Format,
    pub url: Option<String>,
    pub title: Option<String>,
    pub text: String,
    pub published_raw: Option<String>,
    pub language: Option<String>,
    pub n_bytes: u64,
}
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IngestError {
    pub path: PathBuf,
    pub line: Option<u64>,
    pub reason: String,
}
impl std::fmt::Display for IngestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.path.display(), self.reason),
            None => write!(f, "{}: {}", self.path.display(), self.reason),
        }
    }
}
pub struct FileRecords {
    pub docs: Vec<SourceDoc>,
    pub errors: Vec<IngestError>,
    pub n_bytes: u64,
}
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<IngestError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.is_file() {
            files.push(p.clone())
        } else if p.is_dir() {
            for e in walkdir::WalkDir::new(p) {
                match e {
                    Ok(e) => {
                        if e.file_type().is_file() {
                            files.push(e.path().to_path_buf())
                        }
                    }
                    Err(err) => errors.push(IngestError {
                        path: p.clone(),
                        line: None,
                        reason: err.to_string(),
                    }),
                }
            }
        } else {
            errors.push(IngestError {
                path: p.clone(),
                line: None,
                reason: "no such file or folder".into(),
            })
        }
    }
    files.sort();
    (files, errors)
}
pub fn read_source_file(path: &Path) -> FileRecords {
    match std::fs::read(path) {
        Ok(b) => read_source_bytes(path, &b),
        Err(e) => FileRecords {
            docs: vec![],
            errors: vec![IngestError {
                path: path.into(),
                line: None,
                reason: e.to_string(),
            }],
            n_bytes: 0,
        },
    }
}
pub fn read_source_bytes(path: &Path, bytes: &[u8]) -> FileRecords {
    let text = String::from_utf8_lossy(bytes).to_string();
    if path.extension().is_some_and(|e| e == "jsonl") {
        let mut docs = vec![];
        let mut errors = vec![];
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<serde_json::Value>(line) {
                Ok(v) => docs.push(SourceDoc {
                    source: SourceRef {
                        path: path.into(),
                        line: Some(i as u64 + 1),
                        record_id: v["id"].as_str().map(String::from),
                    },
                    format: Format::Jsonl,
                    url: v["url"].as_str().map(String::from),
                    title: v["title"].as_str().map(String::from),
                    text: v["text"].as_str().unwrap_or("").to_string(),
                    published_raw: v["published"].as_str().map(String::from),
                    language: v["language"].as_str().map(String::from),
                    n_bytes: line.len() as u64,
                }),
                Err(e) => errors.push(IngestError {
                    path: path.into(),
                    line: Some(i as u64 + 1),
                    reason: e.to_string(),
                }),
            }
        }
        return FileRecords {
            docs,
            errors,
            n_bytes: bytes.len() as u64,
        };
    }
    FileRecords {
        docs: vec![SourceDoc {
            source: SourceRef {
                path: path.into(),
                line: None,
                record_id: None,
            },
            format: Format::Text,
            url: None,
            title: None,
            text,
            published_raw: None,
            language: None,
            n_bytes: bytes.len() as u64,
        }],
        errors: vec![],
        n_bytes: bytes.len() as u64,
    }
}
