//! Turning releases into what readers get: [`markdown_to_html`] (sanitized
//! with ammonia), the [`SiteConfig`] every page is framed by, and the page
//! views ([`ListingPage`], [`ReleasePage`], [`ErrorPage`]) rendered by askama
//! templates. Pure: no IO, no clock; the web layer hands it what to show.
//!
//! In the reading pipeline this is the last step before the web: store ->
//! render -> web.

mod markdown;
mod pages;
mod site;

pub use markdown::markdown_to_html;
pub use pages::{ErrorPage, ListingItem, ListingPage, Pagination, ReleasePage, RenderError};
pub use site::SiteConfig;

/// The portal's stylesheet, served by the web layer.
pub const STYLESHEET: &str = include_str!("../static/style.css");
