package store

import (
	"database/sql"
	"fmt"
	"strings"

	"interlend/internal/catalog"
	"interlend/internal/ill"
)

// catalogRecordColumns are written by PutCatalogBatch, in this order.
var catalogRecordColumns = []string{
	"holder", "local_id", "id_org", "source", "format", "title", "author", "edition", "publisher", "place",
	"year", "language", "lc_class", "call_number", "location", "branch", "holdings",
	"items_total", "items_lendable", "items_available", "kw_title", "kw_author",
	"content_hash", "generation", "created_at", "updated_at",
}

// recordValues are the values of catalogRecordColumns for r.
func (t *Tx) recordValues(r *catalog.Record, generation int64) []any {
	now := micros(t.now)
	return []any{
		string(r.Holder), r.ID, r.IDOrg, string(r.Source), string(r.Format), r.Title, r.Author, r.Edition, r.Publisher, r.Place,
		r.Year, r.Language, r.LCClass, r.CallNumber, r.Location, r.Branch, strings.Join(r.Coverage.Statements, "\n"),
		r.Counts.Items, r.Counts.Lendable, r.Counts.Available, catalog.KeywordText(r.Title), catalog.KeywordText(r.Author),
		r.Hash, generation, now, now,
	}
}

// maxParams bounds the parameters of one multi-row statement. PostgreSQL
// allows 65535 and each statement is a round trip, so many rows go in one.
// On SQLite there is no round trip to save, and the driver looks up every
// parameter's name when binding (quadratic in their number), so
// statements stay small.
func (t *Tx) maxParams() int {
	if t.db.engine == SQLite {
		return sqliteMaxParams
	}
	return 16000
}

// sqliteMaxParams is maxParams on SQLite (a variable for benchmarks).
var sqliteMaxParams = 100

// PutCatalogBatch stores records of one holder: new ones are inserted,
// those whose content hash changed are updated (their identifiers, items
// and coverage replaced), and the rest are only marked with generation.
// Records must have distinct local ids. It runs in the caller's
// transaction, so a record is stored whole or not at all.
func (n NetworkData) PutCatalogBatch(holder ill.AgencyID, recs []catalog.Record, generation int64) (catalog.BatchResult, error) {
	var res catalog.BatchResult
	if len(recs) == 0 {
		return res, nil
	}
	t := n.t
	b := newBulk(t)
	defer b.close()

	// Which records are stored already, and as what?
	type stored struct {
		id   int64
		hash string
	}
	have := make(map[string]stored, len(recs))
	for from := 0; from < len(recs); from += 500 {
		chunk := recs[from:min(from+500, len(recs))]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, string(holder))
		ph := make([]string, len(chunk))
		for i := range chunk {
			args = append(args, chunk[i].ID)
			ph[i] = t.param(i + 2)
		}
		rows, err := b.query(`SELECT id, local_id, content_hash FROM catalog_records WHERE holder = `+t.param(1)+` AND local_id IN (`+strings.Join(ph, ", ")+`)`, args...)
		if err != nil {
			return res, fmt.Errorf("store: catalog lookup: %w", err)
		}
		for rows.Next() {
			var s stored
			var local string
			if err := rows.Scan(&s.id, &local, &s.hash); err != nil {
				rows.Close()
				return res, err
			}
			have[local] = s
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return res, err
		}
	}

	var fresh []*catalog.Record
	var unchanged, changed []int64
	ids := make(map[*catalog.Record]int64, len(recs))
	for i := range recs {
		r := &recs[i]
		r.Holder = holder
		s, ok := have[r.ID]
		switch {
		case !ok:
			fresh = append(fresh, r)
		case s.hash == r.Hash:
			unchanged = append(unchanged, s.id)
		default:
			changed = append(changed, s.id)
			ids[r] = s.id
			if err := t.updateCatalogRecord(b, s.id, r, generation); err != nil {
				return res, err
			}
		}
	}
	res.Unchanged, res.Updated = len(unchanged), len(changed)

	if err := b.execIDs(`UPDATE catalog_records SET generation = `+t.param(1)+` WHERE id IN `, []any{generation}, unchanged); err != nil {
		return res, fmt.Errorf("store: catalog generation: %w", err)
	}
	for _, table := range []string{"catalog_ids", "catalog_items", "catalog_coverage"} {
		if err := b.execIDs(`DELETE FROM `+table+` WHERE record_id IN `, nil, changed); err != nil {
			return res, fmt.Errorf("store: catalog replace %s: %w", table, err)
		}
	}

	// New records, many per statement; RETURNING gives their ids.
	cols := len(catalogRecordColumns)
	per := max(t.maxParams()/cols, 1)
	for from := 0; from < len(fresh); from += per {
		chunk := fresh[from:min(from+per, len(fresh))]
		args := make([]any, 0, len(chunk)*cols)
		byLocal := make(map[string]*catalog.Record, len(chunk))
		for _, r := range chunk {
			args = append(args, t.recordValues(r, generation)...)
			byLocal[r.ID] = r
		}
		rows, err := b.query(t.insertSQL("catalog_records", catalogRecordColumns, len(chunk))+` RETURNING id, local_id`, args...)
		if err != nil {
			return res, insertRecordsError(err)
		}
		for rows.Next() {
			var id int64
			var local string
			if err := rows.Scan(&id, &local); err != nil {
				rows.Close()
				return res, err
			}
			ids[byLocal[local]] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return res, insertRecordsError(err)
		}
	}
	res.Inserted = len(fresh)

	// Children of new and changed records.
	idRows, itemRows, covRows := [][]any{}, [][]any{}, [][]any{}
	for r, id := range ids {
		for _, x := range r.Identifiers() {
			idRows = append(idRows, []any{string(x.Kind), x.Value, id})
		}
		for i, it := range r.Items {
			itemRows = append(itemRows, []any{id, i + 1, it.Barcode, it.CallNumber, it.Location, it.Branch, it.Status, it.Lendable, it.OnLoan, it.Tag})
		}
		for i, c := range r.Coverage.Ranges {
			covRows = append(covRows, []any{id, i + 1, c.StartYear, c.EndYear, c.StartVolume, c.EndVolume, c.Open})
		}
	}
	if err := b.insert("catalog_ids", []string{"kind", "value", "record_id"}, idRows); err != nil {
		return res, err
	}
	if err := b.insert("catalog_items", []string{"record_id", "seq", "barcode", "call_number", "location", "branch", "status", "lendable", "on_loan", "tag"}, itemRows); err != nil {
		return res, err
	}
	if err := b.insert("catalog_coverage", []string{"record_id", "seq", "start_year", "end_year", "start_volume", "end_volume", "open_ended"}, covRows); err != nil {
		return res, err
	}
	return res, nil
}

