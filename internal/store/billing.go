package store

import (
	"database/sql"
	"errors"
	"time"

	"interlend/internal/ill"
)

// Billing (docs/billing.md): the ledger by period, received invoices and
// patrons' overdue escalation.

// ChargesBetween lists an agency's ledger lines written in [from, to),
// oldest first.
func (a AgencyData) ChargesBetween(agency ill.AgencyID, from, to time.Time) ([]Charge, error) {
	rows, err := a.t.query(`SELECT `+chargeColumns+` FROM charges c LEFT JOIN requests r ON r.id = c.request_id
		WHERE c.agency = $1 AND c.created_at >= $2 AND c.created_at < $3 ORDER BY c.created_at, c.id`,
		string(agency), micros(from), micros(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Charge
	for rows.Next() {
		c, err := scanCharge(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Charge reads one ledger line. Returns NotFound.
func (a AgencyData) Charge(agency ill.AgencyID, id int64) (Charge, error) {
	c, err := scanCharge(a.t.queryRow(`SELECT `+chargeColumns+` FROM charges c LEFT JOIN requests r ON r.id = c.request_id
		WHERE c.agency = $1 AND c.id = $2`, string(agency), id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, ill.Errorf(ill.NotFound, "no charge %d", id)
	}
	return c, err
}

// AddDatedCharge writes a ledger line dated c.CreatedAt (now when zero):
// history imports and the demo's month of charges.
func (a AgencyData) AddDatedCharge(agency ill.AgencyID, c *Charge) error {
	at := c.CreatedAt
	if at.IsZero() {
		at = a.t.now
	}
	if err := a.AddCharge(agency, c); err != nil {
		return err
	}
	c.CreatedAt, c.UpdatedAt = at, at
	_, err := a.t.exec(`UPDATE charges SET created_at = $1, updated_at = $1 WHERE id = $2 AND agency = $3`, micros(at), c.ID, string(agency))
	return err
}

// ReceivedInvoice is an invoice a partner sent, as imported, with its
// comparison against the ledger (Data: JSON differences per request).
type ReceivedInvoice struct {
	ID        int64     `json:"id"`
	Partner   string    `json:"partner"`
	Number    string    `json:"number"`
	Lines     int       `json:"lines"`
	Flagged   int       `json:"flagged"`
	Data      []byte    `json:"-"`
	CreatedBy int64     `json:"-"`
	CreatedAt time.Time `json:"createdAt"`
}

// AddReceivedInvoice stores a received invoice.
func (a AgencyData) AddReceivedInvoice(agency ill.AgencyID, in *ReceivedInvoice) error {
	in.CreatedAt = a.t.now
	return a.t.queryRow(`INSERT INTO received_invoices (agency, partner, number, lines, flagged, data, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, string(agency), in.Partner, in.Number, in.Lines, in.Flagged, string(in.Data),
		sql.NullInt64{Int64: in.CreatedBy, Valid: in.CreatedBy != 0}, micros(a.t.now)).Scan(&in.ID)
}

// ReceivedInvoices lists an agency's received invoices, newest first (at
// most limit; 0 means 100).
func (a AgencyData) ReceivedInvoices(agency ill.AgencyID, limit int) ([]ReceivedInvoice, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := a.t.query(`SELECT id, partner, number, lines, flagged, data, created_by, created_at FROM received_invoices
		WHERE agency = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, string(agency), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReceivedInvoice
	for rows.Next() {
		var in ReceivedInvoice
		var data string
		var by sql.NullInt64
		var at int64
		if err := rows.Scan(&in.ID, &in.Partner, &in.Number, &in.Lines, &in.Flagged, &data, &by, &at); err != nil {
			return nil, err
		}
		in.Data, in.CreatedBy, in.CreatedAt = []byte(data), by.Int64, fromMicros(at)
		out = append(out, in)
	}
	return out, rows.Err()
}

// Escalation is how far a borrowing request's overdue escalation went.
type Escalation struct {
	RequestID int64     `json:"-"`
	Request   string    `json:"request"` // public id (when listed)
	Done      int       `json:"done"`    // steps of the ladder taken
	LastStep  string    `json:"lastStep"`
	BlockID   int64     `json:"blockId,omitempty"`
	ChargeID  int64     `json:"chargeId,omitempty"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Escalation reads a request's escalation; a request not escalated has
// the zero value.
func (a AgencyData) Escalation(agency ill.AgencyID, requestID int64) (Escalation, error) {
	e := Escalation{RequestID: requestID}
	var block, charge sql.NullInt64
	var at int64
	err := a.t.queryRow(`SELECT done, last_step, block_id, charge_id, updated_at FROM patron_escalations WHERE agency = $1 AND request_id = $2`,
		string(agency), requestID).Scan(&e.Done, &e.LastStep, &block, &charge, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return e, nil
	}
	e.BlockID, e.ChargeID, e.UpdatedAt = block.Int64, charge.Int64, fromMicros(at)
	return e, err
}

// PutEscalation records a request's escalation. Returns NotFound for a
// request not in the agency.
func (a AgencyData) PutEscalation(agency ill.AgencyID, e *Escalation) error {
	var n int
	if err := a.t.queryRow(`SELECT count(*) FROM requests WHERE id = $1 AND agency = $2`, e.RequestID, string(agency)).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return ill.Errorf(ill.NotFound, "no request %d", e.RequestID)
	}
	e.UpdatedAt = a.t.now
	_, err := a.t.exec(`INSERT INTO patron_escalations (agency, request_id, done, last_step, block_id, charge_id, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (agency, request_id) DO UPDATE SET done = excluded.done, last_step = excluded.last_step,
			block_id = excluded.block_id, charge_id = excluded.charge_id, updated_at = excluded.updated_at`,
		string(agency), e.RequestID, e.Done, e.LastStep, sql.NullInt64{Int64: e.BlockID, Valid: e.BlockID != 0},
		sql.NullInt64{Int64: e.ChargeID, Valid: e.ChargeID != 0}, micros(a.t.now))
	return err
}

// PatronEscalations lists the escalations of a patron's requests, newest
// first.
func (a AgencyData) PatronEscalations(agency ill.AgencyID, patronID int64) ([]Escalation, error) {
	rows, err := a.t.query(`SELECT e.request_id, r.public_id, e.done, e.last_step, e.block_id, e.charge_id, e.updated_at
		FROM patron_escalations e JOIN requests r ON r.id = e.request_id AND r.agency = e.agency
		WHERE e.agency = $1 AND r.patron_id = $2 ORDER BY e.updated_at DESC, e.request_id DESC`, string(agency), patronID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Escalation
	for rows.Next() {
		var e Escalation
		var block, charge sql.NullInt64
		var at int64
		if err := rows.Scan(&e.RequestID, &e.Request, &e.Done, &e.LastStep, &block, &charge, &at); err != nil {
			return nil, err
		}
		e.BlockID, e.ChargeID, e.UpdatedAt = block.Int64, charge.Int64, fromMicros(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
