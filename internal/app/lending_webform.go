package app

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"

	"interlend/internal/auth"
	"interlend/internal/ill"
	"interlend/internal/mail"
	"interlend/internal/settings"
	"interlend/internal/store"
)

// The lending web form: a public page where a library with no ILL system
// asks us for a loan or a copy. The library identifies itself with the
// partner code we gave it (one per partner, in the "web form" settings);
// its request joins the lending desk's new queue as an off-system request
// ("web form"), and each answer staff give, which would be an ISO 18626
// message to a partner with a system, is emailed to the contact address
// the library entered (see mailPartner).

// WebFormSystem is the external system of requests from the web form.
const WebFormSystem = "web form"

// Limits of the public form, per client address and throttle window
// (auth.ThrottleWindow): requests submitted, and wrong partner codes.
const (
	webFormPerClient    = 20
	webFormBadCodeLimit = 5
)

// WebFormSettings switch the lending web form on and list who may use it.
type WebFormSettings struct {
	Enabled bool `json:"enabled"`
	// Codes are "AGENCY CODE" lines: the borrowing library's ISIL or
	// symbol and the code it was given.
	Codes []string `json:"codes"`
	// Intro is shown at the top of the form.
	Intro string `json:"intro"`
}

// WebFormSetting is the web form's settings group.
var WebFormSetting = settings.Register(settings.Spec[WebFormSettings]{
	Key: "lending_webform", Title: "webform.settings.title", Help: "webform.settings.help", Order: 63,
	Defaults: func() WebFormSettings { return WebFormSettings{} },
	Validate: func(v WebFormSettings) settings.Errors {
		for _, line := range v.Codes {
			if _, _, ok := parseWebFormCode(line); !ok {
				return settings.Errors{"codes": settings.M("webform.settings.badcode", line)}
			}
		}
		return nil
	},
	Fields: []settings.Field{
		{Name: "enabled", Kind: settings.Bool, Label: "webform.settings.enabled", Help: "webform.settings.enabledhelp"},
		{Name: "codes", Kind: settings.List, Label: "webform.settings.codes", Help: "webform.settings.codeshelp"},
		{Name: "intro", Kind: settings.Textarea, Label: "webform.settings.intro", Help: "webform.settings.introhelp"},
	},
})

func parseWebFormCode(line string) (ill.AgencyID, string, bool) {
	f := strings.Fields(line)
	if len(f) != 2 || len(f[1]) < 8 {
		return "", "", false
	}
	return ill.AgencyID(strings.ToUpper(f[0])), f[1], true
}

// WebFormPage is what the public form shows about the lending library.
type WebFormPage struct {
	Agency ill.AgencyID
	Name   string
	Intro  string
}

// WebForm returns the lending library's public form, or NotFound when the
// library does not exist or has not switched the form on.
func (a *App) WebForm(ctx context.Context, agency ill.AgencyID) (WebFormPage, error) {
	var out WebFormPage
	err := a.read(ctx, func(tx *store.Tx) error {
		ag, err := tx.System().GetAgency(agency)
		if err != nil {
			return err
		}
		s, err := WebFormSetting.GetTx(tx, agency)
		if err != nil {
			return err
		}
		if !s.Enabled {
			return ill.E(ill.NotFound, "this library takes no requests by web form")
		}
		out = WebFormPage{Agency: agency, Name: ag.Name, Intro: s.Intro}
		return nil
	})
	if ill.Is(err, ill.NotFound) {
		return WebFormPage{}, ill.E(ill.NotFound, "this library takes no requests by web form")
	}
	return out, err
}

// WebFormRequest is a request submitted on the public form.
type WebFormRequest struct {
	NewLendingRequest
	Code string // the partner code
}

// SubmitWebForm records a request from the public form. The borrower
// must be a library in the form's code list with its code; the contact
// email (DeliveryAddr.Email) is where every answer goes. Returns
// NotFound (no form), Invalid (with field errors; a wrong code counts
// towards the limit), RateLimited or Conflict (the same reference twice).
func (a *App) SubmitWebForm(ctx context.Context, agency ill.AgencyID, clientIP string, f WebFormRequest) (*ill.Request, error) {
	if _, err := a.WebForm(ctx, agency); err != nil {
		return nil, err
	}
	n := f.NewLendingRequest
	n.ExternalSystem = WebFormSystem
	n.DeliveryAddr.Email = strings.TrimSpace(n.DeliveryAddr.Email)
	if err := n.validate(agency); err != nil {
		return nil, err
	}
	if !mail.ValidAddress(n.DeliveryAddr.Email) {
		return nil, ill.E(ill.Invalid, "the request needs correcting", map[string]string{"email": "an email address for our answers"})
	}
	if n.ExternalNumber == "" {
		n.ExternalNumber = n.BorrowerRequestID
	}
	client := "webform-" + auth.ClientKey(clientIP)
	badCode := "webform-code-" + auth.ClientKey(clientIP)
	var out *ill.Request
	var codeErr error
	err := a.write(ctx, func(tx *store.Tx) error {
		codeErr = nil
		since := tx.Now().Add(-auth.ThrottleWindow)
		wait := fmt.Sprintf("Too many requests from your address. Wait %d minutes and try again.", int(auth.ThrottleWindow.Minutes()))
		if bad, err := tx.System().FailedLoginsSince(badCode, since); err != nil {
			return err
		} else if bad >= webFormBadCodeLimit {
			return ill.E(ill.RateLimited, wait)
		}
		if sent, err := tx.System().FailedLoginsSince(client, since); err != nil {
			return err
		} else if sent >= webFormPerClient {
			return ill.E(ill.RateLimited, wait)
		}
		s, err := WebFormSetting.GetTx(tx, agency)
		if err != nil {
			return err
		}
		if !codeMatches(s.Codes, n.Borrower, f.Code) {
			// The wrong code is remembered (committed) and answered below.
			codeErr = ill.E(ill.Invalid, "the request needs correcting", map[string]string{"code": "the library and code we gave you do not match"})
			return tx.System().RecordLoginAttempt(badCode, false)
		}
		if err := tx.System().RecordLoginAttempt(client, false); err != nil {
			return err
		}
		out, err = a.enterLending(tx, ill.Actor{Kind: ill.ActorPartner, Partner: n.Borrower, Agency: agency}, agency, n)
		return err
	})
	if err == nil && codeErr != nil {
		return nil, codeErr
	}
	if err == nil {
		a.Log.Info("web form request", "agency", agency, "request", out.PublicID)
	}
	return out, err
}

