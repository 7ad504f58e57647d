//! The listed names as a byte trie, asked for the longest listed name that starts at a given
//! position of a text, with ASCII letters in either case.
//!
//! The name finder only ever asks that one question, at candidate word starts. A general
//! matching automaton answers it too, but building one also computes the failure links that
//! only unanchored searches need, and every build and every `idx extract` builds the lists
//! before reading its first article. This trie is built from the sorted names in one pass.

/// A node id, or [`NONE`].
type NodeId = u32;

/// No node, or no name ending at a node.
const NONE: u32 = u32::MAX;

/// Names sharing a prefix share the nodes of that prefix. Nodes are numbered breadth first, so
/// the children of each node are consecutive and sorted by byte.
#[derive(Debug, Clone)]
pub(crate) struct PrefixTrie {
    /// The children of node `n` are `child_bytes[first_child[n]..first_child[n + 1]]`, with the
    /// nodes `child_nodes` at the same positions.
    first_child: Vec<u32>,
    child_bytes: Vec<u8>,
    child_nodes: Vec<NodeId>,
    /// The name that ends at each node: the lowest index among names equal up to ASCII case.
    name_at: Vec<u32>,
    /// The children of the root by byte, which most searches end in.
    root_children: Box<[NodeId; 256]>,
    /// Per node, the start in `dense_children` of its children by byte, or [`NONE`]. Only
    /// nodes with many children have one (the first letters of names have dozens of second
    /// letters), where it spares reading the children one by one.
    dense_start: Vec<u32>,
    /// Tables of 256 children by byte, [`NONE`] for a byte no child has.
    dense_children: Vec<NodeId>,
}

/// The number of children from which a node gets a table of its children by byte.
const DENSE_MIN_CHILDREN: usize = 8;

/// The names a trie is built from, one after another in one text: the lists give some ten
/// thousand, which would otherwise be as many strings to allocate, and to free at the end of
/// a build.
#[derive(Debug, Clone, Default)]
pub(crate) struct NameTexts {
    text: String,
    /// Where each name ends in `text`.
    ends: Vec<usize>,
}

impl NameTexts {
    /// Adds a name after the others.
    pub(crate) fn push(&mut self, name: &str) {
        self.text.push_str(name);
        self.ends.push(self.text.len());
    }

    /// Every name, in order.
    #[cfg(test)]
    pub(crate) fn to_strings(&self) -> Vec<String> {
        let mut start = 0;
        self.ends
            .iter()
            .map(|&end| {
                let name = self.text[start..end].to_string();
                start = end;
                name
            })
            .collect()
    }
}

