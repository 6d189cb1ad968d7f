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
