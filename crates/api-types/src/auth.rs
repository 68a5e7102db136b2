//! Registration, sign-in, tokens and the signed-in user (API.md "Auth and account",
//! DOMAIN.md §4.3).

use std::fmt;

use serde::{Deserialize, Serialize};
use ttstats_domain::account::{self, PersonalInfo};

use crate::players::{NAME_MAX, NICKNAME_MAX, Player, PlayingStyle};
use crate::{FieldErrors, checked_text};

/// `POST /auth/register`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "username": "ada", "email": "ada@example.org", "password": "correct horse battery",
    "player_name": "Ada Lovelace"
})))]
pub struct RegisterRequest {
    /// 3–150 letters, digits or `@.+-_`; unique case-insensitively.
    pub username: String,
    /// E-mail address; unique case-insensitively.
    pub email: String,
    /// 8–128 characters, not only digits, not common, not similar to the username or e-mail.
    pub password: String,
    /// The player's name (default: the username).
    #[serde(default)]
    pub player_name: Option<String>,
    /// The player's nickname.
    #[serde(default)]
    pub nickname: Option<String>,
    /// `normal` (default), `hard_rubber` or `unknown`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::players::PlayingStyle>))]
    #[serde(default)]
    pub playing_style: Option<String>,
}

/// A validated registration (DOMAIN.md §4.3): username and e-mail formats, the password
/// policy and the profile fields checked, every failure reported together. `Debug` never
/// prints the password.
#[derive(Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// The username as entered.
    pub username: String,
    /// The e-mail address, trimmed.
    pub email: String,
    /// The password (to be hashed; never stored or echoed).
    pub password: String,
    /// The player's name: `player_name`, or the username (cut to the name limit).
    pub player_name: String,
    /// The player's nickname, empty when none.
    pub nickname: String,
    /// The player's style of play.
    pub playing_style: PlayingStyle,
}

impl fmt::Debug for NewAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewAccount")
            .field("username", &self.username)
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .field("player_name", &self.player_name)
            .field("nickname", &self.nickname)
            .field("playing_style", &self.playing_style)
            .finish()
    }
}

impl TryFrom<&RegisterRequest> for NewAccount {
    type Error = FieldErrors;

    fn try_from(request: &RegisterRequest) -> Result<Self, Self::Error> {
        let mut errors = FieldErrors::new();
        if let Err(e) = account::validate_username(&request.username) {
            errors.push("username", e);
        }
        let email = request.email.trim();
        if let Err(e) = account::validate_email(email) {
            errors.push("email", e);
        }
        let mut profile = FieldErrors::new();
        let player_name = checked_text(
            &mut profile,
            "player_name",
            request.player_name.as_deref(),
            false,
            NAME_MAX,
        )
        .unwrap_or_else(|| request.username.chars().take(NAME_MAX).collect());
        let nickname = checked_text(
            &mut profile,
            "nickname",
            request.nickname.as_deref(),
            false,
            NICKNAME_MAX,
        );
        let playing_style = match request.playing_style.as_deref() {
            None => PlayingStyle::default(),
            Some(s) => PlayingStyle::parse(s).unwrap_or_else(|e| {
                profile.push("playing_style", e);
                PlayingStyle::default()
            }),
        };
        let personal = PersonalInfo {
            username: &request.username,
            email,
            name: &player_name,
        };
        if let Err(problems) = account::validate_password(&request.password, &personal) {
            for problem in problems {
                errors.push("password", problem);
            }
        }
        for e in &profile {
            errors.push(e.field.clone(), e.error.clone());
        }
        errors.into_result(Self {
            username: request.username.clone(),
            email: email.to_owned(),
            password: request.password.clone(),
            player_name,
            nickname: nickname.unwrap_or_default(),
            playing_style,
        })
    }
}

/// An account as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    /// Id.
    pub id: i64,
    /// Username.
    pub username: String,
    /// E-mail address.
    pub email: String,
    /// The address is verified.
    pub email_verified: bool,
    /// Administrator.
    pub is_admin: bool,
}

/// 201 answer to a registration: the unverified user and its player. It does not sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterResponse {
    /// The new user.
    pub user: UserView,
    /// Its player.
    pub player: Player,
}

/// `POST /auth/verify-email`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"token": "f3c1…"})))]
pub struct VerifyEmailRequest {
    /// The token from the e-mailed link.
    pub token: String,
}

/// Answer to a verification: the user, signed in on success (DOMAIN.md §4.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyEmailResponse {
    /// The verified user.
    pub user: UserView,
    /// The address was verified before; nothing changed.
    #[serde(default)]
    pub already_verified: bool,
    /// Tokens of the session the verification opened; absent when already verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<TokenResponse>,
}

/// `POST /auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "username": "ada", "password": "correct horse battery"
})))]
pub struct LoginRequest {
    /// Username or e-mail address.
    pub username: String,
    /// Password.
    pub password: String,
}

