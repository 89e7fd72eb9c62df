-- One credential per (org, provider), its secret sealed with AES-256-SIV (see src/crypto.rs):
-- no column ever holds the secret in plaintext.
CREATE TABLE credentials (
    org_id       TEXT NOT NULL REFERENCES orgs(id),
    provider     TEXT NOT NULL,
    id           TEXT NOT NULL UNIQUE,
    username     TEXT,
    scopes_note  TEXT,
    fingerprint  TEXT,
    key_version  INTEGER NOT NULL,
    nonce        BLOB NOT NULL,
    ciphertext   BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    rotated_at   TEXT,
    PRIMARY KEY (org_id, provider)
);
