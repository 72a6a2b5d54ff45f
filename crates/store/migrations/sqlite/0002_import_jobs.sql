-- Roster import jobs: state lives in the database so any app node can report on any job.

CREATE TABLE import_jobs (
    id               INTEGER PRIMARY KEY,
    kind             TEXT    NOT NULL,
    file_name        TEXT    NOT NULL,
    status           TEXT    NOT NULL,          -- running | done | failed
    apply_transfers  INTEGER NOT NULL DEFAULT 0,
    rows_read        INTEGER NOT NULL DEFAULT 0,
    new_count        INTEGER NOT NULL DEFAULT 0,
    updated_count    INTEGER NOT NULL DEFAULT 0,
    unchanged_count  INTEGER NOT NULL DEFAULT 0,
    transfer_count   INTEGER NOT NULL DEFAULT 0,
    rejected_count   INTEGER NOT NULL DEFAULT 0,
    message          TEXT,
    errors           TEXT,                      -- JSON: the first 1000 problems
    report           BLOB,                      -- .xlsx of the rejected rows
    user_id          INTEGER REFERENCES users(id),
    created_at       INTEGER NOT NULL,
    heartbeat_at     INTEGER NOT NULL,
    finished_at      INTEGER
);
CREATE INDEX import_jobs_user ON import_jobs(user_id, id);
