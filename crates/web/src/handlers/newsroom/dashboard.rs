//! The dashboard: the user's drafts and what waits for their action
//! (clearers: releases in clearance written by others; publishers:
//! approved releases, and scheduled ones past their time, flagged).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::Html;
use pressroom_domain::{Release, Role, Status};
use pressroom_newsroom::workflow;
use pressroom_render::SiteConfig;
use pressroom_render::newsroom::{DashboardPage, WorkItem};
use pressroom_store::DeskQuery;

use super::SignedIn;
use crate::{AppError, NewsroomState};

/// How many releases each list shows.
const LIST: u32 = 50;

/// How late a scheduled release may be before it is flagged: the scheduler
/// wakes at the due time, so a minute late means it is not running.
const GRACE: Duration = Duration::from_secs(60);

fn item(r: &Release) -> WorkItem {
    WorkItem {
        title: r.content.title.to_string(),
        status: r.status.to_string(),
        href: format!("/newsroom/releases/{}", r.id),
        alert: None,
    }
}

/// `GET /newsroom`
pub(crate) async fn show(
    State(site): State<Arc<SiteConfig>>,
    State(newsroom): State<NewsroomState>,
    me: SignedIn,
) -> Result<Html<String>, AppError> {
    let store = newsroom.store.as_ref();
    let user = me.actor.user.0;
    let drafts = store
        .desk(&DeskQuery {
            statuses: vec![Status::Draft],
            author: Some(user),
            before: None,
            limit: LIST,
        })
        .await?;
    let mut queue = Vec::new();
    if me.actor.role >= Role::Clearer {
        queue.push(Status::InClearance);
    }
    if me.actor.role >= Role::Publisher {
        queue.push(Status::Approved);
    }
    let waiting = if queue.is_empty() {
        Vec::new()
    } else {
        store
            .desk(&DeskQuery {
                statuses: queue,
                author: None,
                before: None,
                limit: LIST,
            })
            .await?
    };
    let mut waiting_items = Vec::new();
    for r in &waiting {
        // The author cannot clear their own release: not theirs to act on.
        if r.status == Status::InClearance && store.author(r.id).await? == Some(user) {
            continue;
        }
        waiting_items.push(item(r));
    }
    let overdue = if me.actor.role >= Role::Publisher {
        workflow::overdue(store, newsroom.clock.as_ref(), GRACE)
            .await?
            .iter()
            .map(|r| WorkItem {
                alert: r
                    .published_at
                    .map(|at| format!("overdue: due {}", at.strftime("%Y-%m-%d %H:%M UTC"))),
                ..item(r)
            })
            .collect()
    } else {
        Vec::new()
    };
    let page = DashboardPage {
        site: &site,
        who: Some(me.who()),
        drafts: drafts.iter().map(item).collect(),
        waiting: waiting_items,
        overdue,
    };
    Ok(Html(page.to_html()?))
}
