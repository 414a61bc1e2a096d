-- The lending desk: what the desk keeps about a lending request beyond
-- the lifecycle's own record — its place in the queues (service level
-- rank, unread notes from the borrower), the pull slip's printing, the
-- date to search the shelf again, the auto-answer rule that answered it
-- and whether it was entered by hand (a request that arrived outside ISO
-- 18626). One row per lending request, written by the desk's intake
-- step and transition hook. Times are microseconds since the Unix epoch
-- (UTC).

-- +goose Up
CREATE TABLE lending_desk (
    request_id      INTEGER PRIMARY KEY REFERENCES requests (id),
    agency          TEXT NOT NULL REFERENCES agencies (id),
    service_rank    INTEGER NOT NULL DEFAULT 3, -- 0 Urgent, 1 Express, 2 Rush, 3 Normal/Standard, 4 SecondaryMail
    unread          INTEGER NOT NULL DEFAULT 0, -- notes from the borrower not yet read
    slip_printed_at INTEGER,
    search_again_at INTEGER,                    -- not on shelf: when to look again
    auto_rule       TEXT NOT NULL DEFAULT '',   -- the auto-answer rule that answered it
    auto_detail     TEXT NOT NULL DEFAULT '',   -- what the rule saw (for staff)
    by_hand         INTEGER NOT NULL DEFAULT 0, -- entered by hand (outside ISO 18626)
    updated_at      INTEGER NOT NULL
);
CREATE INDEX lending_desk_unread ON lending_desk (agency, unread) WHERE unread > 0;
-- The desk's queues: open lending requests by state and need-before date.
CREATE INDEX requests_lending_open ON requests (agency, side, state, need_before, closed_at) WHERE closed_at IS NULL;

-- +goose Down
DROP INDEX requests_lending_open;
DROP TABLE lending_desk;
