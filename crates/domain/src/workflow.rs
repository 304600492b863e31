//! The editorial state machine: which [`Action`] a member of the press
//! office may take on a release in a given [`Status`], and where it leads.
//!
//! ```text
//! draft --submit--> in_clearance --approve--> approved --schedule(T)--> scheduled --\
//!   ^                    |                       |  \--embargo(T)---> embargoed ---+--publish--> published
//!   \------return--------/                       \----------------publish---------/              |  ^
//!                                                                                   withdraw <---/  \-- correct
//! ```
//!
//! [`transition`] is pure: it knows nothing of the store, so every rule is
//! tested here over every status, action and role. The newsroom's use-cases
//! call it before each write, and the store applies the write only if the
//! release is still in the status the decision was made on.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::{Role, Status};

/// Something a member of the press office does to a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Changes a draft's content.
    Edit,
    /// Sends a draft to clearance.
    Submit,
    /// Clears a release in clearance for publication.
    Approve,
    /// Sends a release in clearance back to its writer, with comments.
    Return,
    /// Sets the time a cleared release goes live by itself.
    Schedule,
    /// Sets the lift time of a cleared release that named journalists may
    /// read before then.
    Embargo,
    /// Takes a scheduled or embargoed release off the timetable.
    Unschedule,
    /// Makes a release public now.
    Publish,
    /// Publishes a new revision of a public release, with a change note.
    Correct,
    /// Withdraws a public release: its page stays, with the reason.
    Withdraw,
}

impl Action {
    pub const ALL: [Action; 10] = [
        Action::Edit,
        Action::Submit,
        Action::Approve,
        Action::Return,
        Action::Schedule,
        Action::Embargo,
        Action::Unschedule,
        Action::Publish,
        Action::Correct,
        Action::Withdraw,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Edit => "edit",
            Action::Submit => "submit",
            Action::Approve => "approve",
            Action::Return => "return",
            Action::Schedule => "schedule",
            Action::Embargo => "embargo",
            Action::Unschedule => "unschedule",
            Action::Publish => "publish",
            Action::Correct => "correct",
            Action::Withdraw => "withdraw",
        }
    }

    pub fn parse(s: &str) -> Result<Self, crate::FieldError> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| crate::FieldError::Invalid {
                field: "action",
                reason: format!("{s:?} is not a workflow action"),
            })
    }

    /// The least role that may take this action (roles are cumulative).
    pub fn least_role(self) -> Role {
        match self {
            Action::Edit | Action::Submit => Role::Writer,
            Action::Approve | Action::Return => Role::Clearer,
            Action::Schedule
            | Action::Embargo
            | Action::Unschedule
            | Action::Publish
            | Action::Correct
            | Action::Withdraw => Role::Publisher,
        }
    }

    /// The statuses this action applies to when clearance is not skipped.
    fn applies_to(self) -> &'static [Status] {
        use Status::*;
        match self {
            Action::Edit | Action::Submit => &[Draft],
            Action::Approve | Action::Return => &[InClearance],
            // Re-timing a scheduled or embargoed release is allowed: it is
            // still cleared.
            Action::Schedule | Action::Embargo => &[Approved, Scheduled, Embargoed],
            Action::Unschedule => &[Scheduled, Embargoed],
            Action::Publish => &[Approved, Scheduled, Embargoed],
            Action::Correct | Action::Withdraw => &[Published],
        }
    }

    /// Where the action leads.
    fn target(self) -> Status {
        match self {
            Action::Edit | Action::Return => Status::Draft,
            Action::Submit => Status::InClearance,
            Action::Approve | Action::Unschedule => Status::Approved,
            Action::Schedule => Status::Scheduled,
            Action::Embargo => Status::Embargoed,
            Action::Publish | Action::Correct => Status::Published,
            Action::Withdraw => Status::Withdrawn,
        }
    }

    /// Whether the action takes a release towards the public without it
    /// having been cleared, when applied to an uncleared status.
    fn can_skip_clearance(self) -> bool {
        matches!(self, Action::Schedule | Action::Embargo | Action::Publish)
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The settings an admin controls that change the workflow's rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowSettings {
    /// Lets publishers schedule, embargo or publish a release that was never
    /// cleared (a draft or a release in clearance). Off by default.
    pub allow_skip_clearance: bool,
}

/// Who acts, as the workflow needs to know them: their user id and role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
}

impl Actor {
    /// The scheduler publishing a release whose time has come, on behalf of
    /// the publisher who scheduled it. User id 0 is never a person.
    pub const SCHEDULER: Actor = Actor {
        user_id: 0,
        role: Role::Publisher,
    };
}

