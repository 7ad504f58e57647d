//! The declared schema: `index-schema/schema.json` turned into a tantivy `Schema`, its analyzers,
//! and the typed handles (`Fields`) the rest of idx uses to read and write fields.
//!
//! The declaration is data a person can read and change (options such as `stored`, `boost` and
//! the stemmed languages); the field *names* are what the code relies on, so they live here as
//! constants and [`SchemaDecl::validate`] checks that the file declares each of them with the
//! right type. The declaration is stored in every index's commit payload, so a query always
//! opens an index with the schema it was built with.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::index::lowercase_words::LowercaseWords;
use crate::index::stem::MemoStemmer;
use serde::{Deserialize, Serialize};
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, Schema, TextFieldIndexing,
    TextOptions, FAST, STORED, STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, StopWordFilter, TextAnalyzer, TokenizerManager,
};

use crate::{Error, Result};

/// The embedded schema declaration (`index-schema/schema.json`).
pub const EMBEDDED_SCHEMA: &str = include_str!("../../index-schema/schema.json");

/// The on-disk format idx writes; bump it when the meaning of stored data changes. 2: text
/// fields also hold the letter and digit runs of mixed tokens ("covid19" -> "covid", "19"),
/// which queries ask for, so an index of format 1 must be rebuilt.
pub const INDEX_FORMAT: u32 = 2;

/// Field names the code reads and writes. The schema file must declare each of them.
pub mod names {
    /// Content hash of title and body.
    pub const ID: &str = "id";
    /// Every source (path or path:line) holding the text.
    pub const SOURCE: &str = "source";
    /// Words of source paths and urls.
    pub const SOURCE_WORDS: &str = "source_words";
    /// The article's url.
    pub const URL: &str = "url";
    /// Headline (per-language analysed).
    pub const TITLE: &str = "title";
    /// Article text (per-language analysed).
    pub const BODY: &str = "body";
    /// ISO 639-1 language code or `und`.
    pub const LANGUAGE: &str = "language";
    /// Language whose analyzer was used for title and body.
    pub const ANALYZED_AS: &str = "analyzed_as";
    /// Publication date.
    pub const PUBLISHED: &str = "published";
    /// Canonical person names (facet column).
    pub const PERSON: &str = "person";
    /// Canonical organisation names (facet column).
    pub const ORGANIZATION: &str = "organization";
    /// Canonical place names (facet column).
    pub const PLACE: &str = "place";
    /// Person names and aliases (searchable).
    pub const PERSON_NAMES: &str = "person_names";
    /// Organisation names and aliases (searchable).
    pub const ORGANIZATION_NAMES: &str = "organization_names";
    /// Place names and aliases (searchable).
    pub const PLACE_NAMES: &str = "place_names";
    /// Dates the article mentions.
    pub const DATE: &str = "date";
    /// Extracted facts as JSON.
    pub const FACTS: &str = "facts";

    /// Every field the code uses, with the declared type it needs.
    pub const REQUIRED: &[(&str, &str)] = &[
        (ID, "keyword"),
        (SOURCE, "keyword"),
        (SOURCE_WORDS, "text"),
        (URL, "keyword"),
        (TITLE, "text"),
        (BODY, "text"),
        (LANGUAGE, "keyword"),
        (ANALYZED_AS, "keyword"),
        (PUBLISHED, "date"),
        (PERSON, "keyword"),
        (ORGANIZATION, "keyword"),
        (PLACE, "keyword"),
        (PERSON_NAMES, "text"),
        (ORGANIZATION_NAMES, "text"),
        (PLACE_NAMES, "text"),
        (DATE, "keyword"),
        (FACTS, "stored_json"),
    ];
}

/// Analyzer for names and paths: split on non-alphanumerics, lowercase, fold diacritics.
pub const NAMES_ANALYZER: &str = "idx_names";
/// Analyzer for text in a language without a stemmer.
pub const PLAIN_ANALYZER: &str = "idx_plain";

