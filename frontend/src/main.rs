//! The ttstats single-page app: Leptos CSR, mounted on `<body>`, talking only to `/api/v1`.

mod api;
mod app;
mod components;
mod format;
mod pages;
mod state;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
