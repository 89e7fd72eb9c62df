//! `orchard keys rotate | retire`: master-key rotation for the credentials' keyring file.
//!
//! Rotation adds a key, makes it the one new credentials are sealed with, saves the keyring
//! (before touching any credential, so the new key cannot be lost), then re-seals every
//! credential still under an older key. Retiring removes an old key once no credential uses
//! it. Run both with the servers stopped: a running server keeps the keyring it started with
//! and cannot open credentials sealed under a key it does not have.

use std::path::Path;

use orchard_actors::domain::OrgScope;
use orchard_actors::ports::Store;

use crate::crypto::{CredentialAad, Keyring, Sealed};

/// What a rotation did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RotationReport {
    /// The new active key version.
    pub active: u32,
    /// Credentials re-sealed under it.
    pub resealed: usize,
    /// Credentials that were under it already.
    pub current: usize,
    /// Credentials that could not be opened (their key is gone, or they were altered); left
    /// as they were.
    pub unreadable: usize,
    /// Credentials replaced or deleted while the rotation ran (they were sealed anew anyway).
    pub changed_meanwhile: usize,
}

/// Adds a key to the keyring at `path`, then re-seals every credential under it.
pub async fn rotate(store: &dyn Store, path: &Path) -> anyhow::Result<RotationReport> {
    let mut keyring = Keyring::load(path)?;
    let active = keyring.rotate();
    keyring.save(path)?;
    let mut report = RotationReport {
        active,
        ..RotationReport::default()
    };
    for credential in store.all_credentials().await? {
        if credential.sealed.key_version == active {
            report.current += 1;
            continue;
        }
        let resealed = Sealed::try_from(&credential.sealed)
            .and_then(|sealed| keyring.reseal(&CredentialAad::of(&credential), &sealed));
        let Ok(resealed) = resealed else {
            tracing::warn!(org_id = %credential.org_id, provider = credential.provider.as_str(), "credential does not open; left as it is");
            report.unreadable += 1;
            continue;
        };
        let scope = OrgScope::trusted(credential.org_id);
        if store
            .reseal_credential(&scope, credential.id, resealed.into())
            .await?
        {
            report.resealed += 1;
        } else {
            report.changed_meanwhile += 1;
        }
    }
    Ok(report)
}

/// Removes key `version` from the keyring at `path`, unless a credential still uses it.
pub async fn retire(store: &dyn Store, path: &Path, version: u32) -> anyhow::Result<()> {
    let mut keyring = Keyring::load(path)?;
    let users = store
        .all_credentials()
        .await?
        .iter()
        .filter(|c| c.sealed.key_version == version)
        .count();
    if users > 0 {
        anyhow::bail!(
            "{users} credential(s) are still sealed under key version {version}; run `orchard keys rotate` first"
        );
    }
    keyring.retire(version)?;
    keyring.save(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;
    use crate::store::sqlite::SqliteStore;
    use orchard_actors::domain::{Credential, CredentialId, CredentialProvider};
    use secrecy::{ExposeSecret, SecretString};

    #[tokio::test]
    async fn rotation_reseals_every_credential_and_the_old_key_can_then_go() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::new(Db::open(&dir.path().join("orchard.db")).unwrap());
        let path = dir.path().join("master.keyring");
        let keyring = Keyring::load_or_create(&path).unwrap();
        let mut orgs = Vec::new();
        for i in 0..3 {
            let (org, _) = store
                .create_org_with_owner("org", &format!("o{i}@example.test"), "hash")
                .await
                .unwrap();
            let id = CredentialId::new();
            let credential = Credential {
                id,
                org_id: org.id,
                provider: CredentialProvider::Github,
                username: None,
                scopes_note: None,
                fingerprint: None,
                sealed: seal(&keyring, org.id, id, &format!("secret-{i}")),
                created_at: time::OffsetDateTime::now_utc(),
                rotated_at: None,
                base_url: None,
            };
            store
                .put_credential(&OrgScope::trusted(org.id), credential)
                .await
                .unwrap();
            orgs.push(org.id);
        }

        assert!(
            retire(&store, &path, 1).await.is_err(),
            "the active key, still in use, stays"
        );
        let report = rotate(&store, &path).await.unwrap();
        assert_eq!(
            report,
            RotationReport {
                active: 2,
                resealed: 3,
                ..RotationReport::default()
            }
        );
        retire(&store, &path, 1).await.unwrap();

        let keyring = Keyring::load(&path).unwrap();
        assert_eq!(keyring.versions(), vec![2]);
        for (i, org) in orgs.iter().enumerate() {
            let scope = OrgScope::trusted(*org);
            let stored = store
                .credential(&scope, CredentialProvider::Github)
                .await
                .unwrap();
            assert_eq!(stored.sealed.key_version, 2);
            let sealed = Sealed::try_from(&stored.sealed).unwrap();
            let opened = keyring.open(&CredentialAad::of(&stored), &sealed).unwrap();
            assert_eq!(opened.expose_secret(), format!("secret-{i}"));
        }
        let again = rotate(&store, &path).await.unwrap();
        assert_eq!((again.active, again.resealed), (3, 3));
    }

    /// Seals a test secret the way the API does.
    fn seal(
        keyring: &Keyring,
        org_id: orchard_actors::domain::OrgId,
        id: CredentialId,
        secret: &str,
    ) -> orchard_actors::domain::SealedSecret {
        let aad = CredentialAad {
            org_id,
            provider: "github",
            credential_id: id.as_uuid(),
        };
        keyring
            .seal(&aad, &SecretString::from(secret.to_owned()))
            .into()
    }
}
