-- Circulation steps: the calls Interlend makes to a library's own system
-- (the ILS) for a request — LookupUser at intake, AcceptItem when a loan
-- arrives, CheckOutItem, CheckInItem, DeleteItem; on the lending side
-- LookupItem, RequestItem, CheckOutItem, CheckInItem, CancelRequestItem —
-- one row per request and service, with what became of it. Each pending
-- step has a job (ils.step); job_id has no foreign key because finished
-- jobs are purged while the rows stay. problem is the ILS's own text for
-- staff and may quote patron data (purge it with the request's personal
-- data). Times are microseconds since the Unix epoch (UTC).

-- +goose Up
CREATE TABLE circulation_steps (
    id          INTEGER PRIMARY KEY,
    agency      TEXT NOT NULL REFERENCES agencies (id),
    request_id  INTEGER NOT NULL REFERENCES requests (id),
    service     TEXT NOT NULL,             -- the NCIP service name, e.g. AcceptItem
    state       TEXT NOT NULL,             -- pending, retrying, failed, done, by_hand, skipped
    driver      TEXT NOT NULL DEFAULT '',  -- none or ncip, when queued
    item_id     TEXT NOT NULL DEFAULT '',  -- the item it concerns (AcceptItem: the temporary item)
    data        TEXT NOT NULL DEFAULT '{}',-- what the ILS answered (due date, call number, ...)
    problem     TEXT NOT NULL DEFAULT '',  -- the ILS's problem, for staff
    attempts    INTEGER NOT NULL DEFAULT 0,
    job_id      INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    done_at     INTEGER,
    done_by     INTEGER                    -- the staff member who completed it by hand
);
CREATE UNIQUE INDEX circulation_steps_service ON circulation_steps (agency, request_id, service);
CREATE INDEX circulation_steps_state ON circulation_steps (agency, state, updated_at);

-- +goose Down
DROP TABLE circulation_steps;
