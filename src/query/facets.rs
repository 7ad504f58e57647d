//! Facet counts over every matching article: actors, places, languages and publication years.
//!
//! The collector reads fast-field columns and counts term ordinals per segment, so counting
//! costs one array increment per value of each matching article. Matches are read in blocks
//! of [`BLOCK`] articles, each column's values for a block in a few calls, not one lookup per
//! article and value. At the end the counts are added up by global ordinal (see
//! [`crate::index::ordinals`]) and only the top values are named.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::column_index::MultiValueIndex;
use tantivy::columnar::{Column, ColumnIndex, ColumnValues, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::index::ordinals::GlobalOrdinals;
use crate::index::schema::names;

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
    ordinals: Option<Arc<GlobalOrdinals>>,
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
                return Some(match &self.ordinals {
                    Some(ordinals) => top_values(&lists, ordinals, kind.name(), limit),
                    None => Vec::new(),
                });
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

/// The exact top `limit` values over several ordinal-count lists (one per segment and column
/// of a facet group): the counts are added into one array by global ordinal, and only the
/// values kept are named.
fn top_values(
    lists: &[&OrdinalCounts],
    ordinals: &GlobalOrdinals,
    group: &str,
    limit: usize,
) -> Vec<FacetValue> {
    let names = ordinals.names(group);
    let mut totals = vec![0u64; names.len()];
    for list in lists {
        let Some(map) = ordinals.map(list.segment, list.field) else {
            continue;
        };
        for (ordinal, count) in list.counts.iter().enumerate() {
            if *count > 0 {
                if let Some(global) = map.get(ordinal) {
                    totals[*global as usize] += count;
                }
            }
        }
    }
    // Names are sorted, so ordering ties by global ordinal orders them by value.
    let mut counted: Vec<(u64, usize)> = totals
        .iter()
        .enumerate()
        .filter(|(_, count)| **count > 0)
        .map(|(global, count)| (*count, global))
        .collect();
    let by_count = |left: &(u64, usize), right: &(u64, usize)| {
        right.0.cmp(&left.0).then_with(|| left.1.cmp(&right.1))
    };
    if counted.len() > limit && limit > 0 {
        counted.select_nth_unstable_by(limit - 1, by_count);
    }
    counted.truncate(limit);
    counted.sort_unstable_by(by_count);
    counted
        .into_iter()
        .map(|(count, global)| FacetValue {
            value: names[global].clone(),
            count,
        })
        .collect()
}

/// The first year the year facet counts; [`year_starts`] runs from it to 2199 (tantivy's
/// nanosecond dates reach back to 1677).
const FIRST_YEAR: i16 = 1700;

/// The first second (UTC) of every year from [`FIRST_YEAR`] to 2200, so that a publication
/// time finds its year by binary search instead of a calendar conversion per article.
fn year_starts() -> &'static [i64] {
    static STARTS: std::sync::OnceLock<Vec<i64>> = std::sync::OnceLock::new();
    STARTS.get_or_init(|| {
        (FIRST_YEAR..=2200)
            .filter_map(|year| jiff::civil::Date::new(year, 1, 1).ok())
            .filter_map(|date| date.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map(|zoned| zoned.timestamp().as_second())
            .collect()
    })
}

/// Collects [`FacetTally`] for a query.
pub struct FacetCollector {
    kinds: Vec<FacetKind>,
    ordinals: Option<Arc<GlobalOrdinals>>,
}

impl FacetCollector {
    /// A collector counting `kinds`; `ordinals` must come from the searcher it runs on when
    /// any facet other than the year is asked for.
    pub fn new(kinds: Vec<FacetKind>, ordinals: Option<Arc<GlobalOrdinals>>) -> Self {
        FacetCollector { kinds, ordinals }
    }
}

/// One string column being counted: the facet it feeds and a count per term ordinal.
struct OrdinalCounts {
    kind: FacetKind,
    segment: SegmentId,
    field: &'static str,
    column: StrColumn,
    counts: Vec<u64>,
}

/// Per-segment state of [`FacetCollector`].
pub struct FacetSegmentCollector {
    string_columns: Vec<OrdinalCounts>,
    published: Option<Column<DateTime>>,
    /// Counts per year, indexed like [`year_starts`]; dates outside its span are not counted.
    years: Vec<u64>,
    /// The year (index into [`year_starts`]) of the last date counted, since news articles
    /// come mostly from a few years.
    last_year: usize,
    /// Matches not yet counted, up to [`BLOCK`].
    pending: Vec<DocId>,
    rows: RowReader,
    ordinals: Vec<u64>,
    dates: Vec<DateTime>,
}

/// How many matching articles are counted at once.
const BLOCK: usize = 64;

/// Finds where a block of articles' values are stored in a column (their rows), with a few
/// calls per block instead of a lookup per article.
#[derive(Default)]
struct RowReader {
    /// The block's articles that have a value, and their ranks among the column's articles
    /// that do.
    present: Vec<DocId>,
    ranks: Vec<u32>,
    /// For a column of several values per article: each rank and the next, and the first row
    /// of each.
    bounds: Vec<u32>,
    bound_rows: Vec<u32>,
    /// The rows found, article by article, each article's values in order.
    rows: Vec<u32>,
}

/// The rows of a block's values: one run of consecutive rows (a block of neighbouring
/// articles, as a broad query gives), or a list.
enum Rows<'a> {
    Run(std::ops::Range<u32>),
    List(&'a [u32]),
}

impl Rows<'_> {
    fn len(&self) -> usize {
        match self {
            Rows::Run(run) => run.len(),
            Rows::List(rows) => rows.len(),
        }
    }

    /// Reads the values at these rows of `values` into `output`, which is resized to fit.
    fn values<T: PartialOrd + Copy + std::fmt::Debug + Send + Sync + Default + 'static>(
        &self,
        values: &dyn ColumnValues<T>,
        output: &mut Vec<T>,
    ) {
        output.clear();
        output.resize(self.len(), T::default());
        match self {
            Rows::Run(run) => values.get_range(u64::from(run.start), output),
            Rows::List(rows) => values.get_vals(rows, output),
        }
    }
}

