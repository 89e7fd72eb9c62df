//! The pure half of `orchard migrate`: the migration files built into the binary, how one is
//! split into statements, its checksum, what to apply given what the cluster has recorded, and
//! the keyspace's DDL. Nothing here talks to a cluster ([`super::migrate`] does), so all of it
//! is tested without one.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::store::scylla_cql::{InvalidKeyspace, with_keyspace};

/// The component whose migrations `schema_migrations` records (its partition key).
pub(crate) const COMPONENT: &str = "store";

/// Every file of `schema/cql/`, in order. A test checks that this list is the directory's
/// contents, so a new file cannot be forgotten here.
pub(crate) const FILES: &[(&str, &str)] = &[
    (
        "0001_migrations.cql",
        include_str!("../../../schema/cql/0001_migrations.cql"),
    ),
    (
        "0002_orgs.cql",
        include_str!("../../../schema/cql/0002_orgs.cql"),
    ),
    (
        "0003_tasks.cql",
        include_str!("../../../schema/cql/0003_tasks.cql"),
    ),
    (
        "0004_credentials.cql",
        include_str!("../../../schema/cql/0004_credentials.cql"),
    ),
    (
        "0005_usage_billing.cql",
        include_str!("../../../schema/cql/0005_usage_billing.cql"),
    ),
    (
        "0006_pull_requests.cql",
        include_str!("../../../schema/cql/0006_pull_requests.cql"),
    ),
    (
        "0007_jira.cql",
        include_str!("../../../schema/cql/0007_jira.cql"),
    ),
];

/// One migration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Migration {
    /// The number its name starts with (`0003_tasks.cql` → 3).
    pub(crate) version: i32,
    /// The file name.
    pub(crate) name: String,
    /// Its statements, comments removed, with the `{keyspace}` placeholder.
    pub(crate) statements: Vec<String>,
    /// [`checksum`] of the statements.
    pub(crate) checksum: String,
}

/// What `schema_migrations` says was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Applied {
    /// The file's version.
    pub(crate) version: i32,
    /// The file's name when it was applied.
    pub(crate) name: String,
    /// Its checksum when it was applied.
    pub(crate) checksum: String,
}

/// Why the migrations cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum MigrationError {
    /// A file name does not start with a number and `_`, or does not end in `.cql`.
    #[error("migration file {0:?} is not named NNNN_name.cql")]
    BadName(String),
    /// Two files have one number, or the list is out of order.
    #[error("migration files {0:?} and {1:?}: numbers must increase")]
    OutOfOrder(String, String),
    /// A file holds no statement.
    #[error("migration file {0:?} has no statement")]
    Empty(String),
    /// A statement is not ended by `;`, or a quote is not closed.
    #[error("migration file {0:?}: {1}")]
    Syntax(String, String),
    /// A file that was applied has changed since.
    #[error(
        "migration {name} was applied with checksum {applied} but the file now has {now}: an applied migration must never be edited; undo the edit and add a new migration"
    )]
    Edited {
        /// The file.
        name: String,
        /// Checksum recorded when it was applied.
        applied: String,
        /// Checksum of this build's file.
        now: String,
    },
    /// The applied file of this number has another name in this build.
    #[error("migration {version} was applied as {applied:?} but this build has {now:?}")]
    Renamed {
        /// Its number.
        version: i32,
        /// Its name when applied.
        applied: String,
        /// Its name in this build.
        now: String,
    },
    /// The cluster has a migration this build does not know: a newer build applied it.
    #[error(
        "the cluster has migration {version} ({name}) which this build does not have: run a newer build's `orchard migrate`"
    )]
    Unknown {
        /// Its number.
        version: i32,
        /// Its name.
        name: String,
    },
    /// A file not applied yet comes before one that was: added out of order.
    #[error(
        "migration {name} is not applied but migration {later} after it is: renumber it after the last applied one"
    )]
    Gap {
        /// The file not applied.
        name: String,
        /// The applied file after it.
        later: String,
    },
}

/// The migrations built into this binary, parsed and in order.
pub(crate) fn embedded() -> Result<Vec<Migration>, MigrationError> {
    parse_files(FILES)
}

