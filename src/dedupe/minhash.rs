//! MinHash signatures over word shingles, and the LSH band keys that find candidates.
//!
//! Two documents' signatures agree at each position with probability equal to the
//! Jaccard similarity of their shingle sets, so the share of equal positions estimates
//! it without keeping any text. The signature is a one-permutation MinHash: each
//! shingle is hashed once, the hash picks one of the positions and competes for its
//! minimum, and positions no shingle reached are filled by optimal densification
//! (Shrivastava, ICML 2017). That costs one hash per shingle instead of one per shingle
//! and position, with the accuracy of classic MinHash on news-length texts (the
//! `dedupe` bench measures both on the same corpus).
//!
//! Signatures are cut into `bands` of `rows` positions; documents that agree on a whole
//! band become candidates. With the default 32 bands of 8 rows, a pair at Jaccard 0.8
//! is a candidate with probability 0.997, a pair at 0.75 with 0.97 and at 0.5 with
//! 0.12, and every candidate is then verified on its signature. The bands use the first
//! 256 positions; verification uses all 512, which puts the estimate's standard
//! deviation at 0.017 near the threshold: a copy with one paragraph of twelve rewritten
//! (Jaccard 0.83) is missed about one time in twenty, where 100 positions would miss it
//! one time in four.
//!
//! Each position keeps only 16 bits of its minimum: agreement by chance is then
//! 1/65,536, far below the estimate's own noise, and a signature of 512 positions is
//! 1 KiB, so a run's index stays small per document.

use xxhash_rust::xxh3::xxh3_64;

/// How documents are shingled and how signatures are banded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Words per shingle.
    pub shingle: usize,
    /// Bands of the signature (candidates share at least one whole band).
    pub bands: usize,
    /// Positions per band.
    pub rows: usize,
    /// Positions of the signature: the first `bands x rows` find candidates, all of
    /// them verify one.
    pub positions: usize,
    /// Estimated Jaccard similarity at and above which a candidate is a duplicate.
    pub threshold: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            shingle: 5,
            bands: 32,
            rows: 8,
            positions: 512,
            threshold: 0.8,
        }
    }
}

impl Params {
    pub fn positions(&self) -> usize {
        self.positions
    }

    /// Checks the values a pipeline file may set.
    pub fn validate(&self) -> Result<(), String> {
        if self.shingle == 0 || self.shingle > 32 {
            return Err(format!(
                "shingle must be 1..=32 words, not {}",
                self.shingle
            ));
        }
        if self.bands == 0 || self.rows == 0 || self.bands * self.rows > self.positions {
            return Err(format!(
                "bands ({}) and rows ({}) must be at least 1, with bands x rows at most positions ({})",
                self.bands, self.rows, self.positions
            ));
        }
        if self.positions > 2048 {
            return Err(format!(
                "positions must be at most 2048, not {}",
                self.positions
            ));
        }
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(format!(
                "threshold must be in (0, 1], not {}",
                self.threshold
            ));
        }
        Ok(())
    }
}

/// A document's signature: the low 16 bits of each position's minimum.
pub type Signature = Box<[u16]>;

/// Signs texts. Every hash it uses is fixed (no random seed), so signatures persisted
/// by one run compare with those of the next.
pub struct Hasher {
    params: Params,
}

impl Hasher {
    pub fn new(params: Params) -> Self {
        Hasher { params }
    }

    pub fn params(&self) -> Params {
        self.params
    }

