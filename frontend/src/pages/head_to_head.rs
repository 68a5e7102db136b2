//! Head-to-head of two players (singles), with the margin chart; both players in the URL.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use ttstats_api_types::stats::HeadToHead;

use crate::api::{self, ApiError};
use crate::components::chart::BarChart;
use crate::components::loading::loaded;
use crate::components::player_select::PlayerSelect;
use crate::format;

/// `/head-to-head?player1=&player2=`.
#[component]
pub fn HeadToHeadPage() -> impl IntoView {
    super::set_title("Head-to-head");
    let query = use_query_map();
    let navigate = use_navigate();
    let pair = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("player1").and_then(|v| v.parse::<i64>().ok()),
            q.get("player2").and_then(|v| v.parse::<i64>().ok()),
        )
    });
    let p1 = RwSignal::new(
        pair.get_untracked()
            .0
            .map(|v| v.to_string())
            .unwrap_or_default(),
    );
    let p2 = RwSignal::new(
        pair.get_untracked()
            .1
            .map(|v| v.to_string())
            .unwrap_or_default(),
    );
    let players = LocalResource::new(api::players::all);
    let data = LocalResource::new(move || {
        let (a, b) = pair.get();
        async move {
            match (a, b) {
                (Some(a), Some(b)) => api::stats::head_to_head(a, b).await.map(Some),
                _ => Ok::<_, ApiError>(None),
            }
        }
    });
    view! {
        <h1>"Head-to-head"</h1>
        {loaded(players, move |all| {
            let navigate = navigate.clone();
            view! {
                <form class="filters" on:submit=move |ev| {
                    ev.prevent_default();
                    navigate(&format!("/head-to-head?player1={}&player2={}", p1.get_untracked(), p2.get_untracked()), NavigateOptions::default());
                }>
                    <div class="field"><PlayerSelect players=all.clone() value=p1 id="h2h-p1" label="Player" /></div>
                    <div class="field"><PlayerSelect players=all value=p2 id="h2h-p2" label="Opponent" /></div>
                    <button type="submit">"Compare"</button>
                </form>
            }
        })}
        {loaded(data, |h| match h {
            None => view! { <p class="empty">"Choose two players to compare."</p> }.into_any(),
            Some(h) => h2h_view(h).into_any(),
        })}
    }
}

#[expect(clippy::too_many_lines, reason = "one view of the whole comparison")]
fn h2h_view(h: HeadToHead) -> impl IntoView {
    let (n1, n2) = (
        h.player1.display_name.clone(),
        h.player2.display_name.clone(),
    );
    let (t1, t2) = (n1.clone(), n2.clone());
    let title = view! {
        <h2>
            <A href=format!("/players/{}", h.player1.id)>{t1}</A>
            " vs "
            <A href=format!("/players/{}", h.player2.id)>{t2}</A>
        </h2>
    };
    if !h.has_data {
        return view! {
            {title}
            <p class="empty">{format!("{n1} and {n2} have not played a confirmed singles match yet.")}</p>
            <p class="muted">{format!("Win probability on current ratings: {} {}%, {} {}%.", n1, h.player1_win_probability, n2, h.player2_win_probability)}</p>
        }
        .into_any();
    }
    let bars: Vec<f64> = h.match_margins.iter().map(|m| f64::from(*m)).collect();
    // Both series are chronological (DOMAIN.md §3.10).
    let avg = h.match_margin_running_avg.clone();
    let rows = [
        (
            "Matches won",
            format!("{} – {}", h.player1_match_wins, h.player2_match_wins),
        ),
        (
            "Match win rate",
            format!(
                "{} – {}",
                format::percent(h.player1_match_win_rate),
                format::percent(h.player2_match_win_rate)
            ),
        ),
        (
            "Games won",
            format!("{} – {}", h.player1_game_wins, h.player2_game_wins),
        ),
        (
            "Game win rate",
            format!(
                "{} – {}",
                format::percent(h.player1_game_win_rate),
                format::percent(h.player2_game_win_rate)
            ),
        ),
        (
            "Average points per game",
            format!("{:.1} – {:.1}", h.player1_avg_points, h.player2_avg_points),
        ),
        (
            "Biggest game margin",
            format!("{} – {}", h.player1_max_margin, h.player2_max_margin),
        ),
        (
            "Dominant games (won by 5+)",
            format!(
                "{} – {}",
                h.player1_dominant_games, h.player2_dominant_games
            ),
        ),
        ("Close games", h.close_games.to_string()),
        (
            "Recent form",
            format!(
                "{} – {} (last {})",
                h.recent.player1_wins, h.recent.player2_wins, h.recent.total
            ),
        ),
        (
            "Win probability now",
            format!(
                "{}% – {}%",
                h.player1_win_probability, h.player2_win_probability
            ),
        ),
        (
            "Doubles together / against",
            format!("{} / {}", h.doubles_together, h.doubles_against),
        ),
    ];
    view! {
        {title}
        <div class="stats-row">
            <div class="stat"><span class="value">{h.total_matches}</span><span class="label">"matches"</span></div>
            <div class="stat"><span class="value">{h.total_games}</span><span class="label">"games"</span></div>
        </div>
        <dl class="facts">
            {rows.into_iter().map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> }).collect_view()}
        </dl>
        <BarChart title=format!("Match margins, oldest first (+ when {n1} won), with running average") bars=bars line=avg />
        <h3>"Matches"</h3>
        <ul class="plain">
            {h.matches.into_iter().map(|m| {
                let winner = if m.player1_won { n1.clone() } else { n2.clone() };
                let text = format!("{} · {}–{} · {winner} won", format::date(m.played_at), m.player1_games, m.player2_games);
                view! { <li><A href=format!("/matches/{}", m.match_id)>{text}</A></li> }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
