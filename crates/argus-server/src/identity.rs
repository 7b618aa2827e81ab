//! Identities argus issues: principal ARNs and ids, access keys, and
//! temporary credentials (what STS's GetSessionToken and AssumeRole hand
//! out). `argus admin` uses these; the auth layer checks what they made.

use std::time::Duration;

use argus_store::{AccessKey, Principal, PrincipalType, Store, StoreError, now_millis};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Shortest and longest life of temporary credentials (as STS: 15 min to 12 h).
pub const MIN_SESSION: Duration = Duration::from_secs(15 * 60);
pub const MAX_SESSION: Duration = Duration::from_secs(12 * 3600);

/// `arn:aws:iam::<account>:root`
pub fn root_arn(account_id: &str) -> String {
    format!("arn:aws:iam::{account_id}:root")
}

/// `arn:aws:iam::<account>:user/<name>` or `...:role/<name>`.
pub fn principal_arn(account_id: &str, kind: PrincipalType, name: &str) -> String {
    format!("arn:aws:iam::{account_id}:{}/{name}", kind.arn_segment())
}

/// IAM's rule for user and role names: 1 to 64 of `A-Za-z0-9+=,.@_-`.
pub fn check_name(what: &str, name: &str, max: usize) -> Result<(), String> {
    let valid = !name.is_empty()
        && name.len() <= max
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{what} '{name}' must be 1 to {max} characters of letters, digits and +=,.@_-"
        ))
    }
}

/// 12 digits, as account ids are.
pub fn check_account_id(id: &str) -> Result<(), String> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!("account id '{id}' must be 12 digits"))
    }
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the OS provides randomness");
    bytes
}

/// Upper-case letters and digits 2-7 (base32), as AWS key ids use.
fn random_id(prefix: &str, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let bytes = random_bytes::<32>();
    let tail: String = bytes
        .iter()
        .take(len)
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    format!("{prefix}{tail}")
}

/// A new unique id for `aws:userid`: AIDA... for users, AROA... for roles.
pub fn new_principal_id(kind: PrincipalType) -> String {
    match kind {
        PrincipalType::User => random_id("AIDA", 17),
        PrincipalType::Role => random_id("AROA", 17),
    }
}

/// A new key id and secret: AKIA... for permanent keys, ASIA... for
/// temporary ones; a 40-character secret.
pub fn new_key_pair(temporary: bool) -> (String, String) {
    let id = random_id(if temporary { "ASIA" } else { "AKIA" }, 16);
    let secret: String = STANDARD
        .encode(random_bytes::<30>())
        .chars()
        .take(40)
        .collect();
    (id, secret)
}

/// A permanent access key for a user, or for an account's root.
pub async fn create_access_key(
    store: &Store,
    account_id: &str,
    principal: Option<&Principal>,
) -> Result<AccessKey, StoreError> {
    let (id, secret) = new_key_pair(false);
    let key = AccessKey::permanent(
        id,
        secret,
        account_id.to_string(),
        principal.map_or_else(|| root_arn(account_id), |p| p.arn.clone()),
        principal.map(|p| p.arn.clone()),
    );
    store.put_access_key(&key).await?;
    Ok(key)
}

/// Temporary credentials and the token that must accompany them.
#[derive(Debug, Clone)]
pub struct TemporaryCredentials {
    pub key: AccessKey,
    pub session_token: String,
}

/// Temporary credentials for a user (GetSessionToken) or a role session
/// (AssumeRole, named `session_name`). Only the token's hash is stored.
pub async fn issue_session(
    store: &Store,
    principal: &Principal,
    session_name: &str,
    duration: Duration,
) -> Result<TemporaryCredentials, StoreError> {
    let (id, secret) = new_key_pair(true);
    let session_token = STANDARD.encode(random_bytes::<48>());
    let caller_arn = match principal.principal_type {
        PrincipalType::User => principal.arn.clone(),
        PrincipalType::Role => format!(
            "arn:aws:sts::{}:assumed-role/{}/{session_name}",
            principal.account_id, principal.name
        ),
    };
    let now = now_millis();
    let key = AccessKey {
        access_key_id: id,
        secret_access_key: secret,
        account_id: principal.account_id.clone(),
        principal_arn: caller_arn,
        policy_principal_arn: Some(principal.arn.clone()),
        session_token_sha256: Some(crate::sigv4::payload_hash(session_token.as_bytes())),
        expires_at: Some(now + duration.as_millis() as i64),
        active: true,
        created_at: now,
    };
    store.put_access_key(&key).await?;
    Ok(TemporaryCredentials { key, session_token })
}
