-- The chairmanship kept current by coordinators (a version for If-Match; the network file no
-- longer overwrites a year a coordinator has changed), and the handover record each year's
-- chair leaves: their notes and the open work of the network as it stood, kept as recorded.

ALTER TABLE chairmanship ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE chair_handovers (
    year        INTEGER PRIMARY KEY REFERENCES chairmanship (year),
    chair       TEXT NOT NULL,
    next_chair  TEXT,
    notes       TEXT NOT NULL,
    open_work   JSONB NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
