//! The metrics Orchard exports at `/metrics`: their names, help texts and histogram buckets.
//!
//! The series are recorded where things happen (the API middleware in `api/http_metrics.rs`,
//! the actors of `orchard-actors`); this module only describes them, once, when the
//! Prometheus recorder is installed. `docs/observability.md` lists the same series for
//! operators; [`SERIES`] is what the API test checks the exposition against.
//!
//! No series has a per-organization label: with many tenants that would make the number of
//! series unbounded. Per-org figures come from the API (`GET /v1/usage`, the admin tree).

use metrics::Unit;

/// How a series is exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Only goes up.
    Counter,
    /// Goes up and down.
    Gauge,
    /// Observations in buckets (`_bucket`, `_sum`, `_count`).
    Histogram,
}

/// One documented series.
#[derive(Debug, Clone, Copy)]
pub struct Series {
    /// The metric name.
    pub name: &'static str,
    /// How it is exported.
    pub kind: Kind,
    /// Its labels (each with a bounded set of values).
    pub labels: &'static [&'static str],
    /// Its unit, when it has one.
    pub unit: Option<Unit>,
    /// The help text.
    pub help: &'static str,
}

const fn series(
    name: &'static str,
    kind: Kind,
    labels: &'static [&'static str],
    unit: Option<Unit>,
    help: &'static str,
) -> Series {
    Series {
        name,
        kind,
        labels,
        unit,
        help,
    }
}

use Kind::{Counter, Gauge, Histogram};

/// Every series Orchard exports.
pub const SERIES: &[Series] = &[
    // HTTP
    series(
        "orchard_http_requests_total",
        Counter,
        &["operation", "route", "status"],
        None,
        "HTTP requests answered, by OpenAPI operation id, route template and status code",
    ),
    series(
        "orchard_http_request_duration_seconds",
        Histogram,
        &["operation", "route"],
        Some(Unit::Seconds),
        "Time from receiving a request to its response headers, by operation and route template",
    ),
    // Tasks
    series(
        "orchard_tasks_submitted_total",
        Counter,
        &[],
        None,
        "Tasks accepted by POST /v1/tasks",
    ),
    series(
        "orchard_tasks_finished_total",
        Counter,
        &["status"],
        None,
        "Tasks that reached a terminal status (succeeded, failed, cancelled), counted by the node that recorded it",
    ),
    series(
        "orchard_queue_ready_tasks",
        Gauge,
        &[],
        None,
        "Tasks waiting in the queue (ready, not leased), read from the queue at each scrape; absent for queues that cannot count",
    ),
    series(
        "orchard_runs_in_flight",
        Gauge,
        &[],
        None,
        "Agent runs this node's dispatcher has handed out and not seen end",
    ),
    series(
        "orchard_run_duration_seconds",
        Histogram,
        &["exit"],
        Some(Unit::Seconds),
        "Wall time of one agent run (one attempt at a task), by how it ended",
    ),
    series(
        "orchard_quota_refusals_total",
        Counter,
        &[],
        None,
        "Task submissions refused because the org's monthly task quota is used up",
    ),
    // LLM
    series(
        "orchard_llm_calls_total",
        Counter,
        &["model", "outcome"],
        None,
        "LLM calls made, by configured model and outcome (ok, transient, permanent); each retry is a call",
    ),
    series(
        "orchard_llm_call_duration_seconds",
        Histogram,
        &["model", "outcome"],
        Some(Unit::Seconds),
        "Latency of one LLM call, by configured model and outcome",
    ),
    series(
        "orchard_llm_retries_total",
        Counter,
        &["model"],
        None,
        "LLM calls retried after a transient failure (429, 5xx, timeout), by configured model",
    ),
    series(
        "orchard_llm_tokens_total",
        Counter,
        &["model", "kind"],
        None,
        "Tokens the LLM reported, by configured model and kind (prompt, completion)",
    ),
    series(
        "orchard_budget_refusals_total",
        Counter,
        &[],
        None,
        "LLM calls refused before being made because they could exceed a token budget",
    ),
    // Supervision
    series(
        "orchard_run_restarts_total",
        Counter,
        &[],
        None,
        "Crashed agent runs restarted by their org supervisor after a backoff",
    ),
    series(
        "orchard_run_give_ups_total",
        Counter,
        &[],
        None,
        "Tasks failed because their runs crashed more often than the restart limit allows",
    ),
    series(
        "orchard_runs_stale_total",
        Counter,
        &[],
        None,
        "Runs stopped by the watchdog for missing heartbeats",
    ),
    series(
        "orchard_actor_restarts_total",
        Counter,
        &["actor"],
        None,
        "Supervised helper actors replaced after they stopped or failed (dispatcher, budget, credentials)",
    ),
    series(
        "orchard_org_supervisors_active",
        Gauge,
        &[],
        None,
        "Organization supervisors running on this node",
    ),
    // Locks, credentials, memory
    series(
        "orchard_repo_lock_wait_seconds",
        Histogram,
        &["outcome"],
        Some(Unit::Seconds),
        "Time a run waited for its repository lock, by outcome (acquired, busy)",
    ),
    series(
        "orchard_repo_lock_waits_total",
        Counter,
        &[],
        None,
        "Runs that found their repository locked by another holder and waited",
    ),
    series(
        "orchard_repo_locks_lost_total",
        Counter,
        &[],
        None,
        "Repository locks lost (expired or taken) while a run held them",
    ),
    series(
        "orchard_credentials_opened_total",
        Counter,
        &[],
        None,
        "Credentials decrypted for a run",
    ),
    series(
        "orchard_memory_chunks_indexed_total",
        Counter,
        &[],
        None,
        "Chunks of repository files embedded into vector memory",
    ),
    series(
        "orchard_memory_index_failures_total",
        Counter,
        &[],
        None,
        "Repository indexing passes that failed (the run went on)",
    ),
    series(
        "orchard_signups_total",
        Counter,
        &[],
        None,
        "Organizations created",
    ),
    // Integrations
    series(
        "orchard_pull_requests_total",
        Counter,
        &["outcome"],
        None,
        "Pull requests for pushed branches: opened, found open already, or failed (the reason is a task event)",
    ),
    series(
        "orchard_integration_requests_total",
        Counter,
        &["service", "outcome"],
        None,
        "Requests to GitHub, Azure DevOps and Jira, each try counted, by outcome",
    ),
    series(
        "orchard_integration_retries_total",
        Counter,
        &["service"],
        None,
        "Requests to GitHub, Azure DevOps and Jira tried again after a 429, 5xx or rate-limit answer",
    ),
];

