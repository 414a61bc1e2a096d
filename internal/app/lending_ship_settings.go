package app

import (
	"interlend/internal/settings"
)

// LendingOpsSettings are an agency's choices for the lending desk's daily
// work after a request is answered: shipping, copies, returns, renewals and
// overdue notices.
type LendingOpsSettings struct {
	// Courier is the courier filled in on the shipping scan page.
	Courier string `json:"courier"`
	// LabelStock is the default shipping label stock: 4x6, a4 or letter.
	LabelStock string `json:"labelStock"`
	// CustomsLine is printed on labels of parcels to another country.
	CustomsLine string `json:"customsLine"`
	// CopyMaxMB caps an uploaded scan (the whole upload), in megabytes.
	CopyMaxMB int `json:"copyMaxMB"`
	// CopyLinkDays is how long the borrowing library's link to a
	// delivered copy works.
	CopyLinkDays int `json:"copyLinkDays"`
	// CopyLinkDownloads is how many times that link may be used.
	CopyLinkDownloads int `json:"copyLinkDownloads"`
	// AutoRenewFirst approves a borrower's first renewal request at once
	// when no other library is waiting for the item (off by default: staff
	// answer every renewal until a manager switches it on).
	AutoRenewFirst bool `json:"autoRenewFirst"`
	// SecondNoticeDays and FinalNoticeDays are the days past the due date
	// on which a further Overdue notice goes to the borrowing library (the
	// first goes on the due date); after the final one the request is
	// flagged for staff (recall, or lost). 0 sends no such notice.
	SecondNoticeDays int `json:"secondNoticeDays"`
	FinalNoticeDays  int `json:"finalNoticeDays"`
}

// Lending ops defaults.
const (
	defaultCopyMaxMB     = 100
	defaultCopyLinkDays  = 30
	defaultCopyDownloads = 5
)

// LendingOpsSetting is the lending desk's operations settings group.
var LendingOpsSetting = settings.Register(settings.Spec[LendingOpsSettings]{
	Key: "lending_ops", Title: "lendingops.settings.title", Help: "lendingops.settings.help", Order: 62,
	Defaults: func() LendingOpsSettings {
		return LendingOpsSettings{LabelStock: "4x6", CustomsLine: "Library loan, to be returned. No commercial value.",
			CopyMaxMB: defaultCopyMaxMB, CopyLinkDays: defaultCopyLinkDays, CopyLinkDownloads: defaultCopyDownloads,
			AutoRenewFirst: false, SecondNoticeDays: 7, FinalNoticeDays: 21}
	},
	Fields: []settings.Field{
		{Name: "courier", Kind: settings.Text, Label: "lendingops.settings.courier", Help: "lendingops.settings.courierhelp"},
		{Name: "labelStock", Kind: settings.Select, Label: "lendingops.settings.stock", Help: "lendingops.settings.stockhelp", Options: []settings.Option{
			{Value: "4x6", Label: "lendingops.stock.4x6"}, {Value: "a4", Label: "lendingops.stock.a4"}, {Value: "letter", Label: "lendingops.stock.letter"}}},
		{Name: "customsLine", Kind: settings.Text, Label: "lendingops.settings.customs", Help: "lendingops.settings.customshelp"},
		{Name: "copyMaxMB", Kind: settings.Number, Label: "lendingops.settings.copymax", Help: "lendingops.settings.copymaxhelp", Min: 1, Max: 2048},
		{Name: "copyLinkDays", Kind: settings.Number, Label: "lendingops.settings.linkdays", Help: "lendingops.settings.linkdayshelp", Min: 1, Max: 180},
		{Name: "copyLinkDownloads", Kind: settings.Number, Label: "lendingops.settings.linkdownloads", Help: "lendingops.settings.linkdownloadshelp", Min: 1, Max: 100},
		{Name: "autoRenewFirst", Kind: settings.Bool, Label: "lendingops.settings.autorenew", Help: "lendingops.settings.autorenewhelp"},
		{Name: "secondNoticeDays", Kind: settings.Number, Label: "lendingops.settings.second", Help: "lendingops.settings.secondhelp", Min: 0, Max: 365},
		{Name: "finalNoticeDays", Kind: settings.Number, Label: "lendingops.settings.final", Help: "lendingops.settings.finalhelp", Min: 0, Max: 365},
	},
	Validate: func(s LendingOpsSettings) settings.Errors {
		errs := settings.Errors{}
		switch s.LabelStock {
		case "4x6", "a4", "letter":
		default:
			errs["labelStock"] = settings.M("platform.settings.err.choice")
		}
		if s.CopyMaxMB < 1 || s.CopyMaxMB > 2048 {
			errs["copyMaxMB"] = settings.M("lendingops.settings.err.range", 1, 2048)
		}
		if s.CopyLinkDays < 1 || s.CopyLinkDays > 180 {
			errs["copyLinkDays"] = settings.M("lendingops.settings.err.range", 1, 180)
		}
		if s.CopyLinkDownloads < 1 || s.CopyLinkDownloads > 100 {
			errs["copyLinkDownloads"] = settings.M("lendingops.settings.err.range", 1, 100)
		}
		if s.SecondNoticeDays < 0 || s.SecondNoticeDays > 365 {
			errs["secondNoticeDays"] = settings.M("lendingops.settings.err.range", 0, 365)
		}
		if s.FinalNoticeDays < 0 || s.FinalNoticeDays > 365 || s.FinalNoticeDays != 0 && s.FinalNoticeDays <= s.SecondNoticeDays {
			errs["finalNoticeDays"] = settings.M("lendingops.settings.err.final")
		}
		return errs
	},
})
