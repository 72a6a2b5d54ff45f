-- 五直: 政策解答直达主体 (question categories and whom each goes to, questions, the FAQ and its
-- search index) and 宣传贯彻直抵基层 (bulletins, the grassroots unions each reaches and their
-- receipts). PostgreSQL flavour.
CREATE TABLE direct_question_categories (
    code            TEXT    PRIMARY KEY,
    label           TEXT    NOT NULL UNIQUE,
    department      TEXT    NOT NULL,          -- the county department that answers (by name)
    answerer_id     BIGINT  REFERENCES users(id),  -- or one person (an expert) instead
    sort            BIGINT  NOT NULL,
    active          BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
INSERT INTO direct_question_categories (code, label, department, answerer_id, sort, active, updated_at) VALUES
    ('wages', '工资报酬', '权益保障部', NULL, 1, 1, 0),
    ('contract', '劳动合同', '权益保障部', NULL, 2, 1, 0),
    ('insurance', '社会保险', '权益保障部', NULL, 3, 1, 0),
    ('safety', '劳动安全卫生', '权益保障部', NULL, 4, 1, 0),
    ('women', '女职工权益', '女职工部', NULL, 5, 1, 0),
    ('other', '其他', '办公室', NULL, 6, 1, 0);

CREATE TABLE direct_questions (
    id              BIGSERIAL PRIMARY KEY,
    category        TEXT    NOT NULL REFERENCES direct_question_categories(code),
    title           TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    asker_user_id   BIGINT  REFERENCES users(id),
    asker_member_id BIGINT  REFERENCES members(id),
    asker_name      TEXT    NOT NULL,
    union_id        BIGINT  NOT NULL REFERENCES unions(id),
    path            TEXT    COLLATE "C" NOT NULL,
    asked_on        TEXT    NOT NULL,
    item_id         BIGINT  REFERENCES work_items(id),
    status          TEXT    NOT NULL,          -- open | answered
    answer          TEXT,
    answered_on     TEXT,
    answered_by     BIGINT  REFERENCES users(id),
    faq_id          BIGINT ,                   -- the FAQ entry made from it, while there is one
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX direct_questions_path ON direct_questions(path, asked_on);
CREATE INDEX direct_questions_item ON direct_questions(item_id);

-- The FAQ: a question and its answer as the county words them, nothing of the asker.
CREATE TABLE direct_faq (
    id              BIGSERIAL PRIMARY KEY,
    category        TEXT    NOT NULL REFERENCES direct_question_categories(code),
    question        TEXT    NOT NULL,
    answer          TEXT    NOT NULL,
    question_id     BIGINT  REFERENCES direct_questions(id),
    published_on    TEXT    NOT NULL,
    published_by    BIGINT  REFERENCES users(id),
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX direct_faq_category ON direct_faq(category, id);
-- Its search index: `domain::text::terms` of the question and the answer (each pair of
-- neighbouring characters, then each character), so a phrase finds any inner part.
CREATE TABLE direct_faq_search (
    id              BIGINT  PRIMARY KEY REFERENCES direct_faq(id) ON DELETE CASCADE,
    terms           TSVECTOR NOT NULL          -- to_tsvector('simple', …): one term per word
);
CREATE INDEX direct_faq_search_terms ON direct_faq_search USING gin(terms);

CREATE TABLE direct_bulletins (
    id              BIGSERIAL PRIMARY KEY,
    kind            TEXT    NOT NULL,          -- notice | policy
    title           TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    union_id        BIGINT  NOT NULL REFERENCES unions(id),   -- the issuing union
    path            TEXT    COLLATE "C" NOT NULL,
    issued_on       TEXT    NOT NULL,
    confirm_by      TEXT    NOT NULL,
    to_members      BIGINT  NOT NULL,          -- also shown to the recipient unions' members
    targets         TEXT    NOT NULL,          -- the unions chosen, by name, as issued
    recipients      BIGINT  NOT NULL,          -- grassroots unions reached
    created_by      BIGINT  REFERENCES users(id),
    created_at      BIGINT  NOT NULL
);
CREATE INDEX direct_bulletins_path ON direct_bulletins(path, issued_on);

CREATE TABLE direct_bulletin_recipients (
    bulletin_id     BIGINT  NOT NULL REFERENCES direct_bulletins(id),
    union_id        BIGINT  NOT NULL REFERENCES unions(id),
    path            TEXT    COLLATE "C" NOT NULL,
    item_id         BIGINT  REFERENCES work_items(id),
    confirmed_on    TEXT,
    confirmed_by    BIGINT  REFERENCES users(id),
    PRIMARY KEY (bulletin_id, union_id)
);
CREATE INDEX direct_bulletin_recipients_path ON direct_bulletin_recipients(path, bulletin_id);
CREATE INDEX direct_bulletin_recipients_union ON direct_bulletin_recipients(union_id, bulletin_id);
