-- 有需必送: seasonal campaigns, their target lists (built by rule or added on application), the
-- deliveries, and the signed sign-for lists (发放签收表) scanned back per union. PostgreSQL flavour.

CREATE TABLE campaigns (
    id            BIGSERIAL PRIMARY KEY,
    kind          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    starts_on     TEXT    NOT NULL,
    ends_on       TEXT    NOT NULL,
    budget_fen    BIGINT NOT NULL,
    amount_fen    BIGINT NOT NULL,            -- per target (for 秋送助学: filed households)
    other_amount_fen BIGINT NOT NULL DEFAULT 0, -- 秋送助学: other households
    goods         TEXT,                        -- what is delivered besides money
    built_at      BIGINT,                     -- when the target list was last built
    created_by    BIGINT REFERENCES users(id),
    created_at    BIGINT NOT NULL
);

CREATE TABLE campaign_targets (
    id           BIGSERIAL PRIMARY KEY,
    campaign_id  BIGINT NOT NULL REFERENCES campaigns(id),
    member_id    BIGINT NOT NULL REFERENCES members(id),
    member_name  TEXT    NOT NULL,
    union_id     BIGINT NOT NULL REFERENCES unions(id),
    path         TEXT    COLLATE "C" NOT NULL,
    reason       TEXT    NOT NULL,             -- why on the list (rule or application)
    amount_fen   BIGINT NOT NULL,
    delivered_on TEXT,
    delivered_by TEXT,
    delivery_note TEXT,
    payment_id   BIGINT REFERENCES care_payments(id),
    photo_name   TEXT,
    photo_type   TEXT,
    photo        BYTEA,
    UNIQUE (campaign_id, member_id)
);
CREATE INDEX campaign_targets_path ON campaign_targets(campaign_id, path);

CREATE TABLE campaign_signed (
    id           BIGSERIAL PRIMARY KEY,
    campaign_id  BIGINT NOT NULL REFERENCES campaigns(id),
    union_id     BIGINT NOT NULL REFERENCES unions(id),
    path         TEXT    COLLATE "C" NOT NULL,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    data         BYTEA    NOT NULL,
    size         BIGINT NOT NULL,
    uploaded_by  TEXT    NOT NULL,
    uploaded_at  BIGINT NOT NULL
);
CREATE INDEX campaign_signed_campaign ON campaign_signed(campaign_id, union_id);

-- Coverage kept per campaign and union (rewritten for the unions a change touches), so a
-- subtree's coverage is a sum over its unions, not a count over hundreds of thousands of targets.
CREATE TABLE campaign_counts (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    union_id    BIGINT NOT NULL REFERENCES unions(id),
    path        TEXT COLLATE "C" NOT NULL,
    targeted    BIGINT NOT NULL,
    delivered   BIGINT NOT NULL,
    paid_fen    BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, union_id)
);
CREATE INDEX campaign_counts_path ON campaign_counts(campaign_id, path);

-- 春送岗位: the job fairs held, with the employers and positions offered and who came.
CREATE TABLE campaign_fairs (
    id          BIGSERIAL PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    name        TEXT    NOT NULL,
    held_on     TEXT    NOT NULL,
    place       TEXT,
    employers   BIGINT NOT NULL,
    positions   BIGINT NOT NULL,
    attendees   BIGINT NOT NULL,
    hired       BIGINT NOT NULL DEFAULT 0,
    recorded_by TEXT    NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX campaign_fairs_campaign ON campaign_fairs(campaign_id, held_on);
