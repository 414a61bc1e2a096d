package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"interlend/internal/copyright"
	"interlend/internal/ill"
)

// CopyrightDeclaration is a UK user's signed copyright declaration (CDPA
// s.42A), stored with its request.
type CopyrightDeclaration struct {
	ID          int64  `json:"id"`
	RequestDBID int64  `json:"-"`
	Request     string `json:"request"`
	// TextVersion and TextSHA256 name the wording the patron was shown.
	TextVersion string `json:"textVersion"`
	TextSHA256  string `json:"textSha256"`
	// Signature is the name the patron typed; "" once the request's
	// patron data is gone.
	Signature string    `json:"signature,omitempty"`
	SignedAt  time.Time `json:"signedAt"`
	CreatedAt time.Time `json:"createdAt"`
}

// Declaration is the pure package's view of it.
func (d CopyrightDeclaration) Declaration() *copyright.Declaration {
	return &copyright.Declaration{SignedAt: d.SignedAt, TextVersion: d.TextVersion}
}

// AddCopyrightDeclaration stores a request's declaration. A second one for
// the same request is a Conflict.
func (a AgencyData) AddCopyrightDeclaration(agency ill.AgencyID, d *CopyrightDeclaration) error {
	if d.RequestDBID == 0 || d.TextVersion == "" || d.SignedAt.IsZero() {
		return ill.E(ill.Invalid, "a declaration needs its request, its wording and the time it was signed")
	}
	d.CreatedAt = a.t.now
	err := a.t.queryRow(`INSERT INTO copyright_declarations (agency, request_id, request_ref, text_version, text_sha256, signature, signed_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		string(agency), d.RequestDBID, d.Request, d.TextVersion, d.TextSHA256, d.Signature, micros(d.SignedAt), micros(a.t.now)).Scan(&d.ID)
	if isUniqueViolation(err) {
		return ill.Errorf(ill.Conflict, "request %s already has a copyright declaration", d.Request)
	}
	if err != nil {
		return fmt.Errorf("store: add copyright declaration: %w", err)
	}
	return nil
}

// CopyrightDeclarationFor returns a request's declaration. Returns NotFound.
func (a AgencyData) CopyrightDeclarationFor(agency ill.AgencyID, requestID int64) (CopyrightDeclaration, error) {
	var d CopyrightDeclaration
	var req sql.NullInt64
	var signed, created int64
	err := a.t.queryRow(`SELECT id, request_id, request_ref, text_version, text_sha256, signature, signed_at, created_at
		FROM copyright_declarations WHERE agency = $1 AND request_id = $2`, string(agency), requestID).
		Scan(&d.ID, &req, &d.Request, &d.TextVersion, &d.TextSHA256, &d.Signature, &signed, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ill.E(ill.NotFound, "the request has no copyright declaration")
	}
	if err != nil {
		return d, fmt.Errorf("store: copyright declaration: %w", err)
	}
	d.RequestDBID, d.SignedAt, d.CreatedAt = req.Int64, fromMicros(signed), fromMicros(created)
	return d, nil
}

// ForgetCopyrightPatronData removes what identifies the patron in a
// request's copyright records (retention): the signature typed on the
// declaration and the pseudonym beside the ledger row. The declaration's
// wording and date, the ledger row and any copy record stay.
func (a AgencyData) ForgetCopyrightPatronData(agency ill.AgencyID, requestID int64) error {
	if _, err := a.t.exec(`UPDATE copyright_declarations SET signature = '' WHERE agency = $1 AND request_id = $2`, string(agency), requestID); err != nil {
		return fmt.Errorf("store: forget declaration signature: %w", err)
	}
	return a.ForgetCopyrightPatron(agency, requestID)
}

// Copy record sides.
const (
	CopyRecordBorrowing = "borrowing" // obtained for one of our users
	CopyRecordLending   = "lending"   // supplied to another library
)

// CopyRecord is a Canadian copy record (SOR/99-325 s.4).
type CopyRecord struct {
	ID          int64  `json:"id"`
	RequestDBID int64  `json:"-"`
	Side        string `json:"side"`
	copyright.CARecord
	SuppliedAt time.Time `json:"suppliedAt,omitzero"`
	CreatedAt  time.Time `json:"createdAt"`
}

const copyRecordColumns = `id, request_id, request_ref, side, requester, request_date, supplied_at, data, purge_after, created_at`

func scanCopyRecord(sc interface{ Scan(...any) error }) (CopyRecord, error) {
	var c CopyRecord
	var req, supplied sql.NullInt64
	var date, purge, created int64
	var ref, requester, data string
	if err := sc.Scan(&c.ID, &req, &ref, &c.Side, &requester, &date, &supplied, &data, &purge, &created); err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(data), &c.CARecord); err != nil {
		return c, fmt.Errorf("store: copy record %d: %w", c.ID, err)
	}
	c.RequestDBID, c.RequestID, c.RequesterKey = req.Int64, ref, requester
	c.Date, c.PurgeNotBefore, c.CreatedAt = fromMicros(date), fromMicros(purge), fromMicros(created)
	if supplied.Valid {
		c.SuppliedAt = fromMicros(supplied.Int64)
	}
	return c, nil
}

// AddCopyRecord stores a copy record; a second one for the same request
// is a Conflict.
func (a AgencyData) AddCopyRecord(agency ill.AgencyID, c *CopyRecord) error {
	if c.Side != CopyRecordBorrowing && c.Side != CopyRecordLending {
		return ill.Errorf(ill.Invalid, "copy record side %q", c.Side)
	}
	if c.Date.IsZero() || c.PurgeNotBefore.IsZero() {
		return ill.E(ill.Invalid, "a copy record needs its date and the date it may be purged")
	}
	data, err := json.Marshal(c.CARecord)
	if err != nil {
		return err
	}
	c.CreatedAt = a.t.now
	err = a.t.queryRow(`INSERT INTO copyright_copy_records (agency, request_id, request_ref, side, requester, request_date, supplied_at, data, purge_after, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		string(agency), sql.NullInt64{Int64: c.RequestDBID, Valid: c.RequestDBID != 0}, c.RequestID, c.Side, c.RequesterKey, micros(c.Date),
		nullMicros(c.SuppliedAt), string(data), micros(c.PurgeNotBefore), micros(a.t.now)).Scan(&c.ID)
	if isUniqueViolation(err) {
		return ill.Errorf(ill.Conflict, "request %s already has a copy record", c.RequestID)
	}
	if err != nil {
		return fmt.Errorf("store: add copy record: %w", err)
	}
	return nil
}

// MarkCopyRecordSupplied dates the supply of a request's copy (once; a
// later call keeps the first date). Returns NotFound without a record.
func (a AgencyData) MarkCopyRecordSupplied(agency ill.AgencyID, requestID int64, at time.Time) error {
	res, err := a.t.exec(`UPDATE copyright_copy_records SET supplied_at = COALESCE(supplied_at, $1) WHERE agency = $2 AND request_id = $3`,
		micros(at), string(agency), requestID)
	if err != nil {
		return fmt.Errorf("store: copy record supplied: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ill.E(ill.NotFound, "the request has no copy record")
	}
	return nil
}

// CopyRecordFor returns a request's copy record. Returns NotFound.
func (a AgencyData) CopyRecordFor(agency ill.AgencyID, requestID int64) (CopyRecord, error) {
	c, err := scanCopyRecord(a.t.queryRow(`SELECT `+copyRecordColumns+` FROM copyright_copy_records WHERE agency = $1 AND request_id = $2`, string(agency), requestID))
	if errors.Is(err, sql.ErrNoRows) {
		return c, ill.E(ill.NotFound, "the request has no copy record")
	}
	return c, err
}

// CopyRecords lists an agency's copy records made in [from, to), oldest
// first (the auditor's list).
func (a AgencyData) CopyRecords(agency ill.AgencyID, from, to time.Time) ([]CopyRecord, error) {
	rows, err := a.t.query(`SELECT `+copyRecordColumns+` FROM copyright_copy_records
		WHERE agency = $1 AND request_date >= $2 AND request_date < $3 ORDER BY request_date, id`, string(agency), micros(from), micros(to))
	if err != nil {
		return nil, fmt.Errorf("store: copy records: %w", err)
	}
	defer rows.Close()
	var out []CopyRecord
	for rows.Next() {
		c, err := scanCopyRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PurgeCopyRecords deletes the copy records whose keeping period has
// ended at now; it returns how many went.
func (a AgencyData) PurgeCopyRecords(agency ill.AgencyID, now time.Time) (int, error) {
	res, err := a.t.exec(`DELETE FROM copyright_copy_records WHERE agency = $1 AND purge_after <= $2`, string(agency), micros(now))
	if err != nil {
		return 0, fmt.Errorf("store: purge copy records: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
