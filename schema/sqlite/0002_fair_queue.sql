-- Fair dispatch: the embedded queue serves orgs round-robin. last_served is a counter that
-- grows each time an org's task is dequeued; the org with the smallest value goes next.
CREATE TABLE queue_orgs (
    org_id       TEXT PRIMARY KEY,
    last_served  INTEGER NOT NULL
);
CREATE INDEX queue_by_org ON queue(org_id, status);
