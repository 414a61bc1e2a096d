package pdf

import (
	"fmt"
	"image"
	"image/color"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/code128"
	"github.com/boombuler/barcode/qr"
)

// Barcode geometry. A module (the narrowest bar) of 0.96 pt is exactly four
// dots of a 300 dpi printer, which scanners and zbarimg read reliably; the
// thermal module of 1.08 pt is three dots of a 203 dpi label printer. The
// raster holds pxPerModule pixels a module so that no renderer needs to
// interpolate when it prints at 300 dpi.
const (
	moduleLaser      = 0.96
	moduleThermal    = 3 * 72.0 / 203
	qrModule         = 1.44
	pxPerModule      = 4
	code128Quiet     = 10 // modules of white each side
	qrQuiet          = 4
	code128BarHeight = 34.0 // points (12 mm)
)

// barcodeRaster draws bc into an 8-bit grey image, with quiet modules of
// white around it, px pixels a module. Barcode images from boombuler use a
// 16-bit colour model that gopdf does not embed, hence the copy.
func barcodeRaster(bc barcode.Barcode, quietX, quietY, px, rows int) *image.Gray {
	b := bc.Bounds()
	h := rows
	if rows == 0 {
		h = (b.Dy() + 2*quietY) * px
	}
	img := image.NewGray(image.Rect(0, 0, (b.Dx()+2*quietX)*px, h))
	for i := range img.Pix {
		img.Pix[i] = 0xFF
	}
	for mx := 0; mx < b.Dx(); mx++ {
		for my := 0; my < b.Dy(); my++ {
			if g := color.GrayModel.Convert(bc.At(b.Min.X+mx, b.Min.Y+my)).(color.Gray); g.Y >= 0x80 {
				continue
			}
			x0 := (mx + quietX) * px
			if rows > 0 { // a linear code: a full-height bar
				for y := 0; y < h; y++ {
					for x := x0; x < x0+px; x++ {
						img.Pix[y*img.Stride+x] = 0
					}
				}
				continue
			}
			y0 := (my + quietY) * px
			for y := y0; y < y0+px; y++ {
				for x := x0; x < x0+px; x++ {
					img.Pix[y*img.Stride+x] = 0
				}
			}
		}
	}
	return img
}

// code128Image encodes value as Code128 with its quiet zones, pxPerModule
// pixels a module. It fails for an empty value or one outside ASCII.
func code128Image(value string) (*image.Gray, error) {
	if value == "" {
		return nil, fmt.Errorf("pdf: empty barcode value")
	}
	for _, r := range value {
		if r > 0x7E || r < 0x20 {
			return nil, fmt.Errorf("pdf: barcode value %q: Code128 takes printable ASCII only", value)
		}
	}
	bc, err := code128.Encode(value)
	if err != nil {
		return nil, fmt.Errorf("pdf: encode Code128 %q: %w", value, err)
	}
	return barcodeRaster(bc, code128Quiet, 0, pxPerModule, pxPerModule), nil
}

// qrImage encodes value as a QR code (error correction M) with its quiet
// zone, pxPerModule pixels a module.
func qrImage(value string) (*image.Gray, error) {
	if value == "" {
		return nil, fmt.Errorf("pdf: empty QR value")
	}
	bc, err := qr.Encode(value, qr.M, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("pdf: encode QR %q: %w", value, err)
	}
	return barcodeRaster(bc, qrQuiet, qrQuiet, pxPerModule, 0), nil
}

// code128Width is the printed width, quiet zones included, of value's
// Code128 symbol at the given module width.
func code128Width(value string, module float64) (float64, error) {
	img, err := code128Image(value)
	if err != nil {
		return 0, err
	}
	return float64(img.Bounds().Dx()/pxPerModule) * module, nil
}

// qrSide is the printed side, quiet zone included, of value's QR symbol.
func qrSide(value string, module float64) (float64, error) {
	img, err := qrImage(value)
	if err != nil {
		return 0, err
	}
	return float64(img.Bounds().Dx()/pxPerModule) * module, nil
}

// code128 draws value's Code128 symbol with its left quiet zone starting
// at x, bars from y down height points, and returns its width.
func (c *canvas) code128(value string, x, y, module, height float64) float64 {
	if c.err != nil {
		return 0
	}
	img, err := code128Image(value)
	if err != nil {
		c.fail(err)
		return 0
	}
	w := float64(img.Bounds().Dx()/pxPerModule) * module
	c.image(img, x, y, w, height)
	return w
}

// qr draws value's QR symbol, quiet zone included, with its top-left at x,
// y, and returns its side.
func (c *canvas) qr(value string, x, y, module float64) float64 {
	if c.err != nil {
		return 0
	}
	img, err := qrImage(value)
	if err != nil {
		c.fail(err)
		return 0
	}
	side := float64(img.Bounds().Dx()/pxPerModule) * module
	c.image(img, x, y, side, side)
	return side
}
