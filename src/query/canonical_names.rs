//! The articles whose canonical names of one kind include one of a set of names exactly, for
//! the registry's expansion of a name filter (`actor:"anthony bling"` asks for every article
//! that names one of Antony Blinken's canonical spellings).
//!
//! The canonical names (`person`, `organization`, `place`) are columns only: an inverted index
//! of them would serve nothing but this filter, and a build would sort and store every
//! distinct full name for it. The names fields (`person_names`, ...) hold the same names as words, so the
//! articles with a word of a name are the candidates, and the column keeps those that hold
//! the name exactly ("Donald Trump" but not "Donald Trump Jr.").

use tantivy::columnar::StrColumn;
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, TERMINATED};

/// Matches the articles that `candidates` matches and whose string column `column` holds one
/// of `names` exactly. `candidates` must match every article that holds one of them.
#[derive(Debug)]
pub struct CanonicalNamesQuery {
    candidates: Box<dyn Query>,
    column: String,
    names: Vec<String>,
}

impl Clone for CanonicalNamesQuery {
    fn clone(&self) -> Self {
        CanonicalNamesQuery {
            candidates: self.candidates.box_clone(),
            column: self.column.clone(),
            names: self.names.clone(),
        }
    }
}

impl CanonicalNamesQuery {
    /// The articles among `candidates` whose column `column` holds one of `names`.
    pub fn new(candidates: Box<dyn Query>, column: &str, names: Vec<String>) -> Self {
        CanonicalNamesQuery {
            candidates,
            column: column.to_string(),
            names,
        }
    }
}

impl Query for CanonicalNamesQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(CanonicalNamesWeight {
            candidates: self.candidates.weight(enable_scoring)?,
            column: self.column.clone(),
            names: self.names.clone(),
        }))
    }
}

struct CanonicalNamesWeight {
    candidates: Box<dyn Weight>,
    column: String,
    names: Vec<String>,
}

impl Weight for CanonicalNamesWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let Some(column) = reader.fast_fields().str(&self.column)? else {
            return Ok(Box::new(EmptyScorer));
        };
        // Each name is looked up in the segment's dictionary (a block read per name), so only
        // once there is a candidate to check.
        let candidates = self.candidates.scorer(reader, boost)?;
        if candidates.doc() == TERMINATED {
            return Ok(Box::new(EmptyScorer));
        }
        // A name absent from the dictionary is in none of the segment's articles.
        let mut ordinals = Vec::with_capacity(self.names.len());
        for name in &self.names {
            if let Some(ordinal) = column.dictionary().term_ord(name.as_bytes())? {
                ordinals.push(ordinal);
            }
        }
        if ordinals.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        ordinals.sort_unstable();
        ordinals.dedup();
        let mut scorer = ColumnFilterScorer {
            candidates,
            column,
            ordinals,
        };
        scorer.settle();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} holds none of the names"
            )));
        }
        Ok(Explanation::new("CanonicalNamesQuery", scorer.score()))
    }
}

/// The candidates' articles whose column holds one of the ordinals.
struct ColumnFilterScorer {
    candidates: Box<dyn Scorer>,
    column: StrColumn,
    /// Sorted.
    ordinals: Vec<u64>,
}

impl ColumnFilterScorer {
    fn holds_a_name(&self, doc: DocId) -> bool {
        self.column
            .term_ords(doc)
            .any(|ordinal| self.ordinals.binary_search(&ordinal).is_ok())
    }

    /// Moves from the candidates' current article to the first that holds a name.
    fn settle(&mut self) -> DocId {
        let mut doc = self.candidates.doc();
        while doc != TERMINATED && !self.holds_a_name(doc) {
            doc = self.candidates.advance();
        }
        doc
    }
}

impl DocSet for ColumnFilterScorer {
    fn advance(&mut self) -> DocId {
        self.candidates.advance();
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.candidates.seek(target);
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.candidates.doc()
    }

    fn size_hint(&self) -> u32 {
        self.candidates.size_hint()
    }
}

impl Scorer for ColumnFilterScorer {
    fn score(&mut self) -> Score {
        self.candidates.score()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::DocSetCollector;
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TextOptions, FAST, TEXT};
    use tantivy::{doc, Index, Term};

    /// Four articles naming people, with the names as words and as a column alone; the query
    /// keeps the candidates whose column holds a name exactly.
    #[test]
    fn keeps_the_candidates_holding_a_name_exactly() {
        let mut builder = Schema::builder();
        let words = builder.add_text_field("names", TEXT);
        let column = builder.add_text_field("person", TextOptions::default() | FAST);
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).expect("writer");
        let articles: [&[&str]; 4] = [
            &["Donald Trump"],
            &["Donald Trump Jr"],
            &["Ivanka Trump", "Donald Trump"],
            &["Melania Trump"],
        ];
        for names in articles {
            let mut document = doc!();
            for name in names {
                document.add_text(words, name);
                document.add_text(column, name);
            }
            writer.add_document(document).expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let word = |text: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(words, text),
                IndexRecordOption::Basic,
            ))
        };
        let matches = |query: &dyn Query| -> Vec<DocId> {
            let mut docs: Vec<DocId> = searcher
                .search(query, &DocSetCollector)
                .expect("search")
                .into_iter()
                .map(|address| address.doc_id)
                .collect();
            docs.sort_unstable();
            docs
        };
        let names = |names: &[&str]| names.iter().map(|name| name.to_string()).collect();

        let trumps = CanonicalNamesQuery::new(
            word("trump"),
            "person",
            names(&["Melania Trump", "Donald Trump"]),
        );
        assert_eq!(matches(&trumps), [0, 2, 3]);
        // Inside an intersection the filter is sought, not walked.
        let donalds = BooleanQuery::new(vec![
            (Occur::Must, word("donald")),
            (Occur::Must, Box::new(trumps.clone())),
        ]);
        assert_eq!(matches(&donalds), [0, 2]);
        let junior = CanonicalNamesQuery::new(word("trump"), "person", names(&["Donald Trump Jr"]));
        assert_eq!(matches(&junior), [1]);
        // Names the column does not hold, or candidates that hold none.
        let nobody = CanonicalNamesQuery::new(word("trump"), "person", names(&["Joe Biden"]));
        assert!(matches(&nobody).is_empty());
        let elsewhere =
            CanonicalNamesQuery::new(word("ivanka"), "person", names(&["Melania Trump"]));
        assert!(matches(&elsewhere).is_empty());
    }
}
