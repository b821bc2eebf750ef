//! Foreign names in Vietnamese text, with or without a title in front.
//!
//! A foreign name is a run of capitalised Latin words that are not Vietnamese syllables
//! ("Edward Moya", "Moon Jae-in", "Mohammed bin Salman"). The surname lexicon cannot
//! know them, so what makes such a run a person is what the sentence says around it:
//! - a person word before it: "ông", "tiền vệ", "chuyên gia", "cư dân" ([`Lexicon::person_words`]);
//! - a speech verb after it: "Boris Becker nói", "Alice Ross cho biết";
//! - a title or role after it: "Edward Moya, chuyên gia phân tích tại OANDA,";
//! - an age after it: "Stephen John Scott (SN 1963", "(27 tuổi)";
//! - being listed with such a name: "Eden Hazard, Cesc Fabregas và Victor Moses".
//!
//! Club and company names look the same ("Real Madrid", "Goldman Sachs"), so a run
//! right after another capitalised word, after an organisation noun, or that is a known
//! place or country is never a person here.

use super::lexicon::Lexicon;
use super::tokens::Tok;
use super::{Mention, join, org_before, phrase_at, titles_after};
use crate::normalise::language::is_vietnamese_syllable as vietnamese_syllable;

/// Lower-case particles inside foreign names: "Mohammed bin Salman", "Erik ten Hag".
const PARTICLES: &[&str] = &[
    "bin", "ben", "ibn", "van", "von", "de", "der", "den", "ten", "da", "di", "del", "dos", "du",
    "le", "la", "al", "el",
];

/// Words that may stand between a name and its speech verb ("Becker đã nói").
const BEFORE_VERB: &[&str] = &["đã", "vừa", "cũng", "từng", "thì", "mới"];

/// A capitalised word in Latin letters without Vietnamese-only letters ("Joe",
/// "Zelensky", "McMillon"), not written all in capitals.
pub(super) fn is_foreign_word(t: &Tok) -> bool {
    let mut cs = t.text.chars();
    let first_upper = cs.next().is_some_and(|c| c.is_ascii_uppercase());
    // "Và", "Ông": a Vietnamese word with its marks, capitalised at a sentence start.
    let vietnamese = !t.text.is_ascii() && vietnamese_syllable(t.text);
    first_upper
        && !vietnamese
        && t.text.chars().count() > 1
        && t.text.chars().any(|c| c.is_lowercase())
        && t.text.chars().all(|c| {
            c.is_ascii_alphabetic() || "éèêëáàâäíìîïóòôöúùûüñçøåæ".contains(c.to_ascii_lowercase())
        })
}

/// After a word at `j - 1`, the end of a hyphenated tail written without spaces
/// ("Jae-in", "Geun-hye", "Abdul-Aziz"), else `j`.
pub(super) fn hyphen_tail(toks: &[Tok], j: usize) -> usize {
    let tail = toks
        .get(j)
        .is_some_and(|h| h.text == "-" && !h.space_before)
        && toks
            .get(j + 1)
            .is_some_and(|w| !w.space_before && w.text.chars().all(|c| c.is_alphabetic()));
    if tail { j + 2 } else { j }
}

/// "N'Golo", "O’Neill", "D'Alessandro": a capital, an apostrophe and a capitalised
/// word written together are one word of a name; its end (exclusive) if one starts at `j`.
fn apostrophe_word(toks: &[Tok], j: usize) -> Option<usize> {
    let (c, a, w) = (toks.get(j)?, toks.get(j + 1)?, toks.get(j + 2)?);
    let initial = c.text.len() == 1 && c.text.bytes().all(|b| b.is_ascii_uppercase());
    (initial
        && matches!(a.text, "'" | "’")
        && !a.space_before
        && !w.space_before
        && is_foreign_word(w))
    .then_some(j + 3)
}

