package stats_test

import (
	"io"
	"strconv"
	"testing"
	"time"

	"interlend/internal/ill"
	"interlend/internal/stats"
	"interlend/internal/stats/statsfixture"
)

// journeys copies the fixture's journeys into n, spread over a year.
func journeys(n int) []stats.Journey {
	base := statsfixture.Journeys()
	out := make([]stats.Journey, n)
	for i := range out {
		j := base[i%len(base)]
		shift := time.Duration(i%365) * 24 * time.Hour
		for _, t := range []*time.Time{&j.Submitted, &j.FirstSent, &j.Answered, &j.Shipped, &j.Received, &j.Available, &j.PickedUp,
			&j.Delivered, &j.ReturnShipped, &j.CheckedIn, &j.Closed, &j.Overdue, &j.Lost} {
			if !t.IsZero() {
				*t = t.Add(shift)
			}
		}
		j.HasBusiness = true
		out[i] = j
	}
	return out
}

// Measuring a year of 100,000 requests (the facts already read).
func BenchmarkMeasure100k(b *testing.B) {
	js := journeys(100000)
	p := stats.Period{From: statsfixture.March.From, To: statsfixture.March.From.AddDate(1, 0, 0)}
	b.ReportAllocs()
	for b.Loop() {
		m := stats.Measure(js, p, nil)
		if m.Borrowing.Received == 0 {
			b.Fatal("nothing measured")
		}
	}
}

// Writing CSV rows: the bytes allocated per row stay the same however
// many rows are written (the writer holds one buffer).
func BenchmarkCSVRow(b *testing.B) {
	w := stats.NewCSV(io.Discard, nil)
	row := make([]string, 52)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		for k := range row {
			row[k] = strconv.Itoa(i + k)
		}
		row[3] = "=HYPERLINK(\"x\")"
		if err := w.Write(row...); err != nil {
			b.Fatal(err)
		}
		i++
	}
	_ = w.Flush()
	_ = ill.Loan
}
