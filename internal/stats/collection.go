package stats

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"interlend/internal/ill"
)

// TitleDemand is how often one title was asked for through borrowing in a
// period: a book by its ISBN, a journal by its ISSN, anything else by its
// normalised title.
type TitleDemand struct {
	Key         string  `json:"key"` // isbn:…, issn:… or title:…
	ISBN        string  `json:"isbn,omitempty"`
	ISSN        string  `json:"issn,omitempty"`
	Title       string  `json:"title"`
	Author      string  `json:"author,omitempty"`
	PubYear     int     `json:"pubYear,omitempty"`
	Subject     string  `json:"subject,omitempty"`
	Copies      bool    `json:"copies"` // asked for as copies (articles, chapters)
	Requests    int     `json:"requests"`
	Filled      int     `json:"filled"`
	Departments []Count `json:"departments"`
	// Cost is what the ledger says these requests cost, in the report's
	// currency (lines in other currencies are left out).
	Cost int64 `json:"cost"`
}

// BuyCandidate is a title worth buying rather than borrowing again.
type BuyCandidate struct {
	TitleDemand
	// ILLCost is the ledger cost plus the handling cost of each request.
	ILLCost int64 `json:"illCost"`
	Price   int64 `json:"price"`  // the estimated purchase price
	Saving  int64 `json:"saving"` // ILLCost − Price: what buying would have saved (negative: it would have cost more)
	Recent  bool  `json:"recent"` // published within the recent years
	// Because says why: "repeat" (asked for MinRequests or more times),
	// "cost" (borrowing has cost more than buying).
	Because []string `json:"because"`
}

// CollectionOptions tune the collection report.
type CollectionOptions struct {
	MinRequests   int    // a title asked for this many times or more is listed (default 3)
	Currency      string // the currency costs are reported in
	PurchasePrice int64  // estimated price of a book, minor units
	HandlingCost  int64  // staff cost of one borrowing request, minor units
	RecentYears   int    // published within this many years counts as recent (default 5)
	Now           time.Time
}

// Collection is the collection development report of a period.
type Collection struct {
	Period      Period            `json:"period"`
	Requests    int               `json:"requests"` // borrowing requests submitted in the period
	Titles      []TitleDemand     `json:"titles"`   // asked for MinRequests or more times
	Subjects    []Count           `json:"subjects"`
	Departments []Count           `json:"departments"`
	Matrix      []SubjectCell     `json:"matrix"` // subject × department
	Candidates  []BuyCandidate    `json:"candidates"`
	Options     CollectionOptions `json:"-"`
}

// SubjectCell counts one department's requests in one subject.
type SubjectCell struct {
	Subject    string `json:"subject"`
	Department string `json:"department"`
	N          int    `json:"n"`
}

var yearPattern = regexp.MustCompile(`(?:^|\D)((?:1[5-9]|20)\d\d)(?:\D|$)`)

// PubYear is the first plausible year in a citation's date ("Spring
// 2019" is 2019), or 0.
func PubYear(s string) int {
	m := yearPattern.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	y, _ := strconv.Atoi(m[1])
	return y
}

// DemandKey groups requests for the same title: ISBN, else ISSN, else the
// normalised title (TitleKey, or the title folded to lower case).
func (j Journey) DemandKey() string {
	switch {
	case j.ISBN != "":
		return "isbn:" + j.ISBN
	case j.ISSN != "":
		return "issn:" + j.ISSN
	case j.TitleKey != "":
		return "title:" + j.TitleKey
	}
	return "title:" + strings.Join(strings.Fields(strings.ToLower(j.Title)), " ")
}