/// Bucket bounds of the `_seconds` histograms: 5 ms to 10 min, roughly ×2.5 apart (HTTP
/// requests sit at the low end, LLM calls in the middle, runs at the top).
pub const SECONDS_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0,
];

/// The helper actors whose restarts `orchard_actor_restarts_total` counts.
const RESTARTED_ACTORS: &[&str] = &["dispatcher", "budget", "credentials"];

/// Registers the help text (and unit) of every series with the installed recorder, and
/// starts the counters and gauges whose label values are all known at zero, so that
/// `rate()` and alerts see them before their first event.
pub fn describe() {
    for s in SERIES {
        if s.labels.is_empty() {
            match s.kind {
                Counter => metrics::counter!(s.name).increment(0),
                // Read from the queue at scrape time: absent when the queue cannot count.
                Gauge if s.name == "orchard_queue_ready_tasks" => {}
                Gauge => metrics::gauge!(s.name).increment(0.0),
                Histogram => {}
            }
        }
        match (s.kind, s.unit) {
            (Counter, Some(unit)) => metrics::describe_counter!(s.name, unit, s.help),
            (Counter, None) => metrics::describe_counter!(s.name, s.help),
            (Gauge, Some(unit)) => metrics::describe_gauge!(s.name, unit, s.help),
            (Gauge, None) => metrics::describe_gauge!(s.name, s.help),
            (Histogram, Some(unit)) => metrics::describe_histogram!(s.name, unit, s.help),
            (Histogram, None) => metrics::describe_histogram!(s.name, s.help),
        }
    }
    for actor in RESTARTED_ACTORS {
        metrics::counter!("orchard_actor_restarts_total", "actor" => *actor).increment(0);
    }
    for outcome in ["opened", "found", "failed"] {
        metrics::counter!("orchard_pull_requests_total", "outcome" => outcome).increment(0);
    }
    for service in crate::forge::SERVICES {
        metrics::counter!("orchard_integration_retries_total", "service" => service).increment(0);
        for outcome in crate::forge::OUTCOMES {
            metrics::counter!("orchard_integration_requests_total", "service" => service, "outcome" => outcome)
                .increment(0);
        }
    }
}

/// Starts the LLM counters of the configured `model` at zero (the only `model` label value
/// this node records).
pub fn register_model(model: &str) {
    for outcome in ["ok", "transient", "permanent"] {
        metrics::counter!("orchard_llm_calls_total", "model" => model.to_owned(), "outcome" => outcome)
            .increment(0);
    }
    metrics::counter!("orchard_llm_retries_total", "model" => model.to_owned()).increment(0);
    for kind in ["prompt", "completion"] {
        metrics::counter!("orchard_llm_tokens_total", "model" => model.to_owned(), "kind" => kind)
            .increment(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_follow_prometheus_conventions() {
        let mut names: Vec<&str> = SERIES.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SERIES.len(), "a series is listed twice");
        for s in SERIES {
            assert!(s.name.starts_with("orchard_"), "{}", s.name);
            assert_eq!(s.kind == Counter, s.name.ends_with("_total"), "{}", s.name);
            assert_eq!(
                s.unit == Some(Unit::Seconds),
                s.name.ends_with("_seconds"),
                "{}",
                s.name
            );
            assert!(
                !s.labels.contains(&"org_id"),
                "{} has a per-org label",
                s.name
            );
        }
        assert!(SECONDS_BUCKETS.windows(2).all(|w| w[0] < w[1]));
    }
}
