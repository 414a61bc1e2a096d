package openurl

import (
	"slices"
	"strings"

	"interlend/internal/ill"
)

// build turns the collected pairs into a Result.
func (p *parser) build() *Result {
	r := &Result{Version: p.version(), Extra: p.extra}
	c := &r.Citation

	r.Referrer = p.referrerValue()
	c.Source = r.Referrer
	r.Requester = Requester(p.requester)
	r.PrivateData = firstOf(p.private[lvl10], p.private[lvl01]).val
	r.Services = p.services

	p.identifiers(r)
	p.metadataIDs(r)

	genre := p.get("genre")
	r.Genre = strings.ToLower(genre.val)
	r.Format = p.format(r)
	p.titles(r)
	p.authors(c)
	p.dates(r)
	p.enumeration(r)
	p.publication(r)

	p.noCitation = citationEmpty(*c)
	c.PublicationType, r.ServiceType = p.kind(r, genre)
	p.finishWarnings(r)
	return r
}

func firstOf(lists ...[]entry) entry {
	for _, l := range lists {
		if len(l) > 0 {
			return l[0]
		}
	}
	return entry{}
}

// referrerValue is rfr_id (else sid) without the info:sid/ prefix.
func (p *parser) referrerValue() string {
	for _, e := range slices.Concat(p.referrer[lvl10], p.referrer[lvl01]) {
		v := p.undouble(e)
		if hasPrefixFold(v, "info:sid/") {
			v = strings.TrimSpace(v[len("info:sid/"):])
		}
		if v != "" {
			return v
		}
	}
	return ""
}

// undouble decodes an identifier URI that was percent-encoded twice
// ("info%3Adoi%2F10.1038...") once more.
func (p *parser) undouble(e entry) string {
	lv := strings.ToLower(e.val)
	for _, pre := range []string{"info%3a", "urn%3a", "http%3a", "https%3a", "doi%3a", "pmid%3a"} {
		if strings.HasPrefix(lv, pre) {
			if v, ok := unescape(e.val); ok {
				p.warn(e.key, "value was percent-encoded twice; decoded again")
				return clean(v)
			}
		}
	}
	return e.val
}

// identifiers reads rft_id and id (and the bare doi / pmid keys some
// vendors send) into r.Identifiers and the citation's identifier fields.
func (p *parser) identifiers(r *Result) {
	c := &r.Citation
	var list []entry
	list = append(list, p.ids[lvl10]...)
	list = append(list, p.ids[lvl01]...)
	for _, e := range p.all("doi") {
		list = append(list, entry{e.key, "info:doi/" + e.val})
	}
	for _, e := range p.all("pmid") {
		list = append(list, entry{e.key, "info:pmid/" + e.val})
	}
	for _, e := range list {
		id, ok := parseID(e.key, p.undouble(e))
		if !ok {
			continue
		}
		r.addID(id)
		switch id.Scheme {
		case SchemeDOI:
			setOnce(&c.DOI, id.Value)
		case SchemePMID:
			if !isDigits(id.Value) {
				p.warn(e.key, "PMID is not a number")
			}
			setOnce(&c.PMID, id.Value)
		case SchemeOCLC:
			setOnce(&c.OCLCNumber, id.Value)
		case SchemeLCCN:
			setOnce(&c.LCCN, id.Value)
		}
	}
}

// metadataIDs reads isbn, issn and eissn, falling back to urn:ISBN: and
// urn:ISSN: identifiers.
func (p *parser) metadataIDs(r *Result) {
	c := &r.Citation
	if e := p.get("isbn"); e.val != "" {
		c.ISBN = p.checked(e, SchemeISBN, normISBN, checkISBN)
		r.addID(Identifier{Scheme: SchemeISBN, Value: c.ISBN, Key: e.key})
	}
	if e := p.get("issn"); e.val != "" {
		c.ISSN = p.checked(e, SchemeISSN, normISSN, checkISSN)
		r.addID(Identifier{Scheme: SchemeISSN, Value: c.ISSN, Key: e.key})
	}
	if e := p.get("eissn"); e.val != "" {
		c.EISSN = p.checked(e, SchemeISSN, normISSN, checkISSN)
		r.addID(Identifier{Scheme: SchemeEISSN, Value: c.EISSN, Key: e.key})
	}
	for _, id := range r.Identifiers {
		switch id.Scheme {
		case SchemeISBN:
			setOnce(&c.ISBN, id.Value)
		case SchemeISSN:
			setOnce(&c.ISSN, id.Value)
		}
	}
}

