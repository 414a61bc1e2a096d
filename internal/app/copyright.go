package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"interlend/internal/copyright"
	"interlend/internal/ill"
	"interlend/internal/settings"
	"interlend/internal/store"
)

// The copyright feature (docs/copyright.md, standards/copyright.md): every
// borrowing copy request is assessed when it is created (compliance code,
// count, hold) and recorded in the agency's copyright ledger, which holds
// no patron identity; a request over the rule of five waits in "awaiting
// copyright clearance" and sends nothing until staff choose; the ledger
// follows the request's life (a cancellation takes its count back off);
// incoming copy requests are checked against the lending policy and the
// e-resource licences; ledger rows are purged when R14 allows.
func init() {
	addCreated(copyrightCreated)
	addTransitionHook(copyrightHook)
	addLendingIntake(copyrightLending)
	addJobs(func(a *App) { a.registerCopyrightJobs() })
	addSchedule(func(a *App, tx *store.Tx) error { return scheduleCopyrightPurge(tx, tx.Now()) })
}

// CopyrightSettings are an agency's copyright rules (admin area:
// "Copyright"); the ILL manager edits them and each change is audited.
type CopyrightSettings struct {
	Regime              string `json:"regime"`
	WindowYears         int    `json:"windowYears"`
	WindowMode          string `json:"windowMode"`
	Limit               int    `json:"limit"`
	MergeISSNL          bool   `json:"mergeIssnL"`
	RelatedCopies       int    `json:"relatedCopies"`
	RelatedDays         int    `json:"relatedDays"`
	SameIssueDays       int    `json:"sameIssueDays"`
	KeepAllCopyRequests bool   `json:"keepAllCopyRequests"`
	PreferPurchase      bool   `json:"preferPurchase"`
	OtherCode           string `json:"otherCode"`
	// Payee and Currency prefill the royalty form.
	Payee    string `json:"payee"`
	Currency string `json:"currency"`
	// The lending side (L1, L3, L4).
	LendingCountry   string `json:"lendingCountry"`
	RequireStatement string `json:"requireStatement"`
	MissingStatement string `json:"missingStatement"`
	Corporate        string `json:"corporate"`
	// CheckLicences checks incoming copy requests against the imported
	// e-holdings and licence terms (L3).
	CheckLicences bool `json:"checkLicences"`
	// NoticeOverlay also prints a one-line copyright legend over the foot
	// of every page of a delivered copy (the notice page comes first in
	// any case; copyright_notice.go).
	NoticeOverlay bool `json:"noticeOverlay"`
}

func defaultCopyrightSettings() CopyrightSettings {
	r := copyright.DefaultRules(copyright.RegimeUS)
	return CopyrightSettings{Regime: string(r.Regime), WindowYears: r.WindowYears, WindowMode: string(r.WindowMode), Limit: r.Limit,
		MergeISSNL: r.MergeISSNL, RelatedCopies: r.RelatedCopies, RelatedDays: r.RelatedDays, SameIssueDays: r.SameIssueDays,
		OtherCode: r.OtherCode, Payee: "Copyright Clearance Center", Currency: "USD",
		RequireStatement: string(r.Lending.RequireStatement), MissingStatement: string(r.Lending.MissingStatement),
		Corporate: string(r.Lending.Corporate), CheckLicences: true}
}

// Rules turns the settings into the pure package's rules.
func (s CopyrightSettings) Rules() copyright.Rules {
	return copyright.Rules{Regime: copyright.Regime(s.Regime), WindowYears: s.WindowYears, WindowMode: copyright.WindowMode(s.WindowMode),
		Limit: s.Limit, MergeISSNL: s.MergeISSNL, RelatedCopies: s.RelatedCopies, RelatedDays: s.RelatedDays, SameIssueDays: s.SameIssueDays,
		KeepAllCopyRequests: s.KeepAllCopyRequests, PreferPurchase: s.PreferPurchase, OtherCode: s.OtherCode,
		Lending: copyright.LendingPolicy{Country: strings.ToUpper(s.LendingCountry), RequireStatement: copyright.StatementRule(s.RequireStatement),
			MissingStatement: copyright.MissingAction(s.MissingStatement), Corporate: copyright.CorporateRule(s.Corporate)}}
}

