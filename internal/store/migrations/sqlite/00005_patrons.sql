-- Patrons: the people an agency requests for. Each agency keeps its own
-- records, unique by barcode; a record may be linked to a login account
-- (role patron) for the portal. Blocks are rows of their own so that a
-- block placed by staff survives a nightly file import, which manages only
-- the blocks it placed (source 'import'). Times are microseconds since the
-- Unix epoch (UTC); expires_on is the last valid day at 00:00 UTC.

-- +goose Up
CREATE TABLE patrons (
    id              INTEGER PRIMARY KEY,
    agency          TEXT NOT NULL REFERENCES agencies (id),
    barcode         TEXT NOT NULL,
    ils_id          TEXT NOT NULL DEFAULT '',
    first_name      TEXT NOT NULL DEFAULT '',
    last_name       TEXT NOT NULL DEFAULT '',
    name            TEXT NOT NULL DEFAULT '',   -- display name
    email           TEXT NOT NULL DEFAULT '',
    category        TEXT NOT NULL DEFAULT '',
    home_library    TEXT NOT NULL DEFAULT '',
    pickup_location TEXT NOT NULL DEFAULT '',
    expires_on      INTEGER,                    -- NULL: does not expire
    notes           TEXT NOT NULL DEFAULT '',
    user_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    source          TEXT NOT NULL DEFAULT '',   -- staff, import, sync
    search_key      TEXT NOT NULL DEFAULT '',   -- lower-case name and email, for searching
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX patrons_barcode ON patrons (agency, barcode);
CREATE UNIQUE INDEX patrons_user ON patrons (agency, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX patrons_ils_id ON patrons (agency, ils_id);
CREATE INDEX patrons_email ON patrons (agency, email);

CREATE TABLE patron_blocks (
    id         INTEGER PRIMARY KEY,
    agency     TEXT NOT NULL REFERENCES agencies (id),
    patron_id  INTEGER NOT NULL REFERENCES patrons (id) ON DELETE CASCADE,
    source     TEXT NOT NULL,                  -- staff or import
    reason     TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    created_by INTEGER,                        -- user id; NULL for the system
    lifted_at  INTEGER,                        -- NULL while in force
    lifted_by  INTEGER
);
CREATE INDEX patron_blocks_patron ON patron_blocks (agency, patron_id, lifted_at);

-- +goose Down
DROP TABLE patron_blocks;
DROP TABLE patrons;
