//! Settings from the environment (ARCHITECTURE.md §7). Zero config runs.

use std::path::PathBuf;

use anyhow::{Context, bail};

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
    /// Where the built SPA lives.
    pub static_dir: PathBuf,
    /// JWT signing secret; generated and kept in the data dir when unset.
    pub jwt_secret: Option<String>,
    /// Absolute base URL of the site, without a trailing slash; e-mailed links start with it.
    pub public_url: String,
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
            static_dir: PathBuf::from(
                get("TTSTATS_STATIC_DIR").unwrap_or_else(|| "frontend/dist".into()),
            ),
            jwt_secret: get("TTSTATS_JWT_SECRET"),
            public_url,
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

    /// Settings for tests: an ephemeral port and the given data dir.
    pub fn for_tests(data_dir: &std::path::Path) -> Self {
        let vars = [
            ("TTSTATS_BIND".to_owned(), "127.0.0.1:0".to_owned()),
            (
                "TTSTATS_DATA_DIR".to_owned(),
                data_dir.display().to_string(),
            ),
        ];
        match Self::from_vars(vars) {
            Ok(s) => s,
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
    fn bad_values_name_their_variable() {
        let err = Settings::from_vars(vars(&[("TTSTATS_CACHE", "maybe")])).unwrap_err();
        assert!(err.to_string().contains("TTSTATS_CACHE"));
        let err = Settings::from_vars(vars(&[("TTSTATS_BIND", "nope")])).unwrap_err();
        assert!(err.to_string().contains("TTSTATS_BIND"));
    }
}
