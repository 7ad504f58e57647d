//! The corpus-wide actor registry: clusters the per-article canonical names of people,
//! organisations and places into one entry per actor or place across the whole index, with every
//! spelling seen, the number of articles and the first and last publication dates.
//!
//! `enrich` merges spellings inside one article; this module merges them across articles, on
//! evidence only: the name lists, an identical or transliterated spelling, a surname with a
//! compatible given name, and, for looser matches (a misspelt surname, a surname alone), other
//! actors and places the two share across their articles. Two different given names are never
//! merged, and a merge that would be ambiguous is not made: unknown is better than wrong.
//!
//! The registry is computed from the stored facts of every article at the end of each build
//! (`build` calls [`Registry::from_index`]); `index` writes it as `registry.json` in the index
//! folder after the commit, and queries load it lazily ([`LazyRegistry`]) only when a name
//! filter needs it. This module never writes files itself.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;
// Keys here are names and node numbers the build made itself, not input an attacker picks to
// collide: the fast hasher is safe, and clustering spends much of its time hashing.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::{Deserialize, Serialize};
use tantivy::schema::Value as _;
use tantivy::TantivyDocument;

use crate::enrich::russian::is_cyrillic;
use crate::enrich::{
    fold_name, in_list, names_close, surname_close, EntityKind, Gazetteer, COMMON_WORDS_LIST,
    DEMONYMS_LIST, GIVEN_NAMES_LIST, ORG_WORDS_LIST, TITLE_FIRST_WORDS_LIST,
};
use crate::index::{tantivy_to_date, ArticleIndex};
use crate::output::{push_json_number, push_json_string, push_json_strings};
use crate::{Error, Result};

/// File name of the registry inside the index folder.
pub const REGISTRY_FILE: &str = "registry.json";

/// Bytes reserved for each actor when `registry.json` is written.
const JSON_ACTOR_GUESS: usize = 192;

/// Version of the `registry.json` layout; a file with another version is ignored.
const REGISTRY_FORMAT: u32 = 2;

/// What a registry entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    /// A person.
    Person,
    /// An organisation.
    Organization,
    /// A place.
    Place,
}

impl ActorKind {
    /// Every kind, in listing order.
    pub const ALL: [ActorKind; 3] = [ActorKind::Person, ActorKind::Organization, ActorKind::Place];

    /// The kind named `person`, `organization` (or `org`) or `place`.
    pub fn from_name(name: &str) -> Option<ActorKind> {
        match name.trim().to_ascii_lowercase().as_str() {
            "person" | "people" => Some(ActorKind::Person),
            "organization" | "organisation" | "org" => Some(ActorKind::Organization),
            "place" => Some(ActorKind::Place),
            _ => None,
        }
    }

    /// The lowercase name used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ActorKind::Person => "person",
            ActorKind::Organization => "organization",
            ActorKind::Place => "place",
        }
    }

    fn of_entity(kind: &EntityKind) -> ActorKind {
        match kind {
            EntityKind::Person => ActorKind::Person,
            EntityKind::Organization => ActorKind::Organization,
            EntityKind::Place => ActorKind::Place,
        }
    }
}

/// One canonical actor or place of the corpus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The canonical name: the name lists' when the actor is listed, else the most frequent
    /// full form in Latin script (a name seen only in Cyrillic keeps its Cyrillic form).
    pub name: String,
    /// Person, organisation or place.
    pub kind: ActorKind,
    /// Every other spelling seen across the corpus, plus a Latin transliteration for names seen
    /// only in Cyrillic; sorted.
    pub aliases: Vec<String>,
    /// Number of articles that mention the actor under any spelling.
    pub articles: u64,
    /// Earliest publication date (YYYY-MM-DD) of those articles; `None` when none has a date.
    pub first_seen: Option<String>,
    /// Latest publication date of those articles; `None` when none has a date.
    pub last_seen: Option<String>,
}

/// An actor with the per-article canonical names it gathers (what the index's name columns
/// hold), which is what a query expands a name filter to.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredActor {
    #[serde(flatten)]
    actor: Actor,
    /// The per-article canonical names merged into this actor, sorted.
    names: Vec<String>,
    /// Folded spellings and their loose transliteration keys, for lookups.
    keys: Vec<String>,
}

/// The names one article gives for one actor or place: its per-article canonical name and the
/// other spellings of it in that article.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct NameSighting {
    /// The per-article canonical name.
    pub name: String,
    /// Other spellings in the same article.
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl ArticleFacts {
    /// What the registry reads of an enriched article: the same facts the index stores.
    pub fn of(article: &crate::enrich::EnrichedArticle) -> ArticleFacts {
        let sightings = |entities: &[crate::enrich::Entity]| -> Vec<NameSighting> {
            entities
                .iter()
                .map(|entity| NameSighting {
                    name: entity.name.clone(),
                    aliases: entity.aliases.clone(),
                })
                .collect()
        };
        ArticleFacts {
            published: article.published,
            people: sightings(&article.people),
            organizations: sightings(&article.organizations),
            places: sightings(&article.places),
        }
    }

    /// [`ArticleFacts::of`] for an article no longer needed: its names are moved, not copied.
    pub fn from_article(article: crate::enrich::EnrichedArticle) -> ArticleFacts {
        let sightings = |entities: Vec<crate::enrich::Entity>| -> Vec<NameSighting> {
            entities
                .into_iter()
                .map(|entity| NameSighting {
                    name: entity.name,
                    aliases: entity.aliases,
                })
                .collect()
        };
        ArticleFacts {
            published: article.published,
            people: sightings(article.people),
            organizations: sightings(article.organizations),
            places: sightings(article.places),
        }
    }
}

/// Builds a [`Registry`] from articles handed over one at a time, for a build that knows every
/// article of the index as it writes them (a fresh build) and need not read them back.
pub struct RegistryBuilder<'a> {
    clustering: ClusteringBuilder<'a>,
}

impl<'a> RegistryBuilder<'a> {
    /// An empty builder using `gazetteer`'s names.
    pub fn new(gazetteer: &'a Gazetteer) -> RegistryBuilder<'a> {
        RegistryBuilder {
            clustering: ClusteringBuilder::new(gazetteer),
        }
    }

    /// Adds one article's facts; the builder keeps the names it needs without copying them.
    pub fn add(&mut self, article: ArticleFacts) {
        self.clustering.add(article);
    }

    /// Clusters everything added (see [`Registry::from_articles`]).
    pub fn finish(self) -> Registry {
        self.clustering.finish().cluster()
    }

    /// Clusters everything added into the contents of the registry's two files, as
    /// [`Registry::to_json`] and [`NameLookup::of`] write the registry [`RegistryBuilder::finish`]
    /// makes.
    pub(crate) fn finish_files(self) -> RegistryFiles {
        self.clustering.finish().cluster_files()
    }
}

impl NameSighting {
    /// A sighting with no other spellings.
    pub fn new(name: &str) -> NameSighting {
        NameSighting {
            name: name.to_string(),
            aliases: Vec::new(),
        }
    }
}

/// What the registry needs of one article: its publication date and its actors and places.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ArticleFacts {
    /// Publication date, when known.
    #[serde(skip)]
    pub published: Option<jiff::civil::Date>,
    /// People.
    #[serde(default)]
    pub people: Vec<NameSighting>,
    /// Organisations.
    #[serde(default)]
    pub organizations: Vec<NameSighting>,
    /// Places.
    #[serde(default)]
    pub places: Vec<NameSighting>,
}

/// Figures about one clustering, for the build report and the closing note of a measurement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RegistryFigures {
    /// Distinct per-article canonical names (after case and diacritic folding).
    pub names: u64,
    /// Canonical actors and places after merging.
    pub actors: u64,
    /// Merges made because the name lists list both names.
    pub merged_by_lists: u64,
    /// Merges made on the same (transliterated) spelling, or a surname with a compatible
    /// given name.
    pub merged_by_spelling: u64,
    /// Merges of a misspelt surname or a surname alone, made on shared context.
    pub merged_by_context: u64,
}

/// The corpus-wide registry of actors and places.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Registry {
    format: u32,
    /// Articles the registry was computed from.
    articles: u64,
    actors: Vec<StoredActor>,
    #[serde(skip)]
    figures: RegistryFigures,
}

impl Registry {
    /// Clusters the actors and places of `articles`. `gazetteer` gives canonical names and keeps
    /// listed entities apart.
    pub fn from_articles(articles: &[ArticleFacts], gazetteer: &Gazetteer) -> Registry {
        Clustering::new(articles, gazetteer).cluster()
    }

    /// Reads the stored facts and publication date of every article in `index` and clusters
    /// them (see [`Registry::from_articles`]).
    pub fn from_index(index: &ArticleIndex, gazetteer: &Gazetteer) -> Result<Registry> {
        Ok(Self::builder_of_index(index, gazetteer)?.finish().cluster())
    }

    /// The contents of the registry's two files for `index` ([`Registry::from_index`]).
    pub(crate) fn files_from_index(
        index: &ArticleIndex,
        gazetteer: &Gazetteer,
    ) -> Result<RegistryFiles> {
        Ok(Self::builder_of_index(index, gazetteer)?
            .finish()
            .cluster_files())
    }

    /// A builder holding the stored facts of every article in `index`.
    fn builder_of_index<'a>(
        index: &ArticleIndex,
        gazetteer: &'a Gazetteer,
    ) -> Result<ClusteringBuilder<'a>> {
        let mut builder = ClusteringBuilder::new(gazetteer);
        read_article_facts(index, &mut |articles| {
            for article in articles {
                builder.add(article);
            }
        })?;
        Ok(builder)
    }

    /// Loads `registry.json` from the index folder `index_dir`; `None` when there is none (an
    /// index built before the registry existed) or it has another format.
    pub fn load(index_dir: &Path) -> Result<Option<Registry>> {
        let path = index_dir.join(REGISTRY_FILE);
        let text = match std::fs::read(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(Error::Io { path, source }),
        };
        let registry: Registry = serde_json::from_slice(&text).map_err(|error| {
            Error::Internal(format!("{} cannot be read: {error}", path.display()))
        })?;
        if registry.format != REGISTRY_FORMAT {
            return Ok(None);
        }
        Ok(Some(registry))
    }

    /// The registry as the bytes of `registry.json`.
    pub fn to_json(&self) -> Result<Vec<u8>> {
        // About the length of an actor of the news corpus's registry, so that the text is
        // seldom grown (each growth copies all of it).
        let mut json = String::with_capacity(self.actors.len() * JSON_ACTOR_GUESS);
        self.write_json(&mut json);
        Ok(json.into_bytes())
    }

    /// Writes the registry as serde would (`to_json_writes_what_serde_writes` checks it byte for
    /// byte): serde serialises the flattened actor through its generic map machinery, which cost
    /// more than writing the text itself.
    fn write_json(&self, json: &mut String) {
        push_registry_json_start(json, self.format, self.articles);
        for (actor_idx, stored) in self.actors.iter().enumerate() {
            if actor_idx > 0 {
                json.push(',');
            }
            push_actor_json(json, &stored.view());
        }
        json.push_str("]}");
    }

    /// Every actor of `kind` (all kinds when `None`), most articles first, then by name.
    pub fn actors(&self, kind: Option<ActorKind>) -> Vec<&Actor> {
        let mut actors: Vec<&Actor> = self
            .actors
            .iter()
            .map(|stored| &stored.actor)
            .filter(|actor| kind.is_none_or(|kind| actor.kind == kind))
            .collect();
        actors.sort_by(|left, right| {
            right
                .articles
                .cmp(&left.articles)
                .then_with(|| left.name.cmp(&right.name))
                .then_with(|| left.kind.cmp(&right.kind))
        });
        actors
    }

    /// Number of articles the registry was computed from.
    pub fn n_articles(&self) -> u64 {
        self.articles
    }

    /// Figures about the clustering (only for a registry just computed; zeros when loaded).
    pub fn figures(&self) -> RegistryFigures {
        self.figures
    }

    /// The actor of `kind` that `name` (a canonical name or any spelling seen, ignoring case,
    /// diacritics and script) belongs to.
    pub fn find(&self, name: &str, kinds: &[ActorKind]) -> Vec<&Actor> {
        self.matching(name, kinds)
            .into_iter()
            .map(|actor_idx| &self.actors[actor_idx as usize].actor)
            .collect()
    }

    /// The per-article canonical names of every actor of one of `kinds` that `name` belongs to:
    /// what a name filter is expanded to. Empty when the registry does not know the name.
    pub fn expand(&self, name: &str, kinds: &[ActorKind]) -> Vec<(ActorKind, &str)> {
        let mut names = Vec::new();
        for actor_idx in self.matching(name, kinds) {
            let stored = &self.actors[actor_idx as usize];
            for member in &stored.names {
                names.push((stored.actor.kind, member.as_str()));
            }
        }
        names
    }

    /// The actors of one of `kinds` with a spelling whose folded form is `name`'s, else whose
    /// loose transliteration key is. A scan over the stored keys: a query asks this once or
    /// twice, and building a map of every key cost more than the scan (35 ms on a registry of
    /// 20,000 actors).
    fn matching(&self, name: &str, kinds: &[ActorKind]) -> Vec<u32> {
        let folded = fold_name(name);
        if folded.is_empty() {
            return Vec::new();
        }
        let with_key = |key: &str| -> Vec<u32> {
            self.actors
                .iter()
                .enumerate()
                .filter(|(_, stored)| {
                    kinds.contains(&stored.actor.kind)
                        && stored.keys.iter().any(|stored_key| stored_key == key)
                })
                .map(|(actor_idx, _)| actor_idx as u32)
                .collect()
        };
        let found = with_key(&folded);
        if !found.is_empty() {
            return found;
        }
        with_key(&loose_key(&folded))
    }
}

fn push_json_date(json: &mut String, date: Option<DateText>) {
    match date {
        Some(DateText::Text(date)) => push_json_string(json, date),
        // A date's text has nothing JSON escapes.
        Some(DateText::Written(date)) => {
            json.push('"');
            json.push_str(date);
            json.push('"');
        }
        None => json.push_str("null"),
    }
}

/// The lookup keys of an actor from the folded forms of its spellings: each folded form and
/// its loose transliteration key, sorted and each once, computed once when the registry is
/// built. Spellings that differ only in case or diacritics fold alike, so each folded form is
/// keyed once. The first `n_keyed` forms come with their keys already in `folded`, which
/// becomes the keys; `key` is room to write a key in, kept from one actor to the next.
fn spelling_keys(folded: &mut Vec<Cow<'_, str>>, n_keyed: usize, key: &mut String) {
    // The first `n_keyed` are folded forms whose keys the list already holds; the others are
    // sorted so that a form that comes twice is keyed once.
    folded[n_keyed..].sort_unstable();
    // Most folded names are their own loose key ("joe biden"): a key is written into one
    // buffer, and only one that differs becomes a string of its own, added to the list.
    let n_folded = folded.len();
    for folded_idx in n_keyed..n_folded {
        if folded_idx > n_keyed && folded[folded_idx] == folded[folded_idx - 1] {
            continue;
        }
        key.clear();
        push_loose_key(key, &folded[folded_idx]);
        if key.as_str() != folded[folded_idx].as_ref() {
            folded.push(Cow::Owned(key.clone()));
        }
    }
    folded.sort_unstable();
    folded.dedup();
}

/// The registry of an opened index, read on first use: a query without a name filter reads
/// nothing, a query with one reads only the small name lookup ([`NameLookup`]), and
/// [`LazyRegistry::get`] (for `idx actors`) reads `registry.json`.
#[derive(Debug)]
pub struct LazyRegistry {
    index_dir: PathBuf,
    registry: OnceLock<Option<Registry>>,
    lookup: OnceLock<Option<NameLookup>>,
}

impl LazyRegistry {
    /// A registry to be read from the index folder `index_dir` when first asked for.
    pub fn new(index_dir: &Path) -> LazyRegistry {
        LazyRegistry {
            index_dir: index_dir.to_path_buf(),
            registry: OnceLock::new(),
            lookup: OnceLock::new(),
        }
    }

    /// The registry, or `None` when the index has none (built by an older idx) or it cannot be
    /// read.
    pub fn get(&self) -> Option<&Registry> {
        self.registry
            .get_or_init(|| Registry::load(&self.index_dir).ok().flatten())
            .as_ref()
    }

    /// The name lookup, or `None` when the index has none; queries then fall back to the name
    /// lists alone.
    pub fn lookup(&self) -> Option<&NameLookup> {
        self.lookup
            .get_or_init(|| NameLookup::load(&self.index_dir).ok().flatten())
            .as_ref()
    }
}

/// File name of the name lookup inside the index folder.
pub const LOOKUP_FILE: &str = "registry-names.tsv";

