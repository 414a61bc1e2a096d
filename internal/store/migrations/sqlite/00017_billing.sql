-- Billing (docs/billing.md).
--
-- received_invoices keep each invoice a partner sent us, as imported
-- (CSV), with its comparison against the charges ledger: data is the
-- JSON list of differences per request (verdict, amounts, the ledger
-- lines' ids and statuses); flagged counts the requests that need staff.
--
-- patron_escalations record how far a borrowing request's overdue
-- escalation went: done is the number of steps of the agency's ladder
-- taken (notices, then a block, then a bill), last_step names the last,
-- block_id and charge_id the block placed and the bill written.
--
-- charges_created serves the ledger by period. Times are microseconds
-- since the Unix epoch (UTC).

-- +goose Up
CREATE TABLE received_invoices (
    id         INTEGER PRIMARY KEY,
    agency     TEXT NOT NULL REFERENCES agencies (id),
    partner    TEXT NOT NULL,
    number     TEXT NOT NULL,
    lines      INTEGER NOT NULL,
    flagged    INTEGER NOT NULL,
    data       TEXT NOT NULL,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX received_invoices_agency ON received_invoices (agency, created_at);

CREATE TABLE patron_escalations (
    agency     TEXT NOT NULL REFERENCES agencies (id),
    request_id INTEGER NOT NULL REFERENCES requests (id),
    done       INTEGER NOT NULL,
    last_step  TEXT NOT NULL,
    block_id   INTEGER,
    charge_id  INTEGER,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (agency, request_id)
);

CREATE INDEX charges_created ON charges (agency, created_at);

-- +goose Down
DROP INDEX charges_created;
DROP TABLE patron_escalations;
DROP TABLE received_invoices;
