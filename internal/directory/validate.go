package directory

import (
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"

	"interlend/internal/ill"
	"interlend/internal/sru"
)

// Normalise tidies an entry typed by a person or read from a file: spaces
// trimmed, the status defaulted to active, ISIL:<ID> added when no symbol
// is given, codes and fingerprints in their canonical case, known
// tolerance names in their canonical spelling. It does not check; see
// Validate.
func (e *Entry) Normalise() {
	e.ID = ill.AgencyID(strings.TrimSpace(string(e.ID)))
	e.Name = strings.TrimSpace(e.Name)
	if e.Status == "" {
		e.Status = StatusActive
	}
	e.Status = Status(strings.ToLower(strings.TrimSpace(string(e.Status))))
	var syms []Symbol
	for _, s := range e.Symbols {
		s.Type, s.Value = strings.ToUpper(strings.TrimSpace(s.Type)), strings.TrimSpace(s.Value)
		if !slices.ContainsFunc(syms, func(h Symbol) bool { return h.Key() == s.Key() }) {
			syms = append(syms, s)
		}
	}
	if len(syms) == 0 && e.ID != "" {
		syms = []Symbol{ISIL(string(e.ID))}
	}
	e.Symbols = syms
	for i := range e.Addresses {
		a := &e.Addresses[i]
		a.Purpose = AddressPurpose(strings.ToLower(strings.TrimSpace(string(a.Purpose))))
		for _, f := range []*string{&a.Name, &a.Line1, &a.Line2, &a.Locality, &a.Region, &a.PostalCode} {
			*f = strings.TrimSpace(*f)
		}
		a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
	}
	for i := range e.Contacts {
		c := &e.Contacts[i]
		c.Role, c.Name, c.Email, c.Phone = strings.ToLower(strings.TrimSpace(c.Role)), strings.TrimSpace(c.Name), strings.TrimSpace(c.Email), strings.TrimSpace(c.Phone)
	}
	ep := &e.Endpoint
	ep.URL = strings.TrimSpace(ep.URL)
	switch v := strings.ToLower(strings.TrimSpace(ep.Version)); v {
	case "1.2", "v1.2", "1_2", "2017":
		ep.Version = Version12
	case "2021", "2021-2", "v2021":
		ep.Version = Version2021
	default:
		ep.Version = strings.TrimSpace(ep.Version)
	}
	for i, m := range ep.Auth.Inbound {
		ep.Auth.Inbound[i] = AuthMethod(strings.ToLower(strings.TrimSpace(string(m))))
	}
	ep.Auth.Inbound = slices.Compact(ep.Auth.Inbound)
	ep.Auth.Outbound = AuthMethod(strings.ToLower(strings.TrimSpace(string(ep.Auth.Outbound))))
	ep.Auth.AllowIPs = trimAll(ep.Auth.AllowIPs)
	for i, f := range ep.Auth.CertFingerprints {
		ep.Auth.CertFingerprints[i] = NormaliseFingerprint(f)
	}
	ep.Tolerance = ep.Tolerance.normalise()
	var hosts []string
	for _, h := range trimAll(e.DeliveryHosts) {
		h = strings.ToLower(strings.TrimSuffix(h, "."))
		if !slices.Contains(hosts, h) {
			hosts = append(hosts, h)
		}
	}
	e.DeliveryHosts = hosts
	for i := range e.Services {
		s := &e.Services[i]
		s.Type = ServiceType(canonical(string(s.Type), ServiceTypes))
		s.Formats = trimAll(s.Formats)
	}
	p := &e.Policy
	for i := range p.Charges {
		p.Charges[i].Service = ServiceType(canonical(string(p.Charges[i].Service), ServiceTypes))
	}
	for i := range p.Agreements {
		a := &p.Agreements[i]
		a.Group = strings.ToUpper(strings.TrimSpace(a.Group))
		a.Kind = AgreementKind(strings.ToLower(strings.TrimSpace(string(a.Kind))))
		a.Name, a.Notes = strings.TrimSpace(a.Name), strings.TrimSpace(a.Notes)
		for j := range a.Charges {
			a.Charges[j].Service = ServiceType(canonical(string(a.Charges[j].Service), ServiceTypes))
		}
	}
	if e.SRU != nil {
		e.SRU.BaseURL = strings.TrimSpace(e.SRU.BaseURL)
		e.SRU.Version = strings.TrimSpace(e.SRU.Version)
		if e.SRU.BaseURL == "" && len(e.SRU.IndexMap) == 0 {
			e.SRU = nil
		}
	}
	for i := range e.Credentials {
		c := &e.Credentials[i]
		c.Direction = Direction(strings.ToLower(strings.TrimSpace(string(c.Direction))))
		c.Method = AuthMethod(strings.ToLower(strings.TrimSpace(string(c.Method))))
		c.Username = strings.TrimSpace(c.Username)
	}
	e.Notes = strings.TrimSpace(e.Notes)
}

func trimAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// canonical returns the value of list equal to s ignoring case, or s.
func canonical[T ~string](s string, list []T) string {
	s = strings.TrimSpace(s)
	for _, v := range list {
		if strings.EqualFold(string(v), s) {
			return string(v)
		}
	}
	return s
}

// Validate checks a normalised entry. It returns an Invalid error whose
// fields name each problem ("endpoint.url", "policy.charges[1]", ...).
func (e *Entry) Validate() error {
	f := map[string]string{}
	if e.ID == "" {
		f["id"] = "the library id is required (its ISIL, e.g. US-EXSUP)"
	} else if strings.ContainsAny(string(e.ID), " \t\r\n/?#%") || len(e.ID) > 64 {
		f["id"] = "the library id may not contain spaces, /, ?, # or % and has at most 64 characters"
	}
	if e.Name == "" {
		f["name"] = "the name is required"
	}
	if !slices.Contains(Statuses, e.Status) {
		f["status"] = fmt.Sprintf("status %q: want active, suspended or inactive", e.Status)
	}
	idIsSymbol := false
	for i, s := range e.Symbols {
		if _, err := ParseSymbol(s.String()); err != nil {
			f[fmt.Sprintf("symbols[%d]", i)] = err.Error()
		}
		idIsSymbol = idIsSymbol || strings.EqualFold(s.Value, string(e.ID))
	}
	if e.ID != "" && !idIsSymbol {
		f["symbols"] = fmt.Sprintf("one symbol must have the library id %s as its value (e.g. ISIL:%s)", e.ID, e.ID)
	}
	for i, a := range e.Addresses {
		if !slices.Contains(AddressPurposes, a.Purpose) {
			f[fmt.Sprintf("addresses[%d].purpose", i)] = fmt.Sprintf("purpose %q: want shipping, billing or returns", a.Purpose)
		}
		if a.Line1 == "" && a.Locality == "" {
			f[fmt.Sprintf("addresses[%d]", i)] = "an address needs at least a street line or a town"
		}
		if a.Country != "" && (len(a.Country) != 2 || !isUpperLetters(a.Country)) {
			f[fmt.Sprintf("addresses[%d].country", i)] = "the country is a two-letter ISO 3166 code such as US"
		}
	}
	for i, c := range e.Contacts {
		if c.Email != "" {
			if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
				f[fmt.Sprintf("contacts[%d].email", i)] = fmt.Sprintf("%q is not an email address", c.Email)
			}
		}
		if c.Name == "" && c.Email == "" && c.Phone == "" {
			f[fmt.Sprintf("contacts[%d]", i)] = "a contact needs a name, an email or a phone number"
		}
	}
	e.validateEndpoint(f)
	for i, h := range e.DeliveryHosts {
		if !validHost(h) {
			f[fmt.Sprintf("deliveryHosts[%d]", i)] = fmt.Sprintf("%q is not a host name (give files.example.edu, without https:// or a path)", h)
		}
	}
	seen := map[ServiceType]bool{}
	for i, s := range e.Services {
		if !slices.Contains(ServiceTypes, s.Type) {
			f[fmt.Sprintf("services[%d].type", i)] = fmt.Sprintf("service %q: want Loan or Copy", s.Type)
		} else if seen[s.Type] {
			f[fmt.Sprintf("services[%d].type", i)] = fmt.Sprintf("service %s is listed twice", s.Type)
		}
		seen[s.Type] = true
	}
	e.validatePolicy(f)
	if e.Calendar != nil {
		if err := e.Calendar.Validate(); err != nil {
			f["calendar"] = err.Error()
		}
	}
	if e.SRU != nil {
		validateSRU(e.SRU, f)
	}
	validateCredentials(e.Credentials, f)
	if len(f) > 0 {
		return ill.E(ill.Invalid, fmt.Sprintf("the directory entry %s needs correcting", orUnnamed(e.ID)), f)
	}
	return nil
}