/// Bytes reserved for each actor's line when the lookup text is written.
const LOOKUP_LINE_GUESS: usize = 56;

/// Separates the keys and the names inside a column of the lookup file.
const LOOKUP_SEPARATOR: char = '\u{1f}';

/// What a name filter needs of the registry, as one line per actor: the kind, the lookup keys
/// (folded spellings and loose transliteration keys) and the per-article canonical names.
/// Parsing all of `registry.json` took 50 ms on a 100,000-article index; finding a key in
/// this text takes a substring search, and only the matching lines are read.
#[derive(Debug, Clone)]
pub struct NameLookup {
    text: String,
}

impl NameLookup {
    /// Loads the lookup file from the index folder; `None` when there is none.
    pub fn load(index_dir: &Path) -> Result<Option<NameLookup>> {
        let path = index_dir.join(LOOKUP_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(NameLookup { text })),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::Io { path, source }),
        }
    }

    /// The lookup text of `registry`.
    pub fn of(registry: &Registry) -> NameLookup {
        // About the length of a line of the news corpus's registry, so that the text is seldom
        // grown.
        let mut text = String::with_capacity(registry.actors.len() * LOOKUP_LINE_GUESS);
        for stored in &registry.actors {
            push_lookup_line(&mut text, stored.actor.kind, &stored.keys, &stored.names);
        }
        NameLookup { text }
    }

    /// The text written to the lookup file.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The per-article canonical names of every actor of one of `kinds` that `name` belongs
    /// to (by folded spelling, else by loose transliteration key), as [`Registry::expand`].
    pub fn expand(&self, name: &str, kinds: &[ActorKind]) -> Vec<(ActorKind, String)> {
        let folded = fold_name(name);
        if folded.is_empty() {
            return Vec::new();
        }
        let found = self.with_key(&folded, kinds);
        if !found.is_empty() {
            return found;
        }
        self.with_key(&loose_key(&folded), kinds)
    }

    fn with_key(&self, key: &str, kinds: &[ActorKind]) -> Vec<(ActorKind, String)> {
        let needle = format!("{LOOKUP_SEPARATOR}{key}{LOOKUP_SEPARATOR}");
        let mut names = Vec::new();
        // memchr's SIMD search: the lookup text is scanned whole for every name filter.
        for position in memchr::memmem::find_iter(self.text.as_bytes(), needle.as_bytes()) {
            let line_start = self.text[..position].rfind('\n').map_or(0, |at| at + 1);
            let line_end = self.text[position..]
                .find('\n')
                .map_or(self.text.len(), |at| position + at);
            let mut columns = self.text[line_start..line_end].split('\t');
            let (Some(kind), Some(keys), Some(line_names)) =
                (columns.next(), columns.next(), columns.next())
            else {
                continue;
            };
            // The key must be one of the line's keys, not part of its names.
            let keys_start = line_start + kind.len() + 1;
            if position < keys_start || position + needle.len() > keys_start + keys.len() {
                continue;
            }
            let Some(kind) = ActorKind::from_name(kind).filter(|kind| kinds.contains(kind)) else {
                continue;
            };
            names.extend(
                line_names
                    .split(LOOKUP_SEPARATOR)
                    .filter(|name| !name.is_empty())
                    .map(|name| (kind, name.to_string())),
            );
        }
        names
    }
}

/// Articles whose facts are parsed together, in parallel, before they are handed on.
const FACTS_CHUNK: usize = 4096;

/// Reads the stored facts and publication date of every live article and hands them to
/// `each` a chunk at a time, in index order.
///
/// The document store holds the bodies too, so this decompresses every article. It reads the
/// store files with plain reads rather than through tantivy's memory map: pages of a mapped
/// file count in the process's resident memory while the map lives, which at a million
/// articles added gigabytes to the build's peak. Only a chunk of parsed facts is held at once.
fn read_article_facts(index: &ArticleIndex, each: &mut dyn FnMut(Vec<ArticleFacts>)) -> Result<()> {
    let io_error = |source: std::io::Error| Error::Io {
        path: index.path().to_path_buf(),
        source,
    };
    let searcher = index.reader()?.searcher();
    let fields = index.fields();
    let metas = index.tantivy().searchable_segment_metas()?;
    for segment in searcher.segment_readers() {
        let Some(meta) = metas.iter().find(|meta| meta.id() == segment.segment_id()) else {
            continue;
        };
        let store_path = index
            .path()
            .join(meta.relative_path(tantivy::index::SegmentComponent::Store));
        let file = tantivy::directory::FileSlice::open(&store_path).map_err(io_error)?;
        let (_, store_file) =
            tantivy::directory::footer::Footer::extract_footer(file).map_err(io_error)?;
        let store = tantivy::store::StoreReader::open(store_file, 1).map_err(io_error)?;
        let mut pending: Vec<(Option<String>, Option<jiff::civil::Date>)> =
            Vec::with_capacity(FACTS_CHUNK);
        let parse = |pending: &mut Vec<(Option<String>, Option<jiff::civil::Date>)>| {
            pending
                .par_drain(..)
                .map(|(json, published)| {
                    let mut facts: ArticleFacts = json
                        .and_then(|json| serde_json::from_str(&json).ok())
                        .unwrap_or_default();
                    facts.published = published;
                    facts
                })
                .collect::<Vec<ArticleFacts>>()
        };
        for document in store.iter::<TantivyDocument>(segment.alive_bitset()) {
            let document = document?;
            let json = document
                .get_first(fields.facts)
                .and_then(|value| value.as_str())
                .map(str::to_string);
            let published = document
                .get_first(fields.published)
                .and_then(|value| value.as_datetime())
                .and_then(tantivy_to_date);
            pending.push((json, published));
            if pending.len() == FACTS_CHUNK {
                each(parse(&mut pending));
            }
        }
        if !pending.is_empty() {
            each(parse(&mut pending));
        }
    }
    Ok(())
}

/// Latin letters for the Russian and Ukrainian Cyrillic alphabets, lowercase, after the common
/// English-language newspaper practice (BGN/PCGN without diacritics): "й" and "ы" become "y",
/// soft and hard signs vanish.
#[rustfmt::skip]
const CYRILLIC_TO_LATIN: &[(char, &str)] = &[
    ('а', "a"), ('б', "b"), ('в', "v"), ('г', "g"), ('д', "d"), ('е', "e"), ('ё', "e"),
    ('ж', "zh"), ('з', "z"), ('и', "i"), ('й', "y"), ('к', "k"), ('л', "l"), ('м', "m"),
    ('н', "n"), ('о', "o"), ('п', "p"), ('р', "r"), ('с', "s"), ('т', "t"), ('у', "u"),
    ('ф', "f"), ('х', "kh"), ('ц', "ts"), ('ч', "ch"), ('ш', "sh"), ('щ', "shch"), ('ъ', ""),
    ('ы', "y"), ('ь', ""), ('э', "e"), ('ю', "yu"), ('я', "ya"),
    ('і', "i"), ('ї', "yi"), ('є', "ye"), ('ґ', "g"),
];

fn latin_for(lowercase: char) -> Option<&'static str> {
    CYRILLIC_TO_LATIN
        .iter()
        .find(|(cyrillic, _)| *cyrillic == lowercase)
        .map(|(_, latin)| *latin)
}

/// Transliterates Cyrillic letters to Latin, keeping the case of the first letter of each
/// Cyrillic letter's spelling ("Сергей Лавров" → "Sergey Lavrov"); other characters are kept.
pub fn transliterate(text: &str) -> String {
    // Only Cyrillic letters change, and most names are ASCII.
    if text.is_ascii() {
        return text.to_string();
    }
    let mut latin = String::with_capacity(text.len());
    let mut previous_was_upper = false;
    let mut ukrainian_word = false;
    for (position, ch) in text.char_indices() {
        if !ch.is_alphabetic() {
            ukrainian_word = false;
        } else if position == 0
            || !text[..position]
                .chars()
                .next_back()
                .is_some_and(char::is_alphabetic)
        {
            // A word with a letter only Ukrainian has is read the Ukrainian way: there "и" is
            // "y" ("Київ" is "Kyiv"), in Russian "i" ("Киев" is "Kiev").
            let word_end = text[position..]
                .find(|other: char| !other.is_alphabetic())
                .map_or(text.len(), |offset| position + offset);
            ukrainian_word = text[position..word_end]
                .chars()
                .any(|letter| matches!(letter, 'і' | 'ї' | 'є' | 'ґ' | 'І' | 'Ї' | 'Є' | 'Ґ'));
        }
        let lower = ch.to_lowercase().next().unwrap_or(ch);
        let word_start = position == 0
            || !text[..position]
                .chars()
                .next_back()
                .is_some_and(char::is_alphabetic);
        let spelling = match lower {
            'и' if ukrainian_word => Some("y"),
            // Ukrainian "ї" is "yi" only at the start of a word ("Kyiv", not "Kyyiv").
            'ї' if !word_start => Some("i"),
            _ => latin_for(lower),
        };
        match spelling {
            Some(spelling) => {
                let upper = ch != lower;
                let mut letters = spelling.chars();
                if let Some(first) = letters.next() {
                    if upper {
                        latin.push(first.to_ascii_uppercase());
                        // A capital in the middle of an all-capitals word stays all capitals.
                        let rest: String = letters.collect();
                        if previous_was_upper {
                            latin.push_str(&rest.to_ascii_uppercase());
                        } else {
                            latin.push_str(&rest);
                        }
                    } else {
                        latin.push(first);
                        latin.extend(letters);
                    }
                }
                previous_was_upper = upper;
            }
            None => {
                latin.push(ch);
                previous_was_upper = ch.is_uppercase();
            }
        }
    }
    latin
}

/// [`transliterate`] without a copy for the many names with nothing to transliterate.
fn latin(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(transliterate(text))
    }
}

/// A loose spelling key of a folded name: transliterated to Latin, with the letters that
/// transliteration systems disagree on made equal ("y", "j" and "i"; "w" and "v"; "x" and
/// "ks"; doubled letters; "ye" and "e" at a word's start). "Sergey", "Sergei" and "Sergej",
/// "Zelenskyy" and "Зеленский", "Lawrow" and "Lavrov" share a key.
pub fn loose_key(folded: &str) -> String {
    let mut key = String::with_capacity(folded.len() + 2);
    push_loose_key(&mut key, folded);
    key
}

/// Appends [`loose_key`] of `folded` to `key`.
fn push_loose_key(key: &mut String, folded: &str) {
    let start = key.len();
    let latin = latin(folded);
    for word in latin.split([' ', '-']).filter(|word| !word.is_empty()) {
        if key.len() > start {
            key.push(' ');
        }
        push_loose_word(key, word);
    }
}

fn loose_word(word: &str) -> String {
    let mut mapped = String::with_capacity(word.len() + 2);
    push_loose_word(&mut mapped, word);
    mapped
}

/// Appends the loose key of one word to `key`. Written into the key being built rather than
/// returned: a registry build keys some hundred thousand words, and a string for each would
/// cost more than the keying.
fn push_loose_word(key: &mut String, word: &str) {
    // Roman numerals ("World War II" / "III") are kept as they are.
    if word
        .bytes()
        .all(|letter| matches!(letter, b'i' | b'v' | b'x'))
    {
        key.push_str(word);
        return;
    }
    let start = key.len();
    let is_vowel = |letter: u8| matches!(letter, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    // A final run of "y", "i" and "j" is one "i": Sergey / Sergei / Sergej, Dmitry / Dmitriy,
    // Zelenskyy / Zelenskiy.
    // The letters are ASCII, so the bytes are trimmed, without decoding characters from the
    // end.
    let final_run_start = word
        .bytes()
        .rposition(|letter| !matches!(letter, b'y' | b'i' | b'j'))
        .map_or(0, |last_kept| last_kept + 1);
    let before_final_run = &word.as_bytes()[..final_run_start];
    // The letters that change are ASCII, and no byte of another character equals one, so the
    // bytes are scanned and the stretches between the letters that change are copied whole,
    // without decoding characters. A byte after a character that is not ASCII is no vowel,
    // as that character is none.
    let mut copied = 0;
    for (position, &letter) in before_final_run.iter().enumerate() {
        let replacement = match letter {
            // "Kislyak" / "Kisliak", "Nebenzya" / "Nebenzia": a "y" after a consonant or an
            // "i" inside a word; a leading "y" ("Yang") and one after a vowel ("Maya") stay.
            b'y' if position > 0 && {
                let previous = before_final_run[position - 1];
                !is_vowel(previous) || previous == b'i'
            } =>
            {
                "i"
            }
            b'w' => "v",
            b'x' => "ks",
            _ => continue,
        };
        key.push_str(&word[copied..position]);
        copied = position + 1;
        if replacement == "i" && key.len() > start && key.ends_with('i') {
            continue;
        }
        key.push_str(replacement);
    }
    key.push_str(&word[copied..before_final_run.len()]);
    if before_final_run.len() < word.len() {
        key.push('i');
    }
    // "Yevgeny" / "Evgeny", "Yelena" / "Elena".
    if key[start..].starts_with("ye") && key.len() - start >= 5 {
        key.remove(start);
    }
}

/// Russian case endings, longest first; a Cyrillic surname is also compared without one, so
/// "Лаврова" and "Лаврову" meet "Лавров". Used only together with a compatible given name or
/// with shared context, since "Лаврова" may also be a woman's name.
const RUSSIAN_ENDINGS: &[&str] = &[
    "ыми", "ими", "ого", "его", "ому", "ему", "ым", "им", "ом", "ем", "ой", "ей", "ою", "ею", "а",
    "я", "у", "ю", "е", "ы", "и",
];

fn strip_russian_ending(word: &str) -> &str {
    for ending in RUSSIAN_ENDINGS {
        if let Some(stem) = word.strip_suffix(ending) {
            if stem.chars().count() >= 3 {
                return stem;
            }
        }
    }
    word
}

/// One distinct per-article canonical name (after folding) of one kind.
struct Node {
    kind: ActorKind,
    /// Every spelling seen (canonical names and aliases), as numbers in
    /// [`Clustering::spelling_texts`]; sorted by their text when the builder finishes. A node
    /// has few: a list is searched about as fast as a set and built for much less.
    spellings: Vec<u32>,
    /// The folded name every per-article canonical name of the node folds to; filled in by
    /// [`ClusteringBuilder::finish`].
    folded: String,
    /// Number of articles naming it; which they are, [`Clustering::articles_of_node`] tells.
    n_articles: u32,
    /// The last article added that names it ([`NO_ARTICLE`] before the first), so that an
    /// article naming it twice counts once.
    last_article: u32,
    /// Loose keys of the name's words; an initial ("A.") is its one letter.
    words: NameWords,
    /// `words`, joined by spaces, are the loose key of `folded` ([`loose_key`]), so the key
    /// need not be worked out again when the registry is written.
    words_form_loose_key: bool,
    /// For a person written in Cyrillic, the loose key of the last word without a case ending,
    /// when it differs from the key as written ([`Node::surname_keys`]).
    surname_stem: Option<String>,
    /// The name was written in Cyrillic.
    cyrillic: bool,
    /// The listed entity the name is an alias of, if any.
    listed: Option<u32>,
    /// A person's name that looks like one: no organisation head word, common word or
    /// demonym in it, no stray letter at its end, a surname of three letters or more. Only these
    /// take part in surname and context merges ("House Minority Leader" is not a person).
    plausible: bool,
    /// The first word is a listed given name (`given-names.txt`).
    given_listed: bool,
}

/// Whether the middle names of two full names allow one person: equal ("Kim Jong Il" is not
/// "Kim Uk Il"), or one has none and the given name is a listed one ("Harry Truman" / "Harry
/// S. Truman"; but "Best Actor" is not "Best Supporting Actor").
fn middles_compatible(left: &Node, right: &Node) -> bool {
    let (left_middle, right_middle) = (left.words.middle(), right.words.middle());
    if left_middle == right_middle {
        return true;
    }
    (left_middle.0 == 0 || right_middle.0 == 0) && left.given_listed && right.given_listed
}

/// The words of a name, joined by single spaces into one text (no word has a space): a name's
/// words are one allocation rather than one each, and joined they are often its loose key.
#[derive(Debug, Default)]
struct NameWords {
    joined: String,
    n_words: usize,
    /// Where the first word ends and the last starts in `joined`, noted as the words are
    /// written ([`NameWords::start_word`], [`NameWords::finish`]): the clustering asks for
    /// them tens of thousands of times, and searching the text for spaces afterwards cost
    /// more than the rest of the words' bookkeeping.
    first_end: usize,
    last_start: usize,
}

impl NameWords {
    fn len(&self) -> usize {
        self.n_words
    }

    fn first(&self) -> Option<&str> {
        (self.n_words > 0).then(|| &self.joined[..self.first_end])
    }

    /// The first word; empty for a name without words.
    fn first_or_empty(&self) -> &str {
        self.first().unwrap_or("")
    }

    fn last(&self) -> Option<&str> {
        (self.n_words > 0).then(|| &self.joined[self.last_start..])
    }

    /// The words between the first and the last, as their number and their text: two lists
    /// of words are equal exactly when these are.
    fn middle(&self) -> (usize, &str) {
        if self.n_words <= 2 {
            return (0, "");
        }
        (
            self.n_words - 2,
            &self.joined[self.first_end + 1..self.last_start - 1],
        )
    }

    /// Notes where the first word ends when it is the only one, once every word is written.
    fn finish(&mut self) {
        if self.n_words <= 1 {
            self.first_end = self.joined.len();
        }
    }

    /// Starts a new word, to be written at the end of `joined`. No word holds a space, so the
    /// first space ends the first word and the last one starts the last word.
    fn start_word(&mut self) {
        if self.n_words > 0 {
            if self.n_words == 1 {
                self.first_end = self.joined.len();
            }
            self.joined.push(' ');
            self.last_start = self.joined.len();
        }
        self.n_words += 1;
    }
}

impl Node {
    /// Loose keys of the last word: as written (the last of `words`), and for Cyrillic also
    /// without a case ending. Only people have them: every surname rule is about people.
    fn surname_keys(&self) -> impl Iterator<Item = &str> {
        self.words
            .last()
            .filter(|_| self.kind == ActorKind::Person)
            .into_iter()
            .chain(self.surname_stem.as_deref())
    }

    fn is_full_name(&self) -> bool {
        self.kind == ActorKind::Person && self.words.len() >= 2
    }

    fn given_name(&self) -> Option<&str> {
        self.is_full_name().then(|| self.words.first_or_empty())
    }
}

/// The given names of a cluster, for the rule that two different given names never merge.
#[derive(Debug, Clone, Default)]
struct GivenNames {
    /// For a listed cluster, the list's first names: alternatives for one person ("Joe",
    /// "Joseph"); a name is compatible with the cluster when it is compatible with one of them.
    /// Otherwise the given names of the cluster's full names, each of which must be compatible.
    names: Vec<(String, bool)>,
    listed: bool,
}

/// How two given names (loose keys) relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum GivenMatch {
    /// Different names ("joe" / "hunter", "mark" / "mary").
    Different,
    /// One letter apart, both five letters or more ("anthoni" / "antoni", "hillari" /
    /// "hilari"): a misspelling or another name ("ivana" / "ivanka"), so it needs context.
    Variant,
    /// An initial and a name starting with it: needs context, since "J." fits many.
    Initial,
    /// The same name, or Russian case forms of it ("sergei" / "sergeia").
    Same,
}

