-- Routing (docs/routing.md).
--
-- exchange_rates are the dated rates routing converts lenders' charges
-- with (network data): one unit of from_currency is worth rate units of
-- to_currency from valid_from (YYYY-MM-DD) until a newer row of the pair.
-- rate is a decimal written as text, so that it is exact.
--
-- routing_load counts the requests sent to each lender on each of its
-- local days (network data: every borrower of the deployment together),
-- for daily caps and load spreading. A send takes a slot with one
-- conditional upsert, so that concurrent sends never take more than the
-- cap.
--
-- routing_explanations keep each routed request's plan (JSON): the
-- lenders chosen with their scores and reasons, those left out and why,
-- and the own-holdings check. Times are microseconds since the Unix
-- epoch (UTC).

-- +goose Up
CREATE TABLE exchange_rates (
    from_currency TEXT NOT NULL,
    to_currency   TEXT NOT NULL,
    valid_from    TEXT NOT NULL,
    rate          TEXT NOT NULL,
    source        TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    created_by    INTEGER,
    PRIMARY KEY (from_currency, to_currency, valid_from)
);

CREATE TABLE routing_load (
    lender TEXT NOT NULL,
    day    TEXT NOT NULL,
    sent   INTEGER NOT NULL,
    PRIMARY KEY (lender, day)
);

CREATE TABLE routing_explanations (
    id         INTEGER PRIMARY KEY,
    agency     TEXT NOT NULL REFERENCES agencies (id),
    request_id INTEGER NOT NULL REFERENCES requests (id),
    created_at INTEGER NOT NULL,
    data       TEXT NOT NULL
);
CREATE INDEX routing_explanations_request ON routing_explanations (agency, request_id, id);

-- +goose Down
DROP TABLE routing_explanations;
DROP TABLE routing_load;
DROP TABLE exchange_rates;