func copyrightOpts(prefix string, values ...string) []settings.Option {
	var out []settings.Option
	for _, v := range values {
		out = append(out, settings.Option{Value: v, Label: prefix + v})
	}
	return out
}

// CopyrightSetting is the copyright settings group.
var CopyrightSetting = settings.Register(settings.Spec[CopyrightSettings]{
	Key: "copyright", Title: "copyright.settings.title", Help: "copyright.settings.help", Order: 60,
	Defaults: defaultCopyrightSettings,
	Fields: []settings.Field{
		{Name: "regime", Kind: settings.Select, Label: "copyright.settings.regime", Help: "copyright.settings.regimehelp", Options: copyrightOpts("copyright.regime.", "US", "UK", "CA", "Other")},
		{Name: "windowYears", Kind: settings.Number, Label: "copyright.settings.window", Help: "copyright.settings.windowhelp", Min: 1, Max: 50},
		{Name: "windowMode", Kind: settings.Select, Label: "copyright.settings.windowmode", Help: "copyright.settings.windowmodehelp", Options: copyrightOpts("copyright.windowmode.", "calendar", "rolling")},
		{Name: "limit", Kind: settings.Number, Label: "copyright.settings.limit", Help: "copyright.settings.limithelp", Min: 1, Max: 1000},
		{Name: "mergeIssnL", Kind: settings.Bool, Label: "copyright.settings.merge", Help: "copyright.settings.mergehelp"},
		{Name: "relatedCopies", Kind: settings.Number, Label: "copyright.settings.related", Help: "copyright.settings.relatedhelp", Min: 2, Max: 100},
		{Name: "relatedDays", Kind: settings.Number, Label: "copyright.settings.relateddays", Min: 1, Max: 366},
		{Name: "sameIssueDays", Kind: settings.Number, Label: "copyright.settings.sameissue", Help: "copyright.settings.sameissuehelp", Min: 0, Max: 366},
		{Name: "keepAllCopyRequests", Kind: settings.Bool, Label: "copyright.settings.keepall", Help: "copyright.settings.keepallhelp"},
		{Name: "preferPurchase", Kind: settings.Bool, Label: "copyright.settings.purchase", Help: "copyright.settings.purchasehelp"},
		{Name: "otherCode", Kind: settings.Text, Label: "copyright.settings.othercode", Help: "copyright.settings.othercodehelp"},
		{Name: "payee", Kind: settings.Text, Label: "copyright.settings.payee", Help: "copyright.settings.payeehelp"},
		{Name: "currency", Kind: settings.Text, Label: "copyright.settings.currency", Required: true},
		{Name: "lendingCountry", Kind: settings.Text, Label: "copyright.settings.country", Help: "copyright.settings.countryhelp"},
		{Name: "requireStatement", Kind: settings.Select, Label: "copyright.settings.statement", Help: "copyright.settings.statementhelp", Options: copyrightOpts("copyright.statement.", "off", "us", "all")},
		{Name: "missingStatement", Kind: settings.Select, Label: "copyright.settings.missing", Help: "copyright.settings.missinghelp", Options: copyrightOpts("copyright.missing.", "retry", "unfilled", "hold")},
		{Name: "corporate", Kind: settings.Select, Label: "copyright.settings.corporate", Options: copyrightOpts("copyright.corporate.", "accept", "refuse", "fee")},
		{Name: "checkLicences", Kind: settings.Bool, Label: "copyright.settings.licences", Help: "copyright.settings.licenceshelp"},
		{Name: "noticeOverlay", Kind: settings.Bool, Label: "copyright.settings.overlay", Help: "copyright.settings.overlayhelp"},
	},
	Validate: func(s CopyrightSettings) settings.Errors {
		errs := settings.Errors{}
		if len(s.Currency) != 3 || strings.ToUpper(s.Currency) != s.Currency {
			errs["currency"] = settings.M("copyright.settings.err.currency")
		}
		if err := s.Rules().Validate(); err != nil {
			msg := err.Error()
			for _, f := range []string{"regime", "windowYears", "windowMode", "limit", "relatedCopies", "relatedDays", "sameIssueDays", "otherCode"} {
				if strings.Contains(msg, f+" ") {
					errs[f] = settings.M("copyright.settings.err.value")
				}
			}
			for f, field := range map[string]string{"lending.requireStatement": "requireStatement", "lending.missingStatement": "missingStatement",
				"lending.corporate": "corporate", "lending.country": "lendingCountry"} {
				if strings.Contains(msg, f+" ") {
					errs[field] = settings.M("copyright.settings.err.value")
				}
			}
			if len(errs) == 0 {
				errs["regime"] = settings.M("copyright.settings.err.value")
			}
		}
		return errs
	},
})