/// How two given names (loose keys, each with whether it was written in Cyrillic) relate.
fn match_given_names(left: (&str, bool), right: (&str, bool)) -> GivenMatch {
    let ((left, left_cyrillic), (right, right_cyrillic)) = (left, right);
    if left == right {
        return GivenMatch::Same;
    }
    let (shorter, longer) = if left.len() <= right.len() {
        (left, right)
    } else {
        (right, left)
    };
    let shorter_len = shorter.chars().count();
    if shorter_len == 1 {
        return if longer.starts_with(shorter) {
            GivenMatch::Initial
        } else {
            GivenMatch::Different
        };
    }
    // Russian case forms of one given name differ in their last vowels ("sergei" /
    // "sergeya" / "sergeyu", "maria" / "marii").
    fn stem(name: &str) -> &str {
        name.trim_end_matches(['a', 'e', 'i', 'o', 'u', 'y'])
    }
    if (left_cyrillic || right_cyrillic)
        && stem(left).chars().count() >= 3
        && stem(left) == stem(right)
    {
        return GivenMatch::Same;
    }
    if shorter_len >= 5 && names_close(shorter, longer) {
        return GivenMatch::Variant;
    }
    GivenMatch::Different
}

fn given_names_compatible(left: &(String, bool), right: &(String, bool)) -> bool {
    match_given_names((&left.0, left.1), (&right.0, right.1)) != GivenMatch::Different
}

struct Clustering<'a> {
    gazetteer: &'a Gazetteer,
    nodes: Vec<Node>,
    /// The nodes each article names, article after article, in the order it names them; an
    /// article's stretch is given by `article_starts`.
    articles: ArticleNodes,
    /// The articles naming each node, ascending, node after node: the transpose of `articles`,
    /// in one list rather than a list per node (tens of thousands of small allocations).
    node_articles: Vec<u32>,
    /// Where each node's articles start in `node_articles`, plus the end of the last.
    node_article_starts: Vec<u32>,
    /// Each node's per-article canonical spellings (numbers in `spelling_texts`) with the
    /// number of articles using each, node after node, in no particular order within a node
    /// ([`Clustering::names_of`]): one list rather than one per node.
    node_names: Vec<(u32, u32)>,
    /// Every distinct spelling of every kind, by number: each is kept once, however many
    /// nodes and articles give it.
    spelling_texts: Vec<String>,
    /// Where each node's names start in `node_names`, plus the end of the last.
    node_name_starts: Vec<u32>,
    /// Each article's publication date and number as one integer that orders as the dates do
    /// ([`date_and_article`]); [`NO_DATE`] for an article without one. The earliest and
    /// latest of a cluster's articles are then a minimum and a maximum, and name an article
    /// whose written date is the one wanted.
    published: Vec<u64>,
    /// Each article's publication date as `registry.json` writes it (empty for an article
    /// without one), article after article: written once for all the actors that see their
    /// first or last article in it. Article `n`'s is
    /// `published_texts[published_text_starts[n]..published_text_starts[n + 1]]`.
    published_texts: String,
    published_text_starts: Vec<u32>,
    parent: Vec<u32>,
    given: Vec<GivenNames>,
    listed: Vec<Option<u32>>,
    figures: RegistryFigures,
}

/// Most articles of a cluster read to collect its context: enough to know an actor's company,
/// and it bounds the work for actors named in a large part of the corpus.
const MAX_CONTEXT_ARTICLES: usize = 2000;
/// The nodes that share a key, one group per key held by two or more nodes, each group in
/// node order and the groups sorted, so that merging is deterministic.
fn shared_key_groups<K: std::hash::Hash + Eq>(
    keyed: impl Iterator<Item = (K, u32)>,
    most_keys: usize,
) -> Vec<Vec<u32>> {
    // Most keys are held by one node: the first node of a key is kept inline, and only the
    // others need a list. The map is sized for `most_keys` at once rather than grown (and
    // rehashed) step by step; the groups are sorted, so its order does not matter.
    let mut by_key: HashMap<K, (u32, Vec<u32>)> =
        HashMap::with_capacity_and_hasher(most_keys, Default::default());
    for (key, node_idx) in keyed {
        match by_key.entry(key) {
            std::collections::hash_map::Entry::Occupied(mut entry) => {
                entry.get_mut().1.push(node_idx);
            }
            std::collections::hash_map::Entry::Vacant(entry) => {
                entry.insert((node_idx, Vec::new()));
            }
        }
    }
    let mut groups: Vec<Vec<u32>> = by_key
        .into_values()
        .filter(|(_, others)| !others.is_empty())
        .map(|(first, others)| std::iter::once(first).chain(others).collect())
        .collect();
    groups.sort();
    groups
}

/// Fewest distinct actors or places two names must share across their articles before a loose
/// match (misspelt surname, surname alone) merges them.
const MIN_SHARED_CONTEXT: usize = 3;

/// Gathers the name sightings of articles one at a time, so the articles themselves need not
/// be held (at a million articles their facts take gigabytes; the sightings, interned, a few
/// hundred megabytes).
struct ClusteringBuilder<'a> {
    gazetteer: &'a Gazetteer,
    nodes: Vec<Node>,
    /// Per kind, each folded name and its node.
    by_key: [HashMap<String, u32>; 3],
    /// Every spelling seen (per-article canonical names and aliases, of any kind), each with
    /// its number and, per kind, its number in `name_uses` as a per-article canonical name.
    /// A spelling is handed in as an owned string: the first of each is moved in and kept,
    /// the others are dropped, and nodes and names refer to it by number.
    by_spelling: HashMap<String, Spelling>,
    /// By name number, the node of the name, the number of articles that gave it as the
    /// node's canonical name, and its spelling.
    name_uses: Vec<NameUse>,
    articles: ArticleNodes,
    published: Vec<Option<jiff::civil::Date>>,
    /// Room for the words of a new name ([`new_node`]), empty between names: one list for
    /// all of them rather than one each.
    words_room: Vec<&'static str>,
}

/// A spelling the builder has seen ([`ClusteringBuilder::by_spelling`]).
struct Spelling {
    number: u32,
    /// Per kind (people, organisations, places), the spelling's name number as a per-article
    /// canonical name; [`NOT_A_NAME`] while no article of that kind gave it as one.
    names: [u32; 3],
}

/// [`Spelling::names`] of a kind no article gave the spelling as a name of.
const NOT_A_NAME: u32 = u32::MAX;

/// One per-article canonical name of one kind ([`ClusteringBuilder::name_uses`]).
struct NameUse {
    node: u32,
    /// Articles that gave it as the canonical name of its node.
    articles: u32,
    spelling: u32,
}

/// The nodes each article names, all in one list: an article's are a stretch of it.
struct ArticleNodes {
    /// The nodes of every article, article after article.
    nodes: Vec<u32>,
    /// Where each article's nodes start in `nodes`, plus the end of the last.
    starts: Vec<u32>,
}

impl ArticleNodes {
    fn new() -> ArticleNodes {
        ArticleNodes {
            nodes: Vec::new(),
            starts: vec![0],
        }
    }

    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// The positions in `nodes` of the nodes of article `article_idx`.
    fn range(&self, article_idx: u32) -> std::ops::Range<usize> {
        self.starts[article_idx as usize] as usize..self.starts[article_idx as usize + 1] as usize
    }
}

/// [`Clustering::published`] of an article without a date.
const NO_DATE: u64 = u64::MAX;

/// A publication date and an article number as one integer, ordered by date and then by
/// article: the year (moved above zero), month and day above the article number. Never 0.
fn date_and_article(date: jiff::civil::Date, article_idx: u32) -> u64 {
    // jiff's years run from -9999 to 9999.
    let year = (i32::from(date.year()) + 10_000) as u64;
    let day = (year << 9) | (u64::from(date.month() as u8) << 5) | u64::from(date.day() as u8);
    (day << 32) | u64::from(article_idx)
}

/// [`Node::last_article`] of a node no article has named yet.
const NO_ARTICLE: u32 = u32::MAX;

impl<'a> ClusteringBuilder<'a> {
    fn new(gazetteer: &'a Gazetteer) -> ClusteringBuilder<'a> {
        ClusteringBuilder {
            gazetteer,
            nodes: Vec::new(),
            by_key: Default::default(),
            by_spelling: Default::default(),
            name_uses: Vec::new(),
            articles: ArticleNodes::new(),
            published: Vec::new(),
            words_room: Vec::new(),
        }
    }

    fn add(&mut self, article: ArticleFacts) {
        let article_idx = self.articles.len() as u32;
        let ArticleFacts {
            published,
            people,
            organizations,
            places,
        } = article;
        let groups = [
            (ActorKind::Person, people),
            (ActorKind::Organization, organizations),
            (ActorKind::Place, places),
        ];
        for (kind_idx, (kind, sightings)) in groups.into_iter().enumerate() {
            for NameSighting { name, aliases } in sightings {
                let seen = self
                    .by_spelling
                    .get(name.as_str())
                    .map(|spelling| (spelling.number, spelling.names[kind_idx]));
                let name_idx = match seen {
                    Some((_, name_idx)) if name_idx != NOT_A_NAME => name_idx,
                    // Most sightings repeat a name seen before; only new ones are folded.
                    _ => {
                        let folded = fold_name(&name);
                        if folded.is_empty() {
                            continue;
                        }
                        let node_idx = match self.by_key[kind_idx].entry(folded) {
                            std::collections::hash_map::Entry::Occupied(entry) => *entry.get(),
                            std::collections::hash_map::Entry::Vacant(entry) => {
                                let mut raw_words =
                                    words_room(std::mem::take(&mut self.words_room));
                                self.nodes.push(new_node(
                                    kind,
                                    entry.key(),
                                    self.gazetteer,
                                    &mut raw_words,
                                ));
                                self.words_room = words_room(raw_words);
                                let node_idx = (self.nodes.len() - 1) as u32;
                                entry.insert(node_idx);
                                node_idx
                            }
                        };
                        let name_idx = self.name_uses.len() as u32;
                        let spelling = match seen {
                            // Seen before as an alias, or as a name of another kind.
                            Some((number, _)) => {
                                if let Some(spelling) = self.by_spelling.get_mut(name.as_str()) {
                                    spelling.names[kind_idx] = name_idx;
                                }
                                number
                            }
                            None => {
                                let number = self.by_spelling.len() as u32;
                                let mut names = [NOT_A_NAME; 3];
                                names[kind_idx] = name_idx;
                                self.by_spelling.insert(name, Spelling { number, names });
                                number
                            }
                        };
                        self.name_uses.push(NameUse {
                            node: node_idx,
                            articles: 0,
                            spelling,
                        });
                        name_idx
                    }
                };
                let name_use = &mut self.name_uses[name_idx as usize];
                let node = &mut self.nodes[name_use.node as usize];
                if node.last_article == article_idx {
                    continue;
                }
                node.last_article = article_idx;
                node.n_articles += 1;
                // A name counted before was added to its node's spellings then.
                if name_use.articles == 0 && !node.spellings.contains(&name_use.spelling) {
                    // A node's first article sizes its list of spellings: most nodes never
                    // get another.
                    if node.spellings.is_empty() {
                        node.spellings = Vec::with_capacity(1 + aliases.len());
                    }
                    node.spellings.push(name_use.spelling);
                }
                name_use.articles += 1;
                // Spellings repeat from article to article: only new ones are kept.
                for alias in aliases {
                    let number = match self.by_spelling.get(alias.as_str()) {
                        Some(spelling) => spelling.number,
                        None => {
                            let number = self.by_spelling.len() as u32;
                            self.by_spelling.insert(
                                alias,
                                Spelling {
                                    number,
                                    names: [NOT_A_NAME; 3],
                                },
                            );
                            number
                        }
                    };
                    if !node.spellings.contains(&number) {
                        node.spellings.push(number);
                    }
                }
                self.articles.nodes.push(name_use.node);
            }
        }
        self.articles.starts.push(self.articles.nodes.len() as u32);
        self.published.push(published);
    }

    fn finish(self) -> Clustering<'a> {
        let ClusteringBuilder {
            gazetteer,
            mut nodes,
            by_key,
            by_spelling,
            name_uses,
            articles,
            published,
            words_room: _,
        } = self;
        for (folded, node_idx) in by_key.into_iter().flatten() {
            nodes[node_idx as usize].folded = folded;
        }
        let mut spelling_texts = vec![String::new(); by_spelling.len()];
        for (text, spelling) in by_spelling {
            spelling_texts[spelling.number as usize] = text;
        }
        for node in &mut nodes {
            if node.spellings.len() > 1 {
                node.spellings.sort_unstable_by(|&left, &right| {
                    spelling_texts[left as usize].cmp(&spelling_texts[right as usize])
                });
            }
        }
        // A name seen only after another name of its node in the same article was never
        // counted, and is none of the node's names. The order of a node's names does not
        // matter: they are sorted or ranked by count and name.
        let n_nodes = nodes.len();
        let mut node_name_starts = vec![0u32; n_nodes + 1];
        for name_use in &name_uses {
            if name_use.articles > 0 {
                node_name_starts[name_use.node as usize + 1] += 1;
            }
        }
        for node_idx in 0..n_nodes {
            node_name_starts[node_idx + 1] += node_name_starts[node_idx];
        }
        let mut next_name_slot = node_name_starts[..n_nodes].to_vec();
        let mut node_names = vec![(0u32, 0u32); node_name_starts[n_nodes] as usize];
        for name_use in &name_uses {
            if name_use.articles > 0 {
                let slot = &mut next_name_slot[name_use.node as usize];
                node_names[*slot as usize] = (name_use.spelling, name_use.articles);
                *slot += 1;
            }
        }
        let given = nodes
            .iter()
            .map(|node| GivenNames {
                names: node
                    .given_name()
                    .map(|given| vec![(given.to_string(), node.cyrillic)])
                    .unwrap_or_default(),
                listed: false,
            })
            .collect();
        let listed = nodes.iter().map(|node| node.listed).collect();
        // Each node's articles, filled in article order, so ascending.
        let mut node_article_starts = Vec::with_capacity(n_nodes + 1);
        node_article_starts.push(0u32);
        for node in &nodes {
            node_article_starts
                .push(node_article_starts[node_article_starts.len() - 1] + node.n_articles);
        }
        let mut next_slot = node_article_starts[..n_nodes].to_vec();
        let mut node_articles = vec![0u32; articles.nodes.len()];
        for article_idx in 0..articles.len() as u32 {
            for &node_idx in &articles.nodes[articles.range(article_idx)] {
                let slot = &mut next_slot[node_idx as usize];
                node_articles[*slot as usize] = article_idx;
                *slot += 1;
            }
        }
        let mut published_texts = String::with_capacity(10 * published.len());
        let mut published_text_starts = Vec::with_capacity(published.len() + 1);
        published_text_starts.push(0);
        for date in &published {
            if let Some(date) = *date {
                push_date_text(&mut published_texts, date);
            }
            published_text_starts.push(published_texts.len() as u32);
        }
        let published = published
            .iter()
            .enumerate()
            .map(|(article_idx, date)| {
                date.map_or(NO_DATE, |date| date_and_article(date, article_idx as u32))
            })
            .collect();
        Clustering {
            gazetteer,
            nodes,
            articles,
            node_articles,
            node_article_starts,
            node_names,
            node_name_starts,
            spelling_texts,
            published,
            published_texts,
            published_text_starts,
            parent: (0..n_nodes as u32).collect(),
            given,
            listed,
            figures: RegistryFigures {
                names: n_nodes as u64,
                ..RegistryFigures::default()
            },
        }
    }
}

