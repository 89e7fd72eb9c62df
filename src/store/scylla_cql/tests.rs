//! Checks every statement of [`ALL`] against the schema in `schema/cql/`, without a cluster.
//!
//! CQL has no well-kept Rust parser, so this is a small one for the subset Orchard writes:
//! `CREATE TABLE` / `CREATE MATERIALIZED VIEW` in the schema, single-partition `SELECT`,
//! `INSERT`, `UPDATE` and `DELETE` (with lightweight-transaction conditions) in the statements.
//! Anything outside the subset is an error, so a statement the checker cannot read cannot
//! slip through unchecked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::*;

// --- tokens ---------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// An unquoted identifier or keyword, lowercased (CQL folds them).
    Word(String),
    /// `{keyspace}`.
    Keyspace,
    /// `?`.
    Marker,
    /// A string constant.
    Str(String),
    /// A number.
    Num(String),
    /// Punctuation: `( ) , . ; = < > <= >= != * { } :`.
    Sym(&'static str),
    /// A `--` comment, without the dashes, trimmed.
    Comment(String),
}

fn tokenize(text: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && next == Some('-') {
            let end = chars[i..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |n| i + n);
            let comment: String = chars[i + 2..end].iter().collect();
            toks.push(Tok::Comment(comment.trim().to_owned()));
            i = end;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            toks.push(Tok::Word(word.to_ascii_lowercase()));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            toks.push(Tok::Num(chars[start..i].iter().collect()));
        } else if c == '\'' {
            let mut value = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err("unterminated string constant".into()),
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                        value.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(&other) => {
                        value.push(other);
                        i += 1;
                    }
                }
            }
            toks.push(Tok::Str(value));
        } else if c == '{' && text[byte_offset(&chars, i)..].starts_with(KEYSPACE_PLACEHOLDER) {
            toks.push(Tok::Keyspace);
            i += KEYSPACE_PLACEHOLDER.chars().count();
        } else if c == '?' {
            toks.push(Tok::Marker);
            i += 1;
        } else {
            let two: Option<&'static str> = match (c, next) {
                ('<', Some('=')) => Some("<="),
                ('>', Some('=')) => Some(">="),
                ('!', Some('=')) => Some("!="),
                _ => None,
            };
            if let Some(sym) = two {
                toks.push(Tok::Sym(sym));
                i += 2;
                continue;
            }
            let sym = match c {
                '(' => "(",
                ')' => ")",
                ',' => ",",
                '.' => ".",
                ';' => ";",
                '=' => "=",
                '<' => "<",
                '>' => ">",
                '*' => "*",
                '{' => "{",
                '}' => "}",
                ':' => ":",
                '"' => return Err("quoted identifiers are not used in Orchard's CQL".into()),
                other => return Err(format!("unexpected character {other:?}")),
            };
            toks.push(Tok::Sym(sym));
            i += 1;
        }
    }
    Ok(toks)
}

fn byte_offset(chars: &[char], index: usize) -> usize {
    chars[..index].iter().map(|c| c.len_utf8()).sum()
}

/// Words that end a clause, so they are never taken for a column name.
const RESERVED: &[&str] = &[
    "add", "allow", "and", "as", "asc", "by", "create", "delete", "desc", "from", "if", "in",
    "insert", "into", "is", "limit", "not", "order", "primary", "select", "set", "update", "using",
    "values", "where", "with",
];

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn new(toks: Vec<Tok>) -> Self {
        Self { toks, pos: 0 }
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    fn next(&mut self) -> Result<Tok, String> {
        let tok = self
            .toks
            .get(self.pos)
            .cloned()
            .ok_or_else(|| "unexpected end of statement".to_owned())?;
        self.pos += 1;
        Ok(tok)
    }

    fn peek_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w == word)
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let found = self.peek_word(word);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect_word(&mut self, word: &str) -> Result<(), String> {
        if self.eat_word(word) {
            return Ok(());
        }
        Err(format!(
            "expected `{}`, found {}",
            word.to_uppercase(),
            self.describe()
        ))
    }

    fn eat_sym(&mut self, sym: &str) -> bool {
        let found = matches!(self.peek(), Some(Tok::Sym(s)) if *s == sym);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect_sym(&mut self, sym: &str) -> Result<(), String> {
        if self.eat_sym(sym) {
            return Ok(());
        }
        Err(format!("expected `{sym}`, found {}", self.describe()))
    }

    fn describe(&self) -> String {
        match self.peek() {
            None => "the end".into(),
            Some(Tok::Word(w)) => format!("`{w}`"),
            Some(Tok::Keyspace) => "`{keyspace}`".into(),
            Some(Tok::Marker) => "`?`".into(),
            Some(Tok::Str(s)) => format!("the string '{s}'"),
            Some(Tok::Num(n)) => format!("the number {n}"),
            Some(Tok::Sym(s)) => format!("`{s}`"),
            Some(Tok::Comment(_)) => "a comment".into(),
        }
    }

    fn ident(&mut self) -> Result<String, String> {
        match self.peek() {
            Some(Tok::Word(w)) if !RESERVED.contains(&w.as_str()) => {
                let word = w.clone();
                self.pos += 1;
                Ok(word)
            }
            _ => Err(format!("expected a name, found {}", self.describe())),
        }
    }

    /// `{keyspace}.name`: every table is qualified by the placeholder.
    fn table_name(&mut self) -> Result<String, String> {
        if self.next()? != Tok::Keyspace {
            return Err("table names must be written `{keyspace}.name`".into());
        }
        self.expect_sym(".")?;
        self.ident()
    }

    /// A value position: only a bind marker is allowed in a statement.
    fn marker(&mut self) -> Result<(), String> {
        match self.next()? {
            Tok::Marker => Ok(()),
            Tok::Str(_) | Tok::Num(_) => {
                Err("a literal value in a statement: bind it with `?`".into())
            }
            Tok::Word(w) if matches!(w.as_str(), "true" | "false" | "null") => Err(format!(
                "the literal `{w}` in a statement: bind it with `?`"
            )),
            _ => {
                self.pos -= 1;
                Err(format!("expected `?`, found {}", self.describe()))
            }
        }
    }
}

// --- the schema -----------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Writes {
    Lwt,
    Plain,
    View,
}

#[derive(Debug, Clone)]
struct Table {
    name: String,
    file: String,
    columns: BTreeMap<String, String>,
    partition: Vec<String>,
    clustering: Vec<String>,
    tenant: bool,
    writes: Writes,
    base: Option<String>,
}

