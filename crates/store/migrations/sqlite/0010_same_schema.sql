-- Nothing changes on SQLite: this migration brings PostgreSQL's audit and care triggers in
-- line with the ones here.
SELECT 1;
