package directory

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"interlend/internal/calendar"
	"interlend/internal/ill"
)

// CSV directory files hold the flat part of each entry, one library a
// row; lists are separated by "|". Importing a CSV file changes only the
// columns it has, so a spreadsheet of loan periods updates loan periods
// and keeps everything else. Credentials are never in CSV files.
//
// csvColumns is the table of columns, in export order. get writes the
// column from an entry; set reads it into an entry (which may hold the
// library's current values, for merging).
var csvColumns = []struct {
	name string
	get  func(e *Entry) string
	set  func(e *Entry, v string) error
}{
	{"id", func(e *Entry) string { return string(e.ID) }, func(e *Entry, v string) error { e.ID = ill.AgencyID(v); return nil }},
	{"name", func(e *Entry) string { return e.Name }, func(e *Entry, v string) error { e.Name = v; return nil }},
	{"symbols", func(e *Entry) string { return joinSymbols(e.Symbols) }, func(e *Entry, v string) error {
		e.Symbols = nil
		for _, s := range splitList(v) {
			sym, err := ParseSymbol(s)
			if err != nil {
				return err
			}
			e.Symbols = append(e.Symbols, sym)
		}
		return nil
	}},
	{"status", func(e *Entry) string { return string(e.Status) }, func(e *Entry, v string) error { e.Status = Status(v); return nil }},
	{"endpoint_url", func(e *Entry) string { return e.Endpoint.URL }, func(e *Entry, v string) error { e.Endpoint.URL = v; return nil }},
	{"iso18626_version", func(e *Entry) string { return e.Endpoint.Version }, func(e *Entry, v string) error { e.Endpoint.Version = v; return nil }},
	{"auth_inbound", func(e *Entry) string { return joinStrings(e.Endpoint.Auth.Inbound) }, func(e *Entry, v string) error {
		e.Endpoint.Auth.Inbound = nil
		for _, m := range splitList(v) {
			e.Endpoint.Auth.Inbound = append(e.Endpoint.Auth.Inbound, AuthMethod(m))
		}
		return nil
	}},
	{"auth_outbound", func(e *Entry) string { return string(e.Endpoint.Auth.Outbound) }, func(e *Entry, v string) error { e.Endpoint.Auth.Outbound = AuthMethod(v); return nil }},
	{"allow_ips", func(e *Entry) string { return strings.Join(e.Endpoint.Auth.AllowIPs, "|") }, func(e *Entry, v string) error { e.Endpoint.Auth.AllowIPs = splitList(v); return nil }},
	{"cert_fingerprints", func(e *Entry) string { return strings.Join(e.Endpoint.Auth.CertFingerprints, "|") }, func(e *Entry, v string) error {
		e.Endpoint.Auth.CertFingerprints = splitList(v)
		return nil
	}},
	{"tolerance", func(e *Entry) string { return strings.Join(e.Endpoint.Tolerance, "|") }, func(e *Entry, v string) error { e.Endpoint.Tolerance = splitList(v); return nil }},
	{"delivery_hosts", func(e *Entry) string { return strings.Join(e.DeliveryHosts, "|") }, func(e *Entry, v string) error { e.DeliveryHosts = splitList(v); return nil }},
	{"services", func(e *Entry) string {
		var out []string
		for _, s := range e.Services {
			out = append(out, string(s.Type))
		}
		return strings.Join(out, "|")
	}, func(e *Entry, v string) error {
		var next []Service
		for _, t := range splitList(v) {
			s, _ := e.Service(ServiceType(canonical(t, ServiceTypes)))
			s.Type = ServiceType(t)
			next = append(next, s)
		}
		e.Services = next
		return nil
	}},
	{"loan_formats", func(e *Entry) string { s, _ := e.Service(ServiceLoan); return strings.Join(s.Formats, "|") }, func(e *Entry, v string) error {
		return e.setFormats(ServiceLoan, v)
	}},
	{"copy_formats", func(e *Entry) string { s, _ := e.Service(ServiceCopy); return strings.Join(s.Formats, "|") }, func(e *Entry, v string) error {
		return e.setFormats(ServiceCopy, v)
	}},
	{"electronic_delivery", func(e *Entry) string { s, _ := e.Service(ServiceCopy); return yesNo(s.Electronic) }, func(e *Entry, v string) error {
		b, err := parseBool(v)
		if err != nil {
			return err
		}
		for i := range e.Services {
			if e.Services[i].Type == ServiceCopy || strings.EqualFold(string(e.Services[i].Type), string(ServiceCopy)) {
				e.Services[i].Electronic = b
				return nil
			}
		}
		if b {
			return errors.New("electronic delivery is set but Copy is not among the services")
		}
		return nil
	}},
	{"loan_days", func(e *Entry) string { return itoa(e.Policy.LoanDays) }, func(e *Entry, v string) error { return atoi(v, &e.Policy.LoanDays) }},
	{"renewals", func(e *Entry) string { return itoa(e.Policy.Renewals) }, func(e *Entry, v string) error { return atoi(v, &e.Policy.Renewals) }},
	{"renewal_days", func(e *Entry) string { return itoa(e.Policy.RenewalDays) }, func(e *Entry, v string) error { return atoi(v, &e.Policy.RenewalDays) }},
	{"loan_charge", func(e *Entry) string { return chargeText(e.Policy.Charges, ServiceLoan) }, func(e *Entry, v string) error {
		return setCharge(&e.Policy.Charges, ServiceLoan, v)
	}},
	{"copy_charge", func(e *Entry) string { return chargeText(e.Policy.Charges, ServiceCopy) }, func(e *Entry, v string) error {
		return setCharge(&e.Policy.Charges, ServiceCopy, v)
	}},
	{"agreements", func(e *Entry) string {
		var out []string
		for _, a := range e.Policy.Agreements {
			out = append(out, a.Group+":"+string(a.Kind))
		}
		return strings.Join(out, "|")
	}, func(e *Entry, v string) error {
		var next []Agreement
		for _, item := range splitList(v) {
			g, k, ok := strings.Cut(item, ":")
			if !ok {
				return fmt.Errorf("agreement %q: want GROUP:consortium or GROUP:reciprocal", item)
			}
			a := Agreement{Group: strings.ToUpper(strings.TrimSpace(g)), Kind: AgreementKind(strings.ToLower(strings.TrimSpace(k)))}
			for _, prev := range e.Policy.Agreements { // keep what CSV cannot say
				if strings.EqualFold(prev.Group, a.Group) {
					a.Name, a.Charges, a.Notes = prev.Name, prev.Charges, prev.Notes
				}
			}
			next = append(next, a)
		}
		e.Policy.Agreements = next
		return nil
	}},
	{"daily_cap", func(e *Entry) string { return itoa(e.Policy.DailyCap) }, func(e *Entry, v string) error { return atoi(v, &e.Policy.DailyCap) }},
	{"response_days", func(e *Entry) string { return itoa(e.Policy.ResponseDays) }, func(e *Entry, v string) error { return atoi(v, &e.Policy.ResponseDays) }},
	{"time_zone", func(e *Entry) string {
		if e.Calendar == nil || e.Calendar.Location == nil {
			return ""
		}
		return e.Calendar.Location.String()
	}, func(e *Entry, v string) error {
		if v == "" {
			if e.Calendar != nil {
				e.Calendar.Location = nil
			}
			return nil
		}
		if v == "Local" {
			return fmt.Errorf("time zone %q: give an IANA name such as America/New_York", v)
		}
		loc, err := time.LoadLocation(v)
		if err != nil {
			return fmt.Errorf("time zone %q: give an IANA name such as America/New_York", v)
		}
		e.calendar().Location = loc
		return nil
	}},
	{"hours", func(e *Entry) string {
		if e.Calendar == nil {
			return ""
		}
		return FormatWeek(e.Calendar.Week)
	}, func(e *Entry, v string) error {
		w, err := ParseWeek(v)
		if err != nil {
			return err
		}
		e.calendar().Week = w
		return nil
	}},
	{"closures", func(e *Entry) string {
		if e.Calendar == nil {
			return ""
		}
		return FormatClosures(e.Calendar.Closures)
	}, func(e *Entry, v string) error {
		cls, err := ParseClosures(v)
		if err != nil {
			return err
		}
		if len(cls) > 0 || e.Calendar != nil {
			e.calendar().Closures = cls
		}
		return nil
	}},
	{"sru_url", func(e *Entry) string { return e.sru().BaseURL }, func(e *Entry, v string) error { e.sruSet().BaseURL = v; return nil }},
	{"sru_version", func(e *Entry) string { return e.sru().Version }, func(e *Entry, v string) error { e.sruSet().Version = v; return nil }},
	{"sru_indexes", func(e *Entry) string {
		s := e.sru()
		keys := make([]string, 0, len(s.IndexMap))
		for k := range s.IndexMap {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var out []string
		for _, k := range keys {
			out = append(out, k+"="+s.IndexMap[k])
		}
		return strings.Join(out, "|")
	}, func(e *Entry, v string) error {
		m := map[string]string{}
		for _, item := range splitList(v) {
			k, val, ok := strings.Cut(item, "=")
			if !ok {
				return fmt.Errorf("SRU index %q: want name=index such as isbn=alma.isbn", item)
			}
			m[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(val)
		}
		if len(m) == 0 {
			m = nil
		}
		e.sruSet().IndexMap = m
		return nil
	}},
	{"sru_timeout", func(e *Entry) string { return itoa(e.sru().TimeoutSeconds) }, func(e *Entry, v string) error { return atoi(v, &e.sruSet().TimeoutSeconds) }},
	{"contact_name", func(e *Entry) string { return e.contact().Name }, func(e *Entry, v string) error { e.contactSet().Name = v; return nil }},
	{"contact_email", func(e *Entry) string { return e.contact().Email }, func(e *Entry, v string) error { e.contactSet().Email = v; return nil }},
	{"contact_phone", func(e *Entry) string { return e.contact().Phone }, func(e *Entry, v string) error { e.contactSet().Phone = v; return nil }},
	{"shipping_address", func(e *Entry) string { return addressText(e, AddressShipping) }, func(e *Entry, v string) error { return setAddress(e, AddressShipping, v) }},
	{"billing_address", func(e *Entry) string { return addressText(e, AddressBilling) }, func(e *Entry, v string) error { return setAddress(e, AddressBilling, v) }},
	{"returns_address", func(e *Entry) string { return addressText(e, AddressReturns) }, func(e *Entry, v string) error { return setAddress(e, AddressReturns, v) }},
	{"notes", func(e *Entry) string { return e.Notes }, func(e *Entry, v string) error { e.Notes = v; return nil }},
}

// CSVColumns lists the CSV columns in export order.
func CSVColumns() []string {
	out := make([]string, len(csvColumns))
	for i, c := range csvColumns {
		out[i] = c.name
	}
	return out
}

// ReadCSV reads a CSV directory file. The header names the columns (any
// order, case-insensitive); "id" is required, unknown columns are an
// error. Each row is returned with its line and its cells; ApplyCSV sets
// them on the library's current entry. A row that cannot be read is an
// error naming its line.
func ReadCSV(r io.Reader) ([]Positioned, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("directory CSV: the file is empty")
	}
	if err != nil {
		return nil, fmt.Errorf("directory CSV: header: %w", err)
	}
	var cols []string
	for _, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		name = strings.NewReplacer(" ", "_", "-", "_").Replace(name)
		if !slices.Contains(CSVColumns(), name) {
			return nil, fmt.Errorf("directory CSV: unknown column %q (known: %s)", h, strings.Join(CSVColumns(), ", "))
		}
		if slices.Contains(cols, name) {
			return nil, fmt.Errorf("directory CSV: column %q appears twice", name)
		}
		cols = append(cols, name)
	}
	if !slices.Contains(cols, "id") {
		return nil, errors.New("directory CSV: the header has no id column")
	}
	var out []Positioned
	for n := 1; ; n++ {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("directory CSV: %w", err)
		}
		if len(row) != len(cols) {
			return nil, fmt.Errorf("directory CSV: line %d has %d fields, the header has %d", line, len(row), len(cols))
		}
		p := Positioned{Position: n, Line: line, Columns: cols, Cells: map[string]string{}}
		for i, c := range cols {
			p.Cells[c] = strings.TrimSpace(row[i])
		}
		p.Entry.ID = ill.AgencyID(p.Cells["id"])
		out = append(out, p)
	}
}