impl PrefixTrie {
    /// The trie of `names`, whose indexes the searches report.
    pub(crate) fn new(names: &NameTexts) -> PrefixTrie {
        // Every name lowercased, then sorted by its lowercased bytes and, among equal ones, by
        // index, so that the lowest index is met first.
        let folded: Vec<u8> = names
            .text
            .bytes()
            .map(|byte| byte.to_ascii_lowercase())
            .collect();
        let ends = &names.ends;
        // Each name also carries its first eight bytes as one big-endian number, padded with
        // zeros: two names whose numbers differ sort as the numbers do, so most comparisons of
        // the sort are one comparison of integers rather than of byte strings.
        let mut sorted: Vec<(u64, &[u8], u32)> = Vec::with_capacity(ends.len());
        let mut start = 0;
        for (name_idx, &end) in ends.iter().enumerate() {
            let name = &folded[start..end];
            let mut head = [0u8; 8];
            let head_len = name.len().min(8);
            head[..head_len].copy_from_slice(&name[..head_len]);
            sorted.push((u64::from_be_bytes(head), name, name_idx as u32));
            start = end;
        }
        sorted.sort_unstable();
        let key = |idx: usize| sorted[idx].1;

        let mut trie = PrefixTrie {
            first_child: Vec::new(),
            child_bytes: Vec::new(),
            child_nodes: Vec::new(),
            name_at: Vec::new(),
            root_children: Box::new([NONE; 256]),
            dense_start: Vec::new(),
            dense_children: Vec::new(),
        };
        // Each node is the run `sorted[lo..hi]` of names that share its first `depth` bytes.
        // Within a run, the name that ends at the node sorts first, and the names going on
        // with the same byte are consecutive.
        let mut runs = std::collections::VecDeque::from([(0, sorted.len(), 0)]);
        let mut n_nodes: u32 = 1;
        while let Some((lo, hi, depth)) = runs.pop_front() {
            let mut idx = lo;
            let mut name_at = NONE;
            while idx < hi && key(idx).len() == depth {
                if name_at == NONE {
                    name_at = sorted[idx].2;
                }
                idx += 1;
            }
            trie.name_at.push(name_at);
            trie.first_child.push(trie.child_bytes.len() as u32);
            while idx < hi {
                let byte = key(idx)[depth];
                let run_start = idx;
                while idx < hi && key(idx)[depth] == byte {
                    idx += 1;
                }
                trie.child_bytes.push(byte);
                trie.child_nodes.push(n_nodes);
                n_nodes += 1;
                runs.push_back((run_start, idx, depth + 1));
            }
        }
        trie.first_child.push(trie.child_bytes.len() as u32);
        trie.dense_start = vec![NONE; trie.name_at.len()];
        for node in 0..trie.name_at.len() {
            let children = trie.first_child[node] as usize..trie.first_child[node + 1] as usize;
            if children.len() < DENSE_MIN_CHILDREN {
                continue;
            }
            let table_start = trie.dense_children.len();
            trie.dense_start[node] = table_start as u32;
            trie.dense_children.resize(table_start + 256, NONE);
            for (&byte, &child) in trie.child_bytes[children.clone()]
                .iter()
                .zip(&trie.child_nodes[children])
            {
                trie.dense_children[table_start + usize::from(byte)] = child;
            }
        }
        for (&byte, &node) in trie.child_bytes[..trie.first_child[1] as usize]
            .iter()
            .zip(&trie.child_nodes)
        {
            trie.root_children[usize::from(byte)] = node;
            // The trie is lowercase; a search lowercases the text's bytes as it reads them, but
            // the root's table is asked first, so it answers for capitals itself.
            trie.root_children[usize::from(byte.to_ascii_uppercase())] = node;
        }
        trie
    }

    /// The longest name that `text` holds at byte `start`, ASCII letters matching in either
    /// case, as its index and the end of the match; among names equal up to case, the one with
    /// the lowest index.
    #[inline]
    pub(crate) fn longest_at(&self, text: &[u8], start: usize) -> Option<(u32, usize)> {
        let mut longest = (self.name_at[0] != NONE).then_some((self.name_at[0], start));
        let Some(&first) = text.get(start) else {
            return longest;
        };
        let mut node = self.root_children[usize::from(first)];
        let mut end = start + 1;
        while node != NONE {
            let name_idx = self.name_at[node as usize];
            if name_idx != NONE {
                longest = Some((name_idx, end));
            }
            let Some(&byte) = text.get(end) else {
                break;
            };
            let byte = byte.to_ascii_lowercase();
            let dense_start = self.dense_start[node as usize];
            node = if dense_start != NONE {
                self.dense_children[dense_start as usize + usize::from(byte)]
            } else {
                let children = self.first_child[node as usize] as usize
                    ..self.first_child[node as usize + 1] as usize;
                match self.child_bytes[children.clone()]
                    .iter()
                    .position(|&child| child == byte)
                {
                    Some(position) => self.child_nodes[children.start + position],
                    None => NONE,
                }
            };
            end += 1;
        }
        longest
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
    use proptest::prelude::*;

    /// What an anchored, leftmost-longest, ASCII-case-insensitive aho-corasick automaton over
    /// the same names answers: the behaviour the name finder was written against.
    fn automaton_answer(automaton: &AhoCorasick, text: &str, start: usize) -> Option<(u32, usize)> {
        let input = Input::new(text).range(start..).anchored(Anchored::Yes);
        automaton
            .try_find(input)
            .expect("anchored searches are supported")
            .map(|found| (found.pattern().as_u32(), found.end()))
    }

    fn automaton_of(names: &[String]) -> AhoCorasick {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .start_kind(StartKind::Anchored)
            .build(names)
            .expect("small pattern sets compile")
    }

    fn trie_of(names: &[String]) -> PrefixTrie {
        let mut texts = NameTexts::default();
        for name in names {
            texts.push(name);
        }
        PrefixTrie::new(&texts)
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|name| name.to_string()).collect()
    }

