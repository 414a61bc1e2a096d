package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/ils"
	"interlend/internal/ncip/nciptest"
	"interlend/internal/patron"
)

// TestNoneDriverChecksLocalPatrons: without an ILS, LookupUser answers from
// the agency's own patron records.
func TestNoneDriverChecksLocalPatrons(t *testing.T) {
	t.Parallel()
	patronsEach(t, apptest.Options{}, func(t *testing.T, w *apptest.World) {
		ctx := context.Background()
		mustCreatePatron(t, w, "US-EXA", patron.Record{Barcode: "OK1", ILSID: "u-ok", FirstName: "Olu", LastName: "Kay", Email: "olu@example.edu", Category: "graduate", Expires: apptest.Start.AddDate(1, 0, 0)})
		blocked := mustCreatePatron(t, w, "US-EXA", patron.Record{Barcode: "BL1", Category: "graduate"})
		if _, err := w.App.BlockPatron(ctx, ill.SystemActor(), "US-EXA", blocked.ID, "Overdue items"); err != nil {
			t.Fatal(err)
		}
		mustCreatePatron(t, w, "US-EXA", patron.Record{Barcode: "EX1", Category: "public", Expires: apptest.Start.AddDate(0, 0, -2)})
		mustCreatePatron(t, w, "US-EXB", patron.Record{Barcode: "ONLYB"})

		d, err := w.App.ILSFor(ctx, "US-EXA")
		if err != nil {
			t.Fatal(err)
		}
		if d.Name() != ils.DriverNone {
			t.Fatalf("driver %s, want none", d.Name())
		}
		u, err := d.LookupUser(ctx, ils.LookupUserInput{Patron: "OK1"})
		if err != nil || u.Name != "Olu Kay" || u.Email != "olu@example.edu" || u.Category != "graduate" {
			t.Errorf("LookupUser OK1 = %+v, %v", u, err)
		}
		if u, err := d.LookupUser(ctx, ils.LookupUserInput{Patron: "u-ok"}); err != nil || u.ID != "OK1" {
			t.Errorf("LookupUser by ILS id = %+v, %v", u, err)
		}
		tests := []struct {
			patron, reason string
			class          ils.Class
		}{
			{"BL1", ils.ReasonUserBlocked, ils.Refused},
			{"EX1", ils.ReasonUserExpired, ils.Refused},
			{"NOBODY", ils.ReasonUnknownUser, ils.Refused},
			{"ONLYB", ils.ReasonUnknownUser, ils.Refused},
			{"", "no patron id given", ils.Misconfigured},
		}
		for _, tc := range tests {
			u, err := d.LookupUser(ctx, ils.LookupUserInput{Patron: tc.patron})
			if ils.ClassOf(err) != tc.class || ils.ReasonOf(err) != tc.reason {
				t.Errorf("LookupUser %q = %v, want %s %q", tc.patron, err, tc.class, tc.reason)
			}
			if tc.reason == ils.ReasonUserBlocked && (u.ID != "BL1" || !strings.Contains(err.(*ils.Error).StaffMessage(), "Overdue items")) {
				t.Errorf("blocked lookup = %+v, %v: want the record and the reason", u, err)
			}
		}
	})
}

