package peer_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/iso18626"
	"interlend/internal/store/storetest"
)

// addPartner puts a lender in the site's directory with a tolerance
// profile and HTTP Basic (user: its id, secret: partnerSecret).
func (s *site) addPartner(t testing.TB, id ill.AgencyID, version string, tol directory.Tolerance) postOpt {
	t.Helper()
	e := directory.Entry{ID: id, Name: string(id) + " Library", Status: directory.StatusActive,
		Endpoint:    directory.Endpoint{Version: version, Tolerance: tol, Auth: directory.Auth{Inbound: []directory.AuthMethod{directory.AuthBasic}}},
		Credentials: []directory.Credential{{Direction: directory.Inbound, Method: directory.AuthBasic, Username: string(id), Secret: partnerSecret}}}
	if _, err := s.w.App.PutDirectoryEntry(context.Background(), ill.SystemActor(), e); err != nil {
		t.Fatal(err)
	}
	return withBasic(string(id), partnerSecret)
}

const partnerSecret = "partner-basic-secret-01"

// quirk is a deviation real partners send, and what a partner whose
// profile accepts it gets compared with a strict one.
type quirk struct {
	name string
	// flag is the tolerance that accepts it; "" for a convention within
	// the schema, which every profile accepts.
	flag string
	v    iso18626.Version
	// message writes the quirky SAM from lender about request b.
	message func(t testing.TB, s *site, lender ill.AgencyID, b *ill.Request) []byte
	// strict is the errorType and errorValue a strict profile answers.
	strictType, strictValue string
	// check looks at the request after the message was accepted.
	check func(t testing.TB, r *ill.Request)
}

// replaceOnce edits XML a test wrote, failing when old is not there.
func replaceOnce(t testing.TB, b []byte, old, new string) []byte {
	t.Helper()
	s := string(b)
	if !strings.Contains(s, old) {
		t.Fatalf("%q not in\n%s", old, b)
	}
	return []byte(strings.Replace(s, old, new, 1))
}

