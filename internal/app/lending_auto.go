package app

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"interlend/internal/calendar"
	"interlend/internal/catalog"
	"interlend/internal/ill"
	"interlend/internal/marc"
	"interlend/internal/settings"
	"interlend/internal/store"
)

// Auto-answer rules of the lending desk: a partner's request is answered
// as it arrives, from the lending library's own catalog and calendar,
// when a rule decides it; otherwise it waits in the "new" queue for staff.
// Each rule can be switched off; the whole is off by default.
//
//   - library closed today (a closure of the business calendar):
//     RetryPossible NotCurrentAvailableForILL, retryAfter = the reopening;
//   - not held: Unfilled NotHeld;
//   - held, but not as cited (the citation's identifiers match nothing,
//     its title another edition): RetryPossible NotFoundAsCited with a note
//     naming what we hold;
//   - several volumes and the citation names none: RetryPossible
//     MultiVolAvail with a note asking which;
//   - held and available: ExpectToSupply (WillSupply only once the pull
//     slip is marked found), or conditions when a condition rule covers the
//     copy's location;
//   - every copy at the bindery: RetryPossible AtBindery;
//   - lendable copies all on loan: RetryPossible OnLoan, retryAfter = the
//     earliest due date the catalog gives;
//   - no copy may circulate: Unfilled NonCirculating.

// LendingAutoSettings are an agency's auto-answer rules (admin area:
// "Lending: automatic answers").
type LendingAutoSettings struct {
	Enabled         bool            `json:"enabled"`
	HeldAvailable   bool            `json:"heldAvailable"`
	NotHeld         bool            `json:"notHeld"`
	NonCirculating  bool            `json:"nonCirculating"`
	OnLoan          bool            `json:"onLoan"`
	AtBindery       bool            `json:"atBindery"`
	Closed          bool            `json:"closed"`
	NotFoundAsCited bool            `json:"notFoundAsCited"`
	Conditions      []ConditionRule `json:"conditions"`
	// NoRenewals adds "no renewals" to the note of every loan we expect to
	// supply by rule (ISO 18626 has no loan condition code for it).
	NoRenewals bool `json:"noRenewals"`
}

// ConditionRule attaches a loan condition to copies shelved in a location.
type ConditionRule struct {
	Location  string `json:"location"`
	Condition string `json:"condition"` // ISO 18626 loanCondition
}

// LoanConditions are the ISO 18626 loanCondition codes.
var LoanConditions = []string{"LibraryUseOnly", "WatchLibraryUseOnly", "NoReproduction", "SignatureRequired", "SpecCollSupervReq"}

// LendingAutoSetting is the auto-answer settings group.
var LendingAutoSetting = settings.Register(settings.Spec[LendingAutoSettings]{
	Key: "lending.auto", Title: "lending.auto.title", Help: "lending.auto.help", Order: 52, Perm: ill.PermSettings,
	Defaults: func() LendingAutoSettings {
		return LendingAutoSettings{HeldAvailable: true, NotHeld: true, NonCirculating: true, OnLoan: true, AtBindery: true, Closed: true, NotFoundAsCited: true}
	},
	Fields: []settings.Field{
		{Name: "enabled", Kind: settings.Bool, Label: "lending.auto.enabled", Help: "lending.auto.enabledhelp"},
		{Name: "heldAvailable", Kind: settings.Bool, Label: "lending.auto.heldavailable"},
		{Name: "notHeld", Kind: settings.Bool, Label: "lending.auto.notheld"},
		{Name: "nonCirculating", Kind: settings.Bool, Label: "lending.auto.noncirc"},
		{Name: "onLoan", Kind: settings.Bool, Label: "lending.auto.onloan"},
		{Name: "atBindery", Kind: settings.Bool, Label: "lending.auto.bindery"},
		{Name: "closed", Kind: settings.Bool, Label: "lending.auto.closed"},
		{Name: "notFoundAsCited", Kind: settings.Bool, Label: "lending.auto.notfound"},
		{Name: "conditions", Kind: settings.Records, Label: "lending.auto.conditions", Help: "lending.auto.conditionshelp", Columns: []settings.Field{
			{Name: "location", Kind: settings.Text, Label: "lending.auto.location"},
			{Name: "condition", Kind: settings.Select, Label: "lending.auto.condition", Options: conditionOptions()},
		}},
		{Name: "noRenewals", Kind: settings.Bool, Label: "lending.auto.norenewals"},
	},
	Validate: func(s LendingAutoSettings) settings.Errors {
		errs := settings.Errors{}
		for _, c := range s.Conditions {
			if strings.TrimSpace(c.Location) == "" || !slices.Contains(LoanConditions, c.Condition) {
				errs["conditions"] = settings.M("lending.auto.err.condition")
			}
		}
		return errs
	},
})

