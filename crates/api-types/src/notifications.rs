//! In-app notifications and preferences (DOMAIN.md §3.16).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Verify the e-mail address.
    VerifyEmail,
    /// A match waits for the user's confirmation.
    MatchConfirmation,
    /// A match of the user was confirmed.
    MatchResult,
    /// Someone passed the user's rating.
    LeaderboardOvertake,
    /// A fixture with the user was scheduled.
    ScheduledMatch,
    /// A championship the user entered was scheduled or completed.
    Championship,
}

/// An in-app notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    /// Id.
    pub id: i64,
    /// What it is about.
    pub kind: NotificationKind,
    /// Title.
    pub title: String,
    /// Body text.
    pub body: String,
    /// Absolute link to the subject.
    pub link: Option<String>,
    /// The match concerned.
    pub match_id: Option<i64>,
    /// The fixture concerned.
    pub scheduled_match_id: Option<i64>,
    /// The championship concerned.
    pub championship_id: Option<i64>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was read; null while unread.
    pub read_at: Option<DateTime<Utc>>,
}

/// `GET /notifications`: newest first, paginated, with the unread count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationList {
    /// This page's notifications.
    pub items: Vec<Notification>,
    /// Unread notifications in total.
    pub unread: u32,
    /// The page returned.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
    /// All notifications.
    pub total: u32,
}

/// The user's notification preferences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationPreferences {
    /// Confirmation requests by e-mail (the in-app row is always written).
    pub match_confirmation: bool,
    /// Confirmed results.
    pub match_result: bool,
    /// Scheduled fixtures.
    pub scheduled_match: bool,
    /// Championship news.
    pub championship: bool,
    /// Being overtaken on the leaderboard (off by default).
    pub leaderboard_overtake: bool,
}

impl Default for NotificationPreferences {
    /// The defaults of DOMAIN.md §2: everything on except `leaderboard_overtake`.
    fn default() -> Self {
        Self {
            match_confirmation: true,
            match_result: true,
            scheduled_match: true,
            championship: true,
            leaderboard_overtake: false,
        }
    }
}

/// `PUT /me/notification-preferences`: the fields sent change, absent fields stay.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"leaderboard_overtake": true})))]
pub struct UpdateNotificationPreferencesRequest {
    /// Confirmation requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_confirmation: Option<bool>,
    /// Confirmed results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_result: Option<bool>,
    /// Scheduled fixtures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_match: Option<bool>,
    /// Championship news.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub championship: Option<bool>,
    /// Leaderboard overtakes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaderboard_overtake: Option<bool>,
}

impl UpdateNotificationPreferencesRequest {
    /// `current` with the given fields replaced.
    #[must_use]
    pub fn apply(&self, current: NotificationPreferences) -> NotificationPreferences {
        NotificationPreferences {
            match_confirmation: self
                .match_confirmation
                .unwrap_or(current.match_confirmation),
            match_result: self.match_result.unwrap_or(current.match_result),
            scheduled_match: self.scheduled_match.unwrap_or(current.scheduled_match),
            championship: self.championship.unwrap_or(current.championship),
            leaderboard_overtake: self
                .leaderboard_overtake
                .unwrap_or(current.leaderboard_overtake),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaderboard_overtake_is_off_by_default_and_the_rest_on() {
        let p = NotificationPreferences::default();
        assert!(p.match_confirmation && p.match_result && p.scheduled_match && p.championship);
        assert!(!p.leaderboard_overtake);
    }

    #[test]
    fn an_update_changes_only_the_fields_sent() {
        let update: UpdateNotificationPreferencesRequest =
            serde_json::from_str(r#"{"leaderboard_overtake": true, "match_result": false}"#)
                .unwrap();
        let p = update.apply(NotificationPreferences::default());
        assert!(p.leaderboard_overtake);
        assert!(!p.match_result);
        assert!(p.championship);
    }

    #[test]
    fn kinds_use_the_snake_case_names_of_section_3_16() {
        assert_eq!(
            serde_json::to_value(NotificationKind::LeaderboardOvertake).unwrap(),
            "leaderboard_overtake"
        );
        assert_eq!(
            serde_json::from_str::<NotificationKind>(r#""verify_email""#).unwrap(),
            NotificationKind::VerifyEmail
        );
    }
}
