package settings

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"interlend/internal/calendar"
)

// The groups every deployment has. Features that own a subject register
// their own groups (see Spec); the placeholders at the end hold settings
// until their owners define them.
var (
	CalendarSetting  = Register(calendarSpec)
	PickupSetting    = Register(pickupSpec)
	RetentionSetting = Register(retentionSpec)
	FiscalSetting    = Register(fiscalSpec)
	SSOSetting       = Register(ssoSpec)
	PolicySetting    = Register(policySpec)
)

func init() {
	for _, p := range []struct {
		key, title, owner string
		order             int
	}{
		{"autoanswer", "platform.settings.autoanswer.title", "platform.owner.lending", 50},
		{"notices", "platform.settings.notices.title", "platform.owner.notices", 70},
	} {
		Register(Spec[map[string]any]{
			Key: p.key, Title: p.title, Help: "platform.settings.placeholder.help", Owner: p.owner, Order: p.order,
			Placeholder: true,
			Defaults:    func() map[string]any { return map[string]any{} },
			Fields:      []Field{{Name: "", Kind: JSON, Label: "platform.settings.placeholder.json", Help: "platform.settings.placeholder.jsonhelp"}},
		})
	}
}

// --- Business calendar -----------------------------------------------------

var calendarSpec = Spec[calendar.Calendar]{
	Key: "calendar", Title: "platform.settings.calendar.title", Help: "platform.settings.calendar.help", Order: 10,
	Defaults: func() calendar.Calendar {
		nine, five := 9*time.Hour, 17*time.Hour
		c := calendar.Calendar{Location: time.UTC}
		for d := time.Monday; d <= time.Friday; d++ {
			c.Week[d] = calendar.Hours{Open: nine, Close: five}
		}
		return c
	},
	Fields: []Field{
		{Name: "timeZone", Kind: TimeZone, Label: "platform.settings.calendar.zone", Help: "platform.settings.calendar.zonehelp", Required: true},
		{Name: "week", Kind: Week, Label: "platform.settings.calendar.week", Help: "platform.settings.calendar.weekhelp", Check: checkWeekOpen},
		{Name: "closures", Kind: Records, Label: "platform.settings.calendar.closures", Help: "platform.settings.calendar.closureshelp",
			Check: checkClosures,
			Columns: []Field{
				{Name: "from", Kind: Date, Label: "platform.settings.calendar.from", Required: true},
				{Name: "to", Kind: Date, Label: "platform.settings.calendar.to"},
				{Name: "name", Kind: Text, Label: "platform.settings.calendar.name"},
			}},
	},
}

func checkWeekOpen(raw json.RawMessage) *Message {
	var w calendar.Week
	if err := json.Unmarshal(raw, &w); err != nil {
		m := M("platform.settings.err.hours")
		return &m
	}
	for _, h := range w {
		if h.IsOpen() {
			return nil
		}
	}
	m := M("platform.settings.err.noopenday")
	return &m
}

func checkClosures(raw json.RawMessage) *Message {
	var rows []struct{ From, To, Name string }
	if err := json.Unmarshal(raw, &rows); err != nil {
		return nil
	}
	for _, r := range rows {
		if r.To == "" {
			continue
		}
		from, err1 := calendar.ParseDate(r.From)
		to, err2 := calendar.ParseDate(r.To)
		if err1 == nil && err2 == nil && to.Before(from) {
			m := M("platform.settings.err.closureorder", r.From, r.To)
			return &m
		}
	}
	return nil
}

// --- Pickup locations ------------------------------------------------------

// PickupLocations are the places where patrons collect what was borrowed
// for them.
type PickupLocations struct {
	Locations []PickupLocation `json:"locations"`
}

// PickupLocation is one pickup desk.
type PickupLocation struct {
	Code    string `json:"code"`    // short and stable: stored on requests
	Name    string `json:"name"`    // shown to patrons
	Address string `json:"address"` // optional directions for patrons
	Closed  bool   `json:"closed"`  // temporarily not offered
}

// Open lists the locations patrons may choose now.
func (p PickupLocations) Open() []PickupLocation {
	var out []PickupLocation
	for _, l := range p.Locations {
		if !l.Closed {
			out = append(out, l)
		}
	}
	return out
}

var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)

var pickupSpec = Spec[PickupLocations]{
	Key: "pickup", Title: "platform.settings.pickup.title", Help: "platform.settings.pickup.help", Order: 20,
	Defaults: func() PickupLocations {
		return PickupLocations{Locations: []PickupLocation{{Code: "MAIN", Name: "Main desk"}}}
	},
	Fields: []Field{
		{Name: "locations", Kind: Records, Label: "platform.settings.pickup.locations", Columns: []Field{
			{Name: "code", Kind: Text, Label: "platform.settings.pickup.code", Required: true},
			{Name: "name", Kind: Text, Label: "platform.settings.pickup.name", Required: true},
			{Name: "address", Kind: Text, Label: "platform.settings.pickup.address"},
			{Name: "closed", Kind: Bool, Label: "platform.settings.pickup.closed"},
		}},
	},
	Validate: func(p PickupLocations) Errors {
		seen := map[string]bool{}
		for _, l := range p.Locations {
			if !codePattern.MatchString(l.Code) {
				return Errors{"locations": M("platform.settings.err.code", l.Code)}
			}
			k := strings.ToUpper(l.Code)
			if seen[k] {
				return Errors{"locations": M("platform.settings.err.duplicate", l.Code)}
			}
			seen[k] = true
		}
		if len(p.Open()) == 0 {
			return Errors{"locations": M("platform.settings.err.nopickup")}
		}
		return nil
	},
}

