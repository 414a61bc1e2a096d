package marc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func sampleRecord(id, title string) *Record {
	r := NewRecord()
	r.AddControl("001", id)
	r.AddControl("003", "US-EXSUP")
	r.AddControl("008", "021015s2002    mau      b    001 0 eng d")
	r.AddField("020", ' ', ' ', 'a', "9780618249060", 'q', "hardcover")
	r.AddField("245", '1', '0', 'a', title+" /", 'c', "Rachel Carson.")
	r.AddField("852", '0', ' ', 'b', "MAIN", 'h', "QH545.P4", 'p', "39012004567891")
	return r
}

func encode(t *testing.T, recs ...*Record) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	return buf.Bytes()
}

func TestISO2709RoundTrip(t *testing.T) {
	t.Parallel()
	in := []*Record{sampleRecord("1", "Silent spring"), sampleRecord("2", "Война и мир 戦争と平和 Ça va")}
	data := encode(t, in...)
	got, err := ReadAll(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	if len(got) != 2 {
		t.Fatalf("read %d records, want 2", len(got))
	}
	for i := range in {
		// The writer fills in lengths and the base address.
		if len(got[i].Leader) != 24 || got[i].Leader[5:12] != in[i].Leader[5:12] {
			t.Errorf("record %d leader = %q, want positions 5-11 of %q", i, got[i].Leader, in[i].Leader)
		}
		if diff := cmp.Diff(in[i].Fields, got[i].Fields); diff != "" {
			t.Errorf("record %d fields mismatch (-want +got):\n%s", i, diff)
		}
	}
	// Leader length and base address are right.
	first := data[:bytes.IndexByte(data, RecordTerminator)+1]
	if want := fmt.Sprintf("%05d", len(first)); string(first[:5]) != want {
		t.Errorf("leader length %q, want %s", first[:5], want)
	}
	if got := got[1].Field("245").Subfield('a'); got != "Война и мир 戦争と平和 Ça va /" {
		t.Errorf("UTF-8 title = %q", got)
	}
}

// breakLeaderLength makes the leader claim a wrong length.
func breakLeaderLength(rec []byte) []byte {
	out := bytes.Clone(rec)
	copy(out[0:5], "00042")
	return out
}

// breakDirectory puts a non-digit into the first directory entry's length.
func breakDirectory(rec []byte) []byte {
	out := bytes.Clone(rec)
	out[24+3] = 'x'
	return out
}

// breakOffset points the last directory entry past the data.
func breakOffset(rec []byte) []byte {
	out := bytes.Clone(rec)
	base, _ := atoi(out[12:17])
	last := base - 1 - 12
	copy(out[last+7:last+12], "99999")
	return out
}

func TestReaderResyncsAfterBrokenRecords(t *testing.T) {
	t.Parallel()
	good := func(id string) []byte { return encode(t, sampleRecord(id, "Title "+id)) }
	tests := []struct {
		name    string
		breaker func([]byte) []byte
		wantErr error
	}{
		{"bad leader length", breakLeaderLength, ErrLeader},
		{"non-numeric directory", breakDirectory, ErrDirectory},
		{"field past the end", breakOffset, ErrDirectory},
		{"non-numeric base address", func(b []byte) []byte { o := bytes.Clone(b); o[13] = 'Z'; return o }, ErrLeader},
		{"base address past the end", func(b []byte) []byte { o := bytes.Clone(b); copy(o[12:17], "99990"); return o }, ErrLeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r1, r3 := good("1"), good("3")
			broken := tt.breaker(good("2"))
			stream := bytes.Join([][]byte{r1, broken, r3}, nil)
			rd := NewReader(bytes.NewReader(stream))
			rec, err := rd.Next()
			if err != nil || rec.Control("001") != "1" {
				t.Fatalf("first Next = %v, %v; want record 1", rec, err)
			}
			_, err = rd.Next()
			var re *RecordError
			if !errors.As(err, &re) {
				t.Fatalf("second Next error = %v, want *RecordError", err)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v, want it to wrap %v", err, tt.wantErr)
			}
			if re.Ordinal != 2 || re.Offset != int64(len(r1)) {
				t.Errorf("error at record %d byte %d, want record 2 byte %d", re.Ordinal, re.Offset, len(r1))
			}
			if !strings.Contains(err.Error(), "record 2") {
				t.Errorf("error text %q does not name the record", err)
			}
			rec, err = rd.Next()
			if err != nil || rec.Control("001") != "3" {
				t.Fatalf("third Next = %v, %v; want record 3 after resync", rec, err)
			}
			if _, err := rd.Next(); err != io.EOF {
				t.Errorf("fourth Next error = %v, want io.EOF", err)
			}
		})
	}
}

