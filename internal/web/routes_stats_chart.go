package web

import (
	"math"
	"strconv"
	"strings"
)

// Charts are drawn on the server as SVG (no script, nothing vendored):
// the handlers turn a series into rectangles, lines and labels placed in
// a fixed viewBox, and stats_charts.html draws them. Every chart comes
// with the table of its numbers beside it and a CSV of the same.

// svgChart is one chart, ready to draw.
type svgChart struct {
	ID, Title, Desc string
	W, H            float64
	Bars            []chartBar
	Lines           []chartPolyline
	Grid            []chartLine
	Texts           []chartText
	Legend          []chartKey
	Table           chartTable
	CSV             string // href of the chart's CSV
	Empty           bool   // nothing to draw: the template says so
}

type chartBar struct {
	X, Y, W, H float64
	Class      string
	Title      string // read out and shown on hover
}

type chartPolyline struct {
	Points string
	Class  string
}

type chartLine struct{ X1, Y1, X2, Y2 float64 }

type chartText struct {
	X, Y   float64
	Text   string
	Anchor string // start, middle, end
	Class  string
	Turn   float64 // degrees to rotate about (X, Y); 0 for none
}

type chartKey struct{ Label, Class string }

// chartTable is a table of numbers: a caption, column heads, rows. The
// columns from NumFrom on are numbers (aligned right; 0 means from the
// second column); Data marks the columns that hold data people typed or
// codes of other systems (not translated).
type chartTable struct {
	Caption string
	Head    []string
	Rows    [][]string
	NumFrom int
	Data    []bool
	// Wide tables (many columns) take the whole width of a grid of
	// tables.
	Wide bool
	// CSV, when set, is the href of the table as CSV (shown under it);
	// ID names the table in that href (see statsTableCSV).
	CSV, ID string
}

// numeric reports whether column i holds numbers.
func (t chartTable) Numeric(i int) bool {
	if t.NumFrom == 0 {
		return i >= 1
	}
	return i >= t.NumFrom
}

// IsData reports whether column i holds data.
func (t chartTable) IsData(i int) bool { return i < len(t.Data) && t.Data[i] }

// chartSeries is one series of values.
type chartSeries struct {
	Label  string
	Class  string
	Values []float64
}

const (
	chartW, chartH                      = 640.0, 260.0
	padLeft, padRight, padTop, padBelow = 48.0, 12.0, 12.0, 44.0
)

// niceScale picks an axis maximum and a step (1, 2 or 5 times a power of
// ten) that give about four grid lines.
func niceScale(max float64) (float64, float64) {
	if max <= 0 || math.IsNaN(max) {
		return 1, 1
	}
	raw := max / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if step < 1 {
		step = 1 // counts: whole steps
	}
	return math.Ceil(max/step) * step, step
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// yAxis draws the value grid and its labels.
func (c *svgChart) yAxis(top float64, step float64, label func(float64) string) {
	plotH := c.H - padTop - padBelow
	for v := 0.0; v <= top+step/2; v += step {
		y := c.H - padBelow - v/top*plotH
		c.Grid = append(c.Grid, chartLine{padLeft, y, c.W - padRight, y})
		c.Texts = append(c.Texts, chartText{X: padLeft - 6, Y: y + 4, Text: label(v), Anchor: "end", Class: "axis"})
	}
}

// groupedBars draws categories along the x axis with a bar per series in
// each; labels may be "" to leave a category unlabelled. title gives each
// bar's tooltip.
func groupedBars(id, title, desc string, cats []string, series []chartSeries, title1 func(cat int, s chartSeries, v float64) string, yLabel func(float64) string) *svgChart {
	c := &svgChart{ID: id, Title: title, Desc: desc, W: chartW, H: chartH}
	max := 0.0
	for _, s := range series {
		c.Legend = append(c.Legend, chartKey{s.Label, s.Class})
		for _, v := range s.Values {
			max = math.Max(max, v)
		}
	}
	if len(cats) == 0 || max == 0 {
		c.Empty = true
	}
	top, step := niceScale(max)
	c.yAxis(top, step, yLabel)
	plotW, plotH := c.W-padLeft-padRight, c.H-padTop-padBelow
	slot := plotW / float64(max1(len(cats)))
	barW := slot * 0.8 / float64(max1(len(series)))
	for i, cat := range cats {
		x0 := padLeft + slot*float64(i) + slot*0.1
		for k, s := range series {
			v := s.Values[i]
			h := v / top * plotH
			c.Bars = append(c.Bars, chartBar{X: x0 + barW*float64(k), Y: c.H - padBelow - h, W: math.Max(barW-1, 1), H: h, Class: s.Class, Title: title1(i, s, v)})
		}
		if cat != "" {
			c.xLabel(x0+slot*0.4, slot, cat)
		}
	}
	return c
}

// charW is about how wide a character of the charts' 11px text is in
// viewBox units (a little generous, so labels never touch).
const charW = 6.4

// xLabel writes a category's label under the x axis; one that would not
// fit its slot is turned (-35°) so that neighbouring labels never run
// into each other. A label stays one text: a translation or a date is
// never cut in two.
func (c *svgChart) xLabel(x, slot float64, text string) {
	y := c.H - padBelow + 16
	t := chartText{X: x, Y: y, Text: text, Anchor: "middle", Class: "axis"}
	if float64(len([]rune(text)))*charW > slot {
		t.Anchor, t.Turn = "end", -35
	}
	c.Texts = append(c.Texts, t)
}

// fitLabel shortens a label to at most n characters with an ellipsis.
func fitLabel(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:max(n-1, 1)]) + "…"
}

