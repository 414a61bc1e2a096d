package store

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"interlend/internal/ill"
)

// BackupFormat names the logical backup format: a tar stream with a
// manifest and one JSON-lines file per table, read from one consistent
// snapshot. The format is the same for both engines, so a SQLite
// deployment can be restored onto PostgreSQL when it outgrows one machine.
const BackupFormat = "interlend-backup/1"

// Manifest describes a backup.
type Manifest struct {
	Format        string        `json:"format"`
	Engine        Engine        `json:"engine"`
	SchemaVersion int64         `json:"schemaVersion"`
	CreatedAt     time.Time     `json:"createdAt"`
	Tables        []TableDump   `json:"tables"`
	Files         int           `json:"files"` // files added by the caller after the tables
	Took          time.Duration `json:"took"`
}

// TableDump describes one table in a backup.
type TableDump struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
	Rows    int64    `json:"rows"`
}

// skipTable reports tables a backup leaves out: the migration bookkeeping
// (the manifest carries the version), the versions of data kept in memory
// (data_versions: the restored database starts its own), and SQLite's
// internal and full-text shadow tables (rebuilt on restore).
func skipTable(name string, virtual map[string]bool) bool {
	if name == "goose_db_version" || name == "data_versions" || strings.HasPrefix(name, "sqlite_") || virtual[name] {
		return true
	}
	for v := range virtual {
		if strings.HasPrefix(name, v+"_") {
			return true
		}
	}
	return false
}

func (db *DB) tableNames(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) ([]string, error) {
	var rows *sql.Rows
	var err error
	virtual := map[string]bool{}
	if db.engine == Postgres {
		rows, err = q.QueryContext(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	} else {
		vr, verr := q.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'`)
		if verr != nil {
			return nil, verr
		}
		for vr.Next() {
			var n string
			if err := vr.Scan(&n); err != nil {
				vr.Close()
				return nil, err
			}
			virtual[n] = true
		}
		vr.Close()
		rows, err = q.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		if !skipTable(n, virtual) {
			out = append(out, n)
		}
	}
	return out, rows.Err()
}

// Backup writes every table, from one consistent snapshot, into tw. It
// runs alongside normal work (writers are not blocked). The caller may add
// more entries (files) to tw afterwards and must close it.
func (db *DB) Backup(ctx context.Context, tw *tar.Writer) (Manifest, error) {
	start := time.Now()
	m := Manifest{Format: BackupFormat, Engine: db.engine, CreatedAt: db.clock.Now()}
	var opts *sql.TxOptions
	if db.engine == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return m, ill.E(ill.Unavailable, "cannot start the backup snapshot", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only snapshot
	// The first read fixes the snapshot on both engines.
	var v sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(version_id) FROM goose_db_version WHERE is_applied = $1`, true).Scan(&v); err != nil {
		return m, fmt.Errorf("backup: schema version: %w", err)
	}
	m.SchemaVersion = v.Int64
	// The schema version comes first, so that a restore can create the
	// schema before the rows stream in.
	head, _ := json.Marshal(Manifest{Format: BackupFormat, Engine: db.engine, SchemaVersion: m.SchemaVersion, CreatedAt: m.CreatedAt})
	if err := writeTarFile(tw, "schema.json", head); err != nil {
		return m, err
	}
	names, err := db.tableNames(ctx, tx)
	if err != nil {
		return m, err
	}
	var dumps []TableDump
	for _, n := range names {
		dumps = append(dumps, TableDump{Name: n})
	}
	// Parents before children, so rows can be loaded as they stream in.
	ordered, err := db.parentsFirst(ctx, dumps)
	if err != nil {
		return m, err
	}
	for _, td := range ordered {
		if td, err = dumpTable(ctx, tx, db.engine, td.Name, tw); err != nil {
			return m, fmt.Errorf("backup: table %s: %w", td.Name, err)
		}
		m.Tables = append(m.Tables, td)
	}
	m.Took = time.Since(start)
	return m, nil
}

// dumpTable writes a table's rows as JSON lines into the archive. The rows
// go to a temporary file first (a tar entry needs its size up front), so a
// table of any size passes in constant memory.
func dumpTable(ctx context.Context, tx *sql.Tx, e Engine, name string, tw *tar.Writer) (TableDump, error) {
	td := TableDump{Name: name}
	tmp, err := os.CreateTemp("", "interlend-backup-*.jsonl")
	if err != nil {
		return td, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if td, err = writeRows(ctx, tx, e, name, bw); err != nil {
		return td, err
	}
	if err := bw.Flush(); err != nil {
		return td, err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return td, err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return td, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: "tables/" + name + ".jsonl", Mode: 0o600, Size: size, ModTime: time.Now()}); err != nil {
		return td, err
	}
	_, err = io.Copy(tw, tmp)
	return td, err
}

// writeRows writes one JSON array per row of a table (or of a query with
// a WHERE clause appended to the name, for tests). Generated columns are
// left out: the database computes them again when the rows are restored
// (and refuses values for them).
func writeRows(ctx context.Context, tx *sql.Tx, e Engine, name string, w io.Writer) (TableDump, error) {
	td := TableDump{Name: name}
	cols, err := storedColumns(ctx, tx, e, strings.Fields(name)[0])
	if err != nil {
		return td, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM `+name)
	if err != nil {
		return td, err
	}
	defer rows.Close()
	if td.Columns, err = rows.Columns(); err != nil {
		return td, err
	}
	vals := make([]any, len(td.Columns))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	enc := json.NewEncoder(w)
	// The first line names the columns, so a restore never depends on
	// column order.
	if err := enc.Encode(map[string][]string{"columns": td.Columns}); err != nil {
		return td, err
	}
	row := make([]any, len(vals))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return td, err
		}
		for i, v := range vals {
			switch x := v.(type) {
			case []byte:
				row[i] = map[string]string{"$b": base64.StdEncoding.EncodeToString(x)}
			case time.Time:
				row[i] = x.UTC().Format(time.RFC3339Nano)
			default:
				row[i] = x
			}
		}
		if err := enc.Encode(row); err != nil {
			return td, err
		}
		td.Rows++
	}
	return td, rows.Err()
}

