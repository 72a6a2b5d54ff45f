-- 有惠必普: benefit programmes and who was enrolled. SQLite flavour.

CREATE TABLE benefits (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    year        INTEGER NOT NULL,
    enrol_from  TEXT    NOT NULL,
    enrol_to    TEXT    NOT NULL,
    min_age     INTEGER NOT NULL DEFAULT 0,
    max_age     INTEGER NOT NULL DEFAULT 0,
    created_by  INTEGER REFERENCES users(id),
    created_at  INTEGER NOT NULL
);

CREATE TABLE benefit_enrolments (
    id          INTEGER PRIMARY KEY,
    benefit_id  INTEGER NOT NULL REFERENCES benefits(id),
    member_id   INTEGER NOT NULL REFERENCES members(id),
    path        TEXT    NOT NULL,
    enrolled_on TEXT    NOT NULL,
    enrolled_by TEXT    NOT NULL,
    UNIQUE (benefit_id, member_id)
);
CREATE INDEX benefit_enrolments_path ON benefit_enrolments(benefit_id, path);

-- Enrolments kept per programme and union, for coverage over any subtree.
CREATE TABLE benefit_counts (
    benefit_id INTEGER NOT NULL REFERENCES benefits(id),
    union_id   INTEGER NOT NULL REFERENCES unions(id),
    path       TEXT NOT NULL,
    enrolled   INTEGER NOT NULL,
    PRIMARY KEY (benefit_id, union_id)
);
CREATE INDEX benefit_counts_path ON benefit_counts(benefit_id, path);
