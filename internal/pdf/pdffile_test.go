package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"interlend/internal/testenv"
)

// scannedPDF writes a PDF as a scanner with OCR makes it: each page is an
// image with the recognised text laid over it invisibly (rendering mode
// 3), written by hand so that the test does not depend on this package's
// own output.
func scannedPDF(pageTexts []string) []byte {
	var (
		buf  bytes.Buffer
		offs []int
	)
	obj := func(body string) {
		offs = append(offs, buf.Len())
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", len(offs), body)
	}
	buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	n := len(pageTexts)
	// 1 catalog, 2 pages, 3 font, 4 image; then page and content per page.
	kids := make([]string, n)
	for i := range n {
		kids[i] = fmt.Sprintf("%d 0 R", 5+2*i)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	pix := bytes.Repeat([]byte{0xF0, 0x80}, 32) // an 8×8 grey "scan"
	obj(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream", len(pix), pix))
	for i, text := range pageTexts {
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> /XObject << /Im0 4 0 R >> >> /Contents %d 0 R >>", 6+2*i))
		content := fmt.Sprintf("q 595 0 0 842 0 0 cm /Im0 Do Q\nBT 3 Tr /F1 12 Tf 72 720 Td (%s) Tj ET", text)
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&buf, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return buf.Bytes()
}

func sampleNotice(t *testing.T) []byte {
	t.Helper()
	doc, err := NoticePDF(Notice{Title: "Copyright notice", Paragraphs: []string{"Supplied for private study. " + titleRussian}})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestPrependPages(t *testing.T) {
	t.Parallel()
	scan := scannedPDF([]string{"Invisible OCR text of page one", "Second page of the article"})
	before := testenv.PDFText(t, scan)
	wantText(t, before, "Invisible OCR text of page one", "Second page of the article") // the fixture is sound

	out, err := PrependPages(sampleNotice(t), scan)
	if err != nil {
		t.Fatal(err)
	}
	if got := testenv.PDFPageCount(t, out); got != 3 {
		t.Errorf("pages = %d, want 3 (notice + 2)", got)
	}
	if n, err := PageCount(out); err != nil || n != 3 {
		t.Errorf("PageCount = %d, %v; want 3", n, err)
	}
	text := testenv.PDFText(t, out)
	pages := strings.Split(text, "\f")
	if !strings.HasPrefix(strings.TrimSpace(pages[0]), "Copyright notice") {
		t.Errorf("first page text %q: want it to begin with the notice", pages[0])
	}
	wantText(t, pages[0], titleRussian)
	if len(pages) < 3 {
		t.Fatalf("text has %d pages", len(pages))
	}
	wantText(t, pages[1], "Invisible OCR text of page one")
	wantText(t, pages[2], "Second page of the article")
}

func TestPageCountAndValidate(t *testing.T) {
	t.Parallel()
	scan := scannedPDF([]string{"a", "b", "c"})
	notice := sampleNotice(t)
	tests := []struct {
		name    string
		doc     []byte
		want    int
		wantErr error
	}{
		{"scanner PDF", scan, 3, nil},
		{"our own PDF", notice, 1, nil},
		{"junk before the header", append([]byte("garbage\n"), scan...), 3, nil},
		{"empty", nil, 0, ErrNotPDF},
		{"an image", []byte("\x89PNG\r\n\x1a\n...."), 0, ErrNotPDF},
		{"truncated", scan[:len(scan)/3], 0, ErrInvalidPDF},
		{"header only", []byte("%PDF-1.7\n"), 0, ErrInvalidPDF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := PageCount(tt.doc)
			if !errors.Is(err, tt.wantErr) || n != tt.want {
				t.Errorf("PageCount = %d, %v; want %d, %v", n, err, tt.want, tt.wantErr)
			}
			if verr := Validate(tt.doc); !errors.Is(verr, tt.wantErr) {
				t.Errorf("Validate = %v, want %v", verr, tt.wantErr)
			}
		})
	}
}

func TestPrependPagesBadInput(t *testing.T) {
	t.Parallel()
	scan := scannedPDF([]string{"text"})
	notice := sampleNotice(t)
	tests := []struct {
		name           string
		notice, doc    []byte
		wantErr        error
		wantSubstrings []string
	}{
		{"document not a PDF", notice, []byte("Dear colleague, here is the article."), ErrNotPDF, []string{"document:", "not a PDF"}},
		{"notice not a PDF", []byte{0xFF, 0xD8, 0xFF}, scan, ErrNotPDF, []string{"notice:"}},
		{"document damaged", notice, scan[:len(scan)/4], ErrInvalidPDF, []string{"document:", "damaged"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := PrependPages(tt.notice, tt.doc)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			for _, s := range tt.wantSubstrings {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			if out != nil {
				t.Errorf("got output with the error")
			}
		})
	}
}
