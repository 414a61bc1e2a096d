package billing

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"interlend/internal/calendar"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/routing"
)

const home = "US-HOME"

// readFixture reads testdata/ledger.csv and testdata/rates.csv.
func readFixture(t *testing.T) ([]Line, *routing.Rates) {
	t.Helper()
	recs := readCSV(t, "testdata/ledger.csv")
	var ls []Line
	for _, r := range recs[1:] {
		id, _ := strconv.ParseInt(r[0], 10, 64)
		d, err := time.Parse("2006-01-02", r[1])
		if err != nil {
			t.Fatal(err)
		}
		m, err := directory.NewMoney(r[4], r[5])
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, Line{ID: id, Date: d.Add(10 * time.Hour), Request: r[2], Type: r[3], Amount: ill.Money{Minor: m.Minor, Currency: m.Currency},
			Payer: r[6], Payee: r[7], Status: r[8], PaymentMethod: r[9]})
	}
	var rs []routing.Rate
	for _, r := range readCSV(t, "testdata/rates.csv")[1:] {
		on, err := calendar.ParseDate(r[3])
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, routing.Rate{From: r[0], To: r[1], Value: r[2], On: on})
	}
	rates, err := routing.NewRates(rs)
	if err != nil {
		t.Fatal(err)
	}
	return ls, rates
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

type want struct {
	Period   string `json:"period"`
	Invoices []struct {
		Number     string   `json:"number"`
		Lines      int      `json:"lines"`
		ByCurrency []string `json:"byCurrency"`
		Converted  string   `json:"converted"`
	} `json:"invoices"`
	Spend string   `json:"spend"`
	IFM   []string `json:"ifm"`
}

