-- Identities: the users and roles of an account, their identity policies,
-- and temporary credentials. The root principal of an account
-- (arn:aws:iam::<account>:root) has no row: it is allowed everything in
-- its own account, as in IAM.

CREATE TABLE principals (
    principal_arn TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    -- User or Role.
    principal_type TEXT NOT NULL,
    name TEXT NOT NULL,
    -- The unique id IAM shows as aws:userid (AIDA... for users, AROA... for roles).
    principal_id TEXT NOT NULL,
    -- JSON object of tag key -> value (aws:PrincipalTag/*).
    tags TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX principals_name ON principals (account_id, principal_type, name);

-- Policies attached to a principal: a built-in managed policy (by ARN) or
-- an inline document.
CREATE TABLE principal_policies (
    principal_arn TEXT NOT NULL,
    policy_name TEXT NOT NULL,
    managed_arn TEXT,
    document TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (principal_arn, policy_name)
);

-- Temporary credentials are access keys with a session token (stored as
-- its SHA-256) and an expiry. `principal_arn` is who the caller is (for a
-- role session, arn:aws:sts::<account>:assumed-role/<role>/<session>);
-- `policy_principal_arn` is whose policies and tags apply.
ALTER TABLE access_keys ADD COLUMN policy_principal_arn TEXT;
ALTER TABLE access_keys ADD COLUMN session_token_sha256 TEXT;
ALTER TABLE access_keys ADD COLUMN expires_at BIGINT;
CREATE INDEX access_keys_account ON access_keys (account_id, principal_arn);

-- Retention: when an artifact's code was deleted (the row stays, so a
-- run's history still names what it scanned).
ALTER TABLE artifacts ADD COLUMN purged_at BIGINT;
CREATE INDEX artifacts_retention ON artifacts (purged_at, created_at);