impl<'a> Clustering<'a> {
    fn new(articles: &[ArticleFacts], gazetteer: &'a Gazetteer) -> Clustering<'a> {
        let mut builder = ClusteringBuilder::new(gazetteer);
        for article in articles {
            builder.add(article.clone());
        }
        builder.finish()
    }

    /// Merges names on the evidence, strictest rule first, into the registry.
    fn cluster(mut self) -> Registry {
        self.merge();
        self.into_registry()
    }

    /// Merges names as [`Clustering::cluster`] does, into the registry's files.
    fn cluster_files(mut self) -> RegistryFiles {
        self.merge();
        self.into_files()
    }

    fn merge(&mut self) {
        self.merge_listed();
        self.merge_same_spelling();
        self.merge_surnames_with_given_names();
        self.merge_on_context();
    }

    fn find(&mut self, node_idx: u32) -> u32 {
        let mut root = node_idx;
        while self.parent[root as usize] != root {
            root = self.parent[root as usize];
        }
        let mut current = node_idx;
        while self.parent[current as usize] != root {
            let next = self.parent[current as usize];
            self.parent[current as usize] = root;
            current = next;
        }
        root
    }

    /// Whether the clusters rooted at `left` and `right` may be one actor: not two different
    /// listed entities, and no two incompatible given names.
    fn may_merge(&self, left: u32, right: u32) -> bool {
        let (left_listed, right_listed) = (self.listed[left as usize], self.listed[right as usize]);
        if left_listed.is_some() && right_listed.is_some() && left_listed != right_listed {
            return false;
        }
        let (left_given, right_given) = (&self.given[left as usize], &self.given[right as usize]);
        let compatible_with = |name: &(String, bool), cluster: &GivenNames| {
            if cluster.listed {
                cluster.names.is_empty()
                    || cluster
                        .names
                        .iter()
                        .any(|other| given_names_compatible(name, other))
            } else {
                cluster
                    .names
                    .iter()
                    .all(|other| given_names_compatible(name, other))
            }
        };
        match (left_given.listed, right_given.listed) {
            (true, true) => true,
            (true, false) => right_given
                .names
                .iter()
                .all(|name| compatible_with(name, left_given)),
            (false, _) => left_given
                .names
                .iter()
                .all(|name| compatible_with(name, right_given)),
        }
    }

    /// Merges the clusters of two nodes if allowed; returns whether they are now one.
    fn union(&mut self, left: u32, right: u32, force: bool) -> bool {
        let (left, right) = (self.find(left), self.find(right));
        if left == right {
            return true;
        }
        if !force && !self.may_merge(left, right) {
            return false;
        }
        // The listed side (or the larger one) stays the root.
        let (root, child) =
            if self.listed[right as usize].is_some() && self.listed[left as usize].is_none() {
                (right, left)
            } else {
                (left, right)
            };
        self.parent[child as usize] = root;
        if self.listed[root as usize].is_none() {
            self.listed[root as usize] = self.listed[child as usize];
        }
        let child_given = std::mem::take(&mut self.given[child as usize]);
        let root_given = &mut self.given[root as usize];
        if !root_given.listed {
            if child_given.listed {
                *root_given = child_given;
            } else {
                for name in child_given.names {
                    if !root_given.names.contains(&name) {
                        root_given.names.push(name);
                    }
                }
            }
        }
        true
    }

    /// Names the lists know are one entity: merged without further evidence.
    fn merge_listed(&mut self) {
        let mut by_entity: HashMap<u32, u32> = HashMap::default();
        for node_idx in 0..self.nodes.len() as u32 {
            let Some(entity_idx) = self.nodes[node_idx as usize].listed else {
                continue;
            };
            let root = self.find(node_idx);
            let record = &self.gazetteer.entities[entity_idx as usize];
            self.given[root as usize] = GivenNames {
                names: record
                    .first_names
                    .iter()
                    .map(|name| (loose_key(name), false))
                    .collect(),
                listed: true,
            };
            match by_entity.get(&entity_idx) {
                Some(&first) => {
                    if self.find(first) != root {
                        self.union(first, node_idx, true);
                        self.figures.merged_by_lists += 1;
                    }
                }
                None => {
                    by_entity.insert(entity_idx, node_idx);
                }
            }
        }
    }

    /// Names with the same loose spelling key: transliterations across scripts ("Сергей
    /// Лавров" / "Sergei Lavrov") and spelling variants of full names ("Zelenskyy"). A one-word
    /// Latin name merges only with a Cyrillic one, since Latin "Iordan" is not "Jordan".
    fn merge_same_spelling(&mut self) {
        // The words themselves are the key: two nodes merge here when their lists of loose
        // words are equal.
        let keyed = self.nodes.iter().enumerate().map(|(node_idx, node)| {
            (
                (node.kind, node.words.len(), node.words.joined.as_str()),
                node_idx as u32,
            )
        });
        for group in shared_key_groups(keyed, self.nodes.len()) {
            let first = group[0];
            for &other in &group[1..] {
                let (first_node, other_node) =
                    (&self.nodes[first as usize], &self.nodes[other as usize]);
                // A person's name must look like one ("World War II" is not a person).
                let plausible = first_node.kind != ActorKind::Person
                    || (first_node.plausible && other_node.plausible);
                let allowed = plausible
                    && (first_node.words.len() >= 2 || first_node.cyrillic != other_node.cyrillic);
                if allowed
                    && self.find(first) != self.find(other)
                    && self.union(first, other, false)
                {
                    self.figures.merged_by_spelling += 1;
                }
            }
        }
    }

    /// Full names with the same surname and compatible given names ("A. Blinken", "Anthony
    /// Blinken", "Сергея Лаврова"). Names with a full given name go first; an initial then joins
    /// only when one cluster of that surname fits it.
    fn merge_surnames_with_given_names(&mut self) {
        let keyed = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, node)| node.is_full_name() && node.plausible)
            .flat_map(|(node_idx, node)| {
                node.surname_keys().map(move |key| (key, node_idx as u32))
            });
        // Most people have one surname key (a Cyrillic one may have two).
        for mut group in shared_key_groups(keyed, self.n_people()) {
            // The most-read names first, so variants join the main spelling.
            group.sort_by_key(|&node_idx| {
                std::cmp::Reverse(self.nodes[node_idx as usize].n_articles)
            });
            for (position, &left) in group.iter().enumerate() {
                for &right in &group[position + 1..] {
                    let (left_node, right_node) =
                        (&self.nodes[left as usize], &self.nodes[right as usize]);
                    let same_given = match_given_names(
                        (left_node.words.first_or_empty(), left_node.cyrillic),
                        (right_node.words.first_or_empty(), right_node.cyrillic),
                    ) == GivenMatch::Same;
                    // Given names are also checked cluster against cluster (`may_merge`), so
                    // a listed person's nicknames ("Joe" / "Joseph") count as one.
                    if same_given
                        && middles_compatible(left_node, right_node)
                        && self.find(left) != self.find(right)
                        && self.union(left, right, false)
                    {
                        self.figures.merged_by_spelling += 1;
                    }
                }
            }
        }
    }

    /// The per-article canonical spellings of node `node_idx` (numbers in
    /// [`Clustering::spelling_texts`]) with the number of articles using each, in no
    /// particular order.
    fn names_of(&self, node_idx: u32) -> &[(u32, u32)] {
        let start = self.node_name_starts[node_idx as usize] as usize;
        let end = self.node_name_starts[node_idx as usize + 1] as usize;
        &self.node_names[start..end]
    }

    /// The publication date of article `article_idx` as `registry.json` writes it.
    fn published_text(&self, article_idx: u32) -> &str {
        let start = self.published_text_starts[article_idx as usize] as usize;
        let end = self.published_text_starts[article_idx as usize + 1] as usize;
        &self.published_texts[start..end]
    }

    /// The articles naming node `node_idx`, ascending, each once.
    fn articles_of_node(&self, node_idx: u32) -> &[u32] {
        let start = self.node_article_starts[node_idx as usize] as usize;
        let end = self.node_article_starts[node_idx as usize + 1] as usize;
        &self.node_articles[start..end]
    }

    /// The articles naming any of `members`, ascending, each once.
    fn articles_of(&self, members: &[u32]) -> Vec<u32> {
        let mut articles: Vec<u32> = members
            .iter()
            .flat_map(|&member| self.articles_of_node(member).iter().copied())
            .collect();
        articles.sort_unstable();
        articles.dedup();
        articles
    }

    /// The roots of the clusters named in the articles of the cluster rooted at `root`.
    fn context_of(&mut self, members: &[u32]) -> HashSet<u32> {
        let mut articles = self.articles_of(members);
        articles.truncate(MAX_CONTEXT_ARTICLES);
        let mut context = HashSet::default();
        for article_idx in articles {
            for position in self.articles.range(article_idx) {
                let other = self.articles.nodes[position];
                context.insert(self.find(other));
            }
        }
        context
    }

    /// Loose matches that need shared context: a person named by a misspelt surname with a
    /// compatible given name ("Anthony Bling" / "Antony Blinken"), or by a surname alone
    /// ("Blingen"). A candidate joins the cluster it shares most context with, only if that
    /// cluster shares at least [`MIN_SHARED_CONTEXT`] actors or places with it and no other
    /// cluster comes close. A misspelling must be much rarer than the name it joins.
    fn merge_on_context(&mut self) {
        let surnames = self.surname_index();
        // By root node; the size kept for a node that is no longer a root is stale and never
        // read.
        let mut cluster_sizes: Vec<usize> = vec![0; self.nodes.len()];
        // Each cluster's members as a ring through `next_member`: a merge splices two rings,
        // and only the few clusters whose context is read are walked, so no cluster needs a
        // list of its own.
        let mut next_member: Vec<u32> = (0..self.nodes.len() as u32).collect();
        for node_idx in 0..self.nodes.len() as u32 {
            let root = self.find(node_idx);
            cluster_sizes[root as usize] += self.nodes[node_idx as usize].n_articles as usize;
            if root != node_idx {
                next_member.swap(root as usize, node_idx as usize);
            }
        }
        let members_of = |next_member: &[u32], root: u32| -> Vec<u32> {
            let mut members = vec![root];
            let mut member = next_member[root as usize];
            while member != root {
                members.push(member);
                member = next_member[member as usize];
            }
            members
        };
        let mut contexts: HashMap<u32, HashSet<u32>> = HashMap::default();
        // Candidates, rarest first: a misspelling is rare.
        // Sorted on one integer, the number of articles above the node: each key is unique,
        // so an unstable sort gives the one order.
        let mut candidate_keys: Vec<u64> = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, node)| node.kind == ActorKind::Person && node.listed.is_none())
            .map(|(node_idx, node)| (u64::from(node.n_articles) << 32) | node_idx as u64)
            .collect();
        candidate_keys.sort_unstable();
        let candidates: Vec<u32> = candidate_keys.iter().map(|&key| key as u32).collect();
        // Which names a candidate may loosely match depends on the names alone, not on the
        // clusters: worked out once for both passes, all in one list. The matches of the
        // candidate at position `n` are `loose_matches[match_starts[n]..match_starts[n + 1]]`.
        let mut loose_matches: Vec<(u32, bool)> = Vec::new();
        let mut match_starts: Vec<u32> = Vec::with_capacity(candidates.len() + 1);
        match_starts.push(0);
        for &candidate in &candidates {
            self.push_loose_matches(candidate, &surnames, &mut loose_matches);
            match_starts.push(loose_matches.len() as u32);
        }
        // Two passes: a merge in the first ("Blingen" joins Blinken) can make a later one
        // possible ("Anthony Bling" is close to "Blingen", not to "Blinken").
        for position in (0..candidates.len()).chain(0..candidates.len()) {
            let candidate = candidates[position];
            let others = &loose_matches
                [match_starts[position] as usize..match_starts[position + 1] as usize];
            if others.is_empty() {
                continue;
            }
            let own_root = self.find(candidate);
            let own_size = cluster_sizes[own_root as usize];
            let mut targets: Vec<u32> = Vec::new();
            for &(other, misspelt) in others.iter() {
                let root = self.find(other);
                if root == own_root || targets.contains(&root) {
                    continue;
                }
                // Only a cluster with a full name (or a listed one) takes a loose match.
                if self.given[root as usize].names.is_empty()
                    && self.listed[root as usize].is_none()
                {
                    continue;
                }
                let target_size = cluster_sizes[root as usize];
                if misspelt && own_size * 3 > target_size {
                    continue;
                }
                if !self.may_merge(own_root, root) {
                    continue;
                }
                targets.push(root);
            }
            if targets.is_empty() {
                continue;
            }
            let own_members = members_of(&next_member, own_root);
            let own_context = self.context_of(&own_members);
            let mut scored: Vec<(usize, u32)> = Vec::new();
            for target in targets {
                if let std::collections::hash_map::Entry::Vacant(entry) = contexts.entry(target) {
                    let target_members = members_of(&next_member, target);
                    entry.insert(self.context_of(&target_members));
                }
                let target_context = &contexts[&target];
                let shared = own_context
                    .iter()
                    .filter(|&&other| {
                        other != own_root && other != target && target_context.contains(&other)
                    })
                    .count();
                scored.push((shared, target));
            }
            scored.sort_by(|left, right| right.cmp(left));
            let (best_shared, best) = scored[0];
            let runner_up = scored.get(1).map_or(0, |(shared, _)| *shared);
            if best_shared < MIN_SHARED_CONTEXT || best_shared < runner_up * 2 {
                continue;
            }
            if self.union(candidate, best, false) {
                self.figures.merged_by_context += 1;
                let root = self.find(best);
                next_member.swap(own_root as usize, best as usize);
                let size = own_size + cluster_sizes[best as usize];
                cluster_sizes[root as usize] = size;
                contexts.remove(&best);
                contexts.remove(&own_root);
            }
        }
    }

    /// How many of the names are people's: the size of the maps keyed by surname.
    fn n_people(&self) -> usize {
        self.nodes
            .iter()
            .filter(|node| node.kind == ActorKind::Person)
            .count()
    }

    /// The surnames of the plausible people, numbered: by surname, the people with it and the
    /// people with a close one. A loose match looks its candidate's surname up in both.
    ///
    /// The people whose surname is close to another one (`surname_close`) but not the same
    /// ("Bling" / "Blingen") are found through the surnames' neighbourhoods (itself, every
    /// one-letter deletion, and its prefix two letters shorter): two surnames within the
    /// distance `surname_close` accepts nearly always share one of these, so only those pairs
    /// are compared, not every pair with the same initial. Each distinct surname is filed once
    /// and each pair compared once, however many names share it.
    fn surname_index(&self) -> SurnameIndex {
        // Sized for a surname for every person, about what it holds, so that it is not rehashed
        // as it grows.
        let mut number_of: HashMap<&str, u32> =
            HashMap::with_capacity_and_hasher(self.n_people(), Default::default());
        let mut first_surname = vec![NO_SURNAME; self.nodes.len()];
        // The second surname keys (a Cyrillic surname without its case ending), as node and
        // number, in node order.
        let mut second_surnames: Vec<(u32, u32)> = Vec::new();
        // By surname number, how many people have it, and then where they start in `people`.
        let mut people_starts: Vec<u32> = Vec::new();
        // The distinct first surname keys, in the order they first come as one, with their
        // numbers.
        let mut first_surnames: Vec<(&str, u32)> = Vec::new();
        // Whether each surname number is in `first_surnames` yet.
        let mut in_first_surnames: Vec<bool> = Vec::new();
        for (node_idx, node) in self.nodes.iter().enumerate() {
            if node.kind != ActorKind::Person || !node.plausible {
                continue;
            }
            for (key_idx, key) in node.surname_keys().enumerate() {
                let number = *number_of.entry(key).or_insert_with(|| {
                    people_starts.push(0);
                    in_first_surnames.push(false);
                    (people_starts.len() - 1) as u32
                });
                people_starts[number as usize] += 1;
                if key_idx > 0 {
                    second_surnames.push((node_idx as u32, number));
                    continue;
                }
                first_surname[node_idx] = number;
                if !in_first_surnames[number as usize] {
                    in_first_surnames[number as usize] = true;
                    first_surnames.push((key, number));
                }
            }
        }
        drop(number_of);
        // The people of every surname in one list, surname after surname, each surname's in
        // node order: filled node by node, as the counts above were made.
        let mut start = 0;
        for count in &mut people_starts {
            let n_people = *count;
            *count = start;
            start += n_people;
        }
        people_starts.push(start);
        let mut next_slot = people_starts.clone();
        let mut people = vec![0u32; start as usize];
        let mut second_surnames = second_surnames.into_iter().peekable();
        for (node_idx, &number) in first_surname.iter().enumerate() {
            if number == NO_SURNAME {
                continue;
            }
            let mut file = |number: u32| {
                people[next_slot[number as usize] as usize] = node_idx as u32;
                next_slot[number as usize] += 1;
            };
            file(number);
            while let Some((_, second)) =
                second_surnames.next_if(|&(second_node, _)| second_node == node_idx as u32)
            {
                file(second);
            }
        }
        let mut surnames = SurnameIndex {
            first_surname,
            people,
            people_starts,
            close_people: Vec::new(),
        };
        let mut close_people: Vec<Vec<u32>> = vec![Vec::new(); surnames.people_starts.len() - 1];
        let surname_texts: Vec<&str> = first_surnames.iter().map(|(surname, _)| *surname).collect();
        for (left, right) in surnames_sharing_a_neighbour(&surname_texts) {
            let (left_surname, left_number) = first_surnames[left as usize];
            let (right_surname, right_number) = first_surnames[right as usize];
            if !surname_close(left_surname, right_surname) {
                continue;
            }
            close_people[left_number as usize].extend(surnames.first_people_with(right_number));
            close_people[right_number as usize].extend(surnames.first_people_with(left_number));
        }
        surnames.close_people = close_people;
        surnames
    }

    /// Appends to `matches` the names `candidate` may be a loose variant of ("Blingen" of
    /// "Blinken", "Bling" of "Anthony Blinken"), each with whether the match is loose enough
    /// to need the misspelling to be rare; none when the candidate cannot be one
    /// (implausible, no surname, a lone given name).
    fn push_loose_matches(
        &self,
        candidate: u32,
        surnames: &SurnameIndex,
        matches: &mut Vec<(u32, bool)>,
    ) {
        let node = &self.nodes[candidate as usize];
        if !node.plausible {
            return;
        }
        let lone_surname = node.words.len() == 1;
        let Some(surname) = node.surname_keys().next() else {
            return;
        };
        // A lone given name ("Thomas", "Rudi") is not a surname to attach.
        if lone_surname && self.gazetteer.in_word_list(surname, GIVEN_NAMES_LIST) {
            return;
        }
        let own_given = node.given_name();
        // Each other name with whether the match is loose enough to need the misspelling
        // to be rare. The candidate itself, among the people of its surname, is left out: its
        // own cluster is never a match.
        let number = surnames.first_surname[candidate as usize];
        let same = surnames
            .people_with(number)
            .iter()
            .filter(|&&other| other != candidate)
            .map(|&other| (other, false));
        let close = surnames.close_people[number as usize]
            .iter()
            .map(|&other| (other, true));
        matches.extend(same.chain(close).filter_map(|(other, mut misspelt)| {
            let other_node = &self.nodes[other as usize];
            if !other_node.plausible || !middles_compatible(node, other_node) {
                return None;
            }
            // A surname alone that already belongs to a cluster counts with that cluster's
            // given names, which `may_merge` checks.
            let given_match = match &own_given {
                _ if !other_node.is_full_name() || other_node.listed.is_some() => GivenMatch::Same,
                None => GivenMatch::Same,
                Some(given) => match_given_names(
                    (given, node.cyrillic),
                    (other_node.words.first_or_empty(), other_node.cyrillic),
                ),
            };
            let kept = match given_match {
                GivenMatch::Different => false,
                // Same given name and surname was merged already; an initial needs only
                // context and a unique fit.
                GivenMatch::Same => misspelt || lone_surname,
                // "F-Prime Capital" is no initial of "FirstMark Capital": the full name's
                // given name must be a listed one.
                GivenMatch::Initial => other_node.given_listed || node.given_listed,
                GivenMatch::Variant => {
                    misspelt = true;
                    true
                }
            };
            kept.then_some((other, misspelt))
        }));
    }

    /// Every cluster as its root and its members: the members of cluster `n` are
    /// `members[starts[n]..starts[n + 1]]`, in node order.
    ///
    /// The clusters are listed in the order a set of their roots gives, filled in node order.
    /// Actors of the same kind and name keep this order ([`kind_and_name_order`]), so it
    /// decides how such actors follow each other in `registry.json`: changing it changes that
    /// file.
    fn clusters(&mut self) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
        let n_nodes = self.nodes.len();
        let mut roots: HashSet<u32> = HashSet::default();
        let mut root_of: Vec<u32> = Vec::with_capacity(n_nodes);
        for node_idx in 0..n_nodes as u32 {
            let root = self.find(node_idx);
            roots.insert(root);
            root_of.push(root);
        }
        let roots: Vec<u32> = roots.into_iter().collect();
        // Every cluster's members in one list, cluster after cluster: no cluster needs a list
        // of its own.
        let mut cluster_of_root = vec![0u32; n_nodes];
        for (cluster_idx, &root) in roots.iter().enumerate() {
            cluster_of_root[root as usize] = cluster_idx as u32;
        }
        let mut member_starts = vec![0u32; roots.len() + 1];
        for &root in &root_of {
            member_starts[cluster_of_root[root as usize] as usize + 1] += 1;
        }
        for cluster_idx in 0..roots.len() {
            member_starts[cluster_idx + 1] += member_starts[cluster_idx];
        }
        let mut next_slot = member_starts.clone();
        let mut members = vec![0u32; n_nodes];
        for (node_idx, &root) in root_of.iter().enumerate() {
            let cluster_idx = cluster_of_root[root as usize] as usize;
            members[next_slot[cluster_idx] as usize] = node_idx as u32;
            next_slot[cluster_idx] += 1;
        }
        (roots, members, member_starts)
    }

    fn into_registry(mut self) -> Registry {
        let (roots, members, member_starts) = self.clusters();
        // Each cluster is described on its own: in parallel, then sorted.
        let this = &self;
        let mut actors: Vec<StoredActor> = (0..roots.len())
            .into_par_iter()
            .map(|cluster_idx| {
                let cluster_members = &members
                    [member_starts[cluster_idx] as usize..member_starts[cluster_idx + 1] as usize];
                let mut parts = ActorParts::new();
                this.actor_of(roots[cluster_idx], cluster_members, &mut parts);
                StoredActor::of(parts)
            })
            .collect();
        sort_actors(&mut actors);
        let mut figures = self.figures;
        figures.actors = actors.len() as u64;
        Registry {
            format: REGISTRY_FORMAT,
            articles: self.articles.len() as u64,
            actors,
            figures,
        }
    }

    /// The registry's two files, written straight from the clusters: the same bytes as
    /// [`Registry::to_json`] and [`NameLookup::of`] of [`Clustering::into_registry`], without
    /// an owned actor (a dozen strings and lists each, made on rayon's threads and freed on
    /// this one) for each cluster.
    fn into_files(mut self) -> RegistryFiles {
        let (roots, members, member_starts) = self.clusters();
        let this = &self;
        // Each chunk of clusters is written into a text of its own, in parallel; an actor is
        // then a stretch of its chunk's texts.
        let chunks: Vec<ChunkText> = (0..roots.len())
            .collect::<Vec<usize>>()
            .par_chunks(FILES_CHUNK)
            .map(|cluster_idxs| {
                let mut chunk = ChunkText {
                    json: String::with_capacity(cluster_idxs.len() * JSON_ACTOR_GUESS),
                    lookup: String::with_capacity(cluster_idxs.len() * LOOKUP_LINE_GUESS),
                    actors: Vec::with_capacity(cluster_idxs.len()),
                };
                // One actor's parts at a time: their lists are kept from one actor to the
                // next rather than made and freed for each.
                let mut parts = ActorParts::new();
                for &cluster_idx in cluster_idxs {
                    let cluster_members = &members[member_starts[cluster_idx] as usize
                        ..member_starts[cluster_idx + 1] as usize];
                    this.actor_of(roots[cluster_idx], cluster_members, &mut parts);
                    let (json_start, lookup_start) = (chunk.json.len(), chunk.lookup.len());
                    push_actor_json(&mut chunk.json, &parts.view());
                    push_lookup_line(&mut chunk.lookup, parts.kind, &parts.keys, &parts.names);
                    chunk.actors.push(WrittenActor {
                        kind: parts.kind,
                        name: parts.name,
                        json_end: chunk.json.len() as u32,
                        lookup_end: chunk.lookup.len() as u32,
                        json_start: json_start as u32,
                        lookup_start: lookup_start as u32,
                    });
                }
                chunk
            })
            .collect();
        let written: Vec<(u32, &WrittenActor)> = chunks
            .iter()
            .enumerate()
            .flat_map(|(chunk_idx, chunk)| {
                chunk
                    .actors
                    .iter()
                    .map(move |actor| (chunk_idx as u32, actor))
            })
            .collect();
        let order = kind_and_name_order(written.len(), |actor_idx| {
            (written[actor_idx].1.kind, written[actor_idx].1.name)
        });
        let (json_len, lookup_len) =
            chunks
                .iter()
                .fold((64, 0), |(json_len, lookup_len), chunk| {
                    (
                        json_len + chunk.json.len() + chunk.actors.len(),
                        lookup_len + chunk.lookup.len(),
                    )
                });
        let mut json = String::with_capacity(json_len);
        let mut lookup = String::with_capacity(lookup_len);
        push_registry_json_start(&mut json, REGISTRY_FORMAT, self.articles.len() as u64);
        for (position, &key) in order.iter().enumerate() {
            let (chunk_idx, actor) = written[key as u32 as usize];
            let chunk = &chunks[chunk_idx as usize];
            if position > 0 {
                json.push(',');
            }
            json.push_str(&chunk.json[actor.json_start as usize..actor.json_end as usize]);
            lookup.push_str(&chunk.lookup[actor.lookup_start as usize..actor.lookup_end as usize]);
        }
        json.push_str("]}");
        let mut figures = self.figures;
        figures.actors = written.len() as u64;
        RegistryFiles {
            json: json.into_bytes(),
            lookup: NameLookup { text: lookup },
            figures,
        }
    }

    // Not inlined into rayon's closure, so that a profile shows what describing actors costs.
    #[inline(never)]
    /// Describes the cluster rooted at `root` in `parts`, whose lists are cleared first.
    fn actor_of<'s>(&'s self, root: u32, members: &[u32], parts: &mut ActorParts<'s>) {
        let kind = self.nodes[root as usize].kind;
        // A cluster of one name (most of them) has that name's articles, already ascending
        // and each once.
        let merged_articles;
        let articles: &[u32] = if let [member] = members[..] {
            self.articles_of_node(member)
        } else {
            merged_articles = self.articles_of(members);
            &merged_articles
        };
        // The first and last dates, each with an article of that date, whose written date is
        // the actor's. Every dated article's number is above `NO_DATE`'s 0 as a latest.
        let (mut first_seen, mut last_seen) = (NO_DATE, 0);
        for &article_idx in articles {
            let date = self.published[article_idx as usize];
            if date != NO_DATE {
                first_seen = first_seen.min(date);
                last_seen = last_seen.max(date);
            }
        }
        // The most frequent full form in Latin script; a name seen only in Cyrillic keeps it.
        let best_seen: &str = members
            .iter()
            .map(|&member| {
                let node = &self.nodes[member as usize];
                (
                    node,
                    display_name(self.names_of(member), &self.spelling_texts),
                )
            })
            .max_by(|(left, left_name), (right, right_name)| {
                // Russian case forms of one name split its articles between them, and the
                // nominative is the shortest ("Веселин Топалов", not "Веселина Топалова"), so
                // a Cyrillic name is ranked by length before frequency.
                let rank = |node: &Node, name: &str| {
                    let length = name.chars().count() as i64;
                    (
                        !node.cyrillic,
                        node.words.len() >= 2,
                        node.words
                            .first()
                            .is_some_and(|word| word.chars().count() > 1),
                        if node.cyrillic { -length } else { 0 },
                        node.n_articles,
                        node.words.len(),
                    )
                };
                rank(left, left_name)
                    .cmp(&rank(right, right_name))
                    .then_with(|| right_name.cmp(left_name))
            })
            .map_or("", |(_, name)| name);
        let name: &str = match self.listed[root as usize] {
            Some(entity_idx) => self.gazetteer.name_of(entity_idx),
            None => best_seen,
        };
        // Member by member: a node's list extends the parts' list at once, where a flattened
        // iterator would be added one item at a time.
        let aliases = &mut parts.aliases;
        aliases.clear();
        for &member in members {
            aliases.extend(
                self.nodes[member as usize]
                    .spellings
                    .iter()
                    .map(|&spelling| {
                        Cow::Borrowed(self.spelling_texts[spelling as usize].as_str())
                    }),
            );
        }
        // One node's spellings are already sorted and without repeats.
        if members.len() > 1 {
            aliases.sort_unstable();
            aliases.dedup();
        }
        if has_cyrillic(name) && !aliases.iter().any(|alias| !has_cyrillic(alias)) {
            let latin = transliterate(name);
            if let Err(position) = aliases.binary_search_by(|alias| alias.as_ref().cmp(&latin)) {
                aliases.insert(position, Cow::Owned(latin));
            }
        }
        // The name is not one of its own aliases.
        if let Ok(position) = aliases.binary_search_by(|alias| alias.as_ref().cmp(name)) {
            aliases.remove(position);
        }
        // Sorted and without repeats: `registry.json` lists names in byte order.
        let names = &mut parts.names;
        names.clear();
        for &member in members {
            names.extend(
                self.names_of(member)
                    .iter()
                    .map(|&(name, _)| self.spelling_texts[name as usize].as_str()),
            );
        }
        names.sort_unstable();
        names.dedup();
        // Every per-article canonical name is also a spelling of its node, so the name and
        // the aliases already hold all of `names`; and each of those folds to its node's
        // folded name, so only the other spellings need folding. Room is made for the loose
        // keys `spelling_keys` adds, at most one for each folded form.
        // A member whose words form its loose key goes first, with that key: only the others
        // are keyed by `spelling_keys`.
        let all_folded = &mut parts.keys;
        all_folded.clear();
        all_folded.reserve(2 * (members.len() + 1 + aliases.len()));
        for &member in members {
            let node = &self.nodes[member as usize];
            if node.words_form_loose_key {
                if node.words.joined != node.folded {
                    all_folded.push(Cow::Borrowed(node.words.joined.as_str()));
                }
                all_folded.push(Cow::Borrowed(node.folded.as_str()));
            }
        }
        let n_keyed = all_folded.len();
        all_folded.extend(
            members
                .iter()
                .map(|&member| &self.nodes[member as usize])
                .filter(|node| !node.words_form_loose_key)
                .map(|node| Cow::Borrowed(node.folded.as_str())),
        );
        let name_spelling = names
            .binary_search(&name)
            .is_err()
            .then_some(name)
            .into_iter();
        all_folded.extend(
            name_spelling
                .chain(
                    aliases
                        .iter()
                        .map(|alias| alias.as_ref())
                        .filter(|alias| names.binary_search(alias).is_err()),
                )
                .map(|spelling| Cow::Owned(fold_name(spelling))),
        );
        spelling_keys(all_folded, n_keyed, &mut parts.key);
        parts.name = name;
        parts.kind = kind;
        parts.articles = articles.len() as u64;
        parts.first_seen = (last_seen != 0).then(|| self.published_text(first_seen as u32));
        parts.last_seen = (last_seen != 0).then(|| self.published_text(last_seen as u32));
    }
}

