-- A member's own account, found from their record: whom a closed item asks for a rating, who
-- answers for a 五直 contact. Without it each lookup read every user.
CREATE INDEX users_member ON users(member_id) WHERE member_id IS NOT NULL;
