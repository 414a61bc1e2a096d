package openurl

import (
	"testing"

	"interlend/internal/ill"
)

// TestParseQuirks covers encodings, escapes, hybrids, dates and sparse
// input.
func TestParseQuirks(t *testing.T) {
	t.Parallel()
	runParseCases(t, quirkCases)
}

var quirkCases = []parseCase{
	{
		name: "ctx_enc ISO-8859-1, with Windows-1252 dash",
		in: "url_ver=Z39.88-2004&ctx_enc=info:ofi/enc:ISO-8859-1&rft_val_fmt=info:ofi/fmt:kev:mtx:book&rft.genre=book" +
			"&rft.btitle=L%27%E9tranger&rft.aulast=Camus&rft.aufirst=Albert&rft.place=Paris&rft.pub=Gallimard" +
			"&rft.date=1942&rft.series=Collection+%ABFolio%BB&rft.edition=Nouvelle+%E9d.+%96+1972",
		want: &Result{
			Citation: ill.Citation{
				Title: "L'étranger", Author: "Camus, Albert", Authors: []string{"Camus, Albert"},
				Edition: "Nouvelle éd. – 1972", Publisher: "Gallimard", PlaceOfPub: "Paris", PubDate: "1942",
				PublicationType: ill.PubBook, Series: "Collection «Folio»",
			},
			ServiceType: ServiceLoan, Format: FormatBook, Genre: "book", Version: Version10, Date: "1942",
		},
	},
	{
		name: "undeclared Latin-1 bytes next to valid UTF-8",
		in: "sid=EBSCO:a9h&genre=article&atitle=M%FCller%27s+law+revisited&title=Zeitschrift+f%C3%BCr+Bibliothekswesen" +
			"&aulast=M%FCller&aufirst=J%F6rg&date=2015&issn=0044-2380",
		want: &Result{
			Citation: ill.Citation{
				Title: "Zeitschrift für Bibliothekswesen", Author: "Müller, Jörg", Authors: []string{"Müller, Jörg"},
				PubDate: "2015", ISSN: "0044-2380", ArticleTitle: "Müller's law revisited",
				JournalTitle: "Zeitschrift für Bibliothekswesen", PublicationType: ill.PubArticle, Source: "EBSCO:a9h",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version01,
			Referrer: "EBSCO:a9h", Date: "2015", Identifiers: []Identifier{id("issn", "0044-2380", "issn")},
			Warnings: []Warning{
				{Key: "atitle", Message: "not valid UTF-8; bytes read as Windows-1252"},
				{Key: "aulast", Message: "not valid UTF-8; bytes read as Windows-1252"},
				{Key: "aufirst", Message: "not valid UTF-8; bytes read as Windows-1252"},
			},
		},
	},
	{
		name: "malformed percent escapes kept literally, + and %20 as spaces",
		in: "url_ver=Z39.88-2004&rft.genre=article&rft.atitle=100%+natural%3A+a+50%zz+solution" +
			"&rft.jtitle=Journal+of+Odd%20Spacing&rft.issn=0028-0836&rft.date=2020%",
		want: &Result{
			Citation: ill.Citation{
				Title: "Journal of Odd Spacing", PubDate: "2020%", ISSN: "0028-0836",
				ArticleTitle: "100% natural: a 50%zz solution", JournalTitle: "Journal of Odd Spacing",
				PublicationType: ill.PubArticle,
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version10,
			Identifiers: []Identifier{id("issn", "0028-0836", "rft.issn")},
			Warnings: []Warning{
				{Key: "rft.atitle", Message: "malformed percent escape kept literally"},
				{Key: "rft.date", Message: "malformed percent escape kept literally"},
				{Key: "rft.date", Message: "unparseable date kept as cited"},
			},
		},
	},
	{
		name: "whole URL with fragment and twice-encoded identifiers",
		in: "https://resolver.example.edu/openurl?url_ver=Z39.88-2004&rft_id=info%253Adoi%252F10.1038%252F171737a0" +
			"&rfr_id=info%253Asid%252Fexample.org%253Afeed#section-2",
		want: &Result{
			Citation: ill.Citation{DOI: "10.1038/171737a0", Source: "example.org:feed"},
			Version:  Version10, Referrer: "example.org:feed",
			Identifiers: []Identifier{id("doi", "10.1038/171737a0", "rft_id")},
			Warnings: []Warning{
				{Key: "rfr_id", Message: "value was percent-encoded twice; decoded again"},
				{Key: "rft_id", Message: "value was percent-encoded twice; decoded again"},
			},
		},
	},
	{
		name: "ISBN only, hyphenated",
		in:   "isbn=978-0-618-24906-0",
		want: &Result{
			Citation:    ill.Citation{ISBN: "9780618249060", PublicationType: ill.PubBook},
			ServiceType: ServiceLoan, Format: FormatBook, Version: Version01,
			Identifiers: []Identifier{id("isbn", "9780618249060", "isbn")},
		},
	},
	{
		name: "title only, leading question mark",
		in:   "?title=Silent+spring",
		want: &Result{
			Citation:    ill.Citation{Title: "Silent spring", PublicationType: ill.PubBook},
			ServiceType: ServiceLoan, Format: FormatBook, Version: Version01,
		},
	},
	{
		name: "DOI link only: no type to suggest",
		in:   "rft_id=https://doi.org/10.5555/12345678",
		want: &Result{
			Citation: ill.Citation{DOI: "10.5555/12345678"}, Version: Version10,
			Identifiers: []Identifier{id("doi", "10.5555/12345678", "rft_id")},
		},
	},
	{
		name: "hybrid: the 1.0 key wins for every field",
		in: "genre=book&rft.genre=article&title=Old+title&rft.jtitle=Nature&rft.atitle=Molecular+structure" +
			"&sid=Old:Source&rfr_id=info:sid/new.example:db&date=1999&rft.date=1953&aulast=Smith&rft.aulast=Watson" +
			"&volume=1&rft.volume=171",
		want: &Result{
			Citation: ill.Citation{
				Title: nature, Author: "Watson", Authors: []string{"Watson"}, PubDate: "1953",
				ArticleTitle: "Molecular structure", JournalTitle: nature, Volume: "171",
				PublicationType: ill.PubArticle, Source: "new.example:db",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: VersionHybrid,
			Referrer: "new.example:db", Date: "1953",
		},
	},
	{
		name: "requester kept",
		in: "url_ver=Z39.88-2004&req_id=mailto:jane.doe@exreq.example.edu&rft.genre=book&rft.btitle=Silent+spring" +
			"&rft.isbn=9780618249060",
		want: &Result{
			Citation:    ill.Citation{Title: "Silent spring", ISBN: "9780618249060", PublicationType: ill.PubBook},
			ServiceType: ServiceLoan, Format: FormatBook, Genre: "book", Version: Version10,
			Requester:   "mailto:jane.doe@exreq.example.edu",
			Identifiers: []Identifier{id("isbn", "9780618249060", "rft.isbn")},
		},
	},
	{
		name: "season with date",
		in: "url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.genre=article&rft.atitle=A+study" +
			"&rft.jtitle=Library+Trends&rft.date=2019&rft.ssn=spring&rft.volume=67",
		want: &Result{
			Citation: ill.Citation{
				Title: "Library Trends", PubDate: "Spring 2019", ArticleTitle: "A study", JournalTitle: "Library Trends",
				Volume: "67", PublicationType: ill.PubArticle,
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version10, Date: "2019",
		},
	},
	{
		name: "quarter with date",
		in: "url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.genre=article&rft.atitle=A+study" +
			"&rft.jtitle=Library+Trends&rft.date=2020-04&rft.quarter=2",
		want: &Result{
			Citation: ill.Citation{
				Title: "Library Trends", PubDate: "Q2 2020", ArticleTitle: "A study", JournalTitle: "Library Trends",
				PublicationType: ill.PubArticle,
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version10, Date: "2020-04",
		},
	},
	{
		name: "chron wins as the cited date",
		in: "url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.genre=article&rft.atitle=A+study" +
			"&rft.jtitle=Library+Trends&rft.chron=Winter+2018%2F2019&rft.date=2018",
		want: &Result{
			Citation: ill.Citation{
				Title: "Library Trends", PubDate: "Winter 2018/2019", ArticleTitle: "A study",
				JournalTitle: "Library Trends", PublicationType: ill.PubArticle,
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version10, Date: "2018",
		},
	},
	{
		name: "unparseable date kept as cited",
		in:   "genre=article&atitle=A+study&title=Nature&issn=0028-0836&date=May+2019",
		want: &Result{
			Citation: ill.Citation{
				Title: nature, PubDate: "May 2019", ISSN: "0028-0836", ArticleTitle: "A study", JournalTitle: nature,
				PublicationType: ill.PubArticle,
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version01,
			Identifiers: []Identifier{id("issn", "0028-0836", "issn")},
			Warnings:    []Warning{{Key: "date", Message: "unparseable date kept as cited"}},
		},
	},
	{
		name: "whole issue asked for",
		in: "url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.genre=issue&rft.jtitle=Nature" +
			"&rft.volume=171&rft.issue=4356&rft.date=1953",
		want: &Result{
			Citation: ill.Citation{
				Title: nature, PubDate: "1953", JournalTitle: nature, Volume: "171", Issue: "4356",
				PublicationType: ill.PubJournal,
			},
			ServiceType: ServiceLoan, Format: FormatJournal, Genre: "issue", Version: Version10, Date: "1953",
			Warnings: []Warning{{Key: "rft.genre", Message: "a whole journal or issue is asked for; check with the patron"}},
		},
	},
	{
		name: "unknown genre and key (Mendeley-style rft.publisher)",
		in: "url_ver=Z39.88-2004&rfr_id=info:sid/mendeley.com:mendeley&rft.genre=video&rft.btitle=Lending+101" +
			"&rft.publisher=Example+Films&rft.date=2016",
		want: &Result{
			Citation: ill.Citation{
				Title: "Lending 101", PubDate: "2016", PublicationType: ill.PubBook, Source: "mendeley.com:mendeley",
			},
			ServiceType: ServiceLoan, Format: FormatBook, Genre: "video", Version: Version10,
			Referrer: "mendeley.com:mendeley", Date: "2016",
			Extra: map[string][]string{"rft.publisher": {"Example Films"}},
			Warnings: []Warning{
				{Message: "unrecognised keys kept in Extra: rft.publisher"},
				{Key: "rft.genre", Message: "genre not recognised"},
			},
		},
	},
	{
		name: "HTML escaped separators: &amp;amp;, &#38; and &#x26;",
		in:   "url_ver=Z39.88-2004&amp;amp;rft.genre=book&#38;rft.btitle=Silent+spring&#x26;rft.isbn=0618249060",
		want: &Result{
			Citation:    ill.Citation{Title: "Silent spring", ISBN: "0618249060", PublicationType: ill.PubBook},
			ServiceType: ServiceLoan, Format: FormatBook, Genre: "book", Version: Version10,
			Identifiers: []Identifier{id("isbn", "0618249060", "rft.isbn")},
		},
	},
	{
		name: "hand-wrapped KEV with raw spaces and newlines",
		in:   "url_ver=Z39.88-2004\n  &rft.genre=book\n  &rft.btitle=Silent  spring \r\n  &rft.aulast=Carson\n",
		want: &Result{
			Citation: ill.Citation{
				Title: "Silent spring", Author: "Carson", Authors: []string{"Carson"}, PublicationType: ill.PubBook,
			},
			ServiceType: ServiceLoan, Format: FormatBook, Genre: "book", Version: Version10,
		},
	},
	{
		name: "patent format",
		in:   "url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:patent&rft.title=Method+for+lending+books&rft.date=2010",
		want: &Result{
			Citation:    ill.Citation{Title: "Method for lending books", PubDate: "2010", PublicationType: ill.PubOther},
			ServiceType: ServiceCopy, Format: FormatPatent, Version: Version10, Date: "2010",
		},
	},
	{
		name: "Dublin Core format is not read: guessed from the fields",
		in:   "url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:dc&rft.title=Report+on+things&rft.creator=Smith&rft.date=2010",
		want: &Result{
			Citation:    ill.Citation{Title: "Report on things", PubDate: "2010", PublicationType: ill.PubBook},
			ServiceType: ServiceLoan, Format: FormatBook, Version: Version10, Date: "2010",
			Extra: map[string][]string{"rft.creator": {"Smith"}},
			Warnings: []Warning{
				{Message: "unrecognised keys kept in Extra: rft.creator"},
				{Key: "rft_val_fmt", Message: "metadata format not read; guessed from the fields"},
			},
		},
	},
	{
		name: "PubMed URL, handle and OAI identifiers",
		in:   "rft_id=https://pubmed.ncbi.nlm.nih.gov/13054692/&rft_id=info:hdl/1721.1/12345&rft_id=oai:arXiv.org:1234.5678",
		want: &Result{
			Citation:    ill.Citation{PMID: "13054692", PublicationType: ill.PubArticle},
			ServiceType: ServiceCopy, Format: FormatJournal, Version: Version10,
			Identifiers: []Identifier{
				id("pmid", "13054692", "rft_id"), id("hdl", "1721.1/12345", "rft_id"), id("oai", "oai:arXiv.org:1234.5678", "rft_id"),
			},
		},
	},
	{
		name: "OCLC number with ocm prefix, LCCN, upper-case keys",
		in:   "RFT_ID=info:oclcnum/ocm49593382&rft_id=info:lccn/2002023456&RFT.BTITLE=Silent+spring",
		want: &Result{
			Citation: ill.Citation{
				Title: "Silent spring", OCLCNumber: "49593382", LCCN: "2002023456", PublicationType: ill.PubBook,
			},
			ServiceType: ServiceLoan, Format: FormatBook, Version: Version10,
			Identifiers: []Identifier{id("oclc", "49593382", "RFT_ID"), id("lccn", "2002023456", "rft_id")},
		},
	},
	{
		name: "ISSN with lower-case x and wrong check digit, ISBN that is not one",
		in:   "url_ver=Z39.88-2004&rft.genre=article&rft.atitle=A&rft.issn=1072-303x&rft.eissn=1540-3571&rft.isbn=n/a",
		want: &Result{
			Citation: ill.Citation{
				ISBN: "n/a", ISSN: "1072-303X", EISSN: "1540-3571", ArticleTitle: "A",
				PublicationType: ill.PubArticle,
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version10,
			Identifiers: []Identifier{
				id("isbn", "n/a", "rft.isbn"), id("issn", "1072-303X", "rft.issn"), id("eissn", "1540-3571", "rft.eissn"),
			},
			Warnings: []Warning{
				{Key: "rft.isbn", Message: "not an ISBN; kept as sent"},
				{Key: "rft.eissn", Message: "ISSN check digit is wrong"},
			},
		},
	},
	{
		name: "Zotero-style first author absent from au list, suffix, corporate author",
		in: "url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:book&rft.genre=book&rft.btitle=Why+we+can%27t+wait" +
			"&rft.aulast=King&rft.aufirst=Martin+Luther&rft.ausuffix=Jr.&rft.au=Coretta+Scott+Kingsley" +
			"&rft.aucorp=SCLC&rft.date=1964",
		want: &Result{
			Citation: ill.Citation{
				Title: "Why we can't wait", Author: "King, Martin Luther, Jr.",
				Authors: []string{"King, Martin Luther, Jr.", "Coretta Scott Kingsley", "SCLC"}, PubDate: "1964",
				PublicationType: ill.PubBook,
			},
			ServiceType: ServiceLoan, Format: FormatBook, Genre: "book", Version: Version10, Date: "1964",
		},
	},
}
