//! `GET /v1/usage`: what an org used in a month — tasks against its quota, tokens against its
//! budget, and cost in total, by sprint and by task. Every figure is a sum of the task records
//! (one usage row per LLM call), so the parts always add up to the totals.

use orchard_actors::budget::Period;
use orchard_actors::domain::{Spend, TaskId, TokenUsage};
use orchard_actors::ports::UsagePage;
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::types::Example;
use poem_openapi::{Object, OpenApi, Tags};
use uuid::Uuid;

use super::error::{ApiError, store_error};
use super::security::BearerAuth;
use super::tasks::Tokens;
use super::{AppState, examples};

#[derive(Tags)]
enum UsageTags {
    /// Quotas, budgets and cost.
    Usage,
}

/// Usage reports.
pub(crate) struct UsageApi;

/// Tasks submitted in the month against the plan's quota.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
struct TaskQuota {
    /// Tasks holding a slot (a task that ended without an LLM call gave its slot back).
    used: u64,
    /// The quota; absent when unlimited.
    quota: Option<u64>,
}

/// Tokens charged to the month against the plan's budget.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
struct TokenBudget {
    prompt: u64,
    completion: u64,
    total: u64,
    /// The monthly budget; absent when unlimited.
    budget: Option<u64>,
}

/// Tokens and cost of one sprint label.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
struct SprintUsage {
    /// The label; absent for tasks submitted without one.
    sprint: Option<String>,
    tokens: Tokens,
    /// Micro-dollars (millionths of a USD).
    cost_micros: u64,
}

/// Tokens and cost of one task in the month.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
struct TaskUsage {
    task_id: Uuid,
    sprint: Option<String>,
    tokens: Tokens,
    /// Micro-dollars.
    cost_micros: u64,
}

/// An org's usage in one month (UTC).
#[derive(Object)]
#[oai(example, skip_serializing_if_is_none)]
struct UsageReportView {
    /// `YYYY-MM`.
    period: String,
    /// The org's plan now.
    plan: String,
    tasks: TaskQuota,
    tokens: TokenBudget,
    /// Cost of every LLM call charged to the month, in micro-dollars (exact).
    cost_micros: u64,
    /// The same in USD, for display.
    cost_usd: f64,
    /// By sprint label.
    by_sprint: Vec<SprintUsage>,
    /// A page of the tasks with LLM calls in the month, by id.
    by_task: Vec<TaskUsage>,
    /// Pass as `cursor` for the next page of `by_task`; absent on the last page.
    next_cursor: Option<String>,
}

impl Example for UsageReportView {
    fn example() -> Self {
        let tokens = |prompt, completion| Tokens::from(TokenUsage { prompt, completion });
        Self {
            period: examples::PERIOD.into(),
            plan: "free".into(),
            tasks: TaskQuota {
                used: 2,
                quota: Some(5),
            },
            tokens: TokenBudget {
                prompt: 30_480,
                completion: 2_020,
                total: 32_500,
                budget: Some(1_000_000),
            },
            cost_micros: 5_784,
            cost_usd: 0.005784,
            by_sprint: vec![SprintUsage {
                sprint: Some(examples::SPRINT.into()),
                tokens: tokens(30_480, 2_020),
                cost_micros: 5_784,
            }],
            by_task: vec![
                TaskUsage {
                    task_id: examples::TASK_ID,
                    sprint: Some(examples::SPRINT.into()),
                    tokens: tokens(18_240, 1_310),
                    cost_micros: 3_522,
                },
                TaskUsage {
                    task_id: examples::OLDER_TASK_ID,
                    sprint: Some(examples::SPRINT.into()),
                    tokens: tokens(12_240, 710),
                    cost_micros: 2_262,
                },
            ],
            next_cursor: None,
        }
    }
}

#[OpenApi(prefix_path = "/v1", tag = "UsageTags::Usage")]
impl UsageApi {
    /// Tasks, tokens and cost of the caller's organization in a month (default: this one).
    #[oai(path = "/usage", method = "get", operation_id = "get_usage")]
    async fn usage(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// `YYYY-MM` (UTC); default: the current month.
        #[oai(example = "examples::period")]
        period: Query<Option<String>>,
        /// `next_cursor` of the previous page.
        #[oai(example = "examples::cursor")]
        cursor: Query<Option<String>>,
        /// Tasks per page, 1 to 200 (default 50).
        #[oai(example = "examples::limit")]
        limit: Query<Option<u32>>,
    ) -> Result<Json<UsageReportView>, ApiError> {
        let scope = auth.0.scope;
        let period = match period.0.as_deref() {
            Some(text) => text
                .trim()
                .parse::<Period>()
                .map_err(|e| ApiError::invalid(e.to_string()))?,
            None => Period::of(state.clock.now()),
        };
        let after = cursor
            .0
            .as_deref()
            .map(|c| {
                c.parse::<TaskId>()
                    .map_err(|_| ApiError::invalid(format!("`{c}` is not a cursor")))
            })
            .transpose()?;
        let limit = limit.0.unwrap_or(50);
        if !(1..=200).contains(&limit) {
            return Err(ApiError::invalid("limit must be between 1 and 200"));
        }
        let org = state
            .store
            .org(&scope)
            .await
            .map_err(|err| store_error("organization", err))?;
        let report = state
            .store
            .usage_report(&scope, period, &UsagePage { after, limit })
            .await
            .map_err(|err| store_error("organization", err))?;
        let limits = state.limits_of(&org);
        let spend = |s: Spend| (Tokens::from(s.tokens), s.cost_micros);
        Ok(Json(UsageReportView {
            period: period.to_string(),
            plan: org.plan,
            tasks: TaskQuota {
                used: report.tasks_used,
                quota: limits.tasks_per_month,
            },
            tokens: TokenBudget {
                prompt: report.total.tokens.prompt,
                completion: report.total.tokens.completion,
                total: report.total.tokens.total(),
                budget: limits.monthly_tokens,
            },
            cost_micros: report.total.cost_micros,
            cost_usd: report.total.cost_micros as f64 / 1_000_000.0,
            by_sprint: report
                .by_sprint
                .into_iter()
                .map(|(sprint, s)| {
                    let (tokens, cost_micros) = spend(s);
                    SprintUsage {
                        sprint,
                        tokens,
                        cost_micros,
                    }
                })
                .collect(),
            by_task: report
                .tasks
                .into_iter()
                .map(|(id, sprint, s)| {
                    let (tokens, cost_micros) = spend(s);
                    TaskUsage {
                        task_id: id.as_uuid(),
                        sprint,
                        tokens,
                        cost_micros,
                    }
                })
                .collect(),
            next_cursor: report.next.map(|id| id.to_string()),
        }))
    }
}
