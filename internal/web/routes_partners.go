package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"interlend/internal/app"
	"interlend/internal/ill"
)

// Partner pages: every library we exchange ISO 18626 messages with, how
// that goes (last message each way, error rates, messages by state), the
// messages held for want of an endpoint and those refused or given up,
// with re-drive and release, and a test StatusRequest whose round trip
// the page follows (htmx polling).
func init() {
	addNav(navEntry{order: 58, key: "partners.nav", href: "/partners", shortcut: "g p", perm: ill.PermRequestView})
	addRoutes(func(h *Handler, handle routeAdder) {
		view := func(fn handlerFunc) handlerFunc { return h.requirePerm(ill.PermRequestView, fn) }
		handle("GET /partners", view(h.partnersList))
		handle("GET /partners/{id}", view(h.partnerPage))
		handle("POST /partners/{id}/release", view(h.partnerRelease))
		handle("POST /partners/{id}/messages/{mid}/redrive", view(h.partnerRedrive))
		handle("POST /partners/{id}/status-request", view(h.partnerStatusRequest))
		handle("GET /partners/{id}/roundtrip/{request}/{mid}", view(h.partnerRoundTrip))
		handle("GET /requests/{id}/messages/{mid}", view(h.requestMessage))
	})
}

// msgStateCSS colours a message state (shown with its word too).
var msgStateCSS = map[string]string{
	app.MsgSent: "ok", app.MsgDelivered: "ok", app.MsgApplied: "ok",
	app.MsgQueued: "info", app.MsgWaiting: "info", app.MsgSending: "info",
	app.MsgRetrying: "warn", app.MsgHeld: "warn",
	app.MsgRefused: "bad", app.MsgFailed: "bad", app.MsgRejected: "bad",
	app.MsgCancelled: "neutral", app.MsgRecorded: "neutral",
}

// msgRow is a message as lists show it; Open ones carry their body.
type msgRow struct {
	app.MessageView
	CSS    string
	Open   bool
	Detail map[string]any // for message_detail
}

func msgRows(vs []app.MessageView) []msgRow {
	out := make([]msgRow, len(vs))
	for i, v := range vs {
		out[i] = msgRow{MessageView: v, CSS: msgStateCSS[v.State]}
	}
	return out
}

// partnerRow is a partner as the list shows it.
type partnerRow struct {
	app.PartnerSummary
	WeekRate, MonthRate string
	LastOut, LastIn     string
}

func (h *Handler) partnerRow(p *Page, s app.PartnerSummary) partnerRow {
	row := partnerRow{PartnerSummary: s, WeekRate: rate(p, s.Week.OutErrorRate()), MonthRate: rate(p, s.Month.OutErrorRate())}
	now := h.app.Clock.Now()
	if !s.LastOut.IsZero() {
		row.LastOut = ago(p, now.Sub(s.LastOut))
	}
	if !s.LastIn.IsZero() {
		row.LastIn = ago(p, now.Sub(s.LastIn))
	}
	return row
}

// rate writes a percentage in the reader's language.
func rate(p *Page, pc float64) string { return p.T("partners.percent", p.format.Decimal(pc, 1)) }

type partnersData struct {
	Q                string
	Attention, Rows  []partnerRow
	Total            int
	From, To         int
	PrevURL, NextURL string
}

const partnersPageSize = 50

func (h *Handler) partnersList(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "partners.title")
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	list, err := h.app.Partners(r.Context(), actor(r), app.PartnerQuery{Text: q, Offset: max(off, 0), Limit: partnersPageSize})
	if err != nil {
		return plainUnlessInvalid(err)
	}
	d := partnersData{Q: q, Total: list.Total}
	for _, s := range list.Attention {
		d.Attention = append(d.Attention, h.partnerRow(p, s))
	}
	for _, s := range list.Items {
		d.Rows = append(d.Rows, h.partnerRow(p, s))
	}
	if len(list.Items) > 0 {
		d.From, d.To = list.Offset+1, list.Offset+len(list.Items)
	}
	link := func(o int) string {
		v := url.Values{}
		if q != "" {
			v.Set("q", q)
		}
		v.Set("offset", strconv.Itoa(o))
		return "/partners?" + v.Encode()
	}
	if list.Offset > 0 {
		d.PrevURL = link(max(0, list.Offset-list.Limit))
	}
	if list.Offset+list.Limit < list.Total {
		d.NextURL = link(list.Offset + list.Limit)
	}
	p.Data = d
	h.render(w, r, http.StatusOK, "partners_list", p)
	return nil
}

// plainUnlessInvalid is plain, but keeps "choose a library first".
func plainUnlessInvalid(err error) error {
	if ill.Is(err, ill.Invalid) {
		return err
	}
	return plain(err)
}

type windowRow struct {
	Label                              string
	Out, OutFailed, In, InRejected     int
	Attempts, FailedAttempts           int
	OutRate, InRate, AttemptRate       string
	HasOut, HasIn, HasAttempts, Failed bool
}