/// The end (exclusive) of a foreign name of 2–4 words starting at `i`.
pub(super) fn run_end(toks: &[Tok], i: usize) -> Option<usize> {
    if !toks.get(i).is_some_and(is_foreign_word)
        && apostrophe_word(toks, i).is_none()
        && initials(toks, i).is_none()
    {
        return None;
    }
    let mut j = i;
    let mut words = 0;
    while j < toks.len() && words < 4 {
        // "H.R. McMaster", "John D. Rockefeller": initials go on to a foreign word.
        if let Some(e) = initials(toks, j).filter(|&e| {
            (j == i || toks[j].space_before)
                && toks
                    .get(e)
                    .is_some_and(|n| n.space_before && is_foreign_word(n))
        }) {
            j = e;
            words += 1;
        } else if let Some(e) = apostrophe_word(toks, j).filter(|_| j == i || toks[j].space_before)
        {
            j = e;
            words += 1;
        } else if is_foreign_word(&toks[j]) && (j == i || toks[j].space_before) {
            j = hyphen_tail(toks, j + 1);
            words += 1;
        } else if words > 0
            && PARTICLES.contains(&toks[j].text)
            && toks.get(j + 1).is_some_and(is_foreign_word)
        {
            j += 1;
        } else {
            break;
        }
    }
    // "Al Rawashdeh", "Abu Amara": one family name with its article, not a full name
    // (nor are "Los Blancos", "La Liga"); "Sir Alex" is a given name with an honorific.
    let article_only = words == 2
        && (SURNAME_ARTICLES.contains(&toks[i].text) || HONORIFICS.contains(&toks[i].text));
    if words == 4 && doubled(toks, i, j) {
        // "Rhian Sugden Rhian Sugden": a heading run into its first sentence.
        return Some(i + (j - i) / 2);
    }
    (words >= 2 && !article_only).then_some(j)
}

/// The end of initials at `j` ("D.", "H.R."): single capital letters joined by dots,
/// the last dot glued after them.
fn initials(toks: &[Tok], j: usize) -> Option<usize> {
    let t = toks.get(j)?;
    let letters = t.text.split('.').all(|part| {
        let mut c = part.chars();
        matches!((c.next(), c.next()), (Some(l), None) if l.is_ascii_uppercase())
    });
    let dot = toks
        .get(j + 1)
        .is_some_and(|d| d.text == "." && !d.space_before);
    (letters && dot).then_some(j + 2)
}

/// A word for a place that the capitalised words after it name ("huyện", "phố", "bang").
fn is_place_word(t: &Tok) -> bool {
    super::PLACE_UNITS.contains(&t.text)
        || matches!(
            t.text,
            "đường" | "Đường" | "đảo" | "sông" | "núi" | "hồ" | "bang" | "vùng" | "khu" | "Phố"
        )
}

/// Honorifics written before a given name.
const HONORIFICS: &[&str] = &["Sir", "Dame", "Lord", "Lady"];

/// True when the tokens `i..j` are the same words twice.
fn doubled(toks: &[Tok], i: usize, j: usize) -> bool {
    let n = j - i;
    n.is_multiple_of(2) && (0..n / 2).all(|k| toks[i + k].text == toks[i + n / 2 + k].text)
}

/// Capitalised articles that form one family name with the next word.
const SURNAME_ARTICLES: &[&str] = &[
    "Al", "El", "Abu", "Bin", "Ben", "Ibn", "Van", "De", "Da", "Di", "Le", "La", "Dos", "Los",
    "Las", "Les",
];

/// True when the lower-cased words before a name end a company post ("giám đốc",
/// "giám đốc điều hành", "CEO", "chủ tịch", "nhà sáng lập"): a three-word run after it
/// starts with the company ("Giám đốc điều hành Disney Bob Iger").
pub(super) fn is_company_post<S: AsRef<str>>(words: &[S]) -> bool {
    words
        .iter()
        .any(|w| matches!(w.as_ref(), "đốc" | "ceo" | "tịch" | "hành" | "lập"))
}

/// The tokens' words in lower case.
fn lower(toks: &[Tok]) -> Vec<String> {
    toks.iter().map(|t| t.text.to_lowercase()).collect()
}

/// True when a person word ends right before `i`.
/// Also across a country between them: "người đồng cấp Đan Mạch Claus Hjort Frederiksen".
pub(super) fn person_word_before(toks: &[Tok], i: usize, lx: &Lexicon) -> bool {
    let right_before = |i: usize| {
        (1..=4).filter(|&n| n <= i).any(|n| {
            let words = lower(&toks[i - n..i]);
            lx.person_words.contains(&words)
        })
    };
    right_before(i)
        || (i.saturating_sub(3)..i)
            .any(|k| phrase_at(&toks[k..i], &lx.countries) == Some(i - k) && right_before(k))
}

