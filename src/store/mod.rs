//! Adapters of the [`Store`](orchard_actors::ports::Store) port.

mod scylla_cql;
pub mod sqlite;
