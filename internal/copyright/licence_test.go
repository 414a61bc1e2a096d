package copyright

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseLicenceTerms(t *testing.T) {
	t.Parallel()
	res, err := ParseLicenceTerms(mustOpen(t, "licence_terms.csv"))
	if err != nil {
		t.Fatalf("ParseLicenceTerms: %v", err)
	}
	want := []LicenceTerm{
		{Line: 2, PackageID: "TANDF", ILL: ILLSecureElectronic, CorporateOK: true, Notes: "Secure delivery only (Article Exchange or similar)"},
		{Line: 3, PackageID: "TANDF", ISSN: "1540-3572", ILL: ILLElectronic, CorporateOK: true, Start: PubDate{Year: 2015},
			Notes: "Title-level term: any electronic delivery for 2015 onwards"},
		{Line: 4, PackageID: "NPG", ILL: ILLNone, CorporateOK: true, Notes: "Nature licence: no ILL from the electronic copy"},
		{Line: 5, PackageID: "SAGE", ILL: ILLPrint, DomesticOnly: true, CorporateOK: false,
			Start: PubDate{Year: 2000}, End: PubDate{Year: 2020, Month: 12, Day: 31},
			Notes: "Paper only, \"no fax\"; US borrowers only\n(clause 4.2)"},
		{Line: 13, PackageID: "OUP", ILL: ILLElectronic, CorporateOK: true},
		{Line: 14, PackageID: "OUP", TitleID: "WTSQ", ILL: ILLPrint, CorporateOK: true, Notes: "Title in OUP package is print only"},
	}
	if diff := cmp.Diff(want, res.Terms); diff != "" {
		t.Errorf("terms (-want +got):\n%s", diff)
	}
	wantProblems := []struct {
		line int
		text string
	}{
		{7, `ill "sometimes"`},
		{8, "no package_id, title_id or issn"},
		{9, `issn "1234-5678"`},
		{10, `domestic_only: "maybe"`},
		{11, "coverage_start 2020 is after coverage_end 2010"},
		{12, "unterminated quoted field"},
	}
	if len(res.Problems) != len(wantProblems) {
		t.Fatalf("got problems %v, want %d", res.Problems, len(wantProblems))
	}
	for i, w := range wantProblems {
		if p := res.Problems[i]; p.Line != w.line || !strings.Contains(p.Msg, w.text) {
			t.Errorf("problem %d = %v, want line %d containing %q", i, p, w.line, w.text)
		}
	}
}

func TestParseLicenceTermsBadHeader(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "package_id,notes\nX,y\n", "ill,notes\nprint,y\n"} {
		if _, err := ParseLicenceTerms(strings.NewReader(in)); err == nil {
			t.Errorf("ParseLicenceTerms(%q) = nil error, want one", in)
		}
	}
}

func TestParseILLMode(t *testing.T) {
	t.Parallel()
	tests := map[string]ILLMode{
		"print": ILLPrint, "Secure Electronic": ILLSecureElectronic, "secure_electronic": ILLSecureElectronic,
		"ELECTRONIC": ILLElectronic, "none": ILLNone, "not allowed": ILLNone,
	}
	for in, want := range tests {
		if got, ok := ParseILLMode(in); got != want || !ok {
			t.Errorf("ParseILLMode(%q) = %q, %v; want %q, true", in, got, ok, want)
		}
	}
	if _, ok := ParseILLMode("yes"); ok {
		t.Errorf("ParseILLMode(yes) ok, want not (ambiguous)")
	}
}

