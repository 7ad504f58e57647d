//! Scores enrichment against gold sets: the seed articles (`../shared/seeds/gold.json`),
//! CoNLL-2003 English, CoNLL-2002 Spanish, RONEC Romanian and factRuEval-2016 Russian.
//!
//! Readers turn each gold set into [`GoldArticle`]s (an [`Article`] to enrich plus its gold
//! entity sets); scorers compare [`PredictedArticle`]s (built from an [`EnrichedArticle`] or read
//! back from `idx extract` JSON) with them and return a [`Table`]. The matching rules are those
//! of the reference scorers in `../shared/eval/` (`score_gold.py`, `conll_doc_eval.py`,
//! `factru_doc_eval.py`), replicated rule for rule so that both report the same figures on the
//! same output; where a rule looks odd, the reference is the reason.
//!
//! Gold sets without a reference scorer (RONEC, CoNLL-2002) are scored like CoNLL-2003 (sets of
//! PER / ORG / LOC names, a surname-only mention belonging to the full name), with one sentence
//! as one document because neither marks article boundaries. RONEC's GPE and LOC both count as
//! LOC, PERSON as PER.
//!
//! Reads gold files itself (they are not corpus files, so `ingest` is not involved) and never
//! prints: tables come back as values whose `Display` draws them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

use crate::clean::Article;
use crate::enrich::EnrichedArticle;
use crate::ingest::SourceRef;

/// Why a gold set could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// The file could not be opened or read.
    #[error("cannot read gold file {path}: {source}")]
    Io {
        /// The gold file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file was read but is not in the expected format.
    #[error("gold file {path} is malformed: {message}")]
    Format {
        /// The gold file.
        path: PathBuf,
        /// What was expected.
        message: String,
    },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> EvalError + '_ {
    move |source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn format_error(path: &Path, message: impl Into<String>) -> EvalError {
    EvalError::Format {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// The three entity categories, in the order tables list them.
pub const ENTITY_TYPES: [&str; 3] = ["PER", "ORG", "LOC"];

/// One gold entity: every name that counts as naming it.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldEntity {
    /// The name shown in error lists.
    pub label: String,
    /// Acceptable names, as written in the gold set (scorers normalise them).
    pub names: Vec<String>,
    /// Neither rewarded nor punished when matched; not a miss when absent (factRuEval entities
    /// named only by a descriptor).
    pub optional: bool,
}

/// The gold entities of one document, per type (indices follow [`ENTITY_TYPES`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GoldEntities {
    /// People, organisations and places.
    pub by_type: [Vec<GoldEntity>; 3],
}

/// A gold document: the article to enrich and what it should yield.
#[derive(Debug, Clone)]
pub struct GoldArticle {
    /// The document key the scorers use (the file name the reference `write` command gives it).
    pub key: String,
    /// The text, as a body without title; `source.path` is `key`.
    pub article: Article,
    /// The gold entities.
    pub gold: GoldEntities,
}

/// One predicted entity: canonical name and aliases.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictedEntity {
    /// Canonical name.
    pub name: String,
    /// Other spellings.
    pub aliases: Vec<String>,
}

/// What enrichment said about one article, in the shape of an `idx extract` line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PredictedArticle {
    /// The `source` field: a path, possibly with `#record` or `:line`.
    pub source: String,
    /// An explicit record id, when the extract has one.
    pub id: Option<String>,
    /// ISO 639-1 code.
    pub language: Option<String>,
    /// Publication date, ISO 8601.
    pub published: Option<String>,
    /// People, organisations and places (indices follow [`ENTITY_TYPES`]).
    pub by_type: [Vec<PredictedEntity>; 3],
    /// Date values ("2022-02-01", "2022-02", "2022").
    pub dates: Vec<String>,
}

impl PredictedArticle {
    /// The prediction for an enriched article; `source` is the article's file path, or its
    /// record id after `#` when it has one.
    pub fn from_enriched(enriched: &EnrichedArticle) -> PredictedArticle {
        let source_ref = &enriched.article.source;
        let mut source = source_ref.path.to_string_lossy().into_owned();
        if let Some(record_id) = &source_ref.record_id {
            source.push('#');
            source.push_str(record_id);
        }
        let convert = |entities: &[crate::enrich::Entity]| {
            entities
                .iter()
                .map(|entity| PredictedEntity {
                    name: entity.name.clone(),
                    aliases: entity.aliases.clone(),
                })
                .collect()
        };
        PredictedArticle {
            source,
            id: None,
            language: Some(enriched.language.clone()),
            published: enriched.published.map(|date| date.to_string()),
            by_type: [
                convert(&enriched.people),
                convert(&enriched.organizations),
                convert(&enriched.places),
            ],
            dates: enriched
                .dates
                .iter()
                .map(|mention| mention.date.clone())
                .collect(),
        }
    }

    /// Reads one `idx extract` JSON object (fields `source`, `id`, `language`, `published`,
    /// `people`, `organizations`, `places`, `dates`); missing fields are empty.
    pub fn from_json(object: &serde_json::Value) -> PredictedArticle {
        let text = |value: &serde_json::Value| match value {
            serde_json::Value::String(text) => Some(text.clone()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        };
        let entities = |field: &str| -> Vec<PredictedEntity> {
            let Some(list) = object.get(field).and_then(|value| value.as_array()) else {
                return Vec::new();
            };
            list.iter()
                .map(|entity| match entity {
                    serde_json::Value::String(name) => PredictedEntity {
                        name: name.clone(),
                        aliases: Vec::new(),
                    },
                    _ => PredictedEntity {
                        name: entity.get("name").and_then(text).unwrap_or_default(),
                        aliases: entity
                            .get("aliases")
                            .and_then(|aliases| aliases.as_array())
                            .map(|aliases| aliases.iter().filter_map(text).collect())
                            .unwrap_or_default(),
                    },
                })
                .collect()
        };
        let dates = object
            .get("dates")
            .and_then(|value| value.as_array())
            .map(|list| {
                list.iter()
                    .filter_map(|date| match date {
                        serde_json::Value::Object(_) => date.get("date").and_then(text),
                        other => text(other),
                    })
                    .collect()
            })
            .unwrap_or_default();
        PredictedArticle {
            source: object.get("source").and_then(text).unwrap_or_default(),
            id: object.get("id").and_then(text).filter(|id| !id.is_empty()),
            language: object.get("language").and_then(text),
            published: object
                .get("published")
                .and_then(text)
                .filter(|date| !date.is_empty()),
            by_type: [
                entities("people"),
                entities("organizations"),
                entities("places"),
            ],
            dates,
        }
    }

    /// The file name of `source` (before any `#record`), the key of the CoNLL-style scorers.
    fn file_name(&self) -> &str {
        let path = self.source.split('#').next().unwrap_or("");
        path.rsplit(['/', '\\']).next().unwrap_or(path)
    }

    /// Candidate seed keys, as `score_gold.py` looks them up: the record id after `#`, the `id`
    /// field, the file name, and the file name without a `:line` suffix.
    fn seed_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        if let Some((_, record_id)) = self.source.rsplit_once('#') {
            keys.push(record_id.to_string());
        }
        if let Some(id) = &self.id {
            keys.push(id.clone());
        }
        let file_name = self.file_name().to_string();
        let without_line = file_name
            .rsplit_once(':')
            .map(|(head, _)| head.to_string())
            .unwrap_or_else(|| file_name.clone());
        keys.push(file_name);
        keys.push(without_line);
        let mut unique: Vec<String> = Vec::new();
        for key in keys {
            if !key.is_empty() && !unique.contains(&key) {
                unique.push(key);
            }
        }
        unique
    }
}