func orUnnamed(id ill.AgencyID) string {
	if id == "" {
		return "(without id)"
	}
	return string(id)
}

func (e *Entry) validateEndpoint(f map[string]string) {
	ep := e.Endpoint
	if ep.URL != "" && !httpURL(ep.URL) {
		f["endpoint.url"] = "the endpoint is an absolute http:// or https:// URL"
	}
	switch ep.Version {
	case "":
		if ep.URL != "" {
			f["endpoint.version"] = "give the ISO 18626 version the endpoint speaks: 1.2 or 2021"
		}
	case Version12, Version2021:
	default:
		f["endpoint.version"] = fmt.Sprintf("version %q: want 1.2 or 2021", ep.Version)
	}
	for i, m := range ep.Auth.Inbound {
		if !slices.Contains(AuthMethods, m) {
			f[fmt.Sprintf("endpoint.auth.inbound[%d]", i)] = fmt.Sprintf("method %q: want one of %s", m, methodList())
		}
	}
	if slices.Contains(ep.Auth.Inbound, AuthNone) && len(ep.Auth.Inbound) > 1 {
		f["endpoint.auth.inbound"] = "none cannot be combined with other methods"
	}
	switch ep.Auth.Outbound {
	case "", AuthNone, AuthBasic, AuthBearer, AuthHeader:
	default:
		f["endpoint.auth.outbound"] = fmt.Sprintf("method %q: we can present none, basic, bearer or iso-header", ep.Auth.Outbound)
	}
	for i, s := range ep.Auth.AllowIPs {
		if _, err := parsePrefix(s); err != nil {
			f[fmt.Sprintf("endpoint.auth.allowIPs[%d]", i)] = fmt.Sprintf("%q is not an IP address or CIDR prefix", s)
		}
	}
	if slices.Contains(ep.Auth.Inbound, AuthIP) && len(ep.Auth.AllowIPs) == 0 {
		f["endpoint.auth.allowIPs"] = "the ip method needs at least one allowed address"
	}
	for i, fp := range ep.Auth.CertFingerprints {
		if len(fp) != 64 || strings.Trim(fp, "0123456789abcdef") != "" {
			f[fmt.Sprintf("endpoint.auth.certFingerprints[%d]", i)] = "a certificate fingerprint is a SHA-256: 64 hex digits"
		}
	}
	if slices.Contains(ep.Auth.Inbound, AuthMTLS) && len(ep.Auth.CertFingerprints) == 0 {
		f["endpoint.auth.certFingerprints"] = "the mtls method needs at least one certificate fingerprint"
	}
	if _, err := ep.Tolerance.Parse(); err != nil {
		f["endpoint.tolerance"] = err.Error()
	}
}

func methodList() string {
	var out []string
	for _, m := range AuthMethods {
		out = append(out, string(m))
	}
	return strings.Join(out, ", ")
}

func (e *Entry) validatePolicy(f map[string]string) {
	p := e.Policy
	for name, v := range map[string]int{"policy.loanDays": p.LoanDays, "policy.renewals": p.Renewals, "policy.renewalDays": p.RenewalDays,
		"policy.dailyCap": p.DailyCap, "policy.responseDays": p.ResponseDays} {
		if v < 0 || v > 3650 && name != "policy.dailyCap" {
			f[name] = "must be a whole number from 0 to 3650"
		}
	}
	validateCharges("policy.charges", p.Charges, f)
	groups := map[string]bool{}
	for i, a := range p.Agreements {
		key := fmt.Sprintf("policy.agreements[%d]", i)
		switch {
		case a.Group == "":
			f[key+".group"] = "the group code is required"
		case strings.ContainsAny(a.Group, " \t,;|:"):
			f[key+".group"] = "a group code has no spaces or punctuation such as , ; | :"
		case groups[a.Group]:
			f[key+".group"] = fmt.Sprintf("group %s is listed twice", a.Group)
		}
		groups[a.Group] = true
		if a.Kind != AgreementConsortium && a.Kind != AgreementReciprocal {
			f[key+".kind"] = fmt.Sprintf("kind %q: want consortium or reciprocal", a.Kind)
		}
		validateCharges(key+".charges", a.Charges, f)
	}
}

