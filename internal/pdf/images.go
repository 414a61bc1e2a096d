package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	_ "image/png" // a registered decoder for scanned pages

	"github.com/signintech/gopdf"
	"golang.org/x/image/tiff"
)

// ErrImage is wrapped by every error about a page image that cannot be
// read: not JPEG, PNG or TIFF, corrupt, or too large.
var ErrImage = errors.New("unreadable image")

// maxImagePixels bounds one page image (a 600 dpi A3 colour scan is about
// 70 million pixels), so that a hostile file cannot claim gigabytes.
const maxImagePixels = 100_000_000

// ImagesToPDF assembles scanned page images into one A4 PDF, a page per
// image, each scaled to fit the sheet (landscape images on landscape
// sheets). See [ImagesToPDFOn].
func ImagesToPDF(pages [][]byte) ([]byte, error) {
	return ImagesToPDFOn(A4, pages)
}

// ImagesToPDFOn assembles JPEG, PNG and TIFF images into one PDF on the
// given paper, a page per image and a page per page of a multi-page TIFF.
// JPEG data is embedded as it is; other images are stored losslessly. An
// image that cannot be read fails the whole document with an error that
// wraps [ErrImage] and names the image by its 1-based position.
func ImagesToPDFOn(paper Paper, pages [][]byte) ([]byte, error) {
	if len(pages) == 0 {
		return nil, fmt.Errorf("pdf: images to PDF: no images")
	}
	pw, ph, err := paper.size()
	if err != nil {
		return nil, err
	}
	c, err := newCanvas(pw, ph, "Scanned document")
	if err != nil {
		return nil, err
	}
	for i, data := range pages {
		if err := c.addImagePages(pw, ph, data); err != nil {
			return nil, fmt.Errorf("pdf: image %d of %d: %w", i+1, len(pages), err)
		}
	}
	return c.bytes()
}

// addImagePages adds one page per picture in data.
func (c *canvas) addImagePages(pw, ph float64, data []byte) error {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrImage, err)
	}
	if err := checkDims(cfg); err != nil {
		return err
	}
	switch format {
	case "jpeg":
		return c.addJPEGPage(pw, ph, data, cfg)
	case "tiff":
		count, page, err := tiffPages(data)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrImage, err)
		}
		for n := range count {
			img, err := decodeTIFF(page(n))
			if err != nil {
				return fmt.Errorf("%w: TIFF page %d: %w", ErrImage, n+1, err)
			}
			c.imagePage(pw, ph, flatten(img), img.Bounds())
		}
		return c.err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrImage, err)
	}
	c.imagePage(pw, ph, flatten(img), img.Bounds())
	return c.err
}

func checkDims(cfg image.Config) error {
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return fmt.Errorf("%w: empty image %dx%d", ErrImage, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxImagePixels {
		return fmt.Errorf("%w: %dx%d pixels is more than %d", ErrImage, cfg.Width, cfg.Height, maxImagePixels)
	}
	return nil
}

func decodeTIFF(data []byte) (image.Image, error) {
	cfg, err := tiff.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if err := checkDims(cfg); err != nil {
		return nil, err
	}
	return tiff.Decode(bytes.NewReader(data))
}

// addJPEGPage embeds RGB and grey JPEGs untouched; others (CMYK) are
// decoded and re-encoded, since PDF viewers disagree on CMYK JPEGs.
func (c *canvas) addJPEGPage(pw, ph float64, data []byte, cfg image.Config) error {
	// Decode fully even when the data is embedded as is: a truncated or
	// corrupt JPEG must fail here, not in the reader's viewer.
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrImage, err)
	}
	if cfg.ColorModel != color.YCbCrModel && cfg.ColorModel != color.GrayModel {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, flatten(img), &jpeg.Options{Quality: 90}); err != nil {
			return fmt.Errorf("pdf: re-encode JPEG: %w", err)
		}
		data = buf.Bytes()
	}
	holder, err := gopdf.ImageHolderByBytes(data)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrImage, err)
	}
	x, y, w, h := c.startImagePage(pw, ph, img.Bounds())
	c.imageHolder(holder, x, y, w, h)
	return c.err
}

// imagePage adds a page holding img scaled to fit.
func (c *canvas) imagePage(pw, ph float64, img image.Image, b image.Rectangle) {
	x, y, w, h := c.startImagePage(pw, ph, b)
	c.image(img, x, y, w, h)
}

// startImagePage adds a sheet turned to the image's orientation and
// returns where the image goes: centred, as large as fits.
func (c *canvas) startImagePage(pw, ph float64, b image.Rectangle) (x, y, w, h float64) {
	iw, ih := float64(b.Dx()), float64(b.Dy())
	if (iw > ih) != (pw > ph) {
		pw, ph = ph, pw
	}
	c.addPageSized(pw, ph)
	scale := min(pw/iw, ph/ih)
	w, h = iw*scale, ih*scale
	return (pw - w) / 2, (ph - h) / 2, w, h
}

// flatten returns img as 8-bit grey or RGB without alpha (composited on
// white), the forms gopdf embeds.
func flatten(img image.Image) image.Image {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.Gray:
		return m
	case *image.RGBA:
		if m.Opaque() {
			return m
		}
	}
	if isGrey(img.ColorModel()) {
		g := image.NewGray(b)
		draw.Draw(g, b, image.White, image.Point{}, draw.Src)
		draw.Draw(g, b, img, b.Min, draw.Over)
		return g
	}
	out := image.NewRGBA(b)
	draw.Draw(out, b, image.White, image.Point{}, draw.Src)
	draw.Draw(out, b, img, b.Min, draw.Over)
	return out
}

// isGrey reports colour models without colour: grey, 16-bit grey, and
// palettes (such as bilevel scans) whose entries are all grey.
func isGrey(m color.Model) bool {
	switch m {
	case color.GrayModel, color.Gray16Model:
		return true
	}
	p, ok := m.(color.Palette)
	if !ok {
		return false
	}
	for _, c := range p {
		r, g, b, a := c.RGBA()
		if r != g || g != b || a != 0xFFFF {
			return false
		}
	}
	return true
}
