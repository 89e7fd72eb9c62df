//! The embedded [`LockService`]: repository locks in this process's memory.
//!
//! For a single node (the embedded default), where every run that could take a lock lives in
//! this process. Expiry uses the tokio clock, so paused-clock tests see locks expire.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use crate::domain::{OrgId, RepoId, TaskId};
use crate::ports::{LockError, LockService, RepoLock};

#[derive(Debug, Default)]
struct Slot {
    /// Last token handed out for this repository (kept after release: tokens only grow).
    fence: u64,
    held: Option<(RepoLock, Instant)>,
}

impl Slot {
    /// The live holder, if any (an expired lock counts as free).
    fn live(&self, now: Instant) -> Option<&RepoLock> {
        self.held
            .as_ref()
            .filter(|(_, expires)| *expires > now)
            .map(|(lock, _)| lock)
    }
}

/// In-process repository locks.
#[derive(Debug, Default)]
pub struct InProcessLocks {
    slots: Mutex<HashMap<(OrgId, RepoId), Slot>>,
}

impl InProcessLocks {
    /// No lock held.
    pub fn new() -> Self {
        Self::default()
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, HashMap<(OrgId, RepoId), Slot>> {
        // A panic while holding the mutex cannot leave a slot half-written: every update is
        // a single assignment. Keep serving.
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl LockService for InProcessLocks {
    async fn try_acquire(
        &self,
        org_id: OrgId,
        repo_id: RepoId,
        holder: TaskId,
        ttl: Duration,
    ) -> Result<Option<RepoLock>, LockError> {
        let now = Instant::now();
        let mut slots = self.slots();
        let slot = slots.entry((org_id, repo_id)).or_default();
        if slot.live(now).is_some() {
            return Ok(None);
        }
        slot.fence += 1;
        let lock = RepoLock {
            org_id,
            repo_id,
            holder,
            token: slot.fence,
        };
        slot.held = Some((lock.clone(), now + ttl));
        Ok(Some(lock))
    }

    async fn renew(&self, lock: &RepoLock, ttl: Duration) -> Result<(), LockError> {
        let now = Instant::now();
        let mut slots = self.slots();
        match slots.get_mut(&(lock.org_id, lock.repo_id)) {
            Some(slot) if slot.live(now).is_some_and(|held| held.token == lock.token) => {
                slot.held = Some((lock.clone(), now + ttl));
                Ok(())
            }
            _ => Err(LockError::Lost),
        }
    }

    async fn release(&self, lock: &RepoLock) -> Result<(), LockError> {
        let now = Instant::now();
        let mut slots = self.slots();
        match slots.get_mut(&(lock.org_id, lock.repo_id)) {
            Some(slot) if slot.live(now).is_some_and(|held| held.token == lock.token) => {
                slot.held = None;
                Ok(())
            }
            _ => Err(LockError::Lost),
        }
    }

    async fn holder(&self, org_id: OrgId, repo_id: RepoId) -> Result<Option<RepoLock>, LockError> {
        let now = Instant::now();
        Ok(self
            .slots()
            .get(&(org_id, repo_id))
            .and_then(|slot| slot.live(now).cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn conforms_to_the_lock_port() {
        crate::conformance::all_lock_checks(async || InProcessLocks::new()).await;
    }
}
