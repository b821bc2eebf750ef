//! People stage: the persons an article names, with rank and official titles.
//!
//! Vietnamese writes officials in a few fixed shapes: "NAME, TITLE, TITLE;",
//! "NAME- TITLE", "NAME (TITLE)", "TITLE NAME", "RANK NAME", "đồng chí/ông/bà NAME".
//! A name is 2–4 capitalised syllables starting with a known surname; it counts as a
//! person when something in the sentence says so (an intro word, a rank, a title) or
//! when it is a full three- or four-syllable name. Places and organisations that start
//! like names ("Hà Nội", "đường Trần Phú", "121 Trần Phú") are left out.

mod aged;
pub mod english;
mod foreign;
mod held;
pub mod lexicon;
mod tokens;

use crate::record::{Participant, TextPlace};
use foreign::is_foreign_word;
pub use lexicon::Lexicon;
use tokens::{Tok, tokenize};

/// Words before a name that make it a place, street or organisation rather than a person.
pub(super) const NOT_PERSON_BEFORE: &[&str] = &[
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
    // "Tượng đài Lý Thái Tổ": a monument ("tượng" alone would also catch "đối tượng",
    // a suspect, who is a person).
    "đài",
    "Đài",
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
    // School and club types written as acronyms: "Trường THPT Lương Thế Vinh".
    "THPT",
    "THCS",
    "PTCS",
    "PTTH",
    "PTDTNT",
    "CLB",
];

static ENGLISH: std::sync::LazyLock<english::Rules> =
    std::sync::LazyLock::new(english::Rules::default);

/// Prefixes that may stand before any title head. In lower case, "tân" (newly
/// elected) describes the holder and "quyền" is mostly "the right of", so only their
/// capitalised forms ("Quyền Bộ trưởng") belong to a title.
/// What joins the items of a list of names: "A, B và C", "A, B hay C".
pub(super) const LIST_JOINERS: &[&str] = &[",", "và", "hay", "hoặc"];

pub(super) const TITLE_PREFIXES: &[&str] = &[
    "Phó", "phó", "Nguyên", "nguyên", "Quyền", "Tân", "Cựu", "cựu",
    // "đồng Chánh văn phòng nội các": co-holder (lower case only: "Đồng" opens places).
    "đồng",
];

/// Words for a unit of local government: the capitalised words after one name the place
/// ("UBND xã Ninh Sở", "Bí thư Tỉnh ủy tỉnh Quảng Trị"), even when they look like a
/// two-word personal name.
pub(super) const PLACE_UNITS: &[&str] = &[
    "xã",
    "phường",
    "huyện",
    "quận",
    "tỉnh",
    "thị",
    "trấn",
    "phố",
    "thôn",
    "ấp",
    "TP",
    "Tp",
    "TX",
];

/// Finds the participants of an article from its passages (lead, body, captions in page order).
/// `body` is the exported body text, for `first_offset`.
pub fn extract(
    passages: &[(TextPlace, String)],
    body: &str,
    language: Option<&str>,
    lx: &Lexicon,
) -> Vec<Participant> {
    // One rule set per language; a language without one gives no rows rather than
    // guesses.
    let find: &dyn Fn(&str) -> Vec<Mention> = match language {
        Some("vi") | None => &|text: &str| mentions_in(text, lx),
        Some("en") => &|text: &str| {
            ENGLISH
                .find(text)
                .into_iter()
                .map(|f| Mention {
                    name: f.name,
                    rank: None,
                    titles: f.titles,
                    group: None,
                    at: 0,
                })
                .collect()
        },
        _ => return Vec::new(),
    };
    let mut people: Vec<Participant> = Vec::new();
    for (place, text) in passages {
        for m in find(text) {
            merge(&mut people, m, *place);
        }
    }
    for p in &mut people {
        p.mentions = count_mentions(&p.name, passages).max(1);
        p.first_offset = char_offset(body, &p.name);
    }
    // Short mentions ("ông Phớc") by a given name only one participant has. English
    // short mentions ("Biden") are by family name and not counted here.
    if language == Some("en") {
        return people;
    }
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
    group: Option<String>,
    /// Token index of the name in its passage.
    at: usize,
}

fn merge(people: &mut Vec<Participant>, m: Mention, place: TextPlace) {
    if let Some(p) = people.iter_mut().find(|p| p.name == m.name) {
        if p.rank.is_none() {
            p.rank = m.rank;
        }
        if p.role_group.is_none() {
            p.role_group = m.group;
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
        role_group: m.group,
        mentions: 0,
        first_offset: None,
        place,
    });
}

/// Every person named in one passage, in order.
fn mentions_in(text: &str, lx: &Lexicon) -> Vec<Mention> {
    let toks = tokenize(text);
    let mut out = Vec::new();
    // Token spans of the names found so far, and of two-word names with nothing around
    // them to say they are people.
    let mut found: Vec<(usize, usize)> = Vec::new();
    let mut unmarked: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let Some(end) = name_at(&toks, i, lx) else {
            i += 1;
            continue;
        };
        // "Quảng Ninh Lê Hồng Thắng": a surname that ends a place name is the place's.
        if i > 0 && lx.places.contains(&join(&toks[i - 1..=i])) {
            i += 1;
            continue;
        }
        let name = join(&toks[i..end]);
        // Credits and bylines name who made the photo or wrote the piece, not who took
        // part: "(Ảnh: Nguyễn Văn A)", "Theo Nguyễn Văn A", a passage that is only a name.
        if is_credit(&toks, i, end) {
            i = end;
            continue;
        }
        let (rank, mut titles, cue_before) = before_name(&toks, i, lx);
        let after = titles_after(&toks, end, lx);
        // A person word ("lão ngư", "NTK", "cầu thủ") marks even a two-word name, and so
        // does what the sentence says next: a speech verb ("Võ Quang cho biết") or an
        // age ("Từ Duy (23 tuổi)").
        let cue = cue_before
            || !after.is_empty()
            || (end - i >= 3 && !in_street_list(&toks, i))
            || foreign::person_word_before(&toks, i, lx)
            || foreign::speech_after(&toks, end, lx)
            || foreign::age_after(&toks, end);
        // "Giám đốc cảng vụ đường thủy nội địa Quảng Ninh Lê Hồng Thắng": a full name
        // after a title and the body it heads is the title's holder, although a
        // capitalised word stands right before it.
        // Not across a verb or a form of address: in "Thống đốc NHNN đã quyết định cử Bà
        // Nguyễn Thị A" the governor acts on the person, who does not hold the post.
        let holding = (end - i >= 3 && i > 0 && toks[i - 1].is_cap())
            .then(|| foreign::title_holding(&toks, i, lx, VI_HOLDER_WINDOW))
            .flatten()
            .filter(|(k, _)| {
                !toks[*k..i].iter().any(|t| {
                    lx.intro.contains(t.text)
                        || ENDS_TITLE.contains(&t.text)
                        || held::NOT_IN_TITLE.contains(&t.text)
                })
            });
        // "Chủ tịch Hồ Chí Minh": a name that is also a place is a person right after a
        // bare title head (not "TP", not "Chủ tịch UBND TP").
        // A two-word place after a title is its jurisdiction ("Chủ tịch Hà Nội").
        if lx.places.contains(&name)
            && end - i >= 3
            && let Some(t) = bare_title_before(&toks, i, lx)
        {
            out.push(Mention {
                name,
                rank: None,
                titles: vec![t],
                group: None,
                at: i,
            });
            found.push((i, end));
            i = end;
            continue;
        }
        if cue && (holding.is_some() || !excluded(&toks, i, &name, lx)) {
            if let (Some((k, _)), true, true) = (&holding, titles.is_empty(), after.is_empty()) {
                titles.push(join(&toks[*k..i]));
            }
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
            if titles.is_empty() {
                titles.extend(
                    held::role_before(&toks, i, lx)
                        .or_else(|| held::opening_title(&toks, i, lx))
                        .or_else(|| held::bracketed_holder(&toks, i, end, lx)),
                );
            }
            out.push(Mention {
                name,
                rank,
                titles,
                group: None,
                at: i,
            });
            found.push((i, end));
        } else if !cue && !excluded(&toks, i, &name, lx) {
            unmarked.push((i, end));
        }
        i = end;
    }
    // "như Châu Tấn, Phạm Băng Băng, Triệu Vy": a two-word name listed next to a
    // person (a comma or "và" between) is one of the people listed.
    let mut grew = true;
    while grew {
        grew = false;
        unmarked.retain(|&(i, end)| {
            let sep = |k: usize| toks.get(k).is_some_and(|t| LIST_JOINERS.contains(&t.text));
            let listed = !in_street_list(&toks, i)
                && found.iter().any(|&(a, b)| {
                    (sep(end) && a == end + 1) || (i >= 1 && sep(i - 1) && b + 1 == i)
                });
            if listed {
                out.push(Mention {
                    name: join(&toks[i..end]),
                    rank: None,
                    titles: Vec::new(),
                    group: None,
                    at: i,
                });
                found.push((i, end));
                grew = true;
            }
            !listed
        });
    }
    out.extend(foreign_mentions(&toks, lx));
    out.extend(foreign::cued(&toks, lx));
    out.extend(name_with_country(&toks, lx));
    let taken: Vec<(usize, usize)> = out
        .iter()
        .map(|m| (m.at, m.at + m.name.split(' ').count()))
        .collect();
    out.extend(aged::names(&toks, lx, &taken));
    let groups = groups_in(&toks);
    for m in &mut out {
        m.group = groups
            .iter()
            .rev()
            .find(|(from, _)| *from <= m.at)
            .map(|(_, g)| g.clone());
    }
    out
}

/// True when the clause before `i` speaks of streets or places ("các tuyến đường lớn
/// như Nguyễn Huệ, Trần Phú, Đoàn Hữu Trưng"): names listed there are streets named
/// after people, not people.
fn in_street_list(toks: &[Tok], i: usize) -> bool {
    const STREET_WORDS: &[&str] = &[
        "đường",
        "phố",
        "tuyến",
        "ngã",
        "quận",
        "phường",
        "huyện",
        "xã",
        "hẻm",
        "ngõ",
    ];
    let from = i.saturating_sub(15);
    (from..i)
        .rev()
        .take_while(|&k| !matches!(toks[k].text, "." | ";" | "!" | "?" | ":"))
        .any(|k| STREET_WORDS.contains(&toks[k].text) && !spouse_word(toks, k))
}

