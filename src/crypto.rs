//! Credential encryption: AES-256-SIV under versioned master keys.
//!
//! Each credential is sealed with the active master key; the sealed value records the key's
//! version, a random 16-byte nonce and the SIV ciphertext. The associated data binds it to
//! `org_id | provider | credential_id | key_version`, so a ciphertext copied into another org's
//! row, another provider's or another credential's, or relabelled with another key version,
//! fails to decrypt, as does any flipped byte. SIV stays safe even if a nonce ever repeats
//! (it then only reveals that two plaintexts are equal).
//!
//! Master keys live in a keyring: a JSON file created on first start with mode 0600, or
//! `ORCHARD_MASTER_KEY` (`<version>:<base64 of 64 bytes>`, comma-separated for several).
//! Rotation adds a key and makes it active; credentials sealed under older keys keep
//! decrypting until they are re-sealed, after which the old key can be retired.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use aes_siv::aead::KeyInit;
use aes_siv::siv::Aes256Siv;
use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use orchard_actors::domain::OrgId;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// Bytes of an AES-256-SIV key (two 256-bit keys: MAC and encryption).
const KEY_LEN: usize = 64;
/// Bytes of the random nonce sealed with each credential.
const NONCE_LEN: usize = 16;

/// What a sealed credential belongs to; the associated data of its encryption.
#[derive(Debug, Clone, Copy)]
pub struct CredentialAad<'a> {
    /// Its org.
    pub org_id: OrgId,
    /// Its provider's stable name (`github`, `azure_devops`, `jira`, `generic`).
    pub provider: &'a str,
    /// Its id.
    pub credential_id: uuid::Uuid,
}

impl<'a> CredentialAad<'a> {
    /// The binding of a stored credential.
    pub fn of(credential: &'a orchard_actors::domain::Credential) -> Self {
        Self {
            org_id: credential.org_id,
            provider: credential.provider.as_str(),
            credential_id: credential.id.as_uuid(),
        }
    }

    /// The one SIV header: `orchard-cred/v1` ‖ nonce (16 bytes) ‖ org id (16) ‖ credential
    /// id (16) ‖ key version (4, big endian) ‖ provider. Fixed widths first, so no two
    /// bindings share an encoding; one header rather than two saves a CMAC pass per open.
    fn bytes(&self, key_version: u32, nonce: &[u8; NONCE_LEN]) -> Vec<u8> {
        const DOMAIN: &[u8] = b"orchard-cred/v1\0";
        let mut out = Vec::with_capacity(DOMAIN.len() + NONCE_LEN + 36 + self.provider.len());
        out.extend_from_slice(DOMAIN);
        out.extend_from_slice(nonce);
        out.extend_from_slice(self.org_id.as_uuid().as_bytes());
        out.extend_from_slice(self.credential_id.as_bytes());
        out.extend_from_slice(&key_version.to_be_bytes());
        out.extend_from_slice(self.provider.as_bytes());
        out
    }
}

/// An encrypted credential, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// Version of the master key it was sealed with.
    pub key_version: u32,
    /// Random nonce (part of the SIV header).
    pub nonce: [u8; NONCE_LEN],
    /// SIV tag followed by the ciphertext.
    pub ciphertext: Vec<u8>,
}

impl From<Sealed> for orchard_actors::domain::SealedSecret {
    fn from(sealed: Sealed) -> Self {
        Self {
            key_version: sealed.key_version,
            nonce: sealed.nonce.to_vec(),
            ciphertext: sealed.ciphertext,
        }
    }
}

impl TryFrom<&orchard_actors::domain::SealedSecret> for Sealed {
    type Error = CryptoError;

    fn try_from(stored: &orchard_actors::domain::SealedSecret) -> Result<Self, CryptoError> {
        Ok(Self {
            key_version: stored.key_version,
            nonce: stored
                .nonce
                .as_slice()
                .try_into()
                .map_err(|_| CryptoError::Invalid)?,
            ciphertext: stored.ciphertext.clone(),
        })
    }
}

