package app

import (
	"math"
	"net/mail"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/currency"

	"interlend/internal/settings"
)

// StatsSettings are an agency's choices for its statistics.
type StatsSettings struct {
	// AcademicYearStart is the month (1-12) the seasonal view starts its
	// year with.
	AcademicYearStart int `json:"academicYearStart"`
	// RepeatThreshold lists, in the collection report, titles asked for
	// this many times or more.
	RepeatThreshold int `json:"repeatThreshold"`
	// Currency is the one figures are reported in (the ledger may hold
	// others; they are shown apart).
	Currency string `json:"currency"`
	// PurchasePrice and HandlingCost (whole units of Currency) compare
	// buying a book with borrowing it again.
	PurchasePrice int `json:"purchasePrice"`
	HandlingCost  int `json:"handlingCost"`
	// SameInstitution lists partners that are branches of the same
	// institution: the annual survey leaves their requests out.
	SameInstitution []string `json:"sameInstitution"`
	// MonthlyReport mails the month's figures to the managers on the 1st,
	// and to ReportRecipients.
	MonthlyReport    bool     `json:"monthlyReport"`
	ReportRecipients []string `json:"reportRecipients"`
}

// StatsSetting is the statistics settings group.
var StatsSetting = settings.Register(settings.Spec[StatsSettings]{
	Key: "stats", Title: "stats.settings.title", Help: "stats.settings.help", Order: 95,
	Defaults: func() StatsSettings {
		return StatsSettings{AcademicYearStart: 9, RepeatThreshold: 3, Currency: "USD", PurchasePrice: 60, HandlingCost: 15,
			SameInstitution: []string{}, MonthlyReport: true, ReportRecipients: []string{}}
	},
	Fields: []settings.Field{
		{Name: "academicYearStart", Kind: settings.Select, Label: "stats.settings.academic", Help: "stats.settings.academichelp", Options: statsMonthOptions()},
		{Name: "repeatThreshold", Kind: settings.Number, Label: "stats.settings.repeat", Help: "stats.settings.repeathelp", Min: 2, Max: 100},
		{Name: "currency", Kind: settings.Text, Label: "stats.settings.currency", Help: "stats.settings.currencyhelp", Required: true},
		{Name: "purchasePrice", Kind: settings.Number, Label: "stats.settings.price", Help: "stats.settings.pricehelp", Min: 0, Max: 100000},
		{Name: "handlingCost", Kind: settings.Number, Label: "stats.settings.handling", Help: "stats.settings.handlinghelp", Min: 0, Max: 10000},
		{Name: "sameInstitution", Kind: settings.List, Label: "stats.settings.branches", Help: "stats.settings.brancheshelp"},
		{Name: "monthlyReport", Kind: settings.Bool, Label: "stats.settings.monthly", Help: "stats.settings.monthlyhelp"},
		{Name: "reportRecipients", Kind: settings.List, Label: "stats.settings.recipients", Help: "stats.settings.recipientshelp"},
	},
	Validate: func(s StatsSettings) settings.Errors {
		errs := settings.Errors{}
		if s.AcademicYearStart < 1 || s.AcademicYearStart > 12 {
			errs["academicYearStart"] = settings.M("platform.settings.err.choice")
		}
		if _, err := currency.ParseISO(strings.ToUpper(s.Currency)); err != nil || len(s.Currency) != 3 {
			errs["currency"] = settings.M("stats.settings.err.currency", s.Currency)
		}
		for _, b := range s.SameInstitution {
			if !agencyIDPattern.MatchString(b) {
				errs["sameInstitution"] = settings.M("stats.settings.err.agency", b)
				break
			}
		}
		for _, r := range s.ReportRecipients {
			if a, err := mail.ParseAddress(r); err != nil || a.Address != strings.TrimSpace(r) {
				errs["reportRecipients"] = settings.M("stats.settings.err.email", r)
				break
			}
		}
		return errs
	},
})

var agencyIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9:._/-]{0,63}$`)

func statsMonthOptions() []settings.Option {
	out := make([]settings.Option, 12)
	for i := range out {
		n := strconv.Itoa(i + 1)
		out[i] = settings.Option{Value: n, Label: "platform.month." + n}
	}
	return out
}

// minorUnits converts whole units of a currency to its minor units.
func minorUnits(units int, code string) int64 {
	unit, err := currency.ParseISO(strings.ToUpper(code))
	if err != nil {
		return int64(units) * 100
	}
	scale, _ := currency.Standard.Rounding(unit)
	return int64(units) * int64(math.Pow10(scale))
}
