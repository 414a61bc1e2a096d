package openurl

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"interlend/internal/ill"
)

// format is the metadata format: rft_val_fmt when it names one we read,
// else what the genre implies, else what the fields look like.
func (p *parser) format(r *Result) Format {
	if e := firstOf(p.valFmt); e.val != "" {
		v := strings.ToLower(e.val)
		v = strings.TrimPrefix(v, "info:ofi/fmt:kev:mtx:")
		switch f := Format(v); f {
		case FormatJournal, FormatBook, FormatDissertation, FormatPatent:
			return f
		}
		p.warn(e.key, "metadata format not read; guessed from the fields")
	}
	has := func(keys ...string) bool {
		for _, k := range keys {
			if p.get(k).val != "" {
				return true
			}
		}
		return false
	}
	journalFields := has("jtitle", "issn", "eissn", "stitle", "coden", "sici") || r.hasID(SchemeISSN)
	switch canonicalGenre(r.Genre) {
	case "article", "journal", "issue", "preprint":
		return FormatJournal
	case "book", "bookitem", "report", "document":
		return FormatBook
	case "dissertation":
		return FormatDissertation
	case "proceeding", "conference":
		if journalFields {
			return FormatJournal
		}
		return FormatBook
	}
	switch {
	case journalFields || has("volume", "issue") || r.Citation.PMID != "":
		return FormatJournal
	case has("btitle", "isbn", "pub", "place", "co", "cc", "edition", "series", "bici") || r.hasID(SchemeISBN) || r.Citation.OCLCNumber != "":
		return FormatBook
	case has("inst", "degree", "advisor"):
		return FormatDissertation
	case has("atitle"):
		return FormatJournal
	case has("title"):
		return FormatBook
	}
	return FormatUnknown
}

func (r *Result) hasID(scheme string) bool {
	for _, id := range r.Identifiers {
		if id.Scheme == scheme {
			return true
		}
	}
	return false
}

// canonicalGenre maps a lower-cased genre, including the variants vendors
// send, to a Z39.88 genre; "" when it is not recognised.
func canonicalGenre(g string) string {
	switch g {
	case "article", "journal", "issue", "preprint", "proceeding", "conference",
		"book", "bookitem", "report", "document", "unknown", "dissertation":
		return g
	case "journal article", "journalarticle", "journal-article", "jour", "articles":
		return "article"
	case "chapter", "book chapter", "book-chapter", "book section", "booksection", "book item":
		return "bookitem"
	case "ebook", "e-book", "monograph", "books":
		return "book"
	case "conference paper", "conference-paper", "proceedings paper":
		return "proceeding"
	case "proceedings", "conference proceedings":
		return "conference"
	}
	if strings.Contains(g, "dissert") || strings.Contains(g, "thes") {
		return "dissertation"
	}
	return ""
}

// kind decides the publication type and the service type to suggest
// (standards/openurl.md section 4): parts (articles, chapters, papers,
// anything with an atitle) are copies, whole works are loans.
func (p *parser) kind(r *Result, genre entry) (ill.PublicationType, ServiceType) {
	c := &r.Citation
	g := canonicalGenre(r.Genre)
	if r.Genre != "" && g == "" {
		p.warn(genre.key, "genre not recognised")
	}
	part := c.ArticleTitle != ""
	var t ill.PublicationType
	switch g {
	case "article", "preprint":
		t = ill.PubArticle
	case "bookitem":
		t = ill.PubChapter
	case "book":
		t = pick(part, ill.PubChapter, ill.PubBook)
	case "journal", "issue":
		t = pick(part, ill.PubArticle, ill.PubJournal)
	case "proceeding", "conference":
		t = ill.PubConferenceProc
	case "report":
		t = ill.PubReport
	case "document":
		t = ill.PubOther
	case "dissertation":
		t = ill.PubThesis
	}
	switch {
	case r.Format == FormatDissertation:
		t = ill.PubThesis
	case t != "":
	case r.Format == FormatJournal:
		t = pick(part || c.PMID != "" || c.Pages != "", ill.PubArticle, ill.PubJournal)
	case r.Format == FormatBook:
		t = pick(part, ill.PubChapter, ill.PubBook)
	case r.Format == FormatPatent:
		t = ill.PubOther
	}
	switch {
	case t == "":
		return t, ServiceUnknown
	case part || t == ill.PubArticle || t == ill.PubChapter || g == "proceeding" || r.Format == FormatPatent:
		return t, ServiceCopy
	}
	if t == ill.PubJournal {
		p.warn(genre.key, "a whole journal or issue is asked for; check with the patron")
	}
	return t, ServiceLoan
}

