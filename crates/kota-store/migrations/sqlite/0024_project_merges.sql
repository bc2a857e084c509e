-- One project, listed once: a record found to be the same project as another is merged into
-- it. The merged record is kept (its old links lead to the survivor); the survivor keeps the
-- merged record's listing (title, source, status and report years) and its title as an alias.
ALTER TABLE projects ADD COLUMN merged_into BLOB REFERENCES projects (id);
ALTER TABLE projects ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';
ALTER TABLE projects ADD COLUMN merged_records TEXT NOT NULL DEFAULT '[]';
CREATE INDEX projects_merged_into ON projects (merged_into);
