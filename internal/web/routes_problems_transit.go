package web

import (
	"net/http"
	"net/url"
	"slices"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// The problems queue and a request's problems panel (docs/problems.md):
// every open problem of the library, oldest first, with since when, its
// step and what happens next (and when, or that staff are to act, late
// ones highlighted), filtered by kind and side, the closed ones on a tab;
// on the request page its problems with the buttons of the open one's
// workflow.
func init() {
	addNav(navEntry{order: 12, key: "problems.nav", href: "/problems", perm: ill.PermRequestView})
	addRoutes(func(h *Handler, handle routeAdder) {
		view := func(fn handlerFunc) handlerFunc { return h.requirePerm(ill.PermRequestView, fn) }
		handle("GET /problems", view(h.problemsQueue))
		handle("GET /requests/{id}/problems", h.requireLogin(h.problemsPanel))
	})
}

// problemActions are the actions of each workflow, in the order staff
// usually take them, that the request page's problems panel offers (those
// the request's state allows).
var problemActions = map[ill.ProblemKind][]ill.ActionName{
	ill.ProbNotReceived:     {ill.ActClaimLostTransit, ill.ActLostAgreed, ill.ActSettleLost, ill.ActStatusRequest, ill.ActReceive, ill.ActResolveProblem},
	ill.ProbClaimedReturned: {ill.ActAnswerReturnClaim, ill.ActLostAgreed, ill.ActSettleLost, ill.ActLendCheckIn, ill.ActCloseLostLend, ill.ActNoteToPartner},
	ill.ProbWrongItem:       {ill.ActReturnWrongItem, ill.ActRerequest},
	ill.ProbDamagedArrival:  {ill.ActDamageLendOn, ill.ActReturnWrongItem, ill.ActAnswerDamage},
	ill.ProbDamagedPatron:   {ill.ActRecordDamageCharge},
	ill.ProbBadCopy:         {ill.ActNoteToPartner},
	ill.ProbSilentCancel:    {ill.ActStatusRequest, ill.ActNoteToPartner},
	ill.ProbSilentRenew:     {ill.ActStatusRequest, ill.ActNoteToPartner},
	ill.ProbSilentReturn:    {ill.ActStatusRequest, ill.ActNoteToPartner},
}

// problemRow is a problem with its labels' catalog keys.
type problemRow struct {
	app.ProblemRow
	KindKey, StepKey, NextKey string
	OutcomeKey                string
	// WaitingKey says whom the step waits for when it is the partner
	// (claimed, waiting for the lender; the borrower to trace its return).
	WaitingKey string
}

func problemRowsOf(rows []app.ProblemRow) []problemRow {
	out := make([]problemRow, 0, len(rows))
	for _, p := range rows {
		row := problemRow{ProblemRow: p, KindKey: "problems.kind." + string(p.Kind), StepKey: "problems.step." + p.Step}
		if p.NextStep != "" {
			row.NextKey = "problems.step." + p.NextStep
		}
		if p.Outcome != "" {
			row.OutcomeKey = "problems.outcome." + p.Outcome
		}
		switch {
		case !p.Open():
		case p.Side == ill.Borrowing && p.Kind == ill.ProbNotReceived && p.Step == "claim" && p.State == ill.BProblem:
			row.WaitingKey, row.StaffToAct = "problems.queue.waiting", false
		case p.Side == ill.Lending && p.Kind == ill.ProbClaimedReturned && p.Step == "trace":
			row.WaitingKey, row.StaffToAct = "problems.queue.waitingborrower", false
		}
		out = append(out, row)
	}
	return out
}

// problemsView is what the queue shows.
type problemsView struct {
	Rows   []problemRow
	Kinds  []string
	Kind   string
	Side   string
	Closed bool
	OpenQ  string // the filter's query, for the tabs
}

func (h *Handler) problemsQueue(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := store.ProblemFilter{Kind: ill.ProblemKind(q.Get("kind")), Side: ill.Side(q.Get("side")), Closed: q.Get("tab") == "closed"}
	v := problemsView{Kind: q.Get("kind"), Side: q.Get("side"), Closed: f.Closed}
	for _, k := range ill.ProblemKinds() {
		v.Kinds = append(v.Kinds, string(k))
	}
	if f.Kind != "" && !slices.Contains(v.Kinds, string(f.Kind)) {
		f.Kind, v.Kind = "", ""
	}
	if f.Side != ill.Borrowing && f.Side != ill.Lending {
		f.Side, v.Side = "", ""
	}
	uv := url.Values{}
	if v.Kind != "" {
		uv.Set("kind", v.Kind)
	}
	if v.Side != "" {
		uv.Set("side", v.Side)
	}
	v.OpenQ = uv.Encode()
	rows, err := h.app.ProblemQueue(r.Context(), actor(r), f)
	if err != nil {
		return err
	}
	v.Rows = problemRowsOf(rows)
	p := h.page(r, "problems.queue.title")
	p.Data = v
	h.render(w, r, http.StatusOK, "problems_queue", p)
	return nil
}

// problemsPanelData is the request page's problems section.
type problemsPanelData struct {
	Request *ill.Request
	Rows    []problemRow
	Actions []actionForm
}

func (h *Handler) problemsPanel(w http.ResponseWriter, r *http.Request) error {
	act, _ := actorFrom(r.Context())
	req, err := h.app.GetRequest(r.Context(), act, r.PathValue("id"))
	if err != nil {
		return err
	}
	rows, err := h.app.RequestProblemRows(r.Context(), act, req.PublicID)
	if err != nil {
		return err
	}
	d := problemsPanelData{Request: req, Rows: problemRowsOf(rows)}
	var want []ill.ActionName
	for _, p := range rows {
		if p.Open() {
			for _, n := range problemActions[p.Kind] {
				if !slices.Contains(want, n) {
					want = append(want, n)
				}
			}
		}
	}
	if len(want) > 0 && act.Kind == ill.ActorStaff {
		defs := h.app.ActionsFor(act, req)
		for _, n := range want {
			for _, def := range defs {
				if def.Name == n {
					d.Actions = append(d.Actions, actionForm{Name: string(def.Name), Key: "action." + string(req.Side) + "." + string(def.Name), Params: def.Params})
				}
			}
		}
	}
	p := h.page(r, "problems.panel.title", req.PublicID)
	p.Data = d
	h.render(w, r, http.StatusOK, "problems_panel", p)
	return nil
}
