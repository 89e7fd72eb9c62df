//! Adapters of the [`LockService`](orchard_actors::ports::LockService) port.
//!
//! The embedded one needs nothing but memory and lives in the core crate
//! ([`orchard_actors::locks::InProcessLocks`]); the one here shares locks between nodes.

pub mod redis;
