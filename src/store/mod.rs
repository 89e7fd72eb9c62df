//! Adapters of the [`Store`](orchard_actors::ports::Store) port. Each passes
//! `orchard_actors::conformance::store::all_store_checks`.

pub mod scylla;
pub(crate) mod scylla_cql;
pub mod sqlite;
