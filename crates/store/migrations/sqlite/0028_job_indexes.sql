-- The daily standing-visits job asks who is owed a visit: filed hardship households and model
-- workers. Each set is read from an index of its own, not by a scan of the whole registry with
-- a lookup of every member's hardship files (six minutes at 1M members).
CREATE INDEX hardship_filed_member ON hardship_files(member_id) WHERE stage = 'filed';
CREATE INDEX members_model_workers ON members(id) WHERE model_worker <> 'none';