/// Whether `numbers` are one run of consecutive numbers, each one more than the one before.
fn consecutive(numbers: &[u32]) -> bool {
    !numbers.is_empty()
        && numbers
            .windows(2)
            .all(|pair| pair[0].checked_add(1) == Some(pair[1]))
}

/// An article's rows, or with `first_only` only its first row.
fn kept_rows(rows: std::ops::Range<u32>, first_only: bool) -> std::ops::Range<u32> {
    if first_only {
        rows.start..rows.end.min(rows.start + 1)
    } else {
        rows
    }
}

impl RowReader {
    /// The rows of every value of `docs` (sorted) in a column with `index`. With `first_only`,
    /// only each article's first value.
    fn read(&mut self, index: &ColumnIndex, docs: &[DocId], first_only: bool) -> Rows<'_> {
        self.rows.clear();
        match index {
            ColumnIndex::Empty { .. } => {}
            ColumnIndex::Full => {
                if consecutive(docs) {
                    return Rows::Run(docs[0]..docs[docs.len() - 1] + 1);
                }
                self.rows.extend_from_slice(docs);
            }
            ColumnIndex::Optional(optional) => {
                self.present.clear();
                optional.rank_if_exists_batch(docs, &mut self.present, &mut self.rows);
                if consecutive(&self.rows) {
                    return Rows::Run(self.rows[0]..self.rows[self.rows.len() - 1] + 1);
                }
            }
            ColumnIndex::Multivalued(MultiValueIndex::MultiValueIndexV2(multi)) => {
                self.present.clear();
                self.ranks.clear();
                multi
                    .optional_index
                    .rank_if_exists_batch(docs, &mut self.present, &mut self.ranks);
                if consecutive(&self.ranks) && !first_only {
                    // Neighbouring articles' values are neighbours too: one run from the first
                    // article's first row to the last article's end.
                    self.bound_rows.clear();
                    self.bound_rows.resize(self.ranks.len() + 1, 0);
                    multi
                        .start_index_column
                        .get_range(u64::from(self.ranks[0]), &mut self.bound_rows);
                    return Rows::Run(self.bound_rows[0]..self.bound_rows[self.ranks.len()]);
                }
                self.bounds.clear();
                for rank in &self.ranks {
                    self.bounds.extend([*rank, rank + 1]);
                }
                self.bound_rows.clear();
                self.bound_rows.resize(self.bounds.len(), 0);
                multi
                    .start_index_column
                    .get_vals(&self.bounds, &mut self.bound_rows);
                for pair in self.bound_rows.chunks_exact(2) {
                    self.rows.extend(kept_rows(pair[0]..pair[1], first_only));
                }
            }
            ColumnIndex::Multivalued(_) => {
                for doc in docs {
                    self.rows
                        .extend(kept_rows(index.value_row_ids(*doc), first_only));
                }
            }
        }
        Rows::List(&self.rows)
    }
}

