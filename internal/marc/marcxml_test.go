package marc

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"interlend/internal/testenv"
)

func readExample(t *testing.T, name string) *Record {
	t.Helper()
	data, err := os.ReadFile(testenv.Standards(t, "sru", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := ParseXMLRecord(data)
	if err != nil {
		t.Fatalf("ParseXMLRecord(%s): %v", name, err)
	}
	return rec
}

func TestXMLReaderExamples(t *testing.T) {
	t.Parallel()
	rec := readExample(t, "marc-book.xml")
	if rec.Leader != "00000nam a2200000 i 4500" {
		t.Errorf("leader = %q", rec.Leader)
	}
	if got := len(rec.Fields); got != 18 {
		t.Errorf("got %d fields, want 18", got)
	}
	f := rec.Field("100")
	if f == nil || f.Ind1 != '1' || f.Ind2 != ' ' || f.Subfield('d') != "1907-1964," {
		t.Errorf("100 = %+v", f)
	}
	if got := rec.Field("852").Subfield('p'); got != "39012004567891" {
		t.Errorf("852 $p = %q", got)
	}
	j := readExample(t, "marc-journal.xml")
	if got := j.Field("245").Subfield('a'); got != "Journal of interlibrary loan, document delivery & electronic reserve." {
		t.Errorf("entity in 245 $a decoded as %q", got)
	}
}

func TestXMLReaderEmbeddedAndCollection(t *testing.T) {
	t.Parallel()
	// Records embedded in SRU responses: the SRU <record> wrapper (another
	// namespace) must be skipped, the MARC one read.
	for _, name := range []string{"sru12-searchRetrieveResponse-marcxml.xml", "sru20-searchRetrieveResponse-marcxml.xml"} {
		data, err := os.ReadFile(testenv.Standards(t, "sru", "examples", name))
		if err != nil {
			t.Fatal(err)
		}
		rd := NewXMLReader(bytes.NewReader(data))
		rec, err := rd.Next()
		if err != nil {
			t.Fatalf("%s: Next: %v", name, err)
		}
		if rec.Control("003") != "US-EXSUP" {
			t.Errorf("%s: 003 = %q", name, rec.Control("003"))
		}
		if _, err := rd.Next(); err != io.EOF {
			t.Errorf("%s: second Next = %v, want io.EOF", name, err)
		}
	}
	// A collection without namespace (seen from some servers).
	doc := `<collection><record><leader>00000nam a2200000 i 4500</leader><controlfield tag="001">a</controlfield></record>
<record><leader>00000nam a2200000 i 4500</leader><controlfield tag="001">b</controlfield></record></collection>`
	rd := NewXMLReader(strings.NewReader(doc))
	var ids []string
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rec.Control("001"))
	}
	if diff := cmp.Diff([]string{"a", "b"}, ids); diff != "" {
		t.Errorf("ids mismatch (-want +got):\n%s", diff)
	}
}

func TestXMLReaderBadRecordThenGood(t *testing.T) {
	t.Parallel()
	doc := `<collection xmlns="http://www.loc.gov/MARC21/slim">
<record><leader>00000nam a2200000 i 4500</leader><datafield tag="24" ind1="1" ind2="0"><subfield code="a">x</subfield></datafield></record>
<record><leader>short</leader></record>
<record><leader>00000nam a2200000 i 4500</leader><datafield tag="245" ind1="10" ind2="0"><subfield code="a">x</subfield></datafield></record>
<record><leader>00000nam a2200000 i 4500</leader><controlfield tag="001">ok</controlfield></record>
</collection>`
	rd := NewXMLReader(strings.NewReader(doc))
	wantErrs := []struct {
		err  error
		line int
	}{{ErrField, 2}, {ErrLeader, 3}, {ErrField, 4}}
	for _, w := range wantErrs {
		_, err := rd.Next()
		var re *RecordError
		if !errors.As(err, &re) || !errors.Is(err, w.err) || re.Line != w.line {
			t.Errorf("Next error = %v, want RecordError at line %d wrapping %v", err, w.line, w.err)
		}
	}
	rec, err := rd.Next()
	if err != nil || rec.Control("001") != "ok" {
		t.Errorf("Next after bad records = %v, %v; want the good record", rec, err)
	}
}

func TestXMLReaderMalformed(t *testing.T) {
	t.Parallel()
	rd := NewXMLReader(strings.NewReader(`<collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>00000nam a2200000 i 4500</leader><controlfield tag="001">x</record>`))
	_, err := rd.Next()
	if err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Errorf("Next on malformed XML = %v, want a malformed error", err)
	}
	if _, err2 := rd.Next(); err2 == nil || err2 == io.EOF {
		t.Errorf("Next after a fatal error = %v, want the same error again", err2)
	}
}

func TestXMLWriterRoundTripAndSchema(t *testing.T) {
	t.Parallel()
	in := []*Record{readExample(t, "marc-book.xml"), readExample(t, "marc-journal.xml"), readExample(t, "marc-thesis.xml")}
	in[0].AddField("500", ' ', ' ', 'a', `Quotes " and <angle> & ampersand; Ünïcødé 東京`)
	var buf bytes.Buffer
	w := NewXMLWriter(&buf)
	for _, r := range in {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	testenv.ValidateXSD(t, testenv.Standards(t, "sru", "xsd", "MARC21slim.xsd"), buf.Bytes())
	rd := NewXMLReader(&buf)
	for i, want := range in {
		got, err := rd.Next()
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("record %d mismatch (-want +got):\n%s", i, diff)
		}
	}
	single, err := MarshalXMLRecord(in[2])
	if err != nil {
		t.Fatal(err)
	}
	testenv.ValidateXSD(t, testenv.Standards(t, "sru", "xsd", "MARC21slim.xsd"), single)
	back, err := ParseXMLRecord(single)
	if err != nil || back.Control("001") != "3456789" {
		t.Errorf("ParseXMLRecord(MarshalXMLRecord) = %v, %v", back, err)
	}
}

func TestXMLWriterEmptyCollection(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := NewXMLWriter(&buf).Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "<collection") || !strings.Contains(buf.String(), "</collection>") {
		t.Errorf("empty collection = %q", buf.String())
	}
}

func TestISO2709FromXMLRoundTrip(t *testing.T) {
	t.Parallel()
	rec := readExample(t, "marc-thesis.xml")
	var buf bytes.Buffer
	if err := NewWriter(&buf).Write(rec); err != nil {
		t.Fatal(err)
	}
	back, err := NewReader(&buf).Next()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rec.Fields, back.Fields); diff != "" {
		t.Errorf("fields mismatch (-want +got):\n%s", diff)
	}
}