// --- Loan periods and deadlines --------------------------------------------

// LendingPolicy holds the request lifecycle's periods, in days: how long
// a lender has to answer, loan and renewal periods, how long items wait
// for pickup. app.Policy is made from it.
type LendingPolicy struct {
	ResponseWindowDays int `json:"responseWindowDays"` // a lender's time to answer before the rota moves on
	LoanPeriodDays     int `json:"loanPeriodDays"`     // lending: loan period from shipping
	RenewalPeriodDays  int `json:"renewalPeriodDays"`  // lending: added by a renewal
	ReturnTransitDays  int `json:"returnTransitDays"`  // borrowing: the patron's due date comes this much before the lender's
	PickupPeriodDays   int `json:"pickupPeriodDays"`   // borrowing: how long an item waits on the hold shelf
	PatronLoanDays     int `json:"patronLoanDays"`     // borrowing: patron loan when the lender gave no due date
	SearchAgainDays    int `json:"searchAgainDays"`    // lending: when to look on the shelf again
}

var policySpec = Spec[LendingPolicy]{
	Key: "lending.policy", Title: "platform.settings.policy.title", Help: "platform.settings.policy.help", Order: 40,
	Defaults: func() LendingPolicy {
		return LendingPolicy{ResponseWindowDays: 3, LoanPeriodDays: 28, RenewalPeriodDays: 21, ReturnTransitDays: 5,
			PickupPeriodDays: 7, PatronLoanDays: 21, SearchAgainDays: 2}
	},
	Fields: []Field{
		{Name: "responseWindowDays", Kind: Number, Label: "platform.settings.policy.response", Help: "platform.settings.policy.responsehelp", Min: 1, Max: 60},
		{Name: "loanPeriodDays", Kind: Number, Label: "platform.settings.policy.loan", Min: 1, Max: 365},
		{Name: "renewalPeriodDays", Kind: Number, Label: "platform.settings.policy.renewal", Min: 1, Max: 365},
		{Name: "searchAgainDays", Kind: Number, Label: "platform.settings.policy.searchagain", Min: 1, Max: 60},
		{Name: "pickupPeriodDays", Kind: Number, Label: "platform.settings.policy.pickup", Min: 1, Max: 60},
		{Name: "patronLoanDays", Kind: Number, Label: "platform.settings.policy.patronloan", Help: "platform.settings.policy.patronloanhelp", Min: 1, Max: 365},
		{Name: "returnTransitDays", Kind: Number, Label: "platform.settings.policy.transit", Help: "platform.settings.policy.transithelp", Min: 0, Max: 60},
	},
	Validate: func(p LendingPolicy) Errors {
		if p.ReturnTransitDays >= p.PatronLoanDays {
			return Errors{"returnTransitDays": M("platform.settings.err.transit")}
		}
		return nil
	},
}

// --- Retention -------------------------------------------------------------

// RetentionPeriods say how long personal data is kept after the work that
// needed it is over. Copyright records follow their own rules (see the
// copyright settings) and are not shortened by these.
type RetentionPeriods struct {
	// PersonalDataDays after a request closes, the patron's name, email
	// and notes are removed from it, its messages, events and mail log.
	PersonalDataDays int `json:"personalDataDays"`
	// DeliveredFileDays after delivery, scanned articles are deleted (the
	// patron's download link ends with them).
	DeliveredFileDays int `json:"deliveredFileDays"`
	// MailLogDays is how long sent mail (addresses and bodies) is kept.
	MailLogDays int `json:"mailLogDays"`
}

// Day is the length of a retention day.
const Day = 24 * time.Hour

var retentionSpec = Spec[RetentionPeriods]{
	Key: "retention", Title: "platform.settings.retention.title", Help: "platform.settings.retention.help", Order: 80,
	Defaults: func() RetentionPeriods {
		return RetentionPeriods{PersonalDataDays: 90, DeliveredFileDays: 30, MailLogDays: 90}
	},
	Fields: []Field{
		{Name: "personalDataDays", Kind: Number, Label: "platform.settings.retention.personal", Help: "platform.settings.retention.personalhelp", Min: 1, Max: 3650},
		{Name: "deliveredFileDays", Kind: Number, Label: "platform.settings.retention.files", Help: "platform.settings.retention.fileshelp", Min: 1, Max: 365},
		{Name: "mailLogDays", Kind: Number, Label: "platform.settings.retention.mail", Min: 1, Max: 3650},
	},
}

// --- Fiscal year -----------------------------------------------------------

// FiscalYear is when the agency's financial and statistical year starts.
type FiscalYear struct {
	StartMonth int `json:"startMonth"` // 1 (January) to 12
	StartDay   int `json:"startDay"`   // 1 to the month's length (29 February is not allowed)
}

