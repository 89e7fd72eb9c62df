//! Revoked tokens: `POST /v1/auth/logout` revokes the presented token's `jti` until the token
//! expires, and every authenticated request checks it.
//!
//! The [`Revocations`] port keeps them in the shared backend, so a logout holds on every node:
//! the embedded database ([`sqlite`]) on a single node, Redis ([`redis`]) when the queue is
//! Redis (the same choice as the queue and the budget ledger). An expired revocation is
//! purged (SQLite: on every revoke; Redis: the key's own expiry).
//!
//! [`RevocationCheck`] puts a small in-process cache in front of the port, so a request costs
//! a key lookup in memory most of the time: a revocation once seen (or made on this node) is
//! remembered until its token expires; "not revoked" is remembered for `cache_ttl`. So a
//! logout on another node takes effect here within `cache_ttl` (default 5 s,
//! `auth.revocation_cache_secs`; 0 asks the backend every time).

pub mod redis;
pub mod sqlite;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use time::OffsetDateTime;

/// The revocation backend failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RevocationError {
    /// Unreachable or failed; the message says why.
    #[error("revocation backend: {0}")]
    Backend(String),
}

/// Where revoked token ids are kept, shared by every node of a deployment.
#[async_trait]
pub trait Revocations: Send + Sync + 'static {
    /// Revokes the token `jti` until `expires_at` (after which it is refused anyway); purges
    /// revocations that expired. Revoking twice is no error.
    async fn revoke(&self, jti: &str, expires_at: OffsetDateTime) -> Result<(), RevocationError>;

    /// Whether `jti` is revoked (and not yet expired).
    async fn is_revoked(&self, jti: &str) -> Result<bool, RevocationError>;
}

/// Most "not revoked" answers the cache keeps before it forgets the stale ones.
const MAX_CACHED: usize = 100_000;

#[derive(Debug, Default)]
struct Cache {
    /// Revoked: until the token expires.
    revoked: HashMap<String, OffsetDateTime>,
    /// Not revoked, as of then.
    checked: HashMap<String, Instant>,
}

/// The port with an in-process cache in front (see the module's documentation).
pub struct RevocationCheck {
    backend: Arc<dyn Revocations>,
    cache_ttl: Duration,
    cache: Mutex<Cache>,
}

impl std::fmt::Debug for RevocationCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevocationCheck")
            .field("cache_ttl", &self.cache_ttl)
            .finish_non_exhaustive()
    }
}

impl RevocationCheck {
    /// `backend`, with "not revoked" cached for `cache_ttl`.
    pub fn new(backend: Arc<dyn Revocations>, cache_ttl: Duration) -> Self {
        Self {
            backend,
            cache_ttl,
            cache: Mutex::new(Cache::default()),
        }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Revokes `jti` in the backend and remembers it here.
    pub async fn revoke(
        &self,
        jti: &str,
        expires_at: OffsetDateTime,
    ) -> Result<(), RevocationError> {
        self.backend.revoke(jti, expires_at).await?;
        let mut cache = self.cache();
        cache.checked.remove(jti);
        cache.revoked.insert(jti.to_owned(), expires_at);
        Ok(())
    }

    /// Whether `jti` is revoked: from the cache when it knows, else from the backend.
    pub async fn is_revoked(&self, jti: &str) -> Result<bool, RevocationError> {
        {
            let cache = self.cache();
            if cache.revoked.contains_key(jti) {
                return Ok(true);
            }
            if cache
                .checked
                .get(jti)
                .is_some_and(|at| at.elapsed() < self.cache_ttl)
            {
                return Ok(false);
            }
        }
        let revoked = self.backend.is_revoked(jti).await?;
        let mut cache = self.cache();
        if revoked {
            // Its expiry is not known here; an hour is past any cache window, and the backend
            // answers again after that.
            let until = OffsetDateTime::now_utc() + Duration::from_secs(3600);
            cache.revoked.insert(jti.to_owned(), until);
        } else if !self.cache_ttl.is_zero() {
            cache.checked.insert(jti.to_owned(), Instant::now());
        }
        if cache.checked.len() + cache.revoked.len() > MAX_CACHED {
            let ttl = self.cache_ttl;
            let now = OffsetDateTime::now_utc();
            cache.checked.retain(|_, at| at.elapsed() < ttl);
            cache.revoked.retain(|_, until| *until > now);
            if cache.checked.len() > MAX_CACHED / 2 {
                cache.checked.clear();
            }
        }
        Ok(revoked)
    }
}

/// The tests every [`Revocations`] adapter passes.
#[cfg(test)]
pub(crate) mod conformance {
    use super::*;

