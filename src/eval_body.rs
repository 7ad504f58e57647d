//! Scores extracted article bodies against gold bodies with the article-extraction-benchmark
//! metric, the same figures as `shared/eval/score_body.py` prints (without its bootstrap ±).
//!
//! The metric, as `shared/data/SOURCES.md` (section 5a) defines it:
//!
//! - *Tokens* are maximal runs of word characters, case kept (Python's `\w+`).
//! - *Shingles* are the runs of 4 consecutive tokens, as a multiset; a text of 1–3 tokens is one
//!   shingle, and a text without tokens has none.
//! - Per page, `precision = shared / predicted` and `recall = shared / gold` over shingle counts,
//!   both exactly 1 when the two multisets are equal. A page whose prediction has no shingles
//!   drops out of the precision mean; a page whose gold has none drops out of the recall mean.
//! - Overall P and R are the means over pages, F1 = 2PR/(P+R) from the two means, and accuracy is
//!   the share of pages whose token sequence equals the gold's exactly.
//!
//! Pages are the gold's; a page missing from the predictions counts as an empty prediction, and
//! predictions for pages without gold are ignored. Pure: no IO, the caller reads the files.

use std::collections::HashMap;

/// Shingle length of the benchmark's metric.
const SHINGLE_TOKENS: usize = 4;

/// The benchmark's figures over a set of pages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BodyScores {
    /// Mean per-page precision over pages with a non-empty prediction (0 when there are none).
    pub precision: f64,
    /// Mean per-page recall over pages with a non-empty gold body (0 when there are none).
    pub recall: f64,
    /// Harmonic mean of `precision` and `recall` (0 when both are 0).
    pub f1: f64,
    /// Share of pages whose token sequence equals the gold's exactly.
    pub accuracy: f64,
    /// Number of pages scored: the number of gold bodies.
    pub n_pages: usize,
}

/// Scores `predicted` bodies against `gold` bodies, both keyed by page id. See the module doc
/// for the metric; the figures equal `score_body.py`'s.
pub fn score_bodies(
    gold: &HashMap<String, String>,
    predicted: &HashMap<String, String>,
) -> BodyScores {
    // Sorted ids make the floating-point sums, and so the last digits, independent of hashing.
    let mut page_ids: Vec<&String> = gold.keys().collect();
    page_ids.sort();
    let mut precisions = Vec::new();
    let mut recalls = Vec::new();
    let mut n_exact = 0usize;
    for page_id in &page_ids {
        let gold_body = gold.get(*page_id).map_or("", String::as_str);
        let predicted_body = predicted.get(*page_id).map_or("", String::as_str);
        let page = score_page(gold_body, predicted_body);
        precisions.extend(page.precision);
        recalls.extend(page.recall);
        n_exact += usize::from(page.is_exact);
    }
    let precision = mean(&precisions);
    let recall = mean(&recalls);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    let accuracy = if page_ids.is_empty() {
        0.0
    } else {
        n_exact as f64 / page_ids.len() as f64
    };
    BodyScores {
        precision,
        recall,
        f1,
        accuracy,
        n_pages: page_ids.len(),
    }
}

/// One page's figures; `None` where the page drops out of a mean.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PageScores {
    precision: Option<f64>,
    recall: Option<f64>,
    is_exact: bool,
}

fn score_page(gold_body: &str, predicted_body: &str) -> PageScores {
    let gold_tokens = word_tokens(gold_body);
    let predicted_tokens = word_tokens(predicted_body);
    let gold_shingles = count_shingles(&gold_tokens);
    let predicted_shingles = count_shingles(&predicted_tokens);
    let mut n_shared = 0usize;
    let mut n_extra = 0usize;
    for (shingle, &n_predicted) in &predicted_shingles {
        let n_gold = gold_shingles.get(shingle).copied().unwrap_or(0);
        n_shared += n_predicted.min(n_gold);
        n_extra += n_predicted.saturating_sub(n_gold);
    }
    let n_missing: usize = gold_shingles
        .iter()
        .map(|(shingle, &n_gold)| {
            n_gold.saturating_sub(predicted_shingles.get(shingle).copied().unwrap_or(0))
        })
        .sum();
    let is_perfect = n_extra == 0 && n_missing == 0;
    let ratio = |denominator_extra: usize| {
        let denominator = n_shared + denominator_extra;
        (denominator > 0).then(|| {
            if is_perfect {
                1.0
            } else {
                n_shared as f64 / denominator as f64
            }
        })
    };
    PageScores {
        precision: ratio(n_extra),
        recall: ratio(n_missing),
        is_exact: gold_tokens == predicted_tokens,
    }
}

/// Maximal runs of word characters, as Python's `re.findall(r"\w+", text)` returns them.
fn word_tokens(text: &str) -> Vec<&str> {
    text.split(|character: char| !is_python_word_char(character))
        .filter(|token| !token.is_empty())
        .collect()
}

