package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/routing"
	"interlend/internal/store"
)

// The rota page of a borrowing request: its lenders with routing's
// explanation (why each is there and in that place, who was left out and
// why, the own-holdings check), and forms to move lenders, add one, and
// look for lenders again.
func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /requests/{id}/rota", h.requireLogin(h.rotaPage))
		handle("POST /requests/{id}/rota/lenders", h.requireLogin(h.rotaAdd))
		handle("POST /requests/{id}/rota/move", h.requireLogin(h.rotaMove))
		handle("POST /requests/{id}/rota/again", h.requireLogin(h.rotaAgain))
	})
}

type rotaRow struct {
	Position      int
	Lender        string
	Name          string // the lender's name in the directory ("" if it has none)
	StateKey      string
	Score         string
	Place         string
	Reasons       []string
	Note          string
	Current       bool
	Up, Down      int // target positions of the move buttons (0: none)
	AddedByPeople bool
}

type rotaExcluded struct {
	Lender, Name, Why string
}

// Label names a lender for a screen reader: its name and id, or its id.
func (r rotaRow) Label() string {
	if r.Name == "" {
		return r.Lender
	}
	return r.Name + " (" + r.Lender + ")"
}

type rotaPageData struct {
	R          *ill.Request
	Review     string
	Rows       []rotaRow
	Excluded   []rotaExcluded
	Prior      string
	Own        string
	OwnLive    []string
	Routed     bool
	RoutedAt   time.Time
	Candidates string
	CanEdit    bool
	CanRoute   bool
	Libraries  []dirOption
	Errors     map[string]string
	Lender     string
}

func (h *Handler) rotaPage(w http.ResponseWriter, r *http.Request) error {
	return h.showRota(w, r, http.StatusOK, nil, "")
}

