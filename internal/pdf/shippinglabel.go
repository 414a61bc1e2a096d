package pdf

import (
	"fmt"
	"strings"
)

// LabelStock is what shipping labels print on.
type LabelStock string

// Label stocks: a 4×6 inch thermal label a page, or two labels (top and
// bottom half, with a cut line) on an office sheet.
const (
	Stock4x6    LabelStock = "4x6"
	StockA4     LabelStock = "a4"
	StockLetter LabelStock = "letter"
)

// ShippingLabel goes on a parcel between libraries.
type ShippingLabel struct {
	RequestID string   // printed as Code128 and text
	ShipTo    []string // recipient: library name, then address lines
	ReturnTo  []string // sender, where the item comes back to
	Due       string   // formatted by the caller
	Customs   string   // for international parcels, e.g. "Library loan - to be returned. No commercial value."
	QR        string   // optional: a QR code, such as a link to check the parcel in
	Note      string   // a short handling note
}

// ShippingLabelBatch is labels printed together, in order.
type ShippingLabelBatch struct {
	Stock  LabelStock
	Items  []ShippingLabel
	Labels Labels
}

// ShippingLabels prints the batch on its stock. It fails for an empty
// batch, an unknown stock, or a label without a request id or recipient.
func ShippingLabels(b ShippingLabelBatch) ([]byte, error) {
	if len(b.Items) == 0 {
		return nil, fmt.Errorf("pdf: shipping labels: empty batch")
	}
	for i, l := range b.Items {
		if l.RequestID == "" || len(l.ShipTo) == 0 {
			return nil, fmt.Errorf("pdf: shipping label %d: request id and ship-to address are required", i+1)
		}
	}
	var (
		w, h    float64
		rows    = 2
		module  = moduleLaser
		margin  = 24.0
		err     error
		pageRgn []region
	)
	switch b.Stock {
	case Stock4x6:
		w, h, rows, module, margin = 4*72, 6*72, 1, moduleThermal, 12
	case StockA4:
		w, h, err = A4.size()
	case StockLetter:
		w, h, err = Letter.size()
	default:
		return nil, fmt.Errorf("pdf: unknown label stock %q (want %q, %q or %q)", b.Stock, Stock4x6, StockA4, StockLetter)
	}
	if err != nil {
		return nil, err
	}
	c, err := newCanvas(w, h, "Shipping labels")
	if err != nil {
		return nil, err
	}
	lb := b.Labels.withDefaults()
	pageRgn = grid(w, h, 1, rows)
	for i, l := range b.Items {
		slot := i % len(pageRgn)
		if slot == 0 {
			c.addPage()
			c.drawCutLines(w, h, 1, rows)
		}
		c.shippingLabel(pageRgn[slot].inset(margin), l, lb, module)
	}
	return c.bytes()
}

// shippingLabel lays out one label in r: return address, the recipient
// large, the request barcode, the due date and any customs line.
func (c *canvas) shippingLabel(r region, l ShippingLabel, lb Labels, module float64) {
	right := r.x + r.w
	y := c.field(r.x, r.y, r.w, lb.ReturnTo, strings.Join(l.ReturnTo, "\n"), regular, 9, 5)
	if len(l.ReturnTo) > 0 {
		c.line(r.x, y, right, y, 0.5)
		y += 6
	}

	// The recipient as large as its longest line allows.
	size := 16.0
	for _, line := range l.ShipTo {
		size = min(size, c.fonts.fitSize(bold, line, 16, 10, r.w-12))
	}
	c.caption(r.x, y+captionSize, lb.ShipTo)
	shipTop := y + captionSize + 2
	by := c.paragraph(r.x+12, shipTop+size, r.w-12, bold, size, size*1.2, strings.Join(l.ShipTo, "\n"), 7)
	c.line(r.x+2, shipTop, r.x+2, by-size*1.2+c.fonts.depth(size), 2)
	y = by - size*1.2 + c.fonts.depth(size) + 10
	c.line(r.x, y, right, y, 0.5)
	y += 8

	// Request barcode left, QR right, due date under them.
	barH := min(50, r.h/6)
	c.code128(l.RequestID, r.x-code128Quiet*module, y, module, barH)
	c.text(r.x, y+barH+12, bold, 12, lb.Request+" "+l.RequestID)
	rowH := barH + 20
	if l.QR != "" {
		side, err := qrSide(l.QR, qrModule)
		if err != nil {
			c.fail(err)
			return
		}
		quiet := qrQuiet * qrModule // the margin may hold the white border
		c.qr(l.QR, right-side+quiet, y, qrModule)
		rowH = max(rowH, side+4)
	}
	y += rowH
	if l.Due != "" {
		size := c.fonts.fitSize(bold, l.Due, 18, 10, r.w)
		y = c.field(r.x, y, r.w, lb.Due, l.Due, bold, size, 1)
	}
	y = c.field(r.x, y, r.w, "", l.Note, regular, 9, 2)

	if l.Customs != "" {
		lines := c.fonts.wrap(bold, 9, l.Customs, r.w-12, 4)
		bh := float64(len(lines))*11 + 10
		top := max(y, r.y+r.h-bh)
		c.box(r.x, top, r.w, bh, 1)
		c.paragraph(r.x+6, top+5+9, r.w-12, bold, 9, 11, l.Customs, 4)
	}
}
