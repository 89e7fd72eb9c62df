//! Adapters of the [`Store`](orchard_actors::ports::Store) port.

pub mod sqlite;
