package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/pdf"
)

// The lending desk's scanner pages: one scan box whose mode says what a
// scan does (found, not on shelf, ship, return), the pull slips to print,
// shipping labels and book bands for what was shipped, and the returns
// and renewals page (renewals to answer, overdue loans to recall or write
// off as lost). Every scan answers with a row in the page's log — done,
// or why nothing happened — and the box is ready for the next scan.
func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /lending/scan", h.requirePerm(ill.PermScan, h.lendingScanPage))
		handle("POST /lending/scan", h.requirePerm(ill.PermScan, h.lendingScan))
		handle("GET /lending/slips", h.requirePerm(ill.PermScan, h.lendingSlipsPage))
		handle("POST /lending/slips.pdf", h.requirePerm(ill.PermScan, h.lendingSlipsPDF))
		handle("GET /lending/labels.pdf", h.requirePerm(ill.PermScan, h.lendingLabelsPDF))
		handle("GET /lending/bands.pdf", h.requirePerm(ill.PermScan, h.lendingBandsPDF))
		handle("GET /lending/returns", h.requirePerm(ill.PermRequestView, h.lendingReturnsPage))
		handle("POST /lending/returns/{id}/{action}", h.requirePerm(ill.PermRequestView, h.lendingReturnsAction))
	})
	addNav(navEntry{order: 36, key: "lendingops.nav", href: "/lending/scan", shortcut: "g h", perm: ill.PermScan})
}

// scanRow is one line of the scan log.
type scanRow struct {
	OK       bool
	Code     string
	ID       string // the request, if the scan matched one
	Title    string
	Message  string
	StateKey string
	Class    string
	Ship     bool // a shipped loan: offered for labels
}

type scanPageData struct {
	Mode     app.ScanMode
	Modes    []app.ScanMode
	Courier  string
	Stock    string
	Stocks   []string
	Rows     []scanRow
	Today    string
	ModeHelp string
}

func scanModeOf(s string) app.ScanMode {
	m := app.ScanMode(s)
	if slices.Contains(app.ScanModes, m) {
		return m
	}
	return app.ScanFound
}

// lendingScanPage shows the scan box in one mode.
func (h *Handler) lendingScanPage(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	mode := scanModeOf(r.URL.Query().Get("mode"))
	set, err := app.LendingOpsSetting.Get(r.Context(), h.app.DB, actor.Agency)
	if err != nil {
		return err
	}
	p := h.page(r, "lendingops.scan.title")
	p.BodyClass = "desk lending-scan"
	p.ScanBox = false // the page's own scan box takes its place (and its id)
	p.Data = scanPageData{Mode: mode, Modes: app.ScanModes, Courier: set.Courier, Stock: set.LabelStock, Stocks: []string{"4x6", "a4", "letter"},
		Today: h.app.Clock.Now().UTC().Format("2006-01-02")}
	h.render(w, r, http.StatusOK, "lending_scan", p)
	return nil
}

// lendingScan does one scan and answers with its log row (htmx), or
// back to the page with a flash message.
func (h *Handler) lendingScan(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	in := app.ScanInput{Mode: scanModeOf(r.PostFormValue("mode")), Code: r.PostFormValue("code"),
		Courier: r.PostFormValue("courier"), TrackingID: strings.TrimSpace(r.PostFormValue("tracking")), DueDate: r.PostFormValue("due"),
		SearchAgain: r.PostFormValue("again"), Damaged: r.PostFormValue("damaged") != "",
		DamageNote: r.PostFormValue("damage_note"), DamageCost: r.PostFormValue("damage_cost")}
	res, err := h.app.LendingScan(r.Context(), actor, in)
	if err != nil && ill.KindOf(err) == ill.Internal {
		return err
	}
	p := h.page(r, "lendingops.scan.title")
	row := h.scanRowOf(p, in, res, err)
	if r.Header.Get("HX-Request") != "true" {
		kind := "ok"
		if !row.OK {
			kind = "bad"
		}
		flash(r, kind, row.Message)
		http.Redirect(w, r, "/lending/scan?mode="+url.QueryEscape(string(in.Mode)), http.StatusSeeOther)
		return nil
	}
	p.Data = scanPageData{Mode: in.Mode, Rows: []scanRow{row}}
	r.Header.Set("HX-Target", "scan-log")
	h.render(w, r, http.StatusOK, "lending_scan", p)
	return nil
}

