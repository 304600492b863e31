//! Throwaway databases for tests: each test gets a database of its own on
//! the shared server, created with a unique name and dropped when the
//! [`ScratchDatabase`] goes out of scope.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// The server tests use unless `PRESSROOM_TEST_POSTGRES` names another: the
/// machine's PostgreSQL on loopback, trust authentication.
pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The administrative URL tests connect to.
pub fn admin_url() -> String {
    std::env::var("PRESSROOM_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned())
}

/// A database created for one test and dropped after it.
#[derive(Debug)]
pub struct ScratchDatabase {
    admin: String,
    name: String,
    url: String,
}

impl ScratchDatabase {
    /// Creates an empty database on the test server. Fails, loudly, when
    /// the server cannot be reached: tests must not pass by skipping.
    pub async fn create() -> Result<Self, sqlx::Error> {
        Self::create_on(&admin_url()).await
    }

    /// Creates an empty database on the server an admin URL names.
    pub async fn create_on(admin: &str) -> Result<Self, sqlx::Error> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "pressroom_test_{}_{}_{}",
            std::process::id(),
            nanos,
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut conn = PgConnection::connect(admin).await?;
        // The name is generated above from digits and underscores only.
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        let base = admin.rsplit_once('/').map_or(admin, |(base, _)| base);
        Ok(Self {
            admin: admin.to_owned(),
            url: format!("{base}/{name}"),
            name,
        })
    }

    /// The `postgres://` URL of the scratch database.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        // Drop runs outside any async context it could borrow, so the DROP
        // gets a thread and a small runtime of its own.
        let admin = self.admin.clone();
        let name = self.name.clone();
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let mut conn = PgConnection::connect(&admin).await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await
                    .ok()?;
                conn.close().await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("warning: could not drop the scratch database {}", self.name);
        }
    }
}
