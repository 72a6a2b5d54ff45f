//! Configuration: defaults, then an optional TOML file (`gonghui.toml` in the working
//! directory, or `--config FILE`), then `GONGHUI_*` environment variables, then flags.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// `sqlite://PATH` or `postgres://…`; default: `sqlite://<data_dir>/gonghui.db`.
    pub database_url: Option<String>,
    /// Where the SQLite file and the ID key file live.
    pub data_dir: PathBuf,
    /// Address `serve` listens on.
    pub listen: String,
    /// The 32-byte master key for ID numbers as 64 hex characters. Several app nodes on one
    /// PostgreSQL must share it; when absent, a key file in `data_dir` is used (created 0600).
    pub id_key: Option<String>,
    pub id_key_file: Option<PathBuf>,
    /// Mark the session cookie Secure (set when served over HTTPS).
    pub secure_cookies: bool,
    /// The address people reach gonghui at, e.g. `https://gonghui.example.cn`. An `https://`
    /// address marks cookies Secure as `secure_cookies` does.
    pub public_url: Option<String>,
    /// Addresses of reverse proxies in front of `serve` whose `X-Forwarded-For` is believed
    /// (the client address counts failed logins and goes into the audit log). Empty: none.
    pub trusted_proxies: Vec<String>,
    /// The largest roster upload through the web, in MB (checked before reading).
    pub max_upload_mb: u64,
    /// Seconds between runs of the deadline scan (reminders, escalation); 0 turns the
    /// background jobs off on this node (e.g. when an outside scheduler runs `gonghui jobs run`).
    pub jobs_interval_seconds: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: None,
            data_dir: PathBuf::from("data"),
            listen: "127.0.0.1:8080".into(),
            id_key: None,
            id_key_file: None,
            secure_cookies: false,
            public_url: None,
            trusted_proxies: Vec::new(),
            max_upload_mb: 128,
            jobs_interval_seconds: 300,
        }
    }
}

/// Settings that may come from `GONGHUI_<KEY>` variables.
const ENV_KEYS: &[&str] = &[
    "database_url",
    "data_dir",
    "listen",
    "id_key",
    "id_key_file",
    "secure_cookies",
    "public_url",
    "trusted_proxies",
    "max_upload_mb",
    "jobs_interval_seconds",
];
/// Other variables with the prefix that are not settings: the log filter, the config file
/// path, and those of the test suite and benchmarks.
const OTHER_ENV: &[&str] = &["LOG", "CONFIG"];
const OTHER_ENV_PREFIXES: &[&str] = &["TEST_", "BENCH_"];

impl Settings {
    pub fn load(config_file: Option<&Path>) -> Result<Settings, String> {
        let mut fig = Figment::from(Serialized::defaults(Settings::default()));
        match config_file {
            Some(path) if !path.exists() => {
                return Err(format!("配置文件不存在：{}", path.display()));
            }
            Some(path) => fig = fig.merge(Toml::file(path)),
            None => fig = fig.merge(Toml::file("gonghui.toml")),
        }
        fig = fig.merge(Env::prefixed("GONGHUI_").only(ENV_KEYS));
        for (key, _) in std::env::vars() {
            if let Some(name) = key.strip_prefix("GONGHUI_") {
                let known = ENV_KEYS.contains(&name.to_ascii_lowercase().as_str())
                    || OTHER_ENV.contains(&name)
                    || OTHER_ENV_PREFIXES.iter().any(|p| name.starts_with(p));
                if !known {
                    tracing::warn!("unknown environment variable {key} is ignored");
                }
            }
        }
        fig.extract().map_err(|e| format!("配置有误：{e}"))
    }

    /// Cookies go out Secure: asked for, or the public address is https.
    pub fn cookies_secure(&self) -> Result<bool, String> {
        let public = match self.public_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => false,
            Some(u) if u.to_ascii_lowercase().starts_with("https://") => true,
            Some(u) if u.to_ascii_lowercase().starts_with("http://") => false,
            Some(u) => return Err(format!("public_url“{u}”应以 https:// 或 http:// 开头")),
        };
        Ok(self.secure_cookies || public)
    }

    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("gonghui.db").display()))
    }

    /// Where the ID-number key is read from (unless given inline as `id_key`).
    pub fn key_file(&self) -> PathBuf {
        self.id_key_file.clone().unwrap_or_else(|| self.data_dir.join("id.key"))
    }

    pub fn vault(&self) -> Result<store::IdVault, String> {
        if let Some(hex) = &self.id_key {
            return store::IdVault::from_hex(hex).ok_or_else(|| "GONGHUI_ID_KEY 应为 64 位十六进制".to_string());
        }
        let path = self.id_key_file.clone().unwrap_or_else(|| self.data_dir.join("id.key"));
        store::IdVault::load_or_create(&path).map_err(|e| format!("身份证号密钥文件 {}：{e}", path.display()))
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail's closures return figment::Error
mod tests {
    use super::*;

    #[test]
    fn an_https_public_address_makes_cookies_secure() {
        let with = |url: Option<&str>, secure: bool| {
            Settings { public_url: url.map(String::from), secure_cookies: secure, ..Settings::default() }
                .cookies_secure()
        };
        assert_eq!(with(None, false), Ok(false));
        assert_eq!(with(Some("HTTPS://gonghui.example.cn"), false), Ok(true));
        assert_eq!(with(Some("http://10.0.0.5:8080"), false), Ok(false));
        assert_eq!(with(Some("http://10.0.0.5:8080"), true), Ok(true));
        assert!(with(Some("gonghui.example.cn"), false).unwrap_err().contains("https://"));
    }

    #[test]
    fn layers_file_then_env() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("gonghui.toml", "listen = \"0.0.0.0:9000\"\ndata_dir = \"/var/lib/gonghui\"")?;
            jail.set_env("GONGHUI_LISTEN", "127.0.0.1:7000");
            // Every documented variable is read (GONGHUI_MAX_UPLOAD_MB once was not).
            jail.set_env("GONGHUI_MAX_UPLOAD_MB", "16");
            jail.set_env("GONGHUI_PUBLIC_URL", "https://gonghui.example.cn");
            let s = Settings::load(None).unwrap();
            assert_eq!(s.listen, "127.0.0.1:7000");
            assert_eq!(s.max_upload_mb, 16);
            assert_eq!(s.cookies_secure(), Ok(true));
            assert_eq!(s.data_dir, PathBuf::from("/var/lib/gonghui"));
            assert_eq!(s.database_url(), "sqlite:///var/lib/gonghui/gonghui.db");
            Ok(())
        });
    }

    #[test]
    fn unknown_env_is_ignored_not_fatal() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("GONGHUI_LISTN", "oops");
            jail.set_env("GONGHUI_TEST_DATABASE_URL", "postgres://x");
            jail.set_env("GONGHUI_DATABASE_URL", "sqlite://x.db");
            let s = Settings::load(None).unwrap();
            assert_eq!(s.listen, "127.0.0.1:8080");
            assert_eq!(s.database_url(), "sqlite://x.db");
            Ok(())
        });
    }

    #[test]
    fn unknown_key_in_file_is_an_error() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("gonghui.toml", "lisen = \"x\"")?;
            assert!(Settings::load(None).unwrap_err().contains("lisen"));
            Ok(())
        });
    }
}
