use crate::pages::month_name;

/// The state of the listing as it lives in the URL: filters and page, so
/// that a filtered view can be bookmarked and shared. Parsing the request's
/// parameters into it is the web layer's job; printing it back is here, so
/// every link to the listing is written one way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListingQuery {
    pub kind: Option<String>,
    pub issuer: Option<String>,
    pub year: Option<i16>,
    /// Only with `year`.
    pub month: Option<i8>,
    /// From 1; 1 is not printed.
    pub page: u32,
}

impl ListingQuery {
    pub fn kind(kind: &str) -> Self {
        Self {
            kind: Some(kind.to_owned()),
            ..Self::default()
        }
    }

    pub fn issuer(issuer: &str) -> Self {
        Self {
            issuer: Some(issuer.to_owned()),
            ..Self::default()
        }
    }

    pub fn month(year: i16, month: i8) -> Self {
        Self {
            year: Some(year),
            month: Some(month),
            ..Self::default()
        }
    }

    pub fn is_filtered(&self) -> bool {
        self.kind.is_some() || self.issuer.is_some() || self.year.is_some()
    }

    /// The same filters on another page.
    pub fn with_page(&self, page: u32) -> Self {
        Self {
            page,
            ..self.clone()
        }
    }

    /// Adds the filters as query parameters, in the one fixed order (the
    /// read API's links use it too).
    pub fn append_filters(&self, q: &mut url::form_urlencoded::Serializer<'_, String>) {
        if let Some(k) = &self.kind {
            q.append_pair("kind", k);
        }
        if let Some(i) = &self.issuer {
            q.append_pair("issuer", i);
        }
        if let Some(y) = self.year {
            q.append_pair("year", &y.to_string());
            if let Some(m) = self.month {
                q.append_pair("month", &m.to_string());
            }
        }
    }

    /// The address of this view: `/` with the filters as parameters in a
    /// fixed order, so one view has one URL.
    pub fn to_url(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        self.append_filters(&mut q);
        if self.page > 1 {
            q.append_pair("page", &self.page.to_string());
        }
        let q = q.finish();
        if q.is_empty() {
            "/".to_owned()
        } else {
            format!("/?{q}")
        }
    }

    /// The filters in words: "Readout, Office of the Spokesperson, November
    /// 2026"; `None` when unfiltered.
    pub fn summary(&self) -> Option<String> {
        let mut parts: Vec<String> = Vec::new();
        parts.extend(self.kind.clone());
        parts.extend(self.issuer.clone());
        if let Some(y) = self.year {
            parts.push(match self.month {
                Some(m) => format!("{} {y}", month_name(m)),
                None => y.to_string(),
            });
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_lists_filters_in_a_fixed_order_and_encodes_them() {
        let q = ListingQuery {
            kind: Some("Media Note".into()),
            issuer: Some("Elena Varga, Minister & Co".into()),
            year: Some(2026),
            month: Some(11),
            page: 2,
        };
        assert_eq!(
            q.to_url(),
            "/?kind=Media+Note&issuer=Elena+Varga%2C+Minister+%26+Co&year=2026&month=11&page=2"
        );
        assert_eq!(ListingQuery::default().to_url(), "/");
        assert_eq!(ListingQuery::default().with_page(1).to_url(), "/");
        assert_eq!(
            q.summary().as_deref(),
            Some("Media Note, Elena Varga, Minister & Co, November 2026")
        );
    }

    #[test]
    fn a_month_without_a_year_is_not_printed() {
        let q = ListingQuery {
            month: Some(3),
            ..Default::default()
        };
        assert_eq!(q.to_url(), "/");
        assert_eq!(q.summary(), None);
    }
}
