package demo

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"interlend/internal/app"
	"interlend/internal/calendar"
	"interlend/internal/catalog"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/marc"
	"interlend/internal/marc/marcgen"
)

// The demo directory and union catalog: entries for the hosted libraries
// and for partners with varied policies, calendars and time zones, and
// catalogs for all of them (generated records shared between libraries,
// the MARCXML examples of standards/sru/examples, and the titles the demo
// requests ask for).
func init() {
	register(Step{Order: 15, Name: "directory", Run: seedDirectory})
	register(Step{Order: 20, Name: "union catalog", Run: seedCatalog})
}

// ExReqSecret is the password US-EXREQ presents (HTTP Basic, user
// US-EXREQ) when it sends ISO 18626 messages to the demo.
const ExReqSecret = "exreq-demo-secret"

//go:embed catalogdata/*.xml
var catalogData embed.FS

// demoEntries are the demo's libraries. Hosted ones get the demo's own
// endpoint in seedDirectory.
func demoEntries() []directory.Entry {
	week := func(s string) calendar.Week {
		w, err := directory.ParseWeek(s)
		if err != nil {
			panic(err)
		}
		return w
	}
	closures := func(s string) []calendar.Closure {
		c, err := directory.ParseClosures(s)
		if err != nil {
			panic(err)
		}
		return c
	}
	cal := func(zone, hours, cls string) *calendar.Calendar {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			panic(err)
		}
		return &calendar.Calendar{Location: loc, Week: week(hours), Closures: closures(cls)}
	}
	usd := func(cents int64) directory.Money { return directory.Money{Minor: cents, Currency: "USD"} }
	consortium := directory.Agreement{Group: "EXCONS", Kind: directory.AgreementConsortium, Name: "Example Consortium", Notes: "Members lend to each other free of charge."}
	reciprocal := directory.Agreement{Group: "EXRECIP", Kind: directory.AgreementReciprocal, Name: "Research libraries reciprocal agreement"}
	usHolidays := "2026-11-26..2026-11-27 Thanksgiving|2026-12-24..2027-01-01 Winter break|2027-01-18 Martin Luther King Jr. Day"
	loanCopy := []directory.Service{{Type: directory.ServiceLoan, Formats: []string{"Printed"}}, {Type: directory.ServiceCopy, Formats: []string{"PDF"}, Electronic: true}}
	return []directory.Entry{
		{ID: "US-EXSUP", Name: "Example State University Library", Symbols: []directory.Symbol{directory.ISIL("US-EXSUP"), {Type: "OCLC", Value: "EXS"}},
			Services: loanCopy,
			Policy: directory.Policy{LoanDays: 28, Renewals: 2, RenewalDays: 14, DailyCap: 150, ResponseDays: 2,
				Charges:    []directory.Charge{{Service: directory.ServiceLoan, Amount: usd(1500)}, {Service: directory.ServiceCopy, Amount: usd(1000)}},
				Agreements: []directory.Agreement{consortium, reciprocal}},
			Calendar: cal("America/New_York", "mon-thu 08:00-20:00|fri 08:00-17:00|sat 10:00-16:00", usHolidays),
			Addresses: []directory.Address{{Purpose: directory.AddressShipping, Name: "Interlibrary Loan, Main Library", Line1: "100 University Avenue", Locality: "Springfield", Region: "MA", PostalCode: "01101", Country: "US"},
				{Purpose: directory.AddressBilling, Name: "Library Business Office", Line1: "PO Box 2100", Locality: "Springfield", Region: "MA", PostalCode: "01101", Country: "US"}},
			Contacts: []directory.Contact{{Role: "ill", Name: "Interlibrary Loan Office", Email: "ill@exsup.example", Phone: "+1 413 555 0100"}}},
		{ID: "US-EXCOL", Name: "Example College Library", Symbols: []directory.Symbol{directory.ISIL("US-EXCOL"), {Type: "OCLC", Value: "EXC"}},
			Services: loanCopy,
			Policy: directory.Policy{LoanDays: 21, Renewals: 1, RenewalDays: 14, DailyCap: 40, ResponseDays: 3,
				Charges: []directory.Charge{{Service: directory.ServiceLoan, Amount: usd(1000)}, {Service: directory.ServiceCopy, Amount: usd(500)}}, Agreements: []directory.Agreement{consortium}},
			Calendar:  cal("America/Chicago", "mon-fri 08:30-17:00", usHolidays+"|2027-03-15..2027-03-19 Spring break"),
			Addresses: []directory.Address{{Purpose: directory.AddressShipping, Name: "Library ILL", Line1: "5 College Green", Locality: "Oak Park", Region: "IL", PostalCode: "60301", Country: "US"}},
			Contacts:  []directory.Contact{{Role: "ill", Name: "ILL Desk", Email: "ill@excol.example"}}},
		{ID: "US-EXPUB", Name: "Example City Public Library", Symbols: []directory.Symbol{directory.ISIL("US-EXPUB"), {Type: "OCLC", Value: "EXP"}},
			Services: []directory.Service{{Type: directory.ServiceLoan, Formats: []string{"Printed", "LargePrint"}}},
			Policy:   directory.Policy{LoanDays: 14, DailyCap: 20, ResponseDays: 4, Agreements: []directory.Agreement{consortium}},
			Calendar: cal("America/Los_Angeles", "mon-sat 10:00-18:00|sun 12:00-17:00", "2026-11-26 Thanksgiving|2026-12-25 Christmas Day|2027-01-01 New Year's Day"),
			Addresses: []directory.Address{{Purpose: directory.AddressShipping, Name: "Resource Sharing", Line1: "200 Main Street", Locality: "Riverside", Region: "CA", PostalCode: "92501", Country: "US"},
				{Purpose: directory.AddressReturns, Name: "Returns, Loading Dock B", Line1: "210 Main Street", Locality: "Riverside", Region: "CA", PostalCode: "92501", Country: "US"}},
			Contacts: []directory.Contact{{Role: "ill", Name: "Resource Sharing", Email: "ill@expub.example"}}},
		{ID: "US-EXREQ", Name: "Example Research Library", Symbols: []directory.Symbol{directory.ISIL("US-EXREQ"), {Type: "OCLC", Value: "EXR"}},
			Endpoint: directory.Endpoint{URL: "https://ill.exreq.example/iso18626", Version: directory.Version2021,
				Auth:      directory.Auth{Inbound: []directory.AuthMethod{directory.AuthBasic}, Outbound: directory.AuthBasic},
				Tolerance: directory.Tolerance{"emptyStatus", "zeroDates"}},
			DeliveryHosts: []string{"files.exreq.example"},
			Services:      loanCopy,
			Policy: directory.Policy{LoanDays: 42, Renewals: 1, RenewalDays: 28, DailyCap: 60, ResponseDays: 2,
				Charges:    []directory.Charge{{Service: directory.ServiceLoan, Amount: usd(2000)}, {Service: directory.ServiceCopy, Amount: usd(1200)}},
				Agreements: []directory.Agreement{reciprocal}},
			Calendar:  cal("America/Denver", "mon-fri 08:00-17:00", usHolidays),
			Addresses: []directory.Address{{Purpose: directory.AddressShipping, Name: "Resource Sharing", Line1: "1 Research Park", Locality: "Boulder", Region: "CO", PostalCode: "80301", Country: "US"}},
			Contacts:  []directory.Contact{{Role: "ill", Name: "Resource Sharing", Email: "rs@exreq.example", Phone: "+1 303 555 0199"}},
			Credentials: []directory.Credential{
				{Direction: directory.Inbound, Method: directory.AuthBasic, Username: "US-EXREQ", Secret: ExReqSecret},
				{Direction: directory.Outbound, Method: directory.AuthBasic, Username: "US-EXSUP", Secret: "exsup-demo-secret-for-exreq"},
			}},
		{ID: "US-EXNOR", Name: "Example Northern University Library", Symbols: []directory.Symbol{directory.ISIL("US-EXNOR"), {Type: "OCLC", Value: "EXN"}},
			Endpoint: directory.Endpoint{URL: "https://rapido.exnor.example/iso18626", Version: directory.Version12,
				Auth:      directory.Auth{Inbound: []directory.AuthMethod{directory.AuthBearer, directory.AuthIP}, Outbound: directory.AuthBearer, AllowIPs: []string{"198.51.100.0/24"}},
				Tolerance: directory.Tolerance{directory.ToleranceLenient}},
			DeliveryHosts: []string{"delivery.exnor.example"},
			Services:      []directory.Service{{Type: directory.ServiceCopy, Formats: []string{"PDF"}, Electronic: true}},
			Policy:        directory.Policy{ResponseDays: 1, DailyCap: 200, Charges: []directory.Charge{{Service: directory.ServiceCopy, Amount: usd(800)}}},
			Calendar:      cal("America/Anchorage", "mon-fri 09:00-17:00", "2026-11-26 Thanksgiving|2026-12-25 Christmas Day"),
			Contacts:      []directory.Contact{{Role: "ill", Name: "Document Delivery", Email: "docdel@exnor.example"}},
			Notes:         "Copies only: articles and chapters by electronic delivery."},
		{ID: "GB-EXLON", Name: "Example London Library", Symbols: []directory.Symbol{directory.ISIL("GB-EXLON"), {Type: "OCLC", Value: "EXL"}},
			Endpoint: directory.Endpoint{URL: "https://ill.exlon.example/iso18626", Version: directory.Version12,
				Auth:      directory.Auth{Inbound: []directory.AuthMethod{directory.AuthHeader}, Outbound: directory.AuthHeader},
				Tolerance: directory.Tolerance{"unqualifiedVersion", "nonStandardCodes"}},
			Services: loanCopy,
			Policy: directory.Policy{LoanDays: 30, Renewals: 1, RenewalDays: 30, ResponseDays: 5,
				Charges: []directory.Charge{{Service: directory.ServiceLoan, Amount: directory.Money{Minor: 1800, Currency: "GBP"}}, {Service: directory.ServiceCopy, Amount: directory.Money{Minor: 900, Currency: "GBP"}}}},
			Calendar:  cal("Europe/London", "mon-fri 09:30-17:30", "2026-12-25..2026-12-28 Christmas|2027-01-01 New Year's Day|2027-03-26..2027-03-29 Easter"),
			Addresses: []directory.Address{{Purpose: directory.AddressShipping, Name: "Inter-Library Loans", Line1: "14 Example Square", Locality: "London", PostalCode: "WC1A 1AA", Country: "GB"}},
			Contacts:  []directory.Contact{{Role: "ill", Name: "Inter-Library Loans", Email: "ill@exlon.example", Phone: "+44 20 5550 0123"}},
			Credentials: []directory.Credential{
				{Direction: directory.Inbound, Method: directory.AuthHeader, Username: "EXLON-1", Secret: "exlon-demo-security-code"},
				{Direction: directory.Outbound, Method: directory.AuthHeader, Username: "EXSUP-7", Secret: "exsup-code-for-exlon"},
			}},
		{ID: "AU-EXSYD", Name: "Example Sydney Library", Symbols: []directory.Symbol{directory.ISIL("AU-EXSYD")}, Status: directory.StatusSuspended,
			Endpoint: directory.Endpoint{URL: "https://ill.exsyd.example/iso18626", Version: directory.Version2021,
				Auth: directory.Auth{Inbound: []directory.AuthMethod{directory.AuthBasic}, Outbound: directory.AuthBasic}},
			Services: loanCopy,
			Policy: directory.Policy{LoanDays: 35, ResponseDays: 4,
				Charges: []directory.Charge{{Service: directory.ServiceLoan, Amount: directory.Money{Minor: 2500, Currency: "AUD"}}}},
			Calendar: cal("Australia/Sydney", "mon-fri 09:00-17:00", "2026-12-24..2027-01-05 Summer closure|2027-01-26 Australia Day"),
			Notes:    "Lending suspended while the collection moves to the new building."},
	}
}

