-- Action plans as versions people write (targets, who wrote a version, when and why), partner
-- profiles and offers, and versions for the framework's focus areas.

ALTER TABLE action_plans ADD COLUMN targets JSONB NOT NULL DEFAULT '[]';
ALTER TABLE action_plans ADD COLUMN change_note TEXT;
ALTER TABLE action_plans ADD COLUMN author TEXT;
ALTER TABLE action_plans ADD COLUMN created_at TEXT;

ALTER TABLE partners ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE partners ADD COLUMN profile JSONB NOT NULL DEFAULT '{}';

ALTER TABLE focus_areas ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
