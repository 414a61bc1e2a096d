package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/patron"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

func init() {
	permissionChecks[ill.PermPatronView] = func(ctx context.Context, a *app.App, actor ill.Actor, n int) error {
		_, err := a.SearchPatrons(ctx, actor, "US-EXA", "", 10)
		return err
	}
	permissionChecks[ill.PermPatronManage] = func(ctx context.Context, a *app.App, actor ill.Actor, n int) error {
		_, err := a.CreatePatron(ctx, actor, "US-EXA", patron.Record{Barcode: fmt.Sprintf("PERM-%d", n)})
		return err
	}
}

// patronsEach runs fn with a fresh world hosting US-EXA and US-EXB on
// SQLite and, when configured, PostgreSQL.
func patronsEach(t *testing.T, o apptest.Options, fn func(t *testing.T, w *apptest.World)) {
	t.Helper()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			o := o // each engine its own copy: the subtests run in parallel
			o.Engine = e
			w := apptest.New(t, o)
			w.Agency(t, "US-EXA", "Example A")
			w.Agency(t, "US-EXB", "Example B")
			fn(t, w)
		})
	}
}

// patronsStaff is a borrowing staff member of the agency (patron.manage).
func patronsStaff(t *testing.T, w *apptest.World, email string, ag ill.AgencyID, role ill.Role) ill.Actor {
	t.Helper()
	return app.ActorFor(w.User(t, email, ill.Grant{Agency: ag, Role: role}), ag)
}

func mustCreatePatron(t *testing.T, w *apptest.World, ag ill.AgencyID, r patron.Record) store.Patron {
	t.Helper()
	p, err := w.App.CreatePatron(context.Background(), ill.SystemActor(), ag, r)
	if err != nil {
		t.Fatalf("create patron %s: %v", r.Barcode, err)
	}
	return p
}

