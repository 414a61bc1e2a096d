package marc

import "strings"

// coverageOf reads the serial holdings of a record: 866 $a textual
// statements, and 853 caption / 863 enumeration-and-chronology pairs.
func coverageOf(r *Record) Coverage {
	var c Coverage
	for _, f := range r.FieldsByTag("866") {
		for _, v := range f.SubfieldValues('a') {
			if v = strings.TrimSpace(v); v != "" {
				c.Statements = append(c.Statements, v)
				c.Ranges = append(c.Ranges, ParseCoverage(v)...)
			}
		}
	}
	captions := map[string]*Field{}
	for _, f := range r.FieldsByTag("853") {
		captions[linkNumber(f.Subfield('8'))] = f
	}
	for _, f := range r.FieldsByTag("863") {
		cap := captions[linkNumber(f.Subfield('8'))]
		if cap == nil {
			continue
		}
		if rg, text, ok := pairRange(cap, f); ok {
			c.Ranges = append(c.Ranges, rg)
			c.Statements = append(c.Statements, text)
		}
	}
	return c
}

// linkNumber is the field link part of $8 ("1.3" -> "1").
func linkNumber(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return s[:i]
	}
	return s
}

// pairRange turns one 863 into a range, using its 853 for the meaning of
// each subfield: the first enumeration level ($a, usually captioned "v.")
// is the volume, a chronology level captioned "(year)" the year. Values
// may be ranges ("1-16", "1990-2005") or open ("20-").
func pairRange(cap, f *Field) (Range, string, bool) {
	var r Range
	var parts []string
	for _, sf := range f.Subfields {
		if sf.Code == '8' || strings.TrimSpace(sf.Value) == "" {
			continue
		}
		caption := strings.ToLower(cap.Subfield(sf.Code))
		start, end, open, ok := splitValue(sf.Value)
		if !ok {
			continue
		}
		parts = append(parts, cap.Subfield(sf.Code)+sf.Value)
		isYear := strings.Contains(caption, "year") || strings.Contains(caption, "yr") || strings.Contains(caption, "jahr") || strings.Contains(caption, "année")
		switch {
		case isYear && sf.Code >= 'a' && sf.Code <= 'm':
			if r.StartYear == 0 {
				r.StartYear, r.EndYear = start, end
				r.Open = r.Open || open
			}
		case sf.Code == 'a':
			r.StartVolume, r.EndVolume = start, end
			r.Open = r.Open || open
		}
	}
	if r.StartYear == 0 && r.StartVolume == 0 {
		return Range{}, "", false
	}
	return r, strings.Join(parts, " "), true
}

// splitValue reads "1-16", "20-" or "5" (the start of a range only, or a
// single value).
func splitValue(v string) (start, end int, open, ok bool) {
	v = strings.TrimSpace(v)
	a, b, dash := strings.Cut(v, "-")
	start = firstNumber(a)
	if start == 0 {
		return 0, 0, false, false
	}
	if !dash {
		return start, start, false, true
	}
	if strings.TrimSpace(b) == "" {
		return start, 0, true, true
	}
	return start, firstNumber(b), false, true
}
