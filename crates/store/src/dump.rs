//! A portal's whole content in backend-neutral values, for `pressroom copy`:
//! each [`ReleaseDump`] carries a release with its full revision history and
//! every source it was imported from, exactly as stored.

use jiff::Timestamp;
use pressroom_domain::{Release, ReleaseContent};
use serde::Serialize;

/// One release and everything stored with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseDump {
    pub release: Release,
    /// Oldest first.
    pub revisions: Vec<RevisionDump>,
    /// In the order they were recorded.
    pub sources: Vec<SourceDump>,
}

/// One stored revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevisionDump {
    pub number: u32,
    pub event: String,
    pub content: ReleaseContent,
    pub change_note: Option<String>,
    pub created_at: Timestamp,
}

/// One stored import source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceDump {
    pub fingerprint: String,
    pub path: String,
    pub line: u32,
    pub imported_at: Timestamp,
}

impl ReleaseDump {
    /// Groups revisions and sources, each tagged with its release id, under
    /// their releases; `releases` keeps its order.
    pub fn assemble(
        releases: Vec<Release>,
        revisions: Vec<(i64, RevisionDump)>,
        sources: Vec<(i64, SourceDump)>,
    ) -> Vec<ReleaseDump> {
        let index: std::collections::HashMap<i64, usize> = releases
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.0, i))
            .collect();
        let mut dumps: Vec<ReleaseDump> = releases
            .into_iter()
            .map(|release| ReleaseDump {
                release,
                revisions: Vec::new(),
                sources: Vec::new(),
            })
            .collect();
        for (id, rev) in revisions {
            if let Some(&i) = index.get(&id) {
                dumps[i].revisions.push(rev);
            }
        }
        for (id, src) in sources {
            if let Some(&i) = index.get(&id) {
                dumps[i].sources.push(src);
            }
        }
        dumps
    }
}
