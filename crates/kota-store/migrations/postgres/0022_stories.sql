-- Success stories and lessons learned: what a city did, what came of it (outcome figures with
-- units) and where that is documented, written by city officers, partners and coordinators,
-- public or for the network only.
CREATE TABLE stories (
    id          UUID PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('success_story', 'lesson')),
    city_id     UUID NOT NULL REFERENCES cities (id) ON DELETE CASCADE,
    project_id  UUID REFERENCES projects (id) ON DELETE SET NULL,
    partner_id  UUID REFERENCES partners (id) ON DELETE SET NULL,
    language    TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    outcomes    JSONB NOT NULL,
    sources     JSONB NOT NULL,
    visibility  TEXT NOT NULL CHECK (visibility IN ('public', 'network')),
    author_id   UUID,
    author      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    version     INTEGER NOT NULL CHECK (version > 0)
);
CREATE INDEX stories_city ON stories (city_id);
CREATE INDEX stories_project ON stories (project_id);
CREATE INDEX stories_partner ON stories (partner_id);

CREATE TABLE story_focus_areas (
    story_id      UUID NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    focus_area_id TEXT NOT NULL REFERENCES focus_areas (id),
    position      INTEGER NOT NULL,
    PRIMARY KEY (story_id, focus_area_id)
);
CREATE INDEX story_focus_areas_area ON story_focus_areas (focus_area_id);
