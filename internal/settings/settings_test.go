package settings

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"interlend/internal/calendar"
	"interlend/internal/i18n"
	"interlend/internal/ill"
	"interlend/internal/store"
	"interlend/internal/store/storetest"
)

// Every registered group's form must carry its defaults unchanged through
// FormValues and Parse: the admin page shows what is stored, and saving
// it untouched changes nothing.
func TestEveryGroupRoundTripsThroughItsForm(t *testing.T) {
	t.Parallel()
	for _, g := range Groups() {
		t.Run(g.Key, func(t *testing.T) {
			t.Parallel()
			def := g.Defaults()
			got, err := g.Parse(g.FormValues(def), def)
			if err != nil {
				t.Fatalf("parse of the defaults' own form: %v", err)
			}
			want, _ := g.Encode(def)
			have, err := g.Encode(got)
			if err != nil || have != want {
				t.Errorf("round trip: got %s (%v), want %s", have, err, want)
			}
			if errs := g.Validate(def); len(errs) > 0 {
				t.Errorf("the defaults do not validate: %v", errs)
			}
			if g.Title == "" || g.Perm == "" {
				t.Errorf("group without a title or permission: %+v", g)
			}
		})
	}
}

func TestParseRejectsBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, group string
		set         map[string]string
		field, key  string
	}{
		{"unknown zone", "calendar", map[string]string{"timeZone": "Mars/Olympus"}, "timeZone", "platform.settings.err.timezone"},
		{"Local zone", "calendar", map[string]string{"timeZone": "Local"}, "timeZone", "platform.settings.err.timezone"},
		{"bad hours", "calendar", map[string]string{"week.tue": "9 to 5"}, "week.tue", "platform.settings.err.hours"},
		{"hours backwards", "calendar", map[string]string{"week.tue": "17:00-09:00"}, "week.tue", "platform.settings.err.hours"},
		{"never open", "calendar", map[string]string{"week.mon": "closed", "week.tue": "", "week.wed": "closed", "week.thu": "closed", "week.fri": "closed"}, "week", "platform.settings.err.noopenday"},
		{"closure without start", "calendar", map[string]string{"closures.0.name": "Winter break"}, "closures.0.from", "platform.settings.err.required"},
		{"impossible date", "calendar", map[string]string{"closures.0.from": "2026-02-30"}, "closures.0.from", "platform.settings.err.date"},
		{"closure backwards", "calendar", map[string]string{"closures.0.from": "2026-12-24", "closures.0.to": "2026-12-01"}, "closures", "platform.settings.err.closureorder"},
		{"pickup code", "pickup", map[string]string{"locations.0.code": "no spaces", "locations.0.name": "X"}, "locations", "platform.settings.err.code"},
		{"pickup twice", "pickup", map[string]string{"locations.1.code": "main", "locations.1.name": "Again"}, "locations", "platform.settings.err.duplicate"},
		{"pickup all closed", "pickup", map[string]string{"locations.0.closed": "on"}, "locations", "platform.settings.err.nopickup"},
		{"pickup without name", "pickup", map[string]string{"locations.1.code": "EAST"}, "locations.1.name", "platform.settings.err.required"},
		{"retention text", "retention", map[string]string{"personalDataDays": "ninety"}, "personalDataDays", "platform.settings.err.integer"},
		{"retention zero", "retention", map[string]string{"deliveredFileDays": "0"}, "deliveredFileDays", "platform.settings.err.range"},
		{"retention too long", "retention", map[string]string{"mailLogDays": "99999"}, "mailLogDays", "platform.settings.err.range"},
		{"fiscal month 13", "fiscal", map[string]string{"startMonth": "13"}, "startMonth", "platform.settings.err.choice"},
		{"fiscal 31 April", "fiscal", map[string]string{"startMonth": "4", "startDay": "31"}, "startDay", "platform.settings.err.range"},
		{"fiscal 29 February", "fiscal", map[string]string{"startMonth": "2", "startDay": "29"}, "startDay", "platform.settings.err.range"},
		{"sso without issuer", "sso", map[string]string{"enabled": "on", "provider": "Campus", "clientId": "c", "clientSecret": "s"}, "issuer", "platform.settings.err.required"},
		{"sso plain http", "sso", map[string]string{"issuer": "http://idp.example.edu"}, "issuer", "platform.settings.err.https"},
		{"sso not a URL", "sso", map[string]string{"issuer": "idp.example.edu"}, "issuer", "platform.settings.err.url"},
		{"sso domain", "sso", map[string]string{"allowedDomains": "example.edu\nnot a domain"}, "allowedDomains", "platform.settings.err.domain"},
		{"placeholder not JSON", "notices", map[string]string{"": "{oops"}, "", "platform.settings.err.json"},
		{"placeholder not an object", "notices", map[string]string{"": "[1,2]"}, "", "platform.settings.err.object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, ok := Lookup(tc.group)
			if !ok {
				t.Fatalf("no group %s", tc.group)
			}
			cur := g.Defaults()
			form := g.FormValues(cur)
			for k, v := range tc.set {
				form.Set(k, v)
			}
			v, err := g.Parse(form, cur)
			if v != nil || !ill.Is(err, ill.Invalid) {
				t.Fatalf("got %v, %v; want an Invalid error and no value", v, err)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("no *ValidationError in %v", err)
			}
			if got := ve.Fields[tc.field]; got.Key != tc.key {
				t.Errorf("field %q: got %+v, want key %s (all: %v)", tc.field, got, tc.key, ve.Fields)
			}
			if msg := ill.FieldErrors(err); len(msg) == 0 || strings.Contains(err.Error(), "⟦") {
				t.Errorf("English field messages missing or untranslated: %v", err)
			}
		})
	}
}

