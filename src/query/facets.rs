//! Facet counts over every matching article: actors, places, languages and publication years.
//!
//! The collector reads fast-field columns and counts term ordinals per segment, turning
//! ordinals into names only once per segment at the end, so counting costs one array increment
//! per value of each matching article.

use std::collections::HashMap;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::index::schema::names;
use crate::index::tantivy_to_date;

/// A facet idx can count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FacetKind {
    /// People and organisations, by canonical name.
    Actor,
    /// Places, by canonical name.
    Place,
    /// Language code.
    Lang,
    /// Year of publication.
    Year,
}

impl FacetKind {
    /// Every facet, in display order.
    pub const ALL: [FacetKind; 4] = [
        FacetKind::Actor,
        FacetKind::Place,
        FacetKind::Lang,
        FacetKind::Year,
    ];

    /// The facet's name as written on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            FacetKind::Actor => "actor",
            FacetKind::Place => "place",
            FacetKind::Lang => "lang",
            FacetKind::Year => "year",
        }
    }

    /// Parses a facet name.
    pub fn from_name(name: &str) -> Option<FacetKind> {
        FacetKind::ALL
            .into_iter()
            .find(|kind| kind.name() == name.trim().to_lowercase())
    }
}

/// One value of a facet and the number of matching articles that have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetValue {
    /// The value (a canonical name, a language code or a year).
    pub value: String,
    /// Matching articles with this value.
    pub count: u64,
}

/// Counts per facet; a facet not asked for is `None` and absent from JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FacetCounts {
    /// People and organisations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<Vec<FacetValue>>,
    /// Places.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<Vec<FacetValue>>,
    /// Languages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<Vec<FacetValue>>,
    /// Publication years.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<Vec<FacetValue>>,
}

impl FacetCounts {
    /// The facets in display order, with their names.
    pub fn iter(&self) -> impl Iterator<Item = (FacetKind, &[FacetValue])> {
        [
            (FacetKind::Actor, self.actor.as_deref()),
            (FacetKind::Place, self.place.as_deref()),
            (FacetKind::Lang, self.lang.as_deref()),
            (FacetKind::Year, self.year.as_deref()),
        ]
        .into_iter()
        .filter_map(|(kind, values)| values.map(|values| (kind, values)))
    }
}

/// Counts before they are cut to the top values: per segment and column, counts by term
/// ordinal (names resolved only when needed), and years already as names.
#[derive(Default)]
pub struct FacetTally {
    kinds: Vec<FacetKind>,
    lists: Vec<OrdinalCounts>,
    counts: HashMap<FacetKind, HashMap<String, u64>>,
}

impl std::fmt::Debug for FacetTally {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("FacetTally")
            .field("kinds", &self.kinds)
            .field("n_lists", &self.lists.len())
            .finish()
    }
}

impl FacetTally {
    /// The `limit` most frequent values of each facet; ties by value so the order is stable.
    pub fn top(&self, limit: usize) -> FacetCounts {
        let top_of = |kind: FacetKind| -> Option<Vec<FacetValue>> {
            if !self.kinds.contains(&kind) {
                return None;
            }
            if kind != FacetKind::Year {
                let lists: Vec<&OrdinalCounts> =
                    self.lists.iter().filter(|list| list.kind == kind).collect();
                return Some(top_values(&lists, limit));
            }
            let mut values: Vec<FacetValue> = self
                .counts
                .get(&kind)
                .map(|counts| {
                    counts
                        .iter()
                        .map(|(value, count)| FacetValue {
                            value: value.clone(),
                            count: *count,
                        })
                        .collect()
                })
                .unwrap_or_default();
            values.sort_by(|left, right| right.value.cmp(&left.value));
            values.truncate(limit);
            Some(values)
        };
        FacetCounts {
            actor: top_of(FacetKind::Actor),
            place: top_of(FacetKind::Place),
            lang: top_of(FacetKind::Lang),
            year: top_of(FacetKind::Year),
        }
    }
}

/// The exact top `limit` values over several ordinal-count lists (one per segment and column).
///
/// Naming every counted ordinal costs a dictionary decode, an allocation and a hash insert per
/// distinct value per segment, which dominated broad faceted queries. Instead each list
/// offers its most frequent `depth` values as candidates, whose exact totals are then summed
/// over all lists by dictionary lookup. A value offered by no list has at most `bound` (the sum
/// of each list's first count left out), so the answer is exact when the last value kept
/// beats that bound; otherwise every value is named, as before.
fn top_values(lists: &[&OrdinalCounts], limit: usize) -> Vec<FacetValue> {
    let depth = (limit * 10).max(50);
    let mut candidates: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut bound = 0u64;
    for list in lists {
        let mut counted: Vec<(u64, u64)> = list
            .counts
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(ordinal, count)| (*count, ordinal as u64))
            .collect();
        if counted.len() > depth {
            counted.select_nth_unstable_by(depth, |left, right| right.0.cmp(&left.0));
            bound += counted[depth].0;
            counted.truncate(depth);
        }
        let mut ordinals: Vec<u64> = counted.iter().map(|(_, ordinal)| *ordinal).collect();
        ordinals.sort_unstable();
        let _ = list
            .column
            .dictionary()
            .sorted_ords_to_term_cb(&ordinals, |term_bytes| {
                candidates.insert(String::from_utf8_lossy(term_bytes).into_owned());
            });
    }
    let mut values: Vec<FacetValue> = candidates
        .into_iter()
        .map(|value| {
            let count = lists
                .iter()
                .map(|list| {
                    list.column
                        .dictionary()
                        .term_ord(value.as_bytes())
                        .ok()
                        .flatten()
                        .and_then(|ordinal| list.counts.get(ordinal as usize).copied())
                        .unwrap_or(0)
                })
                .sum();
            FacetValue { value, count }
        })
        .collect();
    sort_by_count(&mut values);
    let exact = bound == 0
        || values
            .get(limit.saturating_sub(1))
            .is_some_and(|last| last.count > bound);
    if !exact {
        values = all_values(lists);
        sort_by_count(&mut values);
    }
    values.truncate(limit);
    values
}

