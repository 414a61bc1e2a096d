package openurl

import (
	"testing"

	"interlend/internal/ill"
)

// TestParseVendors reads OpenURLs shaped as the named sources send them
// (keys, order, empty keys and quirks as those sources use them; the
// bibliographic data are illustrative).
func TestParseVendors(t *testing.T) {
	t.Parallel()
	runParseCases(t, vendorCases)
}

const (
	nature      = "Nature"
	watsonCrick = "Molecular structure of nucleic acids: a structure for deoxyribose nucleic acid"
	jill        = "Journal of Interlibrary Loan, Document Delivery & Electronic Reserve"
	jillArticle = "Measuring turnaround time in consortial article delivery"
)

var vendorCases = []parseCase{
	{
		name: "PubMed LinkOut 0.1, PMID only",
		in:   "sid=Entrez:PubMed&id=pmid:13054692",
		want: &Result{
			Citation:    ill.Citation{PMID: "13054692", PublicationType: ill.PubArticle, Source: "Entrez:PubMed"},
			ServiceType: ServiceCopy, Format: FormatJournal, Version: Version01, Referrer: "Entrez:PubMed",
			Identifiers: []Identifier{id("pmid", "13054692", "id")},
		},
	},
	{
		name: "PubMed 1.0 with raw semicolon in title and two authors",
		in: "url_ver=Z39.88-2004&url_ctx_fmt=info:ofi/fmt:kev:mtx:ctx&rfr_id=info:sid/Entrez:PubMed" +
			"&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.genre=article&rft.jtitle=Nature&rft.stitle=Nature" +
			"&rft.issn=0028-0836&rft.date=1953&rft.volume=171&rft.issue=4356&rft.spage=737&rft.epage=738" +
			"&rft.atitle=Molecular+structure+of+nucleic+acids;+a+structure+for+deoxyribose+nucleic+acid" +
			"&rft.aulast=WATSON&rft.auinit=J+D&rft.au=WATSON+J+D&rft.au=CRICK+F+H" +
			"&rft_id=info:pmid/13054692&rft_id=info:doi/10.1038/171737a0",
		want: &Result{
			Citation: ill.Citation{
				Title: nature, Author: "WATSON, J D", Authors: []string{"WATSON J D", "CRICK F H"},
				PubDate: "1953", ISSN: "0028-0836", DOI: "10.1038/171737a0", PMID: "13054692",
				ArticleTitle: "Molecular structure of nucleic acids; a structure for deoxyribose nucleic acid",
				JournalTitle: nature, Volume: "171", Issue: "4356", Pages: "737-738",
				PublicationType: ill.PubArticle, Source: "Entrez:PubMed",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version10,
			Referrer: "Entrez:PubMed", Date: "1953", ShortTitle: nature,
			Identifiers: []Identifier{
				id("pmid", "13054692", "rft_id"), id("doi", "10.1038/171737a0", "rft_id"), id("issn", "0028-0836", "rft.issn"),
			},
		},
	},
	{
		name: "Google Scholar article 0.1, no genre",
		in: "sid=google&auinit=JD&aulast=Watson&atitle=Molecular+structure+of+nucleic+acids" +
			"&id=doi:10.1038/171737a0&title=Nature&volume=171&issue=4356&date=1953&spage=737&issn=0028-0836",
		want: &Result{
			Citation: ill.Citation{
				Title: nature, Author: "Watson, JD", Authors: []string{"Watson, JD"}, PubDate: "1953",
				ISSN: "0028-0836", DOI: "10.1038/171737a0", ArticleTitle: "Molecular structure of nucleic acids",
				JournalTitle: nature, Volume: "171", Issue: "4356", Pages: "737",
				PublicationType: ill.PubArticle, Source: "google",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Version: Version01, Referrer: "google", Date: "1953",
			Identifiers: []Identifier{id("doi", "10.1038/171737a0", "id"), id("issn", "0028-0836", "issn")},
		},
	},
	{
		name: "Google Scholar book 0.1",
		in:   "sid=google&auinit=R&aulast=Carson&title=Silent+spring&genre=book&isbn=9780618249060&date=2002",
		want: &Result{
			Citation: ill.Citation{
				Title: "Silent spring", Author: "Carson, R", Authors: []string{"Carson, R"}, PubDate: "2002",
				ISBN: "9780618249060", PublicationType: ill.PubBook, Source: "google",
			},
			ServiceType: ServiceLoan, Format: FormatBook, Genre: "book", Version: Version01, Referrer: "google",
			Date: "2002", Identifiers: []Identifier{id("isbn", "9780618249060", "isbn")},
		},
	},
	{
		name: "EBSCO 0.1 sid=EBSCO:aph, YYYYMMDD date, full name in aulast, ISSN without hyphen",
		in: "sid=EBSCO:aph&genre=article&issn=1072303X&ISBN=&volume=34&issue=2&date=20240401&spage=45" +
			"&pages=45-61&title=Journal+of+Interlibrary+Loan%2C+Document+Delivery+%26+Electronic+Reserve" +
			"&atitle=Measuring+turnaround+time+in+consortial+article+delivery&aulast=Okafor%2C+Adaeze" +
			"&id=DOI:10.5555/jill.2024.34.2.45",
		want: &Result{
			Citation: ill.Citation{
				Title: jill, Author: "Okafor, Adaeze", Authors: []string{"Okafor, Adaeze"}, PubDate: "2024-04-01",
				ISSN: "1072-303X", DOI: "10.5555/jill.2024.34.2.45", ArticleTitle: jillArticle,
				JournalTitle: jill, Volume: "34", Issue: "2", Pages: "45-61",
				PublicationType: ill.PubArticle, Source: "EBSCO:aph",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version01,
			Referrer: "EBSCO:aph", Date: "2024-04-01",
			Identifiers: []Identifier{id("doi", "10.5555/jill.2024.34.2.45", "id"), id("issn", "1072-303X", "issn")},
		},
	},
	{
		name: "EBSCO catalogue book, 00 for unknown month and day",
		in: "sid=EBSCO:cat00006a&genre=book&isbn=9780262033848&title=Introduction+to+algorithms&date=20090000" +
			"&aulast=Cormen%2C+Thomas+H.&pub=MIT+Press&edition=3rd+ed.",
		want: &Result{
			Citation: ill.Citation{
				Title: "Introduction to algorithms", Author: "Cormen, Thomas H.", Authors: []string{"Cormen, Thomas H."},
				Edition: "3rd ed.", Publisher: "MIT Press", PubDate: "2009", ISBN: "9780262033848",
				PublicationType: ill.PubBook, Source: "EBSCO:cat00006a",
			},
			ServiceType: ServiceLoan, Format: FormatBook, Genre: "book", Version: Version01,
			Referrer: "EBSCO:cat00006a", Date: "2009", Identifiers: []Identifier{id("isbn", "9780262033848", "isbn")},
		},
	},
	{
		name: "ProQuest hybrid with empty rft_id namespaces",
		in: "url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&genre=article&sid=ProQ:ProQ%3Aabiglobal" +
			"&atitle=Resource+sharing+in+a+time+of+austerity&title=Interlending+%26+Document+Supply&issn=02641615" +
			"&date=2012-01-01&volume=40&issue=1&spage=28&au=Jones%2C+Mary&isbn=&jtitle=Interlending+%26+Document+Supply" +
			"&btitle=&rft_id=info:eric/&rft_id=info:doi/",
		want: &Result{
			Citation: ill.Citation{
				Title: "Interlending & Document Supply", Author: "Jones, Mary", Authors: []string{"Jones, Mary"},
				PubDate: "2012-01-01", ISSN: "0264-1615", ArticleTitle: "Resource sharing in a time of austerity",
				JournalTitle: "Interlending & Document Supply", Volume: "40", Issue: "1", Pages: "28",
				PublicationType: ill.PubArticle, Source: "ProQ:ProQ:abiglobal",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: VersionHybrid,
			Referrer: "ProQ:ProQ:abiglobal", Date: "2012-01-01",
			Identifiers: []Identifier{id("issn", "0264-1615", "issn")},
		},
	},
	{
		name: "Web of Science 1.0 with article number",
		in: "url_ver=Z39.88-2004&url_ctx_fmt=info:ofi/fmt:kev:mtx:ctx&rft_val_fmt=info:ofi/fmt:kev:mtx:journal" +
			"&rfr_id=info:sid/webofscience.com:WOS:SCI&rft.atitle=Open+data+in+resource+sharing&rft.jtitle=SCIENCE" +
			"&rft.stitle=SCIENCE&rft.date=2020&rft.volume=367&rft.issue=6479&rft.spage=1&rft.epage=6" +
			"&rft.artnum=eaaz1234&rft.issn=0036-8075&rft.eissn=1095-9203&rft.genre=article&rft.aulast=Garcia" +
			"&rft.aufirst=Maria&rft.auinit1=M&rft.au=Garcia%2C+Maria&rft.au=Lee%2C+Ho" +
			"&rft_id=info:doi/10.5555/science.aaz1234",
		want: &Result{
			Citation: ill.Citation{
				Title: "SCIENCE", Author: "Garcia, Maria", Authors: []string{"Garcia, Maria", "Lee, Ho"},
				PubDate: "2020", ISSN: "0036-8075", EISSN: "1095-9203", DOI: "10.5555/science.aaz1234",
				ArticleTitle: "Open data in resource sharing", JournalTitle: "SCIENCE", Volume: "367",
				Issue: "6479", Pages: "1-6", PublicationType: ill.PubArticle, Source: "webofscience.com:WOS:SCI",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version10,
			Referrer: "webofscience.com:WOS:SCI", Date: "2020", ShortTitle: "SCIENCE", ArticleNumber: "eaaz1234",
			Identifiers: []Identifier{
				id("doi", "10.5555/science.aaz1234", "rft_id"), id("issn", "0036-8075", "rft.issn"),
				id("eissn", "1095-9203", "rft.eissn"),
			},
		},
	},
	{
		name: "Primo with empty keys, rft_dat, svc and req keys",
		in: "ctx_ver=Z39.88-2004&ctx_enc=info:ofi/enc:UTF-8&ctx_tim=2024-05-02T10%3A11%3A12IST&url_ver=Z39.88-2004" +
			"&url_ctx_fmt=infofi/fmt:kev:mtx:ctx&rfr_id=info:sid/primo.exlibrisgroup.com:primo3-Article-proquest" +
			"&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.genre=article" +
			"&rft.atitle=Interlibrary+loan+in+the+age+of+open+access&rft.jtitle=Journal+of+Academic+Librarianship" +
			"&rft.btitle=&rft.aulast=Tanaka&rft.auinit=K&rft.auinit1=K&rft.auinitm=&rft.ausuffix=" +
			"&rft.au=Tanaka%2C+Kenji&rft.aucorp=&rft.date=2021-03-01&rft.volume=47&rft.issue=2&rft.part=" +
			"&rft.quarter=&rft.ssn=&rft.spage=102301&rft.epage=&rft.pages=&rft.artnum=102301&rft.issn=0099-1333" +
			"&rft.eissn=&rft.isbn=&rft.sici=&rft.coden=&rft_id=info:doi/10.5555/j.acalib.2021.102301" +
			"&rft.object_id=&svc_val_fmt=info:ofi/fmt:kev:mtx:sch_svc&rft.eisbn=" +
			"&rft_dat=%3Cproquest%3E2501234567%3C/proquest%3E%3Cgrp_id%3Ecdi_FETCH-proquest_journals_25012345670%3C/grp_id%3E" +
			"&rft_id=info:oai/&rft.oa=free_for_read&svc.fulltext=yes&req.language=eng&rft.pub=Elsevier+Inc",
		want: &Result{
			Citation: ill.Citation{
				Title: "Journal of Academic Librarianship", Author: "Tanaka, K", Authors: []string{"Tanaka, Kenji"},
				Publisher: "Elsevier Inc", PubDate: "2021-03-01", ISSN: "0099-1333",
				DOI: "10.5555/j.acalib.2021.102301", ArticleTitle: "Interlibrary loan in the age of open access",
				JournalTitle: "Journal of Academic Librarianship", Volume: "47", Issue: "2", Pages: "102301",
				PublicationType: ill.PubArticle, Source: "primo.exlibrisgroup.com:primo3-Article-proquest",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version10,
			Referrer: "primo.exlibrisgroup.com:primo3-Article-proquest", Date: "2021-03-01", ArticleNumber: "102301",
			PrivateData: "<proquest>2501234567</proquest><grp_id>cdi_FETCH-proquest_journals_25012345670</grp_id>",
			Services:    []string{"fulltext"},
			Identifiers: []Identifier{id("doi", "10.5555/j.acalib.2021.102301", "rft_id"), id("issn", "0099-1333", "rft.issn")},
			Extra:       map[string][]string{"rft.oa": {"free_for_read"}},
			Warnings: []Warning{
				{Key: "req_id", Message: "requester data other than req_id dropped"},
				{Message: "unrecognised keys kept in Extra: rft.oa"},
			},
		},
	},
	{
		name: "WorldCat FirstSearch hybrid with pid, req_dat and rfe_dat",
		in: "sid=FirstSearch:WorldCat&genre=book&isbn=9780618249060&title=Silent+spring&date=2002&aulast=Carson" +
			"&aufirst=Rachel&id=doi:&pid=%3Caccession+number%3E49593382%3C%2Faccession+number%3E%3Cfssessid%3E0%3C%2Ffssessid%3E" +
			"&url_ver=Z39.88-2004&rfr_id=info:sid/firstsearch.oclc.org:WorldCat&rft_val_fmt=info:ofi/fmt:kev:mtx:book" +
			"&req_dat=%3Csessionid%3E0%3C%2Fsessionid%3E&rfe_dat=%3Caccessionnumber%3E49593382%3C%2Faccessionnumber%3E" +
			"&rft_id=info:oclcnum/49593382&rft_id=urn:ISBN:9780618249060&rft.aulast=Carson&rft.aufirst=Rachel" +
			"&rft.btitle=Silent+spring&rft.date=2002&rft.isbn=9780618249060&rft.place=Boston" +
			"&rft.pub=Houghton+Mifflin&rft.edition=40th+anniversary+ed.&rft.genre=book",
		want: &Result{
			Citation: ill.Citation{
				Title: "Silent spring", Author: "Carson, Rachel", Authors: []string{"Carson, Rachel"},
				Edition: "40th anniversary ed.", Publisher: "Houghton Mifflin", PlaceOfPub: "Boston", PubDate: "2002",
				ISBN: "9780618249060", OCLCNumber: "49593382", PublicationType: ill.PubBook,
				Source: "firstsearch.oclc.org:WorldCat",
			},
			ServiceType: ServiceLoan, Format: FormatBook, Genre: "book", Version: VersionHybrid,
			Referrer: "firstsearch.oclc.org:WorldCat", Date: "2002",
			PrivateData: "<accession number>49593382</accession number><fssessid>0</fssessid>",
			Identifiers: []Identifier{id("oclc", "49593382", "rft_id"), id("isbn", "9780618249060", "rft_id")},
			Extra:       map[string][]string{"rfe_dat": {"<accessionnumber>49593382</accessionnumber>"}},
			Warnings: []Warning{
				{Key: "req_id", Message: "requester data other than req_id dropped"},
				{Message: "unrecognised keys kept in Extra: rfe_dat"},
			},
		},
	},
	{
		name: "Zotero COinS journal article, &amp; separators, first author in aulast only",
		in: "ctx_ver=Z39.88-2004&amp;rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Ajournal&amp;rft_id=info%3Adoi%2F10.5555%2Fasi.2019.0101" +
			"&amp;rfr_id=info%3Asid%2Fzotero.org%3A2&amp;rft.genre=article&amp;rft.atitle=Citation+chasing+with+reference+managers" +
			"&amp;rft.jtitle=Journal+of+the+American+Society+for+Information+Science+and+Technology" +
			"&amp;rft.stitle=J.+Am.+Soc.+Inf.+Sci.+Technol.&amp;rft.volume=70&amp;rft.issue=3&amp;rft.aufirst=Ana" +
			"&amp;rft.aulast=Silva&amp;rft.au=Bo+Chen&amp;rft.au=Chidi+Obi&amp;rft.date=2019-03&amp;rft.pages=101-119" +
			"&amp;rft.spage=101&amp;rft.epage=119&amp;rft.issn=1532-2882&amp;rft.language=en",
		want: &Result{
			Citation: ill.Citation{
				Title: "Journal of the American Society for Information Science and Technology", Author: "Silva, Ana",
				Authors: []string{"Silva, Ana", "Bo Chen", "Chidi Obi"}, PubDate: "2019-03", ISSN: "1532-2882",
				DOI: "10.5555/asi.2019.0101", ArticleTitle: "Citation chasing with reference managers",
				Volume: "70", Issue: "3", Pages: "101-119", PublicationType: ill.PubArticle, Language: "en",
				JournalTitle: "Journal of the American Society for Information Science and Technology",
				Source:       "zotero.org:2",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version10,
			Referrer: "zotero.org:2", Date: "2019-03", ShortTitle: "J. Am. Soc. Inf. Sci. Technol.",
			Identifiers: []Identifier{id("doi", "10.5555/asi.2019.0101", "rft_id"), id("issn", "1532-2882", "rft.issn")},
		},
	},
	{
		name: "Zotero COinS book chapter with hyphenated ISBN and UTF-8 name",
		in: "ctx_ver=Z39.88-2004&amp;rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Abook&amp;rfr_id=info%3Asid%2Fzotero.org%3A2" +
			"&amp;rft.genre=bookitem&amp;rft.atitle=Lending+across+borders&amp;rft.btitle=The+Oxford+handbook+of+resource+sharing" +
			"&amp;rft.place=Oxford&amp;rft.pub=Oxford+University+Press&amp;rft.aufirst=Ingrid&amp;rft.aulast=Berg" +
			"&amp;rft.au=Tom%C3%A1s+Ruiz&amp;rft.date=2020&amp;rft.pages=33-58&amp;rft.spage=33&amp;rft.epage=58" +
			"&amp;rft.isbn=978-0-19-953556-9",
		want: &Result{
			Citation: ill.Citation{
				Title: "The Oxford handbook of resource sharing", Author: "Berg, Ingrid",
				Authors: []string{"Berg, Ingrid", "Tomás Ruiz"}, Publisher: "Oxford University Press",
				PlaceOfPub: "Oxford", PubDate: "2020", ISBN: "9780199535569", ArticleTitle: "Lending across borders",
				Pages: "33-58", PublicationType: ill.PubChapter, Source: "zotero.org:2",
			},
			ServiceType: ServiceCopy, Format: FormatBook, Genre: "bookitem", Version: Version10,
			Referrer: "zotero.org:2", Date: "2020", Identifiers: []Identifier{id("isbn", "9780199535569", "rft.isbn")},
		},
	},
	{
		name: "Scopus 0.1 with _service_type and encoded slash in id",
		in: "sid=Elsevier:Scopus&_service_type=getFullTxt&issn=00280836&isbn=&volume=171&issue=4356&spage=737" +
			"&epage=738&pages=737-738&artnum=&title=Nature" +
			"&atitle=Molecular+structure+of+nucleic+acids%3A+a+structure+for+deoxyribose+nucleic+acid" +
			"&aufirst=J.D.&auinit=J.D.&auinit1=J&auinitm=D&aulast=Watson&date=1953&id=doi:10.1038%2F171737a0",
		want: &Result{
			Citation: ill.Citation{
				Title: nature, Author: "Watson, J.D.", Authors: []string{"Watson, J.D."}, PubDate: "1953",
				ISSN: "0028-0836", DOI: "10.1038/171737a0", ArticleTitle: watsonCrick, JournalTitle: nature,
				Volume: "171", Issue: "4356", Pages: "737-738", PublicationType: ill.PubArticle,
				Source: "Elsevier:Scopus",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Version: Version01, Referrer: "Elsevier:Scopus",
			Date: "1953", Identifiers: []Identifier{id("doi", "10.1038/171737a0", "id"), id("issn", "0028-0836", "issn")},
			Extra:    map[string][]string{"_service_type": {"getFullTxt"}},
			Warnings: []Warning{{Message: "unrecognised keys kept in Extra: _service_type"}},
		},
	},
	{
		name: "JSTOR 1.0",
		in: "url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rfr_id=info:sid/jstor.org:jstor" +
			"&rft.genre=article&rft.jtitle=American+Journal+of+Sociology&rft.atitle=Economic+action+and+social+structure" +
			"&rft.issn=00029602&rft.date=1985-11-01&rft.volume=91&rft.issue=3&rft.spage=481&rft.epage=510" +
			"&rft.au=Mark+Granovetter&rft_id=info:doi/10.1086/228311",
		want: &Result{
			Citation: ill.Citation{
				Title: "American Journal of Sociology", Author: "Mark Granovetter", Authors: []string{"Mark Granovetter"},
				PubDate: "1985-11-01", ISSN: "0002-9602", DOI: "10.1086/228311",
				ArticleTitle: "Economic action and social structure", JournalTitle: "American Journal of Sociology",
				Volume: "91", Issue: "3", Pages: "481-510", PublicationType: ill.PubArticle, Source: "jstor.org:jstor",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version10,
			Referrer: "jstor.org:jstor", Date: "1985-11-01",
			Identifiers: []Identifier{id("doi", "10.1086/228311", "rft_id"), id("issn", "0002-9602", "rft.issn")},
		},
	},
	{
		name: "Ovid 0.1 with two ids and raw semicolons in pid",
		in: "sid=OVID:medline&id=pmid:31234567&id=doi:10.5555%2Fovid.2019.0042&issn=0022-1899&isbn=&volume=219" +
			"&issue=8&spage=1185&pages=1185-1193&date=2019&title=Journal+of+Infectious+Diseases" +
			"&atitle=Hand+hygiene+in+interlibrary+courier+networks&aulast=Kim" +
			"&pid=%3Cauthor%3EKim+S;Park+J;Lee+H%3C%2Fauthor%3E%3CAN%3E31234567%3C%2FAN%3E%3CDT%3EJournal+Article%3C%2FDT%3E",
		want: &Result{
			Citation: ill.Citation{
				Title: "Journal of Infectious Diseases", Author: "Kim", Authors: []string{"Kim"}, PubDate: "2019",
				ISSN: "0022-1899", DOI: "10.5555/ovid.2019.0042", PMID: "31234567",
				ArticleTitle: "Hand hygiene in interlibrary courier networks", JournalTitle: "Journal of Infectious Diseases",
				Volume: "219", Issue: "8", Pages: "1185-1193", PublicationType: ill.PubArticle, Source: "OVID:medline",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Version: Version01, Referrer: "OVID:medline", Date: "2019",
			PrivateData: "<author>Kim S;Park J;Lee H</author><AN>31234567</AN><DT>Journal Article</DT>",
			Identifiers: []Identifier{
				id("pmid", "31234567", "id"), id("doi", "10.5555/ovid.2019.0042", "id"), id("issn", "0022-1899", "issn"),
			},
		},
	},
	{
		name: "SFX-style with sfx.* keys and __char_set",
		in: "ctx_ver=Z39.88-2004&ctx_enc=info:ofi/enc:UTF-8&ctx_id=10_1&ctx_tim=2019-05-01T10:00:00CEST" +
			"&url_ver=Z39.88-2004&url_ctx_fmt=infofi/fmt:kev:mtx:ctx&rfr_id=info:sid/sfxit.com:citation" +
			"&rft.genre=article&rft.atitle=Scheduling+courier+runs&rft.jtitle=The+Computer+Journal&rft.issn=0010-4620" +
			"&rft.volume=61&rft.issue=5&rft.spage=700&rft.epage=712&rft.date=2018&rft.aulast=Novak&rft.aufirst=Petr" +
			"&sfx.ignore_date_threshold=1&sfx.response_type=simplexml&__char_set=utf8&rft.object_id=954925427238",
		want: &Result{
			Citation: ill.Citation{
				Title: "The Computer Journal", Author: "Novak, Petr", Authors: []string{"Novak, Petr"}, PubDate: "2018",
				ISSN: "0010-4620", ArticleTitle: "Scheduling courier runs", JournalTitle: "The Computer Journal",
				Volume: "61", Issue: "5", Pages: "700-712", PublicationType: ill.PubArticle, Source: "sfxit.com:citation",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version10,
			Referrer: "sfxit.com:citation", Date: "2018", Identifiers: []Identifier{id("issn", "0010-4620", "rft.issn")},
			Extra: map[string][]string{
				"sfx.ignore_date_threshold": {"1"}, "sfx.response_type": {"simplexml"}, "rft.object_id": {"954925427238"},
			},
			Warnings: []Warning{{Message: "unrecognised keys kept in Extra: rft.object_id, sfx.ignore_date_threshold, sfx.response_type"}},
		},
	},
	{
		name: "Crossref with an https doi.org rft_id",
		in: "url_ver=Z39.88-2004&rfr_id=info:sid/crossref.org:search&rft_val_fmt=info:ofi/fmt:kev:mtx:journal" +
			"&rft.genre=article&rft_id=https%3A%2F%2Fdoi.org%2F10.5555%2F12345678" +
			"&rft.atitle=Toward+a+Unified+Theory+of+High-Energy+Metaphysics%3A+Silly+String+Theory" +
			"&rft.jtitle=Journal+of+Psychoceramics&rft.issn=0264-3561&rft.volume=5&rft.issue=11&rft.date=2008-08-14" +
			"&rft.au=Josiah+Carberry&rft.spage=1&rft.epage=3",
		want: &Result{
			Citation: ill.Citation{
				Title: "Journal of Psychoceramics", Author: "Josiah Carberry", Authors: []string{"Josiah Carberry"},
				PubDate: "2008-08-14", ISSN: "0264-3561", DOI: "10.5555/12345678",
				ArticleTitle: "Toward a Unified Theory of High-Energy Metaphysics: Silly String Theory",
				JournalTitle: "Journal of Psychoceramics", Volume: "5", Issue: "11", Pages: "1-3",
				PublicationType: ill.PubArticle, Source: "crossref.org:search",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version10,
			Referrer: "crossref.org:search", Date: "2008-08-14",
			Identifiers: []Identifier{id("doi", "10.5555/12345678", "rft_id"), id("issn", "0264-3561", "rft.issn")},
		},
	},
	{
		name: "ERIC journal article with info:eric identifier",
		in: "url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rfr_id=info:sid/ERIC&rft.genre=article" +
			"&rft_id=info:eric/EJ1234567&rft.atitle=Teaching+students+to+use+interlibrary+loan" +
			"&rft.jtitle=College+%26+Research+Libraries&rft.issn=0010-0870&rft.date=2017&rft.volume=78&rft.issue=4" +
			"&rft.spage=455&rft.epage=470&rft.aulast=Brown&rft.aufirst=Amy",
		want: &Result{
			Citation: ill.Citation{
				Title: "College & Research Libraries", Author: "Brown, Amy", Authors: []string{"Brown, Amy"},
				PubDate: "2017", ISSN: "0010-0870", ArticleTitle: "Teaching students to use interlibrary loan",
				JournalTitle: "College & Research Libraries", Volume: "78", Issue: "4", Pages: "455-470",
				PublicationType: ill.PubArticle, Source: "ERIC",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "article", Version: Version10, Referrer: "ERIC",
			Date:        "2017",
			Identifiers: []Identifier{id("eric", "EJ1234567", "rft_id"), id("issn", "0010-0870", "rft.issn")},
		},
	},
	{
		name: "ERIC report with corporate author",
		in: "url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:book&rfr_id=info:sid/ERIC&rft.genre=report" +
			"&rft_id=info:eric/ED555555&rft.btitle=State+of+resource+sharing+in+rural+schools" +
			"&rft.aucorp=Example+Institute+of+Education+Sciences&rft.pub=Example+Institute+of+Education+Sciences" +
			"&rft.date=2015&rft.tpages=48",
		want: &Result{
			Citation: ill.Citation{
				Title: "State of resource sharing in rural schools", Author: "Example Institute of Education Sciences",
				Authors:   []string{"Example Institute of Education Sciences"},
				Publisher: "Example Institute of Education Sciences", PubDate: "2015",
				PublicationType: ill.PubReport, Source: "ERIC",
			},
			ServiceType: ServiceLoan, Format: FormatBook, Genre: "report", Version: Version10, Referrer: "ERIC",
			Date: "2015", TotalPages: "48", Identifiers: []Identifier{id("eric", "ED555555", "rft_id")},
		},
	},
	{
		name: "ProQuest dissertation hybrid",
		in: "url_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:dissertation&genre=dissertations+%26+theses" +
			"&sid=ProQ:ProQuest+Dissertations+%26+Theses+Global&atitle=" +
			"&title=Interlibrary+loan+turnaround+in+consortial+networks&issn=&date=2021-01-01&volume=&issue=&spage=" +
			"&au=Raman%2C+Priya&isbn=9798500000002&jtitle=&btitle=&rft_val_fmt=info:ofi/fmt:kev:mtx:dissertation" +
			"&rft_id=info:doi/&rft.inst=Example+State+University&rft.degree=Ph.D.&rft.advisor=Smith%2C+John",
		want: &Result{
			Citation: ill.Citation{
				Title: "Interlibrary loan turnaround in consortial networks", Author: "Raman, Priya",
				Authors: []string{"Raman, Priya"}, PubDate: "2021-01-01", ISBN: "9798500000002",
				PublicationType: ill.PubThesis, Sponsor: "Example State University",
				Source: "ProQ:ProQuest Dissertations & Theses Global",
			},
			ServiceType: ServiceLoan, Format: FormatDissertation, Genre: "dissertations & theses",
			Version: VersionHybrid, Referrer: "ProQ:ProQuest Dissertations & Theses Global", Date: "2021-01-01",
			Identifiers: []Identifier{id("isbn", "9798500000002", "isbn")},
			Notes:       []string{"Degree: Ph.D.", "Advisor: Smith, John"},
		},
	},
	{
		name: "book chapter 0.1 with a wrong ISBN-10 check digit",
		in: "sid=google&genre=bookitem&title=Handbook+of+library+cooperation&atitle=Resource+sharing+after+the+pandemic" +
			"&aulast=Nguyen&aufirst=Linh&isbn=0-19-953556-X&spage=201&epage=224&date=2023",
		want: &Result{
			Citation: ill.Citation{
				Title: "Handbook of library cooperation", Author: "Nguyen, Linh", Authors: []string{"Nguyen, Linh"},
				PubDate: "2023", ISBN: "019953556X", ArticleTitle: "Resource sharing after the pandemic",
				Pages: "201-224", PublicationType: ill.PubChapter, Source: "google",
			},
			ServiceType: ServiceCopy, Format: FormatBook, Genre: "bookitem", Version: Version01, Referrer: "google",
			Date: "2023", Identifiers: []Identifier{id("isbn", "019953556X", "isbn")},
			Warnings: []Warning{{Key: "isbn", Message: "ISBN check digit is wrong"}},
		},
	},
	{
		name: "IEEE conference paper (journal format, genre proceeding)",
		in: "url_ver=Z39.88-2004&rfr_id=info:sid/ieee.org:xplore&rft_val_fmt=info:ofi/fmt:kev:mtx:journal" +
			"&rft.genre=proceeding&rft.atitle=Predicting+lender+response+times" +
			"&rft.jtitle=2021+IEEE+International+Conference+on+Big+Data&rft.date=2021-12&rft.spage=1&rft.epage=10" +
			"&rft.au=Wei+Zhang&rft.au=Olga+Petrova&rft_id=info:doi/10.5555/bigdata.2021.0001&rft.isbn=9781665439022",
		want: &Result{
			Citation: ill.Citation{
				Title: "2021 IEEE International Conference on Big Data", Author: "Wei Zhang",
				Authors: []string{"Wei Zhang", "Olga Petrova"}, PubDate: "2021-12", ISBN: "9781665439022",
				DOI: "10.5555/bigdata.2021.0001", ArticleTitle: "Predicting lender response times",
				JournalTitle: "2021 IEEE International Conference on Big Data", Pages: "1-10",
				PublicationType: ill.PubConferenceProc, Source: "ieee.org:xplore",
			},
			ServiceType: ServiceCopy, Format: FormatJournal, Genre: "proceeding", Version: Version10,
			Referrer: "ieee.org:xplore", Date: "2021-12",
			Identifiers: []Identifier{id("doi", "10.5555/bigdata.2021.0001", "rft_id"), id("isbn", "9781665439022", "rft.isbn")},
		},
	},
	{
		name: "ACM proceedings volume (book format, genre conference)",
		in: "url_ver=Z39.88-2004&rfr_id=info:sid/dl.acm.org:acm&rft_val_fmt=info:ofi/fmt:kev:mtx:book" +
			"&rft.genre=conference&rft.btitle=Proceedings+of+the+2020+Conference+on+Library+Systems&rft.pub=ACM" +
			"&rft.place=New+York%2C+NY&rft.date=2020&rft.isbn=9781450370004",
		want: &Result{
			Citation: ill.Citation{
				Title: "Proceedings of the 2020 Conference on Library Systems", Publisher: "ACM",
				PlaceOfPub: "New York, NY", PubDate: "2020", ISBN: "9781450370004",
				PublicationType: ill.PubConferenceProc, Source: "dl.acm.org:acm",
			},
			ServiceType: ServiceLoan, Format: FormatBook, Genre: "conference", Version: Version10,
			Referrer: "dl.acm.org:acm", Date: "2020", Identifiers: []Identifier{id("isbn", "9781450370004", "rft.isbn")},
		},
	},
}
