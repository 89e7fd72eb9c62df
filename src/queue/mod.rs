//! Adapters of the [`Queue`](orchard_actors::ports::Queue) port.

pub mod redis;
pub mod sqlite;
