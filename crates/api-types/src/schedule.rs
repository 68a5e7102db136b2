//! Fixtures (scheduled matches) and the calendar (DOMAIN.md §3.13).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use ttstats_domain::{DomainError, MatchKind, PlayerId};

use crate::locations::Location;
use crate::matches::{
    GameInput, Match, WinProbability, check_sides, parse_best_of, parse_match_type, player_ids,
};
use crate::players::{NOTES_MAX, Player};
use crate::{FieldErrors, checked_text, double_option};

/// A fixture: a match scheduled for a date and time, not yet played.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduledMatch {
    /// Id.
    pub id: i64,
    /// `singles` or `doubles`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "singles"))]
    pub kind: MatchKind,
    /// The day.
    pub scheduled_date: NaiveDate,
    /// The time (HH:MM:SS).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "18:00:00"))]
    pub scheduled_time: NaiveTime,
    /// Where, if known.
    pub location: Option<Location>,
    /// Free notes.
    pub notes: Option<String>,
    /// The championship it belongs to.
    pub championship_id: Option<i64>,
    /// The championship's name.
    pub championship_name: Option<String>,
    /// Round of a championship fixture.
    pub round_number: Option<u32>,
    /// Side 1, as stored.
    pub side1: Vec<Player>,
    /// Side 2, as stored.
    pub side2: Vec<Player>,
    /// Side 1's championship entry.
    pub side1_entry_id: Option<i64>,
    /// Side 2's championship entry.
    pub side2_entry_id: Option<i64>,
    /// The match it was converted into.
    pub match_id: Option<i64>,
    /// The user who scheduled it.
    pub created_by: i64,
    /// When it was scheduled.
    pub created_at: DateTime<Utc>,
    /// Win probability on current ratings (upcoming lists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub win_probability: Option<WinProbability>,
}

/// `POST /scheduled-matches`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "scheduled_date": "2026-08-21", "scheduled_time": "18:00:00", "side1": [1], "side2": [2]
})))]
pub struct CreateScheduledMatchRequest {
    /// `singles` or `doubles`; default from the side sizes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The day (today or later).
    pub scheduled_date: NaiveDate,
    /// The time (HH:MM:SS).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "18:00:00"))]
    pub scheduled_time: NaiveTime,
    /// Location id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<i64>,
    /// Free notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Side 1's player ids.
    pub side1: Vec<i64>,
    /// Side 2's player ids.
    pub side2: Vec<i64>,
}

/// A validated new fixture; the server still checks the players exist, the creator and
/// [`NewFixture::check_date`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFixture {
    /// Singles or doubles.
    pub kind: MatchKind,
    /// The day.
    pub scheduled_date: NaiveDate,
    /// The time.
    pub scheduled_time: NaiveTime,
    /// Location id.
    pub location_id: Option<i64>,
    /// Trimmed notes.
    pub notes: Option<String>,
    /// Side 1, as given.
    pub side1: Vec<PlayerId>,
    /// Side 2, as given.
    pub side2: Vec<PlayerId>,
}

impl NewFixture {
    /// The date is `today` or later (`scheduled_date_in_past`).
    pub fn check_date(&self, today: NaiveDate) -> Result<(), DomainError> {
        check_scheduled_date(self.scheduled_date, today)
    }
}

/// A fixture date must be `today` or later (DOMAIN.md §3.13).
pub fn check_scheduled_date(date: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
    if date < today {
        Err(DomainError::ScheduledDateInPast)
    } else {
        Ok(())
    }
}

impl TryFrom<&CreateScheduledMatchRequest> for NewFixture {
    type Error = FieldErrors;

    fn try_from(request: &CreateScheduledMatchRequest) -> Result<Self, Self::Error> {
        let mut errors = FieldErrors::new();
        let kind = request.kind.as_deref().and_then(|k| {
            k.parse::<MatchKind>()
                .map_err(|e| errors.push("kind", e))
                .ok()
        });
        let side1 = player_ids(&request.side1);
        let side2 = player_ids(&request.side2);
        let kind = check_sides(&mut errors, kind, &side1, &side2);
        let notes = checked_text(
            &mut errors,
            "notes",
            request.notes.as_deref(),
            false,
            NOTES_MAX,
        );
        match kind {
            Some(kind) if errors.is_empty() => Ok(Self {
                kind,
                scheduled_date: request.scheduled_date,
                scheduled_time: request.scheduled_time,
                location_id: request.location,
                notes,
                side1,
                side2,
            }),
            _ => Err(errors),
        }
    }
}

/// `PATCH /scheduled-matches/{id}`: date, time, location and notes until converted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"scheduled_time": "19:30:00"})))]
pub struct UpdateScheduledMatchRequest {
    /// New day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_date: Option<NaiveDate>,
    /// New time.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "19:30:00"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_time: Option<NaiveTime>,
    /// New location id; `null` removes it.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable))]
    #[serde(
        default,
        deserialize_with = "double_option::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub location: Option<Option<i64>>,
    /// New notes; `null` removes them.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable))]
    #[serde(
        default,
        deserialize_with = "double_option::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub notes: Option<Option<String>>,
}