/// True when an appositive person word follows the name ending at `j`: "Leila Lopes,
/// người đẹp Angola, ...", "Mark Tan, bác sĩ ...". Not a form of address: after a
/// comma "ông", "anh", "bé" open the next clause as its subject ("... rời Old Trafford,
/// anh đã trở lại").
fn person_word_after(toks: &[Tok], j: usize, lx: &Lexicon) -> bool {
    let address = |w: &str| lx.intro.contains(w) || w == "bé";
    // ", tiền đạo của ..." or a spaced dash ("Myer Bevan – tiền đạo của U20 New Zealand",
    // "Mino Raiola - người đã sớm nhận ra ..."): an appositive that says what the
    // person is. "người" (the one who) only after a dash, where it opens the appositive.
    let sep = toks.get(j).map(|t| (t.text, t.space_before));
    let dash = matches!(sep, Some(("-" | "–", true)));
    if !(dash || matches!(sep, Some((",", _)))) {
        return false;
    }
    toks.get(j + 1).is_some_and(|t| !address(t.text))
        && ((1..=3).any(|n| {
            toks.get(j + 1..j + 1 + n)
                .is_some_and(|w| lx.person_words.contains(&lower(w)))
        }) || (dash && toks.get(j + 1).is_some_and(|t| t.text == "người")))
}

/// True when a title head starts within the few words before `i` ("Giám đốc điều hành
/// Walmart Doug McMillon"): the run after it names the holder.
fn title_shortly_before(toks: &[Tok], i: usize, lx: &Lexicon) -> bool {
    (i.saturating_sub(4)..i).any(|k| {
        let words = lower(&toks[k..i]);
        lx.lower_title_len(&words, words.len()).is_some()
    })
}

/// How far before a name a title may start and still be the name's ("Tư lệnh hải quân
/// Trung Quốc Shen Jinlong", "người phát ngôn Điện Kremlin Dmitry Peskov").
pub(super) const HOLDER_WINDOW: usize = 8;

/// A title head starting in the clause shortly before `i`, with only the body it heads
/// between them: its start and the title as written ("Tư lệnh hải quân Trung Quốc").
/// The title is cut to its head when other lower-case words come between ("Cựu Tổng
/// thống thuộc phe bảo thủ Nicolas Sarkozy" gives "Cựu Tổng thống").
pub(super) fn title_holding(
    toks: &[Tok],
    i: usize,
    lx: &Lexicon,
    window: usize,
) -> Option<(usize, String)> {
    let from = i.saturating_sub(window);
    let k = (from..i).find(|&k| {
        !toks[k..i].iter().any(Tok::is_punct) && {
            // A title with at least one word after it.
            let words = lower(&toks[k..i]);
            lx.lower_title_len(&words, words.len() - 1).is_some()
        }
    })?;
    // "Cựu Tổng thống", "Phó Thủ tướng": a prefix belongs to the title.
    let k = if k > 0 && super::TITLE_PREFIXES.contains(&toks[k - 1].text) {
        k - 1
    } else {
        k
    };
    let pre = usize::from(super::TITLE_PREFIXES.contains(&toks[k].text));
    let words = lower(&toks[k + pre..i]);
    let head = pre + lx.lower_title_len(&words, words.len().saturating_sub(1))?;
    // The body after the head: capitalised words, or one lower-case service word
    // before them ("hải quân Trung Quốc", "phát ngôn Điện Kremlin").
    let body = &toks[k + head..i];
    // "HLV Wenger lẫn 2 ngôi sao Arsenal là Mesut Oezil": a name right after the title
    // is its holder, and what follows is another clause.
    // A Vietnamese body name goes on in lower case ("Hạ viện", "Bộ binh"); a foreign
    // word followed by lower case is a name already.
    if body.len() >= 2
        && is_foreign_word(&body[0])
        && !(body[1].is_cap() || body[1].is_upper() || body[1].text == "và")
    {
        return None;
    }
    // "HLV Zinedine Zidane có thể hy vọng Alvaro Morata": a verb between title and
    // name means the sentence moved on; the title is someone else's.
    if body.iter().any(|t| {
        t.is_number()
            || matches!(
                t.text,
                "là" | "có"
                    | "đã"
                    | "đang"
                    | "sẽ"
                    | "vừa"
                    | "cũng"
                    | "được"
                    | "bị"
                    | "cho"
                    | "nói"
            )
    }) {
        return None;
    }
    let lower_run = body
        .iter()
        .take_while(|t| !(t.is_cap() || t.is_upper()))
        .count();
    // "Hạ viện", "Bộ binh": a short Vietnamese body name, capitalised then in lower
    // case, is all of the title's body too.
    let short_body_name = (2..=3).contains(&body.len())
        && body[0].is_cap()
        && !is_foreign_word(&body[0])
        && !body.iter().any(Tok::is_punct);
    // Names in the body start with a capital, brands in camel case too ("SpaceX"); "và"
    // joins two bodies, and "ở"/"tại" before a name places the body ("bang Karnataka ở
    // Ấn Độ").
    let rest = &body[lower_run..];
    let named = |t: &Tok| t.text.starts_with(char::is_uppercase);
    let whole = short_body_name
        || (lower_run <= 2
            && rest.iter().enumerate().all(|(n, t)| {
                named(t)
                    || (t.text == "và" && n > 0)
                    || (matches!(t.text, "ở" | "tại")
                        && n > 0
                        && rest.get(n + 1).is_some_and(named))
            }));
    let end = if whole { i } else { k + head };
    Some((k, join(&toks[k..end])))
}

