//! Words stored in text columns (a role, a state, a kind) as Rust enums, and ids as newtypes.
//!
//! `stored_word!` gives an enum its stored spelling, diesel's `ToSql`/`FromSql<Text>` so that
//! row structs hold the enum itself, and `Display`. A stored word the enum does not know is a
//! broken row: reading it is an error, never a guess at a default.

use std::fmt;

/// A stored word no variant spells.
#[derive(Debug)]
pub struct UnknownWord {
    pub what: &'static str,
    pub word: String,
}

impl fmt::Display for UnknownWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown stored {} «{}»", self.what, self.word)
    }
}

impl std::error::Error for UnknownWord {}

/// `stored_word! { /// doc  #[derive(Enum)] pub enum Role { Student = "student", … } }`
/// Attributes pass through, so the same enum can be a poem-openapi `Enum` or a clap value.
macro_rules! stored_word {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// As it is stored.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            /// The stored word back; anything else is a broken row.
            pub fn stored(word: &str) -> Result<$name, $crate::db::words::UnknownWord> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == word)
                    .ok_or_else(|| $crate::db::words::UnknownWord {
                        what: stringify!($name),
                        word: word.to_string(),
                    })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn from_sql(bytes: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                let word = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::pg::Pg,
                >>::from_sql(bytes)?;
                Ok($name::stored(&word)?)
            }
        }
    };
}
pub(crate) use stored_word;

/// `stored_id!(pub PersonId(uuid::Uuid): Uuid)`: an id that names one kind of thing, so that a
/// person's id cannot be passed where a conversation's is expected. Stored, serialized and shown
/// in the API document as the inner type (no doc comment on the type: it would title the schema).
macro_rules! stored_id {
    ($vis:vis $name:ident($inner:ty): $sql:ident) => {
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
            serde::Serialize, serde::Deserialize, poem_openapi::NewType,
        )]
        #[diesel(sql_type = diesel::sql_types::$sql)]
        #[serde(transparent)]
        #[oai(to_header = false, from_multipart = false)]
        $vis struct $name(pub $inner);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = <$inner as std::str::FromStr>::Err;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::$sql, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <$inner as diesel::serialize::ToSql<diesel::sql_types::$sql, diesel::pg::Pg>>::to_sql(
                    &self.0, out,
                )
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::$sql, diesel::pg::Pg> for $name {
            fn from_sql(bytes: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                <$inner as diesel::deserialize::FromSql<diesel::sql_types::$sql, diesel::pg::Pg>>::from_sql(bytes)
                    .map($name)
            }
        }
    };
}
pub(crate) use stored_id;

#[cfg(test)]
mod tests {
    stored_word! {
        enum Colour {
            Red = "red",
            DarkBlue = "dark_blue",
        }
    }

    #[test]
    fn a_word_reads_back_as_it_is_stored_and_an_unknown_one_is_refused() {
        for c in Colour::ALL {
            assert_eq!(Colour::stored(c.as_str()).unwrap(), *c);
        }
        assert_eq!(Colour::DarkBlue.to_string(), "dark_blue");
        let e = Colour::stored("blue").unwrap_err();
        assert_eq!(e.to_string(), "unknown stored Colour «blue»");
    }
}
