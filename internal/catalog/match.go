package catalog

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"interlend/internal/bibid"
	"interlend/internal/ill"
	"interlend/internal/marc"
)

// MinTitleScore is the lowest score a match by title (and author) needs
// to count; identifier matches score 1.
const MinTitleScore = 0.75

// By says how a record was matched.
type By string

// Ways of matching. Identifiers are trusted; titles are compared with
// bibid.Similarity.
const (
	ByISBN  By = "isbn"
	ByISSN  By = "issn"
	ByOCLC  By = "oclc"
	ByLCCN  By = "lccn"
	ByDOI   By = "doi"
	ByTitle By = "title"
)

// Match is one record that matches a citation.
type Match struct {
	Record Record
	// Score is from 0 to 1: 1 for an identifier match, the title (and
	// author) similarity otherwise.
	Score float64
	By    By
	// Coverage answers, for a serial record and a citation with a year or
	// volume, whether the library's holdings include it.
	Coverage marc.Match
}

// Holding is one library's answer for a citation: its matching records,
// best first, or the error that kept its source from answering (a
// partner's SRU service timed out: the library may or may not hold it).
type Holding struct {
	Agency  ill.AgencyID
	Source  string
	Matches []Match
	Err     error
}

// Best returns the best match; ok is false when there is none.
func (h Holding) Best() (Match, bool) {
	if len(h.Matches) == 0 {
		return Match{}, false
	}
	return h.Matches[0], true
}

// Lendable reports whether a matching record has a copy that may
// circulate, or (for serials, whose copies are often not itemised) holdings
// that cover the citation.
func (h Holding) Lendable() bool {
	for _, m := range h.Matches {
		if m.Record.Counts.Lendable > 0 || m.Coverage == marc.MatchYes {
			return true
		}
	}
	return false
}

// CitationIdentifiers returns the citation's identifiers, normalised,
// most specific first (an ISBN names an edition, an ISSN only a serial).
func CitationIdentifiers(c ill.Citation) []Identifier {
	var out []Identifier
	add := func(k IDKind, v string) {
		if strings.TrimSpace(v) == "" {
			return
		}
		if k == KindISBN {
			for _, isbn := range bibid.ExtractISBNs(v) {
				if id, ok := ParseIdentifier(k, isbn); ok && !slices.Contains(out, id) {
					out = append(out, id)
				}
			}
			return
		}
		if id, ok := ParseIdentifier(k, v); ok && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	add(KindISBN, c.ISBN)
	add(KindOCLC, c.OCLCNumber)
	add(KindLCCN, c.LCCN)
	add(KindISSN, c.ISSN)
	add(KindISSN, c.EISSN)
	return out
}

// matchTitle is the title of the work a library would hold: the journal
// or book containing a part, else the title.
func matchTitle(c ill.Citation) string {
	if t := c.Container(); t != "" {
		return t
	}
	return c.Title
}

// useAuthor says whether the citation's author is the author of the held
// work (not of an article or chapter in it).
func useAuthor(c ill.Citation) bool { return !c.IsCopy() && strings.TrimSpace(c.Author) != "" }

// Score rates how well a record matches a citation: 1 when they share an
// identifier, else the title similarity, weighted 4 to 1 with the
// author's when the citation names the author of the whole work.
func Score(c ill.Citation, r *Record) (float64, By) {
	ids := CitationIdentifiers(c)
	if len(ids) > 0 {
		have := r.Identifiers()
		for _, id := range ids {
			if slices.Contains(have, id) {
				return 1, By(id.Kind)
			}
		}
	}
	title := matchTitle(c)
	if title == "" || r.Title == "" {
		return 0, ByTitle
	}
	s := bibid.Similarity(title, r.Title)
	if useAuthor(c) && r.Author != "" {
		s = 0.8*s + 0.2*authorScore(c.Author, r.Author)
	}
	return s, ByTitle
}

// authorScore is 1 for the same surname and initial, 0.8 for the same
// surname, 0 otherwise.
func authorScore(a, b string) float64 {
	ka, kb := bibid.NormaliseAuthor(a), bibid.NormaliseAuthor(b)
	if ka == "" || kb == "" {
		return 0
	}
	if ka == kb {
		return 1
	}
	sa, _, _ := strings.Cut(ka, " ")
	sb, _, _ := strings.Cut(kb, " ")
	if surname(ka) == surname(kb) || sa == sb {
		return 0.8
	}
	return 0
}

// surname drops the trailing initial of a NormaliseAuthor key.
func surname(key string) string {
	if i := strings.LastIndexByte(key, ' '); i > 0 && len([]rune(key[i+1:])) == 1 {
		return key[:i]
	}
	return key
}

// CitationYear is the first four-digit year of the publication date.
func CitationYear(c ill.Citation) int {
	s := c.PubDate
	for i := 0; i+4 <= len(s); i++ {
		if isDigits(s[i:i+4]) && (i+4 == len(s) || s[i+4] < '0' || s[i+4] > '9') && (i == 0 || s[i-1] < '0' || s[i-1] > '9') {
			y, _ := strconv.Atoi(s[i : i+4])
			if y >= 1000 && y < 3000 {
				return y
			}
		}
	}
	return 0
}

// CitationVolume is the leading number of the volume ("12", "vol. 12").
func CitationVolume(c ill.Citation) int {
	s := strings.TrimLeftFunc(c.Volume, func(r rune) bool { return !unicode.IsDigit(r) })
	end := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) })
	if end < 0 {
		end = len(s)
	}
	n, _ := strconv.Atoi(s[:min(end, 9)])
	return n
}

