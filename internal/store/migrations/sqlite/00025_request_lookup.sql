-- Request lookups by id without a scan.
--
-- Staff (and partners' systems through the API) find a request by the id
-- the other library gave it: (agency, partner_request_id) serves that
-- lookup. It replaces requests_partner_ref (partner, partner_request_id),
-- which no query used, and requests_open_state, whose columns and
-- condition are the start of requests_lending_open: fewer indexes for
-- every write of a request to maintain.

-- +goose Up
DROP INDEX requests_partner_ref;
DROP INDEX requests_open_state;
CREATE INDEX requests_partner_request ON requests (agency, partner_request_id);

-- +goose Down
DROP INDEX requests_partner_request;
CREATE INDEX requests_open_state ON requests (agency, side, state) WHERE closed_at IS NULL;
CREATE INDEX requests_partner_ref ON requests (partner, partner_request_id);
