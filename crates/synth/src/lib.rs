//! Synthetic and demo content for pressroom.
//!
//! [`Generator`] produces an endless, seed-deterministic stream of realistic
//! [`ReleaseContent`](pressroom_domain::ReleaseContent) for benchmarks and
//! load tests; [`write_text`] and [`write_jsonl`] serialize it as a legacy
//! dump (feeding the reading pipeline's archive importer at scale) or as the
//! export format. [`DEMO_RELEASES`] is a small hand-written archive of a
//! fictional ministry that `pressroom serve --demo` imports so a fresh
//! install has something to show. This crate does no IO of its own beyond
//! the writer it is handed.

mod generator;
mod rng;
mod vocab;
mod write;

pub use generator::{FIRST_YEAR, Generator, LAST_YEAR};
pub use write::{format_json_line, format_text, write_jsonl, write_text};

/// About thirty releases of the Ministry of Foreign Affairs of the Republic
/// of Norvia (a fictional country), 2024-2026, in the seed text format:
/// releases separated by two blank lines, no "Press Releases:" prefix, no
/// footer. Covers every known kind, bylines, attributions, Markdown emphasis
/// and links, non-ASCII names, and two releases sharing a title.
pub const DEMO_RELEASES: &str = include_str!("../demo/ministry.txt");

#[cfg(test)]
mod demo_tests;
