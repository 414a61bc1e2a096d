package marc

import (
	"strings"
	"unicode"
)

// Range is one run of a serial's holdings, e.g. "v.1(1990)-v.16(2005)".
// Zero means "not stated". A closed range states its end; Open means the
// holdings continue to the present ("v.10-", "1995-").
type Range struct {
	StartYear   int
	EndYear     int
	StartVolume int
	EndVolume   int
	Open        bool
}

// Match is the answer to "is this year and volume held?".
type Match int

// Match values. Unknown means the holdings statement cannot tell (a range
// of volumes asked about by year only, text that is not a statement).
const (
	MatchUnknown Match = iota
	MatchNo
	MatchYes
)

func (m Match) String() string {
	switch m {
	case MatchYes:
		return "yes"
	case MatchNo:
		return "no"
	}
	return "unknown"
}

// Coverage is the parsed holdings of a serial: the statements as the
// catalog gave them and the ranges read from them.
type Coverage struct {
	Statements []string
	Ranges     []Range
}

// Covers reports whether the coverage certainly includes year and volume
// (either may be 0 when unknown). A lender holding 1990-2005 does not cover
// a 2023 article; "1995-" does.
func (c Coverage) Covers(year, volume int) bool { return c.Match(year, volume) == MatchYes }

// Match is Covers with a third answer: MatchUnknown when no range can
// decide, for example holdings stated in volumes and a request with only a
// year, or a statement that could not be parsed.
func (c Coverage) Match(year, volume int) Match {
	if len(c.Ranges) == 0 {
		return MatchUnknown
	}
	no := 0
	for _, r := range c.Ranges {
		switch r.Match(year, volume) {
		case MatchYes:
			return MatchYes
		case MatchNo:
			no++
		}
	}
	if no == len(c.Ranges) {
		return MatchNo
	}
	return MatchUnknown
}

// Match tells whether year and volume fall in the range. A dimension the
// range does not state, or the request does not give, cannot decide; when
// both decide and disagree the answer is MatchNo.
func (r Range) Match(year, volume int) Match {
	y := dimension(year, r.StartYear, r.EndYear, r.Open)
	v := dimension(volume, r.StartVolume, r.EndVolume, r.Open)
	switch {
	case y == MatchNo || v == MatchNo:
		return MatchNo
	case y == MatchYes || v == MatchYes:
		return MatchYes
	}
	return MatchUnknown
}

func dimension(v, start, end int, open bool) Match {
	if v <= 0 || (start == 0 && end == 0) {
		return MatchUnknown
	}
	if start > 0 && v < start {
		return MatchNo
	}
	if open {
		if start > 0 {
			return MatchYes
		}
		return MatchUnknown
	}
	if end > 0 {
		if v <= end {
			return MatchYes
		}
		return MatchNo
	}
	return MatchUnknown
}

// ParseCoverage reads a textual holdings statement (MARC 866 $a, or a CSV
// holdings column) into ranges. Understood: "v.1(1990)-v.16(2005)",
// "v.1:no.1(1990:Jan.)-v.16:no.4(2005:Dec.)", "1990-2005", "v.10-",
// "1995-", "1995 to date", "v.20 (2010)-", "Bd. 3 (1958) - Bd. 9 (1964)",
// several runs separated by "," or ";". A bare number of four digits
// between 1450 and 2199 is a year, any other bare number a volume.
// Statements it cannot read give no ranges.
func ParseCoverage(s string) []Range {
	var out []Range
	for _, seg := range splitTopLevel(s, ",;") {
		if r, ok := parseSegment(seg); ok {
			out = append(out, r)
		}
	}
	return out
}

// splitTopLevel splits s at any of seps that is outside parentheses or
// brackets.
func splitTopLevel(s, seps string) []string {
	var out []string
	depth, from := 0, 0
	for i, r := range s {
		switch {
		case r == '(' || r == '[':
			depth++
		case r == ')' || r == ']':
			if depth > 0 {
				depth--
			}
		case depth == 0 && strings.ContainsRune(seps, r):
			out = append(out, s[from:i])
			from = i + len(string(r))
		}
	}
	return append(out, s[from:])
}