impl orchard_actors::ports::CredentialVault for Keyring {
    fn open(
        &self,
        credential: &orchard_actors::domain::Credential,
    ) -> Result<SecretString, orchard_actors::ports::VaultError> {
        Sealed::try_from(&credential.sealed)
            .and_then(|sealed| Keyring::open(self, &CredentialAad::of(credential), &sealed))
            .map_err(|_| orchard_actors::ports::VaultError::Unreadable)
    }
}

/// Why a sealed credential could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// Its key version is not in the keyring (retired, or another deployment's).
    #[error("master key version {0} is not in the keyring")]
    UnknownKey(u32),
    /// It was altered, or belongs to another org, provider or credential.
    #[error("the credential does not decrypt (tampered with, or not this org's)")]
    Invalid,
}

/// One master key; its bytes are wiped on drop and never printed.
#[derive(Clone)]
struct MasterKey {
    bytes: Zeroizing<[u8; KEY_LEN]>,
}

impl MasterKey {
    fn new(bytes: Zeroizing<[u8; KEY_LEN]>) -> Self {
        Self { bytes }
    }

    fn random() -> Self {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        rand::fill(&mut key[..]);
        Self::new(key)
    }

    fn from_base64(text: &str) -> anyhow::Result<Self> {
        let bytes = Zeroizing::new(B64.decode(text.trim()).context("not base64")?);
        let key: [u8; KEY_LEN] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| anyhow::anyhow!("a master key is {KEY_LEN} bytes, got {}", bytes.len()))?;
        Ok(Self::new(Zeroizing::new(key)))
    }

    fn cipher(&self) -> Aes256Siv {
        Aes256Siv::new_from_slice(&self.bytes[..]).expect("a 64-byte key fits AES-256-SIV")
    }
}

/// The master keys, by version; one is active (used to seal).
#[derive(Clone)]
pub struct Keyring {
    keys: BTreeMap<u32, MasterKey>,
    active: u32,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("versions", &self.keys.keys().collect::<Vec<_>>())
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

/// The keyring file's shape.
#[derive(Serialize, Deserialize)]
struct KeyringFile {
    active: u32,
    keys: BTreeMap<u32, String>,
}

impl Keyring {
    /// A keyring with one new random key, version 1.
    pub fn generate() -> Self {
        Self {
            keys: BTreeMap::from([(1, MasterKey::random())]),
            active: 1,
        }
    }

    /// Parses `ORCHARD_MASTER_KEY`: `<version>:<base64>` entries, comma-separated; the highest
    /// version is active.
    pub fn from_env_value(value: &str) -> anyhow::Result<Self> {
        let mut keys = BTreeMap::new();
        for entry in value.split(',').filter(|e| !e.trim().is_empty()) {
            let (version, key) = entry
                .split_once(':')
                .context("ORCHARD_MASTER_KEY entries are <version>:<base64 key>")?;
            let version: u32 = version
                .trim()
                .parse()
                .context("ORCHARD_MASTER_KEY: a key version is a number")?;
            let key = MasterKey::from_base64(key)
                .with_context(|| format!("ORCHARD_MASTER_KEY: key version {version}"))?;
            keys.insert(version, key);
        }
        let Some(active) = keys.keys().next_back().copied() else {
            bail!("ORCHARD_MASTER_KEY holds no key");
        };
        Ok(Self { keys, active })
    }

