//! The month calendar with fixtures and played matches, scheduling and conversion of a fixture
//! into a match.

use chrono::{Datelike, NaiveDate, NaiveTime, Utc};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use ttstats_api_types::players::Player;
use ttstats_api_types::schedule::{
    Calendar, ConvertRequest, CreateScheduledMatchRequest, ScheduledMatch,
};

use crate::api::{self, ApiError};
use crate::components::loading::loaded;
use crate::components::player_select::PlayerSelect;
use crate::components::problem_view::{ErrorNotice, FieldMessages, FormError};
use crate::format::parse_i64;
use crate::state::use_session;

/// `/calendar?year=&month=`.
#[component]
pub fn CalendarPage() -> impl IntoView {
    super::set_title("Calendar");
    let session = use_session();
    let query = use_query_map();
    let today = Utc::now().date_naive();
    let month = Memo::new(move |_| {
        let q = query.read();
        let year = q
            .get("year")
            .and_then(|v| v.parse().ok())
            .unwrap_or(today.year());
        let month = q
            .get("month")
            .and_then(|v| v.parse().ok())
            .filter(|m| (1..=12).contains(m))
            .unwrap_or(today.month());
        (year, month)
    });
    let reload = RwSignal::new(0_u32);
    let data = LocalResource::new(move || {
        reload.track();
        session.track();
        let (y, m) = month.get();
        api::schedule::calendar(y, m)
    });
    view! {
        <h1>"Calendar"</h1>
        {loaded(data, move |c| view! { <Month c=c reload=reload /> })}
        <Show when=move || session.signed_in()>
            <ScheduleForm reload=reload />
        </Show>
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

#[component]
fn Month(c: Calendar, reload: RwSignal<u32>) -> impl IntoView {
    let title = format!(
        "{} {}",
        MONTHS[(c.month as usize).saturating_sub(1) % 12],
        c.year
    );
    let prev = format!(
        "/calendar?year={}&month={}",
        c.previous.year, c.previous.month
    );
    let next = format!("/calendar?year={}&month={}", c.next.year, c.next.month);
    let today = Utc::now().date_naive();
    view! {
        <nav class="pager" aria-label="Months">
            <A href=prev>"← Previous"</A>
            <h2>{title}</h2>
            <A href=next>"Next →"</A>
        </nav>
        <div class="calendar" role="grid">
            <div class="cal-head" role="row">
                {["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map(|d| view! { <span role="columnheader">{d}</span> }).collect_view()}
            </div>
            {c.weeks.into_iter().map(|week| view! {
                <div class="cal-week" role="row">
                    {week.into_iter().map(|day| {
                        let label = format!("{} {}: {} fixtures, {} matches", day.date, MONTHS[day.date.month0() as usize], day.fixtures.len(), day.matches.len());
                        view! {
                            <div class="cal-day" class:out={!day.in_month} class:today={day.date == today} role="gridcell" aria-label=label>
                                <span class="day-number">{day.date.day()}</span>
                                {day.fixtures.iter().map(|f| view! { <span class="chip fixture">{format!("{} {}", f.scheduled_time.format("%H:%M"), sides(f))}</span> }).collect_view()}
                                {day.matches.iter().map(|m| view! {
                                    <A href=format!("/matches/{}", m.id) attr:class="chip played">
                                        {format!("{} {}–{} {}", m.presentation.side1_label, m.side1_games, m.side2_games, m.presentation.side2_label)}
                                    </A>
                                }).collect_view()}
                            </div>
                        }
                    }).collect_view()}
                </div>
            }).collect_view()}
        </div>
        <section class="card">
            <h2>"Upcoming fixtures"</h2>
            {if c.upcoming.is_empty() {
                view! { <p class="empty">"No upcoming fixtures."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain">
                        {c.upcoming.into_iter().map(|f| view! { <Fixture f=f reload=reload /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

fn sides(f: &ScheduledMatch) -> String {
    let label = |ps: &[Player]| {
        ps.iter()
            .map(|p| p.display_name.clone())
            .collect::<Vec<_>>()
            .join(" and ")
    };
    format!("{} vs {}", label(&f.side1), label(&f.side2))
}

#[component]
fn Fixture(f: ScheduledMatch, reload: RwSignal<u32>) -> impl IntoView {
    let navigate = use_navigate();
    let id = f.id;
    let played_at = crate::format::played_at_of_fixture(f.scheduled_date, f.scheduled_time);
    let error = RwSignal::new(None::<ApiError>);
    let convert = Action::new_local(move |(): &()| async move {
        let body = ConvertRequest {
            played_at,
            ..ConvertRequest::default()
        };
        api::schedule::convert(id, &body).await
    });
    let cancel = Action::new_local(move |(): &()| async move { api::schedule::cancel(id).await });
    Effect::new(move || match convert.value().get() {
        Some(Ok(m)) => navigate(&format!("/matches/{}", m.id), NavigateOptions::default()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    Effect::new(move || match cancel.value().get() {
        Some(Ok(())) => reload.update(|r| *r += 1),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <li>
            {format!("{} {} · {}", f.scheduled_date, f.scheduled_time.format("%H:%M"), sides(&f))}
            {f.championship_name.clone().map(|c| format!(" · {c}"))}
            {f.win_probability.map(|p| format!(" · win probability {}% – {}%", p.side1, p.side2))}
            " "
            {match f.match_id {
                Some(m) => view! { <A href=format!("/matches/{m}")>"Match"</A> }.into_any(),
                None => view! {
                    <button class="secondary" on:click=move |_| { convert.dispatch(()); }>"Record result"</button>
                    " "
                    <button class="secondary" on:click=move |_| { cancel.dispatch(()); }>"Cancel"</button>
                }.into_any(),
            }}
            {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
        </li>
    }
}

#[component]
fn ScheduleForm(reload: RwSignal<u32>) -> impl IntoView {
    let session = use_session();
    let players = LocalResource::new(api::players::all);
    let date = RwSignal::new(String::new());
    let time = RwSignal::new("18:00".to_owned());
    let side1 = RwSignal::new(
        session
            .player_id()
            .map(|p| p.to_string())
            .unwrap_or_default(),
    );
    let side2 = RwSignal::new(String::new());
    Effect::new(move || {
        if let Some(id) = session.player_id()
            && side1.get_untracked().is_empty()
        {
            side1.set(id.to_string());
        }
    });
    let notes = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let schedule = Action::new_local(move |body: &CreateScheduledMatchRequest| {
        let body = body.clone();
        async move { api::schedule::schedule(&body).await }
    });
    Effect::new(move || match schedule.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            reload.update(|r| *r += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(d) = NaiveDate::parse_from_str(&date.get_untracked(), "%Y-%m-%d") else {
            error.set(Some(ApiError::invalid("scheduled_date", "choose a date")));
            return;
        };
        let Ok(t) = NaiveTime::parse_from_str(&time.get_untracked(), "%H:%M") else {
            error.set(Some(ApiError::invalid("scheduled_time", "choose a time")));
            return;
        };
        let n = notes.get_untracked();
        schedule.dispatch(CreateScheduledMatchRequest {
            kind: None,
            scheduled_date: d,
            scheduled_time: t,
            location: None,
            notes: (!n.trim().is_empty()).then_some(n),
            side1: parse_i64(&side1.get_untracked()).into_iter().collect(),
            side2: parse_i64(&side2.get_untracked()).into_iter().collect(),
        });
    };
    view! {
        <section class="card">
            <h2>"Schedule a match"</h2>
            {loaded(players, move |all| view! {
                <form class="match-form" on:submit=on_submit novalidate>
                    <FormError error=error fields=&["scheduled_date", "scheduled_time", "side1", "side2", "notes"] />
                    <div class="row">
                        <div class="field">
                            <label for="s-date">"Date"</label>
                            <input id="s-date" type="date" bind:value=date />
                            <FieldMessages error=error field="scheduled_date" />
                        </div>
                        <div class="field">
                            <label for="s-time">"Time"</label>
                            <input id="s-time" type="time" bind:value=time />
                            <FieldMessages error=error field="scheduled_time" />
                        </div>
                        <div class="field">
                            <PlayerSelect players=all.clone() value=side1 id="s-side1" label="Side 1" />
                            <FieldMessages error=error field="side1" />
                        </div>
                        <div class="field">
                            <PlayerSelect players=all value=side2 id="s-side2" label="Side 2" />
                            <FieldMessages error=error field="side2" />
                        </div>
                    </div>
                    <div class="field">
                        <label for="s-notes">"Notes"</label>
                        <input id="s-notes" bind:value=notes />
                    </div>
                    <button type="submit" disabled=move || schedule.pending().get()>"Schedule"</button>
                </form>
            })}
        </section>
    }
}