// The fixture's invoices, spend and IFM file match the totals computed by
// hand in testdata/want.json: 36 charges in EUR, GBP and USD, converted
// at the rate of each line's date; waived, disputed and quoted lines, the
// patron fee and lines outside the month left out.
func TestInvoicesMatchHandComputedFixture(t *testing.T) {
	ls, rates := readFixture(t)
	if len(ls) < 30 {
		t.Fatalf("fixture has %d charges, want 30 or more", len(ls))
	}
	b, err := os.ReadFile("testdata/want.json")
	if err != nil {
		t.Fatal(err)
	}
	var w want
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	p, err := ParsePeriod(w.Period, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	invs := Invoices(home, ls, p, w.Period, "USD", rates)
	if len(invs) != len(w.Invoices) {
		t.Fatalf("got %d invoices, want %d", len(invs), len(w.Invoices))
	}
	for i, inv := range invs {
		x := w.Invoices[i]
		var sums []string
		for _, s := range inv.Total.ByCurrency {
			sums = append(sums, Format(s))
		}
		if inv.Number != x.Number || len(inv.Lines) != x.Lines || strings.Join(sums, "|") != strings.Join(x.ByCurrency, "|") ||
			Format(inv.Total.Converted) != x.Converted || len(inv.Total.Unconverted) > 0 {
			t.Errorf("invoice %d: %s, %d lines, %v, %s (unconverted %v); want %+v", i, inv.Number, len(inv.Lines), sums,
				Format(inv.Total.Converted), inv.Total.Unconverted, x)
		}
		for _, l := range inv.Lines {
			if l.Status == StatusWaived || l.Status == StatusDisputed || l.Status == StatusQuoted {
				t.Errorf("invoice %s holds a %s line (%d)", inv.Number, l.Status, l.ID)
			}
		}
	}
	sp := Spend(home, ls, p, 50000, "USD", rates)
	if got := Format(ill.Money{Minor: sp.Spent, Currency: "USD"}); got != w.Spend || sp.Remaining != 50000-sp.Spent {
		t.Errorf("spend %s (remaining %d), want %s", got, sp.Remaining, w.Spend)
	}
	var buf bytes.Buffer
	if err := WriteIFM(&buf, home, ls, p, "USD", rates); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if strings.Join(lines[1:], "\n") != strings.Join(w.IFM, "\n") || lines[0] != strings.Join(IFMHeader, ",") {
		t.Errorf("IFM file:\n%s\nwant rows:\n%s", buf.String(), strings.Join(w.IFM, "\n"))
	}
}

// Each conversion uses the rate in force on the line's own date: the
// newest rate dated on or before it, the inverse of the reverse pair when
// that is newer, and none before the first rate.
func TestConvertAtDatedRate(t *testing.T) {
	_, rates := readFixture(t)
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d.Add(15 * time.Hour) }
	cases := []struct {
		amount ill.Money
		on     string
		want   string
		rate   string
	}{
		{ill.Money{Minor: 1000, Currency: "EUR"}, "2026-11-14", "11.00 USD", "1.1"},
		{ill.Money{Minor: 1000, Currency: "EUR"}, "2026-11-15", "12.00 USD", "1.2"},
		{ill.Money{Minor: 1000, Currency: "EUR"}, "2027-03-01", "12.00 USD", "1.2"},
		{ill.Money{Minor: 800, Currency: "GBP"}, "2026-11-09", "10.00 USD", "1.25"},
		{ill.Money{Minor: 800, Currency: "GBP"}, "2026-11-10", "10.40 USD", "1.3"},
		{ill.Money{Minor: 333, Currency: "EUR"}, "2026-11-01", "3.66 USD", "1.1"}, // 3.663 rounds down
		{ill.Money{Minor: 1, Currency: "EUR"}, "2026-11-20", "0.01 USD", "1.2"},   // 0.012
		{ill.Money{Minor: 500, Currency: "USD"}, "2020-01-01", "5.00 USD", "1"},   // no rate needed
		{ill.Money{Minor: 1000, Currency: "EUR"}, "2026-11-20", "", ""},           // USD->... only: EUR->GBP goes via USD
	}
	for _, c := range cases {
		to := "USD"
		if c.want == "" {
			to = "GBP"
		}
		got, conv, err := Convert(rates, c.amount, to, day(c.on))
		if err != nil {
			t.Errorf("%s on %s: %v", Format(c.amount), c.on, err)
			continue
		}
		if c.want == "" {
			// 10 EUR = 12 USD = 12/1.3 GBP (the newer GBP/USD rate): 9.23.
			if Format(got) != "9.23 GBP" || conv.Via != "USD" {
				t.Errorf("EUR to GBP via USD: %s %+v", Format(got), conv)
			}
			continue
		}
		if Format(got) != c.want || conv.Rate != c.rate {
			t.Errorf("%s on %s: %s at %s, want %s at %s", Format(c.amount), c.on, Format(got), conv.Rate, c.want, c.rate)
		}
	}
	if _, _, err := Convert(rates, ill.Money{Minor: 100, Currency: "EUR"}, "USD", day("2026-09-30")); err == nil {
		t.Error("a conversion before the first rate succeeded")
	}
}

// Totals leave out waived, disputed and quoted lines, and report a line
// no rate converts instead of guessing.
func TestTotalExcludesWaivedAndDisputed(t *testing.T) {
	_, rates := readFixture(t)
	d := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	ls := []Line{
		{ID: 1, Amount: ill.Money{Minor: 1000, Currency: "USD"}, Status: StatusAccepted, Date: d},
		{ID: 2, Amount: ill.Money{Minor: 700, Currency: "USD"}, Status: StatusWaived, Date: d},
		{ID: 3, Amount: ill.Money{Minor: 900, Currency: "USD"}, Status: StatusDisputed, Date: d},
		{ID: 4, Amount: ill.Money{Minor: 300, Currency: "USD"}, Status: StatusQuoted, Date: d},
		{ID: 5, Amount: ill.Money{Minor: 1000, Currency: "EUR"}, Status: StatusPaid, Date: d},
		{ID: 6, Amount: ill.Money{Minor: 5000, Currency: "JPY"}, Status: StatusInvoiced, Date: d},
	}
	tot := TotalOf(ls, "USD", rates)
	if Format(tot.Converted) != "22.00 USD" || tot.ByCurrency.String() != "10.00 EUR, 5000 JPY, 10.00 USD" || len(tot.Unconverted) != 1 || tot.Unconverted[0] != 6 {
		t.Errorf("total: %s, %s, unconverted %v", Format(tot.Converted), tot.ByCurrency, tot.Unconverted)
	}
}

