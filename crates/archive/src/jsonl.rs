//! JSON Lines in our own export format ([`crate::export_record`]): one
//! release per line, fields already clean, so nothing is repaired; every
//! field still goes through the domain's constructors.

use pressroom_domain::{
    Attribution, Body, Dateline, Issuer, IssuerType, Kind, Language, ReleaseContent, ReleaseDate,
    Status, Title,
};
use serde_json::Value;

use crate::error::{LineProblem, ParseError, Problem};
use crate::parse::{ParsedFile, ParsedRelease};

/// Parses a whole JSONL file; all or nothing like every format.
pub(crate) fn parse_jsonl(source: &str, text: &str) -> Result<ParsedFile, ParseError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut releases = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if line.trim().is_empty() {
            continue;
        }
        let release = record(line, no).map_err(|p| p.in_file(source))?;
        releases.push(release);
    }
    if releases.is_empty() {
        return Err(Problem::NoRelease.at(1).in_file(source));
    }
    Ok(ParsedFile {
        releases,
        held: Vec::new(),
        report: Vec::new(),
    })
}

fn record(line: &str, no: u32) -> Result<ParsedRelease, LineProblem> {
    let bad = |why: String| Problem::Record(why).at(no);
    let value: Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
    let obj = value
        .as_object()
        .ok_or_else(|| bad("expected a JSON object".into()))?;
    let text = |key: &str| -> Result<Option<&str>, LineProblem> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(bad(format!("\"{key}\" must be a string or null"))),
        }
    };
    let field = |e| Problem::from(e).at(no);
    let title = Title::parse(text("title")?.ok_or_else(|| bad("\"title\" is missing".into()))?)
        .map_err(field)?;
    let kind = text("kind")?.map(Kind::parse).transpose().map_err(field)?;
    let issuer = match text("issuer")? {
        None => None,
        Some(name) => Some(match text("issuer_type")?.and_then(IssuerType::parse) {
            Some(t) => Issuer::with_type(name, t),
            None => Issuer::parse(name),
        })
        .transpose()
        .map_err(field)?,
    };
    let dateline = text("dateline")?
        .map(Dateline::parse)
        .transpose()
        .map_err(field)?;
    let mut date =
        ReleaseDate::parse_iso(text("date")?.ok_or_else(|| bad("\"date\" is missing".into()))?)
            .map_err(field)?;
    if let Some(t) = text("time")? {
        let zone =
            text("time_zone")?.ok_or_else(|| bad("\"time\" without \"time_zone\"".into()))?;
        let time: jiff::civil::Time = t
            .parse()
            .map_err(|e| bad(format!("\"time\" {t:?} is not a time of day: {e}")))?;
        date = date.with_time(time, zone).map_err(field)?;
    }
    let attribution = text("attribution")?
        .map(Attribution::parse)
        .transpose()
        .map_err(field)?;
    let paragraphs: Vec<&str> = obj
        .get("body")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("\"body\" must be an array of paragraphs".into()))?
        .iter()
        .map(|p| {
            p.as_str()
                .ok_or_else(|| bad("\"body\" holds a non-string".into()))
        })
        .collect::<Result<_, _>>()?;
    let body = Body::from_texts(&paragraphs).map_err(field)?;
    let language = match text("language")? {
        Some(l) => Language::parse(l).map_err(field)?,
        None => Language::default(),
    };
    let status = text("status")?
        .map(Status::parse)
        .transpose()
        .map_err(field)?;
    let content = ReleaseContent {
        title,
        kind,
        issuer,
        dateline,
        date,
        attribution,
        body,
        language,
    };
    Ok(ParsedRelease::new(content, no, status))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"title":"A Title","kind":"Media Note","issuer":"Office of the Spokesperson","issuer_type":"office","dateline":"Washington, DC","date":"2018-12-19","attribution":null,"body":["One.","Two."],"language":"en","slug":"a-title","url":"x","status":"published","revision":1}"#;

    #[test]
    fn an_export_line_reads_back() {
        let f = parse_jsonl("a.jsonl", &format!("{LINE}\n\n{LINE}\n")).unwrap();
        assert_eq!(f.releases.len(), 2);
        let r = &f.releases[1];
        assert_eq!(r.line, 3);
        assert_eq!(r.content.title.as_str(), "A Title");
        assert_eq!(r.content.body.texts().collect::<Vec<_>>(), ["One.", "Two."]);
        assert_eq!(r.status, Some(Status::Published));
    }

    #[test]
    fn a_bad_line_names_its_line_and_field() {
        let bad = LINE.replace("2018-12-19", "2018-13-19");
        let e = parse_jsonl("a.jsonl", &format!("{LINE}\n{bad}\n")).unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse_jsonl("a.jsonl", "{\"title\": 3}").unwrap_err();
        assert!(e.reason.contains("\"title\" must be a string"), "{e}");
        let e = parse_jsonl("a.jsonl", "not json").unwrap_err();
        assert!(e.reason.starts_with("not a release record"), "{e}");
    }
}
