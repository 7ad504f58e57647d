//! Word order for short queries of plain words: among the best-scored hits, articles that hold
//! every word come first, and those where the words stand close together before them.
//!
//! BM25 alone counts words, not where they stand: for `security guarantees` an article that
//! says "security" in one paragraph and "guarantees" in another scored above one that says
//! "security guarantees". A reader of news means the phrase first. So the best
//! [`PROXIMITY_WINDOW`] hits of a query of two to four plain words are put in three tiers
//! (words close together, all words, the rest) and by score within a tier; their scores are
//! raised by whole multiples of the window's best score, so the order and the scores agree
//! (a TREC run keeps the order) and every hit below the window keeps its BM25 score. Longer
//! queries (claims, sentences) are left to BM25 and feedback: on SciFact a proximity bonus
//! lowered the train score (BENCHMARKS.md).
//!
//! Positions come from the index itself (the postings of each word, one seek per hit), not
//! from the stored text.

use std::collections::BTreeMap;

use tantivy::postings::Postings;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, DocSet, Searcher, Term, TERMINATED};

use super::parser::{Occur, QueryExpr, Value};
use crate::{Error, Result};

/// How many of the best-scored hits are put in tiers.
pub const PROXIMITY_WINDOW: usize = 50;

/// Fewest and most distinct words of a query that is put in tiers.
const MIN_WORDS: usize = 2;
const MAX_WORDS: usize = 4;

/// Words "stand close together" when the shortest stretch of text holding all of them has at
/// most this many other words in it ("guarantees of security", "security and arms-control
/// guarantees").
const CLOSE_SLACK: u32 = 2;

/// The plain words of a query whose hits may be put in tiers, as the user typed them: words of
/// the default fields that may or must match (how many count is [`tiered_word_count`]'s
/// question). `None` when the query holds other text: a phrase, fuzzy or prefix terms,
/// alternatives (`OR`), nested groups, `title:` words. Filters and excluded words beside the
/// words are allowed (`security guarantees lang:en -nato`).
pub fn ranking_words(expr: &QueryExpr) -> Option<Vec<&str>> {
    let mut words = Vec::new();
    match expr {
        QueryExpr::Group(parts) => {
            for (occur, part) in parts {
                if *occur != Occur::MustNot {
                    add_plain_words(part, &mut words)?;
                }
            }
        }
        part => add_plain_words(part, &mut words)?,
    }
    Some(words)
}

/// Adds the plain words of one part of a query to `words`; `None` when the part is text of
/// another kind. A filter adds nothing: it ranks nothing and is not a word.
fn add_plain_words<'e>(part: &'e QueryExpr, words: &mut Vec<&'e str>) -> Option<()> {
    let QueryExpr::Clause(clause) = part else {
        return None;
    };
    match (clause.field.as_deref(), &clause.value) {
        (None, Value::Word(word)) => words.push(word),
        (None, Value::Words(text)) => words.extend(text.split_whitespace()),
        // Title words rank, but are not looked for in the body.
        (None | Some("title"), _) => return None,
        _ => {}
    }
    Some(())
}

/// Whether a query's distinct analysed words are few enough, and more than one, for tiers.
pub fn tiered_word_count(n_terms: usize) -> bool {
    (MIN_WORDS..=MAX_WORDS).contains(&n_terms)
}

