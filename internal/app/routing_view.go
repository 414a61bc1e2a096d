package app

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"interlend/internal/catalog"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/routing"
	"interlend/internal/store"
)

// RoutingView is a borrowing request's rota with routing's explanation,
// for the staff page.
type RoutingView struct {
	Request *ill.Request
	Rota    []store.RotaEntry
	// Record is routing's latest plan and own-holdings check; nil when
	// the request was never routed (lenders chosen by hand).
	Record   *RoutingRecord
	RoutedAt time.Time
	// CanEdit says the actor may add and move lenders.
	CanEdit bool
}

// Planned returns the plan's entry for a lender, if routing chose it.
func (v *RoutingView) Planned(lender ill.AgencyID) (routing.Entry, bool) {
	if v.Record == nil {
		return routing.Entry{}, false
	}
	for _, e := range v.Record.Plan.Entries {
		if e.Lender == lender {
			return e, true
		}
	}
	return routing.Entry{}, false
}

// RoutingView returns a borrowing request's rota and explanation.
// Returns NotFound, or Forbidden for patrons.
func (a *App) RoutingView(ctx context.Context, actor ill.Actor, publicID string) (*RoutingView, error) {
	if actor.Kind == ill.ActorPatron {
		return nil, ill.E(ill.Forbidden, "the lender list is for staff")
	}
	if err := actor.Require(actor.Agency, ill.PermRequestView); err != nil {
		return nil, err
	}
	v := &RoutingView{CanEdit: actor.Can(ill.PermBorrowAct)}
	err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err != nil {
			return err
		}
		if r.Side != ill.Borrowing {
			return ill.E(ill.Invalid, "only borrowing requests have a rota")
		}
		v.Request = r
		if v.Rota, err = tx.Agency().Rota(r.Agency, r.ID); err != nil {
			return err
		}
		data, at, err := tx.Agency().RoutingExplanation(r.Agency, r.ID)
		switch {
		case ill.Is(err, ill.NotFound):
			return nil
		case err != nil:
			return err
		}
		var rec RoutingRecord
		if err := json.Unmarshal(data, &rec); err != nil {
			return err
		}
		v.Record, v.RoutedAt = &rec, at
		return nil
	})
	if err != nil {
		return nil, err
	}
	v.CanEdit = v.CanEdit && !ill.BorrowingWorkflow.Terminal(v.Request.State)
	return v, nil
}

// RouteAgain asks routing for lenders again (the catalog, the directory
// or the lenders' records may have changed) and adds those not yet in the
// rota after it; it returns how many it added. Sending is still the
// staff's action (route_again from end of rota, send from validated).
// Returns NotFound, Forbidden or Conflict (a closed request, or one at a
// lender).
func (a *App) RouteAgain(ctx context.Context, actor ill.Actor, publicID string) (int, error) {
	if err := actor.Require(actor.Agency, ill.PermBorrowAct); err != nil {
		return 0, err
	}
	if a.Route == nil {
		return 0, ill.E(ill.Unavailable, "routing is not available")
	}
	// Partners' SRU services are asked first, outside the transaction
	// (routing inside a transaction reads only the imported catalog).
	var cit ill.Citation
	if err := a.read(ctx, func(tx *store.Tx) error {
		r, err := a.loadForActor(tx, actor, publicID, false)
		if err == nil {
			cit = r.Citation
		}
		return err
	}); err != nil {
		return 0, err
	}
	remote, err := a.sruHolders(ctx, cit)
	if err != nil {
		return 0, err
	}
	key := remoteKey{a.DB, actor.Agency, publicID}
	remoteHoldings.Store(key, remote)
	defer remoteHoldings.Delete(key)
	added := 0
	err = a.write(ctx, func(tx *store.Tx) error {
		added = 0
		r, err := a.loadForActor(tx, actor, publicID, true)
		if err != nil {
			return err
		}
		if r.Side != ill.Borrowing || !slices.Contains([]ill.State{ill.BValidated, ill.BReview, ill.BEndOfRota, ill.BRetryOffered}, r.State) {
			return ill.E(ill.Conflict, "lenders can be looked for again only before the request is sent, in review or at the end of its rota")
		}
		lenders, err := a.Route(tx, r)
		if err != nil {
			return err
		}
		for _, l := range lenders {
			if err := tx.Agency().AddRotaEntry(r.Agency, r.ID, store.RotaEntry{Lender: l.Lender, Reason: l.Reason, Score: l.Score}); err != nil {
				return err
			}
			added++
		}
		return a.event(tx, r, actor, "rota_changed", "route_again", map[string]any{"added": added}, 0)
	})
	return added, err
}

// remoteHoldings carries holdings found outside the transaction
// (partners' SRU services, see RouteAgain) to routeInput, by request
// (the transaction's context is not the caller's on SQLite's batched
// writer).
var remoteHoldings sync.Map // remoteKey → []catalog.Holding

type remoteKey struct {
	db       *store.DB // several apps in one process (tests) may share ids
	agency   ill.AgencyID
	publicID string
}

// sruHolders asks the SRU service of every active library in the
// directory that has one (SRUTimeout each, at once). A service that
// fails is its library's Holding.Err: routing lists the library as left
// out with the error.
func (a *App) sruHolders(ctx context.Context, c ill.Citation) ([]catalog.Holding, error) {
	libs, err := a.Libraries(ctx)
	if err != nil {
		return nil, err
	}
	u := catalog.Union{Timeout: SRUTimeout}
	for i := range libs {
		if libs[i].Status != directory.StatusActive {
			continue
		}
		if s, ok := catalog.NewSRU(&libs[i], a.HTTP); ok {
			u.Sources = append(u.Sources, s)
		}
	}
	if len(u.Sources) == 0 {
		return nil, nil
	}
	return u.Holders(ctx, c)
}

// withRemoteHoldings merges the holdings found for the request outside
// the transaction (see RouteAgain) into those of the imported catalog: a
// library found by both gets the matches of both; one whose service
// failed but whose records are imported keeps those.
func withRemoteHoldings(tx *store.Tx, r *ill.Request, local []catalog.Holding) []catalog.Holding {
	v, _ := remoteHoldings.Load(remoteKey{tx.DB(), r.Agency, r.PublicID})
	remote, _ := v.([]catalog.Holding)
	if len(remote) == 0 {
		return local
	}
	out := slices.Clone(local)
	for _, h := range remote {
		i := slices.IndexFunc(out, func(x catalog.Holding) bool { return x.Agency == h.Agency })
		switch {
		case i < 0:
			out = append(out, h)
		case len(h.Matches) > 0:
			out[i].Matches = append(out[i].Matches, h.Matches...)
			out[i].Err = nil
		}
	}
	return out
}
