package app

import (
	"encoding/json"
	"slices"
	"strings"

	"interlend/internal/copyright"
	"interlend/internal/mail"
	"interlend/internal/settings"
)

// PortalSettings are a library's choices for its patron portal: which
// fields each request form requires, where patrons collect loans, the
// copyright notice for copies, renewals, the arrival estimate's priors and
// single sign-on.
type PortalSettings struct {
	RequiredBook    []string `json:"requiredBook"`
	RequiredChapter []string `json:"requiredChapter"`
	RequiredArticle []string `json:"requiredArticle"`
	RequiredThesis  []string `json:"requiredThesis"`
	RequiredOther   []string `json:"requiredOther"`
	// PickupLocations are offered on loan forms (the first is the default).
	PickupLocations []string `json:"pickupLocations"`
	// CopyrightNotice is shown with every copy request and must be
	// accepted before it is sent.
	CopyrightNotice string `json:"copyrightNotice"`
	// Renewals: whether patrons may ask from the portal, how many times,
	// and whether staff look at each ask first (mediated).
	AllowRenewals    bool `json:"allowRenewals"`
	MaxRenewals      int  `json:"maxRenewals"`
	RenewalsMediated bool `json:"renewalsMediated"`
	// Priors for the arrival estimate when a lender has no history (days).
	LoanDays    int `json:"loanDays"`
	CopyDays    int `json:"copyDays"`
	TransitDays int `json:"transitDays"`
	// DueSoonDays is how long before the due date the patron is reminded.
	DueSoonDays int `json:"dueSoonDays"`
	// Single sign-on with OpenID Connect.
	OIDCEnabled      bool   `json:"oidcEnabled"`
	OIDCButton       string `json:"oidcButton"`
	OIDCIssuer       string `json:"oidcIssuer"`
	OIDCClientID     string `json:"oidcClientId"`
	OIDCClientSecret string `json:"oidcClientSecret"`
	// OIDCClaim names the claim matched with the patron record: email
	// (the patron's email) or a claim holding the library barcode.
	OIDCClaim string `json:"oidcClaim"`
}

// Portal form kinds.
const (
	FormBook    = "book"
	FormChapter = "chapter"
	FormArticle = "article"
	FormThesis  = "thesis"
	FormOther   = "other"
)

// FormKinds lists the request forms in display order.
var FormKinds = []string{FormBook, FormChapter, FormArticle, FormThesis, FormOther}

// FormFields lists every citation field of the portal forms by name, in
// display order, with the forms that show it.
var FormFields = []FormField{
	{Name: "atitle", Kinds: []string{FormChapter, FormArticle}},
	{Name: "title", Kinds: FormKinds},
	{Name: "author", Kinds: FormKinds},
	{Name: "jtitle", Kinds: []string{FormArticle}},
	{Name: "date", Kinds: FormKinds},
	{Name: "volume", Kinds: []string{FormArticle, FormBook, FormOther}},
	{Name: "issue", Kinds: []string{FormArticle}},
	{Name: "pages", Kinds: []string{FormChapter, FormArticle, FormOther}},
	{Name: "chapter", Kinds: []string{FormChapter}},
	{Name: "edition", Kinds: []string{FormBook, FormChapter}},
	{Name: "publisher", Kinds: []string{FormBook, FormChapter, FormThesis, FormOther}},
	{Name: "place", Kinds: []string{FormBook, FormChapter}},
	{Name: "inst", Kinds: []string{FormThesis}},
	{Name: "series", Kinds: []string{FormBook, FormOther}},
	{Name: "isbn", Kinds: []string{FormBook, FormChapter, FormOther}},
	{Name: "issn", Kinds: []string{FormArticle, FormOther}},
	{Name: "doi", Kinds: []string{FormArticle, FormChapter, FormOther}},
	{Name: "pmid", Kinds: []string{FormArticle}},
	{Name: "oclc", Kinds: FormKinds},
	{Name: "lccn", Kinds: []string{FormBook, FormOther}},
	{Name: "language", Kinds: FormKinds},
}

// FormField is one citation field of the portal forms.
type FormField struct {
	Name  string
	Kinds []string
}

// On reports whether the field is on form kind.
func (f FormField) On(kind string) bool { return slices.Contains(f.Kinds, kind) }

// Required lists the fields form kind requires.
func (s PortalSettings) Required(kind string) []string {
	switch kind {
	case FormBook:
		return s.RequiredBook
	case FormChapter:
		return s.RequiredChapter
	case FormArticle:
		return s.RequiredArticle
	case FormThesis:
		return s.RequiredThesis
	}
	return s.RequiredOther
}

