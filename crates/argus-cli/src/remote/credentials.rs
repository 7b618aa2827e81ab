//! AWS-style credentials and region for `argus remote`, looked up the way
//! the AWS CLI does: environment variables first, then the profile
//! (`AWS_PROFILE`, default `default`) in the shared credentials and config
//! files.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{Result, bail};

/// A signing identity.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Set for temporary credentials; sent as X-Amz-Security-Token.
    pub session_token: Option<String>,
    pub region: String,
}

impl Credentials {
    pub fn resolve() -> Result<Credentials> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let profile = env("AWS_PROFILE").unwrap_or_else(|| "default".into());
        let home = env("HOME").map(PathBuf::from).unwrap_or_default();
        let credentials_file = env("AWS_SHARED_CREDENTIALS_FILE")
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".aws/credentials"));
        let config_file = env("AWS_CONFIG_FILE")
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".aws/config"));
        let from_credentials = read_ini(&credentials_file)
            .remove(&profile)
            .unwrap_or_default();
        let config_section = if profile == "default" {
            "default".to_string()
        } else {
            format!("profile {profile}")
        };
        let from_config = read_ini(&config_file)
            .remove(&config_section)
            .unwrap_or_default();
        let lookup = |env_name: &str, key: &str| {
            env(env_name)
                .or_else(|| from_credentials.get(key).cloned())
                .or_else(|| from_config.get(key).cloned())
        };
        let (Some(access_key_id), Some(secret_access_key)) = (
            lookup("AWS_ACCESS_KEY_ID", "aws_access_key_id"),
            lookup("AWS_SECRET_ACCESS_KEY", "aws_secret_access_key"),
        ) else {
            bail!(
                "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a profile in {} \
                 (argus serve prints the root key on first start and saves it in DATA_DIR/root-credentials)",
                credentials_file.display()
            );
        };
        let region = env("AWS_REGION")
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .or_else(|| from_config.get("region").cloned())
            .or_else(|| from_credentials.get("region").cloned())
            .unwrap_or_else(|| "us-east-1".into());
        Ok(Credentials {
            session_token: lookup("AWS_SESSION_TOKEN", "aws_session_token"),
            access_key_id,
            secret_access_key,
            region,
        })
    }
}

/// Sections of an INI file as `name -> key -> value` (missing file: empty).
fn read_ini(path: &std::path::Path) -> HashMap<String, HashMap<String, String>> {
    let mut sections: HashMap<String, HashMap<String, String>> = HashMap::new();
    let Ok(text) = std::fs::read_to_string(path) else {
        return sections;
    };
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.trim().to_string();
        } else if let Some((key, value)) = line.split_once('=') {
            sections
                .entry(current.clone())
                .or_default()
                .insert(key.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_profiles_from_an_ini_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials");
        std::fs::write(
            &path,
            "# comment\n[default]\naws_access_key_id = A\n\n[argus]\nAWS_ACCESS_KEY_ID=B\naws_secret_access_key = s=ecret\nregion = eu-west-1\n",
        )
        .unwrap();
        let sections = read_ini(&path);
        assert_eq!(sections["default"]["aws_access_key_id"], "A");
        assert_eq!(sections["argus"]["aws_access_key_id"], "B");
        assert_eq!(sections["argus"]["aws_secret_access_key"], "s=ecret");
        assert_eq!(sections["argus"]["region"], "eu-west-1");
        assert!(read_ini(&dir.path().join("missing")).is_empty());
    }
}
