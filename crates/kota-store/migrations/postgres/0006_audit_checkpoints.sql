-- Signed checkpoints of the audit chain's head, one per entry appended with a signer, and the
-- public keys that signed them (the secret keys stay outside the database). Append-only.

CREATE TABLE audit_signing_keys (
    key_id     TEXT PRIMARY KEY,
    public_key TEXT NOT NULL UNIQUE
);

CREATE TABLE audit_checkpoints (
    seq       BIGINT PRIMARY KEY CHECK (seq > 0),
    head      TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL,
    signature TEXT NOT NULL,
    key_id    TEXT NOT NULL REFERENCES audit_signing_keys (key_id)
);

CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit checkpoints are append-only';
END;
$$;
CREATE TRIGGER audit_checkpoints_guard BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only();
CREATE TRIGGER audit_checkpoints_guard_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_append_only();
