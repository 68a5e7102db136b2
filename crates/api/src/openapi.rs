//! The OpenAPI document: paths are collected from the handlers' `#[utoipa::path]` by
//! utoipa-actix-web as routes are mounted, so the document cannot drift from the router.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Top-level document metadata.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "ttstats API",
        description = "Club table-tennis statistics: matches, confirmations, Elo ratings, \
                       leaderboard, head-to-head, dashboard, calendar and championships. \
                       Errors are RFC 9457 problem+json with a stable `code`.",
        version = "1"
    ),
    modifiers(&BearerAuth),
    components(schemas(ttstats_api_types::problem::ProblemDetails))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The complete document, built from the same route table the server mounts.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, api) = crate::startup::api_app().split_for_parts();
    api
}

/// The document as YAML (what `ttstats openapi` writes to `openapi.yaml`).
pub fn yaml() -> anyhow::Result<String> {
    Ok(serde_yaml::to_string(&document())?)
}
