package demo

import (
	"context"
	"fmt"

	"interlend/internal/app"
	"interlend/internal/ill"
	"interlend/internal/store"
)

func init() {
	register(Step{Order: 63, Name: "borrowing desk: messages between a patron and staff", Run: seedPatronMessages})
}

// seedPatronMessages has Pat Patron of Example College Library write to
// the library about the loan waiting to be made available (staff have not
// answered: it carries the desk's "Message from the patron" badge), and
// staff write to Pat about the loan Pat has out (with Pat's thanks).
func seedPatronMessages(ctx context.Context, a *app.App, w *World) error {
	const borrower = ill.AgencyID("US-EXCOL")
	var u store.User
	if err := a.DB.Read(ctx, func(tx *store.Tx) (err error) { u, err = tx.System().UserByEmail("patron@excol.example"); return }); err != nil {
		return fmt.Errorf("demo patron login: %w", err)
	}
	pat := app.ActorFor(u, borrower)
	mine, err := a.MyRequests(ctx, pat)
	if err != nil {
		return err
	}
	find := func(title string) (string, error) {
		for _, r := range mine {
			if r.Request.Citation.Title == title {
				return r.Request.PublicID, nil
			}
		}
		return "", fmt.Errorf("demo: Pat Patron has no request for %q", title)
	}
	id, err := find("The image of the city")
	if err != nil {
		return err
	}
	if _, err := a.PortalMessage(ctx, pat, id, "Could I collect this one at the Science Library instead of the main desk?"); err != nil {
		return err
	}
	if id, err = find("Invisible cities"); err != nil {
		return err
	}
	if _, err := a.StaffMessage(ctx, manager(borrower), id, "The lending library has asked us to keep this book in its jacket. Thank you!"); err != nil {
		return err
	}
	_, err = a.PortalMessage(ctx, pat, id, "Of course, thank you for letting me know.")
	return err
}
