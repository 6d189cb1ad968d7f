//! The certificate of enrolment (« certificat de scolarité »): a one-page PDF made from the
//! registrar's data, with a code that `/verify/{code}` confirms — so that a landlord or an
//! employer can check it came from the university and still holds.

use chrono::{Locale, NaiveDate};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// Letters and digits nobody confuses when typing them from paper (no 0/O, 1/I/L, U/V).
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTWXYZ23456789";
/// 16 symbols of 29: 77 bits, far beyond guessing at the verification page's rate limit.
const CODE_LENGTH: usize = 16;

/// A new verification code, grouped by four: `K7MQ-X2RT-9PHW-C4ZN`.
pub fn new_code() -> String {
    let symbols: Vec<char> = (0..CODE_LENGTH)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect();
    symbols
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as a person may type it (lower case, spaces, no dashes) in its printed form.
pub fn normalise_code(typed: &str) -> String {
    let symbols: Vec<char> = typed
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    symbols
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// What the certificate states.
pub struct Certificate<'a> {
    pub university: &'a str,
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub birth_date: NaiveDate,
    pub number: &'a str,
    pub academic_year: &'a str,
    pub program: &'a str,
    pub signatory: &'a str,
    pub issued_on: NaiveDate,
    pub code: &'a str,
    /// The page that confirms it, `https://ent.univ-tours.fr/verify/K7MQ-…`.
    pub verify_url: &'a str,
}

impl Certificate<'_> {
    /// The PDF, A4, in French (the language of the registrar's certificates).
    pub fn pdf(&self) -> Vec<u8> {
        let (catalog, pages, page, font, bold, content, info) = (
            Ref::new(1),
            Ref::new(2),
            Ref::new(3),
            Ref::new(4),
            Ref::new(5),
            Ref::new(6),
            Ref::new(7),
        );
        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(pages);
        pdf.pages(pages).kids([page]).count(1);
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, 595.0, 842.0));
        p.parent(pages);
        p.contents(content);
        p.resources()
            .fonts()
            .pair(Name(b"F1"), font)
            .pair(Name(b"F2"), bold);
        p.finish();
        for (id, name) in [(font, "Helvetica"), (bold, "Helvetica-Bold")] {
            pdf.type1_font(id)
                .base_font(Name(name.as_bytes()))
                .encoding_predefined(Name(b"WinAnsiEncoding"));
        }
        pdf.document_info(info)
            .title(TextStr("Certificat de scolarité"))
            .producer(TextStr("ENT mobile"));
        pdf.stream(content, &self.text().finish());
        pdf.finish()
    }

    fn text(&self) -> Content {
        let birth = self.birth_date.format_localized("%-d %B %Y", Locale::fr_FR);
        let issued = self.issued_on.format_localized("%-d %B %Y", Locale::fr_FR);
        let lines: [(&[u8], f32, f32, String); 12] = [
            (b"F2", 13.0, 0.0, self.university.to_string()),
            (b"F2", 20.0, 60.0, "CERTIFICAT DE SCOLARITÉ".into()),
            (b"F1", 11.0, 24.0, format!("Année universitaire {}", self.academic_year)),
            (b"F1", 12.0, 48.0, "Le service de la scolarité certifie que".into()),
            (b"F2", 12.0, 24.0, format!("{} {}", self.given_name, self.family_name.to_uppercase())),
            (b"F1", 12.0, 20.0, format!("né(e) le {birth}, numéro d’étudiant {}", self.number)),
            (b"F1", 12.0, 20.0, format!("est régulièrement inscrit(e) en {}", self.program)),
            (b"F1", 12.0, 20.0, format!("pour l’année universitaire {}.", self.academic_year)),
            (b"F1", 12.0, 48.0, format!("Fait le {issued}. {}", self.signatory)),
            (b"F2", 11.0, 120.0, format!("Code de vérification : {}", self.code)),
            (b"F1", 10.0, 18.0, format!("Vérifiez ce certificat sur {}", self.verify_url)),
            (b"F1", 9.0, 16.0, "Ce document est établi à partir des données du service de la scolarité ; il ne vaut que confirmé par la page ci-dessus.".into()),
        ];
        let mut c = Content::new();
        c.begin_text();
        c.next_line(72.0, 770.0);
        for (font, size, drop, line) in lines {
            c.set_font(Name(font), size);
            c.next_line(0.0, -drop);
            c.show(Str(&win_ansi(&line)));
        }
        c.end_text();
        c
    }
}

/// Text in the standard fonts' WinAnsi encoding (Latin-1 plus typographic quotes and dashes);
/// anything else becomes `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| {
            let mut buf = [0u8; 4];
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf));
            if unmappable { b'?' } else { bytes[0] }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_grouped_unambiguous_and_read_back_as_typed() {
        let code = new_code();
        assert_eq!(code.len(), 19);
        assert!(code.split('-').all(|g| g.len() == 4));
        assert!(!code.contains(['0', 'O', '1', 'I', 'L']));
        assert_eq!(normalise_code(&code.to_lowercase().replace('-', " ")), code);
    }

    #[test]
    fn accents_and_quotes_survive_and_the_rest_is_a_question_mark() {
        assert_eq!(win_ansi("é’«»"), [0xE9, 0x92, 0xAB, 0xBB]);
        assert_eq!(win_ansi("Łódź"), b"?\xf3d?");
    }
}
