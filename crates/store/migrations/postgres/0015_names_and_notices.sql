-- A user's real name (姓名): timelines, the audit log and the header show it, not the login name.
ALTER TABLE users ADD COLUMN name TEXT NOT NULL DEFAULT '';
UPDATE users SET name = (SELECT m.name FROM members m WHERE m.id = users.member_id) WHERE member_id IS NOT NULL;
-- A notice about an item is done once those it was sent to have acted on the item; it no
-- longer counts as new.
ALTER TABLE notices ADD COLUMN done INTEGER NOT NULL DEFAULT 0;
-- Cadres often know only the last four characters of a member's ID number.
CREATE INDEX members_id_tail ON members(substr(id_masked, 15, 4));