/// `files` (name, text) as migrations; the names must be `NNNN_name.cql` in increasing order.
pub(crate) fn parse_files(files: &[(&str, &str)]) -> Result<Vec<Migration>, MigrationError> {
    let mut migrations: Vec<Migration> = Vec::with_capacity(files.len());
    for (name, text) in files {
        let version = version_of(name).ok_or_else(|| MigrationError::BadName((*name).into()))?;
        if let Some(previous) = migrations.last()
            && previous.version >= version
        {
            return Err(MigrationError::OutOfOrder(
                previous.name.clone(),
                (*name).into(),
            ));
        }
        let statements =
            split_statements(text).map_err(|err| MigrationError::Syntax((*name).into(), err))?;
        if statements.is_empty() {
            return Err(MigrationError::Empty((*name).into()));
        }
        migrations.push(Migration {
            version,
            name: (*name).into(),
            checksum: checksum(&statements),
            statements,
        });
    }
    Ok(migrations)
}

/// `0003_tasks.cql` → 3.
fn version_of(name: &str) -> Option<i32> {
    let stem = name.strip_suffix(".cql")?;
    let (number, rest) = stem.split_once('_')?;
    let valid = !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
        && !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !valid {
        return None;
    }
    number.parse().ok().filter(|v| *v > 0)
}

/// The statements of a CQL file, each without its `;`, trimmed: `--` and `//` comments (to the
/// end of the line) are removed, except inside `'strings'` and `"identifiers"`.
pub(crate) fn split_statements(text: &str) -> Result<Vec<String>, String> {
    let mut statements = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        if let Some(open) = quote {
            current.push(c);
            if c == open {
                // A doubled quote is an escaped one and stays inside the literal.
                if chars.peek() == Some(&open) {
                    current.push(open);
                    chars.next();
                } else {
                    quote = None;
                }
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                current.push(c);
            }
            '-' | '/' if chars.peek() == Some(&c) => {
                for skipped in chars.by_ref() {
                    if skipped == '\n' {
                        current.push('\n');
                        break;
                    }
                }
            }
            ';' => {
                let statement = current.trim();
                if statement.is_empty() {
                    return Err("an empty statement (`;` alone)".into());
                }
                statements.push(statement.to_owned());
                current.clear();
            }
            _ => current.push(c),
        }
    }
    if let Some(open) = quote {
        return Err(format!("a {open} is not closed"));
    }
    let rest = current.trim();
    if !rest.is_empty() {
        let start: String = rest.chars().take(60).collect();
        return Err(format!("the last statement has no `;`: {start}…"));
    }
    Ok(statements)
}

/// SHA-256 (hex) of a file's statements, one per line, each ended by `;`. Comments are not part
/// of it: fixing a comment of an applied file is allowed, changing a statement is not.
pub(crate) fn checksum(statements: &[String]) -> String {
    let mut hasher = Sha256::new();
    for statement in statements {
        hasher.update(statement.as_bytes());
        hasher.update(b";\n");
    }
    hex::encode(hasher.finalize())
}

/// The migrations to apply, in order, given what the cluster recorded. Fails on an applied
/// file that was edited or renamed since, on an applied one this build does not have, and on
/// a file not applied yet that comes before an applied one.
pub(crate) fn pending<'a>(
    migrations: &'a [Migration],
    applied: &[Applied],
) -> Result<Vec<&'a Migration>, MigrationError> {
    let recorded: BTreeMap<i32, &Applied> = applied.iter().map(|a| (a.version, a)).collect();
    for record in recorded.values() {
        let Some(file) = migrations.iter().find(|m| m.version == record.version) else {
            return Err(MigrationError::Unknown {
                version: record.version,
                name: record.name.clone(),
            });
        };
        if file.name != record.name {
            return Err(MigrationError::Renamed {
                version: record.version,
                applied: record.name.clone(),
                now: file.name.clone(),
            });
        }
        if file.checksum != record.checksum {
            return Err(MigrationError::Edited {
                name: file.name.clone(),
                applied: record.checksum.clone(),
                now: file.checksum.clone(),
            });
        }
    }
    let todo: Vec<&Migration> = migrations
        .iter()
        .filter(|m| !recorded.contains_key(&m.version))
        .collect();
    if let (Some(first), Some((_, last))) = (todo.first(), recorded.last_key_value())
        && first.version < last.version
    {
        return Err(MigrationError::Gap {
            name: first.name.clone(),
            later: last.name.clone(),
        });
    }
    Ok(todo)
}

