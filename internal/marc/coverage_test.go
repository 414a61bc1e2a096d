package marc

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseCoverage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []Range
	}{
		{"v.1(1990)-v.16(2005)", []Range{{StartYear: 1990, EndYear: 2005, StartVolume: 1, EndVolume: 16}}},
		{"1990-2005", []Range{{StartYear: 1990, EndYear: 2005}}},
		{"v.10-", []Range{{StartVolume: 10, Open: true}}},
		{"1995-", []Range{{StartYear: 1995, Open: true}}},
		{"v.20 (2010)-", []Range{{StartYear: 2010, StartVolume: 20, Open: true}}},
		{"v.1:no.1(1990:Jan.)-v.16:no.4(2005:Dec.)", []Range{{StartYear: 1990, EndYear: 2005, StartVolume: 1, EndVolume: 16}}},
		{"Bd. 3 (1958) - Bd. 9 (1964)", []Range{{StartYear: 1958, EndYear: 1964, StartVolume: 3, EndVolume: 9}}},
		{"v.1(1990)-16(2005)", []Range{{StartYear: 1990, EndYear: 2005, StartVolume: 1, EndVolume: 16}}},
		{"1995 to date", []Range{{StartYear: 1995, Open: true}}},
		{"1995-present", []Range{{StartYear: 1995, Open: true}}},
		{"1990/91-2004/2005", []Range{{StartYear: 1990, EndYear: 2005}}},
		{"v.1-5, 7-10", []Range{{StartVolume: 1, EndVolume: 5}, {StartVolume: 7, EndVolume: 10}}},
		{"1980-1985; 1990-", []Range{{StartYear: 1980, EndYear: 1985}, {StartYear: 1990, Open: true}}},
		{"v.3 (1992)", []Range{{StartYear: 1992, EndYear: 1992, StartVolume: 3, EndVolume: 3}}},
		{"2001–2010", []Range{{StartYear: 2001, EndYear: 2010}}},
		{"Current issues only", nil},
		{"", nil},
	}
	for _, tt := range tests {
		got := ParseCoverage(tt.in)
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("ParseCoverage(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestCoverageCovers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		holdings     string
		year, volume int
		want         Match
	}{
		{"1990-2005", 2023, 0, MatchNo}, // a 2023 article is not in a 1990-2005 run
		{"1990-2005", 1999, 0, MatchYes},
		{"1990-2005", 1990, 0, MatchYes},
		{"1990-2005", 2005, 0, MatchYes},
		{"1990-2005", 1989, 0, MatchNo},
		{"1995-", 2023, 0, MatchYes}, // open-ended covers the present
		{"1995-", 1994, 0, MatchNo},
		{"v.1(1990)-v.16(2005)", 2003, 14, MatchYes},
		{"v.1(1990)-v.16(2005)", 2023, 34, MatchNo},
		{"v.1(1990)-v.16(2005)", 0, 16, MatchYes},
		{"v.1(1990)-v.16(2005)", 0, 17, MatchNo},
		{"v.1(1990)-v.16(2005)", 2004, 30, MatchNo}, // the two disagree: not held
		{"v.10-", 0, 34, MatchYes},
		{"v.10-", 0, 9, MatchNo},
		{"v.10-", 2023, 0, MatchUnknown}, // volumes cannot answer a year
		{"v.1-5, 7-10", 0, 6, MatchNo},
		{"v.1-5, 7-10", 0, 8, MatchYes},
		{"1980-1985; 1990-", 1987, 0, MatchNo},
		{"1980-1985; 1990-", 2020, 0, MatchYes},
		{"Current issues only", 2023, 0, MatchUnknown},
		{"1990-2005", 0, 0, MatchUnknown},
	}
	for _, tt := range tests {
		c := Coverage{Statements: []string{tt.holdings}, Ranges: ParseCoverage(tt.holdings)}
		if got := c.Match(tt.year, tt.volume); got != tt.want {
			t.Errorf("%q Match(%d, %d) = %v, want %v", tt.holdings, tt.year, tt.volume, got, tt.want)
		}
		if got := c.Covers(tt.year, tt.volume); got != (tt.want == MatchYes) {
			t.Errorf("%q Covers(%d, %d) = %v, want %v", tt.holdings, tt.year, tt.volume, got, tt.want == MatchYes)
		}
	}
}

func TestCoverageFrom853And863(t *testing.T) {
	t.Parallel()
	r := NewRecord()
	r.Leader = "00000cas a2200000 i 4500"
	r.AddField("853", '2', '0', '8', "1", 'a', "v.", 'b', "no.", 'i', "(year)", 'j', "(month)")
	r.AddField("863", '4', '1', '8', "1.1", 'a', "1-16", 'b', "1-4", 'i', "1990-2005")
	r.AddField("863", '4', '1', '8', "1.2", 'a', "20-", 'i', "2010-")
	r.AddField("853", '2', '0', '8', "2", 'a', "(year)")
	r.AddField("863", '4', '1', '8', "2.1", 'a', "1970-1975")
	r.AddField("863", '4', '1', '8', "9.1", 'a', "1-3") // no caption: ignored
	c := ToHolding(r).Coverage
	want := []Range{
		{StartYear: 1990, EndYear: 2005, StartVolume: 1, EndVolume: 16},
		{StartYear: 2010, StartVolume: 20, Open: true},
		{StartYear: 1970, EndYear: 1975},
	}
	if diff := cmp.Diff(want, c.Ranges); diff != "" {
		t.Errorf("ranges mismatch (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		year, vol int
		want      bool
	}{{2023, 0, true}, {2007, 0, false}, {1972, 0, true}, {1980, 0, false}, {0, 12, true}} {
		if got := c.Covers(tt.year, tt.vol); got != tt.want {
			t.Errorf("Covers(%d, %d) = %v, want %v", tt.year, tt.vol, got, tt.want)
		}
	}
	if len(c.Statements) != 3 || c.Statements[0] != "v.1-16 no.1-4 (year)1990-2005" {
		t.Errorf("statements = %q", c.Statements)
	}
}