func conditionOptions() []settings.Option {
	var out []settings.Option
	for _, c := range LoanConditions {
		out = append(out, settings.Option{Value: c, Label: "lending.condition." + c})
	}
	return out
}

func init() { addLendingIntake(lendingAutoIntake) }

// Auto-answer rule names (recorded on the desk record and the event).
const (
	RuleClosed          = "closed"
	RuleNotHeld         = "not_held"
	RuleNotFoundAsCited = "not_found_as_cited"
	RuleMultiVolume     = "multi_volume"
	RuleHeldAvailable   = "held_available"
	RuleConditions      = "conditions"
	RuleAtBindery       = "at_bindery"
	RuleOnLoan          = "on_loan"
	RuleNonCirculating  = "non_circulating"
)

// AutoAnswer is what the rules decide for a request: an action of the
// lending table with its inputs, or none (Action "").
type AutoAnswer struct {
	Rule   string         `json:"rule,omitempty"`
	Action ill.ActionName `json:"action,omitempty"`
	Params map[string]any `json:"params,omitempty"`
	// Detail says what the rule saw, for staff.
	Detail string `json:"detail"`
	// Note is sent after the answer as a note to the borrower (an answer
	// whose action takes no note: "no renewals" with ExpectToSupply).
	Note string `json:"note,omitempty"`
}

// LocalCopy is one of our copies of a requested title.
type LocalCopy struct {
	Barcode    string    `json:"barcode,omitempty"`
	CallNumber string    `json:"callNumber,omitempty"`
	Location   string    `json:"location,omitempty"`
	Branch     string    `json:"branch,omitempty"`
	Status     string    `json:"status,omitempty"`
	Volume     string    `json:"volume,omitempty"`
	Lendable   bool      `json:"lendable"`
	OnLoan     bool      `json:"onLoan"`
	AtBindery  bool      `json:"atBindery"`
	Due        time.Time `json:"due,omitzero"`
}

// LocalTitle is one of our catalog records matching a request.
type LocalTitle struct {
	RecordID   string      `json:"recordId"`
	Title      string      `json:"title"`
	Author     string      `json:"author,omitempty"`
	Edition    string      `json:"edition,omitempty"`
	Year       int         `json:"year,omitempty"`
	CallNumber string      `json:"callNumber,omitempty"`
	Location   string      `json:"location,omitempty"`
	Branch     string      `json:"branch,omitempty"`
	By         string      `json:"matchedBy"`
	Score      float64     `json:"score"`
	Coverage   string      `json:"coverage,omitempty"` // serials: yes, no, unknown
	Copies     []LocalCopy `json:"copies,omitempty"`
}

// lendingIndex reads the shared catalog inside a transaction.
type lendingIndex struct{ tx *store.Tx }

func (x lendingIndex) ByIdentifiers(_ context.Context, ids []catalog.Identifier, limit int) ([]catalog.Record, error) {
	return x.tx.Network().CatalogByIdentifiers(ids, limit)
}

func (x lendingIndex) Search(_ context.Context, q catalog.Query) ([]catalog.Record, error) {
	return x.tx.Network().SearchCatalog(q)
}

func (x lendingIndex) LoadItems(_ context.Context, recs []catalog.Record) error {
	return x.tx.Network().LoadCatalogItems(recs)
}

