//! The e-mail that follows a change to an account's protection (password changed or reset,
//! two-factor turned off), to every address on record: the push alert reaches only the app,
//! which an intruder holding the password also holds.

use chrono::{DateTime, Locale, Utc};
use diesel_async::AsyncPgConnection;

use super::{
    messages::{self, Circumstances, ProtectionChange},
    store,
};
use crate::people::model::PersonId;
use crate::{config::Config, couriers, http::client::Client, i18n::Lang, security_log};

/// Queues the e-mail; call it in the transaction of the change.
pub async fn protection_changed(
    conn: &mut AsyncPgConnection,
    config: &Config,
    lang: Lang,
    person: PersonId,
    change: ProtectionChange,
    client: &Client,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let when = moment(now, config.university.time_zone.tz(), lang);
    let device = security_log::describe_device(&client.user_agent);
    let at = Circumstances {
        when: &when,
        device: &device,
        ip: &client.ip,
    };
    for email in store::addresses(conn, person).await? {
        let message = messages::protection_changed(config, lang, &email, change, &at);
        couriers::enqueue(conn, &message, now).await?;
    }
    Ok(())
}

/// « lundi 7 décembre 2026 à 14:05 (CET) » / « Monday 7 December 2026 at 14:05 (CET) », in the
/// university's time zone.
fn moment(t: DateTime<Utc>, tz: chrono_tz::Tz, lang: Lang) -> String {
    let local = t.with_timezone(&tz);
    match lang {
        Lang::Fr => local.format_localized("%A %-d %B %Y à %H:%M (%Z)", Locale::fr_FR),
        Lang::En => local.format_localized("%A %-d %B %Y at %H:%M (%Z)", Locale::en_GB),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use chrono_tz::Europe::Paris;

    use super::{Lang, moment};

    #[test]
    fn the_moment_is_local_and_in_the_language() {
        let winter = Utc.with_ymd_and_hms(2026, 12, 7, 13, 5, 0).unwrap();
        assert_eq!(
            moment(winter, Paris, Lang::Fr),
            "lundi 7 décembre 2026 à 14:05 (CET)"
        );
        let summer = Utc.with_ymd_and_hms(2026, 6, 1, 6, 30, 0).unwrap();
        assert_eq!(
            moment(summer, Paris, Lang::En),
            "Monday 1 June 2026 at 08:30 (CEST)"
        );
    }
}
