//! HTTP plumbing: base path, bearer token with one transparent refresh, abort of in-flight
//! reads when their owner is cleaned up, and problem+json → [`ApiError`].

use std::cell::RefCell;
use std::collections::BTreeMap;

use gloo_net::http::{Method, RequestBuilder, Response};
use leptos::prelude::on_cleanup;
use send_wrapper::SendWrapper;
use serde::Serialize;
use serde::de::DeserializeOwned;
use ttstats_api_types::auth::{RefreshRequest, TokenResponse};
use ttstats_api_types::{FieldErrors, ProblemDetails};

/// Every endpoint lives under this path of the serving origin.
pub const BASE: &str = "/api/v1";
const TOKENS_KEY: &str = "ttstats.tokens";

/// A refused or failed request, shaped like a problem+json body so the UI can switch on `code`
/// and show `errors` beside their fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status; 0 when the request never got an answer.
    pub status: u16,
    /// Stable snake_case code (DOMAIN.md §6).
    pub code: String,
    /// Human-readable explanation.
    pub detail: String,
    /// Field → messages.
    pub errors: BTreeMap<String, Vec<String>>,
}

impl ApiError {
    /// A failure without an HTTP answer (network down, unreadable body).
    pub fn network(detail: impl Into<String>) -> Self {
        Self {
            status: 0,
            code: "network_error".into(),
            detail: detail.into(),
            errors: BTreeMap::new(),
        }
    }

    /// A 404 found without asking the server (e.g. a malformed id in the address).
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self {
            status: 404,
            code: "not_found".into(),
            detail: detail.into(),
            errors: BTreeMap::new(),
        }
    }

    /// A form's own refusal of one field (e.g. a date the browser could not read), shaped like
    /// the server's 422 so it shows the same way.
    pub fn invalid(field: &str, message: &str) -> Self {
        Self {
            status: 422,
            code: "validation_failed".into(),
            detail: message.into(),
            errors: [(field.to_owned(), vec![message.to_owned()])]
                .into_iter()
                .collect(),
        }
    }

    /// The messages for `field` (empty when none).
    pub fn field(&self, field: &str) -> Vec<String> {
        self.errors.get(field).cloned().unwrap_or_default()
    }

    /// Messages for fields not in `shown` (an entry ending in `*` is a prefix), so nothing the
    /// server said is lost.
    pub fn other_fields(&self, shown: &[&str]) -> Vec<(String, String)> {
        let is_shown = |field: &str| {
            shown.iter().any(|s| match s.strip_suffix('*') {
                Some(prefix) => field.starts_with(prefix),
                None => *s == field,
            })
        };
        self.errors
            .iter()
            .filter(|(field, _)| !is_shown(field))
            .flat_map(|(field, messages)| messages.iter().map(|m| (field.clone(), m.clone())))
            .collect()
    }

    /// Whether the caller must sign in.
    pub fn is_unauthorized(&self) -> bool {
        self.status == 401
    }
}

impl From<ProblemDetails> for ApiError {
    fn from(p: ProblemDetails) -> Self {
        Self {
            status: p.status,
            code: p.code,
            detail: p.detail,
            errors: p.errors.unwrap_or_default(),
        }
    }
}

impl From<&FieldErrors> for ApiError {
    /// The same shape the server sends for a 422 built from these errors.
    fn from(errors: &FieldErrors) -> Self {
        let first = errors.first().map(|e| e.error.to_string());
        Self {
            status: 422,
            code: errors.code().unwrap_or("validation_failed").to_owned(),
            detail: first.unwrap_or_default(),
            errors: errors.to_map(),
        }
    }
}

thread_local! {
    static SIGNED_OUT: RefCell<Option<Box<dyn Fn()>>> = RefCell::new(None);
}

/// Registers what to do when the session ends by itself (the refresh token was refused).
pub fn on_signed_out(f: impl Fn() + 'static) {
    SIGNED_OUT.with(|s| *s.borrow_mut() = Some(Box::new(f)));
}

/// The stored token pair, if signed in.
pub fn tokens() -> Option<TokenResponse> {
    let raw = storage()?.get_item(TOKENS_KEY).ok()??;
    serde_json::from_str(&raw).ok()
}

/// Stores (or with `None` forgets) the token pair.
pub fn set_tokens(tokens: Option<&TokenResponse>) {
    let Some(storage) = storage() else { return };
    let _ = match tokens.and_then(|t| serde_json::to_string(t).ok()) {
        Some(raw) => storage.set_item(TOKENS_KEY, &raw),
        None => storage.remove_item(TOKENS_KEY),
    };
}

