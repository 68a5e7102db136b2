//! The error body of every refusal: RFC 9457 `application/problem+json` with a stable `code`
//! (DOMAIN.md §6, STYLE.md §4), and the field-keyed error list the request conversions return.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use ttstats_domain::DomainError;

/// An `application/problem+json` body. Clients switch on `code`, never on `title` or `detail`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "type": "/problems/game-score-tie",
    "title": "Unprocessable Entity",
    "status": 422,
    "detail": "a game cannot end in a tie",
    "code": "game_score_tie",
    "errors": {"games[0].score": ["a game cannot end in a tie"]}
})))]
pub struct ProblemDetails {
    /// A URI reference naming the problem: `/problems/<code in kebab-case>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short summary of the problem kind (may change; do not switch on it).
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// A human-readable explanation of this occurrence.
    pub detail: String,
    /// The request path this occurrence relates to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The stable snake_case code from DOMAIN.md §6.
    pub code: String,
    /// For field validation: field → messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
}

impl ProblemDetails {
    /// The media type of the body.
    pub const CONTENT_TYPE: &'static str = "application/problem+json";

    /// A problem with `type` derived from `code`.
    #[must_use]
    pub fn new(
        status: u16,
        code: impl Into<String>,
        title: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        let code = code.into();
        Self {
            problem_type: problem_type(&code),
            title: title.into(),
            status,
            detail: detail.into(),
            instance: None,
            code,
            errors: None,
        }
    }

    /// Adds the request path.
    #[must_use]
    pub fn with_instance(mut self, instance: impl Into<String>) -> Self {
        self.instance = Some(instance.into());
        self
    }

    /// Adds the field messages of `errors` (nothing when it is empty).
    #[must_use]
    pub fn with_errors(mut self, errors: &FieldErrors) -> Self {
        self.errors = (!errors.is_empty()).then(|| errors.to_map());
        self
    }

    /// The stable code clients switch on.
    #[must_use]
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The messages for `field`; empty when it has none.
    #[must_use]
    pub fn field_messages(&self, field: &str) -> &[String] {
        self.errors
            .as_ref()
            .and_then(|errors| errors.get(field))
            .map_or(&[], Vec::as_slice)
    }
}

/// The `type` URI of a code: `game_score_tie` → `/problems/game-score-tie` (STYLE.md §4).
#[must_use]
pub fn problem_type(code: &str) -> String {
    format!("/problems/{}", code.replace('_', "-"))
}

/// One refused field: where (a JSON path such as `side2` or `games[1].score`) and which rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The request field, as a JSON path.
    pub field: String,
    /// The broken rule; its `code()` is the problem's code when it is the first error.
    pub error: DomainError,
}

/// The refusals of one request body, in check order. The first one gives the problem's `code`;
/// all of them go into `errors` (DOMAIN.md §6).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// No errors yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a refusal of `field`.
    pub fn push(&mut self, field: impl Into<String>, error: DomainError) {
        self.0.push(FieldError {
            field: field.into(),
            error,
        });
    }

    /// Whether nothing was refused.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of refusals.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The refusals in check order.
    pub fn iter(&self) -> std::slice::Iter<'_, FieldError> {
        self.0.iter()
    }

    /// The first refusal: its error decides the problem's code and status.
    #[must_use]
    pub fn first(&self) -> Option<&FieldError> {
        self.0.first()
    }

    /// The code of the first refusal.
    #[must_use]
    pub fn code(&self) -> Option<&'static str> {
        self.first().map(|e| e.error.code())
    }

    /// The codes refused for `field`, in check order.
    #[must_use]
    pub fn codes_for(&self, field: &str) -> Vec<&'static str> {
        self.0
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.error.code())
            .collect()
    }

    /// Field → messages, the `errors` member of a problem.
    #[must_use]
    pub fn to_map(&self) -> BTreeMap<String, Vec<String>> {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for e in &self.0 {
            map.entry(e.field.clone())
                .or_default()
                .push(e.error.to_string());
        }
        map
    }

    /// `Ok(value)` when nothing was refused, else these errors.
    pub fn into_result<T>(self, value: T) -> Result<T, Self> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl<'a> IntoIterator for &'a FieldErrors {
    type Item = &'a FieldError;
    type IntoIter = std::slice::Iter<'a, FieldError>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.field, e.error)?;
        }
        Ok(())
    }
}

impl std::error::Error for FieldErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_serializes_with_the_rfc_9457_member_names() {
        let problem = ProblemDetails::new(404, "not_found", "Not Found", "no such match")
            .with_instance("/api/v1/matches/9");
        let json = serde_json::to_value(&problem).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "type": "/problems/not-found",
                "title": "Not Found",
                "status": 404,
                "detail": "no such match",
                "instance": "/api/v1/matches/9",
                "code": "not_found",
            })
        );
    }

    #[test]
    fn field_errors_become_the_errors_map_and_the_first_gives_the_code() {
        let mut errors = FieldErrors::new();
        errors.push("password", DomainError::PasswordTooShort);
        errors.push("password", DomainError::PasswordEntirelyNumeric);
        errors.push("email", DomainError::EmailInvalid);
        let problem = ProblemDetails::new(422, errors.code().unwrap(), "Unprocessable", "bad")
            .with_errors(&errors);
        assert_eq!(problem.code(), "password_too_short");
        assert_eq!(problem.field_messages("password").len(), 2);
        assert_eq!(
            problem.field_messages("email"),
            ["enter a valid e-mail address".to_owned()]
        );
        assert!(problem.field_messages("username").is_empty());
        let json = serde_json::to_value(&problem).unwrap();
        assert_eq!(json["errors"]["email"][0], "enter a valid e-mail address");
    }

    #[test]
    fn empty_field_errors_add_no_errors_member() {
        let problem = ProblemDetails::new(409, "match_locked", "Conflict", "locked")
            .with_errors(&FieldErrors::new());
        let json = serde_json::to_value(&problem).unwrap();
        assert!(json.get("errors").is_none());
        assert_eq!(FieldErrors::new().into_result(7), Ok(7));
    }

    #[test]
    fn a_client_reads_the_code_of_a_problem_it_received() {
        let body = r#"{"type":"/problems/match-locked","title":"Conflict","status":409,
            "detail":"the match is confirmed and locked","code":"match_locked"}"#;
        let problem: ProblemDetails = serde_json::from_str(body).unwrap();
        assert_eq!(problem.code(), "match_locked");
        assert_eq!(problem.status, 409);
        assert_eq!(problem.errors, None);
    }
}
