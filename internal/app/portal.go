package app

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"interlend/internal/ill"
	"interlend/internal/store"
)

// The patron portal's use cases: a patron's requests told in sentences,
// the request forms, cancel, renew, answers to staff questions and
// downloads. Every call takes a patron actor and works on that patron's
// own requests only (others' are NotFound).

// PortalRequest is one request as its patron sees it.
type PortalRequest struct {
	Request *ill.Request
	Status  PatronStatus
	// Cancel: how the patron may cancel now ("" when it cannot be
	// cancelled; CancelWhy says why).
	Cancel    ill.ActionName
	CancelWhy string
	// Renew: whether the patron may ask for a renewal now; when not,
	// RenewWhy is the reason to show ("" when renewals do not apply).
	Renew    bool
	RenewWhy string
	// Mediated is set when a renewal ask goes to staff first.
	Mediated bool
	// RenewAsked is set when the patron asked and staff have not acted.
	RenewAsked bool
	// Question is staff's question while the request awaits the patron.
	Question string
	// Download is set when a delivered file can be downloaded.
	Download bool
	// NeedBeforeAsked is set while the patron is asked whether to go on
	// after the need-before date passed (problems_silence.go).
	NeedBeforeAsked bool
	// BadCopy is set when the patron may report the delivered copy as bad
	// or incomplete; BadCopyOpen while such a report is open
	// (problems_receipt_portal.go).
	BadCopy, BadCopyOpen bool

	History []PatronEvent
}

// PatronEvent is one line of a request's history for its patron.
type PatronEvent struct {
	At     time.Time
	Key    string // catalog key "portal.history.<event type>"
	Lender string
	Note   string // a note meant for the patron (staff questions, replies)
}

// patronHistory lists the event types a patron is shown, in their words.
var patronHistory = map[string]bool{
	"submitted": true, "sent_to_lender": true, "answered": true, "shipped": true, "received": true,
	"available_to_patron": true, "picked_up": true, "returned_by_patron": true, "return_shipped": true,
	"checked_in": true, "delivered": true, "closed": true, "cancelled": true, "unfilled_by_lender": true,
	"ask_patron": true, "patron_reply": true, "conditions_offered": true, "cancel_requested": true,
	"cancel_refused": true, "renew_requested": true, "renewed": true, "renewal_refused": true, "overdue": true,
	"recalled": true, "pickup_expired": true, "copyright_deny": true, "moved_on": true, "response_timeout": true,
}

// attentionRenewal marks a request whose patron asked for a renewal that
// staff must pass on (renewals mediated).
const attentionRenewal = "patron_asks_renewal"

func requirePatron(actor ill.Actor) error {
	if actor.Kind != ill.ActorPatron || actor.UserID == 0 {
		return ill.E(ill.Forbidden, "the portal is for patrons")
	}
	return actor.Require(actor.Agency, ill.PermPatronSelf)
}

// PortalSettingsFor returns an agency's portal settings (public: the
// forms and the login page show them).
func (a *App) PortalSettingsFor(ctx context.Context, agency ill.AgencyID) (PortalSettings, error) {
	return PortalSetting.Get(ctx, a.DB, agency)
}

// MyRequests lists the patron's requests, open ones first, with their
// sentences. Returns Forbidden.
func (a *App) MyRequests(ctx context.Context, actor ill.Actor) ([]PortalRequest, error) {
	if err := requirePatron(actor); err != nil {
		return nil, err
	}
	// The login's requests by index (requests_owner): its own, and those
	// staff placed for its patron record (ownership is checked again).
	f := store.RequestFilter{Side: ill.Borrowing, Sort: "created", Limit: 500, Owner: actor.UserID}
	rs, _, err := a.ListRequests(ctx, actor, f)
	if err != nil {
		return nil, err
	}
	out := make([]PortalRequest, 0, len(rs))
	for _, r := range rs {
		pr, err := a.portalView(ctx, actor, r, false)
		if err != nil {
			return nil, err
		}
		out = append(out, pr)
	}
	slices.SortStableFunc(out, func(x, y PortalRequest) int {
		xo, yo := !ill.BorrowingWorkflow.Terminal(x.Request.State), !ill.BorrowingWorkflow.Terminal(y.Request.State)
		if xo != yo {
			if xo {
				return -1
			}
			return 1
		}
		return y.Request.CreatedAt.Compare(x.Request.CreatedAt)
	})
	return out, nil
}

