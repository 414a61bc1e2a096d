package app

import (
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/store"
)

// stepContext is what a step's inputs are built from, read in one
// transaction before the ILS is called.
type stepContext struct {
	r        *ill.Request
	steps    []store.CirculationStep
	settings ils.Settings
	patron   store.Patron // zero when the request names no patron record
	policy   Policy
	now      time.Time
	copies   localCopies // lending: the copies the local catalog lists
}

// readStepContext loads a request and what its steps need.
func (a *App) readStepContext(tx *store.Tx, agency ill.AgencyID, publicID string) (*stepContext, error) {
	r, err := tx.Agency().GetRequest(agency, publicID)
	if err != nil {
		return nil, err
	}
	c := &stepContext{r: r, policy: a.policyFor(tx, agency), now: tx.Now()}
	if c.steps, err = tx.Agency().CirculationSteps(agency, r.ID); err != nil {
		return nil, err
	}
	if c.settings, err = ILSSetting.GetTx(tx, agency); err != nil {
		return nil, err
	}
	if r.PatronID != 0 {
		p, err := tx.Agency().Patron(agency, r.PatronID)
		if err != nil && !ill.Is(err, ill.NotFound) {
			return nil, err
		}
		c.patron = p
	}
	return c, nil
}

// patronIdent is the patron's id as the ILS knows it: the one LookupUser
// answered with, else the record's barcode (or its ILS id when the
// settings identify patrons otherwise).
func (c *stepContext) patronIdent() string {
	if s, ok := findStep(c.steps, ils.LookupUser); ok && s.Data["patron"] != "" {
		return s.Data["patron"]
	}
	return recordIdent(c.settings, c.patron)
}

func recordIdent(s ils.Settings, p store.Patron) string {
	t := strings.TrimSpace(s.UserIDType)
	if t != "" && !strings.EqualFold(t, "Barcode") && p.ILSID != "" {
		return p.ILSID
	}
	return p.Barcode
}

// patronDue is the patron's due date: the one set at check-out, else the
// lender's due date less the return transit time (not before today), else
// the policy's patron loan period — as the check-out will set it.
func (c *stepContext) patronDue() time.Time {
	r := c.r
	switch {
	case !r.PatronDue.IsZero():
		return r.PatronDue
	case !r.LenderDue.IsZero():
		due := endOfDay(r.LenderDue.Add(-c.policy.ReturnTransit))
		if due.Before(c.now) {
			due = endOfDay(c.now)
		}
		return due
	}
	return endOfDay(c.now.Add(c.policy.PatronLoan))
}

// pickup is where the patron collects the item: the request's pickup
// location, else the patron's default ("" lets the settings decide).
func (c *stepContext) pickup() string {
	if c.r.PickupLocation != "" {
		return c.r.PickupLocation
	}
	return c.patron.PickupLocation
}

// receivedBarcode is the barcode the loan arrived with (scanned at receipt
// or sent by the lender), if any.
func (c *stepContext) receivedBarcode() string {
	for _, it := range c.r.Items {
		if it.Barcode != "" {
			return it.Barcode
		}
	}
	return ""
}

// tempItem is the temporary item AcceptItem made (or staff made by hand).
func (c *stepContext) tempItem() string {
	if s, ok := findStep(c.steps, ils.AcceptItem); ok && s.State.Completed() {
		return s.ItemID
	}
	return ""
}

// institution is the borrowing library's account in our ILS (lending).
func (c *stepContext) institution() string {
	return c.settings.InstitutionalUserFor(c.r.Partner)
}

// lentItem is the copy we lend: the one checked out, else the barcode
// shipped, else the copy the hold or the availability check found.
func (c *stepContext) lentItem() string {
	if s, ok := findStep(c.steps, ils.CheckOutItem); ok && s.ItemID != "" {
		return s.ItemID
	}
	if b := c.receivedBarcode(); b != "" {
		return b
	}
	if s, ok := findStep(c.steps, ils.RequestItem); ok && s.ItemID != "" {
		return s.ItemID
	}
	if s, ok := findStep(c.steps, ils.LookupItem); ok && s.Data["available"] == "yes" {
		return s.ItemID
	}
	return ""
}

// holdPlaced reports whether RequestItem placed a hold for the request.
func (c *stepContext) holdPlaced() bool {
	s, ok := findStep(c.steps, ils.RequestItem)
	return ok && s.State == store.StepDone && s.Data["via"] == viaILS
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}
