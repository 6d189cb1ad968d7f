//! `ent account …`: the secretariat's actions for scripts, audited like the API's (`--by` names
//! the member of staff; the device is recorded as the command line).

use clap::Subcommand;

use super::actions::{self, Action, Actor};
use crate::accounts::store::SuspensionReason;
use crate::{
    accounts::store as accounts, errors::ApiError, http::client::Client, i18n::Lang,
    people::model::PersonId, state::AppState,
};

#[derive(Subcommand)]
pub enum AccountCommand {
    /// Find people by number, name or e-mail.
    Find { query: String },
    /// Suspend an account (its sessions end at once).
    Suspend {
        number: String,
        #[arg(long, value_enum)]
        reason: SuspensionReason,
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        by: By,
    },
    /// Lift a suspension, or reopen a closed account.
    Reinstate {
        number: String,
        #[command(flatten)]
        by: By,
    },
    /// Close an account (its sessions end at once).
    Close {
        number: String,
        #[command(flatten)]
        by: By,
    },
    /// Send the SMS inviting a person who has not activated their account to do so.
    Invite {
        number: String,
        #[command(flatten)]
        by: By,
    },
    /// Correct the mobile number on record.
    SetPhone {
        number: String,
        phone: String,
        #[command(flatten)]
        by: By,
    },
    /// End every session of the person.
    EndSessions {
        number: String,
        #[command(flatten)]
        by: By,
    },
    /// Give a permission to a member of staff (`accounts`: this administration; `timetable`:
    /// editing classes; `publishing`: news; `help:<queue>`: answering a help queue).
    Grant { number: String, permission: String },
}

#[derive(clap::Args)]
pub struct By {
    /// Number of the member of staff taking the action (written to the security log).
    #[arg(long)]
    by: Option<String>,
}

pub async fn run(state: &AppState, command: AccountCommand) -> anyhow::Result<()> {
    let client = Client {
        ip: "command line".into(),
        user_agent: "ent account".into(),
    };
    let (number, action, by) = match command {
        AccountCommand::Find { query } => return find(state, &query).await,
        AccountCommand::Grant { number, permission } => {
            return grant(state, &number, &permission).await;
        }
        AccountCommand::Suspend {
            number,
            reason,
            note,
            by,
        } => (number, Action::Suspend { reason, note }, by),
        AccountCommand::Reinstate { number, by } => (number, Action::Reinstate, by),
        AccountCommand::Close { number, by } => (number, Action::Close, by),
        AccountCommand::Invite { number, by } => (number, Action::InviteToActivate(Lang::Fr), by),
        AccountCommand::SetPhone { number, phone, by } => {
            let phone = actions::read_phone(state, &phone).map_err(explain)?;
            (number, Action::SetPhone(phone), by)
        }
        AccountCommand::EndSessions { number, by } => (number, Action::EndSessions, by),
    };
    let person = person_id(state, &number).await?;
    let staff = match &by.by {
        Some(n) => Some(person_id(state, n).await?),
        None => None,
    };
    let actor = Actor {
        staff,
        client: &client,
    };
    actions::apply(state, person, action, &actor)
        .await
        .map_err(explain)?;
    println!("done: {number}");
    Ok(())
}

async fn person_id(state: &AppState, number: &str) -> anyhow::Result<PersonId> {
    let mut conn = state.db.get().await.map_err(crate::db::unreachable)?;
    accounts::by_number(&mut conn, number)
        .await?
        .map(|(p, _)| p.id)
        .ok_or_else(|| anyhow::anyhow!("nobody has the number «{number}»"))
}

async fn find(state: &AppState, query: &str) -> anyhow::Result<()> {
    let mut conn = state.db.get().await.map_err(crate::db::unreachable)?;
    let found = super::store::search(&mut conn, query.trim(), 50).await?;
    if found.is_empty() {
        println!("nobody matches «{query}»");
    }
    for (p, a) in found {
        let account = a.map_or("pending", |a| a.state.as_str());
        println!(
            "{}\t{} {}\t{}\t{}\t{}",
            p.number,
            p.given_name,
            p.family_name,
            p.role,
            account,
            p.institutional_email.unwrap_or_default()
        );
    }
    Ok(())
}

/// What staff may be granted beyond their role, besides `help:<queue>` for each help queue.
const PERMISSIONS: [&str; 3] = ["accounts", "timetable", "publishing"];

async fn grant(state: &AppState, number: &str, permission: &str) -> anyhow::Result<()> {
    let queues = state.config.help.queues();
    let known = PERMISSIONS.contains(&permission)
        || permission
            .strip_prefix("help:")
            .is_some_and(|q| queues.contains(&q));
    if !known {
        let help: Vec<String> = queues.iter().map(|q| format!("help:{q}")).collect();
        anyhow::bail!(
            "«{permission}» is not a permission (known: {}, {})",
            PERMISSIONS.join(", "),
            help.join(", ")
        );
    }
    let person = person_id(state, number).await?;
    let mut conn = state.db.get().await.map_err(crate::db::unreachable)?;
    accounts::grant(&mut conn, person, permission).await?;
    // A privilege change: the person logs in again, under a new session id.
    crate::sessions::end_all(state, person, None)
        .await
        .map_err(explain)?;
    println!("{number} now has the permission {permission}");
    Ok(())
}

/// An API error as one line for the terminal.
pub fn explain(e: ApiError) -> anyhow::Error {
    let detail = e
        .detail
        .as_ref()
        .map(|d| format!(": {}", d.en))
        .unwrap_or_default();
    match e.cause {
        Some(cause) => anyhow::anyhow!("{}{detail} ({cause})", e.kind.title.en),
        None => anyhow::anyhow!("{}{detail}", e.kind.title.en),
    }
}