func testLicenceSet(t *testing.T) *LicenceSet {
	t.Helper()
	kb, err := ParseKBART(mustOpen(t, "kbart_tandf.txt"), "TANDF")
	if err != nil {
		t.Fatal(err)
	}
	terms, err := ParseLicenceTerms(mustOpen(t, "licence_terms.csv"))
	if err != nil {
		t.Fatal(err)
	}
	titles := append(kb.Titles,
		KBARTTitle{PackageID: "NPG", Title: "Nature", PrintID: "0028-0836", OnlineID: "1476-4687", First: PubDate{Year: 1869}},
		KBARTTitle{PackageID: "SAGE", Title: "Library Hi Tech", PrintID: "0737-8831", First: PubDate{Year: 1983}},
		KBARTTitle{PackageID: "OUP", Title: "Technical Services Quarterly", TitleID: "WTSQ", First: PubDate{Year: 1983}},
		KBARTTitle{PackageID: "ACRL", Title: "College & Research Libraries", PrintID: "0010-0870", First: PubDate{Year: 1939}},
	)
	return NewLicenceSet(titles, terms.Terms)
}

func TestLicenceCheck(t *testing.T) {
	t.Parallel()
	set := testLicenceSet(t)
	now := day(2025, 6, 1)
	q := func(issn string, year int, delivery ILLMode) LicenceQuery {
		return LicenceQuery{ISSNs: []string{issn}, PubDate: PubDate{Year: year}, BorrowerCountry: "US", LenderCountry: "US", Delivery: delivery, Now: now}
	}
	with := func(lq LicenceQuery, f func(*LicenceQuery)) LicenceQuery { f(&lq); return lq }
	tests := []struct {
		name           string
		set            *LicenceSet
		q              LicenceQuery
		wantGoverned   bool
		wantAllowed    bool
		wantMode       ILLMode
		wantPackage    string
		wantTermLine   int
		wantConditions int
		wantReason     string
	}{
		{"title-level term wins for its years", set, q("1072-303X", 2020, ILLElectronic), true, true, ILLElectronic, "TANDF", 3, 1, "up to electronic delivery"},
		{"older issue falls back to the package term", set, q("1072303x", 2010, ILLElectronic), true, true, ILLSecureElectronic, "TANDF", 2, 2, "package TANDF"},
		{"no ILL at all", set, q("1476-4687", 2020, ILLPrint), true, false, "", "NPG", 4, 0, "does not allow interlibrary loan"},
		{"found by title when no ISSN is cited", set, LicenceQuery{Title: "NATURE", PubDate: PubDate{Year: 2020}, Now: now}, true, false, "", "NPG", 4, 0, "does not allow"},
		{"domestic print licence, domestic borrower", set, q("0737-8831", 2010, ILLPrint), true, true, ILLPrint, "SAGE", 5, 1, "printed"},
		{"domestic licence, foreign borrower", set, with(q("0737-8831", 2010, ILLPrint), func(l *LicenceQuery) { l.BorrowerCountry = "CA" }),
			true, false, "", "SAGE", 5, 0, "borrowers in US only; this borrower is in CA"},
		{"domestic licence, borrower country unknown", set, with(q("0737-8831", 2010, ILLPrint), func(l *LicenceQuery) { l.BorrowerCountry = "" }),
			true, false, "", "SAGE", 5, 0, "country is not known"},
		{"no commercial borrowers", set, with(q("0737-8831", 2010, ILLPrint), func(l *LicenceQuery) { l.BorrowerCorporate = true }),
			true, false, "", "SAGE", 5, 0, "commercial borrowers"},
		{"terms do not cover the year", set, q("0737-8831", 2022, ILLPrint), true, true, "", "SAGE", 0, 1, "no licence terms cover"},
		{"package without terms", set, q("0010-0870", 2022, ILLElectronic), true, true, "", "ACRL", 0, 1, "no licence terms are recorded"},
		{"held, but not for that year", set, q("0098-7913", 2021, ILLElectronic), false, true, "", "", 0, 0, "not for this date"},
		{"inside the embargo", set, q("0361-526X", 2025, ILLElectronic), false, true, "", "", 0, 0, "not for this date"},
		{"not held electronically", set, q("0099-1333", 2022, ILLElectronic), false, true, "", "", 0, 0, "Not in the licensed e-holdings"},
		{"in two packages: the more permissive wins", set, with(q("", 2000, ILLSecureElectronic), func(l *LicenceQuery) { l.ISSNs, l.TitleID = nil, "WTSQ" }),
			true, true, ILLSecureElectronic, "TANDF", 2, 1, "package TANDF"},
		{"title-level term without any KBART title", NewLicenceSet(nil, set.terms), q("1540-3572", 2020, ILLElectronic),
			true, true, ILLElectronic, "TANDF", 3, 1, "electronic"},
	}
	for _, tc := range tests {
		got := tc.set.Check(tc.q)
		if got.Governed != tc.wantGoverned || got.Allowed != tc.wantAllowed || got.Mode != tc.wantMode ||
			got.PackageID != tc.wantPackage || got.TermLine != tc.wantTermLine || len(got.Conditions) != tc.wantConditions ||
			!strings.Contains(got.Reason, tc.wantReason) {
			t.Errorf("%s: got %+v\nwant governed %v, allowed %v, mode %q, package %q, term line %d, %d conditions, reason containing %q",
				tc.name, got, tc.wantGoverned, tc.wantAllowed, tc.wantMode, tc.wantPackage, tc.wantTermLine, tc.wantConditions, tc.wantReason)
		}
		if ans := got.Answer(); (ans != nil) == got.Allowed {
			t.Errorf("%s: Answer() = %+v with allowed %v", tc.name, ans, got.Allowed)
		} else if ans != nil {
			want := &Answer{Status: StatusUnfilled, ReasonUnfilled: ReasonNotAvailableForILL, Note: got.Reason}
			if diff := cmp.Diff(want, ans, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s: answer (-want +got):\n%s", tc.name, diff)
			}
		}
	}
}

