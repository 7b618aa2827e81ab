-- Encryption at rest. Key-encryption keys: the service-owned key (no
-- account, no ARN) and customer keys; their material is wrapped by the
-- master key, which is not in the database. A deleted key keeps its row
-- (so errors can name it) but loses its material.
CREATE TABLE encryption_keys (
    key_id TEXT PRIMARY KEY,
    account_id TEXT,
    arn TEXT UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    material TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX encryption_keys_account ON encryption_keys (account_id);

-- Data keys, wrapped by the key-encryption key that was the account's key
-- when each was made; ciphertexts name their data key.
CREATE TABLE data_keys (
    dek_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    key_id TEXT NOT NULL REFERENCES encryption_keys (key_id),
    wrapped TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX data_keys_account ON data_keys (account_id, key_id);

-- A sealed artifact: when it was sealed, and its first plaintext bytes
-- (the zip signature CreateScan checks).
ALTER TABLE artifacts ADD COLUMN sealed_at BIGINT;
ALTER TABLE artifacts ADD COLUMN head TEXT;
