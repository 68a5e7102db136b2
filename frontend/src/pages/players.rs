//! The players list with search (kept in the URL).

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use ttstats_api_types::Page;
use ttstats_api_types::players::Player;

use crate::api::{self, query_string};
use crate::components::loading::loaded;

/// `/players?search=&page=`.
#[component]
pub fn Players() -> impl IntoView {
    super::set_title("Players");
    let query = use_query_map();
    let navigate = use_navigate();
    let search = Memo::new(move |_| query.read().get("search").unwrap_or_default());
    let page = Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(1)
    });
    let text = RwSignal::new(search.get_untracked());
    let data = LocalResource::new(move || {
        let s = search.get();
        let p = page.get();
        async move { api::players::list(Some(s), Some(p), 20).await }
    });
    let go = move |s: String, p: u32| {
        let qs = query_string([
            ("search", Some(s)),
            ("page", (p > 1).then(|| p.to_string())),
        ]);
        navigate(&format!("/players{qs}"), NavigateOptions::default());
    };
    let go_search = go.clone();
    view! {
        <h1>"Players"</h1>
        <form
            class="filters"
            role="search"
            on:submit=move |ev| {
                ev.prevent_default();
                go_search(text.get_untracked(), 1);
            }
        >
            <div class="field">
                <label for="player-search">"Search by name or nickname"</label>
                <input id="player-search" type="search" bind:value=text />
            </div>
            <button type="submit">"Search"</button>
        </form>
        {loaded(data, move |p| list(p, search.get_untracked(), go.clone()))}
    }
}

fn list(
    page: Page<Player>,
    search: String,
    go: impl Fn(String, u32) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    if page.items.is_empty() {
        let text = if search.is_empty() {
            "No players yet.".to_owned()
        } else {
            format!("No player matches “{search}”.")
        };
        return view! { <p class="empty">{text}</p> }.into_any();
    }
    let current = page.page;
    let pages = page.page_count();
    let (s1, s2) = (search.clone(), search);
    let (g1, g2) = (go.clone(), go);
    view! {
        <ul class="player-list">
            {page
                .items
                .into_iter()
                .map(|p| {
                    view! {
                        <li>
                            <A href=format!("/players/{}", p.id)>{p.display_name.clone()}</A>
                            {(!p.nickname.is_empty() && p.nickname != p.name).then(|| view! { <span class="muted">" ("{p.name.clone()}")"</span> })}
                            <span class="rating">{p.rating}</span>
                            {p.is_guest.then(|| view! { <span class="tag">"guest"</span> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <nav class="pager" aria-label="Pages">
            <button disabled={current <= 1} on:click=move |_| g1(s1.clone(), current - 1)>"Previous"</button>
            <span>{format!("Page {current} of {pages}")}</span>
            <button disabled={current >= pages} on:click=move |_| g2(s2.clone(), current + 1)>"Next"</button>
        </nav>
    }
    .into_any()
}
