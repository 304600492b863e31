use serde::{Deserialize, Serialize};

use crate::FieldError;

/// Where a release stands in the editorial workflow. Only `Published` and
/// `Withdrawn` releases are ever public (a withdrawn page stays, with its
/// notice); the visibility gate in the store enforces that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    InClearance,
    Approved,
    Scheduled,
    Embargoed,
    Published,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Draft,
        Status::InClearance,
        Status::Approved,
        Status::Scheduled,
        Status::Embargoed,
        Status::Published,
        Status::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::InClearance => "in_clearance",
            Status::Approved => "approved",
            Status::Scheduled => "scheduled",
            Status::Embargoed => "embargoed",
            Status::Published => "published",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| FieldError::Invalid {
                field: "status",
                reason: format!("{s:?} is not a status"),
            })
    }

    /// Whether a release in this status is shown to the public (once its
    /// publication time has come).
    pub fn is_public(self) -> bool {
        matches!(self, Status::Published | Status::Withdrawn)
    }

    /// Whether a release in this status becomes public by itself once its
    /// publication time comes: the gate admits it from that instant, so the
    /// lift is exact whether or not the scheduler has run yet.
    pub fn is_timed(self) -> bool {
        matches!(self, Status::Scheduled | Status::Embargoed)
    }

    /// Whether the visibility gate admits a release in this status once its
    /// publication time has come.
    pub fn is_public_when_due(self) -> bool {
        self.is_public() || self.is_timed()
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()).unwrap(), s);
        }
        assert!(Status::parse("live").is_err());
    }

    #[test]
    fn only_published_and_withdrawn_are_public() {
        let public: Vec<_> = Status::ALL.into_iter().filter(|s| s.is_public()).collect();
        assert_eq!(public, [Status::Published, Status::Withdrawn]);
    }
}
