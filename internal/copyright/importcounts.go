package copyright

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// PriorCount is a count carried over from before Interlend (or another
// system): free copies already used for a key in a year. Counters add it to
// the ledger's own count.
type PriorCount struct {
	Key   Key    `json:"key"`
	Year  int    `json:"year"`
	Title string `json:"title,omitempty"` // as imported, for reports
	ISSN  string `json:"issn,omitempty"`
	Count int    `json:"count"`
}

// ImportOptions tune the count importers.
type ImportOptions struct {
	// ISSNL maps an ISSN to its ISSN-L ("" when unknown), so imported keys
	// match live ones under Rules.MergeISSNL. Optional.
	ISSNL func(issn string) string
	// WindowYears is N for the ILLiad import's "PhotoJournalYear > year - N"
	// (default 5).
	WindowYears int
}

// ImportResult is what an importer read.
type ImportResult struct {
	Counts   []PriorCount `json:"counts"` // one per key and year, sorted by year then key
	Problems []LineError  `json:"problems,omitempty"`
	// Skipped counts ILLiad rows read but not counted (cancelled, paid,
	// outside the window, not borrowing).
	Skipped int `json:"skipped"`
	// Notes explain merges: rows without an ISSN joined to the ISSN that other
	// rows of the same title carry.
	Notes []string `json:"notes,omitempty"`
}

// countRow is one counted import row before aggregation.
type countRow struct {
	line  int
	title string
	issn  string // normalised, "" if none
	year  int
	n     int
}

// ParsePriorCounts reads a CSV of counts kept elsewhere, with a header row
// and the columns journal_title (or title), issn (optional), year, count.
// Bad rows are reported by line and skipped; rows for the same key and year
// are added together.
func ParsePriorCounts(r io.Reader, opt ImportOptions) (ImportResult, error) {
	recs, cols, res, err := readTable(r, "prior counts")
	if err != nil {
		return res, err
	}
	if !cols.has("journal_title", "title") || !cols.has("year") || !cols.has("count") {
		return res, fmt.Errorf("prior counts: line 1: want columns journal_title (or title), year and count; issn is optional")
	}
	var rows []countRow
	for _, rec := range recs {
		bad := func(format string, args ...any) {
			res.Problems = append(res.Problems, LineError{Line: rec.line, Msg: fmt.Sprintf(format, args...) + "; row skipped"})
		}
		title := cols.get(rec.fields, "journal_title", "title")
		issn, ok := "", true
		if raw := cols.get(rec.fields, "issn"); raw != "" {
			if issn, ok = NormaliseISSN(raw); !ok {
				bad("issn %q is not a valid ISSN", raw)
				continue
			}
		}
		if title == "" && issn == "" {
			bad("no journal title and no ISSN")
			continue
		}
		year, err := strconv.Atoi(cols.get(rec.fields, "year"))
		if err != nil || year < 1900 || year > 2999 {
			bad("year %q: want a four-digit year", cols.get(rec.fields, "year"))
			continue
		}
		n, err := strconv.Atoi(cols.get(rec.fields, "count"))
		if err != nil || n < 0 {
			bad("count %q: want a whole number, 0 or more", cols.get(rec.fields, "count"))
			continue
		}
		rows = append(rows, countRow{line: rec.line, title: title, issn: issn, year: year, n: n})
	}
	aggregate(&res, rows, opt)
	sortProblems(res.Problems)
	return res, nil
}

// ILLiad transaction statuses that the default copyright query leaves out.
var illiadExcludedStatus = []string{"Cancelled by ILL Staff", "Cancelled by Customer", "Awaiting Copyright Clearance"}