func quirks() []quirk {
	samXML := func(t testing.TB, s *site, lender ill.AgencyID, b *ill.Request, v iso18626.Version, reason, status string, edit func(m *ill.Message)) []byte {
		m := sam(lender, b.PublicID, reason, status, s.tick())
		if edit != nil {
			edit(&m)
		}
		return encode(t, m, v)
	}
	state := func(want ill.State) func(t testing.TB, r *ill.Request) {
		return func(t testing.TB, r *ill.Request) {
			t.Helper()
			if r.State != want {
				t.Errorf("state %s, want %s", r.State, want)
			}
		}
	}
	conditional := func(want ...string) func(t testing.TB, r *ill.Request) {
		return func(t testing.TB, r *ill.Request) {
			t.Helper()
			if r.State != ill.BConditional || !slices.Equal(r.Conditions, want) {
				t.Errorf("state %s conditions %q, want %s %q", r.State, r.Conditions, ill.BConditional, want)
			}
		}
	}
	return []quirk{
		{name: "empty status means no change", flag: "emptyStatus", v: iso18626.V2021,
			message: func(t testing.TB, s *site, l ill.AgencyID, b *ill.Request) []byte {
				x := samXML(t, s, l, b, iso18626.V2021, ill.ReasonNotification, ill.StatusWillSupply, func(m *ill.Message) { m.Note = "Still looking." })
				return replaceOnce(t, x, "<status>WillSupply</status>", "<status></status>")
			},
			strictType: "BadlyFormedMessage", strictValue: "supplyingAgencyMessage/statusInfo/status is missing or empty",
			check: func(t testing.TB, r *ill.Request) {
				if r.State != ill.BSent || r.UnreadMessages != 1 {
					t.Errorf("%s with %d unread, want %s with the note unread", r.State, r.UnreadMessages, ill.BSent)
				}
			}},
		{name: "unqualified version attribute", flag: "unqualifiedVersion", v: iso18626.V2021,
			message: func(t testing.TB, s *site, l ill.AgencyID, b *ill.Request) []byte {
				x := samXML(t, s, l, b, iso18626.V2021, ill.ReasonRequestResponse, ill.StatusWillSupply, nil)
				return replaceOnce(t, x, `ill:version="2021-2"`, `version="2021-2"`)
			},
			strictType: "BadlyFormedMessage", strictValue: "the version attribute must be namespace-qualified (ill:version)",
			check: state(ill.BAnswered)},
		{name: "no version attribute", flag: "unqualifiedVersion", v: iso18626.V2021,
			message: func(t testing.TB, s *site, l ill.AgencyID, b *ill.Request) []byte {
				x := samXML(t, s, l, b, iso18626.V2021, ill.ReasonRequestResponse, ill.StatusWillSupply, nil)
				return replaceOnce(t, x, ` ill:version="2021-2"`, ``)
			},
			strictType: "BadlyFormedMessage", strictValue: "the ill:version attribute is missing",
			check: state(ill.BAnswered)},
		{name: "zero dateSent", flag: "zeroDates", v: iso18626.V2021,
			message: func(t testing.TB, s *site, l ill.AgencyID, b *ill.Request) []byte {
				x := samXML(t, s, l, b, iso18626.V2021, ill.ReasonStatusChange, ill.StatusLoaned, func(m *ill.Message) { m.Items = []ill.Item{{Barcode: "39001"}} })
				return replaceOnce(t, x, "<dateSent>"+s.now().Format("2006-01-02T15:04:05Z")+"</dateSent>", "<dateSent>0000-00-00T00:00:00Z</dateSent>")
			},
			strictType: "UnrecognisedDataValue", strictValue: `dateSent - Value = "0000-00-00T00:00:00Z"`,
			check: state(ill.BShipped)},
		{name: "wrong reasonForMessage", flag: "mapReasonForMessage", v: iso18626.V2021,
			message: func(t testing.TB, s *site, l ill.AgencyID, b *ill.Request) []byte {
				x := samXML(t, s, l, b, iso18626.V2021, ill.ReasonRequestResponse, ill.StatusWillSupply, nil)
				return replaceOnce(t, x, "<reasonForMessage>RequestResponse</reasonForMessage>", "<reasonForMessage>StatusUpdate</reasonForMessage>")
			},
			strictType: "UnsupportedReasonForMessageType", strictValue: `reasonForMessage - Value = "StatusUpdate"`,
			check: state(ill.BAnswered)},
		{name: "status in the wrong case", flag: "nonStandardCodes", v: iso18626.V2021,
			message: func(t testing.TB, s *site, l ill.AgencyID, b *ill.Request) []byte {
				x := samXML(t, s, l, b, iso18626.V2021, ill.ReasonRequestResponse, ill.StatusWillSupply, nil)
				return replaceOnce(t, x, "<status>WillSupply</status>", "<status>willSupply</status>")
			},
			strictType: "UnrecognisedDataValue", strictValue: `status - Value = "willSupply"`,
			check: state(ill.BAnswered)},
		{name: "no namespace", flag: "noNamespace", v: iso18626.V2021,
			message: func(t testing.TB, s *site, l ill.AgencyID, b *ill.Request) []byte {
				x := samXML(t, s, l, b, iso18626.V2021, ill.ReasonRequestResponse, ill.StatusWillSupply, nil)
				x = replaceOnce(t, x, ` xmlns="http://illtransactions.org/2013/iso18626"`, ``)
				return replaceOnce(t, x, `ill:version="2021-2"`, `version="2021-2"`)
			},
			strictType: "UnrecognisedDataElement", strictValue: "ISO18626Message",
			check: state(ill.BAnswered)},
		{name: "unknown element", flag: "unknownElements", v: iso18626.V2021,
			message: func(t testing.TB, s *site, l ill.AgencyID, b *ill.Request) []byte {
				x := samXML(t, s, l, b, iso18626.V2021, ill.ReasonRequestResponse, ill.StatusWillSupply, nil)
				return replaceOnce(t, x, "</statusInfo>", "</statusInfo><vendorExtension><shelf>B4</shelf></vendorExtension>")
			},
			strictType: "UnrecognisedDataElement", strictValue: "vendorExtension",
			check: state(ill.BAnswered)},
		{name: "v1.2 conditions in the note (ReShare)", v: iso18626.V1_2,
			message: func(t testing.TB, s *site, l ill.AgencyID, b *ill.Request) []byte {
				return reShareConditions(s, l, b)
			},
			check: conditional("LibraryUseOnly")},
		{name: "2021 RetryPossible with MustMeetLoanCondition", v: iso18626.V2021,
			message: func(t testing.TB, s *site, l ill.AgencyID, b *ill.Request) []byte {
				return retryPossibleConditions(s, l, b)
			},
			check: conditional("NoReproduction")},
		{name: "v1.2 RetryPossible with LoanCondition (crosslink)", v: iso18626.V1_2,
			message: func(t testing.TB, s *site, l ill.AgencyID, b *ill.Request) []byte {
				return []byte(strings.Replace(retryPossibleV12(s, l, b), "<reasonRetry>MustMeetLoanCondition</reasonRetry>", "<reasonRetry>LoanCondition</reasonRetry>", 1))
			},
			check: conditional("LibraryUseOnly")},
	}
}

