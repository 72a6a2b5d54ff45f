-- 企业用工监督: labour-law supervision cases, their inspections and their letters (一函两书),
-- and the county's letter templates. PostgreSQL flavour.
CREATE TABLE legal_supervisions (
    id              BIGSERIAL PRIMARY KEY,
    enterprise_id   BIGINT  NOT NULL REFERENCES enterprises(id),
    enterprise_name TEXT    NOT NULL,
    union_id        BIGINT  NOT NULL REFERENCES unions(id),
    path            TEXT    COLLATE "C" NOT NULL,
    source          TEXT    NOT NULL,
    issues          TEXT    NOT NULL,            -- issue codes, comma-separated
    facts           TEXT    NOT NULL,
    complainant     TEXT,
    stage           TEXT    NOT NULL,
    step_item_id    BIGINT  REFERENCES work_items(id),
    registered_on   TEXT    NOT NULL,
    accepted_on     TEXT,
    referral_group  TEXT,                        -- referred to the procuratorate for this group
    referred_on     TEXT,
    referral_note   TEXT,
    referral_feedback TEXT,
    outcome         TEXT,
    reason          TEXT,
    closed_on       TEXT,
    created_by      BIGINT  REFERENCES users(id),
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX legal_supervisions_path ON legal_supervisions(path, id);
CREATE INDEX legal_supervisions_enterprise ON legal_supervisions(enterprise_id);

CREATE TABLE legal_inspections (
    id              BIGSERIAL PRIMARY KEY,
    case_id         BIGINT  NOT NULL REFERENCES legal_supervisions(id),
    enterprise_id   BIGINT  NOT NULL REFERENCES enterprises(id),
    inspected_on    TEXT    NOT NULL,
    inspectors      TEXT    NOT NULL,            -- names, 、-separated (at least two)
    record          TEXT    NOT NULL,
    employer_signed BIGINT  NOT NULL,
    refusal_note    TEXT,                        -- why the employer did not sign
    created_by      BIGINT  REFERENCES users(id),
    created_at      BIGINT  NOT NULL
);
CREATE INDEX legal_inspections_enterprise ON legal_inspections(enterprise_id, inspected_on);
CREATE INDEX legal_inspections_case ON legal_inspections(case_id);

CREATE TABLE legal_letters (
    id              BIGSERIAL PRIMARY KEY,
    case_id         BIGINT  NOT NULL REFERENCES legal_supervisions(id),
    enterprise_id   BIGINT  NOT NULL REFERENCES enterprises(id),
    path            TEXT    COLLATE "C" NOT NULL,
    kind            TEXT    NOT NULL,            -- tip | opinion | proposal
    year            BIGINT  NOT NULL,
    seq             BIGINT  NOT NULL,
    doc_no          TEXT    NOT NULL,
    addressee       TEXT    NOT NULL,
    facts           TEXT    NOT NULL,
    basis           TEXT    NOT NULL,
    requests        TEXT    NOT NULL,
    body            TEXT    NOT NULL,            -- the text as issued, from the template then
    issuer          TEXT    NOT NULL,
    issued_on       TEXT    NOT NULL,
    served_on       TEXT,
    served_how      TEXT,
    reply_due       TEXT    NOT NULL,
    replied_on      TEXT,
    reply           TEXT,
    accepted        BIGINT,                      -- the addressee accepted (and will correct / filed)
    created_by      BIGINT  REFERENCES users(id),
    created_at      BIGINT  NOT NULL,
    UNIQUE (kind, year, seq)
);
CREATE INDEX legal_letters_case ON legal_letters(case_id, id);
CREATE INDEX legal_letters_enterprise ON legal_letters(enterprise_id, issued_on);
CREATE INDEX legal_letters_path ON legal_letters(path, issued_on, kind);
CREATE INDEX legal_letters_issued ON legal_letters(issued_on, path, kind);

CREATE TABLE legal_letter_templates (
    kind        TEXT PRIMARY KEY,
    body        TEXT NOT NULL,
    updated_by  BIGINT,
    updated_at  BIGINT NOT NULL
);
