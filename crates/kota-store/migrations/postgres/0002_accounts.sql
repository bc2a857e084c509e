-- Accounts: users with their role and the part of the network it binds them to, API tokens
-- (kept as hashes), server-side sessions, and the sign-in attempts that throttling counts.
-- Kept in step with ../sqlite/0002_accounts.sql.

CREATE TABLE users (
    id            UUID PRIMARY KEY,
    email         TEXT NOT NULL CHECK (email <> ''), -- normalised (trimmed, lower-case) by Kota
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('city_officer', 'national_representative',
                                                'partner_representative', 'coordinator', 'admin')),
    city_id       UUID REFERENCES cities (id),
    state_iso2    TEXT REFERENCES member_states (iso2),
    partner_id    UUID REFERENCES partners (id),
    created_at    TIMESTAMPTZ NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    CHECK ((role = 'city_officer') = (city_id IS NOT NULL)),
    CHECK ((role = 'national_representative') = (state_iso2 IS NOT NULL)),
    CHECK ((role = 'partner_representative') = (partner_id IS NOT NULL))
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_city ON users (city_id);
CREATE INDEX users_partner ON users (partner_id);

CREATE TABLE api_tokens (
    id           UUID PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE login_attempts (
    id           UUID PRIMARY KEY,
    account      TEXT NOT NULL,
    address      TEXT NOT NULL,
    attempted_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_attempts_account ON login_attempts (account, attempted_at);
CREATE INDEX login_attempts_address ON login_attempts (address, attempted_at);
CREATE INDEX login_attempts_attempted_at ON login_attempts (attempted_at);