/// The chunk of clusters [`Clustering::into_files`] writes on one thread.
const FILES_CHUNK: usize = 512;

/// The text of a chunk of actors ([`Clustering::into_files`]).
struct ChunkText<'a> {
    json: String,
    lookup: String,
    actors: Vec<WrittenActor<'a>>,
}

/// Where an actor's JSON object and lookup line are in its chunk's texts, with what it is
/// sorted by.
struct WrittenActor<'a> {
    kind: ActorKind,
    name: &'a str,
    json_start: u32,
    json_end: u32,
    lookup_start: u32,
    lookup_end: u32,
}

/// The contents of the registry's two files and the figures of its clustering, made where the
/// clustering runs: a build that clusters beside its commit also writes the texts there, and
/// frees the clustering's hundreds of thousands of small allocations there too, where it costs
/// no wall time.
pub(crate) struct RegistryFiles {
    /// The bytes of `registry.json`.
    pub(crate) json: Vec<u8>,
    /// The name lookup, the text of `registry-names.tsv`.
    pub(crate) lookup: NameLookup,
    /// How the names were merged.
    pub(crate) figures: RegistryFigures,
}

/// An actor described from the clusters, its texts borrowed from the nodes where they can be.
struct ActorParts<'a> {
    name: &'a str,
    kind: ActorKind,
    aliases: Vec<Cow<'a, str>>,
    articles: u64,
    /// The first and last publication dates, as written in [`Clustering::published_texts`].
    first_seen: Option<&'a str>,
    last_seen: Option<&'a str>,
    names: Vec<&'a str>,
    keys: Vec<Cow<'a, str>>,
    /// Room to write a loose key in ([`spelling_keys`]); no part of the actor.
    key: String,
}

