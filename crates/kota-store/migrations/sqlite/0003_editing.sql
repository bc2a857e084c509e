-- Editing with history: versions for optimistic concurrency, the fields cities and partners
-- keep current, project pipelines, and the append-only, hash-chained audit log.

ALTER TABLE cities ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE cities ADD COLUMN description TEXT;
ALTER TABLE cities ADD COLUMN website TEXT;
ALTER TABLE cities ADD COLUMN contact TEXT;

ALTER TABLE projects ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE projects ADD COLUMN currency TEXT CHECK (currency IS NULL OR length(currency) = 3);
ALTER TABLE projects ADD COLUMN budget INTEGER CHECK (budget IS NULL OR budget >= 0);
ALTER TABLE projects ADD COLUMN funding_gap INTEGER CHECK (funding_gap IS NULL OR funding_gap >= 0);
ALTER TABLE projects ADD COLUMN budget_confidential BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE projects ADD COLUMN seeks TEXT NOT NULL DEFAULT '[]';
ALTER TABLE projects ADD COLUMN commercially_viable BOOLEAN;
ALTER TABLE projects ADD COLUMN viability_rationale TEXT;
ALTER TABLE projects ADD COLUMN confidential_notes TEXT;

CREATE TABLE project_updates (
    id         BLOB PRIMARY KEY,
    project_id BLOB NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    on_date    TEXT NOT NULL,
    stage      TEXT,
    progress   INTEGER CHECK (progress IS NULL OR progress BETWEEN 0 AND 100),
    note       TEXT NOT NULL,
    actor      TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX project_updates_project ON project_updates (project_id, on_date);

CREATE TABLE project_milestones (
    project_id BLOB NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    due_on     TEXT,
    done_on    TEXT,
    PRIMARY KEY (project_id, position)
);

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY CHECK (seq > 0),
    at          TEXT NOT NULL,
    actor_id    BLOB,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    before      TEXT,
    after       TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
