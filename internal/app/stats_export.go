package app

import (
	"context"
	"io"
	"strconv"
	"time"

	"interlend/internal/ill"
	"interlend/internal/stats"
	"interlend/internal/store"
)

// The exports write spreadsheet-safe CSV (stats.CSV) as rows are read, so
// that a year of requests streams in constant memory. Patron identity
// (barcode, name, email) and event data (notes may name people) are
// written only when the user asks and may: the export.identity
// permission in every library exported.

// requestColumns are the request export's columns (without identity).
var requestColumns = func() []string {
	cols := []string{"agency", "request", "side", "service", "service_level", "state", "outcome", "close_reason", "unfilled_reason",
		"partner", "patron_category", "department", "title", "container", "author", "isbn", "issn", "oclc", "pub_date", "subject",
		"submitted", "sent", "answered", "shipped", "received", "available", "picked_up", "delivered", "return_shipped", "checked_in",
		"closed", "renewals", "overdue", "lost"}
	for _, s := range stats.Stages {
		cols = append(cols, string(s)+"_hours", string(s)+"_business_hours")
	}
	return cols
}()

// identityColumns follow when identity is exported.
var identityColumns = []string{"patron_barcode", "patron_name", "patron_email"}

// checkExport resolves an export's scope and checks the identity right.
func (a *App) checkExport(ctx context.Context, actor ill.Actor, q StatsQuery, identity bool) (StatsScope, error) {
	sc, err := a.StatsScope(ctx, actor, q)
	if err != nil {
		return sc, err
	}
	if identity {
		for _, ag := range sc.Agencies {
			if err := actor.Require(ag, ill.PermExportIdentity); err != nil {
				return sc, err
			}
		}
	}
	return sc, nil
}

// ExportStatsRequests writes the requests submitted in the period, one
// row each with its per-stage timestamps and durations, as CSV to w;
// flush (optional) is called as the output grows. With identity the
// patron's barcode, name and email are added. Returns what StatsScope
// returns, and Forbidden for identity without export.identity; nothing is
// written then.
func (a *App) ExportStatsRequests(ctx context.Context, actor ill.Actor, q StatsQuery, identity bool, w io.Writer, flush func()) error {
	sc, err := a.checkExport(ctx, actor, q, identity)
	if err != nil {
		return err
	}
	out := stats.NewCSV(w, flush)
	header := append([]string(nil), requestColumns...)
	if identity {
		header = append(header, identityColumns...)
	}
	if err := out.Write(header...); err != nil {
		return err
	}
	for _, ag := range sc.Agencies {
		loc := a.AgencyLocation(ctx, ag)
		err := a.read(ctx, func(tx *store.Tx) error {
			return tx.Agency().EachStatsFact(ag, sc.Period, identity, func(f store.StatsFact, who store.PatronIdentity) error {
				row := requestRow(ag, f, loc)
				if identity {
					row = append(row, who.Barcode, who.Name, who.Email)
				}
				return out.Write(row...)
			})
		})
		if err != nil {
			return err
		}
	}
	return out.Flush()
}

func requestRow(ag ill.AgencyID, f store.StatsFact, loc *time.Location) []string {
	j := f.Journey
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format(time.RFC3339)
	}
	row := []string{string(ag), f.PublicID, string(j.Side), string(j.Service), j.ServiceLevel, string(f.State), j.Outcome(), string(j.CloseReason),
		j.UnfilledReason, string(j.Partner), j.Category, j.Department, j.Title, j.Container, j.Author, j.ISBN, j.ISSN, j.OCLC, j.PubDate, j.Subject,
		ts(j.Submitted), ts(j.FirstSent), ts(j.Answered), ts(j.Shipped), ts(j.Received), ts(j.Available), ts(j.PickedUp), ts(j.Delivered),
		ts(j.ReturnShipped), ts(j.CheckedIn), ts(j.Closed), strconv.Itoa(len(j.Renewals)), ts(j.Overdue), ts(j.Lost)}
	for i, iv := range j.Intervals() {
		if !iv.Valid() {
			row = append(row, "", "")
			continue
		}
		row = append(row, hours(iv.To.Sub(iv.From)), hours(j.Business[i]))
	}
	return row
}

// hours writes a duration in hours with two decimals.
func hours(d time.Duration) string { return strconv.FormatFloat(d.Hours(), 'f', 2, 64) }

// eventColumns are the raw event export's columns; data comes last, with
// identity only.
var eventColumns = []string{"agency", "request", "side", "seq", "at", "type", "name", "actor_kind", "actor_partner", "from_state", "to_state"}

// ExportStatsEvents writes every event of the period, for analysis
// elsewhere, as CSV to w; with identity each event's data (JSON, which may
// hold notes) is added. Errors as ExportStatsRequests.
func (a *App) ExportStatsEvents(ctx context.Context, actor ill.Actor, q StatsQuery, identity bool, w io.Writer, flush func()) error {
	sc, err := a.checkExport(ctx, actor, q, identity)
	if err != nil {
		return err
	}
	out := stats.NewCSV(w, flush)
	header := append([]string(nil), eventColumns...)
	if identity {
		header = append(header, "data")
	}
	if err := out.Write(header...); err != nil {
		return err
	}
	for _, ag := range sc.Agencies {
		loc := a.AgencyLocation(ctx, ag)
		err := a.read(ctx, func(tx *store.Tx) error {
			return tx.Agency().EachEvent(ag, sc.Period, identity, func(e store.ExportEvent) error {
				ev := e.Event
				row := []string{string(ag), e.Request, string(e.Side), strconv.Itoa(ev.Seq), ev.At.In(loc).Format(time.RFC3339Nano), ev.Type, ev.Name,
					string(ev.ActorKind), string(ev.ActorPartner), string(ev.From), string(ev.To)}
				if identity {
					row = append(row, string(ev.Data))
				}
				return out.Write(row...)
			})
		})
		if err != nil {
			return err
		}
	}
	return out.Flush()
}
