//! Comparing people's words: `Élodie`, `ELODIE` and `elodie` are one name.

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// Lower-case, accents removed.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}
