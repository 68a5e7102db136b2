//! The one error type of the API and its RFC 9457 problem+json rendering. Every domain and
//! storage error gets an explicit HTTP decision here (no catch-all arm), so a new rule cannot
//! compile without one. Causes never reach the wire; 5xx are logged once with their source.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use ttstats_api_types::problem::{FieldErrors, ProblemDetails};
use ttstats_domain::DomainError;
use ttstats_persistence::DbError;

/// A failed request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A rule refused the request.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// Field validation failed (422 with the `errors` map).
    #[error("validation failed")]
    Fields(FieldErrors),
    /// Unknown or invisible resource.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// No credentials.
    #[error("authentication required")]
    Unauthenticated,
    /// Bad or expired token.
    #[error("invalid or expired token")]
    InvalidToken,
    /// A rotated refresh token was reused: its family is revoked.
    #[error("refresh token reused")]
    TokenReused,
    /// Body or parameters could not be parsed.
    #[error("malformed request: {0}")]
    Malformed(String),
    /// A bad query or path parameter.
    #[error("invalid parameter {0}")]
    BadParameter(String),
    /// Throttled.
    #[error("too many requests")]
    RateLimited {
        /// Seconds until a retry can succeed.
        retry_after: u64,
    },
    /// The database is unreachable.
    #[error("service unavailable")]
    Unavailable(String),
    /// Anything else: logged, sent as a generic 500.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound => Self::NotFound("resource"),
            DbError::Rule(rule) => Self::Domain(rule),
            DbError::Unavailable(why) => Self::Unavailable(why),
            DbError::Conflict { constraint } => Self::Internal(anyhow::anyhow!(
                "unmapped constraint violation: {constraint}"
            )),
            e @ DbError::Query(_) => Self::Internal(e.into()),
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        Self::Fields(errors)
    }
}

