//! The editorial workflow's writes and reads for SQLite: drafts, checked
//! transitions, public revisions, the workflow's events and settings, the
//! scheduler's queries and embargo preview links. Every write is one
//! transaction on the single writer connection and records its change in
//! the outbox, as imports do.

use jiff::Timestamp;
use pressroom_domain::{Release, ReleaseContent, ReleaseId, Slug, Status};
use pressroom_store::row::{RELEASE_COLUMNS, first_free_slug, from_micros};
use pressroom_store::{
    DeskQuery, FacetShift, IssuedPreviewLink, NewDraft, NewPreviewLink, PreviewAccess, PreviewLink,
    PublishAt, RevisionDump, StoreError, StoreResult, WorkflowEvent, WorkflowSettings,
    WorkflowWrite,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};

use crate::revisions::{LEAF_COLUMN, LEAF_OF_REVISION, content_of};
use crate::rows::{backend, release_from_row, to_micros};
use crate::{SqliteStore, insert_release, insert_revision, write_error};

fn corrupt(what: &'static str) -> impl Fn(pressroom_domain::FieldError) -> StoreError {
    move |e| StoreError::Corrupt {
        what,
        reason: e.to_string(),
    }
}

fn json(e: serde_json::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

async fn record_change(
    tx: &mut Transaction<'_, Sqlite>,
    id: i64,
    event: &str,
    facets: &FacetShift,
    now: i64,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO changes (release_id, event, at, facets) VALUES (?, ?, ?, ?)")
        .bind(id)
        .bind(event)
        .bind(now)
        .bind(facets.to_json())
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn record_event(
    tx: &mut Transaction<'_, Sqlite>,
    id: i64,
    action: &str,
    from: Status,
    to: Status,
    actor: i64,
    note: Option<&str>,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO workflow_events (release_id, action, from_status, to_status, actor, note, at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(action)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(actor)
    .bind(note)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Replaces a release's content. `repath` (a draft, never public) lets the
/// path follow a new title or day; a public release keeps its address.
async fn set_content(
    tx: &mut Transaction<'_, Sqlite>,
    current: &Release,
    c: &ReleaseContent,
    repath: bool,
) -> StoreResult<()> {
    let id = current.id.0;
    let moved = c.title != current.content.title || c.date.date() != current.content.date.date();
    let (date, slug) = if repath && moved {
        let date = c.date.date().to_string();
        let taken: Vec<String> =
            sqlx::query_scalar("SELECT slug FROM releases WHERE release_date = ? AND id <> ?")
                .bind(&date)
                .bind(id)
                .fetch_all(&mut **tx)
                .await
                .map_err(backend)?;
        (
            date,
            first_free_slug(&Slug::from_title(c.title.as_str()), &taken)?,
        )
    } else {
        (
            current.content.date.date().to_string(),
            current.slug.clone(),
        )
    };
    let body = serde_json::to_string(&c.body).map_err(json)?;
    sqlx::query(
        "UPDATE releases SET release_date = ?, slug = ?, release_time = ?, release_zone = ?, \
         title = ?, kind = ?, issuer = ?, issuer_type = ?, dateline = ?, attribution = ?, \
         body = ?, language = ? WHERE id = ?",
    )
    .bind(date)
    .bind(slug.as_str().to_owned())
    .bind(c.date.time().map(|t| t.time.to_string()))
    .bind(c.date.time().map(|t| t.zone.clone()))
    .bind(c.title.as_str())
    .bind(c.kind.as_ref().map(|k| k.as_str().to_owned()))
    .bind(c.issuer.as_ref().map(|i| i.as_str().to_owned()))
    .bind(c.issuer.as_ref().map(|i| i.issuer_type().as_str()))
    .bind(c.dateline.as_ref().map(|d| d.as_str().to_owned()))
    .bind(c.attribution.as_ref().map(|a| a.as_str().to_owned()))
    .bind(body)
    .bind(c.language.as_str())
    .bind(id)
    .execute(&mut **tx)
    .await
    .map_err(write_error)?;
    Ok(())
}

fn preview_link(r: &SqliteRow) -> StoreResult<PreviewLink> {
    Ok(PreviewLink {
        id: r.try_get("id").map_err(backend)?,
        release_id: ReleaseId(r.try_get("release_id").map_err(backend)?),
        journalist: r.try_get("journalist").map_err(backend)?,
        created_by: r.try_get("created_by").map_err(backend)?,
        created_at: from_micros(r.try_get("created_at").map_err(backend)?)?,
        expires_at: from_micros(r.try_get("expires_at").map_err(backend)?)?,
    })
}

impl SqliteStore {
    fn signal(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub(crate) async fn wf_create_draft(
        &self,
        draft: NewDraft,
        now: Timestamp,
    ) -> StoreResult<Release> {
        let now_us = to_micros(now);
        let date = draft.content.date.date().to_string();
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let taken: Vec<String> =
            sqlx::query_scalar("SELECT slug FROM releases WHERE release_date = ?")
                .bind(&date)
                .fetch_all(&mut *tx)
                .await
                .map_err(backend)?;
        let slug = first_free_slug(&Slug::from_title(draft.content.title.as_str()), &taken)?;
        let release = Release {
            id: ReleaseId(0),
            slug,
            status: Status::Draft,
            revision: 1,
            published_at: None,
            created_at: now,
            updated_at: now,
            content: draft.content,
        };
        let id = insert_release(&mut tx, None, &release).await?;
        sqlx::query("UPDATE releases SET created_by = ? WHERE id = ?")
            .bind(draft.author)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        record_event(
            &mut tx,
            id,
            "create",
            Status::Draft,
            Status::Draft,
            draft.author,
            None,
            now_us,
        )
        .await?;
        record_change(
            &mut tx,
            id,
            "create",
            &FacetShift::created(&release),
            now_us,
        )
        .await?;
        tx.commit().await.map_err(backend)?;
        self.signal();
        Ok(Release {
            id: ReleaseId(id),
            ..release
        })
    }

    pub(crate) async fn wf_apply(
        &self,
        id: ReleaseId,
        w: WorkflowWrite,
        now: Timestamp,
    ) -> StoreResult<Release> {
        let now_us = to_micros(now);
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let sql = format!("SELECT {RELEASE_COLUMNS} FROM releases WHERE id = ?");
        let current = sqlx::query(&sql)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?
            .as_ref()
            .map(release_from_row)
            .transpose()?
            .ok_or(StoreError::NotFound(id))?;
        if current.status != w.expect_status || current.revision != w.expect_revision {
            return Err(StoreError::Stale {
                id,
                expected: format!("{} at revision {}", w.expect_status, w.expect_revision),
                found: format!("{} at revision {}", current.status, current.revision),
            });
        }
        let content = w.content.clone().unwrap_or(current.content.clone());
        let revision = match w.public_revision {
            Some(_) => {
                let last: i64 = sqlx::query_scalar(
                    "SELECT COALESCE(MAX(number), 0) FROM revisions WHERE release_id = ?",
                )
                .bind(id.0)
                .fetch_one(&mut *tx)
                .await
                .map_err(backend)?;
                u32::try_from(last + 1).map_err(|e| StoreError::Backend(e.to_string()))?
            }
            None => current.revision,
        };
        let published_at = match w.publish_at {
            PublishAt::Keep => current.published_at,
            PublishAt::Set(t) => Some(t),
            PublishAt::Clear => None,
        };
        // The check above ran in this transaction on the only writer, so
        // the conditions here cannot fail; they state the contract anyway.
        let done = sqlx::query(
            "UPDATE releases SET status = ?, revision = ?, published_at = ?, updated_at = ? \
             WHERE id = ? AND status = ? AND revision = ?",
        )
        .bind(w.status.as_str())
        .bind(i64::from(revision))
        .bind(published_at.map(to_micros))
        .bind(now_us)
        .bind(id.0)
        .bind(w.expect_status.as_str())
        .bind(i64::from(w.expect_revision))
        .execute(&mut *tx)
        .await
        .map_err(write_error)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Stale {
                id,
                expected: w.expect_status.to_string(),
                found: "a concurrent change".to_owned(),
            });
        }
        let mut slug = current.slug.clone();
        if w.content.is_some() {
            let repath = w.expect_status == Status::Draft;
            set_content(&mut tx, &current, &content, repath).await?;
            if repath {
                let stored: String = sqlx::query_scalar("SELECT slug FROM releases WHERE id = ?")
                    .bind(id.0)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend)?;
                slug = Slug::parse(&stored).map_err(corrupt("slug"))?;
            }
        }
        if let Some(note) = &w.public_revision {
            insert_revision(
                &mut tx,
                id.0,
                &RevisionDump {
                    number: revision,
                    event: w.action.as_str().to_owned(),
                    content: content.clone(),
                    change_note: note.clone(),
                    created_at: now,
                },
            )
            .await?;
            // The public revision enters the transparency log in the same
            // transaction: an acknowledged publication is always in the log.
            if let Some(event) = pressroom_store::ledger::leaf_event(w.action) {
                let path = pressroom_domain::ReleasePath {
                    date: content.date.date(),
                    slug: slug.clone(),
                };
                let leaf = pressroom_store::NewLeaf::new(
                    id.0,
                    &path,
                    revision,
                    event,
                    now,
                    &content,
                    note.as_deref(),
                )?;
                crate::ledger::append_log_leaves(&mut tx, vec![leaf]).await?;
            }
        }
        record_event(
            &mut tx,
            id.0,
            w.action.as_str(),
            current.status,
            w.status,
            w.actor,
            w.note.as_deref(),
            now_us,
        )
        .await?;
        let updated = Release {
            status: w.status,
            revision,
            published_at,
            updated_at: now,
            content,
            slug,
            ..current.clone()
        };
        let facets = FacetShift::changed(&current, &updated);
        record_change(&mut tx, id.0, w.action.as_str(), &facets, now_us).await?;
        tx.commit().await.map_err(backend)?;
        self.signal();
        Ok(updated)
    }

    pub(crate) async fn wf_author(&self, id: ReleaseId) -> StoreResult<Option<i64>> {
        let row: Option<Option<i64>> =
            sqlx::query_scalar("SELECT created_by FROM releases WHERE id = ?")
                .bind(id.0)
                .fetch_optional(&self.reader)
                .await
                .map_err(backend)?;
        Ok(row.flatten())
    }

    pub(crate) async fn wf_revisions(&self, id: ReleaseId) -> StoreResult<Vec<RevisionDump>> {
        let rows = sqlx::query(&format!(
            "SELECT r.number, r.event, r.content, r.change_note, r.created_at, {LEAF_COLUMN} \
             FROM revisions r {LEAF_OF_REVISION} WHERE r.release_id = ? ORDER BY r.number",
        ))
        .bind(id.0)
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok(RevisionDump {
                    number: u32::try_from(r.try_get::<i64, _>("number").map_err(backend)?)
                        .unwrap_or(0),
                    event: r.try_get("event").map_err(backend)?,
                    content: content_of(r)?,
                    change_note: r.try_get("change_note").map_err(backend)?,
                    created_at: from_micros(r.try_get("created_at").map_err(backend)?)?,
                })
            })
            .collect()
    }

    pub(crate) async fn wf_events(&self, id: ReleaseId) -> StoreResult<Vec<WorkflowEvent>> {
        let rows = sqlx::query(
            "SELECT action, from_status, to_status, actor, note, at FROM workflow_events \
             WHERE release_id = ? ORDER BY id",
        )
        .bind(id.0)
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok(WorkflowEvent {
                    release_id: id,
                    action: r.try_get("action").map_err(backend)?,
                    from: Status::parse(&r.try_get::<String, _>("from_status").map_err(backend)?)
                        .map_err(corrupt("event status"))?,
                    to: Status::parse(&r.try_get::<String, _>("to_status").map_err(backend)?)
                        .map_err(corrupt("event status"))?,
                    actor: r.try_get("actor").map_err(backend)?,
                    note: r.try_get("note").map_err(backend)?,
                    at: from_micros(r.try_get("at").map_err(backend)?)?,
                })
            })
            .collect()
    }

    pub(crate) async fn wf_due(&self, at: Timestamp, limit: u32) -> StoreResult<Vec<Release>> {
        let sql = format!(
            "SELECT {RELEASE_COLUMNS} FROM releases \
             WHERE status IN ('scheduled', 'embargoed') AND published_at <= ? \
             ORDER BY published_at, id LIMIT ?"
        );
        let rows = sqlx::query(&sql)
            .bind(to_micros(at))
            .bind(i64::from(limit))
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter().map(release_from_row).collect()
    }

    pub(crate) async fn wf_next_due(&self) -> StoreResult<Option<Timestamp>> {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(published_at) FROM releases WHERE status IN ('scheduled', 'embargoed')",
        )
        .fetch_one(&self.reader)
        .await
        .map_err(backend)?;
        next.map(from_micros).transpose()
    }

    pub(crate) async fn wf_next_public_after(
        &self,
        now: Timestamp,
    ) -> StoreResult<Option<Timestamp>> {
        // One seek per status in `releases_public` (status, published_at).
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(published_at) FROM releases \
             WHERE status IN ('published', 'withdrawn', 'scheduled', 'embargoed') \
             AND published_at > ?",
        )
        .bind(to_micros(now))
        .fetch_one(&self.reader)
        .await
        .map_err(backend)?;
        next.map(from_micros).transpose()
    }

    pub(crate) async fn wf_settings(&self) -> StoreResult<WorkflowSettings> {
        let skip: Option<i64> =
            sqlx::query_scalar("SELECT allow_skip_clearance FROM workflow_settings WHERE id = 1")
                .fetch_optional(&self.reader)
                .await
                .map_err(backend)?;
        Ok(WorkflowSettings {
            allow_skip_clearance: skip == Some(1),
        })
    }

    pub(crate) async fn wf_set_settings(
        &self,
        s: WorkflowSettings,
        now: Timestamp,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO workflow_settings (id, allow_skip_clearance, updated_at) VALUES (1, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET allow_skip_clearance = excluded.allow_skip_clearance, \
             updated_at = excluded.updated_at",
        )
        .bind(i64::from(s.allow_skip_clearance))
        .bind(to_micros(now))
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(())
    }

    pub(crate) async fn wf_create_preview_link(
        &self,
        link: NewPreviewLink,
        now: Timestamp,
    ) -> StoreResult<PreviewLink> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO preview_links (release_id, journalist, token_hash, created_by, \
             created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(link.release_id.0)
        .bind(&link.journalist)
        .bind(&link.token_hash)
        .bind(link.created_by)
        .bind(to_micros(now))
        .bind(to_micros(link.expires_at))
        .fetch_one(&self.writer)
        .await
        .map_err(write_error)?;
        Ok(PreviewLink {
            id,
            release_id: link.release_id,
            journalist: link.journalist,
            created_by: link.created_by,
            created_at: now,
            expires_at: link.expires_at,
        })
    }

    pub(crate) async fn wf_open_preview(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<(PreviewLink, Release)>> {
        let mut tx = self.writer.begin().await.map_err(backend)?;
        let link = sqlx::query(
            "SELECT id, release_id, journalist, created_by, created_at, expires_at \
             FROM preview_links WHERE token_hash = ? AND expires_at > ? AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .bind(to_micros(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
        let Some(link) = link.as_ref().map(preview_link).transpose()? else {
            return Ok(None);
        };
        let sql = format!(
            "SELECT {RELEASE_COLUMNS} FROM releases WHERE id = ? \
             AND status = 'embargoed' AND published_at > ?"
        );
        let release = sqlx::query(&sql)
            .bind(link.release_id.0)
            .bind(to_micros(now))
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
        let Some(release) = release.as_ref().map(release_from_row).transpose()? else {
            return Ok(None);
        };
        sqlx::query("INSERT INTO preview_accesses (link_id, at) VALUES (?, ?)")
            .bind(link.id)
            .bind(to_micros(now))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(Some((link, release)))
    }

    pub(crate) async fn wf_revoke_preview_link(
        &self,
        link_id: i64,
        now: Timestamp,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE preview_links SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
        )
        .bind(to_micros(now))
        .bind(link_id)
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn wf_preview_links(
        &self,
        id: ReleaseId,
    ) -> StoreResult<Vec<IssuedPreviewLink>> {
        let rows = sqlx::query(
            "SELECT l.id, l.release_id, l.journalist, l.created_by, l.created_at, \
             l.expires_at, l.revoked_at, \
             (SELECT COUNT(*) FROM preview_accesses a WHERE a.link_id = l.id) AS accesses \
             FROM preview_links l WHERE l.release_id = ? ORDER BY l.id",
        )
        .bind(id.0)
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|r| {
                let revoked_at: Option<i64> = r.try_get("revoked_at").map_err(backend)?;
                let accesses: i64 = r.try_get("accesses").map_err(backend)?;
                Ok(IssuedPreviewLink {
                    link: preview_link(r)?,
                    revoked_at: revoked_at.map(from_micros).transpose()?,
                    accesses: u64::try_from(accesses).unwrap_or(0),
                })
            })
            .collect()
    }

    pub(crate) async fn wf_preview_accesses(
        &self,
        id: ReleaseId,
    ) -> StoreResult<Vec<PreviewAccess>> {
        let rows = sqlx::query(
            "SELECT a.link_id, l.journalist, a.at FROM preview_accesses a \
             JOIN preview_links l ON l.id = a.link_id WHERE l.release_id = ? ORDER BY a.id",
        )
        .bind(id.0)
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok(PreviewAccess {
                    link_id: r.try_get("link_id").map_err(backend)?,
                    journalist: r.try_get("journalist").map_err(backend)?,
                    at: from_micros(r.try_get("at").map_err(backend)?)?,
                })
            })
            .collect()
    }
}

impl SqliteStore {
    pub(crate) async fn wf_desk(&self, query: &DeskQuery) -> StoreResult<Vec<Release>> {
        let mut q = QueryBuilder::<Sqlite>::new(format!(
            "SELECT {RELEASE_COLUMNS} FROM releases WHERE 1 = 1"
        ));
        if !query.statuses.is_empty() {
            q.push(" AND status IN (");
            let mut list = q.separated(", ");
            for status in &query.statuses {
                list.push_bind(status.as_str());
            }
            q.push(")");
        }
        if let Some(author) = query.author {
            q.push(" AND created_by = ").push_bind(author);
        }
        if let Some(before) = query.before {
            q.push(" AND id < ").push_bind(before.0);
        }
        q.push(" ORDER BY id DESC LIMIT ")
            .push_bind(i64::from(query.bounded_limit()));
        let rows = q.build().fetch_all(&self.reader).await.map_err(backend)?;
        rows.iter().map(release_from_row).collect()
    }
}
