package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"time"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/store"
)

// The lending desk: partners' requests in queues (from the lending state
// table's Queue column, plus the borrowers' unread notes and requests
// needing attention), counts, batch actions, requests entered by hand,
// and each request's detail (our copies, the borrower's policy, what the
// auto-answer rules make of it).

func init() { addTransitionHook(lendingDeskHook) }

// Desk queues beyond the state table's.
const (
	QueueMessages  = "messages"  // notes from borrowers not yet read
	QueueAttention = "attention" // needing attention
)

// lendingQueueOrder is the order of the desk's queues: the day's work
// from the top. Queues of the table not listed here come after.
var lendingQueueOrder = []string{"new", "pull_slips", "pulled", "not_on_shelf", "awaiting_scan", "awaiting_shipping",
	"on_loan", "renewals", "overdue", "returned", "conditional", "cancel_requested", "problems"}

// LendingQueue is one queue of the desk with its count.
type LendingQueue struct {
	Name   string      `json:"name"`
	States []ill.State `json:"states,omitempty"`
	Count  int         `json:"count"`
}

// lendingQueueStates maps each queue of the lending table to its states.
func lendingQueueStates() map[string][]ill.State {
	out := map[string][]ill.State{}
	for _, d := range ill.LendingWorkflow.States {
		if d.Queue != "" && !d.Terminal {
			out[d.Queue] = append(out[d.Queue], d.Name)
		}
	}
	return out
}

// LendingQueueNames lists the desk's queues in order.
func LendingQueueNames() []string {
	byQueue := lendingQueueStates()
	out := []string{}
	for _, q := range lendingQueueOrder {
		if _, ok := byQueue[q]; ok {
			out = append(out, q)
		}
	}
	for _, d := range ill.LendingWorkflow.States {
		if _, ok := byQueue[d.Queue]; ok && !slices.Contains(out, d.Queue) {
			out = append(out, d.Queue)
		}
	}
	return append(out, QueueMessages, QueueAttention)
}

// LendingQueues counts the desk's queues. Returns Forbidden.
func (a *App) LendingQueues(ctx context.Context, actor ill.Actor) ([]LendingQueue, int, error) {
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return nil, 0, err
	}
	var c store.LendingCounts
	if err := a.read(ctx, func(tx *store.Tx) (err error) { c, err = tx.Agency().LendingQueueCounts(actor.Agency); return }); err != nil {
		return nil, 0, err
	}
	byQueue := lendingQueueStates()
	var out []LendingQueue
	for _, name := range LendingQueueNames() {
		q := LendingQueue{Name: name, States: byQueue[name]}
		switch name {
		case QueueMessages:
			q.Count = c.Unread
		case QueueAttention:
			q.Count = c.Attention
		default:
			for _, s := range q.States {
				q.Count += c.ByState[s]
			}
		}
		out = append(out, q)
	}
	return out, c.Open, nil
}

// LendingQuery selects a page of a desk queue ("" is every open request).
type LendingQuery struct {
	Queue  string `json:"queue,omitempty"`
	Sort   string `json:"sort,omitempty"` // need_before (default), service, oldest, updated
	Limit  int    `json:"limit,omitempty"`
	Offset int    `json:"offset,omitempty"`
}

// LendingSorts are the desk's sort orders.
var LendingSorts = []string{"need_before", "service", "oldest", "updated"}

// LendingList returns a page of a desk queue. Returns Forbidden, or
// Invalid for an unknown queue or sort.
func (a *App) LendingList(ctx context.Context, actor ill.Actor, q LendingQuery) ([]store.LendingRow, int, error) {
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return nil, 0, err
	}
	f := store.LendingFilter{Sort: q.Sort, Limit: q.Limit, Offset: q.Offset}
	if f.Sort != "" && !slices.Contains(LendingSorts, f.Sort) {
		return nil, 0, ill.E(ill.Invalid, "unknown sort order", map[string]string{"sort": "one of " + strings.Join(LendingSorts, ", ")})
	}
	switch q.Queue {
	case "":
	case QueueMessages:
		f.Unread = true
	case QueueAttention:
		f.Attention = true
	default:
		states, ok := lendingQueueStates()[q.Queue]
		if !ok {
			return nil, 0, ill.E(ill.Invalid, fmt.Sprintf("there is no lending queue %q", q.Queue), map[string]string{"queue": "unknown queue"})
		}
		f.States = states
	}
	var rows []store.LendingRow
	var total int
	err := a.read(ctx, func(tx *store.Tx) (err error) { rows, total, err = tx.Agency().LendingQueue(actor.Agency, f); return })
	return rows, total, err
}

