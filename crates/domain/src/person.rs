use serde::{Deserialize, Serialize};

use crate::FieldError;

/// A staff member's sign-in address: trimmed, lower-cased, one `@` with a
/// non-empty part on each side, no white space or control characters, at
/// most 254 characters (RFC 5321's path limit).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let bad = |reason: &str| FieldError::Invalid {
            field: "email",
            reason: reason.to_owned(),
        };
        let v = s.trim().to_lowercase();
        if v.is_empty() {
            return Err(bad("an email address is required"));
        }
        if v.chars().count() > 254 {
            return Err(bad("an email address has at most 254 characters"));
        }
        if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("an email address has no spaces or line breaks"));
        }
        match v.split_once('@') {
            Some((local, domain))
                if !local.is_empty() && !domain.is_empty() && !domain.contains('@') =>
            {
                Ok(Self(v))
            }
            _ => Err(bad("an email address looks like name@example.org")),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> Self {
        e.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A staff member's name as shown in the newsroom and the audit log: one
/// line of 1 to 100 characters. Control characters (a CR or LF among them)
/// are refused here, so a name can never forge a line in a log.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let bad = |reason: &str| FieldError::Invalid {
            field: "name",
            reason: reason.to_owned(),
        };
        let v = s.trim();
        if v.is_empty() {
            return Err(bad("a name is required"));
        }
        if v.chars().count() > 100 {
            return Err(bad("a name has at most 100 characters"));
        }
        if v.chars().any(char::is_control) {
            return Err(bad("a name is one line, without control characters"));
        }
        Ok(Self(v.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PersonName {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<PersonName> for String {
    fn from(n: PersonName) -> Self {
        n.0
    }
}

impl std::fmt::Display for PersonName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_trimmed_and_lower_cased() {
        let e = Email::parse("  Ana.Ruiz@Example.ORG ").unwrap();
        assert_eq!(e.as_str(), "ana.ruiz@example.org");
    }

    #[test]
    fn malformed_emails_are_refused_naming_the_field() {
        for bad in ["", "no-at", "@x", "x@", "a@b@c", "a b@c", "a@b\r\nBcc: x"] {
            let err = Email::parse(bad).unwrap_err().to_string();
            assert!(err.contains("email"), "{bad:?}: {err}");
        }
        assert!(Email::parse(&format!("{}@x.org", "a".repeat(250))).is_err());
    }

    #[test]
    fn a_name_with_a_line_break_is_refused() {
        let err = PersonName::parse("Ana\r\nINFO forged line")
            .unwrap_err()
            .to_string();
        assert!(err.contains("name"), "{err}");
        assert!(PersonName::parse("  ").is_err());
        assert!(PersonName::parse(&"n".repeat(101)).is_err());
        assert_eq!(
            PersonName::parse(" Ana Ruiz ").unwrap().as_str(),
            "Ana Ruiz"
        );
    }
}
