package copyright

import (
	"context"
	"testing"
	"time"
)

func TestParsePubDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   PubDate
		wantOK bool
	}{
		{"2019", PubDate{Year: 2019}, true},
		{"2019-05", PubDate{Year: 2019, Month: 5}, true},
		{"2019-05-03", PubDate{Year: 2019, Month: 5, Day: 3}, true},
		{"2019/05/03", PubDate{Year: 2019, Month: 5, Day: 3}, true},
		{"May 2019", PubDate{Year: 2019, Month: 5}, true},
		{"3 September 2019", PubDate{Year: 2019, Month: 9, Day: 3}, true},
		{"Spring 2019", PubDate{Year: 2019}, true},
		{"2019/2020", PubDate{Year: 2020}, true},
		{"Winter 2019-2020", PubDate{Year: 2020}, true},
		{"2019-02-30", PubDate{Year: 2019}, true}, // not a day; the year stands
		{"n.d.", PubDate{}, false},
		{"", PubDate{}, false},
	}
	for _, tc := range tests {
		got, ok := ParsePubDate(tc.in)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("ParsePubDate(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestPubDateBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p              PubDate
		earliest, last string
	}{
		{PubDate{Year: 2024}, "2024-01-01", "2024-12-31"},
		{PubDate{Year: 2024, Month: 2}, "2024-02-01", "2024-02-29"},
		{PubDate{Year: 2023, Month: 2}, "2023-02-01", "2023-02-28"},
		{PubDate{Year: 2024, Month: 7, Day: 9}, "2024-07-09", "2024-07-09"},
	}
	for _, tc := range tests {
		if got := tc.p.Earliest().Format(time.DateOnly); got != tc.earliest {
			t.Errorf("%v.Earliest() = %s, want %s", tc.p, got, tc.earliest)
		}
		if got := tc.p.Latest().Format(time.DateOnly); got != tc.last {
			t.Errorf("%v.Latest() = %s, want %s", tc.p, got, tc.last)
		}
	}
}

// TestWindowEdges checks publication exactly at the window edge in both modes.
func TestWindowEdges(t *testing.T) {
	t.Parallel()
	req := day(2025, 3, 4)
	tests := []struct {
		mode   WindowMode
		pub    PubDate
		wantIn bool
	}{
		{WindowCalendar, PubDate{Year: 2021}, true},
		{WindowCalendar, PubDate{Year: 2020}, false},
		{WindowCalendar, PubDate{Year: 2020, Month: 12, Day: 31}, false},
		{WindowCalendar, PubDate{Year: 2026}, true}, // forthcoming
		{WindowRolling, PubDate{Year: 2020}, true},  // year only: read as 31 Dec 2020
		{WindowRolling, PubDate{Year: 2019}, false},
		{WindowRolling, PubDate{Year: 2020, Month: 3, Day: 4}, true}, // exactly N years before
		{WindowRolling, PubDate{Year: 2020, Month: 3, Day: 3}, false},
		{WindowRolling, PubDate{Year: 2020, Month: 3}, true}, // read as 31 Mar 2020
		{WindowRolling, PubDate{Year: 2020, Month: 2}, false},
	}
	for _, tc := range tests {
		r := DefaultRules(RegimeUS)
		r.WindowMode = tc.mode
		in, known := r.InWindow(tc.pub, req)
		if in != tc.wantIn || !known {
			t.Errorf("%s: InWindow(%v, 2025-03-04) = %v, %v; want %v, true", tc.mode, tc.pub, in, known, tc.wantIn)
		}
		// The same edge seen through Assess: in the window means CCG.
		d, err := Assess(context.Background(), r, Request{Service: ServiceCopy, PubType: PubArticle, ISSN: "1072-303X",
			PubDate: tc.pub, RequestDate: req}, &MemoryCounter{}, req)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]Compliance{true: CodeUSCCG, false: CodeUSCCL}[tc.wantIn]; d.Compliance != want || d.Counts != tc.wantIn {
			t.Errorf("%s, pub %v: Assess gave %s, counts %v; want %s, %v", tc.mode, tc.pub, d.Compliance, d.Counts, want, tc.wantIn)
		}
	}
	r := DefaultRules(RegimeUS)
	if in, known := r.InWindow(PubDate{}, req); !in || known {
		t.Errorf("InWindow(unknown) = %v, %v; want true, false (conservative)", in, known)
	}
}

// TestYearBoundary: the counting year is the request date's year in the
// library's own zone, so 31 December and 1 January fall in different years.
func TestYearBoundary(t *testing.T) {
	t.Parallel()
	ny := time.FixedZone("EST", -5*3600)
	r := DefaultRules(RegimeUS)
	c := &MemoryCounter{Entries: ccg(keyT, 2025, 5)}
	tests := []struct {
		name     string
		at       time.Time
		wantYear int
		wantHold bool
	}{
		{"31 December, last minute", time.Date(2025, 12, 31, 23, 59, 0, 0, ny), 2025, true},
		{"1 January, first minute", time.Date(2026, 1, 1, 0, 0, 0, 0, ny), 2026, false},
		// 23:30 on 31 Dec in New York is already 2026 in UTC; the zone given wins.
		{"31 December evening, library zone", time.Date(2025, 12, 31, 23, 30, 0, 0, ny), 2025, true},
		{"the same instant in UTC", time.Date(2025, 12, 31, 23, 30, 0, 0, ny).UTC(), 2026, false},
	}
	for _, tc := range tests {
		d, err := Assess(context.Background(), r, article(tc.at, 2024), c, tc.at)
		if err != nil {
			t.Fatal(err)
		}
		if d.Year != tc.wantYear || d.Hold != tc.wantHold {
			t.Errorf("%s: year %d, hold %v; want %d, %v", tc.name, d.Year, d.Hold, tc.wantYear, tc.wantHold)
		}
	}
}
