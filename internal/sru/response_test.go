package sru

import (
	"errors"
	"os"
	"strings"
	"testing"

	"interlend/internal/marc"
	"interlend/internal/testenv"
)

func example(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(testenv.Standards(t, "sru", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseResponseExamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file      string
		version   string
		id        string
		title     string
		schema    string
		packing   string
		wantISSN  string
		wantISBN  string
		wantDiags int
	}{
		{"sru12-searchRetrieveResponse-marcxml.xml", "1.2", "1234567", "Silent spring", "info:srw/schema/1/marcxml-v1.1", "xml", "", "9780618249060", 0},
		{"sru20-searchRetrieveResponse-marcxml.xml", "2.0", "2345678", "Journal of interlibrary loan, document delivery & electronic reserve", "info:srw/schema/1/marcxml-v1.1", "xml", "1072-303X", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			res, err := ParseResponse(strings.NewReader(example(t, tt.file)))
			if err != nil {
				t.Fatalf("ParseResponse: %v", err)
			}
			if res.Version != tt.version || res.NumberOfRecords != 1 || len(res.Records) != 1 || res.NextRecordPosition != 0 {
				t.Fatalf("result = version %q, %d hits, %d records, next %d; want %q, 1, 1, 0",
					res.Version, res.NumberOfRecords, len(res.Records), res.NextRecordPosition, tt.version)
			}
			rec := res.Records[0]
			if rec.Position != 1 || rec.Schema != tt.schema || rec.Packing != tt.packing || rec.Err != nil || rec.Diagnostic != nil {
				t.Errorf("record = %+v", rec)
			}
			h := marc.ToHolding(rec.MARC)
			if h.ID != tt.id || h.Title != tt.title {
				t.Errorf("record id %q title %q, want %q %q", h.ID, h.Title, tt.id, tt.title)
			}
			if tt.wantISBN != "" && (len(h.ISBNs) != 1 || h.ISBNs[0] != tt.wantISBN) {
				t.Errorf("ISBNs = %v, want %s", h.ISBNs, tt.wantISBN)
			}
			if tt.wantISSN != "" && (len(h.ISSNs) != 1 || h.ISSNs[0] != tt.wantISSN) {
				t.Errorf("ISSNs = %v, want %s", h.ISSNs, tt.wantISSN)
			}
			if got := len(res.MARCRecords()); got != 1 {
				t.Errorf("MARCRecords = %d, want 1", got)
			}
		})
	}
}

func TestParseResponseDiagnosticExamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want Diagnostic
		code int
	}{
		{"sru12-searchRetrieveResponse-diagnostic.xml", Diagnostic{URI: "info:srw/diagnostic/1/16", Details: "bath.lccn", Message: "Unsupported index"}, DiagUnsupportedIndex},
		{"sru20-searchRetrieveResponse-diagnostic.xml", Diagnostic{URI: "info:srw/diagnostic/1/66", Details: "mods", Message: "Unknown schema for retrieval"}, DiagUnknownSchema},
	}
	for _, tt := range tests {
		res, err := ParseResponse(strings.NewReader(example(t, tt.file)))
		var de *DiagnosticError
		if !errors.As(err, &de) {
			t.Fatalf("%s: ParseResponse = %v, %v; want *DiagnosticError", tt.file, res, err)
		}
		if len(de.Diagnostics) != 1 || de.Diagnostics[0] != tt.want {
			t.Errorf("%s: diagnostics = %+v, want %+v", tt.file, de.Diagnostics, tt.want)
		}
		if !de.Has(tt.code) || de.Has(DiagGeneralError) {
			t.Errorf("%s: Has(%d) false or Has(1) true", tt.file, tt.code)
		}
		if !strings.Contains(err.Error(), tt.want.Details) || !strings.Contains(err.Error(), tt.want.Message) {
			t.Errorf("%s: error %q lacks details or message", tt.file, err)
		}
	}
}

const stringPacked = `<?xml version="1.0"?>
<srw:searchRetrieveResponse xmlns:srw="http://www.loc.gov/zing/srw/">
  <srw:version>1.1</srw:version>
  <srw:numberOfRecords>3</srw:numberOfRecords>
  <srw:records>
    <srw:record>
      <srw:recordSchema>marcxml</srw:recordSchema>
      <srw:recordPacking>string</srw:recordPacking>
      <srw:recordData>&lt;record xmlns="http://www.loc.gov/MARC21/slim"&gt;&lt;leader&gt;00000nam a2200000 i 4500&lt;/leader&gt;&lt;controlfield tag="001"&gt;77&lt;/controlfield&gt;&lt;datafield tag="245" ind1="0" ind2="0"&gt;&lt;subfield code="a"&gt;Caf&#233; &amp;amp; co /&lt;/subfield&gt;&lt;/datafield&gt;&lt;/record&gt;</srw:recordData>
      <srw:recordPosition>1</srw:recordPosition>
    </srw:record>
    <srw:record>
      <srw:recordSchema>info:srw/schema/1/diagnostics-v1.1</srw:recordSchema>
      <srw:recordPacking>xml</srw:recordPacking>
      <srw:recordData><diagnostic xmlns="http://www.loc.gov/zing/srw/diagnostic/"><uri>info:srw/diagnostic/1/64</uri></diagnostic></srw:recordData>
      <srw:recordPosition>2</srw:recordPosition>
    </srw:record>
    <srw:record>
      <srw:recordSchema>marcxml</srw:recordSchema>
      <srw:recordPacking>xml</srw:recordPacking>
      <srw:recordData><record><leader>00000nam a2200000 i 4500</leader><controlfield tag="001">79</controlfield></record></srw:recordData>
      <srw:recordPosition>3</srw:recordPosition>
    </srw:record>
  </srw:records>
  <srw:nextRecordPosition>4</srw:nextRecordPosition>
  <srw:diagnostics><diag:diagnostic xmlns:diag="http://www.loc.gov/zing/srw/diagnostic/"><diag:uri>info:srw/diagnostic/1/999</diag:uri><diag:message>Result set truncated</diag:message></diag:diagnostic></srw:diagnostics>
</srw:searchRetrieveResponse>`

