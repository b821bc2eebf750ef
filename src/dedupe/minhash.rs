//! MinHash signatures over word shingles, and the LSH band keys that find candidates.
//!
//! Two documents' signatures agree at each position with probability equal to the
//! Jaccard similarity of their shingle sets, so the share of equal positions estimates
//! it without keeping any text. Signatures are cut into `bands` of `rows` positions;
//! documents that agree on a whole band become candidates. With the default 32 bands of
//! 8 rows, a pair at Jaccard 0.8 is a candidate with probability 0.997, a pair at 0.75
//! with 0.97 and at 0.5 with 0.12, and every candidate is then verified on its
//! signature. The bands use the first 256 positions; verification uses all 512, which
//! puts the estimate's standard deviation at 0.017 near the threshold: a copy with one
//! paragraph of twelve rewritten (Jaccard 0.83) is missed about one time in twenty,
//! where 100 positions would miss it one time in four.
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

/// Hash parameters of every signature position, derived from a fixed seed so that
/// signatures persisted by one run compare with those of the next.
pub struct Hasher {
    params: Params,
    mul: Vec<u64>,
    add: Vec<u64>,
}

impl Hasher {
    pub fn new(params: Params) -> Self {
        let mut seed = 0x6e65_7773_6d69_6c6c_u64; // "newsmill"
        let mut next = || {
            // splitmix64: fixed, well-spread constants.
            seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = seed;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let n = params.positions();
        let mul = (0..n).map(|_| next() | 1).collect();
        let add = (0..n).map(|_| next()).collect();
        Hasher { params, mul, add }
    }

    pub fn params(&self) -> Params {
        self.params
    }

    /// The signature of a text: shingles of `shingle` words (lower-cased letters and
    /// digits), each hashed once and permuted per position by multiply-add.
    pub fn signature(&self, text: &str) -> Signature {
        let words = word_hashes(text);
        if words.is_empty() {
            // No words at all: every empty text is alike, nothing else is.
            return vec![0; self.mul.len()].into_boxed_slice();
        }
        let k = self.params.shingle.min(words.len());
        let shingles: Vec<u64> = words
            .windows(k)
            .map(|w| {
                w.iter().fold(0x9e37_79b9_u64, |h, &x| {
                    (h.rotate_left(17) ^ x).wrapping_mul(0x100_0000_01b3)
                })
            })
            .collect();
        // Position by position over all shingles, with four independent minimums so
        // the multiplies overlap instead of waiting on one compare chain.
        self.mul
            .iter()
            .zip(&self.add)
            .map(|(&a, &b)| {
                let mut m = [u64::MAX; 4];
                let mut quads = shingles.chunks_exact(4);
                for q in &mut quads {
                    for (m, &s) in m.iter_mut().zip(q) {
                        *m = (*m).min(s.wrapping_mul(a).wrapping_add(b));
                    }
                }
                for &s in quads.remainder() {
                    m[0] = m[0].min(s.wrapping_mul(a).wrapping_add(b));
                }
                let min = m[0].min(m[1]).min(m[2].min(m[3]));
                (min >> 48) as u16
            })
            .collect()
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
        } else if !c.is_ascii() && c.is_alphanumeric() {
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