/// Reads an `idx extract` JSON Lines text; blank lines are skipped.
pub fn read_extract_jsonl(text: &str) -> Result<Vec<PredictedArticle>, serde_json::Error> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).map(|value| PredictedArticle::from_json(&value)))
        .collect()
}

// ------------------------------------------------------------------------------------- tables

/// True positives, false positives and false negatives of one category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Matched gold entities.
    pub true_positives: usize,
    /// Predictions that matched nothing (or only an already-matched entity).
    pub false_positives: usize,
    /// Gold entities no prediction matched.
    pub false_negatives: usize,
}

impl Counts {
    /// TP / (TP + FP), 0 when nothing was predicted.
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    /// TP / (TP + FN), 0 when there is no gold.
    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (precision, recall) = (self.precision(), self.recall());
        if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        }
    }

    fn add(&mut self, other: Counts) {
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.false_negatives += other.false_negatives;
    }
}

fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

/// A scored gold set: one row per category plus summary rows, and free-form notes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// What was scored ("CoNLL-2003 testa").
    pub title: String,
    /// Category label and counts, in display order.
    pub rows: Vec<(String, Counts)>,
    /// Lines printed under the table (accuracies, document counts).
    pub notes: Vec<String>,
    /// Per-document false positives and negatives ("doc: PER FP name").
    pub errors: Vec<String>,
}

impl Table {
    /// The counts of the row labelled `label`.
    pub fn row(&self, label: &str) -> Option<Counts> {
        self.rows
            .iter()
            .find(|(row_label, _)| row_label == label)
            .map(|(_, counts)| *counts)
    }
}

impl fmt::Display for Table {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(formatter, "{}", self.title)?;
        writeln!(
            formatter,
            "{:<14}{:>7}{:>7}{:>7}{:>8}{:>8}{:>8}",
            "category", "TP", "FP", "FN", "P", "R", "F1"
        )?;
        for (label, counts) in &self.rows {
            writeln!(
                formatter,
                "{:<14}{:>7}{:>7}{:>7}{:>8.3}{:>8.3}{:>8.3}",
                label,
                counts.true_positives,
                counts.false_positives,
                counts.false_negatives,
                counts.precision(),
                counts.recall(),
                counts.f1()
            )?;
        }
        for note in &self.notes {
            writeln!(formatter, "{note}")?;
        }
        Ok(())
    }
}

// ----------------------------------------------------------------------------- normalisation

