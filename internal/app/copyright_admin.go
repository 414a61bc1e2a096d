package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"interlend/internal/copyright"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// ClearanceItem is one request in the copyright clearance queue.
type ClearanceItem struct {
	Entry   store.CopyrightEntry `json:"entry"`
	Request *ill.Request         `json:"request"`
	// Count is the title's count this year now (it may have moved since
	// the request was assessed).
	Count int `json:"count"`
}

// ClearanceQueue lists the agency's requests awaiting copyright
// clearance, oldest first.
func (a *App) ClearanceQueue(ctx context.Context, actor ill.Actor) ([]ClearanceItem, error) {
	if err := actor.Require(actor.Agency, ill.PermCopyright); err != nil {
		return nil, err
	}
	var out []ClearanceItem
	err := a.read(ctx, func(tx *store.Tx) error {
		es, err := tx.Agency().CopyrightEntries(actor.Agency, store.CopyrightFilter{States: []copyright.State{copyright.StateAwaiting}})
		if err != nil {
			return err
		}
		for _, e := range es {
			r, err := tx.Agency().GetRequest(actor.Agency, e.RequestID)
			if err != nil {
				return err
			}
			if r.State != ill.BAwaitingCopyr && r.State != ill.BReview {
				continue
			}
			n, err := tx.Agency().CopyrightCount(actor.Agency, e.Key, e.Year)
			if err != nil {
				return err
			}
			out = append(out, ClearanceItem{Entry: e, Request: r, Count: n})
		}
		return nil
	})
	return out, err
}

// CopyrightEntry returns the ledger row of a request (staff, or the
// request's patron). Returns NotFound.
func (a *App) CopyrightEntry(ctx context.Context, actor ill.Actor, publicID string) (store.CopyrightEntry, error) {
	var out store.CopyrightEntry
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		out, err = tx.Agency().CopyrightEntryFor(r.Agency, r.ID)
		return err
	})
	return out, err
}

// CopyrightReport is the yearly report of counts per title (for the
// auditor).
type CopyrightReport struct {
	Agency ill.AgencyID           `json:"agency"`
	Year   int                    `json:"year"`
	Limit  int                    `json:"limit"`
	Regime copyright.Regime       `json:"regime"`
	Rows   []copyright.ReportRow  `json:"rows"`
	Years  []int                  `json:"years"`
	Totals copyright.ReportRow    `json:"totals"`
	Fees   []copyright.Fee        `json:"fees,omitempty"`
	Prior  []copyright.PriorCount `json:"-"`
}

// CopyrightYearReport builds the report for a year (0: this year in the
// agency's time zone).
func (a *App) CopyrightYearReport(ctx context.Context, actor ill.Actor, year int) (CopyrightReport, error) {
	var rep CopyrightReport
	if err := actor.Require(actor.Agency, ill.PermCopyright); err != nil {
		if err := actor.Require(actor.Agency, ill.PermStats); err != nil {
			return rep, err
		}
	}
	err := a.read(ctx, func(tx *store.Tx) error {
		_, rules, loc, err := copyrightRules(tx, actor.Agency)
		if err != nil {
			return err
		}
		if year == 0 {
			year = tx.Now().In(loc).Year()
		}
		if year < 1900 || year > 9999 {
			return ill.E(ill.Invalid, "choose a year", map[string]string{"year": "a year such as 2026"})
		}
		rep = CopyrightReport{Agency: actor.Agency, Year: year, Limit: rules.Limit, Regime: rules.Regime}
		es, err := tx.Agency().CopyrightEntries(actor.Agency, store.CopyrightFilter{Year: year})
		if err != nil {
			return err
		}
		entries := make([]copyright.Entry, len(es))
		for i, e := range es {
			entries[i] = e.Entry
		}
		if rep.Prior, err = tx.Agency().CopyrightPriorCounts(actor.Agency, year); err != nil {
			return err
		}
		rep.Rows = copyright.YearlyReport(entries, rep.Prior, year, rules.Limit)
		for _, r := range rep.Rows {
			t := &rep.Totals
			t.Counted += r.Counted
			t.Imported += r.Imported
			t.Total += r.Total
			t.RoyaltyPaid += r.RoyaltyPaid
			t.Purchased += r.Purchased
			t.NotCounted += r.NotCounted
			t.Withdrawn += r.Withdrawn
			t.Awaiting += r.Awaiting
			for _, f := range r.Fees {
				rep.Fees = addCopyrightFee(rep.Fees, f)
			}
		}
		rep.Years, err = tx.Agency().CopyrightYears(actor.Agency)
		return err
	})
	return rep, err
}

func addCopyrightFee(fees []copyright.Fee, f copyright.Fee) []copyright.Fee {
	for i := range fees {
		if fees[i].Currency == f.Currency {
			fees[i].AmountMinor += f.AmountMinor
			return fees
		}
	}
	return append(fees, f)
}