func insertRecordsError(err error) error {
	if isUniqueViolation(err) {
		return ill.E(ill.Conflict, "a record of this batch was stored meanwhile by another import of the same library; run the import again", err)
	}
	return fmt.Errorf("store: catalog insert: %w", err)
}

func (t *Tx) updateCatalogRecord(b *bulk, id int64, r *catalog.Record, generation int64) error {
	vals := t.recordValues(r, generation)
	sets := make([]string, 0, len(catalogRecordColumns))
	args := make([]any, 0, len(vals)+1)
	for i, c := range catalogRecordColumns {
		if c == "created_at" || c == "holder" || c == "local_id" {
			continue
		}
		args = append(args, vals[i])
		sets = append(sets, c+" = "+t.param(len(args)))
	}
	args = append(args, id)
	_, err := b.exec(`UPDATE catalog_records SET `+strings.Join(sets, ", ")+` WHERE id = `+t.param(len(args)), args...)
	if err != nil {
		return fmt.Errorf("store: catalog update %s: %w", r.ID, err)
	}
	return nil
}

// param is the placeholder of the nth argument. Long statements (bulk
// inserts, IN lists) use SQLite's numbered ?NNN: SQLite treats $NNN as a
// named parameter and looks each name up in a list, which is quadratic
// in the number of parameters (16,000 of them took seconds to prepare).
func (t *Tx) param(n int) string {
	if t.db.engine == SQLite {
		return "?" + itoa(n)
	}
	return "$" + itoa(n)
}

// insertSQL is a multi-row INSERT of rows rows.
func (t *Tx) insertSQL(table string, cols []string, rows int) string {
	var sb strings.Builder
	sb.Grow(rows * len(cols) * 6)
	sb.WriteString("INSERT INTO ")
	sb.WriteString(table)
	sb.WriteString(" (")
	sb.WriteString(strings.Join(cols, ", "))
	sb.WriteString(") VALUES ")
	n := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for c := range cols {
			if c > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(t.param(n))
			n++
		}
		sb.WriteByte(')')
	}
	return sb.String()
}

// bulk runs the statements of one batch, preparing each distinct text once.
type bulk struct {
	t     *Tx
	stmts map[string]*sql.Stmt
}

func newBulk(t *Tx) *bulk { return &bulk{t: t, stmts: map[string]*sql.Stmt{}} }

func (b *bulk) stmt(q string) (*sql.Stmt, error) {
	if s, ok := b.stmts[q]; ok {
		return s, nil
	}
	s, err := b.t.tx.PrepareContext(b.t.ctx, q)
	if err != nil {
		return nil, err
	}
	b.stmts[q] = s
	return s, nil
}

func (b *bulk) exec(q string, args ...any) (sql.Result, error) {
	s, err := b.stmt(q)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(b.t.ctx, args...)
}

func (b *bulk) query(q string, args ...any) (*sql.Rows, error) {
	s, err := b.stmt(q)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(b.t.ctx, args...)
}

func (b *bulk) close() {
	for _, s := range b.stmts {
		s.Close()
	}
}

// insert writes rows with multi-row INSERTs of at most maxParams
// parameters each.
func (b *bulk) insert(table string, cols []string, rows [][]any) error {
	per := max(b.t.maxParams()/len(cols), 1)
	for from := 0; from < len(rows); from += per {
		chunk := rows[from:min(from+per, len(rows))]
		args := make([]any, 0, len(chunk)*len(cols))
		for _, r := range chunk {
			args = append(args, r...)
		}
		if _, err := b.exec(b.t.insertSQL(table, cols, len(chunk)), args...); err != nil {
			return fmt.Errorf("store: insert into %s: %w", table, err)
		}
	}
	return nil
}

// execIDs runs prefix followed by "($n, ...)" for ids, in chunks; lead
// are the arguments of prefix's own placeholders.
func (b *bulk) execIDs(prefix string, lead []any, ids []int64) error {
	for from := 0; from < len(ids); from += 1000 {
		chunk := ids[from:min(from+1000, len(ids))]
		ph := make([]string, len(chunk))
		args := append(make([]any, 0, len(lead)+len(chunk)), lead...)
		for i, id := range chunk {
			ph[i] = b.t.param(len(lead) + i + 1)
			args = append(args, id)
		}
		if _, err := b.exec(prefix+"("+strings.Join(ph, ", ")+")", args...); err != nil {
			return err
		}
	}
	return nil
}
