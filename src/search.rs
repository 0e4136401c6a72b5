//! Folding and matching: case and accents ignored, so `hallbarhet` finds "Hållbarhet".

use std::ops::Range;

use crate::content::{Block, Outline};

/// Folds one character to what it is compared as: lower case, accents dropped.
fn fold_char(c: char) -> &'static str {
    // Only letters that differ after folding are listed; anything else is kept as it is.
    match c {
        'A'..='Z' => {
            const UPPER: [&str; 26] = [
                "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p",
                "q", "r", "s", "t", "u", "v", "w", "x", "y", "z",
            ];
            UPPER[(c as u8 - b'A') as usize]
        }
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'ā' | 'Ā' => {
            "a"
        }
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' | 'č' | 'Č' | 'ć' | 'Ć' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' | 'ē' | 'Ē' | 'ě' | 'Ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' | 'ń' | 'Ń' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'ő' | 'Ő' => {
            "o"
        }
        'œ' | 'Œ' => "oe",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'ű' | 'Ű' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ß' => "ss",
        'š' | 'Š' | 'ś' | 'Ś' => "s",
        'ž' | 'Ž' | 'ź' | 'Ź' | 'ż' | 'Ż' => "z",
        'ł' | 'Ł' => "l",
        'þ' | 'Þ' => "th",
        'ð' | 'Ð' => "d",
        _ => "",
    }
}

/// True for a combining diacritical mark (U+0300 to U+036F): the accents of Latin letters.
fn is_combining_accent(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}')
}

/// Text folded for matching, with a map from each folded byte back to the original.
pub struct Folded {
    pub text: String,
    /// For each byte of `text`, the byte range of the original character it came from.
    origin: Vec<Range<usize>>,
}

impl Folded {
    /// Folds `original`, remembering where each folded byte came from.
    pub fn new(original: &str) -> Folded {
        let mut text = String::with_capacity(original.len());
        let mut origin: Vec<Range<usize>> = Vec::with_capacity(original.len());
        for (at, c) in original.char_indices() {
            let range = at..at + c.len_utf8();
            // An accent written as a character of its own after its letter (`a` and U+0308 for
            // `ä`) is dropped as a precomposed letter's is; its bytes go with the letter's, so a
            // highlight never splits them.
            if is_combining_accent(c) && !text.is_empty() {
                for r in origin.iter_mut().rev().take_while(|r| r.end == at) {
                    r.end = range.end;
                }
                continue;
            }
            let folded = fold_char(c);
            let before = text.len();
            if folded.is_empty() {
                if c.is_uppercase() {
                    text.extend(c.to_lowercase());
                } else {
                    text.push(c);
                }
            } else {
                text.push_str(folded);
            }
            origin.extend(std::iter::repeat_n(range, text.len() - before));
        }
        Folded { text, origin }
    }

    /// The original byte ranges of every occurrence of any of `words` (already folded).
    pub fn matches(&self, words: &[String]) -> Vec<Range<usize>> {
        let mut ranges: Vec<Range<usize>> = Vec::new();
        for word in words.iter().filter(|w| !w.is_empty()) {
            for (at, _) in self.text.match_indices(word.as_str()) {
                let start = self.origin[at].start;
                let end = self.origin[at + word.len() - 1].end;
                ranges.push(start..end);
            }
        }
        merge(ranges)
    }
}

/// Sorts ranges and joins the ones that touch or overlap.
fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Folds a whole string (no map kept).
pub fn fold(text: &str) -> String {
    Folded::new(text).text
}

/// Splits a query into folded words.
pub fn words(query: &str) -> Vec<String> {
    query.split_whitespace().map(fold).collect()
}

/// Every node's searchable text, folded once at start-up.
#[derive(Debug, Clone)]
pub struct Index {
    haystacks: Vec<String>,
}

impl Index {
    /// Folds each node's title and detail text. A perspective's list of its goals' titles is
    /// left out: it matches by its own words, and shows as the ancestor of matching goals.
    pub fn new(outline: &Outline) -> Index {
        let haystacks = outline
            .nodes
            .iter()
            .map(|node| {
                let mut all = fold(&node.title);
                for block in node.blocks.iter().filter(|b| !matches!(b, Block::Item(_))) {
                    all.push('\n');
                    all.push_str(&fold(block.text()));
                }
                all
            })
            .collect();
        Index { haystacks }
    }

    /// True when every word occurs in the node's text.
    pub fn node_matches(&self, node: usize, words: &[String]) -> bool {
        !words.is_empty()
            && words
                .iter()
                .all(|w| self.haystacks[node].contains(w.as_str()))
    }

