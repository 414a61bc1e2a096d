package openurl

import (
	"os"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"interlend/internal/ill"
	"interlend/internal/testenv"
)

// exampleCases are the eight "exactly as sent" URLs of
// standards/openurl.md section 3, verbatim (TestExamplesAreVerbatim keeps
// them in step with the file).
var exampleCases = []parseCase{
	{
		name: "3.1 journal article 1.0",
		in:   "https://resolver.exreq.example.edu/openurl?url_ver=Z39.88-2004&url_ctx_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Actx&ctx_ver=Z39.88-2004&ctx_enc=info%3Aofi%2Fenc%3AUTF-8&rfr_id=info%3Asid%2Fdiscovery.exreq.example.edu%3Aprimo&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Ajournal&rft.genre=article&rft.atitle=Measuring%20turnaround%20time%20in%20consortial%20article%20delivery&rft.jtitle=Journal%20of%20Interlibrary%20Loan%2C%20Document%20Delivery%20%26%20Electronic%20Reserve&rft.stitle=J%20Interlibr%20Loan%20Doc%20Deliv%20Electron%20Reserve&rft.aulast=Okafor&rft.aufirst=Adaeze&rft.issn=1072-303X&rft.eissn=1540-3572&rft.date=2024&rft.volume=34&rft.issue=2&rft.spage=45&rft.epage=61&rft_id=info%3Adoi%2F10.5555%2Fjill.2024.34.2.45&rft_id=info%3Apmid%2F99999999",
		want: &Result{
			Citation: ill.Citation{
				Title: jill, Author: "Okafor, Adaeze", Authors: []string{"Okafor, Adaeze"}, PubDate: "2024",
				ISSN: "1072-303X", EISSN: "1540-3572", DOI: "10.5555/jill.2024.34.2.45", PMID: "99999999",
				ArticleTitle: jillArticle, JournalTitle: jill, Volume: "34", Issue: "2", Pages: "45-61",
				PublicationType: ill.PubArticle, Source: "discovery.exreq.example.edu:primo",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version10,
			Referrer: "discovery.exreq.example.edu:primo", Date: "2024",
			ShortTitle: "J Interlibr Loan Doc Deliv Electron Reserve",
			Identifiers: []Identifier{
				id("doi", "10.5555/jill.2024.34.2.45", "rft_id"), id("pmid", "99999999", "rft_id"),
				id("issn", "1072-303X", "rft.issn"), id("eissn", "1540-3572", "rft.eissn"),
			},
		},
	},
	{
		name: "3.2 book 1.0 with OCLC number and URN:ISBN",
		in:   "https://resolver.exreq.example.edu/openurl?url_ver=Z39.88-2004&url_ctx_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Actx&ctx_ver=Z39.88-2004&rfr_id=info%3Asid%2Fworldcat.org%3Aworldcat&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Abook&rft.genre=book&rft.btitle=Silent%20spring&rft.au=Carson%2C%20Rachel&rft.aulast=Carson&rft.aufirst=Rachel&rft.edition=40th%20anniversary%20edition&rft.pub=Houghton%20Mifflin&rft.place=Boston&rft.date=2002&rft.isbn=9780618249060&rft.tpages=378&rft_id=info%3Aoclcnum%2F49593382&rft_id=urn%3AISBN%3A9780618249060",
		want: &Result{
			Citation: ill.Citation{
				Title: "Silent spring", Author: "Carson, Rachel", Authors: []string{"Carson, Rachel"},
				Edition: "40th anniversary edition", Publisher: "Houghton Mifflin", PlaceOfPub: "Boston",
				PubDate: "2002", ISBN: "9780618249060", OCLCNumber: "49593382", PublicationType: ill.PubBook,
				Source: "worldcat.org:worldcat",
			},
			ServiceType: ServiceLoan, Format: FormatBook, Genre: "book", Version: Version10,
			Referrer: "worldcat.org:worldcat", Date: "2002", TotalPages: "378",
			Identifiers: []Identifier{id("oclc", "49593382", "rft_id"), id("isbn", "9780618249060", "rft_id")},
		},
	},
	{
		name: "3.3 book chapter 1.0",
		in:   "https://resolver.exreq.example.edu/openurl?url_ver=Z39.88-2004&url_ctx_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Actx&ctx_ver=Z39.88-2004&rfr_id=info%3Asid%2Fscholar.example.org%3Ascholar&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Abook&rft.genre=bookitem&rft.atitle=Resource%20sharing%20after%20the%20pandemic&rft.btitle=Handbook%20of%20library%20cooperation&rft.aulast=Nguyen&rft.aufirst=Linh&rft.pub=Example%20Academic%20Press&rft.place=London&rft.date=2023&rft.isbn=9780000000002&rft.spage=201&rft.epage=224&rft.pages=201-224&rft.series=Library%20science%20perspectives",
		want: &Result{
			Citation: ill.Citation{
				Title: "Handbook of library cooperation", Author: "Nguyen, Linh", Authors: []string{"Nguyen, Linh"},
				Publisher: "Example Academic Press", PlaceOfPub: "London", PubDate: "2023", ISBN: "9780000000002",
				ArticleTitle: "Resource sharing after the pandemic", Pages: "201-224",
				PublicationType: ill.PubChapter, Series: "Library science perspectives",
				Source: "scholar.example.org:scholar",
			},
			ServiceType: ServiceCopy, Format: FormatBook, Genre: "bookitem", Version: Version10,
			Referrer: "scholar.example.org:scholar", Date: "2023",
			Identifiers: []Identifier{id("isbn", "9780000000002", "rft.isbn")},
		},
	},
	{
		name: "3.4 dissertation 1.0",
		in:   "https://resolver.exreq.example.edu/openurl?url_ver=Z39.88-2004&url_ctx_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Actx&ctx_ver=Z39.88-2004&rfr_id=info%3Asid%2Fproquest.com%3Apqdtglobal&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Adissertation&rft.title=Interlibrary%20loan%20turnaround%20in%20consortial%20networks%3A%20a%20quantitative%20study&rft.au=Raman%2C%20Priya&rft.aulast=Raman&rft.aufirst=Priya&rft.inst=Example%20State%20University&rft.degree=Ph.D.&rft.advisor=Smith%2C%20John&rft.date=2021&rft.cc=US&rft.tpages=212",
		want: &Result{
			Citation: ill.Citation{
				Title:  "Interlibrary loan turnaround in consortial networks: a quantitative study",
				Author: "Raman, Priya", Authors: []string{"Raman, Priya"}, PlaceOfPub: "US", PubDate: "2021",
				PublicationType: ill.PubThesis, Sponsor: "Example State University", Source: "proquest.com:pqdtglobal",
			},
			ServiceType: ServiceLoan, Format: FormatDissertation, Version: Version10,
			Referrer: "proquest.com:pqdtglobal", Date: "2021", TotalPages: "212", Country: "US",
			Notes: []string{"Degree: Ph.D.", "Advisor: Smith, John"},
		},
	},
	{
		name: "3.5 article to an ILLiad-style form, from PubMed",
		in:   "https://ill.exreq.example.edu/illiad/illiad.dll/OpenURL?url_ver=Z39.88-2004&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Ajournal&rft.genre=article&rft.atitle=Molecular%20structure%20of%20nucleic%20acids%3A%20a%20structure%20for%20deoxyribose%20nucleic%20acid&rft.jtitle=Nature&rft.issn=0028-0836&rft.date=1953&rft.volume=171&rft.issue=4356&rft.spage=737&rft.epage=738&rft.aulast=Watson&rft.auinit=J%20D&rft_id=info%3Adoi%2F10.1038%2F171737a0&rfr_id=info%3Asid%2FEntrez%3APubMed",
		want: &Result{
			Citation: ill.Citation{
				Title: nature, Author: "Watson, J D", Authors: []string{"Watson, J D"}, PubDate: "1953",
				ISSN: "0028-0836", DOI: "10.1038/171737a0", ArticleTitle: watsonCrick, JournalTitle: nature,
				Volume: "171", Issue: "4356", Pages: "737-738", PublicationType: ill.PubArticle, Source: "Entrez:PubMed",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version10,
			Referrer: "Entrez:PubMed", Date: "1953",
			Identifiers: []Identifier{id("doi", "10.1038/171737a0", "rft_id"), id("issn", "0028-0836", "rft.issn")},
		},
	},
	{
		name: "3.6 journal article 0.1",
		in:   "https://resolver.exreq.example.edu/openurl?sid=EBSCO%3Aaph&genre=article&atitle=Measuring%20turnaround%20time%20in%20consortial%20article%20delivery&title=Journal%20of%20Interlibrary%20Loan%2C%20Document%20Delivery%20%26%20Electronic%20Reserve&issn=1072-303X&date=2024&volume=34&issue=2&spage=45&epage=61&aulast=Okafor&aufirst=Adaeze&id=doi%3A10.5555%2Fjill.2024.34.2.45",
		want: &Result{
			Citation: ill.Citation{
				Title: jill, Author: "Okafor, Adaeze", Authors: []string{"Okafor, Adaeze"}, PubDate: "2024",
				ISSN: "1072-303X", DOI: "10.5555/jill.2024.34.2.45", ArticleTitle: jillArticle, JournalTitle: jill,
				Volume: "34", Issue: "2", Pages: "45-61", PublicationType: ill.PubArticle, Source: "EBSCO:aph",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version01,
			Referrer: "EBSCO:aph", Date: "2024",
			Identifiers: []Identifier{id("doi", "10.5555/jill.2024.34.2.45", "id"), id("issn", "1072-303X", "issn")},
		},
	},
	{
		name: "3.7 book 0.1 with ISBN-10",
		in:   "https://resolver.exreq.example.edu/openurl?sid=OCLC%3AWorldCat&genre=book&title=Silent%20spring&aulast=Carson&aufirst=Rachel&isbn=0618249060&date=2002",
		want: &Result{
			Citation: ill.Citation{
				Title: "Silent spring", Author: "Carson, Rachel", Authors: []string{"Carson, Rachel"}, PubDate: "2002",
				ISBN: "0618249060", PublicationType: ill.PubBook, Source: "OCLC:WorldCat",
			},
			ServiceType: ServiceLoan, Format: FormatBook, Genre: "book", Version: Version01,
			Referrer: "OCLC:WorldCat", Date: "2002", Identifiers: []Identifier{id("isbn", "0618249060", "isbn")},
		},
	},
	{
		name: "3.8 identifier-only 1.0",
		in:   "https://resolver.exreq.example.edu/openurl?url_ver=Z39.88-2004&rft_id=info%3Adoi%2F10.1038%2F171737a0",
		want: &Result{
			Citation: ill.Citation{DOI: "10.1038/171737a0"}, Version: Version10,
			Identifiers: []Identifier{id("doi", "10.1038/171737a0", "rft_id")},
		},
	},
}

func TestParseStandardExamples(t *testing.T) {
	t.Parallel()
	runParseCases(t, exampleCases)
}

// TestExamplesAreVerbatim checks that exampleCases hold exactly the URLs
// of standards/openurl.md, in order.
func TestExamplesAreVerbatim(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(testenv.Standards(t, "openurl.md"))
	if err != nil {
		t.Fatal(err)
	}
	sent := regexp.MustCompile(`(?m)^https://\S+\?\S+$`).FindAllString(string(b), -1)
	var got []string
	for _, c := range exampleCases {
		got = append(got, c.in)
	}
	if diff := cmp.Diff(sent, got); diff != "" {
		t.Errorf("exampleCases differ from standards/openurl.md (-file +table):\n%s", diff)
	}
}
