package pdf

import "fmt"

// Paper is a sheet size for office printers.
type Paper string

// Sheet sizes.
const (
	A4     Paper = "a4"
	Letter Paper = "letter"
)

// mm is one millimetre in points.
const mm = 72 / 25.4

// size returns the sheet's width and height in points; the zero Paper is A4.
func (p Paper) size() (w, h float64, err error) {
	switch p {
	case A4, "":
		return 210 * mm, 297 * mm, nil
	case Letter:
		return 8.5 * 72, 11 * 72, nil
	}
	return 0, 0, fmt.Errorf("pdf: unknown paper %q (want %q or %q)", p, A4, Letter)
}

// region is a rectangle of a page that holds one slip or label.
type region struct{ x, y, w, h float64 }

// inset returns r shrunk by d on every side.
func (r region) inset(d float64) region {
	return region{r.x + d, r.y + d, r.w - 2*d, r.h - 2*d}
}

// grid divides a w×h page into cols×rows equal regions, in reading order.
func grid(w, h float64, cols, rows int) []region {
	out := make([]region, 0, cols*rows)
	cw, rh := w/float64(cols), h/float64(rows)
	for r := range rows {
		for col := range cols {
			out = append(out, region{float64(col) * cw, float64(r) * rh, cw, rh})
		}
	}
	return out
}

// drawCutLines draws dashed lines between the regions of a cols×rows grid.
func (c *canvas) drawCutLines(w, h float64, cols, rows int) {
	for col := 1; col < cols; col++ {
		x := w * float64(col) / float64(cols)
		c.cutLine(x, 0, x, h)
	}
	for r := 1; r < rows; r++ {
		y := h * float64(r) / float64(rows)
		c.cutLine(0, y, w, y)
	}
}
