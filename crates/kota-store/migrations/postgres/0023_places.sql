-- The world's cities from a GeoNames cities dump (the cities15000.txt column layout), with
-- their names in many scripts. A place a member city points at (cities.geonames_id) lends that
-- city its names; every other place is a candidate city, not a member. Re-importing a dump
-- updates the places it changed and leaves the others alone.
CREATE TABLE places (
    geonames_id     INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    ascii_name      TEXT NOT NULL,
    alternate_names JSONB NOT NULL,
    latitude        DOUBLE PRECISION NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude       DOUBLE PRECISION NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    feature_class   TEXT NOT NULL,
    feature_code    TEXT NOT NULL,
    country_code    TEXT NOT NULL,
    admin1_code     TEXT NOT NULL,
    population      BIGINT NOT NULL CHECK (population >= 0),
    timezone        TEXT NOT NULL,
    modified_on     DATE NOT NULL
);
CREATE INDEX places_country ON places (country_code);
