-- The network as documented: framework, member states, cities, action plans, projects,
-- partners, events, chairmanship and network-level documents.

CREATE TABLE strategic_outcomes (
    id          TEXT PRIMARY KEY,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    definition  TEXT NOT NULL,
    source      TEXT NOT NULL
);

CREATE TABLE focus_areas (
    id              TEXT PRIMARY KEY,
    position        INTEGER NOT NULL,
    name            TEXT NOT NULL,
    name_in_reports TEXT NOT NULL,
    definition      TEXT NOT NULL,
    subcategories   JSONB NOT NULL,
    source          TEXT NOT NULL
);

CREATE TABLE framework_elements (
    kind        TEXT NOT NULL CHECK (kind IN ('urban_system', 'enabler')),
    name        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    definition  TEXT NOT NULL,
    examples    JSONB NOT NULL,
    source      TEXT NOT NULL,
    PRIMARY KEY (kind, name)
);

CREATE TABLE member_states (
    iso2                    TEXT PRIMARY KEY CHECK (length(iso2) = 2),
    position                INTEGER NOT NULL,
    name                    TEXT NOT NULL,
    income_group            TEXT NOT NULL,
    income_group_year       TEXT NOT NULL,
    income_group_source     TEXT NOT NULL,
    income_group_uncertain  BOOLEAN NOT NULL,
    national_representative TEXT,
    note                    TEXT
);

CREATE TABLE cities (
    id                   UUID PRIMARY KEY,
    slug                 TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    aliases              JSONB NOT NULL,
    country_iso2         TEXT NOT NULL REFERENCES member_states (iso2),
    latitude             DOUBLE PRECISION NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude            DOUBLE PRECISION NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    location_note        TEXT,
    population           BIGINT CHECK (population > 0),
    population_year      INTEGER,
    population_source    TEXT,
    geonames_id          BIGINT,
    geonames_name        TEXT,
    joined_year          INTEGER NOT NULL,
    cohort               TEXT NOT NULL,
    joined_source        TEXT NOT NULL,
    role_evidence        JSONB NOT NULL,
    csco_designation     TEXT,
    csco_source          TEXT,
    documented_twinnings JSONB NOT NULL,
    uncertain            BOOLEAN NOT NULL,
    seeded               BOOLEAN NOT NULL
);
CREATE INDEX cities_country ON cities (country_iso2);

CREATE TABLE city_roles (
    city_id   UUID NOT NULL REFERENCES cities (id) ON DELETE CASCADE,
    role      TEXT NOT NULL,
    uncertain BOOLEAN NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (city_id, role)
);
CREATE INDEX city_roles_role ON city_roles (role);

CREATE TABLE action_plans (
    city_id                UUID NOT NULL REFERENCES cities (id) ON DELETE CASCADE,
    version                INTEGER NOT NULL CHECK (version > 0),
    year                   INTEGER NOT NULL,
    vision                 TEXT NOT NULL,
    focus_areas_as_written JSONB NOT NULL,
    land_area_as_reported  TEXT,
    population_as_reported TEXT,
    csco_designation       TEXT,
    note                   TEXT,
    source                 TEXT NOT NULL,
    PRIMARY KEY (city_id, version)
);

CREATE TABLE action_plan_focus_areas (
    city_id       UUID NOT NULL,
    version       INTEGER NOT NULL,
    focus_area_id TEXT NOT NULL REFERENCES focus_areas (id),
    position      INTEGER NOT NULL,
    PRIMARY KEY (city_id, version, focus_area_id),
    FOREIGN KEY (city_id, version) REFERENCES action_plans (city_id, version) ON DELETE CASCADE
);
CREATE INDEX action_plan_focus_areas_area ON action_plan_focus_areas (focus_area_id);

CREATE TABLE projects (
    id                 UUID PRIMARY KEY,
    slug               TEXT NOT NULL UNIQUE,
    city_id            UUID NOT NULL REFERENCES cities (id) ON DELETE CASCADE,
    title              TEXT NOT NULL,
    description        TEXT,
    origin             TEXT NOT NULL,
    reported_status    TEXT,
    report_years       JSONB NOT NULL,
    status_note        TEXT,
    stage              TEXT,
    focus_area_note    TEXT,
    focus_area_history JSONB NOT NULL,
    earlier_titles     JSONB NOT NULL,
    uncertain          BOOLEAN NOT NULL,
    source             TEXT NOT NULL,
    seeded             BOOLEAN NOT NULL
);
CREATE INDEX projects_city ON projects (city_id);

CREATE TABLE project_focus_areas (
    project_id    UUID NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    focus_area_id TEXT NOT NULL REFERENCES focus_areas (id),
    position      INTEGER NOT NULL,
    PRIMARY KEY (project_id, focus_area_id)
);
CREATE INDEX project_focus_areas_area ON project_focus_areas (focus_area_id);

CREATE TABLE partners (
    id               UUID PRIMARY KEY,
    slug             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL,
    kind_as_reported TEXT NOT NULL,
    home             TEXT NOT NULL,
    activities       JSONB NOT NULL,
    sources          JSONB NOT NULL,
    uncertain        BOOLEAN NOT NULL,
    uncertain_fields JSONB NOT NULL,
    note             TEXT,
    seeded           BOOLEAN NOT NULL
);

CREATE TABLE partner_focus_areas (
    partner_id    UUID NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    focus_area_id TEXT NOT NULL REFERENCES focus_areas (id),
    position      INTEGER NOT NULL,
    PRIMARY KEY (partner_id, focus_area_id)
);
CREATE INDEX partner_focus_areas_area ON partner_focus_areas (focus_area_id);

CREATE TABLE partner_cities (
    partner_id UUID NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    city_id    UUID NOT NULL REFERENCES cities (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    PRIMARY KEY (partner_id, city_id)
);
CREATE INDEX partner_cities_city ON partner_cities (city_id);

CREATE TABLE events (
    id             UUID PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    date_text      TEXT NOT NULL,
    starts_on      DATE NOT NULL,
    ends_on        DATE NOT NULL CHECK (ends_on >= starts_on),
    date_precision TEXT NOT NULL,
    place          TEXT NOT NULL,
    city_id        UUID REFERENCES cities (id) ON DELETE SET NULL,
    chair_iso2     TEXT REFERENCES member_states (iso2),
    sources        JSONB NOT NULL,
    uncertain      BOOLEAN NOT NULL,
    note           TEXT,
    seeded         BOOLEAN NOT NULL
);
CREATE INDEX events_starts_on ON events (starts_on);
CREATE INDEX events_city ON events (city_id);

CREATE TABLE chairmanship (
    year       INTEGER PRIMARY KEY,
    chair      TEXT NOT NULL,
    state_iso2 TEXT REFERENCES member_states (iso2),
    source     TEXT NOT NULL
);

CREATE TABLE network_documents (
    key  TEXT PRIMARY KEY,
    body JSONB NOT NULL
);