    #[test]
    fn longest_name_at_a_start_wins() {
        let trie = trie_of(&names(&["New York", "New", "York", "New York City"]));
        assert_eq!(trie.longest_at(b"New York City Hall", 0), Some((3, 13)));
        assert_eq!(trie.longest_at(b"New York State", 0), Some((0, 8)));
        assert_eq!(trie.longest_at(b"Newark", 0), Some((1, 3)));
        assert_eq!(trie.longest_at(b"in York", 3), Some((2, 7)));
        assert_eq!(trie.longest_at(b"in York", 2), None);
        assert_eq!(trie.longest_at(b"", 0), None);
    }

    #[test]
    fn ascii_letters_match_in_either_case_and_other_bytes_exactly() {
        let trie = trie_of(&names(&["Kyiv", "Киев", "US", "us"]));
        assert_eq!(trie.longest_at("KYIV".as_bytes(), 0), Some((0, 4)));
        assert_eq!(trie.longest_at("kyiv".as_bytes(), 0), Some((0, 4)));
        assert_eq!(trie.longest_at("Киев".as_bytes(), 0), Some((1, 8)));
        assert_eq!(trie.longest_at("КИЕВ".as_bytes(), 0), None);
        // Names equal up to case: the first listed answers.
        assert_eq!(trie.longest_at(b"uS", 0), Some((2, 2)));
    }

    #[test]
    fn an_empty_name_matches_everywhere_unless_a_longer_one_does() {
        let trie = trie_of(&names(&["", "ab"]));
        assert_eq!(trie.longest_at(b"xy", 1), Some((0, 1)));
        assert_eq!(trie.longest_at(b"abc", 0), Some((1, 2)));
        assert_eq!(trie.longest_at(b"", 0), Some((0, 0)));
    }

    #[test]
    fn the_embedded_lists_answer_as_the_automaton_does() {
        let gazetteer = crate::enrich::Gazetteer::embedded();
        let names = gazetteer.pattern_texts_for_tests().to_strings();
        let trie = trie_of(&names);
        let automaton = automaton_of(&names);
        let text = "Antony Blinken met Sergei Lavrov in Geneva; Sergey Lavrov, Blingen and \
                    Kiev, Kyiv, Киеве, КИЕВ, the US, us, NATO, Nato, the WHO and the European \
                    Union's Ursula von der Leyen spoke of Donbas, Luhansk and Lugansk. «Большая \
                    семерка» and Erdoğan, Erdogan; ERDOGAN. New York City, NEW YORK, Washington";
        for start in (0..=text.len()).filter(|&start| text.is_char_boundary(start)) {
            assert_eq!(
                trie.longest_at(text.as_bytes(), start),
                automaton_answer(&automaton, text, start),
                "at byte {start} of {text:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn answers_as_the_automaton_does(
            list in proptest::collection::vec("[aAbB\u{e9}\u{c9} ]{0,5}", 0..12),
            text in "[aAbB\u{e9}\u{c9} x]{0,12}",
        ) {
            let trie = trie_of(&list);
            let automaton = automaton_of(&list);
            for start in (0..=text.len()).filter(|&start| text.is_char_boundary(start)) {
                prop_assert_eq!(
                    trie.longest_at(text.as_bytes(), start),
                    automaton_answer(&automaton, &text, start)
                );
            }
        }
    }
}
