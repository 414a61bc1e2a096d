package peertest

import (
	"crypto/sha256"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"interlend/internal/iso18626"
	"interlend/internal/testenv"
)

// Message is what a test needs to know of an ISO 18626 message on the
// wire: its type and the fields flows are checked with.
type Message struct {
	Type        string // Request, SAM or RAM ("" if unreadable)
	Version     iso18626.Version
	From, To    string // agency id values: requesting/supplying as the type says
	RequesterID string // requestingAgencyRequestId
	SupplierID  string // supplyingAgencyRequestId
	RequestType string // Request: New, Retry, Reminder
	PreviousID  string // Request: requestingAgencyPreviousRequestId
	ServiceType string
	Status      string // SAM
	Reason      string // SAM reasonForMessage
	Answer      string // SAM answerYesNo
	ReasonRetry string
	Unfilled    string // SAM reasonUnfilled
	Conditions  []string
	Action      string // RAM
	Note        string
	DeliveryURL string // SAM deliveryInfo/url (2021) or itemId
	Cost        string // offered cost, "12.50 USD"
}

func (m Message) String() string {
	switch m.Type {
	case "Request":
		return fmt.Sprintf("Request %s %s->%s %s", orNew(m.RequestType), m.From, m.To, m.RequesterID)
	case "SAM":
		s := fmt.Sprintf("SAM %s/%s", m.Status, m.Reason)
		if m.Answer != "" {
			s += " " + m.Answer
		}
		return s + fmt.Sprintf(" %s->%s %s", m.From, m.To, m.RequesterID)
	case "RAM":
		return fmt.Sprintf("RAM %s %s->%s %s", m.Action, m.From, m.To, m.RequesterID)
	}
	return "(unreadable)"
}

func orNew(s string) string {
	if s == "" {
		return "New"
	}
	return s
}

// Confirmation is what a confirmation said.
type Confirmation struct {
	OK         bool
	ErrorType  string
	ErrorValue string
}

func (c Confirmation) String() string {
	if c.OK {
		return "OK"
	}
	return "ERROR " + c.ErrorType + " " + c.ErrorValue
}

// Summarise reads a message leniently; an unreadable body gives Type "".
func Summarise(body []byte) Message {
	m, _, err := iso18626.ParseWith(body, iso18626.ParseOptions{Tolerance: iso18626.Lenient()})
	if err != nil {
		return Message{}
	}
	out := Message{Version: m.Version}
	head := func(h iso18626.Header) {
		out.RequesterID, out.SupplierID = h.RequestingAgencyRequestID, h.SupplyingAgencyRequestID
	}
	switch {
	case m.Request != nil:
		r := m.Request
		out.Type, out.From, out.To = "Request", r.Header.RequestingAgencyID.Value, r.Header.SupplyingAgencyID.Value
		head(r.Header)
		if si := r.ServiceInfo; si != nil {
			out.RequestType, out.PreviousID, out.ServiceType = string(si.RequestType), si.RequestingAgencyPreviousRequestID, string(si.ServiceType)
			out.Conditions = codeValues(si.LoanCondition)
		}
	case m.SupplyingAgencyMessage != nil:
		s := m.SupplyingAgencyMessage
		out.Type, out.From, out.To = "SAM", s.Header.SupplyingAgencyID.Value, s.Header.RequestingAgencyID.Value
		head(s.Header)
		out.Status, out.Reason, out.Answer = string(s.StatusInfo.Status), string(s.MessageInfo.ReasonForMessage), string(s.MessageInfo.AnswerYesNo)
		out.ReasonRetry, out.Unfilled, out.Note = s.MessageInfo.ReasonRetry.Value, s.MessageInfo.ReasonUnfilled.Value, s.MessageInfo.Note
		if ri := s.RetryInfo; ri != nil {
			out.Conditions = append(out.Conditions, codeValues(ri.LoanCondition)...)
			if len(ri.OfferedCosts) > 0 {
				c := ri.OfferedCosts[0]
				out.Cost = fmt.Sprintf("%v %s", c.MonetaryValue, c.CurrencyCode.Value)
			}
		}
		if d := s.DeliveryInfo; d != nil {
			out.Conditions = append(out.Conditions, codeValues(d.LoanCondition)...)
			out.DeliveryURL = d.URL
			for _, id := range d.ItemID {
				if out.DeliveryURL == "" && (strings.HasPrefix(id, "http://") || strings.HasPrefix(id, "https://")) {
					out.DeliveryURL = id
				}
			}
		}
	case m.RequestingAgencyMessage != nil:
		r := m.RequestingAgencyMessage
		out.Type, out.From, out.To = "RAM", r.Header.RequestingAgencyID.Value, r.Header.SupplyingAgencyID.Value
		head(r.Header)
		out.Action, out.Note = string(r.Action), r.Note
	}
	return out
}

