//! Accounts and queued e-mails as the API shows them. Password hashes never leave the
//! persistence rows.

use ttstats_api_types::admin::{OutboxItem, UserAdminView};
use ttstats_api_types::auth::UserView;
use ttstats_persistence::from_db;
use ttstats_persistence::outbox::OutboxRow;
use ttstats_persistence::users::UserRow;

/// An account as its owner sees it.
pub fn user(row: &UserRow) -> UserView {
    UserView {
        id: row.id,
        username: row.username.clone(),
        email: row.email.clone(),
        email_verified: row.email_verified(),
        is_admin: row.is_admin,
    }
}

/// An account as administrators see it.
pub fn user_admin(row: &UserRow, player_id: Option<i64>) -> UserAdminView {
    UserAdminView {
        id: row.id,
        username: row.username.clone(),
        email: row.email.clone(),
        email_verified: row.email_verified(),
        is_admin: row.is_admin,
        active: row.is_active,
        player_id,
        created_at: from_db(row.created_at),
        last_login_at: row.last_login_at.map(from_db),
    }
}

/// A queued e-mail.
pub fn outbox_item(row: &OutboxRow) -> OutboxItem {
    OutboxItem {
        id: row.id,
        user_id: row.user_id,
        to_address: row.to_address.clone(),
        kind: row.kind.clone(),
        subject: row.subject.clone(),
        body_text: row.body_text.clone(),
        created_at: from_db(row.created_at),
        send_after: from_db(row.send_after),
        sent_at: row.sent_at.map(from_db),
        attempts: u32::try_from(row.attempts).unwrap_or(0),
        last_error: row.last_error.clone(),
    }
}
