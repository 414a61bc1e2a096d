package ill

import "strings"

// PublicationType is the ISO 18626 open code list PublicationTypeList-V1.0
// (Article, Book, Chapter, Journal, Thesis, ...). Kept as text so that values
// from other schemes survive.
type PublicationType string

// Publication types used throughout Interlend.
const (
	PubArticle        PublicationType = "Article"
	PubBook           PublicationType = "Book"
	PubChapter        PublicationType = "Chapter"
	PubJournal        PublicationType = "Journal"
	PubThesis         PublicationType = "Thesis"
	PubConferenceProc PublicationType = "ConferenceProc"
	PubReport         PublicationType = "Report"
	PubOther          PublicationType = "Other"
)

// Citation is the bibliographic description of what is wanted. Field names
// follow ISO 18626 bibliographicInfo and publicationInfo; Authors keeps every
// author given (OpenURL may repeat au), Author is the first, for display.
type Citation struct {
	Title            string          `json:"title,omitempty"`   // book or journal title as cited
	Author           string          `json:"author,omitempty"`  // first author, "Last, First"
	Authors          []string        `json:"authors,omitempty"` // every author given
	Edition          string          `json:"edition,omitempty"`
	Publisher        string          `json:"publisher,omitempty"`
	PlaceOfPub       string          `json:"placeOfPublication,omitempty"`
	PubDate          string          `json:"publicationDate,omitempty"` // as cited: "2019", "2019-05", "Spring 2019"
	ISBN             string          `json:"isbn,omitempty"`
	ISSN             string          `json:"issn,omitempty"`
	EISSN            string          `json:"eissn,omitempty"`
	OCLCNumber       string          `json:"oclcNumber,omitempty"`
	LCCN             string          `json:"lccn,omitempty"`
	DOI              string          `json:"doi,omitempty"`
	PMID             string          `json:"pmid,omitempty"`
	ArticleTitle     string          `json:"articleTitle,omitempty"`
	JournalTitle     string          `json:"journalTitle,omitempty"`
	Volume           string          `json:"volume,omitempty"`
	Issue            string          `json:"issue,omitempty"`
	Pages            string          `json:"pages,omitempty"` // "123-145"
	Chapter          string          `json:"chapter,omitempty"`
	PublicationType  PublicationType `json:"publicationType,omitempty"`
	PreferredFormat  string          `json:"preferredFormat,omitempty"`  // ISO 18626 itemFormat: Printed, PDF, ...
	PreferredEdition string          `json:"preferredEdition,omitempty"` // MostRecentEdition, ThisEdition, AnyEdition
	Sponsor          string          `json:"sponsor,omitempty"`          // thesis: institution (OpenURL rft.inst)
	Series           string          `json:"series,omitempty"`
	Language         string          `json:"language,omitempty"`
	Source           string          `json:"source,omitempty"` // where the citation came from: OpenURL rfr_id / sid
}

// IsCopy reports whether the citation describes a part of a work (an article
// or a chapter), which is what a Copy request usually asks for.
func (c Citation) IsCopy() bool {
	return c.PublicationType == PubArticle || c.PublicationType == PubChapter || c.ArticleTitle != ""
}

// DisplayTitle is the title a person should see first: the article or
// chapter title for parts, else the title.
func (c Citation) DisplayTitle() string {
	if t := strings.TrimSpace(c.ArticleTitle); t != "" {
		return t
	}
	if t := strings.TrimSpace(c.Title); t != "" {
		return t
	}
	return strings.TrimSpace(c.JournalTitle)
}

// Container is the title of the work that holds the part (journal or book).
func (c Citation) Container() string {
	if c.JournalTitle != "" {
		return c.JournalTitle
	}
	if c.ArticleTitle != "" {
		return c.Title
	}
	return ""
}
