package pdf

// HoldSlip goes in an item on the hold shelf, naming the patron who
// collects it. The name is printed: the slip is paper at the desk.
type HoldSlip struct {
	RequestID      string // printed as Code128 and text
	PatronName     string // printed large
	PatronID       string // optional, e.g. the last digits of a library card
	PickupLocation string
	PickupBy       string // deadline, formatted by the caller
	Title          string
}

// HoldSlipBatch is slips printed together, in order.
type HoldSlipBatch struct {
	Paper   Paper
	PerPage int // 2, 3 or 4 as for pull slips; 0 means 3
	Slips   []HoldSlip
	Labels  Labels
}

// HoldSlips prints the batch with cut lines between slips. It fails for an
// empty batch or a slip without a request id.
func HoldSlips(b HoldSlipBatch) ([]byte, error) {
	lb := b.Labels.withDefaults()
	return slipPages("hold slip", "Hold slips", b.Paper, b.PerPage, b.Slips,
		func(s HoldSlip) string { return s.RequestID },
		func(c *canvas, r region, s HoldSlip) { c.holdSlip(r, s, lb) })
}

func (c *canvas) holdSlip(r region, s HoldSlip, lb Labels) {
	if s.PatronName != "" {
		size := c.fonts.fitSize(bold, s.PatronName, 26, 12, r.w)
		y := c.field(r.x, r.y, r.w, lb.Patron, s.PatronName, bold, size, 1)
		if s.PatronID != "" {
			c.text(r.x, y+6, regular, 10, s.PatronID)
		}
	}
	y := r.y + 56
	half := r.w/2 - 6
	ly := c.field(r.x, y, half, lb.PickupAt, s.PickupLocation, bold, 12, 2)
	ry := c.field(r.x+r.w/2, y, half, lb.PickupBy, s.PickupBy, bold, 14, 1)
	y = max(ly, ry)
	y = c.field(r.x, y, r.w, lb.Title, s.Title, regular, 10, 2)
	by := max(y+4, r.y+r.h-46)
	c.code128(s.RequestID, r.x-code128Quiet*moduleLaser, by, moduleLaser, 30)
	c.text(r.x, by+30+11, regular, 9, lb.Request+" "+s.RequestID)
}
