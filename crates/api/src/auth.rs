//! Authentication: argon2id password hashes, short-lived JWT access tokens, opaque refresh
//! tokens (stored hashed), and the `AuthUser` extractor.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ttstats_cache::Key;
use ttstats_domain::{DomainError, PlayerId, UserId};
use ttstats_persistence::{players, users};

use crate::error::ApiError;
use crate::state::AppState;

/// Access tokens live this long.
pub const ACCESS_TOKEN_SECONDS: i64 = 15 * 60;
/// Refresh tokens live this long.
pub const REFRESH_TOKEN_DAYS: i64 = 30;
const AUDIENCE: &str = "ttstats";
const ISSUER: &str = "ttstats";

/// Verified tokens remembered at most; the memo starts over when full.
const REMEMBERED_TOKENS: usize = 10_000;

/// HS256 signing and verification keys.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: Arc<EncodingKey>,
    decoding: Arc<DecodingKey>,
    validation: Arc<Validation>,
    /// Tokens whose signature, audience and issuer were verified, with their claims: a client
    /// sends the same token for its 15 minutes, and decoding it (two JSON parses and an HMAC)
    /// was a fifth of a cached dashboard read. Expiry is checked on every use.
    verified: Arc<RwLock<HashMap<String, Claims>>>,
}

/// Access token claims.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: i64,
    /// Expiry (unix seconds).
    pub exp: i64,
    /// Issued at.
    pub iat: i64,
    /// Audience.
    pub aud: String,
    /// Issuer.
    pub iss: String,
}

impl JwtKeys {
    /// Keys from a secret.
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 0;
        Self {
            encoding: Arc::new(EncodingKey::from_secret(secret)),
            decoding: Arc::new(DecodingKey::from_secret(secret)),
            validation: Arc::new(validation),
            verified: Arc::default(),
        }
    }

    /// A signed access token for `user_id`.
    pub fn issue(&self, user_id: i64, now: DateTime<Utc>) -> Result<String, ApiError> {
        let claims = Claims {
            sub: user_id,
            iat: now.timestamp(),
            exp: now.timestamp() + ACCESS_TOKEN_SECONDS,
            aud: AUDIENCE.into(),
            iss: ISSUER.into(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::Internal(e.into()))
    }

    /// Verifies signature, algorithm (HS256 only: `none` and RS/HS confusion are refused),
    /// audience, issuer and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let now = Utc::now().timestamp();
        let remembered = self
            .verified
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(token)
            .cloned();
        if let Some(claims) = remembered {
            // jsonwebtoken's rule with no leeway: expired once `exp` is in the past.
            return if claims.exp < now {
                Err(ApiError::InvalidToken)
            } else {
                Ok(claims)
            };
        }
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|_| ApiError::InvalidToken)?;
        let mut verified = self
            .verified
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if verified.len() >= REMEMBERED_TOKENS {
            verified.clear();
        }
        verified.insert(token.to_owned(), claims.clone());
        Ok(claims)
    }
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt =
        SaltString::encode_b64(&salt).map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))
}

/// Checks a password against a stored hash; a malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash computed once so that a login for an unknown user spends the same time as one for
/// a known user (no user enumeration by timing).
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not-a-real-password").unwrap_or_default())
}

/// A random opaque token (refresh, verification) and its SHA-256 for storage.
pub fn new_opaque_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex(&bytes);
    let hash = hash_token(&token);
    (token, hash)
}

/// The stored form of an opaque token.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The signed-in caller: an active user and their player, if any. Only what authorization
/// needs; services that show the account load its rows themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthUser {
    /// The account.
    pub user_id: UserId,
    /// An admin.
    pub admin: bool,
    /// Its player.
    pub player: Option<PlayerId>,
}

impl AuthUser {
    /// The caller's user id as stored.
    pub fn id(&self) -> i64 {
        self.user_id.0
    }

    /// The caller's player id.
    pub fn player_id(&self) -> Option<PlayerId> {
        self.player
    }

    /// The caller's player id, or `player_profile_required`.
    pub fn require_player(&self) -> Result<PlayerId, ApiError> {
        self.player_id()
            .ok_or(ApiError::Domain(DomainError::PlayerProfileRequired))
    }

    /// Whether the caller is an admin.
    pub fn is_admin(&self) -> bool {
        self.admin
    }

    /// `admin_required` unless an admin.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(ApiError::Domain(DomainError::AdminRequired))
        }
    }
}

