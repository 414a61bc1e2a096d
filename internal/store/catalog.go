package store

import (
	"database/sql"
	"fmt"
	"strings"

	"interlend/internal/catalog"
	"interlend/internal/ill"
	"interlend/internal/marc"
)

// catalogSelect selects a record's columns, its identifiers (one
// "kind:value" a line) and its coverage ranges (one "sy,ey,sv,ev,open" a
// line) in one query: a lookup is then a single round trip.
func (n NetworkData) catalogSelect() string {
	agg, nl := "group_concat", "char(10)"
	if n.t.Engine() == Postgres {
		agg, nl = "string_agg", "chr(10)"
	}
	return `SELECT r.id, r.holder, r.local_id, r.id_org, r.source, r.format, r.title, r.author, r.edition,
	r.publisher, r.place, r.year, r.language, r.lc_class, r.call_number, r.location, r.branch, r.holdings,
	r.items_total, r.items_lendable, r.items_available, r.content_hash, r.updated_at,
	(SELECT ` + agg + `(i.kind || ':' || i.value, ` + nl + ` ORDER BY i.kind, i.value) FROM catalog_ids i WHERE i.record_id = r.id),
	(SELECT ` + agg + `(c.start_year || ',' || c.end_year || ',' || c.start_volume || ',' || c.end_volume || ',' ||
		CASE WHEN c.open_ended THEN 1 ELSE 0 END, ` + nl + ` ORDER BY c.seq) FROM catalog_coverage c WHERE c.record_id = r.id) FROM `
}

func scanCatalogRecord(sc interface{ Scan(...any) error }) (catalog.Record, error) {
	var r catalog.Record
	var holder, source, format, holdings string
	var ids, cov sql.NullString
	var updated int64
	err := sc.Scan(&r.RowID, &holder, &r.ID, &r.IDOrg, &source, &format, &r.Title, &r.Author, &r.Edition,
		&r.Publisher, &r.Place, &r.Year, &r.Language, &r.LCClass, &r.CallNumber, &r.Location, &r.Branch, &holdings,
		&r.Counts.Items, &r.Counts.Lendable, &r.Counts.Available, &r.Hash, &updated, &ids, &cov)
	if err != nil {
		return r, err
	}
	r.Holder, r.Source, r.Format, r.UpdatedAt = ill.AgencyID(holder), catalog.Format(source), marc.Format(format), fromMicros(updated)
	if holdings != "" {
		r.Coverage.Statements = strings.Split(holdings, "\n")
	}
	for _, line := range strings.Split(ids.String, "\n") {
		kind, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch catalog.IDKind(kind) {
		case catalog.KindISBN:
			r.ISBNs = append(r.ISBNs, value)
		case catalog.KindISSN:
			r.ISSNs = append(r.ISSNs, value)
		case catalog.KindOCLC:
			r.OCLCNumbers = append(r.OCLCNumbers, value)
		case catalog.KindLCCN:
			r.LCCN = value
		case catalog.KindDOI:
			r.DOIs = append(r.DOIs, value)
		}
	}
	for _, line := range strings.Split(cov.String, "\n") {
		var c marc.Range
		var open int
		if _, err := fmt.Sscanf(line, "%d,%d,%d,%d,%d", &c.StartYear, &c.EndYear, &c.StartVolume, &c.EndVolume, &open); err == nil {
			c.Open = open != 0
			r.Coverage.Ranges = append(r.Coverage.Ranges, c)
		}
	}
	return r, nil
}

