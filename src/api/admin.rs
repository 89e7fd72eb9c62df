//! Operator endpoints (`/v1/admin`): they act on any organization, and only with an operator
//! token (`orchard admin token`); a tenant's token gets 403.

use orchard_actors::budget::Limits;
use orchard_actors::domain::{OrgId, OrgScope};
use orchard_actors::observe::{ActorKind, ActorNode};
use orchard_actors::ports::PlanChange;
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::Example;
use poem_openapi::{Object, OpenApi, Tags};
use time::OffsetDateTime;
use uuid::Uuid;

use super::auth::OrgView;
use super::error::{ApiError, store_error};
use super::security::OperatorAuth;
use super::validate::Text;
use super::{AppState, examples};

#[derive(Tags)]
enum AdminTags {
    /// Platform operator only.
    Admin,
}

/// Operator endpoints.
pub(crate) struct AdminApi;

/// A new plan for an organization.
#[derive(Object)]
#[oai(example)]
struct PlanChangeBody {
    /// A plan of the configuration (`free`, `pro`, `enterprise`, ...).
    plan: Text,
    /// The org's own monthly task quota (an enterprise contract); absent: the plan's.
    #[oai(nullable)]
    tasks_per_month: Option<u64>,
    /// The org's own monthly token budget; absent: the plan's.
    #[oai(nullable)]
    monthly_tokens: Option<u64>,
}

/// Which org pays Iyzico under which customer reference code.
#[derive(Object)]
#[oai(example)]
struct IyzicoCustomerBody {
    /// Iyzico's `customerReferenceCode`.
    customer_reference_code: Text,
    /// The plan its subscription buys.
    plan: Text,
}

/// A registration done.
#[derive(Object)]
#[oai(example)]
struct Registered {
    /// Always `applied`.
    status: String,
}

/// How an earlier incarnation of an actor ended.
#[derive(Object)]
#[oai(rename = "ActorFailure")]
struct FailureView {
    /// When it failed.
    at: OffsetDateTime,
    /// What its supervisor heard: the error, the panic message or the stop reason.
    reason: String,
}

/// One actor of this node's live tree.
#[derive(Object)]
#[oai(rename = "ActorNode", skip_serializing_if_is_none)]
struct ActorNodeView {
    /// The ractor id (`<node>.<n>`), unique on this node while the process lives.
    id: String,
    /// The kind and what it is for: `org/<org_id>`, `run/<task_id>`, `repo-lock/<repo_id>`,
    /// ...
    name: String,
    /// `root_supervisor`, `dispatcher`, `watchdog`, `org_supervisor`, `credentials`,
    /// `budget`, `repo_lock` or `agent_run`.
    kind: String,
    /// The organization, for an org's actors.
    org_id: Option<Uuid>,
    /// `starting`, `running`, `draining`, `stopping`, ...
    status: String,
    /// When this incarnation started.
    started_at: OffsetDateTime,
    /// Times its supervisor started it again after a failure (for a run: earlier runs of
    /// the same task that crashed).
    restarts: u32,
    /// The last of those failures.
    last_failure: Option<FailureView>,
    /// Messages it has handled.
    messages_processed: u64,
    /// Messages sent to it and not handled yet.
    queue_depth: u64,
    /// The actors it supervises, by kind then name.
    children: Vec<ActorNodeView>,
}

impl From<ActorNode> for ActorNodeView {
    fn from(node: ActorNode) -> Self {
        Self {
            id: node.id,
            name: node.name,
            kind: node.kind.as_str().to_owned(),
            org_id: node.org_id.map(|org| org.as_uuid()),
            status: node.status.to_owned(),
            started_at: node.started_at,
            restarts: node.restarts,
            last_failure: node.last_failure.map(|failure| FailureView {
                at: failure.at,
                reason: failure.reason,
            }),
            messages_processed: node.messages_processed,
            queue_depth: node.queue_depth,
            children: node.children.into_iter().map(Self::from).collect(),
        }
    }
}

/// The live actor tree of the node that answered.
#[derive(Object)]
#[oai(example)]
struct ActorTree {
    /// The root supervisor with everything under it; with `org`, that org's supervisor
    /// (none while the org has no supervisor on this node).
    actors: Vec<ActorNodeView>,
}

impl Example for PlanChangeBody {
    fn example() -> Self {
        Self {
            plan: "enterprise".into(),
            tasks_per_month: Some(10_000),
            monthly_tokens: Some(500_000_000),
        }
    }
}

impl Example for IyzicoCustomerBody {
    fn example() -> Self {
        Self {
            customer_reference_code: "acme-7f3a".into(),
            plan: "pro".into(),
        }
    }
}

impl Example for Registered {
    fn example() -> Self {
        Self {
            status: "applied".into(),
        }
    }
}

impl Example for ActorTree {
    fn example() -> Self {
        let actor = |id: &str, name: String, kind: &str, children| ActorNodeView {
            id: id.into(),
            name,
            kind: kind.into(),
            org_id: None,
            status: "running".into(),
            started_at: examples::AT,
            restarts: 0,
            last_failure: None,
            messages_processed: 12,
            queue_depth: 0,
            children,
        };
        let mut run = actor(
            "0.9",
            format!("run/{}", examples::TASK_ID),
            "agent_run",
            vec![],
        );
        run.restarts = 1;
        run.last_failure = Some(FailureView {
            at: examples::AT,
            reason: "panicked: the LLM connection was reset".into(),
        });
        let mut org = actor(
            "0.4",
            format!("org/{}", examples::ORG_ID),
            "org_supervisor",
            vec![run],
        );
        org.org_id = Some(examples::ORG_ID);
        let root = actor(
            "0.1",
            "root".into(),
            "root_supervisor",
            vec![
                actor("0.2", "dispatcher".into(), "dispatcher", vec![]),
                actor("0.3", "watchdog".into(), "watchdog", vec![]),
                org,
            ],
        );
        Self { actors: vec![root] }
    }
}

