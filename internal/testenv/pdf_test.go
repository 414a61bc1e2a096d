package testenv

import (
	"image"
	"image/draw"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// bars draws a barcode-like block: alternating 4-pixel bars and spaces,
// starting and (for widths of an odd number of 4-pixel steps) ending with
// a bar, so that r is the ink's bounding box.
func bars(img *image.Gray, r image.Rectangle) {
	for x := r.Min.X; x < r.Max.X; x++ {
		if (x-r.Min.X)/4%2 == 1 {
			continue
		}
		for y := r.Min.Y; y < r.Max.Y; y++ {
			img.Pix[img.PixOffset(x, y)] = 0
		}
	}
}

func TestXYCutFindsBlocksAcrossCutLines(t *testing.T) {
	t.Parallel()
	img := image.NewGray(image.Rect(0, 0, 1000, 800))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	// A 2×2 sheet: one block in each quarter, dashed cut lines between.
	blocks := []image.Rectangle{
		image.Rect(100, 100, 304, 220), image.Rect(600, 100, 804, 220),
		image.Rect(100, 500, 304, 620), image.Rect(600, 500, 804, 620),
	}
	for _, b := range blocks {
		bars(img, b)
	}
	for i := 0; i < 1000; i += 16 {
		for d := range 10 {
			if i+d < 800 {
				img.Pix[img.PixOffset(500, i+d)] = 0 // vertical dashes
			}
			img.Pix[img.PixOffset(i+d, 400)] = 0 // horizontal dashes
		}
	}
	var got []image.Rectangle
	xyCut(img, img.Bounds(), true, 0, &got)
	// Each block must be alone in exactly one piece, the pieces holding
	// them in reading order.
	var order []int
	for _, piece := range got {
		for i, b := range blocks {
			if b.Overlaps(piece) {
				if !b.In(piece) {
					t.Errorf("block %v cut by piece %v", b, piece)
				}
				order = append(order, i)
			}
		}
	}
	if diff := cmp.Diff([]int{0, 1, 2, 3}, order); diff != "" {
		t.Errorf("blocks found in pieces (-want +got):\n%s\npieces: %v", diff, got)
	}
	// A block keeps white around it for its quiet zone.
	for _, piece := range got {
		if blocks[0].In(piece) && (piece.Min.X > 60 || piece.Max.X < 344) {
			t.Errorf("piece %v leaves block %v too little white", piece, blocks[0])
		}
	}
}

func TestHasTallInk(t *testing.T) {
	t.Parallel()
	img := image.NewGray(image.Rect(0, 0, 200, 200))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	bars(img, image.Rect(10, 10, 50, 10+minInkRun-1))
	if hasTallInk(img, img.Bounds()) {
		t.Errorf("ink %d pixels tall counted as a barcode", minInkRun-1)
	}
	bars(img, image.Rect(100, 10, 140, 10+minInkRun))
	if !hasTallInk(img, img.Bounds()) {
		t.Errorf("ink %d pixels tall not counted", minInkRun)
	}
}

func TestPGMRoundTrip(t *testing.T) {
	t.Parallel()
	img := image.NewGray(image.Rect(0, 0, 7, 5))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	sub := image.Rect(2, 1, 6, 4)
	got, err := decodePGM(encodePGM(img, sub))
	if err != nil {
		t.Fatal(err)
	}
	if got.Bounds().Dx() != sub.Dx() || got.Bounds().Dy() != sub.Dy() {
		t.Fatalf("decoded bounds %v, want %v", got.Bounds(), sub.Size())
	}
	for y := range sub.Dy() {
		for x := range sub.Dx() {
			if g, w := got.GrayAt(x, y).Y, img.GrayAt(sub.Min.X+x, sub.Min.Y+y).Y; g != w {
				t.Errorf("pixel %d,%d = %d, want %d", x, y, g, w)
			}
		}
	}
	for _, bad := range []string{"", "P6\n1 1\n255\n\x00\x00\x00", "P5\n4 4\n255\n\x00", "P5\n1 1\n65535\n\x00\x00"} {
		if _, err := decodePGM([]byte(bad)); err == nil {
			t.Errorf("decodePGM(%q): no error", bad)
		}
	}
}

func TestPageNumber(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{"/tmp/x/page-1.pgm": 1, "page-07.pgm": 7, "/a-b/page-123.pgm": 123} {
		if got := pageNumber(in); got != want {
			t.Errorf("pageNumber(%q) = %d, want %d", in, got, want)
		}
	}
}
