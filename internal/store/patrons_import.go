package store

import (
	"database/sql"
	"fmt"
	"strings"

	"interlend/internal/ill"
	"interlend/internal/patron"
)

// ImportOptions adjust ImportPatrons.
type ImportOptions struct {
	DryRun bool   // count what would change, write nothing
	Source string // PatronByImport or PatronBySync, for new records
	Actor  int64
}

// ImportCounts is what an import did (or, dry, would do).
type ImportCounts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Blocked   int `json:"blocked"`   // import blocks placed or changed
	Unblocked int `json:"unblocked"` // import blocks lifted
}

// Add adds o to c.
func (c *ImportCounts) Add(o ImportCounts) {
	c.Created += o.Created
	c.Updated += o.Updated
	c.Unchanged += o.Unchanged
	c.Blocked += o.Blocked
	c.Unblocked += o.Unblocked
}

// ImportPatrons upserts a batch of rows by barcode: a new barcode makes a
// record, a known one gets the fields f written if they differ (unchanged
// records are not written). With patron.FieldBlock, each row's blocked
// flag places, changes or lifts the patron's import block; staff blocks
// are never touched. Rows apply in order, so a barcode given twice ends
// with the later row. A dry run (which may use a read-only transaction)
// only counts. Audit records are the caller's: one per import, not per row.
func (a AgencyData) ImportPatrons(agency ill.AgencyID, f patron.Fields, rows []patron.Row, o ImportOptions) (ImportCounts, error) {
	var c ImportCounts
	if len(rows) == 0 {
		return c, nil
	}
	existing, blocks, err := a.importState(agency, rows, f.Has(patron.FieldBlock))
	if err != nil {
		return c, err
	}
	// New records are written together at the end (a few multi-row
	// INSERTs instead of a round trip each); the block changes wait for
	// their ids. Updates use one prepared statement.
	var upd *sql.Stmt
	if !o.DryRun {
		if upd, err = a.t.tx.PrepareContext(a.t.ctx, patronUpdate); err != nil {
			return c, err
		}
		defer upd.Close()
	}
	var creates []Patron
	created := map[string]int{} // barcode -> index in creates
	var ops []blockOp
	for _, r := range rows {
		old, known := existing[r.Barcode]
		next := old
		if !known {
			next = Patron{Agency: agency, Source: o.Source, Record: patron.Record{Barcode: r.Barcode}}
		}
		applyRecord(&next, r.Record, f)
		switch {
		case !known:
			c.Created++
			created[r.Barcode] = len(creates)
			creates = append(creates, next)
		case len(changedFields(old, next)) > 0:
			c.Updated++
			if i, pending := created[r.Barcode]; pending {
				creates[i] = next // the same barcode earlier in the batch
			} else if !o.DryRun {
				if err := a.writePatron(agency, next, upd); err != nil {
					return c, fmt.Errorf("line %d: %w", r.Line, err)
				}
			}
		default:
			c.Unchanged++
		}
		existing[r.Barcode] = next
		if !f.Has(patron.FieldBlock) {
			continue
		}
		have, blocked := blocks[r.Barcode]
		switch {
		case r.Blocked && !blocked:
			c.Blocked++
			ops = append(ops, blockOp{barcode: r.Barcode, place: true, reason: r.BlockReason})
			blocks[r.Barcode] = PatronBlock{Reason: r.BlockReason}
		case r.Blocked && have.Reason != r.BlockReason:
			c.Blocked++
			ops = append(ops, blockOp{barcode: r.Barcode, id: have.ID, reason: r.BlockReason})
			have.Reason = r.BlockReason
			blocks[r.Barcode] = have
		case !r.Blocked && blocked:
			c.Unblocked++
			ops = append(ops, blockOp{barcode: r.Barcode, id: have.ID, lift: true})
			delete(blocks, r.Barcode)
		}
	}
	if o.DryRun {
		return c, nil
	}
	if err := a.insertPatrons(agency, creates); err != nil {
		return c, err
	}
	for _, p := range creates {
		existing[p.Barcode] = p
	}
	return c, a.applyBlockOps(agency, ops, existing)
}

// blockOp is a change to a patron's import block, applied once the new
// records of the batch have ids.
type blockOp struct {
	barcode     string
	id          int64 // the block changed or lifted; 0 for one placed earlier in the batch
	place, lift bool
	reason      string // for place, and alone: the new reason
}

