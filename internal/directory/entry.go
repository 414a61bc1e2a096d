package directory

import (
	"time"

	"interlend/internal/calendar"
	"interlend/internal/ill"
)

// Entry is one library of the network.
type Entry struct {
	// ID is the library id: its primary symbol's value, usually an ISIL
	// ("US-EXSUP"). Hosted agencies use their ill.AgencyID.
	ID ill.AgencyID `json:"id"`
	// Name is the library's display name.
	Name string `json:"name"`
	// Symbols are every agency id the library is known by in ISO 18626
	// messages. Normalise adds ISIL:<ID> when none is given.
	Symbols []Symbol `json:"symbols"`
	// Status says whether routing may send the library requests.
	Status Status `json:"status,omitempty"`

	Addresses []Address `json:"addresses,omitempty"`
	Contacts  []Contact `json:"contacts,omitempty"`

	// Endpoint is how the library's system is reached over ISO 18626.
	Endpoint Endpoint `json:"endpoint"`
	// DeliveryHosts are the host names from which the library delivers
	// files (a URL in one of its messages is followed only for these).
	DeliveryHosts []string `json:"deliveryHosts,omitempty"`

	Services []Service `json:"services,omitempty"`
	Policy   Policy    `json:"policy"`
	// Calendar is the library's time zone, opening hours and closures;
	// nil means unknown (routing assumes Monday to Friday in UTC).
	Calendar *calendar.Calendar `json:"calendar,omitempty"`
	// SRU is the library's catalog search service, if any.
	SRU *SRUTarget `json:"sru,omitempty"`

	Notes string `json:"notes,omitempty"`

	// Credentials hold the secrets of the endpoint's authentication. They
	// are never shown in the web interface and are left out of exports
	// unless asked for.
	Credentials []Credential `json:"credentials,omitempty"`

	// Hosted is set when reading: the library is an agency of this
	// deployment.
	Hosted bool `json:"-"`
	// UpdatedAt is set when reading.
	UpdatedAt time.Time `json:"-"`
}

// Status of a library in the directory.
type Status string

// Statuses.
const (
	StatusActive    Status = "active"    // routed to
	StatusSuspended Status = "suspended" // temporarily not lending (routing skips it, with the reason)
	StatusInactive  Status = "inactive"  // left the network or not yet live
)

// Statuses lists every status.
var Statuses = []Status{StatusActive, StatusSuspended, StatusInactive}

// Address is a postal address for one purpose.
type Address struct {
	Purpose    AddressPurpose `json:"purpose"`
	Name       string         `json:"name,omitempty"` // department or attention line
	Line1      string         `json:"line1,omitempty"`
	Line2      string         `json:"line2,omitempty"`
	Locality   string         `json:"locality,omitempty"`
	Region     string         `json:"region,omitempty"`
	PostalCode string         `json:"postalCode,omitempty"`
	Country    string         `json:"country,omitempty"` // ISO 3166 alpha-2
}

// AddressPurpose says what an address is for.
type AddressPurpose string

// Address purposes.
const (
	AddressShipping AddressPurpose = "shipping"
	AddressBilling  AddressPurpose = "billing"
	AddressReturns  AddressPurpose = "returns"
)

// AddressPurposes lists every purpose.
var AddressPurposes = []AddressPurpose{AddressShipping, AddressBilling, AddressReturns}

