//! Phone numbers, read with the `phonenumber` library (libphonenumber's metadata) and kept as E.164.

use phonenumber::{Mode, Type, country::Id};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("«{0}» is not a phone number")]
    Unreadable(String),
    #[error("«{0}» is not a valid phone number")]
    Invalid(String),
    #[error("«{0}» is not a mobile number (text messages cannot reach it)")]
    NotMobile(String),
}

/// A mobile number in E.164 form (`+33612345678`).
pub struct MobilePhone;

impl MobilePhone {
    /// Reads a number that must be able to receive text messages; `region` applies to numbers
    /// written without a country code (`06 12 34 56 78`).
    pub fn parse(input: &str, region: Id) -> Result<String, PhoneError> {
        let number = read(input, region)?;
        match number.number_type(&phonenumber::metadata::DATABASE) {
            Type::Mobile | Type::FixedLineOrMobile | Type::PersonalNumber => {
                Ok(number.format().mode(Mode::E164).to_string())
            }
            _ => Err(PhoneError::NotMobile(input.to_string())),
        }
    }

    /// Reads any valid number (a secretariat's desk phone, say).
    pub fn parse_any(input: &str, region: Id) -> Result<String, PhoneError> {
        read(input, region).map(|n| n.format().mode(Mode::E164).to_string())
    }
}

/// The number as shown to someone proving they hold it: `+33 6 •• •• •• 78`.
pub fn mask(e164: &str) -> String {
    let shown = phonenumber::parse(None, e164)
        .map(|n| n.format().mode(Mode::International).to_string())
        .unwrap_or_else(|_| e164.to_string());
    let (country, national) = shown.split_once(' ').unwrap_or(("", &shown));
    let total = national.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    let masked: String = national
        .chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen == 1 || seen > total.saturating_sub(2) {
                c
            } else {
                '•'
            }
        })
        .collect();
    format!("{country} {masked}").trim().to_string()
}

/// A plausible mobile number of `region`, the same for the same `seed` (hex digits): what is
/// shown, masked, when nobody matched, so that the answer looks like a match.
pub fn decoy(region: Id, seed: &str) -> String {
    let meta = phonenumber::metadata::DATABASE.by_id(region.as_ref());
    let example = meta
        .and_then(|m| m.descriptors().mobile())
        .and_then(|d| d.example())
        .unwrap_or("612345678");
    let mut digits = seed
        .bytes()
        .filter(u8::is_ascii_hexdigit)
        .map(|b| (b % 10 + b'0') as char);
    let national: String = example
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                c
            } else {
                digits.next().unwrap_or(c)
            }
        })
        .collect();
    format!("+{}{national}", meta.map_or(33, |m| m.country_code()))
}

fn read(input: &str, region: Id) -> Result<phonenumber::PhoneNumber, PhoneError> {
    let number = phonenumber::parse(Some(region), input.trim())
        .map_err(|_| PhoneError::Unreadable(input.to_string()))?;
    if number.is_valid() {
        Ok(number)
    } else {
        Err(PhoneError::Invalid(input.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_the_country_the_first_digit_and_the_last_two() {
        assert_eq!(mask("+33612345678"), "+33 6 •• •• •• 78");
        let decoy = decoy(Id::FR, "9f86d081884c7d65");
        assert!(MobilePhone::parse(&decoy, Id::FR).is_ok(), "{decoy}");
        assert!(mask(&decoy).starts_with("+33 6 •• •• ••"));
    }

    #[test]
    fn national_and_international_forms_give_one_e164() {
        for input in [
            "06 12 34 56 78",
            "+33 6 12 34 56 78",
            "0033612345678",
            "06.12.34.56.78",
        ] {
            assert_eq!(
                MobilePhone::parse(input, Id::FR).unwrap(),
                "+33612345678",
                "{input}"
            );
        }
    }

    #[test]
    fn landlines_and_garbage_are_refused_with_a_reason() {
        assert_eq!(
            MobilePhone::parse("02 47 36 66 00", Id::FR),
            Err(PhoneError::NotMobile("02 47 36 66 00".into()))
        );
        assert!(matches!(
            MobilePhone::parse("06 12", Id::FR),
            Err(PhoneError::Invalid(_))
        ));
        assert!(matches!(
            MobilePhone::parse("not a phone", Id::FR),
            Err(PhoneError::Unreadable(_))
        ));
        assert_eq!(
            MobilePhone::parse_any("02 47 36 66 00", Id::FR).unwrap(),
            "+33247366600"
        );
    }
}
