use pressroom_domain::Release;
use serde_json::{Map, Value, json};

/// One line of `pressroom export --format jsonl`: a JSON object with stable
/// keys (title, kind, issuer, dateline, date, attribution, body, slug, url,
/// status), plus issuer_type, language, revision, and time / time_zone when
/// the release has a time of day. Absent optional fields are `null`, never
/// missing, so that consumers can rely on the keys.
pub fn export_record(release: &Release, base_url: &str) -> Value {
    let c = &release.content;
    let mut record = Map::new();
    let mut put = |k: &str, v: Value| {
        record.insert(k.to_owned(), v);
    };
    put("title", json!(c.title.as_str()));
    put("kind", json!(c.kind.as_ref().map(|k| k.as_str())));
    put("issuer", json!(c.issuer.as_ref().map(|i| i.as_str())));
    put(
        "issuer_type",
        json!(c.issuer.as_ref().map(|i| i.issuer_type().as_str())),
    );
    put("dateline", json!(c.dateline.as_ref().map(|d| d.as_str())));
    put("date", json!(c.date.date().to_string()));
    if let Some(t) = c.date.time() {
        put("time", json!(t.time.strftime("%H:%M").to_string()));
        put("time_zone", json!(t.zone));
    }
    put(
        "attribution",
        json!(c.attribution.as_ref().map(|a| a.as_str())),
    );
    put("body", json!(c.body.texts().collect::<Vec<_>>()));
    put("language", json!(c.language.as_str()));
    put("slug", json!(release.slug.as_str()));
    put(
        "url",
        json!(format!(
            "{}{}",
            base_url.trim_end_matches('/'),
            release.path()
        )),
    );
    put("status", json!(release.status.as_str()));
    put("revision", json!(release.revision));
    Value::Object(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use jiff::civil::time;
    use pressroom_domain::{
        Body, Issuer, Kind, Language, ReleaseContent, ReleaseDate, ReleaseId, Slug, Status, Title,
    };

    fn release() -> Release {
        let t = Timestamp::from_second(1_545_177_600).unwrap();
        Release {
            id: ReleaseId(7),
            slug: Slug::parse("sanctions-announcement-on-russia").unwrap(),
            status: Status::Published,
            revision: 1,
            published_at: Some(t),
            created_at: t,
            updated_at: t,
            content: ReleaseContent {
                title: Title::parse("Sanctions Announcement on Russia").unwrap(),
                kind: Some(Kind::MediaNote),
                issuer: Some(Issuer::parse("Office of the Spokesperson").unwrap()),
                dateline: None,
                date: ReleaseDate::parse_iso("2018-12-19").unwrap(),
                attribution: None,
                body: Body::from_texts(&["One.", "Two."]).unwrap(),
                language: Language::default(),
            },
        }
    }

    #[test]
    fn the_record_has_exactly_the_stable_keys() {
        let v = export_record(&release(), "https://example.gov/");
        let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "attribution",
                "body",
                "date",
                "dateline",
                "issuer",
                "issuer_type",
                "kind",
                "language",
                "revision",
                "slug",
                "status",
                "title",
                "url"
            ]
        );
        assert_eq!(v["dateline"], Value::Null);
        assert_eq!(v["attribution"], Value::Null);
        assert_eq!(v["date"], "2018-12-19");
        assert_eq!(v["body"], json!(["One.", "Two."]));
        assert_eq!(
            v["url"],
            "https://example.gov/releases/2018/12/19/sanctions-announcement-on-russia"
        );
        assert_eq!(v["status"], "published");
    }

    #[test]
    fn a_time_of_day_adds_time_and_zone() {
        let mut r = release();
        r.content.date = r
            .content
            .date
            .with_time(time(14, 30, 0, 0), "America/New_York")
            .unwrap();
        r.content.kind = None;
        let v = export_record(&r, "https://example.gov");
        assert_eq!(v["time"], "14:30");
        assert_eq!(v["time_zone"], "America/New_York");
        assert_eq!(v["kind"], Value::Null);
    }
}
