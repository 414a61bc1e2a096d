-- The mail log: one row per email Interlend queued, with what became of it.
-- Recipient, subject and error are personal data: the retention job
-- redacts them in place (see RedactMailRecipient). agency is '' for mail
-- of the deployment itself (for example to an operator). job_id has no
-- foreign key: finished jobs are purged, their log rows stay.

-- +goose Up
CREATE TABLE mail_log (
    id          INTEGER PRIMARY KEY,
    agency      TEXT NOT NULL DEFAULT '',
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    notice_key  TEXT NOT NULL DEFAULT '',  -- the template used, e.g. test; '' for free text
    request_ref TEXT NOT NULL DEFAULT '',  -- the request the mail is about, if any
    status      TEXT NOT NULL,             -- queued, sent, failed, not_sent
    job_id      INTEGER NOT NULL,          -- the mail.send job
    message_id  TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',  -- the SMTP reply or reason, for failed, not_sent and retrying mail
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER
);
CREATE UNIQUE INDEX mail_log_job ON mail_log (job_id);
CREATE INDEX mail_log_agency ON mail_log (agency, id);
CREATE INDEX mail_log_recipient ON mail_log (agency, lower(recipient));
CREATE INDEX mail_log_request ON mail_log (agency, request_ref) WHERE request_ref <> '';

-- +goose Down
DROP TABLE mail_log;
