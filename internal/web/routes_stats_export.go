package web

import (
	"net/http"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/stats"
)

// exportData is the exports page.
type exportData struct {
	Header      statsHeader
	CanIdentity bool
}

func (h *Handler) statsExportPage(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "stats.export.title")
	q, err := h.statsQuery(r, p)
	if err != nil {
		return err
	}
	sc, err := h.app.StatsScope(r.Context(), actor(r), q)
	if err != nil {
		return statsError(p, err)
	}
	data := exportData{Header: h.statsHeaderFor(r, p, sc, q), CanIdentity: true}
	a := actor(r)
	for _, ag := range sc.Agencies {
		if !a.CanIn(ag, ill.PermExportIdentity) {
			data.CanIdentity = false
		}
	}
	p.Data = data
	h.render(w, r, http.StatusOK, "stats_export", p)
	return nil
}

// csvResponse starts a CSV download; what follows streams with flush.
func csvResponse(w http.ResponseWriter, name string) func() {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	f, _ := w.(http.Flusher)
	return func() {
		if f != nil {
			f.Flush()
		}
	}
}

// exportName names a download after what it holds.
func exportName(kind string, r *http.Request, p *Page) string {
	v := r.URL.Query()
	span := v.Get("period")
	if v.Get("from") != "" {
		span = v.Get("from") + "_" + v.Get("to")
	}
	if span == "" {
		span = string(stats.Last30Days)
	}
	who := string(p.Agency)
	if v.Get("scope") == "consortium" || who == "" {
		who = "consortium"
	}
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, who+"_"+kind+"_"+span)
	return "interlend_" + clean + ".csv"
}

// statsExportRequests streams the requests of the period. The identity
// columns come only when asked for (identity=1) and allowed; a refusal
// is an error page, before any byte of CSV.
func (h *Handler) statsExportRequests(w http.ResponseWriter, r *http.Request) error {
	return h.statsExport(w, r, "requests", func(rw http.ResponseWriter, flush func(), identity bool) error {
		p := h.page(r, "stats.export.title")
		q, err := h.statsQuery(r, p)
		if err != nil {
			return err
		}
		return h.app.ExportStatsRequests(r.Context(), actor(r), q, identity, rw, flush)
	})
}

// statsExportEvents streams the raw events of the period.
func (h *Handler) statsExportEvents(w http.ResponseWriter, r *http.Request) error {
	return h.statsExport(w, r, "events", func(rw http.ResponseWriter, flush func(), identity bool) error {
		p := h.page(r, "stats.export.title")
		q, err := h.statsQuery(r, p)
		if err != nil {
			return err
		}
		return h.app.ExportStatsEvents(r.Context(), actor(r), q, identity, rw, flush)
	})
}

// statsExport checks what can be checked before the first byte (the
// period, the scope, the identity right), then streams.
func (h *Handler) statsExport(w http.ResponseWriter, r *http.Request, kind string, write func(http.ResponseWriter, func(), bool) error) error {
	p := h.page(r, "stats.export.title")
	q, err := h.statsQuery(r, p)
	if err != nil {
		return err
	}
	identity := r.URL.Query().Get("identity") == "1"
	sc, err := h.app.StatsScope(r.Context(), actor(r), q)
	if err != nil {
		return statsError(p, err)
	}
	if identity {
		for _, ag := range sc.Agencies {
			if !actor(r).CanIn(ag, ill.PermExportIdentity) {
				return ill.E(ill.Forbidden, p.T("stats.export.noidentity"))
			}
		}
	}
	sw := &startedWriter{ResponseWriter: w}
	flush := csvResponse(sw, exportName(kind, r, p))
	err = write(sw, flush, identity)
	if err != nil && !sw.started {
		w.Header().Del("Content-Disposition")
		w.Header().Del("Content-Type")
		return statsError(p, err)
	}
	if err != nil {
		// Half a file is out: end it where it broke, and log why.
		h.app.Log.Error("statistics export broken off", "kind", kind, "err", err)
	}
	return nil
}

// startedWriter notes whether anything was written.
type startedWriter struct {
	http.ResponseWriter
	started bool
}

func (s *startedWriter) Write(b []byte) (int, error) {
	s.started = true
	return s.ResponseWriter.Write(b)
}

func (s *startedWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// statsChartCSV writes one dashboard chart's table (or the headlines) as
// CSV.
func (h *Handler) statsChartCSV(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "stats.title")
	name, ok := strings.CutSuffix(r.PathValue("chart"), ".csv")
	if !ok {
		return ill.E(ill.NotFound)
	}
	q, err := h.statsQuery(r, p)
	if err != nil {
		return err
	}
	d, err := h.app.StatsDashboard(r.Context(), actor(r), q)
	if err != nil {
		return statsError(p, err)
	}
	var t chartTable
	if name == "headlines" {
		t = chartTable{Head: []string{p.T("stats.col.figure"), p.T("stats.col.value"), p.T("stats.col.previous")}}
		for _, hl := range headlines(p, d) {
			t.Rows = append(t.Rows, []string{hl.Label, hl.Value, hl.PrevValue})
		}
	} else {
		found := false
		for _, c := range dashboardCharts(p, d, "") {
			if c.ID == name {
				t, found = c.Table, true
			}
		}
		if !found {
			return ill.E(ill.NotFound)
		}
	}
	flush := csvResponse(w, "interlend_"+name+"_"+d.Period.From.In(d.Location).Format(time.DateOnly)+".csv")
	out := stats.NewCSV(w, flush)
	if err := out.Write(t.Head...); err != nil {
		return nil //nolint:nilerr // the client went away
	}
	for _, row := range t.Rows {
		if err := out.Write(row...); err != nil {
			return nil //nolint:nilerr // the client went away
		}
	}
	_ = out.Flush()
	return nil
}
