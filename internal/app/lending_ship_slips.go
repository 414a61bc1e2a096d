package app

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"interlend/internal/catalog"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/marc"
	"interlend/internal/pdf"
	"interlend/internal/store"
)

// Paper for the lending desk: pull slips, shipping labels and book bands.

// maxPrintBatch bounds one batch of slips, labels or bands.
const maxPrintBatch = 500

// PrintOptions say how paper prints.
type PrintOptions struct {
	Paper   pdf.Paper      // slips and bands: a4 (default) or letter
	PerPage int            // slips: 2, 3 (default) or 4
	Stock   pdf.LabelStock // labels: 4x6, a4, letter ("" = the agency's setting)
	Labels  pdf.Labels     // captions in the reader's language (empty: English)
	// Date formats dates for the reader (nil: YYYY-MM-DD).
	Date func(time.Time) string
}

// Printed is a printed batch.
type Printed struct {
	PDF []byte
	// Requests are the requests printed, in print order.
	Requests []string
	// Marked are the requests that moved to "pulled" (slips only).
	Marked []string
}

// SlipCopy is the local copy a pull slip sends the shelver to.
type SlipCopy struct {
	Barcode, CallNumber, Location, Branch string
}

// slipCopy finds the copy to pull: the item already recorded on the
// request, else the one the ILS chose or reported (LookupItem,
// RequestItem), else the first lendable copy of the local catalog.
func slipCopy(tx *store.Tx, r *ill.Request) (SlipCopy, error) {
	var want string
	if len(r.Items) > 0 {
		want = r.Items[0].Barcode
	}
	var fromILS SlipCopy
	steps, err := tx.Agency().CirculationSteps(r.Agency, r.ID)
	if err != nil {
		return SlipCopy{}, err
	}
	for _, svc := range []ils.Service{ils.RequestItem, ils.LookupItem} {
		if s, ok := findStep(steps, svc); ok && s.ItemID != "" && fromILS.Barcode == "" {
			fromILS = SlipCopy{Barcode: s.ItemID, CallNumber: s.Data["callNumber"], Location: s.Data["location"]}
		}
	}
	if want == "" {
		want = fromILS.Barcode
	}
	recs, err := tx.Network().CatalogByIdentifiers(catalog.CitationIdentifiers(r.Citation), 20)
	if err != nil {
		return SlipCopy{}, err
	}
	mine := recs[:0]
	for _, rec := range recs {
		if rec.Holder == r.Agency {
			mine = append(mine, rec)
		}
	}
	if err := tx.Network().LoadCatalogItems(mine); err != nil {
		return SlipCopy{}, err
	}
	var best *marc.Item
	for _, rec := range mine {
		for i := range rec.Items {
			it := &rec.Items[i]
			switch {
			case want != "" && it.Barcode == want:
				return SlipCopy{Barcode: it.Barcode, CallNumber: cmp.Or(it.CallNumber, fromILS.CallNumber), Location: cmp.Or(it.Location, fromILS.Location), Branch: it.Branch}, nil
			case best == nil && it.Lendable && !it.OnLoan:
				best = it
			}
		}
	}
	if want == "" && best != nil {
		return SlipCopy{Barcode: best.Barcode, CallNumber: best.CallNumber, Location: best.Location, Branch: best.Branch}, nil
	}
	if fromILS.Barcode == "" && want != "" {
		fromILS.Barcode = want
	}
	return fromILS, nil
}

// PullSlipRequests are the requests whose slips wait to be printed,
// oldest need-by date first.
func (a *App) PullSlipRequests(ctx context.Context, actor ill.Actor) ([]*ill.Request, error) {
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return nil, err
	}
	var out []*ill.Request
	err := a.read(ctx, func(tx *store.Tx) (err error) {
		out, _, err = tx.Agency().ListRequests(actor.Agency, store.RequestFilter{Side: ill.Lending, States: []ill.State{ill.LAwaitingSlip}, Sort: "need_before", Limit: maxPrintBatch})
		return err
	})
	return out, err
}

type slipRow struct {
	r    *ill.Request
	copy SlipCopy
}

