package ils_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/ils"
)

func TestParseSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, json string
		wantField  string // "" means valid
	}{
		{name: "empty is none", json: ``},
		{name: "none", json: `{"driver":"none","whenDown":"refuse"}`},
		{name: "ncip", json: `{"driver":"ncip","endpoint":"https://ils.example.edu/ncip","toAgency":"EXA","auth":"basic","user":"ill","secret":"pw","services":["LookupUser","AcceptItem"]}`},
		{name: "unknown driver", json: `{"driver":"sip2"}`, wantField: "driver"},
		{name: "ncip without settings", json: `{"driver":"ncip"}`, wantField: "endpoint"},
		{name: "basic without secret", json: `{"driver":"ncip","endpoint":"https://ils/x","toAgency":"A","auth":"basic","user":"ill"}`, wantField: "secret"},
		{name: "no endpoint", json: `{"driver":"ncip","toAgency":"EXA"}`, wantField: "endpoint"},
		{name: "ftp endpoint", json: `{"driver":"ncip","endpoint":"ftp://ils/x","toAgency":"EXA"}`, wantField: "endpoint"},
		{name: "password in the URL", json: `{"driver":"ncip","endpoint":"https://u:p@ils/x","toAgency":"EXA"}`, wantField: "endpoint"},
		{name: "no to agency", json: `{"driver":"ncip","endpoint":"https://ils/x"}`, wantField: "toAgency"},
		{name: "basic without user", json: `{"driver":"ncip","endpoint":"https://ils/x","toAgency":"A","auth":"basic"}`, wantField: "user"},
		{name: "unknown auth", json: `{"driver":"ncip","endpoint":"https://ils/x","toAgency":"A","auth":"kerberos"}`, wantField: "auth"},
		{name: "unknown service", json: `{"driver":"ncip","endpoint":"https://ils/x","toAgency":"A","services":["LookupPatron"]}`, wantField: "services"},
		{name: "bad version", json: `{"driver":"ncip","endpoint":"https://ils/x","toAgency":"A","version":"1.0"}`, wantField: "version"},
		{name: "bad timeout", json: `{"driver":"ncip","endpoint":"https://ils/x","toAgency":"A","timeoutSeconds":9999}`, wantField: "timeoutSeconds"},
		{name: "bad scope", json: `{"driver":"ncip","endpoint":"https://ils/x","toAgency":"A","requestScope":"Shelf"}`, wantField: "requestScope"},
		{name: "bad action", json: `{"driver":"ncip","endpoint":"https://ils/x","toAgency":"A","acceptAction":"Keep"}`, wantField: "acceptAction"},
		{name: "bad fallback", json: `{"whenDown":"panic"}`, wantField: "whenDown"},
		{name: "half a library account", json: `{"driver":"ncip","endpoint":"https://ils/x","toAgency":"A","institutionalUsers":[{"agency":"US-EXB"}]}`, wantField: "institutionalUsers.0.agency"},
		{name: "unknown field", json: `{"driver":"none","colour":"blue"}`, wantField: "json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ils.ParseSettings([]byte(tc.json))
			if tc.wantField == "" {
				if err != nil {
					t.Fatalf("ParseSettings = %v, want valid", err)
				}
				if s.Driver == "" {
					t.Error("driver left empty")
				}
				return
			}
			if !ill.Is(err, ill.Invalid) {
				t.Fatalf("ParseSettings = %v, want Invalid", err)
			}
			if _, ok := ill.FieldErrors(err)[tc.wantField]; !ok && tc.wantField != "json" {
				t.Errorf("fields = %v, want one for %s", ill.FieldErrors(err), tc.wantField)
			}
		})
	}
}

func TestInstitutionalUser(t *testing.T) {
	t.Parallel()
	tests := []struct{ pattern, want string }{
		{"", "US-EXB"},
		{"ILL-{agency}", "ILL-US-EXB"},
		{"illpartner", "illpartner"},
	}
	for _, tc := range tests {
		if got := (ils.NCIPSettings{InstitutionalUser: tc.pattern}).InstitutionalUserFor("US-EXB"); got != tc.want {
			t.Errorf("InstitutionalUserFor with %q = %q, want %q", tc.pattern, got, tc.want)
		}
	}
	n := ils.NCIPSettings{InstitutionalUser: "ILL-{agency}", InstitutionalUsers: []ils.InstitutionalUser{{Agency: "us-exb", Patron: "29000000000123"}}}
	if got := n.InstitutionalUserFor("US-EXB"); got != "29000000000123" {
		t.Errorf("mapped library = %q, want its own account", got)
	}
	if got := n.InstitutionalUserFor("US-EXC"); got != "ILL-US-EXC" {
		t.Errorf("unmapped library = %q, want the pattern", got)
	}
}

func TestNoneCirculationStepsSucceedQuietly(t *testing.T) {
	t.Parallel()
	d := &ils.None{}
	ctx := context.Background()
	due := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	if a, err := d.AcceptItem(ctx, ils.AcceptItemInput{RequestID: "BR-1", ItemBarcode: "ILL1"}); err != nil || a.ItemID != "ILL1" {
		t.Errorf("AcceptItem = %+v, %v", a, err)
	}
	if l, err := d.CheckOutItem(ctx, ils.CheckOutItemInput{ItemID: "ILL1", DueDate: due}); err != nil || !l.Due.Equal(due) {
		t.Errorf("CheckOutItem = %+v, %v", l, err)
	}
	if l, err := d.RenewItem(ctx, ils.RenewItemInput{ItemID: "ILL1", DesiredDue: due}); err != nil || !l.Due.Equal(due) {
		t.Errorf("RenewItem = %+v, %v", l, err)
	}
	if _, err := d.CheckInItem(ctx, ils.CheckInItemInput{ItemID: "ILL1"}); err != nil {
		t.Errorf("CheckInItem: %v", err)
	}
	if _, err := d.DeleteItem(ctx, ils.DeleteItemInput{ItemID: "ILL1"}); err != nil {
		t.Errorf("DeleteItem: %v", err)
	}
	for _, s := range []ils.Service{ils.LookupItem, ils.RequestItem, ils.CancelRequestItem} {
		if d.Supports(s) {
			t.Errorf("none supports %s", s)
		}
	}
	if _, err := d.RequestItem(ctx, ils.RequestItemInput{}); ils.ClassOf(err) != ils.NotConfigured {
		t.Errorf("RequestItem: %v, want NotConfigured", err)
	}
	if _, err := d.LookupItem(ctx, ils.LookupItemInput{}); ils.ClassOf(err) != ils.NotConfigured {
		t.Errorf("LookupItem: %v, want NotConfigured", err)
	}
	if _, err := d.CancelRequestItem(ctx, ils.CancelRequestItemInput{}); ils.ClassOf(err) != ils.NotConfigured {
		t.Errorf("CancelRequestItem: %v, want NotConfigured", err)
	}
}

func TestSettingsNeverPrintTheSecret(t *testing.T) {
	t.Parallel()
	s := ils.Settings{Driver: ils.DriverNCIP, NCIPSettings: ils.NCIPSettings{Endpoint: "https://ils.example.edu/ncip", ToAgency: "A", Auth: "basic", User: "ill", Secret: "hunter2"}}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		if got := fmt.Sprintf(format, s); strings.Contains(got, "hunter2") {
			t.Errorf("%s prints the secret: %s", format, got)
		}
	}
}