// copyrightRules reads an agency's rules and time zone.
func copyrightRules(tx *store.Tx, agency ill.AgencyID) (CopyrightSettings, copyright.Rules, *time.Location, error) {
	s, err := CopyrightSetting.GetTx(tx, agency)
	if err != nil {
		return s, copyright.Rules{}, nil, err
	}
	cal, err := settings.CalendarSetting.GetTx(tx, agency)
	if err != nil {
		return s, copyright.Rules{}, nil, err
	}
	loc := cal.Location
	if loc == nil {
		loc = time.UTC
	}
	return s, s.Rules(), loc, nil
}

// txCounter is copyright.Counter over one agency's ledger in a transaction.
type txCounter struct {
	tx     *store.Tx
	agency ill.AgencyID
}

func (c txCounter) Count(_ context.Context, key copyright.Key, year int) (int, error) {
	return c.tx.Agency().CopyrightCount(c.agency, key, year)
}

func (c txCounter) ArticleCopies(_ context.Context, articleID string, since time.Time) ([]copyright.PriorCopy, error) {
	return c.tx.Agency().CopyrightArticleCopies(c.agency, articleID, since)
}

func (c txCounter) IssueCopies(_ context.Context, patronKey, issueID string, since time.Time) ([]copyright.PriorCopy, error) {
	return c.tx.Agency().CopyrightIssueCopies(c.agency, patronKey, issueID, since)
}

// copyrightPatronKey is the pseudonym the R8, R9 and UK checks compare:
// a hash of the agency and patron record id, never a name.
func copyrightPatronKey(agency ill.AgencyID, patronID int64) string {
	if patronID == 0 {
		return ""
	}
	h := sha256.Sum256([]byte("interlend-copyright|" + string(agency) + "|" + strconv.FormatInt(patronID, 10)))
	return "p:" + hex.EncodeToString(h[:12])
}

// copyrightRequest describes a borrowing request for the rules.
func copyrightRequest(r *ill.Request, now time.Time) copyright.Request {
	c := r.Citation
	q := copyright.Request{
		ID: r.PublicID, Service: copyright.ServiceType(r.ServiceType), PubType: copyright.PubType(c.PublicationType),
		ISSN: c.ISSN, EISSN: c.EISSN, ArticleTitle: c.ArticleTitle, Volume: c.Volume, Issue: c.Issue, Pages: c.Pages, DOI: c.DOI,
		ISBN: c.ISBN, OCLC: c.OCLCNumber, Chapter: c.Chapter, RequestDate: now,
		PatronKey: copyrightPatronKey(r.Agency, r.PatronID),
	}
	q.PubDate, _ = copyright.ParsePubDate(c.PubDate)
	journal := c.JournalTitle
	if q.PubType == "" && c.ArticleTitle != "" && (journal != "" || c.ISSN != "" || c.EISSN != "") {
		q.PubType = copyright.PubArticle
	}
	if journal == "" && (q.PubType == copyright.PubArticle || q.PubType == copyright.PubJournal) {
		journal = c.Title
	}
	q.JournalTitle = journal
	q.WorkTitle = c.Title
	return q
}