/// A validated fixture edit; `None` leaves a field unchanged. The server still checks the
/// permission, the date (`scheduled_date_in_past`) and that the fixture is not converted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FixtureChanges {
    /// New day.
    pub scheduled_date: Option<NaiveDate>,
    /// New time.
    pub scheduled_time: Option<NaiveTime>,
    /// New location (`Some(None)` removes it).
    pub location_id: Option<Option<i64>>,
    /// New notes (`Some(None)` removes them).
    pub notes: Option<Option<String>>,
}

impl TryFrom<&UpdateScheduledMatchRequest> for FixtureChanges {
    type Error = FieldErrors;

    fn try_from(request: &UpdateScheduledMatchRequest) -> Result<Self, Self::Error> {
        let mut errors = FieldErrors::new();
        let notes = request
            .notes
            .as_ref()
            .map(|n| checked_text(&mut errors, "notes", n.as_deref(), false, NOTES_MAX));
        errors.into_result(Self {
            scheduled_date: request.scheduled_date,
            scheduled_time: request.scheduled_time,
            location_id: request.location,
            notes,
        })
    }
}

/// `POST /scheduled-matches/{id}/convert`: the match gets the fixture's sides unchanged;
/// `played_at` defaults to the scheduled date and time, best_of to 5, match_type to casual
/// (tournament for championship fixtures).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"best_of": 5, "games": []})))]
pub struct ConvertRequest {
    /// 1, 3, 5, 7 or 9.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_of: Option<i64>,
    /// `casual`, `practice` or `tournament`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "casual"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_type: Option<String>,
    /// When it was played.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub played_at: Option<DateTime<Utc>>,
    /// Games to record with the match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub games: Vec<GameInput>,
}

/// A validated conversion; the server forces tournament for championship fixtures.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversion {
    /// The format.
    pub best_of: ttstats_domain::BestOf,
    /// The type asked for (casual by default).
    pub match_type: ttstats_domain::MatchType,
    /// When played; `None` means the fixture's date and time.
    pub played_at: Option<DateTime<Utc>>,
    /// The games with numbers.
    pub games: Vec<crate::matches::NewGame>,
    /// The tally of those games.
    pub tally: ttstats_domain::scoring::Tally,
}

impl TryFrom<&ConvertRequest> for Conversion {
    type Error = FieldErrors;

    fn try_from(request: &ConvertRequest) -> Result<Self, Self::Error> {
        let mut errors = FieldErrors::new();
        let best_of = parse_best_of(&mut errors, request.best_of);
        let match_type = parse_match_type(&mut errors, request.match_type.as_deref());
        let (games, tally) = best_of.map_or_else(Default::default, |b| {
            crate::matches::new_games(&mut errors, &request.games, b)
        });
        match (best_of, match_type) {
            (Some(best_of), Some(match_type)) if errors.is_empty() => Ok(Self {
                best_of,
                match_type,
                played_at: request.played_at,
                games,
                tally,
            }),
            _ => Err(errors),
        }
    }
}

/// `GET /calendar?year=&month=` (month 1–12, else `invalid_query_parameter`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CalendarQuery {
    /// Year (default: this year).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>))]
    #[cfg_attr(feature = "openapi", param(value_type = Option<i32>))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<String>,
    /// Month 1–12 (default: this month).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
}

impl CalendarQuery {
    /// The month asked for, defaulting to `today`'s.
    pub fn to_month(&self, today: NaiveDate) -> Result<YearMonth, DomainError> {
        use chrono::Datelike;
        let year = match self.year.as_deref().filter(|v| !v.is_empty()) {
            None => today.year(),
            Some(v) => v
                .parse()
                .ok()
                .filter(|y| (1..=9999).contains(y))
                .ok_or(DomainError::InvalidQueryParameter { parameter: "year" })?,
        };
        let month = match self.month.as_deref().filter(|v| !v.is_empty()) {
            None => today.month(),
            Some(v) => v
                .parse()
                .map_err(|_| DomainError::InvalidQueryParameter { parameter: "month" })?,
        };
        YearMonth::new(year, month)
    }
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearMonth {
    /// Year.
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
}

impl YearMonth {
    /// A month, refusing anything outside 1–12 (`invalid_query_parameter`).
    pub fn new(year: i32, month: u32) -> Result<Self, DomainError> {
        if (1..=12).contains(&month) {
            Ok(Self { year, month })
        } else {
            Err(DomainError::InvalidQueryParameter { parameter: "month" })
        }
    }

