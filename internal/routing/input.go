package routing

import (
	"time"

	"interlend/internal/calendar"
	"interlend/internal/catalog"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/stats"
)

// Request is what routing needs to know about a borrowing request.
type Request struct {
	Borrower ill.AgencyID
	Service  ill.ServiceType
	Citation ill.Citation
	// Format is the ISO 18626 format asked for (Printed, PDF, ...); ""
	// takes any (Citation.PreferredFormat is used when empty).
	Format string
	// Electronic asks for electronic delivery of a copy.
	Electronic bool
	// MaxCost is the most the borrower will pay; zero means no limit.
	MaxCost ill.Money
	// NeedBefore is the patron's need-by date; zero means none.
	NeedBefore time.Time
}

// Lender is what routing knows about one library that may lend.
type Lender struct {
	Entry directory.Entry
	// Schedule is the compiled business calendar; nil means Monday to
	// Friday, 09:00 to 17:00 UTC (DefaultSchedule).
	Schedule *calendar.Schedule
	// SentToday counts requests sent to it on its current local day (by
	// every borrower this deployment knows of).
	SentToday int
}

// Input is everything Build needs.
type Input struct {
	Request Request
	// Borrower is the borrowing library's directory entry (its groups
	// decide tiers and terms); nil means a library in no group.
	Borrower *directory.Entry
	// Holdings are who holds what the request asks for (catalog.Rank's
	// answer, best first).
	Holdings []catalog.Holding
	// Lenders are the directory's knowledge of the holders; a holder
	// missing here is left out ("not in the directory").
	Lenders map[ill.AgencyID]*Lender
	// Scores are the lenders' measured performance (stats.LenderScores);
	// scores of other service types are ignored.
	Scores []stats.LenderScore
	// Rates convert charges into the currency of the request's maximum
	// (or Config.Currency).
	Rates *Rates
	// LoadToday is the number of requests sent today (each lender's local
	// day) to all lenders together, and Routable the number of lenders
	// they went to; LoadToday / Routable is a lender's fair load for the
	// day. Zero turns load spreading off.
	LoadToday int
	Routable  int
	Now       time.Time
	Config    Config
}

// Scope limits the lenders a borrower routes to.
type Scope string

// Scopes.
const (
	ScopeAll        Scope = "all"        // any library in the directory
	ScopeGroups     Scope = "groups"     // libraries sharing a consortium or reciprocal group with the borrower
	ScopeConsortium Scope = "consortium" // libraries sharing a consortium with the borrower
)

// Config holds routing's tunable figures. Zero fields take the defaults
// of DefaultConfig (see WithDefaults).
type Config struct {
	// MaxLenders is the rota's length.
	MaxLenders int `json:"maxLenders"`
	// PriorWeight is how many requests the prior counts as.
	PriorWeight float64 `json:"priorWeight"`
	// Established is the number of decided requests that makes a lender
	// count towards the network medians.
	Established int `json:"established"`
	// DefaultFillRate, DefaultTurnaround and DefaultAnswer are the prior
	// while no lender is established.
	DefaultFillRate   float64       `json:"defaultFillRate"`
	DefaultTurnaround time.Duration `json:"defaultTurnaround"`
	DefaultAnswer     time.Duration `json:"defaultAnswer"`
	// ResponseDays is the response window, in the lender's business
	// days, of a lender whose directory entry states none.
	ResponseDays int `json:"responseDays"`
	// MaxClosureDays is how many open days a closure may take out of a
	// lender's response window before the lender is left out.
	MaxClosureDays int `json:"maxClosureDays"`
	// Scope limits the lenders routed to.
	Scope Scope `json:"scope"`
	// Currency is the currency costs are compared in when the request
	// states no maximum (the borrower's).
	Currency string `json:"currency"`
	// CostScale is the charge, in Currency's minor units, that halves a
	// lender's score.
	CostScale int64 `json:"costScale"`
	// TierFactors multiply the score by tier: [consortium, reciprocal, other].
	TierFactors [3]float64 `json:"tierFactors"`
	// LoadWeight is how strongly today's load above the fair share lowers
	// the score.
	LoadWeight float64 `json:"loadWeight"`
	// UnknownCoverage multiplies the score of a serial holding that does
	// not say whether the year and volume are held; OnLoan that of a
	// holding whose lendable copies are all on loan; LateFactor that of a
	// lender expected to fill after the need-by date.
	UnknownCoverage float64 `json:"unknownCoverage"`
	OnLoan          float64 `json:"onLoan"`
	LateFactor      float64 `json:"lateFactor"`
}

