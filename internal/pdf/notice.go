package pdf

import "fmt"

// Notice is a page of text in a box, such as the copyright warning put in
// front of a copy delivered electronically.
type Notice struct {
	Title      string
	Paragraphs []string
	Paper      Paper
}

// Notice layout, in points.
const (
	noticeMargin = 56.0
	noticePad    = 18.0
	noticeSize   = 11.0
	noticeLead   = noticeSize * 1.35
)

// NoticePDF prints the notice, boxed, continuing on further pages if it is
// too long for one. It fails without a title or text.
func NoticePDF(n Notice) ([]byte, error) {
	if n.Title == "" && len(n.Paragraphs) == 0 {
		return nil, fmt.Errorf("pdf: notice: no text")
	}
	w, h, err := n.Paper.size()
	if err != nil {
		return nil, err
	}
	c, err := newCanvas(w, h, n.Title)
	if err != nil {
		return nil, err
	}
	x, tw := noticeMargin+noticePad, w-2*(noticeMargin+noticePad)
	bottom := h - noticeMargin - noticePad

	// Lay out every line first, then fill pages with them.
	type line struct {
		text  string
		fc    face
		size  float64
		lead  float64
		space float64 // extra space before
	}
	var lines []line
	if n.Title != "" {
		for _, t := range c.fonts.wrap(bold, 15, n.Title, tw, 0) {
			lines = append(lines, line{text: t, fc: bold, size: 15, lead: 19})
		}
	}
	for _, p := range n.Paragraphs {
		for i, t := range c.fonts.wrap(regular, noticeSize, p, tw, 0) {
			sp := 0.0
			if i == 0 && len(lines) > 0 {
				sp = noticeLead * 0.6
			}
			lines = append(lines, line{text: t, fc: regular, size: noticeSize, lead: noticeLead, space: sp})
		}
	}

	top := noticeMargin + noticePad
	y := bottom + 1 // forces the first page
	boxTop := 0.0
	closeBox := func(last float64) {
		c.box(noticeMargin, boxTop, w-2*noticeMargin, last-boxTop+noticePad, 1.5)
	}
	prevBottom := 0.0
	for _, l := range lines {
		if y+l.space+l.lead > bottom {
			if boxTop > 0 {
				closeBox(prevBottom)
			}
			c.addPage()
			boxTop = noticeMargin
			y = top
			l.space = 0
		}
		y += l.space
		c.text(x, y+l.size, l.fc, l.size, l.text)
		y += l.lead
		prevBottom = y
	}
	closeBox(prevBottom)
	return c.bytes()
}