impl Table {
    fn is_key(&self, column: &str) -> bool {
        self.partition
            .iter()
            .chain(&self.clustering)
            .any(|c| c == column)
    }
}

#[derive(Debug, Default)]
struct Schema {
    tables: BTreeMap<String, Table>,
}

/// The files of `schema/cql/`, in the order the runner applies them.
fn schema_files() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/cql");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            (name, text)
        })
        .collect();
    files.sort();
    files
}

fn parse_schema(files: &[(String, String)]) -> Result<Schema, String> {
    let mut schema = Schema::default();
    for (number, (file, text)) in files.iter().enumerate() {
        let expected_prefix = format!("{:04}_", number + 1);
        if !file.starts_with(&expected_prefix) || !file.ends_with(".cql") {
            return Err(format!(
                "{file}: migration files are named {expected_prefix}<name>.cql, numbered from 0001 without gaps"
            ));
        }
        let toks = tokenize(text).map_err(|e| format!("{file}: {e}"))?;
        for statement in toks.split(|t| *t == Tok::Sym(";")) {
            let tag = statement.iter().rev().find_map(|t| match t {
                Tok::Comment(c) if c.starts_with("kind:") => Some(c.clone()),
                _ => None,
            });
            let code: Vec<Tok> = statement
                .iter()
                .filter(|t| !matches!(t, Tok::Comment(_)))
                .cloned()
                .collect();
            if code.is_empty() {
                continue;
            }
            let table = parse_create(code, file, tag.as_deref(), &schema)
                .map_err(|e| format!("{file}: {e}"))?;
            if schema.tables.contains_key(&table.name) {
                return Err(format!("{file}: table {} is defined twice", table.name));
            }
            schema.tables.insert(table.name.clone(), table);
        }
        if !text.trim_end().ends_with(';') {
            return Err(format!("{file}: the last statement must end with `;`"));
        }
    }
    Ok(schema)
}

/// `kind: tenant|global; writes: lwt|plain|view`.
fn parse_tag(tag: Option<&str>) -> Result<(bool, Writes), String> {
    let tag = tag.ok_or("no `-- kind: ...; writes: ...` line above it")?;
    let mut kind = None;
    let mut writes = None;
    for part in tag.split(';') {
        let (key, value) = part
            .split_once(':')
            .ok_or_else(|| format!("malformed tag {tag:?}"))?;
        match (key.trim(), value.trim()) {
            ("kind", "tenant") => kind = Some(true),
            ("kind", "global") => kind = Some(false),
            ("writes", "lwt") => writes = Some(Writes::Lwt),
            ("writes", "plain") => writes = Some(Writes::Plain),
            ("writes", "view") => writes = Some(Writes::View),
            _ => return Err(format!("malformed tag {tag:?}")),
        }
    }
    match (kind, writes) {
        (Some(kind), Some(writes)) => Ok((kind, writes)),
        _ => Err(format!("tag {tag:?} needs both kind and writes")),
    }
}

/// CQL's reserved keywords: not usable as unquoted column names.
const CQL_RESERVED: &[&str] = &[
    "add",
    "allow",
    "alter",
    "and",
    "apply",
    "asc",
    "authorize",
    "batch",
    "begin",
    "by",
    "columnfamily",
    "create",
    "delete",
    "desc",
    "describe",
    "drop",
    "entries",
    "execute",
    "from",
    "full",
    "grant",
    "if",
    "in",
    "index",
    "infinity",
    "insert",
    "into",
    "is",
    "keyspace",
    "limit",
    "materialized",
    "modify",
    "nan",
    "norecursive",
    "not",
    "null",
    "of",
    "on",
    "or",
    "order",
    "primary",
    "rename",
    "replace",
    "revoke",
    "schema",
    "select",
    "set",
    "table",
    "to",
    "token",
    "truncate",
    "unlogged",
    "update",
    "use",
    "using",
    "view",
    "where",
    "with",
];

const SCALAR_TYPES: &[&str] = &[
    "ascii",
    "bigint",
    "blob",
    "boolean",
    "date",
    "decimal",
    "double",
    "duration",
    "float",
    "inet",
    "int",
    "smallint",
    "text",
    "time",
    "timestamp",
    "timeuuid",
    "tinyint",
    "uuid",
    "varchar",
    "varint",
];

fn parse_type(p: &mut Parser) -> Result<String, String> {
    let name = match p.next()? {
        Tok::Word(w) => w,
        _ => return Err("expected a type".into()),
    };
    match name.as_str() {
        "counter" => Err("counter columns are not used (docs/data-model.md, Counters)".into()),
        "frozen" | "list" | "set" | "map" | "tuple" => {
            p.expect_sym("<")?;
            let mut inner = vec![parse_type(p)?];
            while p.eat_sym(",") {
                inner.push(parse_type(p)?);
            }
            p.expect_sym(">")?;
            let arity_ok = match name.as_str() {
                "map" => inner.len() == 2,
                "tuple" => !inner.is_empty(),
                _ => inner.len() == 1,
            };
            if !arity_ok {
                return Err(format!("wrong number of type arguments for {name}"));
            }
            Ok(format!("{name}<{}>", inner.join(", ")))
        }
        scalar if SCALAR_TYPES.contains(&scalar) => Ok(name),
        other => Err(format!("unknown type {other}")),
    }
}

/// `PRIMARY KEY ((a, b), c, d)` or `PRIMARY KEY (a, c, d)`, after `PRIMARY KEY`.
fn parse_primary_key(p: &mut Parser) -> Result<(Vec<String>, Vec<String>), String> {
    p.expect_sym("(")?;
    let mut partition = Vec::new();
    if p.eat_sym("(") {
        partition.push(p.ident()?);
        while p.eat_sym(",") {
            partition.push(p.ident()?);
        }
        p.expect_sym(")")?;
    } else {
        partition.push(p.ident()?);
    }
    let mut clustering = Vec::new();
    while p.eat_sym(",") {
        clustering.push(p.ident()?);
    }
    p.expect_sym(")")?;
    Ok((partition, clustering))
}

/// `WITH option [AND option]*`: returns the CLUSTERING ORDER BY columns, if given.
fn parse_options(p: &mut Parser) -> Result<Option<Vec<String>>, String> {
    let mut order = None;
    if !p.eat_word("with") {
        return Ok(order);
    }
    loop {
        if p.eat_word("clustering") {
            p.expect_word("order")?;
            p.expect_word("by")?;
            p.expect_sym("(")?;
            let mut columns = Vec::new();
            loop {
                columns.push(p.ident()?);
                if !(p.eat_word("asc") || p.eat_word("desc")) {
                    return Err("CLUSTERING ORDER BY needs ASC or DESC for each column".into());
                }
                if !p.eat_sym(",") {
                    break;
                }
            }
            p.expect_sym(")")?;
            order = Some(columns);
        } else {
            p.ident()?;
            p.expect_sym("=")?;
            parse_option_value(p)?;
        }
        if !p.eat_word("and") {
            return Ok(order);
        }
    }
}

