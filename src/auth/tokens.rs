//! PASETO v4.public tokens (Ed25519), signed with the active key of a small key set.
//!
//! Tokens carry the claims `sub` (user), `org`, `role`, `exp`, `iat`, `nbf` and `jti`, and the
//! signing key's PASERK id (`k4.pid…`) in the footer's `kid`. Verification picks the key by
//! that id: the active key signs, older keys still verify until they are retired, and a token
//! naming a key the set does not hold is refused.
//!
//! Where the keys come from (docs/security.md):
//! - `ORCHARD_TOKEN_KEYS`, when set: comma-separated entries, the first of which signs. An
//!   entry is a base64 secret key (the format of `token-signing.key`, printed by
//!   `orchard token-keys generate`) or a PASERK public key `k4.public.…` (verifies only).
//!   Every node of a deployment gets the same value, like `ORCHARD_MASTER_KEY`.
//! - Otherwise the files in `<data_dir>/keys/`: `token-signing.key` (the active secret key,
//!   mode 0600, generated on first start) and `token-verify.keys` (one `k4.public.…` a line:
//!   older keys that still verify). `orchard token-keys rotate | retire` edit them.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use orchard_actors::domain::{OrgId, Role, UserId};
use pasetors::claims::ClaimsValidationRules;
use pasetors::footer::Footer;
use pasetors::keys::{AsymmetricKeyPair, AsymmetricPublicKey, AsymmetricSecretKey, Generate};
use pasetors::paserk::{FormatAsPaserk, Id};
use pasetors::token::UntrustedToken;
use pasetors::version4::V4;
use pasetors::{Public, public};
use quick_cache::sync::Cache;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use zeroize::Zeroizing;

/// The environment variable that holds the token keys of a deployment.
pub const TOKEN_KEYS_ENV: &str = "ORCHARD_TOKEN_KEYS";

/// What a verified token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// The user.
    pub user_id: UserId,
    /// The user's org.
    pub org_id: OrgId,
    /// The user's role.
    pub role: Role,
    /// Expiry.
    pub expires_at: OffsetDateTime,
    /// The token's own id (`jti`), by which it is revoked.
    pub token_id: String,
}

/// Why a token was refused. Deliberately coarse: callers answer 401 `invalid_token` for all.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Not a v4.public token, bad signature, unknown or retired key, expired, or claims missing.
    #[error("invalid token: {0}")]
    Invalid(&'static str),
}

/// A key that verifies, with the footer its tokens carry.
struct VerifyingKey {
    public: AsymmetricPublicKey<V4>,
    footer: Footer,
    kid: String,
}

/// The key set: the active signing key and every key that verifies (the active one too).
pub struct TokenKeys {
    secret: AsymmetricSecretKey<V4>,
    /// The footer of the tokens it signs.
    footer: Footer,
    kid: String,
    /// Exact footer bytes (`{"kid":"k4.pid…"}`) → key. The footer is public: looking it up is
    /// no secret comparison, and pasetors compares it again in constant time.
    verifying: HashMap<Vec<u8>, VerifyingKey>,
    /// Tokens this key set verified lately: SHA-256 of the whole token → its claims.
    verified: Cache<[u8; 32], Claims>,
}

/// How many verified tokens [`TokenKeys::verify`] remembers. A client sends the same token
/// with every request for hours; remembering it saves an Ed25519 verification (~57 µs on
/// the bench machine, bench/RESULTS.md) per request. An entry is ~150 bytes.
const VERIFIED_CAPACITY: usize = 16_384;

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("kid", &self.kid)
            .field("verifying", &self.kids())
            .field("secret", &"[redacted]")
            .finish()
    }
}

const KEY_FILE: &str = "token-signing.key";
const VERIFY_FILE: &str = "token-verify.keys";

/// The PASERK id of `public`.
fn kid_of(public: &AsymmetricPublicKey<V4>) -> anyhow::Result<String> {
    let mut kid = String::new();
    Id::from(public)
        .fmt(&mut kid)
        .map_err(|err| anyhow::anyhow!("formatting key id: {err}"))?;
    Ok(kid)
}

fn public_of(secret: &AsymmetricSecretKey<V4>) -> anyhow::Result<AsymmetricPublicKey<V4>> {
    AsymmetricPublicKey::<V4>::try_from(secret)
        .map_err(|err| anyhow::anyhow!("deriving public key: {err}"))
}

