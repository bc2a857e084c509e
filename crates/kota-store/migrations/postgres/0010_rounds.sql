-- Matching rounds: each kept whole, with the engine input it was solved from (so that solving
-- it again gives the same pairs whatever the network has become), its pins and forbids, and
-- the round as shown (pairs with their explanations, unmatched cities, coverage).

CREATE TABLE rounds (
    id          UUID PRIMARY KEY,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    created_at  TIMESTAMPTZ NOT NULL,
    engine_input TEXT NOT NULL,
    body        TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX rounds_created ON rounds (created_at);