// MyRequest is one of the patron's requests with its history. Returns
// NotFound (not theirs, or no such request) or Forbidden.
func (a *App) MyRequest(ctx context.Context, actor ill.Actor, publicID string) (PortalRequest, error) {
	if err := requirePatron(actor); err != nil {
		return PortalRequest{}, err
	}
	r, err := a.GetRequest(ctx, actor, publicID)
	if err != nil {
		return PortalRequest{}, err
	}
	return a.portalView(ctx, actor, r, true)
}

func (a *App) portalView(ctx context.Context, actor ill.Actor, r *ill.Request, history bool) (PortalRequest, error) {
	pr := PortalRequest{Request: r}
	var evs []ill.Event
	var ps PortalSettings
	var lender string
	err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		if evs, err = tx.Agency().Events(r.Agency, r.ID); err != nil {
			return err
		}
		if ps, err = PortalSetting.GetTx(tx, r.Agency); err != nil {
			return err
		}
		lender = lenderName(tx, r.Partner)
		if pr.NeedBeforeAsked, err = needBeforeAsked(tx, r); err != nil {
			return err
		}
		if pr.BadCopy, pr.BadCopyOpen, err = badCopyFor(tx, r); err != nil {
			return err
		}
		if r.State == ill.BCompleted && r.ServiceType == ill.Copy {
			_, ferr := deliveredFile(tx, r)
			pr.Download = ferr == nil
		}
		if history {
			names := map[ill.AgencyID]string{}
			for _, e := range evs {
				if !patronHistory[e.Type] {
					continue
				}
				pe := PatronEvent{At: e.At, Key: "portal.history." + e.Type}
				if p := eventPartner(e); p != "" {
					if _, ok := names[p]; !ok {
						names[p] = lenderName(tx, p)
					}
					pe.Lender = names[p]
				}
				if e.Type == "ask_patron" || e.Type == "patron_reply" || e.Type == "copyright_deny" || e.Type == evPatronMessage || e.Type == evStaffMessage {
					pe.Note = eventNote(e)
				}
				pr.History = append(pr.History, pe)
			}
		}
		return nil
	})
	if err != nil {
		return pr, err
	}
	var turn time.Duration
	if etaStates[r.State] && r.Partner != "" {
		turn = a.LenderTurnaround(ctx, r.Agency, r.Partner, r.ServiceType)
	}
	pr.Status = patronStatus(r, lender, lastChange(evs, r), a.Clock.Now(), turn, ps)
	if r.State == ill.BAwaitingPatron {
		for i := len(evs) - 1; i >= 0; i-- {
			if evs[i].Type == "ask_patron" {
				pr.Question = eventNote(evs[i])
				break
			}
		}
	}
	pr.Cancel, pr.CancelWhy = cancelFor(actor, r)
	pr.Renew, pr.RenewWhy, pr.RenewAsked = renewFor(actor, r, ps)
	pr.Mediated = ps.RenewalsMediated
	return pr, nil
}

// eventPartner is the lender an event names: the partner who sent the
// message, or the lender a request was sent to.
func eventPartner(e ill.Event) ill.AgencyID {
	if e.ActorPartner != "" {
		return e.ActorPartner
	}
	var d map[string]any
	if json.Unmarshal(e.Data, &d) == nil {
		for _, k := range []string{"lender", "partner", "to"} {
			if s, ok := d[k].(string); ok && s != "" {
				return ill.AgencyID(s)
			}
		}
	}
	return ""
}