/// A token pair: a short-lived access token and a rotating refresh token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Exchange at `/auth/refresh`; single use.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

impl TokenResponse {
    /// The only token type.
    pub const BEARER: &'static str = "Bearer";

    /// A bearer token pair.
    #[must_use]
    pub fn bearer(access_token: String, refresh_token: String, expires_in: u64) -> Self {
        Self {
            access_token,
            refresh_token,
            token_type: Self::BEARER.to_owned(),
            expires_in,
        }
    }
}

/// `POST /auth/refresh`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"refresh_token": "rt_…"})))]
pub struct RefreshRequest {
    /// The current refresh token; it stops working once used.
    pub refresh_token: String,
}

/// `POST /auth/logout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"refresh_token": "rt_…"})))]
pub struct LogoutRequest {
    /// The refresh token to revoke.
    pub refresh_token: String,
}

/// `POST /auth/resend-verification`; always answered 202 (no account enumeration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "ada@example.org"})))]
pub struct ResendVerificationRequest {
    /// The account's e-mail address.
    pub email: String,
}

/// `GET /me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeResponse {
    /// The signed-in user.
    pub user: UserView,
    /// Its player, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub player: Option<Player>,
}

/// `GET /me/badges` (DOMAIN.md §3.12); zero/absent for users without a player.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BadgesResponse {
    /// Matches awaiting the user's own confirmation.
    pub pending_confirmations: u32,
    /// Live matches the user scores or plays in.
    pub live_matches: u32,
    /// 1 + players with a strictly higher rating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_pair_is_a_bearer_pair_with_the_api_field_names() {
        let tokens = TokenResponse::bearer("a".into(), "r".into(), 900);
        assert_eq!(
            serde_json::to_value(&tokens).unwrap(),
            serde_json::json!({"access_token": "a", "refresh_token": "r",
                "token_type": "Bearer", "expires_in": 900})
        );
    }

    #[test]
    fn registration_needs_only_username_email_and_password() {
        let r: RegisterRequest =
            serde_json::from_str(r#"{"username":"ada","email":"a@x.org","password":"pw"}"#)
                .unwrap();
        assert_eq!(r.player_name, None);
        assert_eq!(r.playing_style, None);
        assert!(serde_json::from_str::<RegisterRequest>(r#"{"username":"ada"}"#).is_err());
    }

    fn register(username: &str, email: &str, password: &str) -> RegisterRequest {
        RegisterRequest {
            username: username.into(),
            email: email.into(),
            password: password.into(),
            ..RegisterRequest::default()
        }
    }

    #[test]
    fn a_valid_registration_defaults_the_player_to_the_username() {
        let new =
            NewAccount::try_from(&register("ada", " ada@example.org ", "tidal-quartz-92")).unwrap();
        assert_eq!(new.email, "ada@example.org");
        assert_eq!(new.player_name, "ada");
        assert_eq!(new.nickname, "");
        assert_eq!(new.playing_style, PlayingStyle::Normal);
        assert!(!format!("{new:?}").contains("tidal-quartz-92"));
    }

    #[test]
    fn every_registration_failure_is_reported_together() {
        let mut request = register("a", "not-an-address", "123");
        request.playing_style = Some("spin".into());
        let errors = NewAccount::try_from(&request).unwrap_err();
        assert_eq!(errors.codes_for("username"), ["username_invalid"]);
        assert_eq!(errors.codes_for("email"), ["email_invalid"]);
        assert_eq!(
            errors.codes_for("password"),
            ["password_too_short", "password_entirely_numeric"]
        );
        assert_eq!(errors.codes_for("playing_style"), ["invalid_choice"]);
        assert_eq!(errors.code(), Some("username_invalid"));
    }

    #[test]
    fn the_password_may_not_resemble_the_player_name() {
        let mut request = register("ada", "ada@example.org", "lovelace-1815");
        request.player_name = Some("Ada Lovelace".into());
        let errors = NewAccount::try_from(&request).unwrap_err();
        assert_eq!(errors.codes_for("password"), ["password_too_similar"]);
    }

    #[test]
    fn me_has_the_user_fields_and_omits_a_missing_player() {
        let me = MeResponse {
            user: UserView {
                id: 1,
                username: "ada".into(),
                email: "a@x.org".into(),
                email_verified: true,
                is_admin: false,
            },
            player: None,
        };
        assert_eq!(
            serde_json::to_value(&me).unwrap(),
            serde_json::json!({"user": {"id": 1, "username": "ada", "email": "a@x.org",
                "email_verified": true, "is_admin": false}})
        );
    }

    #[test]
    fn badges_without_a_rank_have_the_two_counts() {
        let badges = BadgesResponse {
            pending_confirmations: 2,
            live_matches: 1,
            rank: None,
        };
        assert_eq!(
            serde_json::to_value(badges).unwrap(),
            serde_json::json!({"pending_confirmations": 2, "live_matches": 1})
        );
    }
}
