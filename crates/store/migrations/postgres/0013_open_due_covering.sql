-- The open items by deadline, covering what the figures ask of the overdue ones (status,
-- where they belong, kind, department, source): counting them reads the index alone, however
-- many open items a subtree holds.
DROP INDEX work_open_due;
CREATE INDEX work_open_due ON work_items(due, status, path, kind, origin_department_id, source) WHERE closed_on IS NULL;