/// "bà xã", "ông xã": a spouse, not a commune.
fn spouse_word(toks: &[Tok], k: usize) -> bool {
    toks[k].text == "xã" && k >= 1 && matches!(toks[k - 1].text, "bà" | "Bà" | "ông" | "Ông")
}

/// Words that introduce a credit or a source, before a colon or on their own.
const CREDIT_WORDS: &[&str] = &[
    "ảnh",
    "photo",
    "nguồn",
    "theo",
    "video",
    "clip",
    "đồ họa",
    "bài",
];

/// True when the name at `i..end` is a photo credit, a source or a byline.
fn is_credit(toks: &[Tok], i: usize, end: usize) -> bool {
    // The passage is the name alone (a byline line), maybe with a full stop.
    let rest_empty = toks[end..].iter().all(Tok::is_punct);
    if i == 0 && rest_empty {
        return true;
    }
    // A byline closing the text after its last sentence ("... được giải tỏa. Lã Nghĩa
    // Hiếu"), or before a photo credit ("Hoàng Cường Ảnh: Carscoop").
    let after_sentence = i > 0 && matches!(toks[i - 1].text, "." | "!" | "?" | "”" | "\"");
    let credit_next = toks.get(end).is_some_and(|t| {
        CREDIT_WORDS.contains(&t.text.to_lowercase().as_str())
            && toks.get(end + 1).is_some_and(|c| c.text == ":")
    });
    if after_sentence && (rest_empty || credit_next) {
        return true;
    }
    // "Ảnh: NAME", "Ảnh NAME", "Theo NAME" right before, in this clause.
    let mut k = i;
    if k > 0 && toks[k - 1].text == ":" {
        k -= 1;
    }
    (1..=2).any(|n| {
        k >= n
            && CREDIT_WORDS.contains(&join(&toks[k - n..k]).to_lowercase().as_str())
            && (k - n == 0 || toks[k - n - 1].is_punct())
    })
}

/// Groups the text announces before listing people: "Về phía Ban Thường vụ Tỉnh ủy Bắc
/// Kạn có các đồng chí: ...", "Đại diện Bộ Y tế có ...". Each applies from the end of
/// its announcement to the next one or the end of the passage.
fn groups_in(toks: &[Tok]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        let clause_start = k == 0 || toks[k - 1].is_punct();
        let lead = match (toks[k].text, toks.get(k + 1).map(|t| t.text)) {
            ("Về" | "về", Some("phía")) | ("Đại" | "đại", Some("diện")) => 2,
            ("Phía" | "phía", _) => 1,
            _ => 0,
        };
        if !clause_start || lead == 0 {
            k += 1;
            continue;
        }
        let from = k + lead;
        let mut e = from;
        while e < toks.len() && !matches!(toks[e].text, "có" | "gồm" | ":" | "," | ".") {
            e += 1;
        }
        let announced = toks
            .get(e)
            .is_some_and(|t| matches!(t.text, "có" | "gồm" | ":"));
        if announced && e > from && (toks[from].is_cap() || toks[from].is_upper()) && e - from <= 12
        {
            out.push((e, join(&toks[from..e])));
        }
        k = e.max(k + 1);
    }
    out
}

/// "Aurelien Tchouameni (Pháp)": a foreign name followed by its country in brackets,
/// the way sports and world news present players and figures.
fn name_with_country(toks: &[Tok], lx: &Lexicon) -> Vec<Mention> {
    let mut out = Vec::new();
    // Only a bracket can start this form: look back from each one.
    for k in (1..toks.len()).filter(|&k| toks[k].text == "(") {
        let bracketed = phrase_at(&toks[k + 1..], &lx.countries)
            .is_some_and(|c| toks.get(k + 1 + c).is_some_and(|t| t.text == ")"));
        if !bracketed {
            continue;
        }
        let mut start = k;
        while start > 0 && k - start < 4 && is_foreign_word(&toks[start - 1]) {
            start -= 1;
        }
        let words = k - start;
        // Not the tail of a longer capitalised run, not a country or place itself.
        let after_cap = start > 0 && (toks[start - 1].is_cap() || toks[start - 1].is_upper());
        if words < 2 || after_cap || org_before(toks, start) {
            continue;
        }
        let name = join(&toks[start..k]);
        let words_known = toks[start..k].iter().any(|t| {
            lx.places.contains(t.text)
                || phrase_at(std::slice::from_ref(t), &lx.countries).is_some()
        });
        if !words_known && !foreign::names_a_body_or_place(toks, start, k, lx) {
            out.push(Mention {
                name,
                rank: None,
                titles: Vec::new(),
                group: None,
                at: start,
            });
        }
    }
    out
}

/// Words that make the names of a clause companies or bodies: "công ty hóa dầu PCS
/// (Singapore) và Chandra Asri (Indonesia)" lists firms, not people.
const ORG_NOUNS: &[&str] = &[
    "công ty",
    "hãng",
    "tập đoàn",
    "doanh nghiệp",
    "nhà máy",
    "ngân hàng",
    "tổ chức",
    "câu lạc bộ",
    "CLB",
    "đội",
    "đội bóng",
    "thương hiệu",
    "nhãn hiệu",
    "nhãn hàng",
];

/// True when an organisation noun comes earlier in the same clause as `start`.
fn org_before(toks: &[Tok], start: usize) -> bool {
    let from = start.saturating_sub(10);
    let mut k = start;
    while k > from {
        k -= 1;
        if matches!(toks[k].text, "." | ";" | ":" | "!" | "?") {
            return false;
        }
        let ends_here = |phrase: &str| {
            let words: Vec<&str> = phrase.split(' ').collect();
            k + 1 >= words.len()
                && words
                    .iter()
                    .rev()
                    .enumerate()
                    .all(|(n, w)| toks[k - n].text.to_lowercase() == w.to_lowercase())
        };
        if ORG_NOUNS.iter().any(|p| ends_here(p)) {
            return true;
        }
    }
    false
}

/// A title head or rank, alone, right before `i` ("Chủ tịch", "Đại tướng").
fn bare_title_before(toks: &[Tok], i: usize, lx: &Lexicon) -> Option<String> {
    if i > 0 && NOT_PERSON_BEFORE.contains(&toks[i - 1].text) {
        return None;
    }
    (i.saturating_sub(4)..i).find_map(|k| {
        let span = &toks[k..i];
        let whole = title_head(span, lx) == Some(span.len())
            || phrase_at(span, &lx.ranks) == Some(span.len());
        whole.then(|| join(span))
    })
}

/// Foreign names are not in the surname lexicon; they are recognised by the title in
/// front of them, optionally followed by a country: "Tổng thống Mỹ Joe Biden",
/// "Phó thủ tướng Nga Alexander Novak", "Ngoại trưởng Italy Antonio Tajani".
fn foreign_mentions(toks: &[Tok], lx: &Lexicon) -> Vec<Mention> {
    let mut out = Vec::new();
    // Lower-cased only where there is something to lower: most words already are.
    let lower: Vec<std::borrow::Cow<'_, str>> = toks
        .iter()
        .map(|t| {
            if t.text.chars().any(char::is_uppercase) {
                t.text.to_lowercase().into()
            } else {
                t.text.into()
            }
        })
        .collect();
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
        let mut start = j;
        let end = foreign::run_end(toks, start);
        if let Some(e) = end {
            j = e;
        }
        // "Giám đốc điều hành Disney Bob Iger": after a company post, a three-word run
        // starts with the company.
        if end.is_some() && foreign::is_company_post(&lower[k..start]) && j - start == 3 {
            start += 1;
        }
        if end.is_some() && !lx.surnames.contains(toks[start].text) {
            let name = join(&toks[start..j]);
            if !foreign::names_a_body_or_place(toks, start, j, lx) {
                out.push(Mention {
                    name,
                    rank: None,
                    titles: vec![join(&toks[held::widen(toks, k, start, lx)..start])],
                    group: None,
                    at: start,
                });
            }
            k = j;
        } else {
            k += 1;
        }
    }
    out
}

