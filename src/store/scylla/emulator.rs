//! An in-memory executor of exactly the statements of [`scylla_cql::ALL`] over the tables of
//! `schema/cql/`, for running the store's logic without a cluster.
//!
//! [`Emulator`] implements [`Cql`] the way ScyllaDB serves these statements, and refuses what
//! ScyllaDB would refuse, so that it catches store bugs rather than hiding them:
//! - values are bound like the driver binds them: each marker gets the column spec a prepared
//!   statement would report, and the driver's own serialization (with its type checks) writes
//!   them; null and unset stay distinct;
//! - `SELECT` needs the whole partition key with `=`, restricts clustering columns with `=`,
//!   ranges or `IN` (at most 100 values), returns rows in clustering order (reversed by
//!   `ORDER BY ... DESC` on an ascending column), then applies `LIMIT`;
//! - materialized views are read from their base table's rows;
//! - `INSERT` upserts (with `IF NOT EXISTS` and `USING TTL`), `UPDATE` upserts or applies
//!   under `IF EXISTS` / `IF column op ?`, `DELETE` removes a row; a conditional statement
//!   returns `[applied]` and every column of the row as it was before;
//! - every statement is atomic (one mutex over all tables);
//! - faults can be injected: a statement that times out after (or before) taking effect.
//!
//! [`scylla_cql::ALL`]: crate::store::scylla_cql::ALL

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use scylla::deserialize::FrameSlice;
use scylla::deserialize::value::DeserializeValue;
use scylla::frame::response::result::{
    CollectionType, ColumnSpec, ColumnType, NativeType, TableSpec,
};
use scylla::serialize::row::{RowSerializationContext, SerializeRow};
use scylla::serialize::writers::RowWriter;
use scylla::value::CqlValue;

use super::cql::{Cql, CqlError, Rows, Run};
use super::migrations::FILES;
use crate::store::scylla_cql::ALL;
use crate::store::scylla_cql::parse::{
    Condition, Op, Order, Relation, Schema, Statement, Table, Verb, Writes, parse_schema,
    parse_statement,
};

/// ScyllaDB's default `max_clustering_key_restrictions_per_query`.
const MAX_IN_VALUES: usize = 100;

/// The longest TTL ScyllaDB accepts: 20 years, in seconds.
const MAX_TTL_SECONDS: i32 = 630_720_000;

/// The message of an injected fault.
const TIMED_OUT: &str = "timed out (emulated)";

/// The keyspace name the emulated column specs carry.
const KEYSPACE: &str = "emulated";

/// A bound value: ScyllaDB tells null (a tombstone) from unset (leave it as it is).
#[derive(Debug, Clone, PartialEq)]
enum Bound {
    Unset,
    Null,
    Value(CqlValue),
}

/// A statement of `ALL`, parsed, with the spec of each of its markers.
#[derive(Debug)]
struct Prepared {
    statement: Statement,
    specs: Vec<ColumnSpec<'static>>,
}

/// A key column's value, ordered the way ScyllaDB orders it.
#[derive(Debug, Clone)]
struct Key(CqlValue);

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(&self.0, &other.0)
            .unwrap_or_else(|| format!("{:?}", self.0).cmp(&format!("{:?}", other.0)))
    }
}

/// A regular column's value, and when it expires (`USING TTL`).
#[derive(Debug, Clone)]
struct Cell {
    value: CqlValue,
    expires: Option<Instant>,
}

/// A stored row, without its key. It exists while it has a live row marker (written by
/// `INSERT`) or a live cell, as in ScyllaDB: an `UPDATE` that only writes nulls creates none.
#[derive(Debug, Clone, Default)]
struct StoredRow {
    /// `Some(expiry)` once an `INSERT` wrote the row.
    marker: Option<Option<Instant>>,
    cells: BTreeMap<String, Cell>,
}

impl StoredRow {
    /// Drops what expired by `now`.
    fn prune(&mut self, now: Instant) {
        let live = |expires: &Option<Instant>| expires.is_none_or(|at| at > now);
        if self.marker.as_ref().is_some_and(|expires| !live(expires)) {
            self.marker = None;
        }
        self.cells.retain(|_, cell| live(&cell.expires));
    }

