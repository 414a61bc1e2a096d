-- Platform: one-time account tokens (staff invitations and password
-- resets, stored as hashes) and pending second-factor enrolments.

-- +goose Up
CREATE TABLE account_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,             -- invite or reset
    token_hash TEXT NOT NULL,             -- sha256 of the secret in the emailed link
    agency     TEXT NOT NULL DEFAULT '',  -- the inviting agency; '' for a password reset
    created_by INTEGER,                   -- user id of the inviter; NULL for the system
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER                    -- set once: a token works one time only
);
CREATE UNIQUE INDEX account_tokens_hash ON account_tokens (token_hash);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);
CREATE INDEX account_tokens_agency ON account_tokens (agency, purpose);

CREATE TABLE totp_enrolments (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret     TEXT NOT NULL,             -- shown to the user until a code confirms it
    created_at INTEGER NOT NULL
);

-- +goose Down
DROP TABLE totp_enrolments;
DROP TABLE account_tokens;
