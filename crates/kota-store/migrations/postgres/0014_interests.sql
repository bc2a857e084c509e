-- Business matching: firms' expressions of interest in city projects, the messages the two
-- sides exchange on them, and the partnerships agreed interests become. At most one open
-- (submitted or shortlisted) interest per firm and project.

CREATE TABLE interests (
    id             UUID PRIMARY KEY,
    project_id     UUID NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    partner_id     UUID NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    state          TEXT NOT NULL
                   CHECK (state IN ('submitted', 'shortlisted', 'agreed', 'declined', 'withdrawn')),
    instrument     TEXT NOT NULL,
    amount         BIGINT,
    currency       TEXT,
    note           TEXT NOT NULL,
    submitted_by   TEXT NOT NULL,
    submitted_at   TIMESTAMPTZ NOT NULL,
    shortlisted_by TEXT,
    shortlisted_at TIMESTAMPTZ,
    decided_by     TEXT,
    decided_at     TIMESTAMPTZ,
    withdrawn_by   TEXT,
    withdrawn_at   TIMESTAMPTZ,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX interests_project ON interests (project_id, state);
CREATE INDEX interests_partner ON interests (partner_id, state);
CREATE UNIQUE INDEX interests_open_pair ON interests (project_id, partner_id)
    WHERE state IN ('submitted', 'shortlisted');

CREATE TABLE interest_messages (
    interest_id UUID NOT NULL REFERENCES interests (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    written_by  TEXT NOT NULL,
    written_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (interest_id, position)
);

CREATE TABLE project_partnerships (
    interest_id UUID PRIMARY KEY REFERENCES interests (id) ON DELETE CASCADE,
    project_id  UUID NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    partner_id  UUID NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    instrument  TEXT NOT NULL,
    amount      BIGINT,
    currency    TEXT,
    since       DATE NOT NULL
);
CREATE INDEX project_partnerships_project ON project_partnerships (project_id);
CREATE INDEX project_partnerships_partner ON project_partnerships (partner_id);
