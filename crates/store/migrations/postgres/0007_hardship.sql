-- 有难必帮: hardship files (困难职工档案), their steps, the assistance given, and the county's
-- minimum living standard per year with the rules for the level. PostgreSQL flavour.

CREATE TABLE hardship_settings (
    id           BIGINT PRIMARY KEY CHECK (id = 1),
    relative_pct BIGINT NOT NULL,
    accident_pct BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE TABLE hardship_standards (
    year              BIGINT PRIMARY KEY,
    minimum_month_fen BIGINT NOT NULL,          -- 最低生活保障标准, per person and month
    updated_at        BIGINT NOT NULL
);

CREATE TABLE hardship_files (
    id                BIGSERIAL PRIMARY KEY,
    member_id         BIGINT NOT NULL REFERENCES members(id),
    member_name       TEXT    NOT NULL,
    union_id          BIGINT NOT NULL REFERENCES unions(id),
    path              TEXT    COLLATE "C" NOT NULL,
    household         TEXT    NOT NULL,          -- JSON list of the other people in it
    household_size    BIGINT NOT NULL,          -- the member included
    yearly_income_fen BIGINT NOT NULL,
    one_off_loss_fen  BIGINT NOT NULL DEFAULT 0,
    main_cause        TEXT    NOT NULL,
    other_causes      TEXT    NOT NULL DEFAULT '',  -- codes, comma-separated
    housing           TEXT,
    health            TEXT,
    insurance         TEXT,
    note              TEXT,
    level             TEXT    NOT NULL,
    minimum_month_fen BIGINT NOT NULL,          -- the standard it was assessed against
    stage             TEXT    NOT NULL,
    step_item_id      BIGINT REFERENCES work_items(id),
    applied_on        TEXT    NOT NULL,
    filed_on          TEXT,
    review_due        TEXT,
    settled_on        TEXT,                      -- rejected or exited
    settled_reason    TEXT,
    sign_grassroots   TEXT,
    sign_town         TEXT,
    sign_county       TEXT,
    created_by        BIGINT REFERENCES users(id),
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
-- One open file per member's household.
CREATE UNIQUE INDEX hardship_open_member ON hardship_files(member_id) WHERE stage NOT IN ('rejected', 'exited');
CREATE INDEX hardship_path ON hardship_files(path, stage);

CREATE TABLE hardship_steps (
    id       BIGSERIAL PRIMARY KEY,
    file_id  BIGINT NOT NULL REFERENCES hardship_files(id),
    step     TEXT    NOT NULL,
    decision TEXT    NOT NULL,
    note     TEXT,
    username TEXT    NOT NULL,
    on_date  TEXT    NOT NULL,
    at       BIGINT NOT NULL
);
CREATE INDEX hardship_steps_file ON hardship_steps(file_id, id);

CREATE TABLE hardship_aid (
    id          BIGSERIAL PRIMARY KEY,
    file_id     BIGINT NOT NULL REFERENCES hardship_files(id),
    kind        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    amount_fen  BIGINT NOT NULL DEFAULT 0,
    given_on    TEXT    NOT NULL,
    payment_id  BIGINT REFERENCES care_payments(id),
    recorded_by BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX hardship_aid_file ON hardship_aid(file_id, id);