/// True when a speech verb follows at `j` (maybe after "đã", "vừa").
pub(super) fn speech_after(toks: &[Tok], mut j: usize, lx: &Lexicon) -> bool {
    if toks.get(j).is_some_and(|t| BEFORE_VERB.contains(&t.text)) {
        j += 1;
    }
    let rest = lower(toks.get(j..(j + 3).min(toks.len())).unwrap_or(&[]));
    lx.speech_verbs
        .iter()
        .any(|v| v.len() <= rest.len() && v[..] == rest[..v.len()])
}

/// "(SN 1963", "(27 tuổi", ", 29 tuổi,", "năm nay 30 tuổi": an age after the name.
pub(super) fn age_after(toks: &[Tok], j: usize) -> bool {
    let text = |k: usize| toks.get(k).map_or("", |t| t.text);
    let number = |k: usize| toks.get(k).is_some_and(Tok::is_number);
    (text(j) == "(" && (number(j + 1) || matches!(text(j + 1), "SN" | "sinh")))
        || (text(j) == "," && number(j + 1) && text(j + 2) == "tuổi")
        || (text(j) == "năm" && text(j + 1) == "nay" && number(j + 2) && text(j + 3) == "tuổi")
}

/// Words that mark what comes before them as the subject of a sentence: aspect and
/// adverbs before its verb ("Mike Tyson lại chê", "Jose Mourinho rất muốn").
const SUBJECT_MARKERS: &[&str] = &[
    "đã", "vừa", "đang", "sẽ", "cũng", "từng", "lại", "rất", "vẫn", "không", "chưa", "đều", "mới",
    "luôn",
];

/// True when the run `i..j` opens a clause and is its subject: a person acting, since
/// clubs and companies with such two-word names are caught as organisations first.
fn subject_of_clause(toks: &[Tok], i: usize, j: usize) -> bool {
    let opens = i == 0
        || matches!(
            toks[i - 1].text,
            "." | "!" | "?" | ":" | ";" | "\"" | "“" | "‘" | "'"
        );
    opens
        && (2..=3).contains(&(j - i))
        && toks
            .get(j)
            .is_some_and(|t| SUBJECT_MARKERS.contains(&t.text))
}

/// True when the run `i..j` cannot be a person: part of a longer proper noun, or see
/// [`not_a_person_words`].
fn not_a_person(toks: &[Tok], i: usize, j: usize, lx: &Lexicon) -> bool {
    let after_cap = i > 0 && {
        let p = &toks[i - 1];
        (p.is_cap() || p.is_upper() || is_foreign_word(p))
            && !lx.intro.contains(p.text)
            // "Như Josephine Law", "Theo Alice Ross": a word opening the sentence.
            && !super::SENTENCE_OPENERS.contains(&p.text)
            && p.text != "Như"
            // "Bé Li Xiaoyuan": a capitalised person word opening the sentence.
            && !person_word_before(toks, i, lx)
    };
    // "huyện Krông Búk", "phố Wall": a place word before the run.
    let place = i > 0 && is_place_word(&toks[i - 1]);
    after_cap || place || not_a_person_words(toks, i, j, lx)
}

