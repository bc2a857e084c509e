-- Secrets every server on this database shares, each made once by the first server that needs
-- it: the key that signs the CSRF cookies of visitors who are not signed in.

CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL
);
