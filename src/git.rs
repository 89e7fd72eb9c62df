//! The [`GitWorkspace`] port: clone and commit with gix, push with the `git` CLI (gix cannot
//! push yet).
//!
//! gix is blocking, so every operation runs on a blocking thread under a timeout; a timed-out
//! clone is interrupted through gix's interrupt flag, a timed-out push is killed.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use gix::bstr::ByteSlice;
use gix::credentials::helper::Action;
use gix::credentials::protocol::Outcome;
use gix::objs::tree::EntryKind;
use gix::sec::identity::Credentials;
use orchard_actors::domain::Repo;
use orchard_actors::ports::{
    CommitOutcome, CommitRequest, GitAuth, GitError, GitErrorKind, GitWorkspace,
};
use secrecy::{ExposeSecret, SecretString};

/// Longest part of git's stderr kept in an error message.
const MAX_STDERR: usize = 2000;

/// Git operations with gix and the `git` binary.
#[derive(Debug, Clone)]
pub struct GixWorkspace {
    author_name: String,
    author_email: String,
    git_binary: PathBuf,
    timeout: Duration,
}

fn error(kind: GitErrorKind, message: impl std::fmt::Display) -> GitError {
    GitError {
        kind,
        message: message.to_string(),
    }
}

impl GixWorkspace {
    /// Commits as `author_name <author_email>`, pushes with `git_binary`.
    pub fn new(author_name: &str, author_email: &str, git_binary: &str, timeout: Duration) -> Self {
        Self {
            author_name: author_name.to_owned(),
            author_email: author_email.to_owned(),
            git_binary: PathBuf::from(git_binary),
            timeout,
        }
    }

    fn clone_blocking(
        url: &str,
        default_branch: Option<&str>,
        dir: &Path,
        interrupt: &AtomicBool,
        auth: Option<(String, SecretString)>,
    ) -> Result<(), GitError> {
        let clone_error = |err: gix::Error| {
            if err.is_unauthenticated() || err.is_permission_denied() {
                error(GitErrorKind::Auth, format!("clone refused: {err}"))
            } else {
                // `:#` keeps the cause ("connection refused", "404"), not just "handshake failed".
                error(GitErrorKind::Clone, format!("clone failed: {err:#}"))
            }
        };
        // Isolated: the operator's global and system git config — and with it any credential
        // helper holding the operator's own secrets — must never serve a tenant's clone.
        let mut prepare = gix::clone::PrepareFetch::new(
            url,
            dir,
            gix::create::Kind::WithWorktree,
            gix::create::Options::default(),
            gix::open::Options::isolated(),
        )
        .map_err(clone_error)?;
        if let Some(branch) = default_branch {
            prepare = prepare.with_ref_name(Some(branch)).map_err(clone_error)?;
        }
        // Always answer gix's credential requests ourselves — with nothing when the org has no
        // credential — or it would fall back to prompting on the operator's terminal.
        prepare = prepare.configure_connection(move |connection| {
            let auth = auth.clone();
            connection.set_credentials(move |action| match action {
                Action::Get(ctx) => Ok(auth.as_ref().map(|(username, secret)| Outcome {
                    credentials: Credentials::UsernamePassword {
                        username: username.clone(),
                        password: secret.expose_secret().to_owned(),
                        oauth_refresh_token: None,
                    },
                    next: ctx.into(),
                })),
                // We are the credential store: nothing to keep or forget.
                Action::Store(_) | Action::Erase(_) => Ok(None),
            });
            Ok(())
        });
        let (mut checkout, _) = prepare
            .fetch_then_checkout(gix::progress::Discard, interrupt)
            .map_err(clone_error)?;
        checkout
            .main_worktree(gix::progress::Discard, interrupt)
            .map_err(clone_error)?;
        Ok(())
    }