// applyBlockOps runs the block changes in order.
func (a AgencyData) applyBlockOps(agency ill.AgencyID, ops []blockOp, patrons map[string]Patron) error {
	placed := map[string]int64{} // barcode -> block placed in this batch
	for _, op := range ops {
		id := op.id
		if id == 0 {
			id = placed[op.barcode]
		}
		var err error
		switch {
		case op.place:
			var b PatronBlock
			b, err = a.addImportBlock(agency, patrons[op.barcode].ID, op.reason)
			placed[op.barcode] = b.ID
		case op.lift:
			_, err = a.t.exec(`UPDATE patron_blocks SET lifted_at = $3 WHERE agency = $1 AND id = $2`, string(agency), id, micros(a.t.now))
		default:
			_, err = a.t.exec(`UPDATE patron_blocks SET reason = $3 WHERE agency = $1 AND id = $2`, string(agency), id, op.reason)
		}
		if err != nil {
			return fmt.Errorf("store: import blocks: %w", err)
		}
	}
	return nil
}

// insertPatrons writes new records and sets their ids: on PostgreSQL many
// to a statement (one round trip for a hundred rows), on SQLite one by
// one with a prepared statement (in-process, where parsing a long
// statement costs more than it saves). Returns Conflict when a barcode
// was taken meanwhile.
func (a AgencyData) insertPatrons(agency ill.AgencyID, ps []Patron) error {
	if a.t.Engine() == SQLite {
		return a.insertPatronsOneByOne(agency, ps)
	}
	const perStatement = 100 // 16 parameters a row
	for start := 0; start < len(ps); start += perStatement {
		part := ps[start:min(start+perStatement, len(ps))]
		var q strings.Builder
		q.WriteString(`INSERT INTO patrons (agency, barcode, ils_id, first_name, last_name, name, email, category, home_library,
			pickup_location, expires_on, notes, user_id, source, search_key, created_at, updated_at) VALUES `)
		args := make([]any, 0, 16*len(part))
		at := micros(a.t.now)
		for i := range part {
			p := &part[i]
			p.Agency, p.CreatedAt, p.UpdatedAt = agency, a.t.now, a.t.now
			p.Name = p.DisplayName()
			if i > 0 {
				q.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)",
				n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10, n+11, n+12, n+13, n+14, n+15, n+16, n+16)
			args = append(args, string(agency), p.Barcode, p.ILSID, p.FirstName, p.LastName, p.Name, p.Email, p.Category, p.HomeLibrary,
				p.PickupLocation, nullMicros(p.Expires), p.Notes, sql.NullInt64{Int64: p.UserID, Valid: p.UserID != 0}, p.Source, searchKey(*p), at)
		}
		q.WriteString(` RETURNING id, barcode`)
		rows, err := a.t.query(q.String(), args...)
		if err != nil {
			if isUniqueViolation(err) {
				return ill.E(ill.Conflict, "a barcode of this batch was given to another patron meanwhile: import the file again", err)
			}
			return fmt.Errorf("store: import patrons: %w", err)
		}
		ids := make(map[string]int64, len(part))
		for rows.Next() {
			var id int64
			var barcode string
			if err := rows.Scan(&id, &barcode); err != nil {
				rows.Close()
				return err
			}
			ids[barcode] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			if isUniqueViolation(err) {
				return ill.E(ill.Conflict, "a barcode of this batch was given to another patron meanwhile: import the file again", err)
			}
			return err
		}
		for i := range part {
			if part[i].ID = ids[part[i].Barcode]; part[i].ID == 0 {
				return fmt.Errorf("store: import patrons: no id returned for a new record")
			}
		}
	}
	return nil
}