/// `conll_doc_eval.py` and `score_gold.py`: NFKD, combining marks dropped, lowercase,
/// whitespace collapsed.
pub fn fold_for_match(name: &str) -> String {
    let lowered: String = name
        .nfkd()
        .filter(|&character| canonical_combining_class(character) == 0)
        .flat_map(char::to_lowercase)
        .collect();
    lowered.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Quote marks `factru_doc_eval.py` removes before comparing names.
const RUSSIAN_QUOTES: &[char] = &['«', '»', '"', '„', '“', '”', '‟', '‘', '’', '‚', '\'', '`'];

/// `factru_doc_eval.py`'s `norm`: lowercase, ё → е, NFKD folding that keeps й, quotes removed,
/// whitespace collapsed.
pub fn fold_russian(name: &str) -> String {
    // A private-use character protects й from NFKD, which would split it into и + breve.
    const KEEP_SHORT_I: char = '\u{e000}';
    let lowered: String = name
        .chars()
        .flat_map(char::to_lowercase)
        .map(|character| match character {
            'ё' => 'е',
            'й' => KEEP_SHORT_I,
            other => other,
        })
        .collect();
    let folded: String = lowered
        .nfkd()
        .filter(|&character| canonical_combining_class(character) == 0)
        .map(|character| {
            if character == KEEP_SHORT_I {
                'й'
            } else {
                character
            }
        })
        .filter(|character| !RUSSIAN_QUOTES.contains(character))
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Case endings the factRuEval scorer strips, longest first.
const RUSSIAN_ENDINGS: &[&str] = &[
    "ого", "его", "ому", "ему", "ом", "ем", "ой", "ей", "ым", "им", "ых", "их", "ая", "яя", "ую",
    "юю", "а", "я", "у", "ю", "ы", "и", "е",
];

/// The scorer's crude stem of one word: the longest listed ending that leaves three letters.
fn stem_russian_word(word: &str) -> &str {
    let n_chars = word.chars().count();
    for ending in RUSSIAN_ENDINGS {
        if word.ends_with(ending) && n_chars - ending.chars().count() >= 3 {
            return &word[..word.len() - ending.len()];
        }
    }
    word
}

fn stem_russian(folded: &str) -> String {
    folded
        .split(' ')
        .map(stem_russian_word)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The scorer's transliteration to Latin, then its folding (x → ks, yo/ye → e, y → i, ii → i).
fn latin_russian(folded: &str) -> String {
    let mut latin = String::with_capacity(folded.len());
    for character in folded.chars() {
        let replacement = match character {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' => "i",
            'й' | 'ы' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ю' => "yu",
            'я' => "ya",
            other => {
                latin.push(other);
                continue;
            }
        };
        latin.push_str(replacement);
    }
    let mut latin = latin
        .replace('x', "ks")
        .replace("yo", "e")
        .replace("ye", "e")
        .replace('y', "i");
    while latin.contains("ii") {
        latin = latin.replace("ii", "i");
    }
    latin
}

/// Exact, stemmed and transliterated key sets of a list of names.
struct RussianKeys {
    exact: HashSet<String>,
    stemmed: HashSet<String>,
    latin: HashSet<String>,
}

impl RussianKeys {
    fn of<'a>(names: impl IntoIterator<Item = &'a str>) -> RussianKeys {
        let exact: HashSet<String> = names
            .into_iter()
            .map(fold_russian)
            .filter(|name| !name.is_empty())
            .collect();
        RussianKeys {
            stemmed: exact.iter().map(|name| stem_russian(name)).collect(),
            latin: exact.iter().map(|name| latin_russian(name)).collect(),
            exact,
        }
    }

    fn hits(&self, other: &RussianKeys) -> bool {
        !self.exact.is_disjoint(&other.exact)
            || !self.stemmed.is_disjoint(&other.stemmed)
            || !self.latin.is_disjoint(&other.latin)
    }
}

// -------------------------------------------------------------------------- CoNLL-style sets

/// IOB1 or IOB2 tags to `(start, end_exclusive, type)` chunks, as `conll_doc_eval.py` reads them.
fn chunks(tags: &[&str]) -> Vec<(usize, usize, String)> {
    let mut found = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (tag_idx, tag) in tags.iter().copied().chain(["O"]).enumerate() {
        let inside_same = tag.strip_prefix("I-").is_some_and(|kind| {
            open.as_ref()
                .is_some_and(|(_, open_kind)| open_kind == kind)
        });
        if tag == "O" || tag.starts_with("B-") || (tag.starts_with("I-") && !inside_same) {
            if let Some((start, kind)) = open.take() {
                found.push((start, tag_idx, kind));
            }
            if tag != "O" {
                open = Some((tag_idx, tag.get(2..).unwrap_or("").to_string()));
            }
        }
    }
    found
}

/// Gold sets from `(type, name)` mentions of one document, as `conll_doc_eval.py` builds them:
/// unique names per type; a PER name whose words are a proper subset of a longer PER name's
/// words is an acceptable name of that longer one (of each, when several).
fn conll_gold(mentions: &[(String, String)]) -> GoldEntities {
    let mut unique: [Vec<String>; 3] = Default::default();
    for (kind, name) in mentions {
        let Some(type_idx) = ENTITY_TYPES.iter().position(|known| known == kind) else {
            continue;
        };
        let folded = fold_for_match(name);
        if !unique[type_idx].contains(&folded) {
            unique[type_idx].push(folded);
        }
    }
    let single = |names: &[String]| -> Vec<GoldEntity> {
        names
            .iter()
            .map(|name| GoldEntity {
                label: name.clone(),
                names: vec![name.clone()],
                optional: false,
            })
            .collect()
    };
    let people = &unique[0];
    let words: Vec<HashSet<&str>> = people
        .iter()
        .map(|name| name.split(' ').collect())
        .collect();
    let is_proper_subset = |left: usize, right: usize| {
        words[left].len() < words[right].len() && words[left].is_subset(&words[right])
    };
    let maximal: Vec<usize> = (0..people.len())
        .filter(|&idx| !(0..people.len()).any(|other| is_proper_subset(idx, other)))
        .collect();
    let mut clusters: Vec<GoldEntity> = maximal
        .iter()
        .map(|&idx| GoldEntity {
            label: people[idx].clone(),
            names: vec![people[idx].clone()],
            optional: false,
        })
        .collect();
    for (idx, person) in people.iter().enumerate() {
        if maximal.contains(&idx) {
            continue;
        }
        for (cluster_idx, &maximal_idx) in maximal.iter().enumerate() {
            if is_proper_subset(idx, maximal_idx) {
                clusters[cluster_idx].names.push(person.clone());
            }
        }
    }
    for cluster in &mut clusters {
        // Error lists name a cluster by its alphabetically first name, as the reference does.
        cluster.names.sort();
        if let Some(first) = cluster.names.first() {
            cluster.label = first.clone();
        }
    }
    GoldEntities {
        by_type: [clusters, single(&unique[1]), single(&unique[2])],
    }
}

pub(crate) fn plain_article(key: &str, body: String) -> Article {
    Article {
        source: SourceRef {
            path: PathBuf::from(key),
            line: None,
            record_id: None,
        },
        url: None,
        title: String::new(),
        n_bytes: body.len() as u64,
        body,
        published: None,
        declared_language: None,
    }
}

pub(crate) fn read_maybe_gzipped(path: &Path) -> Result<String, EvalError> {
    let bytes = std::fs::read(path).map_err(io_error(path))?;
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .read_to_end(&mut unzipped)
            .map_err(io_error(path))?;
        unzipped
    } else {
        bytes
    };
    // The CoNLL files are Latin-1 in places; the reference reads them with errors="replace".
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Sentences of a CoNLL file as `(token, tag)` lists, documents split at `-DOCSTART-` lines.
fn conll_documents(text: &str) -> Vec<Vec<Vec<(String, String)>>> {
    let mut documents: Vec<Vec<Vec<(String, String)>>> = Vec::new();
    let mut document: Option<Vec<Vec<(String, String)>>> = None;
    let mut sentence: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with("-DOCSTART-") {
            if let Some(open) = document.as_mut() {
                if !sentence.is_empty() {
                    open.push(std::mem::take(&mut sentence));
                }
            }
            sentence.clear();
            if let Some(finished) = document.take() {
                if !finished.is_empty() {
                    documents.push(finished);
                }
            }
            document = Some(Vec::new());
            continue;
        }
        if line.trim().is_empty() {
            if !sentence.is_empty() {
                document
                    .get_or_insert_with(Vec::new)
                    .push(std::mem::take(&mut sentence));
            }
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        if let (Some(token), Some(tag)) = (parts.first(), parts.last()) {
            sentence.push((token.to_string(), tag.to_string()));
        }
    }
    if !sentence.is_empty() {
        document.get_or_insert_with(Vec::new).push(sentence);
    }
    if let Some(finished) = document {
        if !finished.is_empty() {
            documents.push(finished);
        }
    }
    documents
}

fn sentence_mentions(
    sentence: &[(String, String)],
    type_of: fn(&str) -> Option<&'static str>,
) -> Vec<(String, String)> {
    let tags: Vec<&str> = sentence.iter().map(|(_, tag)| tag.as_str()).collect();
    chunks(&tags)
        .into_iter()
        .filter_map(|(start, end, kind)| {
            let kind = type_of(&kind)?;
            let name = sentence[start..end]
                .iter()
                .map(|(token, _)| token.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            Some((kind.to_string(), name))
        })
        .collect()
}

fn conll_type(kind: &str) -> Option<&'static str> {
    ENTITY_TYPES.iter().copied().find(|known| *known == kind)
}

fn sentence_text(sentence: &[(String, String)]) -> String {
    sentence
        .iter()
        .map(|(token, _)| token.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads CoNLL-2003 (`eng.testa.gz`, `eng.train.gz`): one document per `-DOCSTART-`, its text
/// the sentences' tokens joined by spaces, one sentence a line, keyed `<split>-0001.txt` like
/// the files `conll_doc_eval.py write` makes.
pub fn read_conll2003(path: &Path, split: &str) -> Result<Vec<GoldArticle>, EvalError> {
    let text = read_maybe_gzipped(path)?;
    let documents = conll_documents(&text);
    if documents.is_empty() {
        return Err(format_error(path, "no sentences found"));
    }
    Ok(documents
        .iter()
        .enumerate()
        .map(|(document_idx, sentences)| {
            let key = format!("{split}-{:04}.txt", document_idx + 1);
            let body = sentences
                .iter()
                .map(|sentence| sentence_text(sentence))
                .collect::<Vec<_>>()
                .join("\n");
            let mentions: Vec<(String, String)> = sentences
                .iter()
                .flat_map(|sentence| sentence_mentions(sentence, conll_type))
                .collect();
            GoldArticle {
                article: plain_article(&key, body),
                gold: conll_gold(&mentions),
                key,
            }
        })
        .collect())
}

/// Reads CoNLL-2002 (`esp.testa`, gzipped or not). The files mark no article boundaries, so
/// each sentence is one document, keyed `<prefix>-00001.txt`.
pub fn read_conll2002(path: &Path, prefix: &str) -> Result<Vec<GoldArticle>, EvalError> {
    let text = read_maybe_gzipped(path)?;
    let sentences: Vec<Vec<(String, String)>> =
        conll_documents(&text).into_iter().flatten().collect();
    if sentences.is_empty() {
        return Err(format_error(path, "no sentences found"));
    }
    Ok(sentences
        .iter()
        .enumerate()
        .map(|(sentence_idx, sentence)| {
            let key = format!("{prefix}-{:05}.txt", sentence_idx + 1);
            GoldArticle {
                article: plain_article(&key, sentence_text(sentence)),
                gold: conll_gold(&sentence_mentions(sentence, conll_type)),
                key,
            }
        })
        .collect())
}

/// One RONEC sentence as the JSON file stores it.
#[derive(serde::Deserialize)]
struct RonecSentence {
    tokens: Vec<String>,
    ner_tags: Vec<String>,
    #[serde(default)]
    space_after: Vec<bool>,
}

fn ronec_type(kind: &str) -> Option<&'static str> {
    match kind {
        "PERSON" => Some("PER"),
        "ORG" => Some("ORG"),
        "GPE" | "LOC" => Some("LOC"),
        _ => None,
    }
}

/// Reads RONEC (`valid.json`, gzipped or not): each sentence one document, its text the tokens
/// joined as `space_after` says, keyed `<prefix>-00001.txt`. PERSON is PER, ORG is ORG, GPE and
/// LOC are LOC; gold names are written with the sentence's own spacing.
pub fn read_ronec(path: &Path, prefix: &str) -> Result<Vec<GoldArticle>, EvalError> {
    let text = read_maybe_gzipped(path)?;
    let sentences: Vec<RonecSentence> =
        serde_json::from_str(&text).map_err(|error| format_error(path, error.to_string()))?;
    let join = |sentence: &RonecSentence, from: usize, to: usize| {
        let mut joined = String::new();
        for token_idx in from..to {
            joined.push_str(&sentence.tokens[token_idx]);
            let space = sentence.space_after.get(token_idx).copied().unwrap_or(true);
            if space && token_idx + 1 < to {
                joined.push(' ');
            }
        }
        joined
    };
    Ok(sentences
        .iter()
        .enumerate()
        .map(|(sentence_idx, sentence)| {
            let key = format!("{prefix}-{:05}.txt", sentence_idx + 1);
            let n_tokens = sentence.tokens.len().min(sentence.ner_tags.len());
            let tags: Vec<&str> = sentence.ner_tags[..n_tokens]
                .iter()
                .map(String::as_str)
                .collect();
            let mentions: Vec<(String, String)> = chunks(&tags)
                .into_iter()
                .filter_map(|(start, end, kind)| {
                    Some((ronec_type(&kind)?.to_string(), join(sentence, start, end)))
                })
                .collect();
            GoldArticle {
                article: plain_article(&key, join(sentence, 0, sentence.tokens.len())),
                gold: conll_gold(&mentions),
                key,
            }
        })
        .collect())
}

/// Scores predictions against CoNLL-style gold sets (CoNLL-2003, CoNLL-2002, RONEC) exactly as
/// `conll_doc_eval.py score` does: per document and type, each prediction in order claims the
/// first unclaimed gold entity one of whose names equals its name or an alias (folded); a
/// prediction that claims nothing is a false positive. Predictions are found by the file name
/// of their `source`; the first one per key counts.
pub fn score_entity_sets(
    title: &str,
    gold: &[GoldArticle],
    predicted: &[PredictedArticle],
) -> Table {
    let by_key = index_by_file_name(predicted);
    let mut totals = [Counts::default(); 3];
    let mut errors = Vec::new();
    let mut sorted: Vec<&GoldArticle> = gold.iter().collect();
    sorted.sort_by(|left, right| left.key.cmp(&right.key));
    for gold_article in &sorted {
        let prediction = by_key.get(gold_article.key.as_str()).copied();
        for type_idx in 0..3 {
            let gold_entities = &gold_article.gold.by_type[type_idx];
            let gold_names: Vec<HashSet<String>> = gold_entities
                .iter()
                .map(|entity| {
                    entity
                        .names
                        .iter()
                        .map(|name| fold_for_match(name))
                        .collect()
                })
                .collect();
            let mut claimed = vec![false; gold_entities.len()];
            let mut counts = Counts::default();
            for entity in prediction
                .map(|found| found.by_type[type_idx].as_slice())
                .unwrap_or(&[])
            {
                let keys: HashSet<String> = std::iter::once(&entity.name)
                    .chain(&entity.aliases)
                    .map(|name| fold_for_match(name))
                    .collect();
                let free = (0..gold_entities.len())
                    .find(|&idx| !claimed[idx] && !gold_names[idx].is_disjoint(&keys));
                match free {
                    Some(idx) => claimed[idx] = true,
                    None => {
                        counts.false_positives += 1;
                        errors.push(format!(
                            "{}: {} FP {}",
                            gold_article.key, ENTITY_TYPES[type_idx], entity.name
                        ));
                    }
                }
            }
            counts.true_positives = claimed.iter().filter(|&&done| done).count();
            for (idx, entity) in gold_entities.iter().enumerate() {
                if !claimed[idx] {
                    counts.false_negatives += 1;
                    errors.push(format!(
                        "{}: {} FN {}",
                        gold_article.key, ENTITY_TYPES[type_idx], entity.label
                    ));
                }
            }
            totals[type_idx].add(counts);
        }
    }
    type_table(title, totals, gold, &by_key, errors)
}

fn index_by_file_name(predicted: &[PredictedArticle]) -> HashMap<&str, &PredictedArticle> {
    let mut by_key: HashMap<&str, &PredictedArticle> = HashMap::new();
    for prediction in predicted {
        by_key.entry(prediction.file_name()).or_insert(prediction);
    }
    by_key
}

fn type_table(
    title: &str,
    totals: [Counts; 3],
    gold: &[GoldArticle],
    by_key: &HashMap<&str, &PredictedArticle>,
    errors: Vec<String>,
) -> Table {
    let mut micro = Counts::default();
    let mut rows = Vec::new();
    for (type_idx, counts) in totals.iter().enumerate() {
        micro.add(*counts);
        rows.push((ENTITY_TYPES[type_idx].to_string(), *counts));
    }
    rows.push(("micro".to_string(), micro));
    let n_predicted = gold
        .iter()
        .filter(|article| by_key.contains_key(article.key.as_str()))
        .count();
    Table {
        title: title.to_string(),
        rows,
        notes: vec![format!(
            "documents: {} gold, {n_predicted} predicted",
            gold.len()
        )],
        errors,
    }
}

// ------------------------------------------------------------------------------ factRuEval

/// factRuEval span types that name an object (rather than describe it).
const NAME_SPAN_TYPES: &[&str] = &[
    "name",
    "surname",
    "patronymic",
    "nickname",
    "org_name",
    "loc_name",
    "prj_name",
];

fn core_span_types(kind: &str) -> &'static [&'static str] {
    match kind {
        "PER" => &["name", "surname", "patronymic", "nickname"],
        "ORG" => &["org_name"],
        _ => &["loc_name", "org_name"],
    }
}

fn factru_type(object_type: &str) -> Option<&'static str> {
    match object_type {
        "Person" => Some("PER"),
        "Org" => Some("ORG"),
        "Location" | "LocOrg" => Some("LOC"),
        _ => None,
    }
}

/// A span: type, start and length in characters.
type Span = (String, usize, usize);

fn parse_spans(text: &str) -> HashMap<String, Vec<Span>> {
    let mut spans: HashMap<String, Vec<Span>> = HashMap::new();
    for line in text.lines() {
        let fields: Vec<&str> = line
            .split('#')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        if fields.len() < 4 {
            continue;
        }
        if let (Ok(start), Ok(length)) = (fields[2].parse(), fields[3].parse()) {
            spans.entry(fields[0].to_string()).or_default().push((
                fields[1].to_string(),
                start,
                length,
            ));
        }
    }
    spans
}

fn parse_objects(text: &str) -> Vec<(String, String, Vec<String>)> {
    text.lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line
                .split('#')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .collect();
            (fields.len() >= 2).then(|| {
                (
                    fields[0].to_string(),
                    fields[1].to_string(),
                    fields[2..].iter().map(|field| field.to_string()).collect(),
                )
            })
        })
        .collect()
}