func TestCalendarFormBuildsTheCalendar(t *testing.T) {
	t.Parallel()
	g, _ := Lookup("calendar")
	form := g.FormValues(g.Defaults())
	form.Set("timeZone", "America/New_York")
	form.Set("week.sat", "10:00-14:00")
	form.Set("closures.0.from", "2026-12-24")
	form.Set("closures.0.to", "2027-01-01")
	form.Set("closures.0.name", "Winter break")
	form.Set("closures.1.from", "2026-07-04")
	v, err := g.Parse(form, g.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	c := v.(calendar.Calendar)
	if c.Location.String() != "America/New_York" || !c.Week[time.Saturday].IsOpen() || c.Week[time.Sunday].IsOpen() {
		t.Errorf("zone or week wrong: %v %v", c.Location, c.Week)
	}
	want := []calendar.Closure{
		{From: calendar.Date{Year: 2026, Month: 12, Day: 24}, To: calendar.Date{Year: 2027, Month: 1, Day: 1}, Name: "Winter break"},
		{From: calendar.Date{Year: 2026, Month: 7, Day: 4}, To: calendar.Date{Year: 2026, Month: 7, Day: 4}},
	}
	if !reflect.DeepEqual(c.Closures, want) {
		t.Errorf("closures: got %+v, want %+v", c.Closures, want)
	}
	if _, err := calendar.New(c); err != nil {
		t.Errorf("the parsed calendar does not compile: %v", err)
	}
	// Shown again, the closures come back with two blank rows to add to.
	again := g.FormValues(v)
	if again.Get("closures.rows") != "4" || again.Get("closures.1.from") != "2026-07-04" {
		t.Errorf("form of the parsed value: %v", again)
	}
}

func TestSecretIsWriteOnlyAndMasked(t *testing.T) {
	t.Parallel()
	g, _ := Lookup("sso")
	cur := SingleSignOn{Enabled: true, Provider: "Campus", Issuer: "https://idp.example.edu", ClientID: "ill", ClientSecret: "s3cret", AllowedDomains: []string{"example.edu"}}
	form := g.FormValues(cur)
	if form.Has("clientSecret") {
		t.Fatal("the secret is in the form")
	}
	for _, fv := range g.View(form, cur, nil) {
		if fv.Name == "clientSecret" && (!fv.IsSet || fv.Value != "") {
			t.Errorf("secret view: set=%v value=%q, want set and empty", fv.IsSet, fv.Value)
		}
	}
	form.Set("provider", "Campus login")
	v, err := g.Parse(form, cur)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.(SingleSignOn); got.ClientSecret != "s3cret" || got.Provider != "Campus login" {
		t.Errorf("blank secret field: got %+v, want the old secret kept", got)
	}
	form.Set("clientSecret", "n3w")
	v2, _ := g.Parse(form, cur)
	before, _ := g.Encode(cur)
	after, _ := g.Encode(v2)
	if m := g.Mask(after); strings.Contains(m, "n3w") || !strings.Contains(m, "********") {
		t.Errorf("masked: %s", m)
	}
	var secretChange *Change
	for _, c := range g.Changes(before, after) {
		if strings.Contains(c.Before.Text+c.After.Text, "s3cret") || strings.Contains(c.Before.Text+c.After.Text, "n3w") {
			t.Errorf("a change shows the secret: %+v", c)
		}
		if c.Field.Name == "clientSecret" {
			secretChange = &c
		}
	}
	if secretChange == nil || secretChange.After.Key != "platform.settings.secret.changed" {
		t.Errorf("secret change: %+v", secretChange)
	}
}

func TestChangesListOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	g, _ := Lookup("retention")
	got := g.Changes("", `{"personalDataDays":30,"deliveredFileDays":30,"mailLogDays":90}`)
	if len(got) != 1 || got[0].Field.Name != "personalDataDays" || got[0].Before.Text != "90" || got[0].After.Text != "30" {
		t.Errorf("changes from the defaults: %+v", got)
	}
	f, _ := Lookup("fiscal")
	got = f.Changes(`{"startMonth":7,"startDay":1}`, `{"startMonth":1,"startDay":1}`)
	if len(got) != 1 || got[0].Before.Key != "platform.month.7" || got[0].After.Key != "platform.month.1" {
		t.Errorf("select change: %+v", got)
	}
	pk, _ := Lookup("pickup")
	got = pk.Changes("", `{"locations":[{"code":"MAIN","name":"Main desk","address":"","closed":true},{"code":"SCI","name":"Science","address":"2nd floor","closed":false}]}`)
	if len(got) != 1 || got[0].Before.Text != "MAIN Main desk" || got[0].After.Text != "MAIN Main desk [closed] | SCI Science 2nd floor" {
		t.Errorf("records change: %+v", got)
	}
	c, _ := Lookup("calendar")
	if got := c.Changes("", `{"timeZone":"UTC","week":{"mon":"09:00-17:00","tue":"09:00-17:00","wed":"09:00-17:00","thu":"09:00-17:00","fri":"09:00-17:00","sat":"closed","sun":"closed"},"closures":[]}`); len(got) != 0 {
		t.Errorf("an empty list and a missing one differ: %+v", got)
	}
}

