//! PASETO v4.public tokens (Ed25519), signed with a key generated on first start.
//!
//! The secret key lives in `<data_dir>/keys/token-signing.key` (mode 0600). Tokens carry the
//! claims `sub` (user), `org`, `role`, `exp`, `iat`, `nbf` and `jti`, and the key's PASERK id
//! in the footer's `kid`, so keys can be rotated later without guessing.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
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
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

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
}

/// Why a token was refused. Deliberately coarse: callers answer 401 `invalid_token` for all.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Not a v4.public token, bad signature, wrong key, expired, or claims missing.
    #[error("invalid token: {0}")]
    Invalid(&'static str),
}

/// The signing key pair and its id.
pub struct TokenKeys {
    secret: AsymmetricSecretKey<V4>,
    public: AsymmetricPublicKey<V4>,
    kid: String,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("kid", &self.kid)
            .field("secret", &"[redacted]")
            .finish()
    }
}

const KEY_FILE: &str = "token-signing.key";

impl TokenKeys {
    /// A fresh key pair (not persisted).
    pub fn generate() -> anyhow::Result<Self> {
        let pair = AsymmetricKeyPair::<V4>::generate()
            .map_err(|err| anyhow::anyhow!("generating token key: {err}"))?;
        Self::from_secret(pair.secret)
    }

    fn from_secret(secret: AsymmetricSecretKey<V4>) -> anyhow::Result<Self> {
        let public = AsymmetricPublicKey::<V4>::try_from(&secret)
            .map_err(|err| anyhow::anyhow!("deriving public key: {err}"))?;
        let mut kid = String::new();
        Id::from(&public)
            .fmt(&mut kid)
            .map_err(|err| anyhow::anyhow!("formatting key id: {err}"))?;
        Ok(Self {
            secret,
            public,
            kid,
        })
    }

    /// Loads the key from `<keys_dir>/token-signing.key`, creating it (mode 0600) if missing.
    pub fn load_or_create(keys_dir: &Path) -> anyhow::Result<Self> {
        let path = keys_dir.join(KEY_FILE);
        if path.exists() {
            let text =
                fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            let bytes = STANDARD
                .decode(text.trim())
                .with_context(|| format!("decoding {}", path.display()))?;
            let secret = AsymmetricSecretKey::<V4>::from(&bytes)
                .map_err(|err| anyhow::anyhow!("{}: not a v4 secret key: {err}", path.display()))?;
            return Self::from_secret(secret);
        }
        create_private_dir(keys_dir)?;
        let keys = Self::generate()?;
        let encoded = STANDARD.encode(keys.secret.as_bytes());
        write_private_file(&path, encoded.as_bytes())?;
        tracing::info!(path = %path.display(), kid = %keys.kid, "generated token signing key");
        Ok(keys)
    }

    /// Loads the signing key of a data dir that a server has already run on; an error if
    /// there is none (a token signed with a fresh key would open nothing).
    pub fn load_existing(keys_dir: &Path) -> anyhow::Result<Self> {
        let path = keys_dir.join(KEY_FILE);
        if !path.exists() {
            anyhow::bail!(
                "no token signing key at {}: run this with the server's data dir (the same directory, ORCHARD_DATA_DIR or --config)",
                path.display()
            );
        }
        Self::load_or_create(keys_dir)
    }

    /// The key's PASERK id (`k4.pid...`).
    pub fn kid(&self) -> &str {
        &self.kid
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
        let token = public::sign(&self.secret, &claims, Some(&self.footer()), None).map_err(err)?;
        Ok((token, expires_at))
    }

    fn footer(&self) -> Footer {
        let mut footer = Footer::new();
        footer.key_id(&Id::from(&self.public));
        footer
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

    /// Verifies signature, key id, and the time claims; returns the claims.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let untrusted = UntrustedToken::<Public, V4>::try_from(token)
            .map_err(|_| TokenError::Invalid("not a v4.public token"))?;
        let rules = ClaimsValidationRules::new();
        let trusted = public::verify(&self.public, &untrusted, &rules, Some(&self.footer()), None)
            .map_err(|_| TokenError::Invalid("signature, key or time claims rejected"))?;
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
        Ok(Claims {
            user_id,
            org_id,
            role,
            expires_at,
        })
    }
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

    #[test]
    fn issued_tokens_verify_with_their_claims() {
        let keys = TokenKeys::generate().unwrap();
        let (user, org) = (UserId::new(), OrgId::new());
        let (token, expires_at) = keys.issue(user, org, Role::Admin, HOUR).unwrap();
        assert!(token.starts_with("v4.public."));
        let claims = keys.verify(&token).unwrap();
        assert_eq!(
            (claims.user_id, claims.org_id, claims.role),
            (user, org, Role::Admin)
        );
        assert_eq!(claims.expires_at, expires_at);
    }

    #[test]
    fn tampered_expired_and_foreign_tokens_are_refused() {
        let keys = TokenKeys::generate().unwrap();
        let (token, _) = keys
            .issue(UserId::new(), OrgId::new(), Role::Owner, HOUR)
            .unwrap();

        // Flip one character of the payload.
        let mut tampered: Vec<char> = token.chars().collect();
        let i = "v4.public.".len() + 5;
        tampered[i] = if tampered[i] == 'A' { 'B' } else { 'A' };
        let tampered: String = tampered.into_iter().collect();
        assert!(keys.verify(&tampered).is_err());

        let other = TokenKeys::generate().unwrap();
        let (foreign, _) = other
            .issue(UserId::new(), OrgId::new(), Role::Owner, HOUR)
            .unwrap();
        assert!(keys.verify(&foreign).is_err());

        let (expired, _) = keys
            .issue(
                UserId::new(),
                OrgId::new(),
                Role::Owner,
                Duration::from_secs(1),
            )
            .unwrap();
        std::thread::sleep(Duration::from_millis(2100));
        assert!(keys.verify(&expired).is_err());

        assert!(keys.verify("").is_err());
        assert!(keys.verify("v2.public.abc").is_err());
    }

    #[test]
    fn the_key_is_created_once_with_owner_only_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let keys_dir = dir.path().join("keys");
        let first = TokenKeys::load_or_create(&keys_dir).unwrap();
        let second = TokenKeys::load_or_create(&keys_dir).unwrap();
        assert_eq!(first.kid(), second.kid());
        let (token, _) = first
            .issue(UserId::new(), OrgId::new(), Role::Owner, HOUR)
            .unwrap();
        assert!(second.verify(&token).is_ok());
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
}