impl<'a> ActorParts<'a> {
    /// Parts with nothing in them yet, for [`Clustering::actor_of`] to fill.
    fn new() -> ActorParts<'a> {
        ActorParts {
            name: "",
            kind: ActorKind::Person,
            aliases: Vec::new(),
            articles: 0,
            first_seen: None,
            last_seen: None,
            names: Vec::new(),
            keys: Vec::new(),
            key: String::new(),
        }
    }

    fn view(&self) -> ActorView<'_, Cow<'_, str>, &str, Cow<'_, str>> {
        ActorView {
            name: self.name,
            kind: self.kind,
            aliases: &self.aliases,
            articles: self.articles,
            first_seen: self.first_seen.map(DateText::Written),
            last_seen: self.last_seen.map(DateText::Written),
            names: &self.names,
            keys: &self.keys,
        }
    }
}

impl StoredActor {
    fn of(parts: ActorParts) -> StoredActor {
        let owned = |texts: &[Cow<str>]| -> Vec<String> {
            texts.iter().map(|text| text.to_string()).collect()
        };
        StoredActor {
            actor: Actor {
                name: parts.name.to_string(),
                kind: parts.kind,
                aliases: owned(&parts.aliases),
                articles: parts.articles,
                first_seen: parts.first_seen.map(str::to_string),
                last_seen: parts.last_seen.map(str::to_string),
            },
            names: parts.names.iter().map(|name| name.to_string()).collect(),
            keys: owned(&parts.keys),
        }
    }

    fn view(&self) -> ActorView<'_, String, String, String> {
        ActorView {
            name: &self.actor.name,
            kind: self.actor.kind,
            aliases: &self.actor.aliases,
            articles: self.actor.articles,
            first_seen: self.actor.first_seen.as_deref().map(DateText::Text),
            last_seen: self.actor.last_seen.as_deref().map(DateText::Text),
            names: &self.names,
            keys: &self.keys,
        }
    }
}

/// What `registry.json` holds of one actor, however it is kept.
struct ActorView<'a, Alias, Name, Key> {
    name: &'a str,
    kind: ActorKind,
    aliases: &'a [Alias],
    articles: u64,
    first_seen: Option<DateText<'a>>,
    last_seen: Option<DateText<'a>>,
    names: &'a [Name],
    keys: &'a [Key],
}

/// A first or last publication date: as read back, or as [`push_date_text`] wrote it (which
/// has nothing JSON escapes).
#[derive(Clone, Copy)]
enum DateText<'a> {
    Text(&'a str),
    Written(&'a str),
}

/// Appends the start of `registry.json`, up to its first actor.
fn push_registry_json_start(json: &mut String, format: u32, articles: u64) {
    json.push_str("{\"format\":");
    push_json_number(json, u64::from(format));
    json.push_str(",\"articles\":");
    push_json_number(json, articles);
    json.push_str(",\"actors\":[");
}

/// Appends one actor's object of `registry.json`, as serde writes a [`StoredActor`].
fn push_actor_json<Alias: AsRef<str>, Name: AsRef<str>, Key: AsRef<str>>(
    json: &mut String,
    actor: &ActorView<'_, Alias, Name, Key>,
) {
    json.push_str("{\"name\":");
    push_json_string(json, actor.name);
    json.push_str(",\"kind\":\"");
    json.push_str(actor.kind.name());
    json.push_str("\",\"aliases\":");
    push_json_strings(json, actor.aliases);
    json.push_str(",\"articles\":");
    push_json_number(json, actor.articles);
    json.push_str(",\"first_seen\":");
    push_json_date(json, actor.first_seen);
    json.push_str(",\"last_seen\":");
    push_json_date(json, actor.last_seen);
    json.push_str(",\"names\":");
    push_json_strings(json, actor.names);
    json.push_str(",\"keys\":");
    push_json_strings(json, actor.keys);
    json.push('}');
}

/// Appends one actor's line of the name lookup ([`NameLookup`]).
fn push_lookup_line<Key: AsRef<str>, Name: AsRef<str>>(
    text: &mut String,
    kind: ActorKind,
    keys: &[Key],
    names: &[Name],
) {
    // Written straight into one text, with a tab, line end or separator inside a name
    // turned into a space; almost no name has one, so most are copied whole.
    let push_clean = |text: &mut String, name: &str| {
        let special = |ch: char| matches!(ch, '\t' | '\n' | '\r' | LOOKUP_SEPARATOR);
        // All four are ASCII, so a byte scan finds them without decoding characters. Every
        // byte is looked at, without stopping at the first special one: a loop with no
        // early exit is vectorised, and a special byte is rare.
        let has_special = name.bytes().fold(false, |has_special, byte| {
            has_special | special(char::from(byte))
        });
        if !has_special {
            text.push_str(name);
            return;
        }
        text.extend(name.chars().map(|ch| if special(ch) { ' ' } else { ch }));
    };
    text.push_str(kind.name());
    text.push('\t');
    text.push(LOOKUP_SEPARATOR);
    for key in keys {
        push_clean(text, key.as_ref());
        text.push(LOOKUP_SEPARATOR);
    }
    text.push('\t');
    for (name_idx, name) in names.iter().enumerate() {
        if name_idx > 0 {
            text.push(LOOKUP_SEPARATOR);
        }
        push_clean(text, name.as_ref());
    }
    text.push('\n');
}

/// The most used of a node's per-article canonical spellings (the first in byte order on a
/// tie); empty when it has none.
fn display_name<'t>(names: &[(u32, u32)], texts: &'t [String]) -> &'t str {
    names
        .iter()
        .map(|&(name, count)| (texts[name as usize].as_str(), count))
        .max_by(|left, right| left.1.cmp(&right.1).then_with(|| right.0.cmp(left.0)))
        .map_or("", |(name, _)| name)
}

/// Appends a date as `YYYY-MM-DD`, as jiff displays it; years of four digits are written
/// directly, since going through the formatting machinery cost more than the rest of an actor.
fn push_date_text(text: &mut String, date: jiff::civil::Date) {
    let year = date.year();
    if !(0..=9999).contains(&year) {
        text.push_str(&date.to_string());
        return;
    }
    let digit = |number: i16| char::from(b'0' + number as u8);
    let (month, day) = (i16::from(date.month()), i16::from(date.day()));
    text.push(digit(year / 1000));
    text.push(digit(year / 100 % 10));
    text.push(digit(year / 10 % 10));
    text.push(digit(year % 10));
    text.push('-');
    text.push(digit(month / 10));
    text.push(digit(month % 10));
    text.push('-');
    text.push(digit(day / 10));
    text.push(digit(day % 10));
}

/// Sorts actors by kind, then name, keeping the order of equal ones, as a stable sort would
/// ([`kind_and_name_order`]); each actor is moved once.
fn sort_actors(actors: &mut [StoredActor]) {
    let order = kind_and_name_order(actors.len(), |actor_idx| {
        (
            actors[actor_idx].actor.kind,
            actors[actor_idx].actor.name.as_str(),
        )
    });
    // Where each actor goes; every swap puts one actor in its place.
    let mut destination = vec![0u32; actors.len()];
    for (position, &key) in order.iter().enumerate() {
        destination[key as u32 as usize] = position as u32;
    }
    drop(order);
    for position in 0..actors.len() {
        while destination[position] as usize != position {
            let target = destination[position] as usize;
            actors.swap(position, target);
            destination.swap(position, target);
        }
    }
}

/// The order of `n_actors` actors (given by place as their kind and name) by kind, then name,
/// equal ones keeping the order of their places, as a stable sort would; each actor's place
/// is the low 32 bits of its entry. Most names differ in their first eight bytes, so small
/// keys are sorted (the kind, the first eight bytes as one number and the actor's place, as
/// one integer); only actors whose keys tie in kind and prefix are compared by their full
/// names.
fn kind_and_name_order<'n>(
    n_actors: usize,
    kind_and_name: impl Fn(usize) -> (ActorKind, &'n str),
) -> Vec<u128> {
    // Byte strings compare as their first eight bytes, zero-padded, read as a big-endian number,
    // unless those are equal.
    let name_prefix = |name: &str| -> u64 {
        let mut prefix = [0u8; 8];
        let n_bytes = name.len().min(8);
        prefix[..n_bytes].copy_from_slice(&name.as_bytes()[..n_bytes]);
        u64::from_be_bytes(prefix)
    };
    let mut order: Vec<u128> = (0..n_actors)
        .map(|actor_idx| {
            let (kind, name) = kind_and_name(actor_idx);
            // The kinds' numbers follow their declared order, which `ActorKind`'s `Ord` is.
            ((kind as u128) << 96) | (u128::from(name_prefix(name)) << 32) | actor_idx as u128
        })
        .collect();
    order.sort_unstable();
    // Runs with the same kind and prefix are put in order of their full names, equal names
    // keeping the order of their places.
    let mut run_start = 0;
    while run_start < order.len() {
        let run_key = order[run_start] >> 32;
        let run_end = order[run_start..]
            .iter()
            .position(|&key| key >> 32 != run_key)
            .map_or(order.len(), |offset| run_start + offset);
        if run_end - run_start > 1 {
            order[run_start..run_end].sort_unstable_by(|&left, &right| {
                let name = |key: u128| kind_and_name(key as u32 as usize).1;
                name(left).cmp(name(right)).then(left.cmp(&right))
            });
        }
        run_start = run_end;
    }
    order
}

/// The surnames of the plausible people, numbered ([`Clustering::surname_index`]).
struct SurnameIndex {
    /// By node, the number of its first surname key; [`NO_SURNAME`] for a node that is not a
    /// plausible person.
    first_surname: Vec<u32>,
    /// The plausible people with each surname key, in node order, surname after surname
    /// ([`SurnameIndex::people_with`]): one list rather than one per surname.
    people: Vec<u32>,
    /// By surname number, where its people start in `people`, plus the end of the last.
    people_starts: Vec<u32>,
    /// By surname number, the plausible people whose first surname key is close to it but not
    /// the same.
    close_people: Vec<Vec<u32>>,
}

impl SurnameIndex {
    /// The plausible people with surname key `number`, in node order.
    fn people_with(&self, number: u32) -> &[u32] {
        let start = self.people_starts[number as usize] as usize;
        let end = self.people_starts[number as usize + 1] as usize;
        &self.people[start..end]
    }

    /// The plausible people whose first surname key is `number`, in node order.
    fn first_people_with(&self, number: u32) -> impl Iterator<Item = u32> + '_ {
        self.people_with(number)
            .iter()
            .copied()
            .filter(move |&person| self.first_surname[person as usize] == number)
    }
}

/// The surname number of a node without one.
const NO_SURNAME: u32 = u32::MAX;