func codeMatches(codes []string, borrower ill.AgencyID, code string) bool {
	ok := false
	for _, line := range codes {
		ag, c, valid := parseWebFormCode(line)
		if valid && ag == borrower && subtle.ConstantTimeCompare([]byte(c), []byte(strings.TrimSpace(code))) == 1 {
			ok = true
		}
	}
	return ok
}

// Partner emails: the answers to an off-system lending request whose
// borrower gave an email address go there, from a template, in place of
// the ISO 18626 message a partner with a system would get.

// PartnerMailNotice is the notice key of those emails.
const PartnerMailNotice = "partner.status"

// PartnerMailData is what the partner email template gets.
type PartnerMailData struct {
	Library   string // the lending library (us)
	Title     string
	RequestID string // our id
	TheirRef  string // the borrower's own reference, if they gave one
	Status    string // the status, as a sentence
	Note      string
	DueDate   string
	Tracking  string
	Link      string // a delivered copy's link
}

const (
	partnerSubject = `{{t "webform.mail.subject" .Title .RequestID}}`
	partnerText    = `{{t "webform.mail.greeting"}}

{{.Status}}
{{if .DueDate}}{{t "webform.mail.due" .DueDate}}
{{end}}{{if .Tracking}}{{t "webform.mail.tracking" .Tracking}}
{{end}}{{if .Link}}{{t "webform.mail.link" .Link}}
{{end}}{{if .Note}}
{{t "webform.mail.note" .Note}}
{{end}}
{{t "webform.mail.ref" .RequestID .TheirRef}}

-- 
{{.Library}}
`
)

func init() {
	mail.Register(mail.Notice{Key: PartnerMailNotice, Description: "to a partner library without an ILL system: our answer to its request",
		Default: mail.Template{Subject: partnerSubject, Text: partnerText},
		Sample: PartnerMailData{Library: "Example University Library", Title: "Silent spring", RequestID: "L1000042", TheirRef: "Your ref 17",
			Status: "We will lend it.", DueDate: "12 March 2026", Tracking: "UPS 1Z999", Link: "https://ill.example.edu/files/x", Note: "Library use only."}})
}

// mailPartner emails the borrower of an off-system lending request what
// message m (recorded, not sent) says, when it gave an email address.
func (a *App) mailPartner(tx *store.Tx, r *ill.Request, m ill.Message) error {
	if r.Side != ill.Lending || r.Protocol != ProtocolOffSystem || r.DeliveryAddr.Email == "" || m.Kind != ill.MsgSAM {
		return nil
	}
	status := partnerSentence(m)
	if status == "" {
		return nil
	}
	ag, err := tx.System().GetAgency(r.Agency)
	if err != nil {
		return err
	}
	d := PartnerMailData{Library: ag.Name, Title: r.Citation.DisplayTitle(), RequestID: r.PublicID, TheirRef: r.PartnerRequestID,
		Status: status, Note: m.Note, Link: m.DeliveryURL}
	if !m.DueDate.IsZero() {
		d.DueDate = m.DueDate.Format("2 January 2006")
	}
	if m.Shipping.TrackingID != "" {
		d.Tracking = strings.TrimSpace(m.Shipping.Courier + " " + m.Shipping.TrackingID)
	}
	return a.QueueNotice(tx, Notice{Agency: r.Agency, To: r.DeliveryAddr.Email, ToName: r.DeliveryAddr.Name, Key: PartnerMailNotice,
		Data: d, RequestRef: r.PublicID, IdempotencyKey: fmt.Sprintf("partner:%s:%s:%s:%d", r.Agency, r.PublicID, m.Status, m.Timestamp.Unix())})
}

// partnerSentence says a status message in words, in English (the
// partner's language is not known; the template can be replaced).
func partnerSentence(m ill.Message) string {
	reason := ""
	if why := m.ReasonUnfilled + m.ReasonRetry; why != "" {
		reason = " (" + why + ")"
	}
	switch m.Status {
	case ill.StatusExpectToSupply:
		return "We expect to supply it and are looking for it on our shelves."
	case ill.StatusWillSupply:
		return "We will supply it."
	case ill.StatusLoaned:
		return "We have sent it to you on loan."
	case ill.StatusCopyCompleted:
		return "Your copy is ready: download it from the link below."
	case ill.StatusUnfilled:
		return "We are sorry: we cannot supply it" + reason + "."
	case ill.StatusRetryPossible:
		return "We cannot supply it as asked" + reason + "; you may ask again with changes."
	case ill.StatusOverdue:
		return "The loan is overdue: please return it."
	case ill.StatusRecalled:
		return "We need the item back: please return it as soon as you can."
	case ill.StatusLoanCompleted:
		return "We have received the item back. Thank you."
	case ill.StatusCancelled:
		return "Your request is cancelled, as you asked."
	case ill.StatusCompletedWithoutReturn:
		return "The request is closed without the item's return."
	}
	return ""
}
