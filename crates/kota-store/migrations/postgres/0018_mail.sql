-- Notices and mail. A change that concerns people records a notification for each of them in
-- its own transaction, and queues their mail in the outbox when they want it at once; a daily
-- digest gathers the rest. Servers claim a queued mail with a lease before sending it, so that
-- of several servers one sends it, and a mail whose sender died is sent when the lease ends.

ALTER TABLE users ADD COLUMN delivery TEXT NOT NULL DEFAULT 'immediate'
    CHECK (delivery IN ('immediate', 'daily', 'off'));
ALTER TABLE users ADD COLUMN last_digest_at TIMESTAMPTZ;

CREATE TABLE notifications (
    id         UUID PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    text       TEXT NOT NULL,
    link       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    -- In a queued mail (at once or in a digest), or not to be mailed.
    mailed     BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX notifications_user ON notifications (user_id, created_at);
CREATE INDEX notifications_to_digest ON notifications (user_id) WHERE NOT mailed;

CREATE TABLE outbox (
    id              UUID PRIMARY KEY,
    kind            TEXT NOT NULL
                    CHECK (kind IN ('notification', 'digest', 'invitation', 'password_reset')),
    user_id         UUID REFERENCES users (id) ON DELETE CASCADE,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    link            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    lease_owner     TEXT,
    lease_until     TIMESTAMPTZ,
    sent_at         TIMESTAMPTZ,
    failed_at       TIMESTAMPTZ,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- Who wrote a comment, so that an answer reaches them (unknown for comments written before).
ALTER TABLE project_comments ADD COLUMN author_id UUID REFERENCES users (id) ON DELETE SET NULL;
