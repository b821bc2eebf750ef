//! People stage: the persons an article names, with rank and official titles.
//!
//! Vietnamese writes officials in a few fixed shapes: "NAME, TITLE, TITLE;",
//! "NAME- TITLE", "NAME (TITLE)", "TITLE NAME", "RANK NAME", "đồng chí/ông/bà NAME".
//! A name is 2–4 capitalised syllables starting with a known surname; it counts as a
//! person when something in the sentence says so (an intro word, a rank, a title) or
//! when it is a full three- or four-syllable name. Places and organisations that start
//! like names ("Hà Nội", "đường Trần Phú", "121 Trần Phú") are left out.

pub mod lexicon;
mod tokens;

use crate::record::{Participant, TextPlace};
pub use lexicon::Lexicon;
use tokens::{Tok, tokenize};

/// Words before a name that make it a place, street or organisation rather than a person.
const NOT_PERSON_BEFORE: &[&str] = &[
    "đường",
    "Đường",
    "phố",
    "Phố",
    "tỉnh",
    "Tỉnh",
    "huyện",
    "Huyện",
    "quận",
    "Quận",
    "xã",
    "Xã",
    "phường",
    "Phường",
    "TP",
    "Tp",
    "sông",
    "Sông",
    "núi",
    "Núi",
    "hồ",
    "cầu",
    "Cầu",
    "chợ",
    "Chợ",
    "làng",
    "thôn",
    "bản",
    "ấp",
    "đảo",
    "Bộ",
    "Sở",
    "Ban",
    "Trường",
    "trường",
    "viện",
    "Viện",
    "Công",
    "công",
    "Tập",
    "tập",
    "Đại",
    "giải",
    "Giải",
    "cúp",
    "Cúp",
    "số",
    "Số",
    "Quỹ",
    "quỹ",
    "tuyến",
    "Bảo",
    "bảo",
    "khu",
    "Khu",
    "Cảng",
    "cảng",
    "Nhà",
    "nhà",
    "phòng",
    "Phòng",
    "Trung",
    "Hội",
    "hội",
    "thị",
    "kênh",
    "Kênh",
    "đèo",
    "Đèo",
    "Lăng",
    "lăng",
    "đền",
    "Đền",
    "chùa",
    "Chùa",
    "tư",
    "Tư",
    "mang",
    "Mang",
    "tên",
    "hiệu",
    "thuyền",
    "tàu",
    "Tàu",
    "phong",
];

/// Prefixes that may stand before any title head.
const TITLE_PREFIXES: &[&str] = &["Phó", "Nguyên", "nguyên", "Quyền", "quyền", "Tân", "tân"];

/// Finds the participants of an article from its passages (lead, body, captions in page order).
/// `body` is the exported body text, for `first_offset`.
pub fn extract(
    passages: &[(TextPlace, String)],
    body: &str,
    language: Option<&str>,
    lx: &Lexicon,
) -> Vec<Participant> {
    if !matches!(language, Some("vi") | None) {
        return Vec::new();
    }
    let mut people: Vec<Participant> = Vec::new();
    for (place, text) in passages {
        for m in mentions_in(text, lx) {
            merge(&mut people, m, *place);
        }
    }
    for p in &mut people {
        p.mentions = count_mentions(&p.name, passages).max(1);
        p.first_offset = char_offset(body, &p.name);
    }
    // Short mentions ("ông Phớc") by a given name only one participant has.
    let given: Vec<String> = people
        .iter()
        .map(|p| p.name.rsplit(' ').next().unwrap_or("").to_string())
        .collect();
    for i in 0..people.len() {
        if given.iter().filter(|g| **g == given[i]).count() == 1 {
            people[i].mentions += count_short_mentions(&given[i], passages, lx);
        }
    }
    people
}

/// One person as named at one place in the text.
#[derive(Debug, Clone, PartialEq)]
struct Mention {
    name: String,
    rank: Option<String>,
    titles: Vec<String>,
}

fn merge(people: &mut Vec<Participant>, m: Mention, place: TextPlace) {
    if let Some(p) = people.iter_mut().find(|p| p.name == m.name) {
        if p.rank.is_none() {
            p.rank = m.rank;
        }
        if p.titles.is_empty() {
            p.titles = m.titles;
        } else {
            for t in m.titles {
                if !p.titles.contains(&t) && !p.other_titles.contains(&t) {
                    p.other_titles.push(t);
                }
            }
        }
        return;
    }
    people.push(Participant {
        name: m.name,
        rank: m.rank,
        titles: m.titles,
        other_titles: Vec::new(),
        mentions: 0,
        first_offset: None,
        place,
    });
}