// copyrightSubscribed applies R6: the title is in the e-holdings (covering
// the publication date), flagged by staff, or in the own catalog. It also
// returns the print ISSN the e-holdings pair with the cited one, which
// serves as the ISSN-L (R2, test case 16).
func copyrightSubscribed(tx *store.Tx, r *ill.Request, q copyright.Request, now time.Time) (bool, copyright.SubscriptionSource, string, error) {
	var issns []string
	for _, s := range []string{q.ISSN, q.EISSN} {
		if n, ok := copyright.NormaliseISSN(s); ok {
			issns = append(issns, n)
		}
	}
	titles, err := tx.Agency().CopyrightTitlesMatching(r.Agency, issns, copyright.NormaliseTitle(q.JournalTitle))
	if err != nil {
		return false, "", "", err
	}
	var issnL string
	for _, t := range titles {
		if t.KBART.PrintID != "" && t.KBART.OnlineID != "" && issnL == "" {
			issnL = t.KBART.PrintID
		}
	}
	for _, t := range titles {
		// A title matched only by name must not be matched across ISSNs.
		if len(issns) > 0 && t.KBART.PrintID != "" && !slices.Contains(issns, t.KBART.PrintID) && !slices.Contains(issns, t.KBART.OnlineID) {
			continue
		}
		switch t.Source {
		case store.TitleStaff:
			return true, copyright.SourceStaff, issnL, nil
		case store.TitleEHoldings:
			if t.KBART.Covers(q.PubDate, now) {
				return true, copyright.SourceEHoldings, issnL, nil
			}
		}
	}
	if q.JournalTitle != "" || len(issns) > 0 {
		own, err := ownCatalogCheck(tx, r.Agency, r)
		if err != nil {
			return false, "", issnL, err
		}
		if own.Verdict != OwnNotHeld && own.Records > 0 && len(issns) > 0 {
			return true, copyright.SourceCatalog, issnL, nil
		}
	}
	return false, "", issnL, nil
}

// assessCopyright runs the rules on a borrowing request as of now.
func assessCopyright(tx *store.Tx, r *ill.Request, now time.Time) (copyright.Rules, copyright.Request, copyright.Decision, error) {
	_, rules, loc, err := copyrightRules(tx, r.Agency)
	if err != nil {
		return rules, copyright.Request{}, copyright.Decision{}, err
	}
	now = now.In(loc)
	q := copyrightRequest(r, now)
	if q.Declaration, err = requestDeclaration(tx, r); err != nil {
		return rules, q, copyright.Decision{}, err
	}
	if q.Service.IsCopy() {
		sub, src, issnL, err := copyrightSubscribed(tx, r, q, now)
		if err != nil {
			return rules, q, copyright.Decision{}, err
		}
		q.Subscribed, q.SubscribedSource, q.ISSNL = sub, src, issnL
	}
	d, err := copyright.Assess(tx.Context(), rules, q, txCounter{tx, r.Agency}, now)
	return rules, q, d, err
}

// copyrightPurgeAfter is when the ledger row may go: the rules' own date,
// and never before R14's (so a year's report stays whole).
func copyrightPurgeAfter(rules copyright.Rules, e copyright.Entry) time.Time {
	t := rules.KeepUntil(e)
	if p := copyright.PurgeNotBefore(e.RequestDate); p.After(t) {
		t = p
	}
	return t
}

// copyrightCreated assesses a new borrowing copy request, records it in
// the ledger and holds it for clearance when the rules say so.
func copyrightCreated(a *App, tx *store.Tx, actor ill.Actor, r *ill.Request) error {
	if r.Side != ill.Borrowing || !copyright.ServiceType(r.ServiceType).IsCopy() {
		return nil
	}
	rules, q, d, err := assessCopyright(tx, r, tx.Now())
	if err != nil {
		return err
	}
	if !d.Applies {
		// A copy-or-loan of a whole work will be lent; should the lender
		// copy instead, the request still carries a statement (R13, L1).
		if r.Copyright == "" && rules.Regime == copyright.RegimeUS {
			r.Copyright = string(copyright.CodeUSCCL)
		}
		return nil
	}
	if d.Compliance != "" {
		r.Copyright = d.Compliance.ISO18626()
		if note := d.Compliance.WireNote(); note != "" && !strings.Contains(r.NoteToPartner, note) {
			r.NoteToPartner = strings.TrimSpace(r.NoteToPartner + " " + note)
		}
	}
	if d.Hold {
		if r.State == ill.BValidated {
			r.State = ill.BAwaitingCopyr
		}
		r.NoteToPatron = d.PatronReason
	}
	e := store.CopyrightEntry{Entry: copyright.NewEntry(q, d), RequestDBID: r.ID, Regime: rules.Regime, ArticleID: d.ArticleID,
		IssueID: d.IssueID, Decision: d, PatronKey: q.PatronKey}
	e.PurgeAfter = copyrightPurgeAfter(rules, e.Entry)
	// The assessment is kept on the ledger row (no event: the timeline
	// records what people, partners and timers did).
	return tx.Agency().AddCopyrightEntry(r.Agency, &e)
}

