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

/// One node of the trie: everything a search reads at a node, in one place, so that a step
/// touches one record rather than one entry of several tables. The tables took a cache miss
/// each on every step of a walk, and the walks, though few, cost more time than their
/// instructions then.
#[derive(Debug, Clone, Copy)]
struct Node {
    /// The name that ends here: the lowest index among names equal up to ASCII case, or
    /// [`NONE`].
    name_at: u32,
    /// The first of the `n_children` consecutive children in `nodes`; when `n_children` is
    /// [`DENSE`], the start of this node's table in `dense_children`; and when `chain_len` is
    /// not zero, the node that the chain leads to.
    children: u32,
    /// Where the chain starts in `chain_bytes`.
    chain_start: u32,
    /// The number of bytes of the chain: the lowercase bytes that every name going on from
    /// this node has next, up to where a name ends or the names part. A node with a chain has
    /// no other children.
    chain_len: u16,
    /// The lowercase byte that leads from the parent to this node.
    byte: u8,
    n_children: u8,
}

/// The `n_children` of a node whose children are found through a table by byte.
const DENSE: u8 = u8::MAX;

impl Node {
    /// A node reached by `byte`, with no name and no children yet.
    fn new(byte: u8) -> Node {
        Node {
            name_at: NONE,
            children: 0,
            chain_start: 0,
            chain_len: 0,
            byte,
            n_children: 0,
        }
    }
}

