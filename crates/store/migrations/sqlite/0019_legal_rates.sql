-- 五率: the county's choice of the two measures that make each rate (domain::legal::rates);
-- a rate with no row here uses its default.
CREATE TABLE legal_rate_definitions (
    code        TEXT PRIMARY KEY,
    numerator   TEXT NOT NULL,
    denominator TEXT NOT NULL,
    updated_by  INTEGER,
    updated_at  INTEGER NOT NULL
);
