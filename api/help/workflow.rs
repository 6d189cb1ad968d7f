//! What staff and requesters do to a request, under its lock: who sees it as whom, the statuses
//! staff may set, and a change recorded in the thread and told to the requester.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use super::{
    model::{Entry, Status, Viewer, invalid},
    notices::{self, Update},
    store::{self, Change, HelpRequestId, Request},
};
use crate::{
    config::Config,
    errors::{ApiError, NOT_FOUND},
    people::model::PersonId,
};

/// A status staff may set ("new" is where requests start, not where they go back).
pub fn settable(status: Status) -> Result<Status, ApiError> {
    if status == Status::New {
        Err(invalid(
            "Une demande ne peut pas redevenir « nouvelle ».",
            "A request cannot become “new” again.",
        ))
    } else {
        Ok(status)
    }
}

/// How this person sees the request: as staff of its queue, as its requester, or not at all.
pub async fn viewer_of(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    request: &Request,
) -> diesel::QueryResult<Option<Viewer>> {
    if store::queues_of(conn, person)
        .await?
        .contains(&request.queue)
    {
        Ok(Some(Viewer::Staff))
    } else if request.requester_id == Some(person) {
        Ok(Some(Viewer::Requester))
    } else {
        Ok(None)
    }
}

/// The request locked for a change, if this person may see it.
pub async fn locked(
    conn: &mut AsyncPgConnection,
    person: PersonId,
    id: HelpRequestId,
) -> Result<(Request, Viewer), ApiError> {
    let request = store::lock(conn, id)
        .await?
        .ok_or(ApiError::new(NOT_FOUND))?;
    let viewer = viewer_of(conn, person, &request)
        .await?
        .ok_or(ApiError::new(NOT_FOUND))?;
    Ok((request, viewer))
}

/// What someone does to a request: who, seeing it as whom, the status it gets, and the reply
/// staff wrote with it if any.
pub struct Action<'a> {
    pub by: PersonId,
    pub viewer: Viewer,
    pub status: Status,
    pub staff_reply: Option<&'a str>,
}

/// Sets the status (recorded in the thread when it changes) and tells the requester what staff
/// did: a reply, a status change, or both in one notice.
pub async fn change(
    conn: &mut AsyncPgConnection,
    config: &Config,
    request: &Request,
    Action {
        by,
        viewer,
        status,
        staff_reply,
    }: Action<'_>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let changed = status != request.status;
    if changed {
        store::add(conn, request.id, Some(by), Entry::Status(status), now).await?;
    }
    let by_staff = viewer == Viewer::Staff && (changed || staff_reply.is_some());
    let next = Change {
        status,
        assignee: request.assignee_id,
        by_staff,
    };
    store::apply(conn, request, &next, now).await?;
    if by_staff {
        let update = Update {
            reply: staff_reply,
            status: changed.then_some(status),
        };
        notices::tell_requester(conn, config, request, &update, now).await?;
    }
    Ok(())
}
