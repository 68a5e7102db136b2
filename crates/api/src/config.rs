//! Settings from the environment (ARCHITECTURE.md §7). Zero config runs.

use std::path::PathBuf;

use anyhow::{Context, bail};

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
    /// `production` enables the start-up refusals.
    pub production: bool,
    /// Emit JSON log lines.
    pub json_logs: bool,
    /// `false` computes every read from the database.
    pub cache_enabled: bool,
    /// Adds X-Cache-Hits / X-Cache-Misses / X-Request-Time.
    pub cache_debug_headers: bool,
    /// L1 (in-process) cache budget in bytes (`TTSTATS_CACHE_L1_BYTES`, 64 MiB); `0` keeps
    /// nothing in process, so every hit comes from Redis (the benchmark's "L2 hit" mode).
    pub cache_l1_bytes: u64,
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
}

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
        let settings = Self {
            bind: get("TTSTATS_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            data_dir,
            database_url,
            redis_url: get("REDIS_URL"),
            production,
            json_logs,
            cache_enabled: flag("TTSTATS_CACHE", true)?,
            cache_debug_headers: flag("TTSTATS_CACHE_DEBUG_HEADERS", false)?,
            cache_l1_bytes: match get("TTSTATS_CACHE_L1_BYTES") {
                None => 64 * 1024 * 1024,
                Some(v) => v.parse().with_context(|| {
                    format!("TTSTATS_CACHE_L1_BYTES={v:?}: expected a number of bytes")
                })?,
            },
            bench_static_dir: get("TTSTATS_BENCH_STATIC_DIR").map(PathBuf::from),
            static_dir: PathBuf::from(
                get("TTSTATS_STATIC_DIR").unwrap_or_else(|| "frontend/dist".into()),
            ),
            jwt_secret: get("TTSTATS_JWT_SECRET"),
            public_url,
            rate_limits,
        };
        if settings.production {
            match settings.jwt_secret.as_deref() {
                None => bail!("TTSTATS_JWT_SECRET must be set when TTSTATS_ENV=production"),
                Some(s) if s.len() < 32 || s == "change-me" => {
                    bail!("TTSTATS_JWT_SECRET must be at least 32 random characters in production")
                }
                Some(_) => {}
            }
            if let Some(url) = &settings.redis_url
                && !redis_has_password(url)
            {
                bail!("REDIS_URL must include a password when TTSTATS_ENV=production");
            }
        }
        settings
            .bind
            .parse::<std::net::SocketAddr>()
            .with_context(|| format!("TTSTATS_BIND={:?} is not host:port", settings.bind))?;
        Ok(settings)
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
    fn bad_values_name_their_variable() {
        let err = Settings::from_vars(vars(&[("TTSTATS_CACHE", "maybe")])).unwrap_err();
        assert!(err.to_string().contains("TTSTATS_CACHE"));
        let err = Settings::from_vars(vars(&[("TTSTATS_BIND", "nope")])).unwrap_err();
        assert!(err.to_string().contains("TTSTATS_BIND"));
        let err = Settings::from_vars(vars(&[("TTSTATS_CACHE_L1_BYTES", "lots")])).unwrap_err();
        assert!(err.to_string().contains("TTSTATS_CACHE_L1_BYTES"));
    }

    #[test]
    fn the_l1_budget_defaults_to_64_mib_and_zero_turns_l1_off() {
        assert_eq!(
            Settings::from_vars(vars(&[])).unwrap().cache_l1_bytes,
            64 * 1024 * 1024
        );
        let s = Settings::from_vars(vars(&[("TTSTATS_CACHE_L1_BYTES", "0")])).unwrap();
        assert_eq!(s.cache_l1_bytes, 0);
        assert!(s.bench_static_dir.is_none());
    }
}
