//! [`AccountStore`] on PostgreSQL: users, sessions, invitations, failed
//! sign-ins, API tokens and the audit log (append-only, enforced by a
//! trigger in `migrations/0002_accounts.sql`).

use async_trait::async_trait;
use jiff::Timestamp;
use pressroom_domain::{Email, Role};
use pressroom_store::accounts::{USER_COLUMNS, UserRow};
use pressroom_store::row::from_micros;
use pressroom_store::{
    AccountStore, ApiToken, ApiTokenId, AuditEvent, AuditRecord, Invitation, NewUser, Session,
    StoreError, StoreResult, User, UserId,
};
use sqlx::postgres::PgRow;
use sqlx::{Postgres, Row, Transaction};

use crate::PgStore;

fn backend(e: sqlx::Error) -> StoreError {
    crate::classify(e)
}

/// A unique value already taken is a conflict the caller can name.
fn write_error(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(db.message().to_owned())
        }
        _ => backend(e),
    }
}

fn to_micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

fn user_from_row(row: &PgRow) -> StoreResult<User> {
    UserRow {
        id: row.try_get("id").map_err(backend)?,
        email: row.try_get("email").map_err(backend)?,
        name: row.try_get("name").map_err(backend)?,
        role: row.try_get("role").map_err(backend)?,
        disabled: row.try_get("disabled").map_err(backend)?,
        password_hash: row.try_get("password_hash").map_err(backend)?,
        totp_secret: row.try_get("totp_secret").map_err(backend)?,
        created_at: row.try_get("created_at").map_err(backend)?,
    }
    .into_user()
}

fn role_from(s: &str) -> StoreResult<Role> {
    Role::parse(s).map_err(|e| StoreError::Corrupt {
        what: "role",
        reason: e.to_string(),
    })
}

fn token_from_row(row: &PgRow) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: ApiTokenId(row.try_get("id").map_err(backend)?),
        token_hash: row.try_get("token_hash").map_err(backend)?,
        user_id: UserId(row.try_get("user_id").map_err(backend)?),
        label: row.try_get("label").map_err(backend)?,
        role: role_from(&row.try_get::<String, _>("role").map_err(backend)?)?,
        created_at: from_micros(row.try_get("created_at").map_err(backend)?)?,
        revoked_at: row
            .try_get::<Option<i64>, _>("revoked_at")
            .map_err(backend)?
            .map(from_micros)
            .transpose()?,
    })
}

fn session_from_row(row: &PgRow) -> StoreResult<Session> {
    Ok(Session {
        token_hash: row.try_get("token_hash").map_err(backend)?,
        user_id: UserId(row.try_get("user_id").map_err(backend)?),
        csrf_token: row.try_get("csrf_token").map_err(backend)?,
        created_at: from_micros(row.try_get("s_created_at").map_err(backend)?)?,
        last_seen_at: from_micros(row.try_get("last_seen_at").map_err(backend)?)?,
        expires_at: from_micros(row.try_get("expires_at").map_err(backend)?)?,
    })
}

fn audit_from_row(row: &PgRow) -> StoreResult<AuditRecord> {
    Ok(AuditRecord {
        seq: row.try_get("seq").map_err(backend)?,
        event: AuditEvent {
            at: from_micros(row.try_get("at").map_err(backend)?)?,
            actor: row
                .try_get::<Option<i64>, _>("actor")
                .map_err(backend)?
                .map(UserId),
            actor_label: row.try_get("actor_label").map_err(backend)?,
            action: row.try_get("action").map_err(backend)?,
            subject: row.try_get("subject").map_err(backend)?,
            address: row.try_get("address").map_err(backend)?,
        },
    })
}

