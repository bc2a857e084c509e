-- Brokerage sessions at an event: one-to-one meeting requests between member cities and
-- partners, the event's brokerage settings (accept every request at once) and the schedule
-- last run for it (replaced by each run). A participant is a city or a partner, named by kind
-- and id. At most one open (requested or accepted) request per pair and event, either way.

CREATE TABLE meeting_requests (
    id             UUID PRIMARY KEY,
    event_id       UUID NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    requester_kind TEXT NOT NULL CHECK (requester_kind IN ('city', 'partner')),
    requester_id   UUID NOT NULL,
    invitee_kind   TEXT NOT NULL CHECK (invitee_kind IN ('city', 'partner')),
    invitee_id     UUID NOT NULL,
    pair_key       TEXT NOT NULL,
    about          TEXT NOT NULL,
    project_id     UUID REFERENCES projects (id) ON DELETE SET NULL,
    twinning_id    UUID REFERENCES twinnings (id) ON DELETE SET NULL,
    state          TEXT NOT NULL CHECK (state IN ('requested', 'accepted', 'declined')),
    requested_by   TEXT NOT NULL,
    requested_at   TIMESTAMPTZ NOT NULL,
    answered_by    TEXT,
    answered_at    TIMESTAMPTZ,
    version        INTEGER NOT NULL DEFAULT 1,
    CHECK (requester_id <> invitee_id)
);
CREATE INDEX meeting_requests_event ON meeting_requests (event_id, state);
CREATE UNIQUE INDEX meeting_requests_open_pair ON meeting_requests (event_id, pair_key)
    WHERE state IN ('requested', 'accepted');

CREATE TABLE brokerage_settings (
    event_id   UUID PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    accept_all BOOLEAN NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE brokerage_schedules (
    event_id UUID PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    body     JSONB NOT NULL,
    run_by   TEXT NOT NULL,
    run_at   TIMESTAMPTZ NOT NULL,
    version  INTEGER NOT NULL DEFAULT 1
);
