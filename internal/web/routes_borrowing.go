package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/pdf"
)

// The borrowing desk (docs/borrowing.md): queues with counts, desk scans
// (receive, check out, check in, return to the lender), the hold slip,
// a request placed for a patron, and editing a citation for a Retry.
func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("POST /borrowing/scan", h.requireLogin(h.borrowingScan))
		handle("GET /borrowing/new", h.requireLogin(h.borrowingNew))
		handle("POST /borrowing/new", h.requireLogin(h.borrowingCreate))
		handle("GET /requests/{id}/holdslip.pdf", h.requireLogin(h.borrowingHoldSlip))
		handle("GET /requests/{id}/citation", h.requireLogin(h.borrowingCitation))
		handle("POST /requests/{id}/citation", h.requireLogin(h.borrowingCitationSave))
	})
}

// deskScans are the scan actions the desk offers, in its order.
var deskScans = []ill.ActionName{ill.ActReceive, ill.ActCheckOut, ill.ActCheckIn, ill.ActShipReturn}

type borrowingQueueLink struct {
	Name     string
	Key      string
	Count    int
	Active   bool
	Shortcut string // a digit for the first nine queues (routes_borrowing_batch.go)
}

type scanChoice struct {
	Action   string
	Key      string
	Selected bool
}

type borrowingDeskData struct {
	Queues           []borrowingQueueLink
	Queue            string
	QueueKey         string
	Rows             []requestRow
	Total            int
	From, To         int
	PrevURL, NextURL string
	Scans            []scanChoice
	Code             string
	CanCreate        bool
	Actions          []lendingOption // batch actions for the queue (routes_borrowing_batch.go)
	Back             string
}

// borrowingDesk is GET /borrowing: the queues with their counts, the
// chosen queue's requests (the first non-empty queue by default), and the
// scan box.
func (h *Handler) borrowingDesk(w http.ResponseWriter, r *http.Request) error {
	return h.showBorrowingDesk(w, r, http.StatusOK, "", "")
}

func (h *Handler) showBorrowingDesk(w http.ResponseWriter, r *http.Request, status int, scanAction, code string) error {
	actor, _ := actorFrom(r.Context())
	counts, err := h.app.BorrowingQueueCounts(r.Context(), actor)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	queue := q.Get("queue")
	if _, ok := app.DeskQueueNamed(queue); !ok {
		queue = ""
		for _, c := range counts {
			if c.Count > 0 {
				queue = c.Name
				break
			}
		}
		if queue == "" {
			queue = app.BorrowingQueues[0].Name
		}
	}
	data := borrowingDeskData{Queue: queue, QueueKey: "borrowing.queue." + queue, Code: code, CanCreate: actor.Can(ill.PermBorrowAct)}
	for i, c := range counts {
		data.Queues = append(data.Queues, borrowingQueueLink{Name: c.Name, Key: "borrowing.queue." + c.Name, Count: c.Count, Active: c.Name == queue,
			Shortcut: queueShortcut(i)})
	}
	off, _ := strconv.Atoi(q.Get("offset"))
	off = max(off, 0)
	const limit = 50
	rows, total, err := h.app.BorrowingQueueList(r.Context(), actor, queue, limit, off)
	if err != nil {
		return err
	}
	data.Total = total
	for _, req := range rows {
		data.Rows = append(data.Rows, rowOf(req))
	}
	if len(rows) > 0 {
		data.From, data.To = off+1, off+len(rows)
	}
	page := func(o int) string {
		return "/borrowing?" + url.Values{"queue": {queue}, "offset": {strconv.Itoa(o)}}.Encode()
	}
	data.Actions, data.Back = borrowingBatchOptions(queue, actor), page(off)
	if off > 0 {
		data.PrevURL = page(max(0, off-limit))
	}
	if off+len(rows) < total {
		data.NextURL = page(off + limit)
	}
	circulates, err := h.app.DeskCirculates(r.Context(), actor)
	if err != nil {
		return err
	}
	if scanAction == "" {
		if dq, ok := app.DeskQueueNamed(queue); ok && dq.Scan != "" {
			scanAction = string(dq.Scan)
		}
	}
	for _, a := range deskScans {
		if !circulates && (a == ill.ActCheckOut || a == ill.ActCheckIn) {
			continue
		}
		data.Scans = append(data.Scans, scanChoice{Action: string(a), Key: "borrowing.scan." + string(a), Selected: string(a) == scanAction})
	}
	p := h.page(r, "borrowing.title")
	p.Data = data
	h.render(w, r, status, "borrowing_desk", p)
	return nil
}