/// A coreference cluster: object ids and `key value` fields.
type Cluster = (Vec<String>, Vec<(String, String)>);

fn parse_coref(text: &str) -> Vec<Cluster> {
    let mut clusters = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    for line in text.lines().chain([""]) {
        if !line.trim().is_empty() {
            block.push(line);
            continue;
        }
        if let Some(head) = block.first() {
            let object_ids = head
                .split_whitespace()
                .skip(1)
                .map(str::to_string)
                .collect();
            let fields = block[1..]
                .iter()
                .map(|field_line| {
                    let trimmed = field_line.trim();
                    let (key, value) = trimmed.split_once(' ').unwrap_or((trimmed, ""));
                    (key.to_string(), value.trim().to_string())
                })
                .collect();
            clusters.push((object_ids, fields));
        }
        block.clear();
    }
    clusters
}

/// The reference's `clean`: whitespace collapsed, quotes and punctuation trimmed at both ends.
fn clean_mention(text: &str) -> String {
    const TRIM: &[char] = &[
        ' ', '\t', '\n', '«', '»', '"', '„', '“', '”', '‟', '‘', '’', '‚', '\'', '`', '(', ')',
        ',', ';', ':',
    ];
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(TRIM)
        .to_string()
}

/// Names a coreference cluster's fields give (name, nickname, surname with given names and
/// patronymic), and the "first last" full name.
fn coref_names(fields: &[(String, String)]) -> (Vec<String>, String) {
    let values = |keys: &[&str]| -> Vec<String> {
        keys.iter()
            .flat_map(|key| {
                fields
                    .iter()
                    .filter(move |(field, value)| field == key && !value.is_empty())
                    .map(|(_, value)| value.clone())
            })
            .collect()
    };
    let mut names = values(&["name", "nickname"]);
    let first = values(&["firstname", "firstname1", "firstname2"]);
    let last = values(&["lastname", "lastname1"]);
    let patronymic = values(&["patronymic"]);
    let mut lasts = last.clone();
    if last.len() > 1 {
        lasts.push(last.join(" "));
        lasts.push(last.join("-"));
    }
    for surname in &lasts {
        names.push(surname.clone());
        if let Some(first_name) = first.first() {
            names.push(format!("{first_name} {surname}"));
            names.push(format!("{} {surname}", first.join(" ")));
            names.push(format!("{surname} {}", first.join(" ")));
            if let Some(middle) = patronymic.first() {
                names.push(format!("{first_name} {middle} {surname}"));
            }
        }
    }
    if !first.is_empty() && last.is_empty() {
        names.push(first.join(" "));
        if let Some(middle) = patronymic.first() {
            names.push(format!("{} {middle}", first[0]));
        }
    }
    let full_name = match first.first() {
        Some(first_name) if !last.is_empty() => format!("{first_name} {}", last.join(" ")),
        _ => String::new(),
    };
    (names, full_name)
}

