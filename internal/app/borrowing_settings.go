package app

import (
	"net/mail"
	"strings"

	"interlend/internal/settings"
)

// BorrowingSettings are an agency's borrowing desk choices (admin area:
// "Borrowing desk").
type BorrowingSettings struct {
	// DuplicateDays is how far back the duplicate check looks: a patron's
	// request, open or filled within these days, for the same item is a
	// duplicate.
	DuplicateDays int `json:"duplicateDays"`
	// DigestTo are the addresses of the daily staff digest of requests
	// that need attention (comma-separated; empty: no digest).
	DigestTo string `json:"digestTo"`
	// DigestHour is the hour (UTC, 0-23) the digest is sent.
	DigestHour int `json:"digestHour"`
}

// BorrowingSetting is the borrowing desk settings group.
var BorrowingSetting = settings.Register(settings.Spec[BorrowingSettings]{
	Key: "borrowing", Title: "borrowing.settings.title", Help: "borrowing.settings.help", Order: 46,
	Defaults: func() BorrowingSettings { return BorrowingSettings{DuplicateDays: 90, DigestHour: 7} },
	Fields: []settings.Field{
		{Name: "duplicateDays", Kind: settings.Number, Label: "borrowing.settings.duplicatedays", Help: "borrowing.settings.duplicatedayshelp", Min: 1, Max: 3650},
		{Name: "digestTo", Kind: settings.Text, Label: "borrowing.settings.digestto", Help: "borrowing.settings.digesttohelp"},
		{Name: "digestHour", Kind: settings.Number, Label: "borrowing.settings.digesthour", Min: 0, Max: 23},
	},
	Validate: func(s BorrowingSettings) settings.Errors {
		errs := settings.Errors{}
		for _, a := range digestAddresses(s.DigestTo) {
			if _, err := mail.ParseAddress(a); err != nil {
				errs["digestTo"] = settings.M("borrowing.settings.err.address", a)
			}
		}
		return errs
	},
})

// digestAddresses splits the digest's address list.
func digestAddresses(s string) []string {
	var out []string
	for _, a := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' }) {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}
