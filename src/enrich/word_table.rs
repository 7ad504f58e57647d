//! A fixed set of folded words, each with a small value, for the lookups the name finder makes
//! at nearly every word of an article: is this word the first word of a listed name, which
//! single-word lists is it in.
//!
//! A `HashMap<String, V>` answers the same questions, but each lookup reads the map's control
//! bytes, then its bucket, then the key's own allocation somewhere else on the heap: three
//! cache misses on tables of tens of thousands of words that the text of an article does not
//! keep in cache. Here a lookup reads one slot of 16 bytes, which holds a part of the hash to
//! compare, and only a slot whose hash part agrees sends it to the words, which lie one after
//! another in one text.

use super::gazetteer::WordHasher;

/// One slot of the table: an empty one has `start == EMPTY`.
#[derive(Debug, Clone, Copy)]
struct Slot<V> {
    /// The low 32 bits of the word's hash; the slot index comes from the high bits, so the two
    /// do not repeat each other.
    hash_low: u32,
    /// Where the word lies in `words`, and its length.
    start: u32,
    len: u32,
    value: V,
}

/// The `start` of an empty slot.
const EMPTY: u32 = u32::MAX;

/// A set of words ([`WordTable<()>`]) or a map from words to small values, hashed with
/// [`WordHasher::hash_bytes`]. Built once, then only read.
#[derive(Debug, Clone)]
pub(crate) struct WordTable<V> {
    /// A power of two of slots, at most half of them used, so that a lookup of a word that is
    /// not there (most lookups) meets an empty slot after one or two.
    slots: Vec<Slot<V>>,
    /// How far the hash is shifted right to give a slot index.
    shift: u32,
    /// The words, one after another.
    words: String,
    n_words: usize,
}

impl<V: Copy + Default> Default for WordTable<V> {
    fn default() -> WordTable<V> {
        WordTable::with_capacity(0)
    }
}

impl<V: Copy + Default> WordTable<V> {
    /// An empty table with room for `n_words` words before it grows.
    pub(crate) fn with_capacity(n_words: usize) -> WordTable<V> {
        let n_slots = (2 * n_words).max(8).next_power_of_two();
        WordTable {
            slots: vec![Slot::empty(); n_slots],
            shift: 64 - n_slots.trailing_zeros(),
            words: String::new(),
            n_words: 0,
        }
    }