/// The pairs of `surnames` (indexes, the smaller first, ascending, each once) that share a key
/// of their neighbourhoods ([`surname_neighbourhood`]).
///
/// A key is never written out: it is a surname with one stretch cut out, filed under a
/// polynomial hash of its bytes that is worked out from the surname's prefix hashes in a few
/// operations. Writing the tens of thousands of keys into a text and hashing each as a string
/// cost most of the surname index. Keys filed under one hash are compared byte for byte
/// before they make a pair, so a collision of hashes makes no pair.
fn surnames_sharing_a_neighbour(surnames: &[&str]) -> Vec<(u32, u32)> {
    // Odd, so that multiplying by it loses no bits; any large odd number would do.
    const BASE: u64 = 0x0000_0100_0000_01b3;
    const NO_KEY: u32 = u32::MAX;
    // A surname of n bytes has at most n + 2 keys.
    let most_keys = surnames.iter().map(|surname| surname.len() + 2).sum();
    // Each key as its surname and the stretch cut out of it.
    let mut cuts: Vec<(u32, u32, u32)> = Vec::with_capacity(most_keys);
    // By hash, the last key filed under it; by key, the key filed under the same hash before it.
    let mut last_key_of: HashMap<u64, u32> =
        HashMap::with_capacity_and_hasher(most_keys, Default::default());
    let mut previous_key: Vec<u32> = Vec::with_capacity(most_keys);
    // By byte position, the hash of the surname's bytes before it; and the powers of `BASE`.
    let mut prefix_hashes: Vec<u64> = Vec::new();
    let mut powers: Vec<u64> = vec![1];
    for (surname_idx, surname) in surnames.iter().enumerate() {
        let bytes = str::as_bytes(surname);
        let n_bytes = bytes.len();
        prefix_hashes.clear();
        prefix_hashes.push(0);
        let mut hash = 0u64;
        for &byte in bytes {
            hash = hash.wrapping_mul(BASE).wrapping_add(u64::from(byte));
            prefix_hashes.push(hash);
        }
        while powers.len() <= n_bytes {
            powers.push(powers[powers.len() - 1].wrapping_mul(BASE));
        }
        // The hash of the surname without bytes `start..end`: the bytes before, shifted past
        // the bytes after, plus the hash of the bytes after.
        let hash_without = |start: usize, end: usize| -> u64 {
            let shift = powers[n_bytes - end];
            let after = hash.wrapping_sub(prefix_hashes[end].wrapping_mul(shift));
            prefix_hashes[start].wrapping_mul(shift).wrapping_add(after)
        };
        surname_neighbourhood(surname, |start, end| {
            let key_idx = cuts.len() as u32;
            cuts.push((surname_idx as u32, start as u32, end as u32));
            match last_key_of.entry(hash_without(start, end)) {
                std::collections::hash_map::Entry::Occupied(mut entry) => {
                    previous_key.push(*entry.get());
                    *entry.get_mut() = key_idx;
                }
                std::collections::hash_map::Entry::Vacant(entry) => {
                    previous_key.push(NO_KEY);
                    entry.insert(key_idx);
                }
            }
        });
    }
    let key_of = |key_idx: u32| -> (u32, &str, &str) {
        let (surname_idx, start, end) = cuts[key_idx as usize];
        let surname = surnames[surname_idx as usize];
        (
            surname_idx,
            &surname[..start as usize],
            &surname[end as usize..],
        )
    };
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut same_hash: Vec<u32> = Vec::new();
    for &last_key in last_key_of.values() {
        if previous_key[last_key as usize] == NO_KEY {
            continue;
        }
        same_hash.clear();
        let mut key_idx = last_key;
        while key_idx != NO_KEY {
            same_hash.push(key_idx);
            key_idx = previous_key[key_idx as usize];
        }
        for (position, &left) in same_hash.iter().enumerate() {
            let (left_surname, left_before, left_after) = key_of(left);
            for &right in &same_hash[position + 1..] {
                let (right_surname, right_before, right_after) = key_of(right);
                // A key a surname gives twice ("Hallam" less either "l") pairs it with nothing.
                let same_key = left_surname != right_surname
                    && left_before.len() + left_after.len()
                        == right_before.len() + right_after.len()
                    && left_before
                        .bytes()
                        .chain(left_after.bytes())
                        .eq(right_before.bytes().chain(right_after.bytes()));
                if same_key {
                    pairs.push((
                        left_surname.min(right_surname),
                        left_surname.max(right_surname),
                    ));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// Calls `cut` with each stretch (start and end bytes) whose removal from a surname gives one
/// of the keys under which it is filed for the loose comparison: nothing (the surname
/// itself), each letter (every one-letter deletion), and its last two letters (its prefix two
/// letters shorter, only for surnames of seven letters or more). Surnames of fewer than five
/// letters are not filed: they must match exactly. A key may come twice ("Hallam" less either
/// "l").
fn surname_neighbourhood(surname: &str, mut cut: impl FnMut(usize, usize)) {
    let n_letters = surname.chars().count();
    if n_letters < 5 {
        return;
    }
    cut(surname.len(), surname.len());
    for (offset, letter) in surname.char_indices() {
        cut(offset, offset + letter.len_utf8());
    }
    if n_letters >= 7 {
        let prefix_end = surname
            .char_indices()
            .nth(n_letters - 2)
            .map_or(surname.len(), |(offset, _)| offset);
        cut(prefix_end, surname.len());
    }
}

/// The listed entity a Cyrillic name not listed as written belongs to: its transliteration is
/// listed ("Киев" → "kiev", an alias of Kyiv), or its last word is a Russian case form of a
/// listed name ("Женеве" → "Женева", "Москве" → "Москва").
fn lookup_cyrillic(folded: &str, gazetteer: &Gazetteer) -> Option<u32> {
    if let Some(entity_idx) = gazetteer.lookup_folded_alias(&transliterate(folded)) {
        return Some(entity_idx);
    }
    let (head, last) = match folded.rsplit_once(' ') {
        Some((head, last)) => (format!("{head} "), last),
        None => (String::new(), folded),
    };
    let stem = strip_russian_ending(last);
    if stem == last {
        return None;
    }
    ["", "а", "я", "ь", "й", "ы", "и"]
        .iter()
        .find_map(|ending| gazetteer.lookup_folded_alias(&format!("{head}{stem}{ending}")))
}

/// The words of a folded name: split at spaces and hyphens, trimmed of everything but letters,
/// digits and apostrophes, empty ones left out. Both separators are ASCII, so the bytes are
/// scanned for them, and an ASCII word (most) is trimmed byte by byte. The words are written
/// into `words`, which is emptied first.
fn name_words_of<'f>(folded: &'f str, words: &mut Vec<&'f str>) {
    let is_kept = |ch: char| ch.is_alphanumeric() || ch == '\'';
    let bytes = folded.as_bytes();
    words.clear();
    let mut word_start = 0;
    for position in 0..=bytes.len() {
        if position < bytes.len() && bytes[position] != b' ' && bytes[position] != b'-' {
            continue;
        }
        let piece = &folded[word_start..position];
        word_start = position + 1;
        let kept_ascii = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'\'';
        let piece_bytes = piece.as_bytes();
        // Most pieces start and end with a letter: nothing is trimmed, and the piece need not
        // be scanned.
        let word = if piece_bytes
            .first()
            .zip(piece_bytes.last())
            .is_some_and(|(&first, &last)| kept_ascii(first) && kept_ascii(last))
        {
            piece
        } else if piece.is_ascii() {
            let kept = |byte: &u8| is_kept(char::from(*byte));
            match piece_bytes.iter().position(kept) {
                Some(first) => {
                    let last = piece_bytes.iter().rposition(kept).unwrap_or(first);
                    &piece[first..=last]
                }
                None => "",
            }
        } else {
            piece.trim_matches(|ch: char| !is_kept(ch))
        };
        if !word.is_empty() {
            words.push(word);
        }
    }
}

/// An empty list with the room of `words`, for words of another lifetime: collected in place,
/// the list keeps its allocation, so the builder's room for a new name's words is made once.
fn words_room<'to>(mut words: Vec<&str>) -> Vec<&'to str> {
    words.clear();
    words.into_iter().map(|_| "").collect()
}

/// [`is_cyrillic`] with a quick answer for an ASCII text, as most names are: that is ruled
/// out a word at a time, where `is_cyrillic` decodes every character.
fn has_cyrillic(text: &str) -> bool {
    !text.is_ascii() && is_cyrillic(text)
}

// New names ask only whether a word has one letter, at most one, or three or more; reading up
// to the third character answers that without counting them all.

/// Whether `text` is one character.
fn is_one_letter(text: &str) -> bool {
    let mut characters = text.chars();
    characters.next().is_some() && characters.next().is_none()
}

/// Whether `text` is one character or none.
fn at_most_one_letter(text: &str) -> bool {
    text.chars().nth(1).is_none()
}

/// Whether `text` has three characters or more.
fn has_three_letters(text: &str) -> bool {
    text.chars().nth(2).is_some()
}

/// Suffixes after a surname that are not the surname.
const NAME_SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

/// A node for the folded name `folded`; `raw_words` is room for its words.
fn new_node<'f>(
    kind: ActorKind,
    folded: &'f str,
    gazetteer: &Gazetteer,
    raw_words: &mut Vec<&'f str>,
) -> Node {
    let cyrillic = has_cyrillic(folded);
    name_words_of(folded, raw_words);
    let mut plausible = kind == ActorKind::Person;
    // One lookup answers every word list, so each word is looked up once and its lists are
    // tested as bits (`in_list`). A person's first word is looked up last as the titles are
    // stripped; its lists are kept for the tests below (0 for a name of one word, which is
    // not looked up).
    let mut first_word_lists = 0;
    if kind == ActorKind::Person {
        // Leading titles and common words ("Attorney General Jeff Sessions", "Former
        // President Obama") are not part of the name.
        first_word_lists = loop {
            // Only a name of two words or more loses its first word.
            let first_lists = if raw_words.len() > 1 {
                gazetteer.word_lists_of(raw_words[0])
            } else {
                0
            };
            // A title's first word is in `title_first_words`; most names start with no such
            // word, and then no title need be joined and looked up.
            let may_start_title =
                raw_words.len() > 1 && in_list(first_lists, TITLE_FIRST_WORDS_LIST);
            let title_words = (1..=raw_words.len().saturating_sub(1).min(3))
                .rev()
                .filter(|_| may_start_title)
                .find(|&n_words| {
                    gazetteer
                        .person_titles
                        .contains(&raw_words[..n_words].join(" "))
                });
            match title_words {
                Some(n_words) => {
                    raw_words.drain(..n_words);
                }
                None if raw_words.len() > 1
                    && (in_list(first_lists, COMMON_WORDS_LIST)
                        || in_list(first_lists, DEMONYMS_LIST)) =>
                {
                    raw_words.remove(0);
                }
                // A listed place or organisation glued before a name ("России Дмитрия
                // Медведева", "ФИДЕ Веселином Топаловым") is not part of it.
                None if raw_words.len() > 2
                    && gazetteer
                        .lookup_folded_alias(raw_words[0])
                        .or_else(|| {
                            has_cyrillic(raw_words[0])
                                .then(|| lookup_cyrillic(raw_words[0], gazetteer))
                                .flatten()
                        })
                        .is_some_and(|entity_idx| {
                            *gazetteer.kind_of(entity_idx) != EntityKind::Person
                        }) =>
                {
                    raw_words.remove(0);
                }
                None => break first_lists,
            }
        };
    }
    let mut every_word_keyed = true;
    let mut words = NameWords {
        joined: String::with_capacity(folded.len() + 4),
        ..NameWords::default()
    };
    for (word_idx, word) in raw_words.iter().enumerate() {
        // "A." is an initial; a middle initial ("Joseph R. Biden") says nothing, so only a
        // leading one is kept.
        let word = word.trim_end_matches('.');
        if word_idx > 0 && at_most_one_letter(word) {
            continue;
        }
        words.start_word();
        let latin = latin(word);
        // An initial stays the letter it is ("J." is not "I.").
        if is_one_letter(&latin) {
            every_word_keyed = false;
            words.joined.push_str(&latin);
        } else {
            // A word of hard and soft signs alone ("ъ") has no Latin letters; the loose
            // key leaves such a word out, where the words keep it empty.
            let word_start = words.joined.len();
            push_loose_word(&mut words.joined, &latin);
            every_word_keyed &= words.joined.len() > word_start;
        }
    }
    words.finish();
    // The words are the name's loose key, joined by spaces, when they are all of the folded
    // name: nothing trimmed, left out or dropped as a title, one separator between words and
    // none at the ends (their lengths and separators then add up to the name's length, since
    // they are distinct stretches of it in order), and every word keyed, none kept as an
    // initial.
    let words_form_loose_key = every_word_keyed
        && words.len() == raw_words.len()
        && raw_words.iter().map(|word| word.len()).sum::<usize>()
            + raw_words.len().saturating_sub(1)
            == folded.len();
    if kind == ActorKind::Person {
        let last = raw_words.last().copied().unwrap_or("");
        // Whether the loose key of the last word as written has three letters or more. That
        // key is the last of `words` when the word has no full stop to trim and is more than
        // an initial, which is nearly always.
        let last_key_has_three_letters = || match words.last() {
            Some(last_key) if !last.ends_with('.') && !at_most_one_letter(last) => {
                has_three_letters(last_key)
            }
            _ => has_three_letters(&loose_word(&latin(last))),
        };
        // A stray letter at the end ("Planned Parenthood T") marks a broken name.
        let stray_letter = raw_words.len() >= 2 && is_one_letter(last.trim_end_matches('.'));
        let broken = raw_words.is_empty() || stray_letter || NAME_SUFFIXES.contains(&last);
        let listed_in = |lists, form: &str| {
            in_list(lists, COMMON_WORDS_LIST)
                || in_list(lists, DEMONYMS_LIST)
                || in_list(lists, ORG_WORDS_LIST)
                // A one-word title is its own first word, so the first words rule out most.
                || (in_list(lists, TITLE_FIRST_WORDS_LIST) && gazetteer.person_titles.contains(form))
        };
        plausible = !broken
            && raw_words.iter().enumerate().all(|(word_idx, word)| {
                let lists = if word_idx == 0 && raw_words.len() > 1 {
                    first_word_lists
                } else {
                    gazetteer.word_lists_of(word)
                };
                // Plurals too: "North Koreans" is not a person. A word without a final "s" is
                // its own singular and is looked up once.
                !listed_in(lists, word)
                    && word.strip_suffix('s').is_none_or(|singular| {
                        !listed_in(gazetteer.word_lists_of(singular), singular)
                    })
            })
            && last_key_has_three_letters();
    }
    // Only people's given names are asked about.
    let given_listed = kind == ActorKind::Person
        && raw_words.len() >= 2
        && in_list(first_word_lists, GIVEN_NAMES_LIST);
    // The last of `words` is a person's first surname key; a Cyrillic one has a second
    // without its case ending when that differs.
    let mut surname_stem = None;
    if cyrillic && kind == ActorKind::Person {
        if let Some(last_word) = raw_words.last() {
            let stem = loose_word(&latin(strip_russian_ending(last_word)));
            if words.last() != Some(stem.as_str()) {
                surname_stem = Some(stem);
            }
        }
    }
    let listed = gazetteer
        .lookup_folded_alias(folded)
        .or_else(|| {
            cyrillic
                .then(|| lookup_cyrillic(folded, gazetteer))
                .flatten()
        })
        .filter(|&entity_idx| ActorKind::of_entity(gazetteer.kind_of(entity_idx)) == kind);
    Node {
        kind,
        spellings: Vec::new(),
        folded: String::new(),
        n_articles: 0,
        last_article: NO_ARTICLE,
        words,
        words_form_loose_key,
        surname_stem,
        cyrillic,
        listed,
        plausible,
        given_listed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An article given as "P:name|alias,O:name,L:name" with an optional date.
    fn article(spec: &str, published: Option<&str>) -> ArticleFacts {
        let mut facts = ArticleFacts {
            published: published.map(|date| date.parse().expect("valid date")),
            ..ArticleFacts::default()
        };
        for item in spec.split(',').filter(|item| !item.is_empty()) {
            let (kind, names) = item.split_once(':').expect("kind:name");
            let mut spellings = names.split('|');
            let sighting = NameSighting {
                name: spellings.next().expect("a name").to_string(),
                aliases: spellings.map(str::to_string).collect(),
            };
            match kind {
                "P" => facts.people.push(sighting),
                "O" => facts.organizations.push(sighting),
                _ => facts.places.push(sighting),
            }
        }
        facts
    }

    fn empty_lists() -> Gazetteer {
        Gazetteer::from_lists("", "").expect("empty lists parse")
    }

    /// The clusters as "name[alias|alias]" strings of the given kind, sorted.
    fn clusters(articles: &[ArticleFacts], gazetteer: &Gazetteer, kind: ActorKind) -> Vec<String> {
        let registry = Registry::from_articles(articles, gazetteer);
        let mut found: Vec<String> = registry
            .actors(Some(kind))
            .into_iter()
            .map(|actor| format!("{}[{}]", actor.name, actor.aliases.join("|")))
            .collect();
        found.sort();
        found
    }

    fn check(specs: &[&str], kind: ActorKind, expected: &[&str]) {
        let articles: Vec<ArticleFacts> = specs.iter().map(|spec| article(spec, None)).collect();
        assert_eq!(
            clusters(&articles, &empty_lists(), kind),
            expected,
            "{specs:?}"
        );
    }

    #[test]
    fn to_json_writes_what_serde_writes() {
        let articles = [
            article(
                "P:Anthony Blinken|Blinken,O:NATO,L:Kyiv",
                Some("2024-03-01"),
            ),
            article(
                "P:Сергей Лавров,P:A. \"Tony\" Back\\slash,L:Tab\there",
                None,
            ),
            article(
                "P:Control \u{1}\u{1f} name|Ünïcödé,O:Del\u{7f}",
                Some("2023-12-31"),
            ),
        ];
        let registry = Registry::from_articles(&articles, &empty_lists());
        let serde_bytes = serde_json::to_vec(&registry).expect("serialises");
        assert_eq!(
            String::from_utf8(registry.to_json().expect("writes")),
            String::from_utf8(serde_bytes)
        );
        let empty = Registry::from_articles(&[], &empty_lists());
        assert_eq!(
            empty.to_json().expect("writes"),
            serde_json::to_vec(&empty).expect("serialises")
        );
    }

    #[test]
    fn files_are_written_as_the_registry_writes_them() {
        let gazetteer = Gazetteer::embedded();
        let articles = [
            article(
                "P:Anthony Blinken|Blinken,P:Antony Blinken,O:NATO,L:Kyiv,L:Киев",
                Some("2024-03-01"),
            ),
            article(
                "P:Сергей Лавров,P:Sergei Lavrov,P:A. \"Tony\" Back\\slash,L:Tab\there",
                None,
            ),
            article(
                "P:Blinken,P:Control \u{1}\u{1f} name|Ünïcödé,O:Del\u{7f},L:Paris",
                Some("2023-12-31"),
            ),
            article(
                "P:Joe Biden|Biden,O:White House,L:Washington",
                Some("-000001-01-01"),
            ),
            article("P:Joe Biden,P:Lavrov,O:NATO", Some("2024-01-02")),
            article("", None),
        ];
        for lists in [&gazetteer, &empty_lists()] {
            let registry = Registry::from_articles(&articles, lists);
            let mut builder = ClusteringBuilder::new(lists);
            for facts in &articles {
                builder.add(facts.clone());
            }
            let files = builder.finish().cluster_files();
            assert_eq!(
                String::from_utf8(files.json),
                String::from_utf8(registry.to_json().expect("writes"))
            );
            assert_eq!(files.lookup.as_str(), NameLookup::of(&registry).as_str());
            assert_eq!(files.figures, registry.figures());
        }
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for number in [0, 7, 10, 99, 100, 3821, 1_000_000, u64::MAX] {
            let mut json = String::new();
            push_json_number(&mut json, number);
            assert_eq!(json, number.to_string());
        }
    }

    #[test]
    fn dates_are_written_as_jiff_displays_them() {
        for (year, month, day) in [
            (2017, 3, 30),
            (1999, 12, 31),
            (2024, 2, 29),
            (1, 1, 1),
            (0, 6, 5),
            (9999, 12, 31),
            (-1, 1, 1),
            (-9999, 7, 4),
        ] {
            let date = jiff::civil::date(year, month, day);
            let mut text = String::new();
            push_date_text(&mut text, date);
            assert_eq!(text, date.to_string());
        }
    }

    #[test]
    fn loose_words_are_keyed_as_before() {
        // The key is written into a shared buffer; each word must still be keyed on its own.
        let cases = [
            ("sergey", "sergei"),
            ("yevgeny", "evgeni"),
            ("yelena", "elena"),
            ("yes", "yes"),
            ("iii", "iii"),
            ("xiv", "xiv"),
            ("lawrow", "lavrov"),
            ("maxim", "maksim"),
            ("kislyak", "kisliak"),
            ("maya", "maya"),
            ("yyy", "i"),
            ("iyya", "iya"),
            ("wxyjiy", "vksi"),
            ("aiyiy", "ai"),
            ("yiy", "i"),
            ("tyyyt", "tiyyt"),
            ("møyx", "møiks"),
            ("wyy", "vi"),
            ("éyé", "éié"),
        ];
        for (word, expected) in cases {
            assert_eq!(loose_word(word), expected, "{word}");
            assert_eq!(
                loose_key(&format!("{word} {word}")),
                format!("{expected} {expected}")
            );
        }
    }

    #[test]
    fn transliterates_russian_and_ukrainian() {
        assert_eq!(transliterate("Сергей Лавров"), "Sergey Lavrov");
        assert_eq!(transliterate("Мария Захарова"), "Mariya Zakharova");
        assert_eq!(transliterate("Київ"), "Kyiv");
        assert_eq!(transliterate("ЦРУ"), "TsRU");
        assert_eq!(transliterate("Blinken"), "Blinken");
    }

    #[test]
    fn loose_keys_meet_across_spellings_and_scripts() {
        let key = |name: &str| loose_key(&fold_name(name));
        assert_eq!(key("Sergei Lavrov"), key("Сергей Лавров"));
        assert_eq!(key("Sergej Lawrow"), key("Sergey Lavrov"));
        assert_eq!(key("Volodymyr Zelenskyy"), key("Volodymyr Zelensky"));
        assert_eq!(key("Yevgeny Prigozhin"), key("Евгений Пригожин"));
        assert_eq!(key("Dmitry Peskov"), key("Дмитрий Песков"));
        assert_ne!(key("Joe Biden"), key("Hunter Biden"));
        assert_ne!(key("Lavrov"), key("Lavrova"));
    }

    #[test]
    fn merges_cyrillic_and_latin_spellings() {
        check(
            &["P:Сергей Лавров,L:Женева", "P:Sergei Lavrov,L:Geneva"],
            ActorKind::Person,
            &["Sergei Lavrov[Сергей Лавров]"],
        );
        // Case forms of a Russian name in one article's canonical name join the nominative.
        check(
            &["P:Сергея Лаврова", "P:Сергей Лавров", "P:Sergey Lavrov"],
            ActorKind::Person,
            &["Sergey Lavrov[Сергей Лавров|Сергея Лаврова]"],
        );
        // The nominative is the canonical form of a name seen only in case forms.
        check(
            &[
                "P:Веселина Топалова",
                "P:Веселина Топалова",
                "P:Веселин Топалов",
            ],
            ActorKind::Person,
            &["Веселин Топалов[Veselin Topalov|Веселина Топалова]"],
        );
        // A name seen only in Cyrillic gets a Latin alias.
        check(
            &["P:Рамиль Гарипов"],
            ActorKind::Person,
            &["Рамиль Гарипов[Ramil Garipov]"],
        );
    }

    #[test]
    fn places_merge_across_scripts_through_the_lists() {
        // Kyiv is listed with "Kiev" but (in this list) not with a Cyrillic spelling: the
        // transliteration of "Киев" finds it.
        let gazetteer =
            Gazetteer::from_lists("Kyiv\tKiev|Kiew\nGeneva\tGenf\n", "").expect("lists parse");
        let articles = vec![
            article("L:Киев", Some("2022-02-01")),
            article("L:Kyiv", Some("2022-01-19")),
            article("L:Kiew,L:Genf", None),
        ];
        assert_eq!(
            clusters(&articles, &gazetteer, ActorKind::Place),
            ["Geneva[Genf]", "Kyiv[Kiew|Киев]"]
        );
        let registry = Registry::from_articles(&articles, &gazetteer);
        let kyiv = registry.find("киев", &[ActorKind::Place]);
        assert_eq!(kyiv.len(), 1);
        assert_eq!(kyiv[0].articles, 3);
        assert_eq!(kyiv[0].first_seen.as_deref(), Some("2022-01-19"));
        assert_eq!(kyiv[0].last_seen.as_deref(), Some("2022-02-01"));
        // With the embedded lists, Киев is listed under Kyiv already.
        let embedded = Gazetteer::embedded();
        assert_eq!(
            clusters(
                &[article("L:Киев", None), article("L:Kyiv", None)],
                &embedded,
                ActorKind::Place
            ),
            ["Kyiv[Киев]"]
        );
        // A Russian case form of a listed name ("in Geneva": "в Женеве") joins it.
        assert_eq!(
            clusters(
                &[article("L:Женеве", None), article("L:Geneva", None)],
                &embedded,
                ActorKind::Place
            ),
            ["Geneva[Женеве]"]
        );
    }

    #[test]
    fn misspelt_names_merge_on_shared_context() {
        let blinken = "P:Antony Blinken,P:Sergei Lavrov,L:Geneva,L:Kyiv,O:NATO";
        check(
            &[
                blinken,
                blinken,
                blinken,
                "P:Blingen,P:Sergei Lavrov,L:Geneva,O:NATO",
                "P:Anthony Bling,P:Sergei Lavrov,L:Kyiv,O:NATO",
            ],
            ActorKind::Person,
            &["Antony Blinken[Anthony Bling|Blingen]", "Sergei Lavrov[]"],
        );
        // The same misspellings with nothing in common stay apart: unknown beats wrong.
        check(
            &[
                blinken,
                blinken,
                blinken,
                "P:Blingen,L:Paris",
                "P:Anthony Bling,O:FIFA",
            ],
            ActorKind::Person,
            &[
                "Anthony Bling[]",
                "Antony Blinken[]",
                "Blingen[]",
                "Sergei Lavrov[]",
            ],
        );
    }

    #[test]
    fn name_words_split_as_the_character_split_does() {
        let by_characters = |folded: &str| -> Vec<String> {
            folded
                .split([' ', '-'])
                .map(|word| word.trim_matches(|ch: char| !ch.is_alphanumeric() && ch != '\''))
                .filter(|word| !word.is_empty())
                .map(str::to_string)
                .collect()
        };
        for folded in [
            "joe biden",
            "a. \"tony\" back\\slash",
            "--x--",
            "o'neil-smith",
            "'quoted' (name)",
            "сергей лавров",
            "«ünïcödé» x-",
            " - ",
            "",
        ] {
            let mut words = vec!["left over"];
            name_words_of(folded, &mut words);
            assert_eq!(words, by_characters(folded), "{folded:?}");
        }
    }

    #[test]
    fn sort_actors_orders_as_a_stable_sort_by_kind_and_name() {
        let stored = |name: &str, kind: ActorKind, articles: u64| StoredActor {
            actor: Actor {
                name: name.to_string(),
                kind,
                aliases: Vec::new(),
                articles,
                first_seen: None,
                last_seen: None,
            },
            names: Vec::new(),
            keys: Vec::new(),
        };
        let mut actors = vec![
            stored("Alexander Zverev", ActorKind::Person, 1),
            stored("Paris", ActorKind::Place, 2),
            stored("Alexander Abel", ActorKind::Person, 3),
            stored("Bob", ActorKind::Person, 4),
            stored("Alexander", ActorKind::Person, 5),
            stored("Alexander Zverev", ActorKind::Person, 6),
            stored("Bob", ActorKind::Organization, 7),
            stored("Alexander Abel", ActorKind::Person, 8),
            stored("Bo", ActorKind::Person, 9),
        ];
        let mut expected = actors.clone();
        expected.sort_by(|left, right| {
            (left.actor.kind, &left.actor.name).cmp(&(right.actor.kind, &right.actor.name))
        });
        sort_actors(&mut actors);
        let described = |actors: &[StoredActor]| -> Vec<(String, u64)> {
            actors
                .iter()
                .map(|stored| (stored.actor.name.clone(), stored.actor.articles))
                .collect()
        };
        assert_eq!(described(&actors), described(&expected));
    }

    #[test]
    fn a_persons_surname_must_have_three_loose_letters() {
        let lists = empty_lists();
        let plausible =
            |folded: &str| new_node(ActorKind::Person, folded, &lists, &mut Vec::new()).plausible;
        assert!(plausible("joe lee"));
        assert!(!plausible("joe li"));
        // "kyy" is keyed "ki".
        assert!(!plausible("joe kyy"));
        // Punctuation is trimmed from a word before it is keyed.
        assert!(!plausible("joe sm."));
        assert!(plausible("joe lee."));
        assert!(!plausible("joe s."));
    }

    #[test]
    fn surname_keys_are_the_last_word_and_its_stem() {
        let lists = empty_lists();
        let keys = |kind: ActorKind, folded: &str| -> Vec<String> {
            new_node(kind, folded, &lists, &mut Vec::new())
                .surname_keys()
                .map(str::to_string)
                .collect()
        };
        assert_eq!(keys(ActorKind::Person, "sergei lavrov"), ["lavrov"]);
        assert_eq!(
            keys(ActorKind::Person, "сергея лаврова"),
            ["lavrova", "lavrov"]
        );
        assert_eq!(keys(ActorKind::Person, "сергей лавров"), ["lavrov"]);
        assert!(keys(ActorKind::Place, "new york").is_empty());
    }

    #[test]
    fn words_that_form_the_loose_key_are_that_key() {
        let lists = empty_lists();
        for (kind, folded) in [
            (ActorKind::Person, "sergey lawrow"),
            (ActorKind::Person, "joseph r. biden"),
            (ActorKind::Person, "a. blinken"),
            (ActorKind::Person, "president joe biden"),
            (ActorKind::Person, "jean-claude juncker"),
            (ActorKind::Person, "o'neil  smith"),
            (ActorKind::Organization, "world war ii"),
            (ActorKind::Organization, "at&t inc."),
            (ActorKind::Place, "київ"),
            (ActorKind::Place, "йь київ"),
            (ActorKind::Place, "x"),
            (ActorKind::Person, "ъ иванов"),
            (ActorKind::Person, "иван ьь петров"),
        ] {
            let node = new_node(kind, folded, &lists, &mut Vec::new());
            if node.words_form_loose_key {
                assert_eq!(node.words.joined, loose_key(folded), "{folded:?}");
            }
        }
        assert!(
            new_node(ActorKind::Person, "sergey lawrow", &lists, &mut Vec::new())
                .words_form_loose_key
        );
        assert!(
            !new_node(ActorKind::Person, "a. blinken", &lists, &mut Vec::new())
                .words_form_loose_key
        );
    }

    #[test]
    fn surnames_sharing_a_neighbour_pairs_each_pair_once() {
        // "blinken" and "blingen" share "blinen", "smith" and "smyth" share "smth"; "bush" is
        // too short to be filed, and "hallam" gives "halam" twice.
        let surnames = [
            "blinken", "smith", "blingen", "bush", "smyth", "hallam", "halam",
        ];
        assert_eq!(
            surnames_sharing_a_neighbour(&surnames),
            [(0, 2), (1, 4), (5, 6)]
        );
    }

    #[test]
    fn people_sharing_a_surname_stay_apart() {
        let joe = "P:Joe Biden,L:Washington,O:White House,P:Kamala Harris";
        let hunter = "P:Hunter Biden,L:Washington,O:White House,P:Kamala Harris";
        check(
            &[
                joe,
                joe,
                joe,
                hunter,
                hunter,
                "P:Biden,L:Washington,O:White House",
            ],
            ActorKind::Person,
            &[
                "Biden[]",
                "Hunter Biden[]",
                "Joe Biden[]",
                "Kamala Harris[]",
            ],
        );
        // An initial joins the one full name it fits when they share context, and stays
        // alone when two fit.
        let joe = "P:Joe Biden,L:Washington,O:Senate,L:Delaware";
        check(
            &[
                joe,
                joe,
                "P:Hunter Biden",
                "P:J. Biden,L:Washington,O:Senate,L:Delaware",
            ],
            ActorKind::Person,
            &["Hunter Biden[]", "Joe Biden[J. Biden]"],
        );
        check(
            &["P:Joe Biden", "P:Jill Biden", "P:J. Biden"],
            ActorKind::Person,
            &["J. Biden[]", "Jill Biden[]", "Joe Biden[]"],
        );
        // A one-letter variant of a given name needs context too ("Ivana" is not "Ivanka").
        check(
            &["P:Ivanka Trump,L:New York", "P:Ivana Trump,L:Prague"],
            ActorKind::Person,
            &["Ivana Trump[]", "Ivanka Trump[]"],
        );
        check(
            &[
                "P:Antony Blinken,L:Kyiv,L:Geneva,O:NATO",
                "P:Antony Blinken,L:Kyiv,L:Geneva,O:NATO",
                "P:Antony Blinken,L:Kyiv,L:Geneva,O:NATO",
                "P:A. Blinken,L:Kyiv,L:Geneva,O:NATO",
                "P:Anthony Blinken,L:Kyiv,L:Geneva,O:NATO",
            ],
            ActorKind::Person,
            &["Antony Blinken[A. Blinken|Anthony Blinken]"],
        );
        // A female surname form in Latin script is another person.
        check(
            &["P:Sergei Lavrov", "P:Maria Lavrova"],
            ActorKind::Person,
            &["Maria Lavrova[]", "Sergei Lavrov[]"],
        );
    }

    #[test]
    fn listed_entities_never_merge_with_each_other() {
        let embedded = Gazetteer::embedded();
        let articles = vec![
            article("P:Joe Biden,L:Washington,L:Kyiv,O:Senate", None),
            article("P:Joe Biden,L:Washington,L:Kyiv,O:Senate", None),
            article("P:Joe Biden,L:Washington,L:Kyiv,O:Senate", None),
            article("P:Joseph Bidon,L:Washington,L:Kyiv,O:Senate", None),
            article("P:Hunter Biden,L:Washington,L:Kyiv", None),
        ];
        assert_eq!(
            clusters(&articles, &embedded, ActorKind::Person),
            ["Hunter Biden[]", "Joe Biden[Joseph Bidon]"]
        );
    }

    #[test]
    fn expands_a_name_to_every_spelling_of_its_cluster() {
        let blinken = "P:Antony Blinken,P:Sergei Lavrov,L:Geneva,L:Kyiv";
        let articles: Vec<ArticleFacts> = [
            blinken,
            blinken,
            blinken,
            "P:Anthony Blingen|Blingen,P:Sergei Lavrov,L:Kyiv,L:Geneva",
        ]
        .iter()
        .map(|spec| article(spec, None))
        .collect();
        let registry = Registry::from_articles(&articles, &empty_lists());
        for spelling in ["blingen", "Anthony Blingen", "ANTONY BLINKEN"] {
            let mut names: Vec<&str> = registry
                .expand(spelling, &[ActorKind::Person, ActorKind::Organization])
                .into_iter()
                .map(|(_, name)| name)
                .collect();
            names.sort();
            assert_eq!(names, ["Anthony Blingen", "Antony Blinken"], "{spelling}");
        }
        assert!(registry.expand("blingen", &[ActorKind::Place]).is_empty());
        // The lookup file written for queries answers the same.
        let lookup = NameLookup::of(&registry);
        let mut names: Vec<String> = lookup
            .expand("BLINGEN", &[ActorKind::Person])
            .into_iter()
            .map(|(_, name)| name)
            .collect();
        names.sort();
        assert_eq!(names, ["Anthony Blingen", "Antony Blinken"]);
        assert!(lookup.expand("blingen", &[ActorKind::Place]).is_empty());
        assert!(lookup.expand("sergei", &[ActorKind::Person]).is_empty());
        assert_eq!(
            lookup.expand("Sergey Lavrov", &[ActorKind::Person]).len(),
            1
        );
        assert!(registry.expand("nobody", &[ActorKind::Person]).is_empty());
        let figures = registry.figures();
        assert_eq!(figures.merged_by_context, 1);
        assert_eq!(figures.names, 5);
        assert_eq!(figures.actors, 5 - 1);
    }

    #[test]
    fn registry_round_trips_through_json() {
        let articles = vec![article("P:Antony Blinken,L:Kyiv", Some("2022-01-19"))];
        let registry = Registry::from_articles(&articles, &empty_lists());
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join(REGISTRY_FILE),
            registry.to_json().expect("json"),
        )
        .expect("write");
        let loaded = Registry::load(dir.path()).expect("reads").expect("present");
        assert_eq!(loaded.actors(None), registry.actors(None));
        assert_eq!(loaded.find("KYIV", &[ActorKind::Place]).len(), 1);
        assert!(Registry::load(&dir.path().join("missing"))
            .expect("absent is fine")
            .is_none());
    }
}
