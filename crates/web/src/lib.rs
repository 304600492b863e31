//! The HTTP face of pressroom, on axum: [`router`] lists every route,
//! [`AppState`] holds what handlers may use, [`AppError`] turns failures into
//! safe pages, [`PublicSearch`] is the search index behind the visibility
//! gate, [`PageCache`] keeps a node's rendered pages until the change
//! feed reports a write, and [`serve`] runs it with graceful shutdown.
//!
//! Public handlers (`handlers/public/`) extract only a
//! [`pressroom_store::PublicView`] from the state, never the store itself:
//! that is what keeps unpublished releases off every public surface.

mod cache;
mod error;
mod handlers;
mod middleware;
mod router;
mod search;
mod state;

pub use cache::PageCache;
pub use error::AppError;
pub use router::{public_paths, public_routes, router};
pub use search::PublicSearch;
pub use state::AppState;

/// Serves the app on a bound listener until `shutdown` completes, then
/// finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
