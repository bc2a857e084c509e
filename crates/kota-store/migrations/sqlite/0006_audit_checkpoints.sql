-- Signed checkpoints of the audit chain's head, one per entry appended with a signer, and the
-- public keys that signed them (the secret keys stay outside the database). Append-only.

CREATE TABLE audit_signing_keys (
    key_id     TEXT PRIMARY KEY,
    public_key TEXT NOT NULL UNIQUE
);

CREATE TABLE audit_checkpoints (
    seq       INTEGER PRIMARY KEY CHECK (seq > 0),
    head      TEXT NOT NULL,
    at        TEXT NOT NULL,
    signature TEXT NOT NULL,
    key_id    TEXT NOT NULL REFERENCES audit_signing_keys (key_id)
);

CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit checkpoints are append-only');
END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit checkpoints are append-only');
END;