func TestLicenceSetHolds(t *testing.T) {
	t.Parallel()
	set := testLicenceSet(t)
	now := day(2025, 6, 1)
	tests := []struct {
		issns []string
		title string
		pub   PubDate
		want  bool
	}{
		{[]string{"1540-3572"}, "", PubDate{Year: 2020}, true},
		{nil, "Serials Review", PubDate{Year: 2010}, true},
		{nil, "Serials Review", PubDate{Year: 2021}, false}, // coverage ended 2019
		{[]string{"0099-1333"}, "", PubDate{Year: 2020}, false},
	}
	for _, tc := range tests {
		if got := set.Holds(tc.issns, tc.title, tc.pub, now); got != tc.want {
			t.Errorf("Holds(%v, %q, %v) = %v, want %v", tc.issns, tc.title, tc.pub, got, tc.want)
		}
	}
}

func BenchmarkLicenceCheck(b *testing.B) {
	var titles []KBARTTitle
	var terms []LicenceTerm
	for i := range 20000 {
		d7 := []byte{byte('0' + i/1000000%10), byte('0' + i/100000%10), byte('0' + i/10000%10), byte('0' + i/1000%10), byte('0' + i/100%10), byte('0' + i/10%10), byte('0' + i%10)}
		sum := 0
		for j, c := range d7 {
			sum += int(c-'0') * (8 - j)
		}
		check := byte('0' + (11-sum%11)%11)
		if (11-sum%11)%11 == 10 {
			check = 'X'
		}
		issn := string(d7[:4]) + "-" + string(d7[4:]) + string(check)
		pkg := "P" + string(rune('A'+i%20))
		titles = append(titles, KBARTTitle{PackageID: pkg, Title: "Journal " + issn, PrintID: issn, First: PubDate{Year: 1990}})
	}
	for i := range 20 {
		terms = append(terms, LicenceTerm{PackageID: "P" + string(rune('A'+i)), ILL: ILLSecureElectronic, CorporateOK: true})
	}
	set := NewLicenceSet(titles, terms)
	q := LicenceQuery{ISSNs: []string{titles[12345].PrintID}, PubDate: PubDate{Year: 2020}, BorrowerCountry: "US", LenderCountry: "US", Delivery: ILLElectronic}
	for b.Loop() {
		if d := set.Check(q); !d.Allowed {
			b.Fatal(d.Reason)
		}
	}
}
