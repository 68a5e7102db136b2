//! The router: one page component per route.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::nav::Nav;
use crate::pages::{
    admin, calendar, championships, head_to_head, home, leaderboard, live, login, match_detail,
    not_found, notifications, pairs, pending, player, players, record_match, register,
    verify_email,
};
use crate::state::Session;

/// The whole app: session context, header, routes.
#[component]
pub fn App() -> impl IntoView {
    provide_context(Session::new());
    view! {
        <Router>
            <Nav />
            <main id="main">
                <Routes fallback=not_found::NotFound>
                    <Route path=path!("/") view=home::Dashboard />
                    <Route path=path!("/login") view=login::Login />
                    <Route path=path!("/register") view=register::Register />
                    <Route path=path!("/verify-email/:token") view=verify_email::VerifyEmail />
                    <Route path=path!("/leaderboard") view=leaderboard::LeaderboardPage />
                    <Route path=path!("/players") view=players::Players />
                    <Route path=path!("/players/:id") view=player::PlayerPage />
                    <Route path=path!("/matches/new") view=record_match::RecordMatch />
                    <Route path=path!("/matches/:id") view=match_detail::MatchPage />
                    <Route path=path!("/matches/:id/live") view=live::LiveScore />
                    <Route path=path!("/championships") view=championships::Championships />
                    <Route path=path!("/championships/:id") view=championships::ChampionshipPage />
                    <Route path=path!("/pending") view=pending::Pending />
                    <Route path=path!("/notifications") view=notifications::NotificationsPage />
                    <Route path=path!("/head-to-head") view=head_to_head::HeadToHeadPage />
                    <Route path=path!("/pairs") view=pairs::PairPage />
                    <Route path=path!("/calendar") view=calendar::CalendarPage />
                    <Route path=path!("/admin") view=admin::AdminHome />
                    <Route path=path!("/admin/users") view=admin::Users />
                    <Route path=path!("/admin/outbox") view=admin::Outbox />
                    <Route path=path!("/admin/cache") view=admin::Cache />
                    <Route path=path!("/admin/elo") view=admin::Elo />
                </Routes>
            </main>
        </Router>
    }
}
