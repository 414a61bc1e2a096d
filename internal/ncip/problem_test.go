package ncip_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"interlend/internal/ncip"
)

// TestProblemResponses parses Problem answers (the examples and variants
// seen from real ILSs) through the Client and checks the typed error.
func TestProblemResponses(t *testing.T) {
	t.Parallel()
	const head = `<?xml version="1.0"?><NCIPMessage xmlns="http://www.niso.org/2008/ncip" xmlns:ncip="http://www.niso.org/2008/ncip" ncip:version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd">`
	cases := []struct {
		name    string
		body    []byte
		checkIn bool // call CheckInItem instead of LookupUser
		status  int  // HTTP status of the answer; 0 means 200
		want    []ncip.Problem
	}{
		{
			name: "example 03: unknown user",
			body: readExample(t, "03-LookupUserResponse-Problem.xml"),
			want: []ncip.Problem{{Type: ncip.SchemeValuePair{Scheme: ncip.ProblemScheme("LookupUser", ncip.UnknownUser), Value: "Unknown User"},
				Detail: "No patron with this barcode", Element: "UserIdentifierValue", Value: "21234000999999", Service: "LookupUserResponse"}},
		},
		{
			name:    "example 12: item not checked out",
			body:    readExample(t, "12-CheckInItemResponse-Problem.xml"),
			checkIn: true,
			want: []ncip.Problem{{Type: ncip.SchemeValuePair{Scheme: ncip.ProblemScheme("CheckInItem", ncip.ItemNotCheckedOut), Value: "Item Not Checked Out"},
				Element: "ItemIdentifierValue", Value: "39012004567891", Service: "CheckInItemResponse"}},
		},
		{
			name:   "example 03 with HTTP 400, as some responders send it",
			body:   readExample(t, "03-LookupUserResponse-Problem.xml"),
			status: http.StatusBadRequest,
			want: []ncip.Problem{{Type: ncip.SchemeValuePair{Scheme: ncip.ProblemScheme("LookupUser", ncip.UnknownUser), Value: "Unknown User"},
				Detail: "No patron with this barcode", Element: "UserIdentifierValue", Value: "21234000999999", Service: "LookupUserResponse"}},
		},
		{
			name:   "temporary failure with HTTP 503",
			body:   []byte(head + `<LookupUserResponse><Problem><ProblemType>Temporary Processing Failure</ProblemType></Problem></LookupUserResponse></NCIPMessage>`),
			status: http.StatusServiceUnavailable,
			want:   []ncip.Problem{{Type: ncip.Value("Temporary Processing Failure"), Service: "LookupUserResponse"}},
		},
		{
			name: "two problems",
			body: []byte(head + `<LookupUserResponse><Problem><ProblemType>User Blocked</ProblemType></Problem>` +
				`<Problem><ProblemType>User Access Denied</ProblemType><ProblemDetail>expired</ProblemDetail></Problem></LookupUserResponse></NCIPMessage>`),
			want: []ncip.Problem{
				{Type: ncip.Value("User Blocked"), Service: "LookupUserResponse"},
				{Type: ncip.Value("User Access Denied"), Detail: "expired", Service: "LookupUserResponse"},
			},
		},
		{
			name: "message-level problem, unqualified attributes, other case",
			body: []byte(`<NCIPMessage xmlns="http://www.niso.org/2008/ncip" version="2.0"><Problem>` +
				`<ProblemType Scheme="http://www.niso.org/ncip/v1_0/schemes/processingerrortype/generalprocessingerror.scm">unsupported service</ProblemType>` +
				`<ProblemElement>LookupAgency</ProblemElement></Problem></NCIPMessage>`),
			want: []ncip.Problem{{Type: ncip.SchemeValuePair{Scheme: "http://www.niso.org/ncip/v1_0/schemes/processingerrortype/generalprocessingerror.scm", Value: "unsupported service"}, Element: "LookupAgency"}},
		},
		{
			name: "prefixed elements, padded values, ISO-8859-1",
			body: []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<ns1:NCIPMessage xmlns:ns1=\"http://www.niso.org/2008/ncip\" ns1:version=\"http://www.niso.org/schemas/ncip/v2_0/imp1/xsd/ncip_v2_0.xsd\">" +
				"<ns1:LookupUserResponse><ns1:Problem><ns1:ProblemType>\n   Unknown User\n </ns1:ProblemType><ns1:ProblemDetail>Usager inconnu \xe0 la biblioth\xe8que</ns1:ProblemDetail></ns1:Problem></ns1:LookupUserResponse></ns1:NCIPMessage>"),
			want: []ncip.Problem{{Type: ncip.Value("Unknown User"), Detail: "Usager inconnu à la bibliothèque", Service: "LookupUserResponse"}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			status := c.status
			if status == 0 {
				status = http.StatusOK
			}
			srv := fixed(t, status, "text/xml", c.body)
			client := &ncip.Client{Endpoint: srv.URL, FromAgency: "ILL", ToAgency: "US-EXREQ"}
			var err error
			if c.checkIn {
				_, err = client.CheckInItem(context.Background(), &ncip.CheckInItem{ItemID: *ncip.ItemBarcode("39012004567891")})
			} else {
				_, err = client.LookupUser(context.Background(), lookupP1())
			}
			if ncip.IsTransport(err) || err == nil {
				t.Fatalf("err = %v, want Problems", err)
			}
			got := ncip.Problems(err)
			if len(got) != len(c.want) {
				t.Fatalf("got %d problems (%v), want %d", len(got), err, len(c.want))
			}
			for i, p := range got {
				if *p != c.want[i] {
					t.Errorf("problem %d = %+v, want %+v", i, *p, c.want[i])
				}
				if !errors.Is(err, ncip.ProblemType(c.want[i].Type.Value)) {
					t.Errorf("errors.Is(err, %q) = false", c.want[i].Type.Value)
				}
			}
			var first *ncip.Problem
			if !errors.As(err, &first) || *first != c.want[0] {
				t.Errorf("errors.As gives %+v, want the first problem", first)
			}
		})
	}
}

