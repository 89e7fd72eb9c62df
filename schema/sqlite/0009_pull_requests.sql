-- Pull requests: each repository says whether a successful task opens one ('open', 'draft'
-- or 'off'), and a task records the one it opened (or found open).
ALTER TABLE repos ADD COLUMN pull_requests TEXT NOT NULL DEFAULT 'open';
ALTER TABLE tasks ADD COLUMN pull_request_url TEXT;
