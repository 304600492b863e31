use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pressroom_render::{OPENAPI, SiteConfig};

/// Where the document names its server, replaced when served.
const SERVERS: &str = r#""servers": [{ "url": "/" }]"#;

/// `/api/openapi.json`: the API's description, with this site's address as
/// its server so that clients and test tools can call it as served.
pub(crate) async fn document(State(site): State<Arc<SiteConfig>>) -> Response {
    let url = serde_json::Value::String(site.absolute("/"));
    (
        [(header::CONTENT_TYPE, "application/json")],
        OPENAPI.replacen(SERVERS, &format!(r#""servers": [{{ "url": {url} }}]"#), 1),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_parses_and_names_its_server_where_it_is_replaced() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).expect("valid JSON");
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(OPENAPI.contains(SERVERS));
    }
}