fn parse_option_value(p: &mut Parser) -> Result<(), String> {
    match p.next()? {
        Tok::Str(_) | Tok::Num(_) => Ok(()),
        Tok::Word(w) if w == "true" || w == "false" => Ok(()),
        Tok::Sym("{") => {
            if p.eat_sym("}") {
                return Ok(());
            }
            loop {
                match p.next()? {
                    Tok::Str(_) => {}
                    _ => return Err("map option keys are strings".into()),
                }
                p.expect_sym(":")?;
                parse_option_value(p)?;
                if p.eat_sym("}") {
                    return Ok(());
                }
                p.expect_sym(",")?;
            }
        }
        _ => Err("expected an option value".into()),
    }
}

fn parse_create(
    toks: Vec<Tok>,
    file: &str,
    tag: Option<&str>,
    schema: &Schema,
) -> Result<Table, String> {
    let mut p = Parser::new(toks);
    p.expect_word("create")?;
    let view = p.eat_word("materialized");
    if view {
        p.expect_word("view")?;
    } else if !p.eat_word("table") {
        return Err(format!(
            "only CREATE TABLE and CREATE MATERIALIZED VIEW belong in migrations, found CREATE {}",
            p.describe()
        ));
    }
    let (if_not_exists, name) = if p.eat_word("if") {
        p.expect_word("not")?;
        p.expect_word("exists")?;
        (true, p.table_name()?)
    } else {
        (false, p.table_name()?)
    };
    let at = |e: String| format!("{name}: {e}");
    if !if_not_exists {
        return Err(at(
            "needs IF NOT EXISTS, so that a migration can be run again".into(),
        ));
    }
    let (tenant, writes) = parse_tag(tag).map_err(at)?;
    let mut table = Table {
        name: name.clone(),
        file: file.to_owned(),
        columns: BTreeMap::new(),
        partition: Vec::new(),
        clustering: Vec::new(),
        tenant,
        writes,
        base: None,
    };
    if view {
        parse_view_body(&mut p, &mut table, schema).map_err(at)?;
    } else {
        parse_table_body(&mut p, &mut table).map_err(at)?;
    }
    let order = parse_options(&mut p).map_err(at)?;
    if !p.at_end() {
        return Err(at(format!(
            "unexpected {} after the definition",
            p.describe()
        )));
    }
    if let Some(order) = order
        && order != table.clustering
    {
        return Err(at(format!(
            "CLUSTERING ORDER BY {order:?} is not the clustering key {:?}",
            table.clustering
        )));
    }
    check_table(&table).map_err(at)?;
    Ok(table)
}

fn parse_table_body(p: &mut Parser, table: &mut Table) -> Result<(), String> {
    if table.writes == Writes::View {
        return Err("`writes: view` is for materialized views".into());
    }
    p.expect_sym("(")?;
    let mut key = None;
    loop {
        if p.eat_word("primary") {
            p.expect_word("key")?;
            key = Some(parse_primary_key(p)?);
        } else {
            let column = p.ident()?;
            if CQL_RESERVED.contains(&column.as_str()) {
                return Err(format!("{column} is a reserved CQL keyword"));
            }
            let ty = parse_type(p)?;
            if table.columns.insert(column.clone(), ty).is_some() {
                return Err(format!("column {column} is defined twice"));
            }
            if p.peek_word("primary") {
                return Err(format!(
                    "write the key as a PRIMARY KEY (...) clause, not inline on {column}"
                ));
            }
        }
        if p.eat_sym(")") {
            break;
        }
        p.expect_sym(",")?;
    }
    let (partition, clustering) = key.ok_or("no PRIMARY KEY clause")?;
    table.partition = partition;
    table.clustering = clustering;
    Ok(())
}

fn parse_view_body(p: &mut Parser, view: &mut Table, schema: &Schema) -> Result<(), String> {
    if view.writes != Writes::View {
        return Err("a materialized view is tagged `writes: view`".into());
    }
    p.expect_word("as")?;
    p.expect_word("select")?;
    let mut selected = vec![p.ident()?];
    while p.eat_sym(",") {
        selected.push(p.ident()?);
    }
    p.expect_word("from")?;
    let base_name = p.table_name()?;
    let base = schema
        .tables
        .get(&base_name)
        .ok_or_else(|| format!("base table {base_name} is not defined (before the view)"))?;
    if base.writes == Writes::View {
        return Err("a view of a view".into());
    }
    for column in &selected {
        let ty = base
            .columns
            .get(column)
            .ok_or_else(|| format!("base table {base_name} has no column {column}"))?;
        if view.columns.insert(column.clone(), ty.clone()).is_some() {
            return Err(format!("column {column} is selected twice"));
        }
    }
    p.expect_word("where")?;
    let mut not_null = BTreeSet::new();
    loop {
        let column = p.ident()?;
        p.expect_word("is")?;
        p.expect_word("not")?;
        p.expect_word("null")?;
        not_null.insert(column);
        if !p.eat_word("and") {
            break;
        }
    }
    p.expect_word("primary")?;
    p.expect_word("key")?;
    let (partition, clustering) = parse_primary_key(p)?;
    let key: Vec<&String> = partition.iter().chain(&clustering).collect();
    for column in &key {
        if !not_null.contains(*column) {
            return Err(format!("key column {column} needs `{column} IS NOT NULL`"));
        }
    }
    for column in base.partition.iter().chain(&base.clustering) {
        if !key.contains(&column) {
            return Err(format!(
                "the key must contain the base table's key column {column}"
            ));
        }
    }
    let extra = key.iter().filter(|c| !base.is_key(c)).count();
    if extra > 1 {
        return Err("at most one non-key column of the base table may join the key".into());
    }
    view.partition = partition;
    view.clustering = clustering;
    view.base = Some(base_name);
    Ok(())
}

fn check_table(table: &Table) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for column in table.partition.iter().chain(&table.clustering) {
        if !table.columns.contains_key(column) {
            return Err(format!("key column {column} is not a column"));
        }
        if !seen.insert(column) {
            return Err(format!("key column {column} appears twice"));
        }
    }
    if table.tenant && table.partition.first().map(String::as_str) != Some("org_id") {
        return Err(format!(
            "a tenant table's partition key starts with org_id, not {:?}",
            table.partition
        ));
    }
    if !table.tenant && table.partition.first().map(String::as_str) == Some("org_id") {
        return Err("partitioned by org_id: tag it `kind: tenant`".into());
    }
    Ok(())
}

