//! The query language: a string becomes a [`QueryExpr`] tree, or an error naming the position.
//!
//! ```text
//! query    = or ;
//! or       = and { ("OR" | "||") and } ;
//! and      = unary { [ "AND" | "&&" ] unary } ;       (juxtaposition, see below)
//! unary    = ("NOT" | "!" | "-") unary | "+" unary | primary ;
//! primary  = "(" query ")" | [ FIELD ":" ] value ;
//! value    = PHRASE | RANGE | "*" | WORD [ "~" [0-2] ] | WORD "*" ;
//! PHRASE   = '"' any characters but '"' '"' ;
//! RANGE    = "[" (DATE | "*") "TO" (DATE | "*") "]" ;
//! FIELD    = actor | person | org | place | lang | published | date | source | title ;
//! ```
//!
//! Juxtaposed terms (`security guarantees`) are optional and ranked by BM25; `+term` and terms
//! joined by `AND` are required; `-term` and `NOT term` exclude. Field filters are required.
//! When a group has required parts, its optional words must still match at least once, so
//! `actor:lavrov security` means Lavrov's articles that mention security.
//!
//! Parsing knows nothing of the index: `query::compile` turns the tree into tantivy queries.

use crate::{Error, Result};

/// The filters a query may use, with what they search.
pub const FILTER_FIELDS: &[(&str, &str)] = &[
    ("actor", "people and organisations, with their aliases"),
    ("person", "people, with their aliases"),
    ("org", "organisations, with their aliases"),
    ("place", "places, with their aliases"),
    ("lang", "language code such as en, ru, de"),
    (
        "published",
        "publication date: 2022-02-15, 2022-02, 2022 or [2022-01-01 TO 2022-02-15]",
    ),
    (
        "date",
        "a date the article mentions, same forms as published",
    ),
    ("source", "words of the source file path or url"),
    ("title", "the headline"),
];

/// Deepest nesting of parentheses and unary operators accepted.
pub const MAX_DEPTH: usize = 32;
/// Most terms one query may hold.
pub const MAX_TERMS: usize = 256;

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryExpr {
    /// One term or filter.
    Clause(Clause),
    /// Parts joined by juxtaposition or AND, each with its role.
    Group(Vec<(Occur, QueryExpr)>),
    /// Parts joined by OR.
    Or(Vec<QueryExpr>),
}

/// The role of a part in a [`QueryExpr::Group`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occur {
    /// Ranks but is not required (plain words).
    Should,
    /// Required (`+word`, `AND`, field filters).
    Must,
    /// Excluded (`-word`, `NOT word`).
    MustNot,
}

/// A field (or the default fields) and a value to look for.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// `None` for the default fields (title and body).
    pub field: Option<String>,
    /// What to look for.
    pub value: Value,
    /// Byte range of the clause in the query string.
    pub span: std::ops::Range<usize>,
}

/// What a clause looks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A word, analysed like the field.
    Word(String),
    /// Words that must appear in this order.
    Phrase(String),
    /// A word within an edit distance (1 or 2).
    Fuzzy(String, u8),
    /// Words starting with this prefix.
    Prefix(String),
    /// An inclusive range of dates; `None` is open.
    Range(Option<String>, Option<String>),
    /// `*` alone: every article.
    All,
    /// Plain text read as a bag of words, with no query syntax (see [`parse_words`]).
    Words(String),
}

/// Reads `text` as plain words with no operators, quotes or filters: every word is optional
/// and ranked by BM25. For natural-language queries (saved topic lists, benchmark queries)
/// whose punctuation would otherwise be read as syntax.
pub fn parse_words(text: &str) -> Result<QueryExpr> {
    if text.trim().is_empty() {
        return Err(Error::query(text, 0..text.len(), "empty query", None));
    }
    Ok(QueryExpr::Clause(Clause {
        field: None,
        value: Value::Words(text.to_string()),
        span: 0..text.len(),
    }))
}