/// True when the words of `i..j` make it a known place or country, a club or company
/// (also when more of a company's name is glued on after it), or a Vietnamese name
/// written like Latin words.
fn not_a_person_words(toks: &[Tok], i: usize, j: usize, lx: &Lexicon) -> bool {
    // "Nissan Sales & Marketing", "Acme Co.op": a run glued to more of a company's name.
    let glued_on = toks.get(j).is_some_and(|t| {
        t.text == "&"
            || (t.is_punct()
                && !t.space_before
                && toks
                    .get(j + 1)
                    .is_some_and(|n| !n.space_before && !n.is_punct()))
    });
    glued_on
        || toks[i..j]
            .iter()
            .filter(|t| t.text != "-")
            .all(|t| vietnamese_syllable(t.text))
        || names_a_body_or_place(toks, i, j, lx)
}

/// True when the words of `i..j` name a known place or country, or hold a word of a
/// club's or company's name ("Vietnam Airlines", "New York Knicks"): even right after a
/// title ("HLV New York Knicks") such a run is where the person works, not the person.
pub(super) fn names_a_body_or_place(toks: &[Tok], i: usize, j: usize, lx: &Lexicon) -> bool {
    lx.places.contains(&join(&toks[i..j]))
        || toks[i..j].iter().any(|t| lx.org_words.contains(t.text))
        || (i..j).any(|k| phrase_at(&toks[k..j], &lx.countries).is_some())
}

/// True when the run at `i` opens a bare list of at least three foreign names, two or
/// more of them full ("Eden Hazard, Willian, Cesc Fabregas và Victor Moses"): line-ups
/// and squads. Club lists rarely qualify: their names hold club words or are single.
fn opens_list_of_names(toks: &[Tok], i: usize, lx: &Lexicon) -> Option<usize> {
    let (mut items, mut full) = (0, 0);
    let mut k = i;
    loop {
        let end = match run_end(toks, k) {
            Some(e) if !not_a_person_words(toks, k, e, lx) => {
                full += 1;
                e
            }
            Some(_) => return None,
            None if toks.get(k).is_some_and(is_foreign_word) => k + 1,
            None => break,
        };
        items += 1;
        k = end;
        match toks.get(end).map(|t| t.text) {
            Some(t) if super::LIST_JOINERS.contains(&t) => k = end + 1,
            _ => break,
        }
    }
    (items >= 3 && full >= 2).then_some(k)
}

/// "Diego Costa", "Angela Merkel": a run of two or three words whose first is a common
/// given name ([`Lexicon::given_names`]). Asked only after the run has passed the
/// place, club and company checks, and not after an organisation noun.
fn starts_with_given_name(toks: &[Tok], i: usize, j: usize, lx: &Lexicon) -> bool {
    (2..=3).contains(&(j - i)) && lx.given_names.contains(toks[i].text)
}

/// A rank written right before `i` ("Thượng tướng Oleg Salyukov", "Đại tá John Smith").
fn rank_before(toks: &[Tok], i: usize, lx: &Lexicon) -> Option<String> {
    (1..=3)
        .filter(|&n| n <= i)
        .find(|&n| phrase_at(&toks[i - n..i], &lx.ranks) == Some(n))
        .map(|n| join(&toks[i - n..i]))
}

/// "5. Antoine Griezmann (Atletico Madrid)": a ranking's item, a name then its club.
fn ranked_item(toks: &[Tok], i: usize, j: usize) -> bool {
    i >= 2
        && toks[i - 1].text == "."
        && toks[i - 2].is_number()
        && toks.get(j).is_some_and(|t| t.text == "(")
}