/// What authentication keeps of an account in the cache (family `account`, tag `user:{id}`,
/// bumped by every write to activity, role, verification or player link): no name, e-mail
/// or hash.
#[derive(Debug, Serialize, Deserialize)]
struct AccountFacts {
    active: bool,
    admin: bool,
    player: Option<i64>,
}

fn bearer(req: &HttpRequest) -> Option<Result<&str, ApiError>> {
    let value = req.headers().get(actix_web::http::header::AUTHORIZATION)?;
    Some(
        value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or(ApiError::InvalidToken),
    )
}

/// The account facts of `user`: from the cache, else from its user and player rows. An
/// unknown user is `invalid_token` (and not cached).
async fn account_facts(state: &AppState, user: UserId) -> Result<AccountFacts, ApiError> {
    let cached = state
        .cache
        .get_or_compute(&Key::Account(user), || async {
            let (row, player) = state
                .db
                .run(async |conn| {
                    let row = users::get_user(conn, user).await?;
                    let player = players::find_player_of_user(conn, row.id).await?;
                    Ok((row, player))
                })
                .await
                .map_err(|e| match e {
                    ttstats_persistence::DbError::NotFound => ApiError::InvalidToken,
                    other => other.into(),
                })?;
            crate::cached::to_bytes(&AccountFacts {
                active: row.is_active,
                admin: row.is_admin,
                player: player.map(|p| p.id),
            })
        })
        .await?;
    serde_json::from_slice(&cached.bytes).map_err(|e| ApiError::Internal(e.into()))
}

async fn authenticate(req: HttpRequest) -> Result<Option<AuthUser>, ApiError> {
    let Some(token) = bearer(&req) else {
        return Ok(None);
    };
    let token = token?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("AppState missing")))?;
    let claims = state.jwt.verify(token)?;
    let user_id = UserId(claims.sub);
    let facts = account_facts(state, user_id).await?;
    if !facts.active {
        return Err(ApiError::InvalidToken);
    }
    Ok(Some(AuthUser {
        user_id,
        admin: facts.admin,
        player: facts.player.map(PlayerId),
    }))
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req).await?.ok_or(ApiError::Unauthenticated) })
    }
}

/// The caller when signed in, `None` when anonymous; a bad token is still refused.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<AuthUser>);

impl FromRequest for MaybeUser {
    type Error = ApiError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req).await.map(MaybeUser) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_signed_with_another_secret_or_expired_are_refused() {
        let keys = JwtKeys::new(b"secret-a");
        let now = Utc::now();
        let token = keys.issue(7, now).unwrap();
        assert_eq!(keys.verify(&token).unwrap().sub, 7);
        assert!(JwtKeys::new(b"secret-b").verify(&token).is_err());
        let old = keys.issue(7, now - chrono::Duration::hours(1)).unwrap();
        assert!(keys.verify(&old).is_err());
    }

    #[test]
    fn a_remembered_token_is_refused_once_it_expires() {
        let keys = JwtKeys::new(b"secret");
        // Issued so that it expires within the next two seconds.
        let issued = Utc::now() - chrono::Duration::seconds(ACCESS_TOKEN_SECONDS - 1);
        let token = keys.issue(7, issued).unwrap();
        assert_eq!(keys.verify(&token).unwrap().sub, 7);
        assert_eq!(keys.verify(&token).unwrap().sub, 7, "remembered");
        std::thread::sleep(std::time::Duration::from_millis(2100));
        assert!(keys.verify(&token).is_err());
    }

    #[test]
    fn an_unsigned_none_token_is_refused() {
        let keys = JwtKeys::new(b"secret");
        // header {"alg":"none","typ":"JWT"} . claims . empty signature
        let header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";
        let claims = "eyJzdWIiOjEsImV4cCI6OTk5OTk5OTk5OSwiaWF0IjoxLCJhdWQiOiJ0dHN0YXRzIiwiaXNzIjoidHRzdGF0cyJ9";
        assert!(keys.verify(&format!("{header}.{claims}.")).is_err());
    }

    #[test]
    fn an_unknown_login_is_checked_against_a_hash_of_the_same_cost() {
        // login() verifies unknown names against dummy_hash(): same algorithm, version and
        // parameters as a real account's hash, so both take the same time.
        let real = hash_password("correct horse").unwrap();
        let real = PasswordHash::new(&real).unwrap();
        let dummy = PasswordHash::new(dummy_hash()).unwrap();
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert!(!verify_password("correct horse", dummy_hash()));
    }

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }
}
