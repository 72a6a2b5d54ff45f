-- Indexes that a county of 1M members under load showed missing. The daily standing-visits
-- job asks who is owed a visit (filed hardship households, model workers): each set from an
-- index of its own, not a scan of the registry with a lookup of every member's hardship files
-- (six minutes at 1M members).
CREATE INDEX hardship_filed_member ON hardship_files(member_id) WHERE stage = 'filed';
CREATE INDEX members_model_workers ON members(id) WHERE model_worker <> 'none';

-- Every action on an item marks its notices done: by the item, among the notices not done yet
-- (it read every notice, 1.5 ms a call at 100 000 members and growing).
CREATE INDEX notices_item_open ON notices(item_id) WHERE done = 0;
-- A union's part of a campaign (its deliveries, what is left to deliver): by campaign and union.
CREATE INDEX campaign_targets_union ON campaign_targets(campaign_id, union_id, delivered_on);
-- The ledger's year: its sums, its count and its page from one index range (scope by path
-- inside the year) instead of a lookup of every payment of the subtree (112 → 20 ms).
CREATE INDEX care_payments_year ON care_payments(year, path, status, amount_fen);