// checked normalises an ISBN or ISSN, warning when it is not one or its
// check digit is wrong (the value is kept either way).
func (p *parser) checked(e entry, name string, norm func(string) (string, bool), check func(string) bool) string {
	n, ok := norm(e.val)
	if !ok {
		p.warn(e.key, "not an "+strings.ToUpper(name)+"; kept as sent")
		return e.val
	}
	if !check(n) {
		p.warn(e.key, strings.ToUpper(name)+" check digit is wrong")
	}
	return n
}

func (r *Result) addID(id Identifier) {
	for _, x := range r.Identifiers {
		if x.Scheme == id.Scheme && x.Value == id.Value {
			return
		}
	}
	r.Identifiers = append(r.Identifiers, id)
}

func setOnce(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

func firstVal(es ...entry) string {
	for _, e := range es {
		if e.val != "" {
			return e.val
		}
	}
	return ""
}

// titles fills the title fields. rft.title means jtitle in the journal
// format, btitle in the book format and the title of a dissertation.
func (p *parser) titles(r *Result) {
	c := &r.Citation
	r.ShortTitle = p.get("stitle").val
	c.ArticleTitle = p.get("atitle").val
	jtitle, btitle, title := p.get("jtitle"), p.get("btitle"), p.get("title")
	switch r.Format {
	case FormatJournal:
		c.JournalTitle = firstVal(jtitle, title, p.get("stitle"))
		c.Title = c.JournalTitle
	case FormatBook:
		c.Title = firstVal(btitle, title, jtitle, p.get("stitle"))
	default:
		c.Title = firstVal(title, btitle, jtitle, p.get("stitle"))
	}
}

// authors fills Author ("Last, First" from the name parts, else the first
// au) and Authors (every au, with the first author prepended when only
// the name parts name them, as Zotero's COinS do, and corporate authors
// appended).
func (p *parser) authors(c *ill.Citation) {
	last := p.get("aulast").val
	built := buildName(last, p.get("aufirst").val, p.get("auinit").val,
		p.get("auinit1").val, p.get("auinitm").val, p.get("ausuffix").val)
	var authors []string
	for _, e := range p.all("au") {
		authors = append(authors, e.val)
	}
	if built != "" && (len(authors) == 0 || !mentions(authors[0], last)) {
		authors = append([]string{built}, authors...)
	}
	for _, e := range p.all("aucorp") {
		if !contains(authors, e.val) {
			authors = append(authors, e.val)
		}
	}
	c.Authors = authors
	c.Author = built
	if c.Author == "" && len(authors) > 0 {
		c.Author = authors[0]
	}
}

func buildName(last, first, init, init1, initm, suffix string) string {
	given := first
	if given == "" {
		given = init
	}
	if given == "" {
		given = strings.TrimSpace(init1 + " " + initm)
	}
	name := last
	if given != "" {
		if name != "" {
			name += ", "
		}
		name += given
	}
	if suffix != "" && name != "" {
		name += ", " + suffix
	}
	return name
}

// mentions reports whether the full name s contains the surname last as
// a word (case-insensitive); an empty surname matches nothing.
func mentions(s, last string) bool {
	if last == "" {
		return false
	}
	s, last = strings.ToLower(s), strings.ToLower(last)
	for i := 0; ; {
		j := strings.Index(s[i:], last)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(last)
		if (j == 0 || !isLetter(s[j-1])) && (end == len(s) || !isLetter(s[end])) {
			return true
		}
		i = j + 1
	}
}

func isLetter(b byte) bool { return b >= 0x80 || 'a' <= b|0x20 && b|0x20 <= 'z' }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
