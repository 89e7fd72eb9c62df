//! Authentication: argon2id password hashes and PASETO v4.public tokens.

pub mod password;
pub mod tokens;

pub use tokens::{Claims, TokenError, TokenKeys};
