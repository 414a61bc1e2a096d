package cli

import (
	"context"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

// Screenshot of a delivered copy's page in the patron portal, with the
// form that reports a bad or incomplete copy (docs/problems.md).
func init() { addScreenshotSetup(portalBadCopyScreenshotSetup) }

func portalBadCopyScreenshotSetup(ctx context.Context, a *app.App) error {
	for _, login := range []string{"patron@exsup.example", "patron@excol.example", "patron@expub.example"} {
		var u store.User
		if err := a.DB.Read(ctx, func(tx *store.Tx) (err error) { u, err = tx.System().UserByEmail(login); return }); err != nil {
			return err
		}
		for _, g := range u.Grants {
			mine, err := a.MyRequests(ctx, app.ActorFor(u, ill.AgencyID(g.Agency)))
			if err != nil {
				return err
			}
			for _, pr := range mine {
				if pr.BadCopy {
					addScreenshot(screenshot{Name: "portal-bad-copy", As: login, Path: "/portal/requests/" + pr.Request.PublicID})
					return nil
				}
			}
		}
	}
	return nil // the demo has no delivered copy a patron may report
}
