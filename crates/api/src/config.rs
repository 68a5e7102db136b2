//! Settings from the environment (ARCHITECTURE.md §7). Zero config runs.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use ttstats_persistence::pool::PoolOptions;

use crate::ratelimit::Limit;

/// Effective settings of one process.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Listen address, `host:port`.
    pub bind: String,
    /// Directory for the SQLite file and the generated secret.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// Redis for the L2 cache; `None` runs L1 only.
    pub redis_url: Option<String>,
    /// First segment of every Redis name and of the invalidation channel
    /// (`TTSTATS_CACHE_PREFIX`, default `ttstats`): deployments sharing one Redis use
    /// different prefixes, instances of one deployment the same one.
    pub cache_prefix: String,
    /// `production` enables the start-up refusals.
    pub production: bool,
    /// Emit JSON log lines.
    pub json_logs: bool,
    /// `false` computes every read from the database.
    pub cache_enabled: bool,
    /// Adds X-Cache-Hits / X-Cache-Misses / X-Request-Time.
    pub cache_debug_headers: bool,
    /// Benchmarks only (`TTSTATS_BENCH_STATIC_DIR`): every `*.json` file of this directory is
    /// read once at start-up and served from memory at `GET /bench/static/{file name}`, the
    /// ceiling of this server's stack for a body of that size.
    pub bench_static_dir: Option<PathBuf>,
    /// Where the built SPA lives.
    pub static_dir: PathBuf,
    /// JWT signing secret; generated and kept in the data dir when unset.
    pub jwt_secret: Option<String>,
    /// Absolute base URL of the site, without a trailing slash; e-mailed links start with it.
    pub public_url: String,
    /// Throttling limits (DOMAIN.md §4.3).
    pub rate_limits: RateLimits,
    /// Database pool size and connection wait (`TTSTATS_DB_POOL_SIZE`, `TTSTATS_DB_TIMEOUT`).
    pub db_pool: PoolOptions,
    /// L1 (in-process cache) budget in bytes (`TTSTATS_L1_MAX_MB`).
    pub l1_max_bytes: u64,
    /// Origins allowed to call the API from a browser (`TTSTATS_CORS_ORIGINS`, comma-separated
    /// `scheme://host[:port]`); empty (the default) allows no cross-origin caller.
    pub cors_origins: Vec<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`TTSTATS_TRUSTED_PROXIES`,
    /// comma-separated IP addresses); empty (the default) keys rate limits on the peer.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// Default L1 budget per process, in MiB.
pub const DEFAULT_L1_MAX_MB: u64 = 64;

