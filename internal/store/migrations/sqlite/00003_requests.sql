-- The request lifecycle: requests of both sides, their rota of lenders,
-- the append-only event log, protocol messages, and the charges ledger.

-- +goose Up
CREATE TABLE requests (
    id                 INTEGER PRIMARY KEY,
    public_id          TEXT NOT NULL,
    agency             TEXT NOT NULL REFERENCES agencies (id),
    side               TEXT NOT NULL,
    state              TEXT NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1,
    partner            TEXT NOT NULL DEFAULT '',
    partner_request_id TEXT NOT NULL DEFAULT '',
    service_type       TEXT NOT NULL,
    title              TEXT NOT NULL DEFAULT '',
    title_key          TEXT NOT NULL DEFAULT '',
    author_key         TEXT NOT NULL DEFAULT '',
    isbn               TEXT NOT NULL DEFAULT '',
    issn               TEXT NOT NULL DEFAULT '',
    oclc               TEXT NOT NULL DEFAULT '',
    doi                TEXT NOT NULL DEFAULT '',
    pmid               TEXT NOT NULL DEFAULT '',
    patron_id          INTEGER,
    need_before        INTEGER,
    attention          INTEGER NOT NULL DEFAULT 0,
    rota_pos           INTEGER NOT NULL DEFAULT 0,
    close_reason       TEXT NOT NULL DEFAULT '',
    data               TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    closed_at          INTEGER
);
CREATE UNIQUE INDEX requests_public ON requests (public_id);
CREATE UNIQUE INDEX requests_lending_key ON requests (agency, partner, partner_request_id) WHERE side = 'lending';
CREATE INDEX requests_queue ON requests (agency, side, state, updated_at);
CREATE INDEX requests_partner_ref ON requests (partner, partner_request_id);
CREATE INDEX requests_patron ON requests (agency, patron_id, created_at);
CREATE INDEX requests_oclc ON requests (agency, oclc) WHERE oclc <> '';
CREATE INDEX requests_isbn ON requests (agency, isbn) WHERE isbn <> '';
CREATE INDEX requests_title ON requests (agency, title_key);
CREATE INDEX requests_attention ON requests (agency, side, attention, updated_at);

CREATE TABLE rota_entries (
    id                  INTEGER PRIMARY KEY,
    request_id          INTEGER NOT NULL REFERENCES requests (id),
    agency              TEXT NOT NULL,
    position            INTEGER NOT NULL,
    lender              TEXT NOT NULL,
    reason              TEXT NOT NULL DEFAULT '',
    score               REAL NOT NULL DEFAULT 0,
    state               TEXT NOT NULL,
    supplier_request_id TEXT NOT NULL DEFAULT '',
    our_request_id      TEXT NOT NULL DEFAULT '',
    last_status         TEXT NOT NULL DEFAULT '',
    note                TEXT NOT NULL DEFAULT '',
    sent_at             INTEGER,
    answered_at         INTEGER,
    window_ends_at      INTEGER,
    closed_at           INTEGER
);
CREATE UNIQUE INDEX rota_entries_position ON rota_entries (request_id, position);
CREATE INDEX rota_entries_lender ON rota_entries (lender, state, sent_at);

CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    request_id    INTEGER NOT NULL REFERENCES requests (id),
    agency        TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    type          TEXT NOT NULL,
    name          TEXT NOT NULL,
    actor_kind    TEXT NOT NULL,
    actor_user    INTEGER,
    actor_partner TEXT NOT NULL DEFAULT '',
    from_state    TEXT NOT NULL DEFAULT '',
    to_state      TEXT NOT NULL DEFAULT '',
    message_id    INTEGER,
    data          TEXT NOT NULL DEFAULT '{}',
    at            INTEGER NOT NULL
);
CREATE UNIQUE INDEX events_seq ON events (request_id, seq);
CREATE INDEX events_agency_type ON events (agency, type, at);

CREATE TABLE messages (
    id           INTEGER PRIMARY KEY,
    agency       TEXT NOT NULL,
    request_id   INTEGER REFERENCES requests (id),
    direction    TEXT NOT NULL,
    partner      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    dedupe_key   TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    raw          TEXT NOT NULL DEFAULT '',
    delivery     TEXT NOT NULL DEFAULT '',
    confirmation TEXT NOT NULL DEFAULT '',
    error        TEXT NOT NULL DEFAULT '',
    job_id       INTEGER,
    created_at   INTEGER NOT NULL,
    delivered_at INTEGER
);
CREATE INDEX messages_request ON messages (request_id, id);
CREATE INDEX messages_dedupe ON messages (agency, direction, partner, dedupe_key) WHERE dedupe_key <> '';
CREATE INDEX messages_partner ON messages (partner, direction, created_at);

CREATE TABLE charges (
    id             INTEGER PRIMARY KEY,
    agency         TEXT NOT NULL,
    request_id     INTEGER REFERENCES requests (id),
    type           TEXT NOT NULL,
    amount         INTEGER NOT NULL,
    currency       TEXT NOT NULL,
    payer          TEXT NOT NULL DEFAULT '',
    payee          TEXT NOT NULL DEFAULT '',
    billing_method TEXT NOT NULL DEFAULT '',
    payment_method TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    reference      TEXT NOT NULL DEFAULT '',
    created_by     INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX charges_agency ON charges (agency, status, created_at);
CREATE INDEX charges_request ON charges (request_id);

ALTER TABLE jobs ADD COLUMN ref TEXT NOT NULL DEFAULT '';
CREATE INDEX jobs_ref ON jobs (ref) WHERE ref <> '';

-- +goose Down
DROP INDEX jobs_ref;
ALTER TABLE jobs DROP COLUMN ref;
DROP TABLE charges;
DROP TABLE messages;
DROP TABLE events;
DROP TABLE rota_entries;
DROP TABLE requests;
