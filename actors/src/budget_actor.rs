//! `BudgetActor`: one per org supervisor; every LLM call of the org's runs asks it first.
//!
//! It turns "may this call be made?" into one atomic reservation in the [`BudgetLedger`] —
//! against the org's monthly budget (its plan's, or its own contract's) and the task's
//! `max_tokens` — and settles the call's actual tokens afterwards. It holds no counters of its
//! own: the ledger is the truth, shared by every node, so neither many runs of this org nor
//! runs of the same org on other nodes can pass a check together that only one should pass.

use std::sync::Arc;

use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};

use crate::budget::{BudgetLedger, LedgerError, Period, Reservation, ReserveRequest, Settled};
use crate::domain::{OrgId, OrgScope, TaskId};
use crate::observe::{ActorKind, Lineage, Probe};
use crate::ports::{ChatMessage, ChatRequest, Store};
use crate::runtime::Deps;

/// The actor.
#[derive(Debug)]
pub struct BudgetActor;

/// Start-up arguments.
#[derive(Debug)]
pub struct BudgetArgs {
    /// Its org.
    pub org_id: OrgId,
    /// Ports and settings.
    pub deps: Arc<Deps>,
    /// Earlier budget actors of the org.
    pub lineage: Lineage,
}

/// Messages of [`BudgetActor`].
#[derive(Debug)]
pub enum BudgetMsg {
    /// Hold `amount` tokens for one call of `task_id`.
    Reserve {
        /// The task.
        task_id: TaskId,
        /// The task's `max_tokens`.
        task_budget: Option<u64>,
        /// Tokens to hold.
        amount: u64,
        /// The reservation, or why not.
        reply: RpcReplyPort<Result<Reservation, LedgerError>>,
    },
    /// The call was made: record its actual tokens.
    Settle {
        /// The call's reservation.
        reservation: Reservation,
        /// Prompt plus completion tokens billed.
        actual: u64,
        /// How it went.
        reply: RpcReplyPort<Result<Settled, LedgerError>>,
    },
    /// The call was not made: free the hold.
    Release(Reservation),
}

/// State: the org and the ports.
pub struct BudgetState {
    probe: Probe,
    scope: OrgScope,
    deps: Arc<Deps>,
}

impl std::fmt::Debug for BudgetState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BudgetState")
            .field("org_id", &self.scope.org_id())
            .finish_non_exhaustive()
    }
}

impl Actor for BudgetActor {
    type Msg = BudgetMsg;
    type State = BudgetState;
    type Arguments = BudgetArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        args: BudgetArgs,
    ) -> Result<BudgetState, ActorProcessingErr> {
        let probe = Probe::attach(
            &myself.get_cell(),
            ActorKind::Budget,
            format!("budget/{}", args.org_id),
            Some(args.org_id),
            args.lineage,
        );
        Ok(BudgetState {
            probe,
            scope: OrgScope::trusted(args.org_id),
            deps: args.deps,
        })
    }

    async fn handle(
        &self,
        _myself: ActorRef<Self::Msg>,
        message: BudgetMsg,
        state: &mut BudgetState,
    ) -> Result<(), ActorProcessingErr> {
        state.probe.handled();
        let ledger = &state.deps.ledger;
        match message {
            BudgetMsg::Reserve {
                task_id,
                task_budget,
                amount,
                reply,
            } => {
                let result = state.reserve(task_id, task_budget, amount).await;
                if let Err(LedgerError::OverBudget { scope, used, limit }) = &result {
                    tracing::info!(org_id = %state.scope.org_id(), %task_id, ?scope, used, limit, amount, "LLM call refused: over budget");
                    metrics::counter!("orchard_budget_refusals_total").increment(1);
                }
                let _ = reply.send(result);
            }
            BudgetMsg::Settle {
                reservation,
                actual,
                reply,
            } => {
                let _ = reply.send(ledger.settle(&reservation, actual).await);
            }
            BudgetMsg::Release(reservation) => {
                if let Err(err) = ledger.release(&reservation).await {
                    // The hold expires on its own after its TTL.
                    tracing::warn!(task_id = %reservation.task_id, error = %err, "could not release a budget hold");
                }
            }
        }
        Ok(())
    }
}

impl BudgetState {
    async fn reserve(
        &self,
        task_id: TaskId,
        task_budget: Option<u64>,
        amount: u64,
    ) -> Result<Reservation, LedgerError> {
        // Read per call, not cached: a plan change applies to the next call on every node.
        let org = self
            .deps
            .store
            .org(&self.scope)
            .await
            .map_err(|e| LedgerError::Backend(e.to_string()))?;
        let limits = self.deps.settings.limits_for(&org.plan, org.custom_limits);
        let request = ReserveRequest {
            org_id: self.scope.org_id(),
            task_id,
            period: Period::of(self.deps.clock.now()),
            amount,
            org_budget: limits.monthly_tokens,
            task_budget,
            // A crashed run's hold frees itself when its lease would have expired.
            ttl: self.deps.settings.lease_ttl,
        };
        self.deps.ledger.reserve(&request).await
    }
}

/// Tokens a request's prompt may take, estimated high: a token is rarely under 3 bytes of
/// English or code, and every message and tool carries a few tokens of framing. The estimate
/// only sizes the reservation; what is charged is what the model reports.
pub fn estimate_prompt_tokens(request: &ChatRequest) -> u64 {
    const FRAMING: u64 = 8;
    let bytes: usize = request
        .messages
        .iter()
        .map(|m| match m {
            ChatMessage::System { content } | ChatMessage::User { content } => content.len(),
            ChatMessage::Assistant {
                content,
                tool_calls,
            } => {
                content.as_deref().map_or(0, str::len)
                    + tool_calls
                        .iter()
                        .map(|c| c.id.len() + c.name.len() + c.arguments.len())
                        .sum::<usize>()
            }
            ChatMessage::Tool {
                tool_call_id,
                content,
            } => tool_call_id.len() + content.len(),
        })
        .sum::<usize>()
        + request
            .tools
            .iter()
            .map(|t| t.name.len() + t.description.len() + t.parameters.to_string().len())
            .sum::<usize>();
    (bytes as u64).div_ceil(3) + FRAMING * (request.messages.len() + request.tools.len()) as u64
}

/// Gives a task's quota slot back if it ended (failed or cancelled) without one LLM call.
/// Safe to repeat: the store marks the slot given back once, the ledger removes it once.
pub async fn give_back_unused_slot(
    store: &dyn Store,
    ledger: &dyn BudgetLedger,
    scope: &OrgScope,
    task_id: TaskId,
) {
    match store.release_unused_quota(scope, task_id).await {
        Ok(Some(period)) => match ledger
            .return_task_slot(scope.org_id(), period, task_id)
            .await
        {
            Ok(_) => tracing::debug!(%task_id, %period, "quota slot given back"),
            Err(err) => {
                tracing::error!(%task_id, error = %err, "could not give a quota slot back")
            }
        },
        Ok(None) => {}
        Err(err) => tracing::error!(%task_id, error = %err, "could not check the quota slot"),
    }
}
