package copyright

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// EmbargoPart is one part of a KBART embargo_info value: "R10Y" (only the
// last 10 years are available) or "P6M" (the last 6 months are not).
type EmbargoPart struct {
	Kind string `json:"kind"` // "R": range available, "P": period not available
	N    int    `json:"n"`
	Unit string `json:"unit"` // "D", "M" or "Y"
}

// ago is now minus the part's length.
func (e EmbargoPart) ago(now time.Time) time.Time {
	switch e.Unit {
	case "D":
		return now.AddDate(0, 0, -e.N)
	case "M":
		return now.AddDate(0, -e.N, 0)
	}
	return now.AddDate(-e.N, 0, 0)
}

// parseEmbargo reads "", "R10Y", "P1Y" or "R10Y;P1Y".
func parseEmbargo(s string) ([]EmbargoPart, error) {
	var parts []EmbargoPart
	for _, p := range strings.Split(s, ";") {
		p = strings.ToUpper(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		if len(p) < 3 || (p[0] != 'R' && p[0] != 'P') {
			return nil, fmt.Errorf("embargo_info %q: want R or P, a number and D, M or Y (for example P1Y)", s)
		}
		unit := p[len(p)-1]
		n, err := strconv.Atoi(p[1 : len(p)-1])
		if err != nil || n < 0 || (unit != 'D' && unit != 'M' && unit != 'Y') {
			return nil, fmt.Errorf("embargo_info %q: want R or P, a number and D, M or Y (for example P1Y)", s)
		}
		parts = append(parts, EmbargoPart{Kind: p[:1], N: n, Unit: string(unit)})
	}
	return parts, nil
}

// KBARTTitle is one row of a KBART holdings file (KBART Phase II columns).
type KBARTTitle struct {
	Line      int    `json:"line"`
	PackageID string `json:"packageId"` // the package the file describes (given to ParseKBART)
	Title     string `json:"title"`
	// PrintID and OnlineID are normalised: "NNNN-NNNC" for serials, ISBN-13
	// digits for monographs; "" when absent or invalid.
	PrintID       string        `json:"printId,omitempty"`
	OnlineID      string        `json:"onlineId,omitempty"`
	First         PubDate       `json:"first"` // date_first_issue_online; zero: from the start
	Last          PubDate       `json:"last"`  // date_last_issue_online; zero: to the present
	FirstVolume   string        `json:"firstVolume,omitempty"`
	FirstIssue    string        `json:"firstIssue,omitempty"`
	LastVolume    string        `json:"lastVolume,omitempty"`
	LastIssue     string        `json:"lastIssue,omitempty"`
	TitleURL      string        `json:"titleUrl,omitempty"`
	TitleID       string        `json:"titleId,omitempty"`
	Embargo       []EmbargoPart `json:"embargo,omitempty"`
	CoverageDepth string        `json:"coverageDepth,omitempty"` // fulltext, abstracts, selected articles
	Notes         string        `json:"notes,omitempty"`
	Publisher     string        `json:"publisher,omitempty"`
	PubType       string        `json:"publicationType,omitempty"` // serial or monograph
	AccessType    string        `json:"accessType,omitempty"`      // P (paid) or F (free)
}

// Covers reports whether the holding includes an item published at pub,
// as seen at now: within the first and last issue dates and outside any
// embargo. An unknown publication date is taken as covered; a partial date
// is covered if any day it could mean is.
func (k KBARTTitle) Covers(pub PubDate, now time.Time) bool {
	if !pub.Known() {
		return true
	}
	lo, hi := pub.Earliest(), pub.Latest()
	if k.First.Known() && hi.Before(k.First.Earliest()) {
		return false
	}
	if k.Last.Known() && lo.After(k.Last.Latest()) {
		return false
	}
	for _, e := range k.Embargo {
		wall := e.ago(now)
		if e.Kind == "P" && lo.After(wall) {
			return false // all of it is inside the embargo
		}
		if e.Kind == "R" && hi.Before(wall) {
			return false // all of it is older than the available range
		}
	}
	return true
}

// KBARTResult is what ParseKBART read.
type KBARTResult struct {
	Titles   []KBARTTitle `json:"titles"`
	Problems []LineError  `json:"problems,omitempty"`
}

// ParseKBART reads a KBART file (tab-separated, header row of KBART column
// names, as in KBART Recommended Practice Phase II; Phase I's coverage_notes
// is read as notes). Every title is given packageID. Bad rows are reported by
// line and skipped: too many fields, no title and no identifier, unreadable
// dates or embargo, or a first date after the last. Invalid identifiers are
// reported and dropped while the row is kept. It fails only on a read error
// or a header without publication_title.
func ParseKBART(r io.Reader, packageID string) (KBARTResult, error) {
	lines, err := readLines(r)
	if err != nil {
		return KBARTResult{}, fmt.Errorf("kbart: %w", err)
	}
	if len(lines) == 0 {
		return KBARTResult{}, fmt.Errorf("kbart: empty file")
	}
	header := splitTSV(lines[0])
	cols := newColumns(header)
	if !cols.has("publication_title") {
		return KBARTResult{}, fmt.Errorf("kbart: line 1: no publication_title column; is this a tab-separated KBART file?")
	}
	var res KBARTResult
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "" {
			continue
		}
		t, problems := kbartRow(cols, len(header), splitTSV(lines[i]), i+1)
		res.Problems = append(res.Problems, problems...)
		if t != nil {
			t.PackageID = packageID
			res.Titles = append(res.Titles, *t)
		}
	}
	return res, nil
}

