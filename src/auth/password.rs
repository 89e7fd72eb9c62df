//! Password hashing with argon2id (the `argon2` crate's defaults: m=19 MiB, t=2, p=1).
//!
//! Both functions are CPU-bound for tens of milliseconds: call them from a blocking thread.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use secrecy::{ExposeSecret, SecretString};

/// Hashes `password` into a PHC string with a fresh salt.
pub fn hash(password: &SecretString) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default()
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map_err(|err| anyhow::anyhow!("hashing password: {err}"))?;
    Ok(hash.to_string())
}

/// Whether `password` matches `phc`. A malformed stored hash never matches.
pub fn verify(password: &SecretString, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.expose_secret().as_bytes(), &parsed)
        .is_ok()
}

/// A valid hash of a password nobody knows: login verifies against it when the email is
/// unknown, so that the response time does not reveal which emails are registered.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        hash(&SecretString::from(uuid::Uuid::new_v4().to_string())).unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_salted() {
        let password = SecretString::from("correct horse battery staple");
        let first = hash(&password).unwrap();
        let second = hash(&password).unwrap();
        assert!(first.starts_with("$argon2id$"));
        assert_ne!(first, second, "salts differ");
        assert!(verify(&password, &first));
        assert!(!verify(&SecretString::from("wrong"), &first));
        assert!(!verify(&password, "not a hash"));
        assert!(!verify(&password, dummy_hash()));
    }
}
