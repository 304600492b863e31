use serde::{Deserialize, Serialize};

use crate::FieldError;

/// What a member of the press office may do. Roles are cumulative in the
/// order below for the editorial actions (a publisher may also clear, a
/// clearer may also write); only an admin manages users and settings. The
/// exact action-by-role rules live with the workflow, which checks them on
/// the server for every action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Drafts releases and edits their own drafts.
    Writer,
    /// Comments on, approves or returns releases in clearance.
    Clearer,
    /// Publishes, schedules, embargoes, corrects and withdraws.
    Publisher,
    /// Manages users and settings.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Writer, Role::Clearer, Role::Publisher, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Writer => "writer",
            Role::Clearer => "clearer",
            Role::Publisher => "publisher",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let wanted = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == wanted)
            .ok_or_else(|| FieldError::Invalid {
                field: "role",
                reason: format!("{s:?} is not a role (writer, clearer, publisher or admin)"),
            })
    }

    /// Whether this role must have a second factor (TOTP) to sign in.
    pub fn requires_second_factor(self) -> bool {
        matches!(self, Role::Publisher | Role::Admin)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        assert_eq!(Role::parse(" Admin ").unwrap(), Role::Admin);
    }

    #[test]
    fn an_unknown_role_is_refused_naming_the_field() {
        let err = Role::parse("editor").unwrap_err().to_string();
        assert!(err.contains("role"), "{err}");
        assert!(err.contains("editor"), "{err}");
    }

    #[test]
    fn only_publishers_and_admins_need_a_second_factor() {
        let needing: Vec<_> = Role::ALL
            .into_iter()
            .filter(|r| r.requires_second_factor())
            .collect();
        assert_eq!(needing, vec![Role::Publisher, Role::Admin]);
    }
}
