//! A labelled `<select>` of players (native, so keyboard and phone friendly).

use leptos::prelude::*;
use ttstats_api_types::players::Player;

/// A player picker bound to `value` (the player id as text; "" for none).
#[component]
pub fn PlayerSelect(
    #[prop(into)] players: Signal<Vec<Player>>,
    value: RwSignal<String>,
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(optional, into)] described_by: Option<String>,
) -> impl IntoView {
    view! {
        <label for=id.clone()>{label}</label>
        <select
            id=id
            aria-describedby=described_by
            prop:value=move || value.get()
            on:change=move |ev| value.set(event_target_value(&ev))
        >
            <option value="">"— choose —"</option>
            {move || {
                players
                    .get()
                    .into_iter()
                    .map(|p| {
                        let id = p.id.to_string();
                        let selected = value.get_untracked() == id;
                        view! {
                            <option value=id selected=selected>
                                {format!("{} ({})", p.display_name, p.rating)}
                            </option>
                        }
                    })
                    .collect_view()
            }}
        </select>
    }
}
