//! The agent's tools, confined to one task's work dir.
//!
//! Every path the model names is relative to the work dir. Absolute paths, `..`, the `.git`
//! directory and symlinks that lead out of the work dir are refused with an error the model
//! sees; they are never followed. Writes never go through a symlink at all.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use serde_json::json;

use crate::ports::ToolSpec;

/// Largest file `read_file` returns in full.
const MAX_READ_BYTES: usize = 256 * 1024;
/// Largest content `write_file` accepts.
const MAX_WRITE_BYTES: usize = 1024 * 1024;
/// Most entries `list_files` returns.
const MAX_LIST_ENTRIES: usize = 2000;
/// Most matching lines `search_files` returns.
const MAX_SEARCH_MATCHES: usize = 200;
/// Files larger than this are not searched.
const MAX_SEARCH_FILE_BYTES: u64 = 1024 * 1024;

/// The tools offered to the model, as OpenAI function tools.
pub fn tool_specs() -> Vec<ToolSpec> {
    vec![
        ToolSpec {
            name: "list_files".into(),
            description: "List the files of the repository (recursively), relative to its root."
                .into(),
            parameters: json!({
                "type": "object",
                "properties": {"path": {"type": "string", "description": "Directory to list; default: the root"}},
                "additionalProperties": false
            }),
        },
        ToolSpec {
            name: "read_file".into(),
            description: "Read a UTF-8 text file of the repository.".into(),
            parameters: json!({
                "type": "object",
                "properties": {"path": {"type": "string"}},
                "required": ["path"],
                "additionalProperties": false
            }),
        },
        ToolSpec {
            name: "write_file".into(),
            description: "Create or overwrite a file of the repository with the given content."
                .into(),
            parameters: json!({
                "type": "object",
                "properties": {"path": {"type": "string"}, "content": {"type": "string"}},
                "required": ["path", "content"],
                "additionalProperties": false
            }),
        },
        ToolSpec {
            name: "search_files".into(),
            description: "Search the repository's text files for a regular expression; returns path:line: text for each match.".into(),
            parameters: json!({
                "type": "object",
                "properties": {"pattern": {"type": "string"}},
                "required": ["pattern"],
                "additionalProperties": false
            }),
        },
        ToolSpec {
            name: "finish".into(),
            description: "Finish the task. The summary becomes the commit message.".into(),
            parameters: json!({
                "type": "object",
                "properties": {"summary": {"type": "string"}},
                "required": ["summary"],
                "additionalProperties": false
            }),
        },
    ]
}

/// Hits `memory_search` returns unless the model asks for another number.
pub const DEFAULT_MEMORY_HITS: usize = 5;

/// The vector-memory tools, offered when the deployment has vector memory. They run in the
/// agent run (they call the embedder and the memory, not the file system): see
/// [`memory_call`].
pub fn memory_tool_specs() -> Vec<ToolSpec> {
    vec![
        ToolSpec {
            name: "memory_search".into(),
            description: "Search the organization's memory by meaning: chunks of its indexed repositories (with path and lines) and notes of earlier tasks.".into(),
            parameters: json!({
                "type": "object",
                "properties": {
                    "query": {"type": "string"},
                    "limit": {"type": "integer", "minimum": 1, "maximum": crate::memory::MAX_LIMIT, "description": "Most hits; default 5"}
                },
                "required": ["query"],
                "additionalProperties": false
            }),
        },
        ToolSpec {
            name: "memory_store".into(),
            description: "Remember a note for later tasks of the organization (a fact, a decision, where something lives).".into(),
            parameters: json!({
                "type": "object",
                "properties": {"text": {"type": "string"}},
                "required": ["text"],
                "additionalProperties": false
            }),
        },
    ]
}

