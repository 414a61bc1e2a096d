-- The keyword index as a stored column (PostgreSQL only; docs/catalog.md).
--
-- catalog_records.kw holds the record's title and author words (kw_title
-- and kw_author, folded by catalog.Words) as a tsvector, computed by the
-- database whenever a row is written, with a GIN index over it. Before,
-- the index was over an expression of the two columns, which every query
-- had to compute again for each row it checked: a common word (in one
-- record of twelve) took a quarter of a second on a million records. The
-- vector is built with array_to_tsvector, so that no text-search parser,
-- dictionary or locale changes the words. Backups leave generated columns
-- out (store/backup.go); the database fills them in on restore.
--
-- Adding the column rewrites the table and builds the index: 10 s for a
-- million records on an idle 2-core machine, during which the catalog can
-- be neither read nor written.

-- +goose Up
ALTER TABLE catalog_records ADD COLUMN kw tsvector
    GENERATED ALWAYS AS (array_to_tsvector(string_to_array(kw_title, ' ') || string_to_array(kw_author, ' '))) STORED;
DROP INDEX catalog_records_words;
CREATE INDEX catalog_records_kw ON catalog_records USING GIN (kw);
-- The planner needs the new column's word statistics to choose between
-- the index and reading the table in order (for words in many records).
ANALYZE catalog_records;

-- +goose Down
DROP INDEX catalog_records_kw;
ALTER TABLE catalog_records DROP COLUMN kw;
CREATE INDEX catalog_records_words ON catalog_records
    USING GIN (array_to_tsvector(string_to_array(kw_title, ' ') || string_to_array(kw_author, ' ')));