func eventNote(e ill.Event) string {
	var d map[string]any
	if json.Unmarshal(e.Data, &d) != nil {
		return ""
	}
	if p, ok := d["params"].(map[string]any); ok {
		if s, ok := p["note"].(string); ok {
			return s
		}
	}
	s, _ := d["note"].(string)
	return s
}

// cancelFor says how the patron may cancel r now, or why not.
func cancelFor(actor ill.Actor, r *ill.Request) (ill.ActionName, string) {
	if ill.BorrowingWorkflow.Terminal(r.State) {
		return "", ""
	}
	for _, def := range availableFor(actor, r) {
		if def.Name == ill.ActCancel || def.Name == ill.ActRequestCancel {
			return def.Name, ""
		}
	}
	if r.State == ill.BCancelRequested {
		return "", "portal.cancel.asked"
	}
	return "", "portal.cancel.late"
}

// renewFor says whether the patron may ask for a renewal, or why not.
func renewFor(actor ill.Actor, r *ill.Request, ps PortalSettings) (ok bool, why string, asked bool) {
	if r.ServiceType == ill.Copy {
		return false, "", false
	}
	switch r.State {
	case ill.BCheckedOut, ill.BOverdue:
	case ill.BRenewRequested:
		return false, "portal.renew.pending", false
	case ill.BRecalled:
		return false, "portal.renew.recalled", false
	default:
		return false, "", false
	}
	if r.Attention && r.AttentionReason == attentionRenewal {
		return false, "portal.renew.asked", true
	}
	switch {
	case !ps.AllowRenewals:
		return false, "portal.renew.off", false
	case r.RenewalCount >= ps.MaxRenewals:
		return false, "portal.renew.count", false
	case r.HoldReturn:
		return false, "portal.renew.hold", false
	case noRenewals(r.Conditions):
		return false, "portal.renew.lender", false
	}
	for _, def := range availableFor(actor, r) {
		if def.Name == ill.ActRenew {
			return true, "", false
		}
	}
	return false, "portal.renew.notnow", false
}

// noRenewals reports whether the lender's conditions forbid renewals.
func noRenewals(conds []string) bool {
	for _, c := range conds {
		l := strings.ToLower(c)
		if strings.Contains(l, "norenew") || strings.Contains(l, "no renew") {
			return true
		}
	}
	return false
}

// PortalCancel withdraws the patron's request, or asks the lender to
// cancel it when it is already there. Returns NotFound, Conflict (too
// late) or Forbidden.
func (a *App) PortalCancel(ctx context.Context, actor ill.Actor, publicID string) (*ill.Request, error) {
	if err := requirePatron(actor); err != nil {
		return nil, err
	}
	var out *ill.Request
	err := a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		how, _ := cancelFor(actor, r)
		if how == "" {
			return ill.E(ill.Conflict, "This request can no longer be cancelled here: ask the library.")
		}
		if err := a.perform(tx, actor, r, how, nil, 0); err != nil {
			return err
		}
		out = r
		return nil
	})
	return out, err
}

// PortalRenew asks for a renewal: at once from the lender, or through
// staff when the library mediates renewals. Returns NotFound, Conflict
// (not renewable now, with the reason) or Forbidden.
func (a *App) PortalRenew(ctx context.Context, actor ill.Actor, publicID string) (*ill.Request, bool, error) {
	if err := requirePatron(actor); err != nil {
		return nil, false, err
	}
	var out *ill.Request
	mediated := false
	err := a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		ps, err := PortalSetting.GetTx(tx, r.Agency)
		if err != nil {
			return err
		}
		ok, why, _ := renewFor(actor, r, ps)
		if !ok {
			if why == "" {
				why = "portal.renew.notnow"
			}
			return ill.E(ill.Conflict, "This loan cannot be renewed now.", map[string]string{"renew": why})
		}
		if ps.RenewalsMediated {
			mediated = true
			if err := a.flagRequest(tx, r.Agency, r.ID, attentionRenewal, map[string]any{"by": "patron"}); err != nil {
				return err
			}
			out, err = a.requestByID(tx, r.Agency, r.ID)
			return err
		}
		if err := a.perform(tx, actor, r, ill.ActRenew, nil, 0); err != nil {
			return err
		}
		out = r
		return nil
	})
	return out, mediated, err
}

