-- The borrowing desk (docs/borrowing.md).
--
-- requests.redacted_at marks a request whose patron identity the
-- retention job removed (microseconds since the Unix epoch, UTC; NULL:
-- not yet). The partial index finds closed borrowing requests still to
-- redact. requests_unread serves the "messages from partners" queue:
-- requests with unread partner notes (kept in the request's data).

-- +goose Up
ALTER TABLE requests ADD COLUMN redacted_at INTEGER;
CREATE INDEX requests_retention ON requests (agency, closed_at) WHERE redacted_at IS NULL AND closed_at IS NOT NULL;
CREATE INDEX requests_unread ON requests (agency, side) WHERE json_extract(data, '$.unreadMessages') > 0;

-- +goose Down
DROP INDEX requests_unread;
DROP INDEX requests_retention;
ALTER TABLE requests DROP COLUMN redacted_at;