    /// Reads the keyring at `path`, or creates it (mode 0600) with one new key.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        if path.exists() {
            return Self::load(path);
        }
        let keyring = Self::generate();
        crate::auth::tokens::write_private_file(path, &keyring.to_file_bytes()?)?;
        Ok(keyring)
    }

    /// Reads the keyring at `path`.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = Zeroizing::new(
            std::fs::read_to_string(path)
                .with_context(|| format!("reading keyring {}", path.display()))?,
        );
        let file: KeyringFile = serde_json::from_str(&text)
            .with_context(|| format!("parsing keyring {}", path.display()))?;
        let mut keys = BTreeMap::new();
        for (version, key) in &file.keys {
            let key = MasterKey::from_base64(key)
                .with_context(|| format!("keyring {}: key version {version}", path.display()))?;
            keys.insert(*version, key);
        }
        if !keys.contains_key(&file.active) {
            bail!(
                "keyring {}: the active key version {} is missing",
                path.display(),
                file.active
            );
        }
        Ok(Self {
            keys,
            active: file.active,
        })
    }

    /// Writes the keyring to `path` (mode 0600), replacing the file atomically.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let tmp = path.with_extension("tmp");
        let _ = std::fs::remove_file(&tmp);
        crate::auth::tokens::write_private_file(&tmp, &self.to_file_bytes()?)?;
        std::fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))
    }

    fn to_file_bytes(&self) -> anyhow::Result<Zeroizing<Vec<u8>>> {
        let file = KeyringFile {
            active: self.active,
            keys: self
                .keys
                .iter()
                .map(|(version, key)| (*version, B64.encode(&key.bytes[..])))
                .collect(),
        };
        Ok(Zeroizing::new(serde_json::to_vec_pretty(&file)?))
    }

    /// The version new credentials are sealed with.
    pub fn active_version(&self) -> u32 {
        self.active
    }

    /// The versions held.
    pub fn versions(&self) -> Vec<u32> {
        self.keys.keys().copied().collect()
    }

    /// Adds a new random key and makes it the active one; returns its version.
    pub fn rotate(&mut self) -> u32 {
        let version = self.keys.keys().next_back().map_or(1, |v| v + 1);
        self.keys.insert(version, MasterKey::random());
        self.active = version;
        version
    }

    /// Removes an old key: credentials still sealed under it no longer open. The active key
    /// cannot be retired.
    pub fn retire(&mut self, version: u32) -> anyhow::Result<()> {
        if version == self.active {
            bail!("key version {version} is the active key; rotate first");
        }
        if self.keys.remove(&version).is_none() {
            bail!("key version {version} is not in the keyring");
        }
        Ok(())
    }

    /// Seals `secret` for `aad` under the active key.
    pub fn seal(&self, aad: &CredentialAad<'_>, secret: &SecretString) -> Sealed {
        let mut nonce = [0u8; NONCE_LEN];
        rand::fill(&mut nonce);
        let key = &self.keys[&self.active];
        let headers = [aad.bytes(self.active, &nonce)];
        let ciphertext = key
            .cipher()
            .encrypt(headers, secret.expose_secret().as_bytes())
            .expect("one header is within AES-SIV's limit");
        Sealed {
            key_version: self.active,
            nonce,
            ciphertext,
        }
    }

    /// Opens a sealed credential of `aad`.
    pub fn open(
        &self,
        aad: &CredentialAad<'_>,
        sealed: &Sealed,
    ) -> Result<SecretString, CryptoError> {
        let key = self
            .keys
            .get(&sealed.key_version)
            .ok_or(CryptoError::UnknownKey(sealed.key_version))?;
        let headers = [aad.bytes(sealed.key_version, &sealed.nonce)];
        let plaintext = Zeroizing::new(
            key.cipher()
                .decrypt(headers, &sealed.ciphertext)
                .map_err(|_| CryptoError::Invalid)?,
        );
        let text = std::str::from_utf8(&plaintext).map_err(|_| CryptoError::Invalid)?;
        Ok(SecretString::from(text.to_owned()))
    }

    /// Opens a credential sealed under an older key and seals it again under the active one.
    pub fn reseal(&self, aad: &CredentialAad<'_>, sealed: &Sealed) -> Result<Sealed, CryptoError> {
        let secret = self.open(aad, sealed)?;
        Ok(self.seal(aad, &secret))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orchard_actors::domain::OrgScope;

    const TOKEN: &str = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB";

    fn aad(org_id: OrgId, credential_id: uuid::Uuid) -> CredentialAad<'static> {
        CredentialAad {
            org_id,
            provider: "github",
            credential_id,
        }
    }

    fn secret() -> SecretString {
        SecretString::from(TOKEN.to_owned())
    }

    #[test]
    fn sealed_credentials_open_only_for_their_own_org_provider_and_id() {
        let keyring = Keyring::generate();
        let (org, id) = (OrgId::new(), uuid::Uuid::now_v7());
        let sealed = keyring.seal(&aad(org, id), &secret());
        assert!(
            !sealed
                .ciphertext
                .windows(4)
                .any(|w| TOKEN.as_bytes().windows(4).any(|t| t == w)),
            "no four plaintext bytes in a row survive"
        );
        assert_eq!(
            keyring
                .open(&aad(org, id), &sealed)
                .unwrap()
                .expose_secret(),
            TOKEN
        );

        // Copied into another org's row, another credential's, another provider's.
        let other_org = aad(OrgId::new(), id);
        assert_eq!(
            keyring.open(&other_org, &sealed).err(),
            Some(CryptoError::Invalid)
        );
        let other_id = aad(org, uuid::Uuid::now_v7());
        assert_eq!(
            keyring.open(&other_id, &sealed).err(),
            Some(CryptoError::Invalid)
        );
        let other_provider = CredentialAad {
            provider: "azure_devops",
            ..aad(org, id)
        };
        assert_eq!(
            keyring.open(&other_provider, &sealed).err(),
            Some(CryptoError::Invalid)
        );

        // Any flipped byte, in the ciphertext or the nonce.
        for i in 0..sealed.ciphertext.len() {
            let mut bad = sealed.clone();
            bad.ciphertext[i] ^= 0x01;
            assert_eq!(
                keyring.open(&aad(org, id), &bad).err(),
                Some(CryptoError::Invalid)
            );
        }
        let mut bad = sealed.clone();
        bad.nonce[0] ^= 0x80;
        assert_eq!(
            keyring.open(&aad(org, id), &bad).err(),
            Some(CryptoError::Invalid)
        );

        // Another keyring (another deployment) cannot open it either.
        assert_eq!(
            Keyring::generate().open(&aad(org, id), &sealed).err(),
            Some(CryptoError::Invalid)
        );
    }

    #[test]
    fn sealing_twice_gives_different_ciphertexts() {
        let keyring = Keyring::generate();
        let a = aad(OrgId::new(), uuid::Uuid::now_v7());
        assert_ne!(keyring.seal(&a, &secret()), keyring.seal(&a, &secret()));
    }

    #[test]
    fn rotation_keeps_old_credentials_until_resealed_and_the_old_key_is_retired() {
        let mut keyring = Keyring::generate();
        let a = aad(OrgId::new(), uuid::Uuid::now_v7());
        let old = keyring.seal(&a, &secret());
        assert_eq!(old.key_version, 1);

        assert_eq!(keyring.rotate(), 2);
        assert_eq!(keyring.open(&a, &old).unwrap().expose_secret(), TOKEN);
        let new = keyring.reseal(&a, &old).unwrap();
        assert_eq!(new.key_version, 2);

        // Relabelling the old ciphertext with the new version does not open it.
        let relabelled = Sealed {
            key_version: 2,
            ..old.clone()
        };
        assert_eq!(
            keyring.open(&a, &relabelled).err(),
            Some(CryptoError::Invalid)
        );

        assert!(keyring.retire(2).is_err(), "the active key stays");
        keyring.retire(1).unwrap();
        assert_eq!(
            keyring.open(&a, &old).err(),
            Some(CryptoError::UnknownKey(1))
        );
        assert_eq!(keyring.open(&a, &new).unwrap().expose_secret(), TOKEN);
    }

    #[test]
    fn the_keyring_file_is_private_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("master.keyring");
        let mut created = Keyring::load_or_create(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let a = aad(OrgId::new(), uuid::Uuid::now_v7());
        let sealed = created.seal(&a, &secret());
        let loaded = Keyring::load_or_create(&path).unwrap();
        assert_eq!(loaded.open(&a, &sealed).unwrap().expose_secret(), TOKEN);

        created.rotate();
        created.save(&path).unwrap();
        let loaded = Keyring::load(&path).unwrap();
        assert_eq!(
            (loaded.active_version(), loaded.versions()),
            (2, vec![1, 2])
        );
        assert_eq!(loaded.open(&a, &sealed).unwrap().expose_secret(), TOKEN);
    }

    #[test]
    fn keys_come_from_the_environment_too() {
        let one = B64.encode([7u8; KEY_LEN]);
        let two = B64.encode([9u8; KEY_LEN]);
        let keyring = Keyring::from_env_value(&format!("1:{one}, 2:{two}")).unwrap();
        assert_eq!(
            (keyring.active_version(), keyring.versions()),
            (2, vec![1, 2])
        );
        for bad in ["", "1", "x:abc", &format!("1:{}", B64.encode([1u8; 32]))] {
            assert!(Keyring::from_env_value(bad).is_err(), "{bad:?}");
        }
    }

    /// At the actor level: an org's credential actor hands out that org's secret only — it has
    /// no way to ask for another org's — and a row copied from another org does not open.
    #[tokio::test]
    async fn a_credential_actor_serves_its_own_org_only() {
        use orchard_actors::credentials::{
            CredentialActor, CredentialArgs, CredentialError, CredentialMsg,
        };
        use orchard_actors::domain::{Credential, CredentialId, CredentialProvider, TaskId};
        use orchard_actors::observe::ask as ask_actor;
        use orchard_actors::ports::Store;
        use orchard_actors::ractor::Actor;
        use orchard_actors::testing::MemoryStore;

        let keyring = std::sync::Arc::new(Keyring::generate());
        let store = std::sync::Arc::new(MemoryStore::new());
        let mut orgs = Vec::new();
        for name in ["a", "b"] {
            let (org, _) = store
                .create_org_with_owner(name, &format!("{name}@example.test"), "hash")
                .await
                .unwrap();
            orgs.push(org.id);
        }
        let (a, b) = (orgs[0], orgs[1]);
        let store_for = |org_id: OrgId, provider: CredentialProvider, secret: &str| {
            let id = CredentialId::new();
            let aad = CredentialAad {
                org_id,
                provider: provider.as_str(),
                credential_id: id.as_uuid(),
            };
            Credential {
                id,
                org_id,
                provider,
                username: Some("x-access-token".into()),
                scopes_note: None,
                fingerprint: None,
                sealed: keyring
                    .seal(&aad, &SecretString::from(secret.to_owned()))
                    .into(),
                created_at: time::OffsetDateTime::now_utc(),
                rotated_at: None,
                base_url: None,
            }
        };
        let a_github = store_for(a, CredentialProvider::Github, TOKEN);
        store
            .put_credential(&OrgScope::trusted(a), a_github.clone())
            .await
            .unwrap();
        let spawn = |org_id| {
            let args = CredentialArgs {
                org_id,
                store: store.clone(),
                vault: keyring.clone(),
                lineage: Default::default(),
            };
            Actor::spawn(None, CredentialActor, args)
        };
        let (of_a, _) = spawn(a).await.unwrap();
        let (of_b, _) = spawn(b).await.unwrap();
        let ask = |actor: &orchard_actors::ractor::ActorRef<CredentialMsg>, provider| {
            let actor = actor.clone();
            async move {
                ask_actor(
                    &actor,
                    |reply| CredentialMsg::Secret {
                        provider,
                        task_id: TaskId::new(),
                        reply,
                    },
                    2000,
                )
                .await
                .unwrap()
            }
        };

        let got = ask(&of_a, CredentialProvider::Github)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(got.secret.expose_secret(), TOKEN);
        assert_eq!(got.username.as_deref(), Some("x-access-token"));
        assert!(!format!("{got:?}").contains(TOKEN), "{got:?}");
        assert!(
            ask(&of_b, CredentialProvider::Github)
                .await
                .unwrap()
                .is_none(),
            "B's actor finds no github credential: A's is out of its reach"
        );

        // A's sealed row copied into B's org does not open for B.
        let stolen = Credential {
            org_id: b,
            ..a_github
        };
        store
            .put_credential(&OrgScope::trusted(b), stolen)
            .await
            .unwrap();
        let answer = ask(&of_b, CredentialProvider::Github).await;
        assert_eq!(answer.err(), Some(CredentialError::Unreadable("github")));
    }

    #[test]
    fn debug_output_names_versions_not_keys() {
        let keyring =
            Keyring::from_env_value(&format!("3:{}", B64.encode([0xAB; KEY_LEN]))).unwrap();
        let debug = format!("{keyring:?}");
        assert!(debug.contains("active: 3"), "{debug}");
        assert!(!debug.contains("q6ur") && !debug.contains("171"), "{debug}");
    }
}