/// Names sharing a prefix share the nodes of that prefix. The children of each node are
/// consecutive and sorted by byte, and the blocks of children are laid out depth first: the
/// block of a node's first child follows right after the node's own block. The bytes that
/// lead from a node through no ending name and no parting of names, as the tail of most names
/// does, are one chain of the node, compared with the text at once, rather than one node per
/// byte: most steps of a walk went through such nodes.
#[derive(Debug, Clone)]
pub(crate) struct PrefixTrie {
    /// Node 0 is the root.
    nodes: Vec<Node>,
    /// The children of the root by byte, which most searches end in.
    root_children: Box<[NodeId; 256]>,
    /// Tables of 256 children by byte, [`NONE`] for a byte no child has. Only nodes with many
    /// children have one (the first letters of names have dozens of second letters), where it
    /// spares reading the children one by one.
    dense_children: Vec<NodeId>,
    /// The chains of the nodes, one after another.
    chain_bytes: Vec<u8>,
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
            nodes: vec![Node::new(0)],
            root_children: Box::new([NONE; 256]),
            dense_children: Vec::new(),
            chain_bytes: Vec::new(),
        };
        // Each node is the run `sorted[lo..hi]` of names that share its first `depth` bytes.
        // Within a run, the name that ends at the node sorts first, and the names going on
        // with the same byte are consecutive. A stack visits the nodes depth first, the first
        // child first, and each visit appends the node's block of children.
        let mut pending = vec![(0usize, sorted.len(), 0usize, 0usize)];
        while let Some((lo, hi, depth, node)) = pending.pop() {
            let mut idx = lo;
            while idx < hi && key(idx).len() == depth {
                if trie.nodes[node].name_at == NONE {
                    trie.nodes[node].name_at = sorted[idx].2;
                }
                idx += 1;
            }
            // The names left all go on with the same byte: the bytes they share from here on
            // are a chain, up to the node where the shortest of them ends or where they part.
            // Sorted, they share what the first and the last share. The root keeps its
            // children, as its table by byte answers for capitals too.
            if node != 0 && idx < hi && key(idx)[depth] == key(hi - 1)[depth] {
                let shared = key(idx)[depth..]
                    .iter()
                    .zip(&key(hi - 1)[depth..])
                    .take_while(|(first, last)| first == last)
                    .count()
                    .min(usize::from(u16::MAX));
                let chain_start = trie.chain_bytes.len();
                trie.chain_bytes
                    .extend_from_slice(&key(idx)[depth..depth + shared]);
                let next = trie.nodes.len();
                trie.nodes.push(Node::new(key(idx)[depth + shared - 1]));
                pending.push((idx, hi, depth + shared, next));
                let record = &mut trie.nodes[node];
                record.children = next as u32;
                record.chain_start = chain_start as u32;
                record.chain_len = shared as u16;
                continue;
            }
            let first_child = trie.nodes.len();
            let pending_before = pending.len();
            while idx < hi {
                let byte = key(idx)[depth];
                let run_start = idx;
                while idx < hi && key(idx)[depth] == byte {
                    idx += 1;
                }
                pending.push((run_start, idx, depth + 1, trie.nodes.len()));
                trie.nodes.push(Node::new(byte));
            }
            // The first child is visited next, so its block follows this one.
            pending[pending_before..].reverse();
            let n_children = trie.nodes.len() - first_child;
            let (children, n_children) = if n_children >= DENSE_MIN_CHILDREN {
                let table_start = trie.dense_children.len();
                trie.dense_children.resize(table_start + 256, NONE);
                for (child_idx, child) in trie.nodes[first_child..].iter().enumerate() {
                    trie.dense_children[table_start + usize::from(child.byte)] =
                        (first_child + child_idx) as NodeId;
                }
                (table_start, DENSE)
            } else {
                (first_child, n_children as u8)
            };
            trie.nodes[node].children = children as u32;
            trie.nodes[node].n_children = n_children;
            if node == 0 {
                for (child_idx, child) in trie.nodes[first_child..].iter().enumerate() {
                    let child_id = (first_child + child_idx) as NodeId;
                    trie.root_children[usize::from(child.byte)] = child_id;
                    // The trie is lowercase; a search lowercases the text's bytes as it reads
                    // them, but the root's table is asked first, so it answers for capitals
                    // itself.
                    trie.root_children[usize::from(child.byte.to_ascii_uppercase())] = child_id;
                }
            }
        }
        trie
    }

    /// The longest name that `text` holds at byte `start`, ASCII letters matching in either
    /// case, as its index and the end of the match; among names equal up to case, the one with
    /// the lowest index.
    #[inline]
    pub(crate) fn longest_at(&self, text: &[u8], start: usize) -> Option<(u32, usize)> {
        let root_name = self.nodes[0].name_at;
        let mut longest = (root_name != NONE).then_some((root_name, start));
        let Some(&first) = text.get(start) else {
            return longest;
        };
        let mut node = self.root_children[usize::from(first)];
        let mut end = start + 1;
        while node != NONE {
            let record = self.nodes[node as usize];
            if record.name_at != NONE {
                longest = Some((record.name_at, end));
            }
            if record.chain_len != 0 {
                let chain_start = record.chain_start as usize;
                let chain =
                    &self.chain_bytes[chain_start..chain_start + usize::from(record.chain_len)];
                // No name ends inside a chain, so a text that leaves it, or ends in it, holds
                // no longer name than the one found.
                match text.get(end..end + chain.len()) {
                    Some(following) if following.eq_ignore_ascii_case(chain) => {}
                    _ => break,
                }
                end += chain.len();
                node = record.children;
                continue;
            }
            let Some(&byte) = text.get(end) else {
                break;
            };
            let byte = byte.to_ascii_lowercase();
            let children = record.children as usize;
            node = if record.n_children == DENSE {
                self.dense_children[children + usize::from(byte)]
            } else {
                match self.nodes[children..children + usize::from(record.n_children)]
                    .iter()
                    .position(|child| child.byte == byte)
                {
                    Some(position) => (children + position) as NodeId,
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
    fn a_text_that_leaves_or_ends_inside_a_chain_keeps_the_shorter_name() {
        let trie = trie_of(&names(&["Sergei", "Sergei Lavrov", "Sergei Lavrentiev"]));
        assert_eq!(trie.longest_at(b"Sergei Lav", 0), Some((0, 6)));
        assert_eq!(trie.longest_at(b"Sergei Lavrovich", 0), Some((1, 13)));
        assert_eq!(trie.longest_at(b"SERGEI LAVRENTIEV", 0), Some((2, 17)));
        assert_eq!(trie.longest_at(b"Sergei Lavrentyev", 0), Some((0, 6)));
        assert_eq!(trie.longest_at(b"Serge", 0), None);
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