    /// Whether the row exists (after [`prune`](Self::prune)).
    fn exists(&self) -> bool {
        self.marker.is_some() || !self.cells.is_empty()
    }
}

/// A row's values by column name; a missing column is null.
type Values = BTreeMap<String, CqlValue>;

/// The rows of one base table, by primary key (partition columns, then clustering columns).
type Rowset = BTreeMap<Vec<Key>, StoredRow>;

/// Everything behind the mutex.
#[derive(Debug, Default)]
struct State {
    tables: HashMap<String, Rowset>,
    runs: HashMap<String, usize>,
    fail_before: HashMap<String, usize>,
    fail_after: HashMap<String, usize>,
}

/// The in-memory ScyllaDB of the tests: see the module documentation.
#[derive(Debug)]
pub(crate) struct Emulator {
    schema: Schema,
    statements: HashMap<&'static str, Prepared>,
    state: Mutex<State>,
}

impl Default for Emulator {
    fn default() -> Self {
        Self::new()
    }
}

impl Emulator {
    /// Empty tables, from the schema files; every statement of `ALL` parsed.
    ///
    /// # Panics
    /// If a schema file or a statement does not parse (the checker tests say which).
    pub(crate) fn new() -> Self {
        let files: Vec<(String, String)> = FILES
            .iter()
            .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
            .collect();
        let schema = parse_schema(&files).unwrap_or_else(|e| panic!("schema/cql: {e}"));
        let statements = ALL
            .iter()
            .map(|(name, text)| {
                let statement = parse_statement(text).unwrap_or_else(|e| panic!("{name}: {e}"));
                let table = schema
                    .tables
                    .get(&statement.table)
                    .unwrap_or_else(|| panic!("{name}: no table {}", statement.table));
                let specs = marker_specs(table, &statement);
                (*name, Prepared { statement, specs })
            })
            .collect();
        Self {
            schema,
            statements,
            state: Mutex::new(State::default()),
        }
    }

    /// The next `times` runs of `statement` take effect, then fail with a timeout (a write
    /// timeout after the write landed: the outcome is unknown to the caller). A run refused
    /// on its own (a value the driver cannot bind, a statement error) does not use a fault up.
    pub(crate) fn fail_after_apply(&self, statement: &'static str, times: usize) {
        self.prepared(statement);
        *self.lock().fail_after.entry(statement.into()).or_default() += times;
    }

    /// The next `times` runs of `statement` fail with a timeout, without any effect (with the
    /// same message as [`fail_after_apply`](Self::fail_after_apply): the caller cannot tell
    /// them apart). Values the driver cannot bind are still refused first.
    pub(crate) fn fail_before_apply(&self, statement: &'static str, times: usize) {
        self.prepared(statement);
        *self.lock().fail_before.entry(statement.into()).or_default() += times;
    }

