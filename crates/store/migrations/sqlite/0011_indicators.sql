-- One indicator store for every mechanism's figures: a row per (union, indicator, dimension,
-- month), kept for the union a fact belongs to and every union above it, so a subtree's figures
-- over any period are a sum over one union's rows. The empty dimension is the total.
CREATE TABLE indicators (
    union_id  INTEGER NOT NULL,
    indicator TEXT    NOT NULL,            -- e.g. work.received
    dim       TEXT    NOT NULL,            -- '' for the total, or k:care, d:3, k:care|d:3 …
    month     TEXT    NOT NULL,            -- YYYY-MM
    value     INTEGER NOT NULL,
    PRIMARY KEY (union_id, indicator, dim, month)
) WITHOUT ROWID;

-- The loop's own counts move there.
DROP TABLE work_stats;

-- Work the store does once after a migration, at the next start (under the migration lock).
CREATE TABLE store_tasks (
    name TEXT PRIMARY KEY
);
INSERT INTO store_tasks (name) VALUES ('recount');