// PrintPullSlips prints the pull slips of the given lending requests (all
// awaiting a slip when ids is empty), sorted by branch, location and call
// number as a shelver walks the stacks, and marks those awaiting a slip as
// printed (pulled) — after the PDF is made, so a failure marks nothing. A
// slip printed again for a pulled or not-on-shelf request is recorded as a
// reprint. Returns Invalid (empty or too large a batch, or a request that
// is not waiting to be pulled), NotFound or Forbidden.
func (a *App) PrintPullSlips(ctx context.Context, actor ill.Actor, ids []string, o PrintOptions) (Printed, error) {
	if err := actor.Require(actor.Agency, ill.PermScan); err != nil {
		return Printed{}, err
	}
	if len(ids) > maxPrintBatch {
		return Printed{}, ill.Errorf(ill.Invalid, "at most %d slips a batch", maxPrintBatch)
	}
	var rows []slipRow
	names := map[ill.AgencyID]string{}
	err := a.read(ctx, func(tx *store.Tx) error {
		rs, err := a.loadLending(tx, actor, ids, []ill.State{ill.LAwaitingSlip}, []ill.State{ill.LAwaitingSlip, ill.LPulled, ill.LNotOnShelf})
		if err != nil {
			return err
		}
		rows = make([]slipRow, 0, len(rs))
		for _, r := range rs {
			c, err := slipCopy(tx, r)
			if err != nil {
				return err
			}
			rows = append(rows, slipRow{r: r, copy: c})
			if _, ok := names[r.Partner]; !ok {
				names[r.Partner] = partnerName(tx, r.Partner)
			}
		}
		return nil
	})
	if err != nil {
		return Printed{}, err
	}
	if len(rows) == 0 {
		return Printed{}, ill.E(ill.Invalid, "no pull slips are waiting to be printed")
	}
	slices.SortStableFunc(rows, func(x, y slipRow) int {
		return cmp.Or(
			cmp.Compare(strings.ToLower(x.copy.Branch), strings.ToLower(y.copy.Branch)),
			cmp.Compare(strings.ToLower(x.copy.Location), strings.ToLower(y.copy.Location)),
			compareCallNumbers(x.copy.CallNumber, y.copy.CallNumber),
			cmp.Compare(x.r.PublicID, y.r.PublicID))
	})
	batch := pdf.PullSlipBatch{Paper: o.Paper, PerPage: o.PerPage, Labels: o.Labels}
	out := Printed{}
	for _, row := range rows {
		r, c := row.r, row.copy
		title, vol := r.Citation.Title, r.Citation.Volume
		if r.Citation.ArticleTitle != "" {
			title = r.Citation.ArticleTitle + " — " + cmp.Or(r.Citation.JournalTitle, r.Citation.Title)
		}
		if r.Citation.Issue != "" {
			vol = strings.TrimSpace(vol + " (" + r.Citation.Issue + ")")
		}
		borrower := names[r.Partner]
		if borrower == "" {
			borrower = string(r.Partner)
		} else {
			borrower += " (" + string(r.Partner) + ")"
		}
		batch.Slips = append(batch.Slips, pdf.PullSlip{RequestID: r.PublicID, ItemBarcode: c.Barcode, CallNumber: c.CallNumber,
			Location: c.Location, Branch: c.Branch, Title: title, Author: r.Citation.Author, Volume: vol, Pages: r.Citation.Pages,
			Borrower: borrower, NeedBefore: dayText(r.NeedBefore, o.Date), Service: string(r.ServiceType), Note: serviceLevelNote(r)})
		out.Requests = append(out.Requests, r.PublicID)
	}
	doc, err := pdf.PullSlips(batch)
	if err != nil {
		return Printed{}, ill.E(ill.Invalid, "the pull slips cannot be printed: "+err.Error(), err)
	}
	out.PDF = doc
	err = a.write(ctx, func(tx *store.Tx) error {
		out.Marked = out.Marked[:0]
		for _, row := range rows {
			r, err := tx.Agency().LockRequest(actor.Agency, row.r.PublicID)
			if err != nil {
				return err
			}
			if r.State != ill.LAwaitingSlip {
				if err := a.event(tx, r, actor, "pull_slip_reprinted", "print_slip", map[string]any{"item": row.copy.Barcode}, 0); err != nil {
					return err
				}
				continue
			}
			// The copy the slip names is the one a scan of its barcode
			// finds later, and the one shipped.
			if row.copy.Barcode != "" && !hasBarcode(r.Items, row.copy.Barcode) && r.ServiceType != ill.Copy {
				r.Items = append(r.Items, ill.Item{Barcode: row.copy.Barcode})
			}
			if err := a.perform(tx, actor, r, ill.ActPrintSlip, nil, 0); err != nil {
				return err
			}
			out.Marked = append(out.Marked, r.PublicID)
		}
		return nil
	})
	if err != nil {
		return Printed{}, err
	}
	return out, nil
}

// serviceLevelNote prints a rush service level on the slip.
func serviceLevelNote(r *ill.Request) string {
	switch r.ServiceLevel {
	case "", "Normal", "SecondaryMail", "Standard":
		return ""
	}
	return r.ServiceLevel
}