// BatchItem is one selected request with the version the person saw.
type BatchItem struct {
	ID      string `json:"id"`
	Version int64  `json:"version,omitempty"`
}

// BatchResult is what became of one request of a batch.
type BatchResult struct {
	ID      string    `json:"id"`
	OK      bool      `json:"ok"`
	State   ill.State `json:"state,omitempty"`
	Version int64     `json:"version,omitempty"`
	Error   string    `json:"error,omitempty"`
	Kind    string    `json:"errorKind,omitempty"` // conflict, invalid, not_found, forbidden
}

// MaxBatch bounds a batch.
const MaxBatch = 200

// LendingBatch takes one action on several lending requests, each in its
// own transaction: a request someone else changed meanwhile, or one the
// action does not fit, is left as it was and reported; the others go on.
// Returns Invalid for an empty or oversized batch.
func (a *App) LendingBatch(ctx context.Context, actor ill.Actor, items []BatchItem, action ill.ActionName, params map[string]any) ([]BatchResult, error) {
	if _, ok := ill.LendingWorkflow.Action(action); !ok && len(items) > 0 && len(items) <= MaxBatch {
		return nil, ill.E(ill.Invalid, fmt.Sprintf("there is no lending action %q", action), map[string]string{"action": "unknown action"})
	}
	return a.batch(ctx, actor, ill.Lending, items, action, params)
}

// batch performs action on each request of one side, each in its own
// transaction, and reports what became of each (the desks' batches).
func (a *App) batch(ctx context.Context, actor ill.Actor, side ill.Side, items []BatchItem, action ill.ActionName, params map[string]any) ([]BatchResult, error) {
	if len(items) == 0 {
		return nil, ill.E(ill.Invalid, "select at least one request", map[string]string{"id": "select at least one request"})
	}
	if len(items) > MaxBatch {
		return nil, ill.E(ill.Invalid, fmt.Sprintf("at most %d requests at once", MaxBatch), map[string]string{"id": "too many"})
	}
	out := make([]BatchResult, 0, len(items))
	for _, it := range items {
		res := BatchResult{ID: strings.ToUpper(strings.TrimSpace(it.ID))}
		r, err := a.GetRequest(ctx, actor, res.ID)
		if err == nil && r.Side != side {
			err = notFound(res.ID)
		}
		if err == nil {
			p := map[string]any{}
			for k, v := range params {
				p[k] = v
			}
			r, err = a.Perform(ctx, actor, res.ID, action, p, it.Version)
		}
		if err != nil {
			res.Error, res.Kind = ill.UserMessage(err), ill.KindOf(err).String()
		} else {
			res.OK, res.State, res.Version = true, r.State, r.Version
		}
		out = append(out, res)
	}
	return out, nil
}

// NewLendingRequest is a partner's request that arrived outside ISO 18626
// (email, a form, another system), entered by hand.
type NewLendingRequest struct {
	Borrower          ill.AgencyID    `json:"borrower"`
	BorrowerRequestID string          `json:"borrowerRequestId,omitempty"`
	Citation          ill.Citation    `json:"citation"`
	ServiceType       ill.ServiceType `json:"serviceType,omitempty"`
	ServiceLevel      string          `json:"serviceLevel,omitempty"`
	NeedBefore        time.Time       `json:"needBefore,omitzero"`
	MaxCost           ill.Money       `json:"maxCost,omitzero"`
	DeliveryAddr      ill.Address     `json:"deliveryAddress,omitzero"`
	Note              string          `json:"note,omitempty"`
	ExternalSystem    string          `json:"externalSystem,omitempty"` // where it came from: email, OCLC WorldShare, ...
	ExternalNumber    string          `json:"externalNumber,omitempty"`
}

// ServiceLevels are the ISO 18626 service levels.
var ServiceLevels = []string{"Urgent", "Express", "Rush", "Normal", "Standard", "SecondaryMail"}

