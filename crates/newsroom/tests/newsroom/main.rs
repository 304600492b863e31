//! The newsroom's use-cases against a real SQLite store.

mod workflow;
