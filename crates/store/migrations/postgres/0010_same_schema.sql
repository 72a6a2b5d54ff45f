-- PostgreSQL in line with SQLite, as the schema comparison test found it:
-- the audit log's guards are two triggers named as on SQLite, one per forbidden change;
DROP TRIGGER audit_no_change ON audit_log;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
-- and a care obligation follows its item only when the item's state changes.
DROP TRIGGER care_obligation_state ON work_items;
CREATE TRIGGER care_obligation_state AFTER UPDATE OF status, due, closed_on, on_time ON work_items
    FOR EACH ROW WHEN (NEW.kind = 'care') EXECUTE FUNCTION care_obligation_state();
