package sim

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"interlend/internal/calendar"
	"interlend/internal/routing"
)

//go:embed world.json
var defaultWorld []byte

// Config is a world and a workload.
type Config struct {
	Name string `json:"name"`
	// Start is the first day of the run (UTC); requests arrive over Days.
	Start    string   `json:"start"`
	Days     int      `json:"days"`
	Requests int      `json:"requests"`
	Seeds    []uint64 `json:"seeds"`
	// Libraries is the network's size; each library both borrows and lends.
	Libraries int `json:"libraries"`
	// Titles in the union catalog; SerialShare of them are journals.
	Titles      int     `json:"titles"`
	SerialShare float64 `json:"serialShare"`
	// CopyShare of the requests are for articles (copies of journal
	// issues); the rest are loans of books.
	CopyShare float64 `json:"copyShare"`
	// Holders per title, drawn between Min and Max (fewer more often).
	Holders struct {
		Min int `json:"min"`
		Max int `json:"max"`
	} `json:"holders"`
	// Rota is the number of lenders tried (both strategies).
	Rota int `json:"rota"`
	// ResponseDays is every lender's response window in business days.
	ResponseDays int `json:"responseDays"`
	// ScoreWindowDays: lender scores are recomputed every simulated day
	// over the requests sent in this many days before.
	ScoreWindowDays int `json:"scoreWindowDays"`
	// MaxCostShare of the requests carry MaxCost.
	MaxCostShare float64        `json:"maxCostShare"`
	MaxCost      string         `json:"maxCost"`
	Rates        []routing.Rate `json:"rates"`
	Zones        []Zone         `json:"zones"`
	Groups       []Group        `json:"groups"`
	Profiles     []Profile      `json:"profiles"`
	// Breaks: Share of the libraries close for Days days at a random
	// date of the run (a move, a strike, a building closure).
	Breaks struct {
		Share float64 `json:"share"`
		Days  int     `json:"days"`
	} `json:"breaks"`
	// Degrade: at fraction At of the run, the library of profile Profile
	// that holds the most starts to behave like Behaviour.
	Degrade struct {
		At      float64 `json:"at"`
		Profile string  `json:"profile"`
		Loan    Service `json:"loan"`
		Copy    Service `json:"copy"`
	} `json:"degrade"`
	// Catalog quality: shares of holdings whose serial coverage is not
	// stated, whose copies are all for use in the library, of requests
	// that find every copy of a holder on loan, and of those on-loan
	// states the catalog shows.
	Catalog struct {
		UnknownCoverage float64 `json:"unknownCoverage"`
		ClosedRuns      float64 `json:"closedRuns"`
		ReferenceOnly   float64 `json:"referenceOnly"`
		OnLoan          float64 `json:"onLoan"`
		OnLoanShown     float64 `json:"onLoanShown"`
	} `json:"catalog"`
	// Routing adjusts routing.DefaultConfig (zero fields keep it).
	Routing routing.Config `json:"routing"`
}

// Zone is a time zone some libraries are in, with its holidays and the
// currency its libraries charge in.
type Zone struct {
	Zone     string  `json:"zone"`
	Country  string  `json:"country"`
	Currency string  `json:"currency"`
	Share    float64 `json:"share"`
	Holidays string  `json:"holidays"` // as directory files write closures
}

// Group is a consortium or reciprocal group and its size.
type Group struct {
	Code    string `json:"code"`
	Kind    string `json:"kind"` // consortium or reciprocal
	Members int    `json:"members"`
}

// Profile is a kind of library: how much it holds, how much it can handle
// a day, and how it lends and copies.
type Profile struct {
	Name  string  `json:"name"`
	Share float64 `json:"share"`
	// Holdings weighs the library's chance of holding a title.
	Holdings float64 `json:"holdings"`
	// Capacity is the requests a day it answers without falling behind.
	Capacity Range `json:"capacity"`
	// DailyCap: the share of these libraries that state a cap, and the cap.
	CapShare float64 `json:"capShare"`
	DailyCap Range   `json:"dailyCap"`
	// Saturday says the library is open on Saturdays.
	Saturday bool `json:"saturday"`
	// ChargeShare of these libraries charge Charge (minor units of their
	// zone's currency) per loan, half that per copy.
	ChargeShare float64 `json:"chargeShare"`
	Charge      Range   `json:"charge"`
	Loan        Service `json:"loan"`
	Copy        Service `json:"copy"`
}

