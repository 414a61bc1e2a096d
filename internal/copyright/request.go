package copyright

import (
	"strings"
	"time"
)

// ServiceType is ISO 18626 serviceType.
type ServiceType string

// Service types (ISO 18626 closed list).
const (
	ServiceCopy       ServiceType = "Copy"
	ServiceLoan       ServiceType = "Loan"
	ServiceCopyOrLoan ServiceType = "CopyOrLoan"
)

// IsCopy reports whether copyright rules apply: Copy, and CopyOrLoan since
// the supplier may choose to copy.
func (s ServiceType) IsCopy() bool { return s == ServiceCopy || s == ServiceCopyOrLoan }

// PubType is ISO 18626 publicationType (PublicationTypeList-V1.0); values
// from other schemes are kept as text.
type PubType string

// Publication types that the rules tell apart.
const (
	PubArticle        PubType = "Article"
	PubBook           PubType = "Book"
	PubChapter        PubType = "Chapter"
	PubJournal        PubType = "Journal"
	PubNewspaper      PubType = "Newspaper"
	PubConferenceProc PubType = "ConferenceProc"
	PubThesis         PubType = "Thesis"
	PubReport         PubType = "Report"
	PubMap            PubType = "Map"
	PubImage          PubType = "Image"
	PubMovie          PubType = "Movie"
	PubMusicRecording PubType = "MusicRecording"
	PubMusicScore     PubType = "MusicScore"
	PubGame           PubType = "Game"
)

// SubscriptionSource says how the library knows it holds the title (R6).
type SubscriptionSource string

// Where "we subscribe" comes from.
const (
	SourceEHoldings SubscriptionSource = "eholdings" // KBART / e-holdings import
	SourceCatalog   SubscriptionSource = "catalog"   // the library's own catalogue
	SourceStaff     SubscriptionSource = "staff"     // a staff member said so
)

// Declaration is a UK user's signed copying declaration (CDPA s.42A); see
// UKDeclarationText.
type Declaration struct {
	SignedAt    time.Time `json:"signedAt"`
	TextVersion string    `json:"textVersion,omitempty"` // which wording was shown
}

// Request is what Assess needs to know about one copy request. Titles and
// identifiers are as cited; Assess normalises them.
type Request struct {
	// ID is the caller's request id; Assess ignores earlier copies with the
	// same id, so the request may already be stored when it is assessed.
	ID      string      `json:"id,omitempty"`
	Service ServiceType `json:"service"`
	PubType PubType     `json:"pubType"`

	// The periodical and article.
	JournalTitle string `json:"journalTitle,omitempty"`
	ISSNL        string `json:"issnL,omitempty"`
	ISSN         string `json:"issn,omitempty"`
	EISSN        string `json:"eissn,omitempty"`
	ArticleTitle string `json:"articleTitle,omitempty"`
	Volume       string `json:"volume,omitempty"`
	Issue        string `json:"issue,omitempty"`
	Pages        string `json:"pages,omitempty"`
	DOI          string `json:"doi,omitempty"`

	// A book or other work (R7).
	WorkTitle string `json:"workTitle,omitempty"`
	ISBN      string `json:"isbn,omitempty"`
	OCLC      string `json:"oclc,omitempty"`
	Chapter   string `json:"chapter,omitempty"`

	PubDate PubDate `json:"pubDate"`
	// RequestDate is when the request was made, in the library's time zone:
	// its calendar year is the counting year (R2).
	RequestDate time.Time `json:"requestDate"`

	// Subscribed: the library holds, subscribes to or has ordered the title (R6).
	Subscribed       bool               `json:"subscribed,omitempty"`
	SubscribedSource SubscriptionSource `json:"subscribedSource,omitempty"`

	// WholeWork: a copy of a whole book or whole issue is asked for (R11).
	WholeWork bool `json:"wholeWork,omitempty"`
	// FairPriceChecked: staff recorded that no copy can be bought at a fair
	// price (§108(e)), which lifts the R11 hold.
	FairPriceChecked bool `json:"fairPriceChecked,omitempty"`
	// AVNews: an audiovisual work dealing with news, which §108(i) leaves in.
	AVNews bool `json:"avNews,omitempty"`

	// PatronKey is a pseudonym for the patron (for example an HMAC of the
	// patron id); never a name. Used only for R8 and the UK one-copy rule.
	PatronKey string `json:"patronKey,omitempty"`
	// Declaration is the UK user's declaration, if signed.
	Declaration *Declaration `json:"declaration,omitempty"`
}

