package sru

import (
	"errors"
	"testing"
)

func TestQuoteTerm(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"9780618249060", `"9780618249060"`},
		{"silent spring", `"silent spring"`},
		{`say "hi"`, `"say \"hi\""`},
		{`back\slash`, `"back\\slash"`},
		{"wild*card? ^anchor", `"wild\*card\? \^anchor"`},
		{"tab\tnewline\n", `"tab newline "`},
		{"Café & co = (x)", `"Café & co = (x)"`},
		{"", `""`},
	}
	for _, tt := range tests {
		if got := QuoteTerm(tt.in); got != tt.want {
			t.Errorf("QuoteTerm(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestQueryCQL(t *testing.T) {
	t.Parallel()
	alma := map[string]string{IndexISBN: "alma.isbn", IndexOCLC: "alma.other_system_number"}
	tests := []struct {
		name    string
		q       Query
		indexes map[string]string
		want    string
	}{
		{"isbn", Query{ISBN: "9780618249060"}, nil, `bath.isbn = "9780618249060"`},
		{"issn", Query{ISSN: "1072-303X"}, nil, `bath.issn = "1072-303X"`},
		{"lccn", Query{LCCN: "2002023456"}, nil, `bath.lccn = "2002023456"`},
		{"id", Query{ID: "1234567"}, nil, `rec.id = "1234567"`},
		{"title and author", Query{Title: `Silent "spring"`, Author: "Carson, Rachel"}, nil, `dc.title all "Silent \"spring\"" and dc.creator all "Carson, Rachel"`},
		{"target index map, fallback for the rest", Query{ISBN: "9780618249060", OCLC: "(OCoLC)49593382", Title: "x"}, alma,
			`alma.isbn = "9780618249060" and alma.other_system_number = "(OCoLC)49593382" and dc.title all "x"`},
		{"raw CQL wins", Query{CQL: "cql.allRecords=1", ISBN: "1"}, nil, "cql.allRecords=1"},
		{"blank terms ignored", Query{ISBN: "  ", ISSN: "1072-303X"}, nil, `bath.issn = "1072-303X"`},
	}
	for _, tt := range tests {
		got, err := tt.q.CQLString(tt.indexes)
		if err != nil || got != tt.want {
			t.Errorf("%s: CQLString = %s, %v; want %s", tt.name, got, err, tt.want)
		}
	}
	if _, err := (Query{Title: " "}).CQLString(nil); !errors.Is(err, ErrEmptyQuery) {
		t.Errorf("empty query error = %v, want ErrEmptyQuery", err)
	}
}
