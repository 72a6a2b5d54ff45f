-- 五必 member care: the care policy, recorded events and the obligations they created (each a
-- work item), and the ledger of payments with its yearly budget. SQLite flavour.

CREATE TABLE care_settings (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    yearly_cap_fen     INTEGER NOT NULL,
    approval_above_fen INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);

CREATE TABLE care_policy (
    event      TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    level      TEXT    NOT NULL,
    days       INTEGER NOT NULL,
    min_fen    INTEGER NOT NULL,
    max_fen    INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (event, action)
);

CREATE TABLE care_events (
    id            INTEGER PRIMARY KEY,
    member_id     INTEGER NOT NULL REFERENCES members(id),
    member_name   TEXT    NOT NULL,
    union_id      INTEGER NOT NULL REFERENCES unions(id),
    path          TEXT    NOT NULL,            -- the member's union when recorded (scope)
    kind          TEXT    NOT NULL,
    event_date    TEXT    NOT NULL,            -- when it happened
    recorded_on   TEXT    NOT NULL,            -- when the union learnt of it: deadlines count from here
    note          TEXT,
    reported_by   INTEGER REFERENCES users(id),
    reporter_name TEXT    NOT NULL,
    self_reported INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);
CREATE INDEX care_events_path ON care_events(path, recorded_on, kind);
CREATE INDEX care_events_member ON care_events(member_id, id);

CREATE TABLE care_obligations (
    event_id     INTEGER NOT NULL REFERENCES care_events(id),
    action       TEXT    NOT NULL,
    level        TEXT    NOT NULL,
    work_item_id INTEGER NOT NULL REFERENCES work_items(id),
    min_fen      INTEGER NOT NULL,
    max_fen      INTEGER NOT NULL,
    -- Copied from the event, for the figures: where, what and when it was recorded.
    path         TEXT NOT NULL,
    event_kind   TEXT    NOT NULL,
    month        TEXT NOT NULL,            -- YYYY-MM the event was recorded
    -- The work item's state, kept in step by the trigger below.
    status       TEXT    NOT NULL,
    due          TEXT NOT NULL,
    closed_on    TEXT,
    on_time      INTEGER,
    PRIMARY KEY (event_id, action)
);
CREATE INDEX care_obligations_item ON care_obligations(work_item_id);
-- Covering: the figures read the index alone.
CREATE INDEX care_obligations_path ON care_obligations(path, month, event_kind, status, due, closed_on, on_time);
-- The item's state, kept here by the database whatever changes it (act, the scan, a rating),
-- so the care figures read one compact table instead of joining two million work items.
CREATE TRIGGER care_obligation_state AFTER UPDATE OF status, due, closed_on, on_time ON work_items
WHEN NEW.kind = 'care'
BEGIN
    UPDATE care_obligations SET status = NEW.status, due = NEW.due, closed_on = NEW.closed_on, on_time = NEW.on_time
    WHERE work_item_id = NEW.id;
END;

CREATE TABLE care_budgets (
    year       INTEGER PRIMARY KEY,
    amount_fen INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE care_payments (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    member_name TEXT    NOT NULL,
    union_id    INTEGER NOT NULL REFERENCES unions(id),
    path        TEXT    NOT NULL,
    event_id    INTEGER REFERENCES care_events(id),
    purpose     TEXT    NOT NULL,
    amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
    year        INTEGER NOT NULL,
    paid_on     TEXT    NOT NULL,
    status      TEXT    NOT NULL,              -- pending (awaiting approval) | paid | rejected
    note        TEXT,
    recorded_by INTEGER REFERENCES users(id),
    decided_by  INTEGER REFERENCES users(id),
    decided_at  INTEGER,
    created_at  INTEGER NOT NULL
);
-- No payment twice for one event: the database refuses it whatever the application does.
CREATE UNIQUE INDEX care_payments_event ON care_payments(event_id) WHERE event_id IS NOT NULL AND status <> 'rejected';
CREATE INDEX care_payments_member ON care_payments(member_id, year);
CREATE INDEX care_payments_path ON care_payments(path, paid_on, status, amount_fen);

-- Standing obligations (members under assistance and model workers visited each quarter and
-- before Spring Festival and 五一): one row per round and member, so a round is created once.
CREATE TABLE care_rounds (
    round        TEXT    NOT NULL,            -- e.g. 2026-Q4, 2027-春节
    member_id    INTEGER NOT NULL REFERENCES members(id),
    work_item_id INTEGER REFERENCES work_items(id),      -- set once the visit is created
    PRIMARY KEY (round, member_id)
);
