package web

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"interlend/internal/calendar"
	"interlend/internal/directory"
	"interlend/internal/ill"
)

// The directory entry form: every field of an entry as text inputs,
// selects, checkboxes and text areas (lists one item a line), converted
// to and from directory.Entry here.

// dirField is one form control.
type dirField struct {
	Name     string // form name, also the id suffix
	Label    string
	Hint     string
	Kind     string // text, number, url, textarea, select, checks, check
	Value    string
	Options  []dirOption // select and checks
	Checked  bool        // check
	Error    string
	Required bool
	Mono     bool // identifiers, URLs, codes
}

type dirOption struct {
	Value, Label string
	Selected     bool
}

// dirSection is a fieldset.
type dirSection struct {
	Legend string
	Fields []dirField
}

// lines joins list items for a text area.
func lines[T any](xs []T, f func(T) string) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return strings.Join(out, "\n")
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func num(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func chargeOf(cs []directory.Charge, t directory.ServiceType) string {
	for _, c := range cs {
		if c.Service == t {
			return c.Amount.String()
		}
	}
	return ""
}

// dirFormSections builds the form for e; errs are the problems by form
// name (or by the entry's field path, mapped by dirErrorField).
func dirFormSections(p *Page, e directory.Entry, isNew bool, errs map[string]string) []dirSection {
	T := p.T
	f := func(name, kind, value string) dirField {
		return dirField{Name: name, Kind: kind, Value: value, Label: T("directory.field." + name), Error: errs[name]}
	}
	hint := func(d dirField, key string) dirField { d.Hint = T(key); return d }
	mono := func(d dirField) dirField { d.Mono = true; return d }
	checks := func(name string, all []string, on func(string) bool, label func(string) string) dirField {
		d := f(name, "checks", "")
		for _, v := range all {
			d.Options = append(d.Options, dirOption{Value: v, Label: label(v), Selected: on(v)})
		}
		return d
	}
	sel := func(name, value string, opts ...dirOption) dirField {
		d := f(name, "select", value)
		for i := range opts {
			opts[i].Selected = opts[i].Value == value
		}
		d.Options = opts
		return d
	}
	var out []dirSection

	id := mono(f("id", "text", string(e.ID)))
	id.Required = true
	if !isNew {
		id.Kind = "readonly"
	}
	id = hint(id, "directory.hint.id")
	var statuses []dirOption
	for _, s := range directory.Statuses {
		statuses = append(statuses, dirOption{Value: string(s), Label: T("directory.status." + string(s))})
	}
	name := f("name", "text", e.Name)
	name.Required = true
	out = append(out, dirSection{Legend: T("directory.form.library"), Fields: []dirField{
		id, name,
		hint(mono(f("symbols", "textarea", lines(e.Symbols, directory.Symbol.String))), "directory.hint.symbols"),
		sel("status", string(e.Status), statuses...),
		f("notes", "textarea", e.Notes),
	}})

	ep := e.Endpoint
	var methods []string
	for _, m := range directory.AuthMethods {
		methods = append(methods, string(m))
	}
	out = append(out, dirSection{Legend: T("directory.form.endpoint"), Fields: []dirField{
		mono(f("endpoint_url", "url", ep.URL)),
		sel("endpoint_version", ep.Version, dirOption{Value: "", Label: T("directory.version.none")},
			dirOption{Value: directory.Version12, Label: "1.2"}, dirOption{Value: directory.Version2021, Label: "2021"}),
		hint(checks("auth_inbound", methods, func(v string) bool { return slices.Contains(ep.Auth.Inbound, directory.AuthMethod(v)) },
			func(v string) string { return T("directory.auth." + v) }), "directory.hint.inbound"),
		sel("auth_outbound", string(ep.Auth.Outbound), dirOption{Value: "", Label: T("directory.auth.outnone")},
			dirOption{Value: string(directory.AuthBasic), Label: T("directory.auth.basic")},
			dirOption{Value: string(directory.AuthBearer), Label: T("directory.auth.bearer")},
			dirOption{Value: string(directory.AuthHeader), Label: T("directory.auth.iso-header")}),
		hint(mono(f("allow_ips", "textarea", strings.Join(ep.Auth.AllowIPs, "\n"))), "directory.hint.lines"),
		hint(mono(f("cert_fingerprints", "textarea", strings.Join(ep.Auth.CertFingerprints, "\n"))), "directory.hint.fingerprints"),
		hint(checks("tolerance", append([]string{directory.ToleranceLenient}, directory.ToleranceNames()...), ep.Tolerance.Has,
			func(v string) string { return T("directory.tolerance." + v) }), "directory.hint.tolerance"),
		hint(mono(f("delivery_hosts", "textarea", strings.Join(e.DeliveryHosts, "\n"))), "directory.hint.hosts"),
	}})

	loan, hasLoan := e.Service(directory.ServiceLoan)
	cp, hasCopy := e.Service(directory.ServiceCopy)
	check := func(name string, on bool) dirField { d := f(name, "check", ""); d.Checked = on; return d }
	out = append(out, dirSection{Legend: T("directory.form.services"), Fields: []dirField{
		check("service_loan", hasLoan),
		hint(f("loan_formats", "text", strings.Join(loan.Formats, ", ")), "directory.hint.formats"),
		check("service_copy", hasCopy),
		hint(f("copy_formats", "text", strings.Join(cp.Formats, ", ")), "directory.hint.formats"),
		check("electronic", cp.Electronic),
	}})

	pol := e.Policy
	out = append(out, dirSection{Legend: T("directory.form.policy"), Fields: []dirField{
		f("loan_days", "number", num(pol.LoanDays)),
		f("renewals", "number", num(pol.Renewals)),
		f("renewal_days", "number", num(pol.RenewalDays)),
		hint(f("loan_charge", "text", chargeOf(pol.Charges, directory.ServiceLoan)), "directory.hint.money"),
		hint(f("copy_charge", "text", chargeOf(pol.Charges, directory.ServiceCopy)), "directory.hint.money"),
		hint(mono(f("agreements", "textarea", lines(pol.Agreements, agreementLine))), "directory.hint.agreements"),
		hint(f("daily_cap", "number", num(pol.DailyCap)), "directory.hint.cap"),
		hint(f("response_days", "number", num(pol.ResponseDays)), "directory.hint.response"),
	}})

	tz, week, closures := "", "", ""
	if c := e.Calendar; c != nil {
		if c.Location != nil {
			tz = c.Location.String()
		}
		week = strings.ReplaceAll(directory.FormatWeek(c.Week), "|", "\n")
		closures = strings.ReplaceAll(directory.FormatClosures(c.Closures), "|", "\n")
	}
	out = append(out, dirSection{Legend: T("directory.form.calendar"), Fields: []dirField{
		hint(mono(f("time_zone", "text", tz)), "directory.hint.tz"),
		hint(mono(f("hours", "textarea", week)), "directory.hint.hours"),
		hint(mono(f("closures", "textarea", closures)), "directory.hint.closures"),
	}})

	s := directory.SRUTarget{}
	if e.SRU != nil {
		s = *e.SRU
	}
	idx := make([]string, 0, len(s.IndexMap))
	for k, v := range s.IndexMap {
		idx = append(idx, k+"="+v)
	}
	slices.Sort(idx)
	out = append(out, dirSection{Legend: T("directory.form.sru"), Fields: []dirField{
		mono(f("sru_url", "url", s.BaseURL)),
		sel("sru_version", s.Version, dirOption{Value: "", Label: "1.2"}, dirOption{Value: "2.0", Label: "2.0"}),
		hint(mono(f("sru_indexes", "textarea", strings.Join(idx, "\n"))), "directory.hint.indexes"),
		f("sru_timeout", "number", num(s.TimeoutSeconds)),
		mono(f("sru_schema", "text", s.RecordSchema)),
		f("sru_max", "number", num(s.MaxRecords)),
	}})

	for _, purpose := range directory.AddressPurposes {
		a := directory.Address{}
		for _, x := range e.Addresses {
			if x.Purpose == purpose {
				a = x
			}
		}
		pre := string(purpose) + "_"
		af := func(name, v string) dirField {
			d := dirField{Name: pre + name, Kind: "text", Value: v, Label: T("directory.field.address_" + name), Error: errs[pre+name]}
			return d
		}
		out = append(out, dirSection{Legend: T("directory.form.address_" + string(purpose)), Fields: []dirField{
			af("name", a.Name), af("line1", a.Line1), af("line2", a.Line2), af("locality", a.Locality),
			af("region", a.Region), af("postal", a.PostalCode), af("country", a.Country),
		}})
	}
	out = append(out, dirSection{Legend: T("directory.form.contacts"), Fields: []dirField{
		hint(f("contacts", "textarea", lines(e.Contacts, func(c directory.Contact) string {
			return strings.Join([]string{c.Role, c.Name, c.Email, c.Phone}, " | ")
		})), "directory.hint.contacts"),
	}})
	return out
}

// agreementLine writes "GROUP:kind | loan charge | copy charge | name".
func agreementLine(a directory.Agreement) string {
	return strings.Join([]string{a.Group + ":" + string(a.Kind), chargeOf(a.Charges, directory.ServiceLoan), chargeOf(a.Charges, directory.ServiceCopy), a.Name}, " | ")
}

// dirEntryFromForm reads the form into prev (the stored entry, or a zero
// one for a new library); errs collects what cannot be read, by form name.
func dirEntryFromForm(form url.Values, prev directory.Entry, isNew bool) (directory.Entry, map[string]string) {
	e := prev
	errs := map[string]string{}
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	if isNew {
		e.ID = ill.AgencyID(get("id"))
	}
	e.Name, e.Status, e.Notes = get("name"), directory.Status(get("status")), get("notes")
	e.Symbols = nil
	for _, l := range splitLines(form.Get("symbols")) {
		s, err := directory.ParseSymbol(l)
		if err != nil {
			errs["symbols"] = err.Error()
			continue
		}
		e.Symbols = append(e.Symbols, s)
	}
	intField := func(name string, dst *int) {
		v := get(name)
		if v == "" {
			*dst = 0
			return
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs[name] = fmt.Sprintf("%q is not a whole number", v)
			return
		}
		*dst = n
	}

	ep := &e.Endpoint
	ep.URL, ep.Version = get("endpoint_url"), get("endpoint_version")
	ep.Auth.Inbound = nil
	for _, m := range form["auth_inbound"] {
		ep.Auth.Inbound = append(ep.Auth.Inbound, directory.AuthMethod(m))
	}
	ep.Auth.Outbound = directory.AuthMethod(get("auth_outbound"))
	ep.Auth.AllowIPs = splitLines(form.Get("allow_ips"))
	ep.Auth.CertFingerprints = splitLines(form.Get("cert_fingerprints"))
	ep.Tolerance = directory.Tolerance(form["tolerance"])
	e.DeliveryHosts = splitLines(form.Get("delivery_hosts"))

	formats := func(v string) []string {
		var out []string
		for _, p := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '|' }) {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	e.Services = nil
	if form.Get("service_loan") != "" {
		e.Services = append(e.Services, directory.Service{Type: directory.ServiceLoan, Formats: formats(form.Get("loan_formats"))})
	}
	if form.Get("service_copy") != "" {
		e.Services = append(e.Services, directory.Service{Type: directory.ServiceCopy, Formats: formats(form.Get("copy_formats")), Electronic: form.Get("electronic") != ""})
	}

	pol := &e.Policy
	intField("loan_days", &pol.LoanDays)
	intField("renewals", &pol.Renewals)
	intField("renewal_days", &pol.RenewalDays)
	intField("daily_cap", &pol.DailyCap)
	intField("response_days", &pol.ResponseDays)
	charges := func(loanV, copyV, field string) []directory.Charge {
		var out []directory.Charge
		for _, c := range []struct {
			t directory.ServiceType
			v string
		}{{directory.ServiceLoan, loanV}, {directory.ServiceCopy, copyV}} {
			if c.v == "" {
				continue
			}
			m, err := directory.ParseMoney(c.v, "")
			if err != nil {
				errs[field] = err.Error()
				continue
			}
			out = append(out, directory.Charge{Service: c.t, Amount: m})
		}
		return out
	}
	prevCharges := pol.Charges
	pol.Charges = charges(get("loan_charge"), "", "loan_charge")
	pol.Charges = append(pol.Charges, charges("", get("copy_charge"), "copy_charge")...)
	for i := range pol.Charges { // the form does not edit international prices (docs/billing.md): keep them
		for _, c := range prevCharges {
			if c.Service == pol.Charges[i].Service {
				pol.Charges[i].International = c.International
			}
		}
	}
	pol.Agreements = nil
	for _, l := range splitLines(form.Get("agreements")) {
		parts := strings.Split(l, "|")
		for len(parts) < 4 {
			parts = append(parts, "")
		}
		g, k, ok := strings.Cut(strings.TrimSpace(parts[0]), ":")
		if !ok {
			errs["agreements"] = fmt.Sprintf("%q: start with GROUP:consortium or GROUP:reciprocal", l)
			continue
		}
		a := directory.Agreement{Group: g, Kind: directory.AgreementKind(k), Name: strings.TrimSpace(strings.Join(parts[3:], "|"))}
		a.Charges = charges(strings.TrimSpace(parts[1]), strings.TrimSpace(parts[2]), "agreements")
		for _, old := range prev.Policy.Agreements {
			if strings.EqualFold(old.Group, a.Group) {
				a.Notes = old.Notes
			}
		}
		pol.Agreements = append(pol.Agreements, a)
	}

	e.Calendar = nil
	if tz, hours, cls := get("time_zone"), form.Get("hours"), form.Get("closures"); tz != "" || strings.TrimSpace(hours) != "" || strings.TrimSpace(cls) != "" {
		c := &calendar.Calendar{}
		if tz != "" {
			loc, err := time.LoadLocation(tz)
			if err != nil || tz == "Local" {
				errs["time_zone"] = fmt.Sprintf("%q is not a time zone name such as America/New_York", tz)
			} else {
				c.Location = loc
			}
		}
		w, err := directory.ParseWeek(strings.Join(splitLines(hours), "|"))
		if err != nil {
			errs["hours"] = err.Error()
		}
		c.Week = w
		if c.Closures, err = directory.ParseClosures(strings.Join(splitLines(cls), "|")); err != nil {
			errs["closures"] = err.Error()
		}
		e.Calendar = c
	}

	e.SRU = nil
	if u := get("sru_url"); u != "" {
		s := &directory.SRUTarget{BaseURL: u, Version: get("sru_version"), RecordSchema: get("sru_schema")}
		intField("sru_timeout", &s.TimeoutSeconds)
		intField("sru_max", &s.MaxRecords)
		for _, l := range splitLines(form.Get("sru_indexes")) {
			k, v, ok := strings.Cut(l, "=")
			if !ok {
				errs["sru_indexes"] = fmt.Sprintf("%q: write name=index, e.g. isbn=alma.isbn", l)
				continue
			}
			if s.IndexMap == nil {
				s.IndexMap = map[string]string{}
			}
			s.IndexMap[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
		e.SRU = s
	}

	e.Addresses = nil
	for _, purpose := range directory.AddressPurposes {
		pre := string(purpose) + "_"
		a := directory.Address{Purpose: purpose, Name: get(pre + "name"), Line1: get(pre + "line1"), Line2: get(pre + "line2"),
			Locality: get(pre + "locality"), Region: get(pre + "region"), PostalCode: get(pre + "postal"), Country: get(pre + "country")}
		if a != (directory.Address{Purpose: purpose}) {
			e.Addresses = append(e.Addresses, a)
		}
	}
	e.Contacts = nil
	for _, l := range splitLines(form.Get("contacts")) {
		parts := strings.Split(l, "|")
		for len(parts) < 4 {
			parts = append(parts, "")
		}
		e.Contacts = append(e.Contacts, directory.Contact{Role: strings.TrimSpace(parts[0]), Name: strings.TrimSpace(parts[1]), Email: strings.TrimSpace(parts[2]), Phone: strings.TrimSpace(strings.Join(parts[3:], "|"))})
	}
	e.Credentials = nil // kept by the app from the stored entry
	return e, errs
}

// dirErrorField maps a field path of directory validation ("endpoint.url",
// "addresses[1].country") to the form control that shows it.
func dirErrorField(e directory.Entry, path string) string {
	base, _, _ := strings.Cut(path, "[")
	switch {
	case strings.HasPrefix(path, "addresses["):
		var i int
		if _, err := fmt.Sscanf(path, "addresses[%d]", &i); err == nil && i < len(e.Addresses) {
			rest := path[strings.Index(path, "]")+1:]
			field := map[string]string{".country": "country", ".purpose": "line1", "": "line1"}[rest]
			if field == "" {
				field = "line1"
			}
			return string(e.Addresses[i].Purpose) + "_" + field
		}
		return "shipping_line1"
	case path == "id", path == "name", path == "symbols", path == "status", path == "notes":
		return path
	case strings.HasPrefix(path, "symbols"):
		return "symbols"
	case strings.HasPrefix(path, "endpoint.url"):
		return "endpoint_url"
	case strings.HasPrefix(path, "endpoint.version"):
		return "endpoint_version"
	case strings.HasPrefix(path, "endpoint.auth.inbound"):
		return "auth_inbound"
	case strings.HasPrefix(path, "endpoint.auth.outbound"):
		return "auth_outbound"
	case strings.HasPrefix(path, "endpoint.auth.allowIPs"):
		return "allow_ips"
	case strings.HasPrefix(path, "endpoint.auth.certFingerprints"):
		return "cert_fingerprints"
	case strings.HasPrefix(path, "endpoint.tolerance"):
		return "tolerance"
	case base == "deliveryHosts":
		return "delivery_hosts"
	case base == "services":
		return "service_loan"
	case strings.HasPrefix(path, "policy.charges"):
		return "loan_charge"
	case strings.HasPrefix(path, "policy.agreements"):
		return "agreements"
	case strings.HasPrefix(path, "policy."):
		return map[string]string{"policy.loanDays": "loan_days", "policy.renewals": "renewals", "policy.renewalDays": "renewal_days",
			"policy.dailyCap": "daily_cap", "policy.responseDays": "response_days"}[path]
	case path == "calendar":
		return "time_zone"
	case strings.HasPrefix(path, "sru."):
		return map[string]string{"sru.baseURL": "sru_url", "sru.version": "sru_version", "sru.indexMap": "sru_indexes",
			"sru.timeoutSeconds": "sru_timeout", "sru.maxRecords": "sru_max"}[path]
	case base == "contacts":
		return "contacts"
	}
	return ""
}
