-- Task quotas and token budgets (the BudgetLedger port, src/budget/sqlite.rs). Every check
-- and the write it guards run in one IMMEDIATE transaction.

-- One row per task holding a slot of its org's monthly quota.
CREATE TABLE quota_slots (
    org_id   TEXT NOT NULL,
    period   TEXT NOT NULL,
    task_id  TEXT NOT NULL,
    PRIMARY KEY (org_id, period, task_id)
) WITHOUT ROWID;

-- Settled tokens of an org in a month, and of a task (its max_tokens spans attempts).
CREATE TABLE budget_spend (
    org_id  TEXT NOT NULL,
    period  TEXT NOT NULL,
    spent   INTEGER NOT NULL,
    PRIMARY KEY (org_id, period)
) WITHOUT ROWID;

CREATE TABLE task_spend (
    task_id  TEXT PRIMARY KEY,
    org_id   TEXT NOT NULL,
    spent    INTEGER NOT NULL
) WITHOUT ROWID;

-- One row per LLM call: held until settled, released or expired (a crashed run).
-- Closed rows stay two days, so a late settle is still recognised as a repeat.
CREATE TABLE budget_holds (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL,
    period      TEXT NOT NULL,
    task_id     TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL,
    state       TEXT NOT NULL   -- held | settled | released | expired
);
CREATE INDEX budget_holds_live ON budget_holds(org_id, state, expires_ms);
CREATE INDEX budget_holds_task ON budget_holds(task_id, state);
