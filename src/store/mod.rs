//! Adapters of the [`Store`](orchard_actors::ports::Store) port.

pub mod scylla;
pub(crate) mod scylla_cql;
pub mod sqlite;
