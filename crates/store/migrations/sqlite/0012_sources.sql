-- The loop's contract with its records: an item names the record it stands for (source and
-- id), and who resolved it (they do not rate it). Care, hardship and campaign figures move to
-- the indicator store.
ALTER TABLE work_items ADD COLUMN source TEXT;
ALTER TABLE work_items ADD COLUMN source_id INTEGER;
ALTER TABLE work_items ADD COLUMN resolved_by INTEGER;
CREATE INDEX work_items_source ON work_items(source, source_id, origin_union_id) WHERE source IS NOT NULL;

-- Items made before: the care obligations (the payment line apart) and the hardship steps.
UPDATE work_items SET source = 'care_obligation',
    source_id = (SELECT o.event_id FROM care_obligations o WHERE o.work_item_id = work_items.id)
    WHERE id IN (SELECT work_item_id FROM care_obligations WHERE action <> 'payment');
UPDATE work_items SET source = 'care_payment',
    source_id = (SELECT o.event_id FROM care_obligations o WHERE o.work_item_id = work_items.id)
    WHERE id IN (SELECT work_item_id FROM care_obligations WHERE action = 'payment');
-- A step's body reads "困难职工档案 <id>，<step>。".
UPDATE work_items SET kind = 'hardship_step', source = 'hardship_file',
    source_id = CAST(substr(body, 8, instr(substr(body, 8), '，') - 1) AS INTEGER)
    WHERE kind = 'care' AND body LIKE '困难职工档案 %，%';
UPDATE work_items SET resolved_by = (SELECT e.user_id FROM work_events e WHERE e.item_id = work_items.id
    AND e.action = 'resolve' ORDER BY e.id DESC LIMIT 1) WHERE result IS NOT NULL;

-- An obligation's state is its item's: no copy kept by a trigger any more.
DROP TRIGGER care_obligation_state;
DROP INDEX care_obligations_path;
ALTER TABLE care_obligations DROP COLUMN status;
ALTER TABLE care_obligations DROP COLUMN due;
ALTER TABLE care_obligations DROP COLUMN closed_on;
ALTER TABLE care_obligations DROP COLUMN on_time;
DROP TABLE campaign_counts;
DROP TABLE benefit_counts;

INSERT INTO store_tasks (name) VALUES ('recount') ON CONFLICT (name) DO NOTHING;
