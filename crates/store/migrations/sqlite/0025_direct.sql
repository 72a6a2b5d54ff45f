-- 五直: 政策解答直达主体 (question categories and whom each goes to, questions, the FAQ and its
-- search index) and 宣传贯彻直抵基层 (bulletins, the grassroots unions each reaches and their
-- receipts). SQLite flavour.
CREATE TABLE direct_question_categories (
    code            TEXT    PRIMARY KEY,
    label           TEXT    NOT NULL UNIQUE,
    department      TEXT    NOT NULL,          -- the county department that answers (by name)
    answerer_id     INTEGER REFERENCES users(id),  -- or one person (an expert) instead
    sort            INTEGER NOT NULL,
    active          INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
INSERT INTO direct_question_categories (code, label, department, answerer_id, sort, active, updated_at) VALUES
    ('wages', '工资报酬', '权益保障部', NULL, 1, 1, 0),
    ('contract', '劳动合同', '权益保障部', NULL, 2, 1, 0),
    ('insurance', '社会保险', '权益保障部', NULL, 3, 1, 0),
    ('safety', '劳动安全卫生', '权益保障部', NULL, 4, 1, 0),
    ('women', '女职工权益', '女职工部', NULL, 5, 1, 0),
    ('other', '其他', '办公室', NULL, 6, 1, 0);

CREATE TABLE direct_questions (
    id              INTEGER PRIMARY KEY,
    category        TEXT    NOT NULL REFERENCES direct_question_categories(code),
    title           TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    asker_user_id   INTEGER REFERENCES users(id),
    asker_member_id INTEGER REFERENCES members(id),
    asker_name      TEXT    NOT NULL,
    union_id        INTEGER NOT NULL REFERENCES unions(id),
    path            TEXT    NOT NULL,
    asked_on        TEXT    NOT NULL,
    item_id         INTEGER REFERENCES work_items(id),
    status          TEXT    NOT NULL,          -- open | answered
    answer          TEXT,
    answered_on     TEXT,
    answered_by     INTEGER REFERENCES users(id),
    faq_id          INTEGER,                   -- the FAQ entry made from it, while there is one
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX direct_questions_path ON direct_questions(path, asked_on);
CREATE INDEX direct_questions_item ON direct_questions(item_id);

-- The FAQ: a question and its answer as the county words them, nothing of the asker.
CREATE TABLE direct_faq (
    id              INTEGER PRIMARY KEY,
    category        TEXT    NOT NULL REFERENCES direct_question_categories(code),
    question        TEXT    NOT NULL,
    answer          TEXT    NOT NULL,
    question_id     INTEGER REFERENCES direct_questions(id),
    published_on    TEXT    NOT NULL,
    published_by    INTEGER REFERENCES users(id),
    updated_at      INTEGER NOT NULL
);
CREATE INDEX direct_faq_category ON direct_faq(category, id);
-- Its search index: `domain::text::terms` of the question and the answer (each pair of
-- neighbouring characters, then each character), so a phrase finds any inner part.
CREATE VIRTUAL TABLE direct_faq_search USING fts5(terms, tokenize = 'unicode61');

CREATE TABLE direct_bulletins (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL,          -- notice | policy
    title           TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    union_id        INTEGER NOT NULL REFERENCES unions(id),   -- the issuing union
    path            TEXT    NOT NULL,
    issued_on       TEXT    NOT NULL,
    confirm_by      TEXT    NOT NULL,
    to_members      INTEGER NOT NULL,          -- also shown to the recipient unions' members
    targets         TEXT    NOT NULL,          -- the unions chosen, by name, as issued
    recipients      INTEGER NOT NULL,          -- grassroots unions reached
    created_by      INTEGER REFERENCES users(id),
    created_at      INTEGER NOT NULL
);
CREATE INDEX direct_bulletins_path ON direct_bulletins(path, issued_on);

CREATE TABLE direct_bulletin_recipients (
    bulletin_id     INTEGER NOT NULL REFERENCES direct_bulletins(id),
    union_id        INTEGER NOT NULL REFERENCES unions(id),
    path            TEXT    NOT NULL,
    item_id         INTEGER REFERENCES work_items(id),
    confirmed_on    TEXT,
    confirmed_by    INTEGER REFERENCES users(id),
    PRIMARY KEY (bulletin_id, union_id)
);
CREATE INDEX direct_bulletin_recipients_path ON direct_bulletin_recipients(path, bulletin_id);
CREATE INDEX direct_bulletin_recipients_union ON direct_bulletin_recipients(union_id, bulletin_id);