    /// The month before, wrapping into the previous year.
    #[must_use]
    pub fn previous(self) -> Self {
        if self.month == 1 {
            Self {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Self {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// The month after, wrapping into the next year.
    #[must_use]
    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }
}

/// `GET /calendar`: a month grid of weeks starting on Sunday.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Calendar {
    /// Year shown.
    pub year: i32,
    /// Month shown (1–12).
    pub month: u32,
    /// Weeks of 7 days, Sunday first; days of the neighbouring months fill the edges.
    pub weeks: Vec<Vec<CalendarDay>>,
    /// The month before.
    pub previous: YearMonth,
    /// The month after.
    pub next: YearMonth,
    /// The next 5 unconverted visible fixtures from today, with win probability.
    pub upcoming: Vec<ScheduledMatch>,
}

/// One day of the calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarDay {
    /// The date.
    pub date: NaiveDate,
    /// Whether it belongs to the month shown.
    pub in_month: bool,
    /// Visible fixtures, hidden once their match is confirmed.
    pub fixtures: Vec<ScheduledMatch>,
    /// Confirmed matches the viewer played or that belong to a championship they entered.
    pub matches: Vec<Match>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn request(side1: Vec<i64>, side2: Vec<i64>) -> CreateScheduledMatchRequest {
        CreateScheduledMatchRequest {
            kind: None,
            scheduled_date: date("2026-08-21"),
            scheduled_time: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
            location: None,
            notes: None,
            side1,
            side2,
        }
    }

    #[test]
    fn a_fixture_follows_the_match_side_rules_and_keeps_the_sides() {
        let fixture = NewFixture::try_from(&request(vec![4, 2], vec![3, 1])).unwrap();
        assert_eq!(fixture.kind, MatchKind::Doubles);
        assert_eq!(fixture.side1, vec![PlayerId(4), PlayerId(2)]);
        let errors = NewFixture::try_from(&request(vec![1], vec![1])).unwrap_err();
        assert_eq!(errors.code(), Some("players_not_distinct"));
    }

    #[test]
    fn a_fixture_may_be_today_but_not_before() {
        let fixture = NewFixture::try_from(&request(vec![1], vec![2])).unwrap();
        assert_eq!(fixture.check_date(date("2026-08-21")), Ok(()));
        assert_eq!(
            fixture.check_date(date("2026-08-22")),
            Err(DomainError::ScheduledDateInPast)
        );
    }

    #[test]
    fn a_fixture_request_parses_dates_and_times_in_iso_form() {
        let body = r#"{"scheduled_date": "2026-08-21", "scheduled_time": "18:00:00",
            "side1": [1], "side2": [2]}"#;
        let parsed: CreateScheduledMatchRequest = serde_json::from_str(body).unwrap();
        assert_eq!(parsed, request(vec![1], vec![2]));
    }

    #[test]
    fn a_fixture_edit_trims_notes_and_tells_absent_from_null() {
        let body = r#"{"notes": "  bring balls  ", "location": null}"#;
        let request: UpdateScheduledMatchRequest = serde_json::from_str(body).unwrap();
        let changes = FixtureChanges::try_from(&request).unwrap();
        assert_eq!(changes.notes, Some(Some("bring balls".into())));
        assert_eq!(changes.location_id, Some(None));
        assert_eq!(changes.scheduled_date, None);
        let long = UpdateScheduledMatchRequest {
            notes: Some(Some("x".repeat(NOTES_MAX + 1))),
            ..UpdateScheduledMatchRequest::default()
        };
        assert_eq!(
            FixtureChanges::try_from(&long)
                .unwrap_err()
                .codes_for("notes"),
            ["field_too_long"]
        );
    }

    #[test]
    fn a_conversion_defaults_to_best_of_five_casual() {
        let c = Conversion::try_from(&ConvertRequest::default()).unwrap();
        assert_eq!(c.best_of.get(), 5);
        assert_eq!(c.match_type, ttstats_domain::MatchType::Casual);
        let bad = ConvertRequest {
            best_of: Some(6),
            ..ConvertRequest::default()
        };
        assert_eq!(
            Conversion::try_from(&bad).unwrap_err().codes_for("best_of"),
            ["best_of_invalid"]
        );
    }

    #[test]
    fn calendar_months_wrap_across_years_and_stay_within_one_to_twelve() {
        let today = date("2026-01-15");
        let month = CalendarQuery::default().to_month(today).unwrap();
        assert_eq!(
            month,
            YearMonth {
                year: 2026,
                month: 1
            }
        );
        assert_eq!(
            month.previous(),
            YearMonth {
                year: 2025,
                month: 12
            }
        );
        assert_eq!(
            YearMonth::new(2026, 12).unwrap().next(),
            YearMonth {
                year: 2027,
                month: 1
            }
        );
        for bad in ["0", "13", "x"] {
            let q = CalendarQuery {
                year: None,
                month: Some(bad.into()),
            };
            assert_eq!(
                q.to_month(today),
                Err(DomainError::InvalidQueryParameter { parameter: "month" })
            );
        }
        let q = CalendarQuery {
            year: Some("twenty".into()),
            month: None,
        };
        assert_eq!(
            q.to_month(today),
            Err(DomainError::InvalidQueryParameter { parameter: "year" })
        );
    }
}
