//! Keyset pagination: a page ends with an opaque cursor naming its last row by (flag, time, id),
//! so rows added meanwhile never shift the next page.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};

use crate::errors::ApiError;

crate::errors::problem!(
    INVALID_CURSOR,
    400,
    "invalid-cursor",
    "Page invalide : rechargez la liste",
    "Invalid page: reload the list"
);

/// The last row of a page: a flag that orders first (pinned), a time and an id.
pub type Keyset = (bool, DateTime<Utc>, i64);

pub fn encode((flag, at, id): Keyset) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{}|{id}", u8::from(flag), at.timestamp_micros()))
}

pub fn decode(cursor: &str) -> Result<Keyset, ApiError> {
    let bad = || ApiError::new(INVALID_CURSOR);
    let text =
        String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?).map_err(|_| bad())?;
    let mut parts = text.split('|');
    let flag = parts.next().ok_or_else(bad)? == "1";
    let micros: i64 = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
    let id: i64 = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
    let at = DateTime::from_timestamp_micros(micros).ok_or_else(bad)?;
    Ok((flag, at, id))
}

/// The cursor of the page after `rows`, when the page is full.
pub fn next<T>(rows: &[T], page: i64, key: impl Fn(&T) -> Keyset) -> Option<String> {
    (rows.len() as i64 == page)
        .then(|| rows.last().map(|r| encode(key(r))))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_and_garbage_is_refused() {
        let key = (
            true,
            DateTime::from_timestamp_micros(1_764_000_000_123_456).unwrap(),
            42,
        );
        assert_eq!(decode(&encode(key)).unwrap(), key);
        assert!(decode("not-a-cursor!").is_err());
        assert!(decode(&URL_SAFE_NO_PAD.encode("1|x|2")).is_err());
    }
}