// compareCallNumbers orders call numbers as shelves do: runs of digits by
// their value, the rest by letters, ignoring case.
func compareCallNumbers(a, b string) int {
	ta, tb := callTokens(a), callTokens(b)
	for i := range min(len(ta), len(tb)) {
		x, y := ta[i], tb[i]
		xd, yd := isDigits(x), isDigits(y)
		switch {
		case xd && yd:
			x, y = strings.TrimLeft(x, "0"), strings.TrimLeft(y, "0")
			if c := cmp.Compare(len(x), len(y)); c != 0 {
				return c
			}
			if c := cmp.Compare(x, y); c != 0 {
				return c
			}
		default:
			if c := cmp.Compare(strings.ToLower(x), strings.ToLower(y)); c != 0 {
				return c
			}
		}
	}
	return cmp.Compare(len(ta), len(tb))
}

func callTokens(s string) []string {
	var out []string
	cur, digits := "", false
	for _, r := range s {
		d := r >= '0' && r <= '9'
		alnum := d || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127
		if !alnum {
			if cur != "" {
				out = append(out, cur)
			}
			cur = ""
			continue
		}
		if cur != "" && d != digits {
			out = append(out, cur)
			cur = ""
		}
		cur += string(r)
		digits = d
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

func isDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

// loadLending loads the actor's lending requests by id; with no ids, every
// request in the states of all. Each named request must be in one of
// allowed. Returns Invalid naming the request that is not.
func (a *App) loadLending(tx *store.Tx, actor ill.Actor, ids []string, all, allowed []ill.State) ([]*ill.Request, error) {
	if len(ids) == 0 {
		rs, _, err := tx.Agency().ListRequests(actor.Agency, store.RequestFilter{Side: ill.Lending, States: all, Sort: "need_before", Limit: maxPrintBatch})
		return rs, err
	}
	seen := map[string]bool{}
	var out []*ill.Request
	for _, id := range ids {
		id = strings.ToUpper(strings.TrimSpace(id))
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		r, err := a.loadForActor(tx, actor, id, false)
		if err != nil {
			return nil, err
		}
		if r.Side != ill.Lending {
			return nil, notFound(id)
		}
		if !slices.Contains(allowed, r.State) {
			return nil, ill.E(ill.Invalid, "request "+id+" is "+string(r.State)+": not printed", map[string]string{"ids": id})
		}
		out = append(out, r)
	}
	return out, nil
}

// partnerName is a library's directory name, or "" when it has none.
func partnerName(tx *store.Tx, id ill.AgencyID) string {
	if id == "" {
		return ""
	}
	e, err := tx.Network().LookupLibrary(string(id))
	if err != nil {
		return ""
	}
	return e.Name
}

// addressLines are a directory address for a label, name first.
func addressLines(name string, ad directory.Address) []string {
	out := []string{name}
	for _, s := range []string{ad.Name, ad.Line1, ad.Line2} {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	city := strings.TrimSpace(strings.Join(slices.DeleteFunc([]string{ad.PostalCode, ad.Locality, ad.Region}, func(s string) bool { return strings.TrimSpace(s) == "" }), " "))
	if city != "" {
		out = append(out, city)
	}
	if ad.Country != "" {
		out = append(out, ad.Country)
	}
	return out
}

// libraryAddress finds a library's address for a purpose in the
// directory (falling back to its shipping address), and its name.
func libraryAddress(tx *store.Tx, id ill.AgencyID, purposes ...directory.AddressPurpose) (string, directory.Address, bool) {
	e, err := tx.Network().LookupLibrary(string(id))
	if err != nil {
		return string(id), directory.Address{}, false
	}
	for _, p := range purposes {
		if ad, ok := e.Address(p); ok {
			return cmp.Or(e.Name, string(id)), ad, true
		}
	}
	return cmp.Or(e.Name, string(id)), directory.Address{}, false
}

// labelAddresses returns where a parcel goes (the borrower's shipping
// address from the directory, else the address the request gave) and
// where it comes back to (our returns address, else our shipping one),
// and the customs line when they are in different countries.
func labelAddresses(tx *store.Tx, r *ill.Request, customs string) (shipTo, returnTo []string, customsLine string) {
	name, ad, ok := libraryAddress(tx, r.Partner, directory.AddressShipping)
	if !ok && r.DeliveryAddr.Line1 != "" {
		d := r.DeliveryAddr
		ad, ok = directory.Address{Name: d.Name, Line1: d.Line1, Line2: d.Line2, Locality: d.Locality, Region: d.Region, PostalCode: d.PostalCode, Country: d.Country}, true
	}
	shipTo = addressLines(name, ad)
	ourName, ours, okOurs := libraryAddress(tx, r.Agency, directory.AddressReturns, directory.AddressShipping)
	if okOurs {
		returnTo = addressLines(ourName, ours)
	} else {
		returnTo = []string{ourName}
	}
	if ok && okOurs && ad.Country != "" && ours.Country != "" && !strings.EqualFold(ad.Country, ours.Country) {
		customsLine = customs
	}
	return shipTo, returnTo, customsLine
}

// PrintShippingLabels prints shipping labels for lending loans awaiting
// shipping or shipped (every request shipped today when ids is empty),
// on the stock asked for or the agency's default. Returns Invalid,
// NotFound or Forbidden.
func (a *App) PrintShippingLabels(ctx context.Context, actor ill.Actor, ids []string, o PrintOptions) (Printed, error) {
	if err := actor.Require(actor.Agency, ill.PermScan); err != nil {
		return Printed{}, err
	}
	if len(ids) > maxPrintBatch {
		return Printed{}, ill.Errorf(ill.Invalid, "at most %d labels a batch", maxPrintBatch)
	}
	batch := pdf.ShippingLabelBatch{Stock: o.Stock, Labels: o.Labels}
	var out Printed
	err := a.read(ctx, func(tx *store.Tx) error {
		set, err := LendingOpsSetting.GetTx(tx, actor.Agency)
		if err != nil {
			return err
		}
		if batch.Stock == "" {
			batch.Stock = pdf.LabelStock(set.LabelStock)
		}
		rs, err := a.loadLending(tx, actor, ids, []ill.State{ill.LAwaitingShip}, []ill.State{ill.LAwaitingShip, ill.LShipped, ill.LOnLoan, ill.LRenewRequested, ill.LOverdue, ill.LRecalled})
		if err != nil {
			return err
		}
		for _, r := range rs {
			shipTo, returnTo, customs := labelAddresses(tx, r, set.CustomsLine)
			due := dayText(r.LenderDue, o.Date)
			var note []string
			if r.Shipping.Courier != "" {
				note = append(note, r.Shipping.Courier)
			}
			if r.Shipping.TrackingID != "" {
				note = append(note, r.Shipping.TrackingID)
			}
			batch.Items = append(batch.Items, pdf.ShippingLabel{RequestID: r.PublicID, ShipTo: shipTo, ReturnTo: returnTo, Due: due,
				Customs: customs, Note: strings.Join(note, " · ")})
			out.Requests = append(out.Requests, r.PublicID)
		}
		return nil
	})
	if err != nil {
		return Printed{}, err
	}
	if len(batch.Items) == 0 {
		return Printed{}, ill.E(ill.Invalid, "no loans to label")
	}
	doc, err := pdf.ShippingLabels(batch)
	if err != nil {
		return Printed{}, ill.E(ill.Invalid, "the labels cannot be printed: "+err.Error(), map[string]string{"stock": err.Error()})
	}
	out.PDF = doc
	return out, nil
}

// PrintBookBands prints book bands for lending loans (shipping or out).
func (a *App) PrintBookBands(ctx context.Context, actor ill.Actor, ids []string, o PrintOptions) (Printed, error) {
	if err := actor.Require(actor.Agency, ill.PermScan); err != nil {
		return Printed{}, err
	}
	if len(ids) == 0 || len(ids) > maxPrintBatch {
		return Printed{}, ill.Errorf(ill.Invalid, "choose from 1 to %d loans", maxPrintBatch)
	}
	batch := pdf.BookBandBatch{Paper: o.Paper, Labels: o.Labels}
	var out Printed
	err := a.read(ctx, func(tx *store.Tx) error {
		rs, err := a.loadLending(tx, actor, ids, nil, []ill.State{ill.LAwaitingShip, ill.LShipped, ill.LOnLoan, ill.LRenewRequested, ill.LOverdue, ill.LRecalled})
		if err != nil {
			return err
		}
		for _, r := range rs {
			ours := partnerName(tx, r.Agency)
			batch.Bands = append(batch.Bands, pdf.BookBand{RequestID: r.PublicID, Title: r.Citation.Title,
				Borrower: cmp.Or(partnerName(tx, r.Partner), string(r.Partner)), Lender: cmp.Or(ours, string(r.Agency)),
				PatronDue: dayText(r.LenderDue, o.Date), Conditions: r.Conditions})
			out.Requests = append(out.Requests, r.PublicID)
		}
		return nil
	})
	if err != nil {
		return Printed{}, err
	}
	doc, err := pdf.BookBands(batch)
	if err != nil {
		return Printed{}, ill.E(ill.Invalid, "the book bands cannot be printed: "+err.Error(), err)
	}
	out.PDF = doc
	return out, nil
}
