//! Embeddings: the [`Embedder`] port, and [`HashingEmbedder`], the built-in one that needs no
//! model download and no network.
//!
//! The hashing embedder is pure computation, so it lives in the core beside the port; the
//! embedder that calls an OpenAI-compatible `POST {base_url}/embeddings` is an adapter of the
//! `orchard` crate.

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;

use crate::memory::normalize;

/// Errors of the [`Embedder`] port.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmbedError {
    /// The text cannot be embedded (e.g. it has no words at all).
    #[error("cannot embed: {0}")]
    InvalidInput(String),
    /// Worth retrying (429, 5xx, timeouts, connection errors).
    #[error("transient embedding error: {message}")]
    Transient {
        /// Detail.
        message: String,
        /// The server's `Retry-After`, if it sent one.
        retry_after: Option<Duration>,
    },
    /// Not worth retrying (400, 401, a malformed answer).
    #[error("embedding error: {0}")]
    Permanent(String),
}

/// Turns texts into vectors of [`Embedder::dimensions`] components, L2-normalised.
#[async_trait]
pub trait Embedder: Send + Sync + 'static {
    /// The model's name. Vectors of different models are not comparable: an index is built
    /// with one model, and a change of model means a re-index.
    fn model(&self) -> &str;

    /// Components of every vector.
    fn dimensions(&self) -> usize;

    /// One vector per text, in order.
    async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError>;
}

/// Dimensions of [`HashingEmbedder`]'s vectors (as many as common small sentence models, so
/// an index can switch to one of those without changing its layout).
pub const HASHING_DIMENSIONS: usize = 384;

/// The built-in embedder: feature hashing of a text's identifiers, their sub-words and their
/// character trigrams into [`HASHING_DIMENSIONS`] signed buckets, L2-normalised.
///
/// For a text it takes every identifier-like token (`[A-Za-z0-9_]+`) and adds, each with a
/// weight:
/// - the whole token, lowercased (`handleSignup` → `handlesignup`), weight 1;
/// - its sub-words, split at `_`, at digit boundaries and at camelCase humps
///   (`parseHTTPRequest` → `parse`, `http`, `request`), weight 1 — so `signup_handler`
///   meets `SignupHandler` and `signup`;
/// - the character trigrams of each sub-word with boundary marks (`<pa`, `par`, …, `se>`),
///   weight 0.5 — so `validate` meets `validation` and small typos still overlap.
///
/// A feature's count `n` counts `1 + ln n`; very common English and keyword tokens (`the`,
/// `fn`, `return`, …) count a fifth. Each feature is hashed (64-bit FNV-1a, fixed forever:
/// stored vectors depend on it) to a bucket and a sign, which keeps collisions unbiased.
///
/// # Quality limits
/// This is lexical matching, not understanding. It finds code and notes that share
/// identifiers, words or word pieces with the query, ranked by how much they share; it does
/// not know synonyms (`delete` vs `remove`), other languages, or what code does. There is no
/// corpus statistics (no IDF), so a word frequent in one repository weighs as much as a rare
/// one. 384 buckets hold a few hundred distinct features before collisions blur them, so
/// long chunks (more than ~150 distinct identifiers) match less sharply than short ones.
/// Use an OpenAI-compatible embedding model for semantic search; this one is the default
/// because it works offline, costs nothing and is deterministic.
#[derive(Debug, Clone, Copy, Default)]
pub struct HashingEmbedder;

/// The model name [`HashingEmbedder`] reports.
pub const HASHING_MODEL: &str = "orchard-hashing-v1";

const WORD_WEIGHT: f32 = 1.0;
const SUBWORD_WEIGHT: f32 = 1.0;
const TRIGRAM_WEIGHT: f32 = 0.5;
const COMMON_FACTOR: f32 = 0.2;

/// Tokens so frequent in English or in code that they say little about a text.
const COMMON: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "that", "the", "this", "to", "with", "fn", "let", "mut", "pub", "use", "self", "if",
    "else", "return", "def", "var", "const", "function", "import", "new", "int", "void", "true",
    "false", "null", "none", "nil", "end", "do", "then",
];

impl HashingEmbedder {
    /// The vector of `text`; `None` if it has no identifier or word at all.
    pub fn embed_one(&self, text: &str) -> Option<Vec<f32>> {
        let mut features: HashMap<u64, (f32, u32)> = HashMap::new();
        let mut add = |kind: u8, feature: &str, weight: f32| {
            let entry = features.entry(fnv1a(kind, feature)).or_insert((weight, 0));
            entry.1 += 1;
        };
        for token in tokens(text) {
            let lower = token.to_lowercase();
            let factor = if COMMON.contains(&lower.as_str()) {
                COMMON_FACTOR
            } else {
                1.0
            };
            add(b'w', &lower, WORD_WEIGHT * factor);
            for sub in subwords(token) {
                let sub = sub.to_lowercase();
                add(b's', &sub, SUBWORD_WEIGHT * factor);
                let marked: Vec<char> = std::iter::once('<')
                    .chain(sub.chars())
                    .chain(std::iter::once('>'))
                    .collect();
                for gram in marked.windows(3) {
                    let gram: String = gram.iter().collect();
                    add(b't', &gram, TRIGRAM_WEIGHT * factor);
                }
            }
        }
        if features.is_empty() {
            return None;
        }
        let mut vector = vec![0.0f32; HASHING_DIMENSIONS];
        for (hash, (weight, count)) in features {
            let bucket = (hash % HASHING_DIMENSIONS as u64) as usize;
            let sign = if hash >> 63 == 0 { 1.0 } else { -1.0 };
            vector[bucket] += sign * weight * (1.0 + (count as f32).ln());
        }
        // Signed buckets can cancel out exactly (two features of opposite signs): then the
        // text has features but no direction, which no store can use.
        normalize(&mut vector).then_some(vector)
    }
}