    /// Runs the suite against `store`.
    pub(crate) async fn run(store: &dyn Revocations) {
        let jti = uuid::Uuid::new_v4().to_string();
        let later = OffsetDateTime::now_utc() + Duration::from_secs(3600);
        assert!(!store.is_revoked(&jti).await.unwrap());
        store.revoke(&jti, later).await.unwrap();
        assert!(store.is_revoked(&jti).await.unwrap());
        store.revoke(&jti, later).await.unwrap();
        assert!(store.is_revoked(&jti).await.unwrap(), "revoking twice");
        let other = uuid::Uuid::new_v4().to_string();
        assert!(!store.is_revoked(&other).await.unwrap());

        // A revocation that expires is forgotten (the token is refused as expired anyway).
        let soon = uuid::Uuid::new_v4().to_string();
        store
            .revoke(&soon, OffsetDateTime::now_utc() + Duration::from_secs(1))
            .await
            .unwrap();
        assert!(store.is_revoked(&soon).await.unwrap());
        tokio::time::sleep(Duration::from_millis(2600)).await;
        assert!(!store.is_revoked(&soon).await.unwrap(), "expired");
        // Already expired: nothing to keep.
        let past = uuid::Uuid::new_v4().to_string();
        store
            .revoke(&past, OffsetDateTime::now_utc() - Duration::from_secs(5))
            .await
            .unwrap();
        assert!(!store.is_revoked(&past).await.unwrap());
        assert!(store.is_revoked(&jti).await.unwrap(), "the others stay");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// Counts backend lookups; revocations live in a map.
    #[derive(Default)]
    struct Counting {
        revoked: Mutex<HashMap<String, OffsetDateTime>>,
        lookups: AtomicUsize,
    }

    #[async_trait]
    impl Revocations for Counting {
        async fn revoke(
            &self,
            jti: &str,
            expires_at: OffsetDateTime,
        ) -> Result<(), RevocationError> {
            self.revoked
                .lock()
                .unwrap()
                .insert(jti.to_owned(), expires_at);
            Ok(())
        }

        async fn is_revoked(&self, jti: &str) -> Result<bool, RevocationError> {
            self.lookups.fetch_add(1, Ordering::SeqCst);
            Ok(self.revoked.lock().unwrap().contains_key(jti))
        }
    }

    #[tokio::test]
    async fn the_cache_spares_the_backend_and_forgets_not_revoked_after_its_ttl() {
        let backend = Arc::new(Counting::default());
        let here = RevocationCheck::new(backend.clone(), Duration::from_millis(300));
        let elsewhere = RevocationCheck::new(backend.clone(), Duration::from_millis(300));
        let later = OffsetDateTime::now_utc() + Duration::from_secs(60);

        assert!(!here.is_revoked("a").await.unwrap());
        assert!(!here.is_revoked("a").await.unwrap());
        assert_eq!(
            backend.lookups.load(Ordering::SeqCst),
            1,
            "second answer cached"
        );

        // Revoked on another node: seen here once the cached answer is stale.
        elsewhere.revoke("a", later).await.unwrap();
        assert!(
            elsewhere.is_revoked("a").await.unwrap(),
            "at once where it was revoked"
        );
        assert!(!here.is_revoked("a").await.unwrap(), "within the window");
        tokio::time::sleep(Duration::from_millis(350)).await;
        assert!(here.is_revoked("a").await.unwrap());
        let lookups = backend.lookups.load(Ordering::SeqCst);
        assert!(here.is_revoked("a").await.unwrap());
        assert_eq!(
            backend.lookups.load(Ordering::SeqCst),
            lookups,
            "revoked is remembered"
        );

        let uncached = RevocationCheck::new(backend.clone(), Duration::ZERO);
        assert!(!uncached.is_revoked("b").await.unwrap());
        assert!(!uncached.is_revoked("b").await.unwrap());
        assert_eq!(backend.lookups.load(Ordering::SeqCst), lookups + 2);
    }
}
