//! Credential decryption against token verification.
//!
//! `cargo bench --bench crypto`. Every request verifies a PASETO token; every git operation
//! of a run opens one sealed credential. This measures both on this machine, in ns per
//! operation (median of 7 rounds), and how large the decrypt is next to one verify
//! (goal: under 2 %). Results go to `bench/RESULTS.md` by hand, with the machine noted.

use std::hint::black_box;
use std::time::{Duration, Instant};

use orchard::auth::tokens::TokenKeys;
use orchard::crypto::{CredentialAad, Keyring};
use orchard_actors::domain::{OrgId, Role, UserId};
use secrecy::{ExposeSecret, SecretString};

/// Median ns per call of `f` over 7 rounds of `n` calls.
fn ns_per_op(n: u32, mut f: impl FnMut()) -> f64 {
    for _ in 0..n / 10 {
        f();
    }
    let mut rounds: Vec<f64> = (0..7)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..n {
                f();
            }
            start.elapsed().as_nanos() as f64 / f64::from(n)
        })
        .collect();
    rounds.sort_by(f64::total_cmp);
    rounds[3]
}

fn main() {
    let keyring = Keyring::generate();
    let aad = CredentialAad {
        org_id: OrgId::new(),
        provider: "github",
        credential_id: uuid::Uuid::now_v7(),
    };
    // A 40-byte token, the size of a GitHub personal access token.
    let secret = SecretString::from("ghp_0123456789abcdefghijklmnopqrstuvwxyz".to_owned());
    assert_eq!(secret.expose_secret().len(), 40);
    let sealed = keyring.seal(&aad, &secret);
    let decrypt = ns_per_op(20_000, || {
        let opened = keyring.open(black_box(&aad), black_box(&sealed)).unwrap();
        black_box(opened);
    });

    let keys = TokenKeys::generate().unwrap();
    let (token, _) = keys
        .issue(
            UserId::new(),
            OrgId::new(),
            Role::Admin,
            Duration::from_secs(3600),
        )
        .unwrap();
    let verify = ns_per_op(2_000, || {
        black_box(keys.verify(black_box(&token)).unwrap());
    });

    println!("| operation | ns/op |");
    println!("|---|---|");
    println!(
        "| (AES instructions on this CPU: {}) | |",
        if aes::hardware_accelerated() {
            "yes"
        } else {
            "no"
        }
    );
    println!("| open a sealed 40-byte credential (AES-256-SIV) | {decrypt:.0} |");
    println!("| verify a PASETO v4.public token | {verify:.0} |");
    println!("| decrypt / verify | {:.2} % |", decrypt / verify * 100.0);
}
