package marc

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func readCSV(t *testing.T, data string) ([]*Holding, []*RecordError) {
	t.Helper()
	cr, err := NewCSVReader(strings.NewReader(data))
	if err != nil {
		t.Fatalf("NewCSVReader: %v", err)
	}
	var hs []*Holding
	var errs []*RecordError
	for {
		h, err := cr.Next()
		if err == io.EOF {
			return hs, errs
		}
		var re *RecordError
		if errors.As(err, &re) {
			errs = append(errs, re)
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		hs = append(hs, h)
	}
}

func TestCSVReader(t *testing.T) {
	t.Parallel()
	data := "\ufeffID,ISBN,ISSN,OCLC,LCCN,Title,Author,Edition,Publisher,Year,Call Number,Location,Branch,Barcode,Lendable,Holdings,Status\n" +
		"b1,0618249060 (pbk.),,(OCoLC)49593382,2002023456,Silent spring,\"Carson, Rachel\",40th anniversary ed.,Houghton Mifflin,2002,QH545.P4 C38 2002,Stacks,MAIN,39012004567891,yes,,\n" +
		"b1,,,,,Silent spring,,,,,QH545.P4 C38 2002,Stacks,EAST,39012004567892,yes,,Checked out\n" +
		"j1,,1072-303X,,,Journal of interlibrary loan,,,,1990,Z713,Periodicals,MAIN,,no,v.1(1990)-v.16(2005),\n" +
		"b2,0618249061,,,,Bad ISBN kept,,,,c1999,,,,B2,,,Missing\n"
	hs, errs := readCSV(t, data)
	if len(errs) != 0 {
		t.Fatalf("row errors: %v", errs)
	}
	want := []*Holding{
		{ID: "b1", ISBNs: []string{"9780618249060"}, OCLCNumbers: []string{"49593382"}, LCCN: "2002023456",
			Title: "Silent spring", Author: "Carson, Rachel", Edition: "40th anniversary ed.", Publisher: "Houghton Mifflin",
			Year: 2002, Format: FormatBook, CallNumber: "QH545.P4 C38 2002", Location: "Stacks", Branch: "MAIN",
			Items: []Item{
				{Barcode: "39012004567891", CallNumber: "QH545.P4 C38 2002", Location: "Stacks", Branch: "MAIN", Lendable: true, Tag: "csv"},
				{Barcode: "39012004567892", CallNumber: "QH545.P4 C38 2002", Location: "Stacks", Branch: "EAST", Status: "Checked out", Lendable: true, OnLoan: true, Tag: "csv"},
			}},
		{ID: "j1", ISSNs: []string{"1072-303X"}, Title: "Journal of interlibrary loan", Year: 1990, Format: FormatSerial,
			CallNumber: "Z713", Location: "Periodicals", Branch: "MAIN",
			Coverage: Coverage{Statements: []string{"v.1(1990)-v.16(2005)"}, Ranges: []Range{{StartYear: 1990, EndYear: 2005, StartVolume: 1, EndVolume: 16}}}},
		{ID: "b2", Title: "Bad ISBN kept", Year: 1999, Format: FormatBook,
			Items:    []Item{{Barcode: "B2", Status: "Missing", Tag: "csv"}},
			Problems: []string{`isbn "0618249061" is not a valid ISBN`}},
	}
	if diff := cmp.Diff(want, hs, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("holdings mismatch (-want +got):\n%s", diff)
	}
	if hs[1].Coverage.Covers(2023, 0) {
		t.Error("a 1990-2005 run must not cover 2023")
	}
}

func TestCSVReaderBadRows(t *testing.T) {
	t.Parallel()
	data := "id;title;year;lendable;format\n" + // semicolons, as spreadsheets in Europe write
		"a1;Good one;2001;yes;\n" +
		";No id;2001;yes;\n" + // line 3
		"a3;;2001;yes;\n" + // line 4
		"a4;Bad year;someday;yes;\n" + // line 5
		"a5;Bad lendable;2001;perhaps;\n" + // line 6
		"a6;Too;many;fields;here;x\n" + // line 7
		"a7;Bad format;2001;no;scroll\n" + // line 8
		"a8;\"Unclosed;2001;yes;\n" // line 9, runs to the end
	hs, errs := readCSV(t, data)
	if len(hs) != 1 || hs[0].ID != "a1" || hs[0].Title != "Good one" {
		t.Errorf("holdings = %+v, want only a1", hs)
	}
	var lines []int
	for _, e := range errs {
		lines = append(lines, e.Line)
		if !strings.Contains(e.Error(), "line") {
			t.Errorf("error %q does not give the line", e)
		}
	}
	if diff := cmp.Diff([]int{3, 4, 5, 6, 7, 8, 9}, lines); diff != "" {
		t.Errorf("bad row lines mismatch (-want +got):\n%s", diff)
	}
}

func TestCSVReaderMissingColumns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, data, want string
	}{
		{"no title", "id,isbn\n1,0618249060\n", "title"},
		{"neither", "isbn,author\n", "id, title"},
		{"duplicate", "id,title,id\n", "twice"},
		{"empty", "", "empty"},
	}
	for _, tt := range tests {
		_, err := NewCSVReader(strings.NewReader(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: NewCSVReader error = %v, want one mentioning %q", tt.name, err, tt.want)
		}
	}
	if _, err := NewCSVReader(strings.NewReader("isbn\n")); !errors.Is(err, ErrMissingColumns) {
		t.Errorf("error %v does not wrap ErrMissingColumns", err)
	}
}

func TestCSVReaderTabsAndUnknownColumns(t *testing.T) {
	t.Parallel()
	cr, err := NewCSVReader(strings.NewReader("id\ttitle\tshelfmark\nx1\tTabbed\tA1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"shelfmark"}, cr.Unknown); diff != "" {
		t.Errorf("Unknown mismatch (-want +got):\n%s", diff)
	}
	h, err := cr.Next()
	if err != nil || h.Title != "Tabbed" {
		t.Errorf("Next = %+v, %v", h, err)
	}
}

func TestCSVFormatDocListsColumns(t *testing.T) {
	t.Parallel()
	for _, c := range csvKnownColumns {
		if !strings.Contains(CSVFormatDoc, "| "+c+" |") {
			t.Errorf("CSVFormatDoc does not document column %q", c)
		}
	}
}