// localHoldings finds our own records and copies of a request's title.
func localHoldings(tx *store.Tx, agency ill.AgencyID, c ill.Citation) ([]LocalTitle, error) {
	hs, err := catalog.Local{Index: lendingIndex{tx}, Only: []ill.AgencyID{agency}}.Holders(tx.Context(), c)
	if err != nil {
		return nil, err
	}
	var out []LocalTitle
	for _, h := range hs {
		for _, m := range h.Matches {
			rec := m.Record
			lt := LocalTitle{RecordID: rec.ID, Title: rec.Title, Author: rec.Author, Edition: rec.Edition, Year: rec.Year, CallNumber: rec.CallNumber,
				Location: rec.Location, Branch: rec.Branch, By: string(m.By), Score: m.Score}
			switch m.Coverage {
			case marc.MatchYes:
				lt.Coverage = "yes"
			case marc.MatchNo:
				lt.Coverage = "no"
			}
			for _, it := range rec.Items {
				lc := LocalCopy{Barcode: it.Barcode, CallNumber: orDefault(it.CallNumber, rec.CallNumber), Location: orDefault(it.Location, rec.Location),
					Branch: orDefault(it.Branch, rec.Branch), Status: it.Status, Lendable: it.Lendable, OnLoan: it.OnLoan}
				low := strings.ToLower(it.Status)
				lc.AtBindery = strings.Contains(low, "bindery") || strings.Contains(low, "binding")
				if lc.OnLoan {
					lc.Due = dueFromStatus(it.Status)
				}
				lc.Volume = volumeOf(lc.CallNumber)
				lt.Copies = append(lt.Copies, lc)
			}
			out = append(out, lt)
		}
	}
	return out, nil
}

var isoDate = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)

// dueFromStatus reads a due date out of a catalog status ("on loan until
// 2026-04-10", "DUE 2026-04-10").
func dueFromStatus(s string) time.Time {
	if m := isoDate.FindString(s); m != "" {
		if t, err := time.Parse("2006-01-02", m); err == nil {
			return t
		}
	}
	return time.Time{}
}

var volumeRe = regexp.MustCompile(`(?i)\b(?:v|vol|volume|bd|t|tome)\.?\s*(\d+[a-z]?)\b`)

// volumeOf reads a volume designation from a call number ("... v.2").
func volumeOf(callNumber string) string {
	if m := volumeRe.FindStringSubmatch(callNumber); m != nil {
		return "v." + m[1]
	}
	return ""
}

