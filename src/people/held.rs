//! Titles written before a name that do not run straight into it the way
//! [`super::before_name`] reads a capitalised title:
//!
//! - a lower-case role with the words that qualify it: "chuyên gia kinh tế Phạm Chi Lan",
//!   "nhà lãnh đạo Kim Jong-un", "phát ngôn viên Hội đồng tham mưu trưởng Hàn Quốc Roh
//!   Jae-cheon". Vietnamese writes the role first and its qualifiers after it, so the
//!   whole span from the role to the name is the title, as long as no verb of the sentence
//!   comes between (then the role was someone else's, or the sentence moved on);
//! - a title that opens the sentence, set off from the name by a comma: "Phó Tổng Giám đốc
//!   Toyota, Osamu Nagata cho biết", "Trước đó, giám đốc điều hành Juventus, Giuseppe
//!   Marotta ...". Only at the start of a sentence (or after a short adverbial opener such
//!   as "Trước đó,"): in mid-sentence a title before a comma usually closes the previous
//!   person's appositive ("ông A, Giám đốc Sở X, B ...").
//!
//! Both are asked only when nothing else gave the name a title.

use super::{ENDS_TITLE, Lexicon, TITLE_PREFIXES, Tok, join, phrase_at};

/// The longest span, in words, from a role to the name it is held by.
const MAX_SPAN: usize = 10;

/// Lower-case verbs and links that never stand inside a title: "Cựu Tổng thống thuộc phe
/// bảo thủ Nicolas Sarkozy" holds "Cựu Tổng thống", not the faction.
pub(super) const NOT_IN_TITLE: &[&str] = &[
    "thuộc", "làm", "là", "giữ", "đứng", "gặp", "tiếp", "mời", "cùng", "như", "gồm", "với", "thay",
    "bổ", "cử", "nhiệm", "chúc", "tặng", "trao", "lên", "xuống", "ra", "vào", "hỏi", "những",
    "các", "nhiều", "một", "mọi",
];

/// True when `toks[k]` may stand inside a title span.
fn inside_title(toks: &[Tok], k: usize, lx: &Lexicon) -> bool {
    let t = &toks[k];
    if t.is_punct() {
        // A mark glued inside a name ("Bộ VHTT&DL", "Jong-un") is part of it.
        let glued = !t.space_before && toks.get(k + 1).is_some_and(|n| !n.space_before);
        return glued && matches!(t.text, "-" | "&" | "." | "/");
    }
    if t.is_cap() || t.is_upper() || t.is_number() {
        return true;
    }
    // "và", "của" join two capitalised parts ("Tesla và SpaceX", "của National Interest").
    if matches!(t.text, "và" | "của") {
        return toks.get(k + 1).is_some_and(|n| n.is_cap() || n.is_upper());
    }
    !(ENDS_TITLE.contains(&t.text)
        || NOT_IN_TITLE.contains(&t.text)
        || lx.intro.contains(t.text)
        || phrase_at(&toks[k..], &lx.speech_verbs).is_some())
}

/// True when the comma at `k` separates fields in a body's name that lists them, "X, Y
/// và Z" ("phòng quản lý hạ tầng, môi trường và công trình ngầm", "Bộ Văn hóa, Thể thao
/// và Du lịch"), within the span ending at `end`: the words on both sides of it are
/// written alike (both in lower case or both capitalised), and "và" closes the list
/// within three words, with words after it up to `end`.
fn in_field_list(toks: &[Tok], k: usize, end: usize, lx: &Lexicon) -> bool {
    if toks[k].text != "," || k == 0 || k + 2 >= end {
        return false;
    }
    let word = |t: &Tok| !t.is_punct() && !t.is_number() && !t.is_upper();
    let (before, after) = (&toks[k - 1], &toks[k + 1]);
    if !word(before) || !word(after) || lx.intro.contains(after.text) {
        return false;
    }
    // A capitalised field starts with a capital ("Văn hóa", "Thể thao"); a lower-case
    // one is all lower case ("hạ tầng", "môi trường").
    let alike = if after.is_cap() {
        toks[k.saturating_sub(2)..k].iter().any(Tok::is_cap)
    } else {
        !before.is_cap()
    };
    if !alike {
        return false;
    }
    let rest = &toks[k + 1..end];
    let Some(v) = rest.iter().take(4).position(|t| t.text == "và") else {
        return false;
    };
    v >= 1
        && rest[..v]
            .iter()
            .all(|t| !t.is_punct() && !lx.intro.contains(t.text))
        && rest.get(v + 1).is_some_and(|t| !t.is_punct())
}