/// A title head whose words after the first may be written in lower case ("Phó thủ tướng").
fn title_head_ci(toks: &[Tok], lower: &[std::borrow::Cow<'_, str>], lx: &Lexicon) -> Option<usize> {
    // Capitalised, or after a prefix that may be lower-case ("cựu Tổng thống").
    if !toks
        .first()
        .is_some_and(|t| t.is_cap() || t.is_upper() || TITLE_PREFIXES.contains(&t.text))
    {
        return None;
    }
    let mut pre = 0;
    while pre < toks.len() && pre < 2 && TITLE_PREFIXES.contains(&toks[pre].text) {
        pre += 1;
    }
    let rest = &lower[pre..];
    lx.titles_lower
        .iter()
        .find(|p| p.len() <= rest.len() && p.iter().zip(rest).all(|(w, t)| w == t.as_ref()))
        .map(|p| pre + p.len())
}

/// A title head in any case at the start of `toks` ("phát ngôn viên", "phó chủ tịch").
fn lower_title_head(toks: &[Tok], lx: &Lexicon) -> Option<usize> {
    let n = toks.len().min(8);
    let lower: Vec<String> = toks[..n].iter().map(|t| t.text.to_lowercase()).collect();
    let mut pre = 0;
    while pre < 2 && pre < n && TITLE_PREFIXES.contains(&toks[pre].text) {
        pre += 1;
    }
    let rest = &lower[pre..];
    lx.lower_title_len(rest, rest.len()).map(|n| pre + n)
}

/// [`title_head_ci`] for a title written after a name ("Phó chủ tịch UBND TP").
fn title_head_any(toks: &[Tok], lx: &Lexicon) -> Option<usize> {
    let n = toks.len().min(8);
    let lower: Vec<std::borrow::Cow<'_, str>> = toks[..n]
        .iter()
        .map(|t| std::borrow::Cow::Owned(t.text.to_lowercase()))
        .collect();
    title_head_ci(&toks[..n], &lower, lx)
}

/// The end (exclusive) of a personal name starting at `i`, if one starts there.
fn name_at(toks: &[Tok], i: usize, lx: &Lexicon) -> Option<usize> {
    let first = &toks[i];
    // "Phương Thị Thư": the middle name "Thị" marks a woman's full name whatever her
    // surname, also one the lexicon lacks.
    let thi_name = toks
        .get(i + 1)
        .is_some_and(|t| t.text == "Thị" && !t.glued_before)
        && toks
            .get(i + 2)
            .is_some_and(|t| t.is_cap() && !t.glued_before)
        && !is_foreign_word(first)
        && !NOT_PERSON_BEFORE.contains(&first.text)
        && !SENTENCE_OPENERS.contains(&first.text);
    if !first.is_cap() || !(lx.surnames.contains(first.text) || thi_name) {
        return None;
    }
    // "Hàn Quốc", "Hàn Quốc Moon Jae-in": a country that starts like a surname.
    if phrase_at(&toks[i..], &lx.countries).is_some() {
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
        && !(end - i >= 2 && SENTENCE_OPENERS.contains(&toks[end].text))
    {
        end += 1;
    }
    // "Đường Bùi Viện", "Phố Hàng Bạc": a street word that is also a surname, opening
    // a sentence before a full name, names the street after its namesake.
    if end - i >= 3
        && NOT_PERSON_BEFORE.contains(&first.text)
        && lx.surnames.contains(toks[i + 1].text)
    {
        return None;
    }
    // "Đinh Văn P", "Nguyễn Thị Kiều O": a name cut to its initial keeps the person
    // unnamed (suspects, minors); such names are not participants.
    if end - i >= 2 && toks[end - 1].text.chars().count() == 1 {
        return None;
    }
    // "TP Hà Nội Nguyễn Đức Chung": a place that starts like a name, with more
    // capitalised words after it, is the place; the name starts after it.
    if end - i > 2 && lx.places.contains(&join(&toks[i..i + 2])) {
        return None;
    }
    // "Kim Jong-un": a hyphenated tail belongs to the name.
    (end - i >= 2).then(|| foreign::hyphen_tail(toks, end))
}

/// How far before a Vietnamese full name the title it holds may start: Vietnamese
/// titles spell out their body ("Giám đốc cảng vụ đường thủy nội địa Quảng Ninh").
const VI_HOLDER_WINDOW: usize = 12;

/// Capitalised words that open a sentence and are never given names: where a full stop
/// is missing ("... Nguyễn Hạnh Phúc Ngoài Bộ trưởng ..."), the name ends before them.
pub(super) const SENTENCE_OPENERS: &[&str] = &[
    "Ngoài", "Trong", "Sau", "Theo", "Tại", "Khi", "Nếu", "Với", "Vì", "Để", "Còn", "Cũng", "Đây",
    "Đó", "Những", "Các", "Một", "Nhưng", "Tuy", "Hôm", "Ngày", "Chiều", "Trước", "Đến", "Là",
    "Và", "Dù", "Ảnh", "Nguồn", "Video",
];

fn excluded(toks: &[Tok], i: usize, name: &str, lx: &Lexicon) -> bool {
    let words: Vec<&str> = name.split(' ').collect();
    if lx.places.contains(name) || (words.len() > 2 && lx.places.contains(&words[..2].join(" "))) {
        return true;
    }
    if i > 0 {
        let prev = &toks[i - 1];
        // "phố Nguyễn Trãi", "Hội Nguyễn ..." name places and bodies, but "Chủ tịch Quốc
        // hội Nguyễn Thị Kim Ngân" is a title ending at the name.
        // "Lý Văn Trọng (hay còn gọi là Lưu Bị, 35 tuổi)": an alias is the same person.
        let alias = i >= 2
            && matches!(
                (toks[i - 2].text, prev.text),
                ("gọi", "là") | ("biệt", "danh") | ("bí", "danh") | ("tức", "là")
            );
        if alias {
            return true;
        }
        // "mang tên Nguyễn Trãi" names a street or school after a person, but "cháu bé
        // tên Lại Quang Hưng" names the child.
        let named_after = prev.text != "tên"
            || (i >= 2 && matches!(toks[i - 2].text, "mang" | "Mang" | "đặt" | "lấy"));
        // "bà xã Huỳnh Hiểu Minh", "ông xã": a spouse, not a commune.
        let spouse = spouse_word(toks, i - 1);
        // "Trường tiểu học Võ Thị Sáu": a school's level before a name names the school
        // after a person ("nhà khoa học Trần Đại Nghĩa" stays a person).
        let school = i >= 2 && SCHOOL_LEVELS.contains(&(toks[i - 2].text, prev.text));
        if school
            || prev.is_number()
            || (NOT_PERSON_BEFORE.contains(&prev.text)
                && named_after
                && !spouse
                && !is_title_word_end(toks, i, lx))
        {
            return true;
        }
        // A capitalised word right before the surname: the name is part of a longer proper noun.
        if prev.is_cap() && !lx.intro.contains(prev.text) && !is_title_word_end(toks, i, lx) {
            return true;
        }
        // "Co.opmart Lý Thường Kiệt", "Vin-school Nguyễn Trãi": so is a capitalised word
        // written with inner marks (the brand of a shop named after its street).
        if !prev.is_punct() && !prev.space_before {
            let mut w = i - 1;
            while w > 0 && !toks[w].space_before {
                w -= 1;
            }
            if toks[w].text.starts_with(char::is_uppercase) && !toks[w].is_upper() {
                return true;
            }
        }
    }
    false
}

/// School levels and kinds written before the name a school is given.
const SCHOOL_LEVELS: &[(&str, &str)] = &[
    ("tiểu", "học"),
    ("Tiểu", "học"),
    ("trung", "học"),
    ("Trung", "học"),
    ("đại", "học"),
    ("Đại", "học"),
    ("phổ", "thông"),
    ("Phổ", "thông"),
    ("cơ", "sở"),
    ("mầm", "non"),
    ("Mầm", "non"),
    ("dân", "lập"),
    ("năng", "khiếu"),
];

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
    while pre < toks.len() && TITLE_PREFIXES.contains(&toks[pre].text) && pre < 2 {
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
        // "(HECI)": an acronym in brackets belongs to the organisation before it, and so
        // does its country ("Bộ Chỉ huy Thái Bình Dương (Mỹ)").
        if t.text == "("
            && toks.get(e + 1).is_some_and(Tok::is_upper)
            && toks.get(e + 2).is_some_and(|c| c.text == ")")
        {
            e += 3;
            continue;
        }
        if t.text == "("
            && let Some(c) = phrase_at(&toks[e + 1..], &lx.countries)
            && toks.get(e + 1 + c).is_some_and(|c| c.text == ")")
        {
            e += c + 2;
            continue;
        }
        // "Sở GD-ĐT", "Bộ VHTT&DL", "Saigon Co.op", "TP.Hội An": a mark glued to words
        // on both sides is inside a name.
        if matches!(t.text, "-" | "&" | "." | "/")
            && !t.space_before
            && (toks[e - 1].is_cap() || toks[e - 1].is_upper())
            && toks
                .get(e + 1)
                .is_some_and(|n| !n.space_before && !n.is_punct())
        {
            e += 2;
            prev_cap = true;
            continue;
        }
        // "Bộ Văn hóa, Thể thao và Du lịch": a comma between the fields a body's name
        // lists.
        if held::field_list_comma(toks, e, lx) {
            e += 1;
            continue;
        }
        // "UBND TP. Đà Nẵng": the abbreviated unit, then its place.
        if t.text == "."
            && !t.space_before
            && PLACE_UNITS.contains(&toks[e - 1].text)
            && toks.get(e + 1).is_some_and(Tok::is_cap)
        {
            e += 1;
            continue;
        }
        let place_run = PLACE_UNITS.contains(&toks[e - 1].text)
            && toks[e..].iter().take_while(|n| n.is_cap()).count() <= 2;
        // A place that starts like a name ("Chi cục Thủy sản Hà Nội Hoàng Tiến Minh") is
        // no name to [`name_at`]: the title runs through it to the name after it.
        if t.is_punct()
            || (!place_run
                && name_at(toks, e, lx)
                    .is_some_and(|end| end - e >= 2 && !lx.places.contains(&join(&toks[e..end]))))
        {
            break;
        }
        // "TP.Hội": an abbreviation glued to a capitalised name by its dot.
        let dotted = t.text.contains('.') && t.text.starts_with(char::is_uppercase);
        if t.is_cap() || t.is_upper() || t.is_number() || dotted {
            prev_cap = t.is_cap() || t.is_upper() || dotted;
            e += 1;
            continue;
        }
        if let Some(n) = phrase_at(&toks[e..], &lx.title_words) {
            // "và", "của" only join two capitalised parts, and "và" before a new title
            // head starts another title (often another person's).
            if matches!(t.text, "và" | "của")
                && (!toks.get(e + 1).is_some_and(|n| n.is_cap() || n.is_upper())
                    || (t.text == "và" && title_head(&toks[e + 1..], lx).is_some()))
            {
                break;
            }
            prev_cap = false;
            e += n;
            continue;
        }
        if prev_cap && !ENDS_TITLE.contains(&t.text) {
            prev_cap = false;
            e += 1;
            continue;
        }
        break;
    }
    e
}

/// Lower-case words that never continue a title after its capitalised part: verbs and
/// times of the sentence ("Giám đốc Sở GTVT Gia Lai cho biết", "... sáng 9/2").
const ENDS_TITLE: &[&str] = &[
    "cho", "nói", "cho", "báo", "phát", "khẳng", "nhận", "chia", "đã", "vừa", "đang", "sẽ", "cũng",
    "có", "là", "được", "bị", "sáng", "chiều", "tối", "trưa", "đêm", "ngày", "hôm", "khi", "thì",
    "mà", "và", "đến", "về", "tại", "trong", "với", "để", "này", "đó",
];

/// The tokens as written: a space only where the text had one ("(HECI)", "Rịa-Vũng").
pub(super) fn join(toks: &[Tok]) -> String {
    let mut s = String::new();
    for (n, t) in toks.iter().enumerate() {
        if n > 0 && t.space_before {
            s.push(' ');
        }
        s.push_str(t.text);
    }
    s
}

/// Rank and title written before a name ("Đại tướng Tô Lâm", "Bí thư Tỉnh ủy Nguyễn
/// Văn Du"), and whether anything before the name marks a person.
fn before_name(toks: &[Tok], i: usize, lx: &Lexicon) -> (Option<String>, Vec<String>, bool) {
    // The window: back to punctuation or an intro word.
    let mut w = i;
    let mut intro = false;
    while w > 0 {
        let t = &toks[w - 1];
        // A mark glued inside a name ("Bộ VHTT&DL") does not end the window.
        let inner = !t.space_before && toks.get(w).is_some_and(|n| !n.space_before) && w >= 2;
        if t.is_punct()
            && !(inner && matches!(t.text, "-" | "&" | "." | "/"))
            && !held::field_list_comma(toks, w - 1, lx)
        {
            break;
        }
        if lx.intro.contains(t.text) {
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
            if let Some(h) = title_head(&toks[k + r..i], lx)
                && title_end(toks, k + r, h, lx) == i
            {
                return (
                    Some(join(&toks[k..k + r])),
                    vec![join(&toks[k + r..i])],
                    true,
                );
            }
        }
        if let Some(h) = title_head(&toks[k..i], lx)
            && title_end(toks, k, h, lx) == i
        {
            return (None, titles_chained_before(toks, k, i, lx), true);
        }
    }
    // A title written in lower case right before the name ("phát ngôn viên Lục Khảng",
    // "phó chủ tịch UBND TP Lê Văn Khoa"): only when it runs exactly up to the name.
    for k in w..i {
        if let Some(h) = lower_title_head(&toks[k..i], lx)
            && title_end(toks, k, h, lx) == i
        {
            return (None, vec![join(&toks[k..i])], true);
        }
    }
    (None, vec![], intro && w == i)
}

/// "Phó Bí thư Thành ủy, Chủ tịch Ủy ban MTTQ Việt Nam TP.HCM Nguyễn Phước Lộc": titles
/// separated by commas before a name all belong to it when the chain opens the clause
/// (start of the passage, after a full stop, a dash or an intro word). Otherwise the
/// earlier titles may close a previous person's list, and only the nearest one is kept.
fn titles_chained_before(toks: &[Tok], k: usize, i: usize, lx: &Lexicon) -> Vec<String> {
    let mut titles = vec![join(&toks[k..i])];
    let mut start = k;
    while start >= 2 && toks[start - 1].text == "," {
        let comma = start - 1;
        let found = (comma.saturating_sub(15)..comma).find(|&j| {
            title_head(&toks[j..comma], lx).is_some_and(|h| title_end(toks, j, h, lx) == comma)
        });
        let Some(j) = found else { break };
        titles.insert(0, join(&toks[j..comma]));
        start = j;
    }
    let opens_clause = start == 0 || {
        let p = &toks[start - 1];
        (p.is_punct() && p.text != ",") || lx.intro.contains(p.text)
    };
    if start != k && !opens_clause {
        titles.drain(..titles.len() - 1);
    }
    titles
}

/// Titles written after a name: ", TITLE, TITLE", "- TITLE", "(TITLE)".
fn titles_after(toks: &[Tok], end: usize, lx: &Lexicon) -> Vec<String> {
    let mut titles = Vec::new();
    let Some(sep) = toks.get(end) else {
        return titles;
    };
    if !matches!(sep.text, "," | "-" | "–" | "(") {
        return titles;
    }
    let mut k = end + 1;
    // "(42 tuổi, Đội trưởng đội thi công số 1)", "(SN 1980, Giám đốc ...)": the age
    // comes first in the brackets, the titles after it.
    if sep.text == "(" {
        let text = |n: usize| toks.get(n).map_or("", |t| t.text);
        let number = |n: usize| toks.get(n).is_some_and(Tok::is_number);
        let age = number(k) && text(k + 1) == "tuổi";
        let born = matches!(text(k), "SN" | "sinh") && number(k + 1);
        if (age || born) && text(k + 2) == "," {
            k += 3;
        }
    }
    let closing = closing_dash(toks, end);
    let mut after_dash = false;
    loop {
        // "Sebastian Gorka, một cố vấn của ...": an article before the role.
        if toks.get(k).is_some_and(|t| t.text == "một") {
            k += 1;
        }
        let rest = toks.get(k..).unwrap_or(&[]);
        let e = if let Some(h) = title_head(rest, lx).or_else(|| title_head_any(rest, lx)) {
            title_end(toks, k, h, lx)
        } else if let Some(o) = phrase_at(rest, &lx.organisations).filter(|_| !titles.is_empty()) {
            // Where the person works, after their titles.
            title_end(toks, k, o, lx)
        } else if let Some(e) = phrase_at(rest, &lx.roles).and_then(|_| role_end(toks, k, lx)) {
            e
        } else {
            break;
        };
        // After a dash that went on from an earlier title, the open-ended appositive
        // closed with that dash: what follows the capitalised part is the predicate.
        let e = if after_dash {
            e
        } else {
            lower_case_tail(toks, k, e, lx)
        };
        // "A - phó chủ tịch cao cấp của Hãng X và Hãng Y - cho biết": between paired
        // dashes the appositive is closed, so a title runs on to the next comma or the
        // closing dash.
        let e = match closing {
            Some(c) if e < c && !toks[e..c].iter().any(|t| t.text == ",") => c,
            _ => e,
        };
        titles.push(join(&toks[k..e]));
        after_dash = false;
        match toks.get(e) {
            Some(t) if t.text == "," => k = e + 1,
            // "A - Trưởng Ban Tuyên giáo, Phó Chủ tịch UBND TP - Trưởng BTC ...": a
            // spaced dash goes on to another title only when one starts after it.
            Some(t)
                if t.is_spaced_dash()
                    && title_head(toks.get(e + 1..).unwrap_or(&[]), lx).is_some() =>
            {
                k = e + 1;
                after_dash = true;
            }
            // "(nguyên Trưởng khoa Nhi – Bệnh viện Bạch Mai)": a dash before the
            // organisation the post is in joins it to the title.
            Some(t)
                if t.is_spaced_dash()
                    && phrase_at(toks.get(e + 1..).unwrap_or(&[]), &lx.organisations).is_some() =>
            {
                let o = phrase_at(&toks[e + 1..], &lx.organisations).unwrap_or(1);
                let mut org_end = title_end(toks, e + 1, o, lx);
                // "Bệnh viện Bạch Mai": the organisation's own name, though it starts
                // like a person's, when the appositive closes right after it.
                if org_end == e + 1 + o {
                    let mut n = org_end;
                    while n < toks.len() && n - org_end < 3 && toks[n].is_cap() {
                        n += 1;
                    }
                    if n > org_end && toks.get(n).is_none_or(|t| t.is_punct()) {
                        org_end = n;
                    }
                }
                if let Some(last) = titles.last_mut() {
                    *last = join(&toks[k..org_end]);
                }
                match toks.get(org_end) {
                    Some(n) if n.text == "," => k = org_end + 1,
                    _ => break,
                }
            }
            _ => break,
        }
    }
    titles
}

/// The spaced dash closing an appositive that a spaced dash opens at `open`, when the
/// sentence goes on after it with what is not another title ("A - phó giám đốc Hãng X -
/// cho biết"). `None` for one dash, or for a dash chaining titles ("A - Phó Chủ tịch
/// UBND tỉnh - Trưởng BTC ...", which [`titles_after`] follows title by title).
fn closing_dash(toks: &[Tok], open: usize) -> Option<usize> {
    const MAX_TOKENS: usize = 40;
    if !toks.get(open).is_some_and(Tok::is_spaced_dash) {
        return None;
    }
    let c = (open + 1..toks.len().min(open + 1 + MAX_TOKENS))
        .take_while(|&n| !matches!(toks[n].text, "." | "!" | "?" | ";" | ":" | "(" | ")"))
        .find(|&n| toks[n].is_spaced_dash())?;
    // What follows is the predicate in lower case ("cho biết", "đã nói"), not a title.
    toks.get(c + 1)
        .is_some_and(|t| t.text.chars().next().is_some_and(char::is_lowercase))
        .then_some(c)
}

/// Where a title written after a name really ends. Names of bodies go on in lower case
/// ("Viện Nghiên cứu phát triển xã hội", "Trung tâm Bảo tồn di tích cố đô Huế"), and an
/// appositive title runs to the mark that closes it; so when the title ends inside the
/// name of a body, the words after its capitalised part belong to it if a closing mark
/// follows within a few words and no verb of the sentence comes first. Otherwise the
/// sentence moved on and the title ends where it did.
fn lower_case_tail(toks: &[Tok], k: usize, e: usize, lx: &Lexicon) -> usize {
    const MAX_WORDS: usize = 7;
    // Only a title that ends inside the name of a body ("Viện Nghiên cứu", "Trung tâm
    // Bảo tồn", "Cục Bản quyền") goes on: after "Chủ tịch Quốc hội" comes the verb.
    // A body name that ends with its place ("Ban Tổ chức Thành ủy Cần Thơ") is complete:
    // lower-case words after it are the sentence's predicate ("báo cáo kết quả ...").
    let closed_by_place = e >= k + 2 && lx.places.contains(&join(&toks[e - 2..e]));
    let in_body_name = !closed_by_place
        && (e.saturating_sub(4).max(k)..e).any(|o| {
            toks[o].is_cap() && phrase_at(&toks[o..e], &lx.organisations).is_some_and(|n| o + n < e)
        });
    // Elsewhere an appositive title goes on in lower case only when a comma, a dash or
    // a bracket closes it ("ông A – Bí thư tỉnh ủy tỉnh Quảng Trị – tuyên bố"): a full
    // stop after lower-case words means the sentence went on with its predicate ("ông
    // A, Bí thư Tỉnh ủy chủ trì hội nghị.").
    let closers: &[&str] = if in_body_name {
        &[",", ".", ";", ":", "-", "–", ")"]
    } else {
        &[",", "-", "–", ")"]
    };
    let mut j = e;
    // A speech verb right after a capitalised word ends a body's name that closes with
    // a proper noun ("Trưởng phòng GD tiểu học Sở GD-ĐT TP.HCM cho biết").
    let mut spoken = false;
    while j < toks.len() && j - e <= MAX_WORDS {
        let t = &toks[j];
        // "Sở GD-ĐT", "TP.HCM": a mark glued inside a word is no closing mark.
        if matches!(t.text, "-" | "&" | "." | "/")
            && !t.space_before
            && j > e
            && toks
                .get(j + 1)
                .is_some_and(|n| !n.space_before && !n.is_punct())
        {
            j += 2;
            continue;
        }
        if t.is_punct() {
            break;
        }
        if j > e
            && (toks[j - 1].is_cap() || toks[j - 1].is_upper())
            && phrase_at(&toks[j..], &lx.speech_verbs).is_some()
        {
            spoken = true;
            break;
        }
        // "phát", "nhận", "báo", "chia" start nouns too ("phát triển"); as verbs they
        // come as the speech verbs checked below.
        // "Trưởng phòng CSGT công an tỉnh này,": a demonstrative right before the
        // closing mark ends the title, it does not start a clause.
        let demonstrative = matches!(t.text, "này" | "đó")
            && toks.get(j + 1).is_some_and(|n| closers.contains(&n.text));
        let verb = ENDS_TITLE.contains(&t.text)
            && !demonstrative
            && !matches!(t.text, "phát" | "nhận" | "báo" | "chia");
        // An intro word ("anh", "bà") opens a new name, but not inside a proper noun
        // ("huyện Đông Anh").
        if verb
            || (lx.intro.contains(t.text) && !toks[j - 1].is_cap())
            || phrase_at(&toks[j..], &lx.speech_verbs).is_some()
            || title_head(&toks[j..], lx).is_some()
            // "huyện Đông Anh": after a unit word, a name is the unit's place.
            || (!PLACE_UNITS.contains(&toks[j - 1].text)
                && name_at(toks, j, lx).is_some_and(|end| end - j >= 2))
        {
            return e;
        }
        j += 1;
    }
    // The end of the passage closes it too ("Bà A - Trưởng phòng ... Sở GD-ĐT TP.HCM"
    // under a quotation).
    let closed = j > e && (spoken || toks.get(j).is_none_or(|t| closers.contains(&t.text)));
    if closed { j } else { e }
}

/// A lower-case role ("chủ một tiệm hoa ở TP.HCM") runs to the next comma, full stop or
/// spaced dash, brackets included, or to the speech verb of the sentence ("chủ cửa hàng
/// ... ở Hà Nội cho biết"); a role that runs on for more than 15 words is a sentence,
/// not a role.
fn role_end(toks: &[Tok], k: usize, lx: &Lexicon) -> Option<usize> {
    let mut e = k;
    let mut depth = 0usize;
    while e < toks.len() && e - k <= 15 {
        match toks[e].text {
            "(" => depth += 1,
            ")" if depth > 0 => depth -= 1,
            "," if depth == 0 && held::field_list_comma(toks, e, lx) => {}
            "," | "." | ";" | ":" | "\"" | "“" | "”" if depth == 0 => return Some(e),
            _ if depth == 0 && toks[e].is_spaced_dash() => return Some(e),
            _ if depth == 0 && e > k + 1 && phrase_at(&toks[e..], &lx.speech_verbs).is_some() => {
                return Some(e);
            }
            _ => {}
        }
        e += 1;
    }
    (e == toks.len() && depth == 0).then_some(e)
}

fn count_mentions(name: &str, passages: &[(TextPlace, String)]) -> u32 {
    passages.iter().map(|(_, t)| count_word(t, name)).sum()
}

/// Mentions of `given` right after an intro word ("ông Phớc"): each occurrence of the
/// name is found once and its preceding word checked, rather than searching every
/// passage once per intro word.
fn count_short_mentions(given: &str, passages: &[(TextPlace, String)], lx: &Lexicon) -> u32 {
    let introduced = |before: &str| {
        before.strip_suffix(' ').is_some_and(|before| {
            lx.intro.iter().any(|intro| {
                before
                    .strip_suffix(intro.as_str())
                    .is_some_and(|head| starts_word(head, head.len()))
            })
        })
    };
    passages
        .iter()
        .map(|(_, t)| {
            t.match_indices(given)
                .filter(|&(s, _)| ends_word(t, s + given.len()) && introduced(&t[..s]))
                .count() as u32
        })
        .sum()
}

/// True when no letter or digit comes right before byte `s` of `hay`.
fn starts_word(hay: &str, s: usize) -> bool {
    hay[..s]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
}

/// True when no letter or digit comes right after byte `e` of `hay`.
fn ends_word(hay: &str, e: usize) -> bool {
    hay[e..].chars().next().is_none_or(|c| !c.is_alphanumeric())
}

/// Starts of the occurrences of `needle` in `hay` that begin and end at word boundaries.
fn whole_words<'a>(hay: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    hay.match_indices(needle)
        .map(|(s, _)| s)
        .filter(move |&s| starts_word(hay, s) && ends_word(hay, s + needle.len()))
}

