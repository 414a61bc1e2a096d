-- The patron portal's "my requests" (docs/patrons.md).
--
-- requests.owner_user_id is the login that sees a borrowing request in the
-- portal (ill.Request.OwnerUserID, kept in step with the request's data):
-- the patron who placed it, or the login of the patron record staff
-- placed it for. requests_owner lists one login's requests by index.
-- Existing rows take the owner from their data, or, for requests staff
-- placed for a patron whose record has a login, from the record.
--
-- patron_notice_prefs: the emails a patron's login turned off in the
-- portal (notice keys, one per line); no row: every notice is sent.

-- +goose Up
ALTER TABLE requests ADD COLUMN owner_user_id INTEGER;
UPDATE requests SET owner_user_id = json_extract(data, '$.ownerUserId')
    WHERE json_extract(data, '$.ownerUserId') > 0;
UPDATE requests SET
    owner_user_id = (SELECT p.user_id FROM patrons p WHERE p.id = requests.patron_id AND p.agency = requests.agency),
    data = json_set(data, '$.ownerUserId', (SELECT p.user_id FROM patrons p WHERE p.id = requests.patron_id AND p.agency = requests.agency))
    WHERE owner_user_id IS NULL AND side = 'borrowing' AND patron_id IS NOT NULL AND redacted_at IS NULL
      AND EXISTS (SELECT 1 FROM patrons p WHERE p.id = requests.patron_id AND p.agency = requests.agency AND p.user_id IS NOT NULL);
CREATE INDEX requests_owner ON requests (agency, owner_user_id, id) WHERE owner_user_id IS NOT NULL;
CREATE TABLE patron_notice_prefs (
    agency      TEXT NOT NULL REFERENCES agencies (id),
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    notices_off TEXT NOT NULL DEFAULT '',
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (agency, user_id)
);

-- +goose Down
DROP TABLE patron_notice_prefs;
DROP INDEX requests_owner;
ALTER TABLE requests DROP COLUMN owner_user_id;
