package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// The jobs page: queue depth and age by kind and state, failures and dead
// letters with their last error, re-drive and cancel. Managers see their
// agency's jobs, operators every job.
func init() {
	addNav(navEntry{order: 85, key: "nav.jobs", href: "/jobs", shortcut: "g j", perm: ill.PermJobs})
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /jobs", h.requirePerm(ill.PermJobs, h.jobsPage))
		handle("POST /jobs/redrive", h.requirePerm(ill.PermJobs, h.jobsRedriveAll))
		handle("GET /jobs/{id}", h.requirePerm(ill.PermJobs, h.jobPage))
		handle("POST /jobs/{id}/{action}", h.requirePerm(ill.PermJobs, h.jobAction))
	})
}

type countRow struct {
	Agency, Kind, State, StateCSS string
	Count                         string
	Oldest                        string
}

type jobRow struct {
	ID                    int64
	Kind, Agency          string
	Status, StatusCSS     string
	Attempts              string
	LastError             string
	Updated, Next         string
	CanRedrive, CanCancel bool
}

type jobsData struct {
	All       bool
	Counts    []countRow
	Failing   []jobRow
	Kinds     []string
	Kind      string
	State     string
	Dead      int
	NoAgency  bool
	ReturnURL string
}

var stateCSS = map[string]string{"dead": "bad", "held": "warn", "retrying": "warn", "ready": "info", "running": "ok", "done": "ok", "cancelled": "neutral"}

func (h *Handler) jobStatus(p *Page, j store.Job) (string, string) {
	s := app.JobStatus(j)
	return p.T("platform.jobs.state." + s), stateCSS[s]
}

func (h *Handler) jobRow(p *Page, j store.Job) jobRow {
	row := jobRow{ID: j.ID, Kind: j.Kind, Agency: string(j.Agency), LastError: j.LastError,
		Attempts: p.T("platform.jobs.attemptsof", j.Attempts, j.MaxAttempts), Updated: p.DateTime(j.UpdatedAt)}
	row.Status, row.StatusCSS = h.jobStatus(p, j)
	switch j.State {
	case store.JobDead, store.JobHeld:
		row.CanRedrive, row.CanCancel = true, true
	case store.JobReady:
		row.CanCancel = true
		row.Next = ago(p, h.app.Clock.Now().Sub(j.RunAt))
	}
	return row
}

func (h *Handler) jobsPage(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "platform.jobs.title")
	q := app.JobsQuery{Kind: r.URL.Query().Get("kind"), State: r.URL.Query().Get("state"), Limit: 200}
	switch q.State {
	case "", "dead", "held", "retrying":
	default:
		q.State = ""
	}
	a := actor(r)
	if p.Agency == "" && !a.Grants.IsOperator() {
		p.Data = jobsData{NoAgency: true}
		h.render(w, r, http.StatusOK, "jobs_index", p)
		return nil
	}
	ov, err := h.app.JobsOverview(r.Context(), a, p.Agency, q)
	if err != nil {
		return err
	}
	d := jobsData{All: ov.All, Kind: q.Kind, State: q.State, ReturnURL: r.URL.RequestURI()}
	now := h.app.Clock.Now()
	kinds := map[string]bool{}
	for _, c := range ov.Counts {
		st := string(c.State)
		row := countRow{Agency: string(c.Agency), Kind: c.Kind, State: p.T("platform.jobs.state." + st), StateCSS: stateCSS[st], Count: p.Number(c.Count)}
		if c.State == store.JobReady || c.State == store.JobDead || c.State == store.JobHeld {
			row.Oldest = ago(p, now.Sub(c.OldestDue))
		}
		if c.State == store.JobDead {
			d.Dead += c.Count
		}
		d.Counts = append(d.Counts, row)
		kinds[c.Kind] = true
	}
	for _, j := range ov.Failing {
		d.Failing = append(d.Failing, h.jobRow(p, j))
		kinds[j.Kind] = true
	}
	if q.Kind != "" {
		kinds[q.Kind] = true
	}
	for k := range kinds {
		d.Kinds = append(d.Kinds, k)
	}
	sort.Strings(d.Kinds)
	p.Data = d
	h.render(w, r, http.StatusOK, "jobs_index", p)
	return nil
}

type jobData struct {
	Job      jobRow
	Ordering string
	IdemKey  string
	Created  string
	RunAt    string
	Attempts []attemptRow
	All      bool
}

type attemptRow struct {
	N                    int
	Node, Started, Ended string
	Outcome, Error       string
}

func (h *Handler) jobPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := h.page(r, "platform.jobs.job", id)
	j, attempts, err := h.app.Job(r.Context(), actor(r), p.Agency, id)
	if err != nil {
		return plain(err)
	}
	d := jobData{Job: h.jobRow(p, j), Ordering: j.OrderingKey, IdemKey: j.IdempotencyKey, Created: p.DateTime(j.CreatedAt),
		RunAt: p.DateTime(j.RunAt), All: actor(r).Grants.IsOperator()}
	for i := len(attempts) - 1; i >= 0; i-- {
		at := attempts[i]
		outcome := at.Outcome
		if outcome == "" {
			outcome = "running"
		}
		d.Attempts = append(d.Attempts, attemptRow{N: at.Attempt, Node: at.Node, Started: p.DateTime(at.StartedAt), Ended: p.DateTime(at.FinishedAt),
			Outcome: p.T("platform.jobs.outcome." + outcome), Error: at.Error})
	}
	p.Data = d
	h.render(w, r, http.StatusOK, "jobs_job", p)
	return nil
}

func (h *Handler) jobAction(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := h.page(r, "platform.jobs.title")
	switch r.PathValue("action") {
	case "redrive":
		err = h.app.RedriveJob(r.Context(), actor(r), p.Agency, id)
		if err == nil {
			flash(r, "ok", p.T("platform.jobs.redriven", id))
		}
	case "cancel":
		err = h.app.CancelJob(r.Context(), actor(r), p.Agency, id)
		if err == nil {
			flash(r, "ok", p.T("platform.jobs.cancelled", id))
		}
	default:
		return ill.E(ill.NotFound)
	}
	if err != nil {
		if !ill.Is(err, ill.Conflict) {
			return plain(err)
		}
		flash(r, "bad", p.T("platform.jobs.notnow", id))
	}
	http.Redirect(w, r, backTo(r, "/jobs/"+strconv.FormatInt(id, 10)), http.StatusSeeOther)
	return nil
}

func (h *Handler) jobsRedriveAll(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "platform.jobs.title")
	kind := r.PostFormValue("kind")
	n, err := h.app.RedriveDeadJobs(r.Context(), actor(r), p.Agency, kind)
	if err != nil {
		return err
	}
	flash(r, "ok", p.Tn("platform.jobs.redrivenall", int(n)))
	back := "/jobs"
	if kind != "" {
		back += "?kind=" + url.QueryEscape(kind)
	}
	http.Redirect(w, r, backTo(r, back), http.StatusSeeOther)
	return nil
}

// backTo is the local page a form asked to return to, or def.
func backTo(r *http.Request, def string) string {
	if b := r.PostFormValue("back"); b != "" {
		return safeNext(b)
	}
	return def
}
