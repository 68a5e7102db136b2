//! App-wide state: the session (tokens, the signed-in user and player, nav badges), provided
//! once by `App` and read with [`use_session`].

use leptos::prelude::*;
use ttstats_api_types::auth::{BadgesResponse, MeResponse};

use crate::api::{self, client};

/// The session: who is signed in, and a version every page can track to reload after a
/// sign-in, a sign-out or a write that changes what the nav shows.
#[derive(Clone, Copy)]
pub struct Session {
    version: RwSignal<u32>,
    /// The signed-in user and player; `None` while anonymous (or before the answer).
    pub me: LocalResource<Option<MeResponse>>,
    /// The nav badges; zero while anonymous.
    pub badges: LocalResource<BadgesResponse>,
}

impl Session {
    /// Creates the session resources (call once, in `App`).
    pub fn new() -> Self {
        let version = RwSignal::new(0_u32);
        let me = LocalResource::new(move || {
            version.track();
            async move {
                client::tokens()?;
                api::auth::me().await.ok()
            }
        });
        let badges = LocalResource::new(move || {
            version.track();
            async move {
                if client::tokens().is_none() {
                    return BadgesResponse::default();
                }
                api::auth::badges().await.unwrap_or_default()
            }
        });
        client::on_signed_out(move || version.update(|v| *v += 1));
        Self {
            version,
            me,
            badges,
        }
    }

    /// Reloads everything that depends on the session (after sign-in/out, confirmations, …).
    pub fn changed(&self) {
        self.version.update(|v| *v += 1);
    }

    /// Tracks the session version (for resources that depend on who is signed in).
    pub fn track(&self) {
        self.version.track();
    }

    /// Whether tokens are stored (reactive through the version).
    pub fn signed_in(&self) -> bool {
        self.version.track();
        client::tokens().is_some()
    }

    /// The signed-in user's player id, once known.
    pub fn player_id(&self) -> Option<i64> {
        self.me.get().flatten().and_then(|m| m.player).map(|p| p.id)
    }

    /// Whether the signed-in user is an administrator.
    pub fn is_admin(&self) -> bool {
        self.me.get().flatten().is_some_and(|m| m.user.is_admin)
    }
}

/// The session provided by `App`.
pub fn use_session() -> Session {
    expect_context::<Session>()
}