// TestTolerance sends each quirk from a strict partner and from one whose
// profile accepts it: the strict one gets the errorData and nothing
// changes; the tolerant one's message is applied. Every confirmation
// validates against the schema.
func TestTolerance(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			s := newSite(t, siteOptions{engine: e})
			for i, q := range quirks() {
				t.Run(q.name, func(t *testing.T) {
					version := directory.Version2021
					if q.v == iso18626.V1_2 {
						version = directory.Version12
					}
					strict := ill.AgencyID(fmt.Sprintf("US-STR%02d", i))
					auth := s.addPartner(t, strict, version, nil)
					b := s.borrow(t, strict, ill.Loan)
					before, rejected := s.snapshot(t), s.rejected(t)
					got := s.send(t, q.message(t, s, strict, b), auth)
					checkConfirmationXSD(t, got)
					if q.flag != "" {
						if ed := got.errorData(); got.ok() || string(ed.ErrorType) != q.strictType || !strings.HasPrefix(ed.ErrorValue, q.strictValue) {
							t.Errorf("strict profile: got %s, want ERROR %s %s", got, q.strictType, q.strictValue)
						}
						s.unchanged(t, before, "a refused quirk")
						if n := s.rejected(t); n != rejected {
							t.Errorf("kept %d refused messages", n-rejected)
						}
					} else if !got.ok() {
						t.Errorf("strict profile: got %s, want OK (a convention within the schema)", got)
					} else {
						q.check(t, s.request(t, hosted, b.PublicID))
					}
					for _, tol := range []directory.Tolerance{{q.flag}, {directory.ToleranceLenient}} {
						if q.flag == "" && tol[0] == "" {
							continue
						}
						tolerant := ill.AgencyID(fmt.Sprintf("US-T%s%02d", strings.ToUpper(tol[0][:2]), i))
						auth := s.addPartner(t, tolerant, version, tol)
						b := s.borrow(t, tolerant, ill.Loan)
						got := s.send(t, q.message(t, s, tolerant, b), auth)
						checkConfirmationXSD(t, got)
						if !got.ok() {
							t.Fatalf("profile %q: got %s, want OK", tol, got)
						}
						q.check(t, s.request(t, hosted, b.PublicID))
					}
				})
			}
		})
	}
}