/// The status of a rule violation (DOMAIN.md §6).
pub fn domain_status(error: &DomainError) -> StatusCode {
    use DomainError as E;
    match error {
        E::InvalidQueryParameter { .. } | E::InvalidDateRange => StatusCode::BAD_REQUEST,
        E::InvalidCredentials => StatusCode::UNAUTHORIZED,
        E::PlayerProfileRequired
        | E::NotProfileOwner
        | E::NotAParticipant
        | E::NotMatchCreator
        | E::NotScorekeeper
        | E::NotChampionshipCreator
        | E::AdminRequired
        | E::EmailNotVerified
        | E::AccountInactive => StatusCode::FORBIDDEN,
        E::GameNumberTaken { .. }
        | E::MatchAlreadyComplete
        | E::MatchLocked
        | E::ParticipantsLocked
        | E::BestOfLocked
        | E::MatchNotComplete
        | E::MatchIsLive
        | E::MatchNotLive
        | E::LiveNotStarted
        | E::LiveAlreadyStarted
        | E::FixtureAlreadyConverted
        | E::RegistrationClosed
        | E::ChampionshipFull
        | E::AlreadyRegistered
        | E::ChampionshipNotInRegistration
        | E::NotEnoughEntries
        | E::UsernameTaken
        | E::EmailTaken
        | E::AlreadySignedIn
        | E::PlayerHasMatches
        | E::PlayerAlreadyLinked
        | E::UserAlreadyHasPlayer => StatusCode::CONFLICT,
        E::GameScoreNegative
        | E::GameScoreTie
        | E::GameScoreBelowEleven
        | E::GameScoreLeadTooSmall
        | E::GameScoreOvershoot
        | E::GameNumberOutOfRange { .. }
        | E::DurationInvalid
        | E::BestOfInvalid
        | E::WrongPlayerCount
        | E::PlayersNotDistinct
        | E::UnknownPlayer
        | E::CreatorNotParticipant
        | E::PlayedAtInFuture
        | E::ScheduledDateInPast
        | E::StartDateInPast
        | E::RegistrationDeadlineRequired
        | E::RegistrationDeadlineAfterStart
        | E::MaxEntriesInvalid
        | E::EntrySizeInvalid
        | E::TooManyEntries
        | E::LiveRequiresSingles
        | E::InvalidSide
        | E::PasswordTooShort
        | E::PasswordTooLong
        | E::PasswordEntirelyNumeric
        | E::PasswordTooCommon
        | E::PasswordTooSimilar
        | E::UsernameInvalid
        | E::EmailInvalid
        | E::VerificationTokenInvalid
        | E::VerificationTokenExpired
        | E::FieldRequired { .. }
        | E::FieldTooLong { .. }
        | E::InvalidChoice { .. } => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// The field a single rule violation concerns, for the `errors` map.
fn domain_field(error: &DomainError) -> Option<String> {
    use DomainError as E;
    let field = match error {
        E::FieldRequired { field } | E::FieldTooLong { field, .. } | E::InvalidChoice { field } => {
            *field
        }
        E::InvalidQueryParameter { parameter } => parameter,
        E::GameScoreNegative
        | E::GameScoreTie
        | E::GameScoreBelowEleven
        | E::GameScoreLeadTooSmall
        | E::GameScoreOvershoot => "score",
        E::GameNumberOutOfRange { .. } | E::GameNumberTaken { .. } => "number",
        E::DurationInvalid => "duration_minutes",
        E::BestOfInvalid | E::BestOfLocked => "best_of",
        E::PlayedAtInFuture => "played_at",
        E::ScheduledDateInPast => "scheduled_date",
        E::StartDateInPast => "start_date",
        E::RegistrationDeadlineRequired | E::RegistrationDeadlineAfterStart => {
            "registration_deadline"
        }
        E::MaxEntriesInvalid => "max_entries",
        E::InvalidSide => "side",
        E::PasswordTooShort
        | E::PasswordTooLong
        | E::PasswordEntirelyNumeric
        | E::PasswordTooCommon
        | E::PasswordTooSimilar => "password",
        E::UsernameInvalid | E::UsernameTaken => "username",
        E::EmailInvalid | E::EmailTaken => "email",
        E::VerificationTokenInvalid | E::VerificationTokenExpired => "token",
        _ => return None,
    };
    Some(field.to_owned())
}

impl ApiError {
    /// A `not_found` for the named resource.
    pub fn not_found(what: &'static str) -> Self {
        Self::NotFound(what)
    }

    fn problem(&self) -> ProblemDetails {
        let status = self.status_code().as_u16();
        let titled = |code: &str, title: &str, detail: String| {
            ProblemDetails::new(status, code, title, detail)
        };
        match self {
            Self::Domain(rule) => {
                let mut problem = titled(rule.code(), "Request refused", rule.to_string());
                if let Some(field) = domain_field(rule) {
                    let mut errors = FieldErrors::new();
                    errors.push(field, rule.clone());
                    problem = problem.with_errors(&errors);
                }
                problem
            }
            Self::Fields(errors) => titled(
                errors.code().unwrap_or("field_required"),
                "Validation failed",
                errors
                    .first()
                    .map_or_else(String::new, |e| e.error.to_string()),
            )
            .with_errors(errors),
            Self::NotFound(what) => titled("not_found", "Not found", format!("{what} not found")),
            Self::Unauthenticated => titled(
                "unauthenticated",
                "Authentication required",
                "sign in and send `Authorization: Bearer <token>`".into(),
            ),
            Self::InvalidToken => titled(
                "invalid_token",
                "Invalid token",
                "the token is invalid or expired".into(),
            ),
            Self::TokenReused => titled(
                "token_reused",
                "Refresh token reused",
                "this refresh token was already used; sign in again".into(),
            ),
            Self::Malformed(why) => titled("malformed_request", "Malformed request", why.clone()),
            Self::BadParameter(why) => {
                titled("invalid_query_parameter", "Invalid parameter", why.clone())
            }
            Self::RateLimited { retry_after } => titled(
                "rate_limited",
                "Too many requests",
                format!("try again in {retry_after} seconds"),
            ),
            Self::Unavailable(_) => titled(
                "service_unavailable",
                "Service unavailable",
                "the database is unavailable; try again shortly".into(),
            ),
            Self::Internal(_) => titled(
                "internal_error",
                "Internal error",
                "something went wrong on our side".into(),
            ),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Domain(rule) => domain_status(rule),
            // The code is the first error's, so the status follows it (DOMAIN.md §6): a game
            // after the winner in a new match is 409 `match_already_complete` like anywhere.
            Self::Fields(errors) => errors
                .first()
                .map_or(StatusCode::UNPROCESSABLE_ENTITY, |e| {
                    domain_status(&e.error)
                }),
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Unauthenticated | Self::InvalidToken | Self::TokenReused => {
                StatusCode::UNAUTHORIZED
            }
            Self::Malformed(_) | Self::BadParameter(_) => StatusCode::BAD_REQUEST,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(source) => tracing::error!(error = ?source, "request failed"),
            Self::Unavailable(why) => tracing::warn!(why, "database unavailable"),
            _ => tracing::debug!(error = %self, "request refused"),
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(ProblemDetails::CONTENT_TYPE);
        match self {
            Self::Unauthenticated | Self::InvalidToken | Self::TokenReused => {
                response
                    .insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
            }
            Self::RateLimited { retry_after } => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            Self::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            _ => {}
        }
        response.json(self.problem())
    }
}

/// Extractor failures (bad JSON, path or query) as problem+json 400s.
pub fn json_error(
    err: actix_web::error::JsonPayloadError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::Malformed(err.to_string()).into()
}

/// Path extractor failures.
pub fn path_error(
    err: actix_web::error::PathError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::BadParameter(err.to_string()).into()
}

/// Query extractor failures.
pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::BadParameter(err.to_string()).into()
}
