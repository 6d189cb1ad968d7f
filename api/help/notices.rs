//! Telling requesters what staff did to their request: a push in the help requests category,
//! or an e-mail when no push goes out (no device, category turned off, or no account at all).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use super::{model::Status, store};
use crate::{
    config::Config,
    couriers::{self, Channel, Message},
    i18n::{Lang, Translated},
    push::{self, Category, Notification},
};

/// What staff did, as the requester is told.
pub struct Update<'a> {
    pub reply: Option<&'a str>,
    /// The new status, if it changed.
    pub status: Option<Status>,
}

/// Queues the push or e-mail, in the transaction of the change.
pub async fn tell_requester(
    conn: &mut AsyncPgConnection,
    config: &Config,
    request: &store::Request,
    update: &Update<'_>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let lang = if request.lang == "en" {
        Lang::En
    } else {
        Lang::Fr
    };
    let email = match request.requester_id {
        Some(person) => {
            let tz = config.university.time_zone.tz();
            let pushed =
                push::notify(conn, tz, person, &notification(request, update), now).await?;
            if pushed > 0 {
                return Ok(());
            }
            store::email_of(conn, person).await?
        }
        None => store::contact(conn, request.id).await?.map(|c| c.email),
    };
    match email {
        Some(to) => {
            let message = email_update(config, lang, &to, request, update);
            couriers::enqueue(conn, &message, now).await
        }
        None => Ok(()),
    }
}

fn notification(request: &store::Request, update: &Update<'_>) -> Notification {
    let body = match (update.reply, update.status) {
        (Some(reply), _) => {
            let preview = crate::text::preview(reply, 140);
            Translated {
                fr: preview.clone(),
                en: preview,
            }
        }
        (None, Some(status)) => {
            let label = status.label();
            Translated {
                fr: format!("Statut : {}", label.fr),
                en: format!("Status: {}", label.en),
            }
        }
        (None, None) => Translated {
            fr: String::new(),
            en: String::new(),
        },
    };
    Notification {
        category: Category::HelpRequests,
        title: Translated {
            fr: format!("Assistance — {}", request.subject),
            en: format!("Help — {}", request.subject),
        },
        body,
        url: format!("/help/{}", request.id),
        tag: format!("help-{}", request.id),
    }
}

fn email_update(
    config: &Config,
    lang: Lang,
    to: &str,
    request: &store::Request,
    update: &Update<'_>,
) -> Message {
    let name = config.university.short_name.as_str();
    let (id, subject) = (request.id, request.subject.as_str());
    let status = update.status.map(|s| s.label().get(lang).to_string());
    let what = match (lang, update.reply.is_some(), &status) {
        (Lang::Fr, true, _) => "a reçu une réponse".to_string(),
        (Lang::Fr, false, Some(s)) => format!("est maintenant « {s} »"),
        (Lang::En, true, _) => "has an answer".to_string(),
        (Lang::En, false, Some(s)) => format!("is now “{s}”"),
        (_, false, None) => String::new(),
    };
    let reply = update
        .reply
        .map(|r| format!("\n\n{r}\n"))
        .unwrap_or_default();
    let follow = match (lang, request.requester_id.is_some()) {
        (Lang::Fr, true) => format!(
            "Suivez-la et répondez dans l’ENT : {}/help/{id}",
            config.http.public_url
        ),
        (Lang::En, true) => format!(
            "Follow it and answer in the ENT: {}/help/{id}",
            config.http.public_url
        ),
        (Lang::Fr, false) => "Ne répondez pas à ce message : pour compléter votre demande, \
                              déposez-en une nouvelle depuis « Assistance connexion »."
            .to_string(),
        (Lang::En, false) => "Do not reply to this message: to add to your request, file a new \
                              one from “Login help”."
            .to_string(),
    };
    let (title, body) = match lang {
        Lang::Fr => (
            format!("{name} — demande d’assistance n° {id}"),
            format!(
                "Bonjour,\n\nVotre demande d’assistance n° {id} « {subject} » {what}.{reply}\n{follow}\n"
            ),
        ),
        Lang::En => (
            format!("{name} — help request no. {id}"),
            format!("Hello,\n\nYour help request no. {id} “{subject}” {what}.{reply}\n{follow}\n"),
        ),
    };
    Message {
        channel: Channel::Email,
        recipient: to.to_string(),
        subject: Some(title),
        body,
    }
}
