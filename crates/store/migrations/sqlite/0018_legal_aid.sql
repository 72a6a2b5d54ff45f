-- 法律援助: members' applications for legal aid and every step taken on them (the one log
-- all legal-rights records write to). SQLite flavour.
CREATE TABLE legal_aid_cases (
    id               INTEGER PRIMARY KEY,
    member_id        INTEGER NOT NULL REFERENCES members(id),
    member_name      TEXT   NOT NULL,
    union_id         INTEGER NOT NULL REFERENCES unions(id),
    path             TEXT   NOT NULL,
    channel          TEXT   NOT NULL,
    matter           TEXT   NOT NULL,
    service          TEXT   NOT NULL,
    legal_status     TEXT   NOT NULL,
    facts            TEXT   NOT NULL,
    employer         TEXT,
    claim_fen        INTEGER NOT NULL DEFAULT 0,
    migrant          INTEGER NOT NULL DEFAULT 0,
    hardship_basis   TEXT   NOT NULL,
    limitation_ends  TEXT,                      -- the claim's limitation or a deadline, if known
    first_aid        INTEGER NOT NULL DEFAULT 0, -- 先行援助
    stage            TEXT   NOT NULL,
    step_item_id     INTEGER REFERENCES work_items(id),
    applied_on       TEXT   NOT NULL,
    decision_due     TEXT   NOT NULL,
    missing          TEXT,                      -- the materials asked for, listed once
    missing_on       TEXT,
    supplied_on      TEXT,
    paused_days      INTEGER NOT NULL DEFAULT 0,
    decision         TEXT,
    decided_on       TEXT,
    decision_reason  TEXT,
    late_reason      TEXT,
    provider         TEXT,
    provider_kind    TEXT,
    assigned_on      TEXT,
    objection_on     TEXT,
    objection_result TEXT,
    settled_on       TEXT,                      -- closed, refused for good, referred or terminated
    outcome          TEXT,
    termination      TEXT,
    recovered_fen    INTEGER NOT NULL DEFAULT 0,
    report           TEXT,
    created_by       INTEGER REFERENCES users(id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
-- The rates count a subtree's applications by date, decision and stage from the index alone
-- (path first for a subtree and its children; date first for a county-wide month or page).
CREATE INDEX legal_aid_path ON legal_aid_cases(path, applied_on, decision, stage);
CREATE INDEX legal_aid_applied ON legal_aid_cases(applied_on, path, decision, stage);
CREATE INDEX legal_aid_member ON legal_aid_cases(member_id);

CREATE TABLE legal_steps (
    id        INTEGER PRIMARY KEY,
    record    TEXT   NOT NULL,                  -- legal_aid, …
    record_id INTEGER NOT NULL,
    step      TEXT   NOT NULL,
    decision  TEXT   NOT NULL,
    note      TEXT,
    username  TEXT   NOT NULL,
    on_date   TEXT   NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX legal_steps_record ON legal_steps(record, record_id);
