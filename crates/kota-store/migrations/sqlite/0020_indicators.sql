-- City indicators over time: one value of an indicator of a city for a year, keyed by city,
-- code and year (uploading the key again updates the value, raising its version), and the
-- values cities aim at by target years.
CREATE TABLE indicator_values (
    id           BLOB PRIMARY KEY,
    city_id      BLOB NOT NULL REFERENCES cities (id) ON DELETE CASCADE,
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    unit         TEXT NOT NULL,
    year         INTEGER NOT NULL,
    value        REAL NOT NULL,
    source       TEXT NOT NULL,
    verification TEXT NOT NULL CHECK (verification IN ('self_reported', 'verified')),
    version      INTEGER NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    UNIQUE (city_id, code, year)
);
CREATE INDEX indicator_values_code ON indicator_values (code, year);

CREATE TABLE indicator_targets (
    city_id BLOB NOT NULL REFERENCES cities (id) ON DELETE CASCADE,
    code    TEXT NOT NULL,
    year    INTEGER NOT NULL,
    value   REAL NOT NULL,
    PRIMARY KEY (city_id, code, year)
);
