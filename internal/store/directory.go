package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"interlend/internal/bibid"
	"interlend/internal/directory"
	"interlend/internal/ill"
)

// DirectoryFilter selects directory entries.
type DirectoryFilter struct {
	// Text matches the name, id or any symbol (folded, anywhere in it).
	Text   string
	Status directory.Status
	Limit  int // default and maximum 5000
	Offset int
}

// PutDirectoryEntry creates or replaces a library's entry with its
// symbols and credentials. The entry must be normalised and validated,
// and inbound secrets sealed (directory.Credential.Seal): the store keeps
// what it is given. Returns Conflict when a symbol belongs to another
// library.
func (n NetworkData) PutDirectoryEntry(e directory.Entry, actor int64) (created bool, err error) {
	t := n.t
	t.directoryChanged()
	creds := e.Credentials
	e.Credentials = nil
	data, err := json.Marshal(e)
	if err != nil {
		return false, fmt.Errorf("store: directory entry %s: %w", e.ID, err)
	}
	key := strings.ToUpper(string(e.ID))
	var existing string
	err = t.queryRow(`SELECT id FROM directory_entries WHERE id_key = $1`, key).Scan(&existing)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		created = true
		_, err = t.exec(`INSERT INTO directory_entries (id, id_key, name, search_key, status, data, created_at, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)`,
			string(e.ID), key, e.Name, directorySearchKey(e), string(e.Status), string(data), micros(t.now), nullActor(actor))
	case err == nil:
		if existing != string(e.ID) {
			// The id is kept as first written; the entry's own spelling
			// follows it so that references stay valid.
			e.ID = ill.AgencyID(existing)
		}
		_, err = t.exec(`UPDATE directory_entries SET name = $2, search_key = $3, status = $4, data = $5, updated_at = $6, updated_by = $7 WHERE id = $1`,
			existing, e.Name, directorySearchKey(e), string(e.Status), string(data), micros(t.now), nullActor(actor))
	}
	if err != nil {
		return false, fmt.Errorf("store: put directory entry %s: %w", e.ID, err)
	}
	if _, err := t.exec(`DELETE FROM directory_symbols WHERE library_id = $1`, string(e.ID)); err != nil {
		return false, err
	}
	for _, s := range e.Symbols {
		var owner string
		err := t.queryRow(`SELECT library_id FROM directory_symbols WHERE symbol_key = $1`, s.Key()).Scan(&owner)
		if err == nil {
			return false, ill.E(ill.Conflict, fmt.Sprintf("the symbol %s already belongs to %s", s, owner), map[string]string{"symbols": fmt.Sprintf("%s is %s's symbol", s, owner)})
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return false, err
		}
		if _, err := t.exec(`INSERT INTO directory_symbols (symbol_key, value_key, library_id) VALUES ($1, $2, $3)`, s.Key(), s.ValueKey(), string(e.ID)); err != nil {
			return false, fmt.Errorf("store: directory symbol %s: %w", s, err)
		}
	}
	if _, err := t.exec(`DELETE FROM directory_credentials WHERE library_id = $1`, string(e.ID)); err != nil {
		return false, err
	}
	for _, c := range creds {
		if c.Direction == directory.Inbound && c.Secret != "" {
			return false, fmt.Errorf("store: inbound secret of %s is not sealed", e.ID)
		}
		if _, err := t.exec(`INSERT INTO directory_credentials (library_id, direction, method, username, secret, secret_hash, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			string(e.ID), string(c.Direction), string(c.Method), c.Username, c.Secret, c.SecretHash, micros(t.now)); err != nil {
			return false, fmt.Errorf("store: directory credential of %s: %w", e.ID, err)
		}
	}
	return created, nil
}

func nullActor(actor int64) sql.NullInt64 { return sql.NullInt64{Int64: actor, Valid: actor != 0} }

// directorySearchKey is what a directory search looks in: the folded name,
// id and symbols.
func directorySearchKey(e directory.Entry) string {
	parts := []string{bibid.Fold(e.Name), strings.ToLower(string(e.ID))}
	for _, s := range e.Symbols {
		parts = append(parts, strings.ToLower(s.String()))
	}
	return strings.Join(parts, " ")
}

const directoryColumns = `e.id, e.data, e.updated_at, (SELECT count(*) FROM agencies a WHERE a.id = e.id)`

func scanDirectoryEntry(sc interface{ Scan(...any) error }) (directory.Entry, error) {
	ce, err := scanCachedEntry(sc)
	if err != nil {
		return directory.Entry{}, err
	}
	return ce.entry()
}

// scanCachedEntry reads the directoryColumns of a row as stored.
func scanCachedEntry(sc interface{ Scan(...any) error }) (cachedEntry, error) {
	var ce cachedEntry
	var hosted int64
	err := sc.Scan(&ce.id, &ce.data, &ce.updated, &hosted)
	ce.hosted = hosted > 0
	return ce, err
}

// DirectoryEntry returns a library's entry with its credentials, by its
// library id (case-insensitive). Returns NotFound.
func (n NetworkData) DirectoryEntry(id ill.AgencyID) (directory.Entry, error) {
	key := strings.ToUpper(string(id))
	v, err := n.t.directoryVersion()
	if err != nil {
		return directory.Entry{}, err
	}
	if c := n.t.db.dir.at(v); c != nil {
		ce, ok := c.entries[key]
		c.done()
		if ok {
			return ce.entry()
		}
	}
	ce, err := scanCachedEntry(n.t.queryRow(`SELECT `+directoryColumns+` FROM directory_entries e WHERE e.id_key = $1`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return directory.Entry{}, ill.Errorf(ill.NotFound, "%s is not in the directory", id)
	}
	if err != nil {
		return directory.Entry{}, err
	}
	if ce.creds, err = n.directoryCredentials(ill.AgencyID(ce.id)); err != nil {
		return directory.Entry{}, err
	}
	e, err := ce.entry()
	if err == nil {
		n.t.cacheDirectory(v, func(c *directoryCache) { c.entries[key] = ce })
	}
	return e, err
}

func (n NetworkData) directoryCredentials(id ill.AgencyID) ([]directory.Credential, error) {
	rows, err := n.t.query(`SELECT direction, method, username, secret, secret_hash FROM directory_credentials WHERE library_id = $1 ORDER BY direction, method`, string(id))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []directory.Credential
	for rows.Next() {
		var c directory.Credential
		var d, m string
		if err := rows.Scan(&d, &m, &c.Username, &c.Secret, &c.SecretHash); err != nil {
			return nil, err
		}
		c.Direction, c.Method = directory.Direction(d), directory.AuthMethod(m)
		out = append(out, c)
	}
	return out, rows.Err()
}

// LookupLibrary finds a library by any of its ids, case-insensitively: a
// symbol "TYPE:VALUE" (ISIL:US-EXSUP, OCLC:EXS), its library id, or a bare
// symbol value (EXS) when only one library has it. Returns NotFound, or
// Conflict when a bare value is ambiguous.
func (n NetworkData) LookupLibrary(symbol string) (directory.Entry, error) {
	symbol = strings.TrimSpace(symbol)
	if symbol == "" {
		return directory.Entry{}, ill.E(ill.NotFound, "no library id given")
	}
	v, err := n.t.directoryVersion()
	if err != nil {
		return directory.Entry{}, err
	}
	if c := n.t.db.dir.at(v); c != nil {
		key, ok := c.lookups[symbol]
		c.done()
		if ok {
			return n.DirectoryEntry(ill.AgencyID(key))
		}
	}
	symKey, valueKey := directory.LookupKeys(symbol)
	var id string
	err = sql.ErrNoRows
	if symKey != "" {
		err = n.t.queryRow(`SELECT library_id FROM directory_symbols WHERE symbol_key = $1`, symKey).Scan(&id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		err = n.t.queryRow(`SELECT id FROM directory_entries WHERE id_key = $1`, valueKey).Scan(&id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		var ids []string
		rows, qerr := n.t.query(`SELECT DISTINCT library_id FROM directory_symbols WHERE value_key = $1 ORDER BY library_id`, valueKey)
		if qerr != nil {
			return directory.Entry{}, qerr
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return directory.Entry{}, err
			}
			ids = append(ids, s)
		}
		rows.Close()
		switch len(ids) {
		case 0:
			return directory.Entry{}, ill.Errorf(ill.NotFound, "no library in the directory has the id %s", symbol)
		case 1:
			id, err = ids[0], nil
		default:
			return directory.Entry{}, ill.Errorf(ill.Conflict, "%s is an id of several libraries (%s): give it with its type, e.g. ISIL:%s", symbol, strings.Join(ids, ", "), symbol)
		}
	}
	if err != nil {
		return directory.Entry{}, err
	}
	n.t.cacheDirectory(v, func(c *directoryCache) { c.lookups[symbol] = strings.ToUpper(id) })
	return n.DirectoryEntry(ill.AgencyID(id))
}

// DirectoryEntries lists entries, by name, with their credentials.
func (n NetworkData) DirectoryEntries(f DirectoryFilter) ([]directory.Entry, error) {
	if f.Limit <= 0 || f.Limit > 5000 {
		f.Limit = 5000
	}
	q := `SELECT ` + directoryColumns + ` FROM directory_entries e WHERE 1 = 1`
	var args []any
	if t := strings.TrimSpace(f.Text); t != "" {
		args = append(args, "%"+likeEscape(strings.ToLower(bibid.Fold(t)))+"%")
		q += ` AND e.search_key LIKE $` + itoa(len(args)) + ` ESCAPE '\'`
	}
	if f.Status != "" {
		args = append(args, string(f.Status))
		q += ` AND e.status = $` + itoa(len(args))
	}
	q += ` ORDER BY e.name, e.id LIMIT ` + itoa(f.Limit) + ` OFFSET ` + itoa(max(f.Offset, 0))
	rows, err := n.t.query(q, args...)
	if err != nil {
		return nil, err
	}
	var out []directory.Entry
	for rows.Next() {
		e, err := scanDirectoryEntry(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	creds, err := n.allDirectoryCredentials()
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Credentials = creds[out[i].ID]
	}
	return out, nil
}

func (n NetworkData) allDirectoryCredentials() (map[ill.AgencyID][]directory.Credential, error) {
	rows, err := n.t.query(`SELECT library_id, direction, method, username, secret, secret_hash FROM directory_credentials ORDER BY library_id, direction, method`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[ill.AgencyID][]directory.Credential{}
	for rows.Next() {
		var id, d, m string
		var c directory.Credential
		if err := rows.Scan(&id, &d, &m, &c.Username, &c.Secret, &c.SecretHash); err != nil {
			return nil, err
		}
		c.Direction, c.Method = directory.Direction(d), directory.AuthMethod(m)
		out[ill.AgencyID(id)] = append(out[ill.AgencyID(id)], c)
	}
	return out, rows.Err()
}

// CountDirectoryEntries counts the entries matching f (without paging).
func (n NetworkData) CountDirectoryEntries(f DirectoryFilter) (int, error) {
	q := `SELECT count(*) FROM directory_entries e WHERE 1 = 1`
	var args []any
	if t := strings.TrimSpace(f.Text); t != "" {
		args = append(args, "%"+likeEscape(strings.ToLower(bibid.Fold(t)))+"%")
		q += ` AND e.search_key LIKE $` + itoa(len(args)) + ` ESCAPE '\'`
	}
	if f.Status != "" {
		args = append(args, string(f.Status))
		q += ` AND e.status = $` + itoa(len(args))
	}
	var c int
	err := n.t.queryRow(q, args...).Scan(&c)
	return c, err
}

// DeleteDirectoryEntry removes a library's entry, symbols and
// credentials. Returns NotFound.
func (n NetworkData) DeleteDirectoryEntry(id ill.AgencyID) error {
	n.t.directoryChanged()
	return n.t.execOne(ill.Errorf(ill.NotFound, "%s is not in the directory", id),
		`DELETE FROM directory_entries WHERE id_key = $1`, strings.ToUpper(string(id)))
}

// likeEscape escapes LIKE wildcards with backslashes.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
