use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::text::text_newtype;

/// The language of a release as a BCP 47 tag ("en", "fr", "pt-BR"),
/// normalized to lower-case language and upper-case region.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Language(String);

impl Language {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::Empty { field: "language" });
        }
        let invalid = |reason: &str| FieldError::Invalid {
            field: "language",
            reason: format!("{reason} in {s:?} (expected a tag such as \"en\" or \"pt-BR\")"),
        };
        let mut parts = s.split(['-', '_']);
        let primary = parts.next().unwrap_or_default();
        if !(2..=3).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(invalid("the language code must be 2 or 3 letters"));
        }
        let mut out = primary.to_ascii_lowercase();
        for sub in parts {
            if sub.is_empty() || sub.len() > 8 || !sub.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(invalid("each subtag must be 1 to 8 letters or digits"));
            }
            out.push('-');
            if sub.len() == 2 && sub.chars().all(|c| c.is_ascii_alphabetic()) {
                out.push_str(&sub.to_ascii_uppercase());
            } else {
                out.push_str(&sub.to_ascii_lowercase());
            }
        }
        Ok(Self(out))
    }
}

text_newtype!(Language);

impl Default for Language {
    fn default() -> Self {
        Self("en".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_english() {
        assert_eq!(Language::default().as_str(), "en");
    }

    #[test]
    fn tags_are_normalized() {
        assert_eq!(Language::parse("PT_br").unwrap().as_str(), "pt-BR");
        assert_eq!(Language::parse("zh-Hant").unwrap().as_str(), "zh-hant");
    }

    #[test]
    fn malformed_tags_are_rejected() {
        assert!(Language::parse("").is_err());
        assert!(Language::parse("english").is_err());
        assert!(Language::parse("en-").is_err());
        assert!(Language::parse("e1").is_err());
    }
}