// ParseILLiadExport reads an export of ILLiad's Transactions table (CSV,
// or tab-separated) and counts it the way ILLiad's default copyright query
// does (copyright.md §1.3): a row counts for the calendar year of its
// CreationDate (TransactionDate when there is no CreationDate column) when
// ProcessType is Borrowing (if that column exists), TransactionStatus is
// not cancelled by staff or customer nor awaiting copyright clearance,
// CopyrightAlreadyPaid is not Yes, and PhotoJournalYear > that year - N.
// Rows are grouped by ISSN when the export has one, else by normalised
// PhotoJournalTitle (ILLiad groups by the raw title string).
//
// ILLiad compares PhotoJournalYear as text. Here a four-digit year in it is
// compared as a number; an empty one never counts (as in ILLiad); a non-empty
// one with no year ("Spring") counts, as ILLiad's text comparison would, and
// is reported. Rows that are not requests for a journal (RequestType Loan, or
// no title and no ISSN) are skipped.
func ParseILLiadExport(r io.Reader, opt ImportOptions) (ImportResult, error) {
	recs, cols, res, err := readTable(r, "ILLiad export")
	if err != nil {
		return res, err
	}
	for _, c := range []string{"photojournaltitle", "photojournalyear", "transactionstatus"} {
		if !cols.has(c) {
			return res, fmt.Errorf("ILLiad export: line 1: no %s column", c)
		}
	}
	if !cols.has("creationdate", "transactiondate") {
		return res, fmt.Errorf("ILLiad export: line 1: no CreationDate column")
	}
	n := opt.WindowYears
	if n <= 0 {
		n = 5
	}
	var rows []countRow
	for _, rec := range recs {
		f := rec.fields
		problem := func(format string, args ...any) {
			res.Problems = append(res.Problems, LineError{Line: rec.line, Msg: fmt.Sprintf(format, args...)})
		}
		if cols.has("processtype") && !strings.EqualFold(cols.get(f, "processtype"), "Borrowing") ||
			strings.EqualFold(cols.get(f, "requesttype"), "Loan") {
			res.Skipped++
			continue
		}
		status := cols.get(f, "transactionstatus")
		if slices.ContainsFunc(illiadExcludedStatus, func(s string) bool { return strings.EqualFold(s, status) }) ||
			strings.EqualFold(cols.get(f, "copyrightalreadypaid"), "Yes") {
			res.Skipped++
			continue
		}
		title := cols.get(f, "photojournaltitle")
		issn := ""
		if raw := cols.get(f, "issn"); raw != "" {
			if v, ok := NormaliseISSN(raw); ok {
				issn = v
			} else {
				problem("ISSN %q is not valid; grouped by title", raw)
			}
		}
		if title == "" && issn == "" {
			res.Skipped++
			continue
		}
		created, ok := parseILLiadDate(cols.get(f, "creationdate", "transactiondate"))
		if !ok {
			problem("CreationDate %q is not a date; row skipped", cols.get(f, "creationdate", "transactiondate"))
			continue
		}
		year := created.Year()
		pubRaw := cols.get(f, "photojournalyear")
		if pubRaw == "" {
			res.Skipped++
			continue
		}
		if pub, ok := ParsePubDate(pubRaw); ok {
			if pub.Year <= year-n {
				res.Skipped++
				continue
			}
		} else {
			problem("PhotoJournalYear %q has no year; counted, as ILLiad's text comparison would", pubRaw)
		}
		rows = append(rows, countRow{line: rec.line, title: title, issn: issn, year: year, n: 1})
	}
	aggregate(&res, rows, opt)
	sortProblems(res.Problems)
	return res, nil
}

// readTable reads a delimited file with a header row.
func readTable(r io.Reader, what string) ([]record, columns, ImportResult, error) {
	var res ImportResult
	lines, err := readLines(r)
	if err != nil {
		return nil, nil, res, fmt.Errorf("%s: %w", what, err)
	}
	if len(lines) == 0 {
		return nil, nil, res, fmt.Errorf("%s: empty file", what)
	}
	recs, problems := splitCSV(lines, sniffDelimiter(lines[0]))
	res.Problems = problems
	if len(recs) == 0 || recs[0].line != 1 {
		return nil, nil, res, fmt.Errorf("%s: line 1: no header row", what)
	}
	return recs[1:], newColumns(recs[0].fields), res, nil
}

var illiadDateLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02 15:04",
	"2006-01-02",
	"1/2/2006 3:04:05 PM",
	"1/2/2006 3:04 PM",
	"1/2/2006 15:04:05",
	"1/2/2006 15:04",
	"1/2/2006",
}

// parseILLiadDate reads the date formats SQL Server and Excel exports use.
func parseILLiadDate(s string) (time.Time, bool) {
	for _, l := range illiadDateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// aggregate keys the rows, joins title-only rows to the ISSN other rows of
// the same title carry (when exactly one), and sums per key and year.
func aggregate(res *ImportResult, rows []countRow, opt ImportOptions) {
	issnOf := func(issn string) string {
		if opt.ISSNL != nil {
			if l, ok := NormaliseISSN(opt.ISSNL(issn)); ok {
				return l
			}
		}
		return issn
	}
	titleISSNs := map[string]map[string]bool{}
	for _, r := range rows {
		if r.issn == "" {
			continue
		}
		t := NormaliseTitle(r.title)
		if titleISSNs[t] == nil {
			titleISSNs[t] = map[string]bool{}
		}
		titleISSNs[t][issnOf(r.issn)] = true
	}
	type acc struct {
		PriorCount
		merged int
	}
	sums := map[KeyYear]*acc{}
	for _, r := range rows {
		issn := ""
		if r.issn != "" {
			issn = issnOf(r.issn)
		}
		var key Key
		merged := false
		switch t := NormaliseTitle(r.title); {
		case issn != "":
			key = Key(KindISSN + ":" + issn)
		case len(titleISSNs[t]) == 1:
			for only := range titleISSNs[t] {
				issn = only
			}
			key, merged = Key(KindISSN+":"+issn), true
		case t != "":
			key = Key(KindTitle + ":" + t)
		default:
			res.Problems = append(res.Problems, LineError{Line: r.line, Msg: "title has no letters or digits; row skipped"})
			continue
		}
		ky := KeyYear{key, r.year}
		a := sums[ky]
		if a == nil {
			a = &acc{PriorCount: PriorCount{Key: key, Year: r.year, Title: r.title, ISSN: issn}}
			sums[ky] = a
		}
		if a.Title == "" {
			a.Title = r.title
		}
		a.Count += r.n
		if merged {
			a.merged += r.n
		}
	}
	for _, a := range sums {
		res.Counts = append(res.Counts, a.PriorCount)
		if a.merged > 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("%d: %d row(s) of %q without an ISSN counted under ISSN %s, which other rows of that title carry.",
				a.Year, a.merged, a.Title, a.ISSN))
		}
	}
	slices.SortFunc(res.Counts, func(a, b PriorCount) int {
		return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Key, b.Key))
	})
	slices.Sort(res.Notes)
}
