package app

import (
	"fmt"
	"strings"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/mail"
	"interlend/internal/store"
)

// EmailSystem is the external system of borrowing requests placed with a
// lender by email: what we would send it is emailed to the lender's
// lending contact in the directory, from the partner.borrowing template.
const EmailSystem = "email"

// PartnerBorrowingNotice is the notice key of our emails to an email-only
// lender.
const PartnerBorrowingNotice = "partner.borrowing"

// PartnerBorrowingData is what the email to an email-only lender gets.
type PartnerBorrowingData struct {
	Library   string // the borrowing library (us)
	Symbol    string // our ISIL or symbol
	RequestID string // our number, to quote
	Lines     []string
	Note      string
}

const (
	borrowingSubject = `{{t "offsystem.mail.subject" .RequestID .Library}}`
	borrowingText    = `{{t "webform.mail.greeting"}}

{{range .Lines}}{{.}}
{{end}}{{if .Note}}
{{t "webform.mail.note" .Note}}
{{end}}
{{t "offsystem.mail.quote" .RequestID}}

-- 
{{.Library}} ({{.Symbol}})
`
)

func init() {
	mail.Register(mail.Notice{Key: PartnerBorrowingNotice, Description: "to a lender we reach by email: our request and what we do with it",
		Default: mail.Template{Subject: borrowingSubject, Text: borrowingText},
		Sample: PartnerBorrowingData{Library: "Example University Library", Symbol: "US-EXU", RequestID: "B1000042",
			Lines: []string{"We ask you to lend:", "Title: Silent spring"}, Note: "Needed by 12 March."}})
}

// mailLender emails an email-only lender what message m of borrowing
// request r (placed by email) would have told it.
func (a *App) mailLender(tx *store.Tx, r *ill.Request, m ill.Message) error {
	if r.Side != ill.Borrowing || r.Protocol != ProtocolOffSystem || !strings.EqualFold(r.ExternalSystem, EmailSystem) || r.Partner == "" {
		return nil
	}
	lines := lenderLines(r, m)
	if len(lines) == 0 {
		return nil
	}
	e, err := tx.Network().DirectoryEntry(r.Partner)
	if ill.Is(err, ill.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	to, name := lendingContact(e)
	if to == "" {
		return nil
	}
	ag, err := tx.System().GetAgency(r.Agency)
	if err != nil {
		return err
	}
	d := PartnerBorrowingData{Library: ag.Name, Symbol: string(r.Agency), RequestID: r.PublicID, Lines: lines, Note: m.Note}
	return a.QueueNotice(tx, Notice{Agency: r.Agency, To: to, ToName: name, Key: PartnerBorrowingNotice, Data: d, RequestRef: r.PublicID,
		IdempotencyKey: fmt.Sprintf("lender:%s:%s:%s%s:%d", r.Agency, r.PublicID, m.Kind, m.Action, m.Timestamp.Unix())})
}

// lendingContact is the lender's contact for ILL requests: the lending
// desk, else ILL, else any contact with an email.
func lendingContact(e directory.Entry) (string, string) {
	for _, role := range []string{"lending", "ill", ""} {
		for _, c := range e.Contacts {
			if c.Email != "" && (role == "" || strings.EqualFold(c.Role, role)) {
				return c.Email, c.Name
			}
		}
	}
	return "", ""
}

// lenderLines says message m in words for the lender (English: the
// template can be replaced).
func lenderLines(r *ill.Request, m ill.Message) []string {
	switch {
	case m.Kind == ill.MsgRequest:
		c := r.Citation
		out := []string{"We ask you to " + map[bool]string{true: "supply a copy of", false: "lend us"}[r.ServiceType == ill.Copy] + ":"}
		add := func(label, v string) {
			if v != "" {
				out = append(out, label+": "+v)
			}
		}
		add("Title", c.Title)
		add("Article", c.ArticleTitle)
		add("Journal", c.JournalTitle)
		add("Author", c.Author)
		add("Edition", c.Edition)
		add("Volume", c.Volume)
		add("Issue", c.Issue)
		add("Pages", c.Pages)
		add("Date", c.PubDate)
		add("ISBN", c.ISBN)
		add("ISSN", c.ISSN)
		add("OCLC number", c.OCLCNumber)
		add("DOI", c.DOI)
		if !r.NeedBefore.IsZero() {
			add("Needed before", r.NeedBefore.Format("2 January 2006"))
		}
		if r.MaxCost.Minor > 0 {
			add("We pay at most", fmt.Sprintf("%d.%02d %s", r.MaxCost.Minor/100, r.MaxCost.Minor%100, r.MaxCost.Currency))
		}
		return out
	case m.Kind != ill.MsgRAM:
		return nil
	}
	switch m.Action {
	case ill.ActionReceived:
		return []string{"We have received the item. Thank you."}
	case ill.ActionCancel:
		return []string{"Please cancel our request: we no longer need it."}
	case ill.ActionRenew:
		return []string{"May we keep the item longer? Please tell us the new due date."}
	case ill.ActionShippedReturn:
		line := "We have sent the item back to you."
		if t := strings.TrimSpace(m.Shipping.Courier + " " + m.Shipping.TrackingID); t != "" {
			line += " Tracking: " + t + "."
		}
		return []string{line}
	case ill.ActionLost:
		return []string{"We are sorry: the item is lost. Please tell us what we owe you."}
	case ill.ActionStatusRequest:
		return []string{"Could you tell us where our request stands?"}
	case ill.ActionNotification:
		if m.Note != "" {
			return []string{"A note about our request:"}
		}
	}
	return nil
}
