-- Copyright records kept beside the ledger (docs/copyright.md).
--
-- copyright_declarations holds the UK user's copyright declaration
-- (CDPA s.42A) signed on the patron request form: which wording was shown
-- (text_version and the SHA-256 of the text), the name the patron typed
-- as a signature and when. One per request. The signature is personal
-- data: it is blanked with the request's patron data (retention); the
-- rest stays as evidence that the declaration was made.
--
-- copyright_copy_records are the Canadian copy records (SOR/99-325 s.4):
-- one per copy a library under the Canadian regime obtained for a user
-- (side borrowing; requester is the patron pseudonym, never a name) or
-- supplied to another library (side lending; requester is that library's
-- id): the request date, when it was supplied, and the bibliographic
-- details and pages (data, JSON). Kept three years (purge_after).
-- Times are microseconds since the Unix epoch (UTC).

-- +goose Up
CREATE TABLE copyright_declarations (
    id           INTEGER PRIMARY KEY,
    agency       TEXT NOT NULL REFERENCES agencies (id),
    request_id   INTEGER REFERENCES requests (id),
    request_ref  TEXT NOT NULL DEFAULT '',
    text_version TEXT NOT NULL,
    text_sha256  TEXT NOT NULL DEFAULT '',
    signature    TEXT NOT NULL DEFAULT '',
    signed_at    INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX copyright_declarations_request ON copyright_declarations (agency, request_id);

CREATE TABLE copyright_copy_records (
    id           INTEGER PRIMARY KEY,
    agency       TEXT NOT NULL REFERENCES agencies (id),
    request_id   INTEGER REFERENCES requests (id),
    request_ref  TEXT NOT NULL DEFAULT '',
    side         TEXT NOT NULL,
    requester    TEXT NOT NULL DEFAULT '',
    request_date INTEGER NOT NULL,
    supplied_at  INTEGER,
    data         TEXT NOT NULL DEFAULT '{}',
    purge_after  INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX copyright_copy_records_request ON copyright_copy_records (agency, request_id);
CREATE INDEX copyright_copy_records_purge ON copyright_copy_records (agency, purge_after);

-- +goose Down
DROP TABLE copyright_copy_records;
DROP TABLE copyright_declarations;
