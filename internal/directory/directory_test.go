package directory

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"interlend/internal/calendar"
	"interlend/internal/ill"
	"interlend/internal/iso18626"

	"github.com/google/go-cmp/cmp"
)

// sample is a complete, valid entry.
func sample(t testing.TB) Entry {
	t.Helper()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	week, err := ParseWeek("mon-fri 09:00-17:00|sat 10:00-14:00")
	if err != nil {
		t.Fatal(err)
	}
	cls, err := ParseClosures("2026-12-24..2027-01-01 Winter break|2026-07-04 Independence Day")
	if err != nil {
		t.Fatal(err)
	}
	return Entry{
		ID: "US-EXREQ", Name: "Example Requesting Library",
		Symbols: []Symbol{ISIL("US-EXREQ"), {Type: "OCLC", Value: "EXR"}},
		Status:  StatusActive,
		Addresses: []Address{
			{Purpose: AddressShipping, Name: "Interlibrary Loan", Line1: "1 Library Way", Locality: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"},
			{Purpose: AddressBilling, Line1: "PO Box 9", Locality: "Springfield", Country: "US"},
		},
		Contacts: []Contact{{Role: "ill", Name: "ILL Office", Email: "ill@exreq.example", Phone: "+1 555 0100"}},
		Endpoint: Endpoint{URL: "https://ill.exreq.example/iso18626", Version: Version2021,
			Auth:      Auth{Inbound: []AuthMethod{AuthBasic, AuthIP}, Outbound: AuthBasic, AllowIPs: []string{"192.0.2.0/24", "2001:db8::1"}},
			Tolerance: Tolerance{"emptyStatus", "zeroDates"}},
		DeliveryHosts: []string{"files.exreq.example"},
		Services:      []Service{{Type: ServiceLoan, Formats: []string{"Printed"}}, {Type: ServiceCopy, Formats: []string{"PDF"}, Electronic: true}},
		Policy: Policy{LoanDays: 28, Renewals: 1, RenewalDays: 14,
			Charges:    []Charge{{Service: ServiceLoan, Amount: Money{Minor: 1500, Currency: "USD"}}, {Service: ServiceCopy, Amount: Money{Minor: 500, Currency: "USD"}}},
			Agreements: []Agreement{{Group: "EXCONS", Kind: AgreementConsortium, Name: "Example Consortium", Charges: []Charge{{Service: ServiceLoan, Amount: Money{Minor: 500, Currency: "USD"}}}}, {Group: "RECIP", Kind: AgreementReciprocal}},
			DailyCap:   50, ResponseDays: 3},
		Calendar: &calendar.Calendar{Location: ny, Week: week, Closures: cls},
		SRU:      &SRUTarget{BaseURL: "https://sru.exreq.example/sru", Version: "1.2", IndexMap: map[string]string{"isbn": "alma.isbn"}, TimeoutSeconds: 10},
		Notes:    "Ships by courier on Tuesdays.",
		Credentials: []Credential{
			{Direction: Inbound, Method: AuthBasic, Username: "US-EXREQ", Secret: "exreq-demo-secret"},
			{Direction: Outbound, Method: AuthBasic, Username: "US-EXSUP", Secret: "our-secret-for-exreq"},
		},
	}
}

func TestValidateAcceptsSample(t *testing.T) {
	t.Parallel()
	e := sample(t)
	e.Normalise()
	if err := e.Validate(); err != nil {
		t.Fatalf("sample rejected: %v", err)
	}
}

func TestNormalise(t *testing.T) {
	t.Parallel()
	e := Entry{ID: " US-X ", Name: " X ", Endpoint: Endpoint{Version: "v1.2", Auth: Auth{Inbound: []AuthMethod{"Basic", "basic"}, CertFingerprints: []string{"AB:CD"}}, Tolerance: Tolerance{"ZERODATES", "emptystatus"}},
		DeliveryHosts: []string{" Files.Example.EDU. ", "files.example.edu"}, Services: []Service{{Type: "loan"}},
		Policy: Policy{Agreements: []Agreement{{Group: " excons ", Kind: " Consortium "}}}}
	e.Normalise()
	want := Entry{ID: "US-X", Name: "X", Status: StatusActive, Symbols: []Symbol{ISIL("US-X")},
		Endpoint:      Endpoint{Version: Version12, Auth: Auth{Inbound: []AuthMethod{AuthBasic}, CertFingerprints: []string{"abcd"}}, Tolerance: Tolerance{"emptyStatus", "zeroDates"}},
		DeliveryHosts: []string{"files.example.edu"}, Services: []Service{{Type: ServiceLoan}},
		Policy: Policy{Agreements: []Agreement{{Group: "EXCONS", Kind: AgreementConsortium}}}}
	if d := cmp.Diff(want, e); d != "" {
		t.Errorf("mismatch (-want +got):\n%s", d)
	}
}

func TestValidateRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(e *Entry)
		field string
	}{
		{"no id", func(e *Entry) { e.ID = ""; e.Symbols = nil }, "id"},
		{"id with space", func(e *Entry) { e.ID = "US X" }, "id"},
		{"no name", func(e *Entry) { e.Name = "" }, "name"},
		{"bad status", func(e *Entry) { e.Status = "gone" }, "status"},
		{"id not among symbols", func(e *Entry) { e.Symbols = []Symbol{{Type: "OCLC", Value: "EXR"}} }, "symbols"},
		{"relative endpoint", func(e *Entry) { e.Endpoint.URL = "/iso18626" }, "endpoint.url"},
		{"bad version", func(e *Entry) { e.Endpoint.Version = "2.0" }, "endpoint.version"},
		{"no version", func(e *Entry) { e.Endpoint.Version = "" }, "endpoint.version"},
		{"unknown method", func(e *Entry) { e.Endpoint.Auth.Inbound = []AuthMethod{"kerberos"} }, "endpoint.auth.inbound[0]"},
		{"none with others", func(e *Entry) { e.Endpoint.Auth.Inbound = []AuthMethod{AuthNone, AuthBasic} }, "endpoint.auth.inbound"},
		{"ip without list", func(e *Entry) { e.Endpoint.Auth.AllowIPs = nil }, "endpoint.auth.allowIPs"},
		{"bad ip", func(e *Entry) { e.Endpoint.Auth.AllowIPs = []string{"192.0.2.300"} }, "endpoint.auth.allowIPs[0]"},
		{"mtls without prints", func(e *Entry) { e.Endpoint.Auth.Inbound = []AuthMethod{AuthMTLS} }, "endpoint.auth.certFingerprints"},
		{"short print", func(e *Entry) { e.Endpoint.Auth.CertFingerprints = []string{"abcd"} }, "endpoint.auth.certFingerprints[0]"},
		{"unknown tolerance", func(e *Entry) { e.Endpoint.Tolerance = Tolerance{"anything"} }, "endpoint.tolerance"},
		{"delivery host with scheme", func(e *Entry) { e.DeliveryHosts = []string{"https://files.example"} }, "deliveryHosts[0]"},
		{"unknown service", func(e *Entry) { e.Services = append(e.Services, Service{Type: "Scan"}) }, "services[2].type"},
		{"service twice", func(e *Entry) { e.Services = append(e.Services, Service{Type: ServiceLoan}) }, "services[2].type"},
		{"negative loan days", func(e *Entry) { e.Policy.LoanDays = -1 }, "policy.loanDays"},
		{"charge twice", func(e *Entry) { e.Policy.Charges = append(e.Policy.Charges, Charge{Service: ServiceLoan}) }, "policy.charges[2]"},
		{"negative charge", func(e *Entry) { e.Policy.Charges[0].Amount.Minor = -5 }, "policy.charges[0]"},
		{"agreement kind", func(e *Entry) { e.Policy.Agreements[0].Kind = "friends" }, "policy.agreements[0].kind"},
		{"agreement twice", func(e *Entry) { e.Policy.Agreements[1].Group = "EXCONS" }, "policy.agreements[1].group"},
		{"bad address purpose", func(e *Entry) { e.Addresses[0].Purpose = "home" }, "addresses[0].purpose"},
		{"bad country", func(e *Entry) { e.Addresses[0].Country = "USA" }, "addresses[0].country"},
		{"bad email", func(e *Entry) { e.Contacts[0].Email = "nobody" }, "contacts[0].email"},
		{"calendar without zone", func(e *Entry) { e.Calendar.Location = nil }, "calendar"},
		{"sru relative", func(e *Entry) { e.SRU.BaseURL = "sru" }, "sru.baseURL"},
		{"sru unknown index", func(e *Entry) { e.SRU.IndexMap = map[string]string{"subject": "dc.subject"} }, "sru.indexMap"},
		{"short inbound secret", func(e *Entry) { e.Credentials[0].Secret = "short" }, "credentials[0]"},
		{"outbound hashed", func(e *Entry) { e.Credentials[1].SecretHash = "sha256:00" }, "credentials[1]"},
		{"basic without user", func(e *Entry) { e.Credentials[0].Username = "" }, "credentials[0]"},
		{"credential for ip", func(e *Entry) { e.Credentials[0].Method = AuthIP }, "credentials[0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := sample(t)
			tc.edit(&e)
			e.Normalise()
			err := e.Validate()
			if !ill.Is(err, ill.Invalid) {
				t.Fatalf("got %v, want an Invalid error", err)
			}
			if _, ok := ill.FieldErrors(err)[tc.field]; !ok {
				t.Errorf("fields %v, want one for %q", ill.FieldErrors(err), tc.field)
			}
		})
	}
}