// scanRowOf words a scan's outcome for the log.
func (h *Handler) scanRowOf(p *Page, in app.ScanInput, res app.ScanResult, err error) scanRow {
	code := strings.TrimSpace(in.Code)
	row := scanRow{Code: code}
	if err != nil {
		row.Class = "bad"
		var se *app.ScanError
		switch {
		case errors.As(err, &se):
			row.ID = se.Request
			switch se.Reason {
			case "unknown":
				row.Message = p.T("lendingops.scan.err.unknown", code)
			case "already":
				row.Message = p.T("lendingops.scan.err.already", se.Request, p.T("state.lending."+string(se.State)))
				row.Class = "warn"
			case "ambiguous":
				row.Message = p.T("lendingops.scan.err.ambiguous", code)
			default:
				row.Message = p.T("lendingops.scan.err.notpossible", se.Request, p.T("state.lending."+string(se.State)), p.T("lendingops.mode."+string(in.Mode)))
			}
		case ill.KindOf(err) == ill.Invalid:
			row.Message = p.T("lendingops.scan.err.invalid", ill.UserMessage(err))
		case ill.KindOf(err) == ill.Forbidden:
			row.Message = p.T("error.forbidden")
		default:
			row.Message = ill.UserMessage(err)
		}
		return row
	}
	req := res.Request
	row.OK, row.ID, row.Title, row.Class = true, req.PublicID, req.Citation.Title, "ok"
	row.StateKey = "state.lending." + string(req.State)
	switch in.Mode {
	case app.ScanShip:
		row.Ship = true
		row.Message = p.T("lendingops.scan.done.ship", req.PublicID, p.Date(req.LenderDue))
	case app.ScanReturn:
		row.Message = p.T("lendingops.scan.done.return", req.PublicID)
		if res.Charge != 0 {
			row.Message += " " + p.T("lendingops.scan.done.charge")
		}
	case app.ScanNotOnShelf:
		row.Message = p.T("lendingops.scan.done.notonshelf", req.PublicID)
	default:
		row.Message = p.T("lendingops.scan.done.found", req.PublicID, p.T(row.StateKey))
	}
	return row
}

// pdfLabels are the paper's captions in the reader's language.
func pdfLabels(p *Page) pdf.Labels {
	return pdf.Labels{Request: p.T("lendingops.pdf.request"), Item: p.T("lendingops.pdf.item"), CallNumber: p.T("lendingops.pdf.callnumber"),
		Location: p.T("lendingops.pdf.location"), Branch: p.T("lendingops.pdf.branch"), Title: p.T("lendingops.pdf.title"),
		Author: p.T("lendingops.pdf.author"), Volume: p.T("lendingops.pdf.volume"), Pages: p.T("lendingops.pdf.pages"),
		Borrower: p.T("lendingops.pdf.borrower"), Lender: p.T("lendingops.pdf.lender"), NeedBy: p.T("lendingops.pdf.needby"),
		ShipTo: p.T("lendingops.pdf.shipto"), ReturnTo: p.T("lendingops.pdf.returnto"), Due: p.T("lendingops.pdf.due"),
		Conditions: p.T("lendingops.pdf.conditions"), DoNotRemove: p.T("lendingops.pdf.donotremove")}
}

// printOptions reads paper choices from a form or query.
func printOptions(r *http.Request, p *Page) app.PrintOptions {
	per, _ := strconv.Atoi(r.FormValue("per_page"))
	return app.PrintOptions{Paper: pdf.Paper(r.FormValue("paper")), PerPage: per, Stock: pdf.LabelStock(r.FormValue("stock")),
		Labels: pdfLabels(p), Date: func(t time.Time) string { return p.Date(t) }}
}

// sendPDF answers with a PDF shown in the browser (and saved under name).
func sendPDF(w http.ResponseWriter, name string, doc []byte) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(doc)
}

type slipsPageData struct {
	Waiting []requestRow
	Pulled  []requestRow
}

// lendingSlipsPage lists the pull slips to print, and those printed and
// not yet found (to print again).
func (h *Handler) lendingSlipsPage(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	waiting, err := h.app.LendingQueue(r.Context(), actor, []ill.State{ill.LAwaitingSlip}, 500)
	if err != nil {
		return err
	}
	pulled, err := h.app.LendingQueue(r.Context(), actor, []ill.State{ill.LPulled, ill.LNotOnShelf}, 200)
	if err != nil {
		return err
	}
	rows := func(rs []*ill.Request) []requestRow {
		out := make([]requestRow, 0, len(rs))
		for _, q := range rs {
			out = append(out, requestRow{R: q, StateKey: "state.lending." + string(q.State), StateClass: stateClass(ill.LendingWorkflow, q)})
		}
		return out
	}
	p := h.page(r, "lendingops.slips.title")
	p.BodyClass = "desk"
	p.Data = slipsPageData{Waiting: rows(waiting), Pulled: rows(pulled)}
	h.render(w, r, http.StatusOK, "lending_scan_slips", p)
	return nil
}