func wireTS(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// reShareConditions is a v1.2 SAM as ReShare writes a conditional answer.
func reShareConditions(s *site, lender ill.AgencyID, b *ill.Request) []byte {
	ts := wireTS(s.tick())
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<ISO18626Message xmlns="http://illtransactions.org/2013/iso18626" xmlns:ill="http://illtransactions.org/2013/iso18626" ill:version="1.2">
  <supplyingAgencyMessage>
    <header>
      <supplyingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>` + string(lender) + `</agencyIdValue></supplyingAgencyId>
      <requestingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>US-EXSUP</agencyIdValue></requestingAgencyId>
      <multipleItemRequestId></multipleItemRequestId>
      <timestamp>` + ts + `</timestamp>
      <requestingAgencyRequestId>` + b.PublicID + `</requestingAgencyRequestId>
      <supplyingAgencyRequestId>RS-0042</supplyingAgencyRequestId>
    </header>
    <messageInfo>
      <reasonForMessage>Notification</reasonForMessage>
      <note>#ReShareAddLoanCondition# Library use only, please confirm.</note>
    </messageInfo>
    <statusInfo><status>ExpectToSupply</status><lastChange>` + ts + `</lastChange></statusInfo>
    <deliveryInfo><dateSent>` + ts + `</dateSent><loanCondition>LibraryUseOnly</loanCondition></deliveryInfo>
  </supplyingAgencyMessage>
</ISO18626Message>
`)
}

// retryPossibleConditions is the 2021 standard form of a conditional
// answer.
func retryPossibleConditions(s *site, lender ill.AgencyID, b *ill.Request) []byte {
	ts := wireTS(s.tick())
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<ISO18626Message xmlns="http://illtransactions.org/2013/iso18626" xmlns:ill="http://illtransactions.org/2013/iso18626" ill:version="2021-2">
  <supplyingAgencyMessage>
    <header>
      <supplyingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>` + string(lender) + `</agencyIdValue></supplyingAgencyId>
      <requestingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>US-EXSUP</agencyIdValue></requestingAgencyId>
      <timestamp>` + ts + `</timestamp>
      <requestingAgencyRequestId>` + b.PublicID + `</requestingAgencyRequestId>
      <supplyingAgencyRequestId>SUP-77</supplyingAgencyRequestId>
    </header>
    <messageInfo>
      <reasonForMessage>RequestResponse</reasonForMessage>
      <reasonRetry>MustMeetLoanCondition</reasonRetry>
      <note>We can lend it if it is not copied.</note>
    </messageInfo>
    <statusInfo><status>RetryPossible</status><lastChange>` + ts + `</lastChange></statusInfo>
    <retryInfo><loanCondition>NoReproduction</loanCondition></retryInfo>
  </supplyingAgencyMessage>
</ISO18626Message>
`)
}

// retryPossibleV12 is a v1.2 RetryPossible whose condition travels in
// deliveryInfo (as some v1.2 partners send it).
func retryPossibleV12(s *site, lender ill.AgencyID, b *ill.Request) string {
	ts := wireTS(s.tick())
	return `<?xml version="1.0" encoding="UTF-8"?>
<ISO18626Message xmlns="http://illtransactions.org/2013/iso18626" xmlns:ill="http://illtransactions.org/2013/iso18626" ill:version="1.2">
  <supplyingAgencyMessage>
    <header>
      <supplyingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>` + string(lender) + `</agencyIdValue></supplyingAgencyId>
      <requestingAgencyId><agencyIdType>ISIL</agencyIdType><agencyIdValue>US-EXSUP</agencyIdValue></requestingAgencyId>
      <multipleItemRequestId></multipleItemRequestId>
      <timestamp>` + ts + `</timestamp>
      <requestingAgencyRequestId>` + b.PublicID + `</requestingAgencyRequestId>
      <supplyingAgencyRequestId>CL-9</supplyingAgencyRequestId>
    </header>
    <messageInfo>
      <reasonForMessage>RequestResponse</reasonForMessage>
      <reasonRetry>MustMeetLoanCondition</reasonRetry>
    </messageInfo>
    <statusInfo><status>RetryPossible</status><lastChange>` + ts + `</lastChange></statusInfo>
    <deliveryInfo><dateSent>` + ts + `</dateSent><loanCondition>LibraryUseOnly</loanCondition></deliveryInfo>
  </supplyingAgencyMessage>
</ISO18626Message>
`
}
