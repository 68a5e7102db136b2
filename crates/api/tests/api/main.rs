//! Black-box tests over real HTTP against a spawned application.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]
#![expect(
    clippy::allow_attributes,
    reason = "the per-backend test macros glob-import their parent module"
)]

mod championships;
mod health;
mod helpers;
mod openapi;