// CopyrightReportCSVHeader is the header row of the report's CSV.
var CopyrightReportCSVHeader = []string{"year", "title", "issn", "key", "counted", "imported", "total", "limit", "at_limit",
	"royalty_paid", "purchased", "not_counted", "withdrawn", "awaiting", "royalties"}

// WriteCSV writes the report as CSV (one row per title).
func (rep CopyrightReport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CopyrightReportCSVHeader); err != nil {
		return err
	}
	for _, r := range rep.Rows {
		var fees []string
		for _, f := range r.Fees {
			fees = append(fees, FormatMinor(f.AmountMinor)+" "+f.Currency)
		}
		rec := []string{strconv.Itoa(rep.Year), csvSafe(r.Title), r.ISSN, string(r.Key), strconv.Itoa(r.Counted), strconv.Itoa(r.Imported),
			strconv.Itoa(r.Total), strconv.Itoa(rep.Limit), strconv.FormatBool(r.AtLimit), strconv.Itoa(r.RoyaltyPaid), strconv.Itoa(r.Purchased),
			strconv.Itoa(r.NotCounted), strconv.Itoa(r.Withdrawn), strconv.Itoa(r.Awaiting), strings.Join(fees, "; ")}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from reading a title as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// FormatMinor writes minor units as a decimal amount ("1250" -> "12.50").
func FormatMinor(m int64) string {
	neg := m < 0
	if neg {
		m = -m
	}
	s := fmt.Sprintf("%d.%02d", m/100, m%100)
	if neg {
		s = "-" + s
	}
	return s
}

// CopyrightLedger lists ledger rows of a year (and of one title when key
// is set), for the auditor.
func (a *App) CopyrightLedger(ctx context.Context, actor ill.Actor, year int, key copyright.Key) ([]store.CopyrightEntry, error) {
	if err := actor.Require(actor.Agency, ill.PermCopyright); err != nil {
		return nil, err
	}
	var out []store.CopyrightEntry
	err := a.read(ctx, func(tx *store.Tx) (err error) {
		out, err = tx.Agency().CopyrightEntries(actor.Agency, store.CopyrightFilter{Year: year, Key: key})
		return err
	})
	return out, err
}

// KBARTImport says what an e-holdings import did.
type KBARTImport struct {
	Package  string                `json:"package"`
	Titles   int                   `json:"titles"`
	Replaced int                   `json:"replaced"`
	Problems []copyright.LineError `json:"problems,omitempty"`
}

// ImportKBART replaces an e-holdings package of the agency with a KBART
// file's titles. Bad rows are reported by line and skipped; a file that
// cannot be read changes nothing. Returns Forbidden or Invalid.
func (a *App) ImportKBART(ctx context.Context, actor ill.Actor, agency ill.AgencyID, packageID string, r io.Reader) (KBARTImport, error) {
	res := KBARTImport{Package: strings.TrimSpace(packageID)}
	if err := actor.Require(agency, ill.PermSettings); err != nil {
		return res, err
	}
	if res.Package == "" || len(res.Package) > 200 {
		return res, ill.E(ill.Invalid, "name the package the file describes", map[string]string{"package": "1 to 200 characters"})
	}
	k, err := copyright.ParseKBART(r, res.Package)
	if err != nil {
		return res, ill.E(ill.Invalid, err.Error(), map[string]string{"file": err.Error()})
	}
	res.Titles, res.Problems = len(k.Titles), k.Problems
	err = a.write(ctx, func(tx *store.Tx) error {
		if res.Replaced, err = tx.Agency().ReplaceCopyrightPackage(agency, res.Package, k.Titles, actor.UserID); err != nil {
			return err
		}
		return tx.Agency().Audit(agency, store.AuditRecord{Actor: actor.UserID, Action: "copyright.kbart_import", Target: res.Package,
			After: fmt.Sprintf("%d titles (replaced %d), %d problems", res.Titles, res.Replaced, len(res.Problems))})
	})
	return res, err
}

// ImportLicenceTerms replaces the agency's licence terms with a CSV's
// (see copyright.LicenceTerm for the columns).
func (a *App) ImportLicenceTerms(ctx context.Context, actor ill.Actor, agency ill.AgencyID, r io.Reader) (int, []copyright.LineError, error) {
	if err := actor.Require(agency, ill.PermSettings); err != nil {
		return 0, nil, err
	}
	res, err := copyright.ParseLicenceTerms(r)
	if err != nil {
		return 0, res.Problems, ill.E(ill.Invalid, err.Error(), map[string]string{"file": err.Error()})
	}
	err = a.write(ctx, func(tx *store.Tx) error {
		if err := tx.Agency().ReplaceCopyrightLicenceTerms(agency, res.Terms); err != nil {
			return err
		}
		return tx.Agency().Audit(agency, store.AuditRecord{Actor: actor.UserID, Action: "copyright.licence_import", Target: "licence terms",
			After: fmt.Sprintf("%d terms, %d problems", len(res.Terms), len(res.Problems))})
	})
	return len(res.Terms), res.Problems, err
}

// ImportPriorCounts stores counts kept elsewhere (format "csv": columns
// journal_title, issn, year, count; "illiad": an ILLiad transaction
// export), so that a library arriving mid-year keeps its counts.
func (a *App) ImportPriorCounts(ctx context.Context, actor ill.Actor, agency ill.AgencyID, format string, r io.Reader) (copyright.ImportResult, error) {
	var res copyright.ImportResult
	if err := actor.Require(agency, ill.PermSettings); err != nil {
		return res, err
	}
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return res, err
	}
	err = a.write(ctx, func(tx *store.Tx) error {
		_, rules, _, err := copyrightRules(tx, agency)
		if err != nil {
			return err
		}
		opt := copyright.ImportOptions{WindowYears: rules.WindowYears}
		switch format {
		case "", "csv":
			res, err = copyright.ParsePriorCounts(bytes.NewReader(data), opt)
		case "illiad":
			res, err = copyright.ParseILLiadExport(bytes.NewReader(data), opt)
		default:
			return ill.E(ill.Invalid, "the format is csv or illiad", map[string]string{"format": "csv or illiad"})
		}
		if err != nil {
			return ill.E(ill.Invalid, err.Error(), map[string]string{"file": err.Error()})
		}
		if err := tx.Agency().PutCopyrightPriorCounts(agency, res.Counts, format); err != nil {
			return err
		}
		return tx.Agency().Audit(agency, store.AuditRecord{Actor: actor.UserID, Action: "copyright.counts_import", Target: format,
			After: fmt.Sprintf("%d counts, %d problems", len(res.Counts), len(res.Problems))})
	})
	return res, err
}

