-- 依法维权: labour disputes brought to the union for mediation, from acceptance to how they
-- ended. SQLite flavour.
CREATE TABLE legal_disputes (
    id               INTEGER PRIMARY KEY,
    member_id        INTEGER NOT NULL REFERENCES members(id),
    member_name      TEXT   NOT NULL,
    union_id         INTEGER NOT NULL REFERENCES unions(id),
    path             TEXT   NOT NULL,
    claims           TEXT   NOT NULL,           -- claim type codes, comma-separated
    amount_fen       INTEGER NOT NULL DEFAULT 0,
    employer         TEXT   NOT NULL,
    facts            TEXT   NOT NULL,
    knew_on          TEXT   NOT NULL,           -- when the worker knew of the infringement
    arbitration_ends TEXT   NOT NULL,           -- the one-year limit, moved past days off
    stage            TEXT   NOT NULL,
    step_item_id     INTEGER REFERENCES work_items(id),
    applied_on       TEXT   NOT NULL,
    accepted_on      TEXT,
    mediation_due    TEXT,
    sessions         INTEGER NOT NULL DEFAULT 0,
    agreed_on        TEXT,
    terms            TEXT,
    agreed_fen       INTEGER NOT NULL DEFAULT 0,
    perform_by       TEXT,
    review_applied   INTEGER NOT NULL DEFAULT 0, -- 仲裁审查确认 asked for
    resolution       TEXT,
    reason           TEXT,                      -- why declined, or how it ended
    settled_on       TEXT,
    created_by       INTEGER REFERENCES users(id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX legal_disputes_path ON legal_disputes(path, settled_on, resolution);
CREATE INDEX legal_disputes_settled ON legal_disputes(settled_on, path, resolution);
CREATE INDEX legal_disputes_member ON legal_disputes(member_id);
