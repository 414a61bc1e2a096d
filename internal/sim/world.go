package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"interlend/internal/calendar"
	"interlend/internal/catalog"
	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/marc"
	"interlend/internal/routing"
)

// Library is a simulated library: its directory entry (what routing
// sees) and its true behaviour (what the simulator does).
type Library struct {
	Index    int
	Lender   routing.Lender
	Profile  string
	Holdings float64
	Capacity float64
	Loan     Behaviour
	Copy     Behaviour
	// Degraded is the behaviour from DegradeAt on (nil: it does not).
	Degraded  *[2]Behaviour
	DegradeAt time.Time
}

// Behaviour is a library's true conduct for one service type.
type Behaviour struct {
	Offers      bool
	Fill        float64
	AnswerHours float64
	SupplyDays  float64
	Silence     float64
}

// behaviour is how the library handles svc at t.
func (l *Library) behaviour(svc ill.ServiceType, t time.Time) Behaviour {
	i := 0
	if svc == ill.Copy {
		i = 1
	}
	if l.Degraded != nil && !t.Before(l.DegradeAt) {
		return l.Degraded[i]
	}
	if i == 1 {
		return l.Copy
	}
	return l.Loan
}

// Title is a book or a journal and who holds it.
type Title struct {
	Serial  bool
	Holders []Holder
}

// Holder is one library's holding of a title.
type Holder struct {
	Lib int
	// Serial coverage (years); End 0 is open-ended. CoverageKnown is
	// false when the catalog does not state it.
	StartYear, EndYear int
	CoverageKnown      bool
	// Copies and whether any may circulate (books).
	Copies    int
	Reference bool
}

// Request is one request of the workload.
type Request struct {
	ID       int
	At       time.Time
	Borrower int
	Title    int
	Service  ill.ServiceType
	Year     int
	MaxCost  ill.Money
}

// World is a generated network and workload.
type World struct {
	Config    Config
	Seed      uint64
	Start     time.Time
	End       time.Time // last arrival
	Libraries []*Library
	Titles    []Title
	Requests  []Request
	Rates     *routing.Rates
	Degraded  int // index of the library that degrades (-1: none)
}

// NewWorld generates the world of a configuration and a seed.
func NewWorld(c Config, seed uint64) (*World, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	start, _ := c.StartTime()
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	rates, _ := routing.NewRates(c.Rates)
	w := &World{Config: c, Seed: seed, Start: start, End: start.AddDate(0, 0, c.Days), Rates: rates, Degraded: -1}
	if err := w.makeLibraries(rng); err != nil {
		return nil, err
	}
	w.makeTitles(rng)
	if err := w.makeRequests(rng); err != nil {
		return nil, err
	}
	return w, nil
}

func draw(rng *rand.Rand, r Range) float64 { return r[0] + rng.Float64()*(r[1]-r[0]) }

// pick chooses an index by weight.
func pick(rng *rand.Rand, weights []float64) int {
	total := 0.0
	for _, x := range weights {
		total += x
	}
	u := rng.Float64() * total
	for i, x := range weights {
		if u < x {
			return i
		}
		u -= x
	}
	return len(weights) - 1
}

