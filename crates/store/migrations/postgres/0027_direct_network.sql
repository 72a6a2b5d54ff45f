-- 五直: the front-line network (contact points, observers, advisory units, experts, liaison
-- stations; their visits and yearly evaluations) and 寻策问计直到一线 (consultations, each
-- asked of network entries or grassroots unions, their answers and adoption). PostgreSQL flavour.
CREATE TABLE direct_network (
    id              BIGSERIAL PRIMARY KEY,
    kind            TEXT    NOT NULL,          -- contact_point | observer | advisory | expert | station
    name            TEXT    NOT NULL,
    union_id        BIGINT  NOT NULL REFERENCES unions(id),   -- the unit, or the union it serves
    path            TEXT    COLLATE "C" NOT NULL,
    member_id       BIGINT  REFERENCES members(id),           -- the person, when a member
    user_id         BIGINT  REFERENCES users(id),             -- or a staff account (an expert)
    contact         TEXT    NOT NULL,
    phone           TEXT    NOT NULL,
    topics          TEXT    NOT NULL,
    detail          TEXT    NOT NULL,
    quota           BIGINT,                    -- visits a year (contact points)
    term_from       TEXT,
    term_to         TEXT,
    active          BIGINT  NOT NULL,
    created_by      BIGINT  REFERENCES users(id),
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX direct_network_path ON direct_network(path, kind);
CREATE INDEX direct_network_member ON direct_network(member_id);
CREATE INDEX direct_network_user ON direct_network(user_id);

-- A contact point's visits and an observer's yearly evaluations.
CREATE TABLE direct_network_log (
    id              BIGSERIAL PRIMARY KEY,
    entry_id        BIGINT  NOT NULL REFERENCES direct_network(id),
    kind            TEXT    NOT NULL,          -- visit | evaluation
    on_date         TEXT    NOT NULL,
    grade           TEXT,                      -- evaluation: excellent | competent | basic | poor
    text            TEXT    NOT NULL,
    by_name         TEXT    NOT NULL,
    created_by      BIGINT  REFERENCES users(id),
    created_at      BIGINT  NOT NULL
);
CREATE INDEX direct_network_log_entry ON direct_network_log(entry_id, on_date);

CREATE TABLE direct_consultations (
    id              BIGSERIAL PRIMARY KEY,
    topic           TEXT    NOT NULL,
    background      TEXT    NOT NULL,
    union_id        BIGINT  NOT NULL REFERENCES unions(id),   -- the asking union
    path            TEXT    COLLATE "C" NOT NULL,
    issued_on       TEXT    NOT NULL,
    due_on          TEXT    NOT NULL,
    targets         TEXT    NOT NULL,          -- whom it was put to, as issued
    asked           BIGINT  NOT NULL,          -- answers asked for
    summary         TEXT,                      -- what came of it, when the county sums it up
    created_by      BIGINT  REFERENCES users(id),
    created_at      BIGINT  NOT NULL
);
CREATE INDEX direct_consultations_path ON direct_consultations(path, issued_on);

-- One answer asked for: of a network entry, or of a grassroots union.
CREATE TABLE direct_consultation_answers (
    id              BIGSERIAL PRIMARY KEY,
    consultation_id BIGINT  NOT NULL REFERENCES direct_consultations(id),
    entry_id        BIGINT  REFERENCES direct_network(id),
    union_id        BIGINT  NOT NULL REFERENCES unions(id),
    path            TEXT    COLLATE "C" NOT NULL,
    who             TEXT    NOT NULL,          -- the entry's or the union's name, as asked
    item_id         BIGINT  REFERENCES work_items(id),
    answer          TEXT,
    answered_on     TEXT,
    answered_by     TEXT,
    adopted_on      TEXT,
    outcome         TEXT,                      -- what came of an adopted answer
    UNIQUE (consultation_id, entry_id, union_id)
);
CREATE INDEX direct_consultation_answers_path ON direct_consultation_answers(path, consultation_id);
CREATE INDEX direct_consultation_answers_entry ON direct_consultation_answers(entry_id);
CREATE INDEX direct_consultation_answers_item ON direct_consultation_answers(item_id);

-- 问题需求直达部门: a problem filed (by anyone, or without an account at a QR code), its work
-- item at the department of its type, the answer, the call-back (回访) and the quality check.
CREATE TABLE direct_problems (
    id              BIGSERIAL PRIMARY KEY,
    ticket          TEXT    UNIQUE,            -- 工单号, ZD + filing day + id
    type            TEXT    NOT NULL,          -- consult | help | complaint | legal | suggestion
    complexity      TEXT    NOT NULL,          -- general | hard | complex
    channel         TEXT    NOT NULL,          -- app | qr | phone | visit
    title           TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    reporter_user_id   BIGINT  REFERENCES users(id),
    reporter_member_id BIGINT  REFERENCES members(id),
    reporter_name   TEXT    NOT NULL,          -- empty when anonymous
    reporter_phone  TEXT    NOT NULL,          -- for the call-back; empty when anonymous
    anonymous       BIGINT  NOT NULL,
    station_id      BIGINT  REFERENCES direct_network(id),   -- the station whose QR code it came by
    union_id        BIGINT  NOT NULL REFERENCES unions(id),
    path            TEXT    COLLATE "C" NOT NULL,
    filed_on        TEXT    NOT NULL,
    item_id         BIGINT  REFERENCES work_items(id),
    status          TEXT    NOT NULL,          -- open | answered | closed
    answer          TEXT,
    answered_on     TEXT,
    answered_by     TEXT,
    callback_on     TEXT,
    callback_note   TEXT,
    callback_by     TEXT,
    satisfaction    BIGINT,                    -- 1–5, asked at the call-back
    checked_on      TEXT,
    check_note      TEXT,
    returns         BIGINT  NOT NULL,          -- sent back by the quality check
    ip              TEXT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX direct_problems_path ON direct_problems(path, filed_on);
CREATE INDEX direct_problems_item ON direct_problems(item_id);
CREATE INDEX direct_problems_member ON direct_problems(reporter_member_id);
CREATE INDEX direct_problems_ip ON direct_problems(ip, created_at);

-- 经验做法直接分享: practices submitted by units, reviewed and published by the county, found
-- by any part of their text (the index holds published ones only), their photos and files, and
-- the units that adopted them.
CREATE TABLE direct_practices (
    id              BIGSERIAL PRIMARY KEY,
    title           TEXT    NOT NULL,
    mechanism       TEXT    NOT NULL,          -- research | assist | direct | care | rights | building
    tags            TEXT    NOT NULL,          -- separated by 、
    body            TEXT    NOT NULL,
    union_id        BIGINT  NOT NULL REFERENCES unions(id),   -- the submitting unit
    path            TEXT    COLLATE "C" NOT NULL,
    status          TEXT    NOT NULL,          -- submitted | published | returned
    submitted_on    TEXT    NOT NULL,
    submitted_by    TEXT    NOT NULL,
    review_note     TEXT,
    reviewed_by     TEXT,
    published_on    TEXT,
    created_by      BIGINT  REFERENCES users(id),
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX direct_practices_path ON direct_practices(path, status);
CREATE INDEX direct_practices_published ON direct_practices(status, published_on);
CREATE TABLE direct_practices_search (
    id              BIGINT  PRIMARY KEY REFERENCES direct_practices(id) ON DELETE CASCADE,
    terms           TSVECTOR NOT NULL
);
CREATE INDEX direct_practices_search_terms ON direct_practices_search USING gin(terms);

CREATE TABLE direct_practice_files (
    id              BIGSERIAL PRIMARY KEY,
    practice_id     BIGINT  NOT NULL REFERENCES direct_practices(id),
    name            TEXT    NOT NULL,
    content_type    TEXT    NOT NULL,
    size            BIGINT  NOT NULL,
    data            BYTEA   NOT NULL,
    username        TEXT    NOT NULL,
    at              BIGINT  NOT NULL
);
CREATE INDEX direct_practice_files_practice ON direct_practice_files(practice_id, id);

CREATE TABLE direct_practice_adoptions (
    practice_id     BIGINT  NOT NULL REFERENCES direct_practices(id),
    union_id        BIGINT  NOT NULL REFERENCES unions(id),
    path            TEXT    COLLATE "C" NOT NULL,
    adopted_on      TEXT    NOT NULL,
    note            TEXT    NOT NULL,          -- how it was taken up
    by_name         TEXT    NOT NULL,
    PRIMARY KEY (practice_id, union_id)
);
CREATE INDEX direct_practice_adoptions_path ON direct_practice_adoptions(path);

-- A bulletin's attachments (the document itself, forms to fill in).
CREATE TABLE direct_bulletin_files (
    id              BIGSERIAL PRIMARY KEY,
    bulletin_id     BIGINT  NOT NULL REFERENCES direct_bulletins(id),
    name            TEXT    NOT NULL,
    content_type    TEXT    NOT NULL,
    size            BIGINT  NOT NULL,
    data            BYTEA   NOT NULL,
    username        TEXT    NOT NULL,
    at              BIGINT  NOT NULL
);
CREATE INDEX direct_bulletin_files_bulletin ON direct_bulletin_files(bulletin_id, id);
