use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::text::single_line;

/// Whether a release is issued by an office or under a person's byline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IssuerType {
    Office,
    Person,
}

/// Who issues a release: an office ("Office of the Spokesperson") or a
/// person's byline ("Michael R. Pompeo, Secretary of State"). The text is
/// kept as printed; the type says how to read it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Issuer {
    name: String,
    #[serde(rename = "type")]
    issuer_type: IssuerType,
}

/// Words that mark an organisation rather than a person.
const OFFICE_WORDS: [&str; 14] = [
    "office",
    "bureau",
    "department",
    "ministry",
    "embassy",
    "consulate",
    "mission",
    "spokesperson",
    "spokesman",
    "secretariat",
    "directorate",
    "division",
    "council",
    "press",
];

impl Issuer {
    pub const MAX_CHARS: usize = 200;

    /// Parses an issuer and infers its type: a text naming an office word
    /// ("Office of…", "Bureau of…") is an office, anything else a byline.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let name = single_line("issuer", input, Self::MAX_CHARS)?;
        let lower = name.to_lowercase();
        let first_part = lower.split(',').next().unwrap_or_default();
        let is_office = OFFICE_WORDS
            .iter()
            .any(|w| first_part.split_whitespace().any(|word| word == *w));
        let issuer_type = if is_office {
            IssuerType::Office
        } else {
            IssuerType::Person
        };
        Ok(Self { name, issuer_type })
    }

    /// An issuer whose type is known from elsewhere (a form, an export).
    pub fn with_type(input: &str, issuer_type: IssuerType) -> Result<Self, FieldError> {
        let name = single_line("issuer", input, Self::MAX_CHARS)?;
        Ok(Self { name, issuer_type })
    }

    /// A person's byline from the two lines it is often printed on.
    pub fn person(name: &str, title: &str) -> Result<Self, FieldError> {
        Self::with_type(
            &format!("{}, {}", name.trim(), title.trim()),
            IssuerType::Person,
        )
    }

    pub fn as_str(&self) -> &str {
        &self.name
    }

    pub fn issuer_type(&self) -> IssuerType {
        self.issuer_type
    }
}

impl std::fmt::Display for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl IssuerType {
    pub fn as_str(self) -> &'static str {
        match self {
            IssuerType::Office => "office",
            IssuerType::Person => "person",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "office" => Some(IssuerType::Office),
            "person" => Some(IssuerType::Person),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_office_is_recognized() {
        let i = Issuer::parse("Office of the Spokesperson").unwrap();
        assert_eq!(i.issuer_type(), IssuerType::Office);
        let i = Issuer::parse("Bureau of Public Affairs, Office of the Spokesman").unwrap();
        assert_eq!(i.issuer_type(), IssuerType::Office);
    }

    #[test]
    fn a_byline_is_a_person() {
        let i = Issuer::parse("Michael R. Pompeo, Secretary of State").unwrap();
        assert_eq!(i.issuer_type(), IssuerType::Person);
        assert_eq!(i.as_str(), "Michael R. Pompeo, Secretary of State");
    }

    #[test]
    fn a_byline_on_two_lines_is_joined() {
        let i = Issuer::person("Hillary Rodham Clinton", " Secretary of State").unwrap();
        assert_eq!(i.as_str(), "Hillary Rodham Clinton, Secretary of State");
        assert_eq!(i.issuer_type(), IssuerType::Person);
    }

    #[test]
    fn an_empty_issuer_is_rejected() {
        assert_eq!(
            Issuer::parse("  "),
            Err(FieldError::Empty { field: "issuer" })
        );
    }
}