/// The gold entities of one factRuEval document, built as `factru_doc_eval.py` builds them.
fn factru_gold(text: &str, spans_text: &str, objects_text: &str, coref_text: &str) -> GoldEntities {
    let characters: Vec<char> = text.chars().collect();
    let cut = |from: usize, to: usize| -> String {
        characters[from.min(characters.len())..to.min(characters.len())]
            .iter()
            .collect()
    };
    let spans = parse_spans(spans_text);
    let objects = parse_objects(objects_text);
    let mut clusters = parse_coref(coref_text);
    let object_by_id: HashMap<&str, &(String, String, Vec<String>)> = objects
        .iter()
        .map(|object| (object.0.as_str(), object))
        .collect();
    let listed: HashSet<String> = clusters
        .iter()
        .flat_map(|(object_ids, _)| object_ids.iter().cloned())
        .collect();
    for object in &objects {
        if !listed.contains(&object.0) {
            clusters.push((vec![object.0.clone()], Vec::new()));
        }
    }
    let mut cluster_of: HashMap<&str, usize> = HashMap::new();
    for (cluster_idx, (object_ids, _)) in clusters.iter().enumerate() {
        for object_id in object_ids {
            cluster_of.insert(object_id.as_str(), cluster_idx);
        }
    }
    // (type, label, names, optional) per cluster.
    let mut found: Vec<(&str, String, Vec<String>, bool)> = Vec::new();
    for (cluster_idx, (object_ids, fields)) in clusters.iter().enumerate() {
        // (type, all spans, core spans) per mention.
        let mut mentions: Vec<(&str, Vec<&Span>, Vec<&Span>)> = Vec::new();
        for object_id in object_ids {
            let Some((_, object_type, span_ids)) = object_by_id.get(object_id.as_str()).copied()
            else {
                continue;
            };
            let Some(kind) = factru_type(object_type) else {
                continue;
            };
            let all_spans: Vec<&Span> = span_ids
                .iter()
                .flat_map(|span_id| spans.get(span_id).into_iter().flatten())
                .collect();
            if all_spans.is_empty() {
                continue;
            }
            // Spans of another cluster's object nested in this one ("комиссия ЕС" holds "ЕС")
            // are not this entity's own name.
            let own_ids: HashSet<&String> = span_ids.iter().collect();
            let nested: HashSet<&String> = objects
                .iter()
                .filter(|other| {
                    cluster_of.get(other.0.as_str()) != Some(&cluster_idx) && {
                        let other_ids: HashSet<&String> = other.2.iter().collect();
                        other_ids.len() < own_ids.len() && other_ids.is_subset(&own_ids)
                    }
                })
                .flat_map(|other| other.2.iter())
                .collect();
            let core: Vec<&Span> = span_ids
                .iter()
                .filter(|span_id| !nested.contains(span_id))
                .flat_map(|span_id| spans.get(span_id).into_iter().flatten())
                .filter(|span| core_span_types(kind).contains(&span.0.as_str()))
                .collect();
            mentions.push((kind, all_spans, core));
        }
        if mentions.is_empty() {
            continue;
        }
        let named: Vec<&(&str, Vec<&Span>, Vec<&Span>)> = mentions
            .iter()
            .filter(|mention| {
                mention
                    .1
                    .iter()
                    .any(|span| NAME_SPAN_TYPES.contains(&span.0.as_str()))
            })
            .collect();
        let voters: Vec<&str> = if named.is_empty() {
            mentions.iter().map(|mention| mention.0).collect()
        } else {
            named.iter().map(|mention| mention.0).collect()
        };
        // Majority type; ties go to LOC, then ORG, then PER.
        let mut kind = "LOC";
        let mut best = 0;
        for candidate in ["LOC", "ORG", "PER"] {
            let votes = voters.iter().filter(|voter| **voter == candidate).count();
            if votes > best {
                best = votes;
                kind = candidate;
            }
        }
        let mut ordered: Vec<&(&str, Vec<&Span>, Vec<&Span>)> = mentions.iter().collect();
        ordered.sort_by_key(|mention| mention.1.iter().map(|span| span.1).min().unwrap_or(0));
        let extent = |list: &[&Span]| -> String {
            let from = list.iter().map(|span| span.1).min().unwrap_or(0);
            let to = list.iter().map(|span| span.1 + span.2).max().unwrap_or(0);
            clean_mention(&cut(from, to))
        };
        let mut surfaces = Vec::new();
        let mut cores = Vec::new();
        for mention in ordered {
            surfaces.push(extent(&mention.1));
            if !mention.2.is_empty() {
                cores.push(extent(&mention.2));
            }
        }
        let (coref, full_name) = coref_names(fields);
        let label = fields
            .iter()
            .find(|(key, value)| key == "name" && !value.is_empty())
            .map(|(_, value)| value.clone())
            .filter(|value| !value.is_empty())
            .or_else(|| (!full_name.is_empty()).then(|| full_name.clone()))
            .or_else(|| cores.first().or(surfaces.first()).cloned())
            .unwrap_or_default();
        let names: Vec<String> = coref
            .into_iter()
            .chain(cores)
            .chain(surfaces)
            .filter(|name| !fold_russian(name).is_empty())
            .collect();
        found.push((kind, label, names, named.is_empty()));
    }
    // The coreference sometimes splits one entity in two; same type and label are merged.
    let mut gold = GoldEntities::default();
    let mut by_label: HashMap<(usize, String), usize> = HashMap::new();
    for (kind, label, names, optional) in found {
        let type_idx = ENTITY_TYPES
            .iter()
            .position(|known| *known == kind)
            .unwrap_or(2);
        let key = (type_idx, fold_russian(&label));
        if let Some(&entity_idx) = by_label.get(&key) {
            let entity = &mut gold.by_type[type_idx][entity_idx];
            entity.names.extend(names);
            entity.names.sort();
            entity.names.dedup();
            entity.optional = entity.optional && optional;
            continue;
        }
        let mut names = names;
        names.sort();
        names.dedup();
        by_label.insert(key, gold.by_type[type_idx].len());
        gold.by_type[type_idx].push(GoldEntity {
            label,
            names,
            optional,
        });
    }
    gold
}

