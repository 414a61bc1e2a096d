package openurl

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"interlend/internal/ill"
)

func TestEncode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   ill.Citation
		want string
	}{
		{
			name: "article",
			in: ill.Citation{
				Title: nature, JournalTitle: nature, ArticleTitle: "A b", Author: "Watson, J D",
				Authors: []string{"Watson, J D", "Crick, F H C"}, PubDate: "1953", Volume: "171", Issue: "4356",
				Pages: "737-738", ISSN: "0028-0836", DOI: "10.1038/171737a0", PMID: "13054692",
				PublicationType: ill.PubArticle, Source: "Entrez:PubMed",
			},
			want: "url_ver=Z39.88-2004&url_ctx_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Actx&ctx_ver=Z39.88-2004" +
				"&ctx_enc=info%3Aofi%2Fenc%3AUTF-8&rfr_id=info%3Asid%2FEntrez%3APubMed" +
				"&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Ajournal&rft.genre=article&rft.atitle=A%20b" +
				"&rft.jtitle=Nature&rft.aulast=Watson&rft.aufirst=J%20D&rft.au=Watson%2C%20J%20D" +
				"&rft.au=Crick%2C%20F%20H%20C&rft.date=1953&rft.volume=171&rft.issue=4356&rft.spage=737" +
				"&rft.epage=738&rft.pages=737-738&rft.issn=0028-0836&rft_id=info%3Adoi%2F10.1038%2F171737a0" +
				"&rft_id=info%3Apmid%2F13054692",
		},
		{
			name: "thesis with a season date and an http source",
			in: ill.Citation{
				Title: "T", Author: "Raman", Authors: []string{"Raman"}, PubDate: "Spring 2021",
				Sponsor: "Example State University", PublicationType: ill.PubThesis, Source: "https://example.org/x",
			},
			want: "url_ver=Z39.88-2004&url_ctx_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Actx&ctx_ver=Z39.88-2004" +
				"&ctx_enc=info%3Aofi%2Fenc%3AUTF-8&rfr_id=https%3A%2F%2Fexample.org%2Fx" +
				"&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Adissertation&rft.title=T&rft.au=Raman" +
				"&rft.inst=Example%20State%20University&rft.chron=Spring%202021&rft.date=2021",
		},
		{
			name: "untyped citation carries no format",
			in:   ill.Citation{DOI: "10.5555/x y", OCLCNumber: "1", LCCN: "2"},
			want: "url_ver=Z39.88-2004&url_ctx_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Actx&ctx_ver=Z39.88-2004" +
				"&ctx_enc=info%3Aofi%2Fenc%3AUTF-8&rft_id=info%3Adoi%2F10.5555%2Fx%20y" +
				"&rft_id=info%3Aoclcnum%2F1&rft_id=info%3Alccn%2F2",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Encode(tc.in); got != tc.want {
				t.Errorf("Encode =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestEncodeRoundTrip covers citations built by hand in the form Parse
// produces, for every publication type.
func TestEncodeRoundTrip(t *testing.T) {
	t.Parallel()
	cites := []ill.Citation{
		{Title: "B", Author: "Ló, Ä", Authors: []string{"Ló, Ä", "X & Y; Z"}, Edition: "2nd", Publisher: "P",
			PlaceOfPub: "Q", PubDate: "2001-02-03", ISBN: "9780618249060", OCLCNumber: "42", LCCN: "2002023456",
			PublicationType: ill.PubBook, Series: "S", Language: "fr", Source: "a:b"},
		{Title: "B", ArticleTitle: "C", Pages: "e1234", PublicationType: ill.PubChapter},
		{Title: "J", JournalTitle: "J", ArticleTitle: "A+B=C 100%", Volume: "1", Issue: "2", Pages: "3-4",
			PubDate: "Q2 2020", ISSN: "0028-0836", EISSN: "1095-9203", DOI: "10.1/a?b=c&d", PMID: "1",
			PublicationType: ill.PubArticle},
		{Title: "J", JournalTitle: "J", PublicationType: ill.PubJournal},
		{Title: "J", JournalTitle: "J", ArticleTitle: "P", PublicationType: ill.PubConferenceProc},
		{Title: "Proc", PublicationType: ill.PubConferenceProc},
		{Title: "R", Author: "WHO", Authors: []string{"WHO"}, PublicationType: ill.PubReport},
		{Title: "D", PublicationType: ill.PubOther},
		{Title: "T", Sponsor: "U", PublicationType: ill.PubThesis, PubDate: "no date"},
		{DOI: "10.1/x"},
	}
	for _, c := range cites {
		kev := Encode(c)
		r, err := Parse(kev)
		if err != nil {
			t.Errorf("Parse(%q): %v", kev, err)
			continue
		}
		if diff := cmp.Diff(c, r.Citation); diff != "" {
			t.Errorf("Parse(Encode(c)) with %q (-want +got):\n%s", kev, diff)
		}
	}
}
