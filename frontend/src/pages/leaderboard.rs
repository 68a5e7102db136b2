//! The leaderboard; every filter lives in the URL, so a filtered view can be shared.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use ttstats_api_types::stats::{Leaderboard, LeaderboardQuery};
use ttstats_domain::leaderboard::EmptyReason;

use crate::api::{self, ApiError, query_string};
use crate::components::loading::loaded;
use crate::components::problem_view::FieldMessages;
use crate::format;

/// `/leaderboard?kind=&period=&from=&to=&limit=`.
#[component]
#[expect(
    clippy::too_many_lines,
    reason = "one view: the filter form and the table"
)]
pub fn LeaderboardPage() -> impl IntoView {
    super::set_title("Leaderboard");
    let query = use_query_map();
    let navigate = use_navigate();
    let current = Memo::new(move |_| {
        let q = query.read();
        LeaderboardQuery {
            kind: q.get("kind"),
            period: q.get("period"),
            from: q.get("from"),
            to: q.get("to"),
            limit: q.get("limit"),
        }
    });
    // The same validation the server runs, so a bad custom period is explained in place.
    let invalid = Memo::new(move |_| {
        current.get().to_filter().err().map(|e| {
            let field = match &e {
                ttstats_domain::DomainError::InvalidQueryParameter { parameter } => {
                    (*parameter).to_owned()
                }
                _ => "to".to_owned(),
            };
            ApiError {
                status: 400,
                code: e.code().to_owned(),
                detail: e.to_string(),
                errors: [(field, vec![e.to_string()])].into_iter().collect(),
            }
        })
    });
    let data = LocalResource::new(move || {
        let q = current.get();
        async move { api::stats::leaderboard(&q).await }
    });
    let set = move |name: &'static str, value: String| {
        let mut q = current.get_untracked();
        match name {
            "kind" => q.kind = Some(value),
            "period" => q.period = Some(value),
            "from" => q.from = Some(value),
            "to" => q.to = Some(value),
            _ => q.limit = Some(value),
        }
        let qs = query_string([
            ("kind", q.kind.filter(|k| k != "all")),
            ("period", q.period.filter(|p| p != "all")),
            ("from", q.from),
            ("to", q.to),
            ("limit", q.limit),
        ]);
        navigate(&format!("/leaderboard{qs}"), NavigateOptions::default());
    };
    let set_kind = set.clone();
    let set_period = set.clone();
    let set_from = set.clone();
    let set_to = set.clone();
    let set_limit = set.clone();
    let get = move |f: fn(&LeaderboardQuery) -> Option<String>| {
        move || f(&current.get()).unwrap_or_default()
    };
    let custom = move || current.get().period.as_deref() == Some("custom");
    let error = Signal::derive(move || invalid.get());
    view! {
        <h1>"Leaderboard"</h1>
        <form class="filters" on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="lb-kind">"Matches"</label>
                <select
                    id="lb-kind"
                    prop:value=get(|q| q.kind.clone().or(Some("all".into())))
                    on:change=move |ev| set_kind("kind", event_target_value(&ev))
                >
                    <option value="all">"Singles and doubles"</option>
                    <option value="singles">"Singles"</option>
                    <option value="doubles">"Doubles"</option>
                </select>
            </div>
            <div class="field">
                <label for="lb-period">"Period"</label>
                <select
                    id="lb-period"
                    prop:value=get(|q| q.period.clone().or(Some("all".into())))
                    on:change=move |ev| set_period("period", event_target_value(&ev))
                >
                    <option value="all">"All time"</option>
                    <option value="30d">"Last 30 days"</option>
                    <option value="90d">"Last 90 days"</option>
                    <option value="180d">"Last 180 days"</option>
                    <option value="365d">"Last 365 days"</option>
                    <option value="custom">"Custom…"</option>
                </select>
            </div>
            <div class="field">
                <label for="lb-limit">"Show"</label>
                <select
                    id="lb-limit"
                    prop:value=get(|q| q.limit.clone().or(Some(String::new())))
                    on:change=move |ev| set_limit("limit", event_target_value(&ev))
                >
                    <option value="">"Top 10"</option>
                    <option value="25">"Top 25"</option>
                    <option value="50">"Top 50"</option>
                    <option value="0">"Everyone"</option>
                </select>
            </div>
            <Show when=custom>
                <div class="field">
                    <label for="lb-from">"From"</label>
                    <input
                        id="lb-from"
                        type="date"
                        prop:value=get(|q| q.from.clone())
                        on:change={
                            let set_from = set_from.clone();
                            move |ev| set_from("from", event_target_value(&ev))
                        }
                    />
                    <FieldMessages error=error field="from" />
                </div>
                <div class="field">
                    <label for="lb-to">"To"</label>
                    <input
                        id="lb-to"
                        type="date"
                        prop:value=get(|q| q.to.clone())
                        on:change={
                            let set_to = set_to.clone();
                            move |ev| set_to("to", event_target_value(&ev))
                        }
                    />
                    <FieldMessages error=error field="to" />
                </div>
            </Show>
        </form>
        {move || {
            if let Some(e) = invalid.get() {
                view! { <p class="notice error" role="alert">{e.detail}</p> }.into_any()
            } else {
                loaded(data, table).into_any()
            }
        }}
    }
}

fn table(board: Leaderboard) -> impl IntoView {
    if board.items.is_empty() {
        let text = match board.empty_reason {
            Some(EmptyReason::NoResults) => "No confirmed matches match these filters.",
            _ => "No confirmed matches yet — record one and have it confirmed.",
        };
        return view! { <p class="empty">{text}</p> }.into_any();
    }
    let mover = board.biggest_mover.map(|m| {
        view! {
            <p class="muted">
                "Biggest mover this week: "
                <A href=format!("/players/{}", m.player.id)>{m.player.display_name.clone()}</A>
                " "
                {format::signed(m.movement_7d)}
            </p>
        }
    });
    view! {
        {mover}
        <div class="table-wrap">
            <table class="leaderboard">
                <thead>
                    <tr>
                        <th scope="col">"#"</th>
                        <th scope="col">"Player"</th>
                        <th scope="col" class="num">"Rating"</th>
                        <th scope="col" class="num">"7 days"</th>
                        <th scope="col" class="num">"Matches"</th>
                        <th scope="col" class="num">"W–L"</th>
                        <th scope="col" class="num">"Win rate"</th>
                    </tr>
                </thead>
                <tbody>
                    {board
                        .items
                        .into_iter()
                        .map(|r| {
                            view! {
                                <tr>
                                    <td>{r.rank}</td>
                                    <td>
                                        <A href=format!("/players/{}", r.player.id)>{r.player.display_name.clone()}</A>
                                    </td>
                                    <td class="num">{r.rating}</td>
                                    <td class="num" class:up={r.movement_7d > 0} class:down={r.movement_7d < 0}>
                                        {format::signed(r.movement_7d)}
                                    </td>
                                    <td class="num">{r.matches}</td>
                                    <td class="num">{format!("{}–{}", r.wins, r.losses)}</td>
                                    <td class="num">{format::percent(r.win_rate)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
