-- Twinnings: a partner and a member city working together, from proposal to conclusion, with
-- the activities they log. At most one open (proposed or active) twinning per pair. The pairs
-- the network's documents name (partner_cities) are backfilled as active twinnings with the
-- document as their source; later imports add those of new pairs.

CREATE TABLE twinnings (
    id             BLOB PRIMARY KEY,
    partner_id     BLOB NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    city_id        BLOB NOT NULL REFERENCES cities (id) ON DELETE CASCADE,
    state          TEXT NOT NULL
                   CHECK (state IN ('proposed', 'active', 'declined', 'concluded', 'withdrawn')),
    focus_areas    TEXT NOT NULL,
    objectives     TEXT NOT NULL,
    proposed_by    TEXT,
    proposed_at    TEXT NOT NULL,
    decided_by     TEXT,
    decided_at     TEXT,
    endorsed_by    TEXT,
    endorsed_at    TEXT,
    ended_by       TEXT,
    ended_at       TEXT,
    outcome        TEXT,
    last_active_on TEXT NOT NULL,
    source         TEXT,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX twinnings_city ON twinnings (city_id, state);
CREATE INDEX twinnings_partner ON twinnings (partner_id, state);
CREATE INDEX twinnings_state ON twinnings (state, last_active_on);
CREATE UNIQUE INDEX twinnings_open_pair ON twinnings (partner_id, city_id)
    WHERE state IN ('proposed', 'active');

CREATE TABLE twinning_activities (
    twinning_id BLOB NOT NULL REFERENCES twinnings (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('visit', 'training', 'study', 'workshop')),
    on_date     TEXT NOT NULL,
    note        TEXT NOT NULL,
    logged_by   TEXT NOT NULL,
    PRIMARY KEY (twinning_id, position)
);

INSERT INTO twinnings (id, partner_id, city_id, state, focus_areas, objectives, proposed_at,
                       last_active_on, source)
SELECT randomblob(16), pc.partner_id, pc.city_id, 'active',
       COALESCE((SELECT json_group_array(focus_area_id) FROM (
           SELECT focus_area_id FROM partner_focus_areas f
           WHERE f.partner_id = pc.partner_id ORDER BY f.position)), '[]'),
       'Partnership documented in the network''s material',
       strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), date('now'), json_extract(p.sources, '$[0]')
FROM partner_cities pc JOIN partners p ON p.id = pc.partner_id;