/// Throttling limits; each variable reads `count/seconds`, e.g. `TTSTATS_SIGN_IN_LIMIT=5/900`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Failed sign-ins per IP and per account (`TTSTATS_SIGN_IN_LIMIT`, 5 per 15 min).
    pub sign_in_failures: Limit,
    /// Registrations per IP (`TTSTATS_REGISTER_LIMIT`, 5 per hour).
    pub registrations: Limit,
    /// Verification e-mails per account (`TTSTATS_VERIFICATION_EMAIL_LIMIT`, 3 per hour).
    pub verification_emails: Limit,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            sign_in_failures: Limit::new(5, 15 * 60),
            registrations: Limit::new(5, 60 * 60),
            verification_emails: Limit::new(3, 60 * 60),
        }
    }
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_vars(std::env::vars())
    }

    /// Builds settings from `(name, value)` pairs, so tests never touch the process env.
    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> anyhow::Result<Self> {
        let vars: std::collections::HashMap<String, String> = vars.into_iter().collect();
        let get = |name: &str| vars.get(name).filter(|v| !v.is_empty()).cloned();
        let flag = |name: &str, default: bool| -> anyhow::Result<bool> {
            match get(name).as_deref() {
                None => Ok(default),
                Some("1" | "on" | "true" | "yes") => Ok(true),
                Some("0" | "off" | "false" | "no") => Ok(false),
                Some(other) => bail!("{name}={other:?}: expected on or off"),
            }
        };
        let data_dir = PathBuf::from(get("TTSTATS_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = get("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("ttstats.db").display()));
        let production = match get("TTSTATS_ENV").as_deref() {
            None | Some("development" | "dev" | "test") => false,
            Some("production" | "prod") => true,
            Some(other) => bail!("TTSTATS_ENV={other:?}: expected development or production"),
        };
        let json_logs = match get("TTSTATS_LOG_FORMAT").as_deref() {
            None | Some("pretty") => false,
            Some("json") => true,
            Some(other) => bail!("TTSTATS_LOG_FORMAT={other:?}: expected pretty or json"),
        };
        let limit = |name: &str, default: Limit| -> anyhow::Result<Limit> {
            get(name).map_or(Ok(default), |value| {
                Limit::parse(&value).with_context(|| {
                    format!("{name}={value:?}: expected count/seconds, e.g. 5/900")
                })
            })
        };
        let defaults = RateLimits::default();
        let rate_limits = RateLimits {
            sign_in_failures: limit("TTSTATS_SIGN_IN_LIMIT", defaults.sign_in_failures)?,
            registrations: limit("TTSTATS_REGISTER_LIMIT", defaults.registrations)?,
            verification_emails: limit(
                "TTSTATS_VERIFICATION_EMAIL_LIMIT",
                defaults.verification_emails,
            )?,
        };
        let public_url = get("TTSTATS_PUBLIC_URL")
            .unwrap_or_else(|| "http://127.0.0.1:8080".into())
            .trim_end_matches('/')
            .to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            bail!("TTSTATS_PUBLIC_URL={public_url:?}: expected an absolute http(s) URL");
        }
        let (db_pool, l1_max_bytes) = resources(&get)?;
        let cors_origins = list(get("TTSTATS_CORS_ORIGINS"))
            .map(|origin| parse_origin(&origin))
            .collect::<anyhow::Result<Vec<_>>>()
            .context("TTSTATS_CORS_ORIGINS")?;
        let trusted_proxies = list(get("TTSTATS_TRUSTED_PROXIES"))
            .map(|ip| {
                ip.parse::<std::net::IpAddr>().with_context(|| {
                    format!("TTSTATS_TRUSTED_PROXIES: {ip:?} is not an IP address")
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let settings = Self {
            bind: get("TTSTATS_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            data_dir,
            database_url,
            redis_url: get("REDIS_URL"),
            cache_prefix: get("TTSTATS_CACHE_PREFIX").unwrap_or_else(|| "ttstats".into()),
            production,
            json_logs,
            cache_enabled: flag("TTSTATS_CACHE", true)?,
            cache_debug_headers: flag("TTSTATS_CACHE_DEBUG_HEADERS", false)?,
            bench_static_dir: get("TTSTATS_BENCH_STATIC_DIR").map(PathBuf::from),
            static_dir: PathBuf::from(
                get("TTSTATS_STATIC_DIR").unwrap_or_else(|| "frontend/dist".into()),
            ),
            jwt_secret: get("TTSTATS_JWT_SECRET"),
            public_url,
            rate_limits,
            db_pool,
            l1_max_bytes,
            cors_origins,
            trusted_proxies,
        };
        settings.validate()?;
        Ok(settings)
    }

    /// Checks that need several settings together: production secrets, prefix and address.
    fn validate(&self) -> anyhow::Result<()> {
        if self.production {
            match self.jwt_secret.as_deref() {
                None => bail!("TTSTATS_JWT_SECRET must be set when TTSTATS_ENV=production"),
                Some(s) if is_weak_secret(s) => {
                    bail!("TTSTATS_JWT_SECRET must be at least 32 random characters in production")
                }
                Some(_) => {}
            }
            if let Some(url) = &self.redis_url
                && !redis_has_password(url)
            {
                bail!("REDIS_URL must include a password when TTSTATS_ENV=production");
            }
        }
        if !self
            .cache_prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            bail!(
                "TTSTATS_CACHE_PREFIX={:?}: expected letters, digits, `_`, `-` or `.`",
                self.cache_prefix
            );
        }
        self.bind
            .parse::<std::net::SocketAddr>()
            .with_context(|| format!("TTSTATS_BIND={:?} is not host:port", self.bind))?;
        Ok(())
    }

    /// The database URL without its password, for logs and errors.
    pub fn redacted_database_url(&self) -> String {
        redact(&self.database_url)
    }

    /// The JWT secret: configured, or generated once and kept in `{data dir}/jwt_secret`.
    pub fn jwt_secret(&self) -> anyhow::Result<String> {
        if let Some(secret) = &self.jwt_secret {
            return Ok(secret.clone());
        }
        let path = self.data_dir.join("jwt_secret");
        if let Ok(secret) = std::fs::read_to_string(&path)
            && !secret.trim().is_empty()
        {
            return Ok(secret.trim().to_owned());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("cannot create {}", self.data_dir.display()))?;
        let (secret, _) = crate::auth::new_opaque_token();
        std::fs::write(&path, &secret)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(secret)
    }

    /// Settings for tests: an ephemeral port, the given data dir, and per-IP limits high enough
    /// that a test can register and sign in many users from 127.0.0.1 (throttling tests set
    /// their own `rate_limits`).
    pub fn for_tests(data_dir: &std::path::Path) -> Self {
        let vars = [
            ("TTSTATS_BIND".to_owned(), "127.0.0.1:0".to_owned()),
            (
                "TTSTATS_DATA_DIR".to_owned(),
                data_dir.display().to_string(),
            ),
        ];
        match Self::from_vars(vars) {
            Ok(s) => Self {
                rate_limits: RateLimits {
                    sign_in_failures: Limit::new(1000, 15 * 60),
                    registrations: Limit::new(1000, 60 * 60),
                    ..RateLimits::default()
                },
                ..s
            },
            Err(e) => unreachable!("test settings are valid: {e}"),
        }
    }
}

/// The database pool and the L1 budget: `TTSTATS_DB_POOL_SIZE`, `TTSTATS_DB_TIMEOUT` (seconds)
/// and `TTSTATS_L1_MAX_MB`.
fn resources(get: &impl Fn(&str) -> Option<String>) -> anyhow::Result<(PoolOptions, u64)> {
    let number = |name: &str, default: u64, range: std::ops::RangeInclusive<u64>| {
        let Some(value) = get(name) else {
            return Ok(default);
        };
        match value.parse::<u64>() {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => bail!(
                "{name}={value:?}: expected a whole number from {} to {}",
                range.start(),
                range.end()
            ),
        }
    };
    let defaults = PoolOptions::default();
    let max_size = number("TTSTATS_DB_POOL_SIZE", defaults.max_size.into(), 1..=1000)?;
    let db_pool = PoolOptions {
        max_size: u32::try_from(max_size).unwrap_or(defaults.max_size),
        connection_timeout: Duration::from_secs(number(
            "TTSTATS_DB_TIMEOUT",
            defaults.connection_timeout.as_secs(),
            1..=300,
        )?),
    };
    let l1_mb = number("TTSTATS_L1_MAX_MB", DEFAULT_L1_MAX_MB, 0..=1024 * 1024)?;
    Ok((db_pool, l1_mb * 1024 * 1024))
}

/// The non-empty, trimmed items of a comma-separated variable.
fn list(value: Option<String>) -> impl Iterator<Item = String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect::<Vec<_>>()
        .into_iter()
}

/// An origin as browsers send it: `http(s)://host[:port]`, no path, no trailing slash.
fn parse_origin(origin: &str) -> anyhow::Result<String> {
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .with_context(|| format!("{origin:?} is not an http(s) origin"))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', '*']) {
        bail!("{origin:?} is not an origin: expected scheme://host[:port] without a path");
    }
    Ok(origin.to_owned())
}

