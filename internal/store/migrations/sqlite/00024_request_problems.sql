-- Problem workflows (docs/problems.md).
--
-- request_problems holds each problem a request ran into: its kind (not
-- received, claimed returned, wrong item, ...), the step it is at, when it
-- opened and when it entered that step, when the next automatic step is
-- due (next_at, 0 when staff must act) and its name, and, once closed,
-- when and how. A request has at most one open problem of a kind.
-- Times are microseconds since the Unix epoch (UTC).

-- +goose Up
CREATE TABLE request_problems (
    id         INTEGER PRIMARY KEY,
    agency     TEXT NOT NULL REFERENCES agencies (id),
    request_id BIGINT NOT NULL REFERENCES requests (id),
    kind       TEXT NOT NULL,
    step       TEXT NOT NULL,
    opened_at  BIGINT NOT NULL,
    step_at    BIGINT NOT NULL,
    next_step  TEXT NOT NULL DEFAULT '',
    next_at    BIGINT NOT NULL DEFAULT 0,
    closed_at  BIGINT NOT NULL DEFAULT 0,
    outcome    TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX request_problems_open ON request_problems (request_id, kind) WHERE closed_at = 0;
CREATE INDEX request_problems_queue ON request_problems (agency, closed_at, opened_at);

-- +goose Down
DROP TABLE request_problems;