/// The org id in a path.
fn parse_org_id(id: &str) -> Result<OrgId, ApiError> {
    id.trim()
        .parse()
        .map_err(|_| ApiError::invalid(format!("`{id}` is not an organization id")))
}

/// `plan`, if the configuration has it.
fn known_plan<'a>(state: &AppState, plan: &'a str) -> Result<&'a str, ApiError> {
    let plan = plan.trim();
    if state.config.plans.contains_key(plan) {
        return Ok(plan);
    }
    let known: Vec<&str> = state.config.plans.keys().map(String::as_str).collect();
    Err(ApiError::invalid(format!(
        "unknown plan `{plan}`; the configured plans are {}",
        known.join(", ")
    )))
}

#[OpenApi(prefix_path = "/v1/admin", tag = "AdminTags::Admin")]
impl AdminApi {
    /// The live actor tree of this node: every actor with its kind, org, status, start,
    /// restarts, last failure, messages handled and queue depth. Each node of a cluster has
    /// its own tree (an org's supervisor lives on every node that runs its tasks). Read
    /// without stopping any actor.
    #[oai(path = "/actors", method = "get", operation_id = "list_actors")]
    async fn actors(
        &self,
        state: Data<&AppState>,
        _auth: OperatorAuth,
        /// Only this organization's supervisor and its children.
        #[oai(example = "examples::some_org_id")]
        org: Query<Option<String>>,
    ) -> Result<Json<ActorTree>, ApiError> {
        let root = orchard_actors::observe::tree(&state.root.get_cell());
        let actors: Vec<ActorNode> = match org.0.as_deref() {
            None => root.into_iter().collect(),
            Some(raw) => {
                let org_id = parse_org_id(raw)?;
                state
                    .store
                    .org(&OrgScope::trusted(org_id))
                    .await
                    .map_err(|err| store_error("organization", err))?;
                root.into_iter()
                    .flat_map(|root| root.children)
                    .filter(|n| n.kind == ActorKind::OrgSupervisor && n.org_id == Some(org_id))
                    .collect()
            }
        };
        Ok(Json(ActorTree {
            actors: actors.into_iter().map(ActorNodeView::from).collect(),
        }))
    }

    /// Puts an organization on a plan, optionally with its own limits. Quotas and budgets
    /// apply from the next submission and the next LLM call; the concurrency cap from the
    /// org's next run on each node.
    #[oai(path = "/orgs/:id/plan", method = "put", operation_id = "set_org_plan")]
    async fn set_plan(
        &self,
        state: Data<&AppState>,
        rate_limits: Data<&std::sync::Arc<super::ratelimit::RateLimits>>,
        auth: OperatorAuth,
        /// The organization's id.
        #[oai(example = "examples::org_id")]
        id: Path<String>,
        body: Json<PlanChangeBody>,
    ) -> Result<Json<OrgView>, ApiError> {
        let org_id = parse_org_id(&id)?;
        let plan = known_plan(&state, &body.plan)?;
        let change = PlanChange {
            plan: plan.to_owned(),
            custom_limits: Limits {
                tasks_per_month: body.tasks_per_month,
                monthly_tokens: body.monthly_tokens,
            },
        };
        // The operator path: the one place that builds a scope from a path id.
        let org = state
            .store
            .set_plan(&OrgScope::trusted(org_id), &change)
            .await
            .map_err(|err| store_error("organization", err))?;
        tracing::info!(operator = %auth.0, %org_id, plan = %change.plan, custom = ?change.custom_limits, "plan changed");
        // The new plan's request rate applies from the org's next request on this node.
        rate_limits.forget(org_id);
        Ok(Json(OrgView::of(&state, org)))
    }

    /// Registers which organization pays Iyzico under a customer reference code, and for
    /// which plan (Iyzico's events name only the customer). Operator only.
    #[oai(
        path = "/orgs/:id/iyzico-customer",
        method = "put",
        operation_id = "set_iyzico_customer"
    )]
    async fn iyzico_customer(
        &self,
        state: Data<&AppState>,
        _auth: OperatorAuth,
        /// The organization's id.
        #[oai(example = "examples::org_id")]
        id: Path<String>,
        body: Json<IyzicoCustomerBody>,
    ) -> Result<Json<Registered>, ApiError> {
        let org_id = parse_org_id(&id)?;
        let customer = body.customer_reference_code.trim();
        if customer.is_empty() || customer.len() > 100 {
            return Err(ApiError::invalid(
                "customer_reference_code must be 1 to 100 characters",
            ));
        }
        let plan = known_plan(&state, &body.plan)?;
        let scope = OrgScope::trusted(org_id);
        state
            .store
            .org(&scope)
            .await
            .map_err(|err| store_error("organization", err))?;
        state
            .store
            .set_billing_customer(&scope, "iyzico", customer, plan)
            .await
            .map_err(|err| store_error("organization", err))?;
        Ok(Json(Registered {
            status: "applied".into(),
        }))
    }
}