func TestRegistry(t *testing.T) {
	t.Parallel()
	type probe struct {
		N int `json:"n"`
	}
	r := &registry{groups: map[string]*Group{}}
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	k := registerIn(r, Spec[probe]{Key: "test.probe", Title: "x", Defaults: func() probe { return probe{N: 1} },
		Fields: []Field{{Name: "n", Kind: Number}}})
	if g, ok := r.lookup(string(k)); !ok || g.Perm != ill.PermSettings {
		t.Errorf("registered group: %+v %v", g, ok)
	}
	mustPanic("duplicate", func() {
		registerIn(r, Spec[probe]{Key: "test.probe", Title: "x", Defaults: func() probe { return probe{} }})
	})
	mustPanic("misspelt field", func() {
		registerIn(r, Spec[probe]{Key: "test.misspelt", Title: "x", Defaults: func() probe { return probe{} }, Fields: []Field{{Name: "m", Kind: Number}}})
	})
	mustPanic("no defaults", func() { registerIn(r, Spec[probe]{Key: "test.nodefaults", Title: "x"}) })
	// A placeholder gives way to its owner's group.
	registerIn(r, Spec[map[string]any]{Key: "test.owned", Title: "x", Placeholder: true, Defaults: func() map[string]any { return map[string]any{} }})
	registerIn(r, Spec[probe]{Key: "test.owned", Title: "y", Defaults: func() probe { return probe{} }})
	if g, _ := r.lookup("test.owned"); g.Type() != reflect.TypeFor[probe]() {
		t.Errorf("placeholder not replaced: %v", g.Type())
	}
	mustPanic("owner twice", func() {
		registerIn(r, Spec[probe]{Key: "test.owned", Title: "z", Defaults: func() probe { return probe{} }})
	})
}