func TestProblemError(t *testing.T) {
	t.Parallel()
	p := &ncip.Problem{Type: ncip.Value("Unknown User"), Detail: "Jane Doe not found", Element: "UserIdentifierValue", Value: "2123", Service: "LookupUserResponse"}
	if got, want := p.Error(), "ncip: LookupUser: Unknown User (UserIdentifierValue)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	for _, secret := range []string{"Jane", "2123"} {
		if strings.Contains(p.Error(), secret) {
			t.Errorf("Error() %q shows patron data %q", p.Error(), secret)
		}
	}
	if got, want := p.Message(), "Unknown User: Jane Doe not found"; got != want {
		t.Errorf("Message() = %q, want %q", got, want)
	}
	if errors.Is(p, ncip.UnknownItem) || !errors.Is(p, ncip.UnknownUser) {
		t.Error("errors.Is matches the wrong problem type")
	}
}

func TestProblemScheme(t *testing.T) {
	t.Parallel()
	const base = "http://www.niso.org/ncip/v1_0/schemes/"
	for _, c := range []struct {
		service string
		t       ncip.ProblemType
		want    string
	}{
		{"LookupUser", ncip.UnknownUser, base + "processingerrortype/lookupuserprocessingerror.scm"},
		{"CheckInItemResponse", ncip.ItemNotCheckedOut, base + "processingerrortype/checkinitemprocessingerror.scm"},
		{"RenewItem", ncip.MaximumRenewalsExceeded, base + "processingerrortype/renewitemprocessingerror.scm"},
		{"AcceptItem", ncip.TemporaryProcessingFailure, base + "processingerrortype/generalprocessingerror.scm"},
		{"DeleteItem", ncip.UnknownItem, base + "processingerrortype/generalprocessingerror.scm"},
		{"", ncip.InvalidMessageSyntaxError, base + "messagingerrortype/messagingerrortype.scm"},
	} {
		if got := ncip.ProblemScheme(c.service, c.t); got != c.want {
			t.Errorf("ProblemScheme(%q, %q) = %q, want %q", c.service, c.t, got, c.want)
		}
	}
}

func TestProblemsWalksWrappedErrors(t *testing.T) {
	t.Parallel()
	a := &ncip.Problem{Type: ncip.Value("A")}
	b := &ncip.Problem{Type: ncip.Value("B")}
	err := errors.Join(errors.New("other"), &wrapped{errors.Join(a, b)})
	var got []string
	for _, p := range ncip.Problems(err) {
		got = append(got, p.Type.Value)
	}
	if want := []string{"A", "B"}; !slices.Equal(got, want) {
		t.Errorf("Problems = %v, want %v", got, want)
	}
	if ncip.Problems(errors.New("x")) != nil {
		t.Error("Problems of a plain error is not empty")
	}
}

type wrapped struct{ err error }

func (w *wrapped) Error() string { return "wrapped: " + w.err.Error() }
func (w *wrapped) Unwrap() error { return w.err }
