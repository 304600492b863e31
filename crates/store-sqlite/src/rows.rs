//! Reading rows back into the domain model. Every column goes through the
//! domain's parsers, so a row altered outside pressroom surfaces as
//! [`StoreError::Corrupt`] rather than as an invalid value.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use pressroom_domain::{
    Attribution, Body, Dateline, Issuer, IssuerType, Kind, Language, Release, ReleaseContent,
    ReleaseDate, ReleaseId, ReleasePath, Slug, Status, Title,
};
use pressroom_store::{StoreError, StoreResult};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

pub(crate) const RELEASE_COLUMNS: &str = "id, slug, release_date, release_time, release_zone, \
    status, revision, title, kind, issuer, issuer_type, dateline, attribution, body, language, \
    published_at, created_at, updated_at";

pub(crate) fn backend(e: sqlx::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

pub(crate) fn to_micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

fn corrupt(what: &'static str) -> impl Fn(String) -> StoreError {
    move |reason| StoreError::Corrupt { what, reason }
}

fn from_micros(us: i64) -> StoreResult<Timestamp> {
    Timestamp::from_microsecond(us).map_err(|e| corrupt("timestamp")(e.to_string()))
}

fn get<'r, T>(row: &'r SqliteRow, col: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(col).map_err(backend)
}

fn opt<T, E: std::fmt::Display>(
    what: &'static str,
    v: Option<String>,
    parse: impl Fn(&str) -> Result<T, E>,
) -> StoreResult<Option<T>> {
    v.map(|s| parse(&s).map_err(|e| corrupt(what)(e.to_string())))
        .transpose()
}

pub(crate) fn path_from_row(row: &SqliteRow) -> StoreResult<ReleasePath> {
    let date: String = get(row, "release_date")?;
    let slug: String = get(row, "slug")?;
    Ok(ReleasePath {
        date: date
            .parse::<Date>()
            .map_err(|e| corrupt("release date")(e.to_string()))?,
        slug: Slug::parse(&slug).map_err(|e| corrupt("slug")(e.to_string()))?,
    })
}

pub(crate) fn release_from_row(row: &SqliteRow) -> StoreResult<Release> {
    let path = path_from_row(row)?;
    let mut date = ReleaseDate::from_date(path.date).map_err(|e| corrupt("date")(e.to_string()))?;
    let time: Option<String> = get(row, "release_time")?;
    let zone: Option<String> = get(row, "release_zone")?;
    if let (Some(time), Some(zone)) = (time, zone) {
        let t: Time = time
            .parse()
            .map_err(|e: jiff::Error| corrupt("release time")(e.to_string()))?;
        date = date
            .with_time(t, &zone)
            .map_err(|e| corrupt("release time zone")(e.to_string()))?;
    }
    let issuer_type: Option<String> = get(row, "issuer_type")?;
    let issuer_type = issuer_type
        .as_deref()
        .and_then(IssuerType::parse)
        .unwrap_or(IssuerType::Office);
    let body: String = get(row, "body")?;
    let body: Body = serde_json::from_str(&body).map_err(|e| corrupt("body")(e.to_string()))?;
    let status: String = get(row, "status")?;
    let revision: i64 = get(row, "revision")?;
    let published_at: Option<i64> = get(row, "published_at")?;
    let language: String = get(row, "language")?;
    Ok(Release {
        id: ReleaseId(get(row, "id")?),
        slug: path.slug,
        status: Status::parse(&status).map_err(|e| corrupt("status")(e.to_string()))?,
        revision: u32::try_from(revision).map_err(|e| corrupt("revision")(e.to_string()))?,
        published_at: published_at.map(from_micros).transpose()?,
        created_at: from_micros(get(row, "created_at")?)?,
        updated_at: from_micros(get(row, "updated_at")?)?,
        content: ReleaseContent {
            title: Title::parse(&get::<String>(row, "title")?)
                .map_err(|e| corrupt("title")(e.to_string()))?,
            kind: opt("kind", get(row, "kind")?, Kind::parse)?,
            issuer: opt("issuer", get(row, "issuer")?, |s| {
                Issuer::with_type(s, issuer_type)
            })?,
            dateline: opt("dateline", get(row, "dateline")?, Dateline::parse)?,
            date,
            attribution: opt("attribution", get(row, "attribution")?, Attribution::parse)?,
            body,
            language: Language::parse(&language).map_err(|e| corrupt("language")(e.to_string()))?,
        },
    })
}