// borrowingScan is POST /borrowing/scan: the scanned request or item
// takes the chosen desk action. A received loan goes to its page with the
// hold slip offered; errors come back on the desk with the code kept.
func (h *Handler) borrowingScan(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	action := ill.ActionName(r.PostFormValue("action"))
	code := strings.TrimSpace(r.PostFormValue("code"))
	params := map[string]any{}
	if action == ill.ActShipReturn {
		for _, k := range []string{"courier", "trackingId"} {
			if v := strings.TrimSpace(r.PostFormValue(k)); v != "" {
				params[k] = v
			}
		}
	}
	req, err := h.app.DeskScan(r.Context(), actor, code, action, params)
	p := h.page(r, "borrowing.title")
	if err != nil {
		switch ill.KindOf(err) {
		case ill.Invalid, ill.NotFound, ill.Conflict:
			flash(r, "bad", ill.UserMessage(err))
			return h.showBorrowingDesk(w, r, http.StatusUnprocessableEntity, string(action), code)
		}
		return err
	}
	flash(r, "ok", p.T("borrowing.scan.done", req.PublicID, p.T("action.borrowing."+string(action))))
	target := "/requests/" + req.PublicID
	if req.State == ill.BAwaitingPickup {
		target += "?slip=1"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// borrowingHoldSlip is the hold-shelf slip PDF of a received loan.
func (h *Handler) borrowingHoldSlip(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	p := h.page(r, "borrowing.title")
	labels := pdf.Labels{Patron: p.T("borrowing.slip.patron"), PickupAt: p.T("borrowing.slip.pickupat"), PickupBy: p.T("borrowing.slip.pickupby"),
		Title: p.T("borrowing.slip.title"), Request: p.T("borrowing.slip.request")}
	doc, err := h.app.HoldSlip(r.Context(), actor, r.PathValue("id"), pdf.A4, labels, func(req ill.Request) string {
		if req.PickupDeadline.IsZero() {
			return ""
		}
		return p.Date(req.PickupDeadline)
	})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="holdslip-`+r.PathValue("id")+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(doc)
	return nil
}

// citationForm is the citation fields of the create and edit forms.
type citationForm struct {
	Service, Title, Author, ArticleTitle, JournalTitle, Volume, Issue, Pages, PubDate, Edition, Publisher string
	ISBN, ISSN, OCLC, DOI, PMID, NeedBefore, Patron, Pickup, Note                                         string
}

func citationFormOf(r *http.Request) citationForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return citationForm{Service: v("serviceType"), Title: v("title"), Author: v("author"), ArticleTitle: v("articleTitle"), JournalTitle: v("journalTitle"),
		Volume: v("volume"), Issue: v("issue"), Pages: v("pages"), PubDate: v("publicationDate"), Edition: v("edition"), Publisher: v("publisher"),
		ISBN: v("isbn"), ISSN: v("issn"), OCLC: v("oclcNumber"), DOI: v("doi"), PMID: v("pmid"), NeedBefore: v("needBefore"),
		Patron: v("patron"), Pickup: v("pickupLocation"), Note: v("noteToPartner")}
}

func (f citationForm) citation() ill.Citation {
	c := ill.Citation{Title: f.Title, Author: f.Author, ArticleTitle: f.ArticleTitle, JournalTitle: f.JournalTitle, Volume: f.Volume, Issue: f.Issue,
		Pages: f.Pages, PubDate: f.PubDate, Edition: f.Edition, Publisher: f.Publisher, ISBN: f.ISBN, ISSN: f.ISSN, OCLCNumber: f.OCLC, DOI: f.DOI, PMID: f.PMID}
	if c.Author != "" {
		c.Authors = []string{c.Author}
	}
	if c.ArticleTitle != "" && c.JournalTitle != "" {
		c.PublicationType = ill.PubArticle
	}
	return c
}

func formOfCitation(c ill.Citation) citationForm {
	return citationForm{Title: c.Title, Author: c.Author, ArticleTitle: c.ArticleTitle, JournalTitle: c.JournalTitle, Volume: c.Volume, Issue: c.Issue,
		Pages: c.Pages, PubDate: c.PubDate, Edition: c.Edition, Publisher: c.Publisher, ISBN: c.ISBN, ISSN: c.ISSN, OCLC: c.OCLCNumber, DOI: c.DOI, PMID: c.PMID}
}

type borrowingFormData struct {
	Form    citationForm
	Errors  map[string]string
	Request *ill.Request // editing: the request
	Retry   bool         // editing: a Retry may follow
}

// borrowingNew is the form for a request placed for a patron (phone,
// walk-in): the patron's barcode, the citation, and whether to send it.
func (h *Handler) borrowingNew(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	if err := actor.Require(actor.Agency, ill.PermBorrowAct); err != nil {
		return err
	}
	p := h.page(r, "borrowing.new.title")
	p.Data = borrowingFormData{Form: citationForm{Service: string(ill.Loan)}}
	h.render(w, r, http.StatusOK, "borrowing_new", p)
	return nil
}

func (h *Handler) borrowingCreate(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	f := citationFormOf(r)
	errs := map[string]string{}
	p := h.page(r, "borrowing.new.title")
	n := app.NewRequest{Citation: f.citation(), ServiceType: ill.ServiceType(f.Service), PickupLocation: f.Pickup, NoteToPartner: f.Note,
		Send: r.PostFormValue("send") == "1"}
	if f.NeedBefore != "" {
		t, err := time.Parse("2006-01-02", f.NeedBefore)
		if err != nil {
			errs["needBefore"] = p.T("borrowing.err.date")
		}
		n.NeedBefore = t
	}
	if f.Patron != "" {
		pat, err := h.app.SearchPatrons(r.Context(), actor, actor.Agency, f.Patron, 2)
		if err != nil {
			return err
		}
		switch {
		case len(pat) == 1:
			n.PatronID = pat[0].ID
		case len(pat) == 0:
			errs["patron"] = p.T("borrowing.err.nopatron")
		default:
			errs["patron"] = p.T("borrowing.err.manypatrons")
		}
	}
	c := n.Citation
	if c.DisplayTitle() == "" && c.ISBN == "" && c.OCLCNumber == "" && c.DOI == "" && c.PMID == "" && c.ISSN == "" {
		errs["title"] = p.T("borrowing.err.title")
	}
	var req *ill.Request
	var err error
	if len(errs) == 0 {
		req, err = h.app.CreateRequest(r.Context(), actor, n)
	}
	if len(errs) > 0 || err != nil {
		if err != nil {
			if k := ill.KindOf(err); k != ill.Invalid && k != ill.Conflict && k != ill.Forbidden {
				return err
			}
			p.Flash = append(p.Flash, Flash{Kind: "bad", Text: ill.UserMessage(err)})
			for k, v := range ill.FieldErrors(err) {
				errs[k] = v
			}
		}
		p.Data = borrowingFormData{Form: f, Errors: errs}
		h.render(w, r, http.StatusUnprocessableEntity, "borrowing_new", p)
		return nil
	}
	flash(r, "ok", p.T("borrowing.new.done", req.PublicID))
	http.Redirect(w, r, "/requests/"+req.PublicID, http.StatusSeeOther)
	return nil
}

// borrowingCitation is the form that corrects a request's citation, with
// "send a Retry" when the lender offered one.
func (h *Handler) borrowingCitation(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	req, err := h.app.GetRequest(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := actor.Require(actor.Agency, ill.PermBorrowAct); err != nil {
		return err
	}
	p := h.page(r, "borrowing.citation.title", req.PublicID)
	p.Data = borrowingFormData{Form: formOfCitation(req.Citation), Request: req, Retry: req.State == ill.BRetryOffered}
	h.render(w, r, http.StatusOK, "borrowing_citation", p)
	return nil
}

func (h *Handler) borrowingCitationSave(w http.ResponseWriter, r *http.Request) error {
	actor, _ := actorFrom(r.Context())
	id := r.PathValue("id")
	f := citationFormOf(r)
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	req, err := h.app.EditCitation(r.Context(), actor, id, f.citation(), version)
	if err == nil && r.PostFormValue("retry") == "1" && req.State == ill.BRetryOffered {
		params := map[string]any{}
		if note := strings.TrimSpace(r.PostFormValue("note")); note != "" {
			params["note"] = note
		}
		req, err = h.app.Perform(r.Context(), actor, id, ill.ActRetry, params, 0)
	}
	p := h.page(r, "borrowing.citation.title", id)
	if err != nil {
		if k := ill.KindOf(err); k != ill.Invalid && k != ill.Conflict {
			return err
		}
		cur, gerr := h.app.GetRequest(r.Context(), actor, id)
		if gerr != nil {
			return gerr
		}
		p.Flash = append(p.Flash, Flash{Kind: "bad", Text: ill.UserMessage(err)})
		p.Data = borrowingFormData{Form: f, Errors: ill.FieldErrors(err), Request: cur, Retry: cur.State == ill.BRetryOffered}
		h.render(w, r, http.StatusUnprocessableEntity, "borrowing_citation", p)
		return nil
	}
	flash(r, "ok", p.T("borrowing.citation.done", req.PublicID))
	http.Redirect(w, r, "/requests/"+req.PublicID, http.StatusSeeOther)
	return nil
}