/// The footer of tokens signed by `public`'s key.
fn footer_of(public: &AsymmetricPublicKey<V4>) -> Footer {
    let mut footer = Footer::new();
    footer.key_id(&Id::from(public));
    footer
}

fn footer_bytes(public: &AsymmetricPublicKey<V4>) -> anyhow::Result<Vec<u8>> {
    let text = footer_of(public)
        .to_string()
        .map_err(|err| anyhow::anyhow!("encoding footer: {err}"))?;
    Ok(text.into_bytes())
}

/// `public` as PASERK (`k4.public.…`).
fn paserk_public(public: &AsymmetricPublicKey<V4>) -> anyhow::Result<String> {
    let mut text = String::new();
    public
        .fmt(&mut text)
        .map_err(|err| anyhow::anyhow!("formatting public key: {err}"))?;
    Ok(text)
}

fn parse_public(text: &str) -> anyhow::Result<AsymmetricPublicKey<V4>> {
    AsymmetricPublicKey::<V4>::try_from(text.trim())
        .map_err(|err| anyhow::anyhow!("not a k4.public PASERK key: {err}"))
}

fn parse_secret(base64: &str) -> anyhow::Result<AsymmetricSecretKey<V4>> {
    let bytes = Zeroizing::new(
        STANDARD
            .decode(base64.trim())
            .context("a token secret key is base64")?,
    );
    AsymmetricSecretKey::<V4>::from(&bytes)
        .map_err(|err| anyhow::anyhow!("not a v4 secret key: {err}"))
}

/// A fresh secret key, base64 (the format of `token-signing.key` and `ORCHARD_TOKEN_KEYS`),
/// and its id.
pub fn generate_secret() -> anyhow::Result<(Zeroizing<String>, String)> {
    let pair = AsymmetricKeyPair::<V4>::generate()
        .map_err(|err| anyhow::anyhow!("generating token key: {err}"))?;
    let kid = kid_of(&pair.public)?;
    Ok((Zeroizing::new(STANDARD.encode(pair.secret.as_bytes())), kid))
}

impl TokenKeys {
    /// A fresh key pair (not persisted).
    pub fn generate() -> anyhow::Result<Self> {
        let pair = AsymmetricKeyPair::<V4>::generate()
            .map_err(|err| anyhow::anyhow!("generating token key: {err}"))?;
        Self::with_keys(pair.secret, Vec::new())
    }

    /// `secret` signs; it and `older` verify.
    fn with_keys(
        secret: AsymmetricSecretKey<V4>,
        older: Vec<AsymmetricPublicKey<V4>>,
    ) -> anyhow::Result<Self> {
        let active = public_of(&secret)?;
        let kid = kid_of(&active)?;
        let footer = footer_of(&active);
        let mut verifying = HashMap::new();
        for public in std::iter::once(active).chain(older) {
            verifying.insert(
                footer_bytes(&public)?,
                VerifyingKey {
                    footer: footer_of(&public),
                    kid: kid_of(&public)?,
                    public,
                },
            );
        }
        Ok(Self {
            secret,
            footer,
            kid,
            verifying,
            verified: Cache::new(VERIFIED_CAPACITY),
        })
    }

    /// The keys of `ORCHARD_TOKEN_KEYS` (see the module's documentation).
    pub fn from_env_value(value: &str) -> anyhow::Result<Self> {
        let mut entries = value.split(',').map(str::trim).filter(|e| !e.is_empty());
        let Some(first) = entries.next() else {
            bail!("{TOKEN_KEYS_ENV} holds no key");
        };
        if first.starts_with("k4.") {
            bail!("{TOKEN_KEYS_ENV}: the first entry signs, so it must be a base64 secret key");
        }
        let secret =
            parse_secret(first).with_context(|| format!("{TOKEN_KEYS_ENV}: the first entry"))?;
        let mut older = Vec::new();
        for (index, entry) in entries.enumerate() {
            let context = || format!("{TOKEN_KEYS_ENV}: entry {}", index + 2);
            let public = if entry.starts_with("k4.") {
                parse_public(entry).with_context(context)?
            } else {
                public_of(&parse_secret(entry).with_context(context)?)?
            };
            older.push(public);
        }
        Self::with_keys(secret, older)
    }

