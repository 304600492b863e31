//! The HTTP face of pressroom, on axum: [`router`] lists every route,
//! [`AppState`] holds what handlers may use, [`AppError`] turns failures into
//! safe pages, [`PublicSearch`] is the search index behind the visibility
//! gate, [`PageCache`] keeps a node's rendered pages until the change
//! feed reports a write, and [`serve`] runs it with graceful shutdown.
//!
//! Public handlers (`handlers/public/`) extract only a
//! [`pressroom_store::PublicView`] from the state, never the store itself:
//! that is what keeps unpublished releases off every public surface.
//! Newsroom handlers (`handlers/newsroom/`, `handlers/api/newsroom.rs`)
//! extract a signed-in [`pressroom_newsroom::Actor`] and call the same
//! use-cases as the CLI; `security.rs` refuses cross-site writes and keeps
//! newsroom responses out of every cache.

mod cache;
mod error;
mod handlers;
mod middleware;
mod router;
mod search;
mod security;
mod state;

pub use cache::{CachedFuture, CachedRouter, PageCache};
pub use error::AppError;
pub use router::{public_paths, public_routes, router};
pub use search::PublicSearch;
pub use state::{AppState, NewsroomState};

/// Serves the app (a [`router`], or one behind the [`PageCache`]) on a
/// bound listener until `shutdown` completes, then finishes the requests in
/// flight.
pub async fn serve<S>(
    listener: tokio::net::TcpListener,
    app: S,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()>
where
    S: tower::Service<
            axum::extract::Request,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send,
{
    use axum::ServiceExt as _;
    use axum::serve::ListenerExt;
    // Without TCP_NODELAY a response written in two segments (headers,
    // then a large body) waits for the client's delayed ACK of the first:
    // 40 to 200 ms on a page that is otherwise a cache hit.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
    });
    // The peer address goes into the newsroom's audit log.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
