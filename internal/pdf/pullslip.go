package pdf

import "fmt"

// PullSlip is the paper that sends a shelver to fetch one item for a
// lending request. Every field but RequestID may be empty.
type PullSlip struct {
	RequestID   string // printed as Code128 and text
	ItemBarcode string // optional second Code128, the item's own barcode
	CallNumber  string // printed large
	Location    string // shelving location
	Branch      string
	Title       string
	Author      string
	Volume      string // volume / issue
	Pages       string
	Borrower    string // borrowing library
	NeedBefore  string // formatted by the caller
	Service     string // "Loan", "Copy", ... as the caller words it
	Note        string // a short staff note
}

// PullSlipBatch is a run of slips printed together, in the given order.
type PullSlipBatch struct {
	Paper   Paper
	PerPage int // 2 (half page each), 3 (stacked thirds) or 4 (quarters); 0 means 3
	Slips   []PullSlip
	Labels  Labels
}

// slipGrid returns the columns and rows for a slips-per-page count.
func slipGrid(perPage int) (cols, rows int, err error) {
	switch perPage {
	case 2:
		return 1, 2, nil
	case 0, 3:
		return 1, 3, nil
	case 4:
		return 2, 2, nil
	}
	return 0, 0, fmt.Errorf("pdf: %d pull slips a page: want 2, 3 or 4", perPage)
}

// PullSlips prints the batch, several slips a page with dashed cut lines
// between them. It fails for an empty batch, a slip without a request id
// or a barcode value Code128 cannot carry.
func PullSlips(b PullSlipBatch) ([]byte, error) {
	lb := b.Labels.withDefaults()
	return slipPages("pull slip", "Pull slips", b.Paper, b.PerPage, b.Slips,
		func(s PullSlip) string { return s.RequestID },
		func(c *canvas, r region, s PullSlip) { c.pullSlip(r, s, lb) })
}

// slipPages prints slips several to a page with dashed cut lines between
// them, in the caller's order. It fails for an empty batch or a slip
// without a request id.
func slipPages[T any](kind, title string, paper Paper, perPage int, slips []T, id func(T) string, draw func(*canvas, region, T)) ([]byte, error) {
	if len(slips) == 0 {
		return nil, fmt.Errorf("pdf: %ss: empty batch", kind)
	}
	for i, s := range slips {
		if id(s) == "" {
			return nil, fmt.Errorf("pdf: %s %d: no request id", kind, i+1)
		}
	}
	w, h, err := paper.size()
	if err != nil {
		return nil, err
	}
	cols, rows, err := slipGrid(perPage)
	if err != nil {
		return nil, err
	}
	c, err := newCanvas(w, h, title)
	if err != nil {
		return nil, err
	}
	regions := grid(w, h, cols, rows)
	for i, s := range slips {
		slot := i % len(regions)
		if slot == 0 {
			c.addPage()
			c.drawCutLines(w, h, cols, rows)
		}
		draw(c, regions[slot].inset(18), s)
	}
	return c.bytes()
}

// pullSlip lays out one slip in r.
func (c *canvas) pullSlip(r region, s PullSlip, lb Labels) {
	// Request barcode top left, service and need-by date top right.
	c.code128(s.RequestID, r.x-code128Quiet*moduleLaser, r.y, moduleLaser, 30)
	c.text(r.x, r.y+40, regular, 9, lb.Request+" "+s.RequestID)
	right := r.x + r.w
	if s.Service != "" {
		c.textRight(right, r.y+14, bold, 14, s.Service)
	}
	if s.NeedBefore != "" {
		c.textRight(right, r.y+32, bold, 11, lb.NeedBy+" "+s.NeedBefore)
	}
	y := r.y + 48
	c.line(r.x, y, right, y, 0.5)
	y += 4

	// The call number is what the shelver reads first: as large as fits.
	if s.CallNumber != "" {
		size := c.fonts.fitSize(bold, s.CallNumber, 24, 11, r.w)
		y = c.field(r.x, y, r.w, lb.CallNumber, s.CallNumber, bold, size, 1)
	}

	// Bibliographic details left, where it is and who wants it right; a
	// tall slip (a quarter sheet) has room for more lines of each.
	n := 1
	if r.h > 300 {
		n = 2
	}
	leftW := r.w*0.6 - 8
	rx, rw := r.x+r.w*0.6, r.w*0.4
	ly := c.field(r.x, y, leftW, lb.Title, s.Title, bold, 11, 3*n)
	ly = c.field(r.x, ly, leftW, lb.Author, s.Author, regular, 10, n)
	half := leftW/2 - 4
	vy := c.field(r.x, ly, half, lb.Volume, s.Volume, regular, 10, n)
	py := c.field(r.x+leftW/2, ly, half, lb.Pages, s.Pages, regular, 10, n)
	ly = max(vy, py)
	c.field(r.x, ly, leftW, "", s.Note, regular, 9, 2*n)

	ry := c.field(rx, y, rw, lb.Location, s.Location, bold, 11, 2*n)
	ry = c.field(rx, ry, rw, lb.Branch, s.Branch, regular, 10, n)
	c.field(rx, ry, rw, lb.Borrower, s.Borrower, regular, 10, 2*n)

	// The item's own barcode bottom right, with its caption to its left.
	if s.ItemBarcode != "" {
		by := r.y + r.h - 24
		bw, err := code128Width(s.ItemBarcode, moduleLaser)
		if err != nil {
			c.fail(err)
			return
		}
		bx := right - bw + code128Quiet*moduleLaser
		c.code128(s.ItemBarcode, bx, by, moduleLaser, 24)
		c.textRight(bx, by+10, regular, 8, lb.Item)
		c.textRight(bx, by+22, regular, 9, s.ItemBarcode)
	}
}
