package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// The lending desk's scanner work. A slip, a book band or a book is
// scanned into one box; what the scan does depends on the desk's mode:
//
//   - found: the shelver brought the item (the request moves on to
//     shipping or scanning, and the borrower hears WillSupply);
//   - not_on_shelf: it was not there (search again later);
//   - ship: it leaves today (due date from the lending policy, courier
//     and tracking id recorded, Loaned sent; with an ILS, charged out to
//     the borrowing library through the circulation steps);
//   - return: it came back (checked in, here and in the ILS; the loan
//     completes).
//
// A scanned value is a lending request's id (the Code128 on slips,
// labels and bands) or an item barcode recorded on an open request.

// ScanMode is what a scan at the lending desk does.
type ScanMode string

// Scan modes.
const (
	ScanFound      ScanMode = "found"
	ScanNotOnShelf ScanMode = "not_on_shelf"
	ScanShip       ScanMode = "ship"
	ScanReturn     ScanMode = "return"
)

// ScanModes lists the modes in desk order.
var ScanModes = []ScanMode{ScanFound, ScanNotOnShelf, ScanShip, ScanReturn}

// deskScanActions is the action each mode takes, and the states a request is
// in once that action was taken (a second scan of the same item lands in
// one of them: "already done", not "not possible").
var deskScanActions = map[ScanMode]struct {
	action ill.ActionName
	done   []ill.State
}{
	ScanFound:      {ill.ActFound, []ill.State{ill.LAwaitingShip, ill.LAwaitingScan}},
	ScanNotOnShelf: {ill.ActNotOnShelf, []ill.State{ill.LNotOnShelf}},
	ScanShip:       {ill.ActShip, []ill.State{ill.LShipped, ill.LOnLoan}},
	ScanReturn:     {ill.ActLendCheckIn, []ill.State{ill.LCompleted}},
}

// ScanInput is one scan at the lending desk.
type ScanInput struct {
	Mode ScanMode `json:"mode"`
	// Code is what the scanner typed: a request id or an item barcode.
	Code string `json:"code"`
	// Ship: courier and tracking id; DueDate overrides the policy's
	// loan period (YYYY-MM-DD).
	Courier    string `json:"courier,omitempty"`
	TrackingID string `json:"trackingId,omitempty"`
	DueDate    string `json:"dueDate,omitempty"`
	// Not on shelf: when to look again (YYYY-MM-DD; default from policy).
	SearchAgain string `json:"searchAgain,omitempty"`
	// Return: the item came back damaged; a charge for the damage (such
	// as "25.00 USD") goes to the borrowing library's account.
	Damaged    bool   `json:"damaged,omitempty"`
	DamageNote string `json:"damageNote,omitempty"`
	DamageCost string `json:"damageCost,omitempty"`
}

// ScanResult is what a scan did.
type ScanResult struct {
	Request *ill.Request `json:"request"`
	Mode    ScanMode     `json:"mode"`
	From    ill.State    `json:"from"`
	// Item is the item barcode the scan matched or recorded.
	Item string `json:"item,omitempty"`
	// Charge is the id of a damage charge written to the ledger.
	Charge int64 `json:"charge,omitempty"`
}

// ScanError says why a scan did nothing, in words for the desk. Kind is
// NotFound (unknown barcode), Conflict (already done, or not possible in
// the request's state) or Invalid.
type ScanError struct {
	Code    string
	Request string    // the request it matched, if any
	State   ill.State // its state
	Already bool      // the scan was already done (a second scan)
	Reason  string    // unknown, already, not_possible, ambiguous, invalid
}

func (e *ScanError) Error() string {
	switch e.Reason {
	case "unknown":
		return fmt.Sprintf("%q is not a lending request or an item on an open request here", e.Code)
	case "already":
		return fmt.Sprintf("%s was already scanned: it is %s; nothing changed", e.Request, e.State)
	case "ambiguous":
		return fmt.Sprintf("item %s is on more than one open request; scan the request's slip instead", e.Code)
	}
	return fmt.Sprintf("%s is %s: this scan is not possible now; nothing changed", e.Request, e.State)
}