/// [`in_field_list`] for a comma inside a title read forwards, up to the next mark.
pub(super) fn field_list_comma(toks: &[Tok], k: usize, lx: &Lexicon) -> bool {
    let stop = (k + 1..toks.len().min(k + 12))
        .find(|&n| toks[n].is_punct())
        .unwrap_or(toks.len().min(k + 12));
    in_field_list(toks, k, stop, lx)
}

/// True when "và" at `k` closes a list of fields that [`in_field_list`] accepts.
fn closes_field_list(toks: &[Tok], k: usize, end: usize, lx: &Lexicon) -> bool {
    toks[k].text == "và" && (k.saturating_sub(4)..k).any(|c| in_field_list(toks, c, end, lx))
}

/// Length of a role or title head (any case) starting at `k`, ending before `end`.
fn head_at(toks: &[Tok], k: usize, end: usize, lx: &Lexicon) -> Option<usize> {
    let n = (end - k).min(6);
    let words: Vec<String> = toks[k..k + n]
        .iter()
        .map(|t| t.text.to_lowercase())
        .collect();
    let role = lx
        .roles
        .iter()
        .filter(|p| p.len() <= words.len() && p.iter().zip(&words).all(|(w, t)| w == t))
        .map(Vec::len)
        .max();
    role.max(lx.lower_title_len(&words, words.len()))
}

/// Professions are not titles ("Bác sĩ Trần Văn An" names a doctor, not a post), though
/// written after a name with their workplace they read as roles.
const PROFESSIONS: &[&str] = &[
    "bác sĩ",
    "giáo sư",
    "phó giáo sư",
    "tiến sĩ",
    "kỹ sư",
    "kĩ sư",
    "luật sư",
    "giảng viên",
    "giáo viên",
    "nhân viên",
    "phóng viên",
    "biên tập viên",
];

/// Roles that take the person they serve as object: "đại diện Angela Baby" is her
/// representative, "cố vấn Donald Trump" his adviser. Right before a name they do not
/// name its holder; with qualifiers between ("cố vấn an ninh quốc gia H.R. McMaster")
/// they do.
const OBJECT_ROLES: &[&str] = &["đại diện", "người đại diện", "trợ lý", "cố vấn", "chủ"];

/// The start of the earliest role head in the title-like span that ends at `end`.
fn span_start(toks: &[Tok], end: usize, lx: &Lexicon) -> Option<usize> {
    let mut from = end.saturating_sub(MAX_SPAN);
    let mut best = None;
    let mut k = end;
    while k > from {
        k -= 1;
        // A head may start with a word that is a verb elsewhere ("phát ngôn viên").
        let Some(h) = head_at(toks, k, end, lx) else {
            if in_field_list(toks, k, end, lx) || closes_field_list(toks, k, end, lx) {
                // A list of fields is one name, however long: its joints do not count.
                from = from.saturating_sub(2);
                continue;
            }
            if inside_title(toks, k, lx) {
                continue;
            }
            break;
        };
        let head = join(&toks[k..k + h]).to_lowercase();
        // "Hội đồng cố vấn Donald Trump": a role word inside the name of a body.
        let in_body_name = k > 0
            && (toks[k - 1].is_cap() || toks[k - 1].is_upper())
            && !TITLE_PREFIXES.contains(&toks[k - 1].text)
            && !toks[k].is_cap();
        let object = OBJECT_ROLES.contains(&head.as_str()) && k + h == end;
        if !in_body_name && !object && !PROFESSIONS.contains(&head.as_str()) {
            best = Some(k);
        }
    }
    // "cựu", "nguyên", "Phó": a prefix belongs to the title.
    best.map(|k| {
        if k > 0 && TITLE_PREFIXES.contains(&toks[k - 1].text) {
            k - 1
        } else {
            k
        }
    })
}

