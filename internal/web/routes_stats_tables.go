package web

import (
	"net/http"
	"strings"
	"time"

	"interlend/internal/ill"
	"interlend/internal/stats"
)

// Every table of the measures, lenders and collection pages can be
// downloaded as CSV (spreadsheet-safe, like the exports): the link under
// a table names it, and this handler builds the same page's tables for
// the same period and scope and writes the one named.
func init() {
	addRoutes(func(h *Handler, handle routeAdder) {
		handle("GET /stats/table/{table}", h.requirePerm(ill.PermStats, h.statsTableCSV))
	})
}

func (h *Handler) statsTableCSV(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "stats.title")
	name, ok := strings.CutSuffix(r.PathValue("table"), ".csv")
	if !ok {
		return ill.E(ill.NotFound)
	}
	q, err := h.statsQuery(r, p)
	if err != nil {
		return err
	}
	var tables []*chartTable
	var from time.Time
	var loc *time.Location
	switch {
	case name == "lenders" || strings.HasPrefix(name, "measures-"):
		d, err := h.app.StatsDashboard(r.Context(), actor(r), q)
		if err != nil {
			return statsError(p, err)
		}
		from, loc = d.Period.From, d.Location
		if name == "lenders" {
			t := scoreTable(p, d.Current.Scores)
			tables = []*chartTable{&t}
		} else {
			m := measuresOf(p, d)
			tables = m.tables()
		}
	case strings.HasPrefix(name, "collection-"):
		c, err := h.app.StatsCollection(r.Context(), actor(r), q)
		if err != nil {
			return statsError(p, err)
		}
		from, loc = c.StatsScope.Period.From, c.Location
		data := collectionOf(p, c)
		tables = data.tables()
	}
	var t *chartTable
	for _, x := range tables {
		if x.ID == name {
			t = x
		}
	}
	if t == nil {
		return ill.E(ill.NotFound)
	}
	flush := csvResponse(w, "interlend_"+name+"_"+from.In(loc).Format(time.DateOnly)+".csv")
	return writeTableCSV(w, flush, *t)
}

// writeTableCSV writes a table's head and rows as spreadsheet-safe CSV
// (a client that goes away ends the download quietly).
func writeTableCSV(w http.ResponseWriter, flush func(), t chartTable) error {
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