// decideAutoAnswer applies the rules (pure: everything it needs is in its
// arguments). closedUntil is the reopening when a closure covers now.
func decideAutoAnswer(s LendingAutoSettings, r *ill.Request, titles []LocalTitle, closedUntil time.Time) AutoAnswer {
	if !s.Enabled {
		return AutoAnswer{Detail: "automatic answers are off"}
	}
	if !closedUntil.IsZero() {
		if !s.Closed {
			return AutoAnswer{Rule: RuleClosed, Detail: "library closed; the rule is off"}
		}
		return AutoAnswer{Rule: RuleClosed, Action: ill.ActAnswerRetry, Params: map[string]any{"reason": "NotCurrentAvailableForILL",
			"retryAfter": closedUntil.UTC().Format(time.RFC3339), "note": "The library is closed until " + closedUntil.UTC().Format("2 January 2006") + "."},
			Detail: "closed until " + closedUntil.UTC().Format("2006-01-02")}
	}
	c := r.Citation
	if len(titles) == 0 {
		return ruleOr(s.NotHeld, AutoAnswer{Rule: RuleNotHeld, Action: ill.ActAnswerUnfilled, Params: map[string]any{"reason": "NotHeld"},
			Detail: "no matching record in our catalog"})
	}
	exact := titles[:0:0]
	for _, t := range titles {
		if t.By != string(catalog.ByTitle) {
			exact = append(exact, t)
		}
	}
	hasIDs := len(catalog.CitationIdentifiers(c)) > 0
	if hasIDs && len(exact) == 0 {
		t := titles[0]
		what := t.Title
		if t.Edition != "" {
			what += ", " + t.Edition
		}
		if t.Year > 0 {
			what += fmt.Sprintf(" (%d)", t.Year)
		}
		return ruleOr(s.NotFoundAsCited, AutoAnswer{Rule: RuleNotFoundAsCited, Action: ill.ActAnswerRetry, Params: map[string]any{"reason": "NotFoundAsCited",
			"note": "Not found as cited. We hold " + what + "; please check the citation and send a retry if it will do."},
			Detail: "the identifiers match nothing; the title matches " + what})
	}
	if len(exact) > 0 {
		titles = exact
	}
	var copies []LocalCopy
	for _, t := range titles {
		copies = append(copies, t.Copies...)
	}
	isLoan := r.ServiceType != ill.Copy
	if isLoan && strings.TrimSpace(c.Volume) == "" {
		vols := map[string]bool{}
		for _, cp := range copies {
			if cp.Volume != "" {
				vols[cp.Volume] = true
			}
		}
		if len(vols) > 1 {
			list := make([]string, 0, len(vols))
			for v := range vols {
				list = append(list, v)
			}
			sort.Slice(list, func(i, j int) bool { return volumeLess(list[i], list[j]) })
			return ruleOr(s.NotFoundAsCited, AutoAnswer{Rule: RuleMultiVolume, Action: ill.ActAnswerRetry, Params: map[string]any{"reason": "MultiVolAvail",
				"note": "We hold several volumes (" + strings.Join(list, ", ") + "). Which volume do you need? Please send a retry naming it."},
				Detail: "several volumes: " + strings.Join(list, ", ")})
		}
	}
	if !isLoan {
		// Copies are made from any copy, lendable or not; serials need
		// holdings that cover the citation.
		for _, t := range titles {
			if t.Coverage == "no" {
				continue
			}
			if len(t.Copies) > 0 || t.Coverage == "yes" {
				return ruleOr(s.HeldAvailable, AutoAnswer{Rule: RuleHeldAvailable, Action: ill.ActExpectToSupply, Detail: "held: " + t.Title})
			}
		}
		return ruleOr(s.NotHeld, AutoAnswer{Rule: RuleNotHeld, Action: ill.ActAnswerUnfilled, Params: map[string]any{"reason": "NotHeld"},
			Detail: "our holdings do not cover the issue cited"})
	}
	var available, bindery, onLoan, lendable []LocalCopy
	for _, cp := range copies {
		switch {
		case cp.AtBindery:
			bindery = append(bindery, cp)
		case cp.Lendable && cp.OnLoan:
			onLoan = append(onLoan, cp)
			lendable = append(lendable, cp)
		case cp.Lendable:
			available = append(available, cp)
			lendable = append(lendable, cp)
		}
	}
	switch {
	case len(available) > 0:
		var conds []string
		cp := available[0]
		for _, cr := range s.Conditions {
			if strings.EqualFold(strings.TrimSpace(cr.Location), cp.Location) && !slices.Contains(conds, cr.Condition) {
				conds = append(conds, cr.Condition)
			}
		}
		where := strings.TrimSpace(cp.CallNumber + " " + cp.Location)
		note := ""
		if s.NoRenewals {
			note = "No renewals."
		}
		if len(conds) > 0 {
			p := map[string]any{"conditions": conds}
			if note != "" {
				p["note"] = note
			}
			return ruleOr(s.HeldAvailable, AutoAnswer{Rule: RuleConditions, Action: ill.ActOfferConds, Params: p,
				Detail: "available (" + where + "), lent with conditions: " + strings.Join(conds, ", ")})
		}
		return ruleOr(s.HeldAvailable, AutoAnswer{Rule: RuleHeldAvailable, Action: ill.ActExpectToSupply, Detail: "available: " + where, Note: note})
	case len(bindery) > 0 && len(onLoan) == 0:
		return ruleOr(s.AtBindery, AutoAnswer{Rule: RuleAtBindery, Action: ill.ActAnswerRetry, Params: map[string]any{"reason": "AtBindery"},
			Detail: "at the bindery: " + bindery[0].Barcode})
	case len(onLoan) > 0:
		var due time.Time
		for _, cp := range onLoan {
			if !cp.Due.IsZero() && (due.IsZero() || cp.Due.Before(due)) {
				due = cp.Due
			}
		}
		p := map[string]any{"reason": "OnLoan"}
		detail := "every lendable copy is on loan"
		if !due.IsZero() {
			p["retryAfter"] = due.UTC().Format(time.RFC3339)
			detail += ", the first due " + due.Format("2006-01-02")
		}
		return ruleOr(s.OnLoan, AutoAnswer{Rule: RuleOnLoan, Action: ill.ActAnswerRetry, Params: p, Detail: detail})
	case len(lendable) == 0 && len(copies) > 0:
		return ruleOr(s.NonCirculating, AutoAnswer{Rule: RuleNonCirculating, Action: ill.ActAnswerUnfilled, Params: map[string]any{"reason": "NonCirculating"},
			Detail: "no copy may circulate: " + copies[0].Status})
	}
	return AutoAnswer{Detail: "held, but the catalog lists no copies: for staff to decide"}
}