    /// Writes the changed paths into a tree on top of HEAD and commits it as the branch.
    /// Returns the commit id, or `None` when the tree did not change.
    fn commit_blocking(
        &self,
        dir: &Path,
        request: &CommitRequest,
    ) -> Result<Option<String>, GitError> {
        let fail = |err: gix::Error| error(GitErrorKind::Commit, format!("commit failed: {err}"));
        let repo = gix::open_opts(dir, gix::open::Options::isolated()).map_err(fail)?;
        let head = repo.head().map_err(fail)?;
        let parent = if head.is_unborn() {
            None
        } else {
            Some(repo.head_commit().map_err(fail)?)
        };
        let base_tree = match &parent {
            Some(commit) => commit.tree_id().map_err(fail)?.detach(),
            None => gix::ObjectId::empty_tree(repo.object_hash()),
        };
        let mut editor = match &parent {
            Some(_) => repo.edit_tree(base_tree).map_err(fail)?,
            None => repo.empty_tree().edit().map_err(fail)?,
        };
        for path in &request.changed_paths {
            let full = dir.join(path);
            match std::fs::symlink_metadata(&full) {
                Ok(meta) if meta.is_file() => {
                    let bytes = std::fs::read(&full)
                        .map_err(|err| error(GitErrorKind::Commit, format!("{path}: {err}")))?;
                    let blob = repo.write_blob(bytes).map_err(fail)?;
                    editor
                        .upsert(path.as_str(), file_kind(&meta), blob.detach())
                        .map_err(fail)?;
                }
                Ok(_) => {
                    return Err(error(
                        GitErrorKind::Commit,
                        format!("{path} is not a regular file"),
                    ));
                }
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                    editor.remove(path.as_str()).map_err(fail)?;
                }
                Err(err) => return Err(error(GitErrorKind::Commit, format!("{path}: {err}"))),
            }
        }
        let tree = editor.write().map_err(fail)?.detach();
        if tree == base_tree {
            return Ok(None);
        }
        let signature = gix::actor::Signature {
            name: self.author_name.as_str().into(),
            email: self.author_email.as_str().into(),
            time: gix::date::Time::now_utc(),
        };
        let mut time_buf = gix::date::parse::TimeBuf::default();
        let signature_ref = signature.to_ref(&mut time_buf);
        let reference = format!("refs/heads/{}", request.branch);
        let commit = repo
            .commit_as(
                signature_ref,
                signature_ref,
                reference.as_str(),
                request.message.as_str(),
                tree,
                parent.iter().map(|c| c.id),
            )
            .map_err(fail)?;
        Ok(Some(commit.to_string()))
    }

    async fn push(&self, dir: &Path, branch: &str, auth: Option<&GitAuth>) -> Result<(), GitError> {
        let refspec = format!("+refs/heads/{branch}:refs/heads/{branch}");
        let mut command = tokio::process::Command::new(&self.git_binary);
        command
            .current_dir(dir)
            // No hooks from the work dir, no interactive prompts, no user or system config and
            // no credential helper at all: the operator's helpers must never answer for a
            // tenant's remote. The org's credential, if any, comes from our askpass program,
            // through this one command's environment.
            .args([
                "-c",
                "core.hooksPath=/dev/null",
                "-c",
                "credential.helper=",
                "push",
                "--porcelain",
                "origin",
            ])
            .arg(&refspec)
            .env("LC_ALL", "C")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null");
        match auth {
            Some(auth) => {
                let askpass = write_askpass(dir)
                    .map_err(|err| error(GitErrorKind::Push, format!("askpass: {err}")))?;
                command
                    .env("GIT_ASKPASS", askpass)
                    .env("ORCHARD_GIT_USERNAME", &auth.username)
                    .env("ORCHARD_GIT_PASSWORD", auth.secret.expose_secret());
            }
            None => {
                command.env("GIT_ASKPASS", "/bin/false");
            }
        }
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let child = command.spawn().map_err(|err| {
            error(
                GitErrorKind::Push,
                format!("could not run {}: {err}", self.git_binary.display()),
            )
        })?;
        let output = tokio::time::timeout(self.timeout, child.wait_with_output())
            .await
            .map_err(|_| {
                error(
                    GitErrorKind::Push,
                    format!("push timed out after {}s", self.timeout.as_secs()),
                )
            })?
            .map_err(|err| error(GitErrorKind::Push, format!("push failed: {err}")))?;
        if !output.status.success() {
            let stderr = output.stderr.to_str_lossy();
            let stderr: String = stderr.trim().chars().take(MAX_STDERR).collect();
            let refused = [
                "Authentication failed",
                "could not read Username",
                "error: 403",
            ]
            .iter()
            .any(|sign| stderr.contains(sign));
            let kind = if refused {
                GitErrorKind::Auth
            } else {
                GitErrorKind::Push
            };
            return Err(error(
                kind,
                format!("push of {branch} failed ({}): {stderr}", output.status),
            ));
        }
        Ok(())
    }
}

