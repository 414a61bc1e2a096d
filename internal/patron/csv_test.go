package patron

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"interlend/internal/ill"
)

// readAll reads every row and line error of a file.
func readAll(t *testing.T, file string) (*Reader, []Row, []string) {
	t.Helper()
	rd, err := NewReader(strings.NewReader(file))
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var rows []Row
	var problems []string
	for {
		row, err := rd.Next()
		var le *LineError
		switch {
		case errors.Is(err, io.EOF):
			return rd, rows, problems
		case errors.As(err, &le):
			problems = append(problems, le.Error())
		case err != nil:
			t.Fatalf("Next: %v", err)
		default:
			rows = append(rows, row)
		}
	}
}

func TestReaderReadsDocumentedColumns(t *testing.T) {
	t.Parallel()
	file := "\ufeffBarcode,ID,First Name,Last Name,Email,Category,Home Library,Pickup Location,Expiry Date,Blocked,Block Reason,Notes,Shoe size\n" +
		"2100001, u1 ,Ada,Lovelace,ada@example.edu,faculty,Main,Science desk,2027-06-30,no,,\"Prefers \"\"email\"\"\nat work\",42\n" +
		"2100002,,,,,public,,,,yes,Lost item,,\n"
	rd, rows, problems := readAll(t, file)
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	if got, want := rd.Fields(), AllFields&^FieldFullName; got != want {
		t.Errorf("Fields = %b, want %b", got, want)
	}
	if got := rd.Ignored(); len(got) != 1 || got[0] != "Shoe size" {
		t.Errorf("Ignored = %q, want [Shoe size]", got)
	}
	want := []Row{
		{Line: 2, Record: Record{Barcode: "2100001", ILSID: "u1", FirstName: "Ada", LastName: "Lovelace",
			Email: "ada@example.edu", Category: "faculty", HomeLibrary: "Main", PickupLocation: "Science desk",
			Expires: time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC), Notes: "Prefers \"email\"\nat work"}},
		{Line: 4, Record: Record{Barcode: "2100002", Category: "public", Blocked: true, BlockReason: "Lost item"}},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows mismatch (-want +got):\n%s", diff)
	}
}

func TestReaderReportsBadLinesAndCarriesOn(t *testing.T) {
	t.Parallel()
	file := strings.Join([]string{
		"barcode;name;email;expiry;blocked",
		"B1;Good One;one@example.edu;2026-01-31;",
		";No Barcode;x@example.edu;;",                 // 3
		"B3;Bad Email;not an address;;",               // 4
		"B4;Bad Date;;31/12/2026;",                    // 5
		"B5;Bad Flag;;;maybe",                         // 6
		"B6;Too;Many;Fields;here;!",                   // 7
		"B7;Short",                                    // 8
		"B8;Bad \"quote;;;",                           // 9
		";;;;",                                        // 10: blank, skipped
		"B9;Two problems;@;2026-13-01;",               // 11
		"B10;Fine Again;ten@example.edu;20261231;Yes", // 12
	}, "\r\n") + "\r\n"
	_, rows, problems := readAll(t, file)
	wantProblems := []string{
		"line 3: the barcode is empty",
		"line 4: the email is not an address like name@example.edu",
		`line 5: the expiry date "31/12/2026" is not a date in the form YYYY-MM-DD`,
		`line 6: blocked "maybe" is not yes or no`,
		"line 7: has 6 fields, the header has 5",
		"line 8: has 2 fields, the header has 5",
		`line 9: cannot be read as CSV: bare " in non-quoted-field`,
		`line 11: the email is not an address like name@example.edu; the expiry date "2026-13-01" is not a date in the form YYYY-MM-DD`,
	}
	if diff := cmp.Diff(wantProblems, problems); diff != "" {
		t.Errorf("problems mismatch (-want +got):\n%s", diff)
	}
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%d:%s:%v", r.Line, r.Barcode, r.Blocked))
	}
	if diff := cmp.Diff([]string{"2:B1:false", "12:B10:true"}, got); diff != "" {
		t.Errorf("rows mismatch (-want +got):\n%s", diff)
	}
	for _, p := range problems {
		if strings.Contains(p, "not an address@") || strings.Contains(p, "Bad Email") {
			t.Errorf("a problem quotes personal data: %s", p)
		}
	}
}

func TestReaderHeaderProblems(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, file, want string }{
		{"empty", "", "the file is empty"},
		{"no barcode column", "name,email\nA,a@example.edu\n", "no barcode column"},
		{"column twice", "barcode,email,E-Mail\n", "names the email column twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tc.file))
			if !ill.Is(err, ill.Invalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewReader = %v, want Invalid containing %q", err, tc.want)
			}
		})
	}
}

func TestReaderBlockReasonWithoutFlag(t *testing.T) {
	t.Parallel()
	_, rows, _ := readAll(t, "barcode\tblock_reason\nB1\t\nB2\tFines over $10\n")
	if len(rows) != 2 || rows[0].Blocked || !rows[1].Blocked || rows[1].BlockReason != "Fines over $10" {
		t.Errorf("rows = %+v: want B2 blocked by its reason and B1 not", rows)
	}
	_, rows, _ = readAll(t, "barcode,blocked,block_reason\nB1,no,stale reason\n")
	if rows[0].Blocked || rows[0].BlockReason != "" {
		t.Errorf("unblocked row kept its reason: %+v", rows[0])
	}
}

func TestReaderStopsAtUnclosedQuote(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("barcode,name\nB1,\"never closed\n")
	for b.Len() < 2*MaxRecordBytes {
		b.WriteString("B2,Someone Else\n")
	}
	rd, err := NewReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = rd.Next()
	var le *LineError
	if err == nil || errors.As(err, &le) || !ill.Is(err, ill.Invalid) || !strings.Contains(err.Error(), "never closed") {
		t.Fatalf("Next = %v, want a fatal Invalid error about an unclosed quote", err)
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	want := time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"2026-08-31", " 2026/08/31", "20260831", "2026-08-31T23:00:00Z", "2026-08-31 00:00"} {
		if got, err := ParseDate(s); err != nil || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"08/31/2026", "31.08.2026", "2026-02-30", "0001-01-01", "soon"} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) accepted", s)
		}
	}
	if got, err := ParseDate(""); err != nil || !got.IsZero() {
		t.Errorf("ParseDate(\"\") = %v, %v; want the zero time", got, err)
	}
}