// --- statements -----------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Select,
    Insert,
    Update,
    Delete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Range,
    In,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Condition {
    None,
    NotExists,
    Exists,
    Columns(Vec<String>),
}

#[derive(Debug)]
struct Statement {
    verb: Verb,
    table: String,
    selected: Vec<String>,
    assigned: Vec<String>,
    inserted: Vec<String>,
    values: usize,
    relations: Vec<(String, Op)>,
    condition: Condition,
    order_by: Option<String>,
    /// What each `?` binds, in order: a column, `if:<column>`, `<column>[]` for an IN list,
    /// `limit`, `ttl`.
    binds: Vec<String>,
}

fn parse_statement(text: &str) -> Result<Statement, String> {
    let toks = tokenize(text)?;
    if toks.iter().any(|t| matches!(t, Tok::Comment(_))) {
        return Err("no comments inside statements".into());
    }
    if toks.contains(&Tok::Sym(";")) {
        return Err("one statement, without `;`".into());
    }
    let mut p = Parser::new(toks);
    let verb = match p.next()? {
        Tok::Word(w) if w == "select" => Verb::Select,
        Tok::Word(w) if w == "insert" => Verb::Insert,
        Tok::Word(w) if w == "update" => Verb::Update,
        Tok::Word(w) if w == "delete" => Verb::Delete,
        Tok::Word(w) if w == "begin" || w == "apply" => {
            return Err("no BATCH: a batch over partitions is not atomic the way it looks".into());
        }
        _ => return Err("only SELECT, INSERT, UPDATE and DELETE".into()),
    };
    let mut s = Statement {
        verb,
        table: String::new(),
        selected: Vec::new(),
        assigned: Vec::new(),
        inserted: Vec::new(),
        values: 0,
        relations: Vec::new(),
        condition: Condition::None,
        order_by: None,
        binds: Vec::new(),
    };
    match verb {
        Verb::Select => parse_select(&mut p, &mut s)?,
        Verb::Insert => parse_insert(&mut p, &mut s)?,
        Verb::Update => parse_update(&mut p, &mut s)?,
        Verb::Delete => parse_delete(&mut p, &mut s)?,
    }
    if !p.at_end() {
        return Err(format!("unexpected {}", p.describe()));
    }
    Ok(s)
}

fn parse_select(p: &mut Parser, s: &mut Statement) -> Result<(), String> {
    if p.eat_sym("*") {
        return Err("SELECT *: name the columns, the store decodes them by position".into());
    }
    s.selected.push(p.ident()?);
    while p.eat_sym(",") {
        s.selected.push(p.ident()?);
    }
    p.expect_word("from")?;
    s.table = p.table_name()?;
    if p.eat_word("where") {
        parse_relations(p, s)?;
    }
    if p.eat_word("order") {
        p.expect_word("by")?;
        s.order_by = Some(p.ident()?);
        if !(p.eat_word("asc") || p.eat_word("desc")) {
            return Err("ORDER BY needs ASC or DESC".into());
        }
    }
    if p.eat_word("limit") {
        p.marker()?;
        s.binds.push("limit".into());
    }
    if p.eat_word("allow") {
        return Err("ALLOW FILTERING: a query must be served by its table's key".into());
    }
    Ok(())
}

fn parse_insert(p: &mut Parser, s: &mut Statement) -> Result<(), String> {
    p.expect_word("into")?;
    s.table = p.table_name()?;
    p.expect_sym("(")?;
    loop {
        s.inserted.push(p.ident()?);
        if p.eat_sym(")") {
            break;
        }
        p.expect_sym(",")?;
    }
    p.expect_word("values")?;
    p.expect_sym("(")?;
    loop {
        p.marker()?;
        s.values += 1;
        if p.eat_sym(")") {
            break;
        }
        p.expect_sym(",")?;
    }
    s.binds.extend(s.inserted.iter().take(s.values).cloned());
    if p.eat_word("if") {
        p.expect_word("not")?;
        p.expect_word("exists")?;
        s.condition = Condition::NotExists;
    }
    parse_using(p, s)
}

fn parse_update(p: &mut Parser, s: &mut Statement) -> Result<(), String> {
    s.table = p.table_name()?;
    parse_using(p, s)?;
    p.expect_word("set")?;
    loop {
        let column = p.ident()?;
        p.expect_sym("=")?;
        p.marker()?;
        s.binds.push(column.clone());
        s.assigned.push(column);
        if !p.eat_sym(",") {
            break;
        }
    }
    p.expect_word("where")?;
    parse_relations(p, s)?;
    parse_condition(p, s)
}

fn parse_delete(p: &mut Parser, s: &mut Statement) -> Result<(), String> {
    if !p.eat_word("from") {
        return Err("DELETE FROM: whole rows only, no column list".into());
    }
    s.table = p.table_name()?;
    parse_using(p, s)?;
    p.expect_word("where")?;
    parse_relations(p, s)?;
    parse_condition(p, s)
}

/// `USING TTL ? [AND TIMESTAMP ?]`.
fn parse_using(p: &mut Parser, s: &mut Statement) -> Result<(), String> {
    if !p.eat_word("using") {
        return Ok(());
    }
    loop {
        let what = p.ident()?;
        if what != "ttl" && what != "timestamp" {
            return Err(format!("USING {what}?"));
        }
        p.marker()?;
        s.binds.push(what);
        if !p.eat_word("and") {
            return Ok(());
        }
    }
}

fn parse_relations(p: &mut Parser, s: &mut Statement) -> Result<(), String> {
    loop {
        let column = p.ident()?;
        if p.peek() == Some(&Tok::Sym("(")) {
            return Err(format!(
                "function {column}(...) in WHERE (token ranges scan the cluster)"
            ));
        }
        let op = if p.eat_word("in") {
            parse_in_list(p, s, &column, "")?;
            Op::In
        } else {
            let op = match p.next()? {
                Tok::Sym("=") => Op::Eq,
                Tok::Sym("<" | ">" | "<=" | ">=") => Op::Range,
                _ => return Err(format!("unsupported operator after {column}")),
            };
            p.marker()?;
            s.binds.push(column.clone());
            op
        };
        s.relations.push((column, op));
        if !p.eat_word("and") {
            return Ok(());
        }
    }
}