// CollectionReport looks at the borrowing requests submitted in p: titles
// asked for often, demand by subject and department, and the titles to buy
// instead of borrowing (loans only: copies are articles and chapters).
func CollectionReport(js []Journey, p Period, o CollectionOptions) Collection {
	if o.MinRequests <= 0 {
		o.MinRequests = 3
	}
	if o.RecentYears <= 0 {
		o.RecentYears = 5
	}
	c := Collection{Period: p, Options: o}
	byKey := map[string]*TitleDemand{}
	depts := map[string]counter{}
	subjects, departments := counter{}, counter{}
	matrix := map[[2]string]int{}
	for _, j := range js {
		if j.Side != ill.Borrowing || !p.Contains(j.Submitted) || j.Title == "" && j.ISBN == "" && j.ISSN == "" {
			continue
		}
		c.Requests++
		subj, dept := orNone(j.Subject), orNone(j.Department)
		subjects.add(subj)
		departments.add(dept)
		matrix[[2]string{subj, dept}]++
		k := j.DemandKey()
		d := byKey[k]
		if d == nil {
			title := j.Title
			if j.ISSN != "" && j.ISBN == "" && j.Container != "" {
				title = j.Container // a journal: its articles are asked for
			}
			d = &TitleDemand{Key: k, ISBN: j.ISBN, ISSN: j.ISSN, Title: title, Author: j.Author, PubYear: PubYear(j.PubDate), Subject: j.Subject}
			byKey[k] = d
			depts[k] = counter{}
		}
		d.Requests++
		if j.Service == ill.Copy {
			d.Copies = true
		}
		if j.Filled() {
			d.Filled++
		}
		if d.Subject == "" {
			d.Subject = j.Subject
		}
		if j.Currency == o.Currency {
			d.Cost += j.Cost
		}
		depts[k].add(dept)
	}
	c.Subjects, c.Departments = subjects.list(), departments.list()
	for k, n := range matrix {
		c.Matrix = append(c.Matrix, SubjectCell{Subject: k[0], Department: k[1], N: n})
	}
	sort.Slice(c.Matrix, func(i, j int) bool {
		x, y := c.Matrix[i], c.Matrix[j]
		if x.Subject != y.Subject {
			return x.Subject < y.Subject
		}
		return x.Department < y.Department
	})
	for k, d := range byKey {
		d.Departments = depts[k].list()
		if d.Requests >= o.MinRequests {
			c.Titles = append(c.Titles, *d)
		}
		if d.Copies {
			continue
		}
		b := BuyCandidate{TitleDemand: *d, ILLCost: d.Cost + o.HandlingCost*int64(d.Requests), Price: o.PurchasePrice}
		b.Saving = b.ILLCost - b.Price
		b.Recent = d.PubYear > 0 && !o.Now.IsZero() && d.PubYear >= o.Now.Year()-o.RecentYears
		if d.Requests >= o.MinRequests {
			b.Because = append(b.Because, "repeat")
		}
		if o.PurchasePrice > 0 && b.ILLCost >= o.PurchasePrice {
			b.Because = append(b.Because, "cost")
		}
		if len(b.Because) > 0 {
			c.Candidates = append(c.Candidates, b)
		}
	}
	sort.Slice(c.Titles, func(i, j int) bool { return demandLess(c.Titles[i], c.Titles[j]) })
	sort.Slice(c.Candidates, func(i, j int) bool {
		if c.Candidates[i].Saving != c.Candidates[j].Saving {
			return c.Candidates[i].Saving > c.Candidates[j].Saving
		}
		return demandLess(c.Candidates[i].TitleDemand, c.Candidates[j].TitleDemand)
	})
	return c
}

func demandLess(a, b TitleDemand) bool {
	if a.Requests != b.Requests {
		return a.Requests > b.Requests
	}
	return a.Key < b.Key
}

func orNone(s string) string {
	if s == "" {
		return None
	}
	return s
}

// LCSubject is the class letters of an LC call number or class ("QA76.73
// .P98" is QA); "" when s does not start like one.
func LCSubject(s string) string {
	s = strings.TrimSpace(strings.ToUpper(s))
	n := 0
	for n < len(s) && n < 3 && s[n] >= 'A' && s[n] <= 'Z' {
		n++
	}
	if n == 0 || n == 3 && len(s) > 3 && s[3] >= 'A' && s[3] <= 'Z' {
		return ""
	}
	rest := strings.TrimSpace(s[n:])
	if rest != "" && (rest[0] < '0' || rest[0] > '9') {
		return ""
	}
	if strings.ContainsRune("IOWXY", rune(s[0])) {
		return "" // no LC class begins with these letters
	}
	return s[:n]
}
