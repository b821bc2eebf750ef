//! Names known by the age written after them.
//!
//! Crime and accident reports name suspects and victims with their age in brackets:
//! "Thạo Thay Vàng (34 tuổi, quốc tịch Lào)", "Chăn Lầu, (24 tuổi, trú tại ...)". Lao,
//! Thai, Khmer and ethnic-minority names written in Vietnamese syllables start with
//! family names the Vietnamese lexicon does not hold, so the surname rule misses them;
//! the age after a run of capitalised words says it is a person whatever the surname.

use super::foreign::is_foreign_word;
use super::lexicon::Lexicon;
use super::tokens::Tok;
use super::{Mention, NOT_PERSON_BEFORE, SENTENCE_OPENERS, join, phrase_at};

/// Most words a name read back from its age may have.
const MAX_WORDS: usize = 4;

/// Forms of address the lexicon's `intro` leaves out (it opens names by them, and these
/// are also common words): for a child, an elder, a relative.
const ADDRESS_WORDS: &[&str] = &[
    "bé", "Bé", "em", "Em", "bác", "Bác", "chú", "Chú", "dì", "Dì", "mẹ", "Mẹ", "bố", "Bố",
];

/// The token after an age bracket's opening: "(34 tuổi", "(SN 1990", "(sinh năm 1990".
fn age_bracket_at(toks: &[Tok], k: usize) -> bool {
    let text = |k: usize| toks.get(k).map_or("", |t| t.text);
    text(k) == "("
        && ((toks.get(k + 1).is_some_and(Tok::is_number) && text(k + 2) == "tuổi")
            || matches!(text(k + 1), "SN" | "sinh"))
}

/// Names of two to four capitalised words right before an age bracket (a comma may
/// come between), that no earlier rule found (`taken`: token spans of names found).
pub(super) fn names(toks: &[Tok], lx: &Lexicon, taken: &[(usize, usize)]) -> Vec<Mention> {
    let mut out = Vec::new();
    for k in 1..toks.len() {
        if !age_bracket_at(toks, k) {
            continue;
        }
        let end = if toks[k - 1].text == "," { k - 1 } else { k };
        let mut start = end;
        while start > 0
            && end - start < MAX_WORDS
            && toks[start - 1].is_cap()
            && !toks[start - 1].glued_before
        {
            start -= 1;
        }
        // A form of address, a rank or a title before the name is not part of it.
        let address = |t: &Tok| lx.intro.contains(t.text) || ADDRESS_WORDS.contains(&t.text);
        let mut addressed = start > 0 && address(&toks[start - 1]);
        while start < end
            && (address(&toks[start])
                || phrase_at(&toks[start..end], &lx.ranks).is_some()
                || phrase_at(&toks[start..end], &lx.titles).is_some())
        {
            addressed |= address(&toks[start]);
            start += 1;
        }
        // "anh Tự Sang (25 tuổi)", "bé Gia Bảo (4 tuổi)": after a form of address two
        // words are most often the given name alone; a full name has three.
        if end - start < if addressed { 3 } else { 2 }
            || taken.iter().any(|&(a, b)| a < end && start < b)
            || SENTENCE_OPENERS.contains(&toks[start].text)
            // "Trần Thị T (30 tuổi)": a name cut to an initial is kept anonymous.
            // ("A Nha", "Y Khương": a one-letter first word is a Central Highlands prefix.)
            || toks[start..end].iter().enumerate().any(|(n, t)| {
                t.text.chars().count() < 2 && !(n == 0 && matches!(t.text, "A" | "Y"))
            })
            // "đường Lê Văn Lương (số 30", "tỉnh Viêng Chăn": a place, not a person.
            || (start > 0 && NOT_PERSON_BEFORE.contains(&toks[start - 1].text))
            || (start > 0 && toks[start - 1].is_upper())
        {
            continue;
        }
        // Names in Latin words are the foreign rules' ("Nicolas Nkoulou (26 tuổi)"),
        // which weigh the age with what else the sentence says.
        if toks[start..end].iter().all(is_foreign_word) {
            continue;
        }
        let name = join(&toks[start..end]);
        if lx.places.contains(&name) || phrase_at(&toks[start..end], &lx.countries).is_some() {
            continue;
        }
        out.push(Mention {
            name,
            rank: None,
            titles: Vec::new(),
            group: None,
            at: start,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn found(text: &str) -> Vec<String> {
        let lx = Lexicon::vietnamese();
        names(&tokenize(text), &lx, &[])
            .into_iter()
            .map(|m| m.name)
            .collect()
    }

    #[test]
    fn a_run_of_capitalised_words_before_an_age_is_a_person() {
        assert_eq!(
            found("Lực lượng chức năng bắt Bun Thon Phăn (31 tuổi, quốc tịch Lào) cùng tang vật."),
            vec!["Bun Thon Phăn"]
        );
        // A comma may come before the bracket; a form of address is not the name's.
        assert_eq!(
            found("Các đối tượng gồm Kham Phết và ông Xay Lăm Phon, (40 tuổi, trú tại bản Na)."),
            vec!["Xay Lăm Phon"]
        );
        assert_eq!(
            found("Bị cáo Sòn Xay Mổ (SN 1985) khai nhận."),
            vec!["Sòn Xay Mổ"]
        );
        // After a form of address, two words are the given name alone.
        assert!(found("Bé Minh Khôi (5 tuổi) đang chơi.").is_empty());
        assert!(found("Theo anh Tự Sang (25 tuổi), đường đèo rất đẹp.").is_empty());
        assert_eq!(found("Ông A Jáp Rơ (70 tuổi) kể lại."), vec!["A Jáp Rơ"]);
        // A name cut to an initial keeps the person anonymous.
        assert!(found("Chị Trần Thị T (30 tuổi) trình báo.").is_empty());
        assert_eq!(
            found("Cháu Lò Văn Pâng (9 tuổi) được đưa đi cấp cứu."),
            vec!["Lò Văn Pâng"]
        );
    }

    #[test]
    fn one_word_places_and_other_brackets_are_not_names() {
        // One word is a given name only.
        assert!(found("Đối tượng Khăm (23 tuổi) bị bắt.").is_empty());
        // Not an age: a share, a year.
        assert!(found("Cổ phiếu Hòa Phát (30% vốn hóa) tăng mạnh.").is_empty());
        // A street or a province named before the bracket.
        assert!(found("Nhà ở đường Lê Lợi (34 tuổi) bị cháy.").is_empty());
        // A sentence opener is no family name.
        assert!(found("Sau Tết (30 tuổi) anh đi làm.").is_empty());
    }
}