// PortalReply answers staff's question. Returns NotFound, Invalid,
// Conflict (no question pending) or Forbidden.
func (a *App) PortalReply(ctx context.Context, actor ill.Actor, publicID, note string) (*ill.Request, error) {
	if err := requirePatron(actor); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if note == "" || utf8.RuneCountInString(note) > 2000 {
		return nil, ill.E(ill.Invalid, "Write your answer (up to 2000 characters).", map[string]string{"note": "portal.err.reply"})
	}
	var out *ill.Request
	err := a.write(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		if r.State != ill.BAwaitingPatron {
			return ill.E(ill.Conflict, "There is no question waiting for your answer.")
		}
		if err := a.perform(tx, actor, r, ill.ActPatronReply, map[string]any{"note": note}, 0); err != nil {
			return err
		}
		r.Attention, r.AttentionReason = true, "patron_replied"
		if err := tx.Agency().UpdateRequest(r.Agency, r, 0); err != nil {
			return err
		}
		out = r
		return nil
	})
	return out, err
}

// PortalDownload makes the patron a download link to the article
// delivered for their request, bound to their login (a few downloads,
// a week). Returns NotFound or Forbidden.
func (a *App) PortalDownload(ctx context.Context, actor ill.Actor, publicID string) (Link, error) {
	if err := requirePatron(actor); err != nil {
		return Link{}, err
	}
	return a.DeliveryLink(ctx, actor, publicID, 7*24*time.Hour)
}

// PortalForm is a request typed into (or pre-filled on) a portal form.
// Fields are keyed by FormFields names.
type PortalForm struct {
	Kind              string
	Fields            map[string]string
	NeedBefore        string // YYYY-MM-DD
	MaxCost           string // decimal, in Currency
	Currency          string
	Pickup            string
	Note              string
	CopyrightAccepted bool
	Source            string // rfr_id / sid of an OpenURL
	ServiceType       ill.ServiceType

	// Declaration is the UK copyright declaration (copyright_uk.go),
	// required for copies when the library's regime is UK.
	Declaration DeclarationInput
}

// Form limits.
const (
	maxFormField = 1000
	maxFormNote  = 2000
)

// IsCopy reports whether the form asks for a copy.
func (f PortalForm) IsCopy() bool {
	return f.Kind == FormArticle || f.Kind == FormChapter || f.ServiceType == ill.Copy
}

// FormKindFor picks the form for a citation (an OpenURL's).
func FormKindFor(c ill.Citation) string {
	switch c.PublicationType {
	case ill.PubArticle, ill.PubJournal:
		return FormArticle
	case ill.PubChapter:
		return FormChapter
	case ill.PubThesis:
		return FormThesis
	case ill.PubBook, ill.PubConferenceProc:
		if c.ArticleTitle != "" {
			return FormChapter
		}
		return FormBook
	case "":
		if c.ArticleTitle != "" {
			return FormArticle
		}
		if c.Title != "" || c.ISBN != "" {
			return FormBook
		}
	}
	return FormOther
}

