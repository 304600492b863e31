use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::text::{single_line, text_newtype};

/// The headline of a release, on one line, as the public reads it: without a
/// site's section prefix ("Press Releases: ") or link markup, which belong to
/// the page that once carried it, not to the statement.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Title(String);

impl Title {
    /// Long enough for the longest real titles (joint statements naming
    /// several ministers), short enough to stay a headline.
    pub const MAX_CHARS: usize = 400;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        single_line("title", input, Self::MAX_CHARS).map(Self)
    }
}

text_newtype!(Title);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_normal_title_is_accepted() {
        let t = Title::parse("Sanctions Announcement on Russia").unwrap();
        assert_eq!(t.as_str(), "Sanctions Announcement on Russia");
    }

    #[test]
    fn an_empty_title_is_rejected() {
        assert_eq!(Title::parse(""), Err(FieldError::Empty { field: "title" }));
    }

    #[test]
    fn a_title_over_the_limit_is_rejected() {
        let long = "a".repeat(Title::MAX_CHARS + 1);
        assert!(matches!(
            Title::parse(&long),
            Err(FieldError::TooLong { field: "title", .. })
        ));
    }

    #[test]
    fn a_title_at_the_limit_is_accepted() {
        assert!(Title::parse(&"é".repeat(Title::MAX_CHARS)).is_ok());
    }
}