// copyrightHook keeps the ledger in step with the request (R3): a request
// approved out of review while its copy awaits clearance goes to the
// clearance queue; a cancelled or unfilled one stops counting; a
// delivered copy is filled. On the lending side, delivered copies are
// logged for licence audits.
func copyrightHook(a *App, tx *store.Tx, r *ill.Request, ev *ill.Event) error {
	if ev.From == ev.To {
		return nil
	}
	if r.Side == ill.Lending {
		if ev.To == ill.LCompleted && r.ServiceType == ill.Copy && ev.Name == string(ill.ActDeliver) {
			return tx.Agency().AddLicenceLog(r.Agency, &store.LicenceLogEntry{RequestDBID: r.ID, Request: r.PublicID, Event: "delivered", Allowed: true,
				Data: copyrightJSON(map[string]any{"borrower": r.Partner, "compliance": r.Copyright, "deliveryUrl": r.DeliveryURL != ""})})
		}
		return nil
	}
	switch ev.To {
	case ill.BValidated, ill.BAwaitingCopyr, ill.BCancelled, ill.BUnfilled, ill.BCompleted:
	default:
		return nil // no other state moves the ledger row: not read
	}
	e, err := tx.Agency().CopyrightEntryFor(r.Agency, r.ID)
	if ill.Is(err, ill.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var next copyright.State
	switch ev.To {
	case ill.BValidated:
		if e.State != copyright.StateAwaiting {
			return nil
		}
		if ev.From == ill.BAwaitingCopyr {
			// Cleared with the plain action (not through ClearCopyright):
			// it goes out under its assessed category.
			e.State, e.Outcome = copyright.StateInProcess, "cleared by staff"
			return tx.Agency().UpdateCopyrightEntry(r.Agency, &e)
		}
		if r.State == ill.BValidated {
			return a.performSystem(tx, r, ill.ActToCopyright, map[string]any{"note": "copyright clearance needed"})
		}
		return nil
	case ill.BAwaitingCopyr:
		// Staff held it by hand: the ledger row waits with it, offering
		// every choice (the rules had let it go).
		if e.State != copyright.StateInProcess {
			return nil
		}
		e.State, e.Outcome = copyright.StateAwaiting, "held by staff"
		e.Decision.Hold = true
		e.Decision.Options = []copyright.Option{copyright.OptionApprove, copyright.OptionLicence, copyright.OptionPayRoyalty, copyright.OptionPurchase, copyright.OptionDeny}
		return tx.Agency().UpdateCopyrightEntry(r.Agency, &e)
	case ill.BCancelled:
		next = copyright.StateCancelled
	case ill.BUnfilled:
		next = copyright.StateUnfilled
	case ill.BCompleted:
		if r.CloseReason == ill.ClosedFilled {
			next = copyright.StateFilled
		}
	}
	if next == "" || e.State == next || copyright.Transition(e.State, next) != nil {
		return nil
	}
	e.State = next
	if e.Outcome == "" {
		e.Outcome = ev.Name
	}
	return tx.Agency().UpdateCopyrightEntry(r.Agency, &e)
}

func copyrightJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte(`{}`)
	}
	return b
}

// ClearanceInput is a staff choice for a request awaiting copyright
// clearance.
type ClearanceInput struct {
	Option copyright.Option `json:"option"`
	// Amount is the royalty or purchase price in minor units (cents).
	Amount    int64  `json:"amount,omitempty"`
	Currency  string `json:"currency,omitempty"`
	Payee     string `json:"payee,omitempty"`
	Reference string `json:"reference,omitempty"`
	Note      string `json:"note,omitempty"`
}

// OptionRecheck assesses a held request again (after a deferral to the new
// year, a UK declaration, a corrected citation or a new e-holdings file).
const OptionRecheck copyright.Option = "recheck"

