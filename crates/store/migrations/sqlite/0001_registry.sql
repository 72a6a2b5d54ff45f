-- Organisation tree, members, users, sessions, audit. SQLite flavour; postgres/ holds the twin.

CREATE TABLE unions (
    id            INTEGER PRIMARY KEY,
    code          TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    level         TEXT    NOT NULL,          -- federation | town | industry | grassroots
    parent_id     INTEGER REFERENCES unions(id),
    path          TEXT    NOT NULL UNIQUE,   -- materialised path "/1/4/17/"
    division_code TEXT,
    address       TEXT,
    founded_on    TEXT,
    chair         TEXT,
    star          INTEGER NOT NULL DEFAULT 0,
    member_count  INTEGER NOT NULL DEFAULT 0,   -- active members directly in this union
    created_at    INTEGER NOT NULL
);
CREATE INDEX unions_parent_name ON unions(parent_id, name);
CREATE INDEX unions_name ON unions(name);

CREATE TABLE enterprises (
    id          INTEGER PRIMARY KEY,
    union_id    INTEGER NOT NULL REFERENCES unions(id),
    name        TEXT    NOT NULL,
    credit_code TEXT    UNIQUE,
    industry    TEXT,                        -- GB/T 4754 section letter
    headcount   INTEGER NOT NULL DEFAULT 0,
    ownership   TEXT
);
CREATE INDEX enterprises_union ON enterprises(union_id);

CREATE TABLE departments (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE members (
    id            INTEGER PRIMARY KEY,
    union_id      INTEGER NOT NULL REFERENCES unions(id),
    path          TEXT    NOT NULL,          -- the union's path, kept in step when unions move
    name          TEXT    NOT NULL,
    id_cipher     BLOB    NOT NULL,          -- XChaCha20-Poly1305(nonce || ciphertext)
    id_hash       BLOB    NOT NULL,          -- HMAC-SHA256 of the ID number (unique index below)
    id_masked     TEXT    NOT NULL,
    sex           TEXT    NOT NULL,
    birth_date    TEXT    NOT NULL,
    phone         TEXT,
    employer      TEXT,
    job           TEXT,
    skill_level   TEXT    NOT NULL DEFAULT 'none',
    migrant       INTEGER NOT NULL DEFAULT 0,
    new_form      TEXT    NOT NULL DEFAULT 'none',
    model_worker  TEXT    NOT NULL DEFAULT 'none',
    joined_on     TEXT,
    status        TEXT    NOT NULL DEFAULT 'active',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
-- One person, one record; named so SQLite queries can insist on it (INDEXED BY).
CREATE UNIQUE INDEX members_id_hash ON members(id_hash);
CREATE INDEX members_path_name ON members(path, name);
CREATE INDEX members_name ON members(name, path, status);  -- covers name search within a scope
CREATE INDEX members_union_name ON members(union_id, name);
CREATE INDEX members_phone ON members(phone);

CREATE TABLE member_history (
    id            INTEGER PRIMARY KEY,
    member_id     INTEGER NOT NULL REFERENCES members(id),
    event         TEXT    NOT NULL,
    on_date       TEXT    NOT NULL,
    from_union_id INTEGER REFERENCES unions(id),
    to_union_id   INTEGER REFERENCES unions(id),
    note          TEXT,
    user_id       INTEGER,
    at            INTEGER NOT NULL
);
CREATE INDEX member_history_member ON member_history(member_id, id);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL UNIQUE,
    password_hash  TEXT    NOT NULL,
    role           TEXT    NOT NULL,
    union_id       INTEGER REFERENCES unions(id),      -- root of scope; NULL = whole federation
    department_id  INTEGER REFERENCES departments(id),
    member_id      INTEGER REFERENCES members(id),     -- for role member
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    locked_until   INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT    PRIMARY KEY,          -- SHA-256 of the bearer/cookie token
    user_id     INTEGER NOT NULL REFERENCES users(id),
    csrf        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    user_id    INTEGER,
    username   TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    entity     TEXT    NOT NULL,
    entity_id  TEXT,
    detail     TEXT,
    ip         TEXT
);
CREATE INDEX audit_at ON audit_log(at);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
