-- A twinning a matching round proposed waits for both sides: the partner's side agrees as well
-- as the city's, in either order, before it is active.

ALTER TABLE twinnings ADD COLUMN awaiting_partner BOOLEAN NOT NULL DEFAULT FALSE;