func seedDirectory(ctx context.Context, a *app.App, w *World) error {
	sys := ill.SystemActor()
	base := strings.TrimRight(a.Cfg.BaseURL, "/")
	for _, e := range demoEntries() {
		if e.Endpoint.URL == "" {
			// A hosted library: the demo's own endpoint; partners must
			// be given credentials before they may send it messages.
			e.Endpoint = directory.Endpoint{URL: base + "/iso18626", Version: directory.Version2021}
		}
		if _, err := a.PutDirectoryEntry(ctx, sys, e); err != nil {
			return fmt.Errorf("directory entry %s: %w", e.ID, err)
		}
	}
	return nil
}

// catalogHolders receive the generated records: each record goes to one
// or two of them, so that routing finds several holders for many titles.
var catalogHolders = []ill.AgencyID{"US-EXSUP", "US-EXCOL", "US-EXPUB", "US-EXREQ", "US-EXNOR", "GB-EXLON", "AU-EXSYD"}

// demoGenerated is the number of generated records.
const demoGenerated = 1500

// demoCSV holds the titles the demo requests ask for, per library.
var demoCSV = map[ill.AgencyID]string{
	"US-EXCOL": `id,isbn,issn,title,author,year,publisher,call_number,location,branch,barcode,status,holdings
col-kuhn,9780226458120,,The structure of scientific revolutions,"Kuhn, Thomas S.",2012,University of Chicago Press,Q175 .K95 2012,STACKS,MAIN,31001000001|31001000002,,
col-nature,,0028-0836,Nature,,1869,Macmillan,Q1 .N2,PER,SCI,,,v.1(1869)-
col-middle,9780141439549,,Middlemarch,"Eliot, George",2003,Penguin,PR4662 .A1 2003,STACKS,MAIN,31001000003,Checked out,
`,
	"US-EXPUB": `id,isbn,title,author,year,call_number,location,branch,barcode,status
pub-middle,9780141439549,Middlemarch,"Eliot, George",2003,FIC ELIOT,FICTION,CENTRAL,32001000001|32001000002,
pub-geb,9780465026562,"Gödel, Escher, Bach : an eternal golden braid","Hofstadter, Douglas R.",1999,510.1 HOF,NONFICTION,CENTRAL,32001000003,
pub-silent,,Silent spring,"Carson, Rachel",1962,574.5 CAR,NONFICTION,EAST,32001000004,
`,
	"US-EXREQ": `id,title,author,year,language,call_number,barcode
req-bibl,Библиотечное дело,"Иванова, Н. А.",2015,rus,Z665 .I93 2015,33001000001
`,
	"GB-EXLON": `id,isbn,issn,title,author,year,language,call_number,location,barcode,status,holdings
lon-tsg,,,图书馆学导论,吴慰慈,2008,chi,Z665 .W8 2008,EAST ASIA,34001000001,,
lon-middle,9780141439549,,Middlemarch,"Eliot, George",2003,eng,PR4662 .A1,STACKS,34001000002,Library use only,
lon-nature,,0028-0836,Nature,,1917,eng,Q1 .N2,PERIODICALS,,,v.100(1917)-v.400(1999)
`,
	"US-EXNOR": `id,isbn,issn,title,author,year,call_number,holdings
nor-jill,,1072-303X,"Journal of interlibrary loan, document delivery & electronic reserve",,1990,Z713 .J68,v.1(1990)-v.16(2005)
nor-geb,9780465026562,,"Gödel, Escher, Bach","Hofstadter, Douglas R.",1999,QA9.8 .H63,
`,
	"AU-EXSYD": `id,isbn,title,author,year,call_number,barcode
syd-silent,9780618249060,Silent spring,"Carson, Rachel",2002,QH545.P4 C38 2002,35001000001
`,
}

