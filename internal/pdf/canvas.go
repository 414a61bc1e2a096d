package pdf

import (
	"fmt"
	"image"

	"github.com/signintech/gopdf"
)

// canvas wraps a gopdf document with the drawing operations the documents
// need: text in mixed scripts on a common baseline, boxes, lines and
// images. Coordinates are points from the top-left corner of the page.
// The first error is kept and every later call does nothing, so layout
// code reads straight through and checks once in bytes.
type canvas struct {
	gp       *gopdf.GoPdf
	fonts    *fontSet
	families map[string]bool // fonts added to this document so far
	w, h     float64         // current page size
	err      error
}

// newCanvas starts a document whose pages default to w×h points.
func newCanvas(w, h float64, title string) (*canvas, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	gp := new(gopdf.GoPdf)
	gp.Start(gopdf.Config{Unit: gopdf.UnitPT, PageSize: gopdf.Rect{W: w, H: h}})
	gp.SetInfo(gopdf.PdfInfo{Title: title, Creator: "Interlend", Producer: "Interlend"})
	return &canvas{gp: gp, fonts: fs, families: map[string]bool{}, w: w, h: h}, nil
}

func (c *canvas) fail(err error) {
	if c.err == nil && err != nil {
		c.err = err
	}
}

// addPage starts a page of the default size.
func (c *canvas) addPage() {
	if c.err != nil {
		return
	}
	c.gp.AddPage()
}

// addPageSized starts a page of its own size.
func (c *canvas) addPageSized(w, h float64) {
	if c.err != nil {
		return
	}
	c.w, c.h = w, h
	c.gp.AddPageWithOption(gopdf.PageOption{PageSize: &gopdf.Rect{W: w, H: h}})
}

// useFont adds a font to the document the first time it is needed, so a
// document with no CJK text does not carry the CJK font.
func (c *canvas) useFont(f *fontFile, size float64) {
	if !c.families[f.family] {
		if err := c.gp.AddTTFFontFromFontContainer(f.family, c.fonts.container); err != nil {
			c.fail(fmt.Errorf("pdf: add font %s: %w", f.family, err))
			return
		}
		c.families[f.family] = true
	}
	c.fail(c.gp.SetFontWithStyle(f.family, gopdf.Regular, size))
}

// text draws one line with its baseline at y, starting at x, and returns
// its width.
func (c *canvas) text(x, y float64, fc face, size float64, s string) float64 {
	if c.err != nil {
		return 0
	}
	start := x
	for _, rn := range c.fonts.runs(fc, s) {
		c.useFont(rn.font, size)
		if c.err != nil {
			return 0
		}
		c.gp.SetXY(x, y-rn.font.ascender*size)
		c.fail(c.gp.Cell(nil, rn.text))
		x += rn.font.runWidth(rn.text, size)
	}
	return x - start
}

// textRight draws one line ending at x.
func (c *canvas) textRight(x, y float64, fc face, size float64, s string) {
	c.text(x-c.fonts.width(fc, size, s), y, fc, size, s)
}

// textCenter draws one line centred on x.
func (c *canvas) textCenter(x, y float64, fc face, size float64, s string) {
	c.text(x-c.fonts.width(fc, size, s)/2, y, fc, size, s)
}

// textFit draws s on one line no wider than w, cut with an ellipsis.
func (c *canvas) textFit(x, y, w float64, fc face, size float64, s string) {
	c.text(x, y, fc, size, c.fonts.fit(fc, size, s, w))
}

// paragraph draws s wrapped to width w with the first baseline at y, at
// most maxLines lines (0: no limit), and returns the baseline after the
// last line.
func (c *canvas) paragraph(x, y, w float64, fc face, size, leading float64, s string, maxLines int) float64 {
	for _, line := range c.fonts.wrap(fc, size, s, w, maxLines) {
		c.text(x, y, fc, size, line)
		y += leading
	}
	return y
}

// line draws a solid line.
func (c *canvas) line(x1, y1, x2, y2, width float64) {
	if c.err != nil {
		return
	}
	c.gp.SetLineWidth(width)
	c.gp.SetLineType("solid")
	c.gp.Line(x1, y1, x2, y2)
}

// cutLine draws a dashed line to cut along.
func (c *canvas) cutLine(x1, y1, x2, y2 float64) {
	if c.err != nil {
		return
	}
	c.gp.SetLineWidth(0.5)
	c.gp.SetStrokeColor(120, 120, 120)
	c.gp.SetCustomLineType([]float64{4, 3}, 0)
	c.gp.Line(x1, y1, x2, y2)
	c.gp.SetLineType("solid")
	c.gp.SetStrokeColor(0, 0, 0)
}

// box strokes a rectangle.
func (c *canvas) box(x, y, w, h, width float64) {
	if c.err != nil {
		return
	}
	c.gp.SetLineWidth(width)
	c.gp.SetLineType("solid")
	c.gp.RectFromUpperLeftWithStyle(x, y, w, h, "D")
}

// shade fills a rectangle with a light grey.
func (c *canvas) shade(x, y, w, h float64) {
	if c.err != nil {
		return
	}
	c.gp.SetFillColor(225, 225, 225)
	c.gp.RectFromUpperLeftWithStyle(x, y, w, h, "F")
	c.gp.SetFillColor(0, 0, 0)
}

// image draws img into the w×h rectangle at x, y.
func (c *canvas) image(img image.Image, x, y, w, h float64) {
	if c.err != nil {
		return
	}
	c.fail(c.gp.ImageFrom(img, x, y, &gopdf.Rect{W: w, H: h}))
}

// imageHolder draws already-encoded image data into the rectangle.
func (c *canvas) imageHolder(img gopdf.ImageHolder, x, y, w, h float64) {
	if c.err != nil {
		return
	}
	c.fail(c.gp.ImageByHolder(img, x, y, &gopdf.Rect{W: w, H: h}))
}

// bytes finishes the document.
func (c *canvas) bytes() ([]byte, error) {
	if c.err != nil {
		return nil, c.err
	}
	out, err := c.gp.GetBytesPdfReturnErr()
	if err != nil {
		return nil, fmt.Errorf("pdf: write document: %w", err)
	}
	return out, nil
}

// Caption geometry for labelled fields.
const (
	captionSize = 7.0
	fieldGap    = 5.0 // space after a field
)

// field draws a small grey caption over value wrapped to w (at most
// maxLines lines) from top y, and returns the top of the next field. An
// empty value draws nothing.
func (c *canvas) field(x, y, w float64, caption, value string, fc face, size float64, maxLines int) float64 {
	if value == "" {
		return y
	}
	c.caption(x, y+captionSize, caption)
	leading := size * 1.2
	last := c.paragraph(x, y+captionSize+1+size, w, fc, size, leading, value, maxLines)
	return last - leading + c.fonts.depth(size) + fieldGap
}

// caption draws a small grey caption with its baseline at y.
func (c *canvas) caption(x, y float64, s string) {
	if c.err != nil || s == "" {
		return
	}
	c.gp.SetTextColor(90, 90, 90)
	c.text(x, y, regular, captionSize, s)
	c.gp.SetTextColor(0, 0, 0)
}
