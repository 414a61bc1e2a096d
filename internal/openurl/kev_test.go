package openurl

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitKEV(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		limit   int
		want    []rawPair
		dropped int
	}{
		{"a=1&b=2", 10, []rawPair{{"a", "1"}, {"b", "2"}}, 0},
		{"a=1;b=2&c", 10, []rawPair{{"a", "1;b=2"}, {"c", ""}}, 0},
		{"a=1&amp;b=2&AMP;c=3&amp;amp;d=4&#38;e=5&#X26;f=6", 10,
			[]rawPair{{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}, {"e", "5"}, {"f", "6"}}, 0},
		{"&&a==x=&  \n&b=2\r\n", 10, []rawPair{{"a", "=x="}, {"b", "2"}}, 0},
		{"a=1&b=2&c=3&d=4", 2, []rawPair{{"a", "1"}, {"b", "2"}}, 2},
		{"", 10, nil, 0},
	}
	for _, tc := range tests {
		got, dropped := splitKEV(tc.in, tc.limit)
		if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(rawPair{})); diff != "" || dropped != tc.dropped {
			t.Errorf("splitKEV(%q, %d): dropped %d, want %d; pairs (-want +got):\n%s", tc.in, tc.limit, dropped, tc.dropped, diff)
		}
	}
}

func TestUnescape(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"plain", "plain", true},
		{"a+b%20c", "a b c", true},
		{"%41%6a%2B", "Aj+", true},
		{"100%", "100%", false},
		{"%zz%4", "%zz%4", false},
		{"%E9", "\xe9", true},
	}
	for _, tc := range tests {
		got, ok := unescape(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("unescape(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestToText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		cs       charset
		want     string
		repaired bool
	}{
		{"caf\xc3\xa9", charsetUTF8, "café", false},
		{"caf\xe9", charsetUTF8, "café", true},
		{"\x93quoted\x94 caf\xc3\xa9", charsetUTF8, "“quoted” café", true},
		{"caf\xe9 \x80", charsetLatin1, "café €", false},
		{"caf\xc3\xa9", charsetLatin1, "cafÃ©", false},
		{"\xef\xbf\xbd", charsetUTF8, "\uFFFD", false},
	}
	for _, tc := range tests {
		got, repaired := toText(tc.in, tc.cs)
		if got != tc.want || repaired != tc.repaired {
			t.Errorf("toText(%q, %d) = %q, %v; want %q, %v", tc.in, tc.cs, got, repaired, tc.want, tc.repaired)
		}
	}
}

func TestClean(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"  a \t\n b  ", "a b"},
		{"a\x00b\x1bc\u0085d", "a b c d"},
		{"\uFEFFtitle", "title"},
		{"é  è", "é è"},
	}
	for _, tc := range tests {
		if got := clean(tc.in); got != tc.want {
			t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abc", 2, "ab"},
		{"aé", 2, "a"},
		{"日本", 4, "日"},
	}
	for _, tc := range tests {
		if got := truncate(tc.in, tc.n); got != tc.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestNormDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"2019", "2019", true},
		{"2019-05", "2019-05", true},
		{"2019-05-31", "2019-05-31", true},
		{"2019-02-30", "", false},
		{"2019-13", "", false},
		{"20190301", "2019-03-01", true},
		{"20190300", "2019-03", true},
		{"20190000", "2019", true},
		{"201903", "2019-03", true},
		{"2019-03-01T00:00:00Z", "2019-03-01", true},
		{"May 2019", "", false},
		{"19", "", false},
	}
	for _, tc := range tests {
		got, ok := normDate(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("normDate(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