/// Parses a query string.
pub fn parse_query(query: &str) -> Result<QueryExpr> {
    let tokens = lex(query)?;
    let n_terms = tokens
        .iter()
        .filter(|token| matches!(token.kind, TokenKind::Value(_)))
        .count();
    if n_terms > MAX_TERMS {
        return Err(Error::query(
            query,
            0..query.len(),
            format!("the query has {n_terms} terms; at most {MAX_TERMS} are allowed"),
            None,
        ));
    }
    let mut parser = Parser {
        query,
        tokens,
        position: 0,
        depth: 0,
    };
    if parser.tokens.is_empty() {
        return Err(Error::query(
            query,
            0..query.len(),
            "empty query",
            Some("type some words, a \"phrase\" or a filter such as lang:en".to_string()),
        ));
    }
    let expr = parser.parse_or()?;
    if let Some(token) = parser.tokens.get(parser.position) {
        let message = match token.kind {
            TokenKind::Close => "unbalanced ')'".to_string(),
            _ => "unexpected input".to_string(),
        };
        return Err(Error::query(query, token.span.clone(), message, None));
    }
    Ok(expr)
}

#[derive(Debug, Clone, PartialEq)]
enum TokenKind {
    Open,
    Close,
    And,
    Or,
    Not,
    Plus,
    Minus,
    Value(Clause),
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: TokenKind,
    span: std::ops::Range<usize>,
}

fn is_boundary(character: char) -> bool {
    character.is_whitespace() || matches!(character, '(' | ')' | '"')
}

fn lex(query: &str) -> Result<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut position = 0;
    while let Some(character) = query[position..].chars().next() {
        let start = position;
        let single = |kind| Token {
            kind,
            span: start..start + character.len_utf8(),
        };
        let kind = match character {
            _ if character.is_whitespace() => None,
            '(' => Some(TokenKind::Open),
            ')' => Some(TokenKind::Close),
            '+' => Some(TokenKind::Plus),
            '-' => Some(TokenKind::Minus),
            '!' => Some(TokenKind::Not),
            _ => {
                let (token, end) = lex_clause(query, start)?;
                tokens.push(token);
                position = end;
                continue;
            }
        };
        if let Some(kind) = kind {
            tokens.push(single(kind));
        }
        position += character.len_utf8();
    }
    Ok(tokens)
}

/// Reads `field:value`, an operator word, or a value starting at `start`.
fn lex_clause(query: &str, start: usize) -> Result<(Token, usize)> {
    let rest = &query[start..];
    let field_end = rest
        .char_indices()
        .find(|&(_, character)| is_boundary(character) || character == ':' || character == '[')
        .map_or(rest.len(), |(offset, _)| offset);
    if rest[field_end..].starts_with(':') && field_end > 0 {
        let word = &rest[..field_end];
        let field = word.to_lowercase();
        let end = start + field_end;
        if !FILTER_FIELDS.iter().any(|(name, _)| *name == field) {
            let names: Vec<&str> = FILTER_FIELDS.iter().map(|(name, _)| *name).collect();
            let suggestion = names
                .iter()
                .map(|name| (strsim::jaro_winkler(name, &field), *name))
                .filter(|(similarity, _)| *similarity > 0.8)
                .max_by(|left, right| left.0.total_cmp(&right.0))
                .map(|(_, name)| format!("did you mean '{name}'? "))
                .unwrap_or_default();
            return Err(Error::query(
                query,
                start..end,
                format!("unknown field '{word}'"),
                Some(format!(
                    "{suggestion}(fields: {}); put a word with ':' in quotes to search it",
                    names.join(", ")
                )),
            ));
        }
        let value_start = end + 1;
        let (value, value_end) = lex_value(query, value_start)?;
        let Some(value) = value else {
            return Err(Error::query(
                query,
                start..value_start,
                format!("'{word}:' needs a value"),
                Some(format!("for example {word}:{}", example_value(&field))),
            ));
        };
        let span = start..value_end;
        let clause = Clause {
            field: Some(field),
            value,
            span: span.clone(),
        };
        return Ok((
            Token {
                kind: TokenKind::Value(clause),
                span,
            },
            value_end,
        ));
    }
    let (value, end) = lex_value(query, start)?;
    let span = start..end;
    let kind = match value {
        Some(Value::Word(text)) if text == "AND" || text == "&&" => TokenKind::And,
        Some(Value::Word(text)) if text == "OR" || text == "||" => TokenKind::Or,
        Some(Value::Word(text)) if text == "NOT" => TokenKind::Not,
        Some(value) => TokenKind::Value(Clause {
            field: None,
            value,
            span: span.clone(),
        }),
        None => {
            let width = query[start..].chars().next().map_or(1, char::len_utf8);
            return Err(Error::query(
                query,
                start..start + width,
                "unexpected character",
                None,
            ));
        }
    };
    Ok((Token { kind, span }, end))
}