type stateRow struct {
	Direction, State, CSS string
	Count                 int
}

type partnerData struct {
	S             partnerRow
	Windows       []windowRow
	States        []stateRow
	Held, Dead    []msgRow
	Requests      []app.PartnerRequest
	CanRedrive    bool
	CanDirectory  bool
	RoundTrip     *rtData
	Back          string
	LastOutExact  string
	LastInExact   string
	ChosenRequest string
}

func (h *Handler) partnerPage(w http.ResponseWriter, r *http.Request) error {
	id := ill.AgencyID(r.PathValue("id"))
	a := actor(r)
	ov, err := h.app.Partner(r.Context(), a, id)
	if err != nil {
		return plainUnlessInvalid(err)
	}
	p := h.page(r, "partners.page.title", ov.Name)
	d := partnerData{S: h.partnerRow(p, ov.PartnerSummary), Held: msgRows(ov.Held), Dead: msgRows(ov.Dead), Requests: ov.StatusRequests,
		CanRedrive: ov.CanRedrive, CanDirectory: a.Can(ill.PermDirectory) && ov.InDirectory, Back: r.URL.Path}
	if !ov.LastOut.IsZero() {
		d.LastOutExact = p.DateTime(ov.LastOut)
	}
	if !ov.LastIn.IsZero() {
		d.LastInExact = p.DateTime(ov.LastIn)
	}
	for _, win := range []app.PartnerWindow{ov.Week, ov.Month} {
		d.Windows = append(d.Windows, windowRow{Label: p.Tn("partners.window", win.Days), Out: win.Out, OutFailed: win.OutFailed, In: win.In,
			InRejected: win.InRejected, Attempts: win.Attempts, FailedAttempts: win.FailedAttempts,
			OutRate: rate(p, win.OutErrorRate()), InRate: rate(p, win.InErrorRate()), AttemptRate: rate(p, win.AttemptErrorRate()),
			HasOut: win.Out > 0, HasIn: win.In > 0, HasAttempts: win.Attempts > 0, Failed: win.OutFailed > 0 || win.InRejected > 0})
	}
	for _, s := range ov.States {
		d.States = append(d.States, stateRow{Direction: s.Direction, State: s.State, CSS: msgStateCSS[s.State], Count: s.Count})
	}
	// A round trip to follow: ?rt=<request>:<message>.
	if req, mid, ok := strings.Cut(r.URL.Query().Get("rt"), ":"); ok {
		if n, err := strconv.ParseInt(mid, 10, 64); err == nil {
			if rt, err := h.app.StatusRoundTrip(r.Context(), a, req, n); err == nil {
				d.RoundTrip, d.ChosenRequest = newRTData(p, id, rt), req
			}
		}
	}
	p.Data = d
	h.render(w, r, http.StatusOK, "partners_page", p)
	return nil
}

func (h *Handler) partnerRelease(w http.ResponseWriter, r *http.Request) error {
	id := ill.AgencyID(r.PathValue("id"))
	p := h.page(r, "partners.title")
	n, err := h.app.ReleaseHeld(r.Context(), actor(r), id)
	switch {
	case ill.Is(err, ill.Conflict):
		flash(r, "bad", p.T("partners.release.noendpoint"))
	case err != nil:
		return plain(err)
	default:
		flash(r, "ok", p.Tn("partners.release.done", n))
	}
	http.Redirect(w, r, "/partners/"+url.PathEscape(string(id)), http.StatusSeeOther)
	return nil
}

func (h *Handler) partnerRedrive(w http.ResponseWriter, r *http.Request) error {
	mid, err := pathID(r, "mid")
	if err != nil {
		return err
	}
	p := h.page(r, "partners.title")
	v, err := h.app.RedriveMessage(r.Context(), actor(r), mid)
	switch {
	case ill.Is(err, ill.Conflict):
		flash(r, "bad", p.T("partners.redrive.notnow", mid))
	case err != nil:
		return plain(err)
	default:
		flash(r, "ok", p.T("partners.redrive.done", mid, v.Request))
	}
	http.Redirect(w, r, backTo(r, "/partners/"+url.PathEscape(r.PathValue("id"))), http.StatusSeeOther)
	return nil
}

// partnerStatusRequest sends a test StatusRequest: htmx swaps the round
// trip into the page; without script the page reloads with it.
func (h *Handler) partnerStatusRequest(w http.ResponseWriter, r *http.Request) error {
	id := ill.AgencyID(r.PathValue("id"))
	req := strings.TrimSpace(r.PostFormValue("request"))
	p := h.page(r, "partners.title")
	htmx := r.Header.Get("HX-Request") == "true"
	back := "/partners/" + url.PathEscape(string(id))
	var rt app.RoundTrip
	err := ill.E(ill.Invalid, "no request chosen")
	if req != "" {
		rt, err = h.app.SendStatusRequest(r.Context(), actor(r), id, req)
	}
	if k := ill.KindOf(err); err != nil && (k == ill.Conflict || k == ill.Invalid || k == ill.NotFound) {
		msg := p.T("partners.test.choose")
		if req != "" {
			msg = p.T("partners.test.notnow", req)
		}
		if htmx {
			return ill.E(k, msg)
		}
		flash(r, "bad", msg)
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return plain(err)
	}
	if htmx {
		return h.renderRoundTrip(w, p, id, rt)
	}
	http.Redirect(w, r, "/partners/"+url.PathEscape(string(id))+"?rt="+url.QueryEscape(rt.Request+":"+strconv.FormatInt(rt.Sent.ID, 10))+"#roundtrip", http.StatusSeeOther)
	return nil
}

