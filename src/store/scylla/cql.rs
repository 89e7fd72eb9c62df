//! How the store runs its statements: the [`Cql`] executor, and the rows it gets back.
//!
//! [`SessionCql`] runs the prepared statements of [`Statements`] on a driver session. The
//! store sees only [`Cql`] and [`Rows`] (column names and `CqlValue`s), so the same store code
//! runs on a cluster and, in the tests, on the statement emulator of `super::emulator`, which
//! executes exactly the statements of `scylla_cql::ALL` over the tables of `schema/cql/`.

use async_trait::async_trait;
use scylla::client::session::Session;
use scylla::serialize::row::SerializeRow;
use scylla::statement::Consistency;
use scylla::value::{CqlTimestamp, CqlValue, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::Statements;
use crate::config::ScyllaSerialConsistency;

/// How a statement runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Run {
    /// One request: writes, single rows, pages with a `LIMIT`.
    Once,
    /// Every page of a partition, fetched by the driver.
    AllPages,
    /// At the serial consistency, to settle a lightweight transaction whose outcome is
    /// unknown (it timed out): the read completes any Paxos round in flight on the row.
    Serial,
}

/// A statement failed: the driver's or the server's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{statement}: {message}")]
pub(crate) struct CqlError {
    /// The statement's name in `scylla_cql::ALL`.
    pub(crate) statement: &'static str,
    /// What went wrong.
    pub(crate) message: String,
}

/// Runs the statements of `scylla_cql::ALL`, by name.
#[async_trait]
pub(crate) trait Cql: Send + Sync + 'static {
    /// Runs statement `name` with `values` bound to its markers, in order.
    async fn run(
        &self,
        name: &'static str,
        values: &(dyn SerializeRow + Sync),
        how: Run,
    ) -> Result<Rows, CqlError>;
}

/// What a statement returned: the column names, then each row's values (`None` is null).
/// A conditional statement returns one row: `[applied]` and the row's columns as they were.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Rows {
    pub(crate) columns: Vec<String>,
    pub(crate) rows: Vec<Vec<Option<CqlValue>>>,
}

impl Rows {
    /// Each row, with its values by column name.
    pub(crate) fn iter(&self) -> impl Iterator<Item = RowRef<'_>> {
        self.rows.iter().map(|values| RowRef {
            columns: &self.columns,
            values,
        })
    }

    /// The first row, if any.
    pub(crate) fn first(&self) -> Option<RowRef<'_>> {
        self.iter().next()
    }

    /// Whether a conditional statement applied, and the row it returned.
    pub(crate) fn lwt(&self) -> Result<(bool, RowRef<'_>), Decode> {
        let row = self
            .first()
            .ok_or_else(|| Decode("a conditional statement returned no row".into()))?;
        Ok((row.bool("[applied]")?, row))
    }
}

/// A value did not have the type the store expects (a schema or a statement out of step).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Decode(pub(crate) String);

/// One row of [`Rows`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowRef<'a> {
    columns: &'a [String],
    values: &'a [Option<CqlValue>],
}

