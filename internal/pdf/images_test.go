package pdf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/image/tiff"

	"interlend/internal/testenv"
)

// scanPage is a white w×h page with value's Code128 drawn on it, so that
// decoding the PDF's barcodes shows which image landed on which page.
func scanPage(t *testing.T, value string, w, h int) *image.Gray {
	t.Helper()
	bc, err := code128Image(value)
	if err != nil {
		t.Fatal(err)
	}
	page := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(page, page.Bounds(), image.White, image.Point{}, draw.Src)
	// Two pixels a module, 80 pixels high, near the top left.
	for y := 40; y < 120; y++ {
		for x := 0; x < bc.Bounds().Dx()/2; x++ {
			page.SetGray(40+x, y, bc.GrayAt(x*2, 0))
		}
	}
	return page
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	// A colour JPEG, as a phone or a colour scanner makes.
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, image.Point{}, draw.Src)
	rgba.Set(1, 1, color.RGBA{200, 30, 30, 255})
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, rgba, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeTIFF(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := tiff.Encode(&buf, img, &tiff.Options{Compression: tiff.Deflate}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// multiPageTIFF writes grey pages as one uncompressed, little-endian TIFF
// with a directory per page, as document scanners do.
func multiPageTIFF(pages []*image.Gray) []byte {
	le := binary.LittleEndian
	out := []byte{'I', 'I', 42, 0, 0, 0, 0, 0}
	prevNext := 4 // where the offset of the next directory goes
	for _, p := range pages {
		w, h := p.Bounds().Dx(), p.Bounds().Dy()
		dataOff := len(out)
		for y := range h {
			out = append(out, p.Pix[y*p.Stride:y*p.Stride+w]...)
		}
		if len(out)%2 == 1 {
			out = append(out, 0)
		}
		ifd := len(out)
		le.PutUint32(out[prevNext:], uint32(ifd))
		entries := [][3]uint32{ // tag, type (3 short, 4 long), value
			{256, 4, uint32(w)}, {257, 4, uint32(h)}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1},
			{273, 4, uint32(dataOff)}, {277, 3, 1}, {278, 4, uint32(h)}, {279, 4, uint32(w * h)},
		}
		out = le.AppendUint16(out, uint16(len(entries)))
		for _, e := range entries {
			out = le.AppendUint16(out, uint16(e[0]))
			out = le.AppendUint16(out, uint16(e[1]))
			out = le.AppendUint32(out, 1)
			if e[1] == 3 {
				out = le.AppendUint16(out, uint16(e[2]))
				out = le.AppendUint16(out, 0)
			} else {
				out = le.AppendUint32(out, e[2])
			}
		}
		prevNext = len(out)
		out = le.AppendUint32(out, 0)
	}
	return out
}

func TestImagesToPDF(t *testing.T) {
	t.Parallel()
	jpg := encodeJPEG(t, scanPage(t, "PAGE-1", 620, 877))
	pngData := encodePNG(t, scanPage(t, "PAGE-2", 620, 877))
	tif := encodeTIFF(t, scanPage(t, "PAGE-3", 877, 620)) // landscape
	doc, err := ImagesToPDF([][]byte{jpg, pngData, tif})
	if err != nil {
		t.Fatal(err)
	}
	sizes := pageSizes(t, doc)
	want := [][2]float64{{595.28, 841.89}, {595.28, 841.89}, {841.89, 595.28}}
	if len(sizes) != len(want) {
		t.Fatalf("pages = %d, want %d", len(sizes), len(want))
	}
	for i := range want {
		if !near(sizes[i][0], want[i][0]) || !near(sizes[i][1], want[i][1]) {
			t.Errorf("page %d is %v, want %v", i+1, sizes[i], want[i])
		}
	}
	if got := testenv.PDFPageCount(t, doc); got != 3 {
		t.Errorf("pdfinfo pages = %d, want 3", got)
	}
	if diff := cmp.Diff([]string{"PAGE-1", "PAGE-2", "PAGE-3"}, testenv.PDFBarcodes(t, doc)); diff != "" {
		t.Errorf("page images out of order or unreadable (-want +got):\n%s", diff)
	}
	// The JPEG is embedded as it is, not re-encoded.
	if !bytes.Contains(doc, jpg[:64]) {
		t.Errorf("JPEG data not embedded unchanged")
	}
}

func TestImagesToPDFMultiPageTIFF(t *testing.T) {
	t.Parallel()
	tif := multiPageTIFF([]*image.Gray{
		scanPage(t, "TIFF-1", 500, 700), scanPage(t, "TIFF-2", 500, 700), scanPage(t, "TIFF-3", 700, 500),
	})
	doc, err := ImagesToPDFOn(Letter, [][]byte{tif, encodePNG(t, scanPage(t, "PNG-4", 500, 700))})
	if err != nil {
		t.Fatal(err)
	}
	sizes := pageSizes(t, doc)
	if len(sizes) != 4 || !near(sizes[0][0], 612) || !near(sizes[2][0], 792) {
		t.Errorf("page sizes %v: want 4 Letter pages, the third landscape", sizes)
	}
	if diff := cmp.Diff([]string{"TIFF-1", "TIFF-2", "TIFF-3", "PNG-4"}, testenv.PDFBarcodes(t, doc)); diff != "" {
		t.Errorf("barcodes mismatch (-want +got):\n%s", diff)
	}
}

func TestImagesToPDFBadInput(t *testing.T) {
	t.Parallel()
	good := encodePNG(t, scanPage(t, "OK", 100, 140))
	jpg := encodeJPEG(t, scanPage(t, "OK", 100, 140))
	tif := multiPageTIFF([]*image.Gray{scanPage(t, "A", 100, 140), scanPage(t, "B", 100, 140)})
	loop := append([]byte(nil), tif...)
	binary.LittleEndian.PutUint32(loop[len(loop)-4:], binary.LittleEndian.Uint32(loop[4:8])) // page 2 points back to page 1
	truncTIFF := multiPageTIFF([]*image.Gray{scanPage(t, "A", 100, 140)})
	binary.LittleEndian.PutUint32(truncTIFF[len(truncTIFF)-4:], uint32(len(truncTIFF)+100))
	tests := []struct {
		name  string
		pages [][]byte
		want  string
	}{
		{"not an image", [][]byte{good, []byte("%PDF-1.4 not an image")}, "image 2 of 2"},
		{"truncated PNG", [][]byte{good[:len(good)/2]}, "image 1 of 1"},
		{"truncated JPEG", [][]byte{good, good, jpg[:len(jpg)/2]}, "image 3 of 3"},
		{"TIFF directory loop", [][]byte{loop}, "loops"},
		{"TIFF directory past the end", [][]byte{truncTIFF}, "past end of file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ImagesToPDF(tt.pages)
			if !errors.Is(err, ErrImage) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v: want ErrImage mentioning %q", err, tt.want)
			}
			if doc != nil {
				t.Errorf("got a PDF with the error")
			}
		})
	}
	if _, err := ImagesToPDF(nil); err == nil || !strings.Contains(err.Error(), "no images") {
		t.Errorf("no images: error %v", err)
	}
}