func TestILSSettingsAndNCIPDriver(t *testing.T) {
	t.Parallel()
	patronsEach(t, apptest.Options{}, func(t *testing.T, w *apptest.World) {
		ctx := context.Background()
		srv := nciptest.NewServer(t, "EXA-ILS")
		srv.Now = func() time.Time { return apptest.Start }
		srv.RequireBasicAuth("interlend", "s3cret-pw")
		srv.AddUser(nciptest.User{ID: "2100555", GivenName: "Mo", Surname: "Ng", Category: "faculty", Email: "mo@example.edu"})
		mgr := patronsStaff(t, w, "mgr@example.edu", "US-EXA", ill.RoleManager)
		bea := patronsStaff(t, w, "bea@example.edu", "US-EXA", ill.RoleBorrowing)

		s := ils.Settings{Driver: ils.DriverNCIP, NCIPSettings: ils.NCIPSettings{Endpoint: srv.URL, ToAgency: "EXA-ILS", Auth: "basic", User: "interlend",
			Services: []ils.Service{ils.LookupUser, ils.AcceptItem}}}
		if err := w.App.SetILSSettings(ctx, mgr, "US-EXA", s); !ill.Is(err, ill.Invalid) {
			t.Errorf("basic authentication without a password: %v, want Invalid", err)
		}
		if err := w.App.SetILSSettings(ctx, bea, "US-EXA", s); !ill.Is(err, ill.Forbidden) {
			t.Errorf("borrowing staff changed the ILS settings: %v, want Forbidden", err)
		}
		bad := s
		bad.Endpoint, bad.Secret = "ils.example.edu/ncip", "x"
		if err := w.App.SetILSSettings(ctx, mgr, "US-EXA", bad); !ill.Is(err, ill.Invalid) {
			t.Errorf("endpoint without a scheme: %v, want Invalid", err)
		}
		s.Secret = "s3cret-pw"
		if err := w.App.SetILSSettings(ctx, mgr, "US-EXA", s); err != nil {
			t.Fatal(err)
		}
		got, secretSet, err := w.App.ILSSettings(ctx, mgr, "US-EXA")
		if err != nil || !secretSet || got.Secret != "" || got.Endpoint != srv.URL {
			t.Fatalf("ILSSettings = %+v %v %v: want the settings with the secret hidden", got, secretSet, err)
		}
		// Saving again without the secret keeps it.
		got.TimeoutSeconds = 5
		if err := w.App.SetILSSettings(ctx, mgr, "US-EXA", got); err != nil {
			t.Fatal(err)
		}
		d, err := w.App.ILSFor(ctx, "US-EXA")
		if err != nil {
			t.Fatal(err)
		}
		u, err := d.LookupUser(ctx, ils.LookupUserInput{Patron: "2100555"})
		if err != nil || u.Name != "Mo Ng" || u.Category != "faculty" {
			t.Fatalf("LookupUser through NCIP = %+v, %v", u, err)
		}
		if c := srv.CallsTo("LookupUser"); len(c) != 1 || c[0].Auth != "basic:interlend" || c[0].FromAgency != "US-EXA" || c[0].ToAgency != "EXA-ILS" {
			t.Errorf("the ILS saw %+v", c)
		}
		if _, err := d.CheckInItem(ctx, ils.CheckInItemInput{ItemID: "X"}); ils.ClassOf(err) != ils.NotConfigured {
			t.Errorf("CheckInItem switched off: %v, want NotConfigured", err)
		}
		// The settings history never shows the secret.
		changes, err := w.App.SettingsAudit(ctx, mgr, "US-EXA", ils.SettingKey, 10)
		if err != nil || len(changes) == 0 {
			t.Fatalf("settings history: %v %v", changes, err)
		}
		for _, c := range changes {
			for _, ch := range c.Changes {
				if strings.Contains(ch.Before.Text+ch.After.Text, "s3cret-pw") {
					t.Errorf("the history shows the secret: %+v", ch)
				}
			}
		}
		// The other agency still has no ILS.
		if d, err := w.App.ILSFor(ctx, "US-EXB"); err != nil || d.Name() != ils.DriverNone {
			t.Errorf("B's driver = %v, %v", d, err)
		}
	})
}

func TestPatronCategoriesSetting(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	w.Agency(t, "US-EXA", "Example A")
	ctx := context.Background()
	pol, err := w.App.PatronPolicy(ctx, "US-EXA")
	if err != nil || len(pol.Categories) != len(patron.DefaultPolicy().Categories) {
		t.Fatalf("default policy = %+v, %v", pol, err)
	}
	mgr := patronsStaff(t, w, "mgr@example.edu", "US-EXA", ill.RoleManager)
	err = w.App.SetPatronPolicy(ctx, mgr, "US-EXA", patron.Policy{Categories: []patron.Category{{Code: "ug"}, {Code: "UG"}}})
	if !ill.Is(err, ill.Invalid) {
		t.Errorf("duplicate codes: %v, want Invalid", err)
	}
	// Through the admin area's form.
	st, err := w.App.SettingGroup(ctx, mgr, "US-EXA", patron.SettingKey)
	if err != nil {
		t.Fatal(err)
	}
	form := st.Group.FormValues(st.Value)
	form.Set("categories.0.maxOpen", "3")
	form.Set("otherMaxOpen", "1")
	if _, err := w.App.SaveSettingForm(ctx, mgr, "US-EXA", patron.SettingKey, form, st.Version); err != nil {
		t.Fatal(err)
	}
	pol, err = w.App.PatronPolicy(ctx, "US-EXA")
	if err != nil || pol.Categories[0].MaxOpen != 3 || pol.OtherMaxOpen != 1 || pol.Categories[0].Code != "undergraduate" {
		t.Errorf("after the form = %+v, %v", pol, err)
	}
}