// lendingSlipsPDF prints the chosen slips and marks them printed.
func (h *Handler) lendingSlipsPDF(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	p := h.page(r, "lendingops.slips.title")
	if err := r.ParseForm(); err != nil {
		return ill.E(ill.Invalid, p.T("lendingops.slips.none"))
	}
	ids := r.PostForm["id"]
	if len(ids) == 0 {
		flash(r, "bad", p.T("lendingops.slips.none"))
		http.Redirect(w, r, "/lending/slips", http.StatusSeeOther)
		return nil
	}
	out, err := h.app.PrintPullSlips(r.Context(), actor, ids, printOptions(r, p))
	if err != nil {
		return err
	}
	sendPDF(w, "pull-slips-"+h.app.Clock.Now().UTC().Format("20060102-1504")+".pdf", out.PDF)
	return nil
}

// lendingLabelsPDF prints shipping labels for the loans named (id=...).
func (h *Handler) lendingLabelsPDF(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	p := h.page(r, "lendingops.scan.title")
	ids := r.URL.Query()["id"]
	if len(ids) == 0 {
		return ill.E(ill.Invalid, p.T("lendingops.labels.none"))
	}
	out, err := h.app.PrintShippingLabels(r.Context(), actor, ids, printOptions(r, p))
	if err != nil {
		return err
	}
	sendPDF(w, "labels-"+h.app.Clock.Now().UTC().Format("20060102-1504")+".pdf", out.PDF)
	return nil
}

// lendingBandsPDF prints book bands for the loans named (id=...).
func (h *Handler) lendingBandsPDF(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	p := h.page(r, "lendingops.scan.title")
	ids := r.URL.Query()["id"]
	if len(ids) == 0 {
		return ill.E(ill.Invalid, p.T("lendingops.labels.none"))
	}
	out, err := h.app.PrintBookBands(r.Context(), actor, ids, printOptions(r, p))
	if err != nil {
		return err
	}
	sendPDF(w, "book-bands-"+h.app.Clock.Now().UTC().Format("20060102-1504")+".pdf", out.PDF)
	return nil
}

type returnsPageData struct {
	Renewals []requestRow
	Overdue  []requestRow
	Returned []requestRow
	CanAct   bool
	CanFees  bool
}

// lendingReturnsPage: renewals to answer, overdue and recalled loans,
// returns on their way to check in.
func (h *Handler) lendingReturnsPage(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	load := func(states ...ill.State) ([]requestRow, error) {
		rs, err := h.app.LendingQueue(r.Context(), actor, states, 200)
		out := make([]requestRow, 0, len(rs))
		for _, q := range rs {
			out = append(out, requestRow{R: q, StateKey: "state.lending." + string(q.State), StateClass: stateClass(ill.LendingWorkflow, q)})
		}
		return out, err
	}
	var d returnsPageData
	var err error
	if d.Renewals, err = load(ill.LRenewRequested); err != nil {
		return err
	}
	if d.Overdue, err = load(ill.LOverdue, ill.LRecalled); err != nil {
		return err
	}
	if d.Returned, err = load(ill.LReturnReceived); err != nil {
		return err
	}
	d.CanAct, d.CanFees = actor.Can(ill.PermLendAct), actor.Can(ill.PermFees)
	p := h.page(r, "lendingops.returns.title")
	p.BodyClass = "desk"
	p.Data = d
	h.render(w, r, http.StatusOK, "lending_scan_returns", p)
	return nil
}

// returnsActions are the actions the returns page offers, by URL name.
var returnsActions = map[string]ill.ActionName{
	"approve": ill.ActApproveRenew,
	"refuse":  ill.ActRefuseRenew,
	"recall":  ill.ActRecall,
	"lost":    ill.ActCloseLostLend,
}

// lendingReturnsAction answers a renewal, recalls a loan or writes it off
// as lost (with a replacement charge), then back to the page.
func (h *Handler) lendingReturnsAction(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	action, ok := returnsActions[r.PathValue("action")]
	if !ok {
		return ill.E(ill.NotFound)
	}
	params := map[string]any{}
	for _, k := range []string{"dueDate", "note", "cost"} {
		if v := strings.TrimSpace(r.PostFormValue(k)); v != "" {
			params[k] = v
		}
	}
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	id := r.PathValue("id")
	p := h.page(r, "lendingops.returns.title")
	_, err := h.app.Perform(r.Context(), actor, id, action, params, version)
	switch {
	case err == nil:
		flash(r, "ok", p.T("lendingops.returns.done."+r.PathValue("action"), id))
	case ill.KindOf(err) == ill.Internal:
		return err
	default:
		msg := ill.UserMessage(err)
		if f := ill.FieldErrors(err); len(f) > 0 {
			for k, v := range f {
				msg += " (" + k + ": " + v + ")"
			}
		}
		flash(r, "bad", p.T("lendingops.returns.failed", id, msg))
	}
	http.Redirect(w, r, "/lending/returns", http.StatusSeeOther)
	return nil
}
