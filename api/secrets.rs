//! Random tokens and keyed hashes: what one-time codes, links, tickets and session ids are made
//! of. Only hashes of them are stored, so a copy of Redis or PostgreSQL gives nothing usable.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

/// 256 random bits from the operating system's CSPRNG, as URL-safe base64 (43 characters).
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// A code of `digits` decimal digits, uniformly drawn.
pub fn random_digits(digits: u32) -> String {
    let n = rand::random_range(0..10u32.pow(digits));
    format!("{n:0width$}", width = digits as usize)
}

/// SHA-256 of a high-entropy token (session ids, links): enough to find it, useless to replay.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// HMAC-SHA-256 of `parts` under `key`, each part length-prefixed so that no two lists collide.
/// For low-entropy secrets (6-digit codes), where a plain hash could be reversed by brute force.
pub fn keyed_hash(key: &str, parts: &[&str]) -> String {
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key length");
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part.as_bytes());
    }
    hex(&mac.finalize().into_bytes())
}

/// Equality that takes the same time wherever the first difference is.
pub fn same(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_their_digits_and_tokens_their_bits() {
        assert!(
            (0..200)
                .map(|_| random_digits(6))
                .all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
        );
        assert_eq!(random_token().len(), 43);
        assert_ne!(random_token(), random_token());
    }

    #[test]
    fn keyed_hashes_depend_on_key_and_on_how_parts_are_split() {
        let h = keyed_hash("k", &["ab", "c"]);
        assert_ne!(h, keyed_hash("k", &["a", "bc"]));
        assert_ne!(h, keyed_hash("k2", &["ab", "c"]));
        assert_eq!(h, keyed_hash("k", &["ab", "c"]));
        assert!(same(&h, &keyed_hash("k", &["ab", "c"])));
        assert!(!same(&h, &token_hash("abc")));
    }
}