    /// `ORCHARD_TOKEN_KEYS` when `env_value` is set (it is), else the files of `keys_dir`,
    /// created on first start.
    pub fn load(keys_dir: &Path, env_value: Option<&str>) -> anyhow::Result<Self> {
        match env_value {
            Some(value) => Self::from_env_value(value),
            None => Self::load_or_create(keys_dir),
        }
    }

    /// Loads the keys from `keys_dir`, creating the signing key (mode 0600) if missing.
    pub fn load_or_create(keys_dir: &Path) -> anyhow::Result<Self> {
        let path = keys_dir.join(KEY_FILE);
        if path.exists() {
            return Self::load_files(keys_dir);
        }
        create_private_dir(keys_dir)?;
        let (encoded, kid) = generate_secret()?;
        write_private_file(&path, encoded.as_bytes())?;
        tracing::info!(path = %path.display(), kid = %kid, "generated token signing key");
        Self::load_files(keys_dir)
    }

    fn load_files(keys_dir: &Path) -> anyhow::Result<Self> {
        let path = keys_dir.join(KEY_FILE);
        let text = Zeroizing::new(
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?,
        );
        let secret = parse_secret(&text).with_context(|| path.display().to_string())?;
        let older = read_verify_file(keys_dir)?
            .iter()
            .map(|line| parse_public(line))
            .collect::<anyhow::Result<Vec<_>>>()
            .with_context(|| keys_dir.join(VERIFY_FILE).display().to_string())?;
        Self::with_keys(secret, older)
    }

    /// The keys a server with this data dir signs with: `ORCHARD_TOKEN_KEYS` when set
    /// (`env_value`), else the files, which must exist (a token signed with a fresh key would
    /// open nothing).
    pub fn load_existing(keys_dir: &Path, env_value: Option<&str>) -> anyhow::Result<Self> {
        if let Some(value) = env_value {
            return Self::from_env_value(value);
        }
        let path = keys_dir.join(KEY_FILE);
        if !path.exists() {
            bail!(
                "no token signing key at {}: run this with the server's data dir (the same directory, ORCHARD_DATA_DIR or --config), or set {TOKEN_KEYS_ENV} as the servers have it",
                path.display()
            );
        }
        Self::load_files(keys_dir)
    }

    /// The active key's PASERK id (`k4.pid...`).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The ids of every key that verifies, the active one first.
    pub fn kids(&self) -> Vec<String> {
        let mut others: Vec<String> = self
            .verifying
            .values()
            .map(|key| key.kid.clone())
            .filter(|kid| *kid != self.kid)
            .collect();
        others.sort();
        std::iter::once(self.kid.clone()).chain(others).collect()
    }

    /// Issues a token for `user` of `org` with `role`, valid for `ttl`.
    pub fn issue(
        &self,
        user: UserId,
        org: OrgId,
        role: Role,
        ttl: Duration,
    ) -> anyhow::Result<(String, OffsetDateTime)> {
        let err = |e: pasetors::errors::Error| anyhow::anyhow!("building token: {e}");
        let mut claims = pasetors::claims::Claims::new_expires_in(&ttl).map_err(err)?;
        claims.subject(&user.to_string()).map_err(err)?;
        claims
            .token_identifier(&uuid::Uuid::new_v4().to_string())
            .map_err(err)?;
        claims.add_additional("org", org.to_string()).map_err(err)?;
        claims.add_additional("role", role.as_str()).map_err(err)?;
        let expires_at = claims
            .get_claim("exp")
            .and_then(|v| v.as_str())
            .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
            .ok_or_else(|| anyhow::anyhow!("token without expiry"))?;
        let token = public::sign(&self.secret, &claims, Some(&self.footer), None).map_err(err)?;
        Ok((token, expires_at))
    }

    /// A token for the platform operator: role `operator`, no organization.
    pub fn issue_operator(&self, ttl: Duration) -> anyhow::Result<(String, OffsetDateTime)> {
        // The operator belongs to no organization: the nil org, which no tenant has.
        let nil = OrgId::from_uuid(uuid::Uuid::nil());
        self.issue(
            UserId::from_uuid(uuid::Uuid::nil()),
            nil,
            Role::Operator,
            ttl,
        )
    }