// lineChart draws each series as a line over the categories.
func lineChart(id, title, desc string, cats []string, series []chartSeries, yLabel func(float64) string) *svgChart {
	c := &svgChart{ID: id, Title: title, Desc: desc, W: chartW, H: chartH}
	max := 0.0
	for _, s := range series {
		c.Legend = append(c.Legend, chartKey{s.Label, s.Class})
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				max = math.Max(max, v)
			}
		}
	}
	if len(cats) == 0 || max == 0 {
		c.Empty = true
	}
	top, step := niceScale(max)
	c.yAxis(top, step, yLabel)
	plotW, plotH := c.W-padLeft-padRight, c.H-padTop-padBelow
	slot := plotW / float64(max1(len(cats)))
	// A value that is NaN (a month still to come) breaks the line.
	for _, s := range series {
		pts := ""
		flush := func() {
			if pts != "" {
				c.Lines = append(c.Lines, chartPolyline{Points: strings.TrimSpace(pts), Class: s.Class})
			}
			pts = ""
		}
		for i, v := range s.Values {
			if math.IsNaN(v) {
				flush()
				continue
			}
			x, y := padLeft+slot*(float64(i)+0.5), c.H-padBelow-v/top*plotH
			pts += fmtNum(math.Round(x*10)/10) + "," + fmtNum(math.Round(y*10)/10) + " "
		}
		flush()
	}
	for i, cat := range cats {
		c.xLabel(padLeft+slot*(float64(i)+0.5), slot, cat)
	}
	return c
}

// hBars draws one horizontal bar per label, value labels at their ends;
// max is the axis maximum (e.g. 1 for rates).
func hBars(id, title, desc string, labels []string, values []float64, max float64, valueText []string, class string) *svgChart {
	rowH := 22.0
	c := &svgChart{ID: id, Title: title, Desc: desc, W: chartW, H: padTop + rowH*float64(max1(len(labels))) + 8}
	if len(labels) == 0 {
		c.Empty = true
	}
	// The labels' column is as wide as the longest label needs, within
	// limits; a label longer than that is shortened (the bar's tooltip
	// and the table beside the chart keep it whole).
	longest := 0
	for _, l := range labels {
		if n := len([]rune(l)); n > longest {
			longest = n
		}
	}
	left, right := math.Min(math.Max(float64(longest)*charW+16, 120), 300), 70.0
	fit := int((left - 16) / charW)
	plotW := c.W - left - right
	for i, full := range labels {
		l := fitLabel(full, fit)
		y := padTop + rowH*float64(i)
		w := 0.0
		if max > 0 {
			w = values[i] / max * plotW
		}
		c.Texts = append(c.Texts, chartText{X: left - 8, Y: y + 15, Text: l, Anchor: "end", Class: "axis"})
		c.Bars = append(c.Bars, chartBar{X: left, Y: y + 3, W: math.Max(w, 1), H: rowH - 6, Class: class, Title: full + ": " + valueText[i]})
		c.Texts = append(c.Texts, chartText{X: left + w + 6, Y: y + 15, Text: valueText[i], Anchor: "start", Class: "value"})
	}
	return c
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}