fn example_value(field: &str) -> &'static str {
    match field {
        "lang" => "ru",
        "published" | "date" => "2022-02 or [2022-01-01 TO 2022-02-15]",
        "place" => "geneva",
        "source" => "reuters",
        _ => "lavrov",
    }
}

/// Finds the first occurrence of `wanted` at or after `from`.
fn find_char(query: &str, from: usize, wanted: char) -> Option<usize> {
    query[from..].find(wanted).map(|offset| from + offset)
}

/// Reads one value starting at `start`; returns it and the byte offset after it.
fn lex_value(query: &str, start: usize) -> Result<(Option<Value>, usize)> {
    let rest = &query[start.min(query.len())..];
    match rest.chars().next() {
        None => Ok((None, start)),
        Some(character) if character.is_whitespace() || character == ')' || character == '(' => {
            Ok((None, start))
        }
        Some('"') => {
            let Some(end) = find_char(query, start + 1, '"') else {
                return Err(Error::query(
                    query,
                    start..query.len(),
                    "unclosed '\"'",
                    Some("close the phrase with a second '\"'".to_string()),
                ));
            };
            let phrase = query[start + 1..end].trim().to_string();
            if phrase.is_empty() {
                return Err(Error::query(query, start..end + 1, "empty phrase", None));
            }
            Ok((Some(Value::Phrase(phrase)), end + 1))
        }
        Some('[') => {
            let Some(end) = find_char(query, start + 1, ']') else {
                return Err(Error::query(
                    query,
                    start..query.len(),
                    "unclosed '['",
                    Some("write a range as [2022-01-01 TO 2022-02-15]".to_string()),
                ));
            };
            let parts: Vec<&str> = query[start + 1..end].split_whitespace().collect();
            let (lower, upper) = match parts.as_slice() {
                [lower, to, upper] if to.eq_ignore_ascii_case("to") => (*lower, *upper),
                _ => {
                    return Err(Error::query(
                        query,
                        start..end + 1,
                        "expected a range such as [2022-01-01 TO 2022-02-15]",
                        None,
                    ))
                }
            };
            let bound = |text: &str| (text != "*").then(|| text.to_string());
            Ok((Some(Value::Range(bound(lower), bound(upper))), end + 1))
        }
        Some(_) => {
            let length = rest
                .char_indices()
                .find(|&(_, character)| is_boundary(character))
                .map_or(rest.len(), |(offset, _)| offset);
            let end = start + length;
            let word = &rest[..length];
            if let Some((base, distance)) = word.rsplit_once('~') {
                let distance = match distance {
                    "" | "1" => 1,
                    "0" => 0,
                    "2" => 2,
                    _ => {
                        let tilde = start + base.len();
                        return Err(Error::query(
                            query,
                            tilde..end,
                            format!("fuzzy distance '{distance}' is not 0, 1 or 2"),
                            Some(
                                "write term~1 or term~2; larger distances match almost anything"
                                    .to_string(),
                            ),
                        ));
                    }
                };
                if base.is_empty() {
                    return Err(Error::query(
                        query,
                        start..end,
                        "'~' needs a word before it",
                        None,
                    ));
                }
                return Ok((Some(Value::Fuzzy(base.to_string(), distance)), end));
            }
            if word == "*" {
                return Ok((Some(Value::All), end));
            }
            if let Some(base) = word.strip_suffix('*') {
                // One letter would expand to a large share of the vocabulary: bound the work.
                if base.chars().count() < 2 || base.contains('*') {
                    return Err(Error::query(
                        query,
                        start..end,
                        "a prefix search needs at least two characters before '*'",
                        Some("for example secur*".to_string()),
                    ));
                }
                return Ok((Some(Value::Prefix(base.to_string())), end));
            }
            Ok((Some(Value::Word(word.to_string())), end))
        }
    }
}

