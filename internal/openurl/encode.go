package openurl

import (
	"regexp"
	"strings"

	"interlend/internal/ill"
)

// Encode writes c as an OpenURL 1.0 KEV query string (no leading '?'),
// UTF-8, with the metadata format its publication type implies. For a
// citation as Parse returns it, Parse(Encode(c)) gives c back (tested on
// every URL in the tests; for arbitrary input, after one round the
// citation no longer changes). Chapter, PreferredFormat and
// PreferredEdition have no KEV key and are not written.
func Encode(c ill.Citation) string {
	var b kevBuilder
	b.add("url_ver", "Z39.88-2004")
	b.add("url_ctx_fmt", "info:ofi/fmt:kev:mtx:ctx")
	b.add("ctx_ver", "Z39.88-2004")
	b.add("ctx_enc", "info:ofi/enc:UTF-8")
	if s := c.Source; s != "" {
		if !hasPrefixFold(s, "info:") && !hasPrefixFold(s, "http:") && !hasPrefixFold(s, "https:") && !hasPrefixFold(s, "urn:") {
			s = "info:sid/" + s
		}
		b.add("rfr_id", s)
	}
	format, genre := encodeFormat(c)
	if format != FormatUnknown {
		b.add("rft_val_fmt", "info:ofi/fmt:kev:mtx:"+string(format))
	}
	b.add("rft.genre", genre)
	b.add("rft.atitle", c.ArticleTitle)
	switch format {
	case FormatJournal:
		b.add("rft.jtitle", firstNonEmpty(c.JournalTitle, c.Title))
	case FormatBook:
		b.add("rft.btitle", firstNonEmpty(c.Title, c.JournalTitle))
	default:
		b.add("rft.title", firstNonEmpty(c.Title, c.JournalTitle))
	}
	// Parse takes Author from aulast/aufirst when present, else from the
	// first au; write the name parts so that both routes give Author back.
	if last, first, ok := strings.Cut(c.Author, ", "); ok && last != "" && first != "" {
		b.add("rft.aulast", last)
		b.add("rft.aufirst", first)
	} else if len(c.Authors) == 0 {
		b.add("rft.au", c.Author)
	} else if c.Authors[0] != c.Author {
		b.add("rft.aulast", c.Author)
	}
	for _, a := range c.Authors {
		b.add("rft.au", a)
	}
	b.add("rft.edition", c.Edition)
	b.add("rft.pub", c.Publisher)
	b.add("rft.place", c.PlaceOfPub)
	b.add("rft.series", c.Series)
	b.add("rft.inst", c.Sponsor)
	b.add("rft.language", c.Language)
	if d, ok := normDate(c.PubDate); ok && d == c.PubDate || c.PubDate == "" {
		b.add("rft.date", c.PubDate)
	} else {
		b.add("rft.chron", c.PubDate)
		b.add("rft.date", yearRe.FindString(c.PubDate))
	}
	b.add("rft.volume", c.Volume)
	b.add("rft.issue", c.Issue)
	if m := pageRange.FindStringSubmatch(c.Pages); m != nil {
		b.add("rft.spage", m[1])
		b.add("rft.epage", m[2])
	}
	b.add("rft.pages", c.Pages)
	b.add("rft.issn", c.ISSN)
	b.add("rft.eissn", c.EISSN)
	b.add("rft.isbn", c.ISBN)
	if c.DOI != "" {
		b.add("rft_id", "info:doi/"+c.DOI)
	}
	if c.PMID != "" {
		b.add("rft_id", "info:pmid/"+c.PMID)
	}
	if c.OCLCNumber != "" {
		b.add("rft_id", "info:oclcnum/"+c.OCLCNumber)
	}
	if c.LCCN != "" {
		b.add("rft_id", "info:lccn/"+c.LCCN)
	}
	return b.String()
}

var (
	yearRe    = regexp.MustCompile(`\b[12][0-9]{3}\b`)
	pageRange = regexp.MustCompile(`^([0-9A-Za-z]+)(?:-([0-9A-Za-z]+))?$`)
)

// encodeFormat chooses the matrix and genre for a publication type.
func encodeFormat(c ill.Citation) (Format, string) {
	switch c.PublicationType {
	case ill.PubArticle:
		return FormatJournal, "article"
	case ill.PubJournal:
		return FormatJournal, "journal"
	case ill.PubChapter:
		return FormatBook, "bookitem"
	case ill.PubBook:
		return FormatBook, "book"
	case ill.PubReport:
		return FormatBook, "report"
	case ill.PubThesis:
		return FormatDissertation, ""
	case ill.PubConferenceProc:
		f := pick(c.JournalTitle != "", FormatJournal, FormatBook)
		return f, pick(c.ArticleTitle != "", "proceeding", "conference")
	case ill.PubOther:
		return FormatBook, "document"
	}
	return FormatUnknown, ""
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// kevBuilder writes key=value pairs, skipping empty values.
type kevBuilder struct{ sb strings.Builder }

func (b *kevBuilder) add(key, val string) {
	if val == "" {
		return
	}
	if b.sb.Len() > 0 {
		b.sb.WriteByte('&')
	}
	b.sb.WriteString(key)
	b.sb.WriteByte('=')
	b.sb.WriteString(escape(val))
}

func (b *kevBuilder) String() string { return b.sb.String() }

// escape percent-encodes everything but A-Z a-z 0-9 - . _ ~ (space as
// %20), as the examples in standards/openurl.md are written.
func escape(s string) string {
	const hex = "0123456789ABCDEF"
	var sb strings.Builder
	sb.Grow(len(s) + len(s)/2)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			sb.WriteByte(c)
			continue
		}
		sb.WriteByte('%')
		sb.WriteByte(hex[c>>4])
		sb.WriteByte(hex[c&15])
	}
	return sb.String()
}
