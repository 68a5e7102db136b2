//! A player's page: rating and peak, statistics, streaks, the Elo chart, match history and a
//! head-to-head shortcut.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use ttstats_api_types::players::{EloHistoryItem, HistoryItem, Player, PlayerStats};
use ttstats_domain::streaks::StreakKind;

use crate::api;
use crate::components::achievements::AchievementsView;
use crate::components::chart::LineChart;
use crate::components::loading::loaded;
use crate::components::player_select::PlayerSelect;
use crate::format;

/// `/players/:id`.
#[component]
pub fn PlayerPage() -> impl IntoView {
    let id = super::id_param();
    let player = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::players::get(id).await,
                None => Err(api::ApiError::not_found("There is no such player.")),
            }
        }
    });
    view! {
        {loaded(player, move |p| {
            super::set_title(&p.display_name);
            view! { <PlayerBody player=p /> }
        })}
    }
}

#[component]
fn PlayerBody(player: Player) -> impl IntoView {
    let id = player.id;
    let stats = LocalResource::new(move || api::players::stats(id));
    let history = LocalResource::new(move || api::players::elo_history(id));
    let page = RwSignal::new(1_u32);
    let matches = LocalResource::new(move || {
        let p = page.get();
        async move { api::players::matches(id, p).await }
    });
    view! {
        <h1>
            {player.display_name.clone()}
            {(player.display_name != player.name).then(|| view! { <span class="muted">" · "{player.name.clone()}</span> })}
        </h1>
        <div class="stats-row">
            <div class="stat">
                <span class="value">{player.rating}</span>
                <span class="label">"rating"</span>
            </div>
            <div class="stat">
                <span class="value">{player.peak_rating}</span>
                <span class="label">"peak"</span>
            </div>
            <div class="stat">
                <span class="value">{player.rated_matches}</span>
                <span class="label">"rated matches"</span>
            </div>
        </div>
        {player.is_guest.then(|| view! { <p class="muted">"Guest player (no account)."</p> })}
        <section class="card">
            <h2>"Statistics"</h2>
            {loaded(stats, stats_view)}
        </section>
        <section class="card">
            <h2>"Elo rating"</h2>
            {loaded(history, chart_view)}
        </section>
        <section class="card">
            <h2>"Achievements"</h2>
            <AchievementsView player=id />
        </section>
        <section class="card">
            <h2>"Head-to-head"</h2>
            <H2hShortcut player=id />
        </section>
        <section class="card">
            <h2>"Match history"</h2>
            {loaded(matches, move |p| {
                let current = p.page;
                let pages = p.page_count();
                view! {
                    {history_view(p.items)}
                    {(pages > 1).then(|| view! {
                        <nav class="pager" aria-label="Match history pages">
                            <button disabled={current <= 1} on:click=move |_| page.set(current - 1)>"Newer"</button>
                            <span>{format!("Page {current} of {pages}")}</span>
                            <button disabled={current >= pages} on:click=move |_| page.set(current + 1)>"Older"</button>
                        </nav>
                    })}
                }
            })}
        </section>
    }
}

fn streak_text(kind: StreakKind, length: u32) -> String {
    match kind {
        StreakKind::Win => format!("{length} win{}", if length == 1 { "" } else { "s" }),
        StreakKind::Loss => format!("{length} loss{}", if length == 1 { "" } else { "es" }),
        StreakKind::None => "none".into(),
    }
}

fn stats_view(s: PlayerStats) -> impl IntoView {
    let rows = [
        ("Matches", s.total_matches.to_string()),
        ("Wins", s.wins.to_string()),
        ("Losses", s.losses.to_string()),
        ("Win rate", format::percent(s.win_rate)),
        (
            "Games won–lost",
            format!("{}–{}", s.games_won, s.games_lost),
        ),
        (
            "Current streak",
            streak_text(s.current_streak.kind, s.current_streak.length),
        ),
        ("Longest win streak", s.longest_win_streak.to_string()),
        ("Longest loss streak", s.longest_loss_streak.to_string()),
        ("Peak rating", s.peak_rating.to_string()),
    ];
    view! {
        <dl class="facts">
            {rows
                .into_iter()
                .map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> })
                .collect_view()}
        </dl>
    }
}

fn chart_view(mut items: Vec<EloHistoryItem>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="empty">"No rated matches yet; the chart starts at 1500."</p> }
            .into_any();
    }
    items.sort_by_key(|i| (i.at, i.match_id));
    let mut points = vec![("Start".to_owned(), f64::from(items[0].old_rating))];
    points.extend(
        items
            .iter()
            .map(|i| (format::date(i.at), f64::from(i.new_rating))),
    );
    view! { <LineChart title="Rating after each rated match" points=points /> }.into_any()
}

#[component]
fn H2hShortcut(player: i64) -> impl IntoView {
    let players = LocalResource::new(api::players::all);
    let other = RwSignal::new(String::new());
    let navigate = use_navigate();
    view! {
        {loaded(players, move |all| {
            let others: Vec<Player> = all.into_iter().filter(|p| p.id != player).collect();
            let navigate = navigate.clone();
            view! {
                <form class="inline" on:submit=move |ev| {
                    ev.prevent_default();
                    let o = other.get_untracked();
                    if !o.is_empty() {
                        navigate(&format!("/head-to-head?player1={player}&player2={o}"), NavigateOptions::default());
                    }
                }>
                    <PlayerSelect players=others value=other id="h2h-opponent" label="Compare with" />
                    <button type="submit">"Show head-to-head"</button>
                </form>
            }
        })}
    }
}

/// The player's confirmed matches, oriented: result, score, opponent, rating change.
fn history_view(items: Vec<HistoryItem>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="empty">"No confirmed matches yet."</p> }.into_any();
    }
    view! {
        <ul class="match-list">
            {items
                .into_iter()
                .map(|h| {
                    let partner = h
                        .partner
                        .map(|p| format!(" (with {})", p.display_name))
                        .unwrap_or_default();
                    let text = format!(
                        "{} {}–{} vs {}{partner}",
                        if h.won { "Won" } else { "Lost" },
                        h.own_games,
                        h.opponent_games,
                        h.opponent,
                    );
                    view! {
                        <li class="match-row">
                            <A href=format!("/matches/{}", h.played.id)>
                                <span class="when">{format::date_time(h.played.played_at)}</span>
                                <span class="sides" class:winner=h.won>{text}</span>
                                <span class="state">
                                    {h.rating_change.map(format::signed).unwrap_or_default()}
                                </span>
                            </A>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
