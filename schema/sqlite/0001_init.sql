-- Orchard embedded store, version 1.
-- Every tenant table carries org_id, and every tenant query filters on it.
-- Timestamps are RFC 3339 text in UTC; queue times are Unix milliseconds.

CREATE TABLE orgs (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    plan        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES orgs(id),
    email          TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX users_by_org ON users(org_id);

CREATE TABLE repos (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    url             TEXT NOT NULL,
    provider        TEXT NOT NULL,
    default_branch  TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX repos_by_org ON repos(org_id, id);

CREATE TABLE tasks (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL REFERENCES orgs(id),
    repo_id            TEXT NOT NULL REFERENCES repos(id),
    instruction        TEXT NOT NULL,
    sprint             TEXT,
    max_tokens         INTEGER,
    status             TEXT NOT NULL,
    attempts           INTEGER NOT NULL DEFAULT 0,
    branch             TEXT,
    commit_id          TEXT,
    summary            TEXT,
    changed_files      TEXT NOT NULL DEFAULT '[]',
    prompt_tokens      INTEGER NOT NULL DEFAULT 0,
    completion_tokens  INTEGER NOT NULL DEFAULT 0,
    error_code         TEXT,
    error_message      TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX tasks_by_org ON tasks(org_id, id);
CREATE INDEX tasks_by_org_status ON tasks(org_id, status, id);

CREATE TABLE task_events (
    org_id   TEXT NOT NULL,
    task_id  TEXT NOT NULL REFERENCES tasks(id),
    seq      INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    data     TEXT NOT NULL,
    at       TEXT NOT NULL,
    PRIMARY KEY (task_id, seq)
);

-- One row per LLM call: the ledger that usage reports and billing add up.
CREATE TABLE usage (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id             TEXT NOT NULL,
    task_id            TEXT NOT NULL,
    sprint             TEXT,
    prompt_tokens      INTEGER NOT NULL,
    completion_tokens  INTEGER NOT NULL,
    at                 TEXT NOT NULL
);
CREATE INDEX usage_by_org ON usage(org_id, at);

-- The embedded durable queue, FIFO by rowid. status: 'ready' or 'leased'; acked rows are deleted.
CREATE TABLE queue (
    task_id      TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL,
    status       TEXT NOT NULL,
    lease_id     TEXT,
    lease_until  INTEGER,
    deliveries   INTEGER NOT NULL DEFAULT 0,
    enqueued_at  INTEGER NOT NULL
);
CREATE INDEX queue_ready ON queue(status);
