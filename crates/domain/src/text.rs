use crate::FieldError;

/// Normalizes a single-line text field: trims, folds runs of white space into
/// one space, and rejects empty, over-long and control-character input.
///
/// Every short text newtype goes through here so that "empty" and "too long"
/// mean the same thing, with the same message, for every field.
pub(crate) fn single_line(
    field: &'static str,
    input: &str,
    max_chars: usize,
) -> Result<String, FieldError> {
    // Most input is already in normal form (printable ASCII, single
    // spaces, no space at either end): checked in one pass over the bytes,
    // it is copied as it is, which importing an archive does millions of
    // times.
    if is_normal(input) {
        if input.len() > max_chars {
            return Err(FieldError::TooLong {
                field,
                max: max_chars,
                actual: input.len(),
            });
        }
        return Ok(input.to_owned());
    }
    let mut out = String::with_capacity(input.len());
    for word in input.split_whitespace() {
        if let Some(c) = word.chars().find(|c| c.is_control()) {
            return Err(FieldError::ControlCharacter {
                field,
                code: c as u32,
            });
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    check_length(field, &out, max_chars)?;
    Ok(out)
}

/// [`single_line`] of an owned text: text already in normal form is kept
/// as it is, not copied.
pub(crate) fn single_line_owned(
    field: &'static str,
    input: String,
    max_chars: usize,
) -> Result<String, FieldError> {
    if is_normal(&input) {
        if input.len() > max_chars {
            return Err(FieldError::TooLong {
                field,
                max: max_chars,
                actual: input.len(),
            });
        }
        return Ok(input);
    }
    single_line(field, &input, max_chars)
}

/// Printable ASCII, single spaces, no space at either end: the normal form
/// most input is already in, checked in one pass over the bytes.
fn is_normal(input: &str) -> bool {
    let bytes = input.as_bytes();
    // In blocks without an early exit, which the compiler vectorizes.
    let printable = bytes.chunks(64).all(|block| {
        block
            .iter()
            .fold(true, |ok, &b| ok & (0x20..0x7f).contains(&b))
    });
    bytes.first().is_some_and(|&b| b != b' ')
        && bytes.last().is_some_and(|&b| b != b' ')
        && printable
        && !input.contains("  ")
}

pub(crate) fn check_length(field: &'static str, s: &str, max: usize) -> Result<(), FieldError> {
    if s.trim().is_empty() {
        return Err(FieldError::Empty { field });
    }
    let actual = s.chars().count();
    if actual > max {
        return Err(FieldError::TooLong { field, max, actual });
    }
    Ok(())
}

/// Implements the read-only accessors every text newtype shares.
macro_rules! text_newtype {
    ($name:ident) => {
        impl $name {
            /// The normalized text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::FieldError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::FieldError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
    };
}
pub(crate) use text_newtype;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_white_space_and_trims() {
        assert_eq!(single_line("t", "  a \n b\t c ", 10).unwrap(), "a b c");
    }

    #[test]
    fn rejects_only_white_space_as_empty() {
        assert_eq!(
            single_line("title", " \n\t ", 10),
            Err(FieldError::Empty { field: "title" })
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(single_line("t", "ééééé", 5).is_ok());
        assert_eq!(
            single_line("t", "éééééé", 5),
            Err(FieldError::TooLong {
                field: "t",
                max: 5,
                actual: 6
            })
        );
    }

    #[test]
    fn text_already_in_normal_form_is_kept_and_still_checked() {
        assert_eq!(single_line("t", "a b.c", 5).unwrap(), "a b.c");
        assert_eq!(
            single_line("t", "abcdef", 5),
            Err(FieldError::TooLong {
                field: "t",
                max: 5,
                actual: 6
            })
        );
        assert_eq!(single_line("t", "a  b", 5).unwrap(), "a b");
        assert_eq!(single_line("t", "a\u{7f}b", 5).map_err(|_| ()), Err(()));
    }

    #[test]
    fn rejects_control_characters() {
        assert!(matches!(
            single_line("t", "a\u{7}b", 10),
            Err(FieldError::ControlCharacter { code: 7, .. })
        ));
    }
}
