-- Directory of libraries and the imported catalog (network data).
--
-- directory_entries holds one row per library, keyed by its library id
-- (the value of its primary symbol, e.g. US-EXSUP); the entry itself is
-- JSON (see internal/directory). Every symbol (ISIL:US-EXSUP, OCLC:EXS)
-- has a row in directory_symbols, upper-cased for case-insensitive
-- lookups. Credentials are rows of their own: inbound secrets (what a
-- partner presents to us) are stored as SHA-256 hashes; outbound secrets
-- (what we present to a partner) are stored in clear, because we must
-- send them.
--
-- catalog_records holds one row per title per holding library, unique by
-- (holder, local_id); identifiers, items and serial coverage are child
-- rows. kw_title and kw_author hold the folded words of the title and
-- author (catalog.Words) that the full-text index covers: an FTS5 table
-- with external content, kept in step by triggers (so a restore, which
-- inserts the rows, rebuilds it as it goes; RebuildCatalogIndex rebuilds
-- it from scratch). Times are microseconds since the Unix epoch (UTC).

-- +goose Up
CREATE TABLE directory_entries (
    id          TEXT PRIMARY KEY,
    id_key      TEXT NOT NULL,             -- upper-case id
    name        TEXT NOT NULL,
    search_key  TEXT NOT NULL DEFAULT '',  -- folded name and symbols, for searching
    status      TEXT NOT NULL,
    data        TEXT NOT NULL,             -- the entry as JSON, without credentials
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  INTEGER
);
CREATE UNIQUE INDEX directory_entries_id_key ON directory_entries (id_key);

CREATE TABLE directory_symbols (
    symbol_key  TEXT PRIMARY KEY,          -- TYPE:VALUE, upper-case
    value_key   TEXT NOT NULL,             -- VALUE, upper-case
    library_id  TEXT NOT NULL REFERENCES directory_entries (id) ON DELETE CASCADE
);
CREATE INDEX directory_symbols_value ON directory_symbols (value_key);
CREATE INDEX directory_symbols_library ON directory_symbols (library_id);

CREATE TABLE directory_credentials (
    library_id  TEXT NOT NULL REFERENCES directory_entries (id) ON DELETE CASCADE,
    direction   TEXT NOT NULL,             -- inbound, outbound
    method      TEXT NOT NULL,             -- basic, bearer, iso-header
    username    TEXT NOT NULL DEFAULT '',  -- Basic user or ISO 18626 accountId
    secret      TEXT NOT NULL DEFAULT '',  -- outbound only, in clear
    secret_hash TEXT NOT NULL DEFAULT '',  -- inbound only: sha256:<hex>
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (library_id, direction, method)
);

CREATE TABLE catalog_records (
    id              INTEGER PRIMARY KEY,
    holder          TEXT NOT NULL,             -- directory id of the holding library
    local_id        TEXT NOT NULL,             -- the library's record id (MARC 001)
    id_org          TEXT NOT NULL DEFAULT '',  -- MARC 003
    source          TEXT NOT NULL,             -- marc21, marcxml, csv
    format          TEXT NOT NULL DEFAULT '',  -- book, serial, ...
    title           TEXT NOT NULL DEFAULT '',
    author          TEXT NOT NULL DEFAULT '',
    edition         TEXT NOT NULL DEFAULT '',
    publisher       TEXT NOT NULL DEFAULT '',
    place           TEXT NOT NULL DEFAULT '',
    year            INTEGER NOT NULL DEFAULT 0,
    language        TEXT NOT NULL DEFAULT '',
    lc_class        TEXT NOT NULL DEFAULT '',
    call_number     TEXT NOT NULL DEFAULT '',
    location        TEXT NOT NULL DEFAULT '',
    branch          TEXT NOT NULL DEFAULT '',
    holdings        TEXT NOT NULL DEFAULT '',  -- serial holdings statements, one per line
    items_total     INTEGER NOT NULL DEFAULT 0,
    items_lendable  INTEGER NOT NULL DEFAULT 0,
    items_available INTEGER NOT NULL DEFAULT 0,
    kw_title        TEXT NOT NULL DEFAULT '',
    kw_author       TEXT NOT NULL DEFAULT '',
    content_hash    TEXT NOT NULL,
    generation      INTEGER NOT NULL,          -- the import that last wrote or confirmed it
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX catalog_records_local ON catalog_records (holder, local_id);

CREATE TABLE catalog_ids (
    kind      TEXT NOT NULL,                   -- isbn (13 digits), issn, oclc, lccn, doi
    value     TEXT NOT NULL,                   -- normalised
    record_id INTEGER NOT NULL REFERENCES catalog_records (id) ON DELETE CASCADE,
    PRIMARY KEY (kind, value, record_id)
) WITHOUT ROWID;
CREATE INDEX catalog_ids_record ON catalog_ids (record_id);

CREATE TABLE catalog_items (
    record_id   INTEGER NOT NULL REFERENCES catalog_records (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    barcode     TEXT NOT NULL,
    call_number TEXT NOT NULL DEFAULT '',
    location    TEXT NOT NULL DEFAULT '',
    branch      TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT '',
    lendable    INTEGER NOT NULL,
    on_loan     INTEGER NOT NULL,
    tag         TEXT NOT NULL DEFAULT '',      -- field it came from: 852, 876, 949, 952, csv
    PRIMARY KEY (record_id, seq)
) WITHOUT ROWID;

CREATE TABLE catalog_coverage (
    record_id    INTEGER NOT NULL REFERENCES catalog_records (id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    start_year   INTEGER NOT NULL DEFAULT 0,
    end_year     INTEGER NOT NULL DEFAULT 0,
    start_volume INTEGER NOT NULL DEFAULT 0,
    end_volume   INTEGER NOT NULL DEFAULT 0,
    open_ended   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (record_id, seq)
) WITHOUT ROWID;

-- Word positions are not needed (no phrase queries): detail=column keeps
-- the index small.
CREATE VIRTUAL TABLE catalog_fts USING fts5 (
    kw_title, kw_author,
    content = 'catalog_records', content_rowid = 'id', detail = column
);

-- +goose StatementBegin
CREATE TRIGGER catalog_records_fts_insert AFTER INSERT ON catalog_records BEGIN
    INSERT INTO catalog_fts (rowid, kw_title, kw_author) VALUES (new.id, new.kw_title, new.kw_author);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER catalog_records_fts_delete AFTER DELETE ON catalog_records BEGIN
    INSERT INTO catalog_fts (catalog_fts, rowid, kw_title, kw_author) VALUES ('delete', old.id, old.kw_title, old.kw_author);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER catalog_records_fts_update AFTER UPDATE OF kw_title, kw_author ON catalog_records BEGIN
    INSERT INTO catalog_fts (catalog_fts, rowid, kw_title, kw_author) VALUES ('delete', old.id, old.kw_title, old.kw_author);
    INSERT INTO catalog_fts (rowid, kw_title, kw_author) VALUES (new.id, new.kw_title, new.kw_author);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER catalog_records_fts_update;
DROP TRIGGER catalog_records_fts_delete;
DROP TRIGGER catalog_records_fts_insert;
DROP TABLE catalog_fts;
DROP TABLE catalog_coverage;
DROP TABLE catalog_items;
DROP TABLE catalog_ids;
DROP TABLE catalog_records;
DROP TABLE directory_credentials;
DROP TABLE directory_symbols;
DROP TABLE directory_entries;