impl<'a> RowRef<'a> {
    /// The value of `column`, `None` when null or not returned.
    pub(crate) fn get(&self, column: &str) -> Option<&'a CqlValue> {
        let index = self.columns.iter().position(|c| c == column)?;
        self.values.get(index)?.as_ref()
    }

    fn typed<T>(
        &self,
        column: &str,
        what: &str,
        f: impl FnOnce(&'a CqlValue) -> Option<T>,
    ) -> Result<Option<T>, Decode> {
        match self.get(column) {
            None => Ok(None),
            Some(value) => f(value)
                .map(Some)
                .ok_or_else(|| Decode(format!("column {column}: expected {what}, got {value:?}"))),
        }
    }

    fn required<T>(&self, column: &str, value: Option<T>) -> Result<T, Decode> {
        value.ok_or_else(|| Decode(format!("column {column} is null")))
    }

    pub(crate) fn opt_text(&self, column: &str) -> Result<Option<String>, Decode> {
        self.typed(column, "text", |v| v.as_text().cloned())
    }

    pub(crate) fn text(&self, column: &str) -> Result<String, Decode> {
        let value = self.opt_text(column)?;
        self.required(column, value)
    }

    pub(crate) fn opt_uuid(&self, column: &str) -> Result<Option<Uuid>, Decode> {
        self.typed(column, "uuid", CqlValue::as_uuid)
    }

    pub(crate) fn uuid(&self, column: &str) -> Result<Uuid, Decode> {
        let value = self.opt_uuid(column)?;
        self.required(column, value)
    }

    pub(crate) fn opt_bigint(&self, column: &str) -> Result<Option<i64>, Decode> {
        self.typed(column, "bigint", CqlValue::as_bigint)
    }

    /// A `bigint` that counts something: never negative (0 when null).
    pub(crate) fn count(&self, column: &str) -> Result<u64, Decode> {
        Ok(self
            .opt_bigint(column)?
            .map_or(0, |v| u64::try_from(v).unwrap_or(0)))
    }

    pub(crate) fn opt_int(&self, column: &str) -> Result<Option<i32>, Decode> {
        self.typed(column, "int", CqlValue::as_int)
    }

    /// An `int` that counts something: never negative (0 when null).
    pub(crate) fn small_count(&self, column: &str) -> Result<u32, Decode> {
        Ok(self
            .opt_int(column)?
            .map_or(0, |v| u32::try_from(v).unwrap_or(0)))
    }

    pub(crate) fn opt_bool(&self, column: &str) -> Result<Option<bool>, Decode> {
        self.typed(column, "boolean", CqlValue::as_boolean)
    }

    pub(crate) fn bool(&self, column: &str) -> Result<bool, Decode> {
        let value = self.opt_bool(column)?;
        self.required(column, value)
    }

    pub(crate) fn opt_time(&self, column: &str) -> Result<Option<OffsetDateTime>, Decode> {
        let millis = self.typed(column, "timestamp", |v| match v {
            CqlValue::Timestamp(CqlTimestamp(ms)) => Some(*ms),
            _ => None,
        })?;
        millis
            .map(|ms| {
                OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
                    .map_err(|err| Decode(format!("column {column}: {err}")))
            })
            .transpose()
    }

    pub(crate) fn time(&self, column: &str) -> Result<OffsetDateTime, Decode> {
        let value = self.opt_time(column)?;
        self.required(column, value)
    }

    pub(crate) fn blob(&self, column: &str) -> Result<Vec<u8>, Decode> {
        let value = self.typed(column, "blob", |v| v.as_blob().cloned())?;
        self.required(column, value)
    }

    /// A `list<text>`; null is the empty list.
    pub(crate) fn text_list(&self, column: &str) -> Result<Vec<String>, Decode> {
        let Some(value) = self.get(column) else {
            return Ok(Vec::new());
        };
        let items = value
            .as_list()
            .ok_or_else(|| Decode(format!("column {column}: expected a list, got {value:?}")))?;
        items
            .iter()
            .map(|item| {
                item.as_text()
                    .cloned()
                    .ok_or_else(|| Decode(format!("column {column}: a list item is not text")))
            })
            .collect()
    }
}

/// A time as a CQL `timestamp` (milliseconds since the epoch; finer parts are dropped).
pub(crate) fn timestamp(at: OffsetDateTime) -> CqlTimestamp {
    let millis = at.unix_timestamp_nanos().div_euclid(1_000_000);
    CqlTimestamp(i64::try_from(millis).unwrap_or(i64::MAX))
}

/// Now, to the millisecond: what a `timestamp` column keeps, so that what a method returns
/// equals what a later read finds.
pub(crate) fn now_millis() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000_000 * 1_000_000)
        .unwrap_or(now)
}

/// [`Cql`] on a driver session, with every statement prepared at start-up.
#[derive(Debug)]
pub(crate) struct SessionCql {
    session: Session,
    statements: Statements,
    serial: Consistency,
}

impl SessionCql {
    pub(crate) fn new(
        session: Session,
        statements: Statements,
        serial: ScyllaSerialConsistency,
    ) -> Self {
        Self {
            session,
            statements,
            serial: super::serial_read(serial),
        }
    }
}

#[async_trait]
impl Cql for SessionCql {
    async fn run(
        &self,
        name: &'static str,
        values: &(dyn SerializeRow + Sync),
        how: Run,
    ) -> Result<Rows, CqlError> {
        let failed = |message: String| CqlError {
            statement: name,
            message,
        };
        let prepared = self.statements.get(name);
        match how {
            Run::Once | Run::Serial => {
                let result = if how == Run::Serial {
                    let mut serial = prepared.clone();
                    serial.set_consistency(self.serial);
                    self.session.execute_unpaged(&serial, values).await
                } else {
                    self.session.execute_unpaged(prepared, values).await
                }
                .map_err(|err| failed(err.to_string()))?;
                if !result.is_rows() {
                    return Ok(Rows::default());
                }
                let rows = result
                    .into_rows_result()
                    .map_err(|err| failed(err.to_string()))?;
                let columns = rows
                    .column_specs()
                    .iter()
                    .map(|spec| spec.name().to_owned())
                    .collect();
                let rows = rows
                    .rows::<Row>()
                    .map_err(|err| failed(err.to_string()))?
                    .map(|row| row.map(|row| row.columns))
                    .collect::<Result<_, _>>()
                    .map_err(|err| failed(err.to_string()))?;
                Ok(Rows { columns, rows })
            }
            Run::AllPages => {
                use futures_util::TryStreamExt as _;
                let pager = self
                    .session
                    .execute_iter(prepared.clone(), values)
                    .await
                    .map_err(|err| failed(err.to_string()))?;
                let columns: Vec<String> = pager
                    .column_specs()
                    .iter()
                    .map(|spec| spec.name().to_owned())
                    .collect();
                let rows = pager
                    .rows_stream::<Row>()
                    .map_err(|err| failed(err.to_string()))?
                    .map_ok(|row| row.columns)
                    .try_collect()
                    .await
                    .map_err(|err| failed(err.to_string()))?;
                Ok(Rows { columns, rows })
            }
        }
    }
}