    /// Verifies the key id, signature and time claims; returns the claims.
    ///
    /// A token verified before is found by the SHA-256 of its whole text (a different token,
    /// however close, has another digest) and only its expiry is checked again: its signature,
    /// key and claims cannot have changed, and the key set is fixed for the life of the
    /// process (`orchard token-keys retire` takes effect when the server restarts, which
    /// forgets them). Refused tokens are not remembered. Revocation is not this function's
    /// business: the caller checks it on every request (`RevocationCheck`).
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some(claims) = self.verified.get(&digest) {
            if claims.expires_at <= OffsetDateTime::now_utc() {
                self.verified.remove(&digest);
                return Err(TokenError::Invalid("signature or time claims rejected"));
            }
            return Ok(claims);
        }
        let claims = self.verify_signed(token)?;
        self.verified.insert(digest, claims.clone());
        Ok(claims)
    }

    /// [`Self::verify`] without the memory of verified tokens.
    fn verify_signed(&self, token: &str) -> Result<Claims, TokenError> {
        let untrusted = UntrustedToken::<Public, V4>::try_from(token)
            .map_err(|_| TokenError::Invalid("not a v4.public token"))?;
        let key = self
            .verifying
            .get(untrusted.untrusted_footer())
            .ok_or(TokenError::Invalid("unknown or retired key"))?;
        let rules = ClaimsValidationRules::new();
        let trusted = public::verify(&key.public, &untrusted, &rules, Some(&key.footer), None)
            .map_err(|_| TokenError::Invalid("signature or time claims rejected"))?;
        let claims = trusted
            .payload_claims()
            .ok_or(TokenError::Invalid("no claims"))?;
        let text = |name: &str| claims.get_claim(name).and_then(|v| v.as_str());
        let user_id = text("sub")
            .and_then(|s| s.parse().ok())
            .ok_or(TokenError::Invalid("bad sub"))?;
        let org_id = text("org")
            .and_then(|s| s.parse().ok())
            .ok_or(TokenError::Invalid("bad org"))?;
        let role = text("role")
            .and_then(Role::parse)
            .ok_or(TokenError::Invalid("bad role"))?;
        let expires_at = text("exp")
            .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
            .ok_or(TokenError::Invalid("bad exp"))?;
        let token_id = text("jti")
            .filter(|jti| !jti.is_empty() && jti.len() <= 64)
            .ok_or(TokenError::Invalid("bad jti"))?
            .to_owned();
        Ok(Claims {
            user_id,
            org_id,
            role,
            expires_at,
            token_id,
        })
    }
}

/// The lines of `token-verify.keys` (none if there is no such file), comments and blank
/// lines left out.
fn read_verify_file(keys_dir: &Path) -> anyhow::Result<Vec<String>> {
    let path = keys_dir.join(VERIFY_FILE);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect())
}

/// Replaces `path` with `contents` (mode 0600) atomically.
fn replace_private_file(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    let _ = fs::remove_file(&tmp);
    write_private_file(&tmp, contents)?;
    fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))
}

fn write_verify_file(keys_dir: &Path, lines: &[String]) -> anyhow::Result<()> {
    let mut text = String::from(
        "# Older token keys that still verify (PASERK k4.public), one a line; `orchard token-keys retire <id>` removes one.\n",
    );
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    replace_private_file(&keys_dir.join(VERIFY_FILE), text.as_bytes())
}

/// What `orchard token-keys rotate` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRotation {
    /// The new signing key.
    pub active: String,
    /// The key that signed before; it still verifies until retired.
    pub previous: String,
}

/// Makes a new key the signing key of `keys_dir`; the previous one keeps verifying. The old
/// key's public half is saved first, so a crash in between loses nothing.
pub fn rotate(keys_dir: &Path) -> anyhow::Result<TokenRotation> {
    let current = TokenKeys::load_existing(keys_dir, None)?;
    let previous_public = public_of(&current.secret)?;
    let mut lines = read_verify_file(keys_dir)?;
    let line = paserk_public(&previous_public)?;
    if !lines.contains(&line) {
        lines.push(line);
    }
    write_verify_file(keys_dir, &lines)?;
    let (encoded, active) = generate_secret()?;
    replace_private_file(&keys_dir.join(KEY_FILE), encoded.as_bytes())?;
    Ok(TokenRotation {
        active,
        previous: current.kid,
    })
}

