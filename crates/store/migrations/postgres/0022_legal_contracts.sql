-- 集体协商与集体合同, and the enterprise's democratic-management flags (调解委员会, 职代会,
-- 厂务公开). PostgreSQL flavour.
CREATE TABLE legal_contracts (
    id              BIGSERIAL PRIMARY KEY,
    scope           TEXT    NOT NULL,            -- enterprise | sector | region
    enterprise_id   BIGINT  REFERENCES enterprises(id),
    party_name      TEXT    NOT NULL,            -- the enterprise, or the sector's / region's name
    union_id        BIGINT  NOT NULL REFERENCES unions(id),
    path            TEXT    COLLATE "C" NOT NULL,            -- a sector's or region's contract covers this subtree
    kind            TEXT    NOT NULL,
    stage           TEXT    NOT NULL,
    step_item_id    BIGINT  REFERENCES work_items(id),
    requested_by    TEXT    NOT NULL,
    requested_on    TEXT    NOT NULL,
    answered_on     TEXT,
    workers_reps    BIGINT  NOT NULL DEFAULT 0,
    employer_reps   BIGINT  NOT NULL DEFAULT 0,
    chief_worker    TEXT,
    chief_employer  TEXT,
    entitled        BIGINT  NOT NULL DEFAULT 0,  -- the workers' congress vote
    present         BIGINT  NOT NULL DEFAULT 0,
    approving       BIGINT  NOT NULL DEFAULT 0,
    voted_on        TEXT,
    signed_on       TEXT,
    submitted_on    TEXT,
    review_due      TEXT,
    effective_on    TEXT,                        -- in force from (silence: the day after review_due)
    published_on    TEXT,
    term_years      BIGINT  NOT NULL DEFAULT 0,
    starts_on       TEXT,
    expires_on      TEXT,
    wage_increase   TEXT,                        -- per cent, as typed ("5.5")
    covered_workers BIGINT  NOT NULL DEFAULT 0,
    renewed_from    BIGINT  REFERENCES legal_contracts(id),
    reason          TEXT,                        -- a refusal, an objection, why it ended
    ended_on        TEXT,
    created_by      BIGINT  REFERENCES users(id),
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX legal_contracts_path ON legal_contracts(path, effective_on, expires_on);
CREATE INDEX legal_contracts_enterprise ON legal_contracts(enterprise_id, effective_on, expires_on);

ALTER TABLE enterprises ADD COLUMN mediation_committee BIGINT NOT NULL DEFAULT 0;
ALTER TABLE enterprises ADD COLUMN workers_congress BIGINT NOT NULL DEFAULT 0;
ALTER TABLE enterprises ADD COLUMN open_affairs BIGINT NOT NULL DEFAULT 0;