struct Parser<'a> {
    query: &'a str,
    tokens: Vec<Token>,
    position: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&TokenKind> {
        self.tokens.get(self.position).map(|token| &token.kind)
    }

    fn error_here(&self, message: &str) -> Error {
        let span = self
            .tokens
            .get(self.position)
            .map(|token| token.span.clone())
            .unwrap_or(self.query.len()..self.query.len());
        Error::query(self.query, span, message.to_string(), None)
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here(&format!(
                "the query is nested more than {MAX_DEPTH} levels deep"
            )));
        }
        Ok(())
    }

    fn parse_or(&mut self) -> Result<QueryExpr> {
        let mut parts = vec![self.parse_and()?];
        while self.peek() == Some(&TokenKind::Or) {
            self.position += 1;
            if matches!(
                self.peek(),
                None | Some(TokenKind::Close) | Some(TokenKind::Or) | Some(TokenKind::And)
            ) {
                return Err(self.error_here("expected a term after OR"));
            }
            parts.push(self.parse_and()?);
        }
        Ok(if parts.len() == 1 {
            parts.pop().expect("one part")
        } else {
            QueryExpr::Or(parts)
        })
    }

    fn parse_and(&mut self) -> Result<QueryExpr> {
        let mut parts: Vec<(Occur, QueryExpr)> = Vec::new();
        let mut joined_by_and = false;
        loop {
            match self.peek() {
                None | Some(TokenKind::Close) | Some(TokenKind::Or) => break,
                Some(TokenKind::And) => {
                    if parts.is_empty() {
                        return Err(self.error_here("expected a term before AND"));
                    }
                    self.position += 1;
                    if matches!(
                        self.peek(),
                        None | Some(TokenKind::Close) | Some(TokenKind::Or) | Some(TokenKind::And)
                    ) {
                        return Err(self.error_here("expected a term after AND"));
                    }
                    joined_by_and = true;
                    if let Some(last) = parts.last_mut() {
                        if last.0 == Occur::Should {
                            last.0 = Occur::Must;
                        }
                    }
                    continue;
                }
                Some(_) => {}
            }
            let (mut occur, expr) = self.parse_unary()?;
            if joined_by_and && occur == Occur::Should {
                occur = Occur::Must;
            }
            joined_by_and = false;
            parts.push((occur, expr));
        }
        if parts.is_empty() {
            return Err(self.error_here("expected a term"));
        }
        if parts.len() == 1 && parts[0].0 != Occur::MustNot {
            let (occur, expr) = parts.pop().expect("one part");
            // A lone filter or required term is the whole group.
            if occur == Occur::Should
                || matches!(expr, QueryExpr::Clause(_))
                || occur == Occur::Must
            {
                return Ok(expr);
            }
        }
        Ok(QueryExpr::Group(parts))
    }

    fn parse_unary(&mut self) -> Result<(Occur, QueryExpr)> {
        match self.peek() {
            Some(TokenKind::Not) | Some(TokenKind::Minus) => {
                self.position += 1;
                self.enter()?;
                if matches!(
                    self.peek(),
                    None | Some(TokenKind::Close) | Some(TokenKind::Or) | Some(TokenKind::And)
                ) {
                    return Err(self.error_here("expected a term after NOT or '-'"));
                }
                let (_, expr) = self.parse_unary()?;
                self.depth -= 1;
                Ok((Occur::MustNot, expr))
            }
            Some(TokenKind::Plus) => {
                self.position += 1;
                self.enter()?;
                if matches!(
                    self.peek(),
                    None | Some(TokenKind::Close) | Some(TokenKind::Or) | Some(TokenKind::And)
                ) {
                    return Err(self.error_here("expected a term after '+'"));
                }
                let (occur, expr) = self.parse_unary()?;
                self.depth -= 1;
                Ok((
                    if occur == Occur::MustNot {
                        occur
                    } else {
                        Occur::Must
                    },
                    expr,
                ))
            }
            _ => {
                let expr = self.parse_primary()?;
                let occur = match &expr {
                    QueryExpr::Clause(Clause {
                        field: Some(field), ..
                    }) if field != "title" => Occur::Must,
                    _ => Occur::Should,
                };
                Ok((occur, expr))
            }
        }
    }

    fn parse_primary(&mut self) -> Result<QueryExpr> {
        let Some(token) = self.tokens.get(self.position).cloned() else {
            return Err(self.error_here("expected a term"));
        };
        match token.kind {
            TokenKind::Open => {
                self.enter()?;
                self.position += 1;
                if self.peek() == Some(&TokenKind::Close) {
                    return Err(Error::query(
                        self.query,
                        token.span.start..token.span.end + 1,
                        "empty parentheses",
                        None,
                    ));
                }
                let expr = self.parse_or()?;
                if self.peek() != Some(&TokenKind::Close) {
                    return Err(Error::query(
                        self.query,
                        token.span.clone(),
                        "unclosed '('",
                        Some("add a ')'".to_string()),
                    ));
                }
                self.position += 1;
                self.depth -= 1;
                Ok(expr)
            }
            TokenKind::Value(clause) => {
                self.position += 1;
                Ok(QueryExpr::Clause(clause))
            }
            TokenKind::Close => Err(self.error_here("unbalanced ')'")),
            _ => Err(self.error_here("expected a term")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders a tree compactly so that cases fit on one line.
    fn render(expr: &QueryExpr) -> String {
        match expr {
            QueryExpr::Clause(clause) => {
                let value = match &clause.value {
                    Value::Word(word) => word.clone(),
                    Value::Phrase(phrase) => format!("\"{phrase}\""),
                    Value::Fuzzy(word, distance) => format!("{word}~{distance}"),
                    Value::Prefix(prefix) => format!("{prefix}*"),
                    Value::All => "*".to_string(),
                    Value::Words(text) => format!("words({text})"),
                    Value::Range(lower, upper) => format!(
                        "[{} TO {}]",
                        lower.as_deref().unwrap_or("*"),
                        upper.as_deref().unwrap_or("*")
                    ),
                };
                match &clause.field {
                    Some(field) => format!("{field}:{value}"),
                    None => value,
                }
            }
            QueryExpr::Group(parts) => {
                let inner: Vec<String> = parts
                    .iter()
                    .map(|(occur, part)| {
                        let sign = match occur {
                            Occur::Should => "",
                            Occur::Must => "+",
                            Occur::MustNot => "-",
                        };
                        format!("{sign}{}", render(part))
                    })
                    .collect();
                format!("({})", inner.join(" "))
            }
            QueryExpr::Or(parts) => {
                let inner: Vec<String> = parts.iter().map(render).collect();
                format!("({})", inner.join(" | "))
            }
        }
    }

    fn check(query: &str, expected: &str) {
        let expr = parse_query(query).unwrap_or_else(|error| panic!("{query}: {error}"));
        assert_eq!(render(&expr), expected, "{query}");
    }

    fn check_error(query: &str, expected_message: &str, expected_column: usize) {
        match parse_query(query) {
            Ok(expr) => panic!("{query}: expected an error, got {}", render(&expr)),
            Err(Error::Query {
                message,
                column,
                span,
                ..
            }) => {
                assert!(message.contains(expected_message), "{query}: {message}");
                assert_eq!(column, expected_column, "{query}: {message}");
                assert!(span.start <= query.len() && span.end <= query.len());
            }
            Err(other) => panic!("{query}: {other}"),
        }
    }

    #[test]
    fn words_phrases_and_operators() {
        check("security", "security");
        check("security guarantees", "(security guarantees)");
        check("\"security guarantees\"", "\"security guarantees\"");
        check("lavrov AND blinken", "(+lavrov +blinken)");
        check("lavrov OR blinken", "(lavrov | blinken)");
        check("lavrov && blinken || putin", "((+lavrov +blinken) | putin)");
        check("lavrov -blinken", "(lavrov -blinken)");
        check("lavrov NOT blinken", "(lavrov -blinken)");
        check("+lavrov talks", "(+lavrov talks)");
        check("(lavrov OR lawrow) talks", "((lavrov | lawrow) talks)");
        check("blingen~1", "blingen~1");
        check("blingen~", "blingen~1");
        check("blingen~2", "blingen~2");
        check("secur*", "secur*");
        check("гарантии безопасности", "(гарантии безопасности)");
        check("NOT putin", "(-putin)");
    }

    #[test]
    fn filters() {
        check("actor:lavrov", "actor:lavrov");
        check("actor:lavrov security", "(+actor:lavrov security)");
        check("ACTOR:\"anthony bling\"", "actor:\"anthony bling\"");
        check("place:geneva lang:ru", "(+place:geneva +lang:ru)");
        check(
            "published:[2022-01-01 TO 2022-02-15]",
            "published:[2022-01-01 TO 2022-02-15]",
        );
        check("published:[* TO 2022-02]", "published:[* TO 2022-02]");
        check("date:2022-02-15", "date:2022-02-15");
        check("title:talks", "title:talks");
        check("actor:blingen~1", "actor:blingen~1");
        check("-lang:ru talks", "(-lang:ru talks)");
    }

    #[test]
    fn errors_name_the_position() {
        check_error("\"security guarantees", "unclosed '\"'", 1);
        check_error("security (guarantees", "unclosed '('", 10);
        check_error("security guarantees)", "unbalanced ')'", 20);
        check_error("actr:lavrov", "unknown field 'actr'", 1);
        check_error("talks actor:", "'actor:' needs a value", 7);
        check_error("blinken~5", "fuzzy distance '5'", 8);
        check_error("lavrov AND", "expected a term after AND", 11);
        check_error("OR lavrov", "expected a term", 1);
        check_error("published:[2022 TO]", "expected a range", 11);
        check_error("", "empty query", 1);
        check_error("()", "empty parentheses", 1);
        check_error("**", "prefix search needs", 1);
        check_error("s*", "at least two characters", 1);
        check("*", "*");
        check_error(&"(".repeat(40), "nested more than", 33);
    }

    #[test]
    fn unknown_field_suggests_the_closest() {
        let Err(Error::Query {
            hint: Some(hint), ..
        }) = parse_query("actr:lavrov")
        else {
            panic!("expected a query error with a hint");
        };
        assert!(hint.starts_with("did you mean 'actor'?"), "{hint}");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for query in [
            "\"",
            "[",
            "a:[",
            "~",
            "a~b",
            "((a)",
            "-",
            "+",
            "!",
            "a OR",
            "é:x",
            "\u{0}",
            "title:\"\"",
            "a\"b",
            "x:y:z",
            ":",
            "lang:",
            "[a TO b]",
        ] {
            let _ = parse_query(query);
        }
    }
}