func parseSegment(seg string) (Range, bool) {
	seg = strings.TrimSpace(seg)
	if seg == "" {
		return Range{}, false
	}
	lower := strings.ToLower(seg)
	for _, w := range []string{" to date", " to present", " to the present", "-present", "- present", "-date", " ff."} {
		if strings.HasSuffix(lower, w) {
			seg = seg[:len(seg)-len(w)] + "-"
			break
		}
	}
	parts := splitTopLevel(strings.ReplaceAll(seg, "–", "-"), "-")
	if len(parts) == 1 && strings.Contains(lower, " to ") {
		i := strings.Index(lower, " to ")
		parts = []string{seg[:i], seg[i+4:]}
	}
	first := parts[0]
	var r Range
	sy, sv := readElement(first, true)
	r.StartYear, r.StartVolume = sy, sv
	if len(parts) == 1 {
		// A single issue or volume: start and end are the same.
		ey, ev := readElement(first, false)
		r.EndYear, r.EndVolume = ey, ev
	} else {
		last := strings.TrimSpace(parts[len(parts)-1])
		if last == "" {
			r.Open = true
		} else {
			r.EndYear, r.EndVolume = readElement(last, false)
			// "v.1(1990)-16(2005)" omits the caption on the end.
			if r.EndVolume == 0 && r.StartVolume > 0 && r.EndYear == 0 {
				r.EndVolume = firstNumber(last)
			}
		}
	}
	if r.StartYear == 0 && r.StartVolume == 0 && r.EndYear == 0 && r.EndVolume == 0 {
		return Range{}, false
	}
	return r, true
}

// volumeCaptions introduce a volume number in holdings statements.
var volumeCaptions = []string{"v", "vol", "bd", "band", "jahrg", "jg", "t", "tome", "anno", "annee", "année", "no"}

// readElement reads one side of a range: the volume after a caption such as
// "v." (or a bare short number) and the first (start) or last (end) year.
func readElement(s string, start bool) (year, volume int) {
	nums := numbersIn(s)
	var years []int
	for _, n := range nums {
		if n.digits == 4 && n.value >= 1450 && n.value < 2200 && !n.afterCaption {
			years = append(years, n.value)
		}
	}
	if len(years) > 0 {
		if start {
			year = years[0]
		} else {
			year = years[len(years)-1]
		}
	}
	for _, n := range nums {
		if n.afterCaption && n.caption != "no" {
			return year, n.value
		}
	}
	// No caption: a leading bare number that is not a year is a volume
	// ("7-10" in "v.1-5, 7-10").
	if len(nums) > 0 && !nums[0].inParens && !(nums[0].digits == 4 && nums[0].value >= 1450 && nums[0].value < 2200) && !nums[0].afterCaption {
		return year, nums[0].value
	}
	return year, 0
}

type number struct {
	value        int
	digits       int
	afterCaption bool
	caption      string
	inParens     bool
}

// numbersIn lists the runs of digits in s with what precedes them.
func numbersIn(s string) []number {
	var out []number
	depth := 0
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == '(' || c == '[':
			depth++
		case c == ')' || c == ']':
			if depth > 0 {
				depth--
			}
		case c >= '0' && c <= '9':
			j := i
			v := 0
			for j < len(rs) && rs[j] >= '0' && rs[j] <= '9' && j-i < 9 {
				v = v*10 + int(rs[j]-'0')
				j++
			}
			n := number{value: v, digits: j - i, inParens: depth > 0}
			n.caption = captionBefore(rs[:i])
			n.afterCaption = n.caption != ""
			out = append(out, n)
			i = j - 1
		}
	}
	return out
}

// captionBefore returns the volume caption ("v", "bd", ...) that directly
// precedes a number, ignoring dots and spaces, or "".
func captionBefore(rs []rune) string {
	k := len(rs)
	for k > 0 && (rs[k-1] == '.' || rs[k-1] == ' ') {
		k--
	}
	e := k
	for k > 0 && unicode.IsLetter(rs[k-1]) {
		k--
	}
	if k == e {
		return ""
	}
	w := strings.ToLower(string(rs[k:e]))
	for _, c := range volumeCaptions {
		if w == c {
			return c
		}
	}
	return ""
}

func firstNumber(s string) int {
	if nums := numbersIn(s); len(nums) > 0 {
		return nums[0].value
	}
	return 0
}