/// Every person named in one passage, in order.
fn mentions_in(text: &str, lx: &Lexicon) -> Vec<Mention> {
    let toks = tokenize(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let Some(end) = name_at(&toks, i, lx) else {
            i += 1;
            continue;
        };
        let name = toks[i..end]
            .iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let (rank, mut titles, cue_before) = before_name(&toks, i, lx);
        let after = titles_after(&toks, end, lx);
        let cue = cue_before || !after.is_empty() || end - i >= 3;
        if cue && !excluded(&toks, i, &name, lx) {
            if titles.is_empty() {
                titles = after;
            } else {
                titles.extend(
                    after
                        .into_iter()
                        .filter(|t| !titles.contains(t))
                        .collect::<Vec<_>>(),
                );
            }
            out.push(Mention { name, rank, titles });
        }
        i = end;
    }
    out.extend(foreign_mentions(&toks, lx));
    out
}

/// Foreign names are not in the surname lexicon; they are recognised by the title in
/// front of them, optionally followed by a country: "Tổng thống Mỹ Joe Biden",
/// "Phó thủ tướng Nga Alexander Novak", "Ngoại trưởng Italy Antonio Tajani".
fn foreign_mentions(toks: &[Tok], lx: &Lexicon) -> Vec<Mention> {
    let mut out = Vec::new();
    let lower: Vec<String> = toks.iter().map(|t| t.text.to_lowercase()).collect();
    let mut k = 0;
    while k < toks.len() {
        let Some(h) = title_head_ci(&toks[k..], &lower[k..], lx) else {
            k += 1;
            continue;
        };
        let mut j = k + h;
        if let Some(c) = phrase_at(&toks[j..], &lx.countries) {
            j += c;
        }
        let start = j;
        while j < toks.len() && j - start < 4 && is_foreign_word(&toks[j]) {
            j += 1;
        }
        if j - start >= 2 && !lx.surnames.contains(&toks[start].text) {
            let name = join(&toks[start..j]);
            if !lx.places.contains(&name) {
                out.push(Mention {
                    name,
                    rank: None,
                    titles: vec![join(&toks[k..start])],
                });
            }
            k = j;
        } else {
            k += 1;
        }
    }
    out
}

/// A capitalised word in Latin letters without Vietnamese-only letters ("Joe", "Zelensky").
fn is_foreign_word(t: &Tok) -> bool {
    t.is_cap()
        && t.text.chars().count() > 1
        && t.text.chars().all(|c| {
            c.is_ascii_alphabetic() || "éèêëáàâäíìîïóòôöúùûüñçøåæ".contains(c.to_ascii_lowercase())
        })
}

/// A title head whose words after the first may be written in lower case ("Phó thủ tướng").
fn title_head_ci(toks: &[Tok], lower: &[String], lx: &Lexicon) -> Option<usize> {
    if !toks.first().is_some_and(|t| t.is_cap() || t.is_upper()) {
        return None;
    }
    let mut pre = 0;
    while pre < toks.len() && pre < 2 && TITLE_PREFIXES.contains(&toks[pre].text.as_str()) {
        pre += 1;
    }
    let rest = &lower[pre..];
    lx.titles_lower
        .iter()
        .find(|p| p.len() <= rest.len() && p.iter().zip(rest).all(|(w, t)| w == t))
        .map(|p| pre + p.len())
}

/// The end (exclusive) of a personal name starting at `i`, if one starts there.
fn name_at(toks: &[Tok], i: usize, lx: &Lexicon) -> Option<usize> {
    let first = &toks[i];
    if !first.is_cap() || !lx.surnames.contains(&first.text) {
        return None;
    }
    // "Trần" inside a run of capitalised words ("Đường Trần Phú") is part of that run.
    let mut end = i + 1;
    while end < toks.len()
        && end - i < 4
        && toks[end].is_cap()
        && !toks[end].glued_before
        && phrase_at(&toks[end..], &lx.titles).is_none()
        && phrase_at(&toks[end..], &lx.ranks).is_none()
    {
        end += 1;
    }
    (end - i >= 2).then_some(end)
}

