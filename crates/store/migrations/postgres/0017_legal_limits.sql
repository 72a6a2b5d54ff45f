-- 五率: a county's own values for the time limits that are local practice (domain::legal::LIMITS
-- marks them); the statutory ones are not stored and cannot be changed.
CREATE TABLE legal_limits (
    code TEXT PRIMARY KEY,
    days BIGINT NOT NULL,
    unit TEXT NOT NULL,
    updated_by BIGINT,
    updated_at BIGINT NOT NULL
);
