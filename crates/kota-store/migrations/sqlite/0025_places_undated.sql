-- A GeoNames dump may leave a place's modification date out (the dump the network keeps
-- does, for every place): the date is then unknown, not made up. SQLite cannot drop a NOT
-- NULL constraint in place, so the table is rebuilt with its rows.
CREATE TABLE places_undated (
    geonames_id     INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    ascii_name      TEXT NOT NULL,
    alternate_names TEXT NOT NULL,
    latitude        REAL NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude       REAL NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    feature_class   TEXT NOT NULL,
    feature_code    TEXT NOT NULL,
    country_code    TEXT NOT NULL,
    admin1_code     TEXT NOT NULL,
    population      INTEGER NOT NULL CHECK (population >= 0),
    timezone        TEXT NOT NULL,
    modified_on     TEXT
);
INSERT INTO places_undated SELECT * FROM places;
DROP TABLE places;
ALTER TABLE places_undated RENAME TO places;
CREATE INDEX places_country ON places (country_code);