/// After `IN`: `?` (a list bound as one value) or `(?, ?, ...)`.
fn parse_in_list(
    p: &mut Parser,
    s: &mut Statement,
    column: &str,
    prefix: &str,
) -> Result<(), String> {
    if p.eat_sym("(") {
        loop {
            p.marker()?;
            s.binds.push(format!("{prefix}{column}"));
            if p.eat_sym(")") {
                return Ok(());
            }
            p.expect_sym(",")?;
        }
    }
    p.marker()?;
    s.binds.push(format!("{prefix}{column}[]"));
    Ok(())
}

fn parse_condition(p: &mut Parser, s: &mut Statement) -> Result<(), String> {
    if !p.eat_word("if") {
        return Ok(());
    }
    if p.eat_word("exists") {
        s.condition = Condition::Exists;
        return Ok(());
    }
    if p.peek_word("not") {
        return Err("IF NOT EXISTS is for INSERT".into());
    }
    let mut columns = Vec::new();
    loop {
        let column = p.ident()?;
        if p.eat_word("in") {
            parse_in_list(p, s, &column, "if:")?;
        } else {
            match p.next()? {
                Tok::Sym("=" | "<" | ">" | "<=" | ">=" | "!=") => {}
                _ => return Err(format!("unsupported condition on {column}")),
            }
            p.marker()?;
            s.binds.push(format!("if:{column}"));
        }
        columns.push(column);
        if !p.eat_word("and") {
            break;
        }
    }
    s.condition = Condition::Columns(columns);
    Ok(())
}

/// Checks one statement against the schema; every problem found, or what it binds.
fn check(schema: &Schema, text: &str) -> Result<Vec<String>, Vec<String>> {
    let s = parse_statement(text).map_err(|e| vec![e])?;
    let Some(table) = schema.tables.get(&s.table) else {
        return Err(vec![format!("no table or view {}", s.table)]);
    };
    let mut problems = Vec::new();
    let mut named: Vec<&String> = Vec::new();
    named.extend(&s.selected);
    named.extend(&s.assigned);
    named.extend(&s.inserted);
    named.extend(s.relations.iter().map(|(c, _)| c));
    named.extend(&s.order_by);
    if let Condition::Columns(columns) = &s.condition {
        named.extend(columns);
    }
    for column in named {
        if !table.columns.contains_key(column) {
            problems.push(format!("{} has no column {column}", table.name));
        }
    }
    for (what, list) in [
        ("selected", &s.selected),
        ("set", &s.assigned),
        ("inserted", &s.inserted),
    ] {
        let unique: BTreeSet<&String> = list.iter().collect();
        if unique.len() != list.len() {
            problems.push(format!("a column is {what} twice"));
        }
    }

    let write = s.verb != Verb::Select;
    if write && table.writes == Writes::View {
        problems.push(format!(
            "{} is a materialized view: write its base table {}",
            table.name,
            table.base.as_deref().unwrap_or("?")
        ));
    }
    match s.verb {
        Verb::Insert => {
            if s.inserted.len() != s.values {
                problems.push(format!(
                    "INSERT names {} columns but gives {} values",
                    s.inserted.len(),
                    s.values
                ));
            }
            for column in table.partition.iter().chain(&table.clustering) {
                if !s.inserted.contains(column) {
                    problems.push(format!("INSERT leaves key column {column} out"));
                }
            }
        }
        Verb::Update | Verb::Delete => {
            check_full_key(table, &s, &mut problems);
            for column in &s.assigned {
                if table.is_key(column) {
                    problems.push(format!("SET on key column {column}"));
                }
            }
        }
        Verb::Select => check_select_key(table, &s, &mut problems),
    }

    if let Condition::Columns(columns) = &s.condition {
        for column in columns {
            if table.is_key(column) {
                problems.push(format!("IF on key column {column}"));
            }
        }
    }
    let conditional = s.condition != Condition::None;
    match (write, table.writes, conditional) {
        (true, Writes::Lwt, false) => problems.push(format!(
            "{} is written with lightweight transactions only (writes: lwt): this write needs IF",
            table.name
        )),
        (true, Writes::Plain, true) => problems.push(format!(
            "{} is never written conditionally (writes: plain): no IF here, or change the data model",
            table.name
        )),
        _ => {}
    }

    if table.tenant {
        let binds_org = match s.verb {
            Verb::Insert => s.inserted.iter().any(|c| c == "org_id"),
            _ => s
                .relations
                .iter()
                .any(|(c, op)| c == "org_id" && *op == Op::Eq),
        };
        if !binds_org {
            problems.push(format!("{} is a tenant table: bind org_id", table.name));
        }
    }
    let markers = text.matches('?').count();
    if markers != s.binds.len() {
        problems.push(format!(
            "{markers} `?` in the text, {} understood",
            s.binds.len()
        ));
    }
    if problems.is_empty() {
        Ok(s.binds)
    } else {
        Err(problems)
    }
}

/// Writes name one row: every key column with `=`.
fn check_full_key(table: &Table, s: &Statement, problems: &mut Vec<String>) {
    for column in table.partition.iter().chain(&table.clustering) {
        match relations_on(s, column).as_slice() {
            [Op::Eq] => {}
            [] => problems.push(format!("WHERE does not restrict key column {column}")),
            _ => problems.push(format!("a write restricts {column} with one `=` only")),
        }
    }
    for (column, _) in &s.relations {
        if !table.is_key(column) {
            problems.push(format!("WHERE on non-key column {column}"));
        }
    }
}

/// Reads stay in one partition (or a few, with IN on the last partition column) and follow
/// CQL's clustering prefix rule, so they never need ALLOW FILTERING.
fn check_select_key(table: &Table, s: &Statement, problems: &mut Vec<String>) {
    let last = table.partition.len() - 1;
    for (index, column) in table.partition.iter().enumerate() {
        match relations_on(s, column).as_slice() {
            [Op::Eq] => {}
            [Op::In] if index == last => {}
            [] => problems.push(format!(
                "WHERE does not restrict partition key column {column}: the query would scan across partitions"
            )),
            _ => problems.push(format!(
                "partition key column {column} must be restricted with `=` (or IN, if it is the last)"
            )),
        }
    }
    let mut open = true;
    for column in &table.clustering {
        let ops = relations_on(s, column);
        if !ops.is_empty() && !open {
            problems.push(format!(
                "clustering column {column} is restricted after an unrestricted or ranged one"
            ));
        }
        match ops.as_slice() {
            [] => open = false,
            [Op::Eq] => {}
            [Op::Range | Op::In] => open = false,
            _ => problems.push(format!("clustering column {column} restricted twice")),
        }
    }
    for (column, _) in &s.relations {
        if table.columns.contains_key(column) && !table.is_key(column) {
            problems.push(format!(
                "WHERE on non-key column {column} would need an index or ALLOW FILTERING"
            ));
        }
    }
    if let Some(column) = &s.order_by
        && table.clustering.first() != Some(column)
    {
        problems.push(format!(
            "ORDER BY {column}: only the first clustering column"
        ));
    }
}

