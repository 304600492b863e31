use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::text::{single_line, text_newtype};

/// The sentence that attributes a release to a spokesperson, kept as printed:
/// "The below is attributable to Deputy Spokesperson Robert Palladino:".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Attribution(String);

impl Attribution {
    pub const MAX_CHARS: usize = 300;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        single_line("attribution", input, Self::MAX_CHARS).map(Self)
    }

    /// Whether a line reads like an attribution sentence. The importer uses it
    /// to tell the attribution from the first body paragraph.
    pub fn looks_like(line: &str) -> bool {
        let l = line.trim();
        // Asked of every line of an archive: the cheap tests first, and the
        // openings compared without lower-casing the line (they are ASCII
        // without a "k", the one letter a non-ASCII character lower-cases
        // to, the Kelvin sign).
        let opens = |opening: &str| {
            l.as_bytes()
                .get(..opening.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(opening.as_bytes()))
        };
        l.ends_with(':')
            && l.chars().count() <= Self::MAX_CHARS
            && (opens("the below is attributable to")
                || opens("the following is attributable to")
                || opens("the following statement is attributable to"))
    }
}

text_newtype!(Attribution);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_attribution_is_recognized_and_kept_as_printed() {
        let line = "The below is attributable to Deputy Spokesperson Robert Palladino:";
        assert!(Attribution::looks_like(line));
        assert_eq!(Attribution::parse(line).unwrap().as_str(), line);
    }

    #[test]
    fn a_body_sentence_is_not_an_attribution() {
        assert!(!Attribution::looks_like(
            "Secretary Pompeo met today with the Minister."
        ));
        assert!(!Attribution::looks_like(
            "The below is attributable to nobody."
        ));
    }
}