func pick[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}

// dates sets Result.Date (normalised) and Citation.PubDate (as cited:
// chron, else season or quarter with the year, else the date).
func (p *parser) dates(r *Result) {
	d := p.get("date")
	cited := d.val
	if d.val != "" {
		if n, ok := normDate(d.val); ok {
			r.Date, cited = n, n
		} else {
			p.warn(d.key, "unparseable date kept as cited")
		}
	}
	year := cited
	if r.Date != "" {
		year = r.Date[:4]
	}
	ssn, quarter := p.get("ssn").val, p.get("quarter").val
	switch {
	case p.get("chron").val != "":
		r.Citation.PubDate = p.get("chron").val
	case ssn != "":
		r.Citation.PubDate = strings.TrimSpace(titleCase(ssn) + " " + year)
	case quarter != "":
		if len(quarter) == 1 && quarter[0] >= '1' && quarter[0] <= '4' {
			quarter = "Q" + quarter
		}
		r.Citation.PubDate = strings.TrimSpace(quarter + " " + year)
	default:
		r.Citation.PubDate = cited
	}
}

func titleCase(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// normDate accepts YYYY, YYYY-MM, YYYY-MM-DD (Z39.88), an ISO 8601 time
// after the date, and the YYYYMMDD that EBSCO sends, where 00 stands for
// an unknown month or day.
func normDate(s string) (string, bool) {
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	if isDigits(s) && (len(s) == 8 || len(s) == 6) {
		s = s[:4] + "-" + s[4:6] + strings.TrimSuffix("-"+s[min(6, len(s)):], "-")
		s = strings.TrimSuffix(strings.TrimSuffix(s, "-00"), "-00")
	}
	switch len(s) {
	case 4:
		return s, isDigits(s)
	case 7:
		_, err := time.Parse("2006-01", s)
		return s, err == nil
	case 10:
		_, err := time.Parse("2006-01-02", s)
		return s, err == nil
	}
	return "", false
}

// enumeration fills volume, issue and pages: pages, else spage-epage,
// else spage, else the article number.
func (p *parser) enumeration(r *Result) {
	c := &r.Citation
	c.Volume = p.get("volume").val
	c.Issue = p.get("issue").val
	r.Part = p.get("part").val
	r.ArticleNumber = p.get("artnum").val
	r.TotalPages = p.get("tpages").val
	sp, ep := p.get("spage").val, p.get("epage").val
	switch {
	case p.get("pages").val != "":
		c.Pages = p.get("pages").val
	case sp != "" && ep != "" && ep != sp:
		c.Pages = sp + "-" + ep
	case sp != "":
		c.Pages = sp
	default:
		c.Pages = r.ArticleNumber
	}
}

// publication fills publisher, place and the dissertation fields.
func (p *parser) publication(r *Result) {
	c := &r.Citation
	c.Publisher = p.get("pub").val
	r.Country = firstVal(p.get("co"), p.get("cc"))
	c.PlaceOfPub = firstVal(p.get("place"), p.get("co"), p.get("cc"))
	c.Edition = p.get("edition").val
	c.Series = p.get("series").val
	c.Language = p.get("language").val
	c.Sponsor = p.get("inst").val
	r.CODEN = p.get("coden").val
	r.SICI = p.get("sici").val
	r.BICI = p.get("bici").val
	for _, e := range p.all("degree") {
		r.Notes = append(r.Notes, "Degree: "+e.val)
	}
	for _, e := range p.all("advisor") {
		r.Notes = append(r.Notes, "Advisor: "+e.val)
	}
}

func (p *parser) finishWarnings(r *Result) {
	if p.dropped > 0 {
		p.warnings = append(p.warnings, Warning{Message: fmt.Sprintf("%d more warnings not kept", p.dropped)})
	}
	r.Warnings = p.warnings
}

// citationEmpty reports whether c has nothing but its source.
func citationEmpty(c ill.Citation) bool {
	c.Source = ""
	return reflect.DeepEqual(c, ill.Citation{})
}
