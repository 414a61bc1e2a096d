package pdf

import "fmt"

// Report is a generic table of figures or records, printed over as many
// pages as it needs with its title and column headings on each.
type Report struct {
	Title     string
	Subtitle  string // e.g. the period covered, printed under the title on page 1
	Columns   []Column
	Rows      [][]string // each row's cells in column order; missing cells print empty
	Paper     Paper
	Landscape bool
	Labels    Labels
}

// ReportPDF prints the report. It fails without columns; a report without
// rows prints its headings alone.
func ReportPDF(r Report) ([]byte, error) {
	if len(r.Columns) == 0 {
		return nil, fmt.Errorf("pdf: report %q: no columns", r.Title)
	}
	w, h, err := r.Paper.size()
	if err != nil {
		return nil, err
	}
	if r.Landscape {
		w, h = h, w
	}
	c, err := newCanvas(w, h, r.Title)
	if err != nil {
		return nil, err
	}
	lb := r.Labels.withDefaults()
	rows := make([]tableRow, len(r.Rows))
	for i, cells := range r.Rows {
		rows[i] = tableRow{cells: cells}
	}
	t := c.layoutTable(r.Columns, reportMargin, w-2*reportMargin, rows)
	c.drawPagedTable(t, func() float64 { return c.reportHeading(r) }, r.Title, r.Title, lb)
	return c.bytes()
}

// reportHeading draws the title and subtitle on page 1 and returns where
// the table starts.
func (c *canvas) reportHeading(r Report) float64 {
	x, w := reportMargin, c.w-2*reportMargin
	c.textFit(x, reportMargin+16, w, bold, 16, r.Title)
	y := reportMargin + 24.0
	if r.Subtitle != "" {
		y = c.paragraph(x, y+10, w, regular, 10, 13, r.Subtitle, 3) - 10
	}
	return y + 4
}
