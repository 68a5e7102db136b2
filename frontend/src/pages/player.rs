//! A player's page: rating and peak, statistics, streaks, the Elo chart, match history, a
//! head-to-head shortcut, links to the doubles pairs, and the profile form for its owner.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use ttstats_api_types::players::{
    EloHistoryItem, HistoryItem, Player, PlayerChanges, PlayerStats, PlayingStyle,
    UpdatePlayerRequest,
};
use ttstats_domain::streaks::StreakKind;

use crate::api::{self, ApiError};
use crate::components::achievements::AchievementsView;
use crate::components::chart::LineChart;
use crate::components::loading::loaded;
use crate::components::player_select::PlayerSelect;
use crate::components::problem_view::{FieldMessages, FormError};
use crate::format;
use crate::state::use_session;

/// `/players/:id`.
#[component]
pub fn PlayerPage() -> impl IntoView {
    let id = super::id_param();
    let reload = RwSignal::new(0_u32);
    let player = LocalResource::new(move || {
        reload.track();
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
            view! { <PlayerBody player=p reload=reload /> }
        })}
    }
}

#[component]
fn PlayerBody(player: Player, reload: RwSignal<u32>) -> impl IntoView {
    let session = use_session();
    let id = player.id;
    let owner = move || session.player_id() == Some(id) || session.is_admin();
    let edit_copy = player.clone();
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
        <Show when=owner>
            <EditProfile player=edit_copy.clone() reload=reload />
        </Show>
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
            <h2>"Doubles partners"</h2>
            <Partners player=id />
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

/// The partners this player won or lost confirmed doubles with, each linking to the pair page.
#[component]
fn Partners(player: i64) -> impl IntoView {
    let matches = LocalResource::new(move || api::matches::confirmed_of(player, "doubles"));
    view! {
        {loaded(matches, move |page| {
            let mut partners: Vec<(Player, u32)> = Vec::new();
            for m in page.items {
                let side = if m.side1.iter().any(|p| p.id == player) { m.side1 } else { m.side2 };
                for p in side.into_iter().filter(|p| p.id != player) {
                    match partners.iter_mut().find(|(q, _)| q.id == p.id) {
                        Some((_, n)) => *n += 1,
                        None => partners.push((p, 1)),
                    }
                }
            }
            partners.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.display_name.cmp(&b.0.display_name)));
            if partners.is_empty() {
                return view! { <p class="empty">"No confirmed doubles yet."</p> }.into_any();
            }
            view! {
                <ul class="plain partners">
                    {partners.into_iter().map(|(p, n)| view! {
                        <li>
                            <A href=format!("/pairs?player1={player}&player2={}", p.id)>{format!("With {}", p.display_name)}</A>
                            <span class="muted">{format!(" · {n} match{}", if n == 1 { "" } else { "es" })}</span>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        })}
    }
}

fn style_label(style: PlayingStyle) -> &'static str {
    match style {
        PlayingStyle::Normal => "Normal",
        PlayingStyle::HardRubber => "Hard rubber",
        PlayingStyle::Unknown => "Unknown",
    }
}

/// The profile form (name, nickname, style of play) for the linked user or an admin; only the
/// changed fields are sent, checked as you type by the server's own `PlayerChanges`.
#[component]
fn EditProfile(player: Player, reload: RwSignal<u32>) -> impl IntoView {
    let id = player.id;
    let initial = player.clone();
    let name = RwSignal::new(player.name.clone());
    let nickname = RwSignal::new(player.nickname.clone());
    let style = RwSignal::new(player.playing_style.as_str().to_owned());
    let request = Memo::new(move |_| {
        let mut r = UpdatePlayerRequest::default();
        let n = name.get();
        if n != initial.name {
            r.name = Some(n);
        }
        let nick = nickname.get();
        if nick.trim() != initial.nickname {
            r.nickname = Some((!nick.trim().is_empty()).then_some(nick));
        }
        let s = style.get();
        if s != initial.playing_style.as_str() {
            r.playing_style = Some(s);
        }
        r
    });
    let verdict = Memo::new(move |_| {
        PlayerChanges::try_from(&request.get())
            .err()
            .map(|e| ApiError::from(&e))
    });
    let server_error = RwSignal::new(None::<ApiError>);
    Effect::new(move || {
        request.track();
        server_error.set(None);
    });
    let shown = Signal::derive(move || server_error.get().or_else(|| verdict.get()));
    let unchanged = move || request.get() == UpdatePlayerRequest::default();
    let save = Action::new_local(move |r: &UpdatePlayerRequest| {
        let r = r.clone();
        async move { api::players::update(id, &r).await }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(_)) => reload.update(|r| *r += 1),
        Some(Err(e)) => server_error.set(Some(e)),
        None => {}
    });
    view! {
        <details class="card">
            <summary>"Edit profile"</summary>
            <form novalidate on:submit=move |ev| {
                ev.prevent_default();
                if verdict.get_untracked().is_none() && !unchanged() {
                    save.dispatch(request.get_untracked());
                }
            }>
                <FormError error=shown fields=&["name", "nickname", "playing_style"] />
                <div class="row">
                    <div class="field">
                        <label for="p-name">"Name"</label>
                        <input id="p-name" bind:value=name aria-describedby="p-name-error" />
                        <FieldMessages error=shown field="name" id="p-name-error" />
                    </div>
                    <div class="field">
                        <label for="p-nickname">"Nickname (shown instead of the name)"</label>
                        <input id="p-nickname" bind:value=nickname aria-describedby="p-nickname-error" />
                        <FieldMessages error=shown field="nickname" id="p-nickname-error" />
                    </div>
                    <div class="field">
                        <label for="p-style">"Style of play"</label>
                        <select id="p-style" prop:value=move || style.get() on:change=move |ev| style.set(event_target_value(&ev))>
                            {PlayingStyle::ALL.map(|s| view! { <option value=s.as_str()>{style_label(s)}</option> }).collect_view()}
                        </select>
                        <FieldMessages error=shown field="playing_style" />
                    </div>
                </div>
                <button type="submit" disabled=move || unchanged() || save.pending().get()>"Save profile"</button>
            </form>
        </details>
    }
}
