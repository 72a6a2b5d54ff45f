-- Members found by any part of their name: the terms of each name after its first character
-- (`domain::text::name_terms`); a part that starts a name is found on members_name. Filled for
-- the members already there by the store (task members_search). PostgreSQL flavour.
CREATE TABLE members_search (
    id              BIGINT  PRIMARY KEY REFERENCES members(id),
    terms           TSVECTOR NOT NULL
);
CREATE INDEX members_search_terms ON members_search USING gin(terms);
INSERT INTO store_tasks (name) VALUES ('members_search') ON CONFLICT (name) DO NOTHING;