    /// How many times `statement` was run (every call of [`Cql::run`], failed or not).
    pub(crate) fn runs(&self, statement: &str) -> usize {
        self.prepared(statement);
        self.lock().runs.get(statement).copied().unwrap_or(0)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The statement named `name`; panics for a name not in `ALL` (a bug).
    fn prepared(&self, name: &str) -> &Prepared {
        self.statements
            .get(name)
            .unwrap_or_else(|| panic!("{name} is not a statement of scylla_cql::ALL"))
    }

    fn table(&self, name: &str) -> &Table {
        self.schema
            .tables
            .get(name)
            .unwrap_or_else(|| panic!("no table {name}"))
    }

    /// Runs one parsed statement on the tables.
    fn execute(&self, state: &mut State, s: &Statement, bound: &[Bound]) -> Result<Rows, String> {
        let table = self.table(&s.table);
        if s.verb != Verb::Select && table.writes == Writes::View {
            return Err(format!(
                "Cannot directly modify a materialized view {}",
                table.name
            ));
        }
        if s.timestamp.is_some() {
            return Err("USING TIMESTAMP is not emulated".into());
        }
        let now = Instant::now();
        match s.verb {
            Verb::Select => self.select(state, table, s, bound, now),
            Verb::Insert => insert(rows_mut(state, table), table, s, bound, now),
            Verb::Update => update(rows_mut(state, table), table, s, bound, now),
            Verb::Delete => delete(rows_mut(state, table), table, s, bound, now),
        }
    }

    /// A `SELECT` on a table or a view.
    fn select(
        &self,
        state: &State,
        table: &Table,
        s: &Statement,
        bound: &[Bound],
        now: Instant,
    ) -> Result<Rows, String> {
        let partition = partition_values(table, s, bound)?;
        let filters = clustering_filters(table, s, bound)?;
        let limit = limit(s, bound)?;
        let mut rows: Vec<Values> = self
            .source_rows(state, table, &partition, now)
            .into_iter()
            .filter(|row| filters.iter().all(|f| f.keeps(row)))
            .collect();
        rows.sort_by(|a, b| clustering_cmp(table, a, b));
        let reversed = s.order_by.is_some()
            && table
                .clustering_order
                .first()
                .is_some_and(|o| *o != s.order);
        if reversed {
            rows.reverse();
        }
        rows.truncate(limit.unwrap_or(usize::MAX));
        Ok(Rows {
            columns: s.selected.clone(),
            rows: rows
                .iter()
                .map(|row| s.selected.iter().map(|c| row.get(c).cloned()).collect())
                .collect(),
        })
    }

    /// The live rows of one partition of `table` (a view: from its base table's rows whose
    /// view key columns are all non-null).
    fn source_rows(
        &self,
        state: &State,
        table: &Table,
        partition: &[(String, CqlValue)],
        now: Instant,
    ) -> Vec<Values> {
        let base = match &table.base {
            Some(base) => self.table(base),
            None => table,
        };
        let Some(stored) = state.tables.get(&base.name) else {
            return Vec::new();
        };
        let in_partition = |row: &Values| partition.iter().all(|(c, v)| row.get(c) == Some(v));
        let view_key_set =
            |row: &Values| key_columns(table).all(|column| row.contains_key(column.as_str()));
        stored
            .iter()
            .filter_map(|(key, row)| live_values(base, key, row, now))
            .filter(|row| view_key_set(row) && in_partition(row))
            .map(|row| {
                row.into_iter()
                    .filter(|(c, _)| table.columns.contains_key(c))
                    .collect()
            })
            .collect()
    }
}

#[async_trait]
impl Cql for Emulator {
    async fn run(
        &self,
        name: &'static str,
        values: &(dyn SerializeRow + Sync),
        how: Run,
    ) -> Result<Rows, CqlError> {
        let prepared = self.prepared(name);
        let failed = |message: String| CqlError {
            statement: name,
            message,
        };
        let mut state = self.lock();
        *state.runs.entry(name.into()).or_default() += 1;
        let bound = bind(&prepared.specs, values).map_err(failed)?;
        if how != Run::Once && prepared.statement.verb != Verb::Select {
            return Err(failed(format!("{how:?} runs only a SELECT")));
        }
        if take_fault(&mut state.fail_before, name) {
            return Err(failed(TIMED_OUT.into()));
        }
        let rows = self
            .execute(&mut state, &prepared.statement, &bound)
            .map_err(failed)?;
        if take_fault(&mut state.fail_after, name) {
            return Err(failed(TIMED_OUT.into()));
        }
        Ok(rows)
    }
}

/// Consumes one pending fault of `name`, if there is one.
fn take_fault(faults: &mut HashMap<String, usize>, name: &str) -> bool {
    match faults.get_mut(name) {
        Some(left) if *left > 0 => {
            *left -= 1;
            true
        }
        _ => false,
    }
}

// --- binding --------------------------------------------------------------------------------

/// The spec of each marker of `s`, as a prepared statement reports them: the column's type
/// (named like ScyllaDB names them: `col`, `in(col)`, `[limit]`, `[ttl]`).
fn marker_specs(table: &Table, s: &Statement) -> Vec<ColumnSpec<'static>> {
    s.binds
        .iter()
        .map(|bind| {
            let (name, typ) = match bind.as_str() {
                "limit" => ("[limit]".to_owned(), ColumnType::Native(NativeType::Int)),
                "ttl" => ("[ttl]".to_owned(), ColumnType::Native(NativeType::Int)),
                "timestamp" => (
                    "[timestamp]".to_owned(),
                    ColumnType::Native(NativeType::BigInt),
                ),
                other => {
                    let column = other.strip_prefix("if:").unwrap_or(other);
                    match column.strip_suffix("[]") {
                        Some(column) => (
                            format!("in({column})"),
                            ColumnType::Collection {
                                frozen: false,
                                typ: CollectionType::List(Box::new(column_type_of(table, column))),
                            },
                        ),
                        None => (column.to_owned(), column_type_of(table, column)),
                    }
                }
            };
            ColumnSpec::owned(
                name,
                typ,
                TableSpec::owned(KEYSPACE.into(), table.name.clone()),
            )
        })
        .collect()
}