/// `CREATE KEYSPACE IF NOT EXISTS`, with NetworkTopologyStrategy over `replication`
/// (datacenter → factor) and tablets off (ScyllaDB documents no LWT in tablets keyspaces).
/// The datacenter names are checked by the configuration (letters, digits, `_-.`).
pub(crate) fn keyspace_ddl(
    keyspace: &str,
    replication: &BTreeMap<String, u32>,
) -> Result<String, InvalidKeyspace> {
    let mut factors = String::new();
    for (dc, factor) in replication {
        let _ = write!(factors, ", '{dc}': {factor}");
    }
    with_keyspace(
        &format!(
            "CREATE KEYSPACE IF NOT EXISTS {{keyspace}} WITH replication = \
             {{'class': 'NetworkTopologyStrategy'{factors}}} AND tablets = {{'enabled': false}}"
        ),
        keyspace,
    )
}

/// Who holds the migration lock: host name, process id and a random part (two runners in one
/// process, as in the tests, are told apart).
pub(crate) fn lock_holder() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".into());
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("{host}:{}:{}", std::process::id(), &random[..12])
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn file(name: &str, text: &str) -> Migration {
        parse_files(&[(name, text)]).unwrap().remove(0)
    }

    fn applied(m: &Migration) -> Applied {
        Applied {
            version: m.version,
            name: m.name.clone(),
            checksum: m.checksum.clone(),
        }
    }

    #[test]
    fn the_embedded_list_is_the_schema_directory() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/cql");
        let mut on_disk: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "cql"))
            .map(|path| {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&path).unwrap())
            })
            .collect();
        on_disk.sort();
        let embedded: Vec<(String, String)> = FILES
            .iter()
            .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
            .collect();
        assert_eq!(
            embedded.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            on_disk.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            "FILES in src/store/scylla/migrations.rs must list every file of schema/cql/, in order"
        );
        assert_eq!(embedded, on_disk);
        let every = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(every, on_disk.len(), "schema/cql/ holds only .cql files");
    }

    #[test]
    fn the_embedded_files_parse_in_order() {
        let migrations = embedded().unwrap();
        let versions: Vec<i32> = migrations.iter().map(|m| m.version).collect();
        assert_eq!(versions, [1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(migrations[0].name, "0001_migrations.cql");
        for m in &migrations {
            for statement in &m.statements {
                assert!(
                    statement.starts_with("CREATE TABLE IF NOT EXISTS {keyspace}.")
                        || statement
                            .starts_with("CREATE MATERIALIZED VIEW IF NOT EXISTS {keyspace}.")
                        || statement.starts_with("ALTER TABLE {keyspace}."),
                    "{}: every statement creates if not exists, or adds a column: {statement}",
                    m.name
                );
                assert!(!statement.contains("--"), "{statement}");
            }
        }
        // 0001 is run before the lock exists, so it may only create what is missing.
        assert_eq!(migrations[0].statements.len(), 2);
        let created: usize = migrations
            .iter()
            .flat_map(|m| &m.statements)
            .filter(|s| s.starts_with("CREATE"))
            .count();
        assert_eq!(created, 17, "the tables and views of docs/data-model.md");
    }

    #[test]
    fn statements_split_on_semicolons_outside_comments_and_quotes() {
        let text = "-- a comment; with a semicolon\n\
                    CREATE TABLE a (x int PRIMARY KEY); // trailing; comment\n\
                    \n\
                    INSERT INTO a (x, y) VALUES (1, 'it''s; -- not a comment');\n\
                    CREATE TABLE \"Odd;Name\" (x int PRIMARY KEY) -- why\n\
                    WITH comment = 'a // b';\n\
                    -- the end\n";
        assert_eq!(
            split_statements(text).unwrap(),
            [
                "CREATE TABLE a (x int PRIMARY KEY)",
                "INSERT INTO a (x, y) VALUES (1, 'it''s; -- not a comment')",
                "CREATE TABLE \"Odd;Name\" (x int PRIMARY KEY) \nWITH comment = 'a // b'",
            ]
        );
        assert_eq!(
            split_statements("-- nothing\n\n").unwrap(),
            Vec::<String>::new()
        );
        // A single `-` or `/` is not a comment.
        assert_eq!(split_statements("SELECT 1-2/3;").unwrap(), ["SELECT 1-2/3"]);
        assert!(split_statements("CREATE TABLE a (x int)").is_err());
        assert!(split_statements("INSERT 'open;").is_err());
        assert!(split_statements("A; ;").is_err());
    }

    #[test]
    fn checksums_ignore_comments_but_not_statements() {
        let one = file("0002_a.cql", "-- v1\nCREATE TABLE a (x int);\n");
        let comment_fixed = file("0002_a.cql", "-- v1, better said\nCREATE TABLE a (x int);");
        let edited = file("0002_a.cql", "CREATE TABLE a (x bigint);");
        assert_eq!(one.checksum, comment_fixed.checksum);
        assert_ne!(one.checksum, edited.checksum);
        assert_eq!(one.checksum.len(), 64);
        // Stable across builds: recorded in clusters, so it must never change for a file.
        assert_eq!(
            checksum(&["CREATE TABLE a (x int)".to_owned()]),
            hex::encode(Sha256::digest(b"CREATE TABLE a (x int);\n"))
        );
    }

    #[test]
    fn file_names_are_numbered_and_in_order() {
        for bad in [
            "tasks.cql",
            "0002_tasks.sql",
            "0002-tasks.cql",
            "x2_a.cql",
            "0000_a.cql",
        ] {
            assert_eq!(
                parse_files(&[(bad, "CREATE TABLE a (x int);")]),
                Err(MigrationError::BadName(bad.into())),
                "{bad}"
            );
        }
        let stmt = "CREATE TABLE a (x int);";
        assert!(matches!(
            parse_files(&[("0002_b.cql", stmt), ("0002_c.cql", stmt)]),
            Err(MigrationError::OutOfOrder(..))
        ));
        assert!(matches!(
            parse_files(&[("0003_b.cql", stmt), ("0002_c.cql", stmt)]),
            Err(MigrationError::OutOfOrder(..))
        ));
        assert_eq!(
            parse_files(&[("0002_b.cql", "-- only a comment\n")]),
            Err(MigrationError::Empty("0002_b.cql".into()))
        );
    }

    #[test]
    fn pending_is_what_was_not_applied_in_order() {
        let all = embedded().unwrap();
        let names = |todo: Vec<&Migration>| todo.iter().map(|m| m.version).collect::<Vec<_>>();
        assert_eq!(names(pending(&all, &[]).unwrap()), [1, 2, 3, 4, 5, 6, 7]);
        let first_two: Vec<Applied> = all[..2].iter().map(applied).collect();
        assert_eq!(names(pending(&all, &first_two).unwrap()), [3, 4, 5, 6, 7]);
        let every: Vec<Applied> = all.iter().map(applied).collect();
        assert!(pending(&all, &every).unwrap().is_empty());
    }

    #[test]
    fn an_edited_renamed_unknown_or_skipped_migration_is_refused() {
        let all = embedded().unwrap();
        let mut records: Vec<Applied> = all.iter().map(applied).collect();
        records[2].checksum = "0".repeat(64);
        let err = pending(&all, &records).unwrap_err();
        assert!(
            matches!(&err, MigrationError::Edited { name, .. } if name == "0003_tasks.cql"),
            "{err}"
        );
        assert!(err.to_string().contains("must never be edited"), "{err}");

        let mut records: Vec<Applied> = all.iter().map(applied).collect();
        records[1].name = "0002_old_name.cql".into();
        assert!(matches!(
            pending(&all, &records),
            Err(MigrationError::Renamed { version: 2, .. })
        ));

        let mut records: Vec<Applied> = all.iter().map(applied).collect();
        records.push(Applied {
            version: 8,
            name: "0008_future.cql".into(),
            checksum: "f".repeat(64),
        });
        let err = pending(&all, &records).unwrap_err();
        assert!(matches!(err, MigrationError::Unknown { version: 8, .. }));
        assert!(err.to_string().contains("newer build"), "{err}");

        // 0003 missing while 0004 was applied: a file added below the last applied one.
        let records: Vec<Applied> = [0, 1, 3].iter().map(|i| applied(&all[*i])).collect();
        assert_eq!(
            pending(&all, &records),
            Err(MigrationError::Gap {
                name: "0003_tasks.cql".into(),
                later: "0004_credentials.cql".into()
            })
        );
    }

    #[test]
    fn the_keyspace_is_created_from_configuration() {
        let replication = BTreeMap::from([("eu-west".to_owned(), 3), ("us_east".to_owned(), 2)]);
        assert_eq!(
            keyspace_ddl("orchard", &replication).unwrap(),
            "CREATE KEYSPACE IF NOT EXISTS orchard WITH replication = \
             {'class': 'NetworkTopologyStrategy', 'eu-west': 3, 'us_east': 2} \
             AND tablets = {'enabled': false}"
        );
        assert!(keyspace_ddl("Orchard", &replication).is_err());
    }

    #[test]
    fn lock_holders_differ_within_one_process() {
        let (a, b) = (lock_holder(), lock_holder());
        assert_ne!(a, b);
        assert!(a.contains(&format!(":{}:", std::process::id())), "{a}");
    }
}
