//! Authentication: argon2id password hashes, PASETO v4.public tokens and their revocation.

pub mod password;
pub mod revocation;
pub mod tokens;

pub use revocation::{RevocationCheck, Revocations};
pub use tokens::{Claims, TokenError, TokenKeys};