async fn insert_user(
    tx: &mut Transaction<'_, Postgres>,
    user: &NewUser,
    now: Timestamp,
) -> StoreResult<User> {
    let row = sqlx::query(&format!(
        "INSERT INTO users (email, name, role, password_hash, totp_secret, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {}",
        USER_COLUMNS.replace("u.", "")
    ))
    .bind(user.email.as_str())
    .bind(user.name.as_str())
    .bind(user.role.as_str())
    .bind(&user.password_hash)
    .bind(&user.totp_secret)
    .bind(to_micros(now))
    .fetch_one(&mut **tx)
    .await
    .map_err(write_error)?;
    user_from_row(&row)
}

#[async_trait]
impl AccountStore for PgStore {
    async fn create_user(&self, user: NewUser, now: Timestamp) -> StoreResult<User> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let created = insert_user(&mut tx, &user, now).await?;
        tx.commit().await.map_err(backend)?;
        Ok(created)
    }

    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
        ))
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?
        .as_ref()
        .map(user_from_row)
        .transpose()
    }

    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<User>> {
        sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1"
        ))
        .bind(email.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?
        .as_ref()
        .map(user_from_row)
        .transpose()
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.id"))
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
            .iter()
            .map(user_from_row)
            .collect()
    }

    async fn user_count(&self) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn set_password_hash(&self, id: UserId, hash: &str) -> StoreResult<()> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id.0)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn set_totp_secret(&self, id: UserId, secret: Option<&str>) -> StoreResult<()> {
        sqlx::query("UPDATE users SET totp_secret = $1, totp_last_step = 0 WHERE id = $2")
            .bind(secret)
            .bind(id.0)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn use_totp_step(&self, id: UserId, step: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1",
        )
        .bind(step)
        .bind(id.0)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_role(&self, id: UserId, role: Role) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }

    async fn set_disabled(&self, id: UserId, disabled: bool) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(disabled)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)
    }

    async fn create_session(&self, s: Session) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&s.token_hash)
        .bind(s.user_id.0)
        .bind(&s.csrf_token)
        .bind(to_micros(s.created_at))
        .bind(to_micros(s.last_seen_at))
        .bind(to_micros(s.expires_at))
        .execute(&self.pool)
        .await
        .map_err(|e| self.write_error(e))?;
        Ok(())
    }

    async fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<(Session, User)>> {
        let row = sqlx::query(&format!(
            "SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at AS s_created_at, \
             s.last_seen_at, s.expires_at, {USER_COLUMNS} \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled"
        ))
        .bind(token_hash)
        .bind(to_micros(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        row.map(|r| Ok((session_from_row(&r)?, user_from_row(&r)?)))
            .transpose()
    }

    async fn touch_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(to_micros(now))
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn record_login_failure(&self, id: UserId, at: Timestamp) -> StoreResult<()> {
        sqlx::query("INSERT INTO login_failures (user_id, at) VALUES ($1, $2)")
            .bind(id.0)
            .bind(to_micros(at))
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn login_failures_since(&self, id: UserId, since: Timestamp) -> StoreResult<u32> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_failures WHERE user_id = $1 AND at >= $2",
        )
        .bind(id.0)
        .bind(to_micros(since))
        .fetch_one(&self.pool)
        .await
        .map_err(backend)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn create_invitation(&self, inv: Invitation) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO invitations (token_hash, email, role, invited_by, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&inv.token_hash)
        .bind(inv.email.as_str())
        .bind(inv.role.as_str())
        .bind(inv.invited_by.0)
        .bind(to_micros(inv.expires_at))
        .execute(&self.pool)
        .await
        .map_err(|e| self.write_error(e))?;
        Ok(())
    }

    async fn invitation(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<Invitation>> {
        let row = sqlx::query(
            "SELECT token_hash, email, role, invited_by, expires_at FROM invitations \
             WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(to_micros(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        row.map(|r| {
            Ok(Invitation {
                token_hash: r.try_get("token_hash").map_err(backend)?,
                email: Email::parse(&r.try_get::<String, _>("email").map_err(backend)?).map_err(
                    |e| StoreError::Corrupt {
                        what: "invitation",
                        reason: e.to_string(),
                    },
                )?,
                role: role_from(&r.try_get::<String, _>("role").map_err(backend)?)?,
                invited_by: UserId(r.try_get("invited_by").map_err(backend)?),
                expires_at: from_micros(r.try_get("expires_at").map_err(backend)?)?,
            })
        })
        .transpose()
    }

    async fn accept_invitation(
        &self,
        token_hash: &str,
        user: NewUser,
        now: Timestamp,
    ) -> StoreResult<Option<User>> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let used = sqlx::query("DELETE FROM invitations WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash)
            .bind(to_micros(now))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if used.rows_affected() != 1 {
            return Ok(None);
        }
        let created = insert_user(&mut tx, &user, now).await?;
        tx.commit().await.map_err(backend)?;
        Ok(Some(created))
    }

    async fn create_api_token(
        &self,
        token_hash: &str,
        user_id: UserId,
        label: &str,
        role: Role,
        now: Timestamp,
    ) -> StoreResult<ApiToken> {
        let row = sqlx::query(
            "INSERT INTO api_tokens (token_hash, user_id, label, role, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING *",
        )
        .bind(token_hash)
        .bind(user_id.0)
        .bind(label)
        .bind(role.as_str())
        .bind(to_micros(now))
        .fetch_one(&self.pool)
        .await
        .map_err(|e| self.write_error(e))?;
        token_from_row(&row)
    }

    async fn api_token(&self, token_hash: &str) -> StoreResult<Option<(ApiToken, User)>> {
        let row = sqlx::query(&format!(
            "SELECT t.id AS t_id, t.token_hash, t.user_id, t.label, t.role AS t_role, \
             t.created_at AS t_created_at, t.revoked_at, {USER_COLUMNS} \
             FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND NOT u.disabled"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        row.map(|r| {
            let token = ApiToken {
                id: ApiTokenId(r.try_get("t_id").map_err(backend)?),
                token_hash: r.try_get("token_hash").map_err(backend)?,
                user_id: UserId(r.try_get("user_id").map_err(backend)?),
                label: r.try_get("label").map_err(backend)?,
                role: role_from(&r.try_get::<String, _>("t_role").map_err(backend)?)?,
                created_at: from_micros(r.try_get("t_created_at").map_err(backend)?)?,
                revoked_at: None,
            };
            Ok((token, user_from_row(&r)?))
        })
        .transpose()
    }

    async fn api_tokens(&self, user: Option<UserId>) -> StoreResult<Vec<ApiToken>> {
        sqlx::query(
            "SELECT * FROM api_tokens WHERE $1::BIGINT IS NULL OR user_id = $1 ORDER BY id DESC",
        )
        .bind(user.map(|u| u.0))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(token_from_row)
        .collect()
    }

    async fn api_token_by_id(&self, id: ApiTokenId) -> StoreResult<Option<ApiToken>> {
        sqlx::query("SELECT * FROM api_tokens WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
            .as_ref()
            .map(token_from_row)
            .transpose()
    }

    async fn revoke_api_token(&self, id: ApiTokenId, now: Timestamp) -> StoreResult<()> {
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(to_micros(now))
            .bind(id.0)
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn append_audit(&self, e: AuditEvent) -> StoreResult<i64> {
        sqlx::query_scalar(
            "INSERT INTO audit_log (at, actor, actor_label, action, subject, address) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq",
        )
        .bind(to_micros(e.at))
        .bind(e.actor.map(|a| a.0))
        .bind(&e.actor_label)
        .bind(&e.action)
        .bind(&e.subject)
        .bind(&e.address)
        .fetch_one(&self.pool)
        .await
        .map_err(backend)
    }

    async fn audit_after(&self, after: i64, limit: u32) -> StoreResult<Vec<AuditRecord>> {
        sqlx::query("SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2")
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
            .iter()
            .map(audit_from_row)
            .collect()
    }

    async fn audit_latest(&self, limit: u32) -> StoreResult<Vec<AuditRecord>> {
        sqlx::query("SELECT * FROM audit_log ORDER BY seq DESC LIMIT $1")
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
            .iter()
            .map(audit_from_row)
            .collect()
    }
}