/// Stops key `kid` of `keys_dir` from verifying: tokens it signed are refused from the next
/// start on. The signing key cannot be retired (rotate first).
pub fn retire(keys_dir: &Path, kid: &str) -> anyhow::Result<()> {
    let current = TokenKeys::load_existing(keys_dir, None)?;
    if current.kid == kid {
        bail!("{kid} is the signing key; run `orchard token-keys rotate` first");
    }
    let lines = read_verify_file(keys_dir)?;
    let mut kept = Vec::new();
    let mut found = false;
    for line in lines {
        let matches = parse_public(&line)
            .and_then(|public| kid_of(&public))
            .is_ok_and(|id| id == kid);
        if matches {
            found = true;
        } else {
            kept.push(line);
        }
    }
    if !found {
        bail!(
            "no key {kid} in {}; `orchard token-keys list` shows the keys",
            keys_dir.join(VERIFY_FILE).display()
        );
    }
    write_verify_file(keys_dir, &kept)
}

/// Creates `dir` (and parents) readable by the owner only.
pub fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .with_context(|| format!("restricting {}", dir.display()))?;
    }
    Ok(())
}

/// Writes a new file that only the owner can read, failing if it already exists.
pub fn write_private_file(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(contents)?;
    file.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    fn token_of(keys: &TokenKeys) -> String {
        keys.issue(UserId::new(), OrgId::new(), Role::Owner, HOUR)
            .unwrap()
            .0
    }

    /// The `kid` in a token's footer.
    fn footer_kid(token: &str) -> String {
        let untrusted = UntrustedToken::<Public, V4>::try_from(token).unwrap();
        let mut footer = Footer::new();
        footer.parse_bytes(untrusted.untrusted_footer()).unwrap();
        footer
            .get_claim("kid")
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn issued_tokens_verify_with_their_claims() {
        let keys = TokenKeys::generate().unwrap();
        let (user, org) = (UserId::new(), OrgId::new());
        let (token, expires_at) = keys.issue(user, org, Role::Admin, HOUR).unwrap();
        assert!(token.starts_with("v4.public."));
        assert_eq!(footer_kid(&token), keys.kid());
        assert!(keys.kid().starts_with("k4.pid."));
        let claims = keys.verify(&token).unwrap();
        assert_eq!(
            (claims.user_id, claims.org_id, claims.role),
            (user, org, Role::Admin)
        );
        assert_eq!(claims.expires_at, expires_at);
        let again = keys.verify(&token_of(&keys)).unwrap();
        assert_ne!(
            claims.token_id, again.token_id,
            "every token has its own jti"
        );
    }

    #[test]
    fn tampered_expired_and_foreign_tokens_are_refused() {
        let keys = TokenKeys::generate().unwrap();
        let token = token_of(&keys);
        // Verified once, so remembered: what follows must be refused all the same.
        keys.verify(&token).unwrap();

        // Flip one character of the payload.
        let mut tampered: Vec<char> = token.chars().collect();
        let i = "v4.public.".len() + 5;
        tampered[i] = if tampered[i] == 'A' { 'B' } else { 'A' };
        let tampered: String = tampered.into_iter().collect();
        assert!(keys.verify(&tampered).is_err());

        let other = TokenKeys::generate().unwrap();
        assert!(keys.verify(&token_of(&other)).is_err());

        let (expired, _) = keys
            .issue(
                UserId::new(),
                OrgId::new(),
                Role::Owner,
                // Time claims have whole seconds, and a loaded machine (CI runs tests in
                // parallel on 2 cores) may take a while between issuing and verifying: 3 s,
                // not 1, so the token is surely still valid at the first check.
                Duration::from_secs(3),
            )
            .unwrap();
        keys.verify(&expired).expect("valid for a few seconds");
        let digest: [u8; 32] = Sha256::digest(&expired).into();
        assert!(keys.verified.get(&digest).is_some(), "remembered");
        std::thread::sleep(Duration::from_millis(4100));
        assert!(
            keys.verify(&expired).is_err(),
            "a remembered token is refused once it expires"
        );
        assert!(keys.verify(&expired).is_err(), "and forgotten");

        assert!(keys.verify("").is_err());
        assert!(keys.verify("v2.public.abc").is_err());
    }

    #[test]
    fn a_token_whose_footer_names_another_key_is_refused() {
        let keys = TokenKeys::generate().unwrap();
        let other = TokenKeys::generate().unwrap();
        // Signed by our key, but the footer names another: the footer is signed too.
        let mut claims = pasetors::claims::Claims::new_expires_in(&HOUR).unwrap();
        claims.subject(&UserId::new().to_string()).unwrap();
        let foreign_footer = footer_of(&public_of(&other.secret).unwrap());
        let token = public::sign(&keys.secret, &claims, Some(&foreign_footer), None).unwrap();
        assert!(keys.verify(&token).is_err());
        // No footer at all.
        let bare = public::sign(&keys.secret, &claims, None, None).unwrap();
        assert!(keys.verify(&bare).is_err());
    }

    #[test]
    fn the_key_is_created_once_with_owner_only_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let keys_dir = dir.path().join("keys");
        assert!(TokenKeys::load_existing(&keys_dir, None).is_err());
        let first = TokenKeys::load_or_create(&keys_dir).unwrap();
        let second = TokenKeys::load_or_create(&keys_dir).unwrap();
        assert_eq!(first.kid(), second.kid());
        assert!(second.verify(&token_of(&first)).is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(keys_dir.join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn rotation_keeps_old_tokens_valid_until_their_key_is_retired() {
        let dir = tempfile::tempdir().unwrap();
        let keys_dir = dir.path().join("keys");
        let before = TokenKeys::load_or_create(&keys_dir).unwrap();
        let old_token = token_of(&before);

        let rotation = rotate(&keys_dir).unwrap();
        assert_eq!(rotation.previous, before.kid());
        let after = TokenKeys::load_existing(&keys_dir, None).unwrap();
        assert_eq!(after.kid(), rotation.active);
        assert_ne!(after.kid(), before.kid());
        assert_eq!(
            after.kids(),
            vec![rotation.active.clone(), before.kid().to_owned()]
        );
        assert!(
            after.verify(&old_token).is_ok(),
            "the old key still verifies"
        );
        let new_token = token_of(&after);
        assert_eq!(footer_kid(&new_token), rotation.active);
        assert!(
            before.verify(&new_token).is_err(),
            "a node that has not restarted does not know the new key"
        );

        assert!(
            retire(&keys_dir, after.kid()).is_err(),
            "the signing key stays"
        );
        assert!(retire(&keys_dir, "k4.pid.nope").is_err());
        retire(&keys_dir, before.kid()).unwrap();
        let retired = TokenKeys::load_existing(&keys_dir, None).unwrap();
        assert!(
            retired.verify(&old_token).is_err(),
            "a retired key verifies nothing"
        );
        assert!(retired.verify(&new_token).is_ok());
        assert_eq!(retired.kids(), vec![rotation.active]);
    }

    #[test]
    fn keys_from_the_environment_sign_with_the_first_and_verify_with_all() {
        let (old_secret, old_kid) = generate_secret().unwrap();
        let (new_secret, new_kid) = generate_secret().unwrap();
        let old = TokenKeys::from_env_value(&old_secret).unwrap();
        assert_eq!(old.kid(), old_kid);
        let old_token = token_of(&old);

        // The old key as a secret or as its public PASERK: either verifies only.
        let old_public = paserk_public(&public_of(&old.secret).unwrap()).unwrap();
        for second in [old_secret.as_str(), old_public.as_str()] {
            let keys = TokenKeys::from_env_value(&format!(" {}, {second} ", *new_secret)).unwrap();
            assert_eq!(keys.kid(), new_kid);
            assert!(keys.verify(&old_token).is_ok());
            assert_eq!(footer_kid(&token_of(&keys)), new_kid);
        }
        let only_new = TokenKeys::from_env_value(&new_secret).unwrap();
        assert!(only_new.verify(&old_token).is_err());

        for bad in ["", " , ", "not base64!", old_public.as_str(), "abcd"] {
            assert!(TokenKeys::from_env_value(bad).is_err(), "{bad:?}");
        }
        // The environment wins over the files.
        let dir = tempfile::tempdir().unwrap();
        let loaded = TokenKeys::load(dir.path(), Some(&new_secret)).unwrap();
        assert_eq!(loaded.kid(), new_kid);
        assert!(!dir.path().join(KEY_FILE).exists());
    }
}
