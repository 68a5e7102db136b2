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
    complete(api)
}

/// Adds the answers the extractors give before any handler runs, so each handler documents
/// only its own: every `/api/v1` operation with a path or query parameter can answer 400
/// `invalid_query_parameter` (an id beyond 64 bits, a `true` that is not a boolean), and every
/// one with a body 400 `malformed_request` (not JSON, wrong types, over 64 KiB).
pub fn complete(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    for (path, item) in &mut api.paths.paths {
        if !path.starts_with("/api/v1") {
            continue;
        }
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            let has_parameters = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
            let why = match (has_parameters, operation.request_body.is_some()) {
                (false, false) => continue,
                (true, false) => "`invalid_query_parameter`: a malformed path or query parameter",
                (false, true) => {
                    "`malformed_request`: the body is not JSON of the documented \
                                  shape, or over 64 KiB"
                }
                (true, true) => {
                    "`invalid_query_parameter` (a malformed path or query \
                                 parameter), `malformed_request` (the body is not JSON of the \
                                 documented shape, or over 64 KiB)"
                }
            };
            operation
                .responses
                .responses
                .entry("400".to_owned())
                .or_insert_with(|| {
                    RefOr::T(
                        ResponseBuilder::new()
                            .description(why)
                            .content(
                                "application/problem+json",
                                ContentBuilder::new()
                                    .schema(Some(Ref::from_schema_name("ProblemDetails")))
                                    .build(),
                            )
                            .build(),
                    )
                });
        }
    }
    api
}

/// The document as YAML (what `ttstats openapi` writes to `openapi.yaml`).
pub fn yaml() -> anyhow::Result<String> {
    Ok(serde_yaml::to_string(&document())?)
}