func TestCheckPatronMayRequest(t *testing.T) {
	t.Parallel()
	patronsEach(t, apptest.Options{}, func(t *testing.T, w *apptest.World) {
		ctx := context.Background()
		mgr := patronsStaff(t, w, "mgr@example.edu", "US-EXA", ill.RoleManager)
		err := w.App.SetPatronPolicy(ctx, mgr, "US-EXA", patron.Policy{
			Categories: []patron.Category{
				{Code: "undergraduate", Name: "Undergraduate", Limits: patron.Limits{MaxOpen: 2, MaxPerDay: 1}},
				{Code: "community", Name: "Community borrower", Limits: patron.Limits{NoRequests: true}},
			},
			OtherMaxOpen: 1,
		})
		if err != nil {
			t.Fatal(err)
		}
		today := apptest.Start
		mustCreatePatron(t, w, "US-EXA", patron.Record{Barcode: "OK", Category: "undergraduate", Expires: today})
		blocked := mustCreatePatron(t, w, "US-EXA", patron.Record{Barcode: "BLOCKED", Category: "undergraduate"})
		b, err := w.App.BlockPatron(ctx, mgr, "US-EXA", blocked.ID, "Lost two books")
		if err != nil {
			t.Fatal(err)
		}
		mustCreatePatron(t, w, "US-EXA", patron.Record{Barcode: "EXPIRED", Category: "undergraduate", Expires: today.AddDate(0, 0, -1)})
		mustCreatePatron(t, w, "US-EXA", patron.Record{Barcode: "COMMUNITY", Category: "community"})
		mustCreatePatron(t, w, "US-EXA", patron.Record{Barcode: "ALUMNUS", Category: "alumni"})
		if _, err := w.App.ImportPatrons(ctx, mgr, "US-EXA", strings.NewReader("barcode,blocked,block_reason\nFILEBLOCK,yes,Fines\n"), "f.csv", app.PatronImportOptions{}); err != nil {
			t.Fatal(err)
		}
		// The same barcode in another agency, with no restrictions, must not
		// change A's answer.
		mustCreatePatron(t, w, "US-EXB", patron.Record{Barcode: "BLOCKED", Category: "faculty"})

		check := func(barcode string, open, today int) error {
			var err error
			rerr := w.App.DB.Read(ctx, func(tx *store.Tx) error {
				p, ferr := tx.Agency().FindPatron("US-EXA", barcode)
				if ferr != nil {
					return ferr
				}
				err = w.App.CheckPatronMayRequest(tx, "US-EXA", p, open, today, w.Clock.Now())
				return nil
			})
			if rerr != nil {
				t.Fatalf("%s: %v", barcode, rerr)
			}
			return err
		}
		tests := []struct {
			barcode     string
			open, today int
			want        patron.Reason
			msg         string
		}{
			{barcode: "OK", open: 1, today: 0},
			{barcode: "OK", open: 2, today: 0, want: patron.ReasonOpenLimit, msg: "You already have 2 open requests, the most allowed for the category Undergraduate."},
			{barcode: "OK", open: 0, today: 1, want: patron.ReasonDailyLimit, msg: "You have placed 1 request today"},
			{barcode: "BLOCKED", want: patron.ReasonBlocked, msg: "Your library account is blocked (Lost two books)."},
			{barcode: "FILEBLOCK", want: patron.ReasonBlocked, msg: "(Fines)"},
			{barcode: "EXPIRED", want: patron.ReasonExpired, msg: "Your library account expired on 1 March 2026."},
			{barcode: "COMMUNITY", want: patron.ReasonNoRequests, msg: "not available to the category Community borrower"},
			{barcode: "ALUMNUS", open: 1, want: patron.ReasonOpenLimit, msg: "the most allowed for your patron category"},
		}
		for _, tc := range tests {
			err := check(tc.barcode, tc.open, tc.today)
			if tc.want == "" {
				if err != nil {
					t.Errorf("%s open=%d today=%d: %v, want allowed", tc.barcode, tc.open, tc.today, err)
				}
				continue
			}
			r, ok := patron.RefusalOf(err)
			if !ok || r.Reason != tc.want || !ill.Is(err, ill.Forbidden) || !strings.Contains(ill.UserMessage(err), tc.msg) {
				t.Errorf("%s open=%d today=%d: %v, want Forbidden %s saying %q", tc.barcode, tc.open, tc.today, err, tc.want, tc.msg)
			}
		}
		// Lifting the block lets the patron request again.
		if err := w.App.UnblockPatron(ctx, mgr, "US-EXA", blocked.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		if err := check("BLOCKED", 0, 0); err != nil {
			t.Errorf("after the block was lifted: %v", err)
		}
	})
}

func TestPatronRecordsByStaff(t *testing.T) {
	t.Parallel()
	patronsEach(t, apptest.Options{}, func(t *testing.T, w *apptest.World) {
		ctx := context.Background()
		bea := patronsStaff(t, w, "bea@example.edu", "US-EXA", ill.RoleBorrowing)
		rory := patronsStaff(t, w, "rory@example.edu", "US-EXA", ill.RoleReadOnly)
		p, err := w.App.CreatePatron(ctx, bea, "US-EXA", patron.Record{Barcode: " 2100001 ", FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.edu", Category: "faculty"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Barcode != "2100001" || p.Name != "Ada Lovelace" || p.Source != store.PatronByStaff {
			t.Errorf("created %+v", p)
		}
		// Bad input is refused with a field message and changes nothing.
		_, err = w.App.CreatePatron(ctx, bea, "US-EXA", patron.Record{Barcode: "2100002", Email: "not-an-email"})
		if !ill.Is(err, ill.Invalid) || ill.FieldErrors(err)["email"] == "" {
			t.Errorf("bad email: %v, want Invalid with an email field", err)
		}
		_, err = w.App.CreatePatron(ctx, bea, "US-EXA", patron.Record{Barcode: "2100001"})
		if !ill.Is(err, ill.Conflict) || ill.FieldErrors(err)["barcode"] == "" {
			t.Errorf("duplicate barcode: %v, want Conflict", err)
		}
		// The same barcode is fine in another agency.
		mustCreatePatron(t, w, "US-EXB", patron.Record{Barcode: "2100001", Name: "Someone Else"})
		if _, err := w.App.CreatePatron(ctx, rory, "US-EXA", patron.Record{Barcode: "X"}); !ill.Is(err, ill.Forbidden) {
			t.Errorf("read-only staff created a patron: %v", err)
		}

		// Search by barcode, ILS id, name words and email.
		for _, q := range []string{"2100001", "ada love", "lovelace", "ADA@EXAMPLE"} {
			found, err := w.App.SearchPatrons(ctx, rory, "US-EXA", q, 10)
			if err != nil || len(found) != 1 || found[0].ID != p.ID {
				t.Errorf("search %q: %v %v, want Ada only", q, found, err)
			}
		}
		if found, _ := w.App.SearchPatrons(ctx, rory, "US-EXA", "100%", 10); len(found) != 0 {
			t.Errorf("search with a LIKE wildcard matched %d", len(found))
		}

		// Edit: only the fields given; notes alone keep the barcode.
		up, err := w.App.UpdatePatron(ctx, bea, "US-EXA", p.ID, patron.Record{Notes: "Call before 5pm"}, patron.FieldNotes)
		if err != nil || up.Notes != "Call before 5pm" || up.Barcode != "2100001" || up.Email != "ada@example.edu" {
			t.Fatalf("notes update = %+v, %v", up, err)
		}
		exp := time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)
		up, err = w.App.UpdatePatron(ctx, bea, "US-EXA", p.ID, patron.Record{Barcode: "2100009", Category: "emeritus", Expires: exp}, patron.FieldCategory|patron.FieldExpires)
		if err != nil || up.Barcode != "2100009" || up.Category != "emeritus" || !up.Expires.Equal(exp) || up.Notes != "Call before 5pm" {
			t.Fatalf("update = %+v, %v", up, err)
		}
		audit, _ := auditOf(t, w, "US-EXA", "2100009")
		if !strings.Contains(audit, "patron.update") || !strings.Contains(audit, "category, expiry_date") || strings.Contains(audit, "emeritus") {
			t.Errorf("audit of the update = %s: want the fields changed, not their values", audit)
		}

		// The patron page shows blocks and the linked account.
		w.User(t, "ada.portal@example.edu")
		if err := w.App.LinkPatronAccount(ctx, bea, "US-EXA", p.ID, "ada.portal@example.edu"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.App.BlockPatron(ctx, bea, "US-EXA", p.ID, " "); !ill.Is(err, ill.Invalid) {
			t.Errorf("block without a reason: %v", err)
		}
		if _, err := w.App.BlockPatron(ctx, bea, "US-EXA", p.ID, "Fines"); err != nil {
			t.Fatal(err)
		}
		d, err := w.App.Patron(ctx, rory, "US-EXA", p.ID)
		if err != nil || d.AccountEmail != "ada.portal@example.edu" || len(d.Patron.Blocks) != 1 || len(d.BlockHistory) != 1 {
			t.Fatalf("details = %+v, %v", d, err)
		}
		u, err := w.App.Users(ctx, ill.SystemActor(), "US-EXA")
		if err != nil {
			t.Fatal(err)
		}
		granted := false
		for _, x := range u {
			if x.Email == "ada.portal@example.edu" {
				granted = x.Grants.Can("US-EXA", ill.PermPatronSelf)
			}
		}
		if !granted {
			t.Error("the linked account did not get the patron role")
		}
		me, err := w.App.MyPatronRecord(ctx, app.ActorFor(store.User{ID: d.Patron.UserID}, "US-EXA"), "US-EXA")
		if err != nil || me.ID != p.ID {
			t.Errorf("MyPatronRecord = %+v, %v", me, err)
		}
		if _, err := w.App.Patron(ctx, patronsStaff(t, w, "b@example.edu", "US-EXB", ill.RoleManager), "US-EXB", p.ID); !ill.Is(err, ill.NotFound) {
			t.Errorf("A's patron seen from B: %v", err)
		}
	})
}

// auditOf is the agency's audit log for a target, one line per record.
func auditOf(t *testing.T, w *apptest.World, ag ill.AgencyID, target string) (string, int) {
	t.Helper()
	var b strings.Builder
	var n int
	err := w.App.DB.Read(context.Background(), func(tx *store.Tx) error {
		recs, err := tx.Agency().AuditLog(ag, target, 1000)
		for _, r := range recs {
			fmt.Fprintf(&b, "%s %s %s -> %s\n", r.Action, r.Target, r.Before, r.After)
		}
		n = len(recs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String(), n
}