func (h *Handler) showRota(w http.ResponseWriter, r *http.Request, status int, formErr error, lender string) error {
	v, err := h.app.RoutingView(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	p := h.page(r, "routing.rota.title", v.Request.PublicID)
	d := rotaPageData{R: v.Request, CanEdit: v.CanEdit, Lender: lender}
	d.Review = reviewText(p, v.Request)
	why := func(x routing.Reason) string { return p.T(x.Key(), x.Anys()...) }
	libs, err := h.app.Libraries(r.Context())
	if err != nil {
		return err
	}
	names := libraryNames(libs)
	lastTried := v.Request.RotaPos
	for i, e := range v.Rota {
		row := rotaRow{Position: e.Position, Lender: string(e.Lender), Name: names[string(e.Lender)], StateKey: "routing.state." + string(e.State), Note: e.Note,
			Current: e.Position == v.Request.RotaPos && e.State == store.RotaCurrent}
		if e.Score > 0 {
			row.Score = fmt.Sprintf("%.3g", e.Score)
		}
		if pe, ok := v.Planned(e.Lender); ok {
			row.Place = why(pe.Place)
			for _, x := range pe.Reasons {
				row.Reasons = append(row.Reasons, why(x))
			}
		} else {
			row.AddedByPeople = true
			row.Place = e.Reason
		}
		if d.CanEdit && e.State == store.RotaPending {
			if i > 0 && v.Rota[i-1].State == store.RotaPending && e.Position-1 > lastTried {
				row.Up = e.Position - 1
			}
			if i+1 < len(v.Rota) && v.Rota[i+1].State == store.RotaPending {
				row.Down = e.Position + 1
			}
		}
		d.Rows = append(d.Rows, row)
	}
	if rec := v.Record; rec != nil {
		d.Routed, d.RoutedAt = true, v.RoutedAt
		for _, x := range rec.Plan.Excluded {
			d.Excluded = append(d.Excluded, rotaExcluded{Lender: string(x.Lender), Name: names[string(x.Lender)], Why: why(x.Reason)})
		}
		pr := rec.Plan.Prior
		d.Prior = p.T("routing.rota.prior", fmt.Sprintf("%.0f", 100*pr.FillRate), fmt.Sprintf("%.1f", pr.Turnaround.Hours()/24), pr.Lenders)
		d.Candidates = p.T("routing.rota.candidates", rec.Plan.Holders, rec.Plan.Candidates)
		d.Own, d.OwnLive = ownText(p, rec.Own)
	}
	switch v.Request.State {
	case ill.BValidated, ill.BReview, ill.BEndOfRota, ill.BRetryOffered:
		d.CanRoute = d.CanEdit
	}
	if d.CanEdit {
		for _, l := range libs {
			if l.ID != v.Request.Agency && (l.Status == "" || l.Status == directory.StatusActive) {
				d.Libraries = append(d.Libraries, dirOption{Value: string(l.ID), Label: l.Name})
			}
		}
	}
	if formErr != nil {
		p.Flash = append(p.Flash, Flash{Kind: "bad", Text: ill.UserMessage(formErr)})
		d.Errors = ill.FieldErrors(formErr)
	}
	p.Data = d
	h.render(w, r, status, "routing_rota", p)
	return nil
}

// reviewText explains why a request waits in review, for the review
// reasons routing gives (others are shown as they are).
func reviewText(p *Page, r *ill.Request) string {
	if r.State != ill.BReview || r.ReviewReason == "" {
		return ""
	}
	switch reason := r.ReviewReason; {
	case reason == app.ReviewOwnHoldings, reason == app.ReviewOwnCheck:
		return p.T("routing.review." + reason)
	case strings.HasPrefix(reason, "rule:"):
		return p.T("routing.review.rule", strings.TrimPrefix(reason, "rule:"))
	default:
		return p.T("routing.review.other", reason)
	}
}

// ownText explains the own-holdings check.
func ownText(p *Page, own app.OwnHoldings) (string, []string) {
	if own.Verdict == "" {
		return "", nil
	}
	text := p.T("routing.own."+own.Verdict, own.Records, own.Copies, own.Available, own.CallNumber)
	var live []string
	if own.Live != nil {
		if own.Live.Problem != "" {
			live = append(live, p.T("routing.own.live.problem", own.Live.Problem))
		}
		for _, it := range own.Live.Items {
			switch {
			case it.Problem != "":
				live = append(live, p.T("routing.own.live.itemproblem", it.Barcode, it.Problem))
			case it.Available && it.HoldQueue == 0:
				live = append(live, p.T("routing.own.live.available", it.Barcode, it.Status))
			case !it.Due.IsZero():
				live = append(live, p.T("routing.own.live.due", it.Barcode, it.Status, p.Date(it.Due), it.HoldQueue))
			default:
				live = append(live, p.T("routing.own.live.unavailable", it.Barcode, it.Status, it.HoldQueue))
			}
		}
	}
	return text, live
}

// rotaFormError shows a refused change on the page (nothing changed).
func (h *Handler) rotaFormError(w http.ResponseWriter, r *http.Request, err error, lender string) error {
	switch ill.KindOf(err) {
	case ill.Invalid:
		return h.showRota(w, r, http.StatusBadRequest, err, lender)
	case ill.Conflict:
		return h.showRota(w, r, http.StatusConflict, err, lender)
	}
	return err
}

func (h *Handler) rotaAdd(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	typed := strings.TrimSpace(r.PostFormValue("lender"))
	lender := ill.AgencyID(typed)
	if typed != "" {
		if e, err := h.app.Library(r.Context(), typed); err == nil {
			lender = e.ID
		} else if !ill.Is(err, ill.NotFound) {
			return h.rotaFormError(w, r, ill.E(ill.Invalid, ill.UserMessage(err), map[string]string{"lender": ill.UserMessage(err)}), typed)
		}
	}
	pos := 0
	if s := strings.TrimSpace(r.PostFormValue("position")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return h.rotaFormError(w, r, ill.E(ill.Invalid, "the position is a whole number from 1", map[string]string{"position": "a whole number from 1"}), typed)
		}
		pos = n
	}
	c := app.RotaChoice{Lender: lender, Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	if len(c.Reason) > 500 {
		return h.rotaFormError(w, r, ill.E(ill.Invalid, "the reason is at most 500 characters", map[string]string{"reason": "at most 500 characters"}), typed)
	}
	if err := h.app.AddLender(r.Context(), actor(r), id, c, pos); err != nil {
		return h.rotaFormError(w, r, err, typed)
	}
	p := h.page(r, "routing.rota.title", id)
	flash(r, "ok", p.T("routing.rota.added", string(lender)))
	http.Redirect(w, r, "/requests/"+id+"/rota", http.StatusSeeOther)
	return nil
}

func (h *Handler) rotaMove(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	from, err1 := strconv.Atoi(r.PostFormValue("from"))
	to, err2 := strconv.Atoi(r.PostFormValue("to"))
	if err1 != nil || err2 != nil {
		return h.rotaFormError(w, r, ill.E(ill.Invalid, "choose a lender to move"), "")
	}
	if err := h.app.MoveLender(r.Context(), actor(r), id, from, to); err != nil {
		return h.rotaFormError(w, r, err, "")
	}
	http.Redirect(w, r, "/requests/"+id+"/rota", http.StatusSeeOther)
	return nil
}

func (h *Handler) rotaAgain(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	n, err := h.app.RouteAgain(r.Context(), actor(r), id)
	if err != nil {
		return h.rotaFormError(w, r, err, "")
	}
	p := h.page(r, "routing.rota.title", id)
	flash(r, "ok", p.Tn("routing.rota.found", n))
	http.Redirect(w, r, "/requests/"+id+"/rota", http.StatusSeeOther)
	return nil
}

// libraryNames maps each directory entry's id, and each of its symbols'
// values, to its name: a rota names lenders by id.
func libraryNames(libs []directory.Entry) map[string]string {
	out := make(map[string]string, 2*len(libs))
	for _, l := range libs {
		if l.Name == "" {
			continue
		}
		for _, s := range l.Symbols {
			if _, taken := out[s.Value]; !taken {
				out[s.Value] = l.Name
			}
		}
	}
	for _, l := range libs {
		if l.Name != "" {
			out[string(l.ID)] = l.Name // the id wins over another's symbol
		}
	}
	return out
}