fn excluded(toks: &[Tok], i: usize, name: &str, lx: &Lexicon) -> bool {
    let words: Vec<&str> = name.split(' ').collect();
    if lx.places.contains(name) || (words.len() > 2 && lx.places.contains(&words[..2].join(" "))) {
        return true;
    }
    if i > 0 {
        let prev = &toks[i - 1];
        if prev.is_number() || NOT_PERSON_BEFORE.contains(&prev.text.as_str()) {
            return true;
        }
        // A capitalised word right before the surname: the name is part of a longer proper noun.
        if prev.is_cap() && !lx.intro.contains(&prev.text) && !is_title_word_end(toks, i, lx) {
            return true;
        }
    }
    false
}

/// True when the capitalised words before `i` are a title or rank ending right at `i`.
fn is_title_word_end(toks: &[Tok], i: usize, lx: &Lexicon) -> bool {
    let (rank, titles, _) = before_name(toks, i, lx);
    rank.is_some() || !titles.is_empty()
}

/// Length in tokens of the first phrase of `list` that `toks` starts with.
fn phrase_at(toks: &[Tok], list: &[Vec<String>]) -> Option<usize> {
    list.iter()
        .find(|p| {
            p.len() <= toks.len()
                && p.iter()
                    .zip(toks)
                    .all(|(w, t)| !t.is_punct() && t.text == *w)
        })
        .map(|p| p.len())
}

/// A title head with its optional prefix ("Phó Bí thư") at the start of `toks`.
fn title_head(toks: &[Tok], lx: &Lexicon) -> Option<usize> {
    let mut pre = 0;
    while pre < toks.len() && TITLE_PREFIXES.contains(&toks[pre].text.as_str()) && pre < 2 {
        pre += 1;
    }
    phrase_at(&toks[pre..], &lx.titles).map(|n| pre + n)
}

/// Where a title phrase that starts at `k` with a head of `head` tokens ends (exclusive).
/// The phrase goes on through capitalised words, acronyms, numbers and the lower-case
/// second syllable of a capitalised word; it stops at punctuation, a new name, or any
/// other lower-case word (the sentence moved on).
fn title_end(toks: &[Tok], k: usize, head: usize, lx: &Lexicon) -> usize {
    let mut e = k + head;
    let mut prev_cap = toks[e - 1].is_cap() || toks[e - 1].is_upper();
    while e < toks.len() {
        let t = &toks[e];
        if t.is_punct()
            || name_at(toks, e, lx)
                .is_some_and(|end| end - e >= 2 && !lx.places.contains(&join(&toks[e..end])))
        {
            break;
        }
        if t.is_cap() || t.is_upper() || t.is_number() {
            prev_cap = t.is_cap() || t.is_upper();
            e += 1;
            continue;
        }
        if lx.title_words.contains(&t.text) {
            // "và", "của" only join two capitalised parts.
            if matches!(t.text.as_str(), "và" | "của")
                && !toks.get(e + 1).is_some_and(|n| n.is_cap() || n.is_upper())
            {
                break;
            }
            prev_cap = false;
            e += 1;
            continue;
        }
        if prev_cap {
            prev_cap = false;
            e += 1;
            continue;
        }
        break;
    }
    e
}

