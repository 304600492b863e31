//! A cached page in each content coding: compressed once when it is
//! stored, never per request. Each coding has its own ETag (the rendered
//! page's, suffixed), as the bytes differ.

use std::io::Write;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};

/// A content coding the cache keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    /// The best coding `Accept-Encoding` allows: brotli (smallest), then
    /// gzip, else none. A coding with `q=0` is refused.
    pub(super) fn preferred(headers: &HeaderMap) -> Self {
        let (mut br, mut gzip) = (false, false);
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parts = item.split(';');
                let name = parts.next().unwrap_or("").trim();
                let refused = parts.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                if refused {
                    continue;
                }
                // Compared without allocating: this runs on every hit.
                let is = |coding: &str| name.eq_ignore_ascii_case(coding);
                if is("br") {
                    br = true;
                } else if is("gzip") || is("x-gzip") {
                    gzip = true;
                } else if name == "*" {
                    br = true;
                    gzip = true;
                }
            }
        }
        if br {
            Encoding::Brotli
        } else if gzip {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }
}

/// One coding of a page: its headers and bytes, ready to send.
#[derive(Debug)]
struct Variant {
    headers: HeaderMap,
    body: Bytes,
}

/// A page as rendered, and compressed where that makes it smaller.
#[derive(Debug)]
pub(super) struct Variants {
    identity: Variant,
    gzip: Option<Variant>,
    brotli: Option<Variant>,
}

/// Bodies below this are sent as they are: compressing them saves less
/// than the headers cost.
const MIN_COMPRESSED: usize = 256;

/// Whether a `Content-Type` is text that compresses.
fn compressible(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            t.starts_with("text/")
                || t.contains("xml")
                || t.contains("json")
                || t.contains("javascript")
                || t.starts_with("image/svg")
        })
}

impl Variants {
    /// `body` as rendered, with the handler's `headers` (and `Vary:
    /// Accept-Encoding` when it will be kept compressed too): what the
    /// request that rendered a large page is sent before it is compressed.
    pub(super) fn uncompressed(mut headers: HeaderMap, body: Bytes) -> Self {
        if compressible(&headers) && body.len() >= MIN_COMPRESSED {
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        Self {
            identity: Variant { headers, body },
            gzip: None,
            brotli: None,
        }
    }

    /// Stores `body` (the identity coding, with the handler's `headers`)
    /// and its gzip and brotli codings.
    pub(super) fn compress(headers: HeaderMap, body: Bytes) -> Self {
        if !compressible(&headers) || body.len() < MIN_COMPRESSED {
            return Self::uncompressed(headers, body);
        }
        let Self {
            identity: Variant { headers, body },
            ..
        } = Self::uncompressed(headers, body);
        let variant = |coding: &'static str, bytes: Option<Vec<u8>>| {
            let bytes = bytes.filter(|b| b.len() < body.len())?;
            let mut h = headers.clone();
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
            if let Some(etag) = headers.get(header::ETAG).and_then(|v| v.to_str().ok()) {
                // "abc" -> "abc-gzip": distinct per coding, still strong.
                let tagged = format!("{}-{coding}\"", etag.trim_end_matches('"'));
                match HeaderValue::from_str(&tagged) {
                    Ok(v) => {
                        h.insert(header::ETAG, v);
                    }
                    Err(_) => {
                        h.remove(header::ETAG);
                    }
                }
            }
            Some(Variant {
                headers: h,
                body: Bytes::from(bytes),
            })
        };
        let gzip = variant("gzip", gzip(&body));
        let brotli = variant("br", brotli(&body));
        Self {
            identity: Variant { headers, body },
            gzip,
            brotli,
        }
    }

    /// The bytes held, every coding counted.
    pub(super) fn size(&self) -> usize {
        let each = |v: &Variant| v.body.len() + 64 * v.headers.len();
        each(&self.identity)
            + self.gzip.as_ref().map_or(0, each)
            + self.brotli.as_ref().map_or(0, each)
    }

    /// The coding to send for `accepted`: the best the client takes that
    /// the page has.
    pub(super) fn pick(&self, accepted: Encoding) -> (&HeaderMap, &Bytes) {
        let v = match accepted {
            Encoding::Brotli => self
                .brotli
                .as_ref()
                .or(self.gzip.as_ref())
                .unwrap_or(&self.identity),
            Encoding::Gzip => self.gzip.as_ref().unwrap_or(&self.identity),
            Encoding::Identity => &self.identity,
        };
        (&v.headers, &v.body)
    }
}

fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 3),
        flate2::Compression::new(6),
    );
    encoder.write_all(body).ok()?;
    encoder.finish().ok()
}

fn brotli(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len() / 4);
    {
        // Quality 6: most of brotli's gain at a few milliseconds for a
        // large listing, paid once per render.
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 6, 22);
        writer.write_all(body).ok()?;
        writer.flush().ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).expect("header"),
        );
        h
    }

    #[test]
    fn the_best_coding_the_client_accepts_is_chosen() {
        assert_eq!(
            Encoding::preferred(&accept("gzip, deflate, br")),
            Encoding::Brotli
        );
        assert_eq!(Encoding::preferred(&accept("gzip")), Encoding::Gzip);
        assert_eq!(Encoding::preferred(&accept("br;q=0, gzip")), Encoding::Gzip);
        assert_eq!(Encoding::preferred(&accept("identity")), Encoding::Identity);
        assert_eq!(Encoding::preferred(&HeaderMap::new()), Encoding::Identity);
    }

    #[test]
    fn each_coding_decodes_to_the_page_and_has_its_own_etag() {
        let page = "<p>The ministry announces a statement.</p>\n".repeat(50);
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(header::ETAG, HeaderValue::from_static("\"abc\""));
        let v = Variants::compress(headers, Bytes::from(page.clone()));

        let (h, gz) = v.pick(Encoding::Gzip);
        assert_eq!(h[header::CONTENT_ENCODING], "gzip");
        assert_eq!(h[header::ETAG], "\"abc-gzip\"");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut text)
            .expect("gunzip");
        assert_eq!(text, page);

        let (h, br) = v.pick(Encoding::Brotli);
        assert_eq!(h[header::ETAG], "\"abc-br\"");
        let mut text = String::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut text)
            .expect("unbrotli");
        assert_eq!(text, page);

        let (h, plain) = v.pick(Encoding::Identity);
        assert_eq!(h[header::ETAG], "\"abc\"");
        assert_eq!(h[header::VARY], "accept-encoding");
        assert!(h.get(header::CONTENT_ENCODING).is_none());
        assert_eq!(plain, &Bytes::from(page));
    }
}
