package web

import (
	"net/http"
	"net/url"
	"strconv"

	"interlend/internal/app"
	"interlend/internal/catalog"
	"interlend/internal/ill"
)

// The catalog search: the imported catalogs of every library, by
// identifier or keywords, and one record with its items.

type catalogRow struct {
	RowID                                            int64
	Holder, LocalID, Title, Author, Year, CallNumber string
	Format                                           string
	Lendable, Items                                  int
}

type catalogSearchData struct {
	Q, Title, Author, Holder string
	Holders                  []dirOption
	Rows                     []catalogRow
	Searched                 bool
	More                     string
}

const catalogPageSize = 50

func (h *Handler) catalogSearch(w http.ResponseWriter, r *http.Request) error {
	p := h.page(r, "directory.catalog.title")
	q := r.URL.Query()
	d := catalogSearchData{Q: q.Get("q"), Title: q.Get("title"), Author: q.Get("author"), Holder: q.Get("holder")}
	hs, err := h.app.CatalogHolders(r.Context(), actor(r))
	if err != nil {
		return err
	}
	d.Holders = append(d.Holders, dirOption{Value: "", Label: p.T("directory.catalog.anyholder"), Selected: d.Holder == ""})
	for _, hd := range hs {
		d.Holders = append(d.Holders, dirOption{Value: string(hd.Holder), Label: string(hd.Holder), Selected: d.Holder == string(hd.Holder)})
	}
	if d.Q != "" || d.Title != "" || d.Author != "" {
		d.Searched = true
		offset, _ := strconv.Atoi(q.Get("offset"))
		s := app.CatalogSearch{Text: d.Q, Title: d.Title, Author: d.Author, Limit: catalogPageSize, Offset: max(offset, 0)}
		if d.Holder != "" {
			s.Holders = []ill.AgencyID{ill.AgencyID(d.Holder)}
		}
		recs, err := h.app.SearchCatalog(r.Context(), actor(r), s)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			d.Rows = append(d.Rows, catalogRowOf(p, rec))
		}
		if len(recs) == catalogPageSize {
			v := url.Values{"q": {d.Q}, "title": {d.Title}, "author": {d.Author}, "holder": {d.Holder}, "offset": {strconv.Itoa(s.Offset + catalogPageSize)}}
			d.More = "/catalog?" + v.Encode()
		}
	}
	p.Data = d
	h.render(w, r, http.StatusOK, "directory_catalog", p)
	return nil
}

func catalogRowOf(p *Page, rec catalog.Record) catalogRow {
	row := catalogRow{RowID: rec.RowID, Holder: string(rec.Holder), LocalID: rec.ID, Title: rec.Title, Author: rec.Author,
		CallNumber: rec.CallNumber, Lendable: rec.Counts.Lendable, Items: rec.Counts.Items}
	if rec.Year > 0 {
		row.Year = strconv.Itoa(rec.Year)
	}
	if rec.Format != "" {
		row.Format = p.T("directory.format." + string(rec.Format))
	}
	return row
}

type catalogRecordData struct {
	R        catalog.Record
	Format   string
	Coverage []string
	Items    []catalogItemRow
}

type catalogItemRow struct {
	Barcode, CallNumber, Location, Branch, Status, StateCSS, StateText string
}

func (h *Handler) catalogRecord(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return ill.E(ill.NotFound)
	}
	rec, err := h.app.CatalogRecord(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	p := h.page(r, "directory.record.title", rec.Title)
	d := catalogRecordData{R: rec}
	if rec.Format != "" {
		d.Format = p.T("directory.format." + string(rec.Format))
	}
	for _, rg := range rec.Coverage.Ranges {
		d.Coverage = append(d.Coverage, coverageText(p, rg.StartYear, rg.EndYear, rg.StartVolume, rg.EndVolume, rg.Open))
	}
	for _, it := range rec.Items {
		row := catalogItemRow{Barcode: it.Barcode, CallNumber: it.CallNumber, Location: it.Location, Branch: it.Branch, Status: it.Status}
		switch {
		case !it.Lendable:
			row.StateCSS, row.StateText = "bad", p.T("directory.item.notlendable")
		case it.OnLoan:
			row.StateCSS, row.StateText = "warn", p.T("directory.item.onloan")
		default:
			row.StateCSS, row.StateText = "ok", p.T("directory.item.available")
		}
		d.Items = append(d.Items, row)
	}
	p.Data = d
	h.render(w, r, http.StatusOK, "directory_record", p)
	return nil
}

// coverageText writes a coverage range in words: "volumes 1–16, 1990–2005".
func coverageText(p *Page, sy, ey, sv, ev int, open bool) string {
	part := func(start, end int, key string) string {
		switch {
		case start == 0 && end == 0:
			return ""
		case open:
			return p.T(key+".open", start)
		case end == 0 || end == start:
			return p.T(key+".one", start)
		}
		return p.T(key+".range", start, end)
	}
	v, y := part(sv, ev, "directory.coverage.volumes"), part(sy, ey, "directory.coverage.years")
	switch {
	case v != "" && y != "":
		return v + ", " + y
	case v != "":
		return v
	}
	return y
}