// splitTSV splits a KBART line; KBART forbids quoting, but a field wrapped
// whole in double quotes is unwrapped since some exporters add them.
func splitTSV(line string) []string {
	fields := strings.Split(line, "\t")
	for i, f := range fields {
		f = strings.TrimSpace(f)
		if len(f) >= 2 && f[0] == '"' && f[len(f)-1] == '"' {
			f = strings.ReplaceAll(f[1:len(f)-1], `""`, `"`)
		}
		fields[i] = f
	}
	return fields
}

// kbartRow converts one row; a nil title means the row was skipped.
func kbartRow(cols columns, width int, rec []string, line int) (*KBARTTitle, []LineError) {
	var problems []LineError
	bad := func(format string, args ...any) {
		problems = append(problems, LineError{Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	if len(rec) > width {
		bad("%d fields, but the header has %d (a tab inside a value?); row skipped", len(rec), width)
		return nil, problems
	}
	t := &KBARTTitle{
		Line:          line,
		Title:         cols.get(rec, "publication_title"),
		FirstVolume:   cols.get(rec, "num_first_vol_online"),
		FirstIssue:    cols.get(rec, "num_first_issue_online"),
		LastVolume:    cols.get(rec, "num_last_vol_online"),
		LastIssue:     cols.get(rec, "num_last_issue_online"),
		TitleURL:      cols.get(rec, "title_url"),
		TitleID:       cols.get(rec, "title_id"),
		CoverageDepth: cols.get(rec, "coverage_depth"),
		Notes:         cols.get(rec, "notes", "coverage_notes"),
		Publisher:     cols.get(rec, "publisher_name"),
		PubType:       strings.ToLower(cols.get(rec, "publication_type")),
		AccessType:    cols.get(rec, "access_type"),
	}
	for _, id := range []struct {
		col string
		dst *string
	}{{"print_identifier", &t.PrintID}, {"online_identifier", &t.OnlineID}} {
		raw := cols.get(rec, id.col)
		if raw == "" {
			continue
		}
		n, ok := kbartIdentifier(raw, t.PubType)
		if !ok {
			bad("%s %q is not a valid ISSN or ISBN; ignored", id.col, raw)
			continue
		}
		*id.dst = n
	}
	if t.Title == "" && t.PrintID == "" && t.OnlineID == "" {
		bad("no publication_title and no valid identifier; row skipped")
		return nil, problems
	}
	var err error
	if t.First, err = kbartDate(cols.get(rec, "date_first_issue_online")); err != nil {
		bad("date_first_issue_online: %v; row skipped", err)
		return nil, problems
	}
	if t.Last, err = kbartDate(cols.get(rec, "date_last_issue_online")); err != nil {
		bad("date_last_issue_online: %v; row skipped", err)
		return nil, problems
	}
	if t.First.Known() && t.Last.Known() && t.First.Earliest().After(t.Last.Latest()) {
		bad("date_first_issue_online %s is after date_last_issue_online %s; row skipped", t.First, t.Last)
		return nil, problems
	}
	if t.Embargo, err = parseEmbargo(cols.get(rec, "embargo_info")); err != nil {
		bad("%v; row skipped", err)
		return nil, problems
	}
	return t, problems
}

// kbartIdentifier normalises an ISSN (serials) or ISBN (monographs),
// trying the other kind when the row's type is missing or wrong.
func kbartIdentifier(raw, pubType string) (string, bool) {
	if pubType == "monograph" {
		if n, ok := NormaliseISBN(raw); ok {
			return n, true
		}
		return NormaliseISSN(raw)
	}
	if n, ok := NormaliseISSN(raw); ok {
		return n, true
	}
	return NormaliseISBN(raw)
}

func kbartDate(s string) (PubDate, error) {
	if s == "" {
		return PubDate{}, nil
	}
	p, ok := parseISODate(s)
	if !ok {
		return PubDate{}, fmt.Errorf("%q is not YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	return p, nil
}
