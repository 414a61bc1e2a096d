package app

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"interlend/internal/catalog"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// CatalogHolder resolves the library a catalog belongs to: any id of a
// directory entry, or a hosted agency without one. Returns NotFound.
func (a *App) CatalogHolder(ctx context.Context, symbol string) (ill.AgencyID, error) {
	var id ill.AgencyID
	err := a.read(ctx, func(tx *store.Tx) error {
		e, err := tx.Network().LookupLibrary(symbol)
		if err == nil {
			id = e.ID
			return nil
		}
		if !ill.Is(err, ill.NotFound) {
			return err
		}
		ags, err := tx.System().Agencies()
		if err != nil {
			return err
		}
		want := strings.TrimSpace(symbol)
		if sym, err := directory.ParseSymbol(want); err == nil && sym.Type == "ISIL" {
			want = sym.Value // hosted agencies are known by their ISIL
		}
		for _, ag := range ags {
			if strings.EqualFold(string(ag.ID), want) {
				id = ag.ID
				return nil
			}
		}
		return ill.Errorf(ill.NotFound, "%s is neither in the directory nor hosted here: add it to the directory first (interlend directory import)", symbol)
	})
	return id, err
}

// requireCatalog checks that the actor may change holder's catalog: the
// directory administrators for any library, an agency's managers for
// their own.
func requireCatalog(actor ill.Actor, holder ill.AgencyID) error {
	if actor.Can(ill.PermDirectory) || actor.CanIn(holder, ill.PermSettings) {
		return nil
	}
	return actor.Require(holder, ill.PermSettings)
}

// ImportCatalog imports a catalog file for a library (o.Holder may be any
// of its ids). See catalog.Import for what happens to bad records; the
// report and a summary audit record say what was done. Returns Invalid,
// NotFound or Forbidden.
func (a *App) ImportCatalog(ctx context.Context, actor ill.Actor, r io.Reader, o catalog.ImportOptions) (catalog.Report, error) {
	holder, err := a.CatalogHolder(ctx, string(o.Holder))
	if err != nil {
		return catalog.Report{}, err
	}
	if err := requireCatalog(actor, holder); err != nil {
		return catalog.Report{}, err
	}
	o.Holder = holder
	if o.Generation == 0 {
		// Only equality matters (DeleteUnseen keeps this import's marks),
		// so the wall clock, not the domain clock, tells imports apart.
		o.Generation = time.Now().UnixNano()
	}
	rep, ierr := catalog.Import(ctx, r, catalogWriter{a}, o)
	summary := fmt.Sprintf("%s: read %d, new %d, updated %d, unchanged %d, failed %d, warnings %d, deleted %d",
		rep.Format, rep.Read, rep.Inserted, rep.Updated, rep.Unchanged, rep.Failed, rep.Warnings, rep.Deleted)
	if ierr != nil {
		summary += "; stopped: " + ierr.Error()
	}
	aerr := a.write(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		return tx.System().SystemAudit(store.AuditRecord{Agency: actor.Agency, Actor: actor.UserID, Action: "catalog.import", Target: string(holder), After: summary})
	})
	if changed := rep.Inserted + rep.Updated + rep.Deleted; changed >= analyzeAfter && aerr == nil {
		aerr = a.write(context.WithoutCancel(ctx), func(tx *store.Tx) error { return tx.Network().AnalyzeCatalog() })
	}
	if ierr != nil {
		return rep, ierr
	}
	return rep, aerr
}

// analyzeAfter is the number of changed records after which an import
// refreshes the planner's statistics.
const analyzeAfter = 50000

// catalogWriter stores import batches, one transaction each.
type catalogWriter struct{ a *App }

func (w catalogWriter) WriteBatch(ctx context.Context, holder ill.AgencyID, recs []catalog.Record, generation int64) (catalog.BatchResult, error) {
	var res catalog.BatchResult
	err := w.a.write(ctx, func(tx *store.Tx) (err error) {
		res, err = tx.Network().PutCatalogBatch(holder, recs, generation)
		return
	})
	return res, err
}

func (w catalogWriter) DeleteUnseen(ctx context.Context, holder ill.AgencyID, generation int64) (int, error) {
	var n int
	err := w.a.write(ctx, func(tx *store.Tx) (err error) {
		n, err = tx.Network().DeleteUnseenCatalog(holder, generation)
		return
	})
	return n, err
}

// CatalogIndex is the imported catalog for catalog.Local: read-only
// lookups, each in its own read transaction.
func (a *App) CatalogIndex() catalog.Index { return catalogIndex{a} }

type catalogIndex struct{ a *App }

func (x catalogIndex) ByIdentifiers(ctx context.Context, ids []catalog.Identifier, limit int) ([]catalog.Record, error) {
	var out []catalog.Record
	err := x.a.read(ctx, func(tx *store.Tx) (err error) { out, err = tx.Network().CatalogByIdentifiers(ids, limit); return })
	return out, err
}

func (x catalogIndex) LoadItems(ctx context.Context, recs []catalog.Record) error {
	return x.a.read(ctx, func(tx *store.Tx) error { return tx.Network().LoadCatalogItems(recs) })
}