/// Where a title found at `k` before the name at `i` really starts: at an earlier role
/// whose qualifier it is ("phát ngôn viên Hội đồng tham mưu trưởng Hàn Quốc Roh
/// Jae-cheon" holds the spokesman's post, not the chief of staff's). Never across "và"
/// or "của" (another post, or whose post) or a mark.
pub(super) fn widen(toks: &[Tok], k: usize, i: usize, lx: &Lexicon) -> usize {
    match span_start(toks, i, lx) {
        Some(s)
            if s < k
                && !toks[s..k]
                    .iter()
                    .any(|t| t.is_punct() || matches!(t.text, "và" | "của")) =>
        {
            s
        }
        _ => k,
    }
}

/// A role and its qualifiers right before the name at `i`: "chuyên gia kinh tế Phạm Chi
/// Lan" gives "chuyên gia kinh tế".
pub(super) fn role_before(toks: &[Tok], i: usize, lx: &Lexicon) -> Option<String> {
    let k = span_start(toks, i, lx)?;
    Some(join(&toks[k..i]))
}

/// A title that opens the sentence and is set off by a comma from the name at `i` (after
/// an intro word or a rank, if any): "Phó Tổng Giám đốc Toyota, Osamu Nagata".
pub(super) fn opening_title(toks: &[Tok], i: usize, lx: &Lexicon) -> Option<String> {
    let mut c = i;
    if let Some(r) = (1..=3)
        .filter(|&n| n <= c)
        .find(|&n| phrase_at(&toks[c - n..c], &lx.ranks) == Some(n))
    {
        c -= r;
    } else if c > 0 && lx.intro.contains(toks[c - 1].text) {
        c -= 1;
    }
    if c == 0 || toks[c - 1].text != "," {
        return None;
    }
    let comma = c - 1;
    let k = span_start(toks, comma, lx)?;
    opens_sentence(toks, k, lx).then(|| join(&toks[k..comma]))
}

/// A post named first, its holder after it in brackets: "yêu cầu giám đốc Sở Xây dựng
/// (ông Lê Văn Dục) kiểm điểm" holds "giám đốc Sở Xây dựng". The brackets must close
/// right after the name, so that the name is the post's gloss and not an aside.
pub(super) fn bracketed_holder(toks: &[Tok], i: usize, end: usize, lx: &Lexicon) -> Option<String> {
    let mut c = i;
    if c > 0 && lx.intro.contains(toks[c - 1].text) {
        c -= 1;
    }
    if c == 0 || toks[c - 1].text != "(" || toks.get(end).is_none_or(|t| t.text != ")") {
        return None;
    }
    let open = c - 1;
    let k = span_start(toks, open, lx)?;
    Some(join(&toks[k..open]))
}

