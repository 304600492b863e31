use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::text::text_newtype;

/// The last part of a release's URL: lower-case ASCII letters, digits and
/// single hyphens, made from the title. Readable, stable, and safe in a path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub const MAX_CHARS: usize = 80;

    /// Accepts only an already well-formed slug (from a URL or the store).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let invalid = |reason: &str| FieldError::Invalid {
            field: "slug",
            reason: reason.to_owned(),
        };
        if input.is_empty() {
            return Err(FieldError::Empty { field: "slug" });
        }
        if input.len() > Self::MAX_CHARS {
            return Err(FieldError::TooLong {
                field: "slug",
                max: Self::MAX_CHARS,
                actual: input.len(),
            });
        }
        if !input
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(invalid("only a-z, 0-9 and '-' are allowed"));
        }
        if input.starts_with('-') || input.ends_with('-') || input.contains("--") {
            return Err(invalid("hyphens must separate words"));
        }
        Ok(Self(input.to_owned()))
    }

    /// Makes a slug from any text: accents folded (Søreide -> soreide), other
    /// characters turned into word breaks, cut at a word boundary.
    pub fn from_title(title: &str) -> Self {
        let mut out = String::new();
        let mut pending_hyphen = false;
        for c in title.chars().flat_map(fold) {
            if c.is_ascii_alphanumeric() {
                if pending_hyphen && !out.is_empty() {
                    out.push('-');
                }
                pending_hyphen = false;
                out.push(c.to_ascii_lowercase());
            } else if c != '\'' && c != '\u{2019}' {
                pending_hyphen = true;
            }
        }
        if out.len() > Self::MAX_CHARS {
            let cut = out[..=Self::MAX_CHARS]
                .rfind('-')
                .unwrap_or(Self::MAX_CHARS);
            out.truncate(cut);
        }
        if out.is_empty() {
            out.push_str("release");
        }
        Self(out)
    }

    /// The same slug with a numeric suffix, for the second release of a day
    /// with the same title.
    pub fn with_suffix(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let mut base = self.0.clone();
        if base.len() + suffix.len() > Self::MAX_CHARS {
            base.truncate(Self::MAX_CHARS - suffix.len());
            while base.ends_with('-') {
                base.pop();
            }
        }
        Self(base + &suffix)
    }
}

text_newtype!(Slug);

/// Folds a character to ASCII where a reader would: accents dropped, the
/// Nordic and German letters spelled out.
fn fold(c: char) -> impl Iterator<Item = char> {
    let s: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
            "a"
        }
        'æ' | 'Æ' => "ae",
        'ç' | 'ć' | 'č' | 'Ç' | 'Ć' | 'Č' => "c",
        'ď' | 'đ' | 'Ď' | 'Đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ě' => "e",
        'ğ' | 'Ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ı' | 'İ' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ł' | 'Ł' => "l",
        'ñ' | 'ń' | 'ň' | 'Ñ' | 'Ń' | 'Ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => {
            "o"
        }
        'œ' | 'Œ' => "oe",
        'ř' | 'Ř' => "r",
        'ś' | 'š' | 'ş' | 'Ś' | 'Š' | 'Ş' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'Ť' | 'Ţ' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        'þ' | 'Þ' => "th",
        _ => "",
    };
    let single = if s.is_empty() { Some(c) } else { None };
    s.chars().chain(single)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_becomes_a_readable_slug() {
        let s = Slug::from_title(
            "Secretary Pompeo's Meeting With Norwegian Foreign Minister Ine Søreide",
        );
        assert_eq!(
            s.as_str(),
            "secretary-pompeos-meeting-with-norwegian-foreign-minister-ine-soreide"
        );
    }

    #[test]
    fn a_long_title_is_cut_at_a_word_boundary() {
        let s = Slug::from_title(&"word ".repeat(40));
        assert!(s.as_str().len() <= Slug::MAX_CHARS);
        assert!(!s.as_str().ends_with('-'));
        assert!(s.as_str().ends_with("word"));
    }

    #[test]
    fn a_title_without_letters_still_gets_a_slug() {
        assert_eq!(Slug::from_title("□ — □").as_str(), "release");
    }

    #[test]
    fn every_generated_slug_parses() {
        for t in ["A: B / C", "Çavuşoğlu & Bogotá", "1,000 days", "x--y"] {
            let s = Slug::from_title(t);
            assert_eq!(Slug::parse(s.as_str()).unwrap(), s);
        }
    }

    #[test]
    fn malformed_slugs_are_rejected() {
        for bad in ["", "Upper", "a b", "-a", "a-", "a--b", "../etc", "a%20b"] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn a_suffix_keeps_the_slug_within_its_limit() {
        let s = Slug::from_title(&"abcdefghij".repeat(8));
        let s2 = s.with_suffix(12);
        assert!(s2.as_str().ends_with("-12"));
        assert!(Slug::parse(s2.as_str()).is_ok());
    }
}
