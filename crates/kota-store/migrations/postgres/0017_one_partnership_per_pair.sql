-- A firm is recorded as a partner on a project once, however many interests it expressed.
CREATE UNIQUE INDEX project_partnerships_pair ON project_partnerships (project_id, partner_id);