// copy reports whether the copy rules apply: a Copy, or a CopyOrLoan that
// names a part (an article, pages, a chapter). A CopyOrLoan for a whole book
// will be lent, so it neither counts nor needs the fair-price check.
func (q Request) copy() bool {
	switch q.Service {
	case ServiceCopy:
		return true
	case ServiceCopyOrLoan:
		return q.periodical() || q.Pages != "" || q.Chapter != "" || q.ArticleTitle != ""
	}
	return false
}

// periodical reports whether the request is for part of a periodical (R1)
// rather than of another work (R7).
func (q Request) periodical() bool {
	switch q.PubType {
	case PubArticle, PubJournal, PubNewspaper:
		return true
	case "", PubConferenceProc:
		hasSerial := q.ISSNL != "" || q.ISSN != "" || q.EISSN != "" || q.JournalTitle != ""
		return hasSerial && q.ISBN == ""
	}
	return false
}

// excluded reports §108(i) material (R10): music, pictorial and graphic
// works, films and other audiovisual works except news.
func (q Request) excluded() bool {
	switch q.PubType {
	case PubMusicScore, PubMusicRecording, PubImage, PubMap, PubGame:
		return true
	case PubMovie:
		return !q.AVNews
	}
	return false
}

// wholeWork reports a copy of a whole book or issue (R11): flagged by the
// caller, or a Copy of a book, journal, thesis or report naming no part.
func (q Request) wholeWork() bool {
	if q.WholeWork {
		return true
	}
	if q.Service != ServiceCopy || q.Pages != "" || q.Chapter != "" || q.ArticleTitle != "" {
		return false
	}
	switch q.PubType {
	case PubBook, PubJournal, PubThesis, PubReport:
		return true
	}
	return false
}

// Key is the counting key for the request under rules r: PeriodicalKey for
// parts of periodicals, WorkKey otherwise. It is "" when nothing identifies
// the title.
func (q Request) Key(r Rules) Key {
	if q.periodical() {
		return PeriodicalKey(q.ISSNL, q.ISSN, q.EISSN, q.JournalTitle, r.MergeISSNL)
	}
	return WorkKey(q.ISBN, q.OCLC, q.WorkTitle)
}

// ArticleID identifies the article or part asked for, for R9 and the UK
// one-copy rule: "doi:<doi>" when a DOI is given, else the periodical key,
// volume, issue and first page (or normalised article title). It is "" when
// the part cannot be identified.
func (q Request) ArticleID(r Rules) string {
	if doi := normaliseDOI(q.DOI); doi != "" {
		return "doi:" + doi
	}
	k := q.Key(r)
	if k == "" {
		return ""
	}
	part := firstPage(q.Pages)
	if part == "" {
		part = NormaliseTitle(q.ArticleTitle)
	}
	if part == "" && !q.periodical() {
		part = NormaliseTitle(q.Chapter)
	}
	if part == "" {
		return ""
	}
	return string(k) + "|" + normaliseEnum(q.Volume) + "|" + normaliseEnum(q.Issue) + "|" + part
}

// IssueID identifies the periodical issue, for R8: periodical key, volume
// (or year when no volume) and issue. It is "" when the issue is not known.
func (q Request) IssueID(r Rules) string {
	if !q.periodical() || normaliseEnum(q.Issue) == "" {
		return ""
	}
	k := q.Key(r)
	if k == "" {
		return ""
	}
	vol := normaliseEnum(q.Volume)
	if vol == "" {
		vol = "y" + q.PubDate.String()
	}
	return string(k) + "|" + vol + "|" + normaliseEnum(q.Issue)
}

func normaliseDOI(s string) string {
	s = strings.TrimSpace(strings.ToLower(s))
	for _, p := range []string{"https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"} {
		s = strings.TrimPrefix(s, p)
	}
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "10.") || !strings.Contains(s, "/") {
		return ""
	}
	return s
}

// normaliseEnum reduces a volume or issue to letters and digits without a
// "vol."/"no." label: "Vol. 12" -> "12", "No 3" -> "3".
func normaliseEnum(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"volume", "vol", "v", "issue", "iss", "number", "no", "nr", "n", "heft"} {
		if rest, ok := strings.CutPrefix(s, p); ok && rest != "" && (rest[0] == '.' || rest[0] == ' ' || rest[0] >= '0' && rest[0] <= '9') {
			s = rest
			break
		}
	}
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r == '-' || r == '/' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// firstPage is the first page of a range: "123-145" -> "123", "S12-S20" -> "s12".
func firstPage(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "pp."), "p.")
	s = strings.TrimSpace(s)
	end := strings.IndexFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z')
	})
	if end >= 0 {
		s = s[:end]
	}
	return s
}