/// Writes the askpass program git runs for a username and a password: it prints them from its
/// environment, so the secret is never in a file, only in the push command's environment.
fn write_askpass(dir: &Path) -> std::io::Result<PathBuf> {
    let path = dir.join(".git").join("orchard-askpass");
    let script = "#!/bin/sh\ncase \"$1\" in\n  Username*) printf '%s\\n' \"$ORCHARD_GIT_USERNAME\" ;;\n  *) printf '%s\\n' \"$ORCHARD_GIT_PASSWORD\" ;;\nesac\n";
    std::fs::write(&path, script)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(path)
}

fn file_kind(meta: &std::fs::Metadata) -> EntryKind {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o111 != 0 {
            return EntryKind::BlobExecutable;
        }
    }
    let _ = meta;
    EntryKind::Blob
}

#[async_trait]
impl GitWorkspace for GixWorkspace {
    async fn checkout(
        &self,
        repo: &Repo,
        dir: &Path,
        auth: Option<&GitAuth>,
    ) -> Result<(), GitError> {
        let url = repo.url.clone();
        let branch = repo.default_branch.clone();
        let target = dir.to_path_buf();
        let interrupt = Arc::new(AtomicBool::new(false));
        let flag = interrupt.clone();
        let auth = auth.map(|a| (a.username.clone(), a.secret.clone()));
        let task = tokio::task::spawn_blocking(move || {
            Self::clone_blocking(&url, branch.as_deref(), &target, &flag, auth)
        });
        match tokio::time::timeout(self.timeout, task).await {
            Ok(joined) => joined.map_err(|err| error(GitErrorKind::Clone, err))?,
            Err(_) => {
                interrupt.store(true, Ordering::Relaxed);
                Err(error(
                    GitErrorKind::Clone,
                    format!("clone timed out after {}s", self.timeout.as_secs()),
                ))
            }
        }
    }

