//! The [`BudgetLedger`](orchard_actors::budget::BudgetLedger) port: embedded on SQLite, shared
//! on Redis. Both pass `orchard_actors::conformance::all_ledger_checks`.

pub mod redis;
pub mod sqlite;

pub use self::redis::RedisLedger;
pub use self::sqlite::SqliteLedger;
