package pdf

import (
	"image"
	"strings"
	"testing"
)

func TestTIFFIFDs(t *testing.T) {
	t.Parallel()
	three := multiPageTIFF([]*image.Gray{
		image.NewGray(image.Rect(0, 0, 2, 2)), image.NewGray(image.Rect(0, 0, 3, 3)), image.NewGray(image.Rect(0, 0, 4, 4)),
	})
	offs, _, err := tiffIFDs(three)
	if err != nil || len(offs) != 3 {
		t.Fatalf("tiffIFDs = %v, %v; want 3 directories", offs, err)
	}
	count, page, err := tiffPages(three)
	if err != nil || count != 3 {
		t.Fatalf("tiffPages = %d, %v", count, err)
	}
	for i := range count {
		img, err := decodeTIFF(page(i))
		if err != nil {
			t.Fatalf("page %d: %v", i+1, err)
		}
		if got, want := img.Bounds().Dx(), i+2; got != want {
			t.Errorf("page %d is %d wide, want %d", i+1, got, want)
		}
	}
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"short", []byte("II*"), "too short"},
		{"bad mark", []byte("XX*\x00\x08\x00\x00\x00"), "byte-order"},
		{"bigtiff", []byte("II+\x00\x08\x00\x00\x00"), "BigTIFF"},
		{"no directory", []byte("MM\x00*\x00\x00\x00\x00"), "no image directory"},
		{"offset past end", []byte("MM\x00*\x00\x00\x10\x00"), "past end"},
	}
	for _, tt := range tests {
		if _, _, err := tiffIFDs(tt.in); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}
