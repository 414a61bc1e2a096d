package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"interlend/internal/app"
	"interlend/internal/apptest"
	"interlend/internal/ill"
	"interlend/internal/settings"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

func init() {
	permissionChecks[ill.PermSettings] = func(ctx context.Context, a *app.App, actor ill.Actor, n int) error {
		return a.PutSetting(ctx, actor, "US-EXA", "fiscal", settings.FiscalYear{StartMonth: n%12 + 1, StartDay: 1})
	}
	permissionChecks[ill.PermJobs] = func(ctx context.Context, a *app.App, actor ill.Actor, n int) error {
		_, err := a.JobsOverview(ctx, actor, "US-EXA", app.JobsQuery{})
		return err
	}
}

// eachEngine runs fn with a fresh world on SQLite and, when configured,
// PostgreSQL.
func eachEngine(t *testing.T, o apptest.Options, fn func(t *testing.T, w *apptest.World)) {
	t.Helper()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			o := o // each subtest its own copy: they run in parallel
			o.Engine = e
			fn(t, apptest.New(t, o))
		})
	}
}

func TestSaveSettingFormStoresAndAudits(t *testing.T) {
	t.Parallel()
	eachEngine(t, apptest.Options{}, func(t *testing.T, w *apptest.World) {
		ctx := context.Background()
		w.Agency(t, "US-EXA", "A")
		w.Agency(t, "US-EXB", "B")
		m := w.User(t, "mia@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager})
		mia := app.ActorFor(m, "US-EXA")
		st, err := w.App.SettingGroup(ctx, mia, "US-EXA", "retention")
		if err != nil || st.Set || st.Version != "0" {
			t.Fatalf("fresh group: %+v, %v", st, err)
		}
		form := st.Group.FormValues(st.Value)
		form.Set("personalDataDays", "30")
		saved, err := w.App.SaveSettingForm(ctx, mia, "US-EXA", "retention", form, st.Version)
		if err != nil {
			t.Fatal(err)
		}
		if r := saved.Value.(settings.RetentionPeriods); r.PersonalDataDays != 30 || !saved.Set || saved.UpdatedBy != "mia" {
			t.Errorf("saved: %+v", saved)
		}
		got, err := settings.RetentionSetting.Get(ctx, w.App.DB, "US-EXA")
		if err != nil || got.PersonalDataDays != 30 {
			t.Errorf("typed getter after save: %+v, %v", got, err)
		}
		if other, _ := settings.RetentionSetting.Get(ctx, w.App.DB, "US-EXB"); other.PersonalDataDays != 90 {
			t.Errorf("another agency's value changed: %+v", other)
		}
		trail, err := w.App.SettingsAudit(ctx, mia, "US-EXA", "", 10)
		if err != nil || len(trail) != 1 {
			t.Fatalf("audit: %+v, %v", trail, err)
		}
		if c := trail[0]; c.ActorName != "mia" || c.Key != "retention" || len(c.Changes) != 1 || c.Changes[0].Before.Text != "90" || c.Changes[0].After.Text != "30" {
			t.Errorf("audit entry: %+v", c)
		}

		// A stale form (made before the save) changes nothing.
		form.Set("personalDataDays", "60")
		if _, err := w.App.SaveSettingForm(ctx, mia, "US-EXA", "retention", form, st.Version); !ill.Is(err, ill.Conflict) {
			t.Errorf("stale version: %v, want Conflict", err)
		}
		// Bad input changes nothing and says what is wrong where.
		form.Set("personalDataDays", "-1")
		_, err = w.App.SaveSettingForm(ctx, mia, "US-EXA", "retention", form, saved.Version)
		var ve *settings.ValidationError
		if !ill.Is(err, ill.Invalid) || !errors.As(err, &ve) || ve.Fields["personalDataDays"].Key != "platform.settings.err.range" {
			t.Errorf("bad input: %v", err)
		}
		if got, _ := settings.RetentionSetting.Get(ctx, w.App.DB, "US-EXA"); got.PersonalDataDays != 30 {
			t.Errorf("refused saves changed the value: %+v", got)
		}
		if trail, _ := w.App.SettingsAudit(ctx, mia, "US-EXA", "", 10); len(trail) != 1 {
			t.Errorf("refused saves were audited: %d entries", len(trail))
		}

		// Other agencies, other roles, unknown groups.
		if _, err := w.App.SaveSettingForm(ctx, mia, "US-EXB", "retention", form, "0"); !ill.Is(err, ill.Forbidden) {
			t.Errorf("manager of A saving B: %v", err)
		}
		b := app.ActorFor(w.User(t, "bo@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleBorrowing}), "US-EXA")
		if _, err := w.App.SettingGroups(ctx, b, "US-EXA"); !ill.Is(err, ill.Forbidden) {
			t.Errorf("borrowing staff listing settings: %v", err)
		}
		if _, err := w.App.SettingGroup(ctx, mia, "US-EXA", "no.such"); !ill.Is(err, ill.NotFound) {
			t.Errorf("unknown group: %v", err)
		}
		groups, err := w.App.SettingGroups(ctx, mia, "US-EXA")
		if err != nil || len(groups) < 5 {
			t.Errorf("groups: %d, %v", len(groups), err)
		}
	})
}

func TestSettingsAuditMasksSecrets(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	ctx := context.Background()
	w.Agency(t, "US-EXA", "A")
	mia := app.ActorFor(w.User(t, "mia@example.edu", ill.Grant{Agency: "US-EXA", Role: ill.RoleManager}), "US-EXA")
	for _, secret := range []string{"first-s3cret", "second-s3cret"} {
		st, _ := w.App.SettingGroup(ctx, mia, "US-EXA", "sso")
		form := st.Group.FormValues(st.Value)
		form.Set("enabled", "on")
		form.Set("provider", "Campus")
		form.Set("issuer", "https://login.example.edu")
		form.Set("clientId", "interlend")
		form.Set("clientSecret", secret)
		if _, err := w.App.SaveSettingForm(ctx, mia, "US-EXA", "sso", form, st.Version); err != nil {
			t.Fatal(err)
		}
	}
	trail, err := w.App.SettingsAudit(ctx, mia, "US-EXA", "sso", 10)
	if err != nil || len(trail) != 2 {
		t.Fatalf("trail: %v %v", trail, err)
	}
	for _, c := range trail {
		for _, ch := range c.Changes {
			if s := ch.Before.Text + ch.After.Text; strings.Contains(s, "s3cret") {
				t.Errorf("the audit trail shows a secret: %+v", ch)
			}
		}
	}
	// The second save changed only the secret: the trail still says so.
	changed := false
	for _, ch := range trail[0].Changes {
		changed = changed || (ch.Field.Name == "clientSecret" && ch.After.Key == "platform.settings.secret.changed")
	}
	if !changed {
		t.Errorf("the newest entry does not show the secret changed: %+v", trail[0].Changes)
	}
	// Nor does the stored audit log keep it, in any form.
	var raw []store.AuditRecord
	if err := w.App.DB.Read(ctx, func(tx *store.Tx) (err error) { raw, err = tx.Agency().AuditLog("US-EXA", "sso", 10); return }); err != nil || len(raw) != 2 {
		t.Fatalf("audit log: %v %v", raw, err)
	}
	for _, r := range raw {
		if strings.Contains(r.Before+r.After, "s3cret") {
			t.Errorf("the audit log stores a secret: %+v", r)
		}
	}
	got, _ := settings.SSOSetting.Get(ctx, w.App.DB, "US-EXA")
	if got.ClientSecret != "second-s3cret" {
		t.Errorf("stored secret: %q", got.ClientSecret)
	}
}

func TestPutSettingValidates(t *testing.T) {
	t.Parallel()
	w := apptest.New(t, apptest.Options{})
	ctx := context.Background()
	w.Agency(t, "US-EXA", "A")
	sys := ill.SystemActor()
	if err := w.App.PutSetting(ctx, sys, "US-EXA", "fiscal", settings.FiscalYear{StartMonth: 2, StartDay: 30}); !ill.Is(err, ill.Invalid) {
		t.Errorf("30 February: %v", err)
	}
	if err := w.App.PutSetting(ctx, sys, "US-EXA", "fiscal", settings.RetentionPeriods{}); err == nil {
		t.Error("a value of the wrong type was stored")
	}
	if err := w.App.PutSetting(ctx, sys, "US-NOPE", "fiscal", settings.FiscalYear{StartMonth: 1, StartDay: 1}); !ill.Is(err, ill.NotFound) {
		t.Errorf("unknown agency: %v", err)
	}
	if err := w.App.PutSetting(ctx, sys, "US-EXA", "fiscal", settings.FiscalYear{StartMonth: 1, StartDay: 1}); err != nil {
		t.Fatal(err)
	}
	ny := w.App.AgencyLocation(ctx, "US-EXA")
	if ny.String() != "UTC" {
		t.Errorf("default zone: %v", ny)
	}
	st, _ := w.App.SettingGroup(ctx, sys, "US-EXA", "calendar")
	form := st.Group.FormValues(st.Value)
	form.Set("timeZone", "America/New_York")
	if _, err := w.App.SaveSettingForm(ctx, sys, "US-EXA", "calendar", form, st.Version); err != nil {
		t.Fatal(err)
	}
	if got := w.App.AgencyLocation(ctx, "US-EXA"); got.String() != "America/New_York" {
		t.Errorf("zone after save: %v", got)
	}
}

// The settings' defaults are the lifecycle's defaults, and an agency's
// stored periods reach the lifecycle.
func TestLendingPolicyReachesTheLifecycle(t *testing.T) {
	t.Parallel()
	g, _ := settings.Lookup("lending.policy")
	if got := app.PolicyOf(g.Defaults().(settings.LendingPolicy)); got != app.DefaultPolicy {
		t.Errorf("defaults differ:\nsettings  %+v\nlifecycle %+v", got, app.DefaultPolicy)
	}
	w := apptest.New(t, apptest.Options{})
	ctx := context.Background()
	w.Agency(t, "US-EXA", "A")
	p := settings.LendingPolicy{ResponseWindowDays: 5, LoanPeriodDays: 42, RenewalPeriodDays: 14, ReturnTransitDays: 3, PickupPeriodDays: 10, PatronLoanDays: 28, SearchAgainDays: 1}
	if err := w.App.PutSetting(ctx, ill.SystemActor(), "US-EXA", "lending.policy", p); err != nil {
		t.Fatal(err)
	}
	var got app.Policy
	if err := w.App.DB.Read(ctx, func(tx *store.Tx) error { got = w.App.PolicyFor(tx, "US-EXA"); return nil }); err != nil {
		t.Fatal(err)
	}
	if got.LoanPeriod != 42*24*time.Hour || got.ResponseWindow != 5*24*time.Hour {
		t.Errorf("policy from settings: %+v", got)
	}
}
