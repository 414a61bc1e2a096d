package pdf

import "fmt"

// BookBand is the strip of paper wrapped around a borrowed book: it tells
// the patron when to return it and the desk which request it belongs to.
type BookBand struct {
	RequestID  string // printed as Code128 and text
	Title      string
	Borrower   string   // borrowing library, whose patron has the book
	Lender     string   // owning library
	PatronDue  string   // the date the patron must return it, formatted by the caller
	Conditions []string // e.g. "Library use only", "No renewals"
}

// BookBandBatch is bands printed together, three side by side a sheet.
type BookBandBatch struct {
	Paper  Paper
	Bands  []BookBand
	Labels Labels
}

const bandsPerPage = 3

// BookBands prints the batch as tall strips with cut lines between them.
// It fails for an empty batch or a band without a request id.
func BookBands(b BookBandBatch) ([]byte, error) {
	if len(b.Bands) == 0 {
		return nil, fmt.Errorf("pdf: book bands: empty batch")
	}
	for i, band := range b.Bands {
		if band.RequestID == "" {
			return nil, fmt.Errorf("pdf: book band %d: no request id", i+1)
		}
	}
	w, h, err := b.Paper.size()
	if err != nil {
		return nil, err
	}
	c, err := newCanvas(w, h, "Book bands")
	if err != nil {
		return nil, err
	}
	lb := b.Labels.withDefaults()
	regions := grid(w, h, bandsPerPage, 1)
	for i, band := range b.Bands {
		slot := i % bandsPerPage
		if slot == 0 {
			c.addPage()
			c.drawCutLines(w, h, bandsPerPage, 1)
		}
		c.bookBand(regions[slot].inset(14), band, lb)
	}
	return c.bytes()
}

// bookBand lays out one band in r, top to bottom.
func (c *canvas) bookBand(r region, band BookBand, lb Labels) {
	c.warning(r.x, r.y, r.w, lb.DoNotRemove)
	y := r.y + 44
	y = c.field(r.x, y, r.w, lb.Borrower, band.Borrower, bold, 13, 3)
	y = c.field(r.x, y, r.w, lb.Title, band.Title, regular, 11, 5)
	if band.PatronDue != "" {
		y += 6
		size := c.fonts.fitSize(bold, band.PatronDue, 22, 12, r.w)
		y = c.field(r.x, y, r.w, lb.Due, band.PatronDue, bold, size, 1) + 6
	}
	if len(band.Conditions) > 0 {
		c.caption(r.x, y+captionSize, lb.Conditions)
		y += captionSize + 3
		for _, cond := range band.Conditions {
			lines := c.fonts.wrap(bold, 12, cond, r.w-10, 3)
			bh := float64(len(lines))*14.5 + 8
			c.box(r.x, y, r.w, bh, 1.5)
			c.paragraph(r.x+5, y+4+12, r.w-10, bold, 12, 14.5, cond, 3)
			y += bh + 4
		}
		y += 4
	}
	y = c.field(r.x, y, r.w, lb.Lender, band.Lender, regular, 10, 2)

	// The request barcode above the closing warning, narrowed to fit.
	by := r.y + r.h - 44 - 30 - 16
	module := moduleLaser
	if bw, err := code128Width(band.RequestID, module); err == nil && bw-code128Quiet*module > r.w {
		module = max(0.5, r.w/(bw/module-code128Quiet))
	}
	if by > y {
		c.code128(band.RequestID, r.x-code128Quiet*module, by, module, 30)
		c.text(r.x, by+30+11, regular, 9, lb.Request+" "+band.RequestID)
	}
	c.warning(r.x, r.y+r.h-40, r.w, lb.DoNotRemove)
}

// warning prints a short notice centred in a shaded box 40 points high.
func (c *canvas) warning(x, y, w float64, text string) {
	c.shade(x, y, w, 40)
	lines := c.fonts.wrap(bold, 10, text, w-8, 3)
	base := y + 20 - float64(len(lines))*12/2 + 9
	for _, line := range lines {
		c.textCenter(x+w/2, base, bold, 10, line)
		base += 12
	}
}