func (w *World) makeLibraries(rng *rand.Rand) error {
	c := w.Config
	zoneW := make([]float64, len(c.Zones))
	for i, z := range c.Zones {
		zoneW[i] = z.Share
	}
	profW := make([]float64, len(c.Profiles))
	for i, p := range c.Profiles {
		profW[i] = p.Share
	}
	// Group memberships: each group takes its members at random.
	members := make([][]directory.Agreement, c.Libraries)
	for _, g := range c.Groups {
		kind := directory.AgreementKind(g.Kind)
		ag := directory.Agreement{Group: g.Code, Kind: kind, Name: g.Code}
		if kind == directory.AgreementConsortium {
			// Members lend to each other free of charge.
			ag.Charges = []directory.Charge{{Service: directory.ServiceLoan}, {Service: directory.ServiceCopy}}
		}
		for _, i := range rng.Perm(c.Libraries)[:g.Members] {
			members[i] = append(members[i], ag)
		}
	}
	end := w.Start.AddDate(0, 0, c.Days)
	for i := range c.Libraries {
		z := c.Zones[pick(rng, zoneW)]
		p := c.Profiles[pick(rng, profW)]
		loc, err := time.LoadLocation(z.Zone)
		if err != nil {
			return err
		}
		hours := "mon-fri 09:00-17:00"
		if p.Saturday {
			hours = "mon-fri 09:00-17:00|sat 10:00-14:00"
		}
		week, err := directory.ParseWeek(hours)
		if err != nil {
			return err
		}
		closures, err := directory.ParseClosures(z.Holidays)
		if err != nil {
			return fmt.Errorf("zone %s holidays: %w", z.Zone, err)
		}
		if rng.Float64() < c.Breaks.Share {
			from := calendar.DateOf(w.Start.Add(time.Duration(rng.Float64() * float64(end.Sub(w.Start)))))
			closures = append(closures, calendar.Closure{From: from, To: from.AddDays(c.Breaks.Days - 1), Name: "Building closure"})
		}
		cal := calendar.Calendar{Location: loc, Week: week, Closures: closures}
		sch, err := calendar.New(cal)
		if err != nil {
			return err
		}
		id := ill.AgencyID(fmt.Sprintf("%s-SIM%02d", z.Country, i+1))
		lib := &Library{Index: i, Profile: p.Name, Holdings: p.Holdings, Capacity: draw(rng, p.Capacity)}
		lib.Loan, lib.Copy = behaviourOf(rng, p.Loan), behaviourOf(rng, p.Copy)
		e := directory.Entry{ID: id, Name: fmt.Sprintf("Simulated library %d (%s)", i+1, p.Name), Status: directory.StatusActive,
			Symbols:  []directory.Symbol{directory.ISIL(string(id))},
			Endpoint: directory.Endpoint{URL: "https://sim" + fmt.Sprint(i+1) + ".example/iso18626", Version: directory.Version2021},
			Calendar: &cal, Policy: directory.Policy{ResponseDays: c.ResponseDays, Agreements: members[i]}}
		if lib.Loan.Offers {
			e.Services = append(e.Services, directory.Service{Type: directory.ServiceLoan, Formats: []string{"Printed"}})
		}
		if lib.Copy.Offers {
			e.Services = append(e.Services, directory.Service{Type: directory.ServiceCopy, Formats: []string{"PDF"}, Electronic: true})
		}
		if rng.Float64() < p.CapShare {
			e.Policy.DailyCap = int(math.Round(draw(rng, p.DailyCap)))
		}
		if rng.Float64() < p.ChargeShare {
			amount := int64(math.Round(draw(rng, p.Charge)/100) * 100)
			e.Policy.Charges = []directory.Charge{
				{Service: directory.ServiceLoan, Amount: directory.Money{Minor: amount, Currency: z.Currency}},
				{Service: directory.ServiceCopy, Amount: directory.Money{Minor: amount / 2, Currency: z.Currency}},
			}
		}
		lib.Lender = routing.Lender{Entry: e, Schedule: sch}
		w.Libraries = append(w.Libraries, lib)
	}
	// The library that degrades: of its profile, the one that holds the
	// most (ties: the first).
	if c.Degrade.At > 0 {
		best := -1
		for i, l := range w.Libraries {
			if l.Profile == c.Degrade.Profile && (best < 0 || l.Holdings*l.Capacity > w.Libraries[best].Holdings*w.Libraries[best].Capacity) {
				best = i
			}
		}
		if best >= 0 {
			l := w.Libraries[best]
			loan, cp := behaviourOf(rng, c.Degrade.Loan), behaviourOf(rng, c.Degrade.Copy)
			loan.Offers, cp.Offers = l.Loan.Offers, l.Copy.Offers
			l.Degraded = &[2]Behaviour{loan, cp}
			l.DegradeAt = w.Start.Add(time.Duration(c.Degrade.At * float64(end.Sub(w.Start))))
			w.Degraded = best
		}
	}
	return nil
}

func behaviourOf(rng *rand.Rand, s Service) Behaviour {
	return Behaviour{Offers: rng.Float64() < s.Offer, Fill: draw(rng, s.Fill), AnswerHours: draw(rng, s.AnswerHours),
		SupplyDays: draw(rng, s.SupplyDays), Silence: draw(rng, s.Silence)}
}