fn relations_on(s: &Statement, column: &str) -> Vec<Op> {
    s.relations
        .iter()
        .filter(|(c, _)| c == column)
        .map(|(_, op)| *op)
        .collect()
}

fn schema() -> Schema {
    parse_schema(&schema_files()).unwrap_or_else(|e| panic!("schema/cql: {e}"))
}

// --- the tests ------------------------------------------------------------------------------

/// What every statement binds, in order: the store's bind calls must follow it. Changing a
/// statement means changing its line here too.
const BINDS: &[(&str, &str)] = &[
    ("SELECT_APPLIED_MIGRATIONS", "component"),
    (
        "INSERT_APPLIED_MIGRATION",
        "component version name checksum applied_at applied_by",
    ),
    ("ACQUIRE_MIGRATION_LOCK", "name holder acquired_at ttl"),
    ("SELECT_MIGRATION_LOCK", "name"),
    ("RELEASE_MIGRATION_LOCK", "name if:holder"),
    ("INSERT_ORG_DIRECTORY", "shard org_id created_at"),
    ("DELETE_ORG_DIRECTORY", "shard org_id"),
    ("SELECT_ORG_DIRECTORY", "shard"),
    ("INSERT_ORG", "org_id name plan past_due created_at"),
    ("DELETE_ORG", "org_id"),
    ("SELECT_ORG", "org_id"),
    (
        "UPDATE_ORG_PLAN",
        "plan tasks_per_month monthly_tokens past_due org_id",
    ),
    ("UPDATE_ORG_PAST_DUE", "past_due org_id"),
    (
        "INSERT_USER_BY_EMAIL",
        "email user_id org_id role password_hash created_at",
    ),
    ("SELECT_USER_BY_EMAIL", "email"),
    (
        "INSERT_REPO",
        "org_id repo_id url provider default_branch created_at",
    ),
    ("SELECT_REPO", "org_id repo_id"),
    ("SELECT_REPOS", "org_id"),
    ("INSERT_TASK_BUCKET", "org_id bucket"),
    ("SELECT_TASK_BUCKETS", "org_id bucket"),
    (
        "INSERT_TASK",
        "org_id bucket task_id repo_id instruction sprint max_tokens status attempts \
         changed_files prompt_tokens completion_tokens llm_calls cost_micros quota_period \
         quota_released created_at updated_at",
    ),
    ("SELECT_TASK", "org_id bucket task_id"),
    ("SELECT_TASKS_BY_ID", "org_id bucket task_id[]"),
    ("LIST_TASKS", "org_id bucket task_id limit"),
    (
        "LIST_TASK_IDS_BY_STATUS",
        "org_id status bucket task_id limit",
    ),
    (
        "LIST_TASK_IDS_BY_SPRINT",
        "org_id sprint bucket task_id limit",
    ),
    (
        "START_ATTEMPT",
        "status attempts updated_at org_id bucket task_id if:status if:status if:attempts",
    ),
    (
        "TRANSITION_TASK",
        "status updated_at org_id bucket task_id if:status",
    ),
    (
        "FINISH_TASK_SUCCEEDED",
        "status summary branch commit_id changed_files updated_at org_id bucket task_id \
         if:status if:status",
    ),
    (
        "FINISH_TASK_FAILED",
        "status error_code error_message updated_at org_id bucket task_id if:status if:status",
    ),
    (
        "SET_TASK_USAGE",
        "prompt_tokens completion_tokens llm_calls cost_micros updated_at org_id bucket \
         task_id if:llm_calls",
    ),
    (
        "RELEASE_TASK_QUOTA",
        "quota_released org_id bucket task_id if:status if:status if:llm_calls \
         if:quota_released",
    ),
    ("SELECT_QUOTA_TASKS", "org_id quota_period"),
    ("SELECT_LAST_EVENT_SEQ", "org_id task_id limit"),
    ("INSERT_EVENT", "org_id task_id seq kind data at"),
    ("SELECT_EVENTS_AFTER", "org_id task_id seq"),
    (
        "INSERT_USAGE_CALL",
        "org_id task_id call_id period model prompt_tokens completion_tokens cost_micros at",
    ),
    ("SELECT_USAGE_CALLS", "org_id task_id"),
    (
        "INSERT_PERIOD_TASK_USAGE",
        "org_id period task_id sprint prompt_tokens completion_tokens cost_micros llm_calls",
    ),
    (
        "UPDATE_PERIOD_TASK_USAGE",
        "prompt_tokens completion_tokens cost_micros llm_calls org_id period task_id \
         if:llm_calls",
    ),
    ("SELECT_PERIOD_USAGE", "org_id period"),
    (
        "INSERT_BILLING_EVENT",
        "provider event_id claim org_id received_at applied",
    ),
    ("MARK_BILLING_EVENT_APPLIED", "applied provider event_id"),
    ("SELECT_BILLING_EVENT", "provider event_id"),
    ("SELECT_BILLING_CUSTOMER", "provider customer_ref"),
    (
        "UPSERT_BILLING_CUSTOMER",
        "provider customer_ref org_id plan",
    ),
    (
        "INSERT_CREDENTIAL",
        "org_id provider credential_id username scopes_note fingerprint key_version nonce \
         ciphertext created_at",
    ),
    (
        "REPLACE_CREDENTIAL",
        "credential_id username scopes_note fingerprint key_version nonce ciphertext \
         rotated_at org_id provider",
    ),
    ("SELECT_CREDENTIAL", "org_id provider"),
    ("SELECT_CREDENTIALS", "org_id"),
    (
        "RESEAL_CREDENTIAL",
        "key_version nonce ciphertext org_id provider if:credential_id",
    ),
    ("DELETE_CREDENTIAL", "org_id provider"),
];