// ClearCopyright carries out a staff choice for a request awaiting
// copyright clearance: a royalty (written to the charges ledger, then the
// request is sent as the rules say), buying the article instead (the
// request closes; no ILL), a licence or another exception (sent as CCL),
// deferral to 1 January, a new check, or denial (the patron is told why).
// Returns Forbidden, NotFound, Conflict (not held) or Invalid.
func (a *App) ClearCopyright(ctx context.Context, actor ill.Actor, publicID string, in ClearanceInput) (*ill.Request, error) {
	if err := actor.Require(actor.Agency, ill.PermCopyright); err != nil {
		return nil, err
	}
	in.Payee, in.Reference, in.Note = strings.TrimSpace(in.Payee), strings.TrimSpace(in.Reference), strings.TrimSpace(in.Note)
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if len(in.Note) > 2000 || len(in.Payee) > 200 || len(in.Reference) > 200 {
		return nil, ill.E(ill.Invalid, "a note, payee or reference is too long", map[string]string{"note": "at most 2000 characters; payee and reference 200"})
	}
	var out *ill.Request
	err := a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		e, err := tx.Agency().CopyrightEntryFor(r.Agency, r.ID)
		if ill.Is(err, ill.NotFound) || err == nil && (e.State != copyright.StateAwaiting || r.State != ill.BAwaitingCopyr) {
			return ill.E(ill.Conflict, fmt.Sprintf("request %s is not awaiting copyright clearance", r.PublicID))
		}
		if err != nil {
			return err
		}
		set, rules, loc, err := copyrightRules(tx, r.Agency)
		if err != nil {
			return err
		}
		now := tx.Now().In(loc)
		if in.Option == OptionRecheck {
			return a.recheckCopyright(tx, actor, r, &e, now)
		}
		choice := copyright.Choice{Option: in.Option, Note: in.Note}
		if in.Option == copyright.OptionPayRoyalty {
			if in.Currency == "" {
				in.Currency = set.Currency
			}
			if in.Payee == "" {
				in.Payee = set.Payee
			}
			choice.Fee = &copyright.Fee{AmountMinor: in.Amount, Currency: in.Currency}
		}
		o, err := copyright.ApplyClearance(rules, e.Decision, choice, now)
		if err != nil {
			return ill.E(ill.Invalid, strings.TrimPrefix(err.Error(), "copyright clearance: "), map[string]string{"option": "choose one of the options offered", "amount": "0 or more, with a three-letter currency"})
		}
		e.Outcome = string(in.Option)
		if in.Note != "" {
			e.Outcome += ": " + in.Note
		}
		r.NoteToPatron = o.PatronReason
		data := map[string]any{"option": in.Option, "reason": o.Reason}
		switch in.Option {
		case copyright.OptionPayRoyalty:
			c := &store.Charge{RequestID: r.ID, Type: store.ChargeRoyalty, Amount: ill.Money{Minor: in.Amount, Currency: in.Currency},
				Payer: string(r.Agency), Payee: in.Payee, Status: store.ChargeAccepted, Reference: in.Reference, Note: "copyright royalty (" + string(o.Compliance) + ")", CreatedBy: actor.UserID}
			if err := tx.Agency().AddCharge(r.Agency, c); err != nil {
				return err
			}
			e.Fee, e.Payee, e.Reference = o.Fee, in.Payee, in.Reference
			data["charge"] = c.ID
		case copyright.OptionPurchase:
			if in.Amount > 0 {
				if len(in.Currency) != 3 {
					in.Currency = set.Currency
				}
				c := &store.Charge{RequestID: r.ID, Type: store.ChargePurchase, Amount: ill.Money{Minor: in.Amount, Currency: in.Currency},
					Payer: string(r.Agency), Payee: in.Payee, Status: store.ChargeAccepted, Reference: in.Reference, Note: "article bought instead of borrowed", CreatedBy: actor.UserID}
				if err := tx.Agency().AddCharge(r.Agency, c); err != nil {
					return err
				}
				e.Payee, e.Reference = in.Payee, in.Reference
			}
		case copyright.OptionDefer:
			e.Outcome = deferredPrefix + o.DeferUntil.Format("2006-01-02")
			// Rechecked on that day by itself (copyright_defer.go).
			if err := scheduleDeferredAt(tx, o.DeferUntil); err != nil {
				return err
			}
		}
		if o.Compliance != "" {
			e.Category = o.Compliance
			r.Copyright = o.Compliance.ISO18626()
		}
		e.State = o.State
		e.PurgeAfter = copyrightPurgeAfter(rules, e.Entry)
		if err := tx.Agency().UpdateCopyrightEntry(r.Agency, &e); err != nil {
			return err
		}
		if err := a.event(tx, r, actor, "copyright_decision", string(in.Option), data, 0); err != nil {
			return err
		}
		switch in.Option {
		case copyright.OptionDeny:
			// The patron reads this note (plain words); the staff's own
			// words follow, meant for the patron too.
			note := o.PatronReason
			if in.Note != "" {
				note += " " + in.Note
			}
			if err := a.perform(tx, actor, r, ill.ActCopyrightDeny, map[string]any{"note": note}, 0); err != nil {
				return err
			}
		case copyright.OptionPurchase:
			if err := a.perform(tx, actor, r, ill.ActCopyrightClear, map[string]any{"decision": "purchase", "note": in.Note}, 0); err != nil {
				return err
			}
			if err := a.perform(tx, actor, r, ill.ActFilledLocally, nil, 0); err != nil {
				return err
			}
		case copyright.OptionDefer:
			if err := tx.Agency().UpdateRequest(r.Agency, r, 0); err != nil {
				return err
			}
		default:
			decision := "licence"
			if in.Option == copyright.OptionPayRoyalty {
				decision = "royalty"
			}
			if err := a.perform(tx, actor, r, ill.ActCopyrightClear, map[string]any{"decision": decision, "note": in.Note}, 0); err != nil {
				return err
			}
			if err := a.sendIfRouted(tx, actor, r); err != nil {
				return err
			}
		}
		out = r
		return nil
	})
	return out, err
}