impl FacetSegmentCollector {
    /// Counts the values of `docs` (sorted) in every column.
    fn count_block(&mut self, docs: &[DocId]) {
        for column in &mut self.string_columns {
            let ords = column.column.ords();
            self.rows
                .read(&ords.index, docs, false)
                .values(&*ords.values, &mut self.ordinals);
            for ordinal in &self.ordinals {
                if let Some(count) = column.counts.get_mut(*ordinal as usize) {
                    *count += 1;
                }
            }
        }
        if let Some(published) = &self.published {
            self.rows
                .read(&published.index, docs, true)
                .values(&*published.values, &mut self.dates);
            let starts = year_starts();
            for datetime in &self.dates {
                let seconds = datetime.into_timestamp_secs();
                let last = self.last_year;
                let year_idx = if last + 1 < starts.len()
                    && starts[last] <= seconds
                    && seconds < starts[last + 1]
                {
                    last
                } else {
                    match starts.partition_point(|start| *start <= seconds) {
                        0 => continue,
                        after if after == starts.len() => continue,
                        after => after - 1,
                    }
                };
                self.last_year = year_idx;
                self.years[year_idx] += 1;
            }
        }
    }

    /// Counts the matches collected one at a time and not yet counted.
    fn count_pending(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        self.count_block(&pending);
        self.pending = pending;
        self.pending.clear();
    }
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
        let mut add_column = |kind: FacetKind, field: &'static str| -> tantivy::Result<()> {
            if let Some(column) = fast_fields.str(field)? {
                let n_terms = column.num_terms();
                string_columns.push(OrdinalCounts {
                    kind,
                    segment: segment.segment_id(),
                    field,
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
            years: vec![0; year_starts().len()],
            last_year: 0,
            pending: Vec::with_capacity(BLOCK),
            rows: RowReader::default(),
            ordinals: Vec::new(),
            dates: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segment_fruits: Vec<FacetTally>) -> tantivy::Result<FacetTally> {
        let mut merged = FacetTally {
            kinds: self.kinds.clone(),
            ordinals: self.ordinals.clone(),
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
        self.pending.push(doc);
        if self.pending.len() == BLOCK {
            self.count_pending();
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.count_pending();
        self.count_block(docs);
    }

    fn harvest(mut self) -> FacetTally {
        self.count_pending();
        let mut counts: HashMap<FacetKind, HashMap<String, u64>> = HashMap::new();
        if self.years.iter().any(|count| *count > 0) {
            let target = counts.entry(FacetKind::Year).or_default();
            for (year_idx, count) in self.years.iter().enumerate() {
                if *count > 0 {
                    let year = FIRST_YEAR + year_idx as i16;
                    *target.entry(format!("{year:04}")).or_default() += count;
                }
            }
        }
        FacetTally {
            kinds: Vec::new(),
            ordinals: None,
            lists: self.string_columns,
            counts,
        }
    }
}
