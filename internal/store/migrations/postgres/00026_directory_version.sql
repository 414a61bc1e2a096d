-- The directory's version, for the directory kept in memory.
--
-- Every process keeps the directory entries and hosted agencies it has
-- read, valid while data_versions.version of 'directory' is unchanged.
-- Triggers raise it on every change to those tables, whoever makes it (a
-- web form, an import, the directory command, another node), so a
-- transaction that reads the version sees whether its copy still holds.

-- +goose Up
CREATE TABLE data_versions (
    name    TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO data_versions (name, version) VALUES ('directory', 1);
-- +goose StatementBegin
CREATE FUNCTION bump_directory_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'directory';
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER directory_entries_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON directory_entries FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER directory_symbols_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON directory_symbols FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER directory_credentials_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON directory_credentials FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER agencies_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON agencies FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();

-- +goose Down
DROP TRIGGER directory_entries_version ON directory_entries;
DROP TRIGGER directory_symbols_version ON directory_symbols;
DROP TRIGGER directory_credentials_version ON directory_credentials;
DROP TRIGGER agencies_version ON agencies;
DROP FUNCTION bump_directory_version();
DROP TABLE data_versions;