func TestParsePeriod(t *testing.T) {
	cases := []struct{ in, from, to string }{
		{"2026", "2026-01-01", "2027-01-01"},
		{"2026-Q3", "2026-07-01", "2026-10-01"},
		{"2026-q4", "2026-10-01", "2027-01-01"},
		{"2026-11", "2026-11-01", "2026-12-01"},
		{"2026-12", "2026-12-01", "2027-01-01"},
		{"2026-13", "", ""}, {"2026-Q5", "", ""}, {"26", "", ""}, {"", "", ""}, {"2026-1", "", ""},
	}
	for _, c := range cases {
		p, err := ParsePeriod(c.in, time.UTC)
		if c.from == "" {
			if err == nil {
				t.Errorf("%q: no error", c.in)
			}
			continue
		}
		if err != nil || p.From.Format("2006-01-02") != c.from || p.To.Format("2006-01-02") != c.to {
			t.Errorf("%q: %v–%v %v, want %s–%s", c.in, p.From, p.To, err, c.from, c.to)
		}
	}
}

func TestFiscalYearOf(t *testing.T) {
	cases := []struct {
		at    string
		start time.Month
		day   int
		from  string
		label string
	}{
		{"2026-11-27", time.July, 1, "2026-07-01", "2026/27"},
		{"2026-06-30", time.July, 1, "2025-07-01", "2025/26"},
		{"2026-11-27", time.January, 1, "2026-01-01", "2026"},
		{"2026-01-01", time.October, 1, "2025-10-01", "2025/26"},
		{"2026-04-05", time.April, 6, "2025-04-06", "2025/26"}, // the UK's
		{"2026-04-06", time.April, 6, "2026-04-06", "2026/27"},
	}
	for _, c := range cases {
		at, _ := time.Parse("2006-01-02", c.at)
		p := FiscalYearOf(at, c.start, c.day)
		if p.From.Format("2006-01-02") != c.from || FiscalYearLabel(p) != c.label || !p.To.Equal(p.From.AddDate(1, 0, 0)) {
			t.Errorf("%s start %s: %v %s", c.at, c.start, p.From, FiscalYearLabel(p))
		}
	}
}

func TestPolicyPrice(t *testing.T) {
	money := func(s string) directory.Money { m, _ := directory.ParseMoney(s, ""); return m }
	lender := &directory.Entry{ID: "US-LEND", Addresses: []directory.Address{{Purpose: directory.AddressShipping, Country: "US"}},
		Policy: directory.Policy{Charges: []directory.Charge{
			{Service: directory.ServiceLoan, Amount: money("15.00 USD"), International: money("25.00 USD")},
			{Service: directory.ServiceCopy, Amount: money("8.00 USD")},
		}, Agreements: []directory.Agreement{{Group: "RECIP", Kind: directory.AgreementReciprocal}}}}
	domestic := &directory.Entry{ID: "US-B"}
	abroad := &directory.Entry{ID: "GB-B", Addresses: []directory.Address{{Purpose: directory.AddressBilling, Country: "gb"}}}
	member := &directory.Entry{ID: "DE-B", Policy: directory.Policy{Agreements: []directory.Agreement{{Group: "recip", Kind: directory.AgreementReciprocal}}}}
	cases := []struct {
		name     string
		borrower *directory.Entry
		svc      ill.ServiceType
		want     string
		intl     bool
	}{
		{"domestic loan", domestic, ill.Loan, "15.00 USD", false},
		{"international loan", abroad, ill.Loan, "25.00 USD", true},
		{"international copy without its own price", abroad, ill.Copy, "8.00 USD", false},
		{"copy or loan priced as a loan", domestic, ill.CopyOrLoan, "15.00 USD", false},
		{"reciprocal group abroad is free", member, ill.Loan, "0.00 USD", false},
	}
	for _, c := range cases {
		p := PolicyPrice(lender, c.borrower, c.svc)
		if Format(p.Amount) != c.want || p.International != c.intl || !p.Known {
			t.Errorf("%s: %+v", c.name, p)
		}
	}
	if p := PolicyPrice(&directory.Entry{ID: "US-X"}, domestic, ill.Loan); p.Known {
		t.Errorf("no policy: %+v", p)
	}
}

