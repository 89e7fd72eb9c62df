-- Plans, cost allocation and billing (issue 5).

-- An org's own limits (NULL: its plan's) and billing standing.
ALTER TABLE orgs ADD COLUMN tasks_per_month INTEGER;
ALTER TABLE orgs ADD COLUMN monthly_tokens INTEGER;
ALTER TABLE orgs ADD COLUMN past_due INTEGER NOT NULL DEFAULT 0;

-- Each task took a slot of one month's quota; it gives it back (once) if it ends without an
-- LLM call. Cost is integer micro-dollars.
ALTER TABLE tasks ADD COLUMN quota_period TEXT NOT NULL DEFAULT '';
UPDATE tasks SET quota_period = substr(created_at, 1, 7);
ALTER TABLE tasks ADD COLUMN quota_released INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN llm_calls INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN cost_micros INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tasks_by_quota ON tasks(org_id, quota_period);

-- One row per LLM call, keyed by its budget reservation (recording is idempotent), charged
-- to the reservation's month.
ALTER TABLE usage ADD COLUMN call_id TEXT;
ALTER TABLE usage ADD COLUMN period TEXT NOT NULL DEFAULT '';
UPDATE usage SET period = substr(at, 1, 7);
ALTER TABLE usage ADD COLUMN model TEXT NOT NULL DEFAULT '';
ALTER TABLE usage ADD COLUMN cost_micros INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX usage_by_call ON usage(call_id);
CREATE INDEX usage_by_period ON usage(org_id, period, task_id);

-- Payment providers' events already applied (webhooks are idempotent on them).
CREATE TABLE billing_events (
    provider     TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    org_id       TEXT,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (provider, event_id)
) WITHOUT ROWID;

-- A provider's customer reference → the org and the plan it subscribed to (Iyzico's events
-- name only the customer).
CREATE TABLE billing_customers (
    provider      TEXT NOT NULL,
    customer_ref  TEXT NOT NULL,
    org_id        TEXT NOT NULL REFERENCES orgs(id),
    plan          TEXT NOT NULL,
    PRIMARY KEY (provider, customer_ref)
) WITHOUT ROWID;
