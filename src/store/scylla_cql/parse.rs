//! A tokenizer and parser for the CQL subset Orchard writes, shared by the statement checker
//! (`super::tests`) and the statement emulator (`crate::store::scylla::emulator`).
//!
//! `CREATE TABLE` / `CREATE MATERIALIZED VIEW` in the schema, single-partition `SELECT`,
//! `INSERT`, `UPDATE` and `DELETE` (with lightweight-transaction conditions) in the statements.
//! Anything outside the subset is an error, so a statement the checker cannot read cannot
//! slip through unchecked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::KEYSPACE_PLACEHOLDER;

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

/// How a table is written (its `writes:` tag).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Writes {
    /// Only lightweight transactions.
    Lwt,
    /// Never conditionally.
    Plain,
    /// A materialized view: by ScyllaDB, from its base table.
    View,
}

/// The order of a clustering column (or of a `SELECT ... ORDER BY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Asc,
    Desc,
}

/// A table or a materialized view of the schema.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub(crate) name: String,
    pub(crate) file: String,
    /// Each column's type, as written (`frozen<list<text>>`), lowercased.
    pub(crate) columns: BTreeMap<String, String>,
    /// The columns in the order they are defined (for a view: selected).
    pub(crate) column_order: Vec<String>,
    pub(crate) partition: Vec<String>,
    pub(crate) clustering: Vec<String>,
    /// The order of each clustering column (`CLUSTERING ORDER BY`, ASC by default).
    pub(crate) clustering_order: Vec<Order>,
    pub(crate) tenant: bool,
    pub(crate) writes: Writes,
    /// A view's base table.
    pub(crate) base: Option<String>,
}

impl Table {
    /// Whether `column` is part of the primary key.
    pub(crate) fn is_key(&self, column: &str) -> bool {
        self.partition
            .iter()
            .chain(&self.clustering)
            .any(|c| c == column)
    }
}

/// The tables and views of the schema files, by name.
#[derive(Debug, Default)]
pub(crate) struct Schema {
    pub(crate) tables: BTreeMap<String, Table>,
}

