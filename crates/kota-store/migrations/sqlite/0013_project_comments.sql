-- Planning input: comments on projects in an early stage, and the city's answers to them.
CREATE TABLE project_comments (
    id          BLOB PRIMARY KEY,
    project_id  BLOB NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    in_reply_to BLOB REFERENCES project_comments (id),
    author      TEXT NOT NULL,
    side        TEXT NOT NULL CHECK (side IN ('city', 'other_city', 'partner', 'coordinator')),
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX project_comments_project ON project_comments (project_id, created_at);
