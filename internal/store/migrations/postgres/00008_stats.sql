-- Statistics: facts materialised from the event log, so that reports over
-- years of requests read one row per request instead of its whole log.
-- Every row here can be recomputed from requests, events, rota_entries,
-- patrons and the catalog (interlend stats rebuild; a test shows the
-- rebuild gives the same rows as the incremental refresh).
--
-- stats_requests holds one row per request (both sides, open or closed):
-- the milestones of its journey (microseconds since the Unix epoch, UTC;
-- NULL when not reached), its outcome and the day it was decided, what
-- was asked for, and each stage's length in the agency's business hours
-- (b_<stage>, microseconds; NULL when the stage is not complete).
-- renewals lists the times of the renewals granted. last_event is the
-- newest event the row was computed from: a refresh never replaces a row
-- with one computed from older events.
--
-- stats_tries holds each lender's turn with a borrowing request (from the
-- rota), stats_monthly the counts per month (in the agency's time zone) of
-- requests received and decided, for the seasonal view over many years.
-- stats_agencies remembers, per agency, the calendar and zone the business
-- hours and months were computed with (a change recomputes them) and the
-- longest life of a closed request (which bounds the rows a period's
-- figures must read); stats_state holds the refresh's watermark.
--
-- Indexes on tables of other features serve the statistics: open requests
-- by state (the dashboard's "requests by state now"), and events by agency
-- and time (the raw event export).

-- +goose Up
CREATE TABLE stats_requests (
    request_id               BIGINT PRIMARY KEY,
    agency                   TEXT NOT NULL,
    public_id                TEXT NOT NULL,
    side                     TEXT NOT NULL,
    service                  TEXT NOT NULL,
    service_level            TEXT NOT NULL DEFAULT '',
    patron_category          TEXT NOT NULL DEFAULT '',
    department               TEXT NOT NULL DEFAULT '',
    partner                  TEXT NOT NULL DEFAULT '',
    state                    TEXT NOT NULL,
    close_reason             TEXT NOT NULL DEFAULT '',
    unfilled_reason          TEXT NOT NULL DEFAULT '',
    outcome                  TEXT NOT NULL DEFAULT '',
    decided_at               BIGINT,
    patron_id                BIGINT,
    title                    TEXT NOT NULL DEFAULT '',
    container                TEXT NOT NULL DEFAULT '',
    author                   TEXT NOT NULL DEFAULT '',
    pub_type                 TEXT NOT NULL DEFAULT '',
    pub_date                 TEXT NOT NULL DEFAULT '',
    isbn                     TEXT NOT NULL DEFAULT '',
    issn                     TEXT NOT NULL DEFAULT '',
    oclc                     TEXT NOT NULL DEFAULT '',
    title_key                TEXT NOT NULL DEFAULT '',
    subject                  TEXT NOT NULL DEFAULT '',
    submitted_at             BIGINT NOT NULL,
    sent_at                  BIGINT,
    answered_at              BIGINT,
    shipped_at               BIGINT,
    received_at              BIGINT,
    available_at             BIGINT,
    picked_up_at             BIGINT,
    delivered_at             BIGINT,
    return_shipped_at        BIGINT,
    checked_in_at            BIGINT,
    closed_at                BIGINT,
    overdue_at               BIGINT,
    lost_at                  BIGINT,
    renewals                 TEXT NOT NULL DEFAULT '',
    b_submitted_to_sent      BIGINT,
    b_sent_to_shipped        BIGINT,
    b_shipped_to_received    BIGINT,
    b_received_to_picked_up  BIGINT,
    b_submitted_to_available BIGINT,
    b_submitted_to_delivered BIGINT,
    b_lender_answer          BIGINT,
    b_lender_ship            BIGINT,
    b_return_transit         BIGINT,
    last_event               BIGINT NOT NULL DEFAULT 0,
    refreshed_at             BIGINT NOT NULL
);
CREATE INDEX stats_requests_submitted ON stats_requests (agency, submitted_at, side);
CREATE INDEX stats_requests_closed ON stats_requests (agency, closed_at);
CREATE INDEX stats_requests_decided ON stats_requests (agency, decided_at);
CREATE INDEX stats_requests_open ON stats_requests (agency, submitted_at) WHERE closed_at IS NULL;

CREATE TABLE stats_tries (
    request_id  BIGINT NOT NULL,
    position    BIGINT NOT NULL,
    agency      TEXT NOT NULL,
    lender      TEXT NOT NULL,
    sent_at     BIGINT,
    answered_at BIGINT,
    filled_at   BIGINT,
    outcome     TEXT NOT NULL,
    PRIMARY KEY (request_id, position)
);
CREATE INDEX stats_tries_sent ON stats_tries (agency, sent_at);

CREATE TABLE stats_monthly (
    agency   TEXT NOT NULL,
    side     TEXT NOT NULL,
    month    BIGINT NOT NULL,              -- year * 100 + month, in the agency's zone
    received BIGINT NOT NULL DEFAULT 0,
    filled   BIGINT NOT NULL DEFAULT 0,
    unfilled BIGINT NOT NULL DEFAULT 0,
    excluded BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (agency, side, month)
);

CREATE TABLE stats_agencies (
    agency       TEXT PRIMARY KEY,
    calendar     TEXT NOT NULL DEFAULT '',  -- digest of the calendar the business hours were measured with
    max_life     BIGINT NOT NULL DEFAULT 0,  -- longest submitted-to-closed of a closed request, microseconds
    refreshed_at BIGINT NOT NULL
);

CREATE TABLE stats_state (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE INDEX requests_open_state ON requests (agency, side, state) WHERE closed_at IS NULL;
CREATE INDEX events_agency_at ON events (agency, at);

-- +goose Down
DROP INDEX events_agency_at;
DROP INDEX requests_open_state;
DROP TABLE stats_state;
DROP TABLE stats_agencies;
DROP TABLE stats_monthly;
DROP TABLE stats_tries;
DROP TABLE stats_requests;