/// `GET` a JSON body; aborted when the calling reactive owner is cleaned up (a page left, a
/// resource re-run).
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(web_sys::AbortController::signal);
    let controller = SendWrapper::new(controller);
    on_cleanup(move || {
        if let Some(c) = controller.take() {
            c.abort();
        }
    });
    let response = send_raw(Method::GET, path, None, signal.as_ref(), None).await?;
    json(response).await
}

/// A write with a JSON body (or none) and a JSON answer.
pub async fn send<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&B>,
) -> Result<T, ApiError> {
    let body = body
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| ApiError::network(e.to_string()))?;
    let response = send_raw(method, path, body, None, None).await?;
    json(response).await
}

/// A write whose answer has no body we need (204, 202).
pub async fn send_no_content<B: Serialize>(
    method: Method,
    path: &str,
    body: Option<&B>,
) -> Result<(), ApiError> {
    let body = body
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| ApiError::network(e.to_string()))?;
    send_raw(method, path, body, None, None).await.map(drop)
}

/// Opens a `text/event-stream` (with the bearer token and its refresh, which `EventSource`
/// cannot send); the body is read by the caller until `signal` aborts it.
pub async fn open_stream(path: &str, signal: &web_sys::AbortSignal) -> Result<Response, ApiError> {
    send_raw(
        Method::GET,
        path,
        None,
        Some(signal),
        Some(("Accept", "text/event-stream")),
    )
    .await
}

/// A `GET` with extra headers (e.g. an admin's `Cache-Control: no-cache`).
pub async fn get_with_header<T: DeserializeOwned>(
    path: &str,
    header: (&str, &str),
) -> Result<T, ApiError> {
    let response = send_raw(Method::GET, path, None, None, Some(header)).await?;
    json(response).await
}

async fn send_raw(
    method: Method,
    path: &str,
    body: Option<String>,
    signal: Option<&web_sys::AbortSignal>,
    header: Option<(&str, &str)>,
) -> Result<Response, ApiError> {
    let url = format!("{BASE}{path}");
    let mut retried = false;
    loop {
        let used = tokens();
        let mut request = RequestBuilder::new(&url)
            .method(method.clone())
            .header("Accept", "application/json")
            .abort_signal(signal);
        if let Some(t) = &used {
            request = request.header("Authorization", &format!("Bearer {}", t.access_token));
        }
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        let request = match &body {
            Some(b) => request
                .header("Content-Type", "application/json")
                .body(b.clone()),
            None => request.build(),
        }
        .map_err(|e| ApiError::network(e.to_string()))?;
        let response = request
            .send()
            .await
            .map_err(|e| ApiError::network(e.to_string()))?;
        if response.ok() {
            return Ok(response);
        }
        if response.status() == 401
            && !retried
            && !path.starts_with("/auth/")
            && let Some(t) = used
        {
            retried = true;
            if refresh(&t).await {
                continue;
            }
        }
        return Err(problem(response).await);
    }
}

/// Exchanges the refresh token once; true when a (possibly concurrent) refresh succeeded.
async fn refresh(used: &TokenResponse) -> bool {
    if tokens().is_some_and(|now| now.refresh_token != used.refresh_token) {
        return true; // another request already rotated the pair
    }
    let body = RefreshRequest {
        refresh_token: used.refresh_token.clone(),
    };
    let Ok(request) = RequestBuilder::new(&format!("{BASE}/auth/refresh"))
        .method(Method::POST)
        .header("Content-Type", "application/json")
        .json(&body)
    else {
        return false;
    };
    match request.send().await {
        Ok(r) if r.ok() => match r.json::<TokenResponse>().await {
            Ok(pair) => {
                set_tokens(Some(&pair));
                true
            }
            Err(_) => false,
        },
        _ => {
            if tokens().is_some_and(|now| now.refresh_token != used.refresh_token) {
                return true;
            }
            set_tokens(None);
            SIGNED_OUT.with(|s| {
                if let Some(f) = &*s.borrow() {
                    f();
                }
            });
            false
        }
    }
}

async fn json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let text = response
        .text()
        .await
        .map_err(|e| ApiError::network(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| ApiError::network(format!("unexpected answer: {e}")))
}

async fn problem(response: Response) -> ApiError {
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    serde_json::from_str::<ProblemDetails>(&text).map_or_else(
        |_| ApiError {
            status,
            code: if status == 404 {
                "not_found"
            } else {
                "http_error"
            }
            .into(),
            detail: format!("the server answered {status} {}", response.status_text()),
            errors: BTreeMap::new(),
        },
        ApiError::from,
    )
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}
