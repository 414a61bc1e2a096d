package store

import (
	"strings"

	"interlend/internal/catalog"
)

// searchCap bounds the matches a keyword search ranks: a query whose words
// are common (a single title word in a million records) ranks the first
// searchCap matches in record order instead of all of them, so that every
// search answers in milliseconds. A query specific enough to identify a
// title matches far fewer.
const searchCap = 2000

// SearchCatalog runs a keyword query: every word must be found (words of
// q.Title in titles, of q.Author in authors, of q.Keywords in either).
// Results come shortest title and author first (for queries whose words
// must all match, that is what relevance ranking amounts to), then in
// record order; they are the same on both engines. When more than 2,000
// records match, the first 2,000 imported are ranked.
func (n NetworkData) SearchCatalog(q catalog.Query) ([]catalog.Record, error) {
	if q.Limit <= 0 {
		q.Limit = 20
	}
	q.Limit = min(q.Limit, 500)
	kw, title, author := catalog.Words(q.Keywords), catalog.Words(q.Title), catalog.Words(q.Author)
	if len(kw)+len(title)+len(author) == 0 {
		return nil, nil
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return n.t.param(len(args))
	}
	holders := func(col string) string {
		if len(q.Holders) == 0 {
			return ""
		}
		ph := make([]string, len(q.Holders))
		for i, h := range q.Holders {
			ph[i] = arg(string(h))
		}
		return ` AND ` + col + ` IN (` + strings.Join(ph, ", ") + `)`
	}
	var sb strings.Builder
	// Candidates (at most searchCap), then the page of them by length,
	// then the page's records with their identifiers and coverage (so
	// that those are read for the page only).
	const order = `ORDER BY length(r.kw_title) + length(r.kw_author), r.id`
	page := ` LIMIT ` + itoa(q.Limit) + ` OFFSET ` + itoa(max(q.Offset, 0)) + `) ` + order
	if n.t.Engine() == Postgres {
		// kw is the stored word vector with its GIN index (migration
		// 00023): the candidates come from the index, and their lengths
		// with them, so that ranking reads no row twice. Title and author
		// restrictions are checked on the candidates only.
		all := append(append(append([]string{}, kw...), title...), author...)
		sb.WriteString(n.catalogSelect() + `catalog_records r WHERE r.id IN (SELECT c.id FROM (SELECT m.id, length(m.kw_title) + length(m.kw_author) AS len FROM catalog_records m WHERE m.kw @@ ` + arg(tsquery(all)) + `::tsquery`)
		if len(title) > 0 {
			sb.WriteString(` AND string_to_array(m.kw_title, ' ') @> ` + arg(textArray(title)) + `::text[]`)
		}
		if len(author) > 0 {
			sb.WriteString(` AND string_to_array(m.kw_author, ' ') @> ` + arg(textArray(author)) + `::text[]`)
		}
		sb.WriteString(holders("m.holder") + ` LIMIT ` + itoa(searchCap) + `) c ORDER BY c.len, c.id` + page)
		return n.catalogRecords(q.Items, sb.String(), args...)
	}
	sb.WriteString(n.catalogSelect() + `catalog_records r WHERE r.id IN (SELECT x.id FROM catalog_records x WHERE x.id IN (`)
	match := arg(ftsQuery(kw, title, author))
	if len(q.Holders) > 0 {
		sb.WriteString(`SELECT f.rowid FROM catalog_fts f JOIN catalog_records m ON m.id = f.rowid WHERE catalog_fts MATCH ` + match + holders("m.holder"))
	} else {
		sb.WriteString(`SELECT rowid FROM catalog_fts WHERE catalog_fts MATCH ` + match)
	}
	sb.WriteString(` LIMIT ` + itoa(searchCap) + `) ` + strings.ReplaceAll(order, "r.", "x.") + page)
	return n.catalogRecords(q.Items, sb.String(), args...)
}

// textArray writes words as a PostgreSQL array literal, each element
// quoted (so that a word such as "null" stays a word). Words are letters
// and digits only (catalog.Words), so quoting cannot be broken out of.
func textArray(words []string) string {
	return `{"` + strings.Join(words, `","`) + `"}`
}

// tsquery ANDs words as quoted lexemes. Words are letters and digits only
// (catalog.Words), so quoting cannot be broken out of.
func tsquery(words []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = "'" + w + "'"
	}
	return strings.Join(parts, " & ")
}

// ftsQuery builds an FTS5 query: every word a quoted string, title and
// author words restricted to their column.
func ftsQuery(kw, title, author []string) string {
	var parts []string
	for _, w := range kw {
		parts = append(parts, `"`+w+`"`)
	}
	for _, w := range title {
		parts = append(parts, `kw_title : "`+w+`"`)
	}
	for _, w := range author {
		parts = append(parts, `kw_author : "`+w+`"`)
	}
	return strings.Join(parts, " AND ")
}