/// True when `k` starts a sentence, a quotation, or the clause after a short adverbial
/// opener ("Trước đó,", "Theo đó,", "Trả lời báo chí,") that names nobody.
fn opens_sentence(toks: &[Tok], k: usize, lx: &Lexicon) -> bool {
    const ENDS: &[&str] = &[".", ":", ";", "!", "?", "“", "”", "\"", "–", "-"];
    // "... là Tư lệnh Bộ binh, Thượng tướng Oleg Salyukov": "là" names who it is.
    if k == 0 || ENDS.contains(&toks[k - 1].text) || toks[k - 1].text == "là" {
        return true;
    }
    if toks[k - 1].text != "," {
        return false;
    }
    let comma = k - 1;
    let start = toks[..comma]
        .iter()
        .rposition(|t| t.is_punct())
        .map_or(0, |p| p + 1);
    let opener = &toks[start..comma];
    let sentence_start = start == 0 || ENDS.contains(&toks[start - 1].text);
    sentence_start
        && (1..=4).contains(&opener.len())
        && opener
            .iter()
            .skip(1)
            .all(|t| !(t.is_cap() || t.is_upper() || lx.intro.contains(t.text)))
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn role(text: &str, name: &str) -> Option<String> {
        let lx = Lexicon::vietnamese();
        let toks = tokenize(text);
        let i = toks
            .iter()
            .position(|t| t.text == name)
            .expect("name in text");
        role_before(&toks, i, &lx)
    }

    fn opening(text: &str, name: &str) -> Option<String> {
        let lx = Lexicon::vietnamese();
        let toks = tokenize(text);
        let i = toks
            .iter()
            .position(|t| t.text == name)
            .expect("name in text");
        opening_title(&toks, i, &lx)
    }

    #[test]
    fn a_lower_case_role_runs_with_its_qualifiers_to_the_name() {
        assert_eq!(
            role(
                "Trả lời báo chí, chuyên gia kinh tế Lê Minh Hòa cho rằng",
                "Lê"
            )
            .as_deref(),
            Some("chuyên gia kinh tế")
        );
        assert_eq!(
            role("Ủy ban do nhà lãnh đạo Kim Jong-un đứng đầu.", "Kim").as_deref(),
            Some("nhà lãnh đạo")
        );
        assert_eq!(
            role(
                "phát ngôn viên Hội đồng tham mưu trưởng Hàn Quốc Park Min-su nói.",
                "Park"
            )
            .as_deref(),
            Some("phát ngôn viên Hội đồng tham mưu trưởng Hàn Quốc")
        );
    }

    #[test]
    fn a_verb_between_role_and_name_means_the_role_is_not_theirs() {
        assert_eq!(role("Các chuyên gia đã gặp ông Trần Văn An.", "Trần"), None);
        assert_eq!(
            role("Cựu Tổng thống thuộc phe bảo thủ Jean Martin", "Jean"),
            None
        );
        assert_eq!(role("Hội đồng cố vấn Donald Trump họp.", "Donald"), None);
        assert_eq!(
            role("Theo đó, đại diện Angela Baby phủ nhận.", "Angela"),
            None
        );
        assert_eq!(role("Bác sĩ Trần Đức An cho biết.", "Trần"), None);
        assert_eq!(
            role("cố vấn an ninh quốc gia Robert Brown nói.", "Robert").as_deref(),
            Some("cố vấn an ninh quốc gia")
        );
    }

    #[test]
    fn a_title_found_inside_a_longer_role_widens_to_it() {
        let lx = Lexicon::vietnamese();
        let toks = tokenize("phát ngôn viên Hội đồng tham mưu trưởng Hàn Quốc Park Min-su nói");
        let at = |w: &str| toks.iter().position(|t| t.text == w).expect("word");
        assert_eq!(widen(&toks, at("tham"), at("Park"), &lx), 0);
        let toks = tokenize("Bộ trưởng Ngoại giao Mỹ và Tổng thống Mỹ Joe Biden");
        let at = |w: &str| toks.iter().position(|t| t.text == w).expect("word");
        assert_eq!(widen(&toks, at("Tổng"), at("Joe"), &lx), at("Tổng"));
    }

    #[test]
    fn a_title_opening_the_sentence_before_a_comma_is_the_names() {
        assert_eq!(
            opening(
                "Phó Tổng Giám đốc Honda, Kenji Sato cũng nhắc lại.",
                "Kenji"
            )
            .as_deref(),
            Some("Phó Tổng Giám đốc Honda")
        );
        assert_eq!(
            opening(
                "Trước đó, giám đốc điều hành Real Madrid, Jose Sanchez cũng lên tiếng.",
                "Jose"
            )
            .as_deref(),
            Some("giám đốc điều hành Real Madrid")
        );
        assert_eq!(
            opening("Tư lệnh Hải quân, Đô đốc Ivan Petrov cho biết.", "Ivan").as_deref(),
            Some("Tư lệnh Hải quân")
        );
        assert_eq!(
            opening(
                "Chỉ huy lễ duyệt binh là Tư lệnh Không quân, Trung tướng Pavel Orlov.",
                "Pavel"
            )
            .as_deref(),
            Some("Tư lệnh Không quân")
        );
    }

    #[test]
    fn a_title_closing_someone_elses_appositive_is_not_the_next_names() {
        assert_eq!(
            opening(
                "Ông Nguyễn Văn An, Giám đốc Sở Y tế, Trần Văn Bình và nhiều người khác dự.",
                "Trần"
            ),
            None
        );
    }
}