fn column_type_of(table: &Table, column: &str) -> ColumnType<'static> {
    let ty = table
        .columns
        .get(column)
        .unwrap_or_else(|| panic!("{} has no column {column}", table.name));
    column_type(ty)
}

/// A CQL type as the parser wrote it (`frozen<list<text>>`) as the driver's [`ColumnType`].
///
/// # Panics
/// For a type the schema does not use (maps, tuples, ...): extend this first.
fn column_type(ty: &str) -> ColumnType<'static> {
    let generic = |name: &str| {
        ty.strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('<'))
            .and_then(|rest| rest.strip_suffix('>'))
    };
    if let Some(inner) = generic("frozen") {
        return match column_type(inner) {
            ColumnType::Collection { typ, .. } => ColumnType::Collection { frozen: true, typ },
            other => other,
        };
    }
    if let Some(inner) = generic("list") {
        let typ = CollectionType::List(Box::new(column_type(inner)));
        return ColumnType::Collection { frozen: false, typ };
    }
    if let Some(inner) = generic("set") {
        let typ = CollectionType::Set(Box::new(column_type(inner)));
        return ColumnType::Collection { frozen: false, typ };
    }
    let native = match ty {
        "ascii" => NativeType::Ascii,
        "bigint" => NativeType::BigInt,
        "blob" => NativeType::Blob,
        "boolean" => NativeType::Boolean,
        "int" => NativeType::Int,
        "text" | "varchar" => NativeType::Text,
        "timestamp" => NativeType::Timestamp,
        "timeuuid" => NativeType::Timeuuid,
        "uuid" => NativeType::Uuid,
        other => panic!("the emulator does not know the type {other}"),
    };
    ColumnType::Native(native)
}

