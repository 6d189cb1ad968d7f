//! People's words: comparing them (`Élodie`, `ELODIE` and `elodie` are one name) and showing a
//! short preview of them.

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// Lower-case, accents removed.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// What a person typed, as an SQL `LIKE` pattern matching it anywhere (their own `%`, `_` and
/// `\` dropped: they search words, not patterns).
pub fn like_anywhere(typed: &str) -> String {
    format!("%{}%", without_wildcards(typed))
}

/// [`like_anywhere`] matching at the start.
pub fn like_prefix(typed: &str) -> String {
    format!("{}%", without_wildcards(typed))
}

fn without_wildcards(typed: &str) -> String {
    typed.replace(['%', '_', '\\'], "")
}

/// The text on one line, cut to `max` characters with an ellipsis.
pub fn preview(s: &str, max: usize) -> String {
    let line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        return line;
    }
    line.chars().take(max - 1).collect::<String>() + "…"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preview_is_one_line_cut_with_an_ellipsis() {
        assert_eq!(preview("Salle\n\n B206  fermée", 40), "Salle B206 fermée");
        assert_eq!(preview("Amphithéâtre", 6), "Amphi…");
    }
}