// ruleOr keeps a rule's answer when the rule is on; off, the request
// waits for staff with the rule's finding as the detail.
func ruleOr(on bool, a AutoAnswer) AutoAnswer {
	if !on {
		return AutoAnswer{Rule: a.Rule, Detail: a.Detail + " (rule off: for staff)"}
	}
	return a
}

func volumeLess(a, b string) bool {
	var x, y int
	fmt.Sscanf(strings.TrimPrefix(a, "v."), "%d", &x)
	fmt.Sscanf(strings.TrimPrefix(b, "v."), "%d", &y)
	if x != y {
		return x < y
	}
	return a < b
}

// closedUntil is the reopening of a hosted library whose business calendar
// has a closure covering now (zero when open or only closed for the night
// or a weekly closed day).
func closedUntil(tx *store.Tx, agency ill.AgencyID, now time.Time) (time.Time, error) {
	cal, err := settings.CalendarSetting.GetTx(tx, agency)
	if err != nil {
		return time.Time{}, err
	}
	sch, err := calendar.New(cal)
	if err != nil {
		return time.Time{}, nil //nolint:nilerr // a calendar that does not validate closes nothing
	}
	if len(sch.ClosedDuring(now, now)) == 0 {
		return time.Time{}, nil
	}
	return sch.NextReopening(now), nil
}

// lendingAutoIntake is the lending intake step: the desk record, then the
// auto-answer rules.
func lendingAutoIntake(a *App, tx *store.Tx, r *ill.Request) error {
	m := store.LendingMark{RequestID: r.ID, ServiceRank: store.ServiceRank(r.ServiceLevel), Unread: r.UnreadMessages, ByHand: r.Protocol == ProtocolOffSystem}
	if r.Protocol == ProtocolOffSystem || r.State != ill.LNew {
		return tx.Agency().PutLendingMark(r.Agency, m)
	}
	s, err := LendingAutoSetting.GetTx(tx, r.Agency)
	if err != nil {
		return err
	}
	if !s.Enabled {
		return tx.Agency().PutLendingMark(r.Agency, m)
	}
	ans, err := a.autoAnswerFor(tx, s, r)
	if err != nil {
		return err
	}
	m.AutoRule, m.AutoDetail = ans.Rule, ans.Detail
	if ans.Action == "" {
		m.AutoRule = ""
		return tx.Agency().PutLendingMark(r.Agency, m)
	}
	if err := tx.Agency().PutLendingMark(r.Agency, m); err != nil {
		return err
	}
	params := map[string]any{}
	for k, v := range ans.Params {
		params[k] = v
	}
	if err := a.performSystem(tx, r, ans.Action, params); err != nil {
		return err
	}
	if ans.Note != "" {
		return a.ruleNote(tx, r, ans.Note)
	}
	return nil
}

// ruleNote sends a note to the borrower on behalf of the rules (the
// table's note action is a staff action; the rule speaks for the staff
// who set it up).
func (a *App) ruleNote(tx *store.Tx, r *ill.Request, note string) error {
	def, _ := ill.LendingWorkflow.Action(ill.ActNoteToPartner)
	if !slices.Contains(def.From, r.State) {
		return nil
	}
	actor := ill.SystemActor()
	actor.Agency = r.Agency
	p := Params{"note": note}
	ch := &change{req: r, wf: ill.LendingWorkflow, target: def.To, actor: actor, event: def.EventType(), name: string(def.Name),
		effects: def.Effects, sends: sendsOf(r, def.Sends), params: p, data: map[string]any{"note": note, "rule": true}}
	for i := range ch.sends {
		ch.sends[i].params = p
	}
	return a.apply(tx, ch)
}

// autoAnswerFor gathers what the rules need and decides.
func (a *App) autoAnswerFor(tx *store.Tx, s LendingAutoSettings, r *ill.Request) (AutoAnswer, error) {
	until, err := closedUntil(tx, r.Agency, tx.Now())
	if err != nil {
		return AutoAnswer{}, err
	}
	var titles []LocalTitle
	if until.IsZero() {
		if titles, err = localHoldings(tx, r.Agency, r.Citation); err != nil {
			return AutoAnswer{}, err
		}
	}
	return decideAutoAnswer(s, r, titles, until), nil
}