/// The schema as declared in `index-schema/schema.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemaDecl {
    /// Bumped by whoever changes the file in a way that needs a rebuild.
    pub schema_version: u32,
    /// Free text for the person reading the file.
    #[serde(default)]
    pub about: String,
    /// ISO 639-1 codes that get a stemmed field of their own; other languages share one
    /// unstemmed field.
    pub languages: Vec<String>,
    /// The fields.
    pub fields: Vec<FieldDecl>,
}

/// One declared field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDecl {
    /// Field name; must be one of [`names::REQUIRED`].
    pub name: String,
    /// `keyword`, `text`, `date` or `stored_json`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Keep the value to show it in results.
    #[serde(default)]
    pub stored: bool,
    /// Keep a column for facets and sorting.
    #[serde(default)]
    pub fast: bool,
    /// For `keyword`: index the values for exact search (the default). The canonical names
    /// (`person`, `organization`, `place`) may be columns only: their filters find articles
    /// through the names fields and keep those whose column holds the name.
    #[serde(default = "indexed_by_default", skip_serializing_if = "is_indexed")]
    pub indexed: bool,
    /// For `text`: `per_language` (stemmed with the article's language) or `names`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<String>,
    /// Score multiplier for matches in this field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boost: Option<f32>,
    /// Free text for the person reading the file.
    #[serde(default)]
    pub about: String,
}

fn indexed_by_default() -> bool {
    true
}

// A declaration that does not mention `indexed` keeps the fingerprint it had before the
// option existed.
fn is_indexed(indexed: &bool) -> bool {
    *indexed
}

