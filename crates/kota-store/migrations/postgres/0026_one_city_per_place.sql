-- A place of the gazetteer is the place of one member city at most: its names in every script
-- are that city's, and search finds the place as that city, not as a candidate.
CREATE UNIQUE INDEX cities_geonames_id ON cities (geonames_id) WHERE geonames_id IS NOT NULL;
