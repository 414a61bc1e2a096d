package testenv

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// PDFText extracts the text of a PDF with `pdftotext -layout`, which keeps
// the reading order of columns, so a test can assert on what prints.
func PDFText(tb testing.TB, pdf []byte) string {
	tb.Helper()
	tool := RequireTool(tb, "pdftotext", "poppler-utils")
	f := writePDF(tb, pdf)
	out, err := runTool(tool, "-layout", "-enc", "UTF-8", f, "-")
	if err != nil {
		tb.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// PDFPageCount is the page count poppler's pdfinfo reads from a PDF.
func PDFPageCount(tb testing.TB, pdf []byte) int {
	tb.Helper()
	tool := RequireTool(tb, "pdfinfo", "poppler-utils")
	out, err := runTool(tool, writePDF(tb, pdf))
	if err != nil {
		tb.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		tb.Fatalf("pdfinfo printed no page count:\n%s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// Symbol is one barcode found on a rendered page.
type Symbol struct {
	Page int    // 1-based
	Type string // zbar's name: "CODE-128", "QR-Code", ...
	Data string
	X, Y int // top-left of the page area it was found in, in 300 dpi pixels
}

// PDFBarcodes renders each page at 300 dpi (pdftoppm) and decodes its
// Code128 and QR symbols with zbarimg, returning their values in reading
// order: page by page, top to bottom, then left to right.
func PDFBarcodes(tb testing.TB, pdf []byte) []string {
	tb.Helper()
	var out []string
	for _, s := range PDFSymbols(tb, pdf) {
		out = append(out, s.Data)
	}
	return out
}

// PDFSymbols is PDFBarcodes with each symbol's type and place.
//
// zbarimg reports neither where a symbol is nor two symbols of the same
// value on one image, so each page is first cut into blocks along blank
// strips (an XY cut: rows of white at least minRowGap high, columns of
// white at least minColGap wide, which no barcode has inside it), and each
// block is decoded on its own.
func PDFSymbols(tb testing.TB, pdf []byte) []Symbol {
	tb.Helper()
	pdftoppm := RequireTool(tb, "pdftoppm", "poppler-utils")
	zbarimg := RequireTool(tb, "zbarimg", "zbar-tools")
	dir := tb.TempDir()
	f := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		tb.Fatal(err)
	}
	// PGM, not PNG: pdftoppm spends most of its time compressing PNGs.
	if out, err := runTool(pdftoppm, "-r", "300", "-gray", f, filepath.Join(dir, "page")); err != nil {
		tb.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pages, err := filepath.Glob(filepath.Join(dir, "page-*.pgm"))
	if err != nil {
		tb.Fatal(err)
	}
	slices.SortFunc(pages, func(a, b string) int { return pageNumber(a) - pageNumber(b) })
	found := make([][]Symbol, len(pages))
	errs := make([]error, len(pages))
	var wg sync.WaitGroup
	for i, p := range pages {
		wg.Go(func() { found[i], errs[i] = pageSymbols(zbarimg, p, pageNumber(p)) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		tb.Fatalf("decode barcodes: %v", err)
	}
	return slices.Concat(found...)
}

// Gaps that separate blocks, in 300 dpi pixels: barcodes have no white row
// inside them, and no white column wider than 4 modules (about 18 pixels).
const (
	minRowGap   = 20
	minColGap   = 50
	minBlockDim = 60 // smaller blocks are text, not barcodes
	minInkRun   = 40 // a bar or a QR finder is at least this tall; small text is not
	darkLevel   = 160
	maxStray    = 6 // dark pixels a blank strip may have: a crossing rule
)

// pageSymbols decodes the blocks of one page image with one zbarimg run.
func pageSymbols(zbarimg, pgmPath string, page int) ([]Symbol, error) {
	raw, err := os.ReadFile(pgmPath)
	if err != nil {
		return nil, err
	}
	gray, err := decodePGM(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(pgmPath), err)
	}

	var blocks []image.Rectangle
	xyCut(gray, gray.Bounds(), true, 0, &blocks)
	var (
		files []string
		kept  []image.Rectangle
	)
	for i, b := range blocks {
		if b.Dx() < minBlockDim || b.Dy() < minBlockDim || !hasTallInk(gray, b) {
			continue
		}
		name := fmt.Sprintf("%s.block%03d.pgm", strings.TrimSuffix(pgmPath, ".pgm"), i)
		if err := os.WriteFile(name, encodePGM(gray, b), 0o600); err != nil {
			return nil, err
		}
		files, kept = append(files, name), append(kept, b)
	}
	if len(files) == 0 {
		return nil, nil
	}
	// Only the symbologies Interlend prints, every second scan line: bars
	// and QR modules are many pixels tall at 300 dpi.
	args := []string{"--nodbus", "--xml", "-q", "-Sdisable", "-Scode128.enable", "-Sqrcode.enable", "-Sx-density=2", "-Sy-density=2"}
	out, err := runTool(zbarimg, append(args, files...)...)
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 4) { // 4: nothing found
		return nil, fmt.Errorf("zbarimg: %w\n%s", err, out)
	}
	var doc zbarXML
	if err := xml.Unmarshal(out, &doc); err != nil && len(bytes.TrimSpace(out)) > 0 {
		return nil, fmt.Errorf("parse zbarimg output: %w\n%s", err, out)
	}
	var syms []Symbol
	for _, s := range doc.Sources {
		i := slices.Index(files, s.Href)
		if i < 0 {
			return nil, fmt.Errorf("zbarimg reported unknown source %q", s.Href)
		}
		for _, idx := range s.Indexes {
			for _, sym := range idx.Symbols {
				syms = append(syms, Symbol{Page: page, Type: sym.Type, Data: sym.Data, X: kept[i].Min.X, Y: kept[i].Min.Y})
			}
		}
	}
	slices.SortStableFunc(syms, func(a, b Symbol) int {
		if a.Y != b.Y {
			return a.Y - b.Y
		}
		return a.X - b.X
	})
	return syms, nil
}

// hasTallInk reports whether some column of r has minInkRun dark pixels in
// a row: blocks without are text, which zbarimg need not be run on.
func hasTallInk(img *image.Gray, r image.Rectangle) bool {
	for x := r.Min.X; x < r.Max.X; x++ {
		run := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			if img.Pix[img.PixOffset(x, y)] >= darkLevel {
				run = 0
				continue
			}
			if run++; run >= minInkRun {
				return true
			}
		}
	}
	return false
}

type zbarXML struct {
	Sources []struct {
		Href    string `xml:"href,attr"`
		Indexes []struct {
			Symbols []struct {
				Type string `xml:"type,attr"`
				Data string `xml:"data"`
			} `xml:"symbol"`
		} `xml:"index"`
	} `xml:"source"`
}

// xyCut splits r along blank rows (rows=true) or columns, recursing with
// the other direction into each piece, and appends the pieces no cut
// divides further. Every piece keeps the whole white strip on each side of
// it, which a barcode needs as its quiet zone.
func xyCut(img *image.Gray, r image.Rectangle, rows bool, failed int, out *[]image.Rectangle) {
	pieces := split(img, r, rows)
	if len(pieces) == 1 {
		if failed == 1 { // neither direction divides r
			*out = append(*out, r)
			return
		}
		xyCut(img, r, !rows, failed+1, out)
		return
	}
	for _, p := range pieces {
		xyCut(img, p, !rows, 0, out)
	}
}

// split divides r at blank strips across it at least the minimum gap wide.
func split(img *image.Gray, r image.Rectangle, rows bool) []image.Rectangle {
	n, gap := r.Dy(), minRowGap
	if !rows {
		n, gap = r.Dx(), minColGap
	}
	// A strip is blank when at most maxStray pixels across it are dark, so
	// that a thin rule (a cut line) crossing it does not hold it together.
	blank := func(i int) bool {
		dark := 0
		if rows {
			y := r.Min.Y + i
			for _, v := range img.Pix[img.PixOffset(r.Min.X, y):img.PixOffset(r.Max.X, y)] {
				if v < darkLevel {
					dark++
				}
			}
		} else {
			for p := img.PixOffset(r.Min.X+i, r.Min.Y); p < img.PixOffset(r.Min.X+i, r.Max.Y); p += img.Stride {
				if img.Pix[p] < darkLevel {
					dark++
				}
			}
		}
		return dark <= maxStray
	}
	type gapRun struct{ start, end int }
	var (
		gaps     []gapRun // blank strips wide enough to cut at, relative to r
		runStart = -1
		seenInk  = false
	)
	for i := 0; i <= n; i++ {
		if i < n && blank(i) {
			if runStart < 0 {
				runStart = i
			}
			continue
		}
		if runStart >= 0 && i-runStart >= gap && seenInk && i < n {
			gaps = append(gaps, gapRun{runStart, i})
		}
		runStart = -1
		seenInk = true
	}
	// Each piece runs from the start of the gap before it to the end of
	// the gap after it: neighbours overlap only in white.
	var out []image.Rectangle
	for k := 0; k <= len(gaps); k++ {
		lo, hi := 0, n
		if k > 0 {
			lo = gaps[k-1].start
		}
		if k < len(gaps) {
			hi = gaps[k].end
		}
		piece := image.Rect(r.Min.X, r.Min.Y+lo, r.Max.X, r.Min.Y+hi)
		if !rows {
			piece = image.Rect(r.Min.X+lo, r.Min.Y, r.Min.X+hi, r.Max.Y)
		}
		out = append(out, piece)
	}
	return out
}

// pageNumber reads N from pdftoppm's "page-N.pgm" (N may be zero-padded).
func pageNumber(path string) int {
	base := strings.TrimSuffix(filepath.Base(path), ".pgm")
	n, _ := strconv.Atoi(base[strings.LastIndexByte(base, '-')+1:])
	return n
}

func writePDF(tb testing.TB, pdf []byte) string {
	tb.Helper()
	f := filepath.Join(tb.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		tb.Fatal(err)
	}
	return f
}

// runTool runs an outside program and returns its standard output, with
// its standard error in the error.
func runTool(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("%s: %w: %s", filepath.Base(name), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// decodePGM reads a binary 8-bit PGM (P5), as pdftoppm -gray writes it.
func decodePGM(b []byte) (*image.Gray, error) {
	var (
		fields []int
		i      = 2
	)
	if !bytes.HasPrefix(b, []byte("P5")) {
		return nil, errors.New("not a binary PGM")
	}
	for len(fields) < 3 {
		for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
			i++
		}
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		n, err := strconv.Atoi(string(b[start:i]))
		if err != nil {
			return nil, fmt.Errorf("PGM header: %w", err)
		}
		fields = append(fields, n)
	}
	w, h, maxval := fields[0], fields[1], fields[2]
	i++ // the single whitespace before the raster
	if maxval != 255 || i+w*h > len(b) {
		return nil, fmt.Errorf("PGM %dx%d maxval %d: unsupported or truncated", w, h, maxval)
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	copy(img.Pix, b[i:i+w*h])
	return img, nil
}

// encodePGM writes the r part of img as a binary PGM.
func encodePGM(img *image.Gray, r image.Rectangle) []byte {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "P5\n%d %d\n255\n", r.Dx(), r.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		buf.Write(img.Pix[img.PixOffset(r.Min.X, y):img.PixOffset(r.Max.X, y)])
	}
	return buf.Bytes()
}
