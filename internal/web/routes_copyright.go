package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"interlend/internal/app"
	"interlend/internal/copyright"
	"interlend/internal/directory"
	"interlend/internal/ill"
)

// Copyright pages: the clearance queue (requests held by the rule of five
// or another copyright rule, with the choices staff make), the yearly
// report per title for the auditor (HTML and CSV) with the ledger rows of
// a title, and the titles the library holds (staff flags, imported
// e-holdings packages, the licence log).
func init() {
	addNav(navEntry{order: 57, key: "copyright.nav", href: "/copyright", perm: ill.PermCopyright})
	addRoutes(func(h *Handler, handle routeAdder) {
		cr := func(fn handlerFunc) handlerFunc { return h.requirePerm(ill.PermCopyright, fn) }
		handle("GET /copyright", cr(h.copyrightQueue))
		handle("POST /copyright/requests/{id}/clear", cr(h.copyrightClear))
		handle("GET /copyright/report", cr(h.copyrightReport))
		handle("GET /copyright/report.csv", cr(h.copyrightReportCSV))
		handle("GET /copyright/titles", cr(h.copyrightTitles))
		handle("POST /copyright/titles", cr(h.copyrightFlag))
		handle("POST /copyright/titles/{tid}/delete", cr(h.copyrightUnflag))
	})
}

// clearanceRow is one held request on the queue page.
type clearanceRow struct {
	app.ClearanceItem
	Journal, Article, Published string
	Options                     []string
	Reasons                     []string
	Flags                       []copyright.Flag
	Royalty                     bool
}

type clearanceData struct {
	Rows     []clearanceRow
	Limit    int
	Payee    string
	Currency string
	Errors   map[string]string
	Failed   string // the request whose form failed
}

func (h *Handler) copyrightQueue(w http.ResponseWriter, r *http.Request) error {
	return h.showQueue(w, r, http.StatusOK, "", nil)
}

func (h *Handler) showQueue(w http.ResponseWriter, r *http.Request, status int, failed string, formErr error) error {
	items, err := h.app.ClearanceQueue(r.Context(), actor(r))
	if err != nil {
		return err
	}
	p := h.page(r, "copyright.queue.title")
	set, err := app.CopyrightSetting.Get(r.Context(), h.app.DB, actor(r).Agency)
	if err != nil {
		return err
	}
	d := clearanceData{Limit: set.Limit, Payee: set.Payee, Currency: set.Currency, Failed: failed}
	for _, it := range items {
		c := it.Request.Citation
		row := clearanceRow{ClearanceItem: it, Journal: it.Entry.Title, Article: c.ArticleTitle, Published: c.PubDate,
			Reasons: it.Entry.Decision.Reasons, Flags: it.Entry.Decision.Flags}
		if row.Journal == "" {
			row.Journal = c.DisplayTitle()
		}
		for _, o := range it.Entry.Decision.Options {
			row.Options = append(row.Options, string(o))
			if o == copyright.OptionPayRoyalty {
				row.Royalty = true
			}
		}
		row.Options = append(row.Options, string(app.OptionRecheck))
		d.Rows = append(d.Rows, row)
	}
	if formErr != nil {
		p.Flash = append(p.Flash, Flash{Kind: "bad", Text: ill.UserMessage(formErr)})
		d.Errors = ill.FieldErrors(formErr)
	}
	p.Data = d
	h.render(w, r, status, "copyright_queue", p)
	return nil
}

