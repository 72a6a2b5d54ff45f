-- The loop's contract with its records: an item names the record it stands for (source and
-- id), and who resolved it (they do not rate it). Care, hardship and campaign figures move to
-- the indicator store.
ALTER TABLE work_items ADD COLUMN source TEXT COLLATE "C";
ALTER TABLE work_items ADD COLUMN source_id BIGINT;
ALTER TABLE work_items ADD COLUMN resolved_by BIGINT;
CREATE INDEX work_items_source ON work_items(source, source_id, origin_union_id) WHERE source IS NOT NULL;

-- Items made before: the care obligations (the payment line apart) and the hardship steps.
UPDATE work_items w SET source = CASE WHEN o.action = 'payment' THEN 'care_payment' ELSE 'care_obligation' END,
    source_id = o.event_id FROM care_obligations o WHERE o.work_item_id = w.id;
-- A step's body reads "困难职工档案 <id>，<step>。".
UPDATE work_items SET kind = 'hardship_step', source = 'hardship_file',
    source_id = CAST(substr(body, 8, strpos(substr(body, 8), '，') - 1) AS BIGINT)
    WHERE kind = 'care' AND body LIKE '困难职工档案 %，%';
UPDATE work_items w SET resolved_by = (SELECT e.user_id FROM work_events e WHERE e.item_id = w.id
    AND e.action = 'resolve' ORDER BY e.id DESC LIMIT 1) WHERE result IS NOT NULL;

-- An obligation's state is its item's: no copy kept by a trigger any more.
DROP TRIGGER care_obligation_state ON work_items;
DROP FUNCTION care_obligation_state();
DROP INDEX care_obligations_path;
ALTER TABLE care_obligations DROP COLUMN status, DROP COLUMN due, DROP COLUMN closed_on, DROP COLUMN on_time;
DROP TABLE campaign_counts;
DROP TABLE benefit_counts;

INSERT INTO store_tasks (name) VALUES ('recount') ON CONFLICT (name) DO NOTHING;