// Service is how a library handles one service type.
type Service struct {
	Offer float64 `json:"offer"` // share of these libraries offering it
	// Fill is the chance it supplies what it holds and can lend.
	Fill Range `json:"fill"`
	// AnswerHours of its business time to answer; SupplyDays of business
	// days from the answer to shipping or delivery.
	AnswerHours Range `json:"answerHours"`
	SupplyDays  Range `json:"supplyDays"`
	// Silence is the chance it never answers.
	Silence Range `json:"silence"`
}

// Range is [low, high]; a value is drawn uniformly.
type Range [2]float64

// DefaultConfig is the built-in world (world.json).
func DefaultConfig() Config {
	c, err := ParseConfig(defaultWorld)
	if err != nil {
		panic(fmt.Sprintf("sim: built-in world.json: %v", err))
	}
	return c
}

// LoadConfig reads a configuration file.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("sim: %w", err)
	}
	return ParseConfig(b)
}

// ParseConfig reads a configuration (unknown fields are an error) and
// checks it.
func ParseConfig(b []byte) (Config, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("sim: configuration: %w", err)
	}
	return c, c.Validate()
}

// Validate reports the first problem of the configuration.
func (c *Config) Validate() error {
	bad := func(f string, a ...any) error { return fmt.Errorf("sim: configuration: "+f, a...) }
	if _, err := c.StartTime(); err != nil {
		return bad("start %q: want YYYY-MM-DD", c.Start)
	}
	switch {
	case c.Days < 1 || c.Days > 3650:
		return bad("days must be 1 to 3650")
	case c.Requests < 1 || c.Requests > 2_000_000:
		return bad("requests must be 1 to 2,000,000")
	case len(c.Seeds) == 0:
		return bad("at least one seed is needed")
	case c.Libraries < 3 || c.Libraries > 5000:
		return bad("libraries must be 3 to 5000")
	case c.Titles < 10:
		return bad("at least 10 titles are needed")
	case c.Holders.Min < 1 || c.Holders.Max < c.Holders.Min || c.Holders.Max >= c.Libraries:
		return bad("holders: 1 ≤ min ≤ max < libraries")
	case c.Rota < 1:
		return bad("rota must be at least 1")
	case c.ResponseDays < 1:
		return bad("responseDays must be at least 1")
	case c.ScoreWindowDays < 1:
		return bad("scoreWindowDays must be at least 1")
	case len(c.Zones) == 0 || len(c.Profiles) == 0:
		return bad("zones and profiles are needed")
	}
	for _, z := range c.Zones {
		if _, err := time.LoadLocation(z.Zone); err != nil {
			return bad("zone %q: %v", z.Zone, err)
		}
		if z.Share <= 0 {
			return bad("zone %s: share must be positive", z.Zone)
		}
	}
	for _, g := range c.Groups {
		if g.Kind != "consortium" && g.Kind != "reciprocal" || g.Members < 2 || g.Members > c.Libraries {
			return bad("group %s: kind consortium or reciprocal, 2 to %d members", g.Code, c.Libraries)
		}
	}
	for _, p := range c.Profiles {
		if p.Share <= 0 || p.Holdings <= 0 || p.Capacity[0] <= 0 {
			return bad("profile %s: share, holdings and capacity must be positive", p.Name)
		}
	}
	if c.Degrade.At > 0 && !c.hasProfile(c.Degrade.Profile) {
		return bad("degrade: no profile %q", c.Degrade.Profile)
	}
	if c.MaxCostShare > 0 {
		if _, err := parseMoney(c.MaxCost); err != nil {
			return bad("maxCost: %v", err)
		}
	}
	if _, err := routing.NewRates(c.Rates); err != nil {
		return bad("rates: %v", err)
	}
	return nil
}

func (c *Config) hasProfile(name string) bool {
	for _, p := range c.Profiles {
		if p.Name == name {
			return true
		}
	}
	return false
}

// StartTime is the run's first instant (midnight UTC of Start).
func (c *Config) StartTime() (time.Time, error) {
	d, err := calendar.ParseDate(c.Start)
	if err != nil {
		return time.Time{}, err
	}
	return d.In(time.UTC), nil
}