// ApplyCSV returns prev (the library's current entry, or a zero Entry for
// a new one) with the columns of a CSV row set from it, in column order
// (services before their formats).
func ApplyCSV(prev Entry, row Positioned) (Entry, error) {
	out := clone(prev)
	for _, c := range csvColumns {
		v, ok := row.Cells[c.name]
		if !ok {
			continue
		}
		if err := c.set(&out, v); err != nil {
			return prev, fmt.Errorf("%s, column %s: %w", row.Where(), c.name, err)
		}
	}
	return out, nil
}

// clone deep-copies the parts of an entry that ApplyCSV changes in place.
func clone(e Entry) Entry {
	e.Services = slices.Clone(e.Services)
	e.Contacts = slices.Clone(e.Contacts)
	e.Addresses = slices.Clone(e.Addresses)
	e.Policy.Charges = slices.Clone(e.Policy.Charges)
	if e.Calendar != nil {
		c := *e.Calendar
		e.Calendar = &c
	}
	if e.SRU != nil {
		s := *e.SRU
		e.SRU = &s
	}
	return e
}

// WriteCSV writes entries with every column.
func WriteCSV(w io.Writer, entries []Entry) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVColumns()); err != nil {
		return err
	}
	for i := range entries {
		row := make([]string, len(csvColumns))
		for j, c := range csvColumns {
			row[j] = c.get(&entries[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (e *Entry) setFormats(t ServiceType, v string) error {
	fs := splitList(v)
	for i := range e.Services {
		if strings.EqualFold(string(e.Services[i].Type), string(t)) {
			e.Services[i].Formats = fs
			return nil
		}
	}
	if len(fs) > 0 {
		return fmt.Errorf("formats are given for %s but it is not among the services", t)
	}
	return nil
}

func (e *Entry) calendar() *calendar.Calendar {
	if e.Calendar == nil {
		e.Calendar = &calendar.Calendar{}
	}
	return e.Calendar
}

func (e *Entry) sru() SRUTarget {
	if e.SRU == nil {
		return SRUTarget{}
	}
	return *e.SRU
}

func (e *Entry) sruSet() *SRUTarget {
	if e.SRU == nil {
		e.SRU = &SRUTarget{}
	}
	return e.SRU
}

func (e *Entry) contact() Contact {
	if len(e.Contacts) == 0 {
		return Contact{}
	}
	return e.Contacts[0]
}

func (e *Entry) contactSet() *Contact {
	if len(e.Contacts) == 0 {
		e.Contacts = []Contact{{Role: "ill"}}
	}
	return &e.Contacts[0]
}

// addressText writes "name | line1 | line2 | locality | region | postal code | country".
func addressText(e *Entry, p AddressPurpose) string {
	for _, a := range e.Addresses {
		if a.Purpose == p {
			return strings.Join([]string{a.Name, a.Line1, a.Line2, a.Locality, a.Region, a.PostalCode, a.Country}, " | ")
		}
	}
	return ""
}

func setAddress(e *Entry, p AddressPurpose, v string) error {
	var kept []Address
	for _, a := range e.Addresses {
		if a.Purpose != p {
			kept = append(kept, a)
		}
	}
	e.Addresses = kept
	if strings.Trim(v, " |") == "" {
		return nil
	}
	parts := strings.Split(v, "|")
	if len(parts) != 7 {
		return fmt.Errorf("address %q: want 7 parts separated by |: name | line 1 | line 2 | town | region | postal code | country", v)
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	e.Addresses = append(e.Addresses, Address{Purpose: p, Name: parts[0], Line1: parts[1], Line2: parts[2], Locality: parts[3], Region: parts[4], PostalCode: parts[5], Country: parts[6]})
	return nil
}

func chargeText(cs []Charge, t ServiceType) string {
	if m, ok := chargeIn(cs, t); ok {
		return m.String()
	}
	return ""
}

func setCharge(cs *[]Charge, t ServiceType, v string) error {
	var kept []Charge
	for _, c := range *cs {
		if c.Service != t {
			kept = append(kept, c)
		}
	}
	*cs = kept
	if v == "" {
		return nil
	}
	m, err := ParseMoney(v, "")
	if err != nil {
		return err
	}
	*cs = append(*cs, Charge{Service: t, Amount: m})
	return nil
}
