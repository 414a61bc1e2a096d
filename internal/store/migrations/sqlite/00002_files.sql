-- Stored files (scans, generated PDFs), the database blob backend, and
-- signed, expiring download links with their log. Times are microseconds
-- since the Unix epoch (UTC).

-- +goose Up
CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    agency       TEXT NOT NULL REFERENCES agencies (id),
    public_id    TEXT NOT NULL,            -- random, used in URLs
    name         TEXT NOT NULL,            -- original file name, cleaned; redacted on delete
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,            -- hex; the blob key
    backend      TEXT NOT NULL,            -- local or database
    purpose      TEXT NOT NULL,            -- scan, slip, label, invoice, export, notice, other
    request_ref  TEXT,
    created_at   INTEGER NOT NULL,
    created_by   INTEGER,                   -- user id; NULL for the system
    deleted_at   INTEGER
);
CREATE UNIQUE INDEX files_public_id ON files (public_id);
CREATE INDEX files_agency_created ON files (agency, created_at);
CREATE INDEX files_blob ON files (agency, backend, sha256);
CREATE INDEX files_request ON files (agency, request_ref) WHERE request_ref IS NOT NULL;

-- The database blob backend: content is written in chunks under a random
-- upload id, then published under its SHA-256 by one row in blob_objects.
-- Chunks without an object row are interrupted uploads (swept).
CREATE TABLE blob_objects (
    agency     TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    upload     TEXT NOT NULL,
    size       INTEGER NOT NULL,
    chunks     INTEGER NOT NULL,
    written_at INTEGER NOT NULL,            -- last Put of this content (deletion grace)
    PRIMARY KEY (agency, sha256)
);
CREATE UNIQUE INDEX blob_objects_upload ON blob_objects (agency, upload);

CREATE TABLE blob_chunks (
    agency     TEXT NOT NULL,
    upload     TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    data       BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (agency, upload, seq)
);
CREATE INDEX blob_chunks_created ON blob_chunks (created_at);

CREATE TABLE download_links (
    id            INTEGER PRIMARY KEY,
    agency        TEXT NOT NULL REFERENCES agencies (id),
    token_hash    TEXT NOT NULL,           -- sha256 of the token in the URL
    file_id       INTEGER NOT NULL REFERENCES files (id),
    user_id       INTEGER REFERENCES users (id) ON DELETE CASCADE, -- bound user, or
    partner       TEXT,                                           -- bound partner agency
    expires_at    INTEGER NOT NULL,
    max_downloads INTEGER NOT NULL,
    downloads     INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    created_by    INTEGER,
    revoked_at    INTEGER,
    CHECK ((user_id IS NULL) <> (partner IS NULL))
);
CREATE UNIQUE INDEX download_links_token ON download_links (token_hash);
CREATE INDEX download_links_file ON download_links (agency, file_id);

CREATE TABLE download_log (
    id          INTEGER PRIMARY KEY,
    agency      TEXT NOT NULL,
    link_id     INTEGER NOT NULL REFERENCES download_links (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    user_id     INTEGER,                    -- who presented the link: a user, or
    partner     TEXT,                      -- a partner agency
    client_addr TEXT NOT NULL DEFAULT '',
    bytes       INTEGER NOT NULL DEFAULT 0,
    outcome     TEXT NOT NULL              -- started, done, interrupted, or the refusal
);
CREATE INDEX download_log_link ON download_log (link_id, id);
CREATE INDEX download_log_agency ON download_log (agency, at);

-- +goose Down
DROP TABLE download_log;
DROP TABLE download_links;
DROP TABLE blob_chunks;
DROP TABLE blob_objects;
DROP TABLE files;
