//! The newsroom's pages. Every handler but sign-in and invitations takes a
//! [`SignedIn`] (a live server-side session; without one the browser is
//! sent to the sign-in page) and passes its [`Actor`] to a use-case, which
//! checks the role. Every form carries the session's CSRF token, checked
//! by [`SignedIn::check_csrf`] before anything is done.

pub(crate) mod acts;
pub(crate) mod assets;
pub(crate) mod audit;
pub(crate) mod dashboard;
pub(crate) mod editor;
pub(crate) mod invitations;
pub(crate) mod releases;
pub(crate) mod session;
pub(crate) mod settings;
pub(crate) mod tokens;
pub(crate) mod users;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use pressroom_newsroom::Actor;
use pressroom_newsroom::accounts::same_secret;
use pressroom_render::SiteConfig;
use pressroom_render::newsroom::Who;

use crate::{AppError, AppState, NewsroomState};

/// The session cookie's name: `__Host-` prefixed (Secure, host-only, path
/// `/`) whenever the site is not plain HTTP on the loopback, where no
/// browser would keep a Secure cookie.
pub(crate) fn cookie_name(site: &SiteConfig) -> &'static str {
    if plain_local(site) {
        "pressroom_session"
    } else {
        "__Host-pressroom_session"
    }
}

fn plain_local(site: &SiteConfig) -> bool {
    url::Url::parse(&site.base_url).is_ok_and(|u| {
        u.scheme() == "http"
            && match u.host() {
                Some(url::Host::Domain(d)) => d == "localhost",
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            }
    })
}

/// The `Set-Cookie` value that starts a session.
pub(crate) fn session_cookie(site: &SiteConfig, token: &str) -> String {
    let secure = if plain_local(site) { "" } else { "; Secure" };
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax{secure}",
        cookie_name(site)
    )
}

/// The `Set-Cookie` value that ends it in the browser too.
pub(crate) fn cleared_cookie(site: &SiteConfig) -> String {
    let secure = if plain_local(site) { "" } else { "; Secure" };
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        cookie_name(site)
    )
}

/// The session token a request's cookies carry, if any.
pub(crate) fn session_token(headers: &HeaderMap, site: &SiteConfig) -> Option<String> {
    let name = cookie_name(site);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The address a request came from, for the audit log: the TCP peer (a
/// forwarding proxy's header is not trusted: anyone can send one).
#[derive(Debug, Clone)]
pub(crate) struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string()),
        ))
    }
}

/// A request with a live session.
#[derive(Debug, Clone)]
pub(crate) struct SignedIn {
    pub actor: Actor,
    pub csrf: String,
    pub token: String,
    pub address: String,
}

impl SignedIn {
    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, sent: &str) -> Result<(), AppError> {
        if same_secret(sent, &self.csrf) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "This form has expired or did not come from this site. Reload the page and try again."
                    .to_owned(),
            ))
        }
    }

    /// Who is signed in, for the page header.
    pub fn who(&self) -> Who {
        Who {
            email: self.actor.email.to_string(),
            role: self.actor.role.to_string(),
            admin: self.actor.role == pressroom_domain::Role::Admin,
            csrf: self.csrf.clone(),
        }
    }
}

/// Without a live session: off to the sign-in page (an old cookie, after
/// sign-out or after the user was disabled, ends here too).
pub(crate) struct SignInFirst;

impl IntoResponse for SignInFirst {
    fn into_response(self) -> Response {
        Redirect::to("/newsroom/login").into_response()
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let site = Arc::<SiteConfig>::from_ref(state);
        let newsroom = NewsroomState::from_ref(state);
        let Some(token) = session_token(&parts.headers, &site) else {
            return Err(SignInFirst.into_response());
        };
        let found = newsroom
            .accounts
            .session(&token)
            .await
            .map_err(|e| AppError::from(e).into_response())?;
        let Some((session, actor)) = found else {
            return Err(SignInFirst.into_response());
        };
        let ClientAddress(address) = ClientAddress::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|e| match e {});
        Ok(Self {
            actor,
            csrf: session.csrf_token,
            token,
            address,
        })
    }
}

/// The roles, in order, for select boxes.
pub(crate) fn role_names() -> Vec<&'static str> {
    pressroom_domain::Role::ALL
        .into_iter()
        .map(|r| r.as_str())
        .collect()
}

/// A role from a form field, or a 422 naming the field.
pub(crate) fn parse_role(s: &str) -> Result<pressroom_domain::Role, AppError> {
    pressroom_domain::Role::parse(s)
        .map_err(|e| AppError::Account(pressroom_newsroom::AccountError::Field(e)))
}