// Contact is a person or desk to reach.
type Contact struct {
	Role  string `json:"role,omitempty"` // ill, lending, borrowing, billing, technical
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Endpoint is the library's ISO 18626 service.
type Endpoint struct {
	// URL receives our messages; empty for a library we cannot message.
	URL string `json:"url,omitempty"`
	// Version is the ISO 18626 schema it speaks: "1.2" or "2021".
	Version string `json:"version,omitempty"`
	// Auth is the authentication profile.
	Auth Auth `json:"auth"`
	// Tolerance lists the deviations we accept in its messages.
	Tolerance Tolerance `json:"tolerance,omitempty"`
}

// ISO 18626 versions an endpoint may speak.
const (
	Version12   = "1.2"
	Version2021 = "2021"
)

// Service is something the library offers to borrowers.
type Service struct {
	Type ServiceType `json:"type"`
	// Formats are ISO 18626 formats it supplies (Printed, PDF, ...).
	Formats []string `json:"formats,omitempty"`
	// Electronic says it delivers electronically (by URL or email).
	Electronic bool `json:"electronic,omitempty"`
}

// ServiceType is an ISO 18626 service type.
type ServiceType string

// Service types offered in the directory.
const (
	ServiceLoan ServiceType = "Loan"
	ServiceCopy ServiceType = "Copy"
)

// ServiceTypes lists every service type.
var ServiceTypes = []ServiceType{ServiceLoan, ServiceCopy}

// Policy is the library's lending policy.
type Policy struct {
	// LoanDays is the loan period it grants.
	LoanDays int `json:"loanDays,omitempty"`
	// Renewals is how many renewals it grants; RenewalDays how long each.
	Renewals    int `json:"renewals,omitempty"`
	RenewalDays int `json:"renewalDays,omitempty"`
	// Charges are its standard charges per service.
	Charges []Charge `json:"charges,omitempty"`
	// Agreements are the groups it belongs to (consortia, reciprocal
	// groups) and what their members pay.
	Agreements []Agreement `json:"agreements,omitempty"`
	// DailyCap is the most new requests it takes per day; 0 means no cap.
	DailyCap int `json:"dailyCap,omitempty"`
	// ResponseDays is how many business days it takes to answer a
	// request; routing moves on after that. 0 means the network default.
	ResponseDays int `json:"responseDays,omitempty"`
}

// Charge is a price for a service.
type Charge struct {
	Service ServiceType `json:"service"`
	Amount  Money       `json:"amount"`
	// International is the price for a borrower in another country (as
	// on SHARES-style cards); zero means Amount for everyone.
	International Money `json:"international,omitzero"`
}

// Agreement is a library's membership of a group and its terms.
type Agreement struct {
	// Group is the group's code, shared by every member ("EXCONS").
	Group string `json:"group"`
	// Kind is consortium or reciprocal.
	Kind AgreementKind `json:"kind"`
	Name string        `json:"name,omitempty"`
	// Charges are what members of the group pay, replacing the standard
	// charges; none means free for a reciprocal group and the standard
	// charges for a consortium.
	Charges []Charge `json:"charges,omitempty"`
	Notes   string   `json:"notes,omitempty"`
}

// AgreementKind is the kind of a group.
type AgreementKind string

// Agreement kinds.
const (
	AgreementConsortium AgreementKind = "consortium"
	AgreementReciprocal AgreementKind = "reciprocal"
)

// SRUTarget is a library's SRU catalog service.
type SRUTarget struct {
	BaseURL string `json:"baseURL"`
	// Version is "1.2" (default) or "2.0".
	Version string `json:"version,omitempty"`
	// IndexMap maps our index names (isbn, issn, oclc, lccn, id, title,
	// author) to the target's CQL indexes.
	IndexMap map[string]string `json:"indexMap,omitempty"`
	// TimeoutSeconds bounds each search; 0 means the default (15 s).
	TimeoutSeconds int `json:"timeoutSeconds,omitempty"`
	// RecordSchema overrides "marcxml" for servers that name it otherwise.
	RecordSchema string `json:"recordSchema,omitempty"`
	// MaxRecords is how many records to ask for; 0 means 10.
	MaxRecords int `json:"maxRecords,omitempty"`
}

// Timeout is the search timeout as a duration (0 for the default).
func (s SRUTarget) Timeout() time.Duration { return time.Duration(s.TimeoutSeconds) * time.Second }

// Lends reports whether the library offers service t.
func (e *Entry) Lends(t ServiceType) bool {
	for _, s := range e.Services {
		if s.Type == t {
			return true
		}
	}
	return false
}

// Service returns the library's offer of type t, if any.
func (e *Entry) Service(t ServiceType) (Service, bool) {
	for _, s := range e.Services {
		if s.Type == t {
			return s, true
		}
	}
	return Service{}, false
}

// Address returns the library's address for purpose p; a returns address
// falls back to the shipping address.
func (e *Entry) Address(p AddressPurpose) (Address, bool) {
	for _, a := range e.Addresses {
		if a.Purpose == p {
			return a, true
		}
	}
	if p == AddressReturns {
		return e.Address(AddressShipping)
	}
	return Address{}, false
}

// Routable reports whether routing may send the library requests: it is
// active and has an endpoint.
func (e *Entry) Routable() bool {
	return (e.Status == StatusActive || e.Status == "") && e.Endpoint.URL != ""
}

// HasSymbol reports whether s is one of the library's symbols (compared
// case-insensitively).
func (e *Entry) HasSymbol(s Symbol) bool {
	for _, have := range e.Symbols {
		if have.Key() == s.Key() {
			return true
		}
	}
	return false
}

// Public returns a copy without credentials, for published exports.
func (e Entry) Public() Entry {
	e.Credentials = nil
	return e
}

// Masked returns a copy whose credentials keep their method and user name
// but not their secrets (Stored says one is kept), for pages.
func (e Entry) Masked() Entry {
	cs := make([]Credential, len(e.Credentials))
	for i, c := range e.Credentials {
		c.Stored = c.HasSecret()
		c.Secret, c.SecretHash = "", ""
		cs[i] = c
	}
	e.Credentials = cs
	return e
}