fn join(toks: &[Tok]) -> String {
    toks.iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rank and title written before a name ("Đại tướng Tô Lâm", "Bí thư Tỉnh ủy Nguyễn
/// Văn Du"), and whether anything before the name marks a person.
fn before_name(toks: &[Tok], i: usize, lx: &Lexicon) -> (Option<String>, Vec<String>, bool) {
    // The window: back to punctuation or an intro word.
    let mut w = i;
    let mut intro = false;
    while w > 0 {
        let t = &toks[w - 1];
        if t.is_punct() {
            break;
        }
        if lx.intro.contains(&t.text) {
            intro = true;
            break;
        }
        if w >= 2
            && lx
                .intro
                .contains(&format!("{} {}", toks[w - 2].text, t.text))
        {
            intro = true;
            break;
        }
        w -= 1;
        if i - w > 14 {
            break;
        }
    }
    for k in w..i {
        if let Some(r) = phrase_at(&toks[k..i], &lx.ranks) {
            if k + r == i {
                return (Some(join(&toks[k..i])), vec![], true);
            }
            if let Some(h) = title_head(&toks[k + r..i], lx) {
                if title_end(toks, k + r, h, lx) == i {
                    return (
                        Some(join(&toks[k..k + r])),
                        vec![join(&toks[k + r..i])],
                        true,
                    );
                }
            }
        }
        if let Some(h) = title_head(&toks[k..i], lx) {
            if title_end(toks, k, h, lx) == i {
                return (None, vec![join(&toks[k..i])], true);
            }
        }
    }
    (None, vec![], intro && w == i)
}

/// Titles written after a name: ", TITLE, TITLE", "- TITLE", "(TITLE)".
fn titles_after(toks: &[Tok], end: usize, lx: &Lexicon) -> Vec<String> {
    let mut titles = Vec::new();
    let Some(sep) = toks.get(end) else {
        return titles;
    };
    if !matches!(sep.text.as_str(), "," | "-" | "–" | "(") {
        return titles;
    }
    let mut k = end + 1;
    while let Some(h) = toks.get(k..).and_then(|rest| title_head(rest, lx)) {
        let e = title_end(toks, k, h, lx);
        titles.push(join(&toks[k..e]));
        match toks.get(e).map(|t| t.text.as_str()) {
            Some(",") => k = e + 1,
            _ => break,
        }
    }
    titles
}

fn count_mentions(name: &str, passages: &[(TextPlace, String)]) -> u32 {
    passages.iter().map(|(_, t)| count_word(t, name)).sum()
}

fn count_short_mentions(given: &str, passages: &[(TextPlace, String)], lx: &Lexicon) -> u32 {
    let mut n = 0;
    for (_, t) in passages {
        for intro in &lx.intro {
            n += count_word(t, &format!("{intro} {given}"));
        }
    }
    n
}

/// Occurrences of `needle` in `hay` that start and end at word boundaries.
fn count_word(hay: &str, needle: &str) -> u32 {
    let mut n = 0;
    let mut from = 0;
    while let Some(pos) = hay[from..].find(needle) {
        let s = from + pos;
        let e = s + needle.len();
        let before_ok = hay[..s]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = hay[e..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            n += 1;
        }
        from = e;
    }
    n
}

/// Character (not byte) offset of the first whole-word occurrence of `name` in `body`.
fn char_offset(body: &str, name: &str) -> Option<u32> {
    let mut from = 0;
    while let Some(pos) = body[from..].find(name) {
        let s = from + pos;
        let e = s + name.len();
        let before_ok = body[..s]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = body[e..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return Some(body[..s].chars().count() as u32);
        }
        from = e;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(text: &str) -> Vec<Participant> {
        extract(
            &[(TextPlace::Body, text.to_string())],
            text,
            Some("vi"),
            &Lexicon::vietnamese(),
        )
    }

    fn one(text: &str, name: &str) -> Participant {
        let ps = people(text);
        ps.into_iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name} not found in {text:?}"))
    }

    #[test]
    fn name_comma_titles_semicolon() {
        let p = one(
            "Cùng dự có các đồng chí: Phạm Minh Chính, Ủy viên Bộ Chính trị, Bí thư Trung ương Đảng, Trưởng Ban Tổ chức Trung ương; Đại tướng Tô Lâm, Ủy viên Bộ Chính trị, Bộ trưởng Bộ Công an;",
            "Phạm Minh Chính",
        );
        assert_eq!(
            p.titles,
            vec![
                "Ủy viên Bộ Chính trị",
                "Bí thư Trung ương Đảng",
                "Trưởng Ban Tổ chức Trung ương"
            ]
        );
        assert_eq!(p.rank, None);
    }

    #[test]
    fn rank_before_name() {
        let p = one(
            "Cùng dự có Đại tướng Tô Lâm, Ủy viên Bộ Chính trị, Bộ trưởng Bộ Công an; và khách mời.",
            "Tô Lâm",
        );
        assert_eq!(p.rank.as_deref(), Some("Đại tướng"));
        assert_eq!(
            p.titles,
            vec!["Ủy viên Bộ Chính trị", "Bộ trưởng Bộ Công an"]
        );
    }

    #[test]
    fn name_dash_title() {
        let p = one(
            "Về phía tỉnh có các đồng chí: Nguyễn Văn Du- Ủy viên BCH Trung ương Đảng, Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh; Lý Thái Hải- Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh;",
            "Nguyễn Văn Du",
        );
        assert_eq!(
            p.titles,
            vec![
                "Ủy viên BCH Trung ương Đảng",
                "Bí thư Tỉnh ủy",
                "Chủ tịch HĐND tỉnh"
            ]
        );
        let p = one(
            "Về phía tỉnh có các đồng chí: Lý Thái Hải- Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh;",
            "Lý Thái Hải",
        );
        assert_eq!(p.titles, vec!["Phó Bí thư Tỉnh ủy", "Chủ tịch UBND tỉnh"]);
    }

    #[test]
    fn title_before_name_and_verb_stops_title() {
        let p = one(
            "Bí thư Tỉnh ủy Nguyễn Văn Du phát biểu tại buổi làm việc",
            "Nguyễn Văn Du",
        );
        assert_eq!(p.titles, vec!["Bí thư Tỉnh ủy"]);
        let p = one(
            "Đồng chí Nguyễn Thị Kim Ngân, Ủy viên Bộ Chính trị, Chủ tịch Quốc hội chủ trì buổi làm việc.",
            "Nguyễn Thị Kim Ngân",
        );
        assert_eq!(p.titles, vec!["Ủy viên Bộ Chính trị", "Chủ tịch Quốc hội"]);
    }

    #[test]
    fn name_in_parentheses() {
        let p = one(
            "Ông Trần Văn Nam (Giám đốc Sở Y tế) cho biết",
            "Trần Văn Nam",
        );
        assert_eq!(p.titles, vec!["Giám đốc Sở Y tế"]);
    }

    #[test]
    fn places_streets_and_addresses_are_not_people() {
        for text in [
            "Đoàn công tác đến Hà Nội và Ninh Bình trong ngày.",
            "Dịch bệnh bùng phát ở Vũ Hán từ cuối năm.",
            "Trụ sở đặt tại 121 Trần Phú, quận Hoàn Kiếm.",
            "Công trình trên đường Nguyễn Văn Linh đã hoàn thành.",
            "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
            "Bộ Công Thương và Ban Thường vụ Tỉnh ủy đã họp.",
        ] {
            assert!(people(text).is_empty(), "{text:?} gave {:?}", people(text));
        }
    }

    #[test]
    fn foreign_names_after_a_title_and_country() {
        let p = one(
            "Tổng thống Mỹ Joe Biden tuyên bố gói viện trợ mới.",
            "Joe Biden",
        );
        assert_eq!(p.titles, vec!["Tổng thống Mỹ"]);
        let p = one(
            "Hôm 4/3, Phó thủ tướng Nga Alexander Novak tuyên bố Moskva sẵn sàng.",
            "Alexander Novak",
        );
        assert_eq!(p.titles, vec!["Phó thủ tướng Nga"]);
        let p = one(
            "Ngoại trưởng Italy Antonio Tajani cho biết",
            "Antonio Tajani",
        );
        assert_eq!(p.titles, vec!["Ngoại trưởng Italy"]);
        // A title followed by a place is nobody.
        assert!(people("Đại sứ quán Mỹ tại Hà Nội thông báo").is_empty());
    }

    #[test]
    fn title_only_mentions_name_nobody() {
        assert!(people("Đồng chí Chủ tịch Quốc hội chúc Bắc Kạn có bước tiến mới.").is_empty());
    }

    #[test]
    fn later_titles_go_to_other_titles_and_mentions_add_up() {
        let text = "Đồng chí Nguyễn Văn Du- Ủy viên BCH Trung ương Đảng, Bí thư Tỉnh ủy phát biểu. Sau đó đồng chí Nguyễn Văn Du, Ủy viên Trung ương Đảng, Bí thư Tỉnh ủy tiếp thu.";
        let p = one(text, "Nguyễn Văn Du");
        assert_eq!(
            p.titles,
            vec!["Ủy viên BCH Trung ương Đảng", "Bí thư Tỉnh ủy"]
        );
        assert_eq!(p.other_titles, vec!["Ủy viên Trung ương Đảng"]);
        assert_eq!(p.mentions, 2);
        assert_eq!(p.first_offset, Some(9));
    }
}