// partnerRoundTrip is the round trip panel, polled by htmx until done.
func (h *Handler) partnerRoundTrip(w http.ResponseWriter, r *http.Request) error {
	id := ill.AgencyID(r.PathValue("id"))
	mid, err := pathID(r, "mid")
	if err != nil {
		return err
	}
	p := h.page(r, "partners.title")
	rt, err := h.app.StatusRoundTrip(r.Context(), actor(r), r.PathValue("request"), mid)
	if err != nil {
		return plain(err)
	}
	if r.Header.Get("HX-Request") != "true" {
		http.Redirect(w, r, "/partners/"+url.PathEscape(string(id))+"?rt="+url.QueryEscape(rt.Request+":"+strconv.FormatInt(mid, 10))+"#roundtrip", http.StatusSeeOther)
		return nil
	}
	return h.renderRoundTrip(w, p, id, rt)
}

func (h *Handler) renderRoundTrip(w http.ResponseWriter, p *Page, id ill.AgencyID, rt app.RoundTrip) error {
	return h.renderPartial(w, p, "partners_page", "partners_roundtrip", newRTData(p, id, rt))
}

// rtData is what the round trip panel shows.
type rtData struct {
	P       *Page
	Partner ill.AgencyID
	RT      app.RoundTrip
	SentCSS string
}

func newRTData(p *Page, id ill.AgencyID, rt app.RoundTrip) *rtData {
	return &rtData{P: p, Partner: id, RT: rt, SentCSS: msgStateCSS[rt.Sent.State]}
}

// renderPartial writes one named template of a page set (an htmx
// fragment), rendered into a buffer first.
func (h *Handler) renderPartial(w http.ResponseWriter, p *Page, page, name string, data any) error {
	t, ok := h.tmpl.pages[page]
	if !ok {
		return ill.Errorf(ill.Internal, "unknown page %s", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return ill.E(ill.Internal, "fragment could not be rendered", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Vary", "HX-Request")
	_, _ = w.Write(buf.Bytes())
	return nil
}

type messageData struct {
	M          app.MessageDetail
	Request    string
	CSS        string
	CanRedrive bool
	Back       string
}

// requestMessage is one protocol message of a request: a page of its own,
// or (htmx) the body of its entry on the request's timeline.
func (h *Handler) requestMessage(w http.ResponseWriter, r *http.Request) error {
	mid, err := pathID(r, "mid")
	if err != nil {
		return err
	}
	a := actor(r)
	req := r.PathValue("id")
	m, err := h.app.RequestMessage(r.Context(), a, req, mid)
	if err != nil {
		return plain(err)
	}
	p := h.page(r, "partners.message.title", mid, req)
	d := h.messageData(a, req, m)
	if r.Header.Get("HX-Request") == "true" {
		return h.renderPartial(w, p, "partners_message", "message_detail", map[string]any{"P": p, "D": d})
	}
	p.Data = d
	h.render(w, r, http.StatusOK, "partners_message", p)
	return nil
}

// messageRows are the rows of a request's protocol messages on its
// timeline; ?open=<id> shows that message opened, with its body.
func (h *Handler) messageRows(r *http.Request, publicID string) ([]msgRow, error) {
	a := actor(r)
	vs, err := h.app.RequestMessages(r.Context(), a, publicID)
	rows := msgRows(vs)
	if err != nil {
		return nil, err
	}
	open, _ := strconv.ParseInt(r.URL.Query().Get("open"), 10, 64)
	for i := range rows {
		if rows[i].ID != open {
			continue
		}
		m, err := h.app.RequestMessage(r.Context(), a, publicID, open)
		if err != nil {
			return nil, err
		}
		p := h.page(r, "partners.title")
		rows[i].Open, rows[i].Detail = true, map[string]any{"P": p, "D": h.messageData(a, publicID, m)}
	}
	return rows, nil
}

func (h *Handler) messageData(a ill.Actor, publicID string, m app.MessageDetail) messageData {
	return messageData{M: m, Request: publicID, CSS: msgStateCSS[m.State],
		CanRedrive: m.Redrive && (a.Can(ill.PermJobs) || a.Can(ill.PermBorrowAct) || a.Can(ill.PermLendAct)),
		Back:       "/requests/" + url.PathEscape(publicID)}
}