/// Reads the factRuEval-2016 tarball: the documents of `folder` ("devset") that have a text,
/// in book-number order, keyed `factru-<split>-book_N.txt` like `factru_doc_eval.py write`.
pub fn read_factrueval(
    tarball: &Path,
    folder: &str,
    split: &str,
) -> Result<Vec<GoldArticle>, EvalError> {
    let file = std::fs::File::open(tarball).map_err(io_error(tarball))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut files: BTreeMap<String, HashMap<String, String>> = BTreeMap::new();
    for entry in archive.entries().map_err(io_error(tarball))? {
        let mut entry = entry.map_err(io_error(tarball))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .map_err(io_error(tarball))?
            .to_string_lossy()
            .into_owned();
        let mut parts: Vec<&str> = name.split('/').collect();
        if parts.first() == Some(&".") {
            parts.remove(0);
        }
        if parts.len() != 2 || parts[0] != folder || !parts[1].starts_with("book_") {
            continue;
        }
        let Some((book, extension)) = parts[1].rsplit_once('.') else {
            continue;
        };
        let (book, extension) = (book.to_string(), extension.to_string());
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(io_error(tarball))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| format_error(tarball, format!("{name} is not UTF-8")))?;
        files.entry(book).or_default().insert(extension, text);
    }
    let mut books: Vec<(String, HashMap<String, String>)> = files
        .into_iter()
        .filter(|(_, parts)| parts.contains_key("txt"))
        .collect();
    let number = |book: &str| -> u64 {
        book.split('_')
            .nth(1)
            .and_then(|digits| digits.parse().ok())
            .unwrap_or(0)
    };
    books.sort_by_key(|(book, _)| number(book));
    if books.is_empty() {
        return Err(format_error(
            tarball,
            format!("no documents under {folder}/"),
        ));
    }
    Ok(books
        .into_iter()
        .map(|(book, parts)| {
            let part = |extension: &str| parts.get(extension).map(String::as_str).unwrap_or("");
            let key = format!("factru-{split}-{book}.txt");
            GoldArticle {
                gold: factru_gold(part("txt"), part("spans"), part("objects"), part("coref")),
                article: plain_article(&key, part("txt").to_string()),
                key,
            }
        })
        .collect())
}

/// Kuhn's augmenting-path matching, in the reference's visiting order, so that the predictions
/// left over (and so the optional-entity pass after it) are the same.
fn maximum_matching(adjacency: &[Vec<usize>], n_right: usize) -> Vec<Option<usize>> {
    fn augment(
        left: usize,
        adjacency: &[Vec<usize>],
        owner: &mut [Option<usize>],
        seen: &mut [bool],
    ) -> bool {
        for &right in &adjacency[left] {
            if !seen[right] {
                seen[right] = true;
                if owner[right].is_none_or(|other| augment(other, adjacency, owner, seen)) {
                    owner[right] = Some(left);
                    return true;
                }
            }
        }
        false
    }
    let mut owner = vec![None; n_right];
    for left in 0..adjacency.len() {
        let mut seen = vec![false; n_right];
        augment(left, adjacency, &mut owner, &mut seen);
    }
    owner
}

/// Scores predictions against factRuEval gold sets exactly as `factru_doc_eval.py score` does:
/// a prediction matches a gold entity of its type when its name or an alias equals an acceptable
/// name exactly, after the crude Russian stem, or after transliteration; required entities are
/// paired by maximum matching, left-over predictions may then match optional entities (ignored),
/// and the rest are false positives.
pub fn score_factru(title: &str, gold: &[GoldArticle], predicted: &[PredictedArticle]) -> Table {
    let by_key = index_by_file_name(predicted);
    let mut totals = [Counts::default(); 3];
    let mut errors = Vec::new();
    let mut sorted: Vec<&GoldArticle> = gold.iter().collect();
    sorted.sort_by(|left, right| left.key.cmp(&right.key));
    for gold_article in &sorted {
        let prediction = by_key.get(gold_article.key.as_str()).copied();
        for type_idx in 0..3 {
            let entities = &gold_article.gold.by_type[type_idx];
            let required: Vec<(&GoldEntity, RussianKeys)> = entities
                .iter()
                .filter(|entity| !entity.optional)
                .map(|entity| {
                    (
                        entity,
                        RussianKeys::of(entity.names.iter().map(String::as_str)),
                    )
                })
                .collect();
            let optional: Vec<RussianKeys> = entities
                .iter()
                .filter(|entity| entity.optional)
                .map(|entity| RussianKeys::of(entity.names.iter().map(String::as_str)))
                .collect();
            let predictions: Vec<(&str, RussianKeys)> = prediction
                .map(|found| found.by_type[type_idx].as_slice())
                .unwrap_or(&[])
                .iter()
                .map(|entity| {
                    let names = std::iter::once(entity.name.as_str())
                        .chain(entity.aliases.iter().map(String::as_str));
                    (entity.name.as_str(), RussianKeys::of(names))
                })
                .collect();
            let adjacency: Vec<Vec<usize>> = predictions
                .iter()
                .map(|(_, keys)| {
                    (0..required.len())
                        .filter(|&idx| keys.hits(&required[idx].1))
                        .collect()
                })
                .collect();
            let owner = maximum_matching(&adjacency, required.len());
            let used: HashSet<usize> = owner.iter().flatten().copied().collect();
            let rest: Vec<usize> = (0..predictions.len())
                .filter(|idx| !used.contains(idx))
                .collect();
            let optional_adjacency: Vec<Vec<usize>> = rest
                .iter()
                .map(|&idx| {
                    (0..optional.len())
                        .filter(|&optional_idx| predictions[idx].1.hits(&optional[optional_idx]))
                        .collect()
                })
                .collect();
            let ignored: HashSet<usize> = maximum_matching(&optional_adjacency, optional.len())
                .into_iter()
                .flatten()
                .map(|rest_idx| rest[rest_idx])
                .collect();
            let mut counts = Counts::default();
            for &idx in &rest {
                if !ignored.contains(&idx) {
                    counts.false_positives += 1;
                    errors.push(format!(
                        "{}: {} FP {}",
                        gold_article.key, ENTITY_TYPES[type_idx], predictions[idx].0
                    ));
                }
            }
            for (required_idx, (entity, _)) in required.iter().enumerate() {
                if owner[required_idx].is_none() {
                    counts.false_negatives += 1;
                    errors.push(format!(
                        "{}: {} FN {}",
                        gold_article.key, ENTITY_TYPES[type_idx], entity.label
                    ));
                }
            }
            counts.true_positives = required.len() - counts.false_negatives;
            totals[type_idx].add(counts);
        }
    }
    type_table(title, totals, gold, &by_key, errors)
}