/// Serializes `values` with the driver (its type checks included), then reads each value
/// back from the CQL `[value]` format: an `i32` length, then the bytes; -1 is null, -2 unset.
fn bind(
    specs: &[ColumnSpec<'static>],
    values: &(dyn SerializeRow + Sync),
) -> Result<Vec<Bound>, String> {
    let mut buf = Vec::new();
    let context = RowSerializationContext::from_specs(specs);
    values
        .serialize(&context, &mut RowWriter::new(&mut buf))
        .map_err(|err| err.to_string())?;
    let mut rest = buf.as_slice();
    let mut bound = Vec::with_capacity(specs.len());
    for spec in specs {
        let (length, tail) = rest
            .split_first_chunk::<4>()
            .ok_or("the serialized values end early")?;
        rest = tail;
        let value = match i32::from_be_bytes(*length) {
            -1 => Bound::Null,
            -2 => Bound::Unset,
            length => {
                let length = usize::try_from(length).map_err(|_| "a negative length")?;
                let (bytes, tail) = rest
                    .split_at_checked(length)
                    .ok_or("a serialized value ends early")?;
                rest = tail;
                let value =
                    CqlValue::deserialize(spec.typ(), Some(FrameSlice::new_borrowed(bytes)))
                        .map_err(|err| format!("{}: {err}", spec.name()))?;
                Bound::Value(value)
            }
        };
        bound.push(value);
    }
    if !rest.is_empty() {
        return Err("more values than markers".into());
    }
    Ok(bound)
}

/// The value bound at `marker` for `column`: refused if null or unset (a key, a relation).
fn required(bound: &[Bound], marker: usize, column: &str) -> Result<CqlValue, String> {
    match &bound[marker] {
        Bound::Value(value) => Ok(value.clone()),
        Bound::Null => Err(format!(
            "Invalid null value in condition for column {column}"
        )),
        Bound::Unset => Err(format!("Invalid unset value for column {column}")),
    }
}

// --- reads ----------------------------------------------------------------------------------

/// A restriction on a clustering column.
#[derive(Debug)]
struct Filter {
    column: String,
    op: Op,
    values: Vec<CqlValue>,
}

impl Filter {
    /// Whether `row` passes.
    fn keeps(&self, row: &Values) -> bool {
        let Some(value) = row.get(&self.column) else {
            return false;
        };
        match self.op {
            Op::In => self.values.iter().any(|v| v == value),
            op => self
                .values
                .first()
                .is_some_and(|bound| satisfies(op, value, bound)),
        }
    }
}

/// The partition key columns and the values they are bound to (all of them, with `=`).
fn partition_values(
    table: &Table,
    s: &Statement,
    bound: &[Bound],
) -> Result<Vec<(String, CqlValue)>, String> {
    table
        .partition
        .iter()
        .map(|column| {
            let relation = relations_on(s, column).next().ok_or_else(|| {
                format!(
                    "Cannot execute this query: partition key column {column} is not restricted"
                )
            })?;
            if relation.op != Op::Eq {
                return Err(format!(
                    "only `=` on partition key column {column} is emulated"
                ));
            }
            Ok((
                column.clone(),
                required(bound, relation.markers[0], column)?,
            ))
        })
        .collect()
}

/// The restrictions on clustering columns; refuses non-key relations and long IN lists.
fn clustering_filters(
    table: &Table,
    s: &Statement,
    bound: &[Bound],
) -> Result<Vec<Filter>, String> {
    let mut filters = Vec::new();
    let mut combinations = 1usize;
    for relation in &s.relations {
        if table.partition.contains(&relation.column) {
            continue;
        }
        if !table.clustering.contains(&relation.column) {
            return Err(format!(
                "Cannot execute this query: {} is not a key column (it would need ALLOW FILTERING)",
                relation.column
            ));
        }
        let values = relation_values(relation, bound)?;
        if relation.op == Op::In {
            combinations = combinations.saturating_mul(values.len());
            if combinations > MAX_IN_VALUES {
                return Err(format!(
                    "clustering-key cartesian product size {combinations} is greater than maximum {MAX_IN_VALUES} (max_clustering_key_restrictions_per_query)"
                ));
            }
        }
        filters.push(Filter {
            column: relation.column.clone(),
            op: relation.op,
            values,
        });
    }
    Ok(filters)
}

/// The values of a `WHERE` relation: none may be null or unset.
fn relation_values(relation: &Relation, bound: &[Bound]) -> Result<Vec<CqlValue>, String> {
    let column = &relation.column;
    if !relation.list {
        return relation
            .markers
            .iter()
            .map(|&marker| required(bound, marker, column))
            .collect();
    }
    let items = match required(bound, relation.markers[0], column)? {
        CqlValue::List(items) => items,
        other => return Err(format!("IN ? on {column} bound to {other:?}, not a list")),
    };
    Ok(items)
}

/// `LIMIT ?`: strictly positive; unset means no limit.
fn limit(s: &Statement, bound: &[Bound]) -> Result<Option<usize>, String> {
    let Some(marker) = s.limit else {
        return Ok(None);
    };
    match &bound[marker] {
        Bound::Unset => Ok(None),
        Bound::Null => Err("Invalid null value of limit".into()),
        Bound::Value(CqlValue::Int(n)) if *n > 0 => Ok(usize::try_from(*n).ok()),
        Bound::Value(_) => Err("LIMIT must be strictly positive".into()),
    }
}

/// Orders rows by the clustering columns, each in its `CLUSTERING ORDER`.
fn clustering_cmp(table: &Table, a: &Values, b: &Values) -> Ordering {
    for (column, order) in table.clustering.iter().zip(&table.clustering_order) {
        let ordering = match (a.get(column), b.get(column)) {
            (Some(x), Some(y)) => Key(x.clone()).cmp(&Key(y.clone())),
            (x, y) => x.is_some().cmp(&y.is_some()),
        };
        let ordering = match order {
            Order::Asc => ordering,
            Order::Desc => ordering.reverse(),
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    Ordering::Equal
}

/// A stored row's values, key columns included; `None` if it does not exist at `now`.
fn live_values(table: &Table, key: &[Key], row: &StoredRow, now: Instant) -> Option<Values> {
    let mut row = row.clone();
    row.prune(now);
    if !row.exists() {
        return None;
    }
    let mut values: Values = key_columns(table)
        .cloned()
        .zip(key.iter().map(|k| k.0.clone()))
        .collect();
    values.extend(row.cells.into_iter().map(|(c, cell)| (c, cell.value)));
    Some(values)
}

fn key_columns(table: &Table) -> impl Iterator<Item = &String> {
    table.partition.iter().chain(&table.clustering)
}

fn relations_on<'s>(s: &'s Statement, column: &'s str) -> impl Iterator<Item = &'s Relation> {
    s.relations.iter().filter(move |r| r.column == column)
}

// --- writes ---------------------------------------------------------------------------------

fn rows_mut<'s>(state: &'s mut State, table: &Table) -> &'s mut Rowset {
    state.tables.entry(table.name.clone()).or_default()
}

/// The primary key a write names: every key column bound (for `UPDATE` and `DELETE`, with
/// `=`), none null or unset.
fn write_key(table: &Table, s: &Statement, bound: &[Bound]) -> Result<Vec<Key>, String> {
    key_columns(table)
        .map(|column| {
            let marker = if s.verb == Verb::Insert {
                s.inserted.iter().position(|c| c == column)
            } else {
                relations_on(s, column)
                    .find(|r| r.op == Op::Eq)
                    .map(|r| r.markers[0])
            };
            let marker =
                marker.ok_or_else(|| format!("Missing mandatory PRIMARY KEY part {column}"))?;
            Ok(Key(required(bound, marker, column)?))
        })
        .collect()
}

/// The row at `key` as it is at `now`, pruned; `None` if it does not exist.
fn current(rows: &mut Rowset, table: &Table, key: &[Key], now: Instant) -> Option<Values> {
    let row = rows.get_mut(key)?;
    row.prune(now);
    live_values(table, key, row, now)
}

/// `USING TTL ?`: when what the statement writes expires. Unset or 0 means never.
fn expiry(s: &Statement, bound: &[Bound], now: Instant) -> Result<Option<Instant>, String> {
    let Some(marker) = s.ttl else {
        return Ok(None);
    };
    match &bound[marker] {
        Bound::Unset | Bound::Value(CqlValue::Int(0)) => Ok(None),
        Bound::Null => Err("Invalid null value of TTL".into()),
        Bound::Value(CqlValue::Int(ttl)) if (1..=MAX_TTL_SECONDS).contains(ttl) => {
            let seconds = u64::try_from(*ttl).map_err(|_| "a negative TTL")?;
            Ok(Some(now + Duration::from_secs(seconds)))
        }
        Bound::Value(other) => Err(format!(
            "ttl is out of range [0, {MAX_TTL_SECONDS}]: {other:?}"
        )),
    }
}

/// Writes `value` to `column` of `row`: unset leaves it, null deletes it.
fn write_cell(row: &mut StoredRow, column: &str, value: &Bound, expires: Option<Instant>) {
    match value {
        Bound::Unset => {}
        Bound::Null => {
            row.cells.remove(column);
        }
        Bound::Value(value) => {
            let cell = Cell {
                value: value.clone(),
                expires,
            };
            row.cells.insert(column.to_owned(), cell);
        }
    }
}

/// `INSERT [IF NOT EXISTS] [USING TTL ?]`.
fn insert(
    rows: &mut Rowset,
    table: &Table,
    s: &Statement,
    bound: &[Bound],
    now: Instant,
) -> Result<Rows, String> {
    let key = write_key(table, s, bound)?;
    let expires = expiry(s, bound, now)?;
    let before = current(rows, table, &key, now);
    let conditional = s.condition == Condition::NotExists;
    if conditional && before.is_some() {
        return Ok(lwt_result(table, false, before.as_ref()));
    }
    let row = rows.entry(key).or_default();
    row.marker = Some(expires);
    for (marker, column) in s.inserted.iter().enumerate() {
        if !table.is_key(column) {
            write_cell(row, column, &bound[marker], expires);
        }
    }
    Ok(if conditional {
        lwt_result(table, true, before.as_ref())
    } else {
        Rows::default()
    })
}

/// `UPDATE ... SET ... WHERE <key> [IF EXISTS | IF conditions]`.
fn update(
    rows: &mut Rowset,
    table: &Table,
    s: &Statement,
    bound: &[Bound],
    now: Instant,
) -> Result<Rows, String> {
    let key = write_key(table, s, bound)?;
    let before = current(rows, table, &key, now);
    let applies = applies(&s.condition, before.as_ref(), bound)?;
    if applies {
        let row = rows.entry(key.clone()).or_default();
        for (column, &marker) in s.assigned.iter().zip(&s.assigned_markers) {
            write_cell(row, column, &bound[marker], None);
        }
        if !row.exists() {
            rows.remove(&key);
        }
    }
    Ok(result_of(table, &s.condition, applies, before.as_ref()))
}

/// `DELETE FROM ... WHERE <key> [IF EXISTS | IF conditions]`.
fn delete(
    rows: &mut Rowset,
    table: &Table,
    s: &Statement,
    bound: &[Bound],
    now: Instant,
) -> Result<Rows, String> {
    let key = write_key(table, s, bound)?;
    let before = current(rows, table, &key, now);
    let applies = applies(&s.condition, before.as_ref(), bound)?;
    if applies {
        rows.remove(&key);
    }
    Ok(result_of(table, &s.condition, applies, before.as_ref()))
}

/// Whether a write with `condition` applies to the row `before` (`None`: absent). Unset
/// values in a condition are refused, whether or not the row exists.
fn applies(
    condition: &Condition,
    before: Option<&Values>,
    bound: &[Bound],
) -> Result<bool, String> {
    match condition {
        Condition::None => Ok(true),
        Condition::Exists => Ok(before.is_some()),
        Condition::NotExists => Ok(before.is_none()),
        Condition::Columns(relations) => {
            let mut holds = before.is_some();
            for relation in relations {
                let values = condition_values(relation, bound)?;
                let cell = before.and_then(|row| row.get(&relation.column));
                holds &= condition_holds(relation.op, cell, &values);
            }
            Ok(holds)
        }
    }
}

/// The values of an `IF` condition; null is allowed (`None`), unset is not.
fn condition_values(relation: &Relation, bound: &[Bound]) -> Result<Vec<Option<CqlValue>>, String> {
    let column = &relation.column;
    let value = |marker: usize| match &bound[marker] {
        Bound::Unset => Err(format!("Invalid unset value for column {column}")),
        Bound::Null => Ok(None),
        Bound::Value(value) => Ok(Some(value.clone())),
    };
    if !relation.list {
        return relation.markers.iter().map(|&m| value(m)).collect();
    }
    match value(relation.markers[0])? {
        None => Ok(Vec::new()),
        Some(CqlValue::List(items)) => Ok(items.into_iter().map(Some).collect()),
        Some(other) => Err(format!("IN ? on {column} bound to {other:?}, not a list")),
    }
}

/// `cell op value`: `=`, `!=` and `IN` treat null as a value (null = null), the orderings
/// are false when either side is null.
fn condition_holds(op: Op, cell: Option<&CqlValue>, values: &[Option<CqlValue>]) -> bool {
    match op {
        Op::In => values.iter().any(|v| v.as_ref() == cell),
        Op::Eq => values.first().is_some_and(|v| v.as_ref() == cell),
        Op::Ne => values.first().is_some_and(|v| v.as_ref() != cell),
        op => match (cell, values.first()) {
            (Some(cell), Some(Some(value))) => satisfies(op, cell, value),
            _ => false,
        },
    }
}

/// What a write returns: nothing, or for a conditional one, `[applied]` and the row before.
fn result_of(table: &Table, condition: &Condition, applied: bool, before: Option<&Values>) -> Rows {
    if *condition == Condition::None {
        Rows::default()
    } else {
        lwt_result(table, applied, before)
    }
}

/// A conditional statement's one row: `[applied]`, then every column of the table as it was
/// before the statement (all null for an absent row), in ScyllaDB's column order: partition
/// key, clustering key, then the other columns by name.
fn lwt_result(table: &Table, applied: bool, before: Option<&Values>) -> Rows {
    let columns: Vec<String> = key_columns(table)
        .chain(table.columns.keys().filter(|c| !table.is_key(c)))
        .cloned()
        .collect();
    let mut row = vec![Some(CqlValue::Boolean(applied))];
    row.extend(
        columns
            .iter()
            .map(|c| before.and_then(|values| values.get(c)).cloned()),
    );
    let mut names = vec!["[applied]".to_owned()];
    names.extend(columns);
    Rows {
        columns: names,
        rows: vec![row],
    }
}

// --- values ---------------------------------------------------------------------------------

/// `value op bound` for `<`, `<=`, `>`, `>=` (and `=`, `!=`); false for values without an
/// order between them.
fn satisfies(op: Op, value: &CqlValue, bound: &CqlValue) -> bool {
    let Some(ordering) = compare(value, bound) else {
        return false;
    };
    match op {
        Op::Eq => ordering == Ordering::Equal,
        Op::Ne => ordering != Ordering::Equal,
        Op::Lt => ordering == Ordering::Less,
        Op::Le => ordering != Ordering::Greater,
        Op::Gt => ordering == Ordering::Greater,
        Op::Ge => ordering != Ordering::Less,
        Op::In => false,
    }
}

/// ScyllaDB's order of two values of one type: numbers numerically, text and blobs by
/// bytes, UUIDs by their 16 bytes unsigned (ScyllaDB's order for UUIDs of one non-time
/// version; the ids here are UUIDv7), false before true, lists element by element.
fn compare(a: &CqlValue, b: &CqlValue) -> Option<Ordering> {
    use CqlValue as V;
    Some(match (a, b) {
        (V::Int(x), V::Int(y)) => x.cmp(y),
        (V::BigInt(x), V::BigInt(y)) => x.cmp(y),
        (V::SmallInt(x), V::SmallInt(y)) => x.cmp(y),
        (V::TinyInt(x), V::TinyInt(y)) => x.cmp(y),
        (V::Text(x), V::Text(y)) | (V::Ascii(x), V::Ascii(y)) => x.as_bytes().cmp(y.as_bytes()),
        (V::Blob(x), V::Blob(y)) => x.cmp(y),
        (V::Uuid(x), V::Uuid(y)) => x.as_bytes().cmp(y.as_bytes()),
        (V::Boolean(x), V::Boolean(y)) => x.cmp(y),
        (V::Timestamp(x), V::Timestamp(y)) => x.0.cmp(&y.0),
        (V::List(x), V::List(y)) | (V::Set(x), V::Set(y)) => {
            for (x, y) in x.iter().zip(y) {
                match compare(x, y)? {
                    Ordering::Equal => {}
                    other => return Some(other),
                }
            }
            x.len().cmp(&y.len())
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