// storedColumns lists a table's columns that are not generated, in
// order.
func storedColumns(ctx context.Context, tx *sql.Tx, e Engine, table string) ([]string, error) {
	q := `SELECT '"' || replace(name, '"', '""') || '"' FROM pragma_table_xinfo($1) WHERE hidden = 0 ORDER BY cid`
	if e == Postgres {
		q = `SELECT quote_ident(column_name) FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`
	}
	rows, err := tx.QueryContext(ctx, q, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no columns found for table %s", table)
	}
	return out, nil
}

func writeTarFile(tw *tar.Writer, name string, body []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(body)), ModTime: time.Now()}); err != nil {
		return err
	}
	_, err := tw.Write(body)
	return err
}

// WriteManifest adds the manifest as the last entry of a backup.
func WriteManifest(tw *tar.Writer, m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeTarFile(tw, "manifest.json", b)
}

// RestoreTables loads the tables of a backup into this database, which
// must be empty: it is migrated to the backup's schema version first, rows
// are inserted parents before children, and PostgreSQL identity sequences
// are moved past the restored ids. Files other than tables/ are passed to
// other (the caller restores stored files).
func (db *DB) RestoreTables(ctx context.Context, tr *tar.Reader, other func(h *tar.Header, r io.Reader) error) (Manifest, error) {
	var m Manifest
	if v, err := db.SchemaVersion(ctx); err != nil {
		return m, err
	} else if v != 0 {
		return m, ill.E(ill.Conflict, fmt.Sprintf("the target database is not empty (schema version %d); restore needs a fresh data folder or an empty PostgreSQL database", v))
	}
	// The archive starts with the schema version: create the schema, then
	// load each table as it streams past (parents come first), committing
	// per table in batches.
	schemaDone := false
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, ill.E(ill.Invalid, "the backup file is damaged", err)
		}
		switch {
		case h.Name == "schema.json" || h.Name == "manifest.json":
			var got Manifest
			if err := json.NewDecoder(tr).Decode(&got); err != nil {
				return m, ill.E(ill.Invalid, "the backup manifest is damaged", err)
			}
			if got.Format != BackupFormat {
				return m, ill.E(ill.Invalid, fmt.Sprintf("not an Interlend backup (format %q)", got.Format))
			}
			if h.Name == "manifest.json" {
				m = got
				continue
			}
			m.Format, m.SchemaVersion, m.Engine, m.CreatedAt = got.Format, got.SchemaVersion, got.Engine, got.CreatedAt
			if m.SchemaVersion > LatestVersion(db.engine) {
				return m, ill.E(ill.Conflict, fmt.Sprintf("the backup is at schema version %d, newer than this binary (%d)", m.SchemaVersion, LatestVersion(db.engine)))
			}
			p, err := db.provider(true)
			if err != nil {
				return m, err
			}
			if _, err := p.UpTo(ctx, m.SchemaVersion); err != nil {
				return m, fmt.Errorf("restore: migrate: %w", err)
			}
			schemaDone = true
		case strings.HasPrefix(h.Name, "tables/"):
			if !schemaDone {
				return m, ill.E(ill.Invalid, "the backup file is damaged: rows before the schema version")
			}
			name := strings.TrimSuffix(strings.TrimPrefix(h.Name, "tables/"), ".jsonl")
			if err := db.loadTable(ctx, name, tr); err != nil {
				return m, fmt.Errorf("restore: table %s: %w", name, err)
			}
		default:
			if other != nil {
				if err := other(h, tr); err != nil {
					return m, err
				}
			}
		}
	}
	if !schemaDone {
		return m, ill.E(ill.Invalid, "not an Interlend backup (no schema version)")
	}
	if db.engine == Postgres {
		for _, td := range m.Tables {
			if !contains(td.Columns, "id") {
				continue
			}
			var seq sql.NullString
			if err := db.write.QueryRowContext(ctx, `SELECT pg_get_serial_sequence($1, 'id')`, td.Name).Scan(&seq); err != nil {
				return m, err
			}
			if !seq.Valid {
				continue // a text key, no sequence
			}
			if _, err := db.write.ExecContext(ctx, fmt.Sprintf(`SELECT setval($1, GREATEST(COALESCE((SELECT max(id) FROM %s), 0), 1))`, td.Name), seq.String); err != nil {
				return m, fmt.Errorf("restore: sequence of %s: %w", td.Name, err)
			}
		}
	}
	// Migrate the rest of the way: a backup from an older binary comes up
	// to this binary's schema.
	if err := db.Migrate(ctx); err != nil {
		return m, err
	}
	return m, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// columnTypes tells which target columns are boolean, so values convert
