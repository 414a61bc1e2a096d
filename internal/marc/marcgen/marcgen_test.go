package marcgen

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"interlend/internal/bibid"
	"interlend/internal/marc"
)

func TestGenerateDeterministic(t *testing.T) {
	t.Parallel()
	var a, b, c bytes.Buffer
	if _, err := Generate(&a, 300, 42, DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(&b, 300, 42, DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(&c, 300, 43, DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("same seed gave different output")
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("different seeds gave the same output")
	}
}

func TestGenerateMixAndReadBack(t *testing.T) {
	t.Parallel()
	const n = 10000
	var buf bytes.Buffer
	st, err := Generate(&buf, n, 7, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != n || st.Bytes != int64(buf.Len()) {
		t.Fatalf("stats %+v, want %d records and %d bytes", st, n, buf.Len())
	}
	// Proportions within generous bounds of the defaults.
	checks := []struct {
		name     string
		got      int
		min, max int
	}{
		{"serials (10%)", st.Serials, 850, 1150},
		{"non-ASCII (5%)", st.NonASCII, 400, 600},
		{"MARC-8 (1%)", st.MARC8, 60, 145},
		{"broken (0.1%)", st.Broken, 3, 25},
		{"items (1-20 each)", st.Items, n * 9, n * 12},
	}
	for _, c := range checks {
		if c.got < c.min || c.got > c.max {
			t.Errorf("%s = %d, want %d..%d", c.name, c.got, c.min, c.max)
		}
	}

	rd := marc.NewReader(&buf)
	var good, broken, serials, nonASCII, accented, warned int
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		var re *marc.RecordError
		if errors.As(err, &re) {
			broken++
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		good++
		warned += len(rec.Warnings)
		h := marc.ToHolding(rec)
		if h.Format == marc.FormatSerial {
			serials++
			if len(h.ISSNs) != 1 || len(h.Coverage.Ranges) != 1 {
				t.Fatalf("serial %s: ISSNs %v, coverage %+v", h.ID, h.ISSNs, h.Coverage)
			}
		} else if len(h.ISBNs) != 1 {
			t.Fatalf("book %s: ISBNs %v, want one valid", h.ID, h.ISBNs)
		}
		if n := len(h.Items); n < 1 || n > 20 {
			t.Fatalf("record %s has %d items", h.ID, n)
		}
		if !utf8.ValidString(h.Title) {
			t.Fatalf("record %s title not UTF-8: %q", h.ID, h.Title)
		}
		if strings.ContainsAny(h.Title, "éüçñÅřáèôïøŁÆß") || strings.ContainsAny(h.Author, "üöñČåÉëØ") {
			accented++
		}
		for _, r := range h.Title {
			if r > 0x2000 {
				nonASCII++
				break
			}
		}
	}
	if good+broken != n || broken != st.Broken {
		t.Errorf("read %d good + %d broken, want %d with %d broken", good, broken, n, st.Broken)
	}
	if warned != 0 {
		t.Errorf("%d decoding warnings, want none (MARC-8 records must decode cleanly)", warned)
	}
	if serials < st.Serials-st.Broken {
		t.Errorf("read %d serials, generated %d", serials, st.Serials)
	}
	if accented < st.MARC8/2 {
		t.Errorf("only %d records with accented Latin text, generated %d MARC-8", accented, st.MARC8)
	}
	if nonASCII == 0 {
		t.Error("no CJK/Cyrillic/Greek titles read back")
	}
}

func TestEncodeMARC8RoundTrip(t *testing.T) {
	t.Parallel()
	for _, w := range append(append([]string{}, accentedWords...), accentedSurnames...) {
		enc := encodeMARC8(w)
		if !marc.NeedsMARC8Decoding(enc) && w != enc {
			t.Errorf("encodeMARC8(%q) = %q has no MARC-8 bytes", w, enc)
		}
		got, probs := marc.DecodeMARC8(enc)
		if got != w || len(probs) > 0 {
			t.Errorf("DecodeMARC8(encodeMARC8(%q)) = %q, %v", w, got, probs)
		}
	}
}

func TestGeneratedIdentifiersValid(t *testing.T) {
	t.Parallel()
	g := &generator{rng: newRand(1)}
	for range 1000 {
		if s := isbn13(g.rng); !bibid.ValidISBN13(s) {
			t.Fatalf("isbn13 gave invalid %q", s)
		}
		if s := issn(g.rng); !bibid.ValidISSN(s) {
			t.Fatalf("issn gave invalid %q", s)
		}
	}
}

// TestReaderConstantMemory streams records from the generator through a
// pipe into the reader and checks that the heap stays far below the size
// of the stream (about 40 MB).
func TestReaderConstantMemory(t *testing.T) {
	const n = 30000
	pr, pw := io.Pipe()
	go func() {
		_, err := Generate(pw, n, 99, DefaultOptions())
		pw.CloseWithError(err)
	}()
	rd := marc.NewReader(pr)
	var ms runtime.MemStats
	var peak uint64
	read := 0
	for {
		_, err := rd.Next()
		if err == io.EOF {
			break
		}
		var re *marc.RecordError
		if err != nil && !errors.As(err, &re) {
			t.Fatal(err)
		}
		read++
		if read%2000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	if read != n {
		t.Fatalf("read %d records, want %d", read, n)
	}
	const limit = 16 << 20
	if peak > limit {
		t.Errorf("heap reached %d MB while streaming, want under %d MB", peak>>20, limit>>20)
	}
	t.Logf("peak heap %d MB for %d records", peak>>20, n)
}