func validateCharges(key string, cs []Charge, f map[string]string) {
	seen := map[ServiceType]bool{}
	for i, c := range cs {
		k := fmt.Sprintf("%s[%d]", key, i)
		switch {
		case !slices.Contains(ServiceTypes, c.Service):
			f[k] = fmt.Sprintf("service %q: want Loan or Copy", c.Service)
		case seen[c.Service]:
			f[k] = fmt.Sprintf("a second charge for %s", c.Service)
		case c.Amount.Minor < 0:
			f[k] = "a charge cannot be negative"
		case c.Amount.Minor > 0 && c.Amount.Currency == "":
			f[k] = "a charge needs a currency"
		}
		seen[c.Service] = true
	}
}

func validateSRU(s *SRUTarget, f map[string]string) {
	if !httpURL(s.BaseURL) {
		f["sru.baseURL"] = "the SRU base URL is an absolute http:// or https:// URL"
	}
	switch s.Version {
	case "", "1.1", "1.2", "2.0":
	default:
		f["sru.version"] = fmt.Sprintf("SRU version %q: want 1.2 or 2.0", s.Version)
	}
	known := sru.DefaultIndexMap()
	for k, v := range s.IndexMap {
		if _, ok := known[k]; !ok {
			f["sru.indexMap"] = fmt.Sprintf("unknown index %q (known: isbn, issn, oclc, lccn, id, title, author)", k)
		} else if strings.TrimSpace(v) == "" {
			f["sru.indexMap"] = fmt.Sprintf("index %q maps to nothing", k)
		}
	}
	if s.TimeoutSeconds < 0 || s.TimeoutSeconds > 300 {
		f["sru.timeoutSeconds"] = "the timeout is from 1 to 300 seconds (0 for the default)"
	}
	if s.MaxRecords < 0 || s.MaxRecords > 100 {
		f["sru.maxRecords"] = "ask for 1 to 100 records (0 for the default)"
	}
}

func validateCredentials(cs []Credential, f map[string]string) {
	seen := map[string]bool{}
	for i, c := range cs {
		k := fmt.Sprintf("credentials[%d]", i)
		switch {
		case c.Direction != Inbound && c.Direction != Outbound:
			f[k] = fmt.Sprintf("direction %q: want inbound or outbound", c.Direction)
		case !slices.Contains(secretMethods, c.Method):
			f[k] = fmt.Sprintf("method %q: credentials are for basic, bearer or iso-header", c.Method)
		case seen[c.key()]:
			f[k] = fmt.Sprintf("a second %s %s credential", c.Direction, c.Method)
		case (c.Method == AuthBasic || c.Method == AuthHeader) && c.Username == "":
			f[k] = "a user name (or accountId) is required"
		case c.Direction == Inbound && c.Secret != "" && len(c.Secret) < MinSecretLength:
			f[k] = fmt.Sprintf("an inbound secret has at least %d characters", MinSecretLength)
		case c.Direction == Inbound && c.SecretHash != "" && !strings.HasPrefix(c.SecretHash, "sha256:"):
			f[k] = "secretHash is the sha256:... form written by an export"
		case c.Direction == Outbound && c.SecretHash != "":
			f[k] = "an outbound secret is kept in clear (we must send it): give secret, not secretHash"
		}
		seen[c.key()] = true
	}
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// validHost accepts a DNS name or an IP address, without scheme, port or
// path.
func validHost(h string) bool {
	if h == "" || len(h) > 253 || strings.ContainsAny(h, "/:?#@ ") {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

func isUpperLetters(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// AllowsDeliveryFrom reports whether a file URL may be fetched for this
// library: its host is one of DeliveryHosts (or the endpoint's host).
func (e *Entry) AllowsDeliveryFrom(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if slices.Contains(e.DeliveryHosts, host) {
		return true
	}
	if ep, err := url.Parse(e.Endpoint.URL); err == nil && e.Endpoint.URL != "" {
		return strings.EqualFold(ep.Hostname(), host)
	}
	return false
}
