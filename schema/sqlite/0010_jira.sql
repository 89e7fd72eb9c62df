-- Jira: an org's credential may name its own site (a Jira Cloud or Data Center URL), and a
-- task made from a Jira issue keeps the issue's key (its pull request is linked there).
ALTER TABLE credentials ADD COLUMN base_url TEXT;
ALTER TABLE tasks ADD COLUMN jira_issue TEXT;
