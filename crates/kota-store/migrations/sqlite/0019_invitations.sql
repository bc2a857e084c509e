-- People in the network: invitations with single-use links, password resets, and a counter
-- that "sign out everywhere" moves so that every session of the account ends. Links are kept
-- only as SHA-256 digests of their tokens. Kept in step with ../postgres/0019_invitations.sql.

ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;

CREATE TABLE invitations (
    id            BLOB PRIMARY KEY,
    email         TEXT NOT NULL CHECK (email <> ''), -- normalised (trimmed, lower-case)
    role          TEXT NOT NULL CHECK (role IN ('city_officer', 'national_representative',
                                                'partner_representative', 'coordinator')),
    city_id       BLOB REFERENCES cities (id) ON DELETE CASCADE,
    state_iso2    TEXT REFERENCES member_states (iso2),
    partner_id    BLOB REFERENCES partners (id) ON DELETE CASCADE,
    invited_by    BLOB REFERENCES users (id) ON DELETE SET NULL,
    invited_label TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    accepted_at   TEXT,
    accepted_user BLOB REFERENCES users (id) ON DELETE SET NULL,
    revoked_at    TEXT,
    sent_count    INTEGER NOT NULL DEFAULT 1,
    CHECK ((role = 'city_officer') = (city_id IS NOT NULL)),
    CHECK ((role = 'national_representative') = (state_iso2 IS NOT NULL)),
    CHECK ((role = 'partner_representative') = (partner_id IS NOT NULL))
);
CREATE INDEX invitations_email ON invitations (email);
CREATE INDEX invitations_invited_by ON invitations (invited_by, created_at);
CREATE INDEX invitations_created_at ON invitations (created_at);

CREATE TABLE password_resets (
    id         BLOB PRIMARY KEY,
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    client     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);

-- Every ask for a reset, known address or not, so that a client is throttled alike.
CREATE TABLE password_reset_asks (
    id       BLOB PRIMARY KEY,
    client   TEXT NOT NULL,
    asked_at TEXT NOT NULL
);
CREATE INDEX password_reset_asks_client ON password_reset_asks (client, asked_at);