/// The files of `schema/cql/`, in the order the runner applies them.
pub(crate) fn schema_files() -> Vec<(String, String)> {
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

/// Parses the schema files (name, text), in order; each table needs its tag line.
pub(crate) fn parse_schema(files: &[(String, String)]) -> Result<Schema, String> {
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
            if code.first() == Some(&Tok::Word("alter".into())) {
                parse_alter(code, &mut schema).map_err(|e| format!("{file}: {e}"))?;
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
fn parse_options(p: &mut Parser) -> Result<Option<Vec<(String, Order)>>, String> {
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
                let column = p.ident()?;
                let order = if p.eat_word("asc") {
                    Order::Asc
                } else if p.eat_word("desc") {
                    Order::Desc
                } else {
                    return Err("CLUSTERING ORDER BY needs ASC or DESC for each column".into());
                };
                columns.push((column, order));
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

/// `ALTER TABLE {keyspace}.name ADD column type`: a new column of an earlier table (the one
/// change a migration makes to an existing table; the runner treats "already there" as done,
/// so a migration can still be run again).
fn parse_alter(toks: Vec<Tok>, schema: &mut Schema) -> Result<(), String> {
    let mut p = Parser::new(toks);
    p.expect_word("alter")?;
    p.expect_word("table")?;
    let name = p.table_name()?;
    let at = |e: String| format!("ALTER TABLE {name}: {e}");
    p.expect_word("add").map_err(at)?;
    let column = p.ident().map_err(at)?;
    if CQL_RESERVED.contains(&column.as_str()) {
        return Err(at(format!("{column} is a reserved CQL keyword")));
    }
    let ty = parse_type(&mut p).map_err(at)?;
    if !p.at_end() {
        return Err(at(format!("unexpected {} after the column", p.describe())));
    }
    let table = schema
        .tables
        .get_mut(&name)
        .ok_or_else(|| at("no earlier migration creates it".into()))?;
    if table.base.is_some() {
        return Err(at(
            "a materialized view takes its columns from its base".into()
        ));
    }
    if table.columns.insert(column.clone(), ty).is_some() {
        return Err(at(format!("column {column} exists already")));
    }
    table.column_order.push(column);
    Ok(())
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
        column_order: Vec::new(),
        partition: Vec::new(),
        clustering: Vec::new(),
        clustering_order: Vec::new(),
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
    table.clustering_order = vec![Order::Asc; table.clustering.len()];
    if let Some(order) = order {
        let columns: Vec<&String> = order.iter().map(|(c, _)| c).collect();
        if columns != table.clustering.iter().collect::<Vec<_>>() {
            return Err(at(format!(
                "CLUSTERING ORDER BY {columns:?} is not the clustering key {:?}",
                table.clustering
            )));
        }
        table.clustering_order = order.into_iter().map(|(_, o)| o).collect();
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
            table.column_order.push(column.clone());
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
        view.column_order.push(column.clone());
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

/// What a statement does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verb {
    Select,
    Insert,
    Update,
    Delete,
}

/// The operator of a relation (`WHERE`) or a condition (`IF`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    /// `!=` (conditions only).
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
}

impl Op {
    /// `<`, `<=`, `>` or `>=`.
    pub(crate) fn is_range(self) -> bool {
        matches!(self, Op::Lt | Op::Le | Op::Gt | Op::Ge)
    }
}

/// `column op ?`, `column IN ?` or `column IN (?, ...)`, in `WHERE` or `IF`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Relation {
    pub(crate) column: String,
    pub(crate) op: Op,
    /// The positions in [`Statement::binds`] of its markers: one, or one per element of
    /// `IN (?, ...)`.
    pub(crate) markers: Vec<usize>,
    /// `IN ?`: its one marker binds a whole list.
    pub(crate) list: bool,
}

/// The `IF` of a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Condition {
    None,
    NotExists,
    Exists,
    Columns(Vec<Relation>),
}

/// One parsed statement.
#[derive(Debug)]
pub(crate) struct Statement {
    pub(crate) verb: Verb,
    pub(crate) table: String,
    /// The columns a `SELECT` returns, in order.
    pub(crate) selected: Vec<String>,
    /// The columns an `UPDATE` sets, in order.
    pub(crate) assigned: Vec<String>,
    /// The position in [`binds`](Self::binds) of each assigned column's marker.
    pub(crate) assigned_markers: Vec<usize>,
    /// The columns an `INSERT` names; the `i`th binds marker `i`.
    pub(crate) inserted: Vec<String>,
    /// How many values an `INSERT` gives.
    pub(crate) values: usize,
    /// The `WHERE` clause.
    pub(crate) relations: Vec<Relation>,
    pub(crate) condition: Condition,
    /// `ORDER BY column`, and its direction.
    pub(crate) order_by: Option<String>,
    pub(crate) order: Order,
    /// The position of the `LIMIT ?` marker.
    pub(crate) limit: Option<usize>,
    /// The position of the `USING TTL ?` marker.
    pub(crate) ttl: Option<usize>,
    /// The position of the `USING TIMESTAMP ?` marker.
    pub(crate) timestamp: Option<usize>,
    /// What each `?` binds, in order: a column, `if:<column>`, `<column>[]` for an IN list,
    /// `limit`, `ttl`.
    pub(crate) binds: Vec<String>,
}

/// Parses one statement of the subset (with its `{keyspace}.` placeholder).
pub(crate) fn parse_statement(text: &str) -> Result<Statement, String> {
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
        assigned_markers: Vec::new(),
        inserted: Vec::new(),
        values: 0,
        relations: Vec::new(),
        condition: Condition::None,
        order_by: None,
        order: Order::Asc,
        limit: None,
        ttl: None,
        timestamp: None,
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
        s.order = if p.eat_word("asc") {
            Order::Asc
        } else if p.eat_word("desc") {
            Order::Desc
        } else {
            return Err("ORDER BY needs ASC or DESC".into());
        };
    }
    if p.eat_word("limit") {
        p.marker()?;
        s.limit = Some(s.binds.len());
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
        s.assigned_markers.push(s.binds.len());
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
        let at = Some(s.binds.len());
        if what == "ttl" {
            s.ttl = at;
        } else {
            s.timestamp = at;
        }
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
        let relation = if p.eat_word("in") {
            parse_in_list(p, s, &column, "")?
        } else {
            let op = match p.next()? {
                Tok::Sym("=") => Op::Eq,
                Tok::Sym("<") => Op::Lt,
                Tok::Sym("<=") => Op::Le,
                Tok::Sym(">") => Op::Gt,
                Tok::Sym(">=") => Op::Ge,
                _ => return Err(format!("unsupported operator after {column}")),
            };
            p.marker()?;
            let markers = vec![s.binds.len()];
            s.binds.push(column.clone());
            Relation {
                column,
                op,
                markers,
                list: false,
            }
        };
        s.relations.push(relation);
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
) -> Result<Relation, String> {
    let mut relation = Relation {
        column: column.to_owned(),
        op: Op::In,
        markers: Vec::new(),
        list: false,
    };
    if p.eat_sym("(") {
        loop {
            p.marker()?;
            relation.markers.push(s.binds.len());
            s.binds.push(format!("{prefix}{column}"));
            if p.eat_sym(")") {
                return Ok(relation);
            }
            p.expect_sym(",")?;
        }
    }
    p.marker()?;
    relation.markers.push(s.binds.len());
    relation.list = true;
    s.binds.push(format!("{prefix}{column}[]"));
    Ok(relation)
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
        let relation = if p.eat_word("in") {
            parse_in_list(p, s, &column, "if:")?
        } else {
            let op = match p.next()? {
                Tok::Sym("=") => Op::Eq,
                Tok::Sym("!=") => Op::Ne,
                Tok::Sym("<") => Op::Lt,
                Tok::Sym("<=") => Op::Le,
                Tok::Sym(">") => Op::Gt,
                Tok::Sym(">=") => Op::Ge,
                _ => return Err(format!("unsupported condition on {column}")),
            };
            p.marker()?;
            let markers = vec![s.binds.len()];
            s.binds.push(format!("if:{column}"));
            Relation {
                column,
                op,
                markers,
                list: false,
            }
        };
        columns.push(relation);
        if !p.eat_word("and") {
            break;
        }
    }
    s.condition = Condition::Columns(columns);
    Ok(())
}