func TestLadder(t *testing.T) {
	l := Ladder{NoticeDays: []int{14, 1, 7, 0}, BlockDays: 14, BillDays: 30}
	steps := l.Steps()
	var got []string
	for _, s := range steps {
		got = append(got, string(s.Kind)+strconv.Itoa(s.Level)+"@"+strconv.Itoa(s.Days))
	}
	if strings.Join(got, " ") != "notice1@1 notice2@7 notice3@14 block0@14 bill0@30" {
		t.Fatalf("steps: %v", got)
	}
	cases := []struct{ days, done, due int }{
		{0, 0, 0}, {1, 0, 1}, {6, 1, 0}, {14, 1, 3}, {29, 4, 0}, {45, 0, 5}, {45, 5, 0},
	}
	for _, c := range cases {
		if d := l.Due(c.days, c.done); len(d) != c.due {
			t.Errorf("%d days, %d done: %d due, want %d (%v)", c.days, c.done, len(d), c.due, d)
		}
	}
	if s, ok := l.Next(3); !ok || s.Kind != StepBlock {
		t.Errorf("next after 3: %+v %v", s, ok)
	}
	if _, ok := l.Next(5); ok {
		t.Error("a step after the bill")
	}
}

func TestReconcile(t *testing.T) {
	ls, _ := readFixture(t)
	in := "invoice,date,request,amount,currency,description\n" +
		"GB-77,2026-11-30,B13,8.00,GBP,loan\n" + // match
		"GB-77,2026-11-30,B14,11.20,GBP,loan and postage\n" + // 8.00 + 3.20: match per request
		"GB-77,2026-11-30,B16,9.00,GBP,loan\n" + // ledger 8.00
		"GB-77,2026-11-30,B19,8.00,GBP,loan\n" + // waived
		"GB-77,2026-11-30,B99,8.00,GBP,loan\n" + // unknown
		"GB-77,2026-11-30,B21,40.00,EUR,replacement\n" // wrong currency
	rs, err := ReadReceived(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var nov []Line
	for _, l := range ls {
		if l.Date.Month() == time.November {
			nov = append(nov, l)
		}
	}
	ds := Reconcile(home, "GB-LEND", rs, nov)
	got := map[string]Verdict{}
	for _, d := range ds {
		got[d.Request] = d.Verdict
	}
	want := map[string]Verdict{"B13": Match, "B14": Match, "B16": AmountDiffers, "B19": NotBillable, "B99": NotInLedger, "B21": AmountDiffers,
		"B17": NotInvoiced, "B20": "", "B22": NotInvoiced}
	for req, v := range want {
		if got[req] != v {
			t.Errorf("%s: %q, want %q", req, got[req], v)
		}
	}
	if _, err := ReadReceived(strings.NewReader("invoice,date,request,amount\nX,2026-11-01,B1,3\n")); err == nil {
		t.Error("no currency column accepted")
	}
	if _, err := ReadReceived(strings.NewReader("invoice,date,request,amount,currency\nX,1 Nov,B1,3,USD\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad date: %v", err)
	}
}
