package catalog

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"interlend/internal/directory"
	"interlend/internal/ill"
	"interlend/internal/marc"
)

func TestWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"Les Misérables : roman", []string{"les", "miserables", "roman"}},
		{"Smørrebrød og Æbleskiver", []string{"smorrebrod", "og", "aebleskiver"}},
		{"Война и мир", []string{"воина", "и", "мир"}}, // й folds to и, in queries too
		{"源氏物語", []string{"源氏物語"}},
		{"Min-jun's 2nd ed.", []string{"min", "jun", "s", "2nd", "ed"}},
		{"a" + strings.Repeat("b", 120) + " c", []string{"c"}},
		{"\" * : -", nil},
	}
	for _, tc := range tests {
		if got := Words(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Words(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestGuessIdentifier(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Identifier
		ok   bool
	}{
		{"0-618-24906-0", Identifier{KindISBN, "9780618249060"}, true},
		{"978-0-618-24906-0", Identifier{KindISBN, "9780618249060"}, true},
		{"isbn: 0618249060", Identifier{KindISBN, "9780618249060"}, true},
		{"1072-303x", Identifier{KindISSN, "1072-303X"}, true},
		{"(OCoLC)49593382", Identifier{KindOCLC, "49593382"}, true},
		{"ocm00012345", Identifier{KindOCLC, "12345"}, true},
		{"oclc:49593382", Identifier{KindOCLC, "49593382"}, true},
		{"10.1038/171737a0", Identifier{KindDOI, "10.1038/171737a0"}, true},
		{"lccn: 2002023456", Identifier{KindLCCN, "2002023456"}, true},
		{"silent spring", Identifier{}, false},
		{"1990", Identifier{}, false},
	}
	for _, tc := range tests {
		got, ok := GuessIdentifier(tc.in)
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("GuessIdentifier(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestDetectFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, head string
		want       Format
	}{
		{"cat.mrc", "", FormatMARC21},
		{"cat.XML", "", FormatMARCXML},
		{"cat.csv", "", FormatCSV},
		{"-", "\ufeff<?xml version=\"1.0\"?><collection>", FormatMARCXML},
		{"-", "00714cam a2200205 a 4500001001300000", FormatMARC21},
		{"export", "id,title\n1,A\n", FormatCSV},
	}
	for _, tc := range tests {
		if got := DetectFormat(tc.name, []byte(tc.head)); got != tc.want {
			t.Errorf("DetectFormat(%q, %q) = %s, want %s", tc.name, tc.head, got, tc.want)
		}
	}
}

func book(holder ill.AgencyID, id, title, author string, isbns ...string) Record {
	h := marc.Holding{ID: id, Title: title, Author: author, ISBNs: isbns, Format: marc.FormatBook}
	return Record{Holder: holder, Holding: h, Counts: ItemCounts{Items: 1, Lendable: 1, Available: 1}}
}

func TestScore(t *testing.T) {
	t.Parallel()
	silent := book("US-A", "1", "Silent spring", "Carson, Rachel", "9780618249060")
	journal := Record{Holder: "US-B", Holding: marc.Holding{ID: "2", Title: "Journal of interlibrary loan, document delivery & electronic reserve",
		ISSNs: []string{"1072-303X"}, OtherISSNs: []string{"1540-3572"}, Format: marc.FormatSerial}}
	tests := []struct {
		name    string
		c       ill.Citation
		r       Record
		min     float64
		max     float64
		wantBy  By
		comment string
	}{
		{"isbn-10 matches isbn-13", ill.Citation{Title: "Anything", ISBN: "0-618-24906-0"}, silent, 1, 1, ByISBN, ""},
		{"isbn in messy text", ill.Citation{ISBN: "ISBN 0618249060 (pbk.)"}, silent, 1, 1, ByISBN, ""},
		{"same title and author", ill.Citation{Title: "Silent Spring", Author: "Rachel Carson"}, silent, 0.99, 1, ByTitle, ""},
		{"subtitle differs", ill.Citation{Title: "Silent spring : 40th anniversary edition", Author: "Carson, R."}, silent, 0.9, 1, ByTitle, ""},
		{"other author", ill.Citation{Title: "Silent spring", Author: "Smith, John"}, silent, 0.75, 0.85, ByTitle, ""},
		{"other title", ill.Citation{Title: "The sea around us", Author: "Carson, Rachel"}, silent, 0, 0.5, ByTitle, ""},
		{"article by journal eissn", ill.Citation{ArticleTitle: "Turnaround", JournalTitle: "JILL", EISSN: "1540-3572"}, journal, 1, 1, ByISSN, ""},
		{"article by journal title, author ignored", ill.Citation{ArticleTitle: "Turnaround", JournalTitle: "Journal of Interlibrary Loan, Document Delivery & Electronic Reserve", Author: "Raman, P."}, journal, 0.99, 1, ByTitle, ""},
	}
	for _, tc := range tests {
		got, by := Score(tc.c, &tc.r)
		if got < tc.min || got > tc.max || by != tc.wantBy {
			t.Errorf("%s: score %.3f by %s, want %.2f..%.2f by %s", tc.name, got, by, tc.min, tc.max, tc.wantBy)
		}
	}
}

func TestRank(t *testing.T) {
	t.Parallel()
	c := ill.Citation{Title: "Silent spring", Author: "Carson, Rachel", ISBN: "9780618249060"}
	noCopy := book("US-C", "c1", "Silent spring", "Carson, Rachel")
	noCopy.Counts = ItemCounts{Items: 2}
	recs := []Record{
		book("US-B", "b1", "Silent spring", "Carson, Rachel"),
		book("US-A", "a1", "Silent spring", "Carson, Rachel", "9780618249060"),
		book("US-A", "a2", "Silent spring : a classic", "Carson, Rachel"),
		book("US-A", "a1", "Silent spring", "Carson, Rachel", "9780618249060"), // the same record found twice
		book("US-D", "d1", "The sea around us", "Carson, Rachel"),
		noCopy,
	}
	hs := Rank(c, "catalog", recs)
	var got []string
	for _, h := range hs {
		var ms []string
		for _, m := range h.Matches {
			ms = append(ms, m.Record.ID)
		}
		got = append(got, string(h.Agency)+":"+strings.Join(ms, ","))
	}
	want := []string{"US-A:a1,a2", "US-B:b1", "US-C:c1"}
	if !slices.Equal(got, want) {
		t.Errorf("Rank = %v, want %v", got, want)
	}
	if hs[2].Lendable() || !hs[0].Lendable() {
		t.Errorf("lendable: %v %v", hs[0].Lendable(), hs[2].Lendable())
	}

	// Serial coverage decides between holders of the same journal.
	cov := func(h string) marc.Coverage {
		return marc.Coverage{Statements: []string{h}, Ranges: marc.ParseCoverage(h)}
	}
	old := Record{Holder: "US-OLD", Holding: marc.Holding{ID: "o", Title: "Nature", ISSNs: []string{"0028-0836"}, Coverage: cov("v.1(1869)-v.300(1982)")}}
	now := Record{Holder: "US-NOW", Holding: marc.Holding{ID: "n", Title: "Nature", ISSNs: []string{"0028-0836"}, Coverage: cov("v.400(1999)-")}}
	art := ill.Citation{ArticleTitle: "Molecular structure", JournalTitle: "Nature", ISSN: "0028-0836", Volume: "171", PubDate: "1953-04-25"}
	hs = Rank(art, "catalog", []Record{now, old})
	if len(hs) != 2 || hs[0].Agency != "US-OLD" || hs[0].Matches[0].Coverage != marc.MatchYes || hs[1].Matches[0].Coverage != marc.MatchNo || !hs[0].Lendable() || hs[1].Lendable() {
		t.Errorf("coverage ranking: %+v", hs)
	}
}

func TestCitationYearAndVolume(t *testing.T) {
	t.Parallel()
	tests := []struct {
		date, vol string
		y, v      int
	}{{"2019-05", "12", 2019, 12}, {"Spring 1953", "vol. 171", 1953, 171}, {"", "", 0, 0}, {"c1999", "IV", 1999, 0}}
	for _, tc := range tests {
		c := ill.Citation{PubDate: tc.date, Volume: tc.vol}
		if y, v := CitationYear(c), CitationVolume(c); y != tc.y || v != tc.v {
			t.Errorf("%q %q: %d %d, want %d %d", tc.date, tc.vol, y, v, tc.y, tc.v)
		}
	}
}

func example(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "standards", "sru", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sruServer answers like a real SRU target: records for an ISBN search,
// diagnostic 16 for an LCCN, nothing for titles, and it can be slow.
func sruServer(t *testing.T) (*httptest.Server, *[]string) {
	t.Helper()
	ok12 := example(t, "sru12-searchRetrieveResponse-marcxml.xml")
	ok20 := example(t, "sru20-searchRetrieveResponse-marcxml.xml")
	diag := example(t, "sru12-searchRetrieveResponse-diagnostic.xml")
	empty := []byte(`<zs:searchRetrieveResponse xmlns:zs="http://www.loc.gov/zing/srw/"><zs:version>1.2</zs:version><zs:numberOfRecords>0</zs:numberOfRecords></zs:searchRetrieveResponse>`)
	var mu sync.Mutex
	var queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query().Get("query")
		mu.Lock()
		queries = append(queries, q)
		mu.Unlock()
		switch {
		case strings.HasPrefix(r.URL.Path, "/slow"):
			<-r.Context().Done()
		case strings.HasPrefix(r.URL.Path, "/html"):
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><title>Proxy error</title></html>"))
		case strings.Contains(q, "lccn"):
			w.Write(diag)
		case strings.Contains(q, "issn"):
			w.Write(ok20) // the journal
		case strings.Contains(q, "isbn"):
			w.Write(ok12)
		default:
			w.Write(empty)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &queries
}

func sruFor(t *testing.T, srv *httptest.Server, id, path, version string, timeout int) *SRU {
	t.Helper()
	e := directory.Entry{ID: ill.AgencyID(id), SRU: &directory.SRUTarget{BaseURL: srv.URL + path, Version: version, TimeoutSeconds: timeout}}
	s, ok := NewSRU(&e, srv.Client())
	if !ok {
		t.Fatal("no SRU source")
	}
	return s
}

func TestSRUSource(t *testing.T) {
	t.Parallel()
	srv, queries := sruServer(t)
	ctx := context.Background()
	tests := []struct {
		version string
		c       ill.Citation
		by      By
		title   string
	}{
		{"1.2", ill.Citation{Title: "Silent spring", LCCN: "2002023456", ISBN: "0618249060"}, ByISBN, "Silent spring"},
		{"2.0", ill.Citation{ArticleTitle: "Turnaround", JournalTitle: "JILL", LCCN: "2002023456", ISSN: "1072-303X", PubDate: "2015"}, ByISSN,
			"Journal of interlibrary loan, document delivery & electronic reserve"},
	}
	for _, tc := range tests {
		s := sruFor(t, srv, "US-SRU", "/sru", tc.version, 5)
		// The LCCN index is not supported (diagnostic 16): the next
		// identifier still finds the record.
		hs, err := s.Holders(ctx, tc.c)
		if err != nil {
			t.Fatalf("SRU %s: %v", tc.version, err)
		}
		if len(hs) != 1 || hs[0].Agency != "US-SRU" || hs[0].Source != "sru:US-SRU" {
			t.Fatalf("SRU %s holdings: %+v", tc.version, hs)
		}
		m, _ := hs[0].Best()
		if m.By != tc.by || m.Record.Title != tc.title || m.Record.Source != FormatSRU || m.Record.Holder != "US-SRU" {
			t.Errorf("SRU %s match: %+v", tc.version, m)
		}
	}
	if got := strings.Join(*queries, " | "); !strings.Contains(got, "bath.lccn") || !strings.Contains(got, "bath.isbn") {
		t.Errorf("queries sent: %s", got)
	}
	// No record anywhere: no holdings and no error.
	hs, err := sruFor(t, srv, "US-SRU", "/sru", "1.2", 5).Holders(ctx, ill.Citation{Title: "Unheld book", Author: "Nobody, A."})
	if err != nil || len(hs) != 0 {
		t.Errorf("unheld: %v %v", hs, err)
	}
	if last := (*queries)[len(*queries)-1]; !strings.Contains(last, "dc.title") || !strings.Contains(last, "dc.creator") {
		t.Errorf("title query: %s", last)
	}
}

func TestUnionReportsFailingPartners(t *testing.T) {
	t.Parallel()
	srv, _ := sruServer(t)
	u := Union{Sources: []Source{
		sruFor(t, srv, "US-OK", "/sru", "1.2", 5),
		sruFor(t, srv, "US-SLOW", "/slow", "1.2", 1),
		sruFor(t, srv, "US-HTML", "/html", "1.2", 5),
		sruFor(t, srv, "US-DIAG", "/sru", "1.2", 5),
	}}
	start := time.Now()
	hs, err := u.Holders(context.Background(), ill.Citation{ISBN: "9780618249060", LCCN: "2002023456", Title: "Silent spring"})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the union waited %s: sources must run at once", d)
	}
	got := map[ill.AgencyID]Holding{}
	for _, h := range hs {
		got[h.Agency] = h
	}
	if _, ok := got["US-OK"].Best(); !ok {
		t.Errorf("US-OK: %+v", got["US-OK"])
	}
	if h := got["US-SLOW"]; h.Err == nil || !strings.Contains(h.Err.Error(), "did not answer in time") {
		t.Errorf("US-SLOW: %+v", h)
	}
	if h := got["US-HTML"]; h.Err == nil || !strings.Contains(h.Err.Error(), "not an SRU response") {
		t.Errorf("US-HTML: %+v", h)
	}
	if hs[0].Agency == "US-SLOW" || hs[0].Agency == "US-HTML" {
		t.Errorf("failures first: %v", hs)
	}
}

func TestTitleQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		c    ill.Citation
		want Query
		ok   bool
	}{
		{ill.Citation{Title: "Silent spring", Author: "Carson, Rachel"}, Query{Title: "silent spring", Author: "carson"}, true},
		{ill.Citation{Title: "The history of the modern science of libraries : a survey", Author: "Rachel Carson"}, Query{Title: "history science libraries", Author: "carson"}, true},
		{ill.Citation{Title: "The", Author: "X"}, Query{Title: "the", Author: "x"}, true},
		{ill.Citation{ArticleTitle: "An article", JournalTitle: "Nature", Author: "Watson, J. D."}, Query{Title: "nature"}, true},
		{ill.Citation{Author: "Nobody"}, Query{}, false},
	}
	for _, tc := range tests {
		got, ok := TitleQuery(tc.c)
		if ok != tc.ok || got.Title != tc.want.Title || got.Author != tc.want.Author {
			t.Errorf("TitleQuery(%q / %q) = %+v %v, want %+v %v", tc.c.Title, tc.c.Author, got, ok, tc.want, tc.ok)
		}
	}
}