func seedCatalog(ctx context.Context, a *app.App, w *World) error {
	sys := ill.SystemActor()
	imp := func(holder ill.AgencyID, name string, f catalog.Format, data []byte) error {
		_, err := a.ImportCatalog(ctx, sys, bytes.NewReader(data), catalog.ImportOptions{Holder: holder, Format: f, Name: name})
		if err != nil {
			return fmt.Errorf("catalog of %s (%s): %w", holder, name, err)
		}
		return nil
	}
	// The MARCXML examples: the book and the journal at US-EXSUP, the
	// thesis at US-EXREQ (as their 003 says).
	for name, holder := range map[string]ill.AgencyID{"marc-book.xml": "US-EXSUP", "marc-journal.xml": "US-EXSUP", "marc-thesis.xml": "US-EXREQ"} {
		data, err := catalogData.ReadFile("catalogdata/" + name)
		if err != nil {
			return err
		}
		if err := imp(holder, name, catalog.FormatMARCXML, data); err != nil {
			return err
		}
	}
	for holder, csv := range demoCSV {
		if err := imp(holder, string(holder)+".csv", catalog.FormatCSV, []byte(csv)); err != nil {
			return err
		}
	}
	files, err := spreadGenerated(demoGenerated)
	if err != nil {
		return err
	}
	for i, holder := range catalogHolders {
		if err := imp(holder, "generated.mrc", catalog.FormatMARC21, files[i]); err != nil {
			return err
		}
	}
	return nil
}

// spreadGenerated generates n records (marcgen's default mix, without
// broken ones) and deals them to the holders: record j goes to holder
// j mod k and, for two records in three, also to another one.
func spreadGenerated(n int) ([][]byte, error) {
	var all bytes.Buffer
	opts := marcgen.DefaultOptions()
	opts.BrokenRate = 0
	opts.MaxItems = 6
	if _, err := marcgen.Generate(&all, n, 2026, opts); err != nil {
		return nil, err
	}
	k := len(catalogHolders)
	out := make([]bytes.Buffer, k)
	writers := make([]*marc.Writer, k)
	for i := range out {
		writers[i] = marc.NewWriter(&out[i])
	}
	rd := marc.NewReader(&all)
	for j := 0; ; j++ {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		first := j % k
		targets := []int{first}
		if j%3 != 0 {
			targets = append(targets, (first+1+j%(k-1))%k)
		}
		for _, t := range targets {
			if err := writers[t].Write(rec); err != nil {
				return nil, err
			}
		}
	}
	res := make([][]byte, k)
	for i := range out {
		res[i] = out[i].Bytes()
	}
	return res, nil
}
