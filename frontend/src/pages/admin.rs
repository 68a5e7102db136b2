//! Administration: accounts, the e-mail outbox, cache statistics, Elo recalculation.

use leptos::prelude::*;
use leptos_router::components::A;
use ttstats_api_types::admin::{CacheStats, RecalculateReport, UpdateUserRequest, UserAdminView};

use crate::api::{self, ApiError};
use crate::components::loading::loaded;
use crate::components::problem_view::ErrorNotice;
use crate::format;
use crate::state::use_session;

/// The admin section's menu.
#[component]
fn AdminNav() -> impl IntoView {
    view! {
        <nav class="subnav" aria-label="Administration">
            <A href="/admin/users">"Users"</A>
            <A href="/admin/outbox">"Outbox"</A>
            <A href="/admin/cache">"Cache"</A>
            <A href="/admin/elo">"Elo recalculation"</A>
        </nav>
    }
}

/// Shows `children` to administrators, a notice to everyone else.
#[component]
fn AdminOnly(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    move || match session.me.get() {
        None => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
        Some(Some(me)) if me.user.is_admin => children().into_any(),
        Some(_) => {
            view! { <p class="notice error" role="alert">"Administrators only."</p> }.into_any()
        }
    }
}

/// `/admin`.
#[component]
pub fn AdminHome() -> impl IntoView {
    super::set_title("Administration");
    view! {
        <h1>"Administration"</h1>
        <AdminOnly>
            <AdminNav />
            <p>"Manage accounts, read queued e-mails, inspect and warm the cache, and replay Elo ratings."</p>
        </AdminOnly>
    }
}