func TestParseSymbol(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"ISIL:US-EXSUP", "ISIL:US-EXSUP", true},
		{" oclc : exs ", "OCLC:exs", true},
		{"ISIL:DE-Tue120:1", "ISIL:DE-Tue120:1", true},
		{"US-EXSUP", "", false},
		{"ISIL:", "", false},
		{"IS IL:X", "", false},
		{"ISIL:US EXSUP", "", false},
	}
	for _, tc := range tests {
		s, err := ParseSymbol(tc.in)
		if (err == nil) != tc.ok || err == nil && s.String() != tc.want {
			t.Errorf("ParseSymbol(%q) = %v, %v; want %q ok=%v", tc.in, s, err, tc.want, tc.ok)
		}
	}
	if a, b := (Symbol{Type: "OCLC", Value: "exs"}).Key(), (Symbol{Type: "oclc", Value: "EXS"}).Key(); a != b {
		t.Errorf("keys differ by case: %q %q", a, b)
	}
}

func TestMoney(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Money
		text string
		ok   bool
	}{
		{"15.00 USD", Money{1500, "USD"}, "15.00 USD", true},
		{"USD 15", Money{1500, "USD"}, "15.00 USD", true},
		{"2.5 eur", Money{250, "EUR"}, "2.50 EUR", true},
		{"1000 JPY", Money{1000, "JPY"}, "1000 JPY", true},
		{"0", Money{}, "0.00", true},
		{"15", Money{}, "", false},
		{"1.234 USD", Money{}, "", false},
		{"ten USD", Money{}, "", false},
		{"5 XYZ", Money{}, "", false},
	}
	for _, tc := range tests {
		got, err := ParseMoney(tc.in, "")
		if (err == nil) != tc.ok {
			t.Errorf("ParseMoney(%q): err %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if err == nil && (got != tc.want || got.String() != tc.text) {
			t.Errorf("ParseMoney(%q) = %+v %q, want %+v %q", tc.in, got, got.String(), tc.want, tc.text)
		}
	}
	var m Money
	if err := json.Unmarshal([]byte(`{"value":"7.25","currency":"GBP"}`), &m); err != nil || m != (Money{725, "GBP"}) {
		t.Errorf("unmarshal object: %+v %v", m, err)
	}
	if err := json.Unmarshal([]byte(`"3 CAD"`), &m); err != nil || m != (Money{300, "CAD"}) {
		t.Errorf("unmarshal string: %+v %v", m, err)
	}
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	e := sample(t)
	e.Normalise()
	for i := range e.Credentials {
		e.Credentials[i] = e.Credentials[i].Seal()
	}
	if e.Credentials[0].Secret != "" || !strings.HasPrefix(e.Credentials[0].SecretHash, "sha256:") {
		t.Fatalf("inbound secret not sealed: %+v", e.Credentials[0])
	}
	if e.Credentials[1].Secret != "our-secret-for-exreq" {
		t.Fatalf("outbound secret must stay in clear: %+v", e.Credentials[1])
	}
	inside := netip.MustParseAddr("192.0.2.7")
	good := Presented{BasicUser: "us-exreq", BasicPassword: "exreq-demo-secret", RemoteIP: inside}
	tests := []struct {
		name string
		edit func(e *Entry, p *Presented)
		ok   bool
	}{
		{"basic and ip", func(*Entry, *Presented) {}, true},
		{"wrong password", func(_ *Entry, p *Presented) { p.BasicPassword = "exreq-demo-secreT" }, false},
		{"wrong user", func(_ *Entry, p *Presented) { p.BasicUser = "US-OTHER" }, false},
		{"no basic", func(_ *Entry, p *Presented) { p.BasicUser, p.BasicPassword = "", "" }, false},
		{"outside address", func(_ *Entry, p *Presented) { p.RemoteIP = netip.MustParseAddr("198.51.100.1") }, false},
		{"ipv6 single address", func(_ *Entry, p *Presented) { p.RemoteIP = netip.MustParseAddr("2001:db8::1") }, true},
		{"ipv4-mapped", func(_ *Entry, p *Presented) { p.RemoteIP = netip.MustParseAddr("::ffff:192.0.2.9") }, true},
		{"no profile", func(e *Entry, _ *Presented) { e.Endpoint.Auth.Inbound = nil }, false},
		{"inactive partner", func(e *Entry, _ *Presented) { e.Status = StatusInactive }, false},
		{"none", func(e *Entry, p *Presented) { e.Endpoint.Auth.Inbound = []AuthMethod{AuthNone}; *p = Presented{} }, true},
		{"iso header", func(e *Entry, p *Presented) {
			e.Endpoint.Auth.Inbound = []AuthMethod{AuthHeader}
			e.Credentials = append(e.Credentials, Credential{Direction: Inbound, Method: AuthHeader, Username: "acct-1", Secret: "header-secret-0123456"}.Seal())
			*p = Presented{AccountID: "acct-1", SecurityCode: "header-secret-0123456"}
		}, true},
		{"iso header wrong code", func(e *Entry, p *Presented) {
			e.Endpoint.Auth.Inbound = []AuthMethod{AuthHeader}
			e.Credentials = append(e.Credentials, Credential{Direction: Inbound, Method: AuthHeader, Username: "acct-1", Secret: "header-secret-0123456"}.Seal())
			*p = Presented{AccountID: "acct-1", SecurityCode: "nope"}
		}, false},
		{"bearer", func(e *Entry, p *Presented) {
			e.Endpoint.Auth.Inbound = []AuthMethod{AuthBearer}
			e.Credentials = append(e.Credentials, Credential{Direction: Inbound, Method: AuthBearer, Secret: "bearer-token-0123456789"}.Seal())
			*p = Presented{Bearer: "bearer-token-0123456789"}
		}, true},
		{"bearer without credential", func(e *Entry, p *Presented) {
			e.Endpoint.Auth.Inbound = []AuthMethod{AuthBearer}
			*p = Presented{Bearer: ""}
		}, false},
		{"mtls", func(e *Entry, p *Presented) {
			e.Endpoint.Auth.Inbound = []AuthMethod{AuthMTLS}
			e.Endpoint.Auth.CertFingerprints = []string{strings.Repeat("ab", 32)}
			*p = Presented{CertFingerprints: []string{strings.ToUpper(strings.Repeat("ab:", 31) + "ab")}}
		}, true},
		{"mtls other cert", func(e *Entry, p *Presented) {
			e.Endpoint.Auth.Inbound = []AuthMethod{AuthMTLS}
			e.Endpoint.Auth.CertFingerprints = []string{strings.Repeat("ab", 32)}
			*p = Presented{CertFingerprints: []string{strings.Repeat("cd", 32)}}
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e2 := e
			e2.Credentials = append([]Credential(nil), e.Credentials...)
			p := good
			tc.edit(&e2, &p)
			err := e2.Authenticate(p)
			if tc.ok && err != nil {
				t.Errorf("refused: %v", err)
			}
			if !tc.ok && !ill.Is(err, ill.Unauthenticated) {
				t.Errorf("got %v, want Unauthenticated", err)
			}
		})
	}
}