// PortalSetting is the portal settings group.
var PortalSetting = settings.Register(settings.Spec[PortalSettings]{
	Key: "portal", Title: "portal.settings.title", Help: "portal.settings.help", Order: 60,
	Defaults: func() PortalSettings {
		return PortalSettings{
			RequiredBook: []string{"title"}, RequiredChapter: []string{"atitle", "title"},
			RequiredArticle: []string{"atitle", "jtitle"}, RequiredThesis: []string{"title", "author"},
			RequiredOther: []string{"title"}, PickupLocations: []string{"Main Library"},
			CopyrightNotice: copyright.WarningNoticeTitle + "\n\n" + copyright.WarningNotice,
			AllowRenewals:   true, MaxRenewals: 2, LoanDays: 7, CopyDays: 3, TransitDays: 3, DueSoonDays: 3,
			OIDCClaim: "email",
		}
	},
	Fields: []settings.Field{
		{Name: "requiredBook", Kind: settings.List, Label: "portal.settings.reqbook", Help: "portal.settings.reqhelp"},
		{Name: "requiredChapter", Kind: settings.List, Label: "portal.settings.reqchapter"},
		{Name: "requiredArticle", Kind: settings.List, Label: "portal.settings.reqarticle"},
		{Name: "requiredThesis", Kind: settings.List, Label: "portal.settings.reqthesis"},
		{Name: "requiredOther", Kind: settings.List, Label: "portal.settings.reqother"},
		{Name: "pickupLocations", Kind: settings.List, Label: "portal.settings.pickup", Help: "portal.settings.pickuphelp"},
		{Name: "copyrightNotice", Kind: settings.Textarea, Label: "portal.settings.copyright", Help: "portal.settings.copyrighthelp", Required: true},
		{Name: "allowRenewals", Kind: settings.Bool, Label: "portal.settings.renewals"},
		{Name: "maxRenewals", Kind: settings.Number, Label: "portal.settings.maxrenewals", Min: 0, Max: 20},
		{Name: "renewalsMediated", Kind: settings.Bool, Label: "portal.settings.mediated", Help: "portal.settings.mediatedhelp"},
		{Name: "loanDays", Kind: settings.Number, Label: "portal.settings.loandays", Help: "portal.settings.priorhelp", Min: 1, Max: 120},
		{Name: "copyDays", Kind: settings.Number, Label: "portal.settings.copydays", Min: 1, Max: 120},
		{Name: "transitDays", Kind: settings.Number, Label: "portal.settings.transitdays", Min: 0, Max: 60},
		{Name: "dueSoonDays", Kind: settings.Number, Label: "portal.settings.duesoon", Min: 0, Max: 30},
		{Name: "oidcEnabled", Kind: settings.Bool, Label: "portal.settings.oidc", Help: "portal.settings.oidchelp"},
		{Name: "oidcButton", Kind: settings.Text, Label: "portal.settings.oidcbutton"},
		{Name: "oidcIssuer", Kind: settings.URL, Label: "portal.settings.oidcissuer"},
		{Name: "oidcClientId", Kind: settings.Text, Label: "portal.settings.oidcclient"},
		{Name: "oidcClientSecret", Kind: settings.Secret, Label: "portal.settings.oidcsecret"},
		{Name: "oidcClaim", Kind: settings.Text, Label: "portal.settings.oidcclaim", Help: "portal.settings.oidcclaimhelp"},
	},
	Validate: func(s PortalSettings) settings.Errors {
		errs := settings.Errors{}
		known := map[string]bool{}
		for _, f := range FormFields {
			known[f.Name] = true
		}
		for _, kind := range FormKinds {
			for _, n := range s.Required(kind) {
				if !known[strings.TrimSpace(n)] {
					errs["required"+strings.ToUpper(kind[:1])+kind[1:]] = settings.M("portal.settings.err.field", n)
				}
			}
		}
		if s.OIDCEnabled && (s.OIDCIssuer == "" || s.OIDCClientID == "") {
			errs["oidcIssuer"] = settings.M("portal.settings.err.oidc")
		}
		if c := s.OIDCClaim; c != "" && (len(c) > 64 || strings.ContainsAny(c, " \t\n")) {
			errs["oidcClaim"] = settings.M("portal.settings.err.claim")
		}
		return errs
	},
})

// NoticeSettings keep a library's own versions of the patron notices.
type NoticeSettings struct {
	Templates []NoticeOverride `json:"templates"`
}

// NoticeOverride is a library's own template for one notice in one
// language ("" or "en": the default language).
type NoticeOverride struct {
	Notice  string `json:"notice"`
	Locale  string `json:"locale"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html"`
}

// NoticeSetting is the patron notices settings group.
var NoticeSetting = settings.Register(settings.Spec[NoticeSettings]{
	Key: "notices", Title: "portal.notices.title", Help: "portal.notices.help", Order: 61,
	Defaults: func() NoticeSettings { return NoticeSettings{Templates: []NoticeOverride{}} },
	Fields: []settings.Field{
		{Name: "templates", Kind: settings.Records, Label: "portal.notices.templates", Help: "portal.notices.templateshelp", Columns: []settings.Field{
			{Name: "notice", Kind: settings.Select, Label: "portal.notices.notice", Required: true, Options: noticeOptions()},
			{Name: "locale", Kind: settings.Text, Label: "portal.notices.locale"},
			{Name: "subject", Kind: settings.Text, Label: "portal.notices.subject", Required: true},
			{Name: "text", Kind: settings.Textarea, Label: "portal.notices.text", Required: true},
			{Name: "html", Kind: settings.Textarea, Label: "portal.notices.html"},
		}},
	},
	Validate: func(s NoticeSettings) settings.Errors {
		errs := settings.Errors{}
		for i, t := range s.Templates {
			err := mail.CheckOverride(t.Notice, mail.Template{Subject: t.Subject, Text: t.Text, HTML: t.HTML})
			if err != nil {
				errs["templates."+itoa(i)+".text"] = settings.M("portal.notices.err.template", firstLine(err.Error()))
			}
		}
		return errs
	},
})

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}

// override finds the library's own template for a notice in a locale.
func (s NoticeSettings) override(key, locale string) *mail.Template {
	for _, t := range s.Templates {
		l := t.Locale
		if l == "" {
			l = "en"
		}
		if t.Notice == key && (l == locale || locale == "" && l == "en") {
			return &mail.Template{Subject: t.Subject, Text: t.Text, HTML: t.HTML}
		}
	}
	return nil
}

func noticeOptions() []settings.Option {
	out := make([]settings.Option, 0, len(PatronNotices))
	for _, n := range PatronNotices {
		out = append(out, settings.Option{Value: n.Key, Label: "portal.notice." + n.Event})
	}
	return out
}