func TestParseResponseStringPackingSurrogatesAndWarnings(t *testing.T) {
	t.Parallel()
	res, err := ParseResponse(strings.NewReader(stringPacked))
	if err != nil {
		t.Fatalf("ParseResponse: %v", err)
	}
	if res.Version != "1.1" || res.NumberOfRecords != 3 || res.NextRecordPosition != 4 || len(res.Records) != 3 {
		t.Fatalf("result = %+v", res)
	}
	r1 := res.Records[0]
	if r1.Packing != "string" || r1.MARC == nil || r1.MARC.Control("001") != "77" {
		t.Fatalf("string-packed record = %+v", r1)
	}
	if got := r1.MARC.Field("245").Subfield('a'); got != "Café & co /" {
		t.Errorf("string-packed 245 $a = %q, want %q", got, "Café & co /")
	}
	r2 := res.Records[1]
	if r2.MARC != nil || r2.Diagnostic == nil || r2.Diagnostic.Code() != DiagRecordNotAvailable || r2.Diagnostic.Text() != "Record temporarily unavailable" {
		t.Errorf("surrogate diagnostic record = %+v", r2)
	}
	if r3 := res.Records[2]; r3.MARC == nil || r3.MARC.Control("001") != "79" {
		t.Errorf("record without MARC namespace = %+v", r3)
	}
	if len(res.Diagnostics) != 1 || res.Diagnostics[0].Message != "Result set truncated" || res.Diagnostics[0].Code() != 999 {
		t.Errorf("non-fatal diagnostics = %+v", res.Diagnostics)
	}
	if got := len(res.MARCRecords()); got != 2 {
		t.Errorf("MARCRecords = %d, want 2", got)
	}
}

func TestParseResponseRejectsNonSRU(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, want string
	}{
		{"html page", "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>", "HTML page (\"502 Bad Gateway\")"},
		{"html without doctype", "  <HTML><body>Login</body></HTML>", "HTML page"},
		{"garbage", "\x00\x01\x02 binary", "not XML"},
		{"json", `{"error":"nope"}`, "not XML"},
		{"empty", "", "empty body"},
		{"other xml", `<?xml version="1.0"?><explainResponse xmlns="http://www.loc.gov/zing/srw/"/>`, "<explainResponse> is not a searchRetrieveResponse"},
		{"truncated", `<zs:searchRetrieveResponse xmlns:zs="http://www.loc.gov/zing/srw/"><zs:numberOfRecords>1</zs:numberOf`, "malformed XML"},
		{"bad count", `<zs:searchRetrieveResponse xmlns:zs="http://www.loc.gov/zing/srw/"><zs:numberOfRecords>many</zs:numberOfRecords></zs:searchRetrieveResponse>`, "not a number"},
	}
	for _, tt := range tests {
		_, err := ParseResponse(strings.NewReader(tt.body))
		if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: ParseResponse error = %v, want ErrBadResponse mentioning %q", tt.name, err, tt.want)
		}
	}
}

func TestParseResponseZeroHits(t *testing.T) {
	t.Parallel()
	res, err := ParseResponse(strings.NewReader(`<searchRetrieveResponse xmlns="http://docs.oasis-open.org/ns/search-ws/sruResponse"><numberOfRecords>0</numberOfRecords></searchRetrieveResponse>`))
	if err != nil || res.NumberOfRecords != 0 || len(res.Records) != 0 || res.Version != "2.0" {
		t.Errorf("zero hits = %+v, %v", res, err)
	}
}

func TestDiagnosticText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    Diagnostic
		code int
		str  string
	}{
		{Diagnostic{URI: "info:srw/diagnostic/1/10"}, 10, "info:srw/diagnostic/1/10 (Query syntax error)"},
		{Diagnostic{URI: "info:srw/diagnostic/1/16", Details: "bath.lccn", Message: "Index not here"}, 16, "info:srw/diagnostic/1/16 (Index not here): bath.lccn"},
		{Diagnostic{URI: "info:example/local/7"}, 0, "info:example/local/7"},
	}
	for _, tt := range tests {
		if got := tt.d.Code(); got != tt.code {
			t.Errorf("Code(%q) = %d, want %d", tt.d.URI, got, tt.code)
		}
		if got := tt.d.String(); got != tt.str {
			t.Errorf("String() = %q, want %q", got, tt.str)
		}
	}
}