func (a AgencyData) addImportBlock(agency ill.AgencyID, patronID int64, reason string) (PatronBlock, error) {
	b := PatronBlock{PatronID: patronID, Source: BlockImport, Reason: reason, CreatedAt: a.t.now}
	err := a.t.queryRow(`INSERT INTO patron_blocks (agency, patron_id, source, reason, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		string(agency), patronID, BlockImport, reason, micros(a.t.now)).Scan(&b.ID)
	return b, err
}

// importState loads the records of the rows' barcodes and, when asked,
// their import blocks in force, both by barcode.
func (a AgencyData) importState(agency ill.AgencyID, rows []patron.Row, withBlocks bool) (map[string]Patron, map[string]PatronBlock, error) {
	existing := make(map[string]Patron, len(rows))
	byID := map[int64]string{}
	const chunk = 500
	for start := 0; start < len(rows); start += chunk {
		part := rows[start:min(start+chunk, len(rows))]
		q, args := a.byBarcodes(agency, part)
		rs, err := a.t.query(q, args...)
		if err != nil {
			return nil, nil, fmt.Errorf("store: import patrons: %w", err)
		}
		for rs.Next() {
			p, err := scanPatron(agency, rs)
			if err != nil {
				rs.Close()
				return nil, nil, err
			}
			existing[p.Barcode] = p
			byID[p.ID] = p.Barcode
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return nil, nil, err
		}
	}
	blocks := map[string]PatronBlock{}
	if !withBlocks || len(byID) == 0 {
		return existing, blocks, nil
	}
	ids := make([]int64, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		var bs []PatronBlock
		var err error
		if a.t.Engine() == Postgres {
			bs, err = a.importBlocksPG(agency, part)
		} else {
			bs, err = a.blocks(agency, part, false)
		}
		if err != nil {
			return nil, nil, err
		}
		for _, b := range bs {
			if b.Source == BlockImport {
				blocks[byID[b.PatronID]] = b
			}
		}
	}
	return existing, blocks, nil
}

// importBlocksPG reads the import blocks in force of the patrons, looking
// each patron up on its own (see byBarcodes).
func (a AgencyData) importBlocksPG(agency ill.AgencyID, patronIDs []int64) ([]PatronBlock, error) {
	rows, err := a.t.query(`SELECT b.id, b.patron_id, b.reason, b.created_at FROM unnest($2::bigint[]) AS p(id)
		CROSS JOIN LATERAL (SELECT id, patron_id, reason, created_at FROM patron_blocks
			WHERE agency = $1 AND patron_id = p.id AND lifted_at IS NULL AND source = $3) AS b`,
		string(agency), patronIDs, BlockImport)
	if err != nil {
		return nil, fmt.Errorf("store: import blocks: %w", err)
	}
	defer rows.Close()
	var out []PatronBlock
	for rows.Next() {
		b := PatronBlock{Source: BlockImport}
		var created int64
		if err := rows.Scan(&b.ID, &b.PatronID, &b.Reason, &created); err != nil {
			return nil, err
		}
		b.CreatedAt = fromMicros(created)
		out = append(out, b)
	}
	return out, rows.Err()
}

// byBarcodes is the query for the records with the rows' barcodes. On
// PostgreSQL each barcode is looked up on its own (a nested loop over the
// index): during a large first import the planner's statistics lag behind
// the table, and with a long IN list it would read the whole table for
// every batch.
func (a AgencyData) byBarcodes(agency ill.AgencyID, rows []patron.Row) (string, []any) {
	if a.t.Engine() == Postgres {
		barcodes := make([]string, len(rows))
		for i, r := range rows {
			barcodes[i] = r.Barcode
		}
		return `SELECT p.* FROM unnest($2::text[]) AS b(barcode)
			CROSS JOIN LATERAL (SELECT ` + patronColumns + ` FROM patrons WHERE agency = $1 AND barcode = b.barcode) AS p`,
			[]any{string(agency), barcodes}
	}
	args := []any{string(agency)}
	in := make([]string, len(rows))
	for i, r := range rows {
		args = append(args, r.Barcode)
		in[i] = fmt.Sprintf("$%d", i+2)
	}
	return `SELECT ` + patronColumns + ` FROM patrons WHERE agency = $1 AND barcode IN (` + strings.Join(in, ", ") + `)`, args
}

func (a AgencyData) insertPatronsOneByOne(agency ill.AgencyID, ps []Patron) error {
	if len(ps) == 0 {
		return nil
	}
	stmt, err := a.t.tx.PrepareContext(a.t.ctx, patronInsert)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i := range ps {
		p := &ps[i]
		p.Agency, p.CreatedAt, p.UpdatedAt = agency, a.t.now, a.t.now
		p.Name = p.DisplayName()
		err := stmt.QueryRowContext(a.t.ctx, string(agency), p.Barcode, p.ILSID, p.FirstName, p.LastName, p.Name, p.Email, p.Category,
			p.HomeLibrary, p.PickupLocation, nullMicros(p.Expires), p.Notes, sql.NullInt64{Int64: p.UserID, Valid: p.UserID != 0},
			p.Source, searchKey(*p), micros(a.t.now)).Scan(&p.ID)
		if isUniqueViolation(err) {
			return ill.E(ill.Conflict, "a barcode of this batch was given to another patron meanwhile: import the file again", err)
		}
		if err != nil {
			return fmt.Errorf("store: import patrons: %w", err)
		}
	}
	return nil
}