// LendingScan carries out one scan at the lending desk in one
// transaction. Nothing changes on error: an unknown code (NotFound), a
// second scan of the same item, or a request in a state the mode does
// not apply to (Conflict, wrapping *ScanError), bad inputs (Invalid).
func (a *App) LendingScan(ctx context.Context, actor ill.Actor, in ScanInput) (ScanResult, error) {
	var res ScanResult
	spec, ok := deskScanActions[in.Mode]
	if !ok {
		return res, ill.E(ill.Invalid, "choose what the scan does: found, not_on_shelf, ship or return", map[string]string{"mode": "unknown mode"})
	}
	code := strings.TrimSpace(in.Code)
	if code == "" || len(code) > 100 {
		return res, ill.E(ill.Invalid, "scan a request or item barcode", map[string]string{"code": "required, at most 100 characters"})
	}
	var damage ill.Money
	if in.Damaged && strings.TrimSpace(in.DamageCost) != "" {
		m, err := parseMoney(in.DamageCost)
		if err != nil {
			return res, ill.E(ill.Invalid, "the damage charge needs correcting", map[string]string{"damageCost": err.Error()})
		}
		damage = m
	}
	err := a.write(ctx, func(tx *store.Tx) error {
		r, item, err := a.resolveScan(tx, actor, code)
		if err != nil {
			return err
		}
		res = ScanResult{Request: r, Mode: in.Mode, From: r.State, Item: item}
		if slices.Contains(spec.done, r.State) {
			se := &ScanError{Code: code, Request: r.PublicID, State: r.State, Already: true, Reason: "already"}
			return ill.E(ill.Conflict, se.Error(), error(se))
		}
		params := map[string]any{}
		switch in.Mode {
		case ScanShip:
			set, err := LendingOpsSetting.GetTx(tx, actor.Agency)
			if err != nil {
				return err
			}
			courier := strings.TrimSpace(in.Courier)
			if courier == "" {
				courier = set.Courier
			}
			if courier != "" {
				params["courier"] = courier
			}
			if in.TrackingID != "" {
				params["trackingId"] = in.TrackingID
			}
			if in.DueDate != "" {
				params["dueDate"] = in.DueDate
			}
			if item == "" && len(r.Items) > 0 {
				item = r.Items[0].Barcode
			}
			if item == "" && r.ServiceType != ill.Copy {
				// The copy the catalog or the ILS chose for the request.
				c, err := slipCopy(tx, r)
				if err != nil {
					return err
				}
				item = c.Barcode
			}
			if item != "" {
				params["barcode"] = item
				res.Item = item
			}
		case ScanNotOnShelf:
			if in.SearchAgain != "" {
				params["searchAgain"] = in.SearchAgain
			}
		case ScanReturn:
			if item != "" {
				params["barcode"] = item
			}
		}
		if err := a.perform(tx, actor, r, spec.action, params, 0); err != nil {
			if ill.KindOf(err) == ill.Conflict {
				se := &ScanError{Code: code, Request: r.PublicID, State: r.State, Reason: "not_possible"}
				return ill.E(ill.Conflict, se.Error(), error(se))
			}
			return err
		}
		if in.Mode == ScanReturn && in.Damaged {
			id, err := a.recordDamage(tx, actor, r, damage, in.DamageNote)
			if err != nil {
				return err
			}
			res.Charge = id
		}
		return nil
	})
	if err != nil {
		return ScanResult{}, err
	}
	return res, nil
}

// resolveScan finds the open lending request a scanned code names: its
// public id (or a closed one, so that a second return scan says
// "already"), else an item barcode recorded on exactly one open lending
// request. It returns the request locked, and the item barcode matched.
func (a *App) resolveScan(tx *store.Tx, actor ill.Actor, code string) (*ill.Request, string, error) {
	if err := actor.Require(actor.Agency, ill.PermScan); err != nil {
		return nil, "", err
	}
	r, err := tx.Agency().LockRequest(actor.Agency, strings.ToUpper(code))
	switch {
	case err == nil && r.Side == ill.Lending:
		return r, "", nil
	case err != nil && !ill.Is(err, ill.NotFound):
		return nil, "", err
	}
	unknown := func() error {
		se := &ScanError{Code: code, Reason: "unknown"}
		return ill.E(ill.NotFound, se.Error(), error(se))
	}
	if strings.ContainsAny(code, `"%_\`) {
		return nil, "", unknown()
	}
	match := func(open bool) ([]*ill.Request, error) {
		rs, _, err := tx.Agency().ListRequests(actor.Agency, store.RequestFilter{Side: ill.Lending, Open: open, Query: code, Sort: "created", Limit: 20})
		if err != nil {
			return nil, err
		}
		var out []*ill.Request
		for _, r := range rs {
			if hasBarcode(r.Items, code) {
				out = append(out, r)
			}
		}
		return out, nil
	}
	rs, err := match(true)
	if err != nil {
		return nil, "", err
	}
	if len(rs) == 0 {
		// A second return scan: the item's request has just closed.
		if rs, err = match(false); err != nil {
			return nil, "", err
		}
		if len(rs) == 0 {
			return nil, "", unknown()
		}
		rs = rs[:1]
	}
	if len(rs) > 1 {
		se := &ScanError{Code: code, Reason: "ambiguous"}
		return nil, "", ill.E(ill.Conflict, se.Error(), error(se))
	}
	r, err = tx.Agency().LockRequest(actor.Agency, rs[0].PublicID)
	return r, code, err
}

// ShipRequests is the batch form of a ship scan, for the API and batch
// actions: each request is shipped in its own transaction, and the
// result says, per request, what happened.
func (a *App) ShipRequests(ctx context.Context, actor ill.Actor, ids []string, in ScanInput) ([]ScanResult, []error) {
	res := make([]ScanResult, len(ids))
	errs := make([]error, len(ids))
	for i, id := range ids {
		one := in
		one.Mode, one.Code = ScanShip, id
		res[i], errs[i] = a.LendingScan(ctx, actor, one)
	}
	return res, errs
}

// dayText formats a due or need-by date for paper (the caller may give a
// formatter for the reader's language).
func dayText(t time.Time, f func(time.Time) string) string {
	if t.IsZero() {
		return ""
	}
	if f != nil {
		return f(t)
	}
	return t.UTC().Format("2006-01-02")
}
