//! Small display helpers shared by the pages.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// `2026-03-01 18:30` (UTC, as stored).
pub fn date_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// `2026-03-01`.
pub fn date(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

/// A signed change: `+12`, `−3`, `±0`.
pub fn signed(change: i32) -> String {
    match change {
        0 => "±0".into(),
        c if c > 0 => format!("+{c}"),
        c => format!("−{}", c.unsigned_abs()),
    }
}

/// A percentage with one decimal when needed: `66.7%`, `50%`.
pub fn percent(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if (rounded - rounded.round()).abs() < f64::EPSILON {
        format!("{rounded:.0}%")
    } else {
        format!("{rounded:.1}%")
    }
}

/// A whole-number parse of a form field; `None` when blank or not a number.
pub fn parse_i64(value: &str) -> Option<i64> {
    value.trim().parse().ok()
}

/// A `datetime-local` value (browser local time) as UTC; `None` when blank or unreadable.
pub fn local_time(value: &str) -> Option<DateTime<Utc>> {
    if value.trim().is_empty() {
        return None;
    }
    let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value)).get_time();
    if ms.is_nan() {
        None
    } else {
        DateTime::from_timestamp_millis(ms as i64)
    }
}

/// A UTC instant as a `datetime-local` value in the browser's time zone (`2026-03-01T19:30`).
pub fn local_input(at: DateTime<Utc>) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// The `played_at` to send when a fixture is recorded: `None` (the fixture's date and time)
/// unless that is still ahead, since a result recorded early was played now.
pub fn played_at_of_fixture(date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    let now = Utc::now();
    (date.and_time(time).and_utc() > now).then_some(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_changes_use_a_real_minus_sign() {
        assert_eq!(signed(12), "+12");
        assert_eq!(signed(-3), "−3");
        assert_eq!(signed(0), "±0");
    }

    #[test]
    fn percentages_drop_a_zero_decimal() {
        assert_eq!(percent(50.0), "50%");
        assert_eq!(percent(66.666), "66.7%");
    }
}