// between engines (SQLite stores booleans as 0/1).
func (t *Tx) booleanColumns(table string) (map[string]bool, error) {
	out := map[string]bool{}
	var rows *sql.Rows
	var err error
	if t.db.engine == Postgres {
		rows, err = t.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND data_type = 'boolean'`, table)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				return nil, err
			}
			out[c] = true
		}
		return out, rows.Err()
	}
	return out, nil
}

// loadTable inserts a table's JSON lines as they are read, committing
// every few thousand rows so memory stays flat.
func (db *DB) loadTable(ctx context.Context, name string, r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	if !sc.Scan() {
		return sc.Err() // an empty entry: nothing to load
	}
	var head struct {
		Columns []string `json:"columns"`
	}
	if err := json.Unmarshal(sc.Bytes(), &head); err != nil || len(head.Columns) == 0 {
		return fmt.Errorf("the table has no column line")
	}
	cols := head.Columns
	for {
		batch := make([][]byte, 0, 2000)
		for len(batch) < cap(batch) && sc.Scan() {
			batch = append(batch, append([]byte(nil), sc.Bytes()...))
		}
		if err := sc.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		err := db.Transact(ctx, func(t *Tx) error { return t.insertRows(name, cols, batch) })
		if err != nil {
			return err
		}
	}
}

func (t *Tx) insertRows(name string, cols []string, lines [][]byte) error {
	bools, err := t.booleanColumns(name)
	if err != nil {
		return err
	}
	ph := make([]string, len(cols))
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", i+1)
	}
	stmt, err := t.tx.PrepareContext(t.ctx, fmt.Sprintf(`INSERT INTO %s (%s) VALUES (%s)`, name, strings.Join(cols, ", "), strings.Join(ph, ", ")))
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, line := range lines {
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		var row []any
		if err := dec.Decode(&row); err != nil {
			return err
		}
		if len(row) != len(cols) {
			return fmt.Errorf("row has %d values for %d columns", len(row), len(cols))
		}
		for i, v := range row {
			switch x := v.(type) {
			case json.Number:
				if n, err := x.Int64(); err == nil {
					if bools[cols[i]] {
						row[i] = n != 0
					} else {
						row[i] = n
					}
				} else if f, err := x.Float64(); err == nil {
					row[i] = f
				}
			case bool:
				if t.db.engine == SQLite {
					row[i] = map[bool]int64{false: 0, true: 1}[x]
				}
			case map[string]any:
				if s, ok := x["$b"].(string); ok {
					b, err := base64.StdEncoding.DecodeString(s)
					if err != nil {
						return err
					}
					row[i] = b
				}
			}
		}
		if _, err := stmt.ExecContext(t.ctx, row...); err != nil {
			return err
		}
	}
	return nil
}

// parentsFirst orders tables so that each comes after the tables its
// foreign keys point to.
func (db *DB) parentsFirst(ctx context.Context, tables []TableDump) ([]TableDump, error) {
	deps := map[string][]string{}
	for _, td := range tables {
		var q string
		if db.engine == Postgres {
			q = `SELECT DISTINCT ccu.table_name FROM information_schema.table_constraints tc
				JOIN information_schema.constraint_column_usage ccu ON tc.constraint_name = ccu.constraint_name AND tc.table_schema = ccu.table_schema
				WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() AND tc.table_name = $1`
		} else {
			q = `SELECT DISTINCT "table" FROM pragma_foreign_key_list($1)`
		}
		rows, err := db.read.QueryContext(ctx, q, td.Name)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return nil, err
			}
			if p != td.Name {
				deps[td.Name] = append(deps[td.Name], p)
			}
		}
		rows.Close()
	}
	byName := map[string]TableDump{}
	var names []string
	for _, td := range tables {
		byName[td.Name] = td
		names = append(names, td.Name)
	}
	sort.Strings(names)
	var out []TableDump
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(n string) error
	visit = func(n string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("restore: foreign-key cycle at %s", n)
		case 2:
			return nil
		}
		state[n] = 1
		for _, d := range deps[n] {
			if _, ok := byName[d]; ok {
				if err := visit(d); err != nil {
					return err
				}
			}
		}
		state[n] = 2
		out = append(out, byName[n])
		return nil
	}
	for _, n := range names {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return out, nil
}
