package pdf

import "strconv"

// Align places text in a table column.
type Align int

// Column alignments.
const (
	AlignLeft Align = iota
	AlignRight
	AlignCenter
)

// Column is one column of a table.
type Column struct {
	Title string
	Width float64 // share of the table width, relative to the others; 0 counts as 1
	Align Align
}

// Table geometry, in points.
const (
	reportMargin = 40.0 // page margin of reports and invoices
	cellPad      = 3.0
	tableSize    = 9.0
	tableLeading = tableSize * 1.25
	maxCellLines = 8 // a longer cell is cut with an ellipsis
	footerSize   = 8.0
)

// tableRow is one row to print; bold rows (totals) have a rule above.
type tableRow struct {
	cells []string
	bold  bool
}

// table is a laid-out table: column positions and each row's wrapped
// lines, ready to paginate.
type table struct {
	cols   []Column
	xs, ws []float64 // left edge and width of each column
	header laidRow
	rows   []laidRow
}

type laidRow struct {
	lines [][]string // per cell
	h     float64
	bold  bool
}

// layoutTable wraps every cell to its column.
func (c *canvas) layoutTable(cols []Column, x, w float64, rows []tableRow) *table {
	t := &table{cols: cols}
	var total float64
	for _, col := range cols {
		total += colShare(col)
	}
	for _, col := range cols {
		cw := w * colShare(col) / total
		t.xs, t.ws = append(t.xs, x), append(t.ws, cw)
		x += cw
	}
	titles := make([]string, len(cols))
	for i, col := range cols {
		titles[i] = col.Title
	}
	t.header = c.layRow(t, tableRow{cells: titles, bold: true})
	for _, r := range rows {
		t.rows = append(t.rows, c.layRow(t, r))
	}
	return t
}

func colShare(col Column) float64 {
	if col.Width <= 0 {
		return 1
	}
	return col.Width
}

func (c *canvas) layRow(t *table, r tableRow) laidRow {
	fc := regular
	if r.bold {
		fc = bold
	}
	lr := laidRow{bold: r.bold, lines: make([][]string, len(t.cols))}
	n := 1
	for i := range t.cols {
		if i >= len(r.cells) || r.cells[i] == "" {
			continue
		}
		lr.lines[i] = c.fonts.wrap(fc, tableSize, r.cells[i], t.ws[i]-2*cellPad, maxCellLines)
		n = max(n, len(lr.lines[i]))
	}
	lr.h = float64(n)*tableLeading + 2*cellPad
	return lr
}

// paginate splits the rows into pages: the first page has firstH points
// for rows (after the header row), the others nextH.
func (t *table) paginate(firstH, nextH float64) [][]laidRow {
	var (
		pages [][]laidRow
		cur   []laidRow
		room  = firstH - t.header.h
	)
	for _, r := range t.rows {
		if r.h > room && len(cur) > 0 {
			pages = append(pages, cur)
			cur, room = nil, nextH-t.header.h
		}
		cur = append(cur, r)
		room -= r.h
	}
	return append(pages, cur)
}

// drawRow draws one row with its top at y and returns its bottom.
func (c *canvas) drawRow(t *table, r laidRow, y float64, shaded bool) float64 {
	left, right := t.xs[0], t.xs[len(t.xs)-1]+t.ws[len(t.ws)-1]
	if shaded {
		c.shade(left, y, right-left, r.h)
	}
	if r.bold {
		c.line(left, y, right, y, 0.8)
	}
	fc := regular
	if r.bold {
		fc = bold
	}
	for i, lines := range r.lines {
		base := y + cellPad + tableSize
		for _, line := range lines {
			switch t.cols[i].Align {
			case AlignRight:
				c.textRight(t.xs[i]+t.ws[i]-cellPad, base, fc, tableSize, line)
			case AlignCenter:
				c.textCenter(t.xs[i]+t.ws[i]/2, base, fc, tableSize, line)
			default:
				c.text(t.xs[i]+cellPad, base, fc, tableSize, line)
			}
			base += tableLeading
		}
	}
	y += r.h
	c.line(left, y, right, y, 0.25)
	return y
}

// drawPagedTable prints the table over as many pages as it needs, with
// the header row repeated on each, and returns the bottom of the last row.
// first draws page 1's heading and returns where the table starts there;
// later pages get a one-line continuation heading. footer goes bottom left
// on every page and the page number bottom right.
func (c *canvas) drawPagedTable(t *table, first func() float64, title, footer string, lb Labels) float64 {
	margin := reportMargin
	bottom := c.h - margin - 2*footerSize
	c.addPage()
	y := first()
	pages := t.paginate(bottom-y, bottom-continuationTop)
	for p, rows := range pages {
		if p > 0 {
			c.addPage()
			y = c.continuationHeading(title, lb)
		}
		y = c.drawRow(t, t.header, y, true)
		for _, r := range rows {
			y = c.drawRow(t, r, y, false)
		}
		c.pageFooter(margin, footer, lb, p+1, len(pages))
	}
	return y
}

// continuationTop is where the table starts under a continuation heading.
const continuationTop = reportMargin + 28

// continuationHeading prints "title (continued)" and returns continuationTop.
func (c *canvas) continuationHeading(title string, lb Labels) float64 {
	c.textFit(reportMargin, reportMargin+16, c.w-2*reportMargin, bold, 14, title+" ("+lb.Continued+")")
	return continuationTop
}

// pageFooter prints footer text bottom left and "Page n / N" bottom right.
func (c *canvas) pageFooter(margin float64, text string, lb Labels, page, pages int) {
	y := c.h - margin
	c.textFit(margin, y, (c.w-2*margin)*0.7, regular, footerSize, text)
	c.textRight(c.w-margin, y, regular, footerSize, lb.Page+" "+strconv.Itoa(page)+" / "+strconv.Itoa(pages))
}