// catalogRecords runs a query selecting catalogSelect's columns, and
// loads the records' items when asked.
func (n NetworkData) catalogRecords(items bool, q string, args ...any) ([]catalog.Record, error) {
	rows, err := n.t.query(q, args...)
	if err != nil {
		return nil, err
	}
	var out []catalog.Record
	for rows.Next() {
		r, err := scanCatalogRecord(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if items {
		return out, n.LoadCatalogItems(out)
	}
	return out, nil
}

func (n NetworkData) eachRow(q string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := n.t.query(q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CatalogRecord returns one record with its items. Returns NotFound.
func (n NetworkData) CatalogRecord(id int64) (catalog.Record, error) {
	recs, err := n.catalogRecords(true, n.catalogSelect()+`catalog_records r WHERE r.id = $1`, id)
	if err != nil {
		return catalog.Record{}, err
	}
	if len(recs) == 0 {
		return catalog.Record{}, ill.Errorf(ill.NotFound, "no catalog record %d", id)
	}
	return recs[0], nil
}

// CatalogRecordByLocalID returns a holder's record by the holder's own id,
// with its items. Returns NotFound.
func (n NetworkData) CatalogRecordByLocalID(holder ill.AgencyID, localID string) (catalog.Record, error) {
	recs, err := n.catalogRecords(true, n.catalogSelect()+`catalog_records r WHERE r.holder = $1 AND r.local_id = $2`, string(holder), localID)
	if err != nil {
		return catalog.Record{}, err
	}
	if len(recs) == 0 {
		return catalog.Record{}, ill.Errorf(ill.NotFound, "%s has no catalog record %q", holder, localID)
	}
	return recs[0], nil
}

// CatalogByIdentifiers returns up to limit records carrying any of ids
// (normalised, see catalog.ParseIdentifier), in record order, without
// their items (see LoadCatalogItems).
func (n NetworkData) CatalogByIdentifiers(ids []catalog.Identifier, limit int) ([]catalog.Record, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	var parts []string
	var args []any
	for _, id := range ids {
		args = append(args, string(id.Kind), id.Value)
		parts = append(parts, `SELECT record_id FROM catalog_ids WHERE kind = $`+itoa(len(args)-1)+` AND value = $`+itoa(len(args)))
	}
	return n.catalogRecords(false, n.catalogSelect()+`catalog_records r WHERE r.id IN (`+strings.Join(parts, " UNION ")+`) ORDER BY r.id LIMIT `+itoa(limit), args...)
}

// LoadCatalogItems fills the items of records read without them.
func (n NetworkData) LoadCatalogItems(recs []catalog.Record) error {
	if len(recs) == 0 {
		return nil
	}
	byID := make(map[int64]*catalog.Record, len(recs))
	for from := 0; from < len(recs); from += 500 {
		chunk := recs[from:min(from+500, len(recs))]
		ph := make([]string, len(chunk))
		args := make([]any, len(chunk))
		for i := range chunk {
			chunk[i].Items = nil
			byID[chunk[i].RowID] = &chunk[i]
			ph[i], args[i] = n.t.param(i+1), chunk[i].RowID
		}
		if err := n.loadItems("("+strings.Join(ph, ", ")+")", args, byID); err != nil {
			return err
		}
	}
	return nil
}

func (n NetworkData) loadItems(in string, args []any, byID map[int64]*catalog.Record) error {
	err := n.eachRow(`SELECT record_id, barcode, call_number, location, branch, status, lendable, on_loan, tag FROM catalog_items WHERE record_id IN `+in+` ORDER BY record_id, seq`, args, func(sc func(...any) error) error {
		var id int64
		var it marc.Item
		if err := sc(&id, &it.Barcode, &it.CallNumber, &it.Location, &it.Branch, &it.Status, &it.Lendable, &it.OnLoan, &it.Tag); err != nil {
			return err
		}
		if r := byID[id]; r != nil {
			r.Items = append(r.Items, it)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: catalog items: %w", err)
	}
	return nil
}

// CatalogHolder summarises one library's part of the catalog.
type CatalogHolder struct {
	Holder  ill.AgencyID
	Records int
	Items   int
	Serials int
	Updated int64 // latest update, microseconds (0 when empty)
}

// CatalogHolders summarises the catalog by holding library.
func (n NetworkData) CatalogHolders() ([]CatalogHolder, error) {
	rows, err := n.t.query(`SELECT holder, count(*), COALESCE(sum(items_total), 0), COALESCE(sum(CASE WHEN format = 'serial' THEN 1 ELSE 0 END), 0), max(updated_at)
		FROM catalog_records GROUP BY holder ORDER BY holder`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CatalogHolder
	for rows.Next() {
		var h CatalogHolder
		var holder string
		var upd sql.NullInt64
		if err := rows.Scan(&holder, &h.Records, &h.Items, &h.Serials, &upd); err != nil {
			return nil, err
		}
		h.Holder, h.Updated = ill.AgencyID(holder), upd.Int64
		out = append(out, h)
	}
	return out, rows.Err()
}

// CountCatalog counts a holder's records ("" counts all).
func (n NetworkData) CountCatalog(holder ill.AgencyID) (int, error) {
	var c int
	var err error
	if holder == "" {
		err = n.t.queryRow(`SELECT count(*) FROM catalog_records`).Scan(&c)
	} else {
		err = n.t.queryRow(`SELECT count(*) FROM catalog_records WHERE holder = $1`, string(holder)).Scan(&c)
	}
	return c, err
}

// DeleteCatalog removes every record of a holder, returning how many.
func (n NetworkData) DeleteCatalog(holder ill.AgencyID) (int, error) {
	res, err := n.t.exec(`DELETE FROM catalog_records WHERE holder = $1`, string(holder))
	if err != nil {
		return 0, fmt.Errorf("store: delete catalog of %s: %w", holder, err)
	}
	c, err := res.RowsAffected()
	return int(c), err
}

// DeleteUnseenCatalog removes a holder's records not marked with
// generation (those a full re-import no longer has).
func (n NetworkData) DeleteUnseenCatalog(holder ill.AgencyID, generation int64) (int, error) {
	res, err := n.t.exec(`DELETE FROM catalog_records WHERE holder = $1 AND generation <> $2`, string(holder), generation)
	if err != nil {
		return 0, fmt.Errorf("store: delete unseen catalog records of %s: %w", holder, err)
	}
	c, err := res.RowsAffected()
	return int(c), err
}

// AnalyzeCatalog refreshes the planner's statistics of the catalog
// tables after a large import. Without them PostgreSQL may plan a
// sequential scan of millions of items for a lookup of a few records
// until autovacuum gets round to it; SQLite plans well without them.
func (n NetworkData) AnalyzeCatalog() error {
	if n.t.Engine() != Postgres {
		return nil
	}
	for _, table := range []string{"catalog_records", "catalog_ids", "catalog_items", "catalog_coverage"} {
		if _, err := n.t.exec(`ANALYZE ` + table); err != nil {
			return fmt.Errorf("store: analyze %s: %w", table, err)
		}
	}
	// The keyword index takes new rows into a pending list (up to 4 MB)
	// that every search reads in full until autovacuum merges it: merge
	// it now.
	if _, err := n.t.exec(`SELECT gin_clean_pending_list('catalog_records_kw'::regclass)`); err != nil {
		return fmt.Errorf("store: merge the keyword index's pending list: %w", err)
	}
	return nil
}

// RebuildCatalogIndex rebuilds the keyword index from the records. On
// SQLite the FTS5 table is a virtual table that backups skip: triggers
// fill it as a restore inserts records, and this rebuilds it from scratch
// should it ever disagree (restore calls it after loading the tables). On
// PostgreSQL the GIN index over the stored word column (migration 00023)
// is part of the table and is rebuilt by REINDEX.
func (n NetworkData) RebuildCatalogIndex() error {
	q := `INSERT INTO catalog_fts (catalog_fts) VALUES ('rebuild')`
	if n.t.Engine() == Postgres {
		q = `REINDEX INDEX catalog_records_kw`
	}
	if _, err := n.t.exec(q); err != nil {
		return fmt.Errorf("store: rebuild catalog index: %w", err)
	}
	return nil
}
