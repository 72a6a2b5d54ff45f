-- The closed loop: work items, their timeline, files, notices, the figures kept in step, the
-- service levels, loaded calendar years and the background jobs' runs. SQLite flavour.

CREATE TABLE calendar_years (
    year       INTEGER PRIMARY KEY,
    data       TEXT    NOT NULL,           -- the year in cn-holidays.json's shape
    loaded_at  INTEGER NOT NULL,
    loaded_by  TEXT    NOT NULL
);

CREATE TABLE sla_policies (
    kind         TEXT    NOT NULL,
    priority     TEXT    NOT NULL,
    respond_days INTEGER NOT NULL,
    close_days   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (kind, priority)
);

CREATE TABLE work_items (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT    NOT NULL,
    title               TEXT    NOT NULL,
    body                TEXT,
    priority            TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    subject_type        TEXT,                  -- member | union | enterprise
    subject_id          INTEGER,
    subject_name        TEXT,
    requester_user_id   INTEGER REFERENCES users(id),
    requester_member_id INTEGER REFERENCES members(id),
    requester_name      TEXT    NOT NULL,
    origin_union_id     INTEGER NOT NULL REFERENCES unions(id),   -- where it belongs (figures)
    origin_department_id INTEGER NOT NULL DEFAULT 0,
    path                TEXT    NOT NULL,      -- the origin union's path (scope)
    owner_union_id      INTEGER NOT NULL REFERENCES unions(id),   -- who must act now
    owner_department_id INTEGER REFERENCES departments(id),
    owner_user_id       INTEGER REFERENCES users(id),
    owner_path          TEXT    NOT NULL,
    received_on         TEXT    NOT NULL,
    respond_due         TEXT    NOT NULL,
    due                 TEXT    NOT NULL,
    responded_on        TEXT,
    paused_on           TEXT,
    paused_days         INTEGER NOT NULL DEFAULT 0,
    closed_on           TEXT,                  -- NULL while open
    result              TEXT,
    close_days          INTEGER,               -- working days to close, pauses excluded
    on_time             INTEGER,
    breached            INTEGER NOT NULL DEFAULT 0,   -- once set, stays
    escalations         INTEGER NOT NULL DEFAULT 0,
    escalated_due       TEXT,                  -- the due date last escalated for
    reminded_due        TEXT,                  -- the due date last reminded of
    reopened            INTEGER NOT NULL DEFAULT 0,
    rating              INTEGER,
    rating_comment      TEXT,
    rated_on            TEXT,
    created_by          INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX work_items_path ON work_items(path, received_on);
-- The to-do inbox is three disjoint branches, each answered by its own covering index:
-- items a person owns, items a union (or one of its departments) owns, reviews below.
CREATE INDEX work_todo_user ON work_items(owner_user_id, due, status) WHERE closed_on IS NULL AND owner_user_id IS NOT NULL;
CREATE INDEX work_todo_union ON work_items(owner_union_id, owner_department_id, due, status)
    WHERE closed_on IS NULL AND owner_user_id IS NULL AND status <> 'review';
CREATE INDEX work_todo_review ON work_items(owner_path, owner_union_id, due, owner_user_id) WHERE closed_on IS NULL AND status = 'review';
-- Overdue now, by origin, for the figures of any subtree.
CREATE INDEX work_open_path ON work_items(path, due) WHERE closed_on IS NULL;
CREATE INDEX work_open_due ON work_items(due) WHERE closed_on IS NULL;
CREATE INDEX work_respond_due ON work_items(respond_due) WHERE closed_on IS NULL AND status = 'new' AND breached = 0;
CREATE INDEX work_requester ON work_items(requester_member_id, id) WHERE requester_member_id IS NOT NULL;

CREATE TABLE work_events (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES work_items(id),
    at          INTEGER NOT NULL,
    on_date     TEXT    NOT NULL,
    user_id     INTEGER,
    username    TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    from_status TEXT,
    to_status   TEXT,
    note        TEXT,
    rating      INTEGER                    -- for rate: the 1–5 given (ratings before a reopening count too)
);
CREATE INDEX work_events_item ON work_events(item_id, id);

CREATE TABLE work_attachments (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES work_items(id),
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB    NOT NULL,
    username     TEXT    NOT NULL,
    at           INTEGER NOT NULL
);
CREATE INDEX work_attachments_item ON work_attachments(item_id, id);

-- A notice goes to a person, or to a union (and department) as a whole.
CREATE TABLE notices (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER,
    union_id      INTEGER,
    department_id INTEGER,
    item_id       INTEGER REFERENCES work_items(id),
    text          TEXT    NOT NULL,
    at            INTEGER NOT NULL
);
CREATE INDEX notices_user ON notices(user_id, id) WHERE user_id IS NOT NULL;
CREATE INDEX notices_union ON notices(union_id, id) WHERE union_id IS NOT NULL;
-- What each person has read: every notice up to this id. A union's notices are read per
-- person, so one cadre reading them leaves them new for the others.
ALTER TABLE users ADD COLUMN notices_seen INTEGER NOT NULL DEFAULT 0;

-- Figures kept in step with the items, per origin union and each of its ancestors, so a
-- subtree's figures are a few rows whatever the number of items.
CREATE TABLE work_stats (
    union_id      INTEGER NOT NULL,
    department_id INTEGER NOT NULL,
    kind          TEXT    NOT NULL,
    month         TEXT    NOT NULL,            -- YYYY-MM
    received      INTEGER NOT NULL DEFAULT 0,
    closed        INTEGER NOT NULL DEFAULT 0,
    on_time       INTEGER NOT NULL DEFAULT 0,
    close_days    INTEGER NOT NULL DEFAULT 0,
    rated         INTEGER NOT NULL DEFAULT 0,
    satisfied     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (union_id, month, kind, department_id)
) WITHOUT ROWID;  -- the key is the row: a subtree's months are read without a lookup each

-- One row per scheduled run: the primary key lets exactly one node start it.
CREATE TABLE job_runs (
    job         TEXT    NOT NULL,
    slot        TEXT    NOT NULL,
    node        TEXT    NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    detail      TEXT,
    PRIMARY KEY (job, slot)
);