#[test]
fn every_statement_fits_the_schema() {
    let schema = schema();
    let recorded: BTreeMap<&str, &str> = BINDS.iter().copied().collect();
    let mut problems = Vec::new();
    for (name, text) in ALL {
        match check(&schema, text) {
            Ok(binds) => {
                let binds = binds.join(" ");
                let expected = recorded
                    .get(name)
                    .map(|b| b.split_whitespace().collect::<Vec<_>>().join(" "));
                if expected.as_deref() != Some(binds.as_str()) {
                    problems.push(format!(
                        "{name}: binds `{binds}` ({} markers), recorded `{}`",
                        binds.split_whitespace().count(),
                        expected.unwrap_or_else(|| "nothing".into())
                    ));
                }
            }
            Err(found) => {
                for problem in found {
                    problems.push(format!("{name}: {problem}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    assert_eq!(
        BINDS.len(),
        ALL.len(),
        "BINDS has a line for a statement that is not in ALL"
    );
}

#[test]
fn names_and_statements_are_unique() {
    let names: BTreeSet<&str> = ALL.iter().map(|(name, _)| *name).collect();
    assert_eq!(names.len(), ALL.len(), "a name appears twice in ALL");
    let texts: BTreeSet<&str> = ALL.iter().map(|(_, text)| *text).collect();
    assert_eq!(texts.len(), ALL.len(), "a statement appears twice in ALL");
}

/// One table per query: a table nobody reads, or a base table nobody writes, is a mistake.
#[test]
fn every_table_is_read_and_written() {
    let schema = schema();
    let parsed: Vec<Statement> = ALL
        .iter()
        .map(|(name, text)| parse_statement(text).unwrap_or_else(|e| panic!("{name}: {e}")))
        .collect();
    for table in schema.tables.values() {
        let read = parsed
            .iter()
            .any(|s| s.verb == Verb::Select && s.table == table.name);
        assert!(read, "no statement reads {} ({})", table.name, table.file);
        if table.writes != Writes::View {
            let written = parsed
                .iter()
                .any(|s| s.verb != Verb::Select && s.table == table.name);
            assert!(
                written,
                "no statement writes {} ({})",
                table.name, table.file
            );
        }
    }
}

/// The tables docs/data-model.md describes, with their kinds: a new table must be added here
/// (and to the document) on purpose.
#[test]
fn the_schema_has_the_documented_tables() {
    let schema = schema();
    let found: Vec<String> = schema
        .tables
        .values()
        .map(|t| {
            let kind = if t.tenant { "tenant" } else { "global" };
            let writes = match t.writes {
                Writes::Lwt => "lwt",
                Writes::Plain => "plain",
                Writes::View => "view",
            };
            format!("{} {kind} {writes}", t.name)
        })
        .collect();
    let expected = [
        "billing_customers global plain",
        "billing_events global lwt",
        "credentials tenant lwt",
        "migration_lock global lwt",
        "org_directory global plain",
        "orgs tenant lwt",
        "period_task_usage tenant lwt",
        "repos tenant plain",
        "schema_migrations global lwt",
        "task_buckets tenant plain",
        "task_events tenant lwt",
        "tasks tenant lwt",
        "tasks_by_quota tenant view",
        "tasks_by_sprint tenant view",
        "tasks_by_status tenant view",
        "usage_calls tenant lwt",
        "users_by_email global lwt",
    ];
    assert_eq!(found, expected);
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/data-model.md"))
            .expect("docs/data-model.md");
    for table in schema.tables.keys() {
        assert!(
            doc.contains(&format!("`{table}`")),
            "docs/data-model.md does not describe `{table}`"
        );
    }
    for (name, _) in ALL {
        assert!(
            doc.contains(name),
            "docs/data-model.md does not mention {name}"
        );
    }
}

#[test]
fn the_first_migration_can_run_before_anything_is_recorded() {
    let files = schema_files();
    let (name, _) = &files[0];
    let schema = parse_schema(&files[..1]).unwrap();
    assert!(name.ends_with("_migrations.cql"));
    let tables: Vec<&String> = schema.tables.keys().collect();
    assert_eq!(
        tables,
        ["migration_lock", "schema_migrations"],
        "{name} holds only the runner's tables"
    );
}

/// The checker is only worth something if it fails: each broken statement here must be
/// reported, with a message naming what is wrong.
#[test]
fn the_checker_reports_broken_statements() {
    let schema = schema();
    let cases = [
        // A misspelled column.
        (
            "SELECT org_id, nmae FROM {keyspace}.orgs WHERE org_id = ?",
            "no column nmae",
        ),
        (
            "UPDATE {keyspace}.orgs SET past_deu = ? WHERE org_id = ? IF EXISTS",
            "no column past_deu",
        ),
        // A misspelled table.
        (
            "SELECT org_id FROM {keyspace}.org WHERE org_id = ?",
            "no table or view org",
        ),
        // A scan: part of the partition key missing, a filter on a non-key column.
        (
            "SELECT task_id FROM {keyspace}.tasks WHERE org_id = ?",
            "partition key column bucket",
        ),
        (
            "SELECT task_id FROM {keyspace}.tasks WHERE org_id = ? AND bucket = ? AND status = ?",
            "non-key column status",
        ),
        (
            "SELECT task_id FROM {keyspace}.tasks WHERE org_id = ? AND bucket = ? ALLOW FILTERING",
            "ALLOW FILTERING",
        ),
        // A tenant table read without the org.
        (
            "SELECT repo_id FROM {keyspace}.repos WHERE repo_id = ?",
            "bind org_id",
        ),
        // Conditional writes where the data model has none, and the other way round.
        (
            "INSERT INTO {keyspace}.repos (org_id, repo_id) VALUES (?, ?) IF NOT EXISTS",
            "writes: plain",
        ),
        (
            "UPDATE {keyspace}.orgs SET past_due = ? WHERE org_id = ?",
            "needs IF",
        ),
        // Values.
        (
            "INSERT INTO {keyspace}.task_buckets (org_id, bucket) VALUES (?)",
            "2 columns but gives 1",
        ),
        (
            "SELECT bucket FROM {keyspace}.task_buckets WHERE org_id = 'acme'",
            "literal",
        ),
        (
            "SELECT bucket FROM {keyspace}.task_buckets WHERE org_id = ? LIMIT 10",
            "literal",
        ),
        // Not part of the subset.
        (
            "BEGIN BATCH INSERT INTO {keyspace}.task_buckets (org_id, bucket) VALUES (?, ?) APPLY BATCH",
            "no BATCH",
        ),
        (
            "SELECT bucket FROM task_buckets WHERE org_id = ?",
            "{keyspace}.name",
        ),
        (
            "SELECT * FROM {keyspace}.orgs WHERE org_id = ?",
            "name the columns",
        ),
        // Writes to a view, writes that name no single row.
        (
            "DELETE FROM {keyspace}.tasks_by_status WHERE org_id = ? AND status = ? AND bucket = ? AND task_id = ?",
            "materialized view",
        ),
        (
            "DELETE FROM {keyspace}.task_buckets WHERE org_id = ?",
            "key column bucket",
        ),
        (
            "UPDATE {keyspace}.tasks SET status = ? WHERE org_id = ? AND bucket = ? AND task_id = ? IF task_id = ?",
            "IF on key column task_id",
        ),
    ];
    for (text, expected) in cases {
        let problems = check(&schema, text).expect_err(text);
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{text}\nexpected a problem mentioning {expected:?}, got {problems:?}"
        );
    }
}

/// Every column of every statement, misspelled one at a time, must be reported.
#[test]
fn every_misspelled_column_is_caught() {
    let schema = schema();
    let mut missed = Vec::new();
    for (name, text) in ALL {
        let statement = parse_statement(text).unwrap();
        let table = &schema.tables[&statement.table];
        let columns: BTreeSet<&String> = table
            .columns
            .keys()
            .filter(|c| {
                regex::Regex::new(&format!(r"\b{c}\b"))
                    .unwrap()
                    .is_match(text)
            })
            .collect();
        assert!(!columns.is_empty(), "{name} names no column");
        for column in columns {
            let pattern = regex::Regex::new(&format!(r"\b{column}\b")).unwrap();
            let typo = pattern.replace(text, format!("{column}x").as_str());
            if check(&schema, &typo).is_ok() {
                missed.push(format!("{name}: {column} -> {column}x"));
            }
        }
    }
    assert!(
        missed.is_empty(),
        "typos not caught:\n{}",
        missed.join("\n")
    );
}

/// The same for the schema: a typo in a migration fails the tests too.
#[test]
fn the_checker_reports_broken_schema() {
    let header = "-- kind: tenant; writes: plain\n";
    let cases = [
        (
            "CREATE TABLE IF NOT EXISTS {keyspace}.t (org_id uuid, id uuid, PRIMARY KEY ((org_id), idd));",
            "key column idd is not a column",
        ),
        (
            "CREATE TABLE IF NOT EXISTS {keyspace}.t (org_id uuid, id uuid, PRIMARY KEY ((id), org_id));",
            "starts with org_id",
        ),
        (
            "CREATE TABLE IF NOT EXISTS {keyspace}.t (org_id uuid, n counter, PRIMARY KEY ((org_id)));",
            "counter",
        ),
        (
            "CREATE TABLE IF NOT EXISTS {keyspace}.t (org_id uuid, id uuid, PRIMARY KEY ((org_id), id)) WITH CLUSTERING ORDER BY (idd DESC);",
            "CLUSTERING ORDER BY",
        ),
        (
            "CREATE TABLE {keyspace}.t (org_id uuid, PRIMARY KEY ((org_id)));",
            "IF NOT EXISTS",
        ),
        (
            "CREATE TABLE IF NOT EXISTS {keyspace}.t (org_id uuid, x txet, PRIMARY KEY ((org_id)));",
            "unknown type txet",
        ),
        (
            "CREATE KEYSPACE IF NOT EXISTS {keyspace} WITH replication = {};",
            "only CREATE TABLE",
        ),
        (
            "CREATE TABLE IF NOT EXISTS {keyspace}.t (org_id uuid, token text, PRIMARY KEY ((org_id)));",
            "reserved",
        ),
    ];
    for (text, expected) in cases {
        let files = vec![("0001_broken.cql".to_owned(), format!("{header}{text}\n"))];
        let err = parse_schema(&files).expect_err(text);
        assert!(
            err.contains(expected),
            "{text}\nexpected {expected:?}, got {err:?}"
        );
    }
    let untagged = vec![(
        "0001_broken.cql".to_owned(),
        "CREATE TABLE IF NOT EXISTS {keyspace}.t (org_id uuid, PRIMARY KEY ((org_id)));\n"
            .to_owned(),
    )];
    assert!(parse_schema(&untagged).unwrap_err().contains("kind:"));
    let gap = vec![("0002_x.cql".to_owned(), String::new())];
    assert!(parse_schema(&gap).unwrap_err().contains("without gaps"));
}

#[test]
fn the_keyspace_is_checked_before_it_is_put_in() {
    let qualified = with_keyspace(SELECT_ORG, "orchard_prod").unwrap();
    assert!(qualified.contains("FROM orchard_prod.orgs"));
    assert!(!qualified.contains('{'));
    for bad in [
        "",
        "Orchard",
        "1orchard",
        "orch-ard",
        "orchard; DROP",
        &"a".repeat(49),
    ] {
        assert!(with_keyspace(SELECT_ORG, bad).is_err(), "{bad:?}");
    }
    for (name, text) in ALL {
        assert!(
            text.contains("{keyspace}."),
            "{name} does not name its table by the placeholder"
        );
    }
}

#[test]
fn task_buckets_follow_the_id_and_sentinels_bound_every_id() {
    let id = TaskId::new();
    let now = orchard_actors::budget::Period::of(OffsetDateTime::now_utc()).to_string();
    let bucket = task_bucket(id).unwrap();
    // The id was made a moment ago: this month, or (at midnight on the 1st) the one before.
    let previous = orchard_actors::budget::Period::of(OffsetDateTime::now_utc())
        .previous()
        .to_string();
    assert!(bucket == now || bucket == previous, "{bucket}");
    assert_eq!(
        task_bucket(TaskId::from_uuid(uuid::Uuid::from_u128(
            0x0000_0000_0000_7000_8000_0000_0000_0000
        ))),
        Some("1970-01".to_owned())
    );
    assert_eq!(task_bucket(TaskId::from_uuid(uuid::Uuid::new_v4())), None);
    // Sentinels: above every real id and bucket, in ScyllaDB's order for UUIDs of one
    // version (unsigned bytes) and for text.
    assert_eq!(NEWEST_TASK_ID.get_version_num(), 7);
    assert!(NEWEST_TASK_ID.as_bytes() > id.as_uuid().as_bytes());
    assert!(NEWEST_BUCKET > bucket.as_str());
}

#[test]
fn org_directory_shards_are_stable_and_in_range() {
    let org = OrgId::from_uuid(uuid::Uuid::from_u128(
        0x0190_0000_0000_7000_8000_0000_0000_0041,
    ));
    assert_eq!(org_directory_shard(org), 0x41 % 32);
    let shards: BTreeSet<i32> = (0..2000)
        .map(|_| org_directory_shard(OrgId::new()))
        .collect();
    assert!(
        shards
            .iter()
            .all(|s| (0..i32::from(ORG_DIRECTORY_SHARDS)).contains(s))
    );
    assert!(shards.len() > 24, "ids spread over the shards: {shards:?}");
}