impl SchemaDecl {
    /// Parses a declaration; `path` only names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<SchemaDecl> {
        let decl: SchemaDecl = serde_json::from_str(text).map_err(|error| Error::Schema {
            path: path.to_path_buf(),
            line: error.line(),
            message: error.to_string(),
        })?;
        decl.validate(path)?;
        Ok(decl)
    }

    /// The declaration embedded in the binary.
    pub fn embedded() -> SchemaDecl {
        SchemaDecl::parse(EMBEDDED_SCHEMA, Path::new("<embedded>/schema.json"))
            .expect("the embedded schema is checked by a unit test")
    }

    /// Reads a declaration from a file.
    pub fn from_file(path: &Path) -> Result<SchemaDecl> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        SchemaDecl::parse(&text, path)
    }

    /// Checks that every field the code uses is declared with the right type, and that the
    /// languages are ones tantivy can stem.
    pub fn validate(&self, path: &Path) -> Result<()> {
        let problem = |message: String| Error::Schema {
            path: path.to_path_buf(),
            line: 0,
            message,
        };
        for (name, kind) in names::REQUIRED {
            match self.field(name) {
                None => return Err(problem(format!("field '{name}' is missing; idx needs it"))),
                Some(field) if field.kind != *kind => {
                    return Err(problem(format!(
                        "field '{name}' has type '{}', idx needs '{kind}'",
                        field.kind
                    )))
                }
                Some(_) => {}
            }
        }
        for field in &self.fields {
            if !names::REQUIRED.iter().any(|(name, _)| *name == field.name) {
                let known: Vec<&str> = names::REQUIRED.iter().map(|(name, _)| *name).collect();
                return Err(problem(format!(
                    "unknown field '{}' (fields: {})",
                    field.name,
                    known.join(", ")
                )));
            }
            if !field.indexed {
                let column_only = [names::PERSON, names::ORGANIZATION, names::PLACE];
                if field.kind != "keyword" || !column_only.contains(&field.name.as_str()) {
                    return Err(problem(format!(
                        "field '{}' must be indexed; only {} may set \"indexed\": false",
                        field.name,
                        column_only.join(", ")
                    )));
                }
                if !field.fast {
                    return Err(problem(format!(
                        "field '{}' is neither indexed nor fast; set \"fast\": true",
                        field.name
                    )));
                }
            }
            if field.kind == "text" {
                match field.analysis.as_deref() {
                    Some("per_language") | Some("names") => {}
                    other => {
                        return Err(problem(format!(
                        "field '{}' has analysis {other:?}; expected \"per_language\" or \"names\"",
                        field.name
                    )))
                    }
                }
            }
        }
        for code in &self.languages {
            if stemmer_language(code).is_none() {
                return Err(problem(format!(
                    "language '{code}' has no stemmer (stemmed languages: {})",
                    STEMMED_LANGUAGES.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// The declaration of field `name`.
    pub fn field(&self, name: &str) -> Option<&FieldDecl> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// The boost declared for `name`, 1.0 by default.
    pub fn boost(&self, name: &str) -> f32 {
        self.field(name)
            .and_then(|field| field.boost)
            .unwrap_or(1.0)
    }

    /// A short fingerprint of the declaration, stored in the index to detect a changed schema.
    pub fn fingerprint(&self) -> String {
        let canonical = serde_json::to_string(self).unwrap_or_default();
        let hash = blake3::hash(canonical.as_bytes());
        hash.to_hex()[..16].to_string()
    }

    /// Builds the tantivy schema and the field handles.
    pub fn build(&self) -> (Schema, Fields) {
        let mut builder = Schema::builder();
        let mut handles: BTreeMap<String, Field> = BTreeMap::new();
        let mut per_language: BTreeMap<String, LangFields> = BTreeMap::new();
        for field in &self.fields {
            match field.kind.as_str() {
                "keyword" => {
                    let mut options = if field.indexed {
                        STRING
                    } else {
                        TextOptions::default()
                    };
                    if field.stored {
                        options = options | STORED;
                    }
                    if field.fast {
                        options = options | FAST;
                    }
                    handles.insert(
                        field.name.clone(),
                        builder.add_text_field(&field.name, options),
                    );
                }
                "date" => {
                    let mut options = DateOptions::default()
                        .set_indexed()
                        .set_precision(DateTimePrecision::Seconds);
                    if field.stored {
                        options = options.set_stored();
                    }
                    if field.fast {
                        options = options.set_fast();
                    }
                    handles.insert(
                        field.name.clone(),
                        builder.add_date_field(&field.name, options),
                    );
                }
                "stored_json" => {
                    handles.insert(
                        field.name.clone(),
                        builder.add_text_field(&field.name, STORED),
                    );
                }
                _ if field.analysis.as_deref() == Some("names") => {
                    // The names fields only filter (`actor:`, `place:`, `source:` match with a
                    // constant score), so they keep no field lengths: without them tantivy also
                    // skips the BM25 block bounds it would compute for every term.
                    let options = TextOptions::default().set_indexing_options(
                        TextFieldIndexing::default()
                            .set_tokenizer(NAMES_ANALYZER)
                            .set_fieldnorms(false)
                            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
                    );
                    handles.insert(
                        field.name.clone(),
                        builder.add_text_field(&field.name, options),
                    );
                }
                _ => {
                    // Per-language text: one stored copy under the plain name, and one indexed
                    // field per stemmed language, so that each article is analysed with the
                    // stemmer of its own language and a query reaches every language at once.
                    let stored = if field.stored {
                        Some(builder.add_text_field(&field.name, STORED))
                    } else {
                        None
                    };
                    let indexed = |analyzer: &str| {
                        TextOptions::default().set_indexing_options(
                            TextFieldIndexing::default()
                                .set_tokenizer(analyzer)
                                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
                        )
                    };
                    let mut by_language = Vec::new();
                    for code in &self.languages {
                        let handle = builder.add_text_field(
                            &format!("{}_{code}", field.name),
                            indexed(&stem_analyzer_name(code)),
                        );
                        by_language.push((code.clone(), handle));
                    }
                    let other = builder
                        .add_text_field(&format!("{}_other", field.name), indexed(PLAIN_ANALYZER));
                    per_language.insert(
                        field.name.clone(),
                        LangFields {
                            stored,
                            by_language,
                            other,
                            boost: field.boost.unwrap_or(1.0),
                        },
                    );
                }
            }
        }
        let schema = builder.build();
        let take = |name: &str| -> Field {
            *handles
                .get(name)
                .expect("validate() checked that every required field is declared")
        };
        let take_lang = |name: &str| -> LangFields {
            per_language
                .get(name)
                .cloned()
                .expect("validate() checked that title and body are per-language text")
        };
        let fields = Fields {
            id: take(names::ID),
            source: take(names::SOURCE),
            source_words: take(names::SOURCE_WORDS),
            url: take(names::URL),
            title: take_lang(names::TITLE),
            body: take_lang(names::BODY),
            language: take(names::LANGUAGE),
            analyzed_as: take(names::ANALYZED_AS),
            published: take(names::PUBLISHED),
            person: take(names::PERSON),
            organization: take(names::ORGANIZATION),
            place: take(names::PLACE),
            person_names: take(names::PERSON_NAMES),
            organization_names: take(names::ORGANIZATION_NAMES),
            place_names: take(names::PLACE_NAMES),
            date: take(names::DATE),
            facts: take(names::FACTS),
        };
        (schema, fields)
    }
}

/// Typed handles of every field idx uses.
#[derive(Debug, Clone)]
pub struct Fields {
    /// See [`names::ID`].
    pub id: Field,
    /// See [`names::SOURCE`].
    pub source: Field,
    /// See [`names::SOURCE_WORDS`].
    pub source_words: Field,
    /// See [`names::URL`].
    pub url: Field,
    /// See [`names::TITLE`].
    pub title: LangFields,
    /// See [`names::BODY`].
    pub body: LangFields,
    /// See [`names::LANGUAGE`].
    pub language: Field,
    /// See [`names::ANALYZED_AS`].
    pub analyzed_as: Field,
    /// See [`names::PUBLISHED`].
    pub published: Field,
    /// See [`names::PERSON`].
    pub person: Field,
    /// See [`names::ORGANIZATION`].
    pub organization: Field,
    /// See [`names::PLACE`].
    pub place: Field,
    /// See [`names::PERSON_NAMES`].
    pub person_names: Field,
    /// See [`names::ORGANIZATION_NAMES`].
    pub organization_names: Field,
    /// See [`names::PLACE_NAMES`].
    pub place_names: Field,
    /// See [`names::DATE`].
    pub date: Field,
    /// See [`names::FACTS`].
    pub facts: Field,
}

/// The fields of one per-language text field (`title` or `body`).
#[derive(Debug, Clone)]
pub struct LangFields {
    /// The stored copy, when the declaration keeps it.
    pub stored: Option<Field>,
    /// One indexed field per stemmed language.
    pub by_language: Vec<(String, Field)>,
    /// The indexed field for every other language.
    pub other: Field,
    /// Score multiplier.
    pub boost: f32,
}

impl LangFields {
    /// The indexed field for an article in `language`.
    pub fn for_language(&self, language: &str) -> Field {
        self.by_language
            .iter()
            .find(|(code, _)| code == language)
            .map_or(self.other, |(_, field)| *field)
    }

    /// Every indexed field, with its language code (`other` last).
    pub fn all(&self) -> impl Iterator<Item = (&str, Field)> {
        self.by_language
            .iter()
            .map(|(code, field)| (code.as_str(), *field))
            .chain(std::iter::once(("other", self.other)))
    }
}

/// ISO 639-1 codes of the languages tantivy stems.
pub const STEMMED_LANGUAGES: &[&str] = &[
    "ar", "da", "de", "el", "en", "es", "fi", "fr", "hu", "it", "nl", "no", "pt", "ro", "ru", "sv",
    "ta", "tr",
];

/// The stemmer for an ISO 639-1 code.
pub fn stemmer_language(code: &str) -> Option<Language> {
    Some(match code {
        "ar" => Language::Arabic,
        "da" => Language::Danish,
        "de" => Language::German,
        "el" => Language::Greek,
        "en" => Language::English,
        "es" => Language::Spanish,
        "fi" => Language::Finnish,
        "fr" => Language::French,
        "hu" => Language::Hungarian,
        "it" => Language::Italian,
        "nl" => Language::Dutch,
        "no" => Language::Norwegian,
        "pt" => Language::Portuguese,
        "ro" => Language::Romanian,
        "ru" => Language::Russian,
        "sv" => Language::Swedish,
        "ta" => Language::Tamil,
        "tr" => Language::Turkish,
        _ => return None,
    })
}

/// The analyzer name registered for a stemmed language.
pub fn stem_analyzer_name(code: &str) -> String {
    format!("idx_stem_{code}")
}

/// The analyzer registered for plain-words queries in a stemmed language (stop words removed).
pub fn words_query_analyzer_name(code: &str) -> String {
    format!("idx_words_{code}")
}

/// Longest token kept: longer ones are base64 blobs and URLs glued together, which only bloat
/// the term dictionary.
pub(crate) const MAX_TOKEN_BYTES: usize = 40;

/// Registers every analyzer the schema refers to.
pub fn register_analyzers(manager: &TokenizerManager, decl: &SchemaDecl) {
    manager.register(
        NAMES_ANALYZER,
        TextAnalyzer::builder(LowercaseWords::new(MAX_TOKEN_BYTES).folding_to_ascii()).build(),
    );
    manager.register(
        PLAIN_ANALYZER,
        TextAnalyzer::builder(LowercaseWords::with_runs(MAX_TOKEN_BYTES).folding_to_ascii())
            .build(),
    );
    for code in &decl.languages {
        let Some(language) = stemmer_language(code) else {
            continue;
        };
        let analyzer = stemming_analyzer(code, language, None);
        manager.register(&stem_analyzer_name(code), analyzer);
        // The same chain with the language's stop words removed, for plain-words queries:
        // "the" and "of" in a long natural-language query add noise to BM25, while the index
        // keeps them so that phrases still match.
        if let Some(stop_words) = StopWordFilter::new(language) {
            let query_analyzer = stemming_analyzer(code, language, Some(stop_words));
            manager.register(&words_query_analyzer_name(code), query_analyzer);
        }
    }
}

/// Split, drop overlong tokens, lowercase, add the letter and digit runs of mixed tokens
/// ("covid19" → "covid", "19"; see
/// [`LetterDigitSplitter`](crate::index::letter_digit::LetterDigitSplitter)), optionally drop stop words, fold
/// accents (Latin script only), stem.
///
/// Folding before stemming makes "garantias" and "garantías" one word: people type queries
/// without accents, and consistency matters more than the few suffix rules that look at
/// accented vowels. Scripts other than Latin have nothing to fold.
fn stemming_analyzer(
    code: &str,
    language: Language,
    stop_words: Option<StopWordFilter>,
) -> TextAnalyzer {
    let latin_script = !matches!(code, "ar" | "el" | "ru" | "ta");
    // Static chains, one per combination: a token goes through one dynamic call instead of
    // one per filter.
    let split = || TextAnalyzer::builder(LowercaseWords::with_runs(MAX_TOKEN_BYTES));
    let stemmer = MemoStemmer::new(language);
    match (stop_words, latin_script) {
        (Some(stop_words), true) => split()
            .filter(stop_words)
            .filter(AsciiFoldingFilter)
            .filter(stemmer)
            .build(),
        (Some(stop_words), false) => split().filter(stop_words).filter(stemmer).build(),
        // Stop words are matched before folding (their lists are spelled with accents), so
        // only the chains without them fold in the tokenizer.
        (None, true) => {
            TextAnalyzer::builder(LowercaseWords::with_runs(MAX_TOKEN_BYTES).folding_to_ascii())
                .filter(stemmer)
                .build()
        }
        (None, false) => split().filter(stemmer).build(),
    }
}

/// Where the schema declaration of a build comes from: the embedded copy or a user file.
#[derive(Debug, Clone, Default)]
pub enum SchemaSource {
    /// `index-schema/schema.json` as compiled into idx.
    #[default]
    Embedded,
    /// A user's file (`--schema FILE`).
    File(PathBuf),
}

impl SchemaSource {
    /// Loads and validates the declaration.
    pub fn load(&self) -> Result<SchemaDecl> {
        match self {
            SchemaSource::Embedded => Ok(SchemaDecl::embedded()),
            SchemaSource::File(path) => SchemaDecl::from_file(path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_schema_declares_every_field_the_code_uses() {
        let decl = SchemaDecl::embedded();
        for (name, kind) in names::REQUIRED {
            let field = decl.field(name).expect("declared");
            assert_eq!(field.kind, *kind, "{name}");
        }
        let (schema, fields) = decl.build();
        assert_eq!(schema.get_field_name(fields.id), "id");
        assert_eq!(
            schema.get_field_name(fields.body.for_language("ru")),
            "body_ru"
        );
        assert_eq!(
            schema.get_field_name(fields.body.for_language("pl")),
            "body_other"
        );
        assert_eq!(decl.boost("title"), 0.15);
    }

    #[test]
    fn embedded_schema_golden_field_list() {
        // A golden list: changing the schema's fields must be a deliberate edit here too.
        let (schema, _) = SchemaDecl::embedded().build();
        let field_names: Vec<&str> = schema.fields().map(|(_, entry)| entry.name()).collect();
        let expected_start = ["id", "source", "source_words", "url", "title", "title_ar"];
        assert_eq!(&field_names[..6], &expected_start);
        assert_eq!(field_names.len(), 17 - 2 + 2 * (1 + 18 + 1));
    }

    fn check_error(text: &str, expected: &str) {
        let error = SchemaDecl::parse(text, Path::new("s.json")).expect_err("must fail");
        let message = error.to_string();
        assert!(message.contains(expected), "{message}");
    }

    #[test]
    fn bad_declarations_name_the_problem() {
        check_error("{", "s.json:1:");
        let without_facts = EMBEDDED_SCHEMA.replace("\"facts\"", "\"fact\"");
        check_error(&without_facts, "field 'facts' is missing");
        let bad_language = EMBEDDED_SCHEMA.replace("\"tr\"]", "\"pl\"]");
        check_error(&bad_language, "language 'pl' has no stemmer");
        let bad_type = EMBEDDED_SCHEMA.replace(
            "{\"name\": \"published\",    \"type\": \"date\"",
            "{\"name\": \"published\",    \"type\": \"keyword\"",
        );
        check_error(&bad_type, "field 'published' has type 'keyword'");
        // Only the canonical names may be columns alone, and a column they must keep.
        let id_unindexed = EMBEDDED_SCHEMA.replace(
            "\"name\": \"id\",           \"type\": \"keyword\",",
            "\"name\": \"id\",           \"type\": \"keyword\", \"indexed\": false,",
        );
        check_error(&id_unindexed, "field 'id' must be indexed");
        let person_nowhere = EMBEDDED_SCHEMA.replace(
            "{\"name\": \"person\",       \"type\": \"keyword\", \"stored\": false, \"fast\": true,",
            "{\"name\": \"person\",       \"type\": \"keyword\", \"stored\": false, \"fast\": false,",
        );
        check_error(
            &person_nowhere,
            "field 'person' is neither indexed nor fast",
        );
    }

    #[test]
    fn canonical_names_are_columns_only() {
        let (schema, fields) = SchemaDecl::embedded().build();
        for field in [fields.person, fields.organization, fields.place] {
            let entry = schema.get_field_entry(field);
            assert!(!entry.is_indexed() && entry.is_fast(), "{}", entry.name());
        }
        assert!(schema.get_field_entry(fields.id).is_indexed());
        // Declaring `"indexed": true` or leaving it out is one declaration.
        let mut decl = SchemaDecl::embedded();
        for field in &mut decl.fields {
            field.indexed = true;
        }
        let written = serde_json::to_string(&decl).expect("serialise");
        assert!(!written.contains("indexed"), "{written}");
        let (schema, fields) = decl.build();
        assert!(schema.get_field_entry(fields.person).is_indexed());
    }

    #[test]
    fn fingerprint_changes_with_the_declaration() {
        let decl = SchemaDecl::embedded();
        let mut changed = decl.clone();
        changed.languages.pop();
        assert_ne!(decl.fingerprint(), changed.fingerprint());
        assert_eq!(decl.fingerprint(), SchemaDecl::embedded().fingerprint());
    }
}
