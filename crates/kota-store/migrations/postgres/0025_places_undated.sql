-- A GeoNames dump may leave a place's modification date out (the dump the network keeps
-- does, for every place): the date is then unknown, not made up.
ALTER TABLE places ALTER COLUMN modified_on DROP NOT NULL;
