-- Indexes the county of 1M members showed missing, through HTTP and in the demo.
-- An event's payments (its page, every payment recorded against it) by the event: the unique
-- index holds only payments not rejected, so the page read every payment of the subtree
-- backwards from the newest (0.75 ms a call at 12 000 payments, growing with the ledger).
CREATE INDEX care_payments_by_event ON care_payments(event_id, id) WHERE event_id IS NOT NULL;
-- A name searched within part of the county (a town, a workplace): by its first character and
-- then the part, so a town's 6 600 holders of 王 are one range, not a filter over the county's
-- 112 000 (7.6 → 0.5 ms). The county itself reads members_name, in name order.
CREATE INDEX members_first_char ON members(substr(name, 1, 1), path, name, status);
-- A member's to-dos (their closed requests waiting for a rating) on every page of theirs: by
-- the requesting user as by the requesting member, so both halves of the OR are index ranges and
-- not a scan of every item (29 ms a page at 200 000 items → 0.1 ms).
CREATE INDEX work_requester_user ON work_items(requester_user_id, id) WHERE requester_user_id IS NOT NULL;
-- A member's enrolments (their home, their benefits page) by member: the unique key leads with
-- the benefit, so each page read all 1.3 million enrolments (32 ms warm, 116 ms cold).
CREATE INDEX benefit_enrolments_member ON benefit_enrolments(member_id);
-- A member's record lists their seasonal deliveries and hardship files: by member (12.7 ms and
-- 1.6 ms a record at 1M members, each a scan of the table).
CREATE INDEX campaign_targets_member ON campaign_targets(member_id);
CREATE INDEX hardship_files_member ON hardship_files(member_id, id);
-- Items visible within part of the county: those of its unions, those now owned within it,
-- those its users raised; the second half had no index, so a town's list scanned every item.
CREATE INDEX work_items_owner_path ON work_items(owner_path, id);
