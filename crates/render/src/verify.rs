//! The "Verify this statement" page: what the transparency log proves, in
//! plain words, the site's keys and current checkpoint, and the command that
//! performs the check.

use askama::Template;

use crate::pages::render;
use crate::{RenderError, SiteConfig};

/// The release a reader came to verify, when the page is opened from one.
#[derive(Debug)]
pub struct VerifyRelease {
    pub title: String,
    pub path: String,
    /// The release page, absolute: what `pressroom verify` is given.
    pub url: String,
    pub revision: u32,
    /// Its newest entry in the log.
    pub log_index: u64,
}

#[derive(Debug, Template)]
#[template(path = "verify.html")]
pub struct VerifyPage<'a> {
    pub site: &'a SiteConfig,
    /// The log's name: the checkpoint's first line and the keys' name.
    pub log: String,
    pub current_key: String,
    pub retired_keys: Vec<String>,
    pub size: u64,
    /// The root hash, base64, as in the checkpoint.
    pub root: String,
    pub release: Option<VerifyRelease>,
}

impl VerifyPage<'_> {
    pub fn to_html(&self) -> Result<String, RenderError> {
        render(self)
    }
}
