-- Copyright and licences (docs/copyright.md, standards/copyright.md).
--
-- copyright_ledger has one row per copy request of a borrowing agency:
-- what the rule of five counts (key: ISSN or normalised title, or a
-- book's ISBN/OCLC number; the calendar year of the request date in the
-- library's time zone), the compliance category sent, and where the
-- request stands for counting (state). It holds no patron identity: rows
-- outlive the request's patron data and are purged only when the rules
-- allow (purge_after, R14). decision is the assessment (JSON) staff read
-- on the clearance screen. A count (R3) is category US-CCG in state
-- in-process or filled: the index ledger_count serves it.
--
-- copyright_copy_patrons links a ledger row to a pseudonymous patron key
-- (an HMAC, never a name) for the one-article-per-issue, related copying
-- and UK one-copy checks; it is deleted with the request's patron data.
--
-- copyright_prior_counts are counts carried over from another system
-- (CSV or an ILLiad export), added to the ledger's own.
--
-- copyright_titles are the agency's subscribed titles: e-holdings
-- imported from KBART files (source eholdings, one package per import)
-- and staff flags (source staff). data is the KBART row (JSON).
-- copyright_licence_terms are the licence terms per package or title.
-- copyright_licence_log records every licence check of a lending copy
-- (decision and delivery), for licence audits.
-- Times are microseconds since the Unix epoch (UTC).

-- +goose Up
CREATE TABLE copyright_ledger (
    id           INTEGER PRIMARY KEY,
    agency       TEXT NOT NULL REFERENCES agencies (id),
    request_id   INTEGER REFERENCES requests (id),
    request_ref  TEXT NOT NULL DEFAULT '',
    key          TEXT NOT NULL,
    year         INTEGER NOT NULL,
    request_date INTEGER NOT NULL,
    title        TEXT NOT NULL DEFAULT '',
    issn         TEXT NOT NULL DEFAULT '',
    pub_year     INTEGER NOT NULL DEFAULT 0,
    category     TEXT NOT NULL,
    state        TEXT NOT NULL,
    regime       TEXT NOT NULL DEFAULT '',
    article_id   TEXT NOT NULL DEFAULT '',
    issue_id     TEXT NOT NULL DEFAULT '',
    fee_minor    INTEGER,
    fee_currency TEXT NOT NULL DEFAULT '',
    payee        TEXT NOT NULL DEFAULT '',
    reference    TEXT NOT NULL DEFAULT '',
    outcome      TEXT NOT NULL DEFAULT '',
    decision     TEXT NOT NULL DEFAULT '{}',
    purge_after  INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX copyright_ledger_request ON copyright_ledger (agency, request_id);
CREATE INDEX copyright_ledger_count ON copyright_ledger (agency, key, year, category, state);
CREATE INDEX copyright_ledger_year ON copyright_ledger (agency, year);
CREATE INDEX copyright_ledger_state ON copyright_ledger (agency, state);
CREATE INDEX copyright_ledger_article ON copyright_ledger (agency, article_id);

CREATE TABLE copyright_copy_patrons (
    ledger_id  INTEGER PRIMARY KEY REFERENCES copyright_ledger (id) ON DELETE CASCADE,
    agency     TEXT NOT NULL REFERENCES agencies (id),
    patron_key TEXT NOT NULL
);
CREATE INDEX copyright_copy_patrons_key ON copyright_copy_patrons (agency, patron_key);

CREATE TABLE copyright_prior_counts (
    agency      TEXT NOT NULL REFERENCES agencies (id),
    key         TEXT NOT NULL,
    year        INTEGER NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    issn        TEXT NOT NULL DEFAULT '',
    count       INTEGER NOT NULL,
    source      TEXT NOT NULL DEFAULT '',
    imported_at INTEGER NOT NULL,
    PRIMARY KEY (agency, key, year)
);

CREATE TABLE copyright_titles (
    id         INTEGER PRIMARY KEY,
    agency     TEXT NOT NULL REFERENCES agencies (id),
    source     TEXT NOT NULL,
    package_id TEXT NOT NULL DEFAULT '',
    title      TEXT NOT NULL DEFAULT '',
    title_norm TEXT NOT NULL DEFAULT '',
    print_id   TEXT NOT NULL DEFAULT '',
    online_id  TEXT NOT NULL DEFAULT '',
    title_id   TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    data       TEXT NOT NULL DEFAULT '{}',
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX copyright_titles_print ON copyright_titles (agency, print_id);
CREATE INDEX copyright_titles_online ON copyright_titles (agency, online_id);
CREATE INDEX copyright_titles_norm ON copyright_titles (agency, title_norm);
CREATE INDEX copyright_titles_package ON copyright_titles (agency, source, package_id);

CREATE TABLE copyright_licence_terms (
    id         INTEGER PRIMARY KEY,
    agency     TEXT NOT NULL REFERENCES agencies (id),
    package_id TEXT NOT NULL DEFAULT '',
    data       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX copyright_licence_terms_agency ON copyright_licence_terms (agency, package_id);

CREATE TABLE copyright_licence_log (
    id         INTEGER PRIMARY KEY,
    agency     TEXT NOT NULL REFERENCES agencies (id),
    request_id INTEGER REFERENCES requests (id),
    request_ref TEXT NOT NULL DEFAULT '',
    event      TEXT NOT NULL,
    allowed    INTEGER NOT NULL,
    package_id TEXT NOT NULL DEFAULT '',
    data       TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL
);
CREATE INDEX copyright_licence_log_agency ON copyright_licence_log (agency, created_at);

-- +goose Down
DROP TABLE copyright_licence_log;
DROP TABLE copyright_licence_terms;
DROP TABLE copyright_titles;
DROP TABLE copyright_prior_counts;
DROP TABLE copyright_copy_patrons;
DROP TABLE copyright_ledger;