func (w *World) makeTitles(rng *rand.Rand) {
	c := w.Config
	weights := make([]float64, len(w.Libraries))
	for i, l := range w.Libraries {
		weights[i] = l.Holdings
	}
	w.Titles = make([]Title, c.Titles)
	for t := range w.Titles {
		serial := rng.Float64() < c.SerialShare
		// Fewer holders more often: the square of a uniform draw.
		u := rng.Float64()
		k := c.Holders.Min + int(u*u*float64(c.Holders.Max-c.Holders.Min+1))
		k = min(k, c.Holders.Max)
		chosen := sampleWeighted(rng, weights, k)
		hs := make([]Holder, 0, k)
		for _, lib := range chosen {
			h := Holder{Lib: lib}
			if serial {
				h.StartYear = 1950 + rng.IntN(56)
				if rng.Float64() < c.Catalog.ClosedRuns {
					h.EndYear = max(h.StartYear, 2000+rng.IntN(21))
				}
				h.CoverageKnown = rng.Float64() >= c.Catalog.UnknownCoverage
			} else {
				h.Copies = 1 + rng.IntN(3)
				h.Reference = rng.Float64() < c.Catalog.ReferenceOnly
			}
			hs = append(hs, h)
		}
		w.Titles[t] = Title{Serial: serial, Holders: hs}
	}
}

// sampleWeighted draws k distinct indexes, each with probability
// proportional to its weight among those left.
func sampleWeighted(rng *rand.Rand, weights []float64, k int) []int {
	left := slices.Clone(weights)
	out := make([]int, 0, k)
	for range k {
		i := pick(rng, left)
		out = append(out, i)
		left[i] = 0
	}
	sort.Ints(out)
	return out
}

func (w *World) makeRequests(rng *rand.Rand) error {
	c := w.Config
	var books, serials []int
	for i, t := range w.Titles {
		if t.Serial {
			serials = append(serials, i)
		} else {
			books = append(books, i)
		}
	}
	if len(books) == 0 || len(serials) == 0 {
		return fmt.Errorf("sim: the catalog needs books and journals (titles %d, serial share %.2f)", c.Titles, c.SerialShare)
	}
	var maxCost ill.Money
	if c.MaxCostShare > 0 {
		maxCost, _ = parseMoney(c.MaxCost)
	}
	span := w.End.Sub(w.Start)
	for len(w.Requests) < c.Requests {
		r := Request{ID: len(w.Requests), Borrower: rng.IntN(len(w.Libraries)), Service: ill.Loan}
		r.At = w.Start.Add(time.Duration(rng.Float64() * float64(span))).Truncate(time.Second)
		pool := books
		if rng.Float64() < c.CopyShare {
			r.Service, pool = ill.Copy, serials
			// Recent years are asked for more often.
			u := rng.Float64()
			r.Year = 2026 - int(u*u*40)
		}
		// Popular titles are asked for more often.
		u := rng.Float64()
		r.Title = pool[int(math.Pow(u, 1.8)*float64(len(pool)))]
		if !slices.ContainsFunc(w.Titles[r.Title].Holders, func(h Holder) bool { return h.Lib != r.Borrower }) {
			continue
		}
		if rng.Float64() < c.MaxCostShare {
			r.MaxCost = maxCost
		}
		w.Requests = append(w.Requests, r)
	}
	slices.SortStableFunc(w.Requests, func(a, b Request) int { return a.At.Compare(b.At) })
	for i := range w.Requests {
		w.Requests[i].ID = i
	}
	return nil
}

func parseMoney(s string) (ill.Money, error) {
	m, err := directory.ParseMoney(s, "")
	if err != nil {
		return ill.Money{}, err
	}
	return ill.Money{Minor: m.Minor, Currency: m.Currency}, nil
}

// citation is what a request asks for, as routing sees it.
func (w *World) citation(r *Request) ill.Citation {
	if r.Service == ill.Copy {
		return ill.Citation{Title: fmt.Sprintf("Journal %d", r.Title), ArticleTitle: "An article", JournalTitle: fmt.Sprintf("Journal %d", r.Title),
			ISSN: issnOf(r.Title), PubDate: fmt.Sprint(r.Year), PublicationType: ill.PubArticle}
	}
	return ill.Citation{Title: fmt.Sprintf("Book %d", r.Title), PublicationType: ill.PubBook}
}

