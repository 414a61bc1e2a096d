-- Foundation: agencies, accounts, sessions, API tokens, login throttling,
-- durable jobs, agency settings and the audit log. Times are microseconds
-- since the Unix epoch (UTC).

-- +goose Up
CREATE TABLE system_settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE agencies (
    id         TEXT PRIMARY KEY,          -- primary symbol, e.g. US-EXREQ
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL,          -- login name, stored lower-case
    name           TEXT NOT NULL DEFAULT '',
    password_hash  TEXT NOT NULL DEFAULT '',
    disabled       INTEGER NOT NULL DEFAULT 0,
    totp_secret    TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    last_login_at  INTEGER
);
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE user_grants (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    agency     TEXT NOT NULL DEFAULT '',   -- '' for the deployment-wide operator
    role       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, agency, role)
);
CREATE INDEX user_grants_agency ON user_grants (agency, role);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,         -- sha256 of the cookie value
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    agency       TEXT NOT NULL DEFAULT '', -- agency the user is working in
    csrf_token   TEXT NOT NULL,
    data         TEXT NOT NULL DEFAULT '{}',
    second_factor INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    agency       TEXT NOT NULL,
    role         TEXT NOT NULL,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    last_used_at INTEGER
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_attempts (
    id  INTEGER PRIMARY KEY,
    key TEXT NOT NULL,                     -- "user:<email>" or "ip:<address>"
    at  INTEGER NOT NULL,
    ok  INTEGER NOT NULL
);
CREATE INDEX login_attempts_key ON login_attempts (key, at);

CREATE TABLE jobs (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    agency          TEXT NOT NULL DEFAULT '',
    payload         TEXT NOT NULL DEFAULT '{}',
    ordering_key    TEXT,                  -- jobs sharing a key run one at a time, in id order
    idempotency_key TEXT NOT NULL,
    state           TEXT NOT NULL,         -- ready, running, done, dead, held, cancelled
    run_at          INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL,
    lease_token     TEXT NOT NULL DEFAULT '',
    lease_until     INTEGER NOT NULL DEFAULT 0,
    locked_by       TEXT NOT NULL DEFAULT '',
    last_error      TEXT NOT NULL DEFAULT '',
    hold_reason     TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    completed_at    INTEGER
);
CREATE UNIQUE INDEX jobs_idempotency ON jobs (idempotency_key);
CREATE INDEX jobs_due ON jobs (state, run_at);
CREATE INDEX jobs_ordering ON jobs (ordering_key, id) WHERE ordering_key IS NOT NULL AND state <> 'done' AND state <> 'cancelled';
CREATE INDEX jobs_agency ON jobs (agency, state);

CREATE TABLE job_attempts (
    id          INTEGER PRIMARY KEY,
    job_id      INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    attempt     INTEGER NOT NULL,
    node        TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    outcome     TEXT NOT NULL DEFAULT '',  -- done, retry, dead, lease_lost
    error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_attempts_job ON job_attempts (job_id, attempt);

CREATE TABLE agency_settings (
    agency     TEXT NOT NULL REFERENCES agencies (id),
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER,
    PRIMARY KEY (agency, key)
);

CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    agency   TEXT NOT NULL DEFAULT '',
    actor    INTEGER,                      -- user id; NULL for the system
    action   TEXT NOT NULL,                -- e.g. settings.update, user.grant
    target   TEXT NOT NULL DEFAULT '',
    before   TEXT NOT NULL DEFAULT '',
    after    TEXT NOT NULL DEFAULT '',
    at       INTEGER NOT NULL
);
CREATE INDEX audit_log_agency ON audit_log (agency, at);

-- Effects of the built-in diagnostic jobs (interlend bench jobs, and the
-- crash tests): one row per completed job, never deduplicated, so that a
-- count shows whether an effect happened more than once.
CREATE TABLE diag_effects (
    id     INTEGER PRIMARY KEY,
    job_id INTEGER NOT NULL,
    node   TEXT NOT NULL,
    at     INTEGER NOT NULL
);
CREATE INDEX diag_effects_job ON diag_effects (job_id);

-- +goose Down
DROP TABLE diag_effects;
DROP TABLE audit_log;
DROP TABLE agency_settings;
DROP TABLE job_attempts;
DROP TABLE jobs;
DROP TABLE login_attempts;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE user_grants;
DROP TABLE users;
DROP TABLE agencies;
DROP TABLE system_settings;