#[async_trait]
impl Embedder for HashingEmbedder {
    fn model(&self) -> &str {
        HASHING_MODEL
    }

    fn dimensions(&self) -> usize {
        HASHING_DIMENSIONS
    }

    async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        texts
            .iter()
            .map(|text| {
                self.embed_one(text).ok_or_else(|| {
                    EmbedError::InvalidInput("the text has no words or identifiers".into())
                })
            })
            .collect()
    }
}

/// 64-bit FNV-1a of a feature kind and its text. Fixed: stored vectors depend on it.
fn fnv1a(kind: u8, feature: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for byte in std::iter::once(kind).chain(feature.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(PRIME);
    }
    // FNV's high bits mix poorly for short inputs; fold them in before taking bucket and
    // sign (murmur3's finaliser).
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash
}

/// Identifier-like tokens: maximal runs of letters, digits and `_`.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| t.chars().any(char::is_alphanumeric))
}

/// Sub-words of an identifier: split at `_`, between letters and digits, before an upper
/// case letter that follows a lower case one (`parseHttp`), and before the last upper case
/// letter of a run that a lower case one follows (`HTTPRequest` → `HTTP`, `Request`).
fn subwords(token: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for part in token.split('_').filter(|p| !p.is_empty()) {
        let chars: Vec<(usize, char)> = part.char_indices().collect();
        let mut start = 0;
        for i in 1..chars.len() {
            let (at, c) = chars[i];
            let prev = chars[i - 1].1;
            let next = chars.get(i + 1).map(|(_, n)| *n);
            let hump = prev.is_lowercase() && c.is_uppercase();
            let acronym_end =
                prev.is_uppercase() && c.is_uppercase() && next.is_some_and(char::is_lowercase);
            let digits = prev.is_ascii_digit() != c.is_ascii_digit();
            if hump || acronym_end || digits {
                out.push(&part[start..at]);
                start = at;
            }
        }
        out.push(&part[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::dot;

    fn embed(text: &str) -> Vec<f32> {
        HashingEmbedder.embed_one(text).unwrap()
    }

    #[test]
    fn identifiers_split_into_sub_words() {
        assert_eq!(subwords("parseHTTPRequest"), ["parse", "HTTP", "Request"]);
        assert_eq!(subwords("signup_handler"), ["signup", "handler"]);
        assert_eq!(subwords("SignupHandler"), ["Signup", "Handler"]);
        assert_eq!(subwords("utf8Decode"), ["utf", "8", "Decode"]);
        assert_eq!(subwords("__init__"), ["init"]);
        assert_eq!(subwords("x"), ["x"]);
        assert_eq!(
            tokens("fn add(a: i32) -> i32 { a + 1 }").collect::<Vec<_>>(),
            ["fn", "add", "a", "i32", "i32", "a", "1"]
        );
    }

    #[test]
    fn vectors_are_deterministic_unit_length_and_384_wide() {
        let v = embed("fn validate_signup(input: &SignupForm) -> Result<(), Error>");
        assert_eq!(v.len(), HASHING_DIMENSIONS);
        assert!((dot(&v, &v) - 1.0).abs() < 1e-5);
        assert_eq!(
            v,
            embed("fn validate_signup(input: &SignupForm) -> Result<(), Error>")
        );
        assert!(HashingEmbedder.embed_one("  -> {} ;; ").is_none());
        assert!(HashingEmbedder.embed_one("").is_none());
    }

    #[test]
    fn related_code_scores_above_unrelated_code() {
        let query = embed("signup handler input validation");
        let related = embed(
            "pub async fn signup_handler(form: SignupForm) -> Response {\n    validate_input(&form)?;",
        );
        let unrelated = embed("impl Display for Matrix { fn fmt(&self, f: &mut Formatter) }");
        assert!(
            dot(&query, &related) > dot(&query, &unrelated) + 0.2,
            "{} vs {}",
            dot(&query, &related),
            dot(&query, &unrelated)
        );
        // camelCase, snake_case and plain words meet.
        let camel = embed("handleSignupRequest");
        let snake = embed("handle_signup_request");
        assert!(dot(&camel, &snake) > 0.6, "{}", dot(&camel, &snake));
        // Word forms share trigrams.
        assert!(dot(&embed("validate"), &embed("validation")) > 0.3);
        assert!(dot(&embed("validate"), &embed("matrix")) < 0.2);
    }

    #[tokio::test]
    async fn the_port_refuses_texts_without_words() {
        let out = HashingEmbedder
            .embed(&["a thing".to_string(), "another".to_string()])
            .await
            .unwrap();
        assert_eq!(out.len(), 2);
        assert!(matches!(
            HashingEmbedder.embed(&["!!!".to_string()]).await,
            Err(EmbedError::InvalidInput(_))
        ));
        assert_eq!(HashingEmbedder.model(), HASHING_MODEL);
    }
}