/// Python's `\w` on `str` patterns: letters (general category L*), characters with a numeric
/// value, and `_`. Rust's `is_alphanumeric` also counts the Other_Alphabetic property, which is
/// mostly combining marks (Devanagari vowel signs, Arabic harakat) plus a few enclosed letters;
/// Python splits words at those, so they are taken out here, or scores on such scripts would
/// differ from `score_body.py`. Checked against Python 3.11 over every code point: the two agree
/// on all characters Python's Unicode 14 tables assign; they differ only on characters assigned
/// since, which Python 3.11 does not count as word characters.
fn is_python_word_char(character: char) -> bool {
    if character == '_' || character.is_numeric() {
        return true;
    }
    let is_enclosed_letter = matches!(
        character,
        '\u{24B6}'..='\u{24E9}' | '\u{1F130}'..='\u{1F149}' | '\u{1F150}'..='\u{1F169}'
            | '\u{1F170}'..='\u{1F189}'
    );
    character.is_alphabetic()
        && !unicode_normalization::char::is_combining_mark(character)
        && !is_enclosed_letter
}

/// The multiset of shingles of a token sequence.
fn count_shingles<'text>(tokens: &[&'text str]) -> HashMap<Vec<&'text str>, usize> {
    let mut counts = HashMap::new();
    if tokens.is_empty() {
        return counts;
    }
    if tokens.len() < SHINGLE_TOKENS {
        counts.insert(tokens.to_vec(), 1);
        return counts;
    }
    for window in tokens.windows(SHINGLE_TOKENS) {
        *counts.entry(window.to_vec()).or_insert(0) += 1;
    }
    counts
}

/// The mean with a compensated (Neumaier) sum. `score_body.py` uses `statistics.fmean`, whose
/// `math.fsum` is exactly rounded; a plain sum drifts in the last bits, and then the figures
/// differ from the reference scorer's printed JSON.
fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sum = 0.0f64;
    let mut compensation = 0.0f64;
    for &value in values {
        let next = sum + value;
        compensation += if sum.abs() >= value.abs() {
            (sum - next) + value
        } else {
            (value - next) + sum
        };
        sum = next;
    }
    (sum + compensation) / values.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_page(gold: &str, predicted: &str, expected: (Option<f64>, Option<f64>, bool)) {
        let page = score_page(gold, predicted);
        assert_eq!(
            (page.precision, page.recall, page.is_exact),
            expected,
            "gold {gold:?} predicted {predicted:?}"
        );
    }

    fn check_tokens(text: &str, expected: &[&str]) {
        assert_eq!(word_tokens(text), expected, "text {text:?}");
    }

    #[test]
    fn tokens_are_python_word_runs() {
        check_tokens("Hello, world!", &["Hello", "world"]);
        check_tokens("snake_case and 3.14", &["snake_case", "and", "3", "14"]);
        check_tokens("Zürich – Москва", &["Zürich", "Москва"]);
        check_tokens("", &[]);
        check_tokens("…—…", &[]);
        // Python's \w excludes combining marks, so a decomposed "é" splits the word.
        check_tokens("cafe\u{301} au lait", &["cafe", "au", "lait"]);
        check_tokens("हिन्दी", &["ह", "न", "द"]);
        check_tokens("½ and Ⅻ", &["½", "and", "Ⅻ"]);
        check_tokens("Ⓐ team", &["team"]);
    }

    #[test]
    fn pages_score_like_score_body_py() {
        check_page("a b c d e", "a b c d e", (Some(1.0), Some(1.0), true));
        check_page("a b c d e", "a, b. c d! e", (Some(1.0), Some(1.0), true));
        check_page("a b c d e", "a b c d", (Some(1.0), Some(0.5), false));
        check_page("a b c d", "a b c d e", (Some(0.5), Some(1.0), false));
        check_page("a b c d e", "", (None, Some(0.0), false));
        check_page("", "a b", (Some(0.0), None, false));
        check_page("", "", (None, None, true));
        check_page("a b", "a b", (Some(1.0), Some(1.0), true));
        check_page("a b", "a b c", (Some(0.0), Some(0.0), false));
        check_page(
            "x a b c d",
            "a b c d a b c d",
            (Some(0.2), Some(0.5), false),
        );
    }

    #[test]
    fn totals_average_pages_and_skip_empty_predictions() {
        let gold: HashMap<String, String> = [("p1", "a b c d e"), ("p2", "f g h i")]
            .into_iter()
            .map(|(id, body)| (id.to_string(), body.to_string()))
            .collect();
        let predicted: HashMap<String, String> = [("p1", "a b c d"), ("other", "z")]
            .into_iter()
            .map(|(id, body)| (id.to_string(), body.to_string()))
            .collect();
        let scores = score_bodies(&gold, &predicted);
        assert_eq!(scores.n_pages, 2);
        assert_eq!(scores.precision, 1.0);
        assert_eq!(scores.recall, 0.25);
        assert_eq!(scores.f1, 0.4);
        assert_eq!(scores.accuracy, 0.0);
        let empty = score_bodies(&HashMap::new(), &predicted);
        assert_eq!((empty.f1, empty.n_pages), (0.0, 0));
    }
}
