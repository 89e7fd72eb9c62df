//! Operator endpoints (`/v1/admin`): they act on any organization, and only with an operator
//! token (`orchard operator-token`); a tenant's token gets 403.

use orchard_actors::budget::{Limits, limits_for};
use orchard_actors::domain::{OrgId, OrgScope};
use orchard_actors::ports::PlanChange;
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};
use uuid::Uuid;

use super::AppState;
use super::error::{ApiError, store_error};
use super::security::OperatorAuth;

#[derive(Tags)]
enum AdminTags {
    /// Platform operator only.
    Admin,
}

/// Operator endpoints.
pub(crate) struct AdminApi;

/// A new plan for an organization.
#[derive(Object)]
struct PlanChangeBody {
    /// A plan of the configuration (`free`, `pro`, `enterprise`, ...).
    plan: String,
    /// The org's own monthly task quota (an enterprise contract); absent: the plan's.
    tasks_per_month: Option<u64>,
    /// The org's own monthly token budget; absent: the plan's.
    monthly_tokens: Option<u64>,
}

/// An organization's plan and the limits in effect.
#[derive(Object)]
pub(crate) struct OrgPlanView {
    id: Uuid,
    name: String,
    plan: String,
    /// Tasks per calendar month in effect; absent: unlimited.
    tasks_per_month: Option<u64>,
    /// Tokens per calendar month in effect; absent: unlimited.
    monthly_tokens: Option<u64>,
    /// A renewal payment failed and the provider has not given up yet.
    past_due: bool,
}

impl OrgPlanView {
    /// The view of `org` under `state`'s plans.
    pub(crate) fn of(state: &AppState, org: orchard_actors::domain::Org) -> Self {
        let limits = limits_for(&state.config.plan_limits(), &org.plan, org.custom_limits);
        Self {
            id: org.id.as_uuid(),
            name: org.name,
            plan: org.plan,
            tasks_per_month: limits.tasks_per_month,
            monthly_tokens: limits.monthly_tokens,
            past_due: org.past_due,
        }
    }
}

#[OpenApi(prefix_path = "/v1/admin", tag = "AdminTags::Admin")]
impl AdminApi {
    /// Puts an organization on a plan, optionally with its own limits. Quotas and budgets
    /// apply from the next submission and the next LLM call; the concurrency cap from the
    /// org's next run on each node.
    #[oai(path = "/orgs/:id/plan", method = "put")]
    async fn set_plan(
        &self,
        state: Data<&AppState>,
        auth: OperatorAuth,
        id: Path<String>,
        body: Json<PlanChangeBody>,
    ) -> Result<Json<OrgPlanView>, ApiError> {
        let org_id: OrgId = id
            .trim()
            .parse()
            .map_err(|_| ApiError::invalid(format!("`{}` is not an organization id", id.0)))?;
        let plan = body.plan.trim();
        if !state.config.plans.contains_key(plan) {
            let known: Vec<&str> = state.config.plans.keys().map(String::as_str).collect();
            return Err(ApiError::invalid(format!(
                "unknown plan `{plan}`; the configured plans are {}",
                known.join(", ")
            )));
        }
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
        Ok(Json(OrgPlanView::of(&state, org)))
    }
}
