-- Dequeue walks indexes instead of sorting the backlog: every org with queued tasks has a
-- queue_orgs row (registered at enqueue, 0 = never served), ordered by last_served.
INSERT OR IGNORE INTO queue_orgs (org_id, last_served) SELECT DISTINCT org_id, 0 FROM queue;
CREATE INDEX queue_orgs_by_served ON queue_orgs(last_served, org_id);
CREATE INDEX queue_ready_by_org ON queue(org_id, status, repo_id);