// ----------------------------------------------------------------------------------- seeds

/// Furniture lines that end a seed article's body in the plain-text split, as in `clean`.
const SEED_FURNITURE_LINES: &[&str] = &[
    "Leave a Reply",
    "Latest Posts",
    "Your Name",
    "Previous Story",
    "Source link",
];

/// Reads the seed articles (`*.txt` in `seeds_dir`, sorted) through a plain-text split: the
/// first non-empty line is the title, the body runs to the first furniture line. The real
/// pipeline should rather feed [`evaluate_seeds`] from ingest and clean.
pub fn read_seed_articles(seeds_dir: &Path) -> Result<Vec<Article>, EvalError> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(seeds_dir)
        .map_err(io_error(seeds_dir))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "txt"))
        .collect();
    paths.sort();
    let mut articles = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(io_error(&path))?;
        let mut lines = text.lines();
        let title = lines
            .by_ref()
            .find(|line| !line.trim().is_empty())
            .unwrap_or("")
            .trim()
            .to_string();
        let body_lines: Vec<&str> = lines
            .take_while(|line| !SEED_FURNITURE_LINES.contains(&line.trim()))
            .collect();
        let body = body_lines.join("\n").trim().to_string();
        articles.push(Article {
            source: SourceRef {
                path: path.clone(),
                line: None,
                record_id: None,
            },
            url: None,
            title,
            n_bytes: text.len() as u64,
            body,
            published: None,
            declared_language: None,
        });
    }
    Ok(articles)
}

/// Categories of the seed gold, in table order.
const SEED_CATEGORIES: [&str; 4] = ["people", "organizations", "places", "dates"];

/// The seed scores: the category table plus language and publication-date accuracy.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedReport {
    /// people, organizations, places, dates, actors, overall.
    pub table: Table,
    /// Documents whose language matched.
    pub n_language_correct: usize,
    /// Documents whose publication date matched (both null counts as a match).
    pub n_published_correct: usize,
    /// Gold documents.
    pub n_documents: usize,
}

impl fmt::Display for SeedReport {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.table)
    }
}

/// Scores enriched seed articles against `seeds_dir/gold.json`, as `score_gold.py` does (names
/// only, aliases not consulted). Articles are found under their record id or file name.
pub fn evaluate_seeds(
    seeds_dir: &Path,
    articles: &[EnrichedArticle],
) -> Result<SeedReport, EvalError> {
    let gold_path = seeds_dir.join("gold.json");
    let gold_text = std::fs::read_to_string(&gold_path).map_err(io_error(&gold_path))?;
    let gold: serde_json::Value = serde_json::from_str(&gold_text)
        .map_err(|error| format_error(&gold_path, error.to_string()))?;
    let predicted: Vec<PredictedArticle> = articles
        .iter()
        .map(PredictedArticle::from_enriched)
        .collect();
    score_seeds(&gold, &predicted)
        .ok_or_else(|| format_error(&gold_path, "expected an object of documents"))
}

/// Scores predictions against a parsed seed gold file (`{"documents": {key: {...}}}`); `None`
/// when the file has no documents object.
pub fn score_seeds(gold: &serde_json::Value, predicted: &[PredictedArticle]) -> Option<SeedReport> {
    let documents = gold.get("documents").unwrap_or(gold).as_object()?;
    let mut by_key: HashMap<String, &PredictedArticle> = HashMap::new();
    for prediction in predicted {
        let keys = prediction.seed_keys();
        if keys.first().is_some_and(|first| by_key.contains_key(first)) {
            continue;
        }
        for key in keys {
            by_key.entry(key).or_insert(prediction);
        }
    }
    let mut totals = [Counts::default(); 4];
    let mut errors = Vec::new();
    let (mut n_language_correct, mut n_published_correct) = (0, 0);
    // serde_json's map is sorted by key, like the reference's `sorted(gdocs)`.
    for (key, gold_document) in documents {
        let prediction = by_key.get(key).copied();
        for (category_idx, category) in SEED_CATEGORIES.iter().enumerate() {
            let gold_category = gold_document.get(*category);
            let extracted: Vec<String> = match prediction {
                None => Vec::new(),
                Some(found) if category_idx == 3 => {
                    let mut seen = Vec::new();
                    for date in &found.dates {
                        if !seen.contains(date) {
                            seen.push(date.clone());
                        }
                    }
                    seen
                }
                Some(found) => found.by_type[category_idx]
                    .iter()
                    .map(|entity| entity.name.clone())
                    .collect(),
            };
            let counts = score_seed_category(
                gold_category,
                &extracted,
                category_idx == 3,
                key,
                category,
                &mut errors,
            );
            totals[category_idx].add(counts);
        }
        let text_of = |value: Option<&serde_json::Value>| -> String {
            value
                .and_then(|value| value.as_str())
                .unwrap_or("")
                .to_string()
        };
        let gold_language = text_of(gold_document.get("language"));
        let found_language = prediction
            .and_then(|found| found.language.clone())
            .unwrap_or_default();
        if gold_language.to_lowercase() == found_language.to_lowercase() {
            n_language_correct += 1;
        }
        let gold_published = text_of(gold_document.get("published"));
        let found_published = prediction
            .and_then(|found| found.published.clone())
            .unwrap_or_default();
        if gold_published == found_published {
            n_published_correct += 1;
        }
    }
    let mut rows: Vec<(String, Counts)> = SEED_CATEGORIES
        .iter()
        .zip(totals)
        .map(|(category, counts)| (category.to_string(), counts))
        .collect();
    let mut actors = totals[0];
    actors.add(totals[1]);
    let mut overall = actors;
    overall.add(totals[2]);
    overall.add(totals[3]);
    rows.push(("actors".to_string(), actors));
    rows.push(("overall".to_string(), overall));
    let n_documents = documents.len();
    let accuracy = |n_correct: usize| ratio(n_correct, n_documents);
    Some(SeedReport {
        table: Table {
            title: "seeds".to_string(),
            rows,
            notes: vec![
                format!(
                    "language accuracy : {:.3} ({n_language_correct}/{n_documents})",
                    accuracy(n_language_correct)
                ),
                format!(
                    "published accuracy: {:.3} ({n_published_correct}/{n_documents})",
                    accuracy(n_published_correct)
                ),
            ],
            errors,
        },
        n_language_correct,
        n_published_correct,
        n_documents,
    })
}