func TestReaderEdges(t *testing.T) {
	t.Parallel()
	rec := encode(t, sampleRecord("1", "A"))
	t.Run("newlines between records", func(t *testing.T) {
		t.Parallel()
		stream := bytes.Join([][]byte{rec, []byte("\r\n"), rec, []byte("\n")}, nil)
		recs, err := ReadAll(bytes.NewReader(stream))
		if err != nil || len(recs) != 2 {
			t.Errorf("ReadAll = %d records, %v; want 2, nil", len(recs), err)
		}
	})
	t.Run("truncated tail", func(t *testing.T) {
		t.Parallel()
		stream := append(bytes.Clone(rec), rec[:100]...)
		rd := NewReader(bytes.NewReader(stream))
		if _, err := rd.Next(); err != nil {
			t.Fatalf("first Next: %v", err)
		}
		_, err := rd.Next()
		if !errors.Is(err, ErrTruncated) {
			t.Errorf("second Next error = %v, want ErrTruncated", err)
		}
		if _, err := rd.Next(); err != io.EOF {
			t.Errorf("third Next error = %v, want io.EOF", err)
		}
	})
	t.Run("record over 99999 bytes", func(t *testing.T) {
		t.Parallel()
		huge := append(bytes.Repeat([]byte("9"), 120000), RecordTerminator)
		stream := bytes.Join([][]byte{huge, rec}, nil)
		rd := NewReader(bytes.NewReader(stream))
		if _, err := rd.Next(); !errors.Is(err, ErrTooLong) {
			t.Errorf("first Next error = %v, want ErrTooLong", err)
		}
		if r, err := rd.Next(); err != nil || r.Control("001") != "1" {
			t.Errorf("second Next = %v, %v; want the good record", r, err)
		}
	})
	t.Run("empty input", func(t *testing.T) {
		t.Parallel()
		if _, err := NewReader(strings.NewReader("")).Next(); err != io.EOF {
			t.Errorf("Next on empty input = %v, want io.EOF", err)
		}
	})
}

func TestReaderDecodesMARC8(t *testing.T) {
	t.Parallel()
	r := sampleRecord("7", "Les mis\xE2erables \xFF")
	r.Leader = r.Leader[:9] + " " + r.Leader[10:]
	data := encode(t, r)
	rd := NewReader(bytes.NewReader(append(encode(t, sampleRecord("6", "x")), data...)))
	if _, err := rd.Next(); err != nil {
		t.Fatal(err)
	}
	got, err := rd.Next()
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	if title := got.Field("245").Subfield('a'); title != "Les misérables \uFFFD /" {
		t.Errorf("title = %q, want %q", title, "Les misérables \uFFFD /")
	}
	if got.LeaderByte(9) != 'a' {
		t.Errorf("leader/09 = %q, want 'a' after conversion", got.LeaderByte(9))
	}
	if len(got.Warnings) != 1 {
		t.Fatalf("warnings = %v, want one", got.Warnings)
	}
	w := got.Warnings[0]
	firstLen := int64(len(encode(t, sampleRecord("6", "x"))))
	// The warning points at the 0xFF byte in the stream.
	stream := append(encode(t, sampleRecord("6", "x")), data...)
	if w.Ordinal != 2 || w.Tag != "245" || w.Code != 'a' || w.Offset < firstLen || stream[w.Offset] != 0xFF {
		t.Errorf("warning = %+v; want record 2, 245 $a, offset of the 0xFF byte", w)
	}
	if !strings.Contains(w.String(), "245 $a") {
		t.Errorf("warning text %q does not name the field", w.String())
	}
}

func TestReaderRepairsInvalidUTF8(t *testing.T) {
	t.Parallel()
	r := sampleRecord("8", "Caf\xC3")
	rec, err := NewReader(bytes.NewReader(encode(t, r))).Next()
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.Field("245").Subfield('a'); got != "Caf\uFFFD /" {
		t.Errorf("title = %q, want U+FFFD for the bad byte", got)
	}
	if len(rec.Warnings) != 1 || rec.Warnings[0].Tag != "245" {
		t.Errorf("warnings = %v, want one on 245", rec.Warnings)
	}
	if got := rec.Field("852").Subfield('b'); got != "MAIN" {
		t.Errorf("852 $b = %q, the rest of the record must be kept", got)
	}
}

func TestWriterRejectsOversizeField(t *testing.T) {
	t.Parallel()
	r := NewRecord()
	r.AddField("500", ' ', ' ', 'a', strings.Repeat("x", 10000))
	var buf bytes.Buffer
	if err := NewWriter(&buf).Write(r); !errors.Is(err, ErrTooLong) {
		t.Errorf("Write error = %v, want ErrTooLong", err)
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %d bytes of a rejected record", buf.Len())
	}
}

func TestAccessors(t *testing.T) {
	t.Parallel()
	r := sampleRecord("1", "Silent spring")
	r.AddField("020", ' ', ' ', 'a', "0618249060", 'z', "0000000000")
	if got := r.Control("001"); got != "1" {
		t.Errorf("Control(001) = %q", got)
	}
	if got := r.Field("245").Subfield('c'); got != "Rachel Carson." {
		t.Errorf("245 $c = %q", got)
	}
	if f := r.Field("999"); f != nil || f.Subfield('a') != "" {
		t.Errorf("missing field = %v, want nil and empty subfield", f)
	}
	if got := len(r.FieldsByTag("020", "245")); got != 3 {
		t.Errorf("FieldsByTag(020, 245) = %d fields, want 3", got)
	}
	if got := r.FieldsByTag("020")[1].SubfieldValues('z'); len(got) != 1 || got[0] != "0000000000" {
		t.Errorf("SubfieldValues(z) = %q", got)
	}
	if got := r.Field("852").Join("bh", " "); got != "MAIN QH545.P4" {
		t.Errorf("Join(bh) = %q", got)
	}
	if got := r.LeaderByte(6); got != 'a' {
		t.Errorf("LeaderByte(6) = %q", got)
	}
	if got := (&Record{}).LeaderByte(6); got != ' ' {
		t.Errorf("LeaderByte on empty leader = %q, want blank", got)
	}
}
