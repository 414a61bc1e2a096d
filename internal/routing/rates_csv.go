package routing

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"interlend/internal/calendar"
)

// ReadRatesCSV reads a rates CSV: a header naming from, to, rate and on
// (source optional), in any order. Every line is checked before any rate
// is returned; the errors name their lines. `interlend rates import` and
// the exchange rates page both read files with it.
func ReadRatesCSV(in io.Reader) ([]Rate, error) {
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("rates: no header line (from,to,rate,on): %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	var missing []string
	for _, need := range []string{"from", "to", "rate", "on"} {
		if _, ok := col[need]; !ok {
			missing = append(missing, need)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("rates: the header lacks the column(s) %s (want from,to,rate,on[,source])", strings.Join(missing, ", "))
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var out []Rate
	var errs []error
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("line %d: %w", line, err))
			continue
		}
		d, err := calendar.ParseDate(get(rec, "on"))
		if err != nil {
			errs = append(errs, fmt.Errorf("line %d: date %q: want YYYY-MM-DD", line, get(rec, "on")))
			continue
		}
		r := Rate{From: get(rec, "from"), To: get(rec, "to"), Value: get(rec, "rate"), On: d, Source: get(rec, "source")}
		if err := r.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("line %d: %w", line, err))
			continue
		}
		out = append(out, r)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("rates: nothing stored:\n%w", errors.Join(errs...))
	}
	return out, nil
}
