package store

import (
	"database/sql"
	"errors"
	"time"

	"interlend/internal/ill"
)

// ChargeType says what a charge is for.
type ChargeType string

// Charge types.
const (
	ChargeLender      ChargeType = "lender_charge"
	ChargeShipping    ChargeType = "shipping"
	ChargeInsurance   ChargeType = "insurance"
	ChargeReplacement ChargeType = "replacement"
	ChargeRoyalty     ChargeType = "copyright_royalty"
	ChargePatronFee   ChargeType = "patron_fee"
)

// ChargeStatus is where a charge is in its life.
type ChargeStatus string

// Charge statuses.
const (
	ChargeQuoted   ChargeStatus = "quoted"
	ChargeAccepted ChargeStatus = "accepted"
	ChargeInvoiced ChargeStatus = "invoiced"
	ChargePaid     ChargeStatus = "paid"
	ChargeWaived   ChargeStatus = "waived"
	ChargeDisputed ChargeStatus = "disputed"
)

// Charge is one line of the charges ledger: every money figure in
// Interlend is read from and written to this ledger.
type Charge struct {
	ID            int64        `json:"id"`
	Agency        ill.AgencyID `json:"agency"`
	RequestID     int64        `json:"-"`
	Request       string       `json:"request,omitempty"` // public id
	Type          ChargeType   `json:"type"`
	Amount        ill.Money    `json:"amount"`
	Payer         string       `json:"payer"` // an agency id, or "patron"
	Payee         string       `json:"payee"`
	BillingMethod string       `json:"billingMethod,omitempty"` // ISO 18626 billingMethod: Account, FreeOfCharge, Invoice, ...
	PaymentMethod string       `json:"paymentMethod,omitempty"` // ISO 18626 paymentMethod: IFM, IFLAVoucher, ...
	Status        ChargeStatus `json:"status"`
	Note          string       `json:"note,omitempty"`
	Reference     string       `json:"reference,omitempty"` // invoice number, royalty reference
	CreatedBy     int64        `json:"-"`
	CreatedAt     time.Time    `json:"createdAt"`
	UpdatedAt     time.Time    `json:"updatedAt"`
}

// AddCharge writes a ledger line.
func (a AgencyData) AddCharge(agency ill.AgencyID, c *Charge) error {
	c.Agency, c.CreatedAt, c.UpdatedAt = agency, a.t.now, a.t.now
	return a.t.queryRow(`INSERT INTO charges (agency, request_id, type, amount, currency, payer, payee, billing_method, payment_method, status, note, reference, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
		string(agency), sql.NullInt64{Int64: c.RequestID, Valid: c.RequestID != 0}, string(c.Type), c.Amount.Minor, c.Amount.Currency,
		c.Payer, c.Payee, c.BillingMethod, c.PaymentMethod, string(c.Status), c.Note, c.Reference,
		sql.NullInt64{Int64: c.CreatedBy, Valid: c.CreatedBy != 0}, micros(a.t.now)).Scan(&c.ID)
}

const chargeColumns = `c.id, c.agency, c.request_id, coalesce(r.public_id, ''), c.type, c.amount, c.currency, c.payer, c.payee, c.billing_method, c.payment_method, c.status, c.note, c.reference, c.created_by, c.created_at, c.updated_at`

func scanCharge(sc interface{ Scan(...any) error }) (Charge, error) {
	var c Charge
	var agency, typ, status string
	var req, by sql.NullInt64
	var created, updated int64
	err := sc.Scan(&c.ID, &agency, &req, &c.Request, &typ, &c.Amount.Minor, &c.Amount.Currency, &c.Payer, &c.Payee, &c.BillingMethod, &c.PaymentMethod, &status, &c.Note, &c.Reference, &by, &created, &updated)
	c.Agency, c.RequestID, c.Type, c.Status, c.CreatedBy = ill.AgencyID(agency), req.Int64, ChargeType(typ), ChargeStatus(status), by.Int64
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	return c, err
}

// Charges lists an agency's ledger lines for one request (requestID > 0)
// or all, oldest first.
func (a AgencyData) Charges(agency ill.AgencyID, requestID int64) ([]Charge, error) {
	q := `SELECT ` + chargeColumns + ` FROM charges c LEFT JOIN requests r ON r.id = c.request_id WHERE c.agency = $1`
	args := []any{string(agency)}
	if requestID > 0 {
		q += ` AND c.request_id = $2`
		args = append(args, requestID)
	}
	rows, err := a.t.query(q+` ORDER BY c.id`, args...)
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

// SetChargeStatus moves a charge to a new status (invoiced, paid, waived,
// disputed) with an optional reference. Returns NotFound.
func (a AgencyData) SetChargeStatus(agency ill.AgencyID, id int64, status ChargeStatus, reference string) error {
	err := a.t.execOne(ill.Errorf(ill.NotFound, "no charge %d", id),
		`UPDATE charges SET status = $1, reference = CASE WHEN $2 = '' THEN reference ELSE $2 END, updated_at = $3 WHERE id = $4 AND agency = $5`,
		string(status), reference, micros(a.t.now), id, string(agency))
	if errors.Is(err, sql.ErrNoRows) {
		return ill.Errorf(ill.NotFound, "no charge %d", id)
	}
	return err
}
