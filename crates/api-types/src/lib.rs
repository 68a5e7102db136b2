#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod admin;
pub mod auth;
pub mod championships;
pub mod live;
pub mod locations;
pub mod matches;
pub mod notifications;
pub mod page;
pub mod players;
pub mod problem;
pub mod schedule;
pub mod stats;

pub use page::{Page, PageQuery};
pub use problem::{FieldError, FieldErrors, ProblemDetails};

/// serde helpers for PATCH bodies, where "absent" and `null` mean different things.
pub(crate) mod double_option {
    use serde::{Deserialize, Deserializer};

    /// Use with `#[serde(default, deserialize_with = "…")]` on an `Option<Option<T>>`: an
    /// absent key stays `None` (leave unchanged), `null` becomes `Some(None)` (clear it) and a
    /// value `Some(Some(v))` (set it).
    #[expect(
        clippy::option_option,
        reason = "absent, null and a value are three different PATCH intents"
    )]
    pub(crate) fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

/// Trims a text field and checks it is present and short enough (DOMAIN.md §6 generic field
/// rules); `None` means a blank optional value.
pub(crate) fn checked_text(
    errors: &mut FieldErrors,
    field: &'static str,
    value: Option<&str>,
    required: bool,
    max: usize,
) -> Option<String> {
    use ttstats_domain::DomainError;
    let trimmed = value.map(str::trim).filter(|v| !v.is_empty());
    match trimmed {
        None if required => {
            errors.push(field, DomainError::FieldRequired { field });
            None
        }
        None => None,
        Some(v) if v.chars().count() > max => {
            errors.push(field, DomainError::FieldTooLong { field, max });
            None
        }
        Some(v) => Some(v.to_owned()),
    }
}

#[cfg(all(test, feature = "openapi"))]
mod openapi_tests {
    use utoipa::OpenApi;

    use crate::{
        admin, auth, championships, live, matches, notifications, players, schedule, stats,
    };

    #[derive(OpenApi)]
    #[openapi(components(schemas(
        crate::ProblemDetails,
        crate::Page<players::Player>,
        auth::RegisterRequest,
        auth::RegisterResponse,
        auth::LoginRequest,
        auth::TokenResponse,
        auth::MeResponse,
        auth::BadgesResponse,
        players::PlayerStats,
        players::UpdatePlayerRequest,
        players::HistoryItem,
        players::EloHistoryItem,
        matches::CreateMatchRequest,
        matches::UpdateMatchRequest,
        matches::Match,
        matches::Projection,
        stats::Leaderboard,
        stats::HeadToHead,
        stats::PairStats,
        stats::Dashboard,
        schedule::Calendar,
        schedule::CreateScheduledMatchRequest,
        schedule::ConvertRequest,
        championships::Championship,
        championships::CreateChampionshipRequest,
        live::LiveState,
        live::PointRequest,
        notifications::NotificationList,
        admin::CacheStats,
        admin::RecalculateReport,
        admin::OutboxItem,
    )))]
    struct Doc;

    #[test]
    fn every_type_renders_an_openapi_schema_with_request_examples() {
        let doc = serde_json::to_value(Doc::openapi()).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert!(schemas["Match"]["properties"]["winner_side"].is_object());
        assert_eq!(
            schemas["ProblemDetails"]["properties"]["type"]["type"],
            "string"
        );
        for request in [
            "CreateMatchRequest",
            "RegisterRequest",
            "LoginRequest",
            "CreateScheduledMatchRequest",
            "CreateChampionshipRequest",
            "PointRequest",
        ] {
            assert!(
                schemas[request].get("example").is_some(),
                "{request} has no example"
            );
        }
        let match_example = &schemas["CreateMatchRequest"]["example"];
        assert_eq!(match_example["side1"], serde_json::json!([1]));
    }
}
