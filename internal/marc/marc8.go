package marc

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// CharProblem is one byte sequence DecodeMARC8 could not decode.
type CharProblem struct {
	Offset int // offset of the first bad byte in the input
	Msg    string
}

// NeedsMARC8Decoding reports whether s holds anything but plain ASCII
// (bytes >= 0x80 or an escape), so that decoding can be skipped.
func NeedsMARC8Decoding(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c == 0x1B {
			return true
		}
	}
	return false
}

// DecodeMARC8 converts one MARC-8 string (a field or subfield value) to
// Unicode in NFC. The initial sets are ASCII (G0) and ANSEL (G1); escape
// sequences switch to Greek, Cyrillic, Hebrew, Arabic, the subscript,
// superscript and Greek-symbol sets, and EACC (CJK). Combining marks, which
// MARC-8 puts before their base letter, are moved after it. The right halves
// of the double diacritics (ligature, double tilde) are dropped because
// Unicode's double marks U+0361 and U+0360 span both letters. Bytes that map
// to nothing become U+FFFD and are reported.
func DecodeMARC8(s string) (string, []CharProblem) {
	if !NeedsMARC8Decoding(s) {
		return s, nil
	}
	t := loadTables()
	d := marc8Decoder{t: t, g0: setASCII, g1: setANSEL}
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	var pending []rune // combining marks waiting for their base
	combined := false
	lastGraphic := 0
	emit := func(e charEntry) {
		if e.comb {
			if e.r != 0xFE21 && e.r != 0xFE23 { // right halves of double marks
				pending = append(pending, e.r)
			}
			combined = true
			return
		}
		b.WriteRune(e.r)
		for _, m := range pending {
			b.WriteRune(m)
		}
		pending = pending[:0]
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0x1B:
			n, ok := d.escape(s[i:])
			if !ok {
				d.problems = append(d.problems, CharProblem{Offset: i, Msg: fmt.Sprintf("unknown escape sequence %q", s[i:min(len(s), i+4)])})
				emit(charEntry{r: utf8.RuneError, valid: true})
			}
			i += n
		case c == 0x20:
			emit(charEntry{r: ' ', valid: true})
			i++
		case c > 0x20 && c < 0x7F:
			lastGraphic = i
			n := d.graphic(s, i, d.g0, false, emit)
			i += n
		case c >= 0xA1 && c < 0xFF:
			lastGraphic = i
			n := d.graphic(s, i, d.g1, true, emit)
			i += n
		case c >= 0x80 && c <= 0xA0:
			// C1 controls and the ANSEL non-sort and joiner marks, which the
			// tables list with the high bit set.
			if e := d.single(d.g1, c); e.valid {
				emit(e)
			} else if e := d.single(setANSEL, c); e.valid {
				emit(e)
			} else {
				d.bad(i, fmt.Sprintf("byte 0x%02X has no MARC-8 meaning", c), emit)
			}
			i++
		case c == 0x7F || c == 0xFF:
			d.bad(i, fmt.Sprintf("byte 0x%02X has no MARC-8 meaning", c), emit)
			i++
		default: // other C0 controls pass through
			emit(charEntry{r: rune(c), valid: true})
			i++
		}
	}
	if len(pending) > 0 {
		// A combining mark at the end has no base letter: it is dropped
		// rather than put on the preceding character.
		d.problems = append(d.problems, CharProblem{Offset: lastGraphic, Msg: "combining mark without a base character"})
	}
	out := b.String()
	if combined {
		out = norm.NFC.String(out)
	}
	return out, d.problems
}

type marc8Decoder struct {
	t        *marc8Tables
	g0, g1   byte
	problems []CharProblem
}

func (d *marc8Decoder) single(set, code byte) charEntry {
	tab := d.t.single[set]
	if tab == nil {
		return charEntry{}
	}
	return tab[code]
}

func (d *marc8Decoder) bad(off int, msg string, emit func(charEntry)) {
	d.problems = append(d.problems, CharProblem{Offset: off, Msg: msg})
	emit(charEntry{r: utf8.RuneError, valid: true})
}

// graphic decodes the character at s[i] in set (G0 codes 0x21-0x7E, or G1
// codes with the high bit) and returns how many bytes it used.
func (d *marc8Decoder) graphic(s string, i int, set byte, high bool, emit func(charEntry)) int {
	if set == setCJK {
		if i+3 > len(s) {
			d.bad(i, "truncated EACC character", emit)
			return len(s) - i
		}
		key := uint32(s[i]&0x7F)<<16 | uint32(s[i+1]&0x7F)<<8 | uint32(s[i+2]&0x7F)
		if e, ok := d.t.cjk[key]; ok {
			emit(e)
		} else {
			d.bad(i, fmt.Sprintf("EACC code %06X not in the code table", key), emit)
		}
		return 3
	}
	code := s[i]
	if high {
		code &= 0x7F
	}
	if e := d.single(set, code); e.valid {
		emit(e)
	} else {
		d.bad(i, fmt.Sprintf("byte 0x%02X not in MARC-8 set %q", s[i], set), emit)
	}
	return 1
}

// escape interprets the escape sequence at the start of s, updating the
// designated sets, and returns its length. Forms (ESC = 0x1B):
// ESC ( F, ESC , F: G0 single-byte set F; ESC ) F, ESC - F: G1; ESC $ F,
// ESC $ , F: G0 multibyte; ESC $ ) F, ESC $ - F: G1 multibyte; an
// intermediate "!" may precede F (ANSEL is "!E"); ESC g, ESC b, ESC p,
// ESC s: technique 1 switch of G0 to Greek symbols, subscripts,
// superscripts, or back to ASCII.
func (d *marc8Decoder) escape(s string) (int, bool) {
	if len(s) < 2 {
		return len(s), false
	}
	switch s[1] {
	case 'g', 'b', 'p':
		d.g0 = s[1]
		return 2, true
	case 's':
		d.g0 = setASCII
		return 2, true
	}
	i := 1
	multi := false
	if s[i] == '$' {
		multi = true
		i++
	}
	if i >= len(s) {
		return len(s), false
	}
	target := &d.g0
	switch s[i] {
	case '(', ',':
		i++
	case ')', '-':
		target = &d.g1
		i++
	default:
		if !multi {
			return 2, false
		}
		// ESC $ F designates a multibyte G0 set directly.
	}
	if i < len(s) && s[i] == '!' {
		i++
	}
	if i >= len(s) {
		return len(s), false
	}
	f := s[i]
	if f != setCJK && d.t.single[f] == nil {
		return i + 1, false
	}
	*target = f
	return i + 1, true
}