func TestGetReadsStoredValuesOverDefaults(t *testing.T) {
	t.Parallel()
	storetest.Each(t, nil, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.Transact(ctx, func(tx *store.Tx) error {
			_, err := tx.System().CreateAgency("US-EXA", "A")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		r, err := RetentionSetting.Get(ctx, db, "US-EXA")
		if err != nil || r != (RetentionPeriods{PersonalDataDays: 90, DeliveredFileDays: 30, MailLogDays: 90}) {
			t.Errorf("unset: got %+v, %v; want the defaults", r, err)
		}
		// A stored value from an older version without a newer key: the
		// missing key takes its default.
		if err := db.Transact(ctx, func(tx *store.Tx) error {
			return tx.Agency().PutSetting("US-EXA", "retention", `{"personalDataDays":14}`, 0)
		}); err != nil {
			t.Fatal(err)
		}
		r, err = Get[RetentionPeriods](ctx, db, "US-EXA", "retention")
		if err != nil || r.PersonalDataDays != 14 || r.DeliveredFileDays != 30 {
			t.Errorf("stored: got %+v, %v", r, err)
		}
		if _, err := Get[FiscalYear](ctx, db, "US-EXA", "retention"); err == nil {
			t.Error("reading a group as the wrong type succeeded")
		}
		if _, err := Get[FiscalYear](ctx, db, "US-EXA", "no.such.group"); err == nil {
			t.Error("reading an unregistered group succeeded")
		}
		c, err := CalendarSetting.Get(ctx, db, "US-EXA")
		if err != nil || c.Location != time.UTC || !c.Week[time.Monday].IsOpen() {
			t.Errorf("default calendar: %+v, %v", c, err)
		}
	})
}

func TestFiscalYear(t *testing.T) {
	t.Parallel()
	d := func(y, m, day int) calendar.Date { return calendar.Date{Year: y, Month: time.Month(m), Day: day} }
	tests := []struct {
		f               FiscalYear
		on, start, last calendar.Date
	}{
		{FiscalYear{7, 1}, d(2026, 3, 2), d(2025, 7, 1), d(2026, 6, 30)},
		{FiscalYear{7, 1}, d(2026, 7, 1), d(2026, 7, 1), d(2027, 6, 30)},
		{FiscalYear{1, 1}, d(2026, 12, 31), d(2026, 1, 1), d(2026, 12, 31)},
		{FiscalYear{3, 1}, d(2028, 2, 29), d(2027, 3, 1), d(2028, 2, 29)},
	}
	for _, tc := range tests {
		if got := tc.f.Start(tc.on); got != tc.start {
			t.Errorf("%+v start of %s: got %s, want %s", tc.f, tc.on, got, tc.start)
		}
		if got := tc.f.End(tc.on); got != tc.last {
			t.Errorf("%+v end of %s: got %s, want %s", tc.f, tc.on, got, tc.last)
		}
	}
}

func TestSSOAllows(t *testing.T) {
	t.Parallel()
	s := SingleSignOn{AllowedDomains: []string{"example.edu"}}
	for email, want := range map[string]bool{"a@example.edu": true, "A@EXAMPLE.EDU": true, "a@evil.example": false, "nobody": false} {
		if got := s.Allows(email); got != want {
			t.Errorf("Allows(%q) = %v, want %v", email, got, want)
		}
	}
	if !(SingleSignOn{}).Allows("x@anywhere.example") {
		t.Error("no domain list should allow everyone")
	}
}

func TestViewShowsErrorsWhereTheyBelong(t *testing.T) {
	t.Parallel()
	g, _ := Lookup("calendar")
	form := url.Values{"timeZone": {"UTC"}, "week.mon": {"nope"}, "closures.rows": {"2"}, "closures.1.from": {"x"}}
	errs := Errors{"week.mon": M("platform.settings.err.hours"), "closures.1.from": M("platform.settings.err.date")}
	views := g.View(form, g.Defaults(), errs)
	if len(views) != 3 {
		t.Fatalf("views: %d", len(views))
	}
	if p := views[1].Parts[0]; p.Day != "mon" || p.Value != "nope" || p.Error == nil {
		t.Errorf("Monday: %+v", p)
	}
	if cell := views[2].Rows[1][0]; cell.Value != "x" || cell.Error == nil || cell.Row != 2 {
		t.Errorf("closure cell: %+v", cell)
	}
}

// Every text a group shows must be in the catalog: titles, help, labels,
// choices, weekdays and the validation messages named in this package.
func TestEveryKeyIsInTheCatalog(t *testing.T) {
	t.Parallel()
	cat := i18n.Load()
	need := func(where, key string) {
		if key != "" && !cat.Has(key) {
			t.Errorf("%s: catalog key %q is missing", where, key)
		}
	}
	var fields func(where string, fs []Field)
	fields = func(where string, fs []Field) {
		for _, f := range fs {
			need(where+"."+f.Name, f.Label)
			need(where+"."+f.Name, f.Help)
			for _, o := range f.Options {
				need(where+"."+f.Name, o.Label)
			}
			fields(where+"."+f.Name, f.Columns)
		}
	}
	for _, g := range Groups() {
		need(g.Key, g.Title)
		need(g.Key, g.Help)
		need(g.Key, g.Owner)
		fields(g.Key, g.Fields)
	}
	for _, d := range Weekdays {
		need("weekday", "platform.day."+d)
	}
	files, _ := filepath.Glob("*.go")
	key := regexp.MustCompile(`"(platform\.[a-z0-9_.]*[a-z0-9])"`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") && !strings.HasPrefix(m[1], "platform.settings.test") {
				need(f, m[1])
			}
		}
	}
}