/// Every counted value of the lists, named (the slow, always exact path).
fn all_values(lists: &[&OrdinalCounts]) -> Vec<FacetValue> {
    let mut totals: HashMap<String, u64> = HashMap::new();
    for list in lists {
        let counted_ords: Vec<u64> = list
            .counts
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(ordinal, _)| ordinal as u64)
            .collect();
        let mut counted = counted_ords.iter();
        let _ = list
            .column
            .dictionary()
            .sorted_ords_to_term_cb(&counted_ords, |term_bytes| {
                if let Some(ordinal) = counted.next() {
                    let name = String::from_utf8_lossy(term_bytes).into_owned();
                    *totals.entry(name).or_default() += list.counts[*ordinal as usize];
                }
            });
    }
    totals
        .into_iter()
        .map(|(value, count)| FacetValue { value, count })
        .collect()
}

fn sort_by_count(values: &mut [FacetValue]) {
    values.sort_by(|left, right| {
        right
            .count
            .cmp(&left.count)
            .then_with(|| left.value.cmp(&right.value))
    });
}

/// Collects [`FacetTally`] for a query.
pub struct FacetCollector {
    kinds: Vec<FacetKind>,
}

impl FacetCollector {
    /// A collector counting `kinds`.
    pub fn new(kinds: Vec<FacetKind>) -> Self {
        FacetCollector { kinds }
    }
}

/// One string column being counted: the facet it feeds and a count per term ordinal.
struct OrdinalCounts {
    kind: FacetKind,
    column: StrColumn,
    counts: Vec<u64>,
}

/// Per-segment state of [`FacetCollector`].
pub struct FacetSegmentCollector {
    string_columns: Vec<OrdinalCounts>,
    published: Option<Column<DateTime>>,
    /// Counts per day since the epoch; turned into years once at harvest.
    days: HashMap<i64, u64>,
}

impl Collector for FacetCollector {
    type Fruit = FacetTally;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let fast_fields = segment.fast_fields();
        let mut string_columns = Vec::new();
        let mut add_column = |kind: FacetKind, field: &str| -> tantivy::Result<()> {
            if let Some(column) = fast_fields.str(field)? {
                let n_terms = column.num_terms();
                string_columns.push(OrdinalCounts {
                    kind,
                    column,
                    counts: vec![0; n_terms],
                });
            }
            Ok(())
        };
        if self.kinds.contains(&FacetKind::Actor) {
            add_column(FacetKind::Actor, names::PERSON)?;
            add_column(FacetKind::Actor, names::ORGANIZATION)?;
        }
        if self.kinds.contains(&FacetKind::Place) {
            add_column(FacetKind::Place, names::PLACE)?;
        }
        if self.kinds.contains(&FacetKind::Lang) {
            add_column(FacetKind::Lang, names::LANGUAGE)?;
        }
        let published = if self.kinds.contains(&FacetKind::Year) {
            Some(fast_fields.date(names::PUBLISHED)?)
        } else {
            None
        };
        Ok(FacetSegmentCollector {
            string_columns,
            published,
            days: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segment_fruits: Vec<FacetTally>) -> tantivy::Result<FacetTally> {
        let mut merged = FacetTally {
            kinds: self.kinds.clone(),
            lists: Vec::new(),
            counts: HashMap::new(),
        };
        for fruit in segment_fruits {
            merged.lists.extend(fruit.lists);
            for (kind, counts) in fruit.counts {
                let target = merged.counts.entry(kind).or_default();
                for (value, count) in counts {
                    *target.entry(value).or_default() += count;
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = FacetTally;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for column in &mut self.string_columns {
            for ordinal in column.column.term_ords(doc) {
                if let Some(count) = column.counts.get_mut(ordinal as usize) {
                    *count += 1;
                }
            }
        }
        if let Some(published) = &self.published {
            if let Some(datetime) = published.first(doc) {
                *self
                    .days
                    .entry(datetime.into_timestamp_secs().div_euclid(86_400))
                    .or_default() += 1;
            }
        }
    }

    fn harvest(self) -> FacetTally {
        let mut counts: HashMap<FacetKind, HashMap<String, u64>> = HashMap::new();
        if !self.days.is_empty() {
            let target = counts.entry(FacetKind::Year).or_default();
            for (day, count) in self.days {
                let datetime = DateTime::from_timestamp_secs(day * 86_400);
                if let Some(date) = tantivy_to_date(datetime) {
                    *target.entry(format!("{:04}", date.year())).or_default() += count;
                }
            }
        }
        FacetTally {
            kinds: Vec::new(),
            lists: self.string_columns,
            counts,
        }
    }
}