func (x catalogIndex) Search(ctx context.Context, q catalog.Query) ([]catalog.Record, error) {
	var out []catalog.Record
	err := x.a.read(ctx, func(tx *store.Tx) (err error) { out, err = tx.Network().SearchCatalog(q); return })
	return out, err
}

// SRUTimeout bounds each partner's SRU search during a holdings lookup
// (a partner's own timeout in the directory may be shorter).
const SRUTimeout = 20 * time.Second

// HoldingsSource is every source of holdings the deployment knows: the
// imported catalog and the SRU service of each active library in the
// directory that has one (and no imported catalog would do instead: both
// are asked, their answers merged). Routing calls Holders on it.
func (a *App) HoldingsSource(ctx context.Context) (catalog.Source, error) {
	libs, err := a.Libraries(ctx)
	if err != nil {
		return nil, err
	}
	u := catalog.Union{Sources: []catalog.Source{catalog.Local{Index: a.CatalogIndex()}}, Timeout: SRUTimeout}
	for i := range libs {
		if libs[i].Status != directory.StatusActive {
			continue
		}
		if s, ok := catalog.NewSRU(&libs[i], a.HTTP); ok {
			u.Sources = append(u.Sources, s)
		}
	}
	return u, nil
}

// Holders answers who holds what a citation describes, from every source
// (HoldingsSource). A partner whose SRU service fails is listed with the
// error instead of matches.
func (a *App) Holders(ctx context.Context, c ill.Citation) ([]catalog.Holding, error) {
	src, err := a.HoldingsSource(ctx)
	if err != nil {
		return nil, err
	}
	return src.Holders(ctx, c)
}

// CatalogSearch is a search of the imported catalog from the staff pages.
type CatalogSearch struct {
	Text    string // keywords, or an identifier (ISBN, ISSN, OCLC number, LCCN, DOI)
	Title   string
	Author  string
	Holders []ill.AgencyID
	Limit   int
	Offset  int
}

// SearchCatalog searches the imported catalog: by identifier when Text is
// one (normalised), else by keywords. Staff of any agency may search.
// Returns Forbidden.
func (a *App) SearchCatalog(ctx context.Context, actor ill.Actor, s CatalogSearch) ([]catalog.Record, error) {
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return nil, err
	}
	var out []catalog.Record
	err := a.read(ctx, func(tx *store.Tx) error {
		var err error
		if id, ok := catalog.GuessIdentifier(s.Text); ok && s.Title == "" && s.Author == "" {
			out, err = tx.Network().CatalogByIdentifiers([]catalog.Identifier{id}, 1000)
			if len(s.Holders) > 0 {
				out = slices.DeleteFunc(out, func(r catalog.Record) bool { return !slices.Contains(s.Holders, r.Holder) })
			}
			return err
		}
		out, err = tx.Network().SearchCatalog(catalog.Query{Keywords: s.Text, Title: s.Title, Author: s.Author, Holders: s.Holders, Limit: s.Limit, Offset: s.Offset})
		return err
	})
	return out, err
}

// CatalogRecord returns one record with its items. Returns NotFound or
// Forbidden.
func (a *App) CatalogRecord(ctx context.Context, actor ill.Actor, id int64) (catalog.Record, error) {
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return catalog.Record{}, err
	}
	var r catalog.Record
	err := a.read(ctx, func(tx *store.Tx) (err error) { r, err = tx.Network().CatalogRecord(id); return })
	return r, err
}

// CatalogHolders summarises the imported catalog by library. Returns
// Forbidden.
func (a *App) CatalogHolders(ctx context.Context, actor ill.Actor) ([]store.CatalogHolder, error) {
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return nil, err
	}
	var out []store.CatalogHolder
	err := a.read(ctx, func(tx *store.Tx) (err error) { out, err = tx.Network().CatalogHolders(); return })
	return out, err
}

// DeleteCatalog removes a library's imported catalog. Returns NotFound or
// Forbidden.
func (a *App) DeleteCatalog(ctx context.Context, actor ill.Actor, symbol string) (int, error) {
	holder, err := a.CatalogHolder(ctx, symbol)
	if err != nil {
		return 0, err
	}
	if err := requireCatalog(actor, holder); err != nil {
		return 0, err
	}
	var n int
	err = a.write(ctx, func(tx *store.Tx) error {
		if n, err = tx.Network().DeleteCatalog(holder); err != nil {
			return err
		}
		return tx.System().SystemAudit(store.AuditRecord{Agency: actor.Agency, Actor: actor.UserID, Action: "catalog.delete", Target: string(holder), After: fmt.Sprintf("%d records", n)})
	})
	return n, err
}

// RebuildCatalogIndex rebuilds the keyword index (after a restore, or
// should searches and records ever disagree). Operators only.
func (a *App) RebuildCatalogIndex(ctx context.Context, actor ill.Actor) error {
	if !actor.Grants.IsOperator() {
		return ill.E(ill.Forbidden, "only an operator may rebuild the catalog index")
	}
	return a.write(ctx, func(tx *store.Tx) error { return tx.Network().RebuildCatalogIndex() })
}