// sendIfRouted sends a cleared request to its first lender when it has
// one (staff who may act on borrowing requests; others leave it ready).
func (a *App) sendIfRouted(tx *store.Tx, actor ill.Actor, r *ill.Request) error {
	if r.State != ill.BValidated || actor.Require(r.Agency, ill.PermBorrowAct) != nil {
		return nil
	}
	rota, err := tx.Agency().Rota(r.Agency, r.ID)
	if err != nil {
		return err
	}
	for _, e := range rota {
		if e.State == store.RotaPending {
			return a.perform(tx, actor, r, ill.ActSend, nil, 0)
		}
	}
	return nil
}

// recheckCopyright assesses a held request again as of now: if it is no
// longer held it is released (and sent); otherwise the new assessment
// replaces the old one.
func (a *App) recheckCopyright(tx *store.Tx, actor ill.Actor, r *ill.Request, e *store.CopyrightEntry, now time.Time) error {
	rules, q, d, err := assessCopyright(tx, r, now)
	if err != nil {
		return err
	}
	fresh := copyright.NewEntry(q, d)
	e.Key, e.Year, e.RequestDate, e.Category, e.State = fresh.Key, fresh.Year, fresh.RequestDate, fresh.Category, fresh.State
	e.Decision, e.ArticleID, e.IssueID, e.Outcome = d, d.ArticleID, d.IssueID, "rechecked"
	e.PurgeAfter = copyrightPurgeAfter(rules, e.Entry)
	if err := tx.Agency().UpdateCopyrightEntry(r.Agency, e); err != nil {
		return err
	}
	r.Copyright = d.Compliance.ISO18626()
	r.NoteToPatron = d.PatronReason
	if err := a.event(tx, r, actor, "copyright_decision", string(OptionRecheck), map[string]any{"hold": d.Hold, "compliance": d.Compliance}, 0); err != nil {
		return err
	}
	if d.Hold {
		return tx.Agency().UpdateRequest(r.Agency, r, 0)
	}
	if err := a.perform(tx, actor, r, ill.ActCopyrightClear, map[string]any{"decision": "licence", "note": "rechecked: within the rules"}, 0); err != nil {
		return err
	}
	return a.sendIfRouted(tx, actor, r)
}