func TestImageTooLarge(t *testing.T) {
	t.Parallel()
	// A PNG header claiming 20000×20000 pixels: refused before decoding.
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	binary.BigEndian.PutUint32(b[16:], 20000)
	binary.BigEndian.PutUint32(b[20:], 20000)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29])) // the IHDR chunk's CRC
	if _, err := ImagesToPDF([][]byte{b}); !errors.Is(err, ErrImage) || !strings.Contains(err.Error(), "more than") {
		t.Errorf("huge image: error %v, want ErrImage about its size", err)
	}
}

func TestImagesToPDFColourModels(t *testing.T) {
	t.Parallel()
	g16 := image.NewGray16(image.Rect(0, 0, 40, 60))
	alpha := image.NewNRGBA(image.Rect(0, 0, 40, 60)) // fully transparent: prints white
	bilevel := image.NewPaletted(image.Rect(0, 0, 40, 60), color.Palette{color.Black, color.White})
	cmyk := image.NewCMYK(image.Rect(0, 0, 40, 60))
	var cmykJPEG bytes.Buffer
	if err := jpeg.Encode(&cmykJPEG, cmyk, nil); err != nil {
		t.Fatal(err)
	}
	pages := [][]byte{encodePNG(t, g16), encodePNG(t, alpha), encodePNG(t, bilevel), encodeTIFF(t, alpha), cmykJPEG.Bytes()}
	doc, err := ImagesToPDF(pages)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := PageCount(doc); err != nil || n != len(pages) {
		t.Errorf("PageCount = %d, %v; want %d", n, err, len(pages))
	}
}

func TestFlatten(t *testing.T) {
	t.Parallel()
	alpha := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	alpha.SetNRGBA(1, 0, color.NRGBA{255, 0, 0, 255})
	got, ok := flatten(alpha).(*image.RGBA)
	if !ok {
		t.Fatalf("flatten(NRGBA) is %T, want *image.RGBA", flatten(alpha))
	}
	if c := got.RGBAAt(0, 0); c != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("transparent pixel flattened to %v, want white", c)
	}
	if c := got.RGBAAt(1, 0); c != (color.RGBA{255, 0, 0, 255}) {
		t.Errorf("opaque red flattened to %v", c)
	}
	bilevel := image.NewPaletted(image.Rect(0, 0, 1, 1), color.Palette{color.Black, color.White})
	if _, ok := flatten(bilevel).(*image.Gray); !ok {
		t.Errorf("flatten(black-and-white palette) is %T, want *image.Gray", flatten(bilevel))
	}
}
