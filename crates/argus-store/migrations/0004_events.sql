-- Events: webhook targets and the durable outbox of deliveries. An event
-- is written in the same transaction as the change it reports, one
-- delivery row per matching target, so nothing is lost across restarts.

CREATE TABLE webhook_targets (
    target_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    url TEXT NOT NULL,
    -- Signs deliveries (HMAC-SHA256); never shown again after creation.
    secret TEXT NOT NULL,
    -- Comma-separated event types; empty for every type.
    event_types TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX webhook_targets_account ON webhook_targets (account_id);

CREATE TABLE event_deliveries (
    delivery_id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL,
    target_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    scan_name TEXT NOT NULL,
    -- The event's detail as JSON (never code).
    detail TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    -- Order of the target's events: one more than the largest the
    -- writing transaction sees.
    seq BIGINT NOT NULL,
    -- pending, delivered or failed.
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_owner TEXT,
    lease_expires_at BIGINT,
    last_error TEXT,
    finished_at BIGINT
);
CREATE INDEX event_deliveries_due ON event_deliveries (state, next_attempt_at);
CREATE INDEX event_deliveries_order ON event_deliveries (target_id, state, seq);