func (h *Handler) copyrightClear(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	in := app.ClearanceInput{Option: copyright.Option(r.PostFormValue("option")), Payee: r.PostFormValue("payee"),
		Reference: r.PostFormValue("reference"), Note: r.PostFormValue("note"), Currency: strings.ToUpper(strings.TrimSpace(r.PostFormValue("currency")))}
	if in.Option == "" {
		return h.showQueue(w, r, http.StatusUnprocessableEntity, id, ill.E(ill.Invalid, h.t(r, "copyright.err.option"), map[string]string{"option": h.t(r, "copyright.err.option")}))
	}
	if amt := strings.TrimSpace(r.PostFormValue("amount")); amt != "" {
		cur := in.Currency
		if cur == "" {
			cur = "USD"
		}
		m, err := directory.NewMoney(amt, cur)
		if err != nil {
			return h.showQueue(w, r, http.StatusUnprocessableEntity, id, ill.E(ill.Invalid, h.t(r, "copyright.err.amount"), map[string]string{"amount": h.t(r, "copyright.err.amount")}))
		}
		in.Amount, in.Currency = m.Minor, m.Currency
	}
	req, err := h.app.ClearCopyright(r.Context(), actor(r), id, in)
	if ill.Is(err, ill.Invalid) {
		return h.showQueue(w, r, http.StatusUnprocessableEntity, id, err)
	}
	if ill.Is(err, ill.Conflict) {
		flash(r, "bad", ill.UserMessage(err))
		http.Redirect(w, r, "/copyright", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	flash(r, "ok", h.t(r, "copyright.done."+string(in.Option), req.PublicID, h.t(r, "state.borrowing."+string(req.State))))
	http.Redirect(w, r, "/copyright", http.StatusSeeOther)
	return nil
}

type reportData struct {
	Report   app.CopyrightReport
	Key      string
	Ledger   []ledgerRow
	KeyTitle string
	CSV      string
}

type ledgerRow struct {
	RequestID, Date, Category, State, Outcome, Fee string
	PubYear                                        int
}

func (h *Handler) copyrightReport(w http.ResponseWriter, r *http.Request) error {
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	rep, err := h.app.CopyrightYearReport(r.Context(), actor(r), year)
	if err != nil {
		return plainUnlessInvalid(err)
	}
	p := h.page(r, "copyright.report.title", rep.Year)
	d := reportData{Report: rep, Key: r.URL.Query().Get("key"), CSV: "/copyright/report.csv?year=" + strconv.Itoa(rep.Year)}
	if d.Key != "" {
		es, err := h.app.CopyrightLedger(r.Context(), actor(r), rep.Year, copyright.Key(d.Key))
		if err != nil {
			return err
		}
		for _, e := range es {
			row := ledgerRow{RequestID: e.RequestID, Date: p.Date(e.RequestDate), Category: string(e.Category), State: string(e.State), Outcome: e.Outcome, PubYear: e.PubYear}
			if e.Fee != nil {
				row.Fee = p.Money(e.Fee.AmountMinor, e.Fee.Currency)
			}
			if d.KeyTitle == "" {
				d.KeyTitle = e.Title
			}
			d.Ledger = append(d.Ledger, row)
		}
	}
	p.Data = d
	h.render(w, r, http.StatusOK, "copyright_report", p)
	return nil
}

func (h *Handler) copyrightReportCSV(w http.ResponseWriter, r *http.Request) error {
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	rep, err := h.app.CopyrightYearReport(r.Context(), actor(r), year)
	if err != nil {
		return plainUnlessInvalid(err)
	}
	flush := csvResponse(w, "copyright-"+string(rep.Agency)+"-"+strconv.Itoa(rep.Year)+".csv")
	if err := rep.WriteCSV(w); err != nil {
		return err
	}
	flush()
	return nil
}

type titlesData struct {
	View   app.SubscribedView
	Errors map[string]string
	Form   url.Values
}

func (h *Handler) copyrightTitles(w http.ResponseWriter, r *http.Request) error {
	return h.showTitles(w, r, http.StatusOK, nil)
}

func (h *Handler) showTitles(w http.ResponseWriter, r *http.Request, status int, formErr error) error {
	v, err := h.app.Subscriptions(r.Context(), actor(r))
	if err != nil {
		return err
	}
	p := h.page(r, "copyright.titles.title")
	d := titlesData{View: v, Form: url.Values{}}
	if formErr != nil {
		p.Flash = append(p.Flash, Flash{Kind: "bad", Text: ill.UserMessage(formErr)})
		d.Errors = ill.FieldErrors(formErr)
		d.Form = r.PostForm
	}
	p.Data = d
	h.render(w, r, status, "copyright_titles", p)
	return nil
}

func (h *Handler) copyrightFlag(w http.ResponseWriter, r *http.Request) error {
	title, issn := strings.TrimSpace(r.PostFormValue("title")), strings.TrimSpace(r.PostFormValue("issn"))
	if title == "" && issn == "" {
		return h.showTitles(w, r, http.StatusUnprocessableEntity, ill.E(ill.Invalid, h.t(r, "copyright.err.title"), map[string]string{"title": h.t(r, "copyright.err.title")}))
	}
	err := h.app.FlagSubscribed(r.Context(), actor(r), title, issn, r.PostFormValue("note"))
	if ill.Is(err, ill.Invalid) {
		return h.showTitles(w, r, http.StatusUnprocessableEntity, ill.E(ill.Invalid, h.t(r, "copyright.err.issn"), map[string]string{"issn": h.t(r, "copyright.err.issn")}))
	}
	if err != nil {
		return err
	}
	flash(r, "ok", h.t(r, "copyright.titles.flagged"))
	http.Redirect(w, r, "/copyright/titles", http.StatusSeeOther)
	return nil
}

func (h *Handler) copyrightUnflag(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "tid")
	if err != nil {
		return err
	}
	if err := h.app.UnflagSubscribed(r.Context(), actor(r), id); err != nil {
		return err
	}
	flash(r, "ok", h.t(r, "copyright.titles.unflagged"))
	http.Redirect(w, r, "/copyright/titles", http.StatusSeeOther)
	return nil
}
