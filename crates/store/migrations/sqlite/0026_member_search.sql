-- Members found by any part of their name: the terms of each name after its first character
-- (`domain::text::name_terms`); a part that starts a name is found on members_name. Filled for
-- the members already there by the store (task members_search). SQLite flavour.
CREATE VIRTUAL TABLE members_search USING fts5(terms, tokenize = 'unicode61');
INSERT INTO store_tasks (name) VALUES ('members_search') ON CONFLICT (name) DO NOTHING;
