package iso18626

import (
	"runtime"
	"strings"
	"testing"
)

// allocated runs f and returns the bytes allocated meanwhile. The tests that
// use it are not parallel, so nothing else allocates at the same time.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

const tenMB = 10 << 20

// TestHostileInputRejected: DTD-based attacks are refused at the DOCTYPE,
// before any entity could be expanded or fetched.
func TestHostileInputRejected(t *testing.T) {
	laughs := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">` +
		`<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">`
	for i := 2; i <= 9; i++ {
		laughs += `<!ENTITY lol` + string(rune('0'+i)) + ` "` + strings.Repeat("&lol"+string(rune('0'+i-1))+";", 10) + `">`
	}
	laughs += `]>` + strings.Replace(string(wrap("1.2", ram("&lol9;"))), `<?xml version="1.0" encoding="UTF-8"?>`, "", 1)
	tests := []struct{ name, in string }{
		{"billion laughs", laughs},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
			`<ISO18626Message xmlns="` + Namespace + `" xmlns:ill="` + Namespace + `" ill:version="1.2">` + ram("&xxe;") + `</ISO18626Message>`},
		{"parameter entity", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd"> %p;]><x/>`},
		{"entity without DTD", string(wrap("1.2", ram("&xxe;")))},
		{"doctype after root", string(wrap("1.2", ram("Received"))) + `<!DOCTYPE x>`},
	}
	for _, tt := range tests {
		var err error
		in := []byte(tt.in)
		n := allocated(func() { _, err = Parse(in) })
		pe := parseError(t, err)
		if pe.ErrorType != ErrBadlyFormedMessage {
			t.Errorf("%s: got %v, want BadlyFormedMessage", tt.name, err)
		}
		if strings.Contains(err.Error(), "root:") {
			t.Errorf("%s: error leaks file content: %v", tt.name, err)
		}
		if n > 1<<20 {
			t.Errorf("%s: %d bytes allocated, want < 1 MiB", tt.name, n)
		}
	}
}

// TestLargeInputBounded: 10 MB inputs of several shapes parse or fail
// without allocating more than a small multiple of their size.
func TestLargeInputBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	note := func(s string) string {
		return strings.Replace(ram("Notification"), "</action>", "</action><note>"+s+"</note>", 1)
	}
	tests := []struct {
		name    string
		in      string
		wantErr ErrorType // "" for success
	}{
		{"10 MB note", string(wrap("1.2", note(strings.Repeat("x", tenMB)))), ""},
		{"10 MB of entities in a note", string(wrap("1.2", note(strings.Repeat("&amp;", tenMB/5)))), ""},
		{"10 MB scheme attribute", string(wrap("1.2", strings.Replace(ram("Received"), "<agencyIdType>",
			`<agencyIdType ill:scheme="`+strings.Repeat("s", tenMB)+`">`, 1))), ""},
		{"10 MB unknown attribute", string(wrap("1.2", strings.Replace(ram("Received"), "<action>",
			`<action foo="`+strings.Repeat("s", tenMB)+`">`, 1))), ""},
		{"many attributes", string(wrap("1.2", strings.Replace(ram("Received"), "<action>",
			`<action `+strings.Repeat(`a="" `, tenMB/16)+`>`, 1))), ErrBadlyFormedMessage},
		{"deep nesting in text", string(wrap("1.2", note(strings.Repeat("<a>", tenMB/3)))), ErrUnrecognisedDataElement},
		{"deep nesting in message", string(wrap("1.2", strings.Repeat("<request>", tenMB/9))), ErrUnrecognisedDataElement},
		{"many item ids", string(wrap("2021-2", strings.Replace(samWith("StatusChange", "Loaned",
			"<deliveryInfo><dateSent>2025-03-05T16:40:00Z</dateSent>"+strings.Repeat("<itemId>1</itemId>", tenMB/18)+"</deliveryInfo>"),
			"<multipleItemRequestId/>", "", 1))), ""},
		{"10 MB of garbage", strings.Repeat("\x00garbage", tenMB/8), ErrBadlyFormedMessage},
	}
	for _, tt := range tests {
		var err error
		var warns []Warning
		in := []byte(tt.in)
		n := allocated(func() { _, warns, err = ParseWith(in, ParseOptions{}) })
		ratio := float64(n) / float64(len(tt.in))
		t.Logf("%s: %.1f MB in, %.1f MB allocated (%.1fx)", tt.name, float64(len(tt.in))/(1<<20), float64(n)/(1<<20), ratio)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr != "" && err == nil:
			t.Errorf("%s: parsed, want %s", tt.name, tt.wantErr)
		case tt.wantErr != "" && parseError(t, err).ErrorType != tt.wantErr:
			t.Errorf("%s: %v, want %s", tt.name, err, tt.wantErr)
		}
		if ratio > 30 {
			t.Errorf("%s: allocated %.1fx the input, want at most 30x", tt.name, ratio)
		}
		if len(warns) > maxWarnings+1 {
			t.Errorf("%s: %d warnings, want at most %d", tt.name, len(warns), maxWarnings+1)
		}
		for _, w := range warns {
			if len(w.Value) > maxValueQuote+3 {
				t.Errorf("%s: warning value of %d bytes", tt.name, len(w.Value))
			}
		}
	}
}

func TestTooManyAttributes(t *testing.T) {
	t.Parallel()
	attrs := func(n int) string { return strings.Repeat(`a="=" `, n) }
	tests := []struct {
		in   string
		want bool
	}{
		{`<a ` + attrs(maxAttributes) + `>`, false},
		{`<a ` + attrs(maxAttributes+1) + `>`, true},
		{`<a ` + attrs(maxAttributes+1), true}, // unterminated tag still counts
		{`<a b='` + strings.Repeat("=", 1000) + `'>`, false},
		{`<!-- ` + strings.Repeat("=", 1000) + ` -->`, false},
		{`<?pi ` + strings.Repeat("=", 1000) + `?><a/>`, false},
		{`<a>` + strings.Repeat("=", 1000) + `</a>`, false},
		{`<a b="x> ` + strings.Repeat("c=d ", maxAttributes+1) + `">`, false},
		{`<`, false},
	}
	for _, tt := range tests {
		if got := tooManyAttributes([]byte(tt.in)); got != tt.want {
			t.Errorf("tooManyAttributes(%.40q...) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