/// `scheme://user:password@host` → `scheme://user:***@host`.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A secret that is short, a placeholder (`change-me…`) or barely varied (`aaaa…`).
fn is_weak_secret(secret: &str) -> bool {
    let lower = secret.to_lowercase();
    let distinct = secret
        .chars()
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    secret.len() < 32
        || ["changeme", "change-me", "change_me", "placeholder"]
            .iter()
            .any(|p| lower.contains(p))
        || distinct < 8
}

fn redis_has_password(url: &str) -> bool {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => url[scheme + 3..at]
            .split_once(':')
            .is_some_and(|(_, password)| !password.is_empty()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn zero_config_serves_sqlite_on_loopback_8080() {
        let s = Settings::from_vars(vars(&[])).unwrap();
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert_eq!(s.database_url, "sqlite://./data/ttstats.db");
        assert!(s.redis_url.is_none());
        assert!(s.cache_enabled);
        assert!(!s.production);
    }

    #[test]
    fn production_refuses_a_missing_secret_and_a_passwordless_redis() {
        let err = Settings::from_vars(vars(&[("TTSTATS_ENV", "production")])).unwrap_err();
        assert!(err.to_string().contains("TTSTATS_JWT_SECRET"));
        let secret = "0123456789abcdef0123456789abcdef";
        let err = Settings::from_vars(vars(&[
            ("TTSTATS_ENV", "production"),
            ("TTSTATS_JWT_SECRET", secret),
            ("REDIS_URL", "redis://127.0.0.1:6379"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("REDIS_URL"));
        assert!(
            Settings::from_vars(vars(&[
                ("TTSTATS_ENV", "production"),
                ("TTSTATS_JWT_SECRET", secret),
                ("REDIS_URL", "redis://:pw@127.0.0.1:6379"),
            ]))
            .is_ok()
        );
    }

    #[test]
    fn the_cache_prefix_defaults_to_ttstats_and_refuses_separators() {
        let s = Settings::from_vars(vars(&[])).unwrap();
        assert_eq!(s.cache_prefix, "ttstats");
        let s = Settings::from_vars(vars(&[("TTSTATS_CACHE_PREFIX", "staging-2")])).unwrap();
        assert_eq!(s.cache_prefix, "staging-2");
        let err = Settings::from_vars(vars(&[("TTSTATS_CACHE_PREFIX", "a:b")])).unwrap_err();
        assert!(err.to_string().contains("TTSTATS_CACHE_PREFIX"));
    }

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            redact("postgres://app:secret@db:5432/ttstats"),
            "postgres://app:***@db:5432/ttstats"
        );
        assert_eq!(redact("sqlite://./data/x.db"), "sqlite://./data/x.db");
    }

    #[test]
    fn limits_and_the_public_url_have_defaults_and_can_be_set() {
        let s = Settings::from_vars(vars(&[])).unwrap();
        assert_eq!(s.public_url, "http://127.0.0.1:8080");
        assert_eq!(s.rate_limits, RateLimits::default());
        assert_eq!(s.rate_limits.sign_in_failures, Limit::new(5, 900));
        let s = Settings::from_vars(vars(&[
            ("TTSTATS_PUBLIC_URL", "https://tt.example.org/"),
            ("TTSTATS_SIGN_IN_LIMIT", "3/60"),
        ]))
        .unwrap();
        assert_eq!(s.public_url, "https://tt.example.org");
        assert_eq!(s.rate_limits.sign_in_failures, Limit::new(3, 60));
        let err = Settings::from_vars(vars(&[("TTSTATS_REGISTER_LIMIT", "often")])).unwrap_err();
        assert!(err.to_string().contains("TTSTATS_REGISTER_LIMIT"));
        let err = Settings::from_vars(vars(&[("TTSTATS_PUBLIC_URL", "example.org")])).unwrap_err();
        assert!(err.to_string().contains("TTSTATS_PUBLIC_URL"));
    }

    #[test]
    fn pool_size_timeout_and_l1_budget_have_defaults_and_can_be_set() {
        let s = Settings::from_vars(vars(&[])).unwrap();
        assert_eq!(s.db_pool.max_size, 16);
        assert_eq!(s.db_pool.connection_timeout, Duration::from_secs(5));
        assert_eq!(s.l1_max_bytes, 64 * 1024 * 1024);
        let s = Settings::from_vars(vars(&[
            ("TTSTATS_DB_POOL_SIZE", "40"),
            ("TTSTATS_DB_TIMEOUT", "2"),
            ("TTSTATS_L1_MAX_MB", "256"),
        ]))
        .unwrap();
        assert_eq!(s.db_pool.max_size, 40);
        assert_eq!(s.db_pool.connection_timeout, Duration::from_secs(2));
        assert_eq!(s.l1_max_bytes, 256 * 1024 * 1024);
        for (name, value) in [
            ("TTSTATS_DB_POOL_SIZE", "0"),
            ("TTSTATS_DB_TIMEOUT", "soon"),
            ("TTSTATS_L1_MAX_MB", "lots"),
        ] {
            let err = Settings::from_vars(vars(&[(name, value)])).unwrap_err();
            assert!(err.to_string().contains(name), "{err}");
        }
    }

    #[test]
    fn cors_and_trusted_proxies_are_closed_by_default_and_parse_lists() {
        let s = Settings::from_vars(vars(&[])).unwrap();
        assert!(s.cors_origins.is_empty());
        assert!(s.trusted_proxies.is_empty());
        let s = Settings::from_vars(vars(&[
            (
                "TTSTATS_CORS_ORIGINS",
                "https://tt.example.org, http://localhost:3000",
            ),
            ("TTSTATS_TRUSTED_PROXIES", "10.0.0.1,::1"),
        ]))
        .unwrap();
        assert_eq!(
            s.cors_origins,
            ["https://tt.example.org", "http://localhost:3000"]
        );
        assert_eq!(s.trusted_proxies.len(), 2);
        for bad in ["*", "tt.example.org", "https://tt.example.org/app"] {
            let err = Settings::from_vars(vars(&[("TTSTATS_CORS_ORIGINS", bad)])).unwrap_err();
            assert!(format!("{err:#}").contains("TTSTATS_CORS_ORIGINS"), "{bad}");
        }
        let err =
            Settings::from_vars(vars(&[("TTSTATS_TRUSTED_PROXIES", "proxy.local")])).unwrap_err();
        assert!(err.to_string().contains("TTSTATS_TRUSTED_PROXIES"));
    }

    #[test]
    fn production_refuses_the_example_secret() {
        let err = Settings::from_vars(vars(&[
            ("TTSTATS_ENV", "production"),
            ("TTSTATS_JWT_SECRET", "change-me"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("TTSTATS_JWT_SECRET"));
        for weak in [
            "change-me-change-me-change-me-change-me",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ] {
            let err = Settings::from_vars(vars(&[
                ("TTSTATS_ENV", "production"),
                ("TTSTATS_JWT_SECRET", weak),
            ]))
            .unwrap_err();
            assert!(err.to_string().contains("TTSTATS_JWT_SECRET"), "{weak}");
        }
        let err = Settings::from_vars(vars(&[
            ("TTSTATS_ENV", "production"),
            ("TTSTATS_JWT_SECRET", "0123456789abcdef0123456789abcdef"),
            ("REDIS_URL", "redis://user:@127.0.0.1:6379"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("REDIS_URL"));
    }

    #[test]
    fn bad_values_name_their_variable() {
        let err = Settings::from_vars(vars(&[("TTSTATS_CACHE", "maybe")])).unwrap_err();
        assert!(err.to_string().contains("TTSTATS_CACHE"));
        let err = Settings::from_vars(vars(&[("TTSTATS_BIND", "nope")])).unwrap_err();
        assert!(err.to_string().contains("TTSTATS_BIND"));
    }

    #[test]
    fn a_zero_l1_budget_turns_the_in_process_tier_off() {
        let s = Settings::from_vars(vars(&[("TTSTATS_L1_MAX_MB", "0")])).unwrap();
        assert_eq!(s.l1_max_bytes, 0);
        assert!(s.bench_static_dir.is_none());
    }
}