func TestMergeCredentialsKeepsSecrets(t *testing.T) {
	t.Parallel()
	prev := []Credential{
		{Direction: Inbound, Method: AuthBasic, Username: "u", SecretHash: "sha256:aa"},
		{Direction: Outbound, Method: AuthBasic, Username: "us", Secret: "clear"},
	}
	next := []Credential{
		{Direction: Inbound, Method: AuthBasic, Username: "u"},                   // no secret: keep
		{Direction: Outbound, Method: AuthBasic, Username: "us", Secret: "new1"}, // new secret: replace
	}
	got := MergeCredentials(prev, next)
	want := []Credential{
		{Direction: Inbound, Method: AuthBasic, Username: "u", SecretHash: "sha256:aa"},
		{Direction: Outbound, Method: AuthBasic, Username: "us", Secret: "new1"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("mismatch (-want +got):\n%s", d)
	}
}

func TestToleranceCoversEveryParserFlag(t *testing.T) {
	t.Parallel()
	typ := reflect.TypeOf(iso18626.Tolerance{})
	for f := range typ.Fields() {
		name := strings.ToLower(f.Name[:1]) + f.Name[1:]
		tol, err := Tolerance{name}.Parse()
		if err != nil {
			t.Errorf("iso18626.Tolerance.%s has no directory name %q: %v", f.Name, name, err)
			continue
		}
		if !reflect.ValueOf(tol).FieldByName(f.Name).Bool() {
			t.Errorf("%q does not set iso18626.Tolerance.%s", name, f.Name)
		}
	}
	if got, _ := (Tolerance{"lenient"}).Parse(); got != iso18626.Lenient() {
		t.Errorf("lenient = %+v, want every flag", got)
	}
}

func TestTermsFor(t *testing.T) {
	t.Parallel()
	lender := sample(t)
	tests := []struct {
		name      string
		groups    []Agreement
		service   ServiceType
		wantMinor int64
		wantGroup string
	}{
		{"stranger pays standard", nil, ServiceLoan, 1500, ""},
		{"consortium member pays agreed", []Agreement{{Group: "excons", Kind: AgreementConsortium}}, ServiceLoan, 500, "EXCONS"},
		{"consortium without copy terms pays standard", []Agreement{{Group: "EXCONS", Kind: AgreementConsortium}}, ServiceCopy, 500, "EXCONS"},
		{"reciprocal is free", []Agreement{{Group: "RECIP", Kind: AgreementReciprocal}}, ServiceLoan, 0, "RECIP"},
		{"cheapest of two", []Agreement{{Group: "EXCONS"}, {Group: "RECIP"}}, ServiceLoan, 0, "RECIP"},
	}
	for _, tc := range tests {
		borrower := Entry{ID: "US-B", Policy: Policy{Agreements: tc.groups}}
		got := TermsFor(&lender, &borrower, tc.service)
		group := ""
		if got.Agreement != nil {
			group = got.Agreement.Group
		}
		if got.Charge.Minor != tc.wantMinor || group != tc.wantGroup || !got.Known {
			t.Errorf("%s: got %+v via %q, want %d via %q", tc.name, got.Charge, group, tc.wantMinor, tc.wantGroup)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	e := sample(t)
	e.Normalise()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, File{Publisher: "Example Consortium", Libraries: []Entry{e}}); err != nil {
		t.Fatal(err)
	}
	meta, got, err := ReadJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if meta.Publisher != "Example Consortium" || len(got) != 1 {
		t.Fatalf("meta %+v, %d entries", meta, len(got))
	}
	if d := cmp.Diff(e, got[0].Entry, cmp.Comparer(func(a, b *time.Location) bool { return a.String() == b.String() })); d != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", d)
	}
}

func TestReadJSONErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"not json", `hello`, "not JSON"},
		{"misspelt field", `{"libraries":[{"id":"US-A","name":"A"},{"id":"US-B","nmae":"B"}]}`, "library 2"},
		{"unknown top field", `{"libs":[]}`, "unknown field"},
		{"wrong format", `{"format":"other/1","libraries":[]}`, "format"},
		{"bad calendar", `[{"id":"US-A","calendar":{"timeZone":"Mars/Base","week":{"mon":"09:00-17:00"}}}]`, "library 1"},
	}
	for _, tc := range tests {
		_, _, err := ReadJSON(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	_, es, err := ReadJSON(strings.NewReader(`[{"id":"US-A","name":"A"}]`))
	if err != nil || len(es) != 1 || es[0].Entry.ID != "US-A" {
		t.Errorf("bare array: %v %+v", err, es)
	}
}

func TestCSVRoundTripAndMerge(t *testing.T) {
	t.Parallel()
	e := sample(t)
	e.Normalise()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, []Entry{e}); err != nil {
		t.Fatal(err)
	}
	rows, err := ReadCSV(&buf)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ApplyCSV(Entry{}, rows[0])
	if err != nil {
		t.Fatal(err)
	}
	got.Normalise()
	// CSV holds everything but credentials, agreement details, the second
	// contact and non-CSV SRU fields.
	want := e.Public()
	want.Policy.Agreements = []Agreement{{Group: "EXCONS", Kind: AgreementConsortium}, {Group: "RECIP", Kind: AgreementReciprocal}}
	if d := cmp.Diff(want, got, cmp.Comparer(func(a, b *time.Location) bool { return a.String() == b.String() })); d != "" {
		t.Errorf("CSV round trip mismatch (-want +got):\n%s", d)
	}

	// A sheet of loan periods changes only loan periods.
	rows, err = ReadCSV(strings.NewReader("ID,Loan Days,agreements\nUS-EXREQ,42,EXCONS:consortium\n"))
	if err != nil {
		t.Fatal(err)
	}
	merged, err := ApplyCSV(e, rows[0])
	if err != nil {
		t.Fatal(err)
	}
	if merged.Policy.LoanDays != 42 || merged.Name != e.Name || len(merged.Credentials) != 2 || merged.Calendar == nil {
		t.Errorf("merge lost or missed fields: %+v", merged)
	}
	if len(merged.Policy.Agreements) != 1 || merged.Policy.Agreements[0].Name != "Example Consortium" || len(merged.Policy.Agreements[0].Charges) != 1 {
		t.Errorf("agreement details not kept: %+v", merged.Policy.Agreements)
	}
	if e.Policy.LoanDays != 28 {
		t.Error("ApplyCSV changed its input")
	}
}

func TestReadCSVErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"empty", "", "empty"},
		{"no id", "name\nA\n", "no id column"},
		{"unknown column", "id,colour\nUS-A,red\n", "unknown column"},
		{"short row", "id,name\nUS-A\n", "line 2"},
	}
	for _, tc := range tests {
		_, err := ReadCSV(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	rows, err := ReadCSV(strings.NewReader("id,loan_days,hours\nUS-A,many,\nUS-B,,mon-fri nine-five\n"))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"line 2, column loan_days", "line 3, column hours"} {
		if _, err := ApplyCSV(Entry{}, rows[i]); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("row %d: got %v, want %q", i, err, want)
		}
	}
}

func TestWeekText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"mon-fri 09:00-17:00|sat 10:00-14:00", "mon-fri 09:00-17:00|sat 10:00-14:00"},
		{"mon 08:00-20:00|tue-thu 08:00-20:00|fri 08:00-16:00", "mon-thu 08:00-20:00|fri 08:00-16:00"},
		{"sunday 12:00-18:00", "sun 12:00-18:00"},
	}
	for _, tc := range tests {
		w, err := ParseWeek(tc.in)
		if err != nil {
			t.Errorf("ParseWeek(%q): %v", tc.in, err)
			continue
		}
		if got := FormatWeek(w); got != tc.want {
			t.Errorf("FormatWeek(ParseWeek(%q)) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"fri-mon 09:00-17:00", "weekdays 09:00-17:00", "mon", "mon 17:00-09:00"} {
		if _, err := ParseWeek(bad); err == nil {
			t.Errorf("ParseWeek(%q) accepted", bad)
		}
	}
}

func TestAllowsDeliveryFrom(t *testing.T) {
	t.Parallel()
	e := sample(t)
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://files.exreq.example/scan/1.pdf", true},
		{"https://FILES.exreq.example:8443/x", true},
		{"https://ill.exreq.example/other", true}, // the endpoint's own host
		{"https://evil.example/files.exreq.example", false},
		{"ftp://files.exreq.example/x", false},
		{"https://files.exreq.example.evil.example/", false},
	}
	for _, tc := range tests {
		if got := e.AllowsDeliveryFrom(tc.url); got != tc.ok {
			t.Errorf("AllowsDeliveryFrom(%q) = %v, want %v", tc.url, got, tc.ok)
		}
	}
}
