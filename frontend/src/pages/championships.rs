//! Championships: the list and the creation form, and one championship's registration (with a
//! partner for doubles), start, standings with their tie-breaks, results matrix and fixtures
//! (recorded from here).

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use ttstats_api_types::FieldErrors;
use ttstats_api_types::championships::{
    CellStatus, Championship, ChampionshipFixture, ChampionshipStatus, CreateChampionshipRequest,
    NewChampionship, RegisterEntryRequest,
};
use ttstats_api_types::players::Player;
use ttstats_api_types::schedule::ConvertRequest;

use crate::api::{self, ApiError};
use crate::components::loading::loaded;
use crate::components::player_select::PlayerSelect;
use crate::components::problem_view::{ErrorNotice, FieldMessages, FormError};
use crate::format::{parse_i64, played_at_of_fixture};
use crate::state::use_session;

fn status_text(s: ChampionshipStatus) -> &'static str {
    match s {
        ChampionshipStatus::Registration => "registration open",
        ChampionshipStatus::Scheduled => "scheduled",
        ChampionshipStatus::InProgress => "in progress",
        ChampionshipStatus::Completed => "completed",
        ChampionshipStatus::Cancelled => "cancelled",
    }
}

/// `/championships`.
#[component]
pub fn Championships() -> impl IntoView {
    super::set_title("Championships");
    let session = use_session();
    let data = LocalResource::new(move || {
        session.track();
        api::championships::list(None)
    });
    view! {
        <h1>"Championships"</h1>
        <Show when=move || session.signed_in()>
            <CreateChampionship />
        </Show>
        {loaded(data, |page| {
            if page.items.is_empty() {
                return view! { <p class="empty">"No championships yet."</p> }.into_any();
            }
            view! {
                <ul class="plain">
                    {page.items.into_iter().map(|c| view! {
                        <li class="card">
                            <A href=format!("/championships/{}", c.id)><strong>{c.name.clone()}</strong></A>
                            <p class="muted">
                                {format!("{} · {} · {} · starts {} · {} of {} entries · {}% played",
                                    c.kind, if c.is_public { "public" } else { "private" }, status_text(c.status),
                                    c.start_date, c.entries.len(), c.max_entries, c.progress)}
                            </p>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        })}
    }
}

fn date_value(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()
}

/// The creation form: checked as you type by `NewChampionship` (the server's conversion) and
/// the start-date rule; a private championship lists its entries.
#[component]
fn CreateChampionship() -> impl IntoView {
    let navigate = use_navigate();
    let players = LocalResource::new(api::players::all);
    let list = Signal::derive(move || players.get().and_then(Result::ok).unwrap_or_default());
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let kind = RwSignal::new("singles".to_owned());
    let is_public = RwSignal::new(true);
    let home_and_away = RwSignal::new(true);
    let max_entries = RwSignal::new("8".to_owned());
    let start_date = RwSignal::new(String::new());
    let deadline = RwSignal::new(String::new());
    let next_key = StoredValue::new(2_usize);
    let entries = RwSignal::new(
        (0..2)
            .map(|k| {
                (
                    k,
                    RwSignal::new(String::new()),
                    RwSignal::new(String::new()),
                )
            })
            .collect::<Vec<_>>(),
    );
    let submitted = RwSignal::new(false);
    let server_error = RwSignal::new(None::<ApiError>);
    let doubles = move || kind.get() == "doubles";
    // `None` while the start date is blank or unreadable (reported on its own).
    let request = Memo::new(move |_| {
        let public = is_public.get();
        let entries = if public {
            Vec::new()
        } else {
            entries
                .get()
                .iter()
                .map(|(_, a, b)| {
                    let mut ids: Vec<i64> = parse_i64(&a.get()).into_iter().collect();
                    if doubles() {
                        ids.extend(parse_i64(&b.get()));
                    }
                    ids
                })
                .collect()
        };
        let d = description.get();
        date_value(&start_date.get()).map(|start| CreateChampionshipRequest {
            name: name.get(),
            description: (!d.trim().is_empty()).then_some(d),
            kind: Some(kind.get()),
            is_public: Some(public),
            home_and_away: Some(home_and_away.get()),
            max_entries: parse_i64(&max_entries.get()),
            start_date: start,
            registration_deadline: if public {
                date_value(&deadline.get())
            } else {
                None
            },
            location: None,
            entries,
        })
    });
    let verdict = Memo::new(move |_| {
        let Some(r) = request.get() else {
            return Some(ApiError::invalid("start_date", "choose the start date"));
        };
        let mut errors = FieldErrors::new();
        match NewChampionship::try_from(&r) {
            Ok(new) => {
                if let Err(e) = new.check_start(Utc::now().date_naive()) {
                    errors.push("start_date", e);
                }
            }
            Err(e) => errors = e,
        }
        (!errors.is_empty()).then(|| ApiError::from(&errors))
    });
    Effect::new(move || {
        request.track();
        server_error.set(None);
    });
    let shown = Signal::derive(move || {
        server_error
            .get()
            .or_else(|| submitted.get().then(|| verdict.get()).flatten())
    });
    let create = Action::new_local(move |r: &CreateChampionshipRequest| {
        let r = r.clone();
        async move { api::championships::create(&r).await }
    });
    Effect::new(move || match create.value().get() {
        Some(Ok(c)) => navigate(
            &format!("/championships/{}", c.id),
            NavigateOptions::default(),
        ),
        Some(Err(e)) => server_error.set(Some(e)),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if verdict.get_untracked().is_none()
            && let Some(r) = request.get_untracked()
        {
            create.dispatch(r);
        }
    };
    let add_entry = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        entries.update(|e| {
            e.push((
                key,
                RwSignal::new(String::new()),
                RwSignal::new(String::new()),
            ));
        });
    };
    view! {
        <details class="card">
            <summary>"New championship"</summary>
            <form class="match-form" novalidate on:submit=on_submit>
                <FormError error=shown fields=&["name", "description", "kind", "max_entries", "start_date", "registration_deadline", "entries*"] />
                <div class="row">
                    <div class="field">
                        <label for="c-name">"Name"</label>
                        <input id="c-name" bind:value=name aria-describedby="c-name-error" />
                        <FieldMessages error=shown field="name" id="c-name-error" />
                    </div>
                    <div class="field">
                        <label for="c-kind">"Kind"</label>
                        <select id="c-kind" prop:value=move || kind.get() on:change=move |ev| kind.set(event_target_value(&ev))>
                            <option value="singles">"Singles"</option>
                            <option value="doubles">"Doubles"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="c-max">"Capacity (entries)"</label>
                        <input id="c-max" type="number" min="2" max="100" bind:value=max_entries aria-describedby="c-max-error" />
                        <FieldMessages error=shown field="max_entries" id="c-max-error" />
                    </div>
                    <div class="field">
                        <label for="c-start">"Start date"</label>
                        <input id="c-start" type="date" bind:value=start_date aria-describedby="c-start-error" />
                        <FieldMessages error=shown field="start_date" id="c-start-error" />
                    </div>
                </div>
                <div class="row">
                    <label class="check"><input type="checkbox" bind:checked=is_public />" Public: players register themselves"</label>
                    <label class="check"><input type="checkbox" bind:checked=home_and_away />" Home and away (everyone meets twice)"</label>
                </div>
                <Show
                    when=move || is_public.get()
                    fallback=move || view! {
                        <fieldset>
                            <legend>"Entries"</legend>
                            <ol class="games">
                                <For each=move || entries.get() key=|e| e.0 let:entry>
                                    {
                                        let (key, a, b) = entry;
                                        let index = move || entries.with(|e| e.iter().position(|x| x.0 == key).unwrap_or(0));
                                        view! {
                                            <li class="game">
                                                <PlayerSelect players=list value=a id=format!("c-entry-{key}-a") label="Player" />
                                                <Show when=doubles>
                                                    <PlayerSelect players=list value=b id=format!("c-entry-{key}-b") label="Partner" />
                                                </Show>
                                                <span class="field-error">{move || shown.get().map(|e| e.field(&format!("entries[{}]", index())).join("; ")).unwrap_or_default()}</span>
                                            </li>
                                        }
                                    }
                                </For>
                            </ol>
                            <button type="button" class="secondary" on:click=add_entry>"Add entry"</button>
                            <FieldMessages error=shown field="entries" />
                        </fieldset>
                    }
                >
                    <div class="field">
                        <label for="c-deadline">"Registration deadline"</label>
                        <input id="c-deadline" type="date" bind:value=deadline aria-describedby="c-deadline-error" />
                        <FieldMessages error=shown field="registration_deadline" id="c-deadline-error" />
                    </div>
                </Show>
                <div class="field">
                    <label for="c-description">"Description"</label>
                    <textarea id="c-description" rows="2" bind:value=description></textarea>
                    <FieldMessages error=shown field="description" />
                </div>
                <button type="submit" disabled=move || create.pending().get()>"Create championship"</button>
            </form>
        </details>
    }
}

/// `/championships/:id`.
#[component]
pub fn ChampionshipPage() -> impl IntoView {
    let session = use_session();
    let id = super::id_param();
    let reload = RwSignal::new(0_u32);
    let data = LocalResource::new(move || {
        reload.track();
        session.track();
        let id = id.get();
        async move {
            match id {
                Some(id) => api::championships::get(id).await,
                None => Err(ApiError::not_found("There is no such championship.")),
            }
        }
    });
    // Reading the signed-in player here re-renders the page once it is known (a deep link
    // loads the championship and the session side by side).
    view! {
        {loaded(data, move |c| {
            let me = session.player_id();
            view! { <ChampionshipBody c=c me=me reload=reload /> }
        })}
    }
}

#[component]
fn ChampionshipBody(c: Championship, me: Option<i64>, reload: RwSignal<u32>) -> impl IntoView {
    super::set_title(&c.name);
    let session = use_session();
    let id = c.id;
    let names: HashMap<i64, String> = c
        .entries
        .iter()
        .map(|e| (e.id, e.display_name.clone()))
        .collect();
    let name = move |entry: i64| {
        names
            .get(&entry)
            .cloned()
            .unwrap_or_else(|| format!("entry {entry}"))
    };
    let entry_of = |player: Option<i64>| {
        c.entries
            .iter()
            .find(|e| e.players.iter().any(|p| Some(p.id) == player))
            .map(|e| e.id)
    };
    let my_entry = entry_of(me);
    let creator = me.is_some() && c.created_by_player_id == me;
    let doubles = c.kind == ttstats_domain::MatchKind::Doubles;
    let error = RwSignal::new(None::<ApiError>);
    let partner = RwSignal::new(String::new());
    let act = Action::new_local(move |action: &&'static str| {
        let action = *action;
        let body = (action == "register").then(|| RegisterEntryRequest {
            partner: parse_i64(&partner.get_untracked()),
        });
        async move { api::championships::act(id, action, body).await }
    });
    Effect::new(move || match act.value().get() {
        Some(Ok(_)) => reload.update(|r| *r += 1),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let registration = c.status == ChampionshipStatus::Registration;
    let standings = c
        .standings
        .iter()
        .enumerate()
        .map(|(i, r)| {
            view! {
                <tr class:mine={Some(r.entry_id) == my_entry}>
                    <td>{i + 1}</td>
                    <td>{name(r.entry_id)}</td>
                    <td class="num">{r.played}</td>
                    <td class="num">{r.wins}</td>
                    <td class="num">{r.losses}</td>
                    <td class="num">{format!("{}–{}", r.games_won, r.games_lost)}</td>
                    <td class="num">{crate::format::signed(r.game_difference)}</td>
                    <td class="num"><strong>{r.points}</strong></td>
                </tr>
            }
        })
        .collect_view();
    let order: Vec<i64> = c.standings.iter().map(|r| r.entry_id).collect();
    let results = (!c.results.is_empty() && c.results.len() == order.len()).then(|| {
        let head = order
            .iter()
            .map(|e| view! { <th scope="col">{name(*e)}</th> })
            .collect_view();
        let rows = c
            .results
            .iter()
            .zip(order.iter())
            .map(|(cells, row)| {
                let cells = cells
                    .iter()
                    .map(|cell| {
                        let class = match (cell.status, cell.won) {
                            (CellStatus::Diagonal, _) => "self",
                            (CellStatus::PendingConfirmation, _) => "pending",
                            (CellStatus::Confirmed, Some(true)) => "won",
                            (CellStatus::Confirmed, _) => "lost",
                            (CellStatus::NotPlayed, _) => "",
                        };
                        let text = match cell.status {
                            CellStatus::Diagonal => "—".to_owned(),
                            _ => cell.score.clone().unwrap_or_default(),
                        };
                        let content = match cell.match_id {
                            Some(m) => view! { <A href=format!("/matches/{m}")>{text}</A> }.into_any(),
                            None => text.into_any(),
                        };
                        view! { <td class=class>{content}</td> }
                    })
                    .collect_view();
                view! { <tr><th scope="row">{name(*row)}</th>{cells}</tr> }
            })
            .collect_view();
        view! {
            <section class="card">
                <h2>"Results"</h2>
                <p class="muted">"Home entry in the row, away entry in the column; scores from the row's view, pending ones in italics."</p>
                <div class="table-wrap">
                    <table class="results"><thead><tr><th></th>{head}</tr></thead><tbody>{rows}</tbody></table>
                </div>
            </section>
        }
    });
    let members: HashMap<i64, Vec<i64>> = c
        .entries
        .iter()
        .map(|e| (e.id, e.players.iter().map(|p| p.id).collect()))
        .collect();
    let fixtures = c
        .fixtures
        .iter()
        .map(|f| {
            let plays = me.is_some_and(|me| {
                [f.side1_entry_id, f.side2_entry_id]
                    .iter()
                    .any(|e| members.get(e).is_some_and(|m| m.contains(&me)))
            });
            fixture_row(*f, name(f.side1_entry_id), name(f.side2_entry_id), plays)
        })
        .collect_view();
    let all_players = LocalResource::new(api::players::all);
    let partners = Signal::derive(move || {
        all_players
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|p: &Player| Some(p.id) != me)
            .collect::<Vec<_>>()
    });
    view! {
        <h1>{c.name.clone()}</h1>
        <p class="muted">
            {format!(
                "{} · {} · {} · {} · starts {}{} · {} of {} entries · {}% played",
                c.kind,
                if c.is_public { "public" } else { "private" },
                if c.home_and_away { "home and away" } else { "single round" },
                status_text(c.status),
                c.start_date,
                c.registration_deadline.map(|d| format!(", register by {d}")).unwrap_or_default(),
                c.entries.len(),
                c.max_entries,
                c.progress,
            )}
        </p>
        {c.description.clone().map(|d| view! { <p>{d}</p> })}
        {c.champion_entry_id.map(|e| view! { <p class="notice success">{format!("Champion: {}", name(e))}</p> })}
        <div class="row">
            {(c.registration_open && me.is_some() && my_entry.is_none()).then(|| view! {
                <form class="inline" on:submit=move |ev| { ev.prevent_default(); act.dispatch("register"); }>
                    {doubles.then(|| view! { <PlayerSelect players=partners value=partner id="c-partner" label="Partner" /> })}
                    <button type="submit">"Register"</button>
                </form>
            })}
            {(registration && my_entry.is_some()).then(|| view! {
                <button class="secondary" on:click=move |_| { act.dispatch("unregister"); }>"Withdraw"</button>
            })}
            {(registration && (creator || session.is_admin())).then(|| view! {
                <button on:click=move |_| { act.dispatch("start"); }>"Start the championship"</button>
            })}
        </div>
        {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
        <section class="card">
            <h2>"Entries"</h2>
            {if c.entries.is_empty() {
                view! { <p class="empty">"Nobody has entered yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain">
                        {c.entries.iter().map(|e| view! {
                            <li>
                                {e.display_name.clone()}
                                {e.seed.map(|s| format!(" (seed {s})"))}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="card">
            <h2>"Standings"</h2>
            {if c.standings.is_empty() {
                view! { <p class="empty">"The standings start with the first confirmed match."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="standings">
                            <thead><tr>
                                <th scope="col">"#"</th><th scope="col">"Entry"</th><th scope="col" class="num">"Played"</th>
                                <th scope="col" class="num">"Won"</th><th scope="col" class="num">"Lost"</th>
                                <th scope="col" class="num">"Games"</th><th scope="col" class="num">"Diff"</th><th scope="col" class="num">"Points"</th>
                            </tr></thead>
                            <tbody>{standings}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <p class="muted">"3 points a win. Ties are broken by game difference, games won, fewer games lost, then the points from matches among the tied entries, then entry order."</p>
        </section>
        {results}
        <section class="card">
            <h2>"Fixtures"</h2>
            {if c.fixtures.is_empty() {
                view! { <p class="empty">"Fixtures are drawn when the championship starts."</p> }.into_any()
            } else {
                view! { <ul class="plain fixtures">{fixtures}</ul> }.into_any()
            }}
        </section>
    }
}

/// A fixture: its match once recorded; otherwise, for its players, the button that records it.
fn fixture_row(f: ChampionshipFixture, home: String, away: String, plays: bool) -> impl IntoView {
    let text = format!(
        "Round {} · {} {} · {home} vs {away}",
        f.round_number,
        f.scheduled_date,
        f.scheduled_time.format("%H:%M"),
    );
    view! {
        <li>
            {match f.match_id {
                Some(m) => view! { <A href=format!("/matches/{m}")>{text}</A> }.into_any(),
                None => view! {
                    {text}
                    {plays.then(|| view! { " " <RecordFixture fixture=f /> })}
                }.into_any(),
            }}
        </li>
    }
}

/// Converts a fixture into its match and opens the match page to enter the games.
#[component]
fn RecordFixture(fixture: ChampionshipFixture) -> impl IntoView {
    let navigate = use_navigate();
    let error = RwSignal::new(None::<ApiError>);
    let convert = Action::new_local(move |(): &()| async move {
        let body = ConvertRequest {
            played_at: played_at_of_fixture(fixture.scheduled_date, fixture.scheduled_time),
            ..ConvertRequest::default()
        };
        api::schedule::convert(fixture.id, &body).await
    });
    Effect::new(move || match convert.value().get() {
        Some(Ok(m)) => navigate(&format!("/matches/{}", m.id), NavigateOptions::default()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <button class="secondary" on:click=move |_| { convert.dispatch(()); } disabled=move || convert.pending().get()>
            "Record result"
        </button>
        {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
    }
}