/// `/admin/users`.
#[component]
pub fn Users() -> impl IntoView {
    super::set_title("Users");
    let reload = RwSignal::new(0_u32);
    let data = LocalResource::new(move || {
        reload.track();
        api::admin::users(1)
    });
    view! {
        <h1>"Users"</h1>
        <AdminOnly>
            <AdminNav />
            {loaded(data, move |page| view! {
                <p class="muted">{format!("{} accounts", page.total)}</p>
                <div class="table-wrap">
                    <table>
                        <thead><tr>
                            <th scope="col">"User"</th><th scope="col">"E-mail"</th><th scope="col">"Verified"</th>
                            <th scope="col">"Admin"</th><th scope="col">"Active"</th><th scope="col">"Last sign-in"</th>
                        </tr></thead>
                        <tbody>
                            {page.items.into_iter().map(|u| view! { <UserRow u=u reload=reload /> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </AdminOnly>
    }
}

#[component]
fn UserRow(u: UserAdminView, reload: RwSignal<u32>) -> impl IntoView {
    let id = u.id;
    let error = RwSignal::new(None::<ApiError>);
    let update = Action::new_local(move |body: &UpdateUserRequest| {
        let body = *body;
        async move { api::admin::update_user(id, &body).await }
    });
    Effect::new(move || match update.value().get() {
        Some(Ok(_)) => reload.update(|r| *r += 1),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let toggle = move |label: &'static str, value: bool, body: UpdateUserRequest| {
        view! {
            <td>
                <label class="check">
                    <input type="checkbox" checked=value on:change=move |_| { update.dispatch(body); } />
                    <span class="sr-only">{format!("{label} {id}")}</span>
                </label>
            </td>
        }
    };
    view! {
        <tr>
            <td>
                {
                    let name = u.username.clone();
                    match u.player_id {
                        Some(p) => view! { <A href=format!("/players/{p}")>{name}</A> }.into_any(),
                        None => name.into_any(),
                    }
                }
                {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
            </td>
            <td>{u.email.clone()}</td>
            {toggle("verified", u.email_verified, UpdateUserRequest { email_verified: Some(!u.email_verified), ..Default::default() })}
            {toggle("admin", u.is_admin, UpdateUserRequest { is_admin: Some(!u.is_admin), ..Default::default() })}
            {toggle("active", u.active, UpdateUserRequest { active: Some(!u.active), ..Default::default() })}
            <td>{u.last_login_at.map_or_else(|| "never".to_owned(), format::date_time)}</td>
        </tr>
    }
}

/// `/admin/outbox`.
#[component]
pub fn Outbox() -> impl IntoView {
    super::set_title("Outbox");
    let data = LocalResource::new(|| api::admin::outbox(1));
    view! {
        <h1>"Outbox"</h1>
        <AdminOnly>
            <AdminNav />
            {loaded(data, |page| {
                if page.items.is_empty() {
                    return view! { <p class="empty">"No e-mails queued."</p> }.into_any();
                }
                view! {
                    <ul class="outbox">
                        {page.items.into_iter().map(|m| view! {
                            <li class="card">
                                <p><strong>{m.subject.clone()}</strong>" → "{m.to_address.clone()}</p>
                                <p class="muted">
                                    {format!("{} · {} · {}", m.kind, format::date_time(m.created_at),
                                        m.sent_at.map_or_else(|| "not sent".to_owned(), |s| format!("sent {}", format::date_time(s))))}
                                </p>
                                <pre>{m.body_text.clone()}</pre>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </AdminOnly>
    }
}

/// `/admin/cache`.
#[component]
pub fn Cache() -> impl IntoView {
    super::set_title("Cache");
    let reload = RwSignal::new(0_u32);
    let data = LocalResource::new(move || {
        reload.track();
        api::admin::cache_stats()
    });
    let message = RwSignal::new(None::<Result<String, ApiError>>);
    let clear = Action::new_local(|(): &()| api::admin::clear_cache());
    let warm = Action::new_local(|(): &()| api::admin::warm_cache());
    Effect::new(move || {
        if let Some(r) = clear.value().get() {
            message.set(Some(r.map(|()| "Cache cleared.".to_owned())));
            reload.update(|n| *n += 1);
        }
    });
    Effect::new(move || {
        if let Some(r) = warm.value().get() {
            message.set(Some(r.map(|w| {
                format!(
                    "Cache warmed: {} values ({} computed) for {} players in {} ms.",
                    w.entries, w.computed, w.players, w.duration_ms
                )
            })));
            reload.update(|n| *n += 1);
        }
    });
    view! {
        <h1>"Cache"</h1>
        <AdminOnly>
            <AdminNav />
            <div class="row">
                <button on:click=move |_| { clear.dispatch(()); } disabled=move || clear.pending().get()>"Clear cache"</button>
                <button class="secondary" on:click=move |_| { warm.dispatch(()); } disabled=move || warm.pending().get()>"Warm cache"</button>
                <button class="secondary" on:click=move |_| reload.update(|n| *n += 1)>"Refresh"</button>
            </div>
            {move || message.get().map(|m| match m {
                Ok(text) => view! { <p class="notice success" role="status">{text}</p> }.into_any(),
                Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
            })}
            {loaded(data, cache_view)}
        </AdminOnly>
    }
}

fn cache_view(s: CacheStats) -> impl IntoView {
    view! {
        <dl class="facts">
            <div><dt>"Hit rate"</dt><dd>{format::percent(s.hit_rate * if s.hit_rate <= 1.0 { 100.0 } else { 1.0 })}</dd></div>
            <div><dt>"L1 entries"</dt><dd>{s.l1.entries}</dd></div>
            <div><dt>"L1 size"</dt><dd>{format!("{} KiB", s.l1.bytes / 1024)}</dd></div>
            <div><dt>"L1 hits / misses"</dt><dd>{format!("{} / {}", s.l1.hits, s.l1.misses)}</dd></div>
            <div><dt>"Redis"</dt><dd>{if s.l2.connected { "connected" } else { "not connected" }}</dd></div>
            <div><dt>"L2 keys"</dt><dd>{s.l2.keys}</dd></div>
            <div><dt>"L2 hits / misses"</dt><dd>{format!("{} / {}", s.l2.hits, s.l2.misses)}</dd></div>
        </dl>
        <div class="table-wrap">
            <table>
                <thead><tr><th scope="col">"Family"</th><th scope="col" class="num">"L1 hits"</th><th scope="col" class="num">"L2 hits"</th><th scope="col" class="num">"Misses"</th></tr></thead>
                <tbody>
                    {s.families.into_iter().map(|(name, f)| view! {
                        <tr><td>{name}</td><td class="num">{f.l1_hits}</td><td class="num">{f.l2_hits}</td><td class="num">{f.misses}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// `/admin/elo`.
#[component]
pub fn Elo() -> impl IntoView {
    super::set_title("Elo recalculation");
    let dry_run = RwSignal::new(true);
    let run = Action::new_local(|dry: &bool| api::admin::recalculate(*dry));
    view! {
        <h1>"Elo recalculation"</h1>
        <AdminOnly>
            <AdminNav />
            <p>"Replays every confirmed match in play order and rewrites the ratings. A dry run only reports what would change."</p>
            <form class="inline" on:submit=move |ev| {
                ev.prevent_default();
                run.dispatch(dry_run.get_untracked());
            }>
                <label class="check">
                    <input type="checkbox" bind:checked=dry_run />
                    " Dry run"
                </label>
                <button type="submit" disabled=move || run.pending().get()>
                    {move || if dry_run.get() { "Preview recalculation" } else { "Recalculate now" }}
                </button>
            </form>
            {move || run.value().get().map(|r| match r {
                Ok(report) => report_view(report).into_any(),
                Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
            })}
        </AdminOnly>
    }
}

fn report_view(r: RecalculateReport) -> impl IntoView {
    view! {
        <section class="card" role="status">
            <h2>{if r.dry_run { "Dry run" } else { "Recalculated" }}</h2>
            <p>{format!("{} matches replayed, {} history rows replaced, {} players change.", r.matches_replayed, r.history_rows_deleted, r.changed_players.len())}</p>
            {(!r.changed_players.is_empty()).then(|| view! {
                <ul class="plain">
                    {r.changed_players.iter().map(|c| view! {
                        <li>
                            <A href=format!("/players/{}", c.player_id)>{format!("player {}", c.player_id)}</A>
                            {format!(": {} → {}", c.old_rating, c.new_rating)}
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}
