-- 五必 member care: the care policy, recorded events and the obligations they created (each a
-- work item), and the ledger of payments with its yearly budget. PostgreSQL flavour.

CREATE TABLE care_settings (
    id                 BIGINT PRIMARY KEY CHECK (id = 1),
    yearly_cap_fen     BIGINT NOT NULL,
    approval_above_fen BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);

CREATE TABLE care_policy (
    event      TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    level      TEXT    NOT NULL,
    days       BIGINT NOT NULL,
    min_fen    BIGINT NOT NULL,
    max_fen    BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (event, action)
);

CREATE TABLE care_events (
    id            BIGSERIAL PRIMARY KEY,
    member_id     BIGINT NOT NULL REFERENCES members(id),
    member_name   TEXT    NOT NULL,
    union_id      BIGINT NOT NULL REFERENCES unions(id),
    path          TEXT    COLLATE "C" NOT NULL,            -- the member's union when recorded (scope)
    kind          TEXT    NOT NULL,
    event_date    TEXT    NOT NULL,            -- when it happened
    recorded_on   TEXT    COLLATE "C" NOT NULL,            -- when the union learnt of it: deadlines count from here
    note          TEXT,
    reported_by   BIGINT REFERENCES users(id),
    reporter_name TEXT    NOT NULL,
    self_reported BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);
CREATE INDEX care_events_path ON care_events(path, recorded_on, kind);
CREATE INDEX care_events_member ON care_events(member_id, id);

CREATE TABLE care_obligations (
    event_id     BIGINT NOT NULL REFERENCES care_events(id),
    action       TEXT    NOT NULL,
    level        TEXT    NOT NULL,
    work_item_id BIGINT NOT NULL REFERENCES work_items(id),
    min_fen      BIGINT NOT NULL,
    max_fen      BIGINT NOT NULL,
    -- Copied from the event, for the figures: where, what and when it was recorded.
    path         TEXT COLLATE "C" NOT NULL,
    event_kind   TEXT    NOT NULL,
    month        TEXT COLLATE "C" NOT NULL,            -- YYYY-MM the event was recorded
    -- The work item's state, kept in step by the trigger below.
    status       TEXT    NOT NULL,
    due          TEXT COLLATE "C" NOT NULL,
    closed_on    TEXT,
    on_time      BIGINT,
    PRIMARY KEY (event_id, action)
);
CREATE INDEX care_obligations_item ON care_obligations(work_item_id);
-- Covering: the figures read the index alone.
CREATE INDEX care_obligations_path ON care_obligations(path, month, event_kind, status, due, closed_on, on_time);
-- The item's state, kept here by the database whatever changes it (act, the scan, a rating),
-- so the care figures read one compact table instead of joining two million work items.
CREATE FUNCTION care_obligation_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE care_obligations SET status = NEW.status, due = NEW.due, closed_on = NEW.closed_on, on_time = NEW.on_time
    WHERE work_item_id = NEW.id;
    RETURN NEW;
END $$;
CREATE TRIGGER care_obligation_state AFTER UPDATE ON work_items
    FOR EACH ROW WHEN (NEW.kind = 'care') EXECUTE FUNCTION care_obligation_state();

CREATE TABLE care_budgets (
    year       BIGINT PRIMARY KEY,
    amount_fen BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE care_payments (
    id          BIGSERIAL PRIMARY KEY,
    member_id   BIGINT NOT NULL REFERENCES members(id),
    member_name TEXT    NOT NULL,
    union_id    BIGINT NOT NULL REFERENCES unions(id),
    path        TEXT    COLLATE "C" NOT NULL,
    event_id    BIGINT REFERENCES care_events(id),
    purpose     TEXT    NOT NULL,
    amount_fen  BIGINT NOT NULL CHECK (amount_fen > 0),
    year        BIGINT NOT NULL,
    paid_on     TEXT    COLLATE "C" NOT NULL,
    status      TEXT    NOT NULL,              -- pending (awaiting approval) | paid | rejected
    note        TEXT,
    recorded_by BIGINT REFERENCES users(id),
    decided_by  BIGINT REFERENCES users(id),
    decided_at  BIGINT,
    created_at  BIGINT NOT NULL
);
-- No payment twice for one event: the database refuses it whatever the application does.
CREATE UNIQUE INDEX care_payments_event ON care_payments(event_id) WHERE event_id IS NOT NULL AND status <> 'rejected';
CREATE INDEX care_payments_member ON care_payments(member_id, year);
CREATE INDEX care_payments_path ON care_payments(path, paid_on, status, amount_fen);

-- Standing obligations (members under assistance and model workers visited each quarter and
-- before Spring Festival and 五一): one row per round and member, so a round is created once.
CREATE TABLE care_rounds (
    round        TEXT    NOT NULL,            -- e.g. 2026-Q4, 2027-春节
    member_id    BIGINT NOT NULL REFERENCES members(id),
    work_item_id BIGINT REFERENCES work_items(id),      -- set once the visit is created
    PRIMARY KEY (round, member_id)
);
