//! Operator endpoints (`/v1/admin`): they act on any organization, and only with an operator
//! token (`orchard operator-token`); a tenant's token gets 403.

use orchard_actors::budget::Limits;
use orchard_actors::domain::{OrgId, OrgScope};
use orchard_actors::ports::PlanChange;
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi, Tags};

use super::AppState;
use super::auth::OrgView;
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

/// Which org pays Iyzico under which customer reference code.
#[derive(Object)]
struct IyzicoCustomerBody {
    /// Iyzico's `customerReferenceCode`.
    customer_reference_code: String,
    /// The plan its subscription buys.
    plan: String,
}

/// A registration done.
#[derive(Object)]
struct Registered {
    /// Always `applied`.
    status: String,
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
        Ok(Json(OrgView::of(&state, org)))
    }

    /// Registers which organization pays Iyzico under a customer reference code, and for
    /// which plan (Iyzico's events name only the customer). Operator only.
    #[oai(path = "/orgs/:id/iyzico-customer", method = "put")]
    async fn iyzico_customer(
        &self,
        state: Data<&AppState>,
        _auth: OperatorAuth,
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