/// A call of one of the [`memory_tool_specs`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemoryCall {
    /// `memory_search {query, limit?}`.
    Search {
        /// What to look for.
        query: String,
        /// Most hits.
        limit: usize,
    },
    /// `memory_store {text}`.
    Store {
        /// The note.
        text: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemorySearchArgs {
    query: String,
    #[serde(default)]
    limit: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemoryStoreArgs {
    text: String,
}

/// The memory call `name` names, with its parsed arguments (`Err` for bad ones); `None` for
/// any other tool.
pub fn memory_call(name: &str, arguments: &str) -> Option<Result<MemoryCall, String>> {
    match name {
        "memory_search" => {
            Some(
                parse_args::<MemorySearchArgs>(arguments).map(|args| MemoryCall::Search {
                    query: args.query,
                    limit: args.limit.unwrap_or(DEFAULT_MEMORY_HITS),
                }),
            )
        }
        "memory_store" => Some(
            parse_args::<MemoryStoreArgs>(arguments)
                .map(|args| MemoryCall::Store { text: args.text }),
        ),
        _ => None,
    }
}

/// Search hits as the model reads them: score, where from, text.
pub fn format_hits(hits: &[crate::memory::Hit]) -> String {
    if hits.is_empty() {
        return "no memories match".into();
    }
    let mut out = String::new();
    for (n, hit) in hits.iter().enumerate() {
        let from = match &hit.source {
            crate::memory::Source::Chunk {
                path,
                start_line,
                end_line,
                ..
            } => format!("{path}:{start_line}-{end_line}"),
            crate::memory::Source::Note { task_id, metadata } => {
                let mut from = match task_id {
                    Some(task) => format!("note of task {task}"),
                    None => "note".to_owned(),
                };
                if !metadata.is_empty() {
                    let pairs: Vec<String> =
                        metadata.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
                    from.push_str(&format!(" [{}]", pairs.join(", ")));
                }
                from
            }
        };
        if n > 0 {
            out.push_str("\n\n");
        }
        out.push_str(&format!(
            "[{}] {from} (score {:.3})\n{}",
            n + 1,
            hit.score,
            hit.text
        ));
    }
    out
}

/// What a tool call produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolOutcome {
    /// Output for the model.
    Output(String),
    /// The call was refused or failed; the message is shown to the model.
    Error(String),
    /// The model called `finish` with this summary.
    Finish(String),
}

impl ToolOutcome {
    /// The text sent back to the model.
    pub fn to_message(&self) -> String {
        match self {
            ToolOutcome::Output(text) => text.clone(),
            ToolOutcome::Error(text) => format!("error: {text}"),
            ToolOutcome::Finish(_) => "ok".to_owned(),
        }
    }
}

/// A task's work dir, as the tools see it.
#[derive(Debug)]
pub struct Workspace {
    root: PathBuf,
    changed: BTreeSet<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListArgs {
    #[serde(default)]
    path: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PathArgs {
    path: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WriteArgs {
    path: String,
    content: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchArgs {
    pattern: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FinishArgs {
    summary: String,
}

fn parse_args<T: for<'de> Deserialize<'de>>(arguments: &str) -> Result<T, String> {
    let arguments = if arguments.trim().is_empty() {
        "{}"
    } else {
        arguments
    };
    serde_json::from_str(arguments).map_err(|err| format!("invalid arguments: {err}"))
}

impl Workspace {
    /// Opens the work dir `root`, which must exist.
    pub fn open(root: &Path) -> io::Result<Self> {
        Ok(Self {
            root: root.canonicalize()?,
            changed: BTreeSet::new(),
        })
    }

    /// The work dir.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Paths written so far, relative to the root, sorted.
    pub fn changed_paths(&self) -> Vec<String> {
        self.changed.iter().cloned().collect()
    }

    /// Runs one tool call. Never panics; every failure is an [`ToolOutcome::Error`].
    pub fn execute(&mut self, name: &str, arguments: &str) -> ToolOutcome {
        let result = match name {
            "list_files" => parse_args::<ListArgs>(arguments)
                .and_then(|args| self.list_files(args.path.as_deref().unwrap_or(""))),
            "read_file" => {
                parse_args::<PathArgs>(arguments).and_then(|args| self.read_file(&args.path))
            }
            "write_file" => parse_args::<WriteArgs>(arguments)
                .and_then(|args| self.write_file(&args.path, &args.content)),
            "search_files" => {
                parse_args::<SearchArgs>(arguments).and_then(|args| self.search(&args.pattern))
            }
            "finish" => {
                return match parse_args::<FinishArgs>(arguments) {
                    Ok(args) if !args.summary.trim().is_empty() => {
                        ToolOutcome::Finish(args.summary.trim().to_owned())
                    }
                    Ok(_) => ToolOutcome::Error("summary must not be empty".into()),
                    Err(err) => ToolOutcome::Error(err),
                };
            }
            other => Err(format!("unknown tool `{other}`")),
        };
        match result {
            Ok(output) => ToolOutcome::Output(output),
            Err(message) => ToolOutcome::Error(message),
        }
    }

    /// Checks a model-supplied relative path lexically and returns its components.
    fn components(relative: &str) -> Result<Vec<String>, String> {
        let path = Path::new(relative);
        let mut parts = Vec::new();
        for component in path.components() {
            match component {
                Component::CurDir => {}
                Component::Normal(part) => {
                    let Some(part) = part.to_str() else {
                        return Err("path is not valid UTF-8".into());
                    };
                    if part.eq_ignore_ascii_case(".git") {
                        return Err(format!("`{relative}`: the .git directory is off limits"));
                    }
                    parts.push(part.to_owned());
                }
                Component::ParentDir => {
                    return Err(format!("`{relative}`: `..` is not allowed in paths"));
                }
                Component::RootDir | Component::Prefix(_) => {
                    return Err(format!(
                        "`{relative}`: absolute paths are not allowed; use paths relative to the repository root"
                    ));
                }
            }
        }
        Ok(parts)
    }

    /// Resolves an existing path, following symlinks only while they stay inside the root.
    fn resolve_existing(&self, relative: &str) -> Result<PathBuf, String> {
        let parts = Self::components(relative)?;
        let joined = parts.iter().fold(self.root.clone(), |acc, p| acc.join(p));
        let resolved = joined.canonicalize().map_err(|err| match err.kind() {
            io::ErrorKind::NotFound => format!("`{relative}` does not exist"),
            _ => format!("`{relative}`: {err}"),
        })?;
        if !resolved.starts_with(&self.root) {
            return Err(format!("`{relative}` leads outside the repository"));
        }
        if resolved
            .strip_prefix(&self.root)
            .ok()
            .and_then(|rest| rest.components().next())
            .is_some_and(|first| first.as_os_str().eq_ignore_ascii_case(".git"))
        {
            return Err(format!("`{relative}`: the .git directory is off limits"));
        }
        Ok(resolved)
    }

    fn relative_display(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    }

    fn list_files(&self, relative: &str) -> Result<String, String> {
        let start = self.resolve_existing(relative)?;
        let mut entries = Vec::new();
        let mut truncated = false;
        let walker = walk(&start);
        for path in walker {
            if entries.len() == MAX_LIST_ENTRIES {
                truncated = true;
                break;
            }
            entries.push(self.relative_display(&path));
        }
        entries.sort();
        let mut out = entries.join("\n");
        if truncated {
            out.push_str(&format!(
                "\n[listing truncated at {MAX_LIST_ENTRIES} entries]"
            ));
        }
        if out.is_empty() {
            out = "(no files)".into();
        }
        Ok(out)
    }

    fn read_file(&self, relative: &str) -> Result<String, String> {
        let path = self.resolve_existing(relative)?;
        if !path.is_file() {
            return Err(format!("`{relative}` is not a file"));
        }
        let mut file = fs::File::open(&path).map_err(|err| format!("`{relative}`: {err}"))?;
        let mut buf = Vec::new();
        (&mut file)
            .take(MAX_READ_BYTES as u64 + 1)
            .read_to_end(&mut buf)
            .map_err(|err| format!("`{relative}`: {err}"))?;
        let truncated = buf.len() > MAX_READ_BYTES;
        buf.truncate(MAX_READ_BYTES);
        let mut text = match String::from_utf8(buf) {
            Ok(text) => text,
            Err(_) if !truncated => return Err(format!("`{relative}` is not a UTF-8 text file")),
            Err(err) => {
                // The cut may have split a character; keep the valid prefix.
                let valid = err.utf8_error().valid_up_to();
                let mut bytes = err.into_bytes();
                bytes.truncate(valid);
                String::from_utf8(bytes).unwrap_or_default()
            }
        };
        if truncated {
            text.push_str(&format!("\n[file truncated at {MAX_READ_BYTES} bytes]"));
        }
        Ok(text)
    }

    fn write_file(&mut self, relative: &str, content: &str) -> Result<String, String> {
        if content.len() > MAX_WRITE_BYTES {
            return Err(format!("content is larger than {MAX_WRITE_BYTES} bytes"));
        }
        let parts = Self::components(relative)?;
        let Some((file_name, dirs)) = parts.split_last() else {
            return Err("a file path is required".into());
        };
        // Walk the directories one by one: each must be a real directory inside the root
        // (a symlinked directory is resolved and must stay inside), created if missing.
        let mut dir = self.root.clone();
        for part in dirs {
            let next = dir.join(part);
            match fs::symlink_metadata(&next) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    let target = next
                        .canonicalize()
                        .map_err(|err| format!("`{relative}`: {err}"))?;
                    if !target.starts_with(&self.root) || !target.is_dir() {
                        return Err(format!("`{relative}` leads outside the repository"));
                    }
                    dir = target;
                }
                Ok(meta) if meta.is_dir() => dir = next,
                Ok(_) => return Err(format!("`{relative}`: `{part}` is not a directory")),
                Err(err) if err.kind() == io::ErrorKind::NotFound => {
                    fs::create_dir(&next).map_err(|err| format!("`{relative}`: {err}"))?;
                    dir = next;
                }
                Err(err) => return Err(format!("`{relative}`: {err}")),
            }
        }
        let target = dir.join(file_name);
        if let Ok(meta) = fs::symlink_metadata(&target) {
            if meta.file_type().is_symlink() {
                return Err(format!(
                    "`{relative}` is a symlink; writing through symlinks is not allowed"
                ));
            }
            if meta.is_dir() {
                return Err(format!("`{relative}` is a directory"));
            }
        }
        fs::write(&target, content).map_err(|err| format!("`{relative}`: {err}"))?;
        let stored = self.relative_display(&target);
        self.changed.insert(stored.clone());
        Ok(format!("wrote {} bytes to {stored}", content.len()))
    }

    fn search(&self, pattern: &str) -> Result<String, String> {
        let regex = regex::RegexBuilder::new(pattern)
            .size_limit(1 << 20)
            .build()
            .map_err(|err| format!("invalid pattern: {err}"))?;
        let mut matches = Vec::new();
        'files: for path in walk(&self.root) {
            let Ok(meta) = fs::metadata(&path) else {
                continue;
            };
            if meta.len() > MAX_SEARCH_FILE_BYTES {
                continue;
            }
            let Ok(text) = fs::read_to_string(&path) else {
                continue;
            };
            for (index, line) in text.lines().enumerate() {
                if regex.is_match(line) {
                    if matches.len() == MAX_SEARCH_MATCHES {
                        matches.push(format!("[stopped after {MAX_SEARCH_MATCHES} matches]"));
                        break 'files;
                    }
                    let line: String = line.chars().take(300).collect();
                    matches.push(format!(
                        "{}:{}: {line}",
                        self.relative_display(&path),
                        index + 1
                    ));
                }
            }
        }
        if matches.is_empty() {
            return Ok("no matches".into());
        }
        Ok(matches.join("\n"))
    }
}

/// Regular files under `start` (not following symlinks, skipping `.git`), in a stable order.
fn walk(start: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![start.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(read) = fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = read.filter_map(Result::ok).collect();
        entries.sort_by_key(|entry| entry.file_name());
        for entry in entries.into_iter().rev() {
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name();
            if file_type.is_dir() {
                if !name.eq_ignore_ascii_case(".git") {
                    stack.push(entry.path());
                }
            } else if file_type.is_file() {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("src")).unwrap();
        fs::create_dir_all(dir.path().join(".git")).unwrap();
        fs::write(
            dir.path().join("src/lib.rs"),
            "fn main() {}\n// TODO: validate\n",
        )
        .unwrap();
        fs::write(dir.path().join("README.md"), "hello\n").unwrap();
        fs::write(dir.path().join(".git/config"), "[core]\n").unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        (dir, ws)
    }

    fn error_of(outcome: ToolOutcome) -> String {
        match outcome {
            ToolOutcome::Error(message) => message,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn lists_reads_writes_and_searches_inside_the_root() {
        let (_dir, mut ws) = workspace();
        assert_eq!(
            ws.execute("list_files", "{}"),
            ToolOutcome::Output("README.md\nsrc/lib.rs".into())
        );
        assert_eq!(
            ws.execute("read_file", r#"{"path":"./README.md"}"#),
            ToolOutcome::Output("hello\n".into())
        );
        assert!(matches!(
            ws.execute(
                "write_file",
                r#"{"path":"docs/new/notes.md","content":"x"}"#
            ),
            ToolOutcome::Output(_)
        ));
        assert_eq!(ws.changed_paths(), vec!["docs/new/notes.md".to_owned()]);
        assert_eq!(
            ws.execute("search_files", r#"{"pattern":"TODO"}"#),
            ToolOutcome::Output("src/lib.rs:2: // TODO: validate".into())
        );
        assert_eq!(
            ws.execute("finish", r#"{"summary":" done "}"#),
            ToolOutcome::Finish("done".into())
        );
    }

    #[test]
    fn refuses_parent_absolute_and_git_paths() {
        let (_dir, mut ws) = workspace();
        let escape = error_of(ws.execute("read_file", r#"{"path":"../etc/passwd"}"#));
        assert!(escape.contains("`..` is not allowed"), "{escape}");
        let sneaky = error_of(ws.execute("write_file", r#"{"path":"src/../../x","content":"x"}"#));
        assert!(sneaky.contains("`..`"), "{sneaky}");
        let absolute = error_of(ws.execute("read_file", r#"{"path":"/etc/passwd"}"#));
        assert!(absolute.contains("absolute paths"), "{absolute}");
        let git = error_of(ws.execute(
            "write_file",
            r#"{"path":".git/hooks/pre-push","content":"x"}"#,
        ));
        assert!(git.contains(".git"), "{git}");
        let git_read = error_of(ws.execute("read_file", r#"{"path":".GIT/config"}"#));
        assert!(git_read.contains(".git"), "{git_read}");
        assert!(ws.changed_paths().is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_root_are_not_followed() {
        let (dir, mut ws) = workspace();
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret"), "top secret").unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("escape")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret"),
            dir.path().join("secret-link"),
        )
        .unwrap();
        std::os::unix::fs::symlink("README.md", dir.path().join("inside-link")).unwrap();

        let read = error_of(ws.execute("read_file", r#"{"path":"escape/secret"}"#));
        assert!(read.contains("outside"), "{read}");
        let read_link = error_of(ws.execute("read_file", r#"{"path":"secret-link"}"#));
        assert!(read_link.contains("outside"), "{read_link}");
        let write =
            error_of(ws.execute("write_file", r#"{"path":"escape/planted","content":"x"}"#));
        assert!(write.contains("outside"), "{write}");
        assert!(!outside.path().join("planted").exists());
        let through = error_of(ws.execute("write_file", r#"{"path":"inside-link","content":"x"}"#));
        assert!(through.contains("symlink"), "{through}");
        // A symlink that stays inside may be read.
        assert_eq!(
            ws.execute("read_file", r#"{"path":"inside-link"}"#),
            ToolOutcome::Output("hello\n".into())
        );
        // Listing does not descend into the escaping link.
        let ToolOutcome::Output(listing) = ws.execute("list_files", "{}") else {
            panic!("listing failed")
        };
        assert!(!listing.contains("secret"), "{listing}");
    }

    #[test]
    fn bad_arguments_are_tool_errors() {
        let (_dir, mut ws) = workspace();
        assert!(error_of(ws.execute("read_file", "not json")).contains("invalid arguments"));
        assert!(error_of(ws.execute("read_file", r#"{"file":"x"}"#)).contains("invalid arguments"));
        assert!(error_of(ws.execute("rm_rf", "{}")).contains("unknown tool"));
        assert!(
            error_of(ws.execute("search_files", r#"{"pattern":"("}"#)).contains("invalid pattern")
        );
        assert!(error_of(ws.execute("finish", r#"{"summary":"  "}"#)).contains("empty"));
        assert!(
            error_of(ws.execute("read_file", r#"{"path":"missing.txt"}"#))
                .contains("does not exist")
        );
    }

    #[test]
    fn hits_name_their_source_and_notes_their_metadata() {
        use crate::domain::{OrgId, TaskId};
        use crate::memory::{Hit, Metadata, PointId, Source};
        let task = TaskId::new();
        let hit = |source, text: &str| Hit {
            id: PointId::new(),
            org_id: OrgId::new(),
            score: 0.5,
            source,
            text: text.into(),
        };
        let hits = [
            hit(
                Source::Note {
                    task_id: Some(task),
                    metadata: Metadata::new(),
                },
                "by a task",
            ),
            hit(
                Source::Note {
                    task_id: None,
                    metadata: Metadata::from([
                        ("source".to_owned(), "slack".to_owned()),
                        ("ticket".to_owned(), "ENG-42".to_owned()),
                    ]),
                },
                "through the API",
            ),
        ];
        assert_eq!(
            format_hits(&hits),
            format!(
                "[1] note of task {task} (score 0.500)\nby a task\n\n\
                 [2] note [source=\"slack\", ticket=\"ENG-42\"] (score 0.500)\nthrough the API"
            )
        );
        assert_eq!(format_hits(&[]), "no memories match");
    }
}