/// Foreign names the sentence marks as persons (see the module doc).
pub(super) fn cued(toks: &[Tok], lx: &Lexicon) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    let mut i = 0;
    // The end of the last person found, for names listed after it.
    let mut listed_after: Option<usize> = None;
    // The end of a bare list of names being read.
    let mut list_end = 0;
    while i < toks.len() {
        let Some(j) = run_end(toks, i) else {
            i += 1;
            continue;
        };
        // "Anh Zhang Hongming, đến từ ...", "Bà Angela Merkel": opening a sentence, a
        // form of address or person word is capitalised and reads like a foreign word;
        // it is the cue, not part of the name.
        if j - i >= 3 && person_word_before(toks, i + 1, lx) {
            i += 1;
        }
        // "người đồng cấp Na Uy Lars Eriksen": a country written in Latin letters
        // joins the run; the name starts after it.
        if let Some(c) = phrase_at(&toks[i..j], &lx.countries)
            .filter(|&c| j - i >= c + 2 && person_word_before(toks, i, lx))
        {
            i += c;
        }
        if i >= list_end
            && let Some(e) = opens_list_of_names(toks, i, lx)
        {
            list_end = e;
        }
        let in_list = listed_after == Some(i) || i < list_end;
        // "chị Thanh Vân": a Vietnamese given name written like Latin words.
        if toks[i..j]
            .iter()
            .filter(|t| t.text != "-")
            .all(|t| vietnamese_syllable(t.text))
        {
            listed_after = None;
            i = j;
            continue;
        }
        if not_a_person(toks, i, j, lx) && !in_list {
            out.extend(holder(toks, i, j, lx));
            listed_after = None;
            i = j;
            continue;
        }
        let titles = titles_after(toks, j, lx);
        // A person word right before is the strongest cue; the others do not hold after
        // an organisation noun earlier in the clause ("hãng X Y cho biết").
        let rank = rank_before(toks, i, lx);
        let person = in_list
            || rank.is_some()
            || person_word_before(toks, i, lx)
            || person_word_after(toks, j, lx)
            || ranked_item(toks, i, j)
            || title_shortly_before(toks, i, lx)
            || (!org_before(toks, i)
                && (speech_after(toks, j, lx)
                    || age_after(toks, j)
                    || subject_of_clause(toks, i, j)
                    || !titles.is_empty()
                    || starts_with_given_name(toks, i, j, lx)));
        // "Cựu Tổng thống thuộc phe bảo thủ Nicolas Sarkozy": a title held from before
        // the run names the person with it, however the person was recognised.
        let held = if person && titles.is_empty() {
            holder(toks, i, j, lx)
        } else {
            None
        };
        if let Some(h) = held {
            out.push(h);
            listed_after = None;
        } else if person {
            // "Giám đốc điều hành Disney Bob Iger": after a company post, a three-word
            // run starts with the company.
            let post = lower(&toks[i.saturating_sub(3)..i]);
            let first = if is_company_post(&post) && j - i == 3 {
                i + 1
            } else {
                i
            };
            let mut titles = titles;
            if titles.is_empty() && first == i {
                titles.extend(
                    super::held::role_before(toks, i, lx)
                        .or_else(|| super::held::opening_title(toks, i, lx)),
                );
            }
            out.push(Mention {
                name: join(&toks[first..j]),
                rank: rank.filter(|_| first == i),
                titles,
                group: None,
                at: i,
            });
            // "A, B và C": the next name of the list starts after one separator.
            listed_after = toks
                .get(j)
                .filter(|t| super::LIST_JOINERS.contains(&t.text))
                .map(|_| j + 1);
        } else {
            out.extend(holder(toks, i, j, lx));
            listed_after = None;
        }
        i = j;
    }
    out
}