/// Why a transition is refused. Each message says what was asked and what
/// would have made it possible.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Refusal {
    /// The action does not apply to a release in this status.
    #[error("cannot {action} a release that is {status}")]
    WrongStatus { action: Action, status: Status },
    /// The actor's role is below what the action needs.
    #[error("a {role} cannot {action}; it needs a {needs}")]
    Role {
        action: Action,
        role: Role,
        needs: Role,
    },
    /// A writer may only edit or submit their own drafts.
    #[error("a writer can only {action} their own drafts")]
    NotOwn { action: Action },
    /// Clearance means a second pair of eyes: the author of a release cannot
    /// approve or return it.
    #[error("the author of a release cannot {action} it in clearance")]
    OwnClearance { action: Action },
    /// The release has not been cleared, and the admin setting that lets
    /// publication skip clearance is off.
    #[error("cannot {action} a release that is {status}: it must be cleared first")]
    ClearanceRequired { action: Action, status: Status },
}

/// Decides an action: the status it leads to, or why it is refused. `own`
/// says whether the actor wrote the release.
pub fn transition(
    from: Status,
    action: Action,
    actor_role: Role,
    own: bool,
    settings: &WorkflowSettings,
) -> Result<Status, Refusal> {
    let skipping = action.can_skip_clearance()
        && matches!(from, Status::Draft | Status::InClearance)
        && !action.applies_to().contains(&from);
    if !action.applies_to().contains(&from) && !skipping {
        return Err(Refusal::WrongStatus {
            action,
            status: from,
        });
    }
    if actor_role < action.least_role() {
        return Err(Refusal::Role {
            action,
            role: actor_role,
            needs: action.least_role(),
        });
    }
    if skipping && !settings.allow_skip_clearance {
        return Err(Refusal::ClearanceRequired {
            action,
            status: from,
        });
    }
    match action {
        Action::Edit | Action::Submit if !own && actor_role == Role::Writer => {
            Err(Refusal::NotOwn { action })
        }
        Action::Approve | Action::Return if own => Err(Refusal::OwnClearance { action }),
        _ => Ok(action.target()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    const STRICT: WorkflowSettings = WorkflowSettings {
        allow_skip_clearance: false,
    };
    const LAX: WorkflowSettings = WorkflowSettings {
        allow_skip_clearance: true,
    };

    /// The whole table, written out independently of the implementation:
    /// (from, action) -> to, for an actor with enough role who wrote the
    /// release when writing it and did not when clearing it.
    const ALLOWED: &[(Status, Action, Status)] = &[
        (Draft, Action::Edit, Draft),
        (Draft, Action::Submit, InClearance),
        (InClearance, Action::Approve, Approved),
        (InClearance, Action::Return, Draft),
        (Approved, Action::Schedule, Scheduled),
        (Scheduled, Action::Schedule, Scheduled),
        (Embargoed, Action::Schedule, Scheduled),
        (Approved, Action::Embargo, Embargoed),
        (Scheduled, Action::Embargo, Embargoed),
        (Embargoed, Action::Embargo, Embargoed),
        (Scheduled, Action::Unschedule, Approved),
        (Embargoed, Action::Unschedule, Approved),
        (Approved, Action::Publish, Published),
        (Scheduled, Action::Publish, Published),
        (Embargoed, Action::Publish, Published),
        (Published, Action::Correct, Published),
        (Published, Action::Withdraw, Withdrawn),
    ];

    fn expected(from: Status, action: Action) -> Option<Status> {
        ALLOWED
            .iter()
            .find(|(f, a, _)| *f == from && *a == action)
            .map(|(_, _, to)| *to)
    }

    #[test]
    fn every_status_action_and_role_is_decided_as_the_table_says() {
        for from in Status::ALL {
            for action in Action::ALL {
                for role in Role::ALL {
                    let own = matches!(action, Action::Edit | Action::Submit);
                    let got = transition(from, action, role, own, &STRICT);
                    match (expected(from, action), role >= action.least_role()) {
                        (Some(to), true) => assert_eq!(got, Ok(to), "{from} {action} by {role}"),
                        (Some(_), false) => assert_eq!(
                            got,
                            Err(Refusal::Role {
                                action,
                                role,
                                needs: action.least_role()
                            }),
                            "{from} {action} by {role}"
                        ),
                        (None, enough) => {
                            let skips = matches!(from, Draft | InClearance)
                                && matches!(
                                    action,
                                    Action::Schedule | Action::Embargo | Action::Publish
                                );
                            let want = match (skips, enough) {
                                (true, true) => Refusal::ClearanceRequired {
                                    action,
                                    status: from,
                                },
                                (true, false) => Refusal::Role {
                                    action,
                                    role,
                                    needs: action.least_role(),
                                },
                                (false, _) => Refusal::WrongStatus {
                                    action,
                                    status: from,
                                },
                            };
                            assert_eq!(got, Err(want), "{from} {action} by {role}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn each_action_needs_its_role_writers_write_clearers_clear_publishers_publish() {
        let least: Vec<_> = Action::ALL.iter().map(|a| (*a, a.least_role())).collect();
        assert_eq!(
            least,
            [
                (Action::Edit, Role::Writer),
                (Action::Submit, Role::Writer),
                (Action::Approve, Role::Clearer),
                (Action::Return, Role::Clearer),
                (Action::Schedule, Role::Publisher),
                (Action::Embargo, Role::Publisher),
                (Action::Unschedule, Role::Publisher),
                (Action::Publish, Role::Publisher),
                (Action::Correct, Role::Publisher),
                (Action::Withdraw, Role::Publisher),
            ]
        );
        let err = transition(Approved, Action::Publish, Role::Clearer, false, &STRICT)
            .expect_err("clearers do not publish");
        assert_eq!(
            err.to_string(),
            "a clearer cannot publish; it needs a publisher"
        );
    }

    #[test]
    fn nothing_reaches_the_public_without_clearance_unless_an_admin_allows_it() {
        for from in [Draft, InClearance] {
            for action in [Action::Schedule, Action::Embargo, Action::Publish] {
                for role in [Role::Publisher, Role::Admin] {
                    assert_eq!(
                        transition(from, action, role, false, &STRICT),
                        Err(Refusal::ClearanceRequired {
                            action,
                            status: from
                        }),
                        "{from} {action}"
                    );
                    let allowed = transition(from, action, role, false, &LAX);
                    assert_eq!(allowed, Ok(action.target()), "{from} {action} when allowed");
                }
                // The setting never lends a lower role the right to publish.
                assert!(matches!(
                    transition(from, action, Role::Clearer, false, &LAX),
                    Err(Refusal::Role { .. })
                ));
            }
        }
        let msg = transition(Draft, Action::Publish, Role::Publisher, false, &STRICT)
            .expect_err("refused")
            .to_string();
        assert_eq!(
            msg,
            "cannot publish a release that is draft: it must be cleared first"
        );
    }

    #[test]
    fn the_skip_setting_changes_nothing_else() {
        for from in Status::ALL {
            for action in Action::ALL {
                for role in Role::ALL {
                    let strict = transition(from, action, role, false, &STRICT);
                    let lax = transition(from, action, role, false, &LAX);
                    if strict != lax {
                        assert!(
                            matches!(strict, Err(Refusal::ClearanceRequired { .. })),
                            "{from} {action} {role}: {strict:?} vs {lax:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn writers_edit_and_submit_only_their_own_drafts_clearers_any() {
        for action in [Action::Edit, Action::Submit] {
            assert!(transition(Draft, action, Role::Writer, true, &STRICT).is_ok());
            assert_eq!(
                transition(Draft, action, Role::Writer, false, &STRICT),
                Err(Refusal::NotOwn { action })
            );
            assert!(transition(Draft, action, Role::Clearer, false, &STRICT).is_ok());
        }
    }

    #[test]
    fn an_author_cannot_clear_their_own_release_whatever_their_role() {
        for action in [Action::Approve, Action::Return] {
            for role in [Role::Clearer, Role::Publisher, Role::Admin] {
                assert_eq!(
                    transition(InClearance, action, role, true, &STRICT),
                    Err(Refusal::OwnClearance { action })
                );
            }
        }
        // Publishing one's own cleared release is fine: it was cleared by
        // someone else.
        assert!(transition(Approved, Action::Publish, Role::Publisher, true, &STRICT).is_ok());
    }

    #[test]
    fn a_published_release_is_never_drafted_cleared_or_scheduled_again() {
        for action in [
            Action::Edit,
            Action::Submit,
            Action::Approve,
            Action::Return,
            Action::Schedule,
            Action::Embargo,
            Action::Unschedule,
            Action::Publish,
        ] {
            for from in [Published, Withdrawn] {
                assert_eq!(
                    transition(from, action, Role::Admin, false, &LAX),
                    Err(Refusal::WrongStatus {
                        action,
                        status: from
                    })
                );
            }
        }
        // A withdrawal is final.
        for action in [Action::Correct, Action::Withdraw] {
            assert!(transition(Withdrawn, action, Role::Admin, false, &LAX).is_err());
        }
    }

    #[test]
    fn every_action_round_trips_through_its_name() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Ok(a));
        }
        let err = Action::parse("delete")
            .expect_err("not an action")
            .to_string();
        assert!(err.contains("action") && err.contains("delete"), "{err}");
    }
}
