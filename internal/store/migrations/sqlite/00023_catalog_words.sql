-- The keyword index as a stored column: PostgreSQL only (see
-- migrations/postgres/00023_catalog_words.sql). SQLite's keyword index
-- is the FTS5 table catalog_fts (00004), which already stores the words;
-- this migration keeps the two engines' version numbers in step.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
