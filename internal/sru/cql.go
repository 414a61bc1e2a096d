package sru

import (
	"errors"
	"strings"
)

// Our index names, the keys of Client.IndexMap.
const (
	IndexISBN   = "isbn"
	IndexISSN   = "issn"
	IndexOCLC   = "oclc"
	IndexLCCN   = "lccn"
	IndexID     = "id"
	IndexTitle  = "title"
	IndexAuthor = "author"
)

// DefaultIndexMap maps our index names to the CQL indexes most servers
// understand: the Bath profile for identifiers, Dublin Core for title and
// creator, rec.id for the server's record id. Servers differ (Alma wants
// alma.isbn, alma.other_system_number); override per target.
func DefaultIndexMap() map[string]string {
	return map[string]string{
		IndexISBN:   "bath.isbn",
		IndexISSN:   "bath.issn",
		IndexOCLC:   "bath.standardIdentifier",
		IndexLCCN:   "bath.lccn",
		IndexID:     "rec.id",
		IndexTitle:  "dc.title",
		IndexAuthor: "dc.creator",
	}
}

// ErrEmptyQuery is returned when a Query has no term.
var ErrEmptyQuery = errors.New("sru: empty query")

// Query is what to search for. The terms given are combined with "and":
// identifiers with the "=" relation, title and author with "all" (every
// word, in any order). CQL, when set, is sent as it is and the other terms
// are ignored.
type Query struct {
	ISBN   string
	ISSN   string
	OCLC   string
	LCCN   string
	ID     string // the target's own record id
	Title  string
	Author string
	CQL    string

	// StartRecord is the 1-based position of the first record wanted
	// (paging); 0 means the server's default, the first.
	StartRecord int
}

// CQLString builds the CQL query for q with the given index map (missing
// entries fall back to DefaultIndexMap).
func (q Query) CQLString(indexes map[string]string) (string, error) {
	if strings.TrimSpace(q.CQL) != "" {
		return q.CQL, nil
	}
	def := DefaultIndexMap()
	index := func(name string) string {
		if v := indexes[name]; v != "" {
			return v
		}
		return def[name]
	}
	var clauses []string
	add := func(name, relation, term string) {
		if term = strings.TrimSpace(term); term != "" {
			clauses = append(clauses, index(name)+" "+relation+" "+QuoteTerm(term))
		}
	}
	add(IndexISBN, "=", q.ISBN)
	add(IndexISSN, "=", q.ISSN)
	add(IndexOCLC, "=", q.OCLC)
	add(IndexLCCN, "=", q.LCCN)
	add(IndexID, "=", q.ID)
	add(IndexTitle, "all", q.Title)
	add(IndexAuthor, "all", q.Author)
	if len(clauses) == 0 {
		return "", ErrEmptyQuery
	}
	return strings.Join(clauses, " and "), nil
}

// QuoteTerm returns term as a quoted CQL search term that matches the text
// literally: backslash and double quote are escaped, and so are the CQL
// masking characters *, ? and ^, which would otherwise be wildcards and
// anchors. Control characters become spaces.
func QuoteTerm(term string) string {
	var b strings.Builder
	b.Grow(len(term) + 2)
	b.WriteByte('"')
	for _, r := range term {
		switch {
		case r == '\\' || r == '"' || r == '*' || r == '?' || r == '^':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7F:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
