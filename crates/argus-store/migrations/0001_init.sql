-- argus serve schema, version 1. Portable SQL: the same file runs on SQLite
-- and PostgreSQL. Times are Unix milliseconds (BIGINT).

-- Server-wide settings shared by every node (signing secrets, ...).
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    kms_key_arn TEXT
);

CREATE TABLE access_keys (
    access_key_id TEXT PRIMARY KEY,
    secret_access_key TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    principal_arn TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE artifacts (
    artifact_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    scan_name TEXT NOT NULL,
    object_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    uploaded_at BIGINT,
    size_bytes BIGINT
);

CREATE TABLE scans (
    account_id TEXT NOT NULL,
    scan_name TEXT NOT NULL,
    scan_type TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    latest_run_id TEXT,
    revisions BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, scan_name)
);
CREATE INDEX scans_activity ON scans (account_id, updated_at);

CREATE TABLE scan_tags (
    account_id TEXT NOT NULL,
    scan_name TEXT NOT NULL,
    tag_key TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    PRIMARY KEY (account_id, scan_name, tag_key)
);

CREATE TABLE runs (
    run_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    scan_name TEXT NOT NULL,
    artifact_id TEXT NOT NULL,
    analysis_type TEXT NOT NULL,
    scan_type TEXT NOT NULL,
    state TEXT NOT NULL,
    error_message TEXT,
    -- What the engine reported about the run (files, lines, skips) as JSON.
    summary TEXT,
    client_token TEXT NOT NULL,
    request_digest TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX runs_client_token ON runs (account_id, client_token);
CREATE INDEX runs_scan ON runs (account_id, scan_name, created_at);

-- Durable work queue: one job per run, leased by workers.
CREATE TABLE jobs (
    run_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    lease_owner TEXT,
    lease_expires_at BIGINT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX jobs_pending ON jobs (state, created_at);

CREATE TABLE findings (
    account_id TEXT NOT NULL,
    scan_name TEXT NOT NULL,
    finding_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    detector_id TEXT NOT NULL,
    detector_name TEXT NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    status TEXT NOT NULL,
    file_path TEXT NOT NULL,
    code TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT,
    last_run_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (account_id, scan_name, finding_id)
);
CREATE INDEX findings_page ON findings (account_id, scan_name, seq);
CREATE INDEX findings_open ON findings (account_id, scan_name, status);

-- Every period a finding was open: what metrics are computed from.
CREATE TABLE finding_periods (
    account_id TEXT NOT NULL,
    scan_name TEXT NOT NULL,
    finding_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    detector_name TEXT NOT NULL,
    category TEXT NOT NULL,
    first_period INTEGER NOT NULL,
    opened_at BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE INDEX finding_periods_opened ON finding_periods (account_id, opened_at);
CREATE INDEX finding_periods_finding ON finding_periods (account_id, scan_name, finding_id);
