package openurl

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"interlend/internal/ill"
)

// Errors returned by Parse and ParseRequest, checked with errors.Is.
var (
	// ErrNoCitation means the input carried no bibliographic field and no
	// identifier: nothing to fill a request form with.
	ErrNoCitation = errors.New("no citation data")
	// ErrTooLarge means the input is longer than MaxInputBytes.
	ErrTooLarge = errors.New("input too large")
	// ErrUnsupported means an HTTP request whose method or content type
	// cannot carry an OpenURL.
	ErrUnsupported = errors.New("unsupported request")
)

// Version is the OpenURL version detected from the keys present.
type Version string

// OpenURL versions.
const (
	VersionUnknown Version = ""       // no version-specific key seen
	Version01      Version = "0.1"    // only OpenURL 0.1 keys (sid, id, genre, title, ...)
	Version10      Version = "1.0"    // only Z39.88-2004 keys (url_ver, rft.*, rft_id, ...)
	VersionHybrid  Version = "hybrid" // both; 1.0 keys were preferred
)

// Format is the kind of metadata the referent was read as: the
// rft_val_fmt matrix when given, else what the genre and fields imply.
type Format string

// Metadata formats (the last part of info:ofi/fmt:kev:mtx:<format>).
const (
	FormatUnknown      Format = ""
	FormatJournal      Format = "journal"
	FormatBook         Format = "book"
	FormatDissertation Format = "dissertation"
	FormatPatent       Format = "patent"
)

// ServiceType is the ISO 18626 serviceType suggested for the request.
// (It belongs in package ill; kept here until ill defines it.)
type ServiceType string

// ISO 18626 service types.
const (
	ServiceUnknown    ServiceType = "" // nothing says which; ask the patron
	ServiceCopy       ServiceType = "Copy"
	ServiceLoan       ServiceType = "Loan"
	ServiceCopyOrLoan ServiceType = "CopyOrLoan"
)

// Identifier is one identifier found in the OpenURL.
type Identifier struct {
	Scheme string `json:"scheme"` // doi, pmid, oclc, lccn, isbn, issn, eissn, hdl, oai, url, ... or "other"
	Value  string `json:"value"`  // normalised value, without the scheme prefix
	Key    string `json:"key"`    // the key it came from, as sent: rft_id, id, rft.isbn
}

// Warning is something in the input that was odd, ignored or repaired.
type Warning struct {
	Key     string `json:"key,omitempty"` // key concerned, as sent; empty for the input as a whole
	Message string `json:"message"`
}

func (w Warning) String() string {
	if w.Key == "" {
		return w.Message
	}
	return w.Key + ": " + w.Message
}

// Result is what an OpenURL says. Fields that ill.Citation lacks are kept
// here (ShortTitle, Part, TotalPages, ...).
type Result struct {
	Citation    ill.Citation `json:"citation"`
	ServiceType ServiceType  `json:"serviceType,omitempty"`
	Format      Format       `json:"format,omitempty"`
	Genre       string       `json:"genre,omitempty"` // genre as sent, lower-cased
	Version     Version      `json:"version,omitempty"`
	// Referrer is rfr_id or sid without the info:sid/ prefix
	// ("Entrez:PubMed"); Citation.Source holds the same.
	Referrer string `json:"referrer,omitempty"`
	// Requester is req_id: a patron lookup hint. Never log or forward it.
	Requester   Requester    `json:"requester,omitempty"`
	Identifiers []Identifier `json:"identifiers,omitempty"`
	// Date is the publication date normalised to YYYY, YYYY-MM or
	// YYYY-MM-DD; empty when the OpenURL had none that parses.
	// Citation.PubDate is the date as cited (maybe "Spring 2019").
	Date          string   `json:"date,omitempty"`
	ShortTitle    string   `json:"shortTitle,omitempty"` // stitle
	Part          string   `json:"part,omitempty"`
	TotalPages    string   `json:"totalPages,omitempty"` // tpages
	ArticleNumber string   `json:"articleNumber,omitempty"`
	CODEN         string   `json:"coden,omitempty"`
	SICI          string   `json:"sici,omitempty"`
	BICI          string   `json:"bici,omitempty"`
	Country       string   `json:"country,omitempty"`     // co or cc
	PrivateData   string   `json:"privateData,omitempty"` // rft_dat or 0.1 pid
	Services      []string `json:"services,omitempty"`    // svc.* keys set to yes: fulltext, ill, ...
	// Notes are facts with no citation field, for the request's note:
	// "Degree: Ph.D.", "Advisor: Smith, John".
	Notes []string `json:"notes,omitempty"`
	// Extra keeps keys that were not understood, as sent, with their
	// decoded values (requester keys are never kept).
	Extra    map[string][]string `json:"extra,omitempty"`
	Warnings []Warning           `json:"warnings,omitempty"`
}

// Requester is the OpenURL req_id (usually "mailto:..."), personal data.
// Every way of printing it redacts it; use Value or Email on purpose.
type Requester string

const redacted = "[redacted]"

// Value is the req_id as sent.
func (r Requester) Value() string { return string(r) }

// Email is the address of a mailto: requester, or "".
func (r Requester) Email() string {
	s := string(r)
	if len(s) > 7 && strings.EqualFold(s[:7], "mailto:") {
		return strings.TrimSpace(s[7:])
	}
	return ""
}

func (r Requester) mask() string {
	if r == "" {
		return ""
	}
	return redacted
}

// String redacts the requester.
func (r Requester) String() string { return r.mask() }

// Format redacts the requester for every fmt verb, %#v included.
func (r Requester) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, r.mask()) }

// LogValue redacts the requester in slog output.
func (r Requester) LogValue() slog.Value { return slog.StringValue(r.mask()) }

// MarshalJSON redacts the requester, so that a Result can be logged or
// sent to a browser as JSON without leaking it.
func (r Requester) MarshalJSON() ([]byte, error) { return []byte(`"` + r.mask() + `"`), nil }
