//! Live scoring of a singles match, point by point, and its Server-Sent Events stream.

use gloo_net::http::Method;
use js_sys::{Reflect, Uint8Array};
use ttstats_api_types::live::{LiveState, PointRequest, StartLiveRequest};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::client::{self, ApiError};

/// `GET /matches/{id}/live` outside any page's lifetime (the live page's polling fallback; not
/// aborted on cleanup).
pub async fn state(id: i64) -> Result<LiveState, ApiError> {
    client::get_with_header(
        &format!("/matches/{id}/live"),
        ("Accept", "application/json"),
    )
    .await
}

/// `POST /matches/{id}/live/start`.
pub async fn start(id: i64, initial_server: i64) -> Result<LiveState, ApiError> {
    let body = StartLiveRequest { initial_server };
    client::send(
        Method::POST,
        &format!("/matches/{id}/live/start"),
        Some(&body),
    )
    .await
}

/// `POST /matches/{id}/live/point`.
pub async fn point(id: i64, side: i64) -> Result<LiveState, ApiError> {
    let body = PointRequest { side };
    client::send(
        Method::POST,
        &format!("/matches/{id}/live/point"),
        Some(&body),
    )
    .await
}

/// `POST /matches/{id}/live/{action}` for `undo`, `end` and `side-switch`.
pub async fn action(id: i64, action: &'static str) -> Result<LiveState, ApiError> {
    client::send::<(), _>(Method::POST, &format!("/matches/{id}/live/{action}"), None).await
}

/// Follows `GET /matches/{id}/live/events`, calling `on_state` with every state the server
/// pushes. Returns `Ok` when the server ends the stream (the match left live mode, or the
/// server's ten-minute limit), `Err` when it cannot be opened or breaks (and when `signal`
/// aborts it).
pub async fn watch(
    id: i64,
    signal: &web_sys::AbortSignal,
    mut on_state: impl FnMut(LiveState),
) -> Result<(), ApiError> {
    let response = client::open_stream(&format!("/matches/{id}/live/events"), signal).await?;
    let reader: web_sys::ReadableStreamDefaultReader = response
        .body()
        .ok_or_else(|| ApiError::network("the event stream has no body"))?
        .get_reader()
        .unchecked_into();
    let broken = |e: JsValue| ApiError::network(format!("the event stream broke: {e:?}"));
    let mut buffer = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(broken)?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done"))
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(());
        }
        let value = Reflect::get(&chunk, &JsValue::from_str("value")).map_err(broken)?;
        buffer.extend(Uint8Array::new(&value).to_vec());
        for frame in take_frames(&mut buffer) {
            if let Some(state) = parse_frame(&frame) {
                on_state(state);
            }
        }
    }
}

/// Removes the complete frames (each ended by a blank line) from the front of `buffer`.
pub fn take_frames(buffer: &mut Vec<u8>) -> Vec<Vec<u8>> {
    let mut frames = Vec::new();
    while let Some(end) = buffer.windows(2).position(|w| w == b"\n\n") {
        frames.push(buffer.drain(..end + 2).collect());
    }
    frames
}

/// The `LiveState` of one frame (its `data:` lines joined); `None` for a keep-alive comment.
pub fn parse_frame(frame: &[u8]) -> Option<LiveState> {
    let text = std::str::from_utf8(frame).ok()?;
    let data: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .map(|d| d.strip_prefix(' ').unwrap_or(d))
        .collect();
    if data.is_empty() {
        return None;
    }
    serde_json::from_str(&data.join("\n")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_split_at_blank_lines_and_keep_alives_carry_no_state() {
        let json = r#"{"match_id":7,"best_of":5,"started":false,"initial_server":null,"server":null,"game_number":1,"side1_points":0,"side2_points":0,"side1_games":0,"side2_games":0,"should_prompt_side_switch":false,"side_switched":false,"is_match_complete":false,"winner_side":null,"last_point_at":null,"events":[],"is_live":true}"#;
        let mut buffer = format!(": keep-alive\n\ndata: {json}\n\ndata: {{\"par").into_bytes();
        let frames = take_frames(&mut buffer);
        assert_eq!(frames.len(), 2);
        assert_eq!(buffer, b"data: {\"par");
        assert_eq!(parse_frame(&frames[0]), None);
        assert_eq!(parse_frame(&frames[1]).map(|s| s.match_id), Some(7));
    }
}