// issnOf makes a valid ISSN for a title number.
func issnOf(n int) string {
	body := fmt.Sprintf("%07d", n%10_000_000)
	sum := 0
	for i := range 7 {
		sum += int(body[i]-'0') * (8 - i)
	}
	check := (11 - sum%11) % 11
	c := byte('0' + check)
	if check == 10 {
		c = 'X'
	}
	return body[:4] + "-" + body[4:] + string(c)
}

// holdings is the union catalog's answer for a request: every holder's
// record as its catalog describes it (coverage statements when stated,
// copies with their lendable and on-loan status when shown).
func (w *World) holdings(r *Request) []catalog.Holding {
	t := &w.Titles[r.Title]
	out := make([]catalog.Holding, 0, len(t.Holders))
	for _, h := range t.Holders {
		lib := w.Libraries[h.Lib]
		rec := catalog.Record{Holder: lib.Lender.Entry.ID}
		rec.ID = fmt.Sprintf("t%d", r.Title)
		m := catalog.Match{Score: 1, By: catalog.ByISBN}
		if t.Serial {
			rec.Format, rec.ISSNs = marc.FormatSerial, []string{issnOf(r.Title)}
			m.By = catalog.ByISSN
			if h.CoverageKnown {
				stmt := fmt.Sprintf("%d-", h.StartYear)
				if h.EndYear > 0 {
					stmt = fmt.Sprintf("%d-%d", h.StartYear, h.EndYear)
				}
				rec.Coverage = marc.Coverage{Statements: []string{stmt}, Ranges: marc.ParseCoverage(stmt)}
				m.Coverage = rec.Coverage.Match(r.Year, 0)
			}
		} else {
			rec.Format = marc.FormatBook
			rec.Counts = catalog.ItemCounts{Items: h.Copies}
			if !h.Reference {
				rec.Counts.Lendable, rec.Counts.Available = h.Copies, h.Copies
				if w.onLoan(r, h.Lib) && w.u(r.ID, h.Lib, saltShown) < w.Config.Catalog.OnLoanShown {
					rec.Counts.Available = 0
				}
			}
		}
		m.Record = rec
		out = append(out, catalog.Holding{Agency: rec.Holder, Source: "catalog", Matches: []catalog.Match{m}})
	}
	return out
}

// onLoan says whether every copy of the holder is out when the request
// comes (a book only).
func (w *World) onLoan(r *Request, lib int) bool {
	return w.u(r.ID, lib, saltOnLoan) < w.Config.Catalog.OnLoan
}

// Salts of the per-request, per-lender draws.
const (
	saltOnLoan uint64 = iota + 1
	saltShown
	saltSilence
	saltFill
	saltAnswer
	saltSupply
)

// u is a uniform draw in [0, 1) fixed by the seed, the request, the
// library and the purpose: both strategies see the same decisions.
func (w *World) u(req, lib int, salt uint64) float64 {
	x := w.Seed*0x9e3779b97f4a7c15 ^ uint64(req)*0xbf58476d1ce4e5b9 ^ uint64(lib+1)*0x94d049bb133111eb ^ salt*0xd6e8feb86659fd93
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}

// covers reports whether a holder truly has the year of a serial.
func (h Holder) covers(year int) bool {
	return year >= h.StartYear && (h.EndYear == 0 || year <= h.EndYear)
}

// eligible lists the libraries that could fill a request: they hold it,
// offer the service, and are not the borrower (fair shares are taken
// over these).
func (w *World) eligible(r *Request) []int {
	var out []int
	for _, h := range w.Titles[r.Title].Holders {
		lib := w.Libraries[h.Lib]
		if h.Lib == r.Borrower || !lib.behaviour(r.Service, w.Start).Offers {
			continue
		}
		out = append(out, h.Lib)
	}
	return out
}

func (w *World) describe() string {
	var b strings.Builder
	counts := map[string]int{}
	for _, l := range w.Libraries {
		counts[l.Profile]++
	}
	for _, p := range w.Config.Profiles {
		fmt.Fprintf(&b, "%s %d, ", p.Name, counts[p.Name])
	}
	return strings.TrimSuffix(b.String(), ", ")
}
