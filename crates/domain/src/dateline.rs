use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::text::{single_line, text_newtype};

/// Where a release was issued, as printed above its date: "Washington, DC",
/// "London, United Kingdom".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Dateline(String);

impl Dateline {
    pub const MAX_CHARS: usize = 120;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        single_line("dateline", input, Self::MAX_CHARS).map(Self)
    }
}

text_newtype!(Dateline);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_city_and_country_is_accepted() {
        assert_eq!(
            Dateline::parse("London,  United Kingdom").unwrap().as_str(),
            "London, United Kingdom"
        );
    }

    #[test]
    fn empty_and_over_long_datelines_are_rejected() {
        assert!(Dateline::parse(" ").is_err());
        assert!(Dateline::parse(&"x".repeat(121)).is_err());
    }
}