func (n *NewLendingRequest) validate(self ill.AgencyID) error {
	f := map[string]string{}
	n.Borrower = ill.AgencyID(strings.TrimSpace(string(n.Borrower)))
	n.BorrowerRequestID = strings.TrimSpace(n.BorrowerRequestID)
	n.ExternalSystem, n.ExternalNumber = strings.TrimSpace(n.ExternalSystem), strings.TrimSpace(n.ExternalNumber)
	c := &n.Citation
	for _, s := range []*string{&c.Title, &c.Author, &c.ArticleTitle, &c.JournalTitle, &c.ISBN, &c.ISSN, &c.OCLCNumber, &c.DOI, &c.Volume, &c.Issue, &c.Pages, &c.PubDate, &c.Edition} {
		*s = strings.TrimSpace(*s)
		if len(*s) > 2000 {
			f["citation"] = "a field is longer than 2000 characters"
		}
	}
	switch {
	case n.Borrower == "":
		f["borrower"] = "the borrowing library's ISIL or symbol"
	case n.Borrower == self:
		f["borrower"] = "not this library"
	case len(n.Borrower) > 100:
		f["borrower"] = "at most 100 characters"
	}
	if c.DisplayTitle() == "" && c.ISBN == "" && c.ISSN == "" && c.OCLCNumber == "" && c.DOI == "" {
		f["citation.title"] = "a title or an identifier"
	}
	if n.ServiceType == "" {
		n.ServiceType = ill.Loan
		if c.IsCopy() {
			n.ServiceType = ill.Copy
		}
	}
	if !n.ServiceType.Valid() {
		f["serviceType"] = "use Loan, Copy or CopyOrLoan"
	}
	if n.ServiceLevel != "" && !slices.Contains(ServiceLevels, n.ServiceLevel) {
		f["serviceLevel"] = "one of " + strings.Join(ServiceLevels, ", ")
	}
	if len(n.Note) > 4000 {
		f["note"] = "at most 4000 characters"
	}
	if len(n.BorrowerRequestID) > 200 || len(n.ExternalNumber) > 200 {
		f["borrowerRequestId"] = "at most 200 characters"
	}
	if len(f) > 0 {
		return ill.E(ill.Invalid, "the request needs correcting", f)
	}
	if n.ExternalSystem == "" {
		n.ExternalSystem = "manual"
	}
	return nil
}

// EnterLendingRequest records a partner's request that arrived outside
// ISO 18626. It joins the "new" queue like any other; the answers staff
// give are recorded, not sent (the partner is told the way the request
// came). Returns Forbidden, Invalid, or Conflict when the borrower's id
// was entered before.
func (a *App) EnterLendingRequest(ctx context.Context, actor ill.Actor, n NewLendingRequest) (*ill.Request, error) {
	if err := actor.Require(actor.Agency, ill.PermLendAct); err != nil {
		return nil, err
	}
	if err := n.validate(actor.Agency); err != nil {
		return nil, err
	}
	var out *ill.Request
	err := a.write(ctx, func(tx *store.Tx) (err error) {
		out, err = a.enterLending(tx, actor, actor.Agency, n)
		return err
	})
	return out, err
}