    /// The matching nodes, in document order.
    pub fn matching(&self, words: &[String]) -> Vec<usize> {
        (0..self.haystacks.len())
            .filter(|&n| self.node_matches(n, words))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finds(haystack: &str, query: &str) -> bool {
        let folded = fold(haystack);
        let ws = words(query);
        !ws.is_empty() && ws.iter().all(|w| folded.contains(w.as_str()))
    }

    #[test]
    fn swedish_letters_fold_to_ascii() {
        assert!(finds("Hållbarhet", "hallbarhet"));
        assert!(finds("minskade giftutsläpp", "giftutslapp"));
        assert!(finds("kopplingar till Mälardalen", "MALARDALEN"));
        assert!(finds("Hög sysselsättning", "hög"));
        assert!(finds("Hög sysselsättning", "HOG"));
    }

    #[test]
    fn finnish_letters_fold_to_ascii() {
        assert_eq!(fold("Pääoma"), "paaoma");
        assert!(finds("pääoma", "paaoma"));
        assert!(finds("kääntää", "kaantaa"));
        assert!(finds("kääntää", "aa"));
        assert!(finds("KÄÄNTÄÄ", "kääntää"));
        assert!(finds("Työllisyys", "TYOLLISYYS"));
        assert!(finds("yhteisö", "yhteiso"));
        // ä and ö, small or capital, are the same query as a and o.
        for (accented, plain) in [("ä", "a"), ("Ä", "a"), ("ää", "aa"), ("ö", "o"), ("Ö", "o")]
        {
            assert_eq!(words(accented), words(plain), "{accented}");
        }
    }

    #[test]
    fn accents_written_apart_from_their_letter_fold_too() {
        // "pääoma" with each ä as a and U+0308, as some keyboards and files write it.
        let text = "pa\u{308}a\u{308}oma";
        assert_eq!(fold(text), "paaoma");
        assert!(finds(text, "pääoma"));
        assert!(finds("pääoma", text));
        let m = Folded::new(text).matches(&words("aa"));
        let got: Vec<&str> = m.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(got, ["a\u{308}a\u{308}"]);
        // An accent with no letter before it is kept: it matches only itself.
        assert_eq!(fold("\u{308}"), "\u{308}");
    }

    #[test]
    fn finnish_goals_are_found_without_their_accents() {
        let source = r#"Document(
            organisation: "Smedjebackan kunta",
            title: "Visio ja tavoitteet",
            vision: Vision(id: "visio", title: "Visio", text: "Kunta, johon on hyvä palata."),
            introduction: "Tavoitteet on jaettu näkökulmiin.",
            perspectives: [
                Perspective(id: "talous", title: "Talous", goals: [
                    Goal(id: "paaoma", title: "Vahva pääoma", text: "Kunnan pääoma kasvaa."),
                    Goal(id: "suunta", title: "Uusi suunta", text: "Kunta KÄÄNTÄÄ suunnan yhteisön ja työllisyyden puolesta."),
                ]),
            ],
            contact: Contact(title: "Yhteystiedot", lines: ["Smedjebackan kunta"]),
            last_updated_label: "Päivitetty:",
            last_updated: "",
        )"#;
        let outline = crate::content::load("fi.ron", source).unwrap();
        let index = Index::new(&outline);
        let ids = |query: &str| -> Vec<&str> {
            index
                .matching(&words(query))
                .into_iter()
                .map(|n| outline.nodes[n].id.as_str())
                .collect()
        };
        for query in ["aa", "ää", "ÄÄ", "Ää"] {
            assert_eq!(ids(query), ["paaoma", "suunta"], "{query}");
        }
        assert_eq!(ids("paaoma"), ["paaoma"]);
        assert_eq!(ids("kaantaa"), ["suunta"]);
        assert_eq!(ids("tyollisyyden yhteison"), ["suunta"]);
        assert_eq!(ids("TYÖLLISYYDEN"), ["suunta"]);
        assert_eq!(ids("ä"), ids("a"));
        assert_eq!(ids("ö"), ids("o"));
        assert_eq!(ids("Ö"), ids("o"));
        assert!(!ids("ö").is_empty());
        // The marks land on the accented letters as they are written.
        let text = "Kunta KÄÄNTÄÄ suunnan";
        let m = Folded::new(text).matches(&words("aa"));
        let got: Vec<&str> = m.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(got, ["ÄÄ", "ÄÄ"]);
    }

    #[test]
    fn other_accents_and_case() {
        assert!(finds("Café", "cafe"));
        assert!(finds("Müller", "muller"));
        assert!(finds("café", "CAFÉ"));
    }

    #[test]
    fn every_word_must_match() {
        assert!(finds("Bra ekonomi i balans", "balans bra"));
        assert!(!finds("Bra ekonomi i balans", "balans skola"));
        assert!(!finds("Bra ekonomi", ""));
        assert!(!finds("Bra ekonomi", "   "));
    }

    #[test]
    fn perspectives_match_by_their_own_words() {
        let outline = Outline::bundled();
        let index = Index::new(&outline);
        // "ekokommun" is in a goal's title, which the perspective's detail lists.
        let m: Vec<&str> = index
            .matching(&words("ekokommun"))
            .into_iter()
            .map(|n| outline.nodes[n].id.as_str())
            .collect();
        assert_eq!(m, ["ekokommun-i-framkant"]);
        let m = index.matching(&words("hallbarhet"));
        assert!(m.contains(&outline.find("hallbarhet").unwrap()));
    }

    #[test]
    fn no_match() {
        assert!(!finds("Attraktivt boende", "xyzzy"));
    }

    #[test]
    fn highlights_map_back_to_the_original_text() {
        let text = "Hållbarhet och Mälardalen";
        let f = Folded::new(text);
        let m = f.matches(&words("hallbarhet malardalen"));
        let got: Vec<&str> = m.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(got, ["Hållbarhet", "Mälardalen"]);
    }

    #[test]
    fn overlapping_matches_merge() {
        let text = "aaaa";
        let f = Folded::new(text);
        assert_eq!(f.matches(&words("aa a")), vec![0..4]);
    }

    #[test]
    fn ligatures_map_to_their_whole_character() {
        let text = "Straße";
        let f = Folded::new(text);
        let m = f.matches(&words("strass"));
        assert_eq!(&text[m[0].clone()], "Straß");
    }
}
