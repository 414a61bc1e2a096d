package cli

import (
	"context"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// Screenshots of routing: a request's rota with the reasons (made by the
// setup: a staff request for a title several demo libraries hold, routed
// but not yet sent), and the routing settings and automation rules.
func init() {
	addScreenshot(
		screenshot{Name: "admin-routing", As: "manager@exsup.example", Path: "/admin/settings/routing"},
		screenshot{Name: "admin-routing-rules", As: "manager@exsup.example", Path: "/admin/settings/routing.rules"},
	)
	addScreenshotSetup(routingScreenshotSetup)
}

func routingScreenshotSetup(ctx context.Context, a *app.App) error {
	const agency, login = ill.AgencyID("US-EXSUP"), "manager@exsup.example"
	var mgr store.User
	if err := a.DB.Read(ctx, func(tx *store.Tx) (err error) { mgr, err = tx.System().UserByEmail(login); return }); err != nil {
		return err
	}
	r, err := a.CreateRequest(ctx, app.ActorFor(mgr, agency), app.NewRequest{ServiceType: ill.Loan,
		Citation: ill.Citation{Title: "Middlemarch", Author: "Eliot, George", ISBN: "9780141439549", PublicationType: ill.PubBook}})
	if err != nil {
		return err
	}
	addScreenshot(screenshot{Name: "routing-rota", As: login, Path: "/requests/" + r.PublicID + "/rota"})
	return nil
}
