//! STUB (replaced by the real enrich module).
#![allow(missing_docs)]
use crate::clean::Article;
pub struct Gazetteer;
#[derive(Debug)]
pub struct ListError {
    pub file: String,
    pub line: usize,
    pub message: String,
}
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum EntityKind {
    Person,
    Organization,
    Place,
}
#[derive(Debug, Clone, PartialEq)]
pub struct KnownEntity {
    pub name: String,
    pub kind: EntityKind,
    pub aliases: Vec<String>,
}
impl Gazetteer {
    pub fn embedded() -> Gazetteer {
        Gazetteer
    }
    pub fn lookup(&self, _name: &str) -> Option<KnownEntity> {
        None
    }
}
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Entity {
    pub name: String,
    pub aliases: Vec<String>,
    pub mentions: u32,
    #[serde(skip)]
    pub spans: Vec<(usize, usize)>,
}
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DateMention {
    pub date: String,
    pub text: String,
    #[serde(skip)]
    pub span: (usize, usize),
}
#[derive(Debug, Clone, PartialEq)]
pub struct EnrichedArticle {
    pub article: Article,
    pub language: String,
    pub published: Option<jiff::civil::Date>,
    pub people: Vec<Entity>,
    pub organizations: Vec<Entity>,
    pub places: Vec<Entity>,
    pub dates: Vec<DateMention>,
}
pub fn enrich_article(article: Article, _g: &Gazetteer) -> EnrichedArticle {
    let language = tag_language(&article.body);
    let mut places = vec![];
    if article.body.contains("Geneva") {
        places.push(Entity {
            name: "Geneva".into(),
            aliases: vec![],
            mentions: 1,
            spans: vec![],
        })
    }
    let mut people = vec![];
    if article.body.contains("Blinken") {
        people.push(Entity {
            name: "Antony Blinken".into(),
            aliases: vec!["Blingen".into()],
            mentions: 1,
            spans: vec![],
        })
    }
    EnrichedArticle {
        published: article.published,
        article,
        language,
        people,
        organizations: vec![],
        places,
        dates: vec![],
    }
}
pub fn tag_language(text: &str) -> String {
    match whatlang::detect(text) {
        Some(i) if i.is_reliable() => match i.lang() {
            whatlang::Lang::Eng => "en",
            whatlang::Lang::Rus => "ru",
            whatlang::Lang::Deu => "de",
            whatlang::Lang::Spa => "es",
            _ => "und",
        }
        .into(),
        _ => "und".into(),
    }
}
impl Gazetteer {
    pub fn from_dir(_d: &std::path::Path) -> Result<Gazetteer, ListError> {
        Ok(Gazetteer)
    }
}
