-- One task per repository at a time: the queue knows each task's repository, and a dequeue
-- skips tasks whose repository has another task under a live lease.
ALTER TABLE queue ADD COLUMN repo_id TEXT NOT NULL DEFAULT '';
CREATE INDEX queue_by_repo ON queue(org_id, repo_id, status);
