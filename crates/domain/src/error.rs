use thiserror::Error;

/// Why a value could not become one of the domain's newtypes. Each variant
/// names the field so that a form, an importer report or an API problem can
/// point at exactly what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FieldError {
    /// The value was empty or only white space.
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    /// The value is longer than the field allows (counted in characters).
    #[error("{field} is {actual} characters long; at most {max} are allowed")]
    TooLong {
        field: &'static str,
        max: usize,
        actual: usize,
    },
    /// The value holds a control character (other than in body text, where
    /// line breaks are allowed).
    #[error("{field} contains a control character (U+{code:04X})")]
    ControlCharacter { field: &'static str, code: u32 },
    /// The value has the wrong shape for the field; `reason` says how.
    #[error("{field} is not valid: {reason}")]
    Invalid { field: &'static str, reason: String },
}
