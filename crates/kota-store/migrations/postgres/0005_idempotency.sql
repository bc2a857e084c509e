-- Idempotency keys of creating requests: the answer a request got, kept for a day, so that a
-- client retrying the same request gets the same answer and makes one record.
-- Kept in step with ../sqlite/0005_idempotency.sql.

CREATE TABLE idempotency_keys (
    user_id     UUID NOT NULL,
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL, -- SHA-256 of the request's method, path and body
    answer      JSONB NOT NULL, -- the JSON answered
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
