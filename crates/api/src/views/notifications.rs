//! Notification rows → DTOs.

use ttstats_api_types::notifications::{Notification, NotificationKind, NotificationPreferences};
use ttstats_persistence::from_db;
use ttstats_persistence::notifications::{NotificationRow, Preferences};

/// The wire form of a stored notification; `None` for a kind this version does not know.
pub fn notification(row: &NotificationRow) -> Option<Notification> {
    let kind = serde_json::from_value::<NotificationKind>(row.kind.clone().into()).ok()?;
    Some(Notification {
        id: row.id,
        kind,
        title: row.title.clone(),
        body: row.body.clone(),
        link: (!row.link.is_empty()).then(|| row.link.clone()),
        match_id: row.match_id,
        scheduled_match_id: row.scheduled_match_id,
        championship_id: row.championship_id,
        created_at: from_db(row.created_at),
        read_at: row.read_at.map(from_db),
    })
}

/// The wire form of the stored switches.
pub fn preferences(p: &Preferences) -> NotificationPreferences {
    NotificationPreferences {
        match_confirmation: p.match_confirmation,
        match_result: p.match_result,
        scheduled_match: p.scheduled_match,
        championship: p.championship,
        leaderboard_overtake: p.leaderboard_overtake,
    }
}

/// The stored form of the wire switches.
pub fn stored_preferences(p: &NotificationPreferences) -> Preferences {
    Preferences {
        match_confirmation: p.match_confirmation,
        match_result: p.match_result,
        scheduled_match: p.scheduled_match,
        championship: p.championship,
        leaderboard_overtake: p.leaderboard_overtake,
    }
}
