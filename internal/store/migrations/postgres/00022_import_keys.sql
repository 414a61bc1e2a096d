-- Migration imports (docs/migration.md).
--
-- import_keys remembers what each row of a file from another system
-- became, so that running an import again creates nothing twice: kind is
-- transactions, users or lenders; external is the row's key in the other
-- system (ILLiad TransactionNumber, prefixed with the system's name); ref
-- is what it became here (a request's public id, a patron's barcode, a
-- directory entry's id). Times are microseconds since the Unix epoch (UTC).

-- +goose Up
CREATE TABLE import_keys (
    agency      TEXT NOT NULL REFERENCES agencies (id),
    kind        TEXT NOT NULL,
    external    TEXT NOT NULL,
    ref         TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    PRIMARY KEY (agency, kind, external)
);

-- +goose Down
DROP TABLE import_keys;
