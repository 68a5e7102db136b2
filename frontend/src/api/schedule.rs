//! Fixtures and the calendar.

use gloo_net::http::Method;
use ttstats_api_types::matches::Match;
use ttstats_api_types::schedule::{
    Calendar, ConvertRequest, CreateScheduledMatchRequest, ScheduledMatch,
};

use super::client::{self, ApiError};

/// `GET /calendar?year=&month=`.
pub async fn calendar(year: i32, month: u32) -> Result<Calendar, ApiError> {
    client::get(&format!("/calendar?year={year}&month={month}")).await
}

/// `POST /scheduled-matches`.
pub async fn schedule(body: &CreateScheduledMatchRequest) -> Result<ScheduledMatch, ApiError> {
    client::send(Method::POST, "/scheduled-matches", Some(body)).await
}

/// `DELETE /scheduled-matches/{id}`.
pub async fn cancel(id: i64) -> Result<(), ApiError> {
    client::send_no_content::<()>(Method::DELETE, &format!("/scheduled-matches/{id}"), None).await
}

/// `POST /scheduled-matches/{id}/convert`.
pub async fn convert(id: i64, body: &ConvertRequest) -> Result<Match, ApiError> {
    client::send(
        Method::POST,
        &format!("/scheduled-matches/{id}/convert"),
        Some(body),
    )
    .await
}