// Start is the first day of the fiscal year that contains the calendar
// date d.
func (f FiscalYear) Start(d calendar.Date) calendar.Date {
	s := calendar.Date{Year: d.Year, Month: time.Month(f.StartMonth), Day: f.StartDay}
	if d.Before(s) {
		s.Year--
	}
	return s
}

// End is the last day of the fiscal year that contains d.
func (f FiscalYear) End(d calendar.Date) calendar.Date {
	s := f.Start(d)
	next := calendar.Date{Year: s.Year + 1, Month: s.Month, Day: s.Day}
	return next.AddDays(-1)
}

// daysIn is the length of a month in a common year.
func daysIn(m time.Month) int { return time.Date(2025, m+1, 0, 0, 0, 0, 0, time.UTC).Day() }

var fiscalSpec = Spec[FiscalYear]{
	Key: "fiscal", Title: "platform.settings.fiscal.title", Help: "platform.settings.fiscal.help", Order: 90,
	Defaults: func() FiscalYear { return FiscalYear{StartMonth: 7, StartDay: 1} },
	Fields: []Field{
		{Name: "startMonth", Kind: Select, Label: "platform.settings.fiscal.month", Options: monthOptions()},
		{Name: "startDay", Kind: Number, Label: "platform.settings.fiscal.day", Min: 1, Max: 31},
	},
	Validate: func(f FiscalYear) Errors {
		if f.StartMonth < 1 || f.StartMonth > 12 {
			return Errors{"startMonth": M("platform.settings.err.choice")}
		}
		if n := daysIn(time.Month(f.StartMonth)); f.StartDay < 1 || f.StartDay > n {
			return Errors{"startDay": M("platform.settings.err.range", 1, n)}
		}
		return nil
	},
}

func monthOptions() []Option {
	out := make([]Option, 12)
	for i := range out {
		n := strconv.Itoa(i + 1)
		out[i] = Option{Value: n, Label: "platform.month." + n}
	}
	return out
}

// --- Single sign-on --------------------------------------------------------

// SingleSignOn lets staff and patrons log in with the institution's
// OpenID Connect provider.
type SingleSignOn struct {
	Enabled      bool   `json:"enabled"`
	Provider     string `json:"provider"` // shown on the login button: "Log in with <Provider>"
	Issuer       string `json:"issuer"`   // https URL of the OpenID provider
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"` // write-only in the admin area, masked in the audit trail
	// AllowedDomains limit who may log in by the domain of their email;
	// empty allows any account that exists.
	AllowedDomains []string `json:"allowedDomains"`
}

// Allows reports whether an email's domain may log in.
func (s SingleSignOn) Allows(email string) bool {
	if len(s.AllowedDomains) == 0 {
		return true
	}
	_, domain, ok := strings.Cut(strings.ToLower(strings.TrimSpace(email)), "@")
	if !ok {
		return false
	}
	for _, d := range s.AllowedDomains {
		if strings.EqualFold(d, domain) {
			return true
		}
	}
	return false
}

var domainPattern = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$`)

var ssoSpec = Spec[SingleSignOn]{
	Key: "sso", Title: "platform.settings.sso.title", Help: "platform.settings.sso.help", Order: 100,
	Defaults: func() SingleSignOn { return SingleSignOn{AllowedDomains: []string{}} },
	Fields: []Field{
		{Name: "enabled", Kind: Bool, Label: "platform.settings.sso.enabled"},
		{Name: "provider", Kind: Text, Label: "platform.settings.sso.provider", Help: "platform.settings.sso.providerhelp"},
		{Name: "issuer", Kind: URL, Label: "platform.settings.sso.issuer", Help: "platform.settings.sso.issuerhelp"},
		{Name: "clientId", Kind: Text, Label: "platform.settings.sso.clientid"},
		{Name: "clientSecret", Kind: Secret, Label: "platform.settings.sso.secret", Help: "platform.settings.sso.secrethelp"},
		{Name: "allowedDomains", Kind: List, Label: "platform.settings.sso.domains", Help: "platform.settings.sso.domainshelp"},
	},
	Validate: func(s SingleSignOn) Errors {
		errs := Errors{}
		for _, d := range s.AllowedDomains {
			if !domainPattern.MatchString(d) {
				errs["allowedDomains"] = M("platform.settings.err.domain", d)
				break
			}
		}
		if s.Issuer != "" {
			if u, err := url.Parse(s.Issuer); err == nil && u.Scheme != "https" && !isLoopback(u.Hostname()) {
				errs["issuer"] = M("platform.settings.err.https")
			}
		}
		if s.Enabled {
			if s.Provider == "" {
				errs["provider"] = M("platform.settings.err.required")
			}
			if s.Issuer == "" {
				errs["issuer"] = M("platform.settings.err.required")
			}
			if s.ClientID == "" {
				errs["clientId"] = M("platform.settings.err.required")
			}
			if s.ClientSecret == "" {
				errs["clientSecret"] = M("platform.settings.err.required")
			}
		}
		return errs
	},
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
