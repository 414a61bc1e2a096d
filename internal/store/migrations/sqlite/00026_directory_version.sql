-- The directory's version, for the directory kept in memory.
--
-- Every process keeps the directory entries and hosted agencies it has
-- read, valid while data_versions.version of 'directory' is unchanged.
-- Triggers raise it on every change to those tables, whoever makes it (a
-- web form, an import, the directory command run beside the server), so a
-- transaction that reads the version sees whether its copy still holds.

-- +goose Up
CREATE TABLE data_versions (
    name    TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO data_versions (name, version) VALUES ('directory', 1);
-- +goose StatementBegin
CREATE TRIGGER directory_entries_ins AFTER INSERT ON directory_entries BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'directory'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER directory_entries_upd AFTER UPDATE ON directory_entries BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'directory'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER directory_entries_del AFTER DELETE ON directory_entries BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'directory'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER directory_symbols_ins AFTER INSERT ON directory_symbols BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'directory'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER directory_symbols_upd AFTER UPDATE ON directory_symbols BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'directory'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER directory_symbols_del AFTER DELETE ON directory_symbols BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'directory'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER directory_credentials_ins AFTER INSERT ON directory_credentials BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'directory'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER directory_credentials_upd AFTER UPDATE ON directory_credentials BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'directory'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER directory_credentials_del AFTER DELETE ON directory_credentials BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'directory'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER agencies_ins AFTER INSERT ON agencies BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'directory'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER agencies_upd AFTER UPDATE ON agencies BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'directory'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER agencies_del AFTER DELETE ON agencies BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'directory'; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER directory_entries_ins;
DROP TRIGGER directory_entries_upd;
DROP TRIGGER directory_entries_del;
DROP TRIGGER directory_symbols_ins;
DROP TRIGGER directory_symbols_upd;
DROP TRIGGER directory_symbols_del;
DROP TRIGGER directory_credentials_ins;
DROP TRIGGER directory_credentials_upd;
DROP TRIGGER directory_credentials_del;
DROP TRIGGER agencies_ins;
DROP TRIGGER agencies_upd;
DROP TRIGGER agencies_del;
DROP TABLE data_versions;
