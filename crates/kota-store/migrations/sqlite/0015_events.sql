-- Events that coordinators create and edit: a kind, start and end in a time zone, an agenda,
-- the cities and partners taking part, and a version for If-Match. Decisions taken at events
-- are records of their own, each linked to the cities, projects, plans and twinnings it
-- concerns; every concern also names the city it is or belongs to, so a city's page finds
-- the decisions that concern it in one lookup. The documented events keep their written date
-- and sources; those whose name makes the kind clear get it.

ALTER TABLE events ADD COLUMN kind TEXT
    CHECK (kind IN ('workshop', 'annual_meeting', 'brokerage_session', 'study_visit', 'webinar'));
ALTER TABLE events ADD COLUMN starts_at TEXT;
ALTER TABLE events ADD COLUMN ends_at TEXT;
ALTER TABLE events ADD COLUMN time_zone TEXT;
ALTER TABLE events ADD COLUMN agenda TEXT NOT NULL DEFAULT '[]';
ALTER TABLE events ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

UPDATE events SET kind = 'annual_meeting' WHERE seeded AND LOWER(name) LIKE '%annual meeting%';
UPDATE events SET kind = 'workshop' WHERE seeded AND kind IS NULL AND LOWER(name) LIKE '%workshop%';

CREATE TABLE event_participants (
    event_id   BLOB NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    city_id    BLOB REFERENCES cities (id) ON DELETE CASCADE,
    partner_id BLOB REFERENCES partners (id) ON DELETE CASCADE,
    CHECK ((city_id IS NULL) <> (partner_id IS NULL)),
    PRIMARY KEY (event_id, position)
);

CREATE TABLE event_decisions (
    id          BLOB PRIMARY KEY,
    event_id    BLOB NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    outcome     TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX event_decisions_event ON event_decisions (event_id, recorded_at);

CREATE TABLE decision_concerns (
    decision_id  BLOB NOT NULL REFERENCES event_decisions (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    concern_type TEXT NOT NULL CHECK (concern_type IN ('city', 'project', 'plan', 'twinning')),
    concern_id   BLOB NOT NULL,
    name         TEXT NOT NULL,
    city_id      BLOB NOT NULL REFERENCES cities (id) ON DELETE CASCADE,
    PRIMARY KEY (decision_id, position)
);
CREATE INDEX decision_concerns_city ON decision_concerns (city_id);