// Rank scores records against a citation, keeps those that match (an
// identifier, or a title score of at least MinTitleScore), and groups
// them by holder: each Holding's matches best first, the holdings by
// their best score, then by lendable copies, then by agency.
func Rank(c ill.Citation, source string, recs []Record) []Holding {
	year, volume := CitationYear(c), CitationVolume(c)
	byAgency := map[ill.AgencyID]*Holding{}
	var order []ill.AgencyID
	seen := map[string]bool{}
	for i := range recs {
		r := &recs[i]
		key := string(r.Holder) + "\x00" + r.ID
		if seen[key] {
			continue
		}
		seen[key] = true
		score, by := Score(c, r)
		if by == ByTitle && score < MinTitleScore {
			continue
		}
		m := Match{Record: *r, Score: score, By: by}
		if year > 0 || volume > 0 {
			m.Coverage = r.Coverage.Match(year, volume)
		}
		h := byAgency[r.Holder]
		if h == nil {
			h = &Holding{Agency: r.Holder, Source: source}
			byAgency[r.Holder] = h
			order = append(order, r.Holder)
		}
		h.Matches = append(h.Matches, m)
	}
	out := make([]Holding, 0, len(order))
	for _, ag := range order {
		h := byAgency[ag]
		sortMatches(h.Matches)
		out = append(out, *h)
	}
	SortHoldings(out)
	return out
}

func sortMatches(ms []Match) {
	slices.SortStableFunc(ms, func(a, b Match) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(coverageRank(b.Coverage), coverageRank(a.Coverage)); c != 0 {
			return c
		}
		return cmp.Compare(b.Record.Counts.Available, a.Record.Counts.Available)
	})
}

func coverageRank(m marc.Match) int {
	switch m {
	case marc.MatchYes:
		return 2
	case marc.MatchUnknown:
		return 1
	}
	return 0
}

// SortHoldings orders holdings by best score, then serial coverage (held,
// unknown, not held), then available copies, then agency; holdings
// without matches (errors) come last.
func SortHoldings(hs []Holding) {
	slices.SortStableFunc(hs, func(a, b Holding) int {
		ma, oka := a.Best()
		mb, okb := b.Best()
		switch {
		case oka != okb:
			if oka {
				return -1
			}
			return 1
		case oka:
			if c := cmp.Compare(mb.Score, ma.Score); c != 0 {
				return c
			}
			if c := cmp.Compare(coverageRank(mb.Coverage), coverageRank(ma.Coverage)); c != 0 {
				return c
			}
			if c := cmp.Compare(mb.Record.Counts.Available, ma.Record.Counts.Available); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.Agency, b.Agency)
	})
}
