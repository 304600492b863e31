use std::path::Path;

use anyhow::Context;
use pressroom_render::SiteConfig;

/// The default settings file, read when present and no other is named.
const DEFAULT_FILE: &str = "pressroom.toml";

/// Sets one setting from an environment variable's value.
type Setter = fn(&mut SiteConfig, String);

/// Environment variables that override single settings, for containers.
const ENV_OVERRIDES: [(&str, Setter); 6] = [
    ("PRESSROOM_SITE_NAME", |c, v| c.name = v),
    ("PRESSROOM_OPERATOR", |c, v| c.operator = v),
    ("PRESSROOM_FOOTER", |c, v| c.footer = v),
    ("PRESSROOM_BASE_URL", |c, v| c.base_url = v),
    ("PRESSROOM_TIME_ZONE", |c, v| c.time_zone = v),
    // Comma-separated: "gov, norvia.example".
    ("PRESSROOM_ALLOWED_DOMAINS", |c, v| {
        c.allowed_domains = v
            .split(',')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned)
            .collect();
    }),
];

/// Loads the site settings: defaults, then the TOML file, then environment.
/// `base_url_default` fills the base URL when neither file nor environment
/// sets it (the address being served).
pub fn load(file: Option<&Path>, base_url_default: Option<String>) -> anyhow::Result<SiteConfig> {
    let (path, required) = match file {
        Some(p) => (p, true),
        None => (Path::new(DEFAULT_FILE), false),
    };
    let mut config = if path.exists() || required {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read settings file {}", path.display()))?;
        let mut table: toml::Table = toml::from_str(&text)
            .with_context(|| format!("settings file {} is not valid TOML", path.display()))?;
        let had_base = table.contains_key("base_url");
        if !had_base && let Some(b) = &base_url_default {
            table.insert("base_url".into(), toml::Value::String(b.clone()));
        }
        table
            .try_into::<SiteConfig>()
            .with_context(|| format!("settings file {}", path.display()))?
    } else {
        let mut c = SiteConfig::default();
        if let Some(b) = base_url_default {
            c.base_url = b;
        }
        c
    };
    for (var, set) in ENV_OVERRIDES {
        if let Ok(v) = std::env::var(var) {
            set(&mut config, v);
        }
    }
    check(&config)?;
    Ok(config)
}

/// Refuses settings that would make a broken site, naming the setting.
fn check(config: &SiteConfig) -> anyhow::Result<()> {
    jiff::tz::TimeZone::get(&config.time_zone)
        .with_context(|| format!("time_zone {:?} is not a known IANA zone", config.time_zone))?;
    if pressroom_render::external_host(&config.base_url).is_none() {
        anyhow::bail!(
            "base_url {:?} is not an http(s) address such as https://press.example.gov",
            config.base_url
        );
    }
    if !(1..=pressroom_render::MAX_SITEMAP_URLS).contains(&config.sitemap_span) {
        anyhow::bail!(
            "sitemap_span {} is not between 1 and {} (release ids per sitemap file)",
            config.sitemap_span,
            pressroom_render::MAX_SITEMAP_URLS
        );
    }
    for d in &config.allowed_domains {
        let name = d.trim().trim_start_matches('.');
        let ok = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if !ok {
            anyhow::bail!(
                "allowed_domains entry {d:?} is not a domain name: write it like \"gov\" or \"example.org\", without a scheme or path"
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_settings_file_overrides_defaults_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.toml");
        std::fs::write(&p, "name = \"Norvia Press\"\n").unwrap();
        let c = load(Some(&p), Some("http://127.0.0.1:9".into())).unwrap();
        assert_eq!(c.name, "Norvia Press");
        assert_eq!(c.base_url, "http://127.0.0.1:9");
        assert_eq!(c.operator, SiteConfig::default().operator);
    }

    #[test]
    fn an_unknown_setting_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.toml");
        std::fs::write(&p, "nmae = \"typo\"\n").unwrap();
        let e = format!("{:#}", load(Some(&p), None).unwrap_err());
        assert!(e.contains("nmae"), "{e}");
    }

    #[test]
    fn allowed_domains_come_from_the_file_and_bad_ones_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.toml");
        std::fs::write(&p, "allowed_domains = [\"gov\", \".norvia.example\"]\n").unwrap();
        let c = load(Some(&p), Some("http://127.0.0.1:9".into())).unwrap();
        assert_eq!(c.allowed_domains, ["gov", ".norvia.example"]);
        std::fs::write(&p, "allowed_domains = [\"https://un.org/\"]\n").unwrap();
        let e = format!("{:#}", load(Some(&p), None).unwrap_err());
        assert!(
            e.contains("\"https://un.org/\" is not a domain name"),
            "{e}"
        );
    }

    #[test]
    fn a_base_url_that_is_not_a_web_address_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.toml");
        std::fs::write(&p, "base_url = \"press.example\"\n").unwrap();
        let e = format!("{:#}", load(Some(&p), None).unwrap_err());
        assert!(e.contains("base_url \"press.example\""), "{e}");
    }

    #[test]
    fn a_missing_named_settings_file_is_an_error() {
        let e = load(Some(Path::new("/nonexistent/x.toml")), None).unwrap_err();
        assert!(format!("{e:#}").contains("/nonexistent/x.toml"));
    }
}
