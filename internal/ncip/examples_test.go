package ncip_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"interlend/internal/ncip"
	"interlend/internal/testenv"
)

func readExample(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(testenv.Standards(tb, "ncip", "examples", name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// check compares one field of a parsed example.
type check struct {
	field     string
	got, want string
}

func dateString(d ncip.DateTime) string { return d.UTC().Format(time.RFC3339) }

// TestExamples parses every example message into the package's types,
// checks the key fields, and checks that marshalling the result again
// gives a document valid against both schemas.
func TestExamples(t *testing.T) {
	t.Parallel()
	cases := map[string]func(t *testing.T, b ncip.Body) []check{
		"01-LookupUser.xml": func(t *testing.T, b ncip.Body) []check {
			m := b.(*ncip.LookupUser)
			return []check{
				{"from", m.InitiationHeader.FromAgencyID.Value, "ILL"},
				{"to", m.InitiationHeader.ToAgencyID.Value, "US-EXREQ"},
				{"user", m.UserID.Value, "21234000123456"},
				{"user type", m.UserID.Type.Value, ncip.IDTypeBarcode},
				{"user type scheme", m.UserID.Type.Scheme, ncip.SchemeUserIdentifierType},
				{"element types", pairValues(m.UserElementType), "Name Information|User Address Information|User Privilege|Block Or Trap"},
				{"element scheme", m.UserElementType[0].Scheme, ncip.SchemeUserElementType},
			}
		},
		"02-LookupUserResponse.xml": func(t *testing.T, b ncip.Body) []check {
			m := b.(*ncip.LookupUserResponse)
			f := m.UserOptionalFields
			return []check{
				{"from", m.ResponseHeader.FromAgencyID.Value, "US-EXREQ"},
				{"user", m.UserID.Value, "21234000123456"},
				{"name", f.Name(), "Jane Doe"},
				{"email", f.Email(), "jane.doe@exreq.example.edu"},
				{"group", f.PatronGroup(), "Faculty"},
				{"valid to", dateString(f.UserPrivilege[0].ValidToDate), "2026-08-31T23:59:59Z"},
				{"status", f.UserPrivilege[0].UserPrivilegeStatus.Type.Value, "Active"},
				{"blocks", joined(f.Blocks(time.Now())), ""},
				{"problems", joined(nil), ""},
			}
		},
		"03-LookupUserResponse-Problem.xml": func(t *testing.T, b ncip.Body) []check {
			m := b.(*ncip.LookupUserResponse)
			p := m.Problems[0]
			return []check{
				{"problems", itoa(len(m.Problems)), "1"},
				{"type", p.Type.Value, string(ncip.UnknownUser)},
				{"scheme", p.Type.Scheme, ncip.ProblemScheme("LookupUser", ncip.UnknownUser)},
				{"detail", p.Detail, "No patron with this barcode"},
				{"element", p.Element, "UserIdentifierValue"},
				{"value", p.Value, "21234000999999"},
				{"no user", itoa(countNonNil(m.UserID)), "0"},
			}
		},
		"04-AcceptItem.xml": func(t *testing.T, b ncip.Body) []check {
			m := b.(*ncip.AcceptItem)
			bib := m.ItemOptionalFields.BibliographicDescription
			return []check{
				{"request agency", m.RequestID.AgencyID.Value, "US-EXREQ"},
				{"request", m.RequestID.Value, "EXREQ-2025-000123"},
				{"action", m.RequestedActionType.Value, ncip.ActionHoldForPickupAndNotify},
				{"action scheme", m.RequestedActionType.Scheme, ncip.SchemeRequestedActionType},
				{"user", m.UserID.Value, "21234000123456"},
				{"item", m.ItemID.Value, "ILL-EXREQ-2025-000123"},
				{"return", dateString(m.DateForReturn), "2025-04-16T23:59:59Z"},
				{"title", bib.Title, "Silent spring"},
				{"author", bib.Author, "Carson, Rachel"},
				{"isbn", bib.BibliographicItemID.Identifier, "9780618249060"},
				{"isbn code", bib.BibliographicItemID.Code.Value, "ISBN"},
				{"pickup", m.PickupLocation.Value, "MAIN-CIRC"},
			}
		},
		"05-AcceptItemResponse.xml": func(t *testing.T, b ncip.Body) []check {
			m := b.(*ncip.AcceptItemResponse)
			return []check{
				{"request", m.RequestID.Value, "EXREQ-2025-000123"},
				{"item", m.ItemID.Value, "ILL-EXREQ-2025-000123"},
				{"to", m.ResponseHeader.ToAgencyID.Value, "ILL"},
			}
		},
		"06-RequestItem.xml": func(t *testing.T, b ncip.Body) []check {
			m := b.(*ncip.RequestItem)
			rec := m.BibliographicID[0].BibliographicRecordID
			return []check{
				{"user", m.UserID.Value, "ILL-US-EXREQ"},
				{"user type", m.UserID.Type.Value, ncip.IDTypeInstitutionIDNumber},
				{"bib", rec.Identifier, "b1234567"},
				{"bib agency", rec.AgencyID.Value, "US-EXSUP"},
				{"items", itoa(len(m.ItemID)), "0"},
				{"request", m.RequestID.Value, "SUP-88120"},
				{"type", m.RequestType.Value, ncip.RequestTypeHold},
				{"scope", m.RequestScopeType.Value, ncip.ScopeBibliographicItem},
				{"need before", dateString(m.NeedBeforeDate), "2025-04-30T23:59:59Z"},
				{"pickup", m.PickupLocation.Value, "ILL-OFFICE"},
			}
		},
		"07-RequestItemResponse.xml": func(t *testing.T, b ncip.Body) []check {
			m := b.(*ncip.RequestItemResponse)
			return []check{
				{"request", m.RequestID.Value, "SUP-88120"},
				{"user", m.UserID.Value, "ILL-US-EXREQ"},
				{"type", m.RequestType.Value, "Hold"},
				{"scope", m.RequestScopeType.Value, "Bibliographic Item"},
				{"item", itoa(countNonNil(m.ItemID)), "0"},
			}
		},
		"08-CancelRequestItem.xml": func(t *testing.T, b ncip.Body) []check {
			m := b.(*ncip.CancelRequestItem)
			return []check{
				{"user", m.UserID.Value, "ILL-US-EXREQ"},
				{"user type", m.UserID.Type.Value, ""},
				{"request", m.RequestID.Value, "SUP-88120"},
				{"type", m.RequestType.Value, "Hold"},
			}
		},
		"09-CheckOutItem.xml": func(t *testing.T, b ncip.Body) []check {
			m := b.(*ncip.CheckOutItem)
			return []check{
				{"user", m.UserID.Value, "ILL-US-EXREQ"},
				{"item", m.ItemID.Value, "39012004567891"},
				{"request", m.RequestID.Value, "SUP-88120"},
				{"desired due", dateString(m.DesiredDateDue), "2025-04-16T23:59:59Z"},
			}
		},
		"10-CheckOutItemResponse.xml": func(t *testing.T, b ncip.Body) []check {
			m := b.(*ncip.CheckOutItemResponse)
			return []check{
				{"item", m.ItemID.Value, "39012004567891"},
				{"user", m.UserID.Value, "ILL-US-EXREQ"},
				{"due", dateString(m.DateDue), "2025-04-16T23:59:59Z"},
				{"indeterminate", boolString(bool(m.IndeterminateLoanPeriodFlag)), "false"},
			}
		},
		"11-CheckInItem.xml": func(t *testing.T, b ncip.Body) []check {
			m := b.(*ncip.CheckInItem)
			return []check{
				{"item", m.ItemID.Value, "39012004567891"},
				{"element types", pairValues(m.ItemElementType), ncip.ItemElementBibliographicDescription},
			}
		},
		"12-CheckInItemResponse-Problem.xml": func(t *testing.T, b ncip.Body) []check {
			m := b.(*ncip.CheckInItemResponse)
			p := m.Problems[0]
			return []check{
				{"type", p.Type.Value, string(ncip.ItemNotCheckedOut)},
				{"scheme", p.Type.Scheme, ncip.ProblemScheme("CheckInItem", ncip.ItemNotCheckedOut)},
				{"detail", p.Detail, ""},
				{"element", p.Element, "ItemIdentifierValue"},
				{"value", p.Value, "39012004567891"},
			}
		},
		"13-DeleteItem.xml": func(t *testing.T, b ncip.Body) []check {
			m := b.(*ncip.DeleteItem)
			return []check{{"item", m.ItemID.Value, "ILL-EXREQ-2025-000123"}, {"to", m.InitiationHeader.ToAgencyID.Value, "US-EXREQ"}}
		},
		"14-DeleteItemResponse.xml": func(t *testing.T, b ncip.Body) []check {
			m := b.(*ncip.DeleteItemResponse)
			return []check{{"item", m.ItemID.Value, "ILL-EXREQ-2025-000123"}, {"problems", itoa(len(m.Problems)), "0"}}
		},
	}
	files, err := filepath.Glob(testenv.Standards(t, "ncip", "examples", "*.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(cases) {
		t.Errorf("%d example files, %d cases: every example needs a case", len(files), len(cases))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			checkFields, ok := cases[name]
			if !ok {
				t.Fatalf("no case for example %s", name)
			}
			m, err := ncip.Unmarshal(readExample(t, name))
			if err != nil {
				t.Fatal(err)
			}
			if m.Version != ncip.V2_02 {
				t.Errorf("version = %q, want %q", m.Version, ncip.V2_02)
			}
			for _, c := range checkFields(t, m.Body) {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
				}
			}
			if in, ok := m.Body.(ncip.Initiation); ok {
				if err := in.Validate(ncip.V2_0); err != nil {
					t.Errorf("Validate(2.0) of a valid example: %v", err)
				}
			}
			out, err := ncip.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			validateBoth(t, out)
			again, err := ncip.Unmarshal(out)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range checkFields(t, again.Body) {
				if c.got != c.want {
					t.Errorf("after a round trip, %s = %q, want %q", c.field, c.got, c.want)
				}
			}
		})
	}
}
