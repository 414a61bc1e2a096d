package pdf

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// run is a stretch of text that one font draws.
type run struct {
	font *fontFile
	text string
}

// ellipsis ends text cut to fit.
const ellipsis = "…"

// cleanRune maps r to what a line of print should hold: whitespace
// becomes a space, and control and format characters (which have no ink)
// are dropped, reported by ok=false.
func cleanRune(r rune) (rune, bool) {
	switch {
	case r == utf8.RuneError:
		return r, true // invalid UTF-8 prints as the replacement mark
	case unicode.IsSpace(r):
		return ' ', true
	case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
		return 0, false
	}
	return r, true
}

// runs splits one line of text by the font that has each character. A
// character no font has is replaced by the set's visible fallback mark.
func (fs *fontSet) runs(fc face, s string) []run {
	var (
		out  []run
		cur  *fontFile
		buf  strings.Builder
		push = func() {
			if buf.Len() > 0 {
				out = append(out, run{font: cur, text: buf.String()})
				buf.Reset()
			}
		}
	)
	for _, r := range s {
		r, ok := cleanRune(r)
		if !ok {
			continue
		}
		f := fs.pick(fc, r)
		if r == ' ' && cur != nil && cur.hasGlyph(' ') {
			f = cur // keep spaces inside the current run
		}
		if f == nil {
			r, f = fs.fallback, fs.chains[fc][0]
		}
		if f != cur {
			push()
			cur = f
		}
		buf.WriteRune(r)
	}
	push()
	return out
}

// width is the advance of s set in face fc at size points.
func (fs *fontSet) width(fc face, size float64, s string) float64 {
	var w float64
	for _, rn := range fs.runs(fc, s) {
		w += rn.font.runWidth(rn.text, size)
	}
	return w
}

// runWidth is the advance of text, all of which this font draws.
func (f *fontFile) runWidth(text string, size float64) float64 {
	var units float64
	for _, r := range text {
		units += f.advance(r)
	}
	return units * size / 1000
}

// fit returns s, or its longest prefix followed by an ellipsis, that is at
// most maxW wide.
func (fs *fontSet) fit(fc face, size float64, s string, maxW float64) string {
	s = strings.TrimSpace(s)
	if fs.width(fc, size, s) <= maxW {
		return s
	}
	return fs.cut(fc, size, s, maxW)
}

// cut returns the longest prefix of s that, followed by an ellipsis, is at
// most maxW wide, with the ellipsis.
func (fs *fontSet) cut(fc face, size float64, s string, maxW float64) string {
	rs := []rune(strings.TrimSpace(s))
	lo, hi := 0, len(rs) // binary search the longest prefix that fits
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fs.width(fc, size, strings.TrimSpace(string(rs[:mid]))+ellipsis) <= maxW {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return strings.TrimSpace(string(rs[:lo])) + ellipsis
}

// fitSize returns the largest size between minSize and maxSize, in half
// points, at which s fits in maxW on one line (minSize when none does).
func (fs *fontSet) fitSize(fc face, s string, maxSize, minSize, maxW float64) float64 {
	for size := maxSize; size > minSize; size -= 0.5 {
		if fs.width(fc, size, s) <= maxW {
			return size
		}
	}
	return minSize
}

// wrap breaks s into lines at most maxW wide. Lines break at spaces and
// between CJK characters (which need no spaces); a word wider than a line
// is broken between characters. Newlines in s start new lines. With
// maxLines > 0 the last kept line ends in an ellipsis when text was cut.
func (fs *fontSet) wrap(fc face, size float64, s string, maxW float64, maxLines int) []string {
	var lines []string
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		lines = append(lines, fs.wrapParagraph(fc, size, para, maxW)...)
	}
	if maxLines > 0 && len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] = fs.cut(fc, size, lines[maxLines-1], maxW)
	}
	return lines
}

func (fs *fontSet) wrapParagraph(fc face, size float64, para string, maxW float64) []string {
	var (
		lines []string
		line  string
	)
	for _, tok := range tokens(para) {
		candidate := line + tok
		if line == "" {
			candidate = strings.TrimLeft(tok, " ")
		}
		if fs.width(fc, size, strings.TrimRight(candidate, " ")) <= maxW {
			line = candidate
			continue
		}
		if line != "" {
			lines = append(lines, strings.TrimRight(line, " "))
		}
		line = strings.TrimLeft(tok, " ")
		for fs.width(fc, size, strings.TrimRight(line, " ")) > maxW {
			head := fs.breakRunes(fc, size, line, maxW)
			lines = append(lines, head)
			line = strings.TrimLeft(line[len(head):], " ")
		}
	}
	if strings.TrimSpace(line) != "" || len(lines) == 0 {
		lines = append(lines, strings.TrimRight(line, " "))
	}
	return lines
}

// breakRunes returns the longest prefix of s (at least one character) that
// fits maxW.
func (fs *fontSet) breakRunes(fc face, size float64, s string, maxW float64) string {
	end := 0
	for i, r := range s {
		next := i + utf8.RuneLen(r)
		if end > 0 && fs.width(fc, size, s[:next]) > maxW {
			break
		}
		end = next
	}
	return s[:end]
}

// tokens splits a paragraph at its break opportunities: each token is a
// word with the spaces after it, or a single CJK character.
func tokens(s string) []string {
	var (
		out   []string
		start = 0
	)
	for i, r := range s {
		switch {
		case isCJK(r):
			if i > start {
				out = append(out, s[start:i])
			}
			out = append(out, s[i:i+utf8.RuneLen(r)])
			start = i + utf8.RuneLen(r)
		case r == ' ':
			// a break opportunity after this space unless another follows
			next := i + 1
			if next >= len(s) || s[next] != ' ' {
				out = append(out, s[start:next])
				start = next
			}
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// isCJK reports characters that may be broken between without a space.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303F) || // CJK punctuation
		(r >= 0xFF00 && r <= 0xFFEF) // full- and half-width forms
}
