package copyright

import "testing"

func TestNormaliseISSN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"1072-303X", "1072-303X", true},
		{"1072303x", "1072-303X", true},
		{"ISSN 1540-3572 (online)", "1540-3572", true},
		{" 0028-0836 ", "0028-0836", true},
		{"1072-3031", "", false},           // wrong check digit
		{"1072-303", "", false},            // too short
		{"1072-303X 1540-3572", "", false}, // two ISSNs
		{"X072-3031", "", false},           // X only as check digit
		{"", "", false},
	}
	for _, tc := range tests {
		got, ok := NormaliseISSN(tc.in)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("NormaliseISSN(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestNormaliseISBN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"0-306-40615-2", "9780306406157", true},
		{"978-0-306-40615-7", "9780306406157", true},
		{"080442957X", "9780804429573", true},
		{"9780306406158", "", false}, // wrong check digit
		{"0-306-40615-3", "", false},
		{"12345", "", false},
	}
	for _, tc := range tests {
		got, ok := NormaliseISBN(tc.in)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("NormaliseISBN(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestNormaliseOCLC(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"(OCoLC)ocm00012345", "12345", true},
		{"ocn123456789", "123456789", true},
		{"on1234567890", "1234567890", true},
		{"  42 ", "42", true},
		{"0000", "", false},
		{"12a45", "", false},
	}
	for _, tc := range tests {
		got, ok := NormaliseOCLC(tc.in)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("NormaliseOCLC(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestPeriodicalAndWorkKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                      string
		issnL, issn, eissn, title string
		merge                     bool
		want                      Key
	}{
		{"ISSN-L wins when merging", "1072-303X", "", "1540-3572", "X", true, "issn:1072-303X"},
		{"without merging the e-ISSN is its own counter", "1072-303X", "", "1540-3572", "X", false, "issn:1540-3572"},
		{"print before electronic", "", "1540-3572", "1072-303X", "X", true, "issn:1540-3572"},
		{"invalid ISSN falls back to the title", "", "1072-3031", "", "The Journal", true, "title:journal"},
		{"nothing at all", "", "", "", " : ", true, ""},
	}
	for _, tc := range tests {
		if got := PeriodicalKey(tc.issnL, tc.issn, tc.eissn, tc.title, tc.merge); got != tc.want {
			t.Errorf("%s: PeriodicalKey = %q, want %q", tc.name, got, tc.want)
		}
	}
	works := []struct {
		isbn, oclc, title string
		want              Key
	}{
		{"0-306-40615-2", "123", "T", "isbn:9780306406157"},
		{"bad", "(OCoLC)123", "T", "oclc:123"},
		{"", "", "The Art of War", "work:art of war"},
		{"", "", "", ""},
	}
	for _, tc := range works {
		if got := WorkKey(tc.isbn, tc.oclc, tc.title); got != tc.want {
			t.Errorf("WorkKey(%q, %q, %q) = %q, want %q", tc.isbn, tc.oclc, tc.title, got, tc.want)
		}
	}
	if k := Key("isbn:1"); k.Periodical() || k.Kind() != KindISBN {
		t.Errorf("Key(isbn:1): Periodical %v Kind %q, want false, isbn", k.Periodical(), k.Kind())
	}
}

func TestArticleAndIssueIDs(t *testing.T) {
	t.Parallel()
	r := DefaultRules(RegimeUS)
	base := Request{Service: ServiceCopy, PubType: PubArticle, ISSN: "1072303x", Volume: "Vol. 30", Issue: "No. 2", Pages: "pp. 45-60"}
	tests := []struct {
		name             string
		mod              func(*Request)
		wantArt, wantIss string
	}{
		{"volume, issue, first page", nil, "issn:1072-303X|30|2|45", "issn:1072-303X|30|2"},
		{"a DOI wins", func(q *Request) { q.DOI = "doi:10.1000/ABC" }, "doi:10.1000/abc", "issn:1072-303X|30|2"},
		{"no pages: the article title", func(q *Request) { q.Pages, q.ArticleTitle = "", "The Rule of Five" }, "issn:1072-303X|30|2|rule of five", "issn:1072-303X|30|2"},
		{"no issue: no issue id", func(q *Request) { q.Issue = "" }, "issn:1072-303X|30||45", ""},
		{"no volume: the year stands in", func(q *Request) { q.Volume, q.PubDate = "", PubDate{Year: 2024} }, "issn:1072-303X||2|45", "issn:1072-303X|y2024|2"},
		{"nothing to identify the part", func(q *Request) { q.Pages = "" }, "", "issn:1072-303X|30|2"},
	}
	for _, tc := range tests {
		q := base
		if tc.mod != nil {
			tc.mod(&q)
		}
		if got := q.ArticleID(r); got != tc.wantArt {
			t.Errorf("%s: ArticleID = %q, want %q", tc.name, got, tc.wantArt)
		}
		if got := q.IssueID(r); got != tc.wantIss {
			t.Errorf("%s: IssueID = %q, want %q", tc.name, got, tc.wantIss)
		}
	}
}
