package pdf

import (
	"image"
	"strings"
	"testing"
)

func TestCode128Image(t *testing.T) {
	t.Parallel()
	img, err := code128Image("B1000042")
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx()%pxPerModule != 0 || b.Dy() != pxPerModule {
		t.Errorf("bounds %v: want whole modules of %d px, %d px high", b, pxPerModule, pxPerModule)
	}
	// The quiet zones are white; the symbol starts with a bar.
	quiet := code128Quiet * pxPerModule
	for _, x := range []int{0, quiet - 1, b.Dx() - quiet, b.Dx() - 1} {
		if img.GrayAt(x, 0).Y != 0xFF {
			t.Errorf("pixel %d of the quiet zone is not white", x)
		}
	}
	if img.GrayAt(quiet, 0).Y != 0 {
		t.Errorf("first module after the quiet zone is not a bar")
	}
	if w, err := code128Width("B1000042", 1); err != nil || w != float64(b.Dx()/pxPerModule) {
		t.Errorf("code128Width = %v, %v: want %d modules", w, err, b.Dx()/pxPerModule)
	}
}

func TestBarcodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		enc  func(string) (*image.Gray, error)
		in   string
		want string
	}{
		{"empty code128", code128Image, "", "empty barcode"},
		{"non-ascii code128", code128Image, "Bücher-1", "printable ASCII"},
		{"control code128", code128Image, "B1\n", "printable ASCII"},
		{"empty qr", qrImage, "", "empty QR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.enc(tt.in); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("encode %q: error %v, want one containing %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestQRImageIsSquare(t *testing.T) {
	t.Parallel()
	img, err := qrImage("https://ill.example.org/r/B1000042")
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() != b.Dy() || b.Dx()%pxPerModule != 0 {
		t.Errorf("QR bounds %v: want a square of whole modules", b)
	}
	if img.GrayAt(0, 0).Y != 0xFF || img.GrayAt(qrQuiet*pxPerModule, qrQuiet*pxPerModule).Y != 0 {
		t.Errorf("QR: want a white quiet zone, then the dark corner of a finder pattern")
	}
}