    /// The signature of a text: shingles of `shingle` words (lower-cased letters and
    /// digits), each hashed once into one of the positions.
    pub fn signature(&self, text: &str) -> Signature {
        let words = word_hashes(text);
        if words.is_empty() {
            // No words at all: every empty text is alike, nothing else is.
            return vec![0; self.params.positions].into_boxed_slice();
        }
        let k = self.params.shingle.min(words.len());
        let bins = self.params.positions.max(1);
        // One permutation: each shingle's hash picks a bin and competes for its
        // minimum, so a document costs one hash per shingle whatever the signature
        // length (k separate permutations cost one multiply per shingle and position).
        let mut mins = vec![u32::MAX; bins];
        let mut filled = vec![false; bins];
        for w in words.windows(k) {
            let h = mix(w.iter().fold(0x9e37_79b9_u64, |h, &x| {
                (h.rotate_left(17) ^ x).wrapping_mul(0x100_0000_01b3)
            }));
            let bin = (((h >> 32) * bins as u64) >> 32) as usize;
            let v = h as u32;
            if v < mins[bin] || !filled[bin] {
                mins[bin] = mins[bin].min(v);
                filled[bin] = true;
            }
        }
        // Optimal densification (Shrivastava, 2017): an empty bin copies the bin a
        // fixed hash sequence of its index first finds filled, the same sequence for
        // every document, so equal bins still estimate the Jaccard similarity.
        let mut out: Vec<u16> = Vec::with_capacity(bins);
        for i in 0..bins {
            if filled[i] {
                out.push((mins[i] >> 16) as u16);
                continue;
            }
            let mut attempt = 0u64;
            let v = loop {
                let j = (((mix(((i as u64) << 32) | attempt) >> 32) * bins as u64) >> 32) as usize;
                if filled[j] {
                    break mins[j];
                }
                attempt += 1;
            };
            out.push((v >> 16) as u16);
        }
        out.into_boxed_slice()
    }

    /// One key per band: documents sharing a key are candidates.
    pub fn band_keys(&self, sig: &[u16]) -> Vec<u64> {
        let banded = (self.params.bands * self.params.rows).min(sig.len());
        sig[..banded]
            .chunks(self.params.rows)
            .enumerate()
            .map(|(band, rows)| {
                let mut bytes = Vec::with_capacity(2 + rows.len() * 2);
                bytes.extend_from_slice(&(band as u16).to_le_bytes());
                for r in rows {
                    bytes.extend_from_slice(&r.to_le_bytes());
                }
                xxh3_64(&bytes)
            })
            .collect()
    }
}

/// The splitmix64 finaliser: spreads every input bit over the whole word.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Share of equal positions: the estimated Jaccard similarity.
pub fn similarity(a: &[u16], b: &[u16]) -> f64 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / a.len() as f64
}

/// Hashes of the lower-cased runs of letters and digits of a text, in order, in one
/// pass with one buffer (this runs over every word of every article).
pub fn word_hashes(text: &str) -> Vec<u64> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut word = String::with_capacity(32);
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if !c.is_ascii() && crate::normalise::text::is_letter_or_digit(c) {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            out.push(xxh3_64(word.as_bytes()));
            word.clear();
        }
    }
    if !word.is_empty() {
        out.push(xxh3_64(word.as_bytes()));
    }
    out
}

/// Lower-cased runs of letters and digits: punctuation and spacing edits do not change
/// a document's shingles.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.is_ascii() {
                w.to_ascii_lowercase()
            } else {
                w.to_lowercase()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(n: usize, seed: usize) -> String {
        (0..n)
            .map(|i| format!("từ{}", (i * 7919 + seed * 104_729) % 5003))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn estimates_track_jaccard() {
        let h = Hasher::new(Params::default());
        let a = text(400, 1);
        assert_eq!(similarity(&h.signature(&a), &h.signature(&a)), 1.0);
        // Punctuation and case are not content.
        let shouted = a.to_uppercase().replace(' ', ", ");
        assert_eq!(similarity(&h.signature(&a), &h.signature(&shouted)), 1.0);
        // One paragraph of ten replaced: Jaccard about 0.8.
        let words: Vec<&str> = a.split(' ').collect();
        let edited = format!(
            "{} {} {}",
            words[..180].join(" "),
            text(40, 9),
            words[220..].join(" ")
        );
        let s = similarity(&h.signature(&a), &h.signature(&edited));
        assert!((0.7..=0.95).contains(&s), "{s}");
        let other = text(400, 2);
        assert!(similarity(&h.signature(&a), &h.signature(&other)) < 0.1);
    }

    #[test]
    fn signatures_are_stable_across_hashers() {
        // Persisted signatures must compare with those of later runs.
        let a = Hasher::new(Params::default()).signature("một hai ba bốn năm sáu bảy");
        let b = Hasher::new(Params::default()).signature("một hai ba bốn năm sáu bảy");
        assert_eq!(a, b);
        assert_eq!(a.len(), 512);
    }

    #[test]
    fn bad_params_are_named() {
        let p = Params {
            threshold: 1.5,
            ..Params::default()
        };
        assert!(p.validate().unwrap_err().contains("threshold"));
        assert!(Params::default().validate().is_ok());
    }
}