// enterLending stores a validated off-system lending request of agency
// in the new queue.
func (a *App) enterLending(tx *store.Tx, actor ill.Actor, agency ill.AgencyID, n NewLendingRequest) (*ill.Request, error) {
	key := n.BorrowerRequestID
	if key == "" {
		key = n.ExternalNumber
	}
	if key == "" {
		var b [5]byte
		_, _ = rand.Read(b[:])
		key = fmt.Sprintf("HAND-%s-%X", tx.Now().UTC().Format("20060102"), b)
	}
	if old, err := tx.Agency().GetLendingRequest(agency, n.Borrower, key); err == nil {
		return nil, ill.E(ill.Conflict, fmt.Sprintf("%s's request %s was entered before, as %s", n.Borrower, key, old.PublicID))
	} else if !ill.Is(err, ill.NotFound) {
		return nil, err
	}
	r := &ill.Request{Side: ill.Lending, State: ill.LNew, Partner: n.Borrower, PartnerRequestID: key, Citation: n.Citation,
		ServiceType: n.ServiceType, ServiceLevel: n.ServiceLevel, NeedBefore: n.NeedBefore, MaxCost: n.MaxCost, DeliveryAddr: n.DeliveryAddr,
		NoteToPartner: n.Note, Protocol: ProtocolOffSystem, ExternalSystem: n.ExternalSystem, ExternalNumber: n.ExternalNumber}
	if err := tx.Agency().CreateRequest(agency, r); err != nil {
		return nil, err
	}
	if err := a.event(tx, r, actor, "submitted", "enter_by_hand", map[string]any{"externalSystem": n.ExternalSystem, "borrower": string(n.Borrower)}, 0); err != nil {
		return nil, err
	}
	for _, step := range lendingIntake {
		if err := step(a, tx, r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// LendingView is a lending request's detail for the desk.
type LendingView struct {
	Request *ill.Request      `json:"request"`
	Mark    store.LendingMark `json:"-"`
	// Titles are our matching records and copies.
	Titles []LocalTitle `json:"holdings"`
	// Live is the ILS's LookupItem step, when an ILS is configured.
	Live *store.CirculationStep `json:"-"`
	// Borrower is the partner's directory entry (nil when unknown).
	Borrower *directory.Entry `json:"-"`
	// Suggestion is what the auto-answer rules (all on) make of it now.
	Suggestion AutoAnswer `json:"suggestion"`
	// AutoRule is the rule that answered it when it arrived.
	AutoRule   string `json:"autoRule,omitempty"`
	AutoDetail string `json:"autoDetail,omitempty"`
	ByHand     bool   `json:"enteredByHand"`
	// SearchAgain is when a copy not on the shelf is looked for again.
	SearchAgain time.Time         `json:"searchAgain,omitzero"`
	SlipPrinted time.Time         `json:"slipPrinted,omitzero"`
	LiveState   string            `json:"liveState,omitempty"`
	LiveData    map[string]string `json:"live,omitempty"`
	LiveProblem string            `json:"liveProblem,omitempty"`
}

// LendingDetail returns what the desk shows about a lending request.
// Returns NotFound (also for a borrowing request) or Forbidden.
func (a *App) LendingDetail(ctx context.Context, actor ill.Actor, publicID string) (LendingView, error) {
	var v LendingView
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return v, err
	}
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		if r.Side != ill.Lending {
			return notFound(publicID)
		}
		v.Request = r
		if v.Mark, _, err = tx.Agency().LendingMark(r.Agency, r.ID); err != nil {
			return err
		}
		v.AutoRule, v.AutoDetail, v.ByHand, v.SearchAgain, v.SlipPrinted = v.Mark.AutoRule, v.Mark.AutoDetail, v.Mark.ByHand, v.Mark.SearchAgainAt, v.Mark.SlipPrintedAt
		if v.Titles, err = localHoldings(tx, r.Agency, r.Citation); err != nil {
			return err
		}
		if st, err := tx.Agency().CirculationStep(r.Agency, r.ID, string(ils.LookupItem)); err == nil {
			v.Live, v.LiveState, v.LiveData, v.LiveProblem = &st, string(st.State), st.Data, st.Problem
		} else if !ill.Is(err, ill.NotFound) {
			return err
		}
		if e, err := tx.Network().DirectoryEntry(r.Partner); err == nil {
			e.Credentials = nil
			v.Borrower = &e
		} else if !ill.Is(err, ill.NotFound) {
			return err
		}
		all := LendingAutoSettings{Enabled: true, HeldAvailable: true, NotHeld: true, NonCirculating: true, OnLoan: true, AtBindery: true, Closed: true, NotFoundAsCited: true}
		if s, err := LendingAutoSetting.GetTx(tx, r.Agency); err == nil {
			all.Conditions, all.NoRenewals = s.Conditions, s.NoRenewals
		}
		if r.State == ill.LNew {
			until, err := closedUntil(tx, r.Agency, tx.Now())
			if err != nil {
				return err
			}
			v.Suggestion = decideAutoAnswer(all, r, v.Titles, until)
		}
		return nil
	})
	return v, err
}

// lendingDeskHook keeps the desk record in step with the request: the
// service level's rank, unread notes, the pull slip's printing and the
// date to search again.
func lendingDeskHook(a *App, tx *store.Tx, r *ill.Request, ev *ill.Event) error {
	if r.Side != ill.Lending {
		return nil
	}
	m, ok, err := tx.Agency().LendingMark(r.Agency, r.ID)
	if err != nil {
		return err
	}
	before := m
	m.ServiceRank, m.Unread = store.ServiceRank(r.ServiceLevel), r.UnreadMessages
	if ev.Type == "pull_slip_printed" {
		m.SlipPrintedAt = tx.Now()
	}
	switch {
	case r.State != ill.LNotOnShelf:
		m.SearchAgainAt = time.Time{}
	case ev.From != ev.To:
		js, err := tx.System().ListJobs(store.JobFilter{Agency: r.Agency, Kind: KindTimer, Ref: r.PublicID, States: []store.JobState{store.JobReady}})
		if err != nil {
			return err
		}
		m.SearchAgainAt = time.Time{}
		for _, j := range js {
			if m.SearchAgainAt.IsZero() || j.RunAt.After(m.SearchAgainAt) {
				m.SearchAgainAt = j.RunAt
			}
		}
	}
	if ok && m == before {
		return nil // most steps change nothing the desk sorts or shows
	}
	return tx.Agency().PutLendingMark(r.Agency, m)
}

// syncLendingUnread brings the desk record's unread count in line with
// the request's (MarkRead calls it: marking read is not a transition).
func syncLendingUnread(tx *store.Tx, r *ill.Request) error {
	if r.Side != ill.Lending {
		return nil
	}
	m, _, err := tx.Agency().LendingMark(r.Agency, r.ID)
	if err != nil || m.Unread == r.UnreadMessages {
		return err
	}
	m.Unread = r.UnreadMessages
	return tx.Agency().PutLendingMark(r.Agency, m)
}