// FormFromCitation fills a form from a citation.
func FormFromCitation(c ill.Citation) PortalForm {
	f := PortalForm{Kind: FormKindFor(c), Fields: map[string]string{}, Source: c.Source}
	set := func(k, v string) {
		if v = strings.TrimSpace(v); v != "" {
			f.Fields[k] = v
		}
	}
	author := c.Author
	if len(c.Authors) > 1 {
		author = strings.Join(c.Authors, "; ")
	} else if author == "" && len(c.Authors) == 1 {
		author = c.Authors[0]
	}
	set("author", author)
	set("atitle", c.ArticleTitle)
	if f.Kind == FormArticle {
		set("jtitle", firstNonEmpty(c.JournalTitle, c.Title))
	} else {
		set("title", c.Title)
	}
	set("date", c.PubDate)
	set("volume", c.Volume)
	set("issue", c.Issue)
	set("pages", c.Pages)
	set("chapter", c.Chapter)
	set("edition", c.Edition)
	set("publisher", c.Publisher)
	set("place", c.PlaceOfPub)
	set("inst", c.Sponsor)
	set("series", c.Series)
	set("isbn", c.ISBN)
	set("issn", firstNonEmpty(c.ISSN, c.EISSN))
	set("doi", c.DOI)
	set("pmid", c.PMID)
	set("oclc", c.OCLCNumber)
	set("lccn", c.LCCN)
	set("language", c.Language)
	return f
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// citation builds the request's citation from the form.
func (f PortalForm) citation() ill.Citation {
	g := func(k string) string { return strings.TrimSpace(f.Fields[k]) }
	c := ill.Citation{
		Title: g("title"), ArticleTitle: g("atitle"), JournalTitle: g("jtitle"), PubDate: g("date"),
		Volume: g("volume"), Issue: g("issue"), Pages: g("pages"), Chapter: g("chapter"), Edition: g("edition"),
		Publisher: g("publisher"), PlaceOfPub: g("place"), Sponsor: g("inst"), Series: g("series"),
		ISBN: g("isbn"), ISSN: g("issn"), DOI: g("doi"), PMID: g("pmid"), OCLCNumber: g("oclc"), LCCN: g("lccn"),
		Language: g("language"), Source: strings.TrimSpace(f.Source),
	}
	for _, a := range strings.Split(g("author"), ";") {
		if a = strings.TrimSpace(a); a != "" {
			c.Authors = append(c.Authors, a)
		}
	}
	if len(c.Authors) > 0 {
		c.Author = c.Authors[0]
	}
	if len(c.Authors) == 1 {
		c.Authors = nil
	}
	switch f.Kind {
	case FormArticle:
		c.PublicationType = ill.PubArticle
		if c.Title == "" {
			c.Title = c.JournalTitle
		}
	case FormChapter:
		c.PublicationType = ill.PubChapter
	case FormBook:
		c.PublicationType = ill.PubBook
	case FormThesis:
		c.PublicationType = ill.PubThesis
	default:
		c.PublicationType = ill.PubOther
	}
	return c
}

// check validates the form against the library's settings. Field errors
// are catalog keys, keyed by input name.
func (f *PortalForm) check(ps PortalSettings, now time.Time, loc *time.Location, currency string) (NewRequest, error) {
	errs := map[string]string{}
	if !slices.Contains(FormKinds, f.Kind) {
		errs["kind"] = "portal.err.kind"
		f.Kind = FormOther
	}
	for k, v := range f.Fields {
		if utf8.RuneCountInString(v) > maxFormField {
			errs[k] = "portal.err.long"
		}
		if strings.ContainsAny(v, "\x00") {
			errs[k] = "portal.err.chars"
		}
	}
	for _, name := range ps.Required(f.Kind) {
		name = strings.TrimSpace(name)
		if strings.TrimSpace(f.Fields[name]) == "" {
			errs[name] = "portal.err.required"
		}
	}
	if utf8.RuneCountInString(f.Note) > maxFormNote {
		errs["note"] = "portal.err.long"
	}
	if utf8.RuneCountInString(f.Source) > 200 {
		f.Source = string([]rune(f.Source)[:200])
	}
	n := NewRequest{Citation: f.citation(), PickupLocation: strings.TrimSpace(f.Pickup), NoteToPartner: strings.TrimSpace(f.Note)}
	n.ServiceType = ill.Loan
	if f.IsCopy() {
		n.ServiceType = ill.Copy
	}
	if f.ServiceType.Valid() && f.Kind == FormOther {
		n.ServiceType = f.ServiceType
	}
	if nb := strings.TrimSpace(f.NeedBefore); nb != "" {
		d, err := time.ParseInLocation("2006-01-02", nb, loc)
		today := time.Date(now.In(loc).Year(), now.In(loc).Month(), now.In(loc).Day(), 0, 0, 0, 0, loc)
		switch {
		case err != nil:
			errs["needBefore"] = "portal.err.date"
		case d.Before(today):
			errs["needBefore"] = "portal.err.past"
		case d.After(today.AddDate(2, 0, 0)):
			errs["needBefore"] = "portal.err.far"
		default:
			n.NeedBefore = d.Add(24*time.Hour - time.Second)
		}
	}
	if mc := strings.TrimSpace(f.MaxCost); mc != "" {
		v, err := strconv.ParseFloat(strings.ReplaceAll(mc, ",", "."), 64)
		switch {
		case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
			errs["maxCost"] = "portal.err.cost"
		case v < 0 || v > 10000:
			errs["maxCost"] = "portal.err.costrange"
		default:
			n.MaxCost = ill.Money{Minor: int64(math.Round(v * 100)), Currency: currency}
		}
	}
	if n.ServiceType != ill.Copy && len(ps.PickupLocations) > 0 {
		if n.PickupLocation == "" {
			n.PickupLocation = ps.PickupLocations[0]
		} else if !slices.Contains(ps.PickupLocations, n.PickupLocation) {
			errs["pickup"] = "portal.err.pickup"
		}
	}
	if n.ServiceType == ill.Copy && !f.CopyrightAccepted {
		errs["copyright"] = "portal.err.copyright"
	}
	if len(errs) > 0 {
		return n, ill.E(ill.Invalid, "Please correct the marked fields.", errs)
	}
	return n, nil
}

// SubmitPortalRequest checks the form and creates the patron's request
// (the patron's record, when linked, is the request's patron). Nothing is
// stored when a field is wrong: Invalid carries a catalog key per field.
func (a *App) SubmitPortalRequest(ctx context.Context, actor ill.Actor, f PortalForm) (*ill.Request, error) {
	if err := requirePatron(actor); err != nil {
		return nil, err
	}
	ps, err := PortalSetting.Get(ctx, a.DB, actor.Agency)
	if err != nil {
		return nil, err
	}
	ss, err := StatsSetting.Get(ctx, a.DB, actor.Agency)
	if err != nil {
		return nil, err
	}
	n, err := f.check(ps, a.Clock.Now(), a.AgencyLocation(ctx, actor.Agency), strings.ToUpper(ss.Currency))
	err = a.portalDeclaration(ctx, actor.Agency, f, &n, err)
	if err != nil {
		return nil, err
	}
	if p, err := a.MyPatronRecord(ctx, actor, actor.Agency); err == nil {
		n.PatronID, n.PatronCategory = p.ID, p.Category
	} else if !ill.Is(err, ill.NotFound) {
		return nil, err
	}
	r, err := a.CreateRequest(ctx, actor, n)
	if err != nil {
		return nil, err
	}
	err = a.write(ctx, func(tx *store.Tx) error {
		if n.ServiceType == ill.Copy {
			if err := a.event(tx, r, actor, "edited", "copyright_notice_accepted", map[string]any{"notice": "shown and accepted"}, 0); err != nil {
				return err
			}
			if n.CopyrightDeclaration != nil {
				if err := a.event(tx, r, actor, "edited", "copyright_declaration_signed", declarationEventData(), 0); err != nil {
					return err
				}
			}
		}
		return a.notifyPatron(tx, r, "submitted")
	})
	if err != nil {
		return r, fmt.Errorf("request %s created; recording the notice failed: %w", r.PublicID, err)
	}
	return r, nil
}