    async fn commit_and_push(
        &self,
        _repo: &Repo,
        dir: &Path,
        request: &CommitRequest,
        auth: Option<&GitAuth>,
    ) -> Result<CommitOutcome, GitError> {
        let this = self.clone();
        let (target, req) = (dir.to_path_buf(), request.clone());
        let commit = tokio::task::spawn_blocking(move || this.commit_blocking(&target, &req))
            .await
            .map_err(|err| error(GitErrorKind::Commit, err))??;
        let Some(commit) = commit else {
            return Ok(CommitOutcome::NoChanges);
        };
        self.push(dir, &request.branch, auth).await?;
        Ok(CommitOutcome::Pushed { commit })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::git;
    use orchard_actors::domain::{OrgId, Provider, RepoId};

    /// A bare repository with one commit on `main`.
    fn bare_repo(root: &Path) -> PathBuf {
        let seed = root.join("seed");
        std::fs::create_dir_all(&seed).unwrap();
        git(&seed, &["init", "-q", "-b", "main"]);
        std::fs::write(seed.join("README.md"), "hello\n").unwrap();
        std::fs::create_dir_all(seed.join("src")).unwrap();
        std::fs::write(seed.join("src/old.rs"), "// old\n").unwrap();
        git(&seed, &["add", "."]);
        git(&seed, &["commit", "-q", "-m", "initial"]);
        let bare = root.join("origin.git");
        git(
            root,
            &[
                "clone",
                "-q",
                "--bare",
                seed.to_str().unwrap(),
                bare.to_str().unwrap(),
            ],
        );
        bare
    }

    fn repo_at(url: &str) -> Repo {
        Repo {
            id: RepoId::new(),
            org_id: OrgId::new(),
            url: url.to_owned(),
            provider: Provider::Generic,
            default_branch: None,
            pull_requests: Default::default(),
            created_at: time::OffsetDateTime::now_utc(),
        }
    }

    fn workspace() -> GixWorkspace {
        GixWorkspace::new("Orchard", "orchard@test", "git", Duration::from_secs(60))
    }

    #[tokio::test]
    async fn clones_commits_changed_paths_and_pushes_the_branch() {
        let root = tempfile::tempdir().unwrap();
        let bare = bare_repo(root.path());
        let repo = repo_at(&format!("file://{}", bare.display()));
        let work = root.path().join("work");
        let ws = workspace();
        ws.checkout(&repo, &work, None).await.unwrap();
        assert_eq!(
            std::fs::read_to_string(work.join("README.md")).unwrap(),
            "hello\n"
        );

        std::fs::write(work.join("README.md"), "hello, world\n").unwrap();
        std::fs::create_dir_all(work.join("docs")).unwrap();
        std::fs::write(work.join("docs/new.md"), "new\n").unwrap();
        std::fs::remove_file(work.join("src/old.rs")).unwrap();
        let request = CommitRequest {
            branch: "orchard/t1".into(),
            message: "Update docs".into(),
            changed_paths: vec![
                "README.md".into(),
                "docs/new.md".into(),
                "src/old.rs".into(),
            ],
        };
        let CommitOutcome::Pushed { commit } = ws
            .commit_and_push(&repo, &work, &request, None)
            .await
            .unwrap()
        else {
            panic!("expected a push");
        };

        assert_eq!(git(&bare, &["rev-parse", "refs/heads/orchard/t1"]), commit);
        assert_eq!(
            git(&bare, &["show", "orchard/t1:README.md"]),
            "hello, world"
        );
        assert_eq!(git(&bare, &["show", "orchard/t1:docs/new.md"]), "new");
        assert_eq!(
            git(&bare, &["ls-tree", "-r", "--name-only", "orchard/t1"]),
            "README.md\ndocs/new.md"
        );
        assert_eq!(
            git(&bare, &["log", "-1", "--format=%B", "orchard/t1"]),
            "Update docs"
        );
        assert_eq!(
            git(&bare, &["log", "-1", "--format=%an <%ae>", "orchard/t1"]),
            "Orchard <orchard@test>"
        );
        assert_eq!(
            git(&bare, &["rev-parse", "orchard/t1~1"]),
            git(&bare, &["rev-parse", "main"])
        );
        // Main is untouched.
        assert_eq!(git(&bare, &["log", "--format=%s", "main"]), "initial");
    }

    #[tokio::test]
    async fn unchanged_content_is_not_committed() {
        let root = tempfile::tempdir().unwrap();
        let bare = bare_repo(root.path());
        let repo = repo_at(bare.to_str().unwrap());
        let work = root.path().join("work");
        let ws = workspace();
        ws.checkout(&repo, &work, None).await.unwrap();
        std::fs::write(work.join("README.md"), "hello\n").unwrap();
        let request = CommitRequest {
            branch: "orchard/t2".into(),
            message: "noop".into(),
            changed_paths: vec!["README.md".into()],
        };
        assert_eq!(
            ws.commit_and_push(&repo, &work, &request, None)
                .await
                .unwrap(),
            CommitOutcome::NoChanges
        );
        let branches = git(&bare, &["branch", "--list", "orchard/*"]);
        assert!(branches.is_empty(), "{branches}");
    }

    #[tokio::test]
    async fn a_missing_repository_is_a_clone_error() {
        let root = tempfile::tempdir().unwrap();
        let repo = repo_at(root.path().join("nope.git").to_str().unwrap());
        let err = workspace()
            .checkout(&repo, &root.path().join("work"), None)
            .await
            .unwrap_err();
        assert_eq!(err.kind, GitErrorKind::Clone);
    }
}
