package cli

import (
	"context"
	"net/url"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// Screenshots of the patron portal: the login page, a patron's requests,
// a form pre-filled from an OpenURL, an article form with its copyright
// notice, and one request's page (made by the setup as the demo patron).
func init() {
	openURL := "url_ver=Z39.88-2004&rfr_id=info:sid/Entrez:PubMed&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.genre=article" +
		"&rft.atitle=" + url.QueryEscape("Molecular structure of nucleic acids") + "&rft.jtitle=Nature&rft.date=1953&rft.volume=171" +
		"&rft.spage=737&rft.epage=738&rft.au=Watson,+J+D&rft.au=Crick,+F+H+C&rft_id=info:doi/10.1038/171737a0&rft_id=info:pmid/13054692"
	addScreenshot(
		screenshot{Name: "portal-login", Path: "/portal/login"},
		screenshot{Name: "portal-openurl", As: "patron@exsup.example", Path: "/portal/openurl?" + openURL},
		screenshot{Name: "portal-new-article", As: "patron@exsup.example", Path: "/portal/new?kind=article"},
	)
	addScreenshotSetup(portalScreenshotSetup)
}

func portalScreenshotSetup(ctx context.Context, a *app.App) error {
	const agency, login = ill.AgencyID("US-EXSUP"), "patron@exsup.example"
	var u store.User
	if err := a.DB.Read(ctx, func(tx *store.Tx) (err error) { u, err = tx.System().UserByEmail(login); return }); err != nil {
		return err
	}
	r, err := a.SubmitPortalRequest(ctx, app.ActorFor(u, agency), app.PortalForm{Kind: app.FormBook,
		Fields: map[string]string{"title": "The structure of scientific revolutions", "author": "Kuhn, Thomas S.", "isbn": "9780226458120"}})
	if err != nil {
		return err
	}
	addScreenshot(
		screenshot{Name: "portal-requests", As: login, Path: "/portal"},
		screenshot{Name: "portal-request", As: login, Path: "/portal/requests/" + r.PublicID},
	)
	return nil
}