/// "người phát ngôn Điện Kremlin Dmitry Peskov", "Giám đốc điều hành Tesla và SpaceX
/// Elon Musk": the last two foreign words of the run `i..j`, after a title and the body
/// it heads, are the title's holder.
fn holder(toks: &[Tok], i: usize, j: usize, lx: &Lexicon) -> Option<Mention> {
    let starts: Vec<usize> = (i..j)
        .filter(|&k| is_foreign_word(&toks[k]) && (k == i || toks[k].space_before))
        .collect();
    if starts.len() < 2 {
        return None;
    }
    // "Quốc vương Saudi Arabia Salman bin Abdul-Aziz Al Saud": after a country, the
    // rest of the run (read on past the four words a run stops at) is the name.
    let after_country = (i..j).find_map(|k| phrase_at(&toks[k..j], &lx.countries).map(|n| k + n));
    let (start, j) = match after_country {
        Some(s) if s < j => {
            let mut e = j;
            while toks.get(e).is_some_and(|t| {
                t.space_before && (is_foreign_word(t) || PARTICLES.contains(&t.text))
            }) && e - s < 8
            {
                e = hyphen_tail(toks, e + 1);
            }
            (s, e)
        }
        _ => (starts[starts.len() - 2], j),
    };
    let place = start > 0 && is_place_word(&toks[start - 1]);
    if j - start < 2 || place || not_a_person_words(toks, start, j, lx) {
        return None;
    }
    let (_, title) = title_holding(toks, start, lx, HOLDER_WINDOW)?;
    Some(Mention {
        name: join(&toks[start..j]),
        rank: None,
        titles: vec![title],
        group: None,
        at: start,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn names(text: &str) -> Vec<(String, Vec<String>)> {
        let lx = Lexicon::vietnamese();
        cued(&tokenize(text), &lx)
            .into_iter()
            .map(|m| (m.name, m.titles))
            .collect()
    }

    fn just(text: &str) -> Vec<String> {
        names(text).into_iter().map(|(n, _)| n).collect()
    }

    #[test]
    fn a_title_body_may_name_a_camel_case_brand_or_a_place() {
        assert_eq!(
            names("Hôm qua, Giám đốc điều hành Acme và NovaX Peter Braun đã có mặt."),
            vec![(
                "Peter Braun".to_string(),
                vec!["Giám đốc điều hành Acme và NovaX".to_string()]
            )]
        );
        assert_eq!(
            names("Thống đốc bang Ontario ở Canada John Miller hôm qua cho hay."),
            vec![(
                "John Miller".to_string(),
                vec!["Thống đốc bang Ontario ở Canada".to_string()]
            )]
        );
    }

    #[test]
    fn the_holder_after_a_title_and_the_body_it_heads() {
        assert_eq!(
            names("Hôm qua, người phát ngôn Nhà Trắng Sean Parker khẳng định điều đó."),
            vec![(
                "Sean Parker".to_string(),
                vec!["người phát ngôn Nhà Trắng".to_string()]
            )]
        );
        assert_eq!(
            names("Giám đốc điều hành Acme và Zenith John Carter, cùng có mặt tại buổi lễ."),
            vec![(
                "John Carter".to_string(),
                vec!["Giám đốc điều hành Acme và Zenith".to_string()]
            )]
        );
        // After a country inside the run, the rest is the name, however long.
        assert_eq!(
            just("Thái tử Saudi Arabia Faisal bin Khalid Al Saud phát biểu tại hội nghị."),
            vec!["Faisal bin Khalid Al Saud"]
        );
        // The title's own holder comes right after it; a later name is not its holder.
        assert_eq!(
            names("HLV Wenger lẫn 2 ngôi sao Arsenal là Mesut Oezil"),
            vec![("Mesut Oezil".to_string(), vec![])]
        );
        // A place word before the run: the body's seat, not its head.
        assert!(just("Trưởng Công an huyện Krông Pắc đã xác nhận.").is_empty());
        // A run glued to more of a company's name is the company.
        assert_eq!(
            just("Ông là phó chủ tịch của Acme Sales & Marketing tại châu Á."),
            Vec::<String>::new()
        );
    }

    #[test]
    fn the_subject_of_a_clause_and_an_age_after_a_comma() {
        assert_eq!(
            just("Trận đấu kết thúc. Tarquin Mendes lại chê lối chơi của đối thủ."),
            vec!["Tarquin Mendes"]
        );
        assert_eq!(
            just("Như Hannah Brooks, 31 tuổi, một kế toán tại Sydney, cho hay."),
            vec!["Hannah Brooks"]
        );
        assert_eq!(
            just("Người mẫu Lara Finch Lara Finch năm nay 28 tuổi."),
            vec!["Lara Finch"]
        );
        // Mid-sentence, or a nickname with its article, or a given name after "Sir".
        assert!(just("Trận này Tarquin Mendes lại chê.").is_empty());
        assert!(just("Đêm qua. Los Blancos đã thắng đậm.").is_empty());
        assert!(just("Hôm qua. Sir Alex đã đến sân.").is_empty());
    }

    #[test]
    fn a_person_word_before_the_name() {
        assert_eq!(
            just("Trong đội hình có tiền vệ ngôi sao Joel Matip đang thi đấu cho Liverpool."),
            vec!["Joel Matip"]
        );
        assert_eq!(
            just("Theo ông Francois Fillon, việc này khó."),
            vec!["Francois Fillon"]
        );
    }

    #[test]
    fn a_speech_verb_after_the_name() {
        // "đã" alone, mid-sentence, is no cue (at a sentence start it marks a subject).
        assert_eq!(
            just("Theo tin, Borek Becker đã hết lời ngợi ca."),
            Vec::<String>::new()
        );
        assert_eq!(
            just("Sau trận, Carlo Rinaldi nói rằng đội đã cố gắng."),
            vec!["Carlo Rinaldi"]
        );
        assert_eq!(
            just("cư dân địa phương Alice Ross cho biết."),
            vec!["Alice Ross"]
        );
    }

    #[test]
    fn a_role_after_the_name_is_its_title() {
        assert_eq!(
            names("Edward Moya, chuyên gia phân tích tại OANDA, nhận định giá vàng sẽ tăng."),
            vec![(
                "Edward Moya".to_string(),
                vec!["chuyên gia phân tích tại OANDA".to_string()]
            )]
        );
    }

    #[test]
    fn hyphenated_and_particle_names_are_whole() {
        assert_eq!(just("ông Moon Jae-in cho biết"), vec!["Moon Jae-in"]);
        assert_eq!(
            just("Thái tử Mohammed bin Salman nói"),
            vec!["Mohammed bin Salman"]
        );
    }

    #[test]
    fn names_listed_after_a_person_are_persons() {
        assert_eq!(
            just("cùng những ngôi sao như tiền vệ Eden Hazard, Cesc Fabregas và Victor Moses."),
            vec!["Eden Hazard", "Cesc Fabregas", "Victor Moses"]
        );
    }

    #[test]
    fn vietnamese_given_names_are_not_foreign_names() {
        assert_eq!(just("chị Thanh Vân cho biết"), Vec::<String>::new());
        assert_eq!(just("anh Minh Long nói"), Vec::<String>::new());
        assert!(vietnamese_syllable("Nguyễn") && vietnamese_syllable("Thanh"));
        assert!(!vietnamese_syllable("Jae") && !vietnamese_syllable("Park"));
        assert!(!vietnamese_syllable("Fillon") && !vietnamese_syllable("Cook"));
    }

    #[test]
    fn a_family_name_with_its_article_is_not_a_full_name() {
        assert_eq!(just("ông Al Rawashdeh nói"), Vec::<String>::new());
        assert_eq!(just("ông Amer Al Rawashdeh nói"), vec!["Amer Al Rawashdeh"]);
        assert_eq!(just("Và Sir Alex nói"), Vec::<String>::new());
    }

    #[test]
    fn line_ups_and_rankings() {
        assert_eq!(
            just("Đội hình gồm Eden Hazard, Willian, Cesc Fabregas và Victor Moses."),
            vec!["Eden Hazard", "Cesc Fabregas", "Victor Moses"]
        );
        assert_eq!(
            just(
                "5. Antoine Griezmann (Atletico Madrid) - 21 đường chuyền. 4. Real Madrid (Tây Ban Nha)"
            ),
            vec!["Antoine Griezmann"]
        );
        // Clubs listed together are not a line-up.
        assert_eq!(
            just("Các đội Manchester United, Manchester City và Tottenham Hotspur đều thắng."),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_run_that_starts_with_a_common_given_name_is_a_person() {
        assert_eq!(
            just("Trong hiệp hai, Marco Bellini dứt điểm cận thành."),
            vec!["Marco Bellini"]
        );
        assert_eq!(
            just("Họ muốn chiêu mộ Sergio Delgado vào mùa hè."),
            vec!["Sergio Delgado"]
        );
        // Not after an organisation noun, nor when the words name a club or place.
        assert_eq!(
            just("thương hiệu Pierre Lamont ra mắt bộ sưu tập mới."),
            Vec::<String>::new()
        );
        assert_eq!(just("sân vận động Santiago Bernabeu"), Vec::<String>::new());
        // A surname-like word alone is not enough.
        assert_eq!(
            just("Trong hiệp hai, Bellini Delgado dứt điểm."),
            Vec::<String>::new()
        );
    }

    #[test]
    fn clubs_companies_and_places_are_not_persons() {
        assert_eq!(
            just("Real Madrid cho biết sẽ kháng cáo."),
            Vec::<String>::new()
        );
        assert_eq!(
            just("ông Tony Fernandes, chủ Vietnam Airlines"),
            vec!["Tony Fernandes"]
        );
        assert_eq!(
            just("Ngân hàng Goldman Sachs cho biết lãi tăng."),
            Vec::<String>::new()
        );
        assert_eq!(just("CLB Manchester United cho biết"), Vec::<String>::new());
        assert_eq!(just("Tổng thống Hàn Quốc cho biết"), Vec::<String>::new());
        assert_eq!(just("hãng Disney Bob Iger nói"), Vec::<String>::new());
        assert_eq!(
            just(
                "Giám đốc điều hành Disney Bob Iger, Giám đốc điều hành Walmart Doug McMillon cũng có mặt."
            ),
            vec!["Bob Iger", "Doug McMillon"]
        );
    }
}