    /// The number of words.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.n_words
    }

    /// The hash of `word` that [`WordTable::get_hashed`] wants.
    #[inline]
    pub(crate) fn hash(word: &str) -> u64 {
        WordHasher::hash_bytes(word.as_bytes())
    }

    /// The value of `word`, if it is in the table.
    #[inline]
    pub(crate) fn get(&self, word: &str) -> Option<V> {
        self.get_hashed(word, WordTable::<V>::hash(word))
    }

    /// Whether `word` is in the table.
    #[inline]
    pub(crate) fn contains(&self, word: &str) -> bool {
        self.get(word).is_some()
    }

    /// The value of `word`, whose [`WordTable::hash`] is `hash`, if it is in the table.
    #[inline]
    pub(crate) fn get_hashed(&self, word: &str, hash: u64) -> Option<V> {
        let mask = self.slots.len() - 1;
        let mut slot_idx = (hash >> self.shift) as usize;
        loop {
            let slot = &self.slots[slot_idx];
            if slot.start == EMPTY {
                return None;
            }
            if slot.hash_low == hash as u32 && self.word_at(slot) == word {
                return Some(slot.value);
            }
            slot_idx = (slot_idx + 1) & mask;
        }
    }

    /// The value of `word`, added with the default value if it is not in the table yet, to be
    /// changed in place.
    pub(crate) fn entry(&mut self, word: &str) -> &mut V {
        if 2 * (self.n_words + 1) > self.slots.len() {
            self.grow();
        }
        let hash = WordTable::<V>::hash(word);
        let mask = self.slots.len() - 1;
        let mut slot_idx = (hash >> self.shift) as usize;
        loop {
            let slot = self.slots[slot_idx];
            if slot.start == EMPTY {
                break;
            }
            if slot.hash_low == hash as u32 && self.word_at(&slot) == word {
                return &mut self.slots[slot_idx].value;
            }
            slot_idx = (slot_idx + 1) & mask;
        }
        // The table's words are list entries; none is near 4 GiB, which `u32` offsets allow.
        let start = u32::try_from(self.words.len()).expect("the lists are far below 4 GiB");
        self.words.push_str(word);
        self.n_words += 1;
        let slot = &mut self.slots[slot_idx];
        *slot = Slot {
            hash_low: hash as u32,
            start,
            len: word.len() as u32,
            value: V::default(),
        };
        &mut slot.value
    }

    /// Adds `word`, if it is not in the table yet.
    pub(crate) fn insert(&mut self, word: &str) {
        self.entry(word);
    }

    /// Every word with its value, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, V)> + '_ {
        self.slots
            .iter()
            .filter(|slot| slot.start != EMPTY)
            .map(|slot| (self.word_at(slot), slot.value))
    }

    #[inline]
    fn word_at(&self, slot: &Slot<V>) -> &str {
        let start = slot.start as usize;
        self.words
            .get(start..start + slot.len as usize)
            .unwrap_or("")
    }

    /// Doubles the slots and puts every word back.
    fn grow(&mut self) {
        let n_slots = 2 * self.slots.len();
        let old_slots = std::mem::replace(&mut self.slots, vec![Slot::empty(); n_slots]);
        self.shift = 64 - n_slots.trailing_zeros();
        let mask = n_slots - 1;
        for slot in old_slots.into_iter().filter(|slot| slot.start != EMPTY) {
            let hash = WordTable::<V>::hash(self.word_at(&slot));
            let mut slot_idx = (hash >> self.shift) as usize;
            while self.slots[slot_idx].start != EMPTY {
                slot_idx = (slot_idx + 1) & mask;
            }
            self.slots[slot_idx] = slot;
        }
    }
}

impl<V: Copy + Default> Slot<V> {
    fn empty() -> Slot<V> {
        Slot {
            hash_low: 0,
            start: EMPTY,
            len: 0,
            value: V::default(),
        }
    }
}

impl<'a> FromIterator<&'a str> for WordTable<()> {
    fn from_iter<Words: IntoIterator<Item = &'a str>>(words: Words) -> WordTable<()> {
        let mut table = WordTable::default();
        for word in words {
            table.insert(word);
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[test]
    fn words_are_found_with_their_values_and_others_are_not() {
        let mut table: WordTable<u16> = WordTable::default();
        *table.entry("sergei") |= 1;
        *table.entry("minister") |= 4;
        *table.entry("sergei") |= 2;
        *table.entry("") |= 8;
        assert_eq!(table.get("sergei"), Some(3));
        assert_eq!(table.get("minister"), Some(4));
        assert_eq!(table.get(""), Some(8));
        assert_eq!(table.get("serge"), None);
        assert_eq!(table.get("sergeii"), None);
        assert_eq!(table.len(), 3);
    }

    proptest! {
        /// The table answers as a map does, across growth and for words of every length.
        #[test]
        fn answers_as_a_hash_map_does(
            added in proptest::collection::vec(("[ab\u{e9}]{0,10}", 0u16..4), 0..64),
            asked in proptest::collection::vec("[ab\u{e9}]{0,10}", 0..32),
        ) {
            let mut table: WordTable<u16> = WordTable::with_capacity(2);
            let mut map: HashMap<String, u16> = HashMap::new();
            for (word, bit) in &added {
                *table.entry(word) |= 1 << bit;
                *map.entry(word.clone()).or_default() |= 1 << bit;
            }
            prop_assert_eq!(table.len(), map.len());
            for word in added.iter().map(|(word, _)| word).chain(&asked) {
                prop_assert_eq!(table.get(word), map.get(word).copied());
            }
            let mut listed: Vec<(String, u16)> =
                table.iter().map(|(word, value)| (word.to_string(), value)).collect();
            listed.sort();
            let mut expected: Vec<(String, u16)> = map.into_iter().collect();
            expected.sort();
            prop_assert_eq!(listed, expected);
        }
    }
}