func codeValues(cs []iso18626.Code) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Value)
	}
	return out
}

// SummariseConfirmation reads a confirmation (OK false if unreadable).
func SummariseConfirmation(body []byte) Confirmation {
	m, _, err := iso18626.ParseWith(body, iso18626.ParseOptions{Tolerance: iso18626.Lenient()})
	if err != nil {
		return Confirmation{ErrorType: "(unreadable)", ErrorValue: err.Error()}
	}
	var h *iso18626.ConfirmationHeader
	var errs []iso18626.ErrorData
	switch {
	case m.RequestConfirmation != nil:
		h, errs = &m.RequestConfirmation.Header, m.RequestConfirmation.ErrorData
	case m.SupplyingAgencyMessageConfirmation != nil:
		h, errs = &m.SupplyingAgencyMessageConfirmation.Header, m.SupplyingAgencyMessageConfirmation.ErrorData
	case m.RequestingAgencyMessageConfirmation != nil:
		h, errs = &m.RequestingAgencyMessageConfirmation.Header, m.RequestingAgencyMessageConfirmation.ErrorData
	default:
		return Confirmation{ErrorType: "(not a confirmation)"}
	}
	c := Confirmation{OK: h.MessageStatus == iso18626.MessageOK}
	if len(errs) > 0 {
		c.ErrorType, c.ErrorValue = string(errs[0].ErrorType), errs[0].ErrorValue
	}
	return c
}

// Schema is the XSD of a version in the repository's standards folder.
func Schema(tb testing.TB, v iso18626.Version) string {
	if v == iso18626.V2021 {
		return testenv.Standards(tb, "iso18626", "ISO-18626-2021-2.xsd")
	}
	return testenv.Standards(tb, "iso18626", "ISO-18626-v1_2.xsd")
}

// ValidateAll checks every document against the XSD of version v with
// xmllint (each distinct document once, several at a time) and reports
// each that does not validate. It returns how many distinct documents it
// checked.
func ValidateAll(tb testing.TB, v iso18626.Version, docs [][]byte) int {
	tb.Helper()
	testenv.RequireTool(tb, "xmllint", "libxml2-utils")
	schema := Schema(tb, v)
	seen := map[[32]byte]bool{}
	var todo [][]byte
	for _, d := range docs {
		k := sha256.Sum256(d)
		if len(d) == 0 || seen[k] {
			continue
		}
		seen[k] = true
		todo = append(todo, d)
	}
	type bad struct {
		doc []byte
		err error
	}
	var mu sync.Mutex
	var bads []bad
	work := make(chan []byte)
	var wg sync.WaitGroup
	for range max(2, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range work {
				if err := testenv.CheckXSD(tb, schema, d); err != nil {
					mu.Lock()
					bads = append(bads, bad{d, err})
					mu.Unlock()
				}
			}
		}()
	}
	for _, d := range todo {
		work <- d
	}
	close(work)
	wg.Wait()
	slices.SortFunc(bads, func(a, b bad) int { return strings.Compare(string(a.doc), string(b.doc)) })
	for _, b := range bads {
		tb.Errorf("a message does not validate against %s:\n%v\n--- message ---\n%s", v, b.err, b.doc)
	}
	return len(todo)
}

// Documents are the bodies and the confirmations of exchanges that are
// ISO 18626 (relay errors and HTTP error texts are left out).
func Documents(log []Exchange) [][]byte {
	var out [][]byte
	for _, e := range log {
		if e.Msg.Type != "" {
			out = append(out, e.Body)
		}
		if e.Status == 200 && len(e.Reply) > 0 {
			out = append(out, e.Reply)
		}
	}
	return out
}