/// Puts the first [`PROXIMITY_WINDOW`] of `ranked` (best score first) in tiers by where the
/// words stand in each article (see the module doc) and sorts them again. `terms` holds, per
/// text field, the query's distinct analysed words in that field; an article has the words of
/// its own language's field only.
pub fn rank_by_proximity(
    searcher: &Searcher,
    ranked: &mut [(f32, DocAddress)],
    terms: &[(Field, Vec<Term>)],
) -> Result<()> {
    let window = ranked.len().min(PROXIMITY_WINDOW);
    let ranked = &mut ranked[..window];
    let Some(best_score) = ranked.iter().map(|(score, _)| *score).reduce(f32::max) else {
        return Ok(());
    };
    let mut by_segment: BTreeMap<u32, Vec<(DocId, usize)>> = BTreeMap::new();
    for (slot, (_, address)) in ranked.iter().enumerate() {
        by_segment
            .entry(address.segment_ord)
            .or_default()
            .push((address.doc_id, slot));
    }
    let mut tiers = vec![0u8; window];
    let mut positions: Vec<Vec<Vec<u32>>> = vec![Vec::new(); window];
    let mut buffer = Vec::new();
    for (segment_ord, mut docs) in by_segment {
        docs.sort_unstable();
        let segment = searcher.segment_reader(segment_ord);
        for (field, field_terms) in terms {
            let inverted = segment.inverted_index(*field)?;
            for &(_, slot) in &docs {
                positions[slot].clear();
                positions[slot].resize(field_terms.len(), Vec::new());
            }
            for (term_idx, term) in field_terms.iter().enumerate() {
                let postings = inverted
                    .read_postings(term, IndexRecordOption::WithFreqsAndPositions)
                    .map_err(|error| Error::Internal(format!("reading postings: {error}")))?;
                let Some(mut postings) = postings else {
                    continue;
                };
                for &(doc, slot) in &docs {
                    // Postings only move forward; a hit before where they stand lacks the word.
                    if postings.doc() == TERMINATED || postings.doc() > doc {
                        continue;
                    }
                    if postings.seek(doc) == doc {
                        postings.positions(&mut buffer);
                        positions[slot][term_idx].clone_from(&buffer);
                    }
                }
            }
            for &(_, slot) in &docs {
                tiers[slot] = tiers[slot].max(tier(&positions[slot]));
            }
        }
    }
    for ((score, _), tier) in ranked.iter_mut().zip(&tiers) {
        *score += f32::from(*tier) * best_score;
    }
    ranked.sort_by(|left, right| right.0.total_cmp(&left.0));
    Ok(())
}

/// 2 when every word is in the article and some stretch of at most [`CLOSE_SLACK`] other
/// words holds them all, 1 when every word is in it, else 0.
fn tier(positions: &[Vec<u32>]) -> u8 {
    if positions.is_empty() || positions.iter().any(Vec::is_empty) {
        return 0;
    }
    let close = shortest_span(positions) <= positions.len() as u32 + CLOSE_SLACK;
    if close {
        2
    } else {
        1
    }
}

/// The length in positions of the shortest stretch holding one position of every list
/// (each list sorted, none empty).
fn shortest_span(positions: &[Vec<u32>]) -> u32 {
    let mut merged: Vec<(u32, usize)> = positions
        .iter()
        .enumerate()
        .flat_map(|(list, found)| found.iter().map(move |&position| (position, list)))
        .collect();
    merged.sort_unstable();
    let mut counts = vec![0usize; positions.len()];
    let mut covered = 0;
    let mut shortest = u32::MAX;
    let mut start = 0;
    for end in 0..merged.len() {
        let list = merged[end].1;
        counts[list] += 1;
        if counts[list] == 1 {
            covered += 1;
        }
        while covered == positions.len() {
            shortest = shortest.min(merged[end].0 - merged[start].0 + 1);
            let first = merged[start].1;
            counts[first] -= 1;
            if counts[first] == 0 {
                covered -= 1;
            }
            start += 1;
        }
    }
    shortest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse_query;

    #[test]
    fn shortest_span_covers_one_position_of_each_word() {
        assert_eq!(shortest_span(&[vec![4], vec![5]]), 2);
        assert_eq!(shortest_span(&[vec![1, 40], vec![20, 42]]), 3);
        // 5, 7 and 9 hold one of each.
        assert_eq!(
            shortest_span(&[vec![1, 9], vec![5], vec![30, 7]].map(sorted)),
            5
        );
        assert_eq!(shortest_span(&[vec![10], vec![2]]), 9);
    }

    fn sorted(mut list: Vec<u32>) -> Vec<u32> {
        list.sort_unstable();
        list
    }

    #[test]
    fn tiers_put_close_words_above_scattered_ones_above_missing_ones() {
        assert_eq!(tier(&[vec![4], vec![5]]), 2);
        assert_eq!(tier(&[vec![4], vec![7]]), 2);
        assert_eq!(tier(&[vec![4], vec![8]]), 1);
        assert_eq!(tier(&[vec![4], vec![]]), 0);
    }

    #[test]
    fn only_plain_words_of_the_default_fields_are_ranking_words() {
        // The words, joined by '|'.
        let words = |query: &str| {
            let expr = parse_query(query).expect("parses");
            ranking_words(&expr).map(|words| words.join("|"))
        };
        let listed = |text: &str| Some(text.to_string());
        assert_eq!(words("security guarantees"), listed("security|guarantees"));
        assert_eq!(
            words("security +guarantees lang:en -nato"),
            listed("security|guarantees")
        );
        assert_eq!(words("\"security guarantees\" nato"), None);
        assert_eq!(words("security OR guarantees"), None);
        assert_eq!(words("title:security guarantees"), None);
        assert_eq!(words("blinken~1 lavrov"), None);
        assert_eq!(words("actor:lavrov"), listed(""));
    }
}
