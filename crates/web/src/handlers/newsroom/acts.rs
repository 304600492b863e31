//! The editorial actions on one release, shared by the newsroom's pages and
//! its JSON API so that both do exactly the same thing: each [`Act`] calls
//! its `pressroom_newsroom::workflow` use-case (which checks the role and
//! the release's status on the server, whatever the page showed) and lands
//! in the audit log, refusals included.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use pressroom_domain::{Action, Release, ReleaseContent, ReleaseId};
use pressroom_newsroom::Actor;
use pressroom_newsroom::workflow::{self, WorkflowError};

use crate::{AppError, NewsroomState};

/// One editorial action with what it needs.
#[derive(Debug, Clone)]
pub(crate) enum Act {
    Edit(ReleaseContent),
    Submit,
    Approve(Option<String>),
    Return(String),
    Schedule(Timestamp),
    Embargo(Timestamp),
    Unschedule,
    Publish,
    Correct(ReleaseContent, String),
    Withdraw(String),
}

impl Act {
    pub fn action(&self) -> Action {
        match self {
            Act::Edit(_) => Action::Edit,
            Act::Submit => Action::Submit,
            Act::Approve(_) => Action::Approve,
            Act::Return(_) => Action::Return,
            Act::Schedule(_) => Action::Schedule,
            Act::Embargo(_) => Action::Embargo,
            Act::Unschedule => Action::Unschedule,
            Act::Publish => Action::Publish,
            Act::Correct(..) => Action::Correct,
            Act::Withdraw(_) => Action::Withdraw,
        }
    }
}

/// Carries out `act` on release `id` as `actor`. The outer error is the
/// audit log failing; the inner one is the workflow's answer, which the
/// caller shows (beside the form, or as problem details).
pub(crate) async fn perform(
    newsroom: &NewsroomState,
    actor: &Actor,
    address: &str,
    id: ReleaseId,
    act: Act,
) -> Result<Result<Release, WorkflowError>, AppError> {
    let store = newsroom.store.as_ref();
    let clock = newsroom.clock.as_ref();
    let who = actor.workflow();
    let action = act.action();
    let result = match act {
        Act::Edit(content) => workflow::edit_draft(store, clock, who, id, content).await,
        Act::Submit => workflow::submit(store, clock, who, id).await,
        Act::Approve(comment) => workflow::approve(store, clock, who, id, comment.as_deref()).await,
        Act::Return(comments) => {
            workflow::return_with_comments(store, clock, who, id, &comments).await
        }
        Act::Schedule(at) => workflow::schedule(store, clock, who, id, at).await,
        Act::Embargo(lift) => workflow::embargo(store, clock, who, id, lift).await,
        Act::Unschedule => workflow::unschedule(store, clock, who, id).await,
        Act::Publish => workflow::publish_now(store, clock, who, id).await,
        Act::Correct(content, note) => {
            workflow::correct(store, clock, who, id, content, &note).await
        }
        Act::Withdraw(reason) => workflow::withdraw(store, clock, who, id, &reason).await,
    };
    audit_outcome(
        newsroom,
        actor,
        address,
        &format!("release.{action}"),
        id,
        &result,
    )
    .await?;
    Ok(result)
}

/// Records an editorial action in the audit log: done, or refused with
/// why (a refusal is a security event too).
pub(crate) async fn audit_outcome<T>(
    newsroom: &NewsroomState,
    actor: &Actor,
    address: &str,
    what: &str,
    id: ReleaseId,
    result: &Result<T, WorkflowError>,
) -> Result<(), AppError> {
    let (action, subject) = match result {
        Ok(_) => (what.to_owned(), format!("release {id}")),
        Err(WorkflowError::Store(_)) => return Ok(()),
        Err(e) => (format!("{what}.refused"), format!("release {id}: {e}")),
    };
    newsroom
        .accounts
        .audit(Some(actor), "", &action, &subject, address)
        .await?;
    Ok(())
}

/// The IANA zones offered beside time fields (any IANA name is accepted).
pub(crate) const ZONES: [&str; 8] = [
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Brussels",
    "Asia/Tokyo",
];

/// A wall-clock time (`2026-06-01T09:30`, as a `datetime-local` field
/// sends it) in an IANA zone, as an instant. In a gap (clocks going
/// forward) the later reading is taken; the message names what was wrong.
pub(crate) fn local_time(at: &str, zone: &str) -> Result<Timestamp, String> {
    let at = at.trim();
    if at.is_empty() {
        return Err("enter a date and time".to_owned());
    }
    let civil: DateTime = at
        .parse()
        .map_err(|_| format!("{at:?} is not a date and time like 2026-06-01T09:30"))?;
    let zone = zone.trim();
    let zone = if zone.is_empty() { "UTC" } else { zone };
    let tz = TimeZone::get(zone)
        .map_err(|_| format!("{zone:?} is not a time zone (use a name like Europe/Brussels)"))?;
    civil
        .to_zoned(tz)
        .map(|z| z.timestamp())
        .map_err(|e| format!("{at} in {zone}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_time_in_a_zone_is_the_instant_it_names() {
        let t = local_time("2026-06-01T09:30", "America/New_York").expect("valid");
        assert_eq!(t.to_string(), "2026-06-01T13:30:00Z");
        assert_eq!(
            local_time("2026-01-15T12:00", "")
                .expect("UTC by default")
                .to_string(),
            "2026-01-15T12:00:00Z"
        );
    }

    #[test]
    fn a_wrong_time_or_zone_is_named() {
        assert!(
            local_time("tomorrow", "UTC")
                .unwrap_err()
                .contains("tomorrow")
        );
        assert!(
            local_time("2026-06-01T09:30", "Mars/Olympus")
                .unwrap_err()
                .contains("Mars/Olympus")
        );
        assert!(local_time(" ", "UTC").is_err());
    }
}