/// Occurrences of `needle` in `hay` that start and end at word boundaries.
fn count_word(hay: &str, needle: &str) -> u32 {
    whole_words(hay, needle).count() as u32
}

/// Character (not byte) offset of the first whole-word occurrence of `name` in `body`.
fn char_offset(body: &str, name: &str) -> Option<u32> {
    whole_words(body, name)
        .next()
        .map(|s| body[..s].chars().count() as u32)
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
    fn titles_run_through_glued_marks_and_named_places() {
        let p = one(
            "Ông Lê Văn Hòa, Giám đốc Sở GD-ĐT Bắc Ninh, cho biết kỳ thi diễn ra an toàn.",
            "Lê Văn Hòa",
        );
        assert_eq!(p.titles, vec!["Giám đốc Sở GD-ĐT Bắc Ninh"]);
        let p = one(
            "Thứ trưởng Bộ NN&PTNT Trần Thanh Nam cùng đoàn công tác đã thị sát đê.",
            "Trần Thanh Nam",
        );
        assert_eq!(p.titles, vec!["Thứ trưởng Bộ NN&PTNT"]);
        let p = one(
            "Ông Đỗ Văn Chiến - Phó Chủ tịch UBND TP. Cần Thơ - đã chủ trì cuộc họp.",
            "Đỗ Văn Chiến",
        );
        assert_eq!(p.titles, vec!["Phó Chủ tịch UBND TP. Cần Thơ"]);
        // Two capitalised words after "xã" are the commune, not a person.
        let ps = people("Ông Phạm Quốc Toản - Chủ tịch UBND xã Hoàng Long - xác nhận sự việc.");
        assert_eq!(ps.len(), 1, "{ps:?}");
        assert_eq!(ps[0].titles, vec!["Chủ tịch UBND xã Hoàng Long"]);
    }

    #[test]
    fn a_title_after_a_name_runs_in_lower_case_to_its_closing_mark() {
        let p = one(
            "Bà Trần Thu Hà, Viện trưởng Viện Nghiên cứu phát triển nông thôn, trong một lần trả lời phỏng vấn đã nói vậy.",
            "Trần Thu Hà",
        );
        assert_eq!(
            p.titles,
            vec!["Viện trưởng Viện Nghiên cứu phát triển nông thôn"]
        );
        // A verb before any closing mark: the sentence moved on, the title ends as before.
        let p = one(
            "Ông Vũ Minh Đức, Giám đốc Sở Y tế kiểm tra công tác phòng dịch tại huyện, nhắc nhở các cơ sở.",
            "Vũ Minh Đức",
        );
        assert_eq!(p.titles, vec!["Giám đốc Sở Y tế"]);
    }

    #[test]
    fn former_office_holders_and_the_national_assembly() {
        let p = one(
            "Buổi lễ có sự tham dự của cựu Tổng thống Bill Clinton và nhiều khách mời.",
            "Bill Clinton",
        );
        assert_eq!(p.titles, vec!["cựu Tổng thống"]);
        // "hội" before a name usually names an association; not after "Quốc" in a title.
        let p = one(
            "Phó Chủ tịch Quốc hội Trần Văn Bình cho biết kỳ họp sẽ kéo dài 20 ngày.",
            "Trần Văn Bình",
        );
        assert_eq!(p.titles, vec!["Phó Chủ tịch Quốc hội"]);
    }

    #[test]
    fn a_lower_case_title_or_a_person_word_marks_a_two_word_name() {
        let p = one(
            "Theo phát ngôn viên Lý Cường của Bộ Ngoại giao, hai bên sẽ gặp nhau.",
            "Lý Cường",
        );
        assert_eq!(p.titles, vec!["phát ngôn viên"]);
        let p = one(
            "Hôm qua, phó chủ tịch UBND huyện Đặng Văn Mười đã kiểm tra đê.",
            "Đặng Văn Mười",
        );
        assert_eq!(p.titles, vec!["phó chủ tịch UBND huyện"]);
        let p = one(
            "Ngó sang bên phải, lão ngư Trần Sáu cùng bạn thuyền đã sửa soạn xong.",
            "Trần Sáu",
        );
        assert!(p.titles.is_empty());
        // Without a cue, a two-word name is still left out.
        assert!(people("Trên phố Trần Hưng có nhiều cửa hàng.").is_empty());
        assert!(people("Hôm nay Trần Sáu đi chợ.").is_empty());
    }

    #[test]
    fn bylines_initials_and_jurisdictions_are_not_participants() {
        // A byline closing the text, and one before a photo credit.
        assert!(people("Ùn tắc trên quốc lộ đã được giải tỏa. Trần Minh Khoa").is_empty());
        assert!(people("Hãng sẽ mở thêm đại lý. Phạm Quang Vinh Ảnh: Reuters").is_empty());
        // Suspects and minors named by an initial.
        assert!(people("Nghi phạm Lê Văn T đã bị bắt giữ.").is_empty());
        // A two-word place after a title is the jurisdiction.
        assert!(people("Chủ tịch Hà Nội nêu rõ yêu cầu.").is_empty());
    }

    #[test]
    fn a_name_ends_before_the_word_that_opens_the_next_sentence() {
        let ps =
            people("Bộ trưởng Nguyễn Văn Thắng Ngoài ra, các đại biểu đã thảo luận về ngân sách.");
        let names: Vec<&str> = ps.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["Nguyễn Văn Thắng"]);
    }

    #[test]
    fn a_country_that_starts_like_a_surname_is_not_a_name() {
        let names: Vec<String> = people(
            "Tổng thống Hàn Quốc Moon Jae-in và Thủ tướng Hàn Quốc Lee Nak-yon đã gặp nhau.",
        )
        .into_iter()
        .map(|p| p.name)
        .collect();
        assert!(names.contains(&"Moon Jae-in".to_string()), "{names:?}");
        assert_eq!(
            people("Nhà lãnh đạo Kim Jong-un đã thị sát.")[0].name,
            "Kim Jong-un"
        );
        assert!(!names.iter().any(|n| n.starts_with("Hàn")), "{names:?}");
    }

    #[test]
    fn chinese_figures_in_sino_vietnamese_form() {
        let p = one(
            "Chủ tịch Trung Quốc Tập Cận Bình và phu nhân Bành Lệ Viện đã tới thăm.",
            "Tập Cận Bình",
        );
        assert_eq!(p.titles, vec!["Chủ tịch Trung Quốc"]);
        // A company name that starts the same way is not a person.
        assert!(people("Tập Đoàn Vàng Bạc Đá Quý cho biết giá vàng tăng.").is_empty());
    }

    #[test]
    fn a_title_ends_before_the_verb_of_the_sentence() {
        let p = one(
            "Ông Nguyễn Hữu Quế, Giám đốc Sở GTVT Gia Lai cho biết đường sẽ thông xe.",
            "Nguyễn Hữu Quế",
        );
        assert_eq!(p.titles, vec!["Giám đốc Sở GTVT Gia Lai"]);
        let p = one(
            "Giám đốc Sở Tài chính Trần Văn Bình sáng 9/2 đã ký quyết định.",
            "Trần Văn Bình",
        );
        assert_eq!(p.titles, vec!["Giám đốc Sở Tài chính"]);
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
    fn a_capitalised_form_of_address_opens_a_sentence_before_the_name() {
        let p = one(
            "Cô Trần Thị Minh Thu, chủ nhiệm lớp 9A, cho biết các em rất chăm chỉ.",
            "Trần Thị Minh Thu",
        );
        assert_eq!(p.titles, vec!["chủ nhiệm lớp 9A"]);
        let p = one(
            "Thầy Lê Quang Vinh - Hiệu trưởng Trường THCS Hòa Bình nói năm nay trường có thêm ba phòng học.",
            "Lê Quang Vinh",
        );
        assert_eq!(p.titles, vec!["Hiệu trưởng Trường THCS Hòa Bình"]);
    }

    #[test]
    fn a_title_after_a_dash_runs_through_glued_marks_to_the_speech_verb_or_the_end() {
        let want = vec!["Trưởng phòng GD tiểu học Sở GD-ĐT TP.HCM"];
        // Under a quotation, the passage ends with the title.
        let p = one(
            "“Các em cần đọc nhiều hơn”. Bà Lê Thị Hoa - Trưởng phòng GD tiểu học Sở GD-ĐT TP.HCM",
            "Lê Thị Hoa",
        );
        assert_eq!(p.titles, want);
        let p = one(
            "Bà Lê Thị Hoa - Trưởng phòng GD tiểu học Sở GD-ĐT TP.HCM cho biết năm nay có thay đổi.",
            "Lê Thị Hoa",
        );
        assert_eq!(p.titles, want);
        let p = one(
            "Giáo sư Nguyễn Văn Thành - Tổng chủ biên sách giáo khoa Toán cho biết sách sẽ in lại.",
            "Nguyễn Văn Thành",
        );
        assert_eq!(p.titles, vec!["Tổng chủ biên sách giáo khoa Toán"]);
    }

    #[test]
    fn a_post_whose_holder_acts_on_the_person_is_not_the_persons() {
        let p = one(
            "Thống đốc NHNN đã quyết định cử Bà Trần Thị Lan làm thành viên hội đồng.",
            "Trần Thị Lan",
        );
        assert!(
            p.titles.iter().all(|t| !t.contains("quyết định")),
            "{:?}",
            p.titles
        );
    }

    #[test]
    fn a_surname_the_lexicon_lacks_before_thi_opens_a_name() {
        let p = one(
            "Quàng Thị Mai (31 tuổi), nhân viên văn phòng, cho biết chị thường mua sắm cuối tuần.",
            "Quàng Thị Mai",
        );
        assert!(p.rank.is_none());
        // "Thị" only in the middle of a name: "thị trấn", "Thị trường" are not names.
        assert!(
            people("Thị trường Chứng khoán tăng mạnh. Ông bà ra thị trấn Đông Anh.").is_empty()
        );
    }

    #[test]
    fn foreign_names_with_initials_or_a_dashed_appositive() {
        let text = "Cố vấn An ninh quốc gia Nhật Bản Kenji Morita đã có cuộc điện đàm với người đồng cấp Mỹ J.T. Rowan để bàn về thương mại.";
        let p = one(text, "Kenji Morita");
        assert_eq!(p.titles, vec!["Cố vấn An ninh quốc gia Nhật Bản"]);
        one(text, "J.T. Rowan");
        one(
            "Đúng lúc ấy Paolo Venturi - người đã sớm nhận ra tài năng của anh - xuất hiện.",
            "Paolo Venturi",
        );
        one(
            "Đó là trường hợp của Liam Carver – tiền đạo của U20 Australia.",
            "Liam Carver",
        );
        // Without a cue, initials and a name stay unnamed ("empty is better than wrong").
        assert!(
            people("Họ nhớ tới sự nổi lên của Walter K. Brennan với công ty dầu mỏ.").is_empty()
        );
    }

    #[test]
    fn a_spouse_is_a_person_and_a_commune_a_place() {
        one(
            "Những lùm xùm về bà xã Lâm Hiểu Vy khiến nữ diễn viên chịu nhiều chỉ trích.",
            "Lâm Hiểu Vy",
        );
        assert!(people("Người dân xã Lâm Hiểu Vy phản đối dự án.").is_empty());
    }

    #[test]
    fn a_dash_before_the_workplace_joins_it_to_the_title() {
        let p = one(
            "PGS.TS Trần Minh Đức (nguyên Trưởng khoa Ngoại – Bệnh viện Chợ Rẫy), cho biết bệnh nhân đã ổn định.",
            "Trần Minh Đức",
        );
        assert_eq!(
            p.titles,
            vec!["nguyên Trưởng khoa Ngoại – Bệnh viện Chợ Rẫy"]
        );
        // A hospital whose name starts like a person's.
        let p = one(
            "TS Trần Thu Hà (Trưởng khoa Nhi – Bệnh viện Bạch Mai) khuyên cha mẹ nên theo dõi.",
            "Trần Thu Hà",
        );
        assert_eq!(p.titles, vec!["Trưởng khoa Nhi – Bệnh viện Bạch Mai"]);
    }

    #[test]
    fn a_title_before_a_verb_belongs_to_the_name_before_the_verb() {
        let text =
            "HLV Carlo Rinaldi có thể hy vọng Marco Belotti sẽ ghi bàn vào lưới đội bóng cũ.";
        assert_eq!(one(text, "Carlo Rinaldi").titles, vec!["HLV"]);
        let p = people(text).into_iter().find(|p| p.name == "Marco Belotti");
        assert!(p.is_none_or(|p| p.titles.is_empty()));
    }

    #[test]
    fn a_spelled_out_academic_degree_is_not_a_title() {
        // Like "GS", "PGS.TS": the degree says what the person is, the dash says the post.
        let p = one(
            "Giáo sư Đặng Văn Ngữ - Viện trưởng Viện Sốt rét cho biết thuốc mới rất hiệu quả.",
            "Đặng Văn Ngữ",
        );
        assert_eq!(p.titles, vec!["Viện trưởng Viện Sốt rét"]);
        let p = one(
            "Phó giáo sư Hoàng Minh Tuấn trình bày báo cáo.",
            "Hoàng Minh Tuấn",
        );
        assert!(p.titles.is_empty(), "{:?}", p.titles);
    }

    #[test]
    fn a_post_named_before_a_name_in_brackets_is_its_title() {
        let p = one(
            "UBND tỉnh đã giao phó giám đốc Sở Tài nguyên và Môi trường (ông Đỗ Văn Hải) rà soát lại hồ sơ.",
            "Đỗ Văn Hải",
        );
        assert_eq!(p.titles, vec!["phó giám đốc Sở Tài nguyên và Môi trường"]);
        // A bracketed name after a mere noun holds no post.
        let p = one(
            "Một người dân (ông Vũ Đức Toàn) đã báo cho chính quyền.",
            "Vũ Đức Toàn",
        );
        assert!(p.titles.is_empty(), "{:?}", p.titles);
    }

    #[test]
    fn a_school_named_after_a_person_is_not_one_but_a_scientist_is() {
        for text in [
            "Học sinh Trường tiểu học Võ Thị Sáu được nghỉ học hai ngày.",
            "Em học tại trường trung học Lê Văn Tám từ năm ngoái.",
        ] {
            assert!(people(text).is_empty(), "{text:?} gave {:?}", people(text));
        }
        let p = one(
            "Nhà khoa học Trần Đại Nghĩa đã chế tạo nhiều loại vũ khí.",
            "Trần Đại Nghĩa",
        );
        assert!(p.rank.is_none());
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
    fn shops_schools_and_streets_named_after_people_are_not_people() {
        for text in [
            "Sản phẩm có tại các siêu thị Co.opmart Trần Hưng Đạo, Co.opmart Lê Văn Sỹ.",
            "Trường THPT Chu Văn An (Hà Nội) công bố điểm chuẩn.",
            "Đường Phạm Ngũ Lão nơi xảy ra vụ việc. Ảnh: K.T.",
            "Ông Lê Văn Hòa, cựu HLV Leeds United vừa nghỉ hưu.",
            "Người dân tập trung trước tượng đài Trần Quốc Toản. Tượng đài Phan Đình Giót ở quảng trường.",
        ] {
            let names: Vec<String> = people(text).into_iter().map(|p| p.name).collect();
            assert!(
                names.iter().all(|n| n == "Lê Văn Hòa"),
                "{text:?} gave {names:?}"
            );
        }
    }

    #[test]
    fn titles_after_a_name_chained_by_dashes_or_after_an_article() {
        let p = one(
            "Ông Trần Văn Hải - Phó Chủ tịch UBND tỉnh - Trưởng BTC Lễ hội 2019 bốc thăm thứ tự thi đấu.",
            "Trần Văn Hải",
        );
        assert_eq!(
            p.titles,
            ["Phó Chủ tịch UBND tỉnh", "Trưởng BTC Lễ hội 2019"]
        );
        let p = one(
            "Theo ông John Miller, một cố vấn của Tổng thống Pháp, kế hoạch sẽ thay đổi.",
            "John Miller",
        );
        assert_eq!(p.titles, ["cố vấn của Tổng thống Pháp"]);
        let p = one(
            "Thượng tá Lê Văn Tư - Trưởng phòng Tham mưu, người phát ngôn Công an tỉnh Gia Lai - cho biết vụ việc đang được điều tra.",
            "Lê Văn Tư",
        );
        assert_eq!(
            p.titles,
            [
                "Trưởng phòng Tham mưu",
                "người phát ngôn Công an tỉnh Gia Lai"
            ]
        );
    }

    #[test]
    fn a_body_name_listing_fields_keeps_its_commas() {
        // Before the name, after it, and before a bracketed holder.
        let p = one(
            "Người phát ngôn Bộ Nông nghiệp, Lâm nghiệp và Thủy sản Trần Văn Lộc nói rõ, kế hoạch không đổi.",
            "Trần Văn Lộc",
        );
        assert_eq!(
            p.titles,
            ["Người phát ngôn Bộ Nông nghiệp, Lâm nghiệp và Thủy sản"]
        );
        let p = one(
            "Ông Trần Văn Lộc, giám đốc Sở Lao động, Thương binh và Xã hội, cho biết.",
            "Trần Văn Lộc",
        );
        assert_eq!(p.titles, ["giám đốc Sở Lao động, Thương binh và Xã hội"]);
        let p = one(
            "Bị đình chỉ có trưởng phòng quản lý giao thông, cấp nước và thoát nước (ông Trần Văn Lộc) cùng hai cán bộ.",
            "Trần Văn Lộc",
        );
        assert_eq!(
            p.titles,
            ["trưởng phòng quản lý giao thông, cấp nước và thoát nước"]
        );
        // A comma before a form of address ends the title: the next person follows.
        let found = people("Giám đốc Sở Y tế, ông Trần Văn Lộc và bà Lê Thị Hoa cùng dự.");
        assert_eq!(found[0].titles, ["Giám đốc Sở Y tế"]);
    }

    #[test]
    fn a_title_between_paired_dashes_runs_to_the_closing_dash() {
        let p = one(
            "Ông Trần Minh Quân - phó giám đốc phụ trách kinh doanh của Hãng Sao Mai tại miền Bắc - cho biết doanh số tăng.",
            "Trần Minh Quân",
        );
        assert_eq!(
            p.titles,
            ["phó giám đốc phụ trách kinh doanh của Hãng Sao Mai tại miền Bắc"]
        );
        // One dash: the sentence goes on after the title as before.
        let p = one(
            "Ông Trần Minh Quân - phó giám đốc Hãng Sao Mai đã ký hợp đồng với đối tác.",
            "Trần Minh Quân",
        );
        assert_eq!(p.titles, ["phó giám đốc Hãng Sao Mai"]);
    }

    #[test]
    fn foreign_names_cued_by_a_person_word_before_or_after() {
        let names =
            |text: &str| -> Vec<String> { people(text).into_iter().map(|p| p.name).collect() };
        assert_eq!(
            names("Anh Wang Jianguo, đến từ Thành Đô, đã mắc bệnh từ nhỏ."),
            ["Wang Jianguo"]
        );
        assert_eq!(
            names("Bé Chen Xiaomei sống tại Quảng Châu cùng bố mẹ."),
            ["Chen Xiaomei"]
        );
        assert_eq!(
            names("Bác sĩ phẫu thuật Zhou Minghua ở bệnh viện thành phố đã mổ cho em."),
            ["Zhou Minghua"]
        );
        assert_eq!(
            names("Nhiều người không nhận ra Maria Santos, người đẹp Brazil đăng quang năm ngoái."),
            ["Maria Santos"]
        );
        assert_eq!(
            names("Ông gặp người đồng cấp Na Uy Lars Eriksen tại Brussels hôm qua."),
            ["Lars Eriksen"]
        );
        assert_eq!(
            names("Các ngôi sao như Eden Moss, Paul Dunne và N'Diaye Kone đều vắng mặt."),
            ["Eden Moss", "Paul Dunne", "N'Diaye Kone"]
        );
        assert_eq!(
            names("Đội vắng Eden Moss, Paul Dunne, Lee Carter hay N'Diaye Kone."),
            ["Eden Moss", "Paul Dunne", "Lee Carter", "N'Diaye Kone"]
        );
        // A city with its country in brackets is a place.
        assert!(names("Vụ việc xảy ra ở thành phố New Orleans (Mỹ) hôm qua.").is_empty());
        // After a comma a form of address opens the next clause: the run is a place.
        assert!(names("Sau 5 năm rời Old Trafford, anh đã trở lại sân cũ.").is_empty());
        // Chinese figures in Sino-Vietnamese form, monks by their religious surname.
        assert_eq!(names("Ai đứng sau chiêu trò của Can Lộ Lộ?"), ["Can Lộ Lộ"]);
        let p = one(
            "GS Carl Hansen - Nguyên Giám đốc Bộ Chỉ huy Thái Bình Dương (Mỹ) nhận định.",
            "Carl Hansen",
        );
        assert_eq!(
            p.titles,
            ["Nguyên Giám đốc Bộ Chỉ huy Thái Bình Dương (Mỹ)"]
        );
    }

    #[test]
    fn titles_after_an_age_in_brackets_and_before_the_predicate() {
        let p = one(
            "Công an tạm giam Trần Văn Kiên (45 tuổi, Đội trưởng đội thi công số 2) và hai người khác.",
            "Trần Văn Kiên",
        );
        assert_eq!(p.titles, ["Đội trưởng đội thi công số 2"]);
        let p = one(
            "Ông Hồ Văn Sáu - Trưởng ban Tổ chức Tỉnh ủy Nghệ An báo cáo kết quả công tác kiểm điểm, tự phê bình.",
            "Hồ Văn Sáu",
        );
        assert_eq!(p.titles, ["Trưởng ban Tổ chức Tỉnh ủy Nghệ An"]);
        let p = one(
            "Ông Lê Văn Hưng - Giám đốc phụ trách kỹ thuật cho biết.",
            "Lê Văn Hưng",
        );
        assert_eq!(p.titles, ["Giám đốc"]);
    }

    #[test]
    fn a_two_word_name_is_marked_by_a_speech_verb_or_an_age() {
        one(
            "Trưởng ban Trần Hải nghỉ hưu. Đỗ Quyên cho biết đã nộp đơn.",
            "Đỗ Quyên",
        );
        one("Cửa hàng do Từ Mạnh (27 tuổi) quản lý.", "Từ Mạnh");
        // With neither, two capitalised words stay unnamed.
        assert!(people("Hôm qua Đỗ Quyên về quê.").is_empty());
    }

    #[test]
    fn a_child_named_with_ten_is_a_person_but_a_school_named_after_one_is_not() {
        one("Bé gái tên Lại Minh Thư (5 tuổi) được cứu.", "Lại Minh Thư");
        assert!(people("Trường mang tên Trần Quốc Toản đón học sinh.").is_empty());
    }

    #[test]
    fn two_word_names_listed_with_a_person_are_people_but_streets_are_not() {
        let ps = people("Nhiều sao nữ như Trương Mỹ Lệ, Lưu Hà và Triệu Vân đều góp mặt.");
        let names: Vec<&str> = ps.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["Trương Mỹ Lệ", "Lưu Hà", "Triệu Vân"]);
        assert!(
            people("Xe cộ đông trên các tuyến đường như Trần Hưng Đạo, Lê Lai, Võ Văn Kiệt.")
                .is_empty()
        );
    }

    #[test]
    fn an_appositive_title_runs_in_lower_case_to_the_mark_that_closes_it() {
        let p = one(
            "Ông Trần Văn Lâm – Bí thư huyện ủy huyện Đông Anh – phát biểu.",
            "Trần Văn Lâm",
        );
        assert_eq!(p.titles, vec!["Bí thư huyện ủy huyện Đông Anh"]);
        let p = one(
            "Ông Lê Văn Tâm, Trưởng phòng CSGT công an tỉnh này, cho biết.",
            "Lê Văn Tâm",
        );
        assert_eq!(p.titles, vec!["Trưởng phòng CSGT công an tỉnh này"]);
        // A full stop after lower-case words: the sentence went on, not the title.
        let p = one(
            "Ông Trần Văn Minh, Bí thư Tỉnh ủy chủ trì hội nghị.",
            "Trần Văn Minh",
        );
        assert_eq!(p.titles, vec!["Bí thư Tỉnh ủy"]);
    }

    #[test]
    fn a_place_that_starts_like_a_name_stays_in_the_title() {
        let p = one(
            "Chủ tịch UBND TP Hà Nội Nguyễn Đức Khang cho biết.",
            "Nguyễn Đức Khang",
        );
        assert_eq!(p.titles, vec!["Chủ tịch UBND TP Hà Nội"]);
    }

    #[test]
    fn a_foreign_name_after_a_rank_or_a_short_body_name() {
        let p = one("Đứng đầu là Thượng tướng Ivan Petrov.", "Ivan Petrov");
        assert_eq!(p.rank.as_deref(), Some("Thượng tướng"));
        let p = one("Phát ngôn viên Hạ viện Tom Harlow tuyên bố.", "Tom Harlow");
        assert_eq!(p.titles, vec!["Phát ngôn viên Hạ viện"]);
    }

    #[test]
    fn an_alias_is_not_another_person() {
        let ps = people("Công an bắt Lý Văn Tâm (còn gọi là Trần Bá Hổ, 40 tuổi).");
        let names: Vec<&str> = ps.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["Lý Văn Tâm"]);
    }

    #[test]
    fn a_full_name_after_a_long_title_and_its_province_holds_the_title() {
        let p = one(
            "Giám đốc sở giao thông vận tải tỉnh Bắc Ninh Hoàng Văn Sơn cho biết sẽ sửa đường.",
            "Hoàng Văn Sơn",
        );
        assert_eq!(
            p.titles,
            vec!["Giám đốc sở giao thông vận tải tỉnh Bắc Ninh"]
        );
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

    #[test]
    fn foreign_name_with_country_in_brackets() {
        let ps = people(
            "Kylian Mbappe (Pháp): +20 triệu euro. Josko Gvardiol (Croatia) tăng 15 triệu euro.",
        );
        let names: Vec<&str> = ps.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["Kylian Mbappe", "Josko Gvardiol"]);
        // Firms in a list, a one-word city and a club are not people.
        for text in [
            "Cách này cũng được công ty hóa dầu PCS (Singapore) và Chandra Asri (Indonesia) thực hiện.",
            "Tàu cập cảng Nakhodka (Nga) tháng 12.",
            "Đội bóng Real Madrid (Tây Ban Nha) thắng đậm.",
        ] {
            assert!(people(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn a_place_name_after_a_bare_title_is_a_person() {
        let p = one(
            "Đoàn dâng hương Chủ tịch Hồ Chí Minh tại bảo tàng.",
            "Hồ Chí Minh",
        );
        assert_eq!(p.titles, vec!["Chủ tịch"]);
        // The city stays a city.
        assert!(people("Chủ tịch UBND TP Hồ Chí Minh phát biểu.").is_empty());
        assert!(people("Người dân Thành phố Hồ Chí Minh đón Tết.").is_empty());
    }

    #[test]
    fn titles_chained_before_a_name_at_the_start_of_a_clause() {
        let p = one(
            "Phó Bí thư Thành ủy, Chủ tịch Ủy ban MTTQ Việt Nam TP.HCM Nguyễn Phước Lộc làm trưởng đoàn.",
            "Nguyễn Phước Lộc",
        );
        assert_eq!(
            p.titles,
            vec![
                "Phó Bí thư Thành ủy",
                "Chủ tịch Ủy ban MTTQ Việt Nam TP.HCM"
            ]
        );
        // After another person's name, the earlier titles are that person's.
        let text = "Ông Trần Văn Tuấn, Ủy viên Ban Thường vụ Thành ủy, Phó Chủ tịch HĐND TP.HCM Nguyễn Trường Nhật Phượng dâng hương.";
        let p = one(text, "Nguyễn Trường Nhật Phượng");
        assert_eq!(p.titles, vec!["Phó Chủ tịch HĐND TP.HCM"]);
    }

    #[test]
    fn va_before_a_new_title_ends_the_title() {
        let text = "Ủy viên Ban Thường vụ Thành ủy, Phó Chủ tịch UBND TP.HCM và Phó Chủ tịch HĐND TPHCM Nguyễn Trường Nhật Phượng dâng hương.";
        let p = one(text, "Nguyễn Trường Nhật Phượng");
        assert_eq!(p.titles, vec!["Phó Chủ tịch HĐND TPHCM"]);
    }

    #[test]
    fn lower_case_roles_after_a_name() {
        let p = one(
            "Bà Nguyễn Thanh Vy, chủ một tiệm hoa ở TP.HCM, cho hay giá tăng.",
            "Nguyễn Thanh Vy",
        );
        assert_eq!(p.titles, vec!["chủ một tiệm hoa ở TP.HCM"]);
        let p = one(
            "Ông Phạm Hoàng Thái Dương, chủ shop Hoa Yêu Thương (TP.HCM), cho biết.",
            "Phạm Hoàng Thái Dương",
        );
        assert_eq!(p.titles, vec!["chủ shop Hoa Yêu Thương (TP.HCM)"]);
        // The speech verb ends the role where no comma does.
        let p = one(
            "Ông Lê Văn Toàn, chủ nhà hàng nói rằng khách đến đông hơn mọi năm vì thời tiết đẹp và giá rẻ hơn",
            "Lê Văn Toàn",
        );
        assert_eq!(p.titles, vec!["chủ nhà hàng"]);
        // A "role" that runs on into the sentence is not one.
        let p = one(
            "Ông Lê Văn Toàn, chủ nhà hàng đông khách nhất phố này từ nhiều năm nay vì thời tiết đẹp và giá rẻ hơn hẳn mọi năm trước",
            "Lê Văn Toàn",
        );
        assert!(p.titles.is_empty(), "{:?}", p.titles);
    }

    #[test]
    fn organisation_names_inside_and_after_titles() {
        let p = one(
            "Bác sĩ Cao Thị Hồng, Trưởng Trung tâm Kiểm tra sức khỏe Chợ Rẫy Việt Nhật (HECI), Bệnh viện Chợ Rẫy, cho biết.",
            "Cao Thị Hồng",
        );
        assert_eq!(
            p.titles,
            vec![
                "Trưởng Trung tâm Kiểm tra sức khỏe Chợ Rẫy Việt Nhật (HECI)",
                "Bệnh viện Chợ Rẫy"
            ]
        );
        let p = one(
            "GS Phạm Hồng Chương, Hiệu trưởng Trường đại học Kinh tế Quốc dân, phát biểu.",
            "Phạm Hồng Chương",
        );
        assert_eq!(
            p.titles,
            vec!["Hiệu trưởng Trường đại học Kinh tế Quốc dân"]
        );
    }

    #[test]
    fn role_group_from_the_announcement() {
        let text = "Về phía Ban Thường vụ Tỉnh ủy Bắc Kạn có các đồng chí: Nguyễn Văn Du, Bí thư Tỉnh ủy; Hoàng Duy Chinh, Phó Bí thư Tỉnh ủy.";
        for name in ["Nguyễn Văn Du", "Hoàng Duy Chinh"] {
            assert_eq!(
                one(text, name).role_group.as_deref(),
                Some("Ban Thường vụ Tỉnh ủy Bắc Kạn")
            );
        }
        assert_eq!(
            one(
                "Ông Nguyễn Văn Du, Bí thư Tỉnh ủy, phát biểu.",
                "Nguyễn Văn Du"
            )
            .role_group,
            None
        );
    }

    #[test]
    fn english_pages_use_the_english_rules() {
        let ps = extract(
            &[(
                TextPlace::Body,
                "President Joe Biden spoke. Jane Doe, the chief executive of Acme, agreed."
                    .to_string(),
            )],
            "",
            Some("en"),
            &Lexicon::vietnamese(),
        );
        let got: Vec<(&str, &str)> = ps
            .iter()
            .map(|p| (p.name.as_str(), p.titles[0].as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Joe Biden", "President"),
                ("Jane Doe", "the chief executive of Acme")
            ]
        );
        // No rule set for the language: no rows.
        assert!(
            extract(
                &[(TextPlace::Body, "Président Emmanuel Macron".into())],
                "",
                Some("fr"),
                &Lexicon::vietnamese()
            )
            .is_empty()
        );
    }

    #[test]
    fn credits_and_bylines_are_not_participants() {
        for text in [
            "Quang cảnh buổi lễ (Ảnh: Nguyễn Văn Hùng).",
            "Quang cảnh buổi lễ. Ảnh: Trần Thị Mai",
            "Theo Lê Minh Tuấn, giá xăng sẽ giảm.",
            "Nguyễn Thị Thu Hà",
        ] {
            assert!(people(text).is_empty(), "{text}: {:?}", people(text));
        }
        // An intro word still makes a person after "theo".
        assert_eq!(
            people("Theo ông Lê Minh Tuấn, Giám đốc Sở Công Thương, giá sẽ giảm.")[0].name,
            "Lê Minh Tuấn"
        );
    }

    #[test]
    fn intro_words_and_lists() {
        let ps = people(
            "Anh Lê Văn Hùng và chị Trần Thị Lan đã có mặt; đồng chí Hoàng Duy Chinh và ông Lý Thái Hải cũng dự.",
        );
        let names: Vec<&str> = ps.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "Lê Văn Hùng",
                "Trần Thị Lan",
                "Hoàng Duy Chinh",
                "Lý Thái Hải"
            ]
        );
    }

    #[test]
    fn caption_sentences_name_people_with_their_place() {
        let ps = extract(
            &[
                (TextPlace::Body, "Hội nghị diễn ra sáng nay.".to_string()),
                (
                    TextPlace::Caption,
                    "Bí thư Tỉnh ủy Nguyễn Văn Du phát biểu tại buổi làm việc".to_string(),
                ),
            ],
            "Hội nghị diễn ra sáng nay.",
            Some("vi"),
            &Lexicon::vietnamese(),
        );
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].name, "Nguyễn Văn Du");
        assert_eq!(ps[0].titles, vec!["Bí thư Tỉnh ủy"]);
        assert_eq!(ps[0].place, TextPlace::Caption);
        assert_eq!(ps[0].first_offset, None, "not named in the body");
    }

    #[test]
    fn initials_and_organisations_are_not_people() {
        for text in [
            "Tác giả N.V.A gửi bài.",
            "Ông N. V. Hùng cho biết.",
            "Bộ Công Thương yêu cầu Tập đoàn Điện lực Việt Nam báo cáo.",
        ] {
            assert!(people(text).is_empty(), "{text}: {:?}", people(text));
        }
    }
}