/// One category of one seed document: must / may / must_not as `score_gold.py` counts them.
fn score_seed_category(
    gold_category: Option<&serde_json::Value>,
    extracted: &[String],
    is_dates: bool,
    document_key: &str,
    category: &str,
    errors: &mut Vec<String>,
) -> Counts {
    const KINDS: [&str; 3] = ["must", "may", "must_not"];
    // (kind index, item index, folded names, display name)
    let mut items: Vec<(usize, usize, HashSet<String>, String)> = Vec::new();
    for (kind_idx, kind) in KINDS.iter().enumerate() {
        let list = gold_category
            .and_then(|value| value.get(*kind))
            .and_then(|value| value.as_array())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for (item_idx, item) in list.iter().enumerate() {
            let names: Vec<String> = match item {
                serde_json::Value::Array(names) if !is_dates => names
                    .iter()
                    .map(|name| {
                        name.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| name.to_string())
                    })
                    .collect(),
                serde_json::Value::String(name) => vec![name.clone()],
                other => vec![other.to_string()],
            };
            let display = names.first().cloned().unwrap_or_default();
            items.push((
                kind_idx,
                item_idx,
                names.iter().map(|name| fold_for_match(name)).collect(),
                display,
            ));
        }
    }
    let mut claimed: HashSet<(usize, usize)> = HashSet::new();
    let mut counts = Counts::default();
    for name in extracted {
        let key = fold_for_match(name);
        let mut matches: Vec<&(usize, usize, HashSet<String>, String)> =
            items.iter().filter(|item| item.2.contains(&key)).collect();
        if matches.is_empty() {
            counts.false_positives += 1;
            errors.push(format!(
                "{document_key}: {category} FP {name:?}: not in gold"
            ));
            continue;
        }
        // An unclaimed must first, then an unclaimed may, then must_not, then duplicates.
        matches.sort_by_key(|item| (item.0, claimed.contains(&(item.0, item.1))));
        let (kind_idx, item_idx, _, display) = matches[0];
        if *kind_idx == 2 {
            counts.false_positives += 1;
            errors.push(format!(
                "{document_key}: {category} FP {name:?}: must_not ({display:?})"
            ));
        } else if claimed.contains(&(*kind_idx, *item_idx)) {
            counts.false_positives += 1;
            errors.push(format!(
                "{document_key}: {category} FP {name:?}: duplicate of {display:?}"
            ));
        } else {
            claimed.insert((*kind_idx, *item_idx));
            if *kind_idx == 0 {
                counts.true_positives += 1;
            }
        }
    }
    for (kind_idx, item_idx, _, display) in &items {
        if *kind_idx == 0 && !claimed.contains(&(*kind_idx, *item_idx)) {
            counts.false_negatives += 1;
            errors.push(format!("{document_key}: {category} FN {display:?}"));
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(actual: impl fmt::Debug, expected: &str) {
        assert_eq!(format!("{actual:?}"), expected);
    }

    #[test]
    fn folds_names_like_the_reference_scorers() {
        check(fold_for_match("  Zürich\u{a0} CITY "), "\"zurich city\"");
        check(fold_russian(" Ёлкин  «Café» "), "\"елкин cafe\"");
        check(fold_russian("Юрий"), "\"юрий\"");
        check(stem_russian("путиным"), "\"путин\"");
        check(stem_russian("сша"), "\"сша\"");
        check(stem_russian("европейского союза"), "\"европейск союз\"");
        check(
            latin_russian(&fold_russian("Владимир Путин"))
                == latin_russian(&fold_russian("Vladimir Putin")),
            "true",
        );
        check(
            latin_russian(&fold_russian("Хрущёв")) == latin_russian(&fold_russian("Khrushchev")),
            "true",
        );
        check(
            latin_russian(&fold_russian("Сергей")) == latin_russian(&fold_russian("Sergey")),
            "true",
        );
    }

    #[test]
    fn reads_iob_chunks() {
        check(
            chunks(&["B-PER", "I-PER", "O", "I-LOC", "I-ORG", "I-ORG"]),
            "[(0, 2, \"PER\"), (3, 4, \"LOC\"), (4, 6, \"ORG\")]",
        );
        check(
            chunks(&["I-PER", "B-PER"]),
            "[(0, 1, \"PER\"), (1, 2, \"PER\")]",
        );
    }

    #[test]
    fn clusters_surnames_under_full_names() {
        let mentions = [
            ("PER", "John Smith"),
            ("PER", "Smith"),
            ("PER", "Bob Smith"),
            ("LOC", "Paris"),
        ];
        let owned: Vec<(String, String)> = mentions
            .iter()
            .map(|(kind, name)| (kind.to_string(), name.to_string()))
            .collect();
        let gold = conll_gold(&owned);
        let names = |type_idx: usize| -> Vec<Vec<String>> {
            gold.by_type[type_idx]
                .iter()
                .map(|entity| entity.names.clone())
                .collect()
        };
        check(
            names(0),
            "[[\"john smith\", \"smith\"], [\"bob smith\", \"smith\"]]",
        );
        check(names(2), "[[\"paris\"]]");
    }

    #[test]
    fn scores_conll_like_the_reference() {
        let mentions: Vec<(String, String)> =
            [("PER", "John Smith"), ("PER", "Smith"), ("ORG", "Acme")]
                .iter()
                .map(|(kind, name)| (kind.to_string(), name.to_string()))
                .collect();
        let gold = vec![GoldArticle {
            key: "a.txt".into(),
            article: plain_article("a.txt", String::new()),
            gold: conll_gold(&mentions),
        }];
        let entity = |name: &str| PredictedEntity {
            name: name.into(),
            aliases: vec![],
        };
        let predicted = vec![PredictedArticle {
            source: "dir/a.txt".into(),
            by_type: [
                vec![entity("Smith"), entity("John Smith")],
                vec![],
                vec![entity("Acme")],
            ],
            ..PredictedArticle::default()
        }];
        let table = score_entity_sets("t", &gold, &predicted);
        check(
            table.row("PER"),
            "Some(Counts { true_positives: 1, false_positives: 1, false_negatives: 0 })",
        );
        check(
            table.row("ORG"),
            "Some(Counts { true_positives: 0, false_positives: 0, false_negatives: 1 })",
        );
        check(
            table.row("LOC"),
            "Some(Counts { true_positives: 0, false_positives: 1, false_negatives: 0 })",
        );
    }

    #[test]
    fn matches_maximally() {
        check(
            maximum_matching(&[vec![0, 1], vec![0]], 2),
            "[Some(1), Some(0)]",
        );
        check(maximum_matching(&[vec![0], vec![0]], 1), "[Some(0)]");
    }
}