// DefaultConfig is routing's documented configuration.
func DefaultConfig() Config {
	return Config{
		MaxLenders:        5,
		PriorWeight:       10,
		Established:       5,
		DefaultFillRate:   0.6,
		DefaultTurnaround: 3 * 24 * time.Hour,
		DefaultAnswer:     24 * time.Hour,
		ResponseDays:      3,
		MaxClosureDays:    2,
		Scope:             ScopeAll,
		Currency:          "USD",
		CostScale:         2000,
		TierFactors:       [3]float64{1.3, 1.15, 1},
		LoadWeight:        1.0,
		UnknownCoverage:   0.8,
		OnLoan:            0.6,
		LateFactor:        0.5,
	}
}

// WithDefaults fills the zero fields of c from DefaultConfig.
func (c Config) WithDefaults() Config {
	d := DefaultConfig()
	if c.MaxLenders <= 0 {
		c.MaxLenders = d.MaxLenders
	}
	if c.PriorWeight <= 0 {
		c.PriorWeight = d.PriorWeight
	}
	if c.Established <= 0 {
		c.Established = d.Established
	}
	if c.DefaultFillRate <= 0 || c.DefaultFillRate > 1 {
		c.DefaultFillRate = d.DefaultFillRate
	}
	if c.DefaultTurnaround <= 0 {
		c.DefaultTurnaround = d.DefaultTurnaround
	}
	if c.DefaultAnswer <= 0 {
		c.DefaultAnswer = d.DefaultAnswer
	}
	if c.ResponseDays <= 0 {
		c.ResponseDays = d.ResponseDays
	}
	if c.MaxClosureDays <= 0 {
		c.MaxClosureDays = d.MaxClosureDays
	}
	if c.Scope == "" {
		c.Scope = d.Scope
	}
	if c.Currency == "" {
		c.Currency = d.Currency
	}
	if c.CostScale <= 0 {
		c.CostScale = d.CostScale
	}
	if c.TierFactors == ([3]float64{}) {
		c.TierFactors = d.TierFactors
	}
	if c.LoadWeight <= 0 {
		c.LoadWeight = d.LoadWeight
	}
	if c.UnknownCoverage <= 0 {
		c.UnknownCoverage = d.UnknownCoverage
	}
	if c.OnLoan <= 0 {
		c.OnLoan = d.OnLoan
	}
	if c.LateFactor <= 0 {
		c.LateFactor = d.LateFactor
	}
	return c
}

// defaultSchedule is Monday to Friday, 09:00 to 17:00 UTC.
var defaultSchedule = func() *calendar.Schedule {
	c := calendar.Calendar{Location: time.UTC}
	for d := time.Monday; d <= time.Friday; d++ {
		c.Week[d] = calendar.Hours{Open: 9 * time.Hour, Close: 17 * time.Hour}
	}
	s, err := calendar.New(c)
	if err != nil {
		panic(err)
	}
	return s
}()

// DefaultSchedule is the calendar assumed for a library that states none:
// Monday to Friday, 09:00 to 17:00 UTC.
func DefaultSchedule() *calendar.Schedule { return defaultSchedule }

func (l *Lender) schedule() *calendar.Schedule {
	if l.Schedule == nil {
		return defaultSchedule
	}
	return l.Schedule
}

// responseDays is the lender's response window in its business days.
func (l *Lender) responseDays(c Config) int {
	if l.Entry.Policy.ResponseDays > 0 {
		return l.Entry.Policy.ResponseDays
	}
	return c.ResponseDays
}

// Deadline is when a lender's response window ends for a request sent at
// t: the end of the n-th open day after t's date in the lender's zone.
func Deadline(s *calendar.Schedule, t time.Time, days int) time.Time {
	if s == nil {
		s = defaultSchedule
	}
	return s.AddBusinessDays(t, days)
}
