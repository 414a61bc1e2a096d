package store

import (
	"encoding/json"
	"fmt"
	"time"

	"interlend/internal/ill"
)

// Migration: the keys that make imports from another system idempotent,
// requests stored with their own dates and history (an import or a
// library moved from another Interlend), and the paged reads the export
// of a library's data uses (docs/migration.md).

// ImportKeys returns what each external key of a kind became (kind:
// transactions, users, lenders; docs/migration.md).
func (a AgencyData) ImportKeys(agency ill.AgencyID, kind string) (map[string]string, error) {
	rows, err := a.t.query(`SELECT external, ref FROM import_keys WHERE agency = $1 AND kind = $2`, string(agency), kind)
	if err != nil {
		return nil, fmt.Errorf("store: import keys: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var ext, ref string
		if err := rows.Scan(&ext, &ref); err != nil {
			return nil, err
		}
		out[ext] = ref
	}
	return out, rows.Err()
}

// PutImportKey records what an external key became (replacing an earlier
// record of it).
func (a AgencyData) PutImportKey(agency ill.AgencyID, kind, external, ref string) error {
	_, err := a.t.exec(`INSERT INTO import_keys (agency, kind, external, ref, imported_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (agency, kind, external) DO UPDATE SET ref = excluded.ref, imported_at = excluded.imported_at`,
		string(agency), kind, external, ref, micros(a.t.now))
	if err != nil {
		return fmt.Errorf("store: import key: %w", err)
	}
	return nil
}

// at runs fn with the transaction's "now" set to t (zero: unchanged), so
// that rows written keep the dates they had elsewhere.
func (a AgencyData) at(t time.Time, fn func() error) error {
	if t.IsZero() {
		return fn()
	}
	saved := a.t.now
	a.t.now = t.UTC()
	defer func() { a.t.now = saved }()
	return fn()
}

// ImportRequest stores a request made elsewhere: created at r.CreatedAt
// (now when zero), at its version (r.Version, 1 when less), with its events at their own times (in order) and its
// last change at r.UpdatedAt. r.ClosedAt and r.State are kept as given.
// Event message ids must be ids of this agency's messages or 0. fix, if
// not nil, may change r once it has its ids (before it is written again).
func (a AgencyData) ImportRequest(agency ill.AgencyID, r *ill.Request, events []ill.Event, fix func(*ill.Request)) error {
	updated, version := r.UpdatedAt, r.Version
	if err := a.at(r.CreatedAt, func() error { return a.CreateRequest(agency, r) }); err != nil {
		return err
	}
	if version > 1 {
		r.Version = version
	}
	if fix != nil {
		fix(r)
	}
	if err := a.ImportEvents(agency, r.ID, events); err != nil {
		return err
	}
	if !updated.IsZero() {
		r.UpdatedAt = updated.UTC()
	}
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	a.t.forgetRow(r.ID)
	_, err = a.t.exec(`UPDATE requests SET updated_at = $1, data = $2, version = $5 WHERE id = $3 AND agency = $4`, micros(r.UpdatedAt), string(data), r.ID, string(agency), r.Version)
	return err
}

// ImportEvents appends events to a request's log, each at its own time.
func (a AgencyData) ImportEvents(agency ill.AgencyID, requestID int64, events []ill.Event) error {
	for i := range events {
		ev := &events[i]
		if err := a.at(ev.At, func() error { return a.AppendEvent(agency, requestID, ev) }); err != nil {
			return err
		}
	}
	return nil
}

// ImportMessage stores a protocol message with its own creation time.
func (a AgencyData) ImportMessage(agency ill.AgencyID, m *StoredMessage) error {
	return a.at(m.CreatedAt, func() error { return a.AddMessage(agency, m) })
}

// ExportRequests returns up to limit of the agency's requests with ids
// after afterID, in id order (a whole library, page by page).
func (a AgencyData) ExportRequests(agency ill.AgencyID, afterID int64, limit int) ([]*ill.Request, error) {
	out, err := a.t.queryRequests(`SELECT id, version, data FROM requests WHERE agency = $1 AND id > $2 ORDER BY id LIMIT $3`, string(agency), afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: export requests: %w", err)
	}
	return out, nil
}

// ExportPatrons returns up to limit of the agency's patrons with ids
// after afterID, in id order, with the blocks in force.
func (a AgencyData) ExportPatrons(agency ill.AgencyID, afterID int64, limit int) ([]Patron, error) {
	out, err := a.patronsWithBlocks(agency, `SELECT `+patronColumns+` FROM patrons WHERE agency = $1 AND id > $2 ORDER BY id LIMIT $3`, string(agency), afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: export patrons: %w", err)
	}
	return out, nil
}

// ImportKey is one row of import_keys.
type ImportKey struct {
	Kind     string `json:"kind"`
	External string `json:"external"`
	Ref      string `json:"ref"`
}

// AllImportKeys lists every import key of the agency, by kind and key.
func (a AgencyData) AllImportKeys(agency ill.AgencyID) ([]ImportKey, error) {
	rows, err := a.t.query(`SELECT kind, external, ref FROM import_keys WHERE agency = $1 ORDER BY kind, external`, string(agency))
	if err != nil {
		return nil, fmt.Errorf("store: import keys: %w", err)
	}
	defer rows.Close()
	var out []ImportKey
	for rows.Next() {
		var k ImportKey
		if err := rows.Scan(&k.Kind, &k.External, &k.Ref); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// ImportPatron stores a patron record made elsewhere with its dates and
// the blocks in force (each with its own date). The caller audits.
func (a AgencyData) ImportPatron(agency ill.AgencyID, p Patron, blocks []PatronBlock) (Patron, error) {
	updated := p.UpdatedAt
	var err error
	if err := a.at(p.CreatedAt, func() error { p, err = a.insertPatron(agency, p); return err }); err != nil {
		return p, err
	}
	for _, b := range blocks {
		if err := a.at(b.CreatedAt, func() error { _, err := a.AddPatronBlock(agency, p.ID, b.Source, b.Reason, 0); return err }); err != nil {
			return p, err
		}
	}
	if !updated.IsZero() {
		p.UpdatedAt = updated.UTC()
		_, err = a.t.exec(`UPDATE patrons SET updated_at = $1 WHERE id = $2 AND agency = $3`, micros(p.UpdatedAt), p.ID, string(agency))
	}
	return p, err
}

// ImportCharge stores a ledger line made elsewhere with its dates.
func (a AgencyData) ImportCharge(agency ill.AgencyID, c *Charge) error {
	updated := c.UpdatedAt
	if err := a.at(c.CreatedAt, func() error { return a.AddCharge(agency, c) }); err != nil {
		return err
	}
	if updated.IsZero() {
		return nil
	}
	c.UpdatedAt = updated.UTC()
	_, err := a.t.exec(`UPDATE charges SET updated_at = $1 WHERE id = $2 AND agency = $3`, micros(c.UpdatedAt), c.ID, string(agency))
	return err
}

// ImportCopyrightEntry stores a copyright ledger row made elsewhere with
// its dates.
func (a AgencyData) ImportCopyrightEntry(agency ill.AgencyID, e *CopyrightEntry) error {
	updated := e.UpdatedAt
	if err := a.at(e.CreatedAt, func() error { return a.AddCopyrightEntry(agency, e) }); err != nil {
		return err
	}
	if updated.IsZero() {
		return nil
	}
	e.UpdatedAt = updated.UTC()
	_, err := a.t.exec(`UPDATE copyright_ledger SET updated_at = $1 WHERE id = $2 AND agency = $3`, micros(e.UpdatedAt), e.ID, string(agency))
	return err
}
