//! STUB (replaced by the real clean module).
#![allow(missing_docs)]
use crate::ingest::{SourceDoc, SourceRef};
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub source: SourceRef,
    pub url: Option<String>,
    pub title: String,
    pub body: String,
    pub published: Option<jiff::civil::Date>,
    pub declared_language: Option<String>,
    pub n_bytes: u64,
}
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    pub message: String,
}
pub fn clean_source_doc(doc: SourceDoc) -> (Article, Vec<Warning>) {
    let (title, body) = match doc.title {
        Some(t) => (t, doc.text),
        None => {
            let mut it = doc.text.trim().splitn(2, '\n');
            (
                it.next().unwrap_or("").trim().to_string(),
                it.next().unwrap_or("").trim().to_string(),
            )
        }
    };
    (
        Article {
            source: doc.source,
            url: doc.url,
            title,
            body,
            published: doc.published_raw.and_then(|r| parse_published(&r)),
            declared_language: doc.language,
            n_bytes: doc.n_bytes,
        },
        vec![],
    )
}
pub fn parse_published(raw: &str) -> Option<jiff::civil::Date> {
    raw.trim().get(..10)?.parse().ok()
}
