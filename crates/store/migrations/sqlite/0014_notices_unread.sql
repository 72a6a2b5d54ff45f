-- A union's notices by department, then id: the unread count of a union (or one of its
-- departments) is one index range after the last one read, not every notice the union has had.
DROP INDEX notices_union;
CREATE INDEX notices_union ON notices(union_id, department_id, id) WHERE union_id IS NOT NULL;
