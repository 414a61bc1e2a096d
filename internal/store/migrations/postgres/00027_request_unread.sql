-- Unread partner notes as a column.
--
-- requests_unread was an index over an expression of the request's JSON
-- document, which every write of a request had to parse twice (old and
-- new row) to maintain it. The count is now a column of its own, written
-- with the document, and the index is over the column.

-- +goose Up
ALTER TABLE requests ADD COLUMN unread_messages INTEGER NOT NULL DEFAULT 0;
UPDATE requests SET unread_messages = (data::jsonb ->> 'unreadMessages')::int WHERE (data::jsonb ->> 'unreadMessages')::int > 0;
DROP INDEX requests_unread;
CREATE INDEX requests_unread ON requests (agency, side) WHERE unread_messages > 0;

-- +goose Down
DROP INDEX requests_unread;
CREATE INDEX requests_unread ON requests (agency, side) WHERE ((data::jsonb ->> 'unreadMessages')::int > 0);
ALTER TABLE requests DROP COLUMN unread_messages;
