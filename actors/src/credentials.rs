//! `CredentialActor`: hands an org's decrypted secrets to that org's runs, and to nobody else.
//!
//! One per org supervisor. It reaches the store only through its own org's scope, so whatever
//! it is asked, it can only ever answer with its own org's credential; it opens the sealed
//! secret through the [`CredentialVault`] port at the moment a run asks, and never keeps,
//! logs or returns it in an error. The run holds the secret for one git operation and drops
//! it (`SecretString` wipes its memory on drop and prints as `[REDACTED]`).

use std::sync::Arc;

use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use secrecy::SecretString;

use crate::domain::{CredentialProvider, OrgId, OrgScope, TaskId};
use crate::observe::{ActorKind, Lineage, Probe};
use crate::ports::{CredentialVault, Store, StoreError};

/// The actor.
#[derive(Debug)]
pub struct CredentialActor;

/// A decrypted secret and the user name to present it with.
#[derive(Debug)]
pub struct GitSecret {
    /// User name, if the org stored one.
    pub username: Option<String>,
    /// The secret; its `Debug` is redacted.
    pub secret: SecretString,
    /// The org's own site for the service, if it stored one.
    pub base_url: Option<String>,
}

/// Why no secret could be handed over.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// The stored credential does not decrypt.
    #[error("the stored {0} credential cannot be decrypted; store it again")]
    Unreadable(&'static str),
    /// The store failed.
    #[error("credential store error: {0}")]
    Store(String),
}

/// Messages of [`CredentialActor`].
#[derive(Debug)]
pub enum CredentialMsg {
    /// The org's secret for `provider`, for the run of `task_id`; `None` if none is stored.
    Secret {
        /// Which service.
        provider: CredentialProvider,
        /// The run asking (for the audit log line).
        task_id: TaskId,
        /// Where the secret goes.
        reply: RpcReplyPort<Result<Option<GitSecret>, CredentialError>>,
    },
}

/// Start-up arguments.
pub struct CredentialArgs {
    /// The org whose credentials it serves.
    pub org_id: OrgId,
    /// Where the sealed credentials are.
    pub store: Arc<dyn Store>,
    /// What opens them.
    pub vault: Arc<dyn CredentialVault>,
    /// Earlier credential actors of the org.
    pub lineage: Lineage,
}

/// The actor's state.
pub struct CredentialState {
    probe: Probe,
    scope: OrgScope,
    store: Arc<dyn Store>,
    vault: Arc<dyn CredentialVault>,
}

impl std::fmt::Debug for CredentialArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialArgs")
            .field("org_id", &self.org_id)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for CredentialState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialState")
            .field("org_id", &self.scope.org_id())
            .finish_non_exhaustive()
    }
}

impl Actor for CredentialActor {
    type Msg = CredentialMsg;
    type State = CredentialState;
    type Arguments = CredentialArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        args: CredentialArgs,
    ) -> Result<CredentialState, ActorProcessingErr> {
        let probe = Probe::attach(
            &myself.get_cell(),
            ActorKind::Credentials,
            format!("credentials/{}", args.org_id),
            Some(args.org_id),
            args.lineage,
        );
        Ok(CredentialState {
            probe,
            scope: OrgScope::trusted(args.org_id),
            store: args.store,
            vault: args.vault,
        })
    }

    async fn handle(
        &self,
        _myself: ActorRef<Self::Msg>,
        message: CredentialMsg,
        state: &mut CredentialState,
    ) -> Result<(), ActorProcessingErr> {
        state.probe.handled();
        let CredentialMsg::Secret {
            provider,
            task_id,
            reply,
        } = message;
        let answer = state.secret(provider).await;
        match &answer {
            Ok(Some(_)) => {
                tracing::debug!(%task_id, provider = provider.as_str(), "credential handed to run");
                metrics::counter!("orchard_credentials_opened_total").increment(1);
            }
            Ok(None) => {}
            Err(err) => {
                tracing::warn!(%task_id, provider = provider.as_str(), error = %err, "credential not handed over")
            }
        }
        // The run may have been killed meanwhile; the secret is then dropped (and wiped) here.
        let _ = reply.send(answer);
        Ok(())
    }
}

impl CredentialState {
    async fn secret(
        &self,
        provider: CredentialProvider,
    ) -> Result<Option<GitSecret>, CredentialError> {
        let credential = match self.store.credential(&self.scope, provider).await {
            Ok(credential) => credential,
            Err(StoreError::NotFound) => return Ok(None),
            Err(err) => return Err(CredentialError::Store(err.to_string())),
        };
        let secret = self
            .vault
            .open(&credential)
            .map_err(|_| CredentialError::Unreadable(provider.as_str()))?;
        Ok(Some(GitSecret {
            username: credential.username,
            secret,
            base_url: credential.base_url,
        }))
    }
}