// FlagSubscribed records that the library holds a title (R6): its copies
// are sent as CCL and not counted.
func (a *App) FlagSubscribed(ctx context.Context, actor ill.Actor, title, issn, note string) error {
	if err := actor.Require(actor.Agency, ill.PermCopyright); err != nil {
		return err
	}
	t := copyright.KBARTTitle{Title: strings.TrimSpace(title)}
	if strings.TrimSpace(issn) != "" {
		n, ok := copyright.NormaliseISSN(issn)
		if !ok {
			return ill.E(ill.Invalid, "that is not a valid ISSN", map[string]string{"issn": "an ISSN such as 1072-303X"})
		}
		t.PrintID = n
	}
	return a.write(ctx, func(tx *store.Tx) error {
		if err := tx.Agency().AddCopyrightStaffTitle(actor.Agency, t, strings.TrimSpace(note), actor.UserID); err != nil {
			return err
		}
		return tx.Agency().Audit(actor.Agency, store.AuditRecord{Actor: actor.UserID, Action: "copyright.title_flagged", Target: t.Title + " " + t.PrintID, After: note})
	})
}

// UnflagSubscribed removes a staff flag. Returns NotFound.
func (a *App) UnflagSubscribed(ctx context.Context, actor ill.Actor, id int64) error {
	if err := actor.Require(actor.Agency, ill.PermCopyright); err != nil {
		return err
	}
	return a.write(ctx, func(tx *store.Tx) error {
		if err := tx.Agency().DeleteCopyrightTitle(actor.Agency, id); err != nil {
			return err
		}
		return tx.Agency().Audit(actor.Agency, store.AuditRecord{Actor: actor.UserID, Action: "copyright.title_unflagged", Target: strconv.FormatInt(id, 10)})
	})
}

// SubscribedView is what the subscriptions page shows.
type SubscribedView struct {
	Staff    []store.CopyrightTitle   `json:"staff"`
	Packages []store.CopyrightPackage `json:"packages"`
	Terms    int                      `json:"terms"`
	Log      []store.LicenceLogEntry  `json:"log"`
}

// Subscriptions lists the staff flags, the imported packages and the
// recent licence checks.
func (a *App) Subscriptions(ctx context.Context, actor ill.Actor) (SubscribedView, error) {
	var v SubscribedView
	if err := actor.Require(actor.Agency, ill.PermCopyright); err != nil {
		return v, err
	}
	err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		if v.Staff, err = tx.Agency().CopyrightTitles(actor.Agency, store.TitleStaff, 0); err != nil {
			return err
		}
		if v.Packages, err = tx.Agency().CopyrightPackages(actor.Agency); err != nil {
			return err
		}
		terms, err := tx.Agency().CopyrightLicenceTerms(actor.Agency)
		if err != nil {
			return err
		}
		v.Terms = len(terms)
		v.Log, err = tx.Agency().LicenceLog(actor.Agency, 50)
		return err
	})
	return v, err
}
