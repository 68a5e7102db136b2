//! A player's achievements: what they earned (with tier) and a progress bar per group toward
//! the next tier (DOMAIN.md §3.14).

use leptos::prelude::*;
use ttstats_api_types::players::Achievements;

use crate::api;
use crate::components::loading::loaded;

/// The achievements section of a player page.
#[component]
pub fn AchievementsView(player: i64) -> impl IntoView {
    let data = LocalResource::new(move || api::players::achievements(player));
    view! { {loaded(data, achievements_view)} }
}

fn label(slug: &str) -> String {
    let text = slug.replace('_', " ");
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

fn achievements_view(a: Achievements) -> impl IntoView {
    let earned = if a.earned.is_empty() {
        view! { <p class="empty">"No achievements yet."</p> }.into_any()
    } else {
        view! {
            <ul class="achievements-earned">
                {a.earned.into_iter().map(|e| {
                    let tier = e.tier.as_str();
                    view! {
                        <li class=format!("achievement tier-{tier}")>
                            <strong>{e.name}</strong>
                            {(tier != "none").then(|| view! { <span class="tier">" · "{tier}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        {earned}
        <ul class="achievement-progress">
            {a.progress.into_iter().map(|p| {
                let next = p.next_tier.map(|t| format!(" → {}", t.as_str())).unwrap_or_default();
                let max = p.threshold.max(1);
                let value = p.value.clamp(0, max);
                view! {
                    <li>
                        <span class="group">{label(p.group.as_str())}{next}</span>
                        <progress max=max.to_string() value=value.to_string()></progress>
                        <span class="muted">{format!("{} / {}", p.value, p.threshold)}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
